/*
 * compare_html: `mapbench compare --html FILE.html`: the comparison as a
 * self-contained page (report.h's frame), written aside then renamed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "compare_data.h"
#include "compare_html.h"
#include "compare_id.h"
#include "compare_text.h"
#include "report_html.h"
#include "stats.h"

/* ---------------------------------------------------------------- */
/* the HTML page */

/* The metric, how to read a cell, and the inputs. */
static void
html_intro(FILE *f, const struct cmp *c)
{
	fputs("<h1>mapbench compare</h1>\n<p>", f);
	fputs("Metric <b>", f);
	report_html_escape(f, c->metric);
	fprintf(f,
		"</b> (%s). Each cell: median over the repetitions "
		"&plusmn; its 95%% confidence interval. <i>vs %s</i>: "
		"the ratio of medians as a change, its %.0f%% interval "
		"and the Mann&ndash;Whitney U p-value; "
		"<span class=same>~</span> marks a difference that is "
		"not significant at alpha=%g. A <b>*</b> after a median: fewer "
		"than 6 repetitions, so its interval is [min, max] and "
		"covers less than 95%% (hover for how much).</p>\n",
		compare_direction_text(c->better), c->in[0].label,
		(1 - c->alpha) * 100, c->alpha);
	fputs("<div class=scroll><table><tr><th>input</th><th>source</th>"
	      "<th>rows</th><th>not ok</th></tr>\n",
	      f);
	for (int i = 0; i < c->nin; i++) {
		fprintf(f, "<tr><td>%s</td><td>", c->in[i].label);
		report_html_escape(f, c->in[i].name);
		fprintf(f, "</td><td>%zu</td><td>%zu</td></tr>\n",
			c->in[i].rows, c->in[i].not_ok);
	}
}

/* The machines from meta.json, one column per source. */
static void
html_machines(FILE *f, const struct cmp *c)
{
	/* one column per source: --impl columns share a machine */
	int ncol = c->nsrc == 1 ? 1 : c->nin;
	char buf[512];

	fputs("</table></div>\n<h2>Machines</h2>\n<div class=scroll><table "
	      "class=kv><tr><th></th>",
	      f);
	for (int i = 0; i < ncol; i++)
		fprintf(f, "<th>%s</th>", ncol == 1 ? "" : c->in[i].label);
	fputs("</tr>\n", f);
	for (int r = 0; sweepdir_machine_rows[r].label; r++) {
		bool any = false;

		for (int i = 0; i < c->nsrc; i++) {
			sweepdir_meta_value(c->src[i].meta,
					    sweepdir_machine_rows[r].path, buf,
					    sizeof(buf));
			any |= buf[0] != '\0';
		}
		if (!any)
			continue;
		fprintf(f, "<tr><th>%s</th>", sweepdir_machine_rows[r].label);
		for (int i = 0; i < ncol; i++) {
			sweepdir_meta_value(c->src[c->in[i].src].meta,
					    sweepdir_machine_rows[r].path, buf,
					    sizeof(buf));
			fputs("<td>", f);
			report_html_escape(f, buf[0] ? buf : "?");
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

/*
 * The rest of a number cell whose "<td class=..." is written: its note
 * (if any) as the title, then text, then `tail` (a "*" marks a median
 * with a note).
 */
static void
html_num_cell(FILE *f, const char *note, const char *text, const char *tail)
{
	if (note[0]) {
		fputs(" title=\"", f);
		report_html_escape(f, note);
		fputs("\"", f);
	}
	fputs(">", f);
	report_html_escape(f, text);
	fputs(tail, f);
}

/* One configuration's row: each input's median and its change vs A. */
static void
html_row(FILE *f, const struct cmp *c, const struct config *g)
{
	char buf[512], note[512], label[1024];

	compare_row_label(c, g, label, sizeof(label), false);
	fputs("<tr><td>", f);
	report_html_escape(f, label);
	fputs("</td>", f);
	for (int j = 0; j < c->nin; j++) {
		const struct cell *cl = &g->cell[j];
		const char *cls = "";

		compare_summary_text(&cl->sum, buf, sizeof(buf), note,
				     sizeof(note));
		fputs("<td class=num", f);
		html_num_cell(f, note, buf, note[0] ? "*</td>" : "</td>");
		if (!j)
			continue;
		compare_delta_text(&cl->ratio, &cl->test, cl->verdict,
				   g->cell[0].sum.n, cl->sum.n, c->better,
				   c->alpha, buf, sizeof(buf), note,
				   sizeof(note));
		if (cl->verdict == VERDICT_SIG && c->better)
			cls = (cl->ratio.ratio > 1) == (c->better > 0)
				      ? " better"
				      : " worse";
		else if (cl->verdict != VERDICT_SIG)
			cls = " same";
		fprintf(f, "<td class=\"num%s\"", cls);
		html_num_cell(f, note, buf, "</td>");
	}
	fputs("</tr>\n", f);
}

/* One group's table (a map's, or the metric's), closed by its geomean. */
static void
html_group(FILE *f, const struct cmp *c, const char *group)
{
	char buf[512];
	struct geo geo;

	fputs("<h2>", f);
	report_html_escape(f, group[0] ? group : c->metric);
	fputs("</h2>\n<div class=scroll><table class=summary><tr>"
	      "<th>configuration</th>",
	      f);
	for (int j = 0; j < c->nin; j++) {
		fputs("<th>", f);
		report_html_escape(f, c->in[j].label);
		if (c->impls) {
			fputs(": ", f);
			report_html_escape(f, c->in[j].name);
		}
		fputs("</th>", f);
		if (j)
			fprintf(f, "<th>vs %s</th>", c->in[0].label);
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < c->ncfg; i++)
		if (!strcmp(c->cfg[i].group, group))
			html_row(f, c, &c->cfg[i]);
	compare_geomean(c, group, &geo);
	if (geo.n) {
		fprintf(f, "<tr class=geo><td>geomean (%zu)</td>", geo.n);
		for (int j = 0; j < c->nin && j < 64; j++) {
			compare_fmt_num(buf, sizeof(buf), geo.med[j]);
			fprintf(f, "<td class=num>%s</td>", buf);
			if (j) {
				compare_geo_text(&geo, j, buf, sizeof(buf));
				fprintf(f, "<td class=num>%s</td>", buf);
			}
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

/* The --plot figure, by relative name when it sits beside the page. */
static void
html_figure(FILE *f, const struct cmp *c)
{
	char a[4200], b[4200], *da, *db;

	snprintf(a, sizeof(a), "%s", c->plot);
	snprintf(b, sizeof(b), "%s", c->html);
	da = dirname(a);
	db = dirname(b);
	fputs("<h2>Ratios</h2>\n<figure><img alt=\"ratios\" src=\"", f);
	if (strcmp(da, db) == 0) {
		snprintf(a, sizeof(a), "%s", c->plot);
		report_html_escape_url(f, basename(a));
	} else {
		char *rp = realpath(c->plot, NULL);

		report_html_escape_url(f, rp ? rp : c->plot);
		free(rp);
	}
	fputs("\"><figcaption>One panel per thread count; a dot per "
	      "configuration and input: its median over the first "
	      "input's, the bar its interval. The dashed line is "
	      "&ldquo;no change&rdquo;; a bar that crosses it is not "
	      "a significant difference.</figcaption></figure>\n",
	      f);
}

int
compare_write_html(struct cmp *c)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", c->html);
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "mapbench: compare: --html: %s: %s\n", tmp,
			strerror(errno));
		return 1;
	}
	report_html_begin(f, "mapbench compare");
	html_intro(f, c);
	html_machines(f, c);
	if (c->warn[0]) {
		fputs("<p class=warn>The inputs were measured differently: ",
		      f);
		report_html_escape(f, c->warn);
		fputs("</p>\n", f);
	}
	for (size_t gi = 0; gi < c->ngroups; gi++)
		html_group(f, c, c->groups[gi]);
	if (c->plot)
		html_figure(f, c);
	report_html_end(f);
	if (compare_file_check(f, tmp) || rename(tmp, c->html)) {
		fprintf(stderr, "mapbench: compare: --html: %s: %s\n", c->html,
			strerror(errno));
		unlink(tmp);
		return 1;
	}
	return 0;
}

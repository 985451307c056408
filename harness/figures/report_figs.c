/*
 * report_figs: the sweep page's figures: every *.svg of the plot folder
 * in the figure table's order (figures.h), each with its caption and,
 * behind a <details>, the data it draws from summary.tsv.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "figures.h"
#include "report_figs.h"
#include "report_html.h"
#include "report_tsv.h"

static int
svg_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 &&
	       strcmp(d->d_name + n - 4, ".svg") == 0;
}

/* The figure table's order, then by name. */
static int
cmp_fig(const struct dirent **a, const struct dirent **b)
{
	size_t ra = figure_rank((*a)->d_name), rb = figure_rank((*b)->d_name);

	if (ra != rb)
		return ra < rb ? -1 : 1;
	return strverscmp((*a)->d_name, (*b)->d_name);
}

/* The columns NAME_med, _lo, _hi, _min, _max, _n of one metric. */
#define DATA_COLS 6

/*
 * One row of a figure's data: map, keys (with_keys: the figure shows
 * several), threads, read %, then per metric its median, interval,
 * min-max and n.
 */
static void
data_row(FILE *f, const struct tsv *s, size_t r, bool with_keys,
	 int cols[][DATA_COLS], int nm)
{
	fputs("<tr><td>", f);
	report_html_escape(f, report_tsv_get(s, r, report_tsv_col(s, "impl")));
	if (with_keys) {
		fputs("</td><td class=num>", f);
		report_html_escape(
			f, report_tsv_get(s, r, report_tsv_col(s, "keys")));
	}
	fputs("</td><td class=num>", f);
	report_html_escape(f,
			   report_tsv_get(s, r, report_tsv_col(s, "threads")));
	fputs("</td><td class=num>", f);
	report_html_escape(f,
			   report_tsv_get(s, r, report_tsv_col(s, "read_pct")));
	fputs("</td>", f);
	for (int i = 0; i < nm; i++) {
		fputs("<td class=num>", f);
		report_put_sig(f, report_tsv_num(s, r, cols[i][0]));
		fputs("</td><td class=num>", f);
		if (!isnan(report_tsv_num(s, r, cols[i][1]))) {
			report_put_sig(f, report_tsv_num(s, r, cols[i][1]));
			fputs("&ndash;", f);
			report_put_sig(f, report_tsv_num(s, r, cols[i][2]));
		} else {
			fputs("NA", f);
		}
		fputs("</td><td class=num>", f);
		report_put_sig(f, report_tsv_num(s, r, cols[i][3]));
		fputs("&ndash;", f);
		report_put_sig(f, report_tsv_num(s, r, cols[i][4]));
		fputs("</td><td class=num>", f);
		report_html_escape(f, report_tsv_get(s, r, cols[i][5]));
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

/*
 * The data a figure draws, from summary.tsv: the rows of its dist (and
 * key count, when its name has one), a column group per metric.
 */
static void
write_fig_data(FILE *f, const struct tsv *s, const struct figure_def *fd,
	       const char *name)
{
	const char *rest = name + strlen(fd->prefix), *kp;
	char tag[64], keys[32] = "", metrics[128], *save, *m;
	int cols[8][DATA_COLS], nm = 0;
	int cd = report_tsv_col(s, "dist"), ck = report_tsv_col(s, "keys");
	size_t len, shown = 0;

	if (!s->nrows || !fd->metrics)
		return;
	len = strcspn(rest, ".");
	kp = strstr(rest, "_k");
	if (kp && kp < rest + len) {
		snprintf(keys, sizeof(keys), "%.*s", (int)(rest + len - kp - 2),
			 kp + 2);
		len = (size_t)(kp - rest);
	}
	snprintf(tag, sizeof(tag), "%.*s", (int)len, rest);
	snprintf(metrics, sizeof(metrics), "%s", fd->metrics);
	for (m = strtok_r(metrics, " ", &save); m && nm < 8;
	     m = strtok_r(NULL, " ", &save)) {
		static const char *const suf[DATA_COLS] = {"med", "lo",	 "hi",
							   "min", "max", "n"};
		char col[64];

		for (int j = 0; j < DATA_COLS; j++) {
			snprintf(col, sizeof(col), "%s_%s", m, suf[j]);
			cols[nm][j] = report_tsv_col(s, col);
		}
		nm++;
	}
	fputs("<details><summary>The data drawn (summary.tsv)</summary>"
	      "<div class=scroll><table class=data><tr><th>map</th>",
	      f);
	if (!keys[0])
		fputs("<th>keys</th>", f);
	fputs("<th>threads</th><th>read %</th>", f);
	snprintf(metrics, sizeof(metrics), "%s", fd->metrics);
	for (m = strtok_r(metrics, " ", &save); m;
	     m = strtok_r(NULL, " ", &save)) {
		fputs("<th>", f);
		report_html_escape(f, m);
		fputs(" median</th><th>95% interval</th><th>min&ndash;max</th>"
		      "<th>n</th>",
		      f);
	}
	fputs("</tr>\n", f);
	for (size_t r = 0; r < s->nrows; r++) {
		char dt[64];
		bool any = false;

		figure_dist_tag(report_tsv_get(s, r, cd), dt, sizeof(dt));
		if (strcmp(dt, tag) ||
		    (keys[0] && strcmp(report_tsv_get(s, r, ck), keys)))
			continue;
		for (int i = 0; i < nm; i++)
			any |= !isnan(report_tsv_num(s, r, cols[i][0]));
		if (!any)
			continue;
		shown++;
		data_row(f, s, r, !keys[0], cols, nm);
	}
	fprintf(f,
		"</table></div><p class=note>%zu rows; 95%% interval NA: "
		"fewer than 6 values.</p></details>\n",
		shown);
}

/* Every *.svg of the plot folder, in the figure table's order. */
void
report_write_figures(FILE *f, const char *plot_dir, const struct tsv *s)
{
	struct dirent **names = NULL;
	int n = scandir(plot_dir, &names, svg_filter, cmp_fig), shown = 0;

	fputs("<h2 id=figures>Figures</h2>\n", f);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		const struct figure_def *fd = figure_find(name);

		/* the heatmaps are the tables above */
		if (fd && !strcmp(fd->prefix, "heatmap_"))
			continue;
		shown++;
		fputs("<figure><img loading=lazy src=\"", f);
		report_html_escape_url(f, name);
		fputs("\" alt=\"", f);
		report_html_escape(f, name);
		fputs("\"><figcaption><b>", f);
		report_html_escape(f, name);
		fputs("</b>: ", f);
		report_html_escape(
			f, fd ? fd->caption
			   : !strncmp(name, "timeline-", 9)
				   ? figure_timeline_caption
				   : "A figure of this sweep; its title and "
				     "axes say what it shows.");
		fputs("</figcaption>\n", f);
		if (fd)
			write_fig_data(f, s, fd, name);
		fputs("</figure>\n", f);
	}
	if (shown == 0)
		fputs("<p>No figures (*.svg) in this folder.</p>\n", f);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

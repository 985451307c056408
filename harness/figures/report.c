/*
 * report: HTML pages.  A sweep's page (index.html beside its plots) shows
 * the machine and the method from meta.json, a table of median Mops/s per
 * map and configuration, and every figure of the plot folder with a
 * caption saying how to read it.  Pages are self-contained: inline CSS,
 * no script, nothing fetched from the network, images by relative name;
 * they reflow to a phone's width (tables scroll sideways on their own).
 * Every string that comes from a file is escaped on its way out.
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
#include "report.h"
#include "report_figs.h"
#include "report_html.h"
#include "report_meta.h"
#include "report_tables.h"
#include "report_tsv.h"
#include "schema.h"
#include "stats.h"
#include "sweepdir.h"

/*
 * Rows whose status is not ok, by status, with the maps they belong to:
 * said only when there are any.
 */
static void
write_not_ok(FILE *f, const struct sweep_csv *t)
{
	int st = sweep_csv_col(t, "status"), im = sweep_csv_col(t, "impl");
	const char *name[32], *impl[32][16];
	size_t count[32], nimpl[32], n = 0, total = 0;

	for (size_t r = 0; r < t->nrows && st >= 0; r++) {
		const char *s = sweep_csv_get(t, r, st),
			   *m = sweep_csv_get(t, r, im);
		size_t i, j;

		if (sweepdir_status_ok(s))
			continue;
		total++;
		for (i = 0; i < n; i++)
			if (!strcmp(name[i], s))
				break;
		if (i == n && n < 32) {
			name[n] = s;
			nimpl[n] = 0;
			count[n++] = 0;
		}
		if (i == n)
			continue;
		count[i]++;
		for (j = 0; j < nimpl[i]; j++)
			if (!strcmp(impl[i][j], m))
				break;
		if (j == nimpl[i] && j < 16)
			impl[i][nimpl[i]++] = m;
	}
	if (!total)
		return;
	fprintf(f,
		"<p class=warn>%zu row%s not <code>ok</code>, left out of "
		"every table and figure (counted in the summary's cells):",
		total, total == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s ", i ? ";" : "");
		report_html_escape(f, name[i]);
		fprintf(f, " %zu (", count[i]);
		for (size_t j = 0; j < nimpl[i]; j++) {
			fputs(j ? ", " : "", f);
			report_html_escape(f, impl[i][j]);
		}
		fputs(")", f);
	}
	fputs(".</p>\n", f);
}

/*
 * The page's head: its title, the count of rows (or why results.csv
 * could not be read whole: bad), the date, and the sections' links.
 */
static void
write_head(FILE *f, const char *sweep_dir, const struct sweep_csv *t,
	   json_t *meta, const char *bad)
{
	char msg[512];

	report_html_begin(f, "mapbench sweep");
	fputs("<h1>mapbench sweep <code>", f);
	report_html_escape(f, sweep_dir);
	if (bad[0]) {
		fputs("</code></h1>\n<p class=\"warn\">results.csv could not "
		      "be read whole (",
		      f);
		report_html_escape(f, bad);
		fputs("): the figures and tables below are made of its valid "
		      "rows (<code>mapbench plot</code> names the lines it "
		      "left out); the rows that are not ok are not listed.</p>"
		      "\n<p>",
		      f);
	} else {
		fprintf(f, "</code></h1>\n<p>%zu result rows.", t->nrows);
	}
	sweepdir_meta_value(meta, "date", msg, sizeof(msg));
	if (msg[0]) {
		fputs(" Measured ", f);
		report_html_escape(f, msg);
		fputs(".", f);
	}
	fputs(" <a href=\"#wins\">Who wins where</a> &middot; <a "
	      "href=\"#figures\">Figures</a> &middot; <a "
	      "href=\"#summary-h\">Summary</a> &middot; <a "
	      "href=\"#metrics\">Every metric</a> &middot; <a "
	      "href=\"#machine\">Machine</a> &middot; <a "
	      "href=\"#method\">Method</a></p>\n",
	      f);
}

/* A table of the sweep, or an empty one when absent; -2: malformed. */
static int
load_table(const char *dir, const char *name, struct tsv *t, FILE *err)
{
	char path[4200];
	size_t line = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = report_tsv_load(path, t, &line);
	if (rc == -1 && errno == ENOENT)
		return 0;
	if (rc == -1) {
		fprintf(err, "mapbench: report: cannot read %s: %s\n", path,
			strerror(errno));
		return -2;
	}
	if (rc == -2) {
		fprintf(err,
			"mapbench: report: %s:%zu: the field count differs "
			"from the header's (rewrite it with mapbench plot)\n",
			path, line);
		return -2;
	}
	return 0;
}

static int
report_write_page(const char *sweep_dir, const char *plot_dir, FILE *err)
{
	char path[4200], out[4200], tmp[4300], bad[512] = "";
	struct sweep_csv t;
	struct tsv sum = {0}, heat = {0};
	json_t *meta = NULL;
	json_error_t jerr;
	int rc = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/results.csv", sweep_dir);
	/*
	 * A line plot skipped (its number said) does not cost the page: the
	 * figures and tables come from summary.tsv, made of the valid rows;
	 * only the count of rows not ok needs results.csv whole.
	 */
	if (sweep_csv_load(path, &t, bad, sizeof(bad)))
		fprintf(err,
			"mapbench: report: %s; the page leaves out the "
			"rows that are not ok\n",
			bad);
	snprintf(path, sizeof(path), "%s/meta.json", sweep_dir);
	if (access(path, F_OK) == 0) {
		meta = json_load_file(path, 0, &jerr);
		if (!meta) {
			fprintf(err, "mapbench: report: %s:%d: %s\n", path,
				jerr.line, jerr.text);
			sweep_csv_free(&t);
			return 2;
		}
	}
	if (load_table(sweep_dir, "summary.tsv", &sum, err) ||
	    load_table(sweep_dir, "heatmap.tsv", &heat, err)) {
		report_tsv_free(&sum);
		json_decref(meta);
		sweep_csv_free(&t);
		return 2;
	}
	snprintf(out, sizeof(out), "%s/index.html", plot_dir);
	snprintf(tmp, sizeof(tmp), "%s/.index.html.tmp", plot_dir);
	/* Not through a link planted as the temporary file. */
	unlink(tmp);
	{
		int fd = open(tmp,
			      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
				      O_CLOEXEC,
			      0644);

		f = fd < 0 ? NULL : fdopen(fd, "w");
		if (!f && fd >= 0)
			close(fd);
	}
	if (!f) {
		fprintf(err, "mapbench: report: %s: %s\n", tmp,
			strerror(errno));
		rc = 1;
		goto out;
	}
	write_head(f, sweep_dir, &t, meta, bad);
	write_not_ok(f, &t);
	report_write_heat(f, &heat);
	report_write_figures(f, plot_dir, &sum);
	report_write_summary(f, &sum, &heat);
	report_write_metrics(f, &sum, meta);
	report_write_meta(f, meta);
	report_html_end(f);
	if (fflush(f) || ferror(f)) {
		fprintf(err, "mapbench: report: cannot write %s: %s\n", tmp,
			strerror(errno));
		rc = 1;
	}
	fclose(f);
	if (rc == 0 && rename(tmp, out)) {
		fprintf(err, "mapbench: report: %s: %s\n", out,
			strerror(errno));
		rc = 1;
	}
	if (rc)
		unlink(tmp);
out:
	report_tsv_free(&sum);
	report_tsv_free(&heat);
	json_decref(meta);
	sweep_csv_free(&t);
	return rc;
}

int
report_write_sweep(const char *sweep_dir, const char *plot_dir, FILE *err)
{
	char out[4200];
	int rc = report_write_page(sweep_dir, plot_dir, err);

	/*
	 * No page rather than an earlier one: it would show another state
	 * of the sweep, and figures since removed.
	 */
	if (rc) {
		snprintf(out, sizeof(out), "%s/index.html", plot_dir);
		if (unlink(out) == 0)
			fprintf(err,
				"mapbench: report: %s removed: it showed an "
				"earlier state of the sweep\n",
				out);
	}
	return rc;
}

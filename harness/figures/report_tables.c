/*
 * report_tables: the sweep page's two tables: "who wins where" (each
 * heatmap of heatmap.tsv as a coloured table, one per dist and key
 * count) and the summary (median Mops/s and its interval per map and
 * configuration, grouped by key count, maps in registry order).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "figures.h"
#include "report_html.h"
#include "report_tables.h"
#include "report_tsv.h"

/*
 * A table's heading and head row: "KEYS keys, DIST", then the
 * configuration column and one per map (controls in italics).
 */
static void
table_head(FILE *f, const char *cls, const char *keys, const char *dist,
	   const char *const *impls, size_t ni)
{
	fputs("<h3>", f);
	report_html_escape(f, keys);
	fputs(" keys, ", f);
	report_html_escape(f, dist);
	fprintf(f,
		"</h3>\n<div class=scroll><table class=%s><tr>"
		"<th>configuration</th>",
		cls);
	for (size_t i = 0; i < ni; i++) {
		fputs(figure_is_control(impls[i]) ? "<th class=control>"
						  : "<th>",
		      f);
		report_html_escape(f, impls[i]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
}

/* Writes the cell of table row r (a row of t) for map `impl`. */
typedef void table_cell_fn(FILE *f, const void *arg, const struct tsv *t,
			   size_t r, const char *impl, const char *dist,
			   const char *keys, const struct conf *cf);

/*
 * A table of t for one dist and key count: its head, then a row per
 * configuration with a cell per map (empty where t has none), written
 * by cell.  false, nothing written, when t has no such configuration.
 */
static bool
table_rows(FILE *f, const char *cls, const struct tsv *t, const char *dist,
	   const char *keys, const char *const *impls, size_t ni,
	   table_cell_fn *cell, const void *arg)
{
	struct conf cf[REPORT_MAXV];
	size_t nc = report_tsv_confs(t, dist, keys, cf, REPORT_MAXV);

	if (!nc)
		return false;
	table_head(f, cls, keys, dist, impls, ni);
	for (size_t c = 0; c < nc; c++) {
		fputs("<tr>", f);
		report_put_conf(f, &cf[c]);
		for (size_t i = 0; i < ni; i++) {
			long r = report_tsv_find_row(t, impls[i], dist, keys,
						     cf[c].threads, cf[c].read);

			if (r < 0)
				fputs("<td></td>", f);
			else
				cell(f, arg, t, (size_t)r, impls[i], dist, keys,
				     &cf[c]);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
	return true;
}

/* heatmap.tsv's columns the page reads. */
struct heat_cols {
	int ref, st, best, fill, text, label, med, rmed, n, nref, p;
};

/* Cell (r, col) of h, escaped onto the page. */
static void
put_cell(FILE *f, const struct tsv *h, size_t r, int col)
{
	report_html_escape(f, report_tsv_get(h, r, col));
}

/* One heatmap cell, heatmap.tsv's row r for map `impl`. */
static void
heat_cell(FILE *f, const void *arg, const struct tsv *h, size_t r,
	  const char *impl, const char *dist, const char *keys,
	  const struct conf *cf)
{
	const struct heat_cols *k = arg;

	const char *st = report_tsv_get(h, r, k->st);

	fprintf(f, "<td class=\"num%s\" style=\"background:",
		report_tsv_get(h, r, k->best)[0] == '1' ? " best" : "");
	put_cell(f, h, r, k->fill);
	fputs(";color:", f);
	put_cell(f, h, r, k->text);
	fputs("\" title=\"", f);
	report_html_escape(f, impl);
	fputs(": ", f);
	put_cell(f, h, r, k->med);
	fputs(" Mops/s (n=", f);
	put_cell(f, h, r, k->n);
	fputs(")", f);
	if (strcmp(st, "ref")) {
		fputs(" vs ", f);
		put_cell(f, h, r, k->ref);
		fputs(" ", f);
		put_cell(f, h, r, k->rmed);
		fputs(" (n=", f);
		put_cell(f, h, r, k->nref);
		fputs("), p=", f);
		put_cell(f, h, r, k->p);
		fputs(!strcmp(st, "small") ? ", n too small"
		      : !strcmp(st, "ns")  ? ", not significant"
		      : !strcmp(st, "sig") ? ", significant"
					   : "",
		      f);
	} else {
		fputs(", the reference", f);
	}
	fputs("\">", f);
	put_cell(f, h, r, k->label);
	fputs("</td>", f);
}

/*
 * How to read the heatmaps: the reference (one map, or the fastest of
 * each row), the colours, and whether the repetitions are too few.
 */
static void
heat_intro(FILE *f, const struct tsv *h, const struct heat_cols *k)
{
	size_t small = 0, nmin = SIZE_MAX;
	const char *ref = "";
	bool by_best = false;

	for (size_t r = 0; r < h->nrows; r++) {
		const char *st = report_tsv_get(h, r, k->st);

		small += !strcmp(st, "small");
		if (strcmp(st, "ref") &&
		    strcmp(report_tsv_get(h, r, k->ref), "NA")) {
			size_t n = (size_t)strtoul(report_tsv_get(h, r, k->n),
						   NULL, 10);

			if (n < nmin)
				nmin = n;
		}
		if (!strcmp(st, "ref") && !ref[0])
			ref = report_tsv_get(h, r, k->ref);
	}
	fputs("<p>Each cell: a map's median throughput divided by the "
	      "median of the reference map of the same row (",
	      f);
	for (size_t r = 0; r < h->nrows && !by_best; r++)
		by_best = strcmp(report_tsv_get(h, r, k->ref), ref) != 0 &&
			  strcmp(report_tsv_get(h, r, k->ref), "NA") != 0;
	if (by_best)
		fputs("the fastest map of the row", f);
	else {
		fputs("<code>", f);
		report_html_escape(f, ref);
		fputs("</code>", f);
	}
	fputs("; its own cell, marked ref, holds its median in Mops/s). "
	      "Blue: faster than the reference, orange: slower, saturating at "
	      "4x and 1/4x. Grey: not significant (exact two-sided "
	      "Mann-Whitney test of the repetitions, alpha 0.05). Framed: the "
	      "fastest map of the row; controls (<i>italics</i>) and "
	      "oversubscribed rows are never framed. Hover a cell for its "
	      "numbers.</p>\n",
	      f);
	if (small)
		fprintf(f,
			"<p class=warn>n too small: %zu of the cells compare "
			"%zu repetitions or fewer, and the exact test cannot "
			"reach p &lt; 0.05 with them (3 against 3: p &ge; "
			"0.1); "
			"those cells are grey whatever the ratio. Sweep with "
			"<code>--repeat 5</code> or more.</p>\n",
			small, nmin == SIZE_MAX ? 0 : nmin);
}

/* One heatmap table: dist and key count, with the link to its figure. */
static void
heat_table(FILE *f, const struct tsv *h, const struct heat_cols *k,
	   const char *dist, const char *keys, const char *const *impls,
	   size_t ni)
{
	char tag[64], name[160];

	if (!table_rows(f, "heat", h, dist, keys, impls, ni, heat_cell, k))
		return;
	figure_dist_tag(dist, tag, sizeof(tag));
	fputs("<p class=note>The same as a figure: <a href=\"", f);
	snprintf(name, sizeof(name), "heatmap_%s_k%s.svg", tag, keys);
	report_html_escape_url(f, name);
	fputs("\">", f);
	report_html_escape(f, name);
	fputs("</a>.</p>\n", f);
}

/* "Who wins where": one coloured table per dist and key count. */
void
report_write_heat(FILE *f, const struct tsv *h)
{
	const char *dists[REPORT_MAXV], *keys[REPORT_MAXV], *impls[REPORT_MAXV];
	struct heat_cols k = {
		.ref = report_tsv_col(h, "reference"),
		.st = report_tsv_col(h, "status"),
		.best = report_tsv_col(h, "best"),
		.fill = report_tsv_col(h, "fill"),
		.text = report_tsv_col(h, "text"),
		.label = report_tsv_col(h, "label"),
		.med = report_tsv_col(h, "median"),
		.rmed = report_tsv_col(h, "ref_median"),
		.n = report_tsv_col(h, "n"),
		.nref = report_tsv_col(h, "n_ref"),
		.p = report_tsv_col(h, "p"),
	};
	size_t nd = report_tsv_distinct(h, report_tsv_col(h, "dist"), dists,
					REPORT_MAXV),
	       nk = report_tsv_distinct(h, report_tsv_col(h, "keys"), keys,
					REPORT_MAXV),
	       ni = report_tsv_distinct(h, report_tsv_col(h, "impl"), impls,
					REPORT_MAXV);

	report_sort_impls(impls, ni);
	fputs("<h2 id=wins>Who wins where</h2>\n", f);
	if (!h->nrows || k.st < 0 || k.fill < 0 || k.label < 0) {
		fputs("<p class=warn>No heatmap.tsv beside results.csv (or an "
		      "old one): run <code>mapbench plot</code> on this "
		      "sweep.</p>\n",
		      f);
		return;
	}
	heat_intro(f, h, &k);
	for (size_t di = 0; di < nd; di++)
		for (size_t ki = 0; ki < nk; ki++)
			heat_table(f, h, &k, dists[di], keys[ki], impls, ni);
}

/* summary.tsv's columns the page reads, and the heatmap for "best". */
struct sum_cols {
	int med, lo, hi, n, not_ok;
	const struct tsv *h;
};

/*
 * One summary cell: summary.tsv's row r, framed when the heatmap calls
 * the map the fastest of its row.
 */
static void
sum_cell(FILE *f, const void *arg, const struct tsv *s, size_t r,
	 const char *impl, const char *dist, const char *keys,
	 const struct conf *cf)
{
	const struct sum_cols *k = arg;
	const struct tsv *h = k->h;
	long hr = h->nrows ? report_tsv_find_row(h, impl, dist, keys,
						 cf->threads, cf->read)
			   : -1;
	bool best =
		hr >= 0 && report_tsv_get(h, (size_t)hr,
					  report_tsv_col(h, "best"))[0] == '1';
	double lo, hi;
	long bad;

	fprintf(f, "<td class=\"num%s\">",
		figure_is_control(impl) ? " control"
		: best			? " best"
					: "");
	report_put_sig(f, report_tsv_num(s, r, k->med));
	lo = report_tsv_num(s, r, k->lo);
	hi = report_tsv_num(s, r, k->hi);
	if (!isnan(lo)) {
		fputs("<span class=ci>", f);
		report_put_sig(f, lo);
		fputs("&ndash;", f);
		report_put_sig(f, hi);
		fputs("</span>", f);
	}
	bad = strtol(report_tsv_get(s, r, k->not_ok), NULL, 10);
	if (bad > 0)
		fprintf(f, " <span class=worse>(%ld not ok)</span>", bad);
	fputs("</td>", f);
}

/*
 * The summary: median Mops/s and its 95% interval per map (columns, the
 * registry's order) and configuration (rows), one table per dist and key
 * count; the fastest map of a row (the heatmap's rule) highlighted.
 */
void
report_write_summary(FILE *f, const struct tsv *s, const struct tsv *h)
{
	const char *dists[REPORT_MAXV], *keys[REPORT_MAXV], *impls[REPORT_MAXV];
	struct sum_cols k = {
		.med = report_tsv_col(s, "mops_med"),
		.lo = report_tsv_col(s, "mops_lo"),
		.hi = report_tsv_col(s, "mops_hi"),
		.n = report_tsv_col(s, "mops_n"),
		.not_ok = report_tsv_col(s, "not_ok"),
		.h = h,
	};
	size_t nd, nk, ni, nmax = 0;
	bool any_ci = false;

	fputs("<h2 id=summary-h>Summary: median Mops/s</h2>\n", f);
	if (!s->nrows || k.med < 0 || k.lo < 0 || k.n < 0) {
		fputs("<p class=warn>No summary.tsv beside results.csv (or an "
		      "old one): run <code>mapbench plot</code> on this "
		      "sweep.</p>\n",
		      f);
		return;
	}
	nd = report_tsv_distinct(s, report_tsv_col(s, "dist"), dists,
				 REPORT_MAXV);
	nk = report_tsv_distinct(s, report_tsv_col(s, "keys"), keys,
				 REPORT_MAXV);
	ni = report_tsv_distinct(s, report_tsv_col(s, "impl"), impls,
				 REPORT_MAXV);
	report_sort_impls(impls, ni);
	for (size_t r = 0; r < s->nrows; r++) {
		size_t n = (size_t)strtoul(report_tsv_get(s, r, k.n), NULL, 10);

		if (n > nmax)
			nmax = n;
		any_ci |= !isnan(report_tsv_num(s, r, k.lo));
	}
	fputs("<p>Median over the repetitions, three significant figures, "
	      "with its distribution-free 95% interval [x(k), x(n+1-k)] "
	      "underneath where the repetitions allow one (6 or more). "
	      "The fastest map of each row is highlighted (controls, in "
	      "<i>italics</i>, and oversubscribed rows never are). Rows "
	      "whose status is not <code>ok</code> are left out and "
	      "counted in the cell.",
	      f);
	if (!any_ci)
		fprintf(f,
			" <b>No interval is shown: at most %zu repetitions "
			"per configuration, and no 95%% interval of a median "
			"exists below 6.</b>",
			nmax);
	fputs("</p>\n", f);
	/* keys numerically */
	for (size_t a = 1; a < nk; a++)
		for (size_t b = a; b > 0 && strtoll(keys[b - 1], NULL, 10) >
						    strtoll(keys[b], NULL, 10);
		     b--) {
			const char *x = keys[b];

			keys[b] = keys[b - 1];
			keys[b - 1] = x;
		}
	for (size_t di = 0; di < nd; di++)
		for (size_t ki = 0; ki < nk; ki++)
			table_rows(f, "summary", s, dists[di], keys[ki], impls,
				   ni, sum_cell, &k);
}

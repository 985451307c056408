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

/* "Who wins where": one coloured table per dist and key count. */
void
report_write_heat(FILE *f, const struct tsv *h)
{
	const char *dists[REPORT_MAXV], *keys[REPORT_MAXV], *impls[REPORT_MAXV];
	int cd = report_tsv_col(h, "dist"), ck = report_tsv_col(h, "keys"),
	    ci = report_tsv_col(h, "impl"),
	    cref = report_tsv_col(h, "reference"),
	    cst = report_tsv_col(h, "status"), cb = report_tsv_col(h, "best"),
	    cfill = report_tsv_col(h, "fill"),
	    ctext = report_tsv_col(h, "text"),
	    clab = report_tsv_col(h, "label"),
	    cmed = report_tsv_col(h, "median"),
	    crm = report_tsv_col(h, "ref_median"), cn = report_tsv_col(h, "n"),
	    cnr = report_tsv_col(h, "n_ref"), cp = report_tsv_col(h, "p");
	size_t nd = report_tsv_distinct(h, cd, dists, REPORT_MAXV),
	       nk = report_tsv_distinct(h, ck, keys, REPORT_MAXV),
	       ni = report_tsv_distinct(h, ci, impls, REPORT_MAXV);
	size_t small = 0, nmin = SIZE_MAX;
	const char *ref = "";

	report_sort_impls(impls, ni);
	fputs("<h2 id=wins>Who wins where</h2>\n", f);
	if (!h->nrows || cst < 0 || cfill < 0 || clab < 0) {
		fputs("<p class=warn>No heatmap.tsv beside results.csv (or an "
		      "old one): run <code>mapbench plot</code> on this "
		      "sweep.</p>\n",
		      f);
		return;
	}
	for (size_t r = 0; r < h->nrows; r++) {
		const char *st = report_tsv_get(h, r, cst);

		small += !strcmp(st, "small");
		if (strcmp(st, "ref") &&
		    strcmp(report_tsv_get(h, r, cref), "NA")) {
			size_t n = (size_t)strtoul(report_tsv_get(h, r, cn),
						   NULL, 10);

			if (n < nmin)
				nmin = n;
		}
		if (!strcmp(st, "ref") && !ref[0])
			ref = report_tsv_get(h, r, cref);
	}
	fputs("<p>Each cell: a map's median throughput divided by the "
	      "median of the reference map of the same row (",
	      f);
	{
		bool by_best = false;

		for (size_t r = 0; r < h->nrows && !by_best; r++)
			by_best =
				strcmp(report_tsv_get(h, r, cref), ref) != 0 &&
				strcmp(report_tsv_get(h, r, cref), "NA") != 0;
		if (by_best)
			fputs("the fastest map of the row", f);
		else {
			fputs("<code>", f);
			report_html_escape(f, ref);
			fputs("</code>", f);
		}
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
	for (size_t di = 0; di < nd; di++)
		for (size_t ki = 0; ki < nk; ki++) {
			struct conf cf[REPORT_MAXV];
			size_t nc = report_tsv_confs(h, dists[di], keys[ki], cf,
						     REPORT_MAXV);
			char tag[64];
			size_t j = 0;

			if (!nc)
				continue;
			for (const char *p = dists[di];
			     *p && j + 1 < sizeof(tag); p++)
				if (*p != ':')
					tag[j++] = *p;
			tag[j] = '\0';
			fputs("<h3>", f);
			report_html_escape(f, keys[ki]);
			fputs(" keys, ", f);
			report_html_escape(f, dists[di]);
			fputs("</h3>\n<div class=scroll><table class=heat><tr>"
			      "<th>configuration</th>",
			      f);
			for (size_t i = 0; i < ni; i++) {
				fputs(figure_is_control(impls[i])
					      ? "<th class=control>"
					      : "<th>",
				      f);
				report_html_escape(f, impls[i]);
				fputs("</th>", f);
			}
			fputs("</tr>\n", f);
			for (size_t c = 0; c < nc; c++) {
				fputs("<tr>", f);
				report_put_conf(f, &cf[c]);
				for (size_t i = 0; i < ni; i++) {
					long r = report_tsv_find_row(
						h, impls[i], dists[di],
						keys[ki], cf[c].threads,
						cf[c].read);
					const char *st;

					if (r < 0) {
						fputs("<td></td>", f);
						continue;
					}
					st = report_tsv_get(h, (size_t)r, cst);
					fprintf(f,
						"<td class=\"num%s\" "
						"style=\"background:",
						report_tsv_get(h, (size_t)r,
							       cb)[0] == '1'
							? " best"
							: "");
					report_html_escape(
						f, report_tsv_get(h, (size_t)r,
								  cfill));
					fputs(";color:", f);
					report_html_escape(
						f, report_tsv_get(h, (size_t)r,
								  ctext));
					fputs("\" title=\"", f);
					report_html_escape(f, impls[i]);
					fputs(": ", f);
					report_html_escape(
						f, report_tsv_get(h, (size_t)r,
								  cmed));
					fputs(" Mops/s (n=", f);
					report_html_escape(
						f, report_tsv_get(h, (size_t)r,
								  cn));
					fputs(")", f);
					if (strcmp(st, "ref")) {
						fputs(" vs ", f);
						report_html_escape(
							f, report_tsv_get(
								   h, (size_t)r,
								   cref));
						fputs(" ", f);
						report_html_escape(
							f, report_tsv_get(
								   h, (size_t)r,
								   crm));
						fputs(" (n=", f);
						report_html_escape(
							f, report_tsv_get(
								   h, (size_t)r,
								   cnr));
						fputs("), p=", f);
						report_html_escape(
							f, report_tsv_get(
								   h, (size_t)r,
								   cp));
						fputs(!strcmp(st, "small")
							      ? ", n too small"
						      : !strcmp(st, "ns")
							      ? ", not "
								"significant"
						      : !strcmp(st, "sig")
							      ? ", significant"
							      : "",
						      f);
					} else {
						fputs(", the reference", f);
					}
					fputs("\">", f);
					report_html_escape(
						f, report_tsv_get(h, (size_t)r,
								  clab));
					fputs("</td>", f);
				}
				fputs("</tr>\n", f);
			}
			fputs("</table></div>\n<p class=note>The same as a "
			      "figure: <a href=\"",
			      f);
			{
				char name[160];

				snprintf(name, sizeof(name),
					 "heatmap_%s_k%s.svg", tag, keys[ki]);
				report_html_escape_url(f, name);
				fputs("\">", f);
				report_html_escape(f, name);
			}
			fputs("</a>.</p>\n", f);
		}
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
	int cd = report_tsv_col(s, "dist"), ck = report_tsv_col(s, "keys"),
	    ci = report_tsv_col(s, "impl"),
	    cmed = report_tsv_col(s, "mops_med"),
	    clo = report_tsv_col(s, "mops_lo"),
	    chi = report_tsv_col(s, "mops_hi"),
	    cn = report_tsv_col(s, "mops_n"), cno = report_tsv_col(s, "not_ok");
	size_t nd, nk, ni, nmax = 0;
	bool any_ci = false;

	fputs("<h2 id=summary-h>Summary: median Mops/s</h2>\n", f);
	if (!s->nrows || cmed < 0 || clo < 0 || cn < 0) {
		fputs("<p class=warn>No summary.tsv beside results.csv (or an "
		      "old one): run <code>mapbench plot</code> on this "
		      "sweep.</p>\n",
		      f);
		return;
	}
	nd = report_tsv_distinct(s, cd, dists, REPORT_MAXV);
	nk = report_tsv_distinct(s, ck, keys, REPORT_MAXV);
	ni = report_tsv_distinct(s, ci, impls, REPORT_MAXV);
	report_sort_impls(impls, ni);
	for (size_t r = 0; r < s->nrows; r++) {
		size_t n = (size_t)strtoul(report_tsv_get(s, r, cn), NULL, 10);

		if (n > nmax)
			nmax = n;
		any_ci |= !isnan(report_tsv_num(s, r, clo));
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
		for (size_t ki = 0; ki < nk; ki++) {
			struct conf cf[REPORT_MAXV];
			size_t nc = report_tsv_confs(s, dists[di], keys[ki], cf,
						     REPORT_MAXV);

			if (!nc)
				continue;
			fputs("<h3>", f);
			report_html_escape(f, keys[ki]);
			fputs(" keys, ", f);
			report_html_escape(f, dists[di]);
			fputs("</h3>\n<div class=scroll><table "
			      "class=summary><tr><th>configuration</th>",
			      f);
			for (size_t i = 0; i < ni; i++) {
				fputs(figure_is_control(impls[i])
					      ? "<th class=control>"
					      : "<th>",
				      f);
				report_html_escape(f, impls[i]);
				fputs("</th>", f);
			}
			fputs("</tr>\n", f);
			for (size_t c = 0; c < nc; c++) {
				fputs("<tr>", f);
				report_put_conf(f, &cf[c]);
				for (size_t i = 0; i < ni; i++) {
					long r = report_tsv_find_row(
						s, impls[i], dists[di],
						keys[ki], cf[c].threads,
						cf[c].read);
					long hr =
						h->nrows
							? report_tsv_find_row(
								  h, impls[i],
								  dists[di],
								  keys[ki],
								  cf[c].threads,
								  cf[c].read)
							: -1;
					bool best =
						hr >= 0 &&
						report_tsv_get(
							h, (size_t)hr,
							report_tsv_col(
								h,
								"best"))[0] ==
							'1';
					double lo, hi;
					long bad;

					if (r < 0) {
						fputs("<td></td>", f);
						continue;
					}
					fprintf(f, "<td class=\"num%s\">",
						figure_is_control(impls[i])
							? " control"
						: best ? " best"
						       : "");
					report_put_sig(
						f, report_tsv_num(s, (size_t)r,
								  cmed));
					lo = report_tsv_num(s, (size_t)r, clo);
					hi = report_tsv_num(s, (size_t)r, chi);
					if (!isnan(lo)) {
						fputs("<span class=ci>", f);
						report_put_sig(f, lo);
						fputs("&ndash;", f);
						report_put_sig(f, hi);
						fputs("</span>", f);
					}
					bad = strtol(report_tsv_get(
							     s, (size_t)r, cno),
						     NULL, 10);
					if (bad > 0)
						fprintf(f,
							" <span "
							"class=worse>(%ld "
							"not ok)</span>",
							bad);
					fputs("</td>", f);
				}
				fputs("</tr>\n", f);
			}
			fputs("</table></div>\n", f);
		}
}

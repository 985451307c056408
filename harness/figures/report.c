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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "sweepdir.h"
#include "figures.h"
#include "map.h"
#include "report.h"
#include "schema.h"
#include "stats.h"

void
report_html_escape(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
}

void
report_html_escape_url(FILE *f, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%02X", *p);
}

void
report_html_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
	      "<meta name=viewport content=\"width=device-width, "
	      "initial-scale=1\">\n<title>",
	      f);
	report_html_escape(f, title);
	fputs("</title>\n<style>\n"
	      "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',"
	      "sans-serif;color:#222;max-width:1280px;margin:0 auto;"
	      "padding:0 14px 40px}\n"
	      "h1{font-size:1.5em;margin:.8em 0 .3em}"
	      "h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:1px solid "
	      "#ccc}\n"
	      ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;"
	      "margin:.4em 0}\n"
	      "table{border-collapse:collapse;font-size:13px}\n"
	      "th,td{padding:3px 8px;border-bottom:1px solid #e2e2e2;"
	      "text-align:left;white-space:nowrap;vertical-align:top}\n"
	      "th{background:#f4f4f4}\n"
	      "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	      "td.best{background:#d8f0d8;font-weight:600}\n"
	      "table.heat td{min-width:4.2em;text-align:center}\n"
	      "table.heat td.best{outline:2px solid #111;outline-offset:-3px;"
	      "font-weight:600}\n"
	      "table.heat th,table.summary th{font-weight:600}\n"
	      ".ci{display:block;font-size:11px;color:#666}\n"
	      "h3{font-size:1.05em;margin:1.1em 0 .3em}\n"
	      "details{margin:.3em 0 0}summary{cursor:pointer;color:#245}\n"
	      ".control{font-style:italic;color:#666}\n"
	      "table.kv td{white-space:normal;word-break:break-word}\n"
	      "table.summary td:first-child,table.summary th:first-child{"
	      "position:sticky;left:0;background:#fff;z-index:1}\n"
	      "table.summary th:first-child{background:#f4f4f4}\n"
	      ".better{color:#13692b}.worse{color:#b00020}.same{color:#777}\n"
	      "tr.geo td{font-weight:600;border-top:2px solid #999}\n"
	      ".warn{background:#fff4ce;padding:6px 10px;border-radius:4px}\n"
	      ".note{color:#555;font-size:.9em}\n"
	      "code{font-size:.92em;background:#f4f4f4;padding:1px 4px;"
	      "word-break:break-all}\n"
	      "figure{margin:1.2em 0 2em}\n"
	      "figure img{display:block;max-width:100%;height:auto;"
	      "border:1px solid #ddd}\n"
	      "figcaption{font-size:.92em;color:#333;margin-top:.4em;"
	      "max-width:60em}\n"
	      "figcaption b{font-family:monospace}\n"
	      "@media (max-width:640px){body{font-size:14px;padding:0 8px}"
	      "th,td{padding:2px 5px}h1{font-size:1.25em}"
	      "table.summary td:first-child{white-space:normal;"
	      "min-width:8em;max-width:11em}}\n"
	      "</style>\n</head>\n<body>\n",
	      f);
}

void
report_html_end(FILE *f)
{
	fputs("<p class=note>Written by <code>mapbench</code>; "
	      "self-contained: no scripts, nothing from the network.</p>\n"
	      "</body>\n</html>\n",
	      f);
}

/* ---- the tables `mapbench plot` writes beside results.csv ---------- */

/* A tab-separated table held in memory (summary.tsv, heatmap.tsv). */
struct tsv {
	char *text;
	char **head;
	size_t ncols;
	char **f; /* row r, column c: f[r * ncols + c] */
	size_t nrows;
};

static void
tsv_free(struct tsv *t)
{
	free(t->text);
	free(t->head);
	free(t->f);
	memset(t, 0, sizeof(*t));
}

/* Split line s (modified) at tabs into at most max fields. */
static size_t
tsv_split(char *s, char **out, size_t max)
{
	size_t n = 0;

	for (;;) {
		char *tab = strchr(s, '\t');

		if (n < max)
			out[n] = s;
		n++;
		if (!tab)
			return n;
		*tab = '\0';
		s = tab + 1;
	}
}

/*
 * Load `path`: 0, -1 when it cannot be read (errno), -2 when a line's
 * field count differs from the header's (*bad_line says which).
 */
static int
tsv_load(const char *path, struct tsv *t, size_t *bad_line)
{
	FILE *f = fopen(path, "rb");
	size_t len = 0, cap = 0, rows = 0;
	char *line, *save;

	memset(t, 0, sizeof(*t));
	if (!f)
		return -1;
	{
		char buf[8192];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
			if (len + n + 1 > cap) {
				char *p;

				cap = (len + n + 1) * 2;
				p = realloc(t->text, cap);
				if (!p) {
					fclose(f);
					tsv_free(t);
					errno = ENOMEM;
					return -1;
				}
				t->text = p;
			}
			memcpy(t->text + len, buf, n);
			len += n;
		}
	}
	if (ferror(f) || !t->text) {
		fclose(f);
		tsv_free(t);
		if (!errno)
			errno = EIO;
		return -1;
	}
	fclose(f);
	t->text[len] = '\0';
	for (size_t i = 0; i < len; i++)
		rows += t->text[i] == '\n';
	for (line = strtok_r(t->text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!t->head) {
			size_t n = 1;

			for (const char *p = line; *p; p++)
				n += *p == '\t';

			t->head = calloc(n, sizeof(char *));
			t->f = calloc((rows + 1) * n, sizeof(char *));
			if (!t->head || !t->f) {
				tsv_free(t);
				errno = ENOMEM;
				return -1;
			}
			t->ncols = tsv_split(line, t->head, n);
			continue;
		}
		if (tsv_split(line, t->f + t->nrows * t->ncols, t->ncols) !=
		    t->ncols) {
			*bad_line = t->nrows + 2;
			tsv_free(t);
			return -2;
		}
		t->nrows++;
	}
	return 0;
}

static int
tsv_col(const struct tsv *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->head[i], name))
			return (int)i;
	return -1;
}

static const char *
tsv_get(const struct tsv *t, size_t r, int c)
{
	return c < 0 ? "" : t->f[r * t->ncols + (size_t)c];
}

/* A number of the table, NAN for NA, NaN or nothing. */
static double
tsv_num(const struct tsv *t, size_t r, int c)
{
	const char *s = tsv_get(t, r, c);
	char *end;
	double v;

	if (!s[0])
		return NAN;
	v = strtod(s, &end);
	return *end ? NAN : v;
}

void
report_sig(char *buf, size_t len, double x, int sig)
{
	int mag, dec;

	if (isnan(x)) {
		snprintf(buf, len, "NA");
		return;
	}
	if (x == 0) {
		snprintf(buf, len, "0");
		return;
	}
	/* the magnitude after rounding: 9.995 to 3 figures is 10.0 */
	{
		char e[48];

		snprintf(e, sizeof(e), "%.*e", sig - 1, x);
		mag = atoi(strchr(e, 'e') + 1);
	}
	dec = sig - 1 - mag;
	if (dec < 0)
		dec = 0;
	snprintf(buf, len, "%.*f", dec, x);
}

static void
put_sig(FILE *f, double x)
{
	char buf[64];

	if (isnan(x)) {
		fputs("&ndash;", f);
		return;
	}
	report_sig(buf, sizeof(buf), x, 3);
	fputs(buf, f);
}

/* The distinct values of column c in first-seen order (pointers). */
static size_t
distinct(const struct tsv *t, int c, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t r = 0; r < t->nrows; r++) {
		const char *v = tsv_get(t, r, c);
		size_t i;

		for (i = 0; i < n; i++)
			if (!strcmp(out[i], v))
				break;
		if (i == n && n < max)
			out[n++] = v;
	}
	return n;
}

/* A configuration row of the page: threads ascending, reads descending. */
struct conf {
	long threads, read;
	int over;
};

static int
cmp_conf(const void *pa, const void *pb)
{
	const struct conf *a = pa, *b = pb;

	if (a->threads != b->threads)
		return a->threads < b->threads ? -1 : 1;
	return (a->read < b->read) - (a->read > b->read);
}

/* The configurations of one dist and key count, sorted; their count. */
static size_t
confs_of(const struct tsv *t, const char *dist, const char *keys,
	 struct conf *out, size_t max)
{
	int cd = tsv_col(t, "dist"), ck = tsv_col(t, "keys"),
	    ct = tsv_col(t, "threads"), cr = tsv_col(t, "read_pct"),
	    co = tsv_col(t, "oversubscribed");
	size_t n = 0;

	for (size_t r = 0; r < t->nrows; r++) {
		struct conf c;
		size_t i;

		if (strcmp(tsv_get(t, r, cd), dist) ||
		    strcmp(tsv_get(t, r, ck), keys))
			continue;
		c.threads = strtol(tsv_get(t, r, ct), NULL, 10);
		c.read = strtol(tsv_get(t, r, cr), NULL, 10);
		c.over = tsv_get(t, r, co)[0] == '1';
		for (i = 0; i < n; i++)
			if (out[i].threads == c.threads &&
			    out[i].read == c.read)
				break;
		if (i == n && n < max)
			out[n++] = c;
		else if (i < n)
			out[i].over |= c.over;
	}
	qsort(out, n, sizeof(*out), cmp_conf);
	return n;
}

/* The row of t for (impl, dist, keys, threads, read), or -1. */
static long
find_row(const struct tsv *t, const char *impl, const char *dist,
	 const char *keys, long threads, long read)
{
	int ci = tsv_col(t, "impl"), cd = tsv_col(t, "dist"),
	    ck = tsv_col(t, "keys"), ct = tsv_col(t, "threads"),
	    cr = tsv_col(t, "read_pct");

	for (size_t r = 0; r < t->nrows; r++)
		if (!strcmp(tsv_get(t, r, ci), impl) &&
		    !strcmp(tsv_get(t, r, cd), dist) &&
		    !strcmp(tsv_get(t, r, ck), keys) &&
		    strtol(tsv_get(t, r, ct), NULL, 10) == threads &&
		    strtol(tsv_get(t, r, cr), NULL, 10) == read)
			return (long)r;
	return -1;
}

static void
put_conf(FILE *f, const struct conf *c)
{
	fprintf(f, "<th>%ld thread%s, %ld%% reads%s</th>", c->threads,
		c->threads == 1 ? "" : "s", c->read,
		c->over ? " <span class=note>(oversubscribed)</span>" : "");
}

#define MAXV 256

/* Maps in the registry's order (the figures'), the others by name. */
static void
sort_impls(const char **v, size_t n)
{
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0; b--) {
			size_t rx = figure_map_rank(v[b - 1]),
			       ry = figure_map_rank(v[b]);
			const char *x = v[b];

			if (rx < ry ||
			    (rx == ry && strcmp(v[b - 1], v[b]) <= 0))
				break;
			v[b] = v[b - 1];
			v[b - 1] = x;
		}
}

/* "Who wins where": one coloured table per dist and key count. */
static void
write_heat(FILE *f, const struct tsv *h)
{
	const char *dists[MAXV], *keys[MAXV], *impls[MAXV];
	int cd = tsv_col(h, "dist"), ck = tsv_col(h, "keys"),
	    ci = tsv_col(h, "impl"), cref = tsv_col(h, "reference"),
	    cst = tsv_col(h, "status"), cb = tsv_col(h, "best"),
	    cfill = tsv_col(h, "fill"), ctext = tsv_col(h, "text"),
	    clab = tsv_col(h, "label"), cmed = tsv_col(h, "median"),
	    crm = tsv_col(h, "ref_median"), cn = tsv_col(h, "n"),
	    cnr = tsv_col(h, "n_ref"), cp = tsv_col(h, "p");
	size_t nd = distinct(h, cd, dists, MAXV),
	       nk = distinct(h, ck, keys, MAXV),
	       ni = distinct(h, ci, impls, MAXV);
	size_t small = 0, nmin = SIZE_MAX;
	const char *ref = "";

	sort_impls(impls, ni);
	fputs("<h2 id=wins>Who wins where</h2>\n", f);
	if (!h->nrows || cst < 0 || cfill < 0 || clab < 0) {
		fputs("<p class=warn>No heatmap.tsv beside results.csv (or an "
		      "old one): run <code>mapbench plot</code> on this "
		      "sweep.</p>\n",
		      f);
		return;
	}
	for (size_t r = 0; r < h->nrows; r++) {
		const char *st = tsv_get(h, r, cst);

		small += !strcmp(st, "small");
		if (strcmp(st, "ref") && strcmp(tsv_get(h, r, cref), "NA")) {
			size_t n = (size_t)strtoul(tsv_get(h, r, cn), NULL, 10);

			if (n < nmin)
				nmin = n;
		}
		if (!strcmp(st, "ref") && !ref[0])
			ref = tsv_get(h, r, cref);
	}
	fputs("<p>Each cell: a map's median throughput divided by the "
	      "median of the reference map of the same row (",
	      f);
	{
		bool by_best = false;

		for (size_t r = 0; r < h->nrows && !by_best; r++)
			by_best = strcmp(tsv_get(h, r, cref), ref) != 0 &&
				  strcmp(tsv_get(h, r, cref), "NA") != 0;
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
			struct conf cf[MAXV];
			size_t nc = confs_of(h, dists[di], keys[ki], cf, MAXV);
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
				put_conf(f, &cf[c]);
				for (size_t i = 0; i < ni; i++) {
					long r = find_row(h, impls[i],
							  dists[di], keys[ki],
							  cf[c].threads,
							  cf[c].read);
					const char *st;

					if (r < 0) {
						fputs("<td></td>", f);
						continue;
					}
					st = tsv_get(h, (size_t)r, cst);
					fprintf(f,
						"<td class=\"num%s\" "
						"style=\"background:",
						tsv_get(h, (size_t)r, cb)[0] ==
								'1'
							? " best"
							: "");
					report_html_escape(
						f,
						tsv_get(h, (size_t)r, cfill));
					fputs(";color:", f);
					report_html_escape(
						f,
						tsv_get(h, (size_t)r, ctext));
					fputs("\" title=\"", f);
					report_html_escape(f, impls[i]);
					fputs(": ", f);
					report_html_escape(
						f, tsv_get(h, (size_t)r, cmed));
					fputs(" Mops/s (n=", f);
					report_html_escape(
						f, tsv_get(h, (size_t)r, cn));
					fputs(")", f);
					if (strcmp(st, "ref")) {
						fputs(" vs ", f);
						report_html_escape(
							f, tsv_get(h, (size_t)r,
								   cref));
						fputs(" ", f);
						report_html_escape(
							f, tsv_get(h, (size_t)r,
								   crm));
						fputs(" (n=", f);
						report_html_escape(
							f, tsv_get(h, (size_t)r,
								   cnr));
						fputs("), p=", f);
						report_html_escape(
							f, tsv_get(h, (size_t)r,
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
						f, tsv_get(h, (size_t)r, clab));
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
static void
write_summary(FILE *f, const struct tsv *s, const struct tsv *h)
{
	const char *dists[MAXV], *keys[MAXV], *impls[MAXV];
	int cd = tsv_col(s, "dist"), ck = tsv_col(s, "keys"),
	    ci = tsv_col(s, "impl"), cmed = tsv_col(s, "mops_med"),
	    clo = tsv_col(s, "mops_lo"), chi = tsv_col(s, "mops_hi"),
	    cn = tsv_col(s, "mops_n"), cno = tsv_col(s, "not_ok");
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
	nd = distinct(s, cd, dists, MAXV);
	nk = distinct(s, ck, keys, MAXV);
	ni = distinct(s, ci, impls, MAXV);
	sort_impls(impls, ni);
	for (size_t r = 0; r < s->nrows; r++) {
		size_t n = (size_t)strtoul(tsv_get(s, r, cn), NULL, 10);

		if (n > nmax)
			nmax = n;
		any_ci |= !isnan(tsv_num(s, r, clo));
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
			struct conf cf[MAXV];
			size_t nc = confs_of(s, dists[di], keys[ki], cf, MAXV);

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
				put_conf(f, &cf[c]);
				for (size_t i = 0; i < ni; i++) {
					long r = find_row(s, impls[i],
							  dists[di], keys[ki],
							  cf[c].threads,
							  cf[c].read);
					long hr =
						h->nrows
							? find_row(
								  h, impls[i],
								  dists[di],
								  keys[ki],
								  cf[c].threads,
								  cf[c].read)
							: -1;
					bool best =
						hr >= 0 &&
						tsv_get(h, (size_t)hr,
							tsv_col(h,
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
					put_sig(f, tsv_num(s, (size_t)r, cmed));
					lo = tsv_num(s, (size_t)r, clo);
					hi = tsv_num(s, (size_t)r, chi);
					if (!isnan(lo)) {
						fputs("<span class=ci>", f);
						put_sig(f, lo);
						fputs("&ndash;", f);
						put_sig(f, hi);
						fputs("</span>", f);
					}
					bad = strtol(tsv_get(s, (size_t)r, cno),
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

/* A grid value as text: an array's items joined by ", "; NULL: none. */
static char *
grid_values(json_t *v)
{
	char *s = NULL;
	size_t len = 0, i;
	json_t *e;

	if (json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0))
		return NULL;
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (!json_is_array(v))
		return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	json_array_foreach(v, i, e)
	{
		char *item =
			json_is_string(e) ? strdup(json_string_value(e))
			: json_is_null(e)
				? strdup("NA")
				: json_dumps(e, JSON_ENCODE_ANY | JSON_COMPACT);
		char *ns;

		if (!item)
			continue;
		ns = realloc(s, len + strlen(item) + 3);
		if (!ns) {
			free(item);
			continue;
		}
		s = ns;
		len += (size_t)sprintf(s + len, "%s%s", len ? ", " : "", item);
		free(item);
	}
	return s;
}

/* A map's own counter's unit, from meta.json's "counters"; "" if none. */
static const char *
own_unit(json_t *meta, const char *column)
{
	const char *map, *unit = "";
	json_t *a, *e;
	size_t i;

	json_object_foreach(json_object_get(meta, "counters"), map, a)
	{
		json_array_foreach(a, i, e)
		{
			const char *c = json_string_value(
					   json_object_get(e, "column")),
				   *u = json_string_value(
					   json_object_get(e, "unit"));

			if (c && u && strcmp(c, column) == 0) {
				if (unit[0] && strcmp(unit, u))
					return "(differs by map)";
				unit = u;
			}
		}
	}
	return unit;
}

/* meta.json: machine and build rows, command line, the sweep's grid. */
static void
write_meta(FILE *f, json_t *meta)
{
	char buf[1024];
	json_t *o, *v;
	const char *k;
	bool by_column;

	fputs("<h2 id=machine>Machine and build</h2>\n", f);
	if (!meta) {
		fputs("<p class=warn>No meta.json beside results.csv: the "
		      "machine is unknown.</p>\n",
		      f);
		return;
	}
	fputs("<div class=scroll><table class=kv>\n", f);
	for (int r = 0; sweepdir_machine_rows[r].label; r++) {
		sweepdir_meta_value(meta, sweepdir_machine_rows[r].path, buf,
				    sizeof(buf));
		if (!buf[0])
			continue;
		fprintf(f, "<tr><th>%s</th><td>",
			sweepdir_machine_rows[r].label);
		report_html_escape(f, buf);
		fputs("</td></tr>\n", f);
	}
	fputs("</table></div>\n<h2 id=method>Method</h2>\n", f);
	sweepdir_meta_value(meta, "command_line", buf, sizeof(buf));
	if (buf[0]) {
		fputs("<p>Command: <code>", f);
		report_html_escape(f, buf);
		fputs("</code></p>\n", f);
	}
	o = json_object_get(meta, "grid");
	if (!json_is_object(o)) {
		fputs("<p class=warn>meta.json has no \"grid\": the sweep's "
		      "settings are unknown.</p>\n",
		      f);
		return;
	}
	/* Since results schema 3 the grid is keyed by the schema's columns. */
	by_column = json_integer_value(json_object_get(o, "schema")) >= 3;
	if (by_column)
		fputs("<p>The sweep's grid: every combination of these values "
		      "was measured, the same way (each value is a column of "
		      "every row of results.csv).</p>\n<div class=scroll>"
		      "<table class=kv>\n<tr><th>option</th><th>column</th>"
		      "<th>values</th></tr>\n",
		      f);
	else
		fputs("<p>The sweep's grid, by option (an older mapbench: "
		      "every combination was measured; repeat: the repetitions "
		      "of each):</p>\n<div class=scroll><table class=kv>\n",
		      f);
	json_object_foreach(o, k, v)
	{
		const struct column *col = by_column ? schema_find(k) : NULL;
		char *s = grid_values(v);

		if (strcmp(k, "schema") == 0 || !s)
			goto next;
		fputs("<tr><th>", f);
		report_html_escape(f, col && col->opt ? col->opt : k);
		fputs("</th><td>", f);
		if (by_column) {
			report_html_escape(f, col ? col->name : "");
			if (col && col->flags & COL_METHOD)
				fputs(" (method)", f);
			else if (col && col->flags & COL_PLAN)
				fputs(" (repetitions)", f);
			fputs("</td><td>", f);
		}
		report_html_escape(f, s);
		fputs("</td></tr>\n", f);
	next:
		free(s);
	}
	fputs("</table></div>\n", f);
}

/*
 * Every metric of summary.tsv (its NAME_med columns: the figures' and
 * every other metric of results.csv, by the schema): its unit, which way
 * is better, and the range of its configuration medians.
 */
static void
write_metrics(FILE *f, const struct tsv *s, json_t *meta)
{
	fputs("<h2 id=metrics>Every metric</h2>\n", f);
	if (!s->nrows) {
		fputs("<p class=warn>No configuration in summary.tsv.</p>\n",
		      f);
		return;
	}
	fputs("<p>Each metric's median per configuration is in summary.tsv "
	      "(NAME_med, _min, _max, _lo, _hi, _n); here the range of "
	      "those medians over the configurations that have it.</p>\n"
	      "<div class=scroll><table class=kv>\n<tr><th>metric</th>"
	      "<th>unit</th><th>better</th><th>configurations</th>"
	      "<th>medians</th></tr>\n",
	      f);
	for (size_t c = 0; c < s->ncols; c++) {
		const char *h = s->head[c];
		size_t n = strlen(h), have = 0;
		char name[128], lo[32], hi[32];
		const struct column *col;
		double mn = INFINITY, mx = -INFINITY;
		int dir;

		if (n < 5 || strcmp(h + n - 4, "_med") || n - 4 >= sizeof(name))
			continue;
		memcpy(name, h, n - 4);
		name[n - 4] = '\0';
		for (size_t r = 0; r < s->nrows; r++) {
			char *end;
			double x = strtod(s->f[r * s->ncols + c], &end);

			if (end == s->f[r * s->ncols + c] || *end || isnan(x))
				continue;
			have++;
			mn = x < mn ? x : mn;
			mx = x > mx ? x : mx;
		}
		col = schema_find(figure_metric_csv(name));
		dir = schema_direction(figure_metric_csv(name));
		fputs("<tr><th>", f);
		report_html_escape(f, name);
		fputs("</th><td>", f);
		report_html_escape(f, col ? col->unit : own_unit(meta, name));
		fprintf(f, "</td><td>%s</td><td>%zu</td><td>",
			dir > 0	  ? "higher"
			: dir < 0 ? "lower"
				  : "",
			have);
		if (have) {
			report_sig(lo, sizeof(lo), mn, 3);
			report_sig(hi, sizeof(hi), mx, 3);
			fprintf(f, "%s &ndash; %s", lo, hi);
		} else
			fputs("NA", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

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
	int cols[8][6], nm = 0;
	int ci = tsv_col(s, "impl"), cd = tsv_col(s, "dist"),
	    ck = tsv_col(s, "keys"), ct = tsv_col(s, "threads"),
	    cr = tsv_col(s, "read_pct");
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
		static const char *const suf[6] = {"med", "lo",	 "hi",
						   "min", "max", "n"};
		char col[64];

		for (int j = 0; j < 6; j++) {
			snprintf(col, sizeof(col), "%s_%s", m, suf[j]);
			cols[nm][j] = tsv_col(s, col);
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
		const char *d = tsv_get(s, r, cd);
		char dt[64];
		size_t j = 0;
		bool any = false;

		for (const char *p = d; *p && j + 1 < sizeof(dt); p++)
			if (*p != ':')
				dt[j++] = *p;
		dt[j] = '\0';
		if (strcmp(dt, tag) ||
		    (keys[0] && strcmp(tsv_get(s, r, ck), keys)))
			continue;
		for (int i = 0; i < nm; i++)
			any |= !isnan(tsv_num(s, r, cols[i][0]));
		if (!any)
			continue;
		shown++;
		fputs("<tr><td>", f);
		report_html_escape(f, tsv_get(s, r, ci));
		if (!keys[0]) {
			fputs("</td><td class=num>", f);
			report_html_escape(f, tsv_get(s, r, ck));
		}
		fputs("</td><td class=num>", f);
		report_html_escape(f, tsv_get(s, r, ct));
		fputs("</td><td class=num>", f);
		report_html_escape(f, tsv_get(s, r, cr));
		fputs("</td>", f);
		for (int i = 0; i < nm; i++) {
			fputs("<td class=num>", f);
			put_sig(f, tsv_num(s, r, cols[i][0]));
			fputs("</td><td class=num>", f);
			if (!isnan(tsv_num(s, r, cols[i][1]))) {
				put_sig(f, tsv_num(s, r, cols[i][1]));
				fputs("&ndash;", f);
				put_sig(f, tsv_num(s, r, cols[i][2]));
			} else {
				fputs("NA", f);
			}
			fputs("</td><td class=num>", f);
			put_sig(f, tsv_num(s, r, cols[i][3]));
			fputs("&ndash;", f);
			put_sig(f, tsv_num(s, r, cols[i][4]));
			fputs("</td><td class=num>", f);
			report_html_escape(f, tsv_get(s, r, cols[i][5]));
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fprintf(f,
		"</table></div><p class=note>%zu rows; 95%% interval NA: "
		"fewer than 6 values.</p></details>\n",
		shown);
}

/* Every *.svg of the plot folder, in the figure table's order. */
static void
write_figures(FILE *f, const char *plot_dir, const struct tsv *s)
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

/* A table of the sweep, or an empty one when absent; -2: malformed. */
static int
load_table(const char *dir, const char *name, struct tsv *t, FILE *err)
{
	char path[4200];
	size_t line = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	rc = tsv_load(path, t, &line);
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
	char path[4200], out[4200], tmp[4300], msg[512], bad[512] = "";
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
		tsv_free(&sum);
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
		fprintf(f, "</code></h1>\n<p>%zu result rows.", t.nrows);
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
	write_not_ok(f, &t);
	write_heat(f, &heat);
	write_figures(f, plot_dir, &sum);
	write_summary(f, &sum, &heat);
	write_metrics(f, &sum, meta);
	write_meta(f, meta);
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
	tsv_free(&sum);
	tsv_free(&heat);
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

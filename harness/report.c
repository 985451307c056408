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

#include "compare.h"
#include "map.h"
#include "report.h"
#include "stats.h"

void
html_escape(FILE *f, const char *s)
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
html_escape_url(FILE *f, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%02X", *p);
}

void
html_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
	      "<meta name=viewport content=\"width=device-width, "
	      "initial-scale=1\">\n<title>",
	      f);
	html_escape(f, title);
	fputs("</title>\n<style>\n"
	      "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',"
	      "sans-serif;color:#222;max-width:1200px;margin:0 auto;"
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
html_end(FILE *f)
{
	fputs("<p class=note>Written by <code>mapbench</code>; "
	      "self-contained: no scripts, nothing from the network.</p>\n"
	      "</body>\n</html>\n",
	      f);
}

/* How to read a figure, by the prefix of its file name. */
static const struct {
	const char *prefix;
	const char *caption;
} captions[] = {
	{"throughput_threads_",
	 "Throughput (Mops/s, higher is better) against the number of "
	 "threads, one line per map, one panel per read percentage and key "
	 "count. Lines that keep rising scale; lines that flatten or fall "
	 "meet contention. Points past the machine's CPU count are "
	 "oversubscribed and say little about the map."},
	{"throughput_reads_",
	 "Throughput (Mops/s, higher is better) against the share of reads, "
	 "one line per map. Read-mostly designs (syncmap) should lead at 100% "
	 "reads and lose ground as writes grow; a lock-based map is flatter."},
	{"promotion_",
	 "syncmap's own work per million operations: promotions of the dirty "
	 "map to the read-only map, dirty-map rebuilds and entries copied. "
	 "High values mean the lock-free read path is being rebuilt often: "
	 "the workload does not suit the design."},
	{"latency_",
	 "Sampled latency of single operations (ns, lower is better): median, "
	 "p99 and p99.9 per map. The tail (p99.9) shows lock convoys and "
	 "rebuild pauses the median hides; values near the timer's "
	 "resolution are not meaningful."},
	{"memory_",
	 "Memory per live key (bytes, lower is better) and peak RSS per map. "
	 "A map that keeps deleted entries or two copies of its table shows "
	 "here."},
};

static const char *
caption_for(const char *name)
{
	for (size_t i = 0; i < sizeof(captions) / sizeof(captions[0]); i++)
		if (strncmp(name, captions[i].prefix,
			    strlen(captions[i].prefix)) == 0)
			return captions[i].caption;
	return "A figure of this sweep; its title and axes say what it "
	       "shows.";
}

static int
svg_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 &&
	       strcmp(d->d_name + n - 4, ".svg") == 0;
}

/* meta.json: machine and build rows, command line, method options. */
static void
write_meta(FILE *f, json_t *meta)
{
	char buf[1024];
	json_t *o, *v;
	const char *k;

	fputs("<h2>Machine and build</h2>\n", f);
	if (!meta) {
		fputs("<p class=warn>No meta.json beside results.csv: the "
		      "machine is unknown.</p>\n",
		      f);
		return;
	}
	fputs("<div class=scroll><table class=kv>\n", f);
	for (int r = 0; compare_machine_rows[r].label; r++) {
		compare_meta_value(meta, compare_machine_rows[r].path, buf,
				   sizeof(buf));
		if (!buf[0])
			continue;
		fprintf(f, "<tr><th>%s</th><td>",
			compare_machine_rows[r].label);
		html_escape(f, buf);
		fputs("</td></tr>\n", f);
	}
	fputs("</table></div>\n<h2>Method</h2>\n", f);
	compare_meta_value(meta, "command_line", buf, sizeof(buf));
	if (buf[0]) {
		fputs("<p>Command: <code>", f);
		html_escape(f, buf);
		fputs("</code></p>\n", f);
	}
	o = json_object_get(meta, "options");
	if (json_is_object(o)) {
		fputs("<div class=scroll><table class=kv>\n", f);
		json_object_foreach(o, k, v)
		{
			char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

			fputs("<tr><th>", f);
			html_escape(f, k);
			fputs("</th><td>", f);
			html_escape(f, s ? s : "?");
			fputs("</td></tr>\n", f);
			free(s);
		}
		fputs("</table></div>\n", f);
	}
}

struct srow {
	char *key;
	size_t first; /* a row of the csv with this configuration */
	double **x;   /* per impl */
	size_t *n, *cap, *bad;
};

struct sort_ctx {
	const struct sweep_csv *t;
	const int *idcol;
	const bool *vary;
	int nid;
};

static int
cmp_srow(const void *pa, const void *pb, void *arg)
{
	const struct srow *a = pa, *b = pb;
	const struct sort_ctx *x = arg;

	for (int k = 1; k < x->nid; k++) {
		const char *u, *v;
		char *eu, *ev;
		double du, dv;

		if (!x->vary[k])
			continue;
		u = sweep_csv_get(x->t, a->first, x->idcol[k]);
		v = sweep_csv_get(x->t, b->first, x->idcol[k]);
		du = strtod(u, &eu);
		dv = strtod(v, &ev);
		if (u[0] && v[0] && !*eu && !*ev && du != dv)
			return du < dv ? -1 : 1;
		if (strcmp(u, v))
			return strcmp(u, v);
	}
	return (a->first > b->first) - (a->first < b->first);
}

/* Controls (null, unsync) are references, never "best". */
static bool
is_control(const char *impl)
{
	const struct map_ops *ops = map_find(impl);

	return ops && (ops->flags & (MAP_CONTROL | MAP_NOT_THREAD_SAFE));
}

static int
write_summary(FILE *f, const struct sweep_csv *t, FILE *err, const char *path)
{
	int impl_col = sweep_csv_col(t, "impl"),
	    mops_col = sweep_csv_col(t, "mops"),
	    status_col = sweep_csv_col(t, "status");
	int idcol[32], nid = 0;
	bool vary[32] = {0};
	const char *impls[64];
	size_t nimpl = 0, nrows = 0, *bad_impl;
	struct srow *rows = NULL;
	char key[2048];
	int rc = 0;

	fputs("<h2>Summary: median Mops/s</h2>\n", f);
	if (impl_col < 0 || mops_col < 0) {
		fputs("<p class=warn>results.csv has no impl or mops column: "
		      "no "
		      "summary.</p>\n",
		      f);
		return 0;
	}
	for (nid = 0; compare_identity_cols[nid]; nid++)
		idcol[nid] = sweep_csv_col(t, compare_identity_cols[nid]);
	for (size_t r = 0; r < t->nrows; r++) {
		const char *impl = sweep_csv_get(t, r, impl_col);
		size_t m;

		for (m = 0; m < nimpl; m++)
			if (strcmp(impls[m], impl) == 0)
				break;
		if (m == nimpl && nimpl < 64)
			impls[nimpl++] = impl;
	}
	bad_impl = calloc(nimpl + 1, sizeof(*bad_impl));
	if (!bad_impl)
		return 1;
	for (int k = 1; k < nid; k++)
		for (size_t r = 1; r < t->nrows && idcol[k] >= 0; r++)
			if (strcmp(sweep_csv_get(t, r, idcol[k]),
				   sweep_csv_get(t, 0, idcol[k]))) {
				vary[k] = true;
				break;
			}
	/* the mix says again what read_pct says when read_pct varies */
	for (int k = 1; k < nid; k++)
		if (strcmp(compare_identity_cols[k], "read_pct") == 0 &&
		    vary[k])
			for (int m = 1; m < nid; m++)
				if (strcmp(compare_identity_cols[m], "mix") ==
				    0)
					vary[m] = false;
	for (size_t r = 0; r < t->nrows; r++) {
		const char *impl = sweep_csv_get(t, r, impl_col), *v;
		size_t m, i, n = 0;
		char *end;
		double x;

		for (m = 0; m < nimpl; m++)
			if (strcmp(impls[m], impl) == 0)
				break;
		if (m == nimpl)
			continue;
		key[0] = '\0';
		for (int k = 1; k < nid; k++)
			if (vary[k])
				n += (size_t)snprintf(
					key + n,
					n < sizeof(key) ? sizeof(key) - n : 0,
					"%s\x1f",
					sweep_csv_get(t, r, idcol[k]));
		for (i = 0; i < nrows; i++)
			if (strcmp(rows[i].key, key) == 0)
				break;
		if (i == nrows) {
			struct srow *nr =
				realloc(rows, (nrows + 1) * sizeof(*rows));

			if (!nr)
				goto oom;
			rows = nr;
			rows[i].key = strdup(key);
			rows[i].first = r;
			rows[i].x = calloc(nimpl, sizeof(double *));
			rows[i].n = calloc(nimpl, sizeof(size_t));
			rows[i].cap = calloc(nimpl, sizeof(size_t));
			rows[i].bad = calloc(nimpl, sizeof(size_t));
			nrows++;
			if (!rows[i].key || !rows[i].x || !rows[i].n ||
			    !rows[i].cap || !rows[i].bad)
				goto oom;
		}
		if (!compare_status_ok(sweep_csv_get(t, r, status_col))) {
			rows[i].bad[m]++;
			bad_impl[m]++;
			continue;
		}
		v = sweep_csv_get(t, r, mops_col);
		if (!v[0])
			continue;
		errno = 0;
		x = strtod(v, &end);
		if (end == v || *end || errno || !isfinite(x)) {
			fprintf(err,
				"mapbench: report: %s:%zu: mops '%s' is "
				"not a number\n",
				path, t->line[r], v);
			rc = 2;
			goto out;
		}
		if (rows[i].n[m] == rows[i].cap[m]) {
			size_t nc = rows[i].cap[m] ? rows[i].cap[m] * 2 : 4;
			double *nx = realloc(rows[i].x[m], nc * sizeof(double));

			if (!nx)
				goto oom;
			rows[i].x[m] = nx;
			rows[i].cap[m] = nc;
		}
		rows[i].x[m][rows[i].n[m]++] = x;
	}
	{
		struct sort_ctx x = {t, idcol, vary, nid};

		qsort_r(rows, nrows, sizeof(*rows), cmp_srow, &x);
	}
	fputs("<p>Median over the repetitions; the best map of each row is "
	      "highlighted. Controls (<i>in italics</i>: a map that stores "
	      "nothing, or one that is not thread-safe) are references and "
	      "never highlighted. Rows whose status is not <code>ok</code> "
	      "are left out and counted.</p>\n<div class=scroll><table "
	      "id=summary class=summary>\n<tr>",
	      f);
	for (int k = 1; k < nid; k++)
		if (vary[k]) {
			fputs("<th>", f);
			html_escape(f, compare_identity_cols[k]);
			fputs("</th>", f);
		}
	for (size_t m = 0; m < nimpl; m++) {
		fputs(is_control(impls[m]) ? "<th class=control>" : "<th>", f);
		html_escape(f, impls[m]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < nrows; i++) {
		double med[64], best = -INFINITY;

		for (size_t m = 0; m < nimpl; m++) {
			med[m] = stats_median(rows[i].x[m], rows[i].n[m]);
			if (!isnan(med[m]) && med[m] > best &&
			    !is_control(impls[m]))
				best = med[m];
		}
		fputs("<tr>", f);
		for (int k = 1; k < nid; k++)
			if (vary[k]) {
				fputs("<td>", f);
				html_escape(f, sweep_csv_get(t, rows[i].first,
							     idcol[k]));
				fputs("</td>", f);
			}
		for (size_t m = 0; m < nimpl; m++) {
			fprintf(f, "<td class=\"num%s\">",
				is_control(impls[m])		   ? " control"
				: !isnan(med[m]) && med[m] == best ? " best"
								   : "");
			if (isnan(med[m]))
				fputs("&ndash;", f);
			else
				fprintf(f, "%.4g", med[m]);
			if (rows[i].bad[m])
				fprintf(f,
					" <span class=worse>(%zu not "
					"ok)</span>",
					rows[i].bad[m]);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n<p>Rows not ok: ", f);
	for (size_t m = 0; m < nimpl; m++) {
		fprintf(f, "%s", m ? ", " : "");
		html_escape(f, impls[m]);
		fprintf(f, " %zu", bad_impl[m]);
	}
	fputs(".</p>\n", f);
	goto out;
oom:
	fprintf(err, "mapbench: report: out of memory\n");
	rc = 1;
out:
	for (size_t i = 0; i < nrows; i++) {
		for (size_t m = 0; m < nimpl && rows[i].x; m++)
			free(rows[i].x[m]);
		free(rows[i].x);
		free(rows[i].n);
		free(rows[i].cap);
		free(rows[i].bad);
		free(rows[i].key);
	}
	free(rows);
	free(bad_impl);
	return rc;
}

int
report_write_sweep(const char *sweep_dir, const char *plot_dir, FILE *err)
{
	char path[4200], out[4200], tmp[4300], msg[512];
	struct sweep_csv t;
	json_t *meta = NULL;
	json_error_t jerr;
	struct dirent **names = NULL;
	int n, rc;
	FILE *f;

	snprintf(path, sizeof(path), "%s/results.csv", sweep_dir);
	if (sweep_csv_load(path, &t, msg, sizeof(msg))) {
		fprintf(err, "mapbench: report: %s\n", msg);
		return 2;
	}
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
		json_decref(meta);
		sweep_csv_free(&t);
		return 1;
	}
	html_begin(f, "mapbench sweep");
	fputs("<h1>mapbench sweep <code>", f);
	html_escape(f, sweep_dir);
	fprintf(f, "</code></h1>\n<p>%zu result rows.", t.nrows);
	compare_meta_value(meta, "date", msg, sizeof(msg));
	if (msg[0]) {
		fputs(" Measured ", f);
		html_escape(f, msg);
		fputs(".", f);
	}
	fputs("</p>\n", f);
	snprintf(path, sizeof(path), "%s/results.csv", sweep_dir);
	rc = write_summary(f, &t, err, path);
	if (rc == 0) {
		write_meta(f, meta);
		n = scandir(plot_dir, &names, svg_filter, alphasort);
		fputs("<h2>Figures</h2>\n", f);
		if (n <= 0)
			fputs("<p>No figures (*.svg) in this folder.</p>\n", f);
		for (int i = 0; i < n; i++) {
			fputs("<figure><img loading=lazy src=\"", f);
			html_escape_url(f, names[i]->d_name);
			fputs("\" alt=\"", f);
			html_escape(f, names[i]->d_name);
			fputs("\"><figcaption><b>", f);
			html_escape(f, names[i]->d_name);
			fputs("</b>: ", f);
			html_escape(f, caption_for(names[i]->d_name));
			fputs("</figcaption></figure>\n", f);
		}
		for (int i = 0; i < n; i++)
			free(names[i]);
		free(names);
		html_end(f);
	}
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
	json_decref(meta);
	sweep_csv_free(&t);
	return rc;
}

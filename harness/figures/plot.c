/*
 * mapbench plot: read a sweep's results.csv, check every field it uses,
 * aggregate the repetitions of each configuration (median, min, max per
 * metric) into ONE table next to the results, <sweep>/summary.tsv, then
 * draw each figure with one gnuplot script of plots/ reading that table.
 *
 * Nothing read from the CSV or given on the command line reaches a
 * shell: gnuplot is started with posix_spawnp() and an argument vector,
 * and values go to it as gnuplot strings in single quotes (a quote
 * doubled; control characters refused), after the fields were checked
 * against their grammar (impl names, dist, integers, numbers).  A row
 * that fails a check is reported with its line number and skipped.
 *
 * The C side decides what is drawn: which panels have data, the y-range
 * shared by the panels of a figure (from the real maps: `null` is drawn
 * as a reference line, not used to scale the axes), the thread count
 * latency is taken at (the largest one not oversubscribed), the colour
 * and marker of each map (by name, the same in every figure).  A figure
 * with no data is skipped and said so.  Images go to the plot directory
 * (default <sweep>/plots); images about to be redrawn are removed first,
 * and only what was written is reported.  gnuplot's messages go to
 * <sweep>/gnuplot.log.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvread.h"
#include "figures.h"
#include "fsutil.h"
#include "gnuplot.h"
#include "map.h"
#include "plot.h"
#include "report.h"
#include "schema.h"
#include "stats.h"

#ifndef MAPBENCH_SOURCE_DIR
#define MAPBENCH_SOURCE_DIR "."
#endif

/*
 * The confidence of the medians' intervals and the significance level
 * of the heatmap's tests.
 */
#define PLOT_CONF  0.95
#define PLOT_ALPHA 0.05

/*
 * The metrics the figures draw, first in the summary table (after the
 * identity columns): each gets NAME_med, _min, _max, _lo, _hi, _n.  Keep
 * plots/common.gp's column numbers in step.  Every other metric of
 * results.csv (the schema's AGG_MEDIAN columns and the maps' own_*
 * counters) follows, under its column name, so that a new metric reaches
 * summary.tsv without a line here.
 */
enum metric {
	M_MOPS,
	M_P50,
	M_P99,
	M_P999,
	M_MAX,
	M_BPK,
	M_PROMO,
	M_REBUILD,
	M_LOCKED,
	M_N
};

/* figures.h's figure_metrics are in this enum's order. */

/* One valid row of results.csv. */
struct rec {
	const char *impl, *dist;
	long long keys;
	int threads, read, oversub, ncpus;
	bool ok;    /* status ok: only these are aggregated */
	double *m;  /* per metric (plotdata.nm); NAN: not kept (NA) */
	char **row; /* its cells, for the configuration check */
	long line;
};

struct stat3 {
	double med, min, max;
	double lo, hi; /* 95% interval of the median; NAN when n < 6 */
	int n;	       /* 0: NA */
};

/* One configuration: its repetitions aggregated. */
struct cfg {
	const char *impl, *dist;
	int impl_rank;
	long long keys;
	int threads, read, oversub, ncpus, reps, not_ok;
	size_t first, nrec; /* its rows: plotdata.r[first .. first+nrec) */
	struct stat3 *s;    /* per metric (plotdata.nm) */
};

struct plotdata {
	/* the metrics: the M_N figure ones, then the others of the file */
	size_t nm;
	const char **mcsv, **mtsv;
	int *mcol;	     /* their columns in results.csv (-1: none) */
	double *mvals;	     /* nr * nm */
	struct stat3 *svals; /* nc * nm */
	/* the other identity and method columns present (plot_key) */
	int rest[64];
	const char *rest_name[64];
	size_t nrest;
	const char *path; /* results.csv, for messages */
	struct rec *r;
	size_t nr;
	struct cfg *c;
	size_t nc;
	const char **impls, **dists;
	size_t n_impls, n_dists;
	long long *keys;
	int *threads, *reads;
	size_t n_keys, n_threads, n_reads;
	size_t bad, not_ok, not_rw, custom_mix;
	bool quiet; /* checking rows that are not ok: no messages */
};

/* ---- checking fields ---------------------------------------------- */

/* A field shown in a message: at most 40 bytes, odd ones as \xNN. */
#define PLOT_BASELINE "rwlock"

static void
put_shown(FILE *f, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i < 40; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			fputc(ch, f);
		else
			fprintf(f, "\\x%02x", ch);
	}
	if (s[i])
		fputs("...", f);
}

/* [a-z][a-z0-9_:=.,-]*, at most 100 bytes: safe in any file or string. */
static bool
plot_valid_impl(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 100 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_:=.,-") == n;
}

/* A decimal number: digits, one '.', an exponent; no inf/nan/hex. */
static bool
parse_number(const char *s, double *v)
{
	char *end;

	if (!*s || strspn(s, "0123456789.eE+-") != strlen(s))
		return false;
	errno = 0;
	*v = strtod(s, &end);
	return !*end && !errno && isfinite(*v);
}

/* uniform | churn | zipf:THETA with 0 < THETA < 1. */
static bool
plot_valid_dist(const char *s)
{
	double theta;

	if (!strcmp(s, "uniform") || !strcmp(s, "churn"))
		return true;
	if (strncmp(s, "zipf:", 5) || strlen(s) > 40)
		return false;
	return parse_number(s + 5, &theta) && theta > 0 && theta < 1;
}

/* A decimal integer in [lo, hi], no sign, no leading zeros. */
static bool
parse_int(const char *s, long long lo, long long hi, long long *v)
{
	size_t n = strlen(s);

	if (n == 0 || n > 18 || strspn(s, "0123456789") != n ||
	    (s[0] == '0' && n > 1))
		return false;
	*v = strtoll(s, NULL, 10);
	return *v >= lo && *v <= hi;
}

static bool
valid_workload(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz"
			 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == n;
}

/* ---- reading ------------------------------------------------------- */

struct cols {
	int impl, workload, threads, read, keys, dist, status, oversub, ncpus;
	int *m; /* per metric (plotdata.nm) */
};

static void
bad_value(struct plotdata *d, const char *path, long line, const char *col,
	  const char *val, const char *want)
{
	if (d->quiet)
		return;
	d->bad++;
	if (d->bad > 20)
		return;
	fprintf(stderr, "mapbench: plot: %s:%ld: column %s: invalid value '",
		path, line, col);
	put_shown(stderr, val);
	fprintf(stderr, "' (want %s); row skipped\n", want);
}

/* Check one row; false (reported) when a field is invalid. */
static bool
read_row(struct plotdata *d, const char *path, long line, char **row,
	 const struct cols *k, struct rec *r)
{
	long long v;

	r->impl = row[k->impl];
	r->dist = row[k->dist];
	if (!plot_valid_impl(r->impl)) {
		bad_value(d, path, line, "impl", r->impl,
			  "a map name: [a-z][a-z0-9_:=.,-]*");
		return false;
	}
	if (!plot_valid_dist(r->dist)) {
		bad_value(d, path, line, "dist", r->dist,
			  "uniform, churn or zipf:THETA with 0<THETA<1");
		return false;
	}
	if (!parse_int(row[k->threads], 1, 1 << 20, &v)) {
		bad_value(d, path, line, "threads", row[k->threads],
			  "an integer from 1");
		return false;
	}
	r->threads = (int)v;
	if (!parse_int(row[k->read], 0, 100, &v)) {
		bad_value(d, path, line, "read_pct", row[k->read],
			  "an integer from 0 to 100");
		return false;
	}
	r->read = (int)v;
	if (!parse_int(row[k->keys], 1, (long long)1 << 50, &r->keys)) {
		bad_value(d, path, line, "keys", row[k->keys],
			  "an integer from 1");
		return false;
	}
	r->oversub = 0;
	if (k->oversub >= 0 && row[k->oversub][0]) {
		if (!parse_int(row[k->oversub], 0, 1, &v)) {
			bad_value(d, path, line, "oversubscribed",
				  row[k->oversub], "0 or 1");
			return false;
		}
		r->oversub = (int)v;
	}
	r->ncpus = 0;
	if (k->ncpus >= 0 && row[k->ncpus][0]) {
		if (!parse_int(row[k->ncpus], 1, 1 << 20, &v)) {
			bad_value(d, path, line, "ncpus", row[k->ncpus],
				  "an integer from 1");
			return false;
		}
		r->ncpus = (int)v;
		if (k->oversub < 0)
			r->oversub = r->threads > r->ncpus;
	}
	for (size_t m = 0; m < d->nm; m++) {
		const char *s = k->m[m] >= 0 ? row[k->m[m]] : "";

		r->m[m] = NAN;
		if (!*s)
			continue;
		/*
		 * The figures' metrics (the first M_N) are rates, times and
		 * sizes: >= 0.  Others (drift_pct) may be negative.
		 */
		if (!parse_number(s, &r->m[m]) ||
		    (m < M_N && !(r->m[m] >= 0))) {
			bad_value(d, path, line, d->mcsv[m], s,
				  m < M_N ? "a decimal number >= 0 or nothing"
					  : "a decimal number or nothing");
			return false;
		}
	}
	return true;
}

static int
cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	int c;

	if ((c = strcmp(x->impl, y->impl)))
		return c;
	if ((c = strcmp(x->dist, y->dist)))
		return c;
	if (x->keys != y->keys)
		return x->keys < y->keys ? -1 : 1;
	if (x->threads != y->threads)
		return x->threads < y->threads ? -1 : 1;
	return (x->read > y->read) - (x->read < y->read);
}

static int
cmp_cfg(const void *a, const void *b)
{
	const struct cfg *x = a, *y = b;
	int c;

	if (x->impl_rank != y->impl_rank)
		return x->impl_rank < y->impl_rank ? -1 : 1;
	if ((c = strcmp(x->impl, y->impl)))
		return c;
	if ((c = strcmp(x->dist, y->dist)))
		return c;
	if (x->keys != y->keys)
		return x->keys < y->keys ? -1 : 1;
	if (x->threads != y->threads)
		return x->threads < y->threads ? -1 : 1;
	return (x->read > y->read) - (x->read < y->read);
}

static int
cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sort and remove duplicates; returns the new count. */
static size_t
uniq(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *p = base;
	size_t j = 0;

	if (!n)
		return 0;
	qsort(base, n, size, cmp);
	for (size_t i = 1; i < n; i++)
		if (cmp(p + j * size, p + i * size))
			memcpy(p + ++j * size, p + i * size, size);
	return j + 1;
}

/*
 * The metrics to aggregate (the figures' M_N, then every other metric
 * column of the file, by the schema) and the identity and method columns
 * other than the figures' axes (impl, dist, keys, threads, read_pct; the
 * workload and mix are fixed by taking `rw` rows only).  0, or -1.
 */
static int
plot_columns(const struct csv *c, struct plotdata *d, struct cols *k)
{
	static const char *const axes[] = {"impl",    "dist",	  "keys",
					   "threads", "read_pct", "workload",
					   "mix",     NULL};

	d->mcsv = calloc(M_N + (size_t)c->ncols, sizeof(*d->mcsv));
	d->mtsv = calloc(M_N + (size_t)c->ncols, sizeof(*d->mtsv));
	k->m = d->mcol = calloc(M_N + (size_t)c->ncols, sizeof(*k->m));
	if (!d->mcsv || !d->mtsv || !k->m)
		return -1;
	for (int m = 0; m < M_N; m++) {
		d->mcsv[d->nm] = figure_metrics[m].csv;
		d->mtsv[d->nm] = figure_metrics[m].tsv;
		k->m[d->nm++] = csv_col(c, figure_metrics[m].csv);
	}
	for (int i = 0; i < c->ncols; i++) {
		const char *name = c->head[i];
		bool fig = false, axis = false;

		for (int m = 0; m < M_N; m++)
			fig |= strcmp(name, figure_metrics[m].csv) == 0;
		if (!fig && schema_is_metric(name)) {
			d->mcsv[d->nm] = d->mtsv[d->nm] = name;
			k->m[d->nm++] = i;
		}
		for (int a = 0; axes[a]; a++)
			axis |= strcmp(name, axes[a]) == 0;
		if (!axis && schema_has(name, COL_CONFIG) &&
		    d->nrest < sizeof(d->rest) / sizeof(d->rest[0])) {
			d->rest_name[d->nrest] = name;
			d->rest[d->nrest++] = i;
		}
	}
	return 0;
}

/*
 * The records [i, j) are one configuration of the figures: they must
 * agree on every other identity and method column, or one median would
 * mix two methods.  0, or 2 (said).  prefill_pct is identity but follows
 * dist (churn fills 100%), so it never splits a group of one dist.
 */
static int
plot_key_check(const struct plotdata *d, size_t i, size_t j)
{
	for (size_t x = i + 1; x < j; x++)
		for (size_t k = 0; k < d->nrest; k++) {
			const char *a = d->r[i].row[d->rest[k]],
				   *b = d->r[x].row[d->rest[k]];
			const struct column *col;

			if (strcmp(a, b) == 0)
				continue;
			col = schema_find(d->rest_name[k]);
			fprintf(stderr,
				"mapbench: plot: %s: rows of one configuration "
				"(%s, dist %s, %lld keys, %d threads, read "
				"%d%%) differ in %s (%s): '%s' on line %ld, "
				"'%s' on line %ld; a figure draws one method: "
				"plot each method's rows from a sweep of "
				"their own\n",
				d->path, d->r[i].impl, d->r[i].dist,
				d->r[i].keys, d->r[i].threads, d->r[i].read,
				d->rest_name[k],
				col && col->opt ? col->opt : "-",
				a[0] ? a : "NA", d->r[i].line, b[0] ? b : "NA",
				d->r[x].line);
			return 2;
		}
	return 0;
}

/* Group the sorted records into configurations and list the axes. */
static int
aggregate(struct plotdata *d)
{
	double *buf = malloc((d->nr ? d->nr : 1) * sizeof(*buf));
	size_t i = 0;

	d->c = calloc(d->nr ? d->nr : 1, sizeof(*d->c));
	d->svals = calloc((d->nr ? d->nr : 1) * d->nm, sizeof(*d->svals));
	d->impls = calloc(d->nr + 1, sizeof(*d->impls));
	d->dists = calloc(d->nr + 1, sizeof(*d->dists));
	d->keys = calloc(d->nr + 1, sizeof(*d->keys));
	d->threads = calloc(d->nr + 1, sizeof(*d->threads));
	d->reads = calloc(d->nr + 1, sizeof(*d->reads));
	if (!buf || !d->c || !d->svals || !d->impls || !d->dists || !d->keys ||
	    !d->threads || !d->reads) {
		free(buf);
		return -1;
	}
	qsort(d->r, d->nr, sizeof(*d->r), cmp_rec);
	while (i < d->nr) {
		size_t j = i;
		struct cfg *c = &d->c[d->nc++];

		while (j < d->nr && !cmp_rec(&d->r[i], &d->r[j]))
			j++;
		c->impl = d->r[i].impl;
		c->impl_rank = (int)figure_map_rank(c->impl);
		c->dist = d->r[i].dist;
		c->keys = d->r[i].keys;
		c->threads = d->r[i].threads;
		c->read = d->r[i].read;
		c->first = i;
		c->nrec = j - i;
		c->s = &d->svals[(size_t)(c - d->c) * d->nm];
		if (plot_key_check(d, i, j)) {
			free(buf);
			return 2;
		}
		for (size_t x = i; x < j; x++) {
			if (d->r[x].ok)
				c->reps++;
			else
				c->not_ok++;
			c->oversub |= d->r[x].oversub;
			if (d->r[x].ncpus > c->ncpus)
				c->ncpus = d->r[x].ncpus;
		}
		for (size_t m = 0; m < d->nm; m++) {
			size_t n = 0;

			struct stats_summary sm;

			for (size_t x = i; x < j; x++)
				if (d->r[x].ok && !isnan(d->r[x].m[m]))
					buf[n++] = d->r[x].m[m];
			c->s[m].n = (int)n;
			c->s[m].lo = c->s[m].hi = NAN;
			if (!n)
				continue;
			stats_sort(buf, n);
			c->s[m].min = buf[0];
			c->s[m].max = buf[n - 1];
			c->s[m].med = stats_median_sorted(buf, n);
			if (stats_summarize(buf, n, PLOT_CONF, &sm)) {
				free(buf);
				return -1;
			}
			if (sm.conf >= PLOT_CONF) {
				c->s[m].lo = sm.lo;
				c->s[m].hi = sm.hi;
			}
		}
		d->impls[d->n_impls++] = c->impl;
		d->dists[d->n_dists++] = c->dist;
		d->keys[d->n_keys++] = c->keys;
		d->threads[d->n_threads++] = c->threads;
		d->reads[d->n_reads++] = c->read;
		i = j;
	}
	free(buf);
	qsort(d->c, d->nc, sizeof(*d->c), cmp_cfg);
	d->n_impls = uniq(d->impls, d->n_impls, sizeof(char *), cmp_str);
	d->n_dists = uniq(d->dists, d->n_dists, sizeof(char *), cmp_str);
	d->n_keys = uniq(d->keys, d->n_keys, sizeof(long long), cmp_ll);
	d->n_threads = uniq(d->threads, d->n_threads, sizeof(int), cmp_int);
	d->n_reads = uniq(d->reads, d->n_reads, sizeof(int), cmp_int);
	/* impls in registry order, then the others by name */
	for (size_t a = 1; a < d->n_impls; a++)
		for (size_t b = a; b > 0; b--) {
			const char *x = d->impls[b - 1], *y = d->impls[b];
			int rx = (int)figure_map_rank(x),
			    ry = (int)figure_map_rank(y);

			if (rx < ry || (rx == ry && strcmp(x, y) <= 0))
				break;
			d->impls[b - 1] = y;
			d->impls[b] = x;
		}
	return 0;
}

/* Read and check results.csv; 0, or an exit status. */
static int
load(const char *path, struct csv **cp, struct plotdata *d)
{
	long partial;
	struct csv *c = csv_load(path, &partial);
	struct cols k;

	*cp = c;
	if (!c) {
		fprintf(stderr, "mapbench: plot: cannot read %s: %s\n", path,
			strerror(errno));
		return 2;
	}
	if (!c->head) {
		fprintf(stderr,
			"mapbench: plot: %s is empty or its header cannot be "
			"read\n",
			path);
		return 2;
	}
	k.impl = csv_col(c, "impl");
	k.workload = csv_col(c, "workload");
	k.threads = csv_col(c, "threads");
	k.read = csv_col(c, "read_pct");
	k.keys = csv_col(c, "keys");
	k.dist = csv_col(c, "dist");
	k.status = csv_col(c, "status");
	k.oversub = csv_col(c, "oversubscribed");
	k.ncpus = csv_col(c, "ncpus");
	d->path = path;
	if (plot_columns(c, d, &k)) {
		fprintf(stderr, "mapbench: plot: out of memory\n");
		return 1;
	}
	if (k.impl < 0 || k.workload < 0 || k.threads < 0 || k.read < 0 ||
	    k.keys < 0 || k.dist < 0 || k.m[M_MOPS] < 0) {
		fprintf(stderr,
			"mapbench: plot: %s is not a mapbench results.csv (no "
			"impl, workload, threads, read_pct, keys, dist or mops "
			"column)\n",
			path);
		return 2;
	}
	if (partial >= 0)
		fprintf(stderr,
			"mapbench: plot: %s: the last line has no newline (an "
			"interrupted write): not plotted\n",
			path);
	d->bad = c->nbad;
	d->r = calloc(c->nrows ? c->nrows : 1, sizeof(*d->r));
	d->mvals = calloc((c->nrows ? c->nrows : 1) * d->nm, sizeof(double));
	if (!d->r || !d->mvals) {
		fprintf(stderr, "mapbench: plot: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < c->nrows; i++) {
		char **row = c->rows[i];

		bool ok = k.status < 0 || !strcmp(row[k.status], "ok");

		/*
		 * A row that is not ok is counted; it is kept (not
		 * aggregated) only to count it with its configuration.
		 */
		if (!ok)
			d->not_ok++;
		d->quiet = !ok;
		if (!valid_workload(row[k.workload])) {
			bad_value(d, path, c->line[i], "workload",
				  row[k.workload], "a workload name");
			d->quiet = false;
			continue;
		}
		if (strcmp(row[k.workload], "rw")) {
			d->not_rw += ok;
			d->quiet = false;
			continue;
		}
		if (!row[k.read][0]) {
			d->custom_mix += ok;
			d->quiet = false;
			continue;
		}
		d->r[d->nr].m = &d->mvals[d->nr * d->nm];
		d->r[d->nr].row = row;
		d->r[d->nr].line = c->line[i];
		if (read_row(d, path, c->line[i], row, &k, &d->r[d->nr])) {
			d->r[d->nr].ok = ok;
			d->nr++;
		}
		d->quiet = false;
	}
	if (d->bad > 20)
		fprintf(stderr, "mapbench: plot: %s: %zu more invalid rows\n",
			path, d->bad - 20);
	return 0;
}

/* ---- the summary table --------------------------------------------- */

/* NAME_med, _min, _max (NaN: no value), _lo, _hi (NA: none), _n */
static void
put3(FILE *f, const struct stat3 *s)
{
	if (s->n)
		fprintf(f, "\t%.6g\t%.6g\t%.6g", s->med, s->min, s->max);
	else
		fputs("\tNaN\tNaN\tNaN", f);
	if (s->n && !isnan(s->lo))
		fprintf(f, "\t%.6g\t%.6g", s->lo, s->hi);
	else
		fputs("\tNA\tNA", f);
	fprintf(f, "\t%d", s->n);
}

static int
write_summary_rows(FILE *f, const void *arg)
{
	const struct plotdata *d = arg;

	fputs("impl\tdist\tkeys\tthreads\tread_pct\treps\toversubscribed\t"
	      "ncpus\tnot_ok",
	      f);
	for (size_t m = 0; m < d->nm; m++) {
		const char *t = d->mtsv[m];

		fprintf(f, "\t%s_med\t%s_min\t%s_max\t%s_lo\t%s_hi\t%s_n", t, t,
			t, t, t, t);
	}
	fputc('\n', f);
	for (size_t i = 0; i < d->nc; i++) {
		const struct cfg *c = &d->c[i];

		fprintf(f, "%s\t%s\t%lld\t%d\t%d\t%d\t%d\t%d\t%d", c->impl,
			c->dist, c->keys, c->threads, c->read, c->reps,
			c->oversub, c->ncpus, c->not_ok);
		for (size_t m = 0; m < d->nm; m++)
			put3(f, &c->s[m]);
		fputc('\n', f);
	}
	return 0;
}

/*
 * Write a table of the sweep (summary.tsv, heatmap.tsv) through a
 * temporary file renamed into place: on any write or close error nothing
 * is left behind.
 */
static int
write_table(const char *path, int (*rows)(FILE *, const void *),
	    const void *arg)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int fd, e;

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return -1;
	fd = mkstemp(tmp);
	if (fd < 0)
		goto fail;
	f = fdopen(fd, "w");
	if (!f) {
		e = errno;
		close(fd);
		errno = e;
		goto fail_rm;
	}
	if (rows(f, arg) || fflush(f) || ferror(f) || fsync(fileno(f))) {
		e = errno ? errno : EIO;
		fclose(f);
		errno = e;
		goto fail_rm;
	}
	if (fclose(f))
		goto fail_rm;
	if (chmod(tmp, 0644) || rename(tmp, path))
		goto fail_rm;
	free(tmp);
	return 0;
fail_rm:
	e = errno;
	unlink(tmp);
	errno = e;
fail:
	e = errno;
	fprintf(stderr,
		"mapbench: plot: cannot write %s: %s (nothing written, no "
		"plots drawn)\n",
		path, strerror(e));
	free(tmp);
	return -1;
}

/* ---- gnuplot ------------------------------------------------------- */

/* A growing string of gnuplot assignments. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool bad; /* out of memory or a value gnuplot cannot be given */
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->bad)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? 2 * b->cap : 1024;
		char *np;

		while (nc < b->len + n + 1)
			nc *= 2;
		np = realloc(b->p, nc);
		if (!np) {
			b->bad = true;
			return;
		}
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static bool
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/*
 * name='value'; with the value as a gnuplot single-quoted string, in
 * which only a quote is special (written twice).  Control characters
 * cannot be given this way and make the buffer bad.
 */
static void
gp_set(struct sbuf *b, const char *name, const char *value)
{
	if (has_control(value)) {
		b->bad = true;
		return;
	}
	sb_add(b, name, strlen(name));
	sb_add(b, "='", 2);
	for (const char *s = value; *s; s++) {
		if (*s == '\'')
			sb_add(b, "''", 2);
		else
			sb_add(b, s, 1);
	}
	sb_add(b, "';", 2);
}

/* A number as gnuplot reads a string back: no exponent. */
static void
gp_num(struct sbuf *b, const char *name, double v)
{
	char buf[512];

	snprintf(buf, sizeof(buf), v >= 1 ? "%.3f" : "%.15f", v);
	gp_set(b, name, buf);
}

static void
gp_setf(struct sbuf *b, const char *name, const char *fmt, ...)
{
	char *v;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->bad = true;
		return;
	}
	gp_set(b, name, v);
	free(v);
}

/* A space-separated list being built for gnuplot's word(). */
static void
list_add(struct sbuf *l, const char *fmt, ...)
{
	char *v;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&v, fmt, ap);
	va_end(ap);
	if (n < 0) {
		l->bad = true;
		return;
	}
	if (l->len)
		sb_add(l, " ", 1);
	sb_add(l, v, (size_t)n);
	free(v);
}

struct ctx {
	const char *dir; /* the sweep, as given */
	char *gpdir;	 /* the scripts (gnuplot's working directory) */
	char *outdir;	 /* absolute */
	char *summary;	 /* absolute */
	char *heat;	 /* absolute: heatmap.tsv */
	char *log_path;	 /* as shown: under dir */
	int logfd;
	const char *run; /* the sweep's name, for titles */
	char *note_rows; /* rows left out, for every figure's notes */
	int drawn, skipped, failed;
	struct sbuf written; /* names written, for the report */
};

/* Is the file system holding `dir` full (for an unprivileged writer)? */
static bool
fs_full(const char *dir)
{
	struct statvfs v;

	return statvfs(dir, &v) == 0 && v.f_bavail == 0;
}

/* The last non-empty line gnuplot wrote since `from`, for the message. */
static void
last_log_line(int fd, off_t from, char *buf, size_t len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	ssize_t n;
	char *p;

	buf[0] = '\0';
	if (end <= from)
		return;
	if (end - from > (off_t)len - 1)
		from = end - (off_t)len + 1;
	n = pread(fd, buf, len - 1, from);
	if (n <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	p = strrchr(buf, '\n');
	if (p)
		memmove(buf, p + 1, strlen(p + 1) + 1);
	for (p = buf; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

static void
remove_outputs(const struct ctx *x, const char *name)
{
	static const char *const fmts[] = {"svg", "png"};

	for (int i = 0; i < 2; i++) {
		char *p;

		if (asprintf(&p, "%s/%s.%s", x->outdir, name, fmts[i]) < 0)
			continue;
		unlink(p);
		free(p);
	}
}

/*
 * Draw figure `name` with `script` for SVG and PNG; `vars` holds the
 * figure's own assignments.  A figure that fails leaves no image.
 */
static void
draw(struct ctx *x, const char *script, const char *name, struct sbuf *vars)
{
	static const char *const fmts[] = {"svg", "png"};
	struct sbuf all = {0};

	remove_outputs(x, name);
	for (int i = 0; i < 2; i++) {
		char head[512], msg[400], *out = NULL;
		struct stat st;
		off_t at;
		int rc, werr;

		all.len = 0;
		if (all.p)
			all.p[0] = '\0';
		all.bad = false;
		gp_set(&all, "summary", x->summary);
		gp_setf(&all, "out", "%s/%s.%s", x->outdir, name, fmts[i]);
		gp_set(&all, "fmt", fmts[i]);
		gp_set(&all, "run", x->run);
		gp_set(&all, "rowsnote", x->note_rows);
		if (figure_find(name))
			gp_set(&all, "ftitle", figure_find(name)->title);
		sb_add(&all, vars->p ? vars->p : "", vars->len);
		if (all.bad || vars->bad) {
			fprintf(stderr, "mapbench: plot: %s: out of memory\n",
				name);
			x->failed++;
			break;
		}
		snprintf(head, sizeof(head), "## %s.%s (%s)\n", name, fmts[i],
			 script);
		/* gnuplot's lines start after our header (D31). */
		werr = write(x->logfd, head, strlen(head)) < 0 ? errno : 0;
		at = lseek(x->logfd, 0, SEEK_END);
		rc = gnuplot_run(x->gpdir, all.p, script, x->logfd);
		if (asprintf(&out, "%s/%s.%s", x->outdir, name, fmts[i]) < 0)
			out = NULL;
		/* On a full disk the image may be cut short: not drawn. */
		if (rc == 0 && out && !stat(out, &st) && st.st_size > 0 &&
		    !fs_full(x->outdir)) {
			free(out);
			continue;
		}
		free(out);
		last_log_line(x->logfd, at < 0 ? 0 : at, msg, sizeof(msg));
		/*
		 * A full disk: gnuplot's own lines (if it could write any)
		 * are its consequences; say the cause.
		 */
		if (werr == ENOSPC || werr == EDQUOT || fs_full(x->outdir))
			snprintf(msg, sizeof(msg), "%s: %s", x->outdir,
				 strerror(werr == EDQUOT ? EDQUOT : ENOSPC));
		else if (werr)
			snprintf(msg, sizeof(msg), "%s: %s", x->log_path,
				 strerror(werr));
		fprintf(stderr,
			"mapbench: plot: gnuplot failed to draw %s.%s (%s): "
			"%s; see %s\n",
			name, fmts[i], script,
			rc == 127 ? strerror(errno)
			: msg[0]  ? msg
				  : "no image written",
			x->log_path);
		remove_outputs(x, name);
		x->failed++;
		free(all.p);
		return;
	}
	free(all.p);
	if (!all.bad && !vars->bad) {
		x->drawn++;
		list_add(&x->written, "%s", name);
	}
}

static void
skip(struct ctx *x, const char *name, const char *why)
{
	remove_outputs(x, name);
	fprintf(stderr, "mapbench: plot: %s not drawn: %s\n", name, why);
	x->skipped++;
}

/* ---- figures ------------------------------------------------------- */

static bool
have(const struct cfg *c, enum metric m)
{
	return c->s[m].n > 0;
}

/* Extend [lo, hi] by the positive values of metric m of c. */
static void
range_pos(const struct cfg *c, enum metric m, double *lo, double *hi,
	  int *zeros)
{
	if (!have(c, m))
		return;
	if (c->s[m].med <= 0 && zeros)
		(*zeros)++;
	if (c->s[m].min > 0 && c->s[m].min < *lo)
		*lo = c->s[m].min;
	if (c->s[m].med > 0 && c->s[m].med < *lo)
		*lo = c->s[m].med;
	if (c->s[m].max > *hi)
		*hi = c->s[m].max;
}

/* A log axis from decade to decade, so at least two ticks are labelled. */
static void
set_log_range(struct sbuf *v, double lo, double hi)
{
	double a = pow(10, floor(log10(lo))), b = pow(10, ceil(log10(hi)));

	if (b <= a)
		b = a * 10;
	gp_num(v, "ymin", a);
	gp_num(v, "ymax", b);
}

static void
add_styles(struct sbuf *v, struct sbuf *impls)
{
	struct sbuf colours = {0}, pts = {0};
	char *save = impls->p ? strdup(impls->p) : strdup("");
	char *tok, *sp;

	for (tok = save ? strtok_r(save, " ", &sp) : NULL; tok;
	     tok = strtok_r(NULL, " ", &sp)) {
		const char *c;
		int pt;

		figure_map_style(tok, &c, &pt);
		list_add(&colours, "%s", c);
		list_add(&pts, "%d", pt);
	}
	gp_set(v, "impls", impls->p ? impls->p : "");
	gp_set(v, "colours", colours.p ? colours.p : "");
	gp_set(v, "pts", pts.p ? pts.p : "");
	if (!save || colours.bad || pts.bad || impls->bad)
		v->bad = true;
	free(save);
	free(colours.p);
	free(pts.p);
}

/* Notes shown under a figure's legend: note1..noteN, nnotes. */
struct notes {
	int n;
	struct sbuf *v;
};

static void
note(struct notes *nt, const char *fmt, ...)
{
	char *s, name[16];
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		va_end(ap);
		nt->v->bad = true;
		return;
	}
	va_end(ap);
	snprintf(name, sizeof(name), "note%d", ++nt->n);
	gp_set(nt->v, name, s);
	free(s);
}

static void
notes_end(struct notes *nt)
{
	gp_setf(nt->v, "nnotes", "%d", nt->n);
}

#define FOR_CFG(d, c)                                                          \
	for (const struct cfg *c = (d)->c; c < (d)->c + (d)->nc; c++)

static bool
is_null(const char *impl)
{
	return !strcmp(impl, "null");
}

/* ---- who wins where: the heatmap ------------------------------------ */

/*
 * One cell of a heatmap: map `c` in one row (dist, keys, threads, read %)
 * against the row's reference `ref` (the --baseline map, or the fastest
 * map of the row).
 */
struct hcell {
	const struct cfg *c, *ref;
	int row, col;
	double ratio, p;
	const char *status; /* ref, sig, ns, small (n too small), na */
	bool best;
	unsigned fill, text; /* 0xRRGGBB */
	char label[48];
};

struct heat {
	struct hcell *cell;
	size_t n, cap;
	bool any_small, any_ns;
};

/*
 * The fill of a ratio: white at 1, blue above (faster), orange below,
 * saturating at 4x and 1/4x; text white on a dark fill.
 */
static void
ratio_colour(double ratio, unsigned *fill, unsigned *text)
{
	static const double up[3] = {33, 102, 172}, down[3] = {230, 97, 1};
	double l = log2(ratio), t = fmin(fabs(l) / 2, 1);
	const double *to = l >= 0 ? up : down;
	unsigned rgb = 0;

	for (int i = 0; i < 3; i++)
		rgb = rgb << 8 | (unsigned)lround(255 + (to[i] - 255) * t);
	*fill = rgb;
	*text = t > 0.6 ? 0xffffff : 0x222222;
}

/* The mops samples of configuration c (its ok rows). */
static size_t
mops_samples(const struct plotdata *d, const struct cfg *c, double *out)
{
	size_t n = 0;

	for (size_t i = c->first; i < c->first + c->nrec; i++)
		if (d->r[i].ok && !isnan(d->r[i].m[M_MOPS]))
			out[n++] = d->r[i].m[M_MOPS];
	return n;
}

static const struct cfg *
find_cfg(const struct plotdata *d, const char *impl, const char *dist,
	 long long k, int threads, int read)
{
	FOR_CFG(d, c)
	if (!strcmp(c->impl, impl) && !strcmp(c->dist, dist) && c->keys == k &&
	    c->threads == threads && c->read == read)
		return c;
	return NULL;
}

static int
heat_cell(struct heat *h, const struct plotdata *d, const struct cfg *c,
	  const struct cfg *ref, int row, int col, bool best)
{
	struct hcell *e;
	double *a, *b;
	size_t na, nb;

	if (h->n == h->cap) {
		size_t nc = h->cap ? 2 * h->cap : 64;
		struct hcell *p = realloc(h->cell, nc * sizeof(*p));

		if (!p)
			return -1;
		h->cell = p;
		h->cap = nc;
	}
	e = &h->cell[h->n++];
	memset(e, 0, sizeof(*e));
	e->c = c;
	e->ref = ref;
	e->row = row;
	e->col = col;
	e->best = best;
	e->ratio = e->p = NAN;
	e->status = "na";
	e->fill = 0xffffff;
	e->text = 0x222222;
	snprintf(e->label, sizeof(e->label), "-");
	if (!have(c, M_MOPS))
		return 0;
	if (c == ref) {
		char v[32];

		report_sig(v, sizeof(v), c->s[M_MOPS].med, 3);
		snprintf(e->label, sizeof(e->label), "ref %s", v);
		e->status = "ref";
		e->ratio = 1;
		return 0;
	}
	if (!ref || !have(ref, M_MOPS) || ref->s[M_MOPS].med <= 0)
		return 0;
	e->ratio = c->s[M_MOPS].med / ref->s[M_MOPS].med;
	report_sig(e->label, sizeof(e->label), e->ratio, 3);
	a = malloc((c->nrec + ref->nrec) * sizeof(*a));
	if (!a)
		return -1;
	b = a + c->nrec;
	na = mops_samples(d, c, a);
	nb = mops_samples(d, ref, b);
	{
		struct stats_test t;

		if (stats_mann_whitney(a, na, b, nb, &t)) {
			free(a);
			return -1;
		}
		e->p = t.p;
		if (stats_mw_min_p(na, nb) >= PLOT_ALPHA) {
			e->status = "small";
			h->any_small = true;
		} else if (t.p < PLOT_ALPHA) {
			e->status = "sig";
		} else {
			e->status = "ns";
			h->any_ns = true;
		}
	}
	free(a);
	if (!strcmp(e->status, "sig")) {
		ratio_colour(e->ratio, &e->fill, &e->text);
	} else {
		e->fill = 0xececec;
		e->text = 0x8a8a8a;
	}
	return 0;
}

/*
 * The cells of every heatmap (one per dist and key count): rows are the
 * configurations (threads ascending, read % descending), columns the maps
 * but null, in registry order.
 */
static int
heat_build(struct heat *h, const struct plotdata *d, const char *baseline)
{
	bool by_best = !strcmp(baseline, "best");

	for (size_t di = 0; di < d->n_dists; di++)
		for (size_t ki = 0; ki < d->n_keys; ki++) {
			const char *dist = d->dists[di];
			long long k = d->keys[ki];
			int row = 0;

			for (size_t ti = 0; ti < d->n_threads; ti++)
				for (size_t ri = d->n_reads; ri-- > 0;) {
					int t = d->threads[ti],
					    r = d->reads[ri], col = 0;
					const struct cfg *ref = NULL,
							 *top = NULL;
					bool any = false;

					for (size_t i = 0; i < d->n_impls;
					     i++) {
						const struct cfg *c =
							find_cfg(d, d->impls[i],
								 dist, k, t, r);

						if (!c || is_null(c->impl) ||
						    !have(c, M_MOPS))
							continue;
						any = true;
						if (!figure_is_control(
							    c->impl) &&
						    (!top ||
						     c->s[M_MOPS].med >
							     top->s[M_MOPS]
								     .med))
							top = c;
					}
					if (!any)
						continue;
					ref = by_best ? top
						      : find_cfg(d, baseline,
								 dist, k, t, r);
					for (size_t i = 0; i < d->n_impls;
					     i++) {
						const struct cfg *c;

						if (is_null(d->impls[i]))
							continue;
						c = find_cfg(d, d->impls[i],
							     dist, k, t, r);
						if (c &&
						    heat_cell(
							    h, d, c, ref, row,
							    col,
							    c == top &&
								    !c->oversub))
							return -1;
						col++;
					}
					row++;
				}
		}
	return 0;
}

static int
write_heat(FILE *f, const void *arg)
{
	const struct heat *h = arg;

	fputs("dist\tkeys\tthreads\tread_pct\toversubscribed\timpl\treference"
	      "\trow\tcol\tn\tn_ref\tmedian\tref_median\tratio\tp\tstatus\tbest"
	      "\tfill\ttext\tfill_rgb\ttext_rgb\tlabel\n",
	      f);
	for (size_t i = 0; i < h->n; i++) {
		const struct hcell *e = &h->cell[i];
		const struct cfg *c = e->c;

		fprintf(f, "%s\t%lld\t%d\t%d\t%d\t%s\t%s\t%d\t%d\t%d\t%d\t",
			c->dist, c->keys, c->threads, c->read, c->oversub,
			c->impl, e->ref ? e->ref->impl : "NA", e->row, e->col,
			c->s[M_MOPS].n, e->ref ? e->ref->s[M_MOPS].n : 0);
		if (have(c, M_MOPS))
			fprintf(f, "%.6g\t", c->s[M_MOPS].med);
		else
			fputs("NA\t", f);
		if (e->ref && have(e->ref, M_MOPS))
			fprintf(f, "%.6g\t", e->ref->s[M_MOPS].med);
		else
			fputs("NA\t", f);
		if (isnan(e->ratio))
			fputs("NA\t", f);
		else
			fprintf(f, "%.6g\t", e->ratio);
		if (isnan(e->p))
			fputs("NA\t", f);
		else
			fprintf(f, "%.4g\t", e->p);
		fprintf(f, "%s\t%d\t#%06x\t#%06x\t%u\t%u\t%s\n", e->status,
			e->best, e->fill, e->text, e->fill, e->text, e->label);
	}
	return 0;
}

/* The heatmap of one dist and key count, drawn from heatmap.tsv. */
static void
fig_heatmap(struct ctx *x, const struct plotdata *d, const struct heat *h,
	    const char *dist, const char *tag, long long k,
	    const char *baseline)
{
	struct sbuf v = {0}, xt = {0}, yt = {0};
	struct notes nt = {0, &v};
	int nrow = 0, ncol = 0, last_row = -1;
	size_t na = 0, nb = 0;
	bool small = false, ns = false, noref = false;
	char *name = NULL;

	if (asprintf(&name, "heatmap_%s_k%lld", tag, k) < 0)
		return;
	for (size_t i = 0; i < h->n; i++) {
		const struct hcell *e = &h->cell[i];
		const struct cfg *c = e->c;

		if (strcmp(c->dist, dist) || c->keys != k)
			continue;
		if (!strcmp(e->status, "small")) {
			small = true;
			na = (size_t)c->s[M_MOPS].n;
			nb = (size_t)e->ref->s[M_MOPS].n;
		}
		ns |= !strcmp(e->status, "ns");
		noref |= !e->ref;
		if (e->row != last_row) {
			last_row = e->row;
			nrow++;
			sb_add(&yt, yt.len ? ", " : "", yt.len ? 2 : 0);
			{
				char lab[96];

				snprintf(lab, sizeof(lab),
					 "\"%d thr, %d%%%% reads%s\" %d",
					 c->threads, c->read,
					 c->oversub ? " (oversub.)" : "",
					 e->row);
				sb_add(&yt, lab, strlen(lab));
			}
		}
	}
	if (!nrow) {
		skip(x, name, "no throughput to compare");
		goto out;
	}
	for (size_t i = 0; i < d->n_impls; i++) {
		char lab[160];

		if (is_null(d->impls[i]))
			continue;
		snprintf(lab, sizeof(lab), "%s\"%s\" %d", ncol ? ", " : "",
			 d->impls[i], ncol);
		sb_add(&xt, lab, strlen(lab));
		ncol++;
	}
	gp_set(&v, "heat", x->heat);
	gp_set(&v, "dist", dist);
	gp_setf(&v, "k", "%lld", k);
	gp_setf(&v, "nrow", "%d", nrow);
	gp_setf(&v, "ncol", "%d", ncol);
	gp_set(&v, "xt", xt.p ? xt.p : "");
	gp_set(&v, "yt", yt.p ? yt.p : "");
	if (!strcmp(baseline, "best"))
		gp_setf(&v, "htitle",
			"%s: who wins where, %lld keys, %s: median throughput "
			"relative to the fastest map of each row",
			x->run, k, dist);
	else
		gp_setf(&v, "htitle",
			"%s: who wins where, %lld keys, %s: median throughput "
			"relative to %s (the 'ref' cell: its Mops/s)",
			x->run, k, dist, baseline);
	if (small)
		note(&nt,
		     "grey: n too small: with %zu vs %zu repetitions no "
		     "difference can reach p < %.2g (smallest p %.2g)",
		     na, nb, PLOT_ALPHA, stats_mw_min_p(na, nb));
	if (ns)
		note(&nt,
		     "grey: not significant (exact two-sided Mann-Whitney "
		     "test of the repetitions, p >= %.2g)",
		     PLOT_ALPHA);
	if (noref)
		note(&nt, "-: no %s in that row to compare with", baseline);
	note(&nt, "framed: the fastest map of the row (controls and "
		  "oversubscribed rows are never framed)");
	notes_end(&nt);
	draw(x, "heatmap.gp", name, &v);
out:
	free(name);
	free(v.p);
	free(xt.p);
	free(yt.p);
}

/* Oversubscription: the note, and the CPU count for shading. */
static void
note_oversub(struct notes *nt, int any, int ncpus)
{
	if (!any)
		return;
	if (ncpus)
		note(nt,
		     "open markers: more threads than the %d CPUs "
		     "(oversubscribed)",
		     ncpus);
	else
		note(nt, "open markers: more threads than CPUs "
			 "(oversubscribed)");
}

/*
 * Throughput against read % (one panel per thread count) or against
 * threads (one panel per read %), one line per map; null dashed.
 */
static void
fig_throughput(struct ctx *x, const struct plotdata *d, const char *dist,
	       const char *tag, long long k, bool by_threads)
{
	struct sbuf v = {0}, impls = {0}, panels = {0};
	struct notes nt = {0, &v};
	double lo = INFINITY, hi = 0, nlo = INFINITY, nhi = 0;
	int zeros = 0, over = 0, ncpus = 0, has_null = 0;
	bool all_ci = true;
	char *name = NULL;
	size_t np = by_threads ? d->n_reads : d->n_threads;

	if (asprintf(&name, "throughput_%s_%s_k%lld",
		     by_threads ? "threads" : "reads", tag, k) < 0)
		return;
	for (size_t i = 0; i < d->n_impls; i++) {
		bool any = false;

		FOR_CFG(d, c)
		{
			if (strcmp(c->impl, d->impls[i]) ||
			    strcmp(c->dist, dist) || c->keys != k ||
			    !have(c, M_MOPS))
				continue;
			any = true;
			if (is_null(c->impl)) {
				has_null = 1;
				range_pos(c, M_MOPS, &nlo, &nhi, NULL);
				continue;
			}
			/* the axis spans the medians; bars may be clipped */
			if (c->s[M_MOPS].med <= 0) {
				zeros++;
			} else {
				lo = fmin(lo, c->s[M_MOPS].med);
				hi = fmax(hi, c->s[M_MOPS].med);
			}
			all_ci &= !isnan(c->s[M_MOPS].lo);
			over |= c->oversub;
			if (c->ncpus > ncpus)
				ncpus = c->ncpus;
		}
		if (any && !is_null(d->impls[i]))
			list_add(&impls, "%s", d->impls[i]);
	}
	for (size_t p = 0; p < np; p++) {
		int pv = by_threads ? d->reads[p] : d->threads[p];

		FOR_CFG(d, c)
		{
			if (!strcmp(c->dist, dist) && c->keys == k &&
			    !is_null(c->impl) && have(c, M_MOPS) &&
			    c->s[M_MOPS].med > 0 &&
			    (by_threads ? c->read : c->threads) == pv) {
				list_add(&panels, "%d", pv);
				break;
			}
		}
	}
	if (!panels.len) {
		skip(x, name, "no throughput of a map other than null");
		goto out;
	}
	/* a line needs two points: one x value is a figure of dots */
	{
		size_t nx = 0;

		for (size_t i = 0; i < (by_threads ? d->n_threads : d->n_reads);
		     i++) {
			int xv = by_threads ? d->threads[i] : d->reads[i];

			FOR_CFG(d, c)
			{
				if (!strcmp(c->dist, dist) && c->keys == k &&
				    !is_null(c->impl) && have(c, M_MOPS) &&
				    (by_threads ? c->threads : c->read) == xv) {
					nx++;
					break;
				}
			}
		}
		if (nx < 2) {
			skip(x, name,
			     by_threads ? "one thread count only"
					: "one read ratio only");
			goto out;
		}
	}
	gp_set(&v, "dist", dist);
	gp_setf(&v, "k", "%lld", k);
	gp_set(&v, "panels", panels.p);
	gp_set(&v, "bars", all_ci ? "ci" : "minmax");
	add_styles(&v, &impls);
	{
		struct sbuf axis = {0};

		for (size_t i = 0; i < (by_threads ? d->n_threads : d->n_reads);
		     i++)
			list_add(&axis, "%d",
				 by_threads ? d->threads[i] : d->reads[i]);
		gp_set(&v, "xs", axis.p ? axis.p : "");
		v.bad |= axis.bad;
		free(axis.p);
	}
	set_log_range(&v, lo, hi);
	gp_setf(&v, "ncpus", "%d", over ? ncpus : 0);
	/* null wholly above the axis: a note, no line, no legend entry */
	gp_setf(&v, "hasnull", "%d",
		has_null && nlo <= pow(10, ceil(log10(hi))));
	note_oversub(&nt, over, ncpus);
	if (has_null) {
		if (nhi > pow(10, ceil(log10(hi))))
			note(&nt,
			     "null (no-op map, the harness ceiling): %.3g-%.3g "
			     "Mops/s, above this axis",
			     nlo, nhi);
		else
			note(&nt, "dashed grey: null (no-op map, the harness "
				  "ceiling)");
	}
	if (zeros)
		note(&nt, "%d zero throughput median%s not drawn (log axis)",
		     zeros, zeros == 1 ? "" : "s");
	{
		double a = pow(10, floor(log10(lo))),
		       b = pow(10, ceil(log10(hi)));
		int clipped = 0;

		if (b <= a)
			b = a * 10;
		FOR_CFG(d, c)
		{
			const struct stat3 *s = &c->s[M_MOPS];

			if (strcmp(c->dist, dist) || c->keys != k ||
			    is_null(c->impl) || !have(c, M_MOPS) || s->med <= 0)
				continue;
			if (all_ci ? s->lo < a || s->hi > b
				   : s->min < a || s->max > b)
				clipped++;
		}
		if (clipped)
			note(&nt,
			     "%d bar%s leave%s the axis (set by the medians): "
			     "clipped, the end marked by a small triangle",
			     clipped, clipped == 1 ? "" : "s",
			     clipped == 1 ? "s" : "");
	}
	notes_end(&nt);
	draw(x, by_threads ? "throughput_threads.gp" : "throughput_reads.gp",
	     name, &v);
out:
	free(name);
	free(v.p);
	free(impls.p);
	free(panels.p);
}

/*
 * Throughput against read % at t threads as small multiples: a panel per
 * map, the others grey behind it.  The y-range is the medians' (a bar
 * that leaves it is clipped and marked by the script).
 */
static void
fig_reads_small(struct ctx *x, const struct plotdata *d, const char *dist,
		const char *tag, long long k, int t)
{
	struct sbuf v = {0}, impls = {0}, axis = {0};
	struct notes nt = {0, &v};
	double lo = INFINITY, hi = 0, nlo = INFINITY, nhi = 0;
	int zeros = 0, over = 0, ncpus = 0, has_null = 0, clipped = 0;
	bool all_ci = true;
	char *name = NULL;

	if (asprintf(&name, "throughput_reads_%s_k%lld_t%d", tag, k, t) < 0)
		return;
	for (size_t i = 0; i < d->n_impls; i++) {
		bool any = false;

		FOR_CFG(d, c)
		{
			if (strcmp(c->impl, d->impls[i]) ||
			    strcmp(c->dist, dist) || c->keys != k ||
			    c->threads != t || !have(c, M_MOPS))
				continue;
			if (is_null(c->impl)) {
				has_null = 1;
				if (c->s[M_MOPS].med > 0)
					nlo = fmin(nlo, c->s[M_MOPS].med),
					nhi = fmax(nhi, c->s[M_MOPS].med);
				continue;
			}
			if (c->s[M_MOPS].med <= 0) {
				zeros++;
				continue;
			}
			any = true;
			lo = fmin(lo, c->s[M_MOPS].med);
			hi = fmax(hi, c->s[M_MOPS].med);
			all_ci &= !isnan(c->s[M_MOPS].lo);
			over |= c->oversub;
			if (c->ncpus > ncpus)
				ncpus = c->ncpus;
		}
		if (any)
			list_add(&impls, "%s", d->impls[i]);
	}
	if (!impls.len) {
		skip(x, name, "no throughput of a map other than null");
		goto out;
	}
	{
		size_t nx = 0;

		for (size_t i = 0; i < d->n_reads; i++) {
			FOR_CFG(d, c)
			{
				if (!strcmp(c->dist, dist) && c->keys == k &&
				    c->threads == t && !is_null(c->impl) &&
				    have(c, M_MOPS) && c->read == d->reads[i]) {
					list_add(&axis, "%d", d->reads[i]);
					nx++;
					break;
				}
			}
		}
		if (nx < 2) {
			skip(x, name, "one read ratio only");
			goto out;
		}
	}
	{
		double a = pow(10, floor(log10(lo))),
		       b = pow(10, ceil(log10(hi)));

		if (b <= a)
			b = a * 10;
		FOR_CFG(d, c)
		{
			const struct stat3 *s = &c->s[M_MOPS];

			if (strcmp(c->dist, dist) || c->keys != k ||
			    c->threads != t || is_null(c->impl) ||
			    !have(c, M_MOPS) || s->med <= 0)
				continue;
			if (all_ci ? s->lo < a || s->hi > b
				   : s->min < a || s->max > b)
				clipped++;
		}
	}
	gp_set(&v, "dist", dist);
	gp_setf(&v, "k", "%lld", k);
	gp_setf(&v, "t", "%d", t);
	gp_set(&v, "xs", axis.p);
	gp_set(&v, "bars", all_ci ? "ci" : "minmax");
	add_styles(&v, &impls);
	set_log_range(&v, lo, hi);
	gp_setf(&v, "ncpus", "%d", over ? ncpus : 0);
	gp_setf(&v, "hasnull", "%d",
		has_null && nlo <= pow(10, ceil(log10(hi))));
	if (has_null) {
		if (nlo > pow(10, ceil(log10(hi))))
			note(&nt,
			     "null (no-op map, the harness ceiling): %.3g-%.3g "
			     "Mops/s, above this axis",
			     nlo, nhi);
		else
			note(&nt, "dashed grey: null (no-op map, the harness "
				  "ceiling)");
	}
	if (clipped)
		note(&nt,
		     "%d bar%s leave%s the axis (set by the medians): clipped, "
		     "the end marked by a small triangle",
		     clipped, clipped == 1 ? "" : "s", clipped == 1 ? "s" : "");
	if (zeros)
		note(&nt, "%d zero throughput median%s not drawn (log axis)",
		     zeros, zeros == 1 ? "" : "s");
	notes_end(&nt);
	draw(x, "throughput_reads.gp", name, &v);
out:
	free(name);
	free(v.p);
	free(impls.p);
	free(axis.p);
}

/* Latency percentiles per map at the most threads not oversubscribed. */
static void
fig_latency(struct ctx *x, const struct plotdata *d, const char *dist,
	    const char *tag, long long k)
{
	struct sbuf v = {0}, impls = {0}, panels = {0};
	struct notes nt = {0, &v};
	double lo = INFINITY, hi = 0;
	int t = 0, zeros = 0, any_over = 0;
	char *name = NULL;

	if (asprintf(&name, "latency_%s_k%lld", tag, k) < 0)
		return;
	FOR_CFG(d, c)
	{
		if (strcmp(c->dist, dist) || c->keys != k || !have(c, M_P50))
			continue;
		if (c->oversub)
			any_over = 1;
		else if (c->threads > t)
			t = c->threads;
	}
	if (!t) {
		skip(x, name,
		     any_over ? "every configuration with latency samples is "
				"oversubscribed"
			      : "no latency samples");
		goto out;
	}
	for (size_t i = 0; i < d->n_impls; i++) {
		bool any = false;

		FOR_CFG(d, c)
		{
			if (strcmp(c->impl, d->impls[i]) ||
			    strcmp(c->dist, dist) || c->keys != k ||
			    c->threads != t || !have(c, M_P50))
				continue;
			any = true;
			for (int m = M_P50; m <= M_MAX; m++) {
				/* only medians are drawn */
				if (!have(c, m))
					continue;
				if (c->s[m].med <= 0)
					zeros++;
				else if (c->s[m].med < lo)
					lo = c->s[m].med;
				if (c->s[m].med > hi)
					hi = c->s[m].med;
			}
		}
		if (any)
			list_add(&impls, "%s", d->impls[i]);
	}
	for (size_t p = 0; p < d->n_reads; p++)
		FOR_CFG(d, c)
		{
			if (!strcmp(c->dist, dist) && c->keys == k &&
			    c->threads == t && have(c, M_P50) &&
			    c->read == d->reads[p]) {
				list_add(&panels, "%d", d->reads[p]);
				break;
			}
		}
	if (hi <= 0) {
		skip(x, name,
		     "every latency is 0 (below the timer's "
		     "resolution)");
		goto out;
	}
	gp_set(&v, "dist", dist);
	gp_setf(&v, "k", "%lld", k);
	gp_setf(&v, "t", "%d", t);
	gp_set(&v, "panels", panels.p);
	add_styles(&v, &impls);
	set_log_range(&v, lo, hi);
	if (any_over)
		note(&nt,
		     "taken at %d thread%s, the most that are not "
		     "oversubscribed",
		     t, t == 1 ? "" : "s");
	if (zeros)
		note(&nt,
		     "%d zero percentile%s (below the timer's "
		     "resolution) not drawn",
		     zeros, zeros == 1 ? "" : "s");
	notes_end(&nt);
	draw(x, "latency.gp", name, &v);
out:
	free(name);
	free(v.p);
	free(impls.p);
	free(panels.p);
}

/*
 * Bytes per live key as bars: one panel per key count with its own axis,
 * a bar per map: the median, over the read percentages, of the
 * configurations' medians at t threads (the fewest run); the whisker
 * spans the lowest and highest of those medians.
 */
static void
fig_memory(struct ctx *x, const struct plotdata *d, const char *dist,
	   const char *tag)
{
	struct sbuf v = {0}, impls = {0}, panels = {0};
	struct notes nt = {0, &v};
	double *meds = NULL;
	int t = 0, np = 0;
	char *name = NULL;

	if (asprintf(&name, "memory_%s", tag) < 0)
		return;
	FOR_CFG(d, c)
	if (!strcmp(c->dist, dist) && have(c, M_BPK) && !is_null(c->impl) &&
	    (!t || c->threads < t))
		t = c->threads;
	if (!t) {
		skip(x, name, "no bytes_per_key values");
		goto out;
	}
	meds = malloc((d->nc ? d->nc : 1) * sizeof(*meds));
	if (!meds) {
		v.bad = true;
		goto out;
	}
	for (size_t i = 0; i < d->n_impls; i++) {
		bool any = false;

		if (is_null(d->impls[i]))
			continue;
		FOR_CFG(d, c)
		any |= !strcmp(c->impl, d->impls[i]) &&
		       !strcmp(c->dist, dist) && c->threads == t &&
		       have(c, M_BPK);
		if (any)
			list_add(&impls, "%s", d->impls[i]);
	}
	for (size_t p = 0; p < d->n_keys; p++) {
		struct sbuf val = {0}, lo = {0}, hi = {0};
		double top = 0;
		bool any = false;
		char n1[16];
		char *save = strdup(impls.p ? impls.p : ""), *tok, *sp;

		for (tok = save ? strtok_r(save, " ", &sp) : NULL; tok;
		     tok = strtok_r(NULL, " ", &sp)) {
			size_t n = 0;

			FOR_CFG(d, c)
			if (!strcmp(c->impl, tok) && !strcmp(c->dist, dist) &&
			    c->threads == t && c->keys == d->keys[p] &&
			    have(c, M_BPK))
				meds[n++] = c->s[M_BPK].med;
			if (!n) {
				list_add(&val, "-");
				list_add(&lo, "-");
				list_add(&hi, "-");
				continue;
			}
			any = true;
			stats_sort(meds, n);
			list_add(&val, "%.6g", stats_median_sorted(meds, n));
			list_add(&lo, "%.6g", meds[0]);
			list_add(&hi, "%.6g", meds[n - 1]);
			top = fmax(top, meds[n - 1]);
		}
		free(save);
		if (any) {
			np++;
			list_add(&panels, "%lld", d->keys[p]);
			snprintf(n1, sizeof(n1), "val%d", np);
			gp_set(&v, n1, val.p);
			snprintf(n1, sizeof(n1), "vlo%d", np);
			gp_set(&v, n1, lo.p);
			snprintf(n1, sizeof(n1), "vhi%d", np);
			gp_set(&v, n1, hi.p);
			snprintf(n1, sizeof(n1), "ymax%d", np);
			gp_num(&v, n1, top > 0 ? top * 1.15 : 1);
		}
		v.bad |= val.bad || lo.bad || hi.bad;
		free(val.p);
		free(lo.p);
		free(hi.p);
	}
	gp_set(&v, "dist", dist);
	gp_setf(&v, "t", "%d", t);
	gp_set(&v, "panels", panels.p ? panels.p : "");
	add_styles(&v, &impls);
	notes_end(&nt);
	draw(x, "memory.gp", name, &v);
out:
	free(meds);
	free(name);
	free(v.p);
	free(impls.p);
	free(panels.p);
}

/*
 * The promotion counters, for every map that reports them (a non-empty
 * promotions column): a row of panels per map and key count.
 */
static void
fig_promotion(struct ctx *x, const struct plotdata *d, const char *dist,
	      const char *tag)
{
	static const enum metric ms[] = {M_PROMO, M_REBUILD, M_LOCKED, M_MOPS};
	struct sbuf v = {0}, rimpl = {0}, rkeys = {0}, ts = {0}, axis = {0};
	struct sbuf zero_maps = {0};
	struct notes nt = {0, &v};
	double lo[4], hi[4];
	int zeros[4] = {0}, over = 0, ncpus = 0;
	char *name = NULL;

	if (asprintf(&name, "promotion_%s", tag) < 0)
		return;
	for (int j = 0; j < 4; j++)
		lo[j] = INFINITY, hi[j] = 0;
	for (size_t i = 0; i < d->n_impls; i++) {
		bool counted = false, nonzero = false;

		/*
		 * A map that keeps the counter but never promoted or rebuilt
		 * has nothing to show (results from before ABI 2 hold 0 for
		 * maps without the counter): it is named in a note.
		 */
		FOR_CFG(d, c)
		if (!strcmp(c->impl, d->impls[i]) && !strcmp(c->dist, dist) &&
		    have(c, M_PROMO)) {
			counted = true;
			nonzero |=
				c->s[M_PROMO].max > 0 ||
				(have(c, M_REBUILD) && c->s[M_REBUILD].max > 0);
		}
		if (counted && !nonzero) {
			list_add(&zero_maps, "%s", d->impls[i]);
			continue;
		}
		for (size_t kk = 0; kk < d->n_keys; kk++) {
			bool any = false;

			FOR_CFG(d, c)
			{
				if (strcmp(c->impl, d->impls[i]) ||
				    strcmp(c->dist, dist) ||
				    c->keys != d->keys[kk] || !have(c, M_PROMO))
					continue;
				any = true;
				over |= c->oversub;
				if (c->ncpus > ncpus)
					ncpus = c->ncpus;
				for (int j = 0; j < 4; j++)
					range_pos(c, ms[j], &lo[j], &hi[j],
						  &zeros[j]);
			}
			if (any) {
				list_add(&rimpl, "%s", d->impls[i]);
				list_add(&rkeys, "%lld", d->keys[kk]);
			}
		}
	}
	if (!rimpl.len) {
		skip(x, name,
		     zero_maps.len ? "no map promoted or rebuilt (all 0)"
				   : "no map reports promotions");
		goto out;
	}
	for (size_t i = 0; i < d->n_threads; i++)
		FOR_CFG(d, c)
		{
			if (!strcmp(c->dist, dist) && have(c, M_PROMO) &&
			    c->threads == d->threads[i]) {
				list_add(&ts, "%d", d->threads[i]);
				break;
			}
		}
	for (size_t i = 0; i < d->n_reads; i++)
		list_add(&axis, "%d", d->reads[i]);
	gp_set(&v, "dist", dist);
	gp_set(&v, "rimpl", rimpl.p);
	gp_set(&v, "rkeys", rkeys.p);
	gp_set(&v, "ts", ts.p);
	gp_set(&v, "xs", axis.p);
	for (int j = 0; j < 4; j++) {
		char n1[8], n2[8];

		snprintf(n1, sizeof(n1), "ymin%d", j + 1);
		snprintf(n2, sizeof(n2), "ymax%d", j + 1);
		if (hi[j] > 0) {
			gp_num(&v, n1, pow(10, floor(log10(lo[j]))));
			gp_num(&v, n2,
			       fmax(pow(10, ceil(log10(hi[j]))),
				    10 * pow(10, floor(log10(lo[j])))));
		} else {
			gp_set(&v, n1, "0");
			gp_set(&v, n2, "0");
		}
	}
	gp_setf(&v, "ncpus", "%d", over ? ncpus : 0);
	note_oversub(&nt, over, ncpus);
	if (zero_maps.len)
		note(&nt, "promotions and rebuilds all 0, not shown: %s",
		     zero_maps.p);
	if (zeros[0] + zeros[1] + zeros[2])
		note(&nt,
		     "zeros are not drawn on the log axes (%d, %d, %d "
		     "points from left to right)",
		     zeros[0], zeros[1], zeros[2]);
	notes_end(&nt);
	draw(x, "promotion.gp", name, &v);
out:
	free(name);
	free(v.p);
	free(rimpl.p);
	free(rkeys.p);
	free(ts.p);
	free(axis.p);
	free(zero_maps.p);
}

/* ---- the command --------------------------------------------------- */

/*
 * Remove the images of the figure table's figures that this run did not
 * draw (a figure renamed, a configuration gone): the plot directory holds
 * only what the sweep now shows.  Other files are left alone.
 */
static void
remove_stale(struct ctx *x)
{
	DIR *dir = opendir(x->outdir);
	struct dirent *e;

	if (!dir)
		return;
	while ((e = readdir(dir)) != NULL) {
		size_t n = strlen(e->d_name);
		char base[256], *p;
		bool drawn = false;

		if (n < 5 || n >= sizeof(base) || !figure_find(e->d_name) ||
		    (strcmp(e->d_name + n - 4, ".svg") &&
		     strcmp(e->d_name + n - 4, ".png")))
			continue;
		snprintf(base, sizeof(base), "%.*s", (int)(n - 4), e->d_name);
		for (p = x->written.p; p && *p;) {
			size_t w = strcspn(p, " ");

			if (w == n - 4 && !strncmp(p, base, w))
				drawn = true;
			p += w + (p[w] == ' ');
		}
		if (!drawn && asprintf(&p, "%s/%s", x->outdir, e->d_name) > 0) {
			unlink(p);
			free(p);
		}
	}
	closedir(dir);
}

static void
plotdata_free(struct plotdata *d)
{
	free(d->mcsv);
	free(d->mcol);
	free(d->mtsv);
	free(d->mvals);
	free(d->svals);
	free(d->r);
	free(d->c);
	free(d->impls);
	free(d->dists);
	free(d->keys);
	free(d->threads);
	free(d->reads);
}

static void
ctx_free(struct ctx *x)
{
	free(x->gpdir);
	free(x->outdir);
	free(x->summary);
	free(x->heat);
	free(x->log_path);
	free(x->note_rows);
	free(x->written.p);
	if (x->logfd >= 0)
		close(x->logfd);
}

/* The sweep's name for titles: the last component of its directory. */
static char *
run_name(const char *dir)
{
	size_t n = strlen(dir);
	const char *b;
	char *s;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	b = memrchr(dir, '/', n);
	b = b && n > 1 ? b + 1 : dir;
	s = strndup(b, n - (size_t)(b - dir));
	for (char *p = s; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

/*
 * Where the gnuplot scripts are: beside an installed mapbench
 * (PREFIX/bin/../share/mapbench/plots), else the source tree it was built
 * from.  MAPBENCH_PLOTS overrides both.  malloc'ed, or NULL.
 */
static char *
scripts_dir(void)
{
	char *exe = realpath("/proc/self/exe", NULL), *slash, *p = NULL;

	if (exe != NULL && (slash = strrchr(exe, '/')) != NULL) {
		*slash = '\0';
		if (asprintf(&p, "%s/../share/mapbench/plots/common.gp", exe) >
			    0 &&
		    access(p, R_OK) == 0) {
			p[strlen(p) - strlen("/common.gp")] = '\0';
			free(exe);
			exe = realpath(p, NULL);
			free(p);
			return exe;
		}
		free(p);
	}
	free(exe);
	return realpath(MAPBENCH_SOURCE_DIR "/plots", NULL);
}

int
cmd_plot(const char *dir, const char *plot_dir)
{
	return plot_sweep(dir, plot_dir, NULL);
}

int
plot_sweep(const char *dir, const char *plot_dir, const char *baseline)
{
	const char *env = getenv("MAPBENCH_PLOTS");
	struct plotdata d = {0};
	struct ctx x = {.logfd = -1};
	struct csv *csv = NULL;
	struct heat heat = {0};
	char *csv_path = NULL, *outdir = NULL, *summary = NULL, *run = NULL;
	char *heat_path = NULL;
	int rc = 1, fd, err;

	bool explicit = baseline != NULL;

	if (!baseline)
		baseline = PLOT_BASELINE;

	if (asprintf(&csv_path, "%s/results.csv", dir) < 0 ||
	    (plot_dir ? asprintf(&outdir, "%s", plot_dir)
		      : asprintf(&outdir, "%s/plots", dir)) < 0 ||
	    asprintf(&summary, "%s/summary.tsv", dir) < 0 ||
	    asprintf(&heat_path, "%s/heatmap.tsv", dir) < 0 ||
	    asprintf(&x.log_path, "%s/gnuplot.log", dir) < 0 ||
	    !(run = run_name(dir)))
		goto oom;
	x.run = run;
	x.dir = dir;
	fd = csv_open_regular(csv_path);
	if (fd < 0) {
		if (errno == ENOENT)
			fprintf(stderr,
				"mapbench: plot: no results in '%s' (%s "
				"does not exist)\n",
				dir, csv_path);
		else if (errno == EINVAL || errno == EISDIR)
			fprintf(stderr,
				"mapbench: plot: %s is not a regular file\n",
				csv_path);
		else
			fprintf(stderr, "mapbench: plot: cannot read %s: %s\n",
				csv_path, strerror(errno));
		rc = 2;
		goto out;
	}
	close(fd);
	if (has_control(outdir) || has_control(dir)) {
		fprintf(stderr,
			"mapbench: plot: a path with a control character "
			"cannot be handed to gnuplot; rename it\n");
		rc = 2;
		goto out;
	}
	if (!gnuplot_available()) {
		fprintf(stderr,
			"mapbench: plot: gnuplot is not installed; the results "
			"in %s are kept.\n"
			"  install it with: apt-get install gnuplot-nox\n"
			"  then draw with:  mapbench plot %s\n",
			csv_path, dir);
		rc = 3;
		goto out;
	}
	rc = load(csv_path, &csv, &d);
	if (rc)
		goto out;
	rc = aggregate(&d);
	if (rc == 2)
		goto out;
	if (rc) {
		rc = 1;
		goto oom;
	}
	rc = 1;
	if (d.not_ok || d.bad) {
		if (asprintf(&x.note_rows,
			     "%zu row%s not ok (status) and %zu invalid "
			     "row%s left out",
			     d.not_ok, d.not_ok == 1 ? "" : "s", d.bad,
			     d.bad == 1 ? "" : "s") < 0)
			goto oom;
	} else if (!(x.note_rows = strdup("")))
		goto oom;
	if (d.not_ok)
		fprintf(stderr,
			"mapbench: plot: %zu row%s whose status is not ok "
			"left out\n",
			d.not_ok, d.not_ok == 1 ? "" : "s");
	if (d.not_rw || d.custom_mix)
		fprintf(stderr,
			"mapbench: plot: %zu Go workload row%s and %zu "
			"--mix row%s are not plotted\n",
			d.not_rw, d.not_rw == 1 ? "" : "s", d.custom_mix,
			d.custom_mix == 1 ? "" : "s");
	if (d.nc == 0) {
		fprintf(stderr,
			"mapbench: plot: nothing to plot: %s has no valid "
			"read/write rows\n",
			csv_path);
		rc = d.bad ? 1 : 0;
		goto out;
	}
	if (strcmp(baseline, "best")) {
		size_t i;

		for (i = 0; i < d.n_impls; i++)
			if (!strcmp(d.impls[i], baseline))
				break;
		if (i == d.n_impls && !explicit) {
			/* the default reference is not in this sweep */
			fprintf(stderr,
				"mapbench: plot: no %s in this sweep: the "
				"heatmap compares with the fastest map of each "
				"row (--baseline MAP to choose)\n",
				baseline);
			baseline = "best";
		} else if (i == d.n_impls) {
			fprintf(stderr, "mapbench: plot: --baseline '");
			put_shown(stderr, baseline);
			fprintf(stderr,
				"': no such map in %s; give one of:", csv_path);
			for (i = 0; i < d.n_impls; i++)
				if (!is_null(d.impls[i]))
					fprintf(stderr, " %s", d.impls[i]);
			fprintf(stderr, ", or best (the fastest map of each "
					"row); nothing written\n");
			rc = 2;
			goto out;
		}
	}
	if (heat_build(&heat, &d, baseline))
		goto oom;
	if (write_table(summary, write_summary_rows, &d) ||
	    write_table(heat_path, write_heat, &heat))
		goto out;
	{
		char why[4200];

		/* Nothing is written through a link planted in the sweep. */
		if (fs_dir_check_real(outdir, why, sizeof(why))) {
			fprintf(stderr, "mapbench: plot: %s\n", why);
			rc = 2;
			goto out;
		}
	}
	if ((err = fs_mkdir_p(outdir))) {
		fprintf(stderr, "mapbench: plot: cannot create %s: %s\n",
			outdir, strerror(-err));
		goto out;
	}
	x.gpdir = env ? realpath(env, NULL) : scripts_dir();
	x.outdir = realpath(outdir, NULL);
	x.summary = realpath(summary, NULL);
	x.heat = realpath(heat_path, NULL);
	if (!x.gpdir || !x.outdir || !x.summary || !x.heat) {
		fprintf(stderr, "mapbench: plot: cannot resolve %s: %s\n",
			!x.gpdir    ? "the gnuplot scripts' directory"
			: !x.outdir ? outdir
				    : summary,
			strerror(errno));
		goto out;
	}
	if (has_control(x.gpdir) || has_control(x.outdir) ||
	    has_control(x.summary) || has_control(x.heat)) {
		fprintf(stderr,
			"mapbench: plot: a path with a control character "
			"cannot be handed to gnuplot; rename it\n");
		rc = 2;
		goto out;
	}
	x.logfd = open(x.log_path,
		       O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC |
			       O_NOFOLLOW,
		       0644);
	if (x.logfd < 0) {
		fprintf(stderr, "mapbench: plot: cannot write %s: %s\n",
			x.log_path, strerror(errno));
		goto out;
	}
	for (size_t di = 0; di < d.n_dists; di++) {
		const char *dist = d.dists[di];
		char tag[48];
		size_t j = 0;

		for (size_t i = 0; dist[i] && j + 1 < sizeof(tag); i++)
			if (dist[i] != ':')
				tag[j++] = dist[i];
		tag[j] = '\0';
		for (size_t ki = 0; ki < d.n_keys; ki++) {
			bool any = false;

			FOR_CFG(&d, c)
			any |= !strcmp(c->dist, dist) && c->keys == d.keys[ki];
			if (!any)
				continue;
			fig_heatmap(&x, &d, &heat, dist, tag, d.keys[ki],
				    baseline);
			for (size_t ti = 0; ti < d.n_threads; ti++)
				fig_reads_small(&x, &d, dist, tag, d.keys[ki],
						d.threads[ti]);
			fig_throughput(&x, &d, dist, tag, d.keys[ki], true);
			fig_latency(&x, &d, dist, tag, d.keys[ki]);
		}
		fig_promotion(&x, &d, dist, tag);
		fig_memory(&x, &d, dist, tag);
	}
	/*
	 * Even when a figure failed (its images are gone already): an image
	 * of a figure this run did not draw shows an earlier state, and the
	 * page (report.c) shows every image in the folder (D16).
	 */
	remove_stale(&x);
	fprintf(stdout, "summary: %s\n", summary);
	if (x.drawn) {
		fprintf(stdout,
			"plots:   %s/: %d figure%s (.svg and .png):", outdir,
			x.drawn, x.drawn == 1 ? "" : "s");
		fprintf(stdout, " %s\n", x.written.p ? x.written.p : "");
	} else {
		fprintf(stdout, "plots:   none drawn\n");
	}
	/* The sweep's page beside its figures (report.c). */
	if (report_write_sweep(dir, outdir, stderr) == 0)
		fprintf(stdout, "report:  %s/index.html\n", outdir);
	else
		x.failed = 1; /* no page: not a success */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "mapbench: plot: cannot write the report: %s\n",
			strerror(errno));
		goto out;
	}
	rc = x.failed || d.bad ? 1 : 0;
	if (d.bad)
		fprintf(stderr,
			"mapbench: plot: %zu invalid row%s of %s left out "
			"(see above)\n",
			d.bad, d.bad == 1 ? "" : "s", csv_path);
	goto out;
oom:
	fprintf(stderr, "mapbench: plot: out of memory\n");
	rc = 1;
out:
	csv_free(csv);
	plotdata_free(&d);
	ctx_free(&x);
	free(csv_path);
	free(outdir);
	free(summary);
	free(heat_path);
	free(heat.cell);
	free(run);
	return rc;
}

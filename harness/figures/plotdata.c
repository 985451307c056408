/*
 * plotdata: the first half of `mapbench plot` (plot.h): read a sweep's
 * results.csv, check every field the figures use against its grammar
 * (impl names, dist, integers, numbers; a row that fails is reported
 * with its line number and skipped), sort the rows into configurations,
 * aggregate each configuration's repetitions (median, min, max and the
 * median's interval per metric), and write that table, summary.tsv,
 * whole or not at all.  Nothing here draws.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvread.h"
#include "figures.h"
#include "fsutil.h"
#include "map.h"
#include "plotdata.h"
#include "schema.h"
#include "stats.h"

/* ---- checking fields ---------------------------------------------- */

/* A field shown in a message: at most 40 bytes, odd ones as \xNN. */

void
plotdata_put_shown(FILE *f, const char *s)
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
	plotdata_put_shown(stderr, val);
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

/* The order of rows and configurations: a point of the grid. */
struct point {
	const char *impl, *dist;
	long long keys;
	int threads, read;
};

/* impl, dist, keys, threads ascending, read % descending. */
static int
cmp_point(struct point x, struct point y)
{
	int c;

	if ((c = strcmp(x.impl, y.impl)))
		return c;
	if ((c = strcmp(x.dist, y.dist)))
		return c;
	if (x.keys != y.keys)
		return x.keys < y.keys ? -1 : 1;
	if (x.threads != y.threads)
		return x.threads < y.threads ? -1 : 1;
	return (x.read > y.read) - (x.read < y.read);
}

#define POINT_OF(p)                                                            \
	((struct point){(p)->impl, (p)->dist, (p)->keys, (p)->threads,         \
			(p)->read})

static int
cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	return cmp_point(POINT_OF(x), POINT_OF(y));
}

/* Maps in the registry's order first. */
static int
cmp_cfg(const void *a, const void *b)
{
	const struct cfg *x = a, *y = b;

	if (x->impl_rank != y->impl_rank)
		return x->impl_rank < y->impl_rank ? -1 : 1;
	return cmp_point(POINT_OF(x), POINT_OF(y));
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
int
plotdata_aggregate(struct plotdata *d)
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
int
plotdata_load(const char *path, struct csv **cp, struct plotdata *d)
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

int
plotdata_write_summary(FILE *f, const void *arg)
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
int
plotdata_write_table(const char *path, int (*rows)(FILE *, const void *),
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

void
plotdata_free(struct plotdata *d)
{
	void *own[] = {d->mcsv,	 d->mcol, d->mtsv,    d->mvals,
		       d->svals, d->r,	  d->c,	      d->impls,
		       d->dists, d->keys, d->threads, d->reads};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		free(own[i]);
}

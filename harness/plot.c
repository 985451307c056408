/*
 * mapbench plot: aggregate a sweep's results.csv over its repetitions
 * (median, min, max per configuration) into small .dat files, then run
 * the gnuplot scripts of plots/ on them, once for SVG and once for PNG.
 * Gnuplot is poor at grouping, so all grouping happens here; the scripts
 * only draw what they are given.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvread.h"
#include "map.h"
#include "plot.h"
#include "report.h"

#ifndef MAPBENCH_SOURCE_DIR
#define MAPBENCH_SOURCE_DIR "."
#endif

/* The metrics aggregated per configuration. */
enum metric {
	M_MOPS,
	M_PROMO,
	M_REBUILD,
	M_LOCKED,
	M_P50,
	M_P99,
	M_P999,
	M_MAX,
	M_BPK,
	M_N
};

static const char *const metric_cols[M_N] = {
	"mops",
	"promotions_per_mop",
	"dirty_rebuilds_per_mop",
	"locked_ops_per_op",
	"p50_ns",
	"p99_ns",
	"p999_ns",
	"max_ns",
	"bytes_per_key",
};

struct stat3 {
	double med, min, max;
	int n; /* 0: no value (NA) */
};

struct group {
	char impl[64], dist[64];
	int threads, read;
	long long keys;
	double *v[M_N];
	int nv[M_N];
	struct stat3 s[M_N];
};

struct agg {
	struct group *g;
	size_t n, cap;
	char impls[16][64];
	int n_impls;
	int threads[64], n_threads;
	int reads[101], n_reads;
	long long keys[64];
	int n_keys;
	char dists[16][64];
	int n_dists;
};

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

static void
add_int(int *arr, int *n, int v)
{
	for (int i = 0; i < *n; i++)
		if (arr[i] == v)
			return;
	arr[(*n)++] = v;
}

static struct group *
find_group(struct agg *a, const char *impl, int threads, int read,
	   long long keys, const char *dist, bool create)
{
	for (size_t i = 0; i < a->n; i++) {
		struct group *g = &a->g[i];

		if (g->threads == threads && g->read == read &&
		    g->keys == keys && !strcmp(g->impl, impl) &&
		    !strcmp(g->dist, dist))
			return g;
	}
	if (!create)
		return NULL;
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 64;
		struct group *ng = realloc(a->g, cap * sizeof(*ng));

		if (!ng)
			return NULL;
		a->g = ng;
		a->cap = cap;
	}
	struct group *g = &a->g[a->n++];

	memset(g, 0, sizeof(*g));
	snprintf(g->impl, sizeof(g->impl), "%s", impl);
	snprintf(g->dist, sizeof(g->dist), "%s", dist);
	g->threads = threads;
	g->read = read;
	g->keys = keys;
	return g;
}

/* Read the "rw" rows of results.csv into groups. */
static int
aggregate(const char *csv_path, struct agg *a)
{
	long partial;
	struct csv *c = csv_load(csv_path, &partial);
	int ci, cw, ct, cr, ck, cd, cs, cm[M_N];
	size_t left_out = 0;

	memset(a, 0, sizeof(*a));
	if (!c) {
		fprintf(stderr, "mapbench: plot: cannot read %s: %s\n",
			csv_path, strerror(errno));
		return -1;
	}
	ci = csv_col(c, "impl");
	cw = csv_col(c, "workload");
	ct = csv_col(c, "threads");
	cr = csv_col(c, "read_pct");
	ck = csv_col(c, "keys");
	cd = csv_col(c, "dist");
	cs = csv_col(c, "status"); /* absent in older results: all ok */
	for (int m = 0; m < M_N; m++)
		cm[m] = csv_col(c, metric_cols[m]);
	if (ci < 0 || cw < 0 || ct < 0 || cr < 0 || ck < 0 || cd < 0 ||
	    cm[M_MOPS] < 0) {
		fprintf(stderr,
			"mapbench: plot: %s is not a mapbench "
			"results.csv\n",
			csv_path);
		csv_free(c);
		return -1;
	}
	/* impls in registry order first, then any others */
	for (int i = 0; map_registry[i]; i++)
		for (size_t r = 0; r < c->nrows; r++)
			if (!strcmp(c->rows[r][ci], map_registry[i]->name)) {
				snprintf(a->impls[a->n_impls++], 64, "%s",
					 map_registry[i]->name);
				break;
			}
	for (size_t r = 0; r < c->nrows; r++) {
		char **row = c->rows[r];
		struct group *g;
		int read = atoi(row[cr]), threads = atoi(row[ct]), k;
		long long keys = atoll(row[ck]);

		if (strcmp(row[cw], "rw") || !row[cr][0])
			continue;
		/* Plots show ok rows only; say what was left out. */
		if (cs >= 0 && strcmp(row[cs], "ok")) {
			left_out++;
			continue;
		}
		for (k = 0; k < a->n_impls; k++)
			if (!strcmp(a->impls[k], row[ci]))
				break;
		if (k == a->n_impls && a->n_impls < 16)
			snprintf(a->impls[a->n_impls++], 64, "%s", row[ci]);
		for (k = 0; k < a->n_dists; k++)
			if (!strcmp(a->dists[k], row[cd]))
				break;
		if (k == a->n_dists && a->n_dists < 16)
			snprintf(a->dists[a->n_dists++], 64, "%s", row[cd]);
		add_int(a->threads, &a->n_threads, threads);
		add_int(a->reads, &a->n_reads, read);
		for (k = 0; k < a->n_keys; k++)
			if (a->keys[k] == keys)
				break;
		if (k == a->n_keys && a->n_keys < 64)
			a->keys[a->n_keys++] = keys;
		g = find_group(a, row[ci], threads, read, keys, row[cd], true);
		if (!g)
			break;
		for (int m = 0; m < M_N; m++) {
			char *end;
			double v;

			if (cm[m] < 0 || !row[cm[m]][0])
				continue;
			v = strtod(row[cm[m]], &end);
			if (*end)
				continue;
			g->v[m] = realloc(g->v[m],
					  sizeof(double) *
						  (size_t)(g->nv[m] + 1));
			g->v[m][g->nv[m]++] = v;
		}
	}
	if (left_out)
		fprintf(stderr,
			"mapbench: plot: left out %zu rows whose status is not "
			"ok\n",
			left_out);
	csv_free(c);
	qsort(a->threads, (size_t)a->n_threads, sizeof(int), cmp_int);
	qsort(a->reads, (size_t)a->n_reads, sizeof(int), cmp_int);
	qsort(a->keys, (size_t)a->n_keys, sizeof(long long), cmp_ll);
	for (size_t i = 0; i < a->n; i++)
		for (int m = 0; m < M_N; m++) {
			struct group *g = &a->g[i];
			int n = g->nv[m];

			if (!n)
				continue;
			qsort(g->v[m], (size_t)n, sizeof(double), cmp_dbl);
			g->s[m].n = n;
			g->s[m].min = g->v[m][0];
			g->s[m].max = g->v[m][n - 1];
			g->s[m].med =
				n % 2 ? g->v[m][n / 2]
				      : (g->v[m][n / 2 - 1] + g->v[m][n / 2]) /
						2;
			free(g->v[m]);
			g->v[m] = NULL;
		}
	return 0;
}

static FILE *
dat_open(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "mapbench: plot: cannot write %s: %s\n", path,
			strerror(errno));
	return f;
}

/* "med min max", or "NaN NaN NaN" when the group has no value. */
static void
put3(FILE *f, const struct group *g, enum metric m)
{
	if (g && g->s[m].n)
		fprintf(f, " %.6g %.6g %.6g", g->s[m].med, g->s[m].min,
			g->s[m].max);
	else
		fprintf(f, " NaN NaN NaN");
}

/* A file-name-safe form of a dist: "zipf:0.99" -> "zipf0.99". */
static void
dist_tag(const char *dist, char *buf, size_t len)
{
	size_t j = 0;

	for (size_t i = 0; dist[i] && j + 1 < len; i++)
		if (dist[i] != ':')
			buf[j++] = dist[i];
	buf[j] = '\0';
}

static bool
has_data(struct agg *a, const char *impl, int threads, int read, long long keys,
	 const char *dist)
{
	struct group *g = find_group(a, impl, threads, read, keys, dist, false);

	return g && g->s[M_MOPS].n;
}

/* Write every .dat file for one dist. */
static int
write_dats(struct agg *a, const char *dir, const char *dist)
{
	char name[512], tag[64];
	int tmax = a->threads[a->n_threads - 1];
	FILE *f;

	dist_tag(dist, tag, sizeof(tag));
	for (int ki = 0; ki < a->n_keys; ki++) {
		long long k = a->keys[ki];

		for (int ii = 0; ii < a->n_impls; ii++) {
			const char *impl = a->impls[ii];

			/* (1) throughput vs threads, per read ratio */
			for (int ri = 0; ri < a->n_reads; ri++) {
				snprintf(name, sizeof(name),
					 "tt_%s_k%lld_r%d_%s.dat", tag, k,
					 a->reads[ri], impl);
				if (!(f = dat_open(dir, name)))
					return -1;
				fprintf(f, "# threads mops_med min max\n");
				for (int ti = 0; ti < a->n_threads; ti++) {
					struct group *g = find_group(
						a, impl, a->threads[ti],
						a->reads[ri], k, dist, false);

					if (!has_data(a, impl, a->threads[ti],
						      a->reads[ri], k, dist))
						continue;
					fprintf(f, "%d", a->threads[ti]);
					put3(f, g, M_MOPS);
					fputc('\n', f);
				}
				fclose(f);
			}
			/* (2) throughput and (5) memory vs read ratio */
			for (int ti = 0; ti < a->n_threads; ti++) {
				snprintf(name, sizeof(name),
					 "tr_%s_k%lld_t%d_%s.dat", tag, k,
					 a->threads[ti], impl);
				if (!(f = dat_open(dir, name)))
					return -1;
				fprintf(f, "# idx read mops_med min max "
					   "bpk_med min max\n");
				for (int ri = 0; ri < a->n_reads; ri++) {
					struct group *g = find_group(
						a, impl, a->threads[ti],
						a->reads[ri], k, dist, false);

					if (!has_data(a, impl, a->threads[ti],
						      a->reads[ri], k, dist))
						continue;
					fprintf(f, "%d %d", ri, a->reads[ri]);
					put3(f, g, M_MOPS);
					put3(f, g, M_BPK);
					fputc('\n', f);
				}
				fclose(f);
			}
		}
		/* (3) promotion frequency of syncmap, per thread count */
		for (int ti = 0; ti < a->n_threads; ti++) {
			snprintf(name, sizeof(name), "promo_%s_k%lld_t%d.dat",
				 tag, k, a->threads[ti]);
			if (!(f = dat_open(dir, name)))
				return -1;
			fprintf(f, "# idx read promo_med min max rebuild_med "
				   "min max locked_med min max mops_med min "
				   "max\n");
			for (int ri = 0; ri < a->n_reads; ri++) {
				struct group *g = find_group(
					a, "syncmap", a->threads[ti],
					a->reads[ri], k, dist, false);

				if (!g)
					continue;
				fprintf(f, "%d %d", ri, a->reads[ri]);
				put3(f, g, M_PROMO);
				put3(f, g, M_REBUILD);
				put3(f, g, M_LOCKED);
				put3(f, g, M_MOPS);
				fputc('\n', f);
			}
			fclose(f);
		}
		/* (4) latency percentiles per impl, at the most threads */
		for (int ri = 0; ri < a->n_reads; ri++) {
			snprintf(name, sizeof(name), "lat_%s_k%lld_r%d.dat",
				 tag, k, a->reads[ri]);
			if (!(f = dat_open(dir, name)))
				return -1;
			fprintf(f, "# idx impl threads p50 p99 p999 max "
				   "(medians over reps, ns)\n");
			for (int ii = 0, idx = 0; ii < a->n_impls; ii++) {
				struct group *g = NULL;
				int t;

				/* the most threads this impl ran at */
				for (t = a->n_threads - 1; t >= 0; t--) {
					g = find_group(
						a, a->impls[ii], a->threads[t],
						a->reads[ri], k, dist, false);
					if (g && g->s[M_P50].n)
						break;
				}
				if (t < 0)
					continue;
				fprintf(f, "%d %s%s %d %.6g %.6g %.6g %.6g\n",
					idx++, a->impls[ii],
					a->threads[t] < tmax ? "(1t)" : "",
					a->threads[t], g->s[M_P50].med,
					g->s[M_P99].med, g->s[M_P999].med,
					g->s[M_MAX].med);
			}
			fclose(f);
		}
	}
	return 0;
}

static void
list_ints(char *buf, size_t len, const int *v, int n)
{
	size_t j = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && j < len; i++)
		j += (size_t)snprintf(buf + j, len - j, "%s%d", i ? " " : "",
				      v[i]);
}

static bool
have_gnuplot(void)
{
	return system("command -v gnuplot >/dev/null 2>&1") == 0;
}

/* Run one script for both formats; 0 or -1.  gnuplot's chatter goes to log. */
static int
run_gnuplot(const char *gpdir, const char *script, const char *vars,
	    const char *log)
{
	static const char *const fmts[] = {"svg", "png"};
	int rc = 0;

	for (int i = 0; i < 2; i++) {
		char *cmd;
		int st;

		if (asprintf(&cmd,
			     "gnuplot -e \"gpdir='%s'; fmt='%s'; %s\" "
			     "'%s/%s' >>'%s' 2>&1",
			     gpdir, fmts[i], vars, gpdir, script, log) < 0)
			return -1;
		st = system(cmd);
		free(cmd);
		if (st != 0)
			rc = -1;
	}
	return rc;
}

static int
mkdir_p(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -1;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) && errno != EEXIST)
		return -1;
	return 0;
}

int
cmd_plot(const char *dir, const char *plot_dir)
{
	char csv_path[4096], outdir[8300], gpdir[4096], log[8400];
	char vars[20000], impls[1024], reads[512], threads[512], keys[512];
	char name[4096], *base;
	struct agg a;
	const char *env = getenv("MAPBENCH_PLOTS");
	int rc = 0, nfig = 0;
	size_t j = 0;

	snprintf(csv_path, sizeof(csv_path), "%s/results.csv", dir);
	if (access(csv_path, R_OK)) {
		fprintf(stderr, "mapbench: plot: no results in '%s' (%s: %s)\n",
			dir, csv_path, strerror(errno));
		return 2;
	}
	snprintf(gpdir, sizeof(gpdir), "%s",
		 env ? env : MAPBENCH_SOURCE_DIR "/plots");
	snprintf(name, sizeof(name), "%s", dir);
	while (strlen(name) > 1 && name[strlen(name) - 1] == '/')
		name[strlen(name) - 1] = '\0';
	base = basename(name);
	if (plot_dir)
		snprintf(outdir, sizeof(outdir), "%s", plot_dir);
	else
		snprintf(outdir, sizeof(outdir), "%s/%s", gpdir, base);
	if (!have_gnuplot()) {
		fprintf(stderr,
			"mapbench: plot: gnuplot is not installed; the results "
			"in %s are kept.\n"
			"  install it with: apt-get install gnuplot-nox\n"
			"  then draw with:  mapbench plot %s\n",
			csv_path, dir);
		return 3;
	}
	if (mkdir_p(outdir)) {
		fprintf(stderr, "mapbench: plot: cannot create %s: %s\n",
			outdir, strerror(errno));
		return 1;
	}
	if (aggregate(csv_path, &a))
		return 1;
	if (a.n == 0) {
		fprintf(stderr,
			"mapbench: plot: %s has no read/write rows to plot "
			"(Go workload rows are not plotted)\n",
			csv_path);
		return 1;
	}
	for (int i = 0; i < a.n_impls; i++)
		j += (size_t)snprintf(impls + j, sizeof(impls) - j, "%s%s",
				      i ? " " : "", a.impls[i]);
	list_ints(reads, sizeof(reads), a.reads, a.n_reads);
	list_ints(threads, sizeof(threads), a.threads, a.n_threads);
	j = 0;
	keys[0] = '\0';
	for (int i = 0; i < a.n_keys; i++)
		j += (size_t)snprintf(keys + j, sizeof(keys) - j, "%s%lld",
				      i ? " " : "", a.keys[i]);
	snprintf(log, sizeof(log), "%s/gnuplot.log", outdir);
	unlink(log);
	for (int di = 0; di < a.n_dists; di++) {
		static const char *const scripts[] = {
			"throughput_threads.gp",
			"throughput_reads.gp",
			"promotion.gp",
			"latency.gp",
			"memory.gp",
		};
		char tag[64];

		if (write_dats(&a, outdir, a.dists[di])) {
			rc = 1;
			break;
		}
		dist_tag(a.dists[di], tag, sizeof(tag));
		snprintf(vars, sizeof(vars),
			 "dir='%s'; tag='%s'; dist='%s'; run='%s'; "
			 "impls='%s'; reads='%s'; threads='%s'; keys='%s'",
			 outdir, tag, a.dists[di], base, impls, reads, threads,
			 keys);
		for (size_t s = 0; s < sizeof(scripts) / sizeof(scripts[0]);
		     s++) {
			if (run_gnuplot(gpdir, scripts[s], vars, log)) {
				fprintf(stderr,
					"mapbench: plot: gnuplot failed on "
					"%s/%s; see %s\n",
					gpdir, scripts[s], log);
				rc = 1;
			}
			nfig++;
		}
	}
	for (size_t i = 0; i < a.n; i++)
		for (int m = 0; m < M_N; m++)
			free(a.g[i].v[m]);
	free(a.g);
	if (rc == 0)
		fprintf(stdout, "plots:   %s/*.svg, *.png\n", outdir);
	/* the sweep's page beside its figures (report.c) */
	if (rc == 0 && report_write_sweep(dir, outdir, stderr) == 0)
		fprintf(stdout, "report:  %s/index.html\n", outdir);
	return rc;
}

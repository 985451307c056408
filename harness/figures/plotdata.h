/*
 * plotdata: the rows of a sweep's results.csv as `mapbench plot` reads
 * them, and their configurations (see plotdata.c).
 */
#ifndef MAPBENCH_PLOTDATA_H
#define MAPBENCH_PLOTDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct csv;

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

/* The heatmap's reference when --baseline is not given. */
#define PLOT_BASELINE "rwlock"

#define FOR_CFG(d, c)                                                          \
	for (const struct cfg *c = (d)->c; c < (d)->c + (d)->nc; c++)

/* A field shown in a message: at most 40 bytes, odd ones as \xNN. */
void plotdata_put_shown(FILE *f, const char *s);

/* Is impl the `null` map (a reference line, not a contender)? */
bool plotdata_is_null(const char *impl);

/*
 * Read and check results.csv into d (*cp: the file, which d points
 * into); 0, or an exit status.
 */
int plotdata_load(const char *path, struct csv **cp, struct plotdata *d);

/* Group the sorted records into configurations; 0, 1 (memory), 2. */
int plotdata_aggregate(struct plotdata *d);

/* summary.tsv's rows (a plotdata_write_table writer; arg: plotdata). */
int plotdata_write_summary(FILE *f, const void *arg);

/*
 * Write a table to path through rows(f, arg): whole (written aside,
 * then renamed) or not at all; 0, or -1 (said).
 */
int plotdata_write_table(const char *path, int (*rows)(FILE *, const void *),
			 const void *arg);

void plotdata_free(struct plotdata *d);

#endif /* MAPBENCH_PLOTDATA_H */

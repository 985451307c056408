/*
 * mapbench: the harness's shared types.
 *
 * A `struct config` is one point of the grid (impl, workload or mix,
 * threads, keys, distribution); run_config() measures it once and fills a
 * `struct result`, which output.c prints as one row.  Options parsed from
 * the command line live in `struct opts`; they expand into the grid.
 */
#ifndef MAPBENCH_MAPBENCH_H
#define MAPBENCH_MAPBENCH_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "map.h"
#include "mix.h"
#include "workloads.h"

#define MAX_LIST 64

enum format { FMT_TABLE, FMT_CSV, FMT_JSON };

/* What create() is told: nothing (as Go's maps) or --keys. */
enum sizing { SIZING_NONE, SIZING_KEYS };

struct opts {
	const struct map_ops *impls[MAX_LIST];
	int n_impls;
	const struct go_workload *workloads[MAX_LIST];
	int n_workloads; /* 0: synthetic mixes (--read / --mix) */
	unsigned threads[MAX_LIST];
	int n_threads;
	int reads[MAX_LIST];
	int n_reads;
	bool have_mix; /* --mix given: it replaces --read */
	struct mix mix;
	char mix_str[256];
	uint64_t keys[MAX_LIST];
	int n_keys;
	struct dist dists[MAX_LIST];
	int n_dists;
	int prefill_pct;
	double duration;
	unsigned repeat;
	uint64_t seed;
	bool pin;
	uint64_t latency_sample; /* time one op in N; 0 = off */
	const char *out;
	const char *plot_dir; /* sweep/plot: where images go */
	enum format format;
	bool quick;
	bool resume;
	bool no_plot;
	bool user_set[32]; /* which options were given, by OPT_* index */
	/* --- measurement method (issue 7) --- */
	uint64_t ops_per_thread; /* --ops */
	bool settle;		 /* --settle */
	enum sizing sizing;	 /* --sizing */
	bool isolate;		 /* --isolate (sweep default) */
	double row_timeout;	 /* --row-timeout; 0: 10 x duration + 60 s */
	/* --- end measurement method --- */
};

/* One configuration: one point of the grid. */
struct config {
	const struct map_ops *ops;
	const struct go_workload *wl; /* NULL: synthetic mix */
	unsigned threads;
	int read_pct; /* -1 when a --mix or a Go workload */
	struct mix mix;
	char mix_str[256];
	uint64_t keys;
	struct dist dist;
	int prefill_pct;
	double duration;
	uint64_t seed;
	bool pin;
	uint64_t latency_sample;
	unsigned rep; /* 1-based */
	/* --- measurement method (issue 7; driver.c, isolate.c) --- */
	uint64_t ops_per_thread; /* --ops N: N ops per thread; 0: --duration */
	bool settle;		 /* --settle: one Range after the prefill */
	enum sizing sizing;	 /* --sizing: what create() is told */
	bool isolate;		 /* the row runs in a child process */
	double row_timeout;	 /* --row-timeout seconds (isolated rows) */
	/* --- end measurement method --- */
};

struct result {
	double seconds;
	uint64_t ops;	/* map operations completed in the window */
	uint64_t iters; /* Go workload iterations (= ops for mixes) */
	uint64_t op_count[WL_NOPS];
	uint64_t op_hits[WL_NOPS];
	bool have_stats;	/* the impl has map_stats */
	struct map_stats stats; /* deltas over the timed window */
	uint64_t lat_samples;
	double timer_ns; /* the timer's own cost, subtracted */
	double p50_ns, p99_ns, p999_ns, max_ns;
	uint64_t live_keys;
	double bytes_per_key; /* < 0: not available */
	long peak_rss_kb;
	bool oversubscribed;
	bool pinned; /* asked for, and every worker's affinity call succeeded */
	unsigned ncpus;
	/* --- measurement method (issue 7; driver.c, isolate.c) --- */
	char status[40];	/* ok oom failed_ops stretched interrupted
				 * timeout crashed:SIGxxx error */
	uint64_t failed_ops;	/* window ops that returned an error */
	double cpu_seconds;	/* process CPU time over the window */
	char clock[16];		/* latency timer: tsc or clock_gettime */
	double clock_res_ns;	/* its resolution */
	unsigned unresolved;	/* LAT_* bits: below the resolution, NA */
	int64_t perf[4];	/* perfev.h PEV_*, summed; -1: NA */
	double bytes_per_key_settled; /* after a Range + quiesce; < 0: NA */
	double isolate_ms;	/* fork/pipe/wait overhead of an isolated row */
	/* --- end measurement method --- */
};

#define LAT_P50	 1u
#define LAT_P99	 2u
#define LAT_P999 4u
#define LAT_MAX	 8u

/* driver.c */
int run_config(const struct config *c, struct result *r);
void driver_init(bool pin, bool verbose);
unsigned driver_ncpus(void);
/* Set from SIGINT; the driver stops its current run early. */
extern volatile sig_atomic_t mb_interrupted;
bool config_refused(const struct config *c, char *why, size_t len);
void config_label(const struct config *c, char *buf, size_t len);
/* The label minus impl and rep: what a row's random streams derive from,
 * so that every impl of a repetition sees the same streams. */
void config_stream_label(const struct config *c, char *buf, size_t len);
const char *sizing_name(enum sizing s);

/* isolate.c: run_config in a child process; never fails to fill r. */
int isolate_run(const struct config *c, struct result *r, double timeout_s);
/* isolate_run() or run_config() as c->isolate says. */
int run_row(const struct config *c, struct result *r);

/* options.c */
int parse_opts(int argc, char **argv, struct opts *o, const char *cmd);
size_t expand_grid(const struct opts *o, struct config **out);
void usage(FILE *f);
uint64_t rep_seed(uint64_t seed, unsigned rep);
void report_oversubscribed(const struct opts *o);
_Noreturn void bad_option(const char *opt, const char *val,
			  const char *accepted);

/* output.c */
const char *const *column_names(size_t *n);
/* The first N_KEY_COLUMNS columns identify a row (see config_key). */
#define N_KEY_COLUMNS 9
void config_key(const struct config *c, char *buf, size_t len);
void csv_write_header(FILE *f);
void csv_write_row(FILE *f, const struct config *c, const struct result *r);
void table_print(FILE *f, const struct config *cs, const struct result *rs,
		 const bool *done, size_t n);
void json_print(FILE *f, const struct config *cs, const struct result *rs,
		const bool *done, size_t n);
void summary_print(FILE *f, const struct config *cs, const struct result *rs,
		   const bool *done, size_t n);

/* sweep.c, plot.c */
int cmd_sweep(const struct opts *o, int argc, char **argv);
int cmd_plot(const char *dir, const char *plot_dir);

/* sysinfo.c */
uint64_t mem_allocated(void);
void mem_flush_thread_cache(void);
void peak_rss_reset(void);
long peak_rss_kb(void);
int write_meta(const char *path, const struct opts *o, int argc, char **argv,
	       bool resumed);

static inline double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#endif /* MAPBENCH_MAPBENCH_H */

/*
 * Command-line options of `mapbench run` and `mapbench sweep`: parsed and
 * validated before anything runs (a bad value is one line naming the
 * option and what it accepts, and exit status 2), then expanded into the
 * grid (grid.h).  The values are parsed by optval.h's functions.
 */
#ifndef MAPBENCH_OPTS_H
#define MAPBENCH_OPTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

/* At most this many values per list option (after removing duplicates). */
#define MAX_LIST 64

enum format { FMT_TABLE, FMT_CSV, FMT_JSON };

struct opts {
	const char *cmd; /* "run" or "sweep" */
	struct impl_spec impls[MAX_LIST];
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
	unsigned repeat; /* fixed count, or the minimum with --precision */
	uint64_t seed;
	bool pin;
	uint64_t latency_sample; /* time one op in N; 0 = off */
	const char *out;
	const char *plot_dir; /* sweep: where images go */
	enum format format;
	bool quick;
	bool resume;
	bool no_plot;
	bool given[64]; /* which options were given, by option index */
	/* --- measurement method (issue 7) --- */
	uint64_t ops_per_thread; /* --ops */
	bool settle;		 /* --settle */
	enum sizing sizing;	 /* --sizing */
	bool isolate;		 /* --isolate (sweep default) */
	double row_timeout;	 /* --row-timeout; 0: 10 x duration + 60 s */
				 /* --- end measurement method --- */
	/* --- precision (issue 19; schedule.h, interfere.h) --- */
	double precision;      /* --precision, a fraction; 0: fixed --repeat */
	unsigned max_repeat;   /* --max-repeat (precision rounds) */
	double interf_limit;   /* --interference-limit, a fraction; 1: off */
	unsigned max_attempts; /* 1 + --remeasure */
};

/*
 * Parse argv (argv[0] is the subcommand) into *o (options.c); exits 2 on
 * bad input, 0 after --help.
 */
void opts_parse(int argc, char **argv, struct opts *o, const char *cmd,
		unsigned ncpus);
/* mapbench's usage: every command and run's and sweep's options. */
void opts_usage(FILE *f);

#endif /* MAPBENCH_OPTS_H */

/* What one run of a configuration measured: one row of results. */
#ifndef MAPBENCH_RESULT_H
#define MAPBENCH_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "interfere.h"
#include "map.h"
#include "workloads.h"

/* Most points of a row's throughput timeline (timeline.h). */
#define TL_POINTS 256

struct result {
	/*
	 * "ok", or why the row is not a measurement to use: "oom",
	 * "failed_ops", "crashed:SIGSEGV", "timeout", "stretched",
	 * "interfered" (other processes took CPU, interfere.h), ...
	 * Only ok rows enter summaries and plots.
	 */
	char status[32];
	double seconds;
	uint64_t ops;	/* map operations completed in the window */
	uint64_t iters; /* Go workload iterations (= ops for mixes) */
	uint64_t op_count[WL_NOPS];
	uint64_t op_hits[WL_NOPS];
	bool have_stats; /* the impl has map_stats */
	struct map_stats
		stats; /* deltas over the timed window (levels: at its end) */
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
	uint64_t failed_ops;	      /* window ops that returned an error */
	double cpu_seconds;	      /* process CPU time over the window */
	char clock[16];		      /* latency timer: tsc or clock_gettime */
	double clock_res_ns;	      /* its resolution */
	unsigned unresolved;	      /* LAT_* bits: below the resolution, NA */
	int64_t perf[4];	      /* perfev.h PEV_*, summed; -1: NA */
	double bytes_per_key_settled; /* after a Range + quiesce; < 0: NA */
	double isolate_ms; /* fork/pipe/wait cost of an isolated row */
	/* --- steady state and timeline (issue 20; driver.c, timeline.c) --- */
	double settle_s;   /* warm-up's wait for background work; < 0: NA */
	bool unsettled;	   /* that wait ended at its bound, work still going */
	unsigned tl_n;	   /* timeline points, <= TL_POINTS; 0: none */
	double tl_slice_s; /* the width of one point */
	float tl_mops[TL_POINTS]; /* Mops/s of all workers in each point */
	float tl_cpu[TL_POINTS];  /* the workers' mean CPU share in it, 0..1 */
	unsigned lat_few;	  /* LAT_* bits: too few samples for it, NA */
	int max_preempted; /* the max's worker was preempted then; -1 NA */
	/* --- precision (issue 19; interfere.h, sweep.c) --- */
	/* Who else ran during the window. */
	struct interference interf;
	/* Unix time the row started (sweep). */
	double started;
};

#define LAT_P50	 1u
#define LAT_P99	 2u
#define LAT_P999 4u
#define LAT_MAX	 8u

/* Samples a percentile needs to be printed (else NA, in lat_too_few). */
#define LAT_MIN_P99  1000u
#define LAT_MIN_P999 10000u
/* Samples a row aims at (driver.c lat_adapt): p99.9 with room to spare. */
#define LAT_TARGET 20000u

#endif /* MAPBENCH_RESULT_H */

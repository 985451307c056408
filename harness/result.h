/* What one run of a configuration measured: one row of results. */
#ifndef MAPBENCH_RESULT_H
#define MAPBENCH_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "map.h"
#include "workloads.h"

struct result {
	/*
	 * "ok", or why the row is not a measurement to use: "oom",
	 * "failed_ops", "crashed:SIGSEGV", "timeout", "stretched", ...
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
};

#endif /* MAPBENCH_RESULT_H */

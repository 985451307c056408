/*
 * The grid: the options expanded into configurations, and the schedule
 * that `run` and `sweep` share (each repetition visits every
 * configuration once, in an order shuffled per repetition, so that slow
 * drift of the machine spreads over all maps instead of biasing the ones
 * that run last).
 */
#ifndef MAPBENCH_GRID_H
#define MAPBENCH_GRID_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "opts.h"

/* The configurations of one repetition (rep 0, seed unset); *out malloc'd. */
size_t grid_expand(const struct opts *o, struct config **out);

/*
 * The run order: repetitions 1..repeat outermost, each a shuffled copy of
 * the runnable configurations with rep and the repetition's seed set;
 * `skip` (may be NULL) drops rows already done.  *out malloc'd.
 */
size_t grid_schedule(const struct config *grid, size_t n, unsigned repeat,
		     uint64_t seed, bool (*skip)(const struct config *, void *),
		     void *arg, struct config **out);

/* Print, once per map, the configurations it cannot run; returns rows. */
size_t grid_report_refused(const struct config *grid, size_t n,
			   unsigned repeat);

/* Say once when some runs will have more threads than CPUs. */
void grid_report_oversubscribed(const struct opts *o, unsigned ncpus);

#endif /* MAPBENCH_GRID_H */

/*
 * A row's throughput timeline (issue 20): how many operations all workers
 * completed in each slice of the window (Mops/s), and what share of the
 * slice the workers were on a CPU (their thread CPU time over threads x
 * slice), and whether the end of the window differs from its start.
 *
 * Drift: the map's speed over the last quarter of the slices against its
 * speed over the first quarter, in percent (100 * (last / first - 1)),
 * speed being operations per CPU-second of the workers (the quarter's
 * operations over its CPU time), so that time a worker spent preempted
 * (another process on its CPU) is not taken for a change of the map.  A
 * row drifts when that is beyond +-TL_DRIFT_PCT.  NA when the timeline
 * has fewer than TL_DRIFT_MIN points or the workers ran for less than
 * TL_DRIFT_MIN_CPU of a quarter.
 */
#ifndef MAPBENCH_TIMELINE_H
#define MAPBENCH_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

#define TL_DRIFT_PCT	 20.0
#define TL_DRIFT_MIN	 8
#define TL_DRIFT_MIN_CPU 0.05

/* The drift in percent into *pct; false when the timeline is too short. */
bool timeline_drift(const struct result *r, double *pct);
/* The same from n points of Mops/s and CPU share. */
bool timeline_drift_of(const double *mops, const double *cpu, size_t n,
		       double *pct);
/*
 * The points as "Mops/s;Mops/s;..." (cpu false) or as CPU shares (cpu
 * true), no commas; "" when none.
 */
void timeline_format(const struct result *r, bool cpu, char *buf, size_t len);

#endif /* MAPBENCH_TIMELINE_H */

/*
 * A row's throughput timeline (issue 20): how many operations all workers
 * completed in each slice of the window, and whether the end of the
 * window differs from its start (drift).
 *
 * Drift: the mean throughput of the last quarter of the slices against
 * that of the first quarter, in percent (100 * (last / first - 1)); a row
 * drifts when that is beyond +-TL_DRIFT_PCT.  A timeline of fewer than
 * TL_DRIFT_MIN points has no drift figure (NA).
 */
#ifndef MAPBENCH_TIMELINE_H
#define MAPBENCH_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>

#include "result.h"

#define TL_DRIFT_PCT 20.0
#define TL_DRIFT_MIN 8

/* The drift in percent into *pct; false when the timeline is too short. */
bool timeline_drift(const struct result *r, double *pct);
/* The same from n points of Mops/s. */
bool timeline_drift_of(const double *mops, size_t n, double *pct);
/* The points as "Mops/s;Mops/s;..." (no commas), "" when none. */
void timeline_format(const struct result *r, char *buf, size_t len);

/*
 * mapbench timeline DIR [--all] [--plot-dir D]: one figure per row of
 * DIR/results.csv whose timeline drifts (every row with --all), into
 * D (DIR/plots) as timeline-LINE.svg.  0, 2 bad input, 3 no gnuplot.
 */
int cmd_timeline(int argc, char **argv);

#endif /* MAPBENCH_TIMELINE_H */

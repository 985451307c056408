/*
 * compare: `mapbench compare A B [C ...]` (see compare.c).  The sweep
 * directory reader it shares with the report page is sweepdir.h.
 */
#ifndef MAPBENCH_COMPARE_H
#define MAPBENCH_COMPARE_H

#include <stddef.h>
#include <stdio.h>

/*
 * The columns that name a configuration (a point of the grid), in
 * display order, NULL-terminated; the first is "impl".  Those flagged in
 * compare_method_col() describe how it was measured: they tell
 * configurations apart only where they vary inside one sweep.
 */
extern const char *const compare_identity_cols[];
int compare_method_col(const char *name);

/*
 * The direction of a metric: +1 higher is better (mops), -1 lower is
 * better (ns_per_op, *_ns, bytes_per_key, locked_ops_per_op), 0 unknown.
 */
int compare_metric_direction(const char *metric);

/*
 * The newest results schema compare reads (meta.json's "schema"; keep it
 * equal to what sysinfo.c writes).
 */
#define COMPARE_SCHEMA_MAX 2

/* mapbench compare ...: argv[0] is "compare".  Returns the exit status. */
int cmd_compare(int argc, char **argv);

#endif /* MAPBENCH_COMPARE_H */

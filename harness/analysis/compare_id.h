/*
 * compare_id: the schema as `mapbench compare` reads it (compare_id.c):
 * which columns identify a configuration, which describe the method,
 * which are measurements, and in which direction a metric is better.
 */
#ifndef MAPBENCH_COMPARE_ID_H
#define MAPBENCH_COMPARE_ID_H

#include <stdbool.h>

#include "schema.h"

/*
 * The columns that name a configuration (a point of the grid), in
 * display order, NULL-terminated: the schema's COL_CONFIG columns
 * (schema.def), the first "impl".  Those flagged COL_METHOD
 * (compare_method_col) describe how it was measured: they tell
 * configurations apart only where they vary inside one sweep, and a
 * difference between sweeps is a method warning.
 */
#define COMPARE_MAX_ID 32
const char *const *compare_identity(void);
int compare_method_col(const char *name);

/*
 * Can `name` be compared as a measurement?  Not an identity column nor
 * one that names, orders or frames a row (rep, seed, status, ...).
 */
bool compare_metric_col(const char *name);

/* A metric's direction from the schema: +1 higher is better, -1 lower, 0. */
int compare_metric_direction(const char *metric);

/* The newest results schema compare reads (meta.json's "schema"). */
#define COMPARE_SCHEMA_MAX SCHEMA_VERSION

#endif /* MAPBENCH_COMPARE_ID_H */

/*
 * The results schema, as readers see it: one table of column descriptors
 * (schema.def) saying what each column of results.csv is, which columns
 * identify a configuration, which describe the method, which are metrics
 * and which way is better.  The writer (schema_write.h) derives the rows
 * from the same table; compare, plot and the report page read it here,
 * so that no reader keeps a list of its own.
 *
 * A map's own counters (map_counter in map.h) are columns too, named
 * SCHEMA_OWN_PREFIX + the counter's name, after the declared ones: one
 * per counter of the sweep's maps (the union, in map order), NA in the
 * rows of a map that does not have it.  meta.json's "counters" gives
 * each map's unit, kind and help.
 */
#ifndef MAPBENCH_SCHEMA_H
#define MAPBENCH_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * The version of results.csv's columns (meta.json's "schema"): raised
 * whenever a column is added, removed, renamed or changes meaning.
 * 3: method and plan columns (pin, grid_seed, repeat, precision_pct,
 * max_repeat, remeasure), the map's own counters as own_* columns
 * instead of the packed map_counters text.  4: probe_ns (the CPU's speed
 * just before the window; a row slower than the sweep's fast probes is
 * interfered).  5: c2c_ns, c2c_after_ns (the core-to-core probe of rows
 * with two or more workers).
 */
#define SCHEMA_VERSION 5

enum col_type {
	COL_TEXT, /* JSON string; never contains ',' or a newline */
	COL_UINT, /* JSON integer */
	COL_REAL, /* JSON number */
	COL_SEED, /* an exact 64-bit integer: JSON string (doubles round it) */
};

/* How a column aggregates over the repetitions of a configuration. */
enum col_agg {
	AGG_KEY,    /* identity or constant: the same in every repetition */
	AGG_MEDIAN, /* a measurement (a metric): median (min-max) */
	AGG_NONE,   /* per repetition only (rep, seed) */
};

#define COL_ID	    (1u << 0) /* what a configuration is */
#define COL_REP	    (1u << 1) /* the repetition: row = config + rep */
#define COL_TABLE   (1u << 2) /* shown by `mapbench run`'s table */
#define COL_METHOD  (1u << 3) /* how it is measured (identity too) */
#define COL_PLAN    (1u << 4) /* how the sweep chose repetitions */
#define COL_COUNTER (1u << 5) /* a counter the map keeps */
/* A configuration's identity: rows with equal cells are repetitions. */
#define COL_CONFIG (COL_ID | COL_METHOD)

/* The prefix of a map's own counter columns: own_restarts. */
#define SCHEMA_OWN_PREFIX "own_"

struct column {
	const char *name;
	const char *unit; /* "", "ops", "s", "ns", "bytes", "Mops/s", ... */
	enum col_type type;
	enum col_agg agg;
	unsigned flags;	  /* COL_* */
	const char *head; /* heading in the printed table (COL_TABLE) */
	const char *fmt;  /* printf format of a COL_REAL in CSV/table */
	int better;	  /* a metric: +1 higher is better, -1 lower, 0 */
	const char *opt;  /* the option that sets it, or NULL */
};

extern const struct column schema_columns[];
extern const size_t schema_ncolumns;

/* The declared column called `name`, or NULL (own_* are not declared). */
const struct column *schema_find(const char *name);
/* Is `name` a map's own counter column (own_NAME)? */
bool schema_is_own(const char *name);
/*
 * Is the column called `name` a metric (a measurement aggregated by its
 * median: declared AGG_MEDIAN, or a map's own counter)?
 */
bool schema_is_metric(const char *name);
/* A metric's direction: +1 higher is better, -1 lower, 0 neither/unknown. */
int schema_direction(const char *name);
/* Does the column called `name` carry any of `flags`? */
bool schema_has(const char *name, unsigned flags);

/*
 * `mapbench list columns`: every column with its unit, type, role and
 * the option that sets it, one per line ("name<TAB>unit<TAB>type<TAB>
 * role<TAB>option").
 */
int schema_describe(FILE *f);

#endif /* MAPBENCH_SCHEMA_H */

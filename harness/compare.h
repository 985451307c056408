/*
 * compare: `mapbench compare A B [C ...]` (see compare.c), and the sweep
 * reader it shares with the report page (report.c).
 */
#ifndef MAPBENCH_COMPARE_H
#define MAPBENCH_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "schema.h"

/*
 * A results.csv held in memory: header names and, per row, its fields
 * (NUL-terminated copies inside `text`) and its line number in the file.
 * No quoting; an empty field is NA.
 */
struct sweep_csv {
	char *text;
	char **head;
	size_t ncols;
	char **field; /* row r, column c: field[r * ncols + c] */
	size_t *line; /* row r's line number (1-based; the header is 1) */
	size_t nrows;
	size_t ndup; /* duplicate ok rows dropped (sweep_csv_load) */
};

/*
 * Load `path`.  Refuses (returns -1 with one line in err) a NUL byte, a
 * line whose field count differs from the header's, a quote, an empty or
 * duplicate column name, a missing header, a second header line, a last
 * line without its newline: each with its line number.  An ok row that
 * repeats an earlier ok row's configuration and `rep` is dropped and
 * counted in ndup (said on stderr): repetitions, not rows, are counted.
 */
int sweep_csv_load(const char *path, struct sweep_csv *t, char *err,
		   size_t errlen);
void sweep_csv_free(struct sweep_csv *t);
/* The index of column `name`, or -1. */
int sweep_csv_col(const struct sweep_csv *t, const char *name);
static inline const char *
sweep_csv_get(const struct sweep_csv *t, size_t row, int col)
{
	return col < 0 ? "" : t->field[row * t->ncols + (size_t)col];
}

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

/* Is a row's status (column `status`, absent = ok) ok? */
int compare_status_ok(const char *status);

/* A metric's direction from the schema: +1 higher is better, -1 lower, 0. */
int compare_metric_direction(const char *metric);

/* The machine rows shown side by side: a label and a meta.json path. */
struct compare_meta_row {
	const char *label;
	const char *path; /* dotted: "machine.cpu_model" */
};
extern const struct compare_meta_row compare_machine_rows[];
/* One meta.json value as text, "" when absent (arrays joined by spaces). */
void compare_meta_value(json_t *meta, const char *dotted, char *buf,
			size_t len);

/* The newest results schema compare reads (meta.json's "schema"). */
#define COMPARE_SCHEMA_MAX SCHEMA_VERSION

/* mapbench compare ...: argv[0] is "compare".  Returns the exit status. */
int cmd_compare(int argc, char **argv);

#endif /* MAPBENCH_COMPARE_H */

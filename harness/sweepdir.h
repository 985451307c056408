/*
 * sweepdir: a sweep directory read back (results.csv held in memory,
 * meta.json's values), shared by compare and the report page.
 */
#ifndef MAPBENCH_SWEEPDIR_H
#define MAPBENCH_SWEEPDIR_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

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

/* Is a row's status (column `status`, absent = ok) ok? */
int sweepdir_status_ok(const char *status);

/* The machine rows shown side by side: a label and a meta.json path. */
struct sweepdir_meta_row {
	const char *label;
	const char *path; /* dotted: "machine.cpu_model" */
};
extern const struct sweepdir_meta_row sweepdir_machine_rows[];
/* meta.json's value at a dotted path ("grid.precision"), or NULL. */
json_t *sweepdir_meta_get(json_t *meta, const char *dotted);
/* One meta.json value as text, "" when absent (arrays joined by spaces). */
void sweepdir_meta_value(json_t *meta, const char *dotted, char *buf,
			 size_t len);

#endif /* MAPBENCH_SWEEPDIR_H */

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
 * A results.csv held in memory, read by csvread.c (the one reader of
 * results.csv): header names and, per row, its fields and its line
 * number in the file.  An empty field is NA.
 */
struct csv;
struct sweep_csv {
	struct csv *csv; /* csvread.h's parse, which owns everything */
	char **head;
	size_t ncols;
	char ***rows; /* row r, column c: rows[r][c] */
	long *line;   /* row r's line number (1-based; the header is 1) */
	size_t nrows;
	size_t ndup; /* duplicate ok rows left out (csvread.c) */
};

/*
 * Load `path`: a regular file, read by csv_parse.  Refuses (returns -1
 * with one line in err) a file with any line csvread.c would skip (a NUL
 * byte, a field count that differs from the header's, a bad quote, a
 * second header line), a missing header or a last line without its
 * newline, with its line number: compare and the report page read whole
 * sweeps or none.  An ok row that repeats an earlier ok row's
 * configuration and `rep` is left out and counted in ndup (said on
 * stderr): repetitions, not rows, are counted.
 */
int sweep_csv_load(const char *path, struct sweep_csv *t, char *err,
		   size_t errlen);
void sweep_csv_free(struct sweep_csv *t);
/* The index of column `name`, or -1. */
int sweep_csv_col(const struct sweep_csv *t, const char *name);
static inline const char *
sweep_csv_get(const struct sweep_csv *t, size_t row, int col)
{
	return col < 0 ? "" : t->rows[row][col];
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

/*
 * The results schema: one table of column descriptors from which the CSV
 * header and rows, the JSON fields and their types, the printed table,
 * the summaries and the resume key all come.  Adding a metric is one row
 * of schema.c's table (plus the code that measures it).
 */
#ifndef MAPBENCH_SCHEMA_H
#define MAPBENCH_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "result.h"

enum col_type {
	COL_TEXT, /* JSON string; never contains ',' or a newline */
	COL_UINT, /* JSON integer */
	COL_REAL, /* JSON number */
	COL_SEED, /* an exact 64-bit integer: JSON string (doubles round it) */
};

/* How a column aggregates over the repetitions of a configuration. */
enum col_agg {
	AGG_KEY,    /* identity or constant: the same in every repetition */
	AGG_MEDIAN, /* a measurement: median (min-max) */
	AGG_NONE,   /* per repetition only (rep, seed) */
};

#define COL_ID (1u << 0) /* part of a configuration's identity */
#define COL_REP                                                                \
	(1u << 1)	    /* the repetition: row identity = COL_ID + COL_REP \
			     */
#define COL_TABLE (1u << 2) /* shown by `mapbench run`'s table */

/* The longest cell, as text (a timeline of TL_POINTS points fits). */
#define SCHEMA_CELL_MAX 4096

/* One cell: NA, or a value of the column's type. */
struct col_val {
	bool na;
	uint64_t u;
	double d;
	char s[SCHEMA_CELL_MAX];
};

struct column {
	const char *name;
	const char *unit; /* "", "ops", "s", "ns", "bytes", "Mops/s", ... */
	enum col_type type;
	enum col_agg agg;
	unsigned flags;	  /* COL_* */
	const char *head; /* heading in the printed table (COL_TABLE) */
	const char *fmt;  /* printf format of a COL_REAL in CSV/table */
	void (*get)(const struct config *c, const struct result *r, int arg,
		    struct col_val *v);
	int arg;
};

extern const struct column schema_columns[];
extern const size_t schema_ncolumns;

/* The column called `name`, or NULL. */
const struct column *schema_find(const char *name);

/* The cell of column k as text ("" for NA), as the CSV holds it. */
void schema_cell(size_t k, const struct config *c, const struct result *r,
		 char *buf, size_t len);

/* A row's identity (COL_ID and COL_REP cells joined by '|'): resume key. */
void schema_row_key(const struct config *c, char *buf, size_t len);
/* The same key from the cells of a row read back from a CSV. */
int schema_row_key_cells(const char *const *head, const char *const *cells,
			 size_t ncells, char *buf, size_t len);

/* A configuration's identity (COL_ID cells only): rows of all its reps. */
void schema_config_key(const struct config *c, char *buf, size_t len);
int schema_config_key_cells(const char *const *head, const char *const *cells,
			    size_t ncells, char *buf, size_t len);

/* Writers: 0, or -1 with errno set when the stream failed. */
int schema_csv_header(FILE *f);
int schema_csv_row(FILE *f, const struct config *c, const struct result *r);
/* Rows i with done[i], as a JSON array of objects. */
int schema_json(FILE *f, const struct config *cs, const struct result *rs,
		const bool *done, size_t n);
/* The aligned table of COL_TABLE columns, then a note on oversubscription. */
int schema_table(FILE *f, const struct config *cs, const struct result *rs,
		 const bool *done, size_t n, unsigned ncpus);
/* Median, min-max and cv of Mops/s per configuration (ok rows only). */
int schema_summary(FILE *f, const struct config *cs, const struct result *rs,
		   const bool *done, size_t n);

#endif /* MAPBENCH_SCHEMA_H */

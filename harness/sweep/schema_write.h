/*
 * The results schema, as the writer sees it: the cells of a row computed
 * from a configuration and its result by the getters bound to
 * schema.def's lines (schema_write.c), and everything written from them: CSV,
 * JSON, `run`'s table and summary, the resume keys and meta.json's grid.
 */
#ifndef MAPBENCH_SCHEMA_WRITE_H
#define MAPBENCH_SCHEMA_WRITE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "result.h"
#include "schema.h"
#include "schema_get.h"

/*
 * The map counter columns (own_NAME) of the grid's maps: the union of
 * their counters, in map order.  Call before writing a header or a row;
 * until then there are none.
 */
void schema_own_set(const struct config *grid, size_t n);
/* Every column written: the declared ones, then the own counters. */
size_t schema_width(void);
/* The name of written column k (k < schema_width()). */
const char *schema_name(size_t k);

/* The cell of written column k as text ("" for NA), as the CSV holds it. */
void schema_cell(size_t k, const struct config *c, const struct result *r,
		 char *buf, size_t len);

/* A row's identity (COL_CONFIG and COL_REP cells joined by '|'). */
void schema_row_key(const struct config *c, char *buf, size_t len);
/* A configuration's identity (COL_CONFIG cells): rows of all its reps. */
void schema_config_key(const struct config *c, char *buf, size_t len);
/* The same key from the cells of a row read back from a CSV; 0 or -1. */
int schema_config_key_cells(const char *const *head, const char *const *cells,
			    size_t ncells, char *buf, size_t len);
/* Is `head` exactly the header this mapbench writes for this grid? */
bool schema_header_is(const char *const *head, size_t ncells);

/*
 * meta.json's "grid": for every ID, METHOD and PLAN column, the distinct
 * cells over the grid's configurations (in grid order; NA as null).  Two
 * grids with equal objects measure the same things the same way.
 */
json_t *schema_grid_json(const struct config *grid, size_t n);
/* meta.json's "counters": per map of the grid, its own counters. */
json_t *schema_counters_json(const struct config *grid, size_t n);

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

#endif /* MAPBENCH_SCHEMA_WRITE_H */

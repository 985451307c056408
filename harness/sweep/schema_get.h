/*
 * The results schema's getters (prefix schema_): the value of a declared
 * column (schema.def) for one configuration and its result, before it is
 * formatted (schema_write.h).
 */
#ifndef MAPBENCH_SCHEMA_GET_H
#define MAPBENCH_SCHEMA_GET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "result.h"
#include "schema.h"

/* The longest cell, as text (a timeline of TL_POINTS points fits). */
#define SCHEMA_CELL_MAX 4096

/* One cell: NA, or a value of the column's type. */
struct col_val {
	bool na;
	uint64_t u;
	double d;
	char s[SCHEMA_CELL_MAX];
};

/*
 * The cell of declared column k (k < schema_ncolumns) for `c` and `r`
 * into *v, which the caller has cleared (na false, s empty).
 */
void schema_get(size_t k, const struct config *c, const struct result *r,
		struct col_val *v);
/* Mops/s of a result (0 when it has no time). */
double schema_mops(const struct result *r);

#endif /* MAPBENCH_SCHEMA_GET_H */

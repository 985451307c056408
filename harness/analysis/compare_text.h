/*
 * compare_text: `mapbench compare`'s outputs on stdout (text tables, CSV,
 * JSON) and the cell texts and geometric means the HTML page shares.
 */
#ifndef MAPBENCH_COMPARE_TEXT_H
#define MAPBENCH_COMPARE_TEXT_H

#include <stdio.h>

#include <jansson.h>

#include "compare_data.h"

/* "3.908 ±2%" and, when the interval covers less than 95%, a note. */
void compare_summary_text(const struct stats_summary *s, char *buf, size_t len,
			  char *note, size_t notelen);
/* The "vs A" cell. */
void compare_delta_text(const struct stats_ratio *r, const struct stats_test *t,
			int verdict, size_t na, size_t nb, int better,
			double alpha, char *buf, size_t len, char *note,
			size_t notelen);
void compare_geomean(const struct cmp *c, const char *group, struct geo *g);
void compare_geo_text(const struct geo *g, int j, char *buf, size_t len);
const char *compare_direction_text(int better);
void compare_print_text(FILE *f, struct cmp *c);
void compare_print_csv(FILE *f, struct cmp *c);
json_t *compare_build_json(struct cmp *c);

#endif /* MAPBENCH_COMPARE_TEXT_H */

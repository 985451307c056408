/*
 * report_meta: the page's Machine, Method and metrics (see report_meta.c).
 */
#ifndef MAPBENCH_REPORT_META_H
#define MAPBENCH_REPORT_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "report_tsv.h"

/* meta.json: machine and build rows, command line, the sweep's grid. */
void report_write_meta(FILE *f, json_t *meta);
/*
 * Every metric of summary.tsv (its NAME_med columns: the figures' and
 * every other metric of results.csv, by the schema): its unit, which way
 * is better, and the range of its configuration medians.
 */
void report_write_metrics(FILE *f, const struct tsv *s, json_t *meta);

#endif /* MAPBENCH_REPORT_META_H */

/*
 * report_tables: the page's heatmap and summary tables (see report_tables.c).
 */
#ifndef MAPBENCH_REPORT_TABLES_H
#define MAPBENCH_REPORT_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report_tsv.h"

/* "Who wins where": one coloured table per dist and key count. */
void report_write_heat(FILE *f, const struct tsv *h);

/*
 * The summary: median Mops/s and its 95% interval per map (columns, the
 * registry's order) and configuration (rows), one table per dist and key
 * count; the fastest map of a row (the heatmap's rule) highlighted.
 */
void report_write_summary(FILE *f, const struct tsv *s, const struct tsv *h);

#endif /* MAPBENCH_REPORT_TABLES_H */

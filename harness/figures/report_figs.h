/*
 * report_figs: the page's figures (see report_figs.c).
 */
#ifndef MAPBENCH_REPORT_FIGS_H
#define MAPBENCH_REPORT_FIGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "report_tsv.h"

/* Every *.svg of the plot folder, in the figure table's order. */
void report_write_figures(FILE *f, const char *plot_dir, const struct tsv *s);

#endif /* MAPBENCH_REPORT_FIGS_H */

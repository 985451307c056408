/*
 * compare_plot: `mapbench compare --plot FILE.svg`, the ratios to the
 * first input drawn by gnuplot, one panel per thread count.
 */
#ifndef MAPBENCH_COMPARE_PLOT_H
#define MAPBENCH_COMPARE_PLOT_H

#include <stdio.h>

#include <jansson.h>

#include "compare_data.h"

/* Draw c->plot: 0, 1 (failure, said), 3 (no gnuplot). */
int compare_draw_plot(struct cmp *c);

#endif /* MAPBENCH_COMPARE_PLOT_H */

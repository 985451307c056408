/* compare_plot: see compare_plot.c. */
#ifndef MAPBENCH_COMPARE_PLOT_H
#define MAPBENCH_COMPARE_PLOT_H

#include <stdio.h>

#include <jansson.h>

#include "compare_data.h"

int compare_draw_plot(struct cmp *c);

#endif /* MAPBENCH_COMPARE_PLOT_H */

/* mapbench plot: draw a sweep's figures with gnuplot. */
#ifndef MAPBENCH_PLOT_H
#define MAPBENCH_PLOT_H

/*
 * Plot the sweep in `dir` into `plot_dir` (NULL: DIR/plots).  0, 2 for
 * bad input, 3 when gnuplot is missing (results kept).
 */
int cmd_plot(const char *dir, const char *plot_dir);

/*
 * The same with the heatmap's reference: a map of the sweep, "best" (the
 * fastest map of each row), or NULL (rwlock).  A baseline the sweep does
 * not hold is bad input (2, nothing written).
 */
int plot_sweep(const char *dir, const char *plot_dir, const char *baseline);

#endif /* MAPBENCH_PLOT_H */

/* mapbench plot: draw a sweep's figures with gnuplot. */
#ifndef MAPBENCH_PLOT_H
#define MAPBENCH_PLOT_H

/*
 * mapbench plot, and the end of mapbench sweep: plot the sweep in `dir`
 * into `plot_dir` (NULL: DIR/plots): summary.tsv and heatmap.tsv beside
 * results.csv, the figures, the timelines of the rows that drift
 * (tlplot.h), and the page, index.html.  `baseline` is the heatmap's
 * reference: a map of the sweep, "best" (the fastest map of each row), or
 * NULL (rwlock).  0; 1 when a figure or the page failed; 2 for bad input
 * (a baseline the sweep does not hold: nothing written); 3 when gnuplot
 * is missing (results kept).
 */
int plot_sweep(const char *dir, const char *plot_dir, const char *baseline);

#endif /* MAPBENCH_PLOT_H */

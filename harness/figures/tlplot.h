/*
 * tlplot: `mapbench timeline`, the figures of the rows' throughput
 * timelines (the timelines themselves are timeline.h).
 */
#ifndef MAPBENCH_TLPLOT_H
#define MAPBENCH_TLPLOT_H

/*
 * mapbench timeline DIR [--all] [--plot-dir D]: one figure per row of
 * DIR/results.csv whose timeline drifts (every row with --all), into
 * D (DIR/plots) as timeline-LINE.svg.  0, 2 bad input, 3 no gnuplot.
 */
int cmd_timeline(int argc, char **argv);

#endif /* MAPBENCH_TLPLOT_H */

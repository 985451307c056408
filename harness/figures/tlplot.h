/*
 * tlplot: the figures of the rows' throughput timelines (the timelines
 * themselves are timeline.h): `mapbench timeline`, and the timelines
 * `mapbench plot` draws for the rows that drift.
 */
#ifndef MAPBENCH_TLPLOT_H
#define MAPBENCH_TLPLOT_H

#include <stdbool.h>

struct csv;

struct tlplot_opts {
	const char *dir; /* the sweep: DIR/results.csv */
	/* results.csv as the caller read it (csvread.h), or NULL: read it */
	const struct csv *csv;
	const char *plot_dir; /* where the figures go (created if missing) */
	bool all;	      /* every row with a timeline, not only drifting */
	int max; /* at most this many rows, those that drift most (0: all) */
	/*
	 * For mapbench plot: a results.csv without timeline columns draws
	 * nothing (0); the .dat and .gp files are removed once drawn; the
	 * timeline-*.svg of plot_dir this call did not draw are removed.
	 */
	bool in_plot;
	int logfd; /* gnuplot's stdout and stderr (-1: inherited) */
};

struct tlplot_result {
	int drawn, failed;
	int drifting; /* rows whose timeline drifts (drawn or not) */
	char *names;  /* "timeline-LINE ..." drawn (malloc'ed, NULL: none) */
};

/*
 * Draw one figure per row of o->dir/results.csv whose timeline drifts
 * beyond TL_DRIFT_PCT (every row with a timeline when o->all; at most
 * o->max, those that drift most, when it is set) into o->plot_dir as
 * timeline-LINE.svg.  0; 1 when a figure failed or
 * memory ran out; 2 bad input (a cell that is not a timeline: nothing
 * written); 3 no gnuplot.  The caller frees res->names.
 */
int tlplot_draw(const struct tlplot_opts *o, struct tlplot_result *res);

/*
 * mapbench timeline DIR [--all] [--plot-dir D]: tlplot_draw into D
 * (DIR/plots), then the sweep's page redone.  argv[0] is "timeline".
 * 0, 1, 2 bad input, 3 no gnuplot.
 */
int tlplot_main(int argc, char **argv);

#endif /* MAPBENCH_TLPLOT_H */

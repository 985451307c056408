/*
 * report: the sweep's page, index.html beside its plots (report.c); its
 * parts are report_tables, report_figs and report_meta, the frame it
 * shares with `compare --html` report_html.h (included for the callers).
 */
#ifndef MAPBENCH_REPORT_H
#define MAPBENCH_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "report_html.h"

/*
 * Write plot_dir/index.html for the sweep in sweep_dir, from the tables
 * `mapbench plot` writes beside results.csv: "who wins where" (each
 * heatmap of heatmap.tsv as a coloured table), every *.svg of plot_dir in
 * the figure table's order (figures.h) with its caption and the data it
 * draws (summary.tsv) behind a <details>, the summary (median Mops/s and
 * its 95% interval per map and configuration, grouped by key count, maps
 * in registry order), the machine and the sweep's grid from meta.json,
 * and the rows whose status is not ok, counted, when there are any.  The
 * page appears whole or not at all (written aside, then renamed); when
 * it cannot be written, an earlier index.html is removed, not left to
 * show another state of the sweep.  A results.csv that cannot be read
 * whole (a line plot skipped) is said on the page, which is still made.
 * Messages go to `err`.  Returns 0, 1 (cannot write) or 2 (bad input:
 * results.csv, meta.json, summary.tsv or heatmap.tsv unreadable).
 */
int report_write_sweep(const char *sweep_dir, const char *plot_dir, FILE *err);

#endif /* MAPBENCH_REPORT_H */

/*
 * report: self-contained HTML pages (inline CSS, no scripts, no network)
 * for a sweep (index.html beside its plots) and for `compare --html`.
 */
#ifndef MAPBENCH_REPORT_H
#define MAPBENCH_REPORT_H

#include <stdio.h>

/*
 * Write plot_dir/index.html for the sweep in sweep_dir: machine and method
 * from meta.json, a summary table (median Mops/s per map and
 * configuration, the best of each row highlighted, rows whose status is
 * not ok counted), and every *.svg of plot_dir with a short "how to read"
 * caption.  The page appears whole or not at all (written aside, then
 * renamed).  Messages go to `err`.  Returns 0, 1 (cannot write) or 2 (bad
 * input: results.csv or meta.json unreadable).
 */
int report_write_sweep(const char *sweep_dir, const char *plot_dir, FILE *err);

/* Helpers shared with compare.c. */
void html_begin(FILE *f, const char *title);
void html_end(FILE *f);
/* Text from a file, escaped for HTML text and attribute values. */
void html_escape(FILE *f, const char *s);
/* A relative or absolute file path as a URL (percent-encoded, escaped). */
void html_escape_url(FILE *f, const char *path);

#endif /* MAPBENCH_REPORT_H */

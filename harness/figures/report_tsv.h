/*
 * report_tsv: summary.tsv and heatmap.tsv read back for the page (see
 * report_tsv.c).
 */
#ifndef MAPBENCH_REPORT_TSV_H
#define MAPBENCH_REPORT_TSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

/* The most distinct values a table's column may have on the page. */
#define REPORT_MAXV 256

/* A tab-separated table held in memory (summary.tsv, heatmap.tsv). */
struct tsv {
	char *text;
	char **head;
	size_t ncols;
	char **f; /* row r, column c: f[r * ncols + c] */
	size_t nrows;
};

/* A configuration row of the page: threads ascending, reads descending. */
struct conf {
	long threads, read;
	int over;
};

void report_tsv_free(struct tsv *t);
/*
 * Load `path`: 0, -1 when it cannot be read (errno), -2 when a line's
 * field count differs from the header's (*bad_line says which).
 */
int report_tsv_load(const char *path, struct tsv *t, size_t *bad_line);
int report_tsv_col(const struct tsv *t, const char *name);
const char *report_tsv_get(const struct tsv *t, size_t r, int c);
/* A number of the table, NAN for NA, NaN or nothing. */
double report_tsv_num(const struct tsv *t, size_t r, int c);
/* The distinct values of column c in first-seen order (pointers). */
size_t report_tsv_distinct(const struct tsv *t, int c, const char **out,
			   size_t max);
/* The configurations of one dist and key count, sorted; their count. */
size_t report_tsv_confs(const struct tsv *t, const char *dist, const char *keys,
			struct conf *out, size_t max);
/* The row of t for (impl, dist, keys, threads, read), or -1. */
long report_tsv_find_row(const struct tsv *t, const char *impl,
			 const char *dist, const char *keys, long threads,
			 long read);
void report_put_conf(FILE *f, const struct conf *c);
/* Maps in the registry's order (the figures'), the others by name. */
void report_sort_impls(const char **v, size_t n);

#endif /* MAPBENCH_REPORT_TSV_H */

#ifndef MAPBENCH_CSVREAD_H
#define MAPBENCH_CSVREAD_H

#include <stdio.h>

#define CSV_MAX_FIELDS 128

struct csv {
	char *text;  /* the file, split in place */
	char **head; /* column names */
	int ncols;
	char ***rows; /* rows[i][col], "" when empty */
	size_t nrows;
};

struct csv *csv_load(const char *path, long *partial_at);
void csv_free(struct csv *c);
/* The index of column `name`, or -1. */
int csv_col(const struct csv *c, const char *name);

#endif /* MAPBENCH_CSVREAD_H */

#ifndef MAPBENCH_CSVREAD_H
#define MAPBENCH_CSVREAD_H

/*
 * Reading results.csv back (resume, plot, the fuzz target).
 *
 * The reader works on lengths, never on C strings of the file: a NUL
 * byte, a line with another number of fields than the header, a stray or
 * unterminated quote make that one line "bad".  A bad line is reported
 * with its line number (when a diagnostic stream is given) and left out
 * of rows[]; nbad counts them.  A second header line is a bad line.  An
 * ok row repeating the configuration and `rep` of an earlier ok row is
 * reported and left out (ndup): repetitions, not rows, are counted.
 * Nothing is dropped silently.
 */
#include <stddef.h>
#include <stdio.h>

struct csv {
	char *text;  /* the file, split in place */
	char **head; /* column names */
	int ncols;
	char ***rows; /* rows[i][col], "" when empty */
	long *line;   /* line[i]: the 1-based line number of rows[i] */
	size_t nrows;
	size_t nbad;	     /* lines left out as malformed */
	long first_bad;	     /* the first of them (0: none), ... */
	char first_why[128]; /* ... and what was wrong with it */
	size_t ndup; /* ok rows left out as duplicates of (config, rep) */
};

/*
 * Open `path` read-only if it is a regular file: opened with O_NONBLOCK
 * (a FIFO cannot block the open) and checked with fstat.  Returns the
 * descriptor (blocking again), or -1 with errno: EINVAL for a FIFO,
 * device or socket, EISDIR for a directory, else open's errno.
 */
int csv_open_regular(const char *path);

/*
 * Load `path` (through csv_open_regular).  A last line without its
 * newline (a row cut short by a crash) is left out and *partial_at gets
 * its byte offset (else -1); it is not counted in nbad.  Bad lines are
 * reported on stderr as "mapbench: PATH:LINE: ...".  An empty file gives
 * a csv with head == NULL.  NULL with errno on failure.
 */
struct csv *csv_load(const char *path, long *partial_at);

/*
 * Parse `len` bytes at `buf` (copied; need not be NUL-terminated).  Bad
 * lines are reported on `diag` (NULL: quietly) naming `name`.  NULL only
 * when out of memory.
 */
struct csv *csv_parse(const char *buf, size_t len, const char *name, FILE *diag,
		      long *partial_at);

void csv_free(struct csv *c);
/* The index of column `name`, or -1. */
int csv_col(const struct csv *c, const char *name);

#endif /* MAPBENCH_CSVREAD_H */

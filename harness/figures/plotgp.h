/*
 * plotgp: a figure of `mapbench plot` handed to gnuplot, and the helpers
 * the figures share (see plotgp.c).
 */
#ifndef MAPBENCH_PLOTGP_H
#define MAPBENCH_PLOTGP_H

#include <stdbool.h>
#include <stddef.h>

#include "plotdata.h"

/* A growing string of gnuplot assignments. */
struct sbuf {
	char *p;
	size_t len, cap;
	bool bad; /* out of memory or a value gnuplot cannot be given */
};

/* What every figure of one plot run shares. */
struct ctx {
	const char *dir; /* the sweep, as given */
	char *gpdir;	 /* the scripts (gnuplot's working directory) */
	char *outdir;	 /* absolute */
	char *summary;	 /* absolute */
	char *heat;	 /* absolute: heatmap.tsv */
	char *log_path;	 /* as shown: under dir */
	int logfd;
	const char *run; /* the sweep's name, for titles */
	char *note_rows; /* rows left out, for every figure's notes */
	int drawn, skipped, failed;
	struct sbuf written; /* names written, for the report */
};

/* Notes shown under a figure's legend: note1..noteN, nnotes. */
struct notes {
	int n;
	struct sbuf *v;
};

void plotgp_add(struct sbuf *b, const char *s, size_t n);
bool plotgp_has_control(const char *s);
/* name='value'; (a control character makes the buffer bad) */
void plotgp_set(struct sbuf *b, const char *name, const char *value);
/* A number as gnuplot reads a string back: no exponent. */
void plotgp_num(struct sbuf *b, const char *name, double v);
void plotgp_setf(struct sbuf *b, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A space-separated list being built for gnuplot's word(). */
void plotgp_list_add(struct sbuf *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Draw figure `name` with `script` for SVG and PNG; `vars` holds the
 * figure's own assignments.  A figure that fails leaves no image.
 */
void plotgp_draw(struct ctx *x, const char *script, const char *name,
		 struct sbuf *vars);
/* A figure not drawn: its old images removed, the reason said. */
void plotgp_skip(struct ctx *x, const char *name, const char *why);

bool plotgp_have(const struct cfg *c, enum metric m);
/* Extend [lo, hi] by the positive values of metric m of c. */
void plotgp_range_pos(const struct cfg *c, enum metric m, double *lo,
		      double *hi, int *zeros);
/* A log axis from decade to decade, so at least two ticks are labelled. */
void plotgp_log_range(struct sbuf *v, double lo, double hi);
/* impls, colours and pts for the maps listed in impls (figures.h). */
void plotgp_styles(struct sbuf *v, struct sbuf *impls);
void plotgp_note(struct notes *nt, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void plotgp_notes_end(struct notes *nt);

#endif /* MAPBENCH_PLOTGP_H */

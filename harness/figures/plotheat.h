/*
 * plotheat: the heatmaps of `mapbench plot`, "who wins where" (see
 * plotheat.c).
 */
#ifndef MAPBENCH_PLOTHEAT_H
#define MAPBENCH_PLOTHEAT_H

#include <stdio.h>

#include "plotdata.h"
#include "plotgp.h"

/*
 * One cell of a heatmap: map `c` in one row (dist, keys, threads, read %)
 * against the row's reference `ref` (the --baseline map, or the fastest
 * map of the row).
 */
struct hcell {
	const struct cfg *c, *ref;
	int row, col;
	double ratio, p;
	const char *status; /* ref, sig, ns, small (n too small), na */
	bool best;
	unsigned fill, text; /* 0xRRGGBB */
	char label[48];
};

struct heat {
	struct hcell *cell;
	size_t n, cap;
	bool any_small, any_ns;
};

/* The cells of every heatmap against `baseline` (a map, or "best"). */
int plotheat_build(struct heat *h, const struct plotdata *d,
		   const char *baseline);
/* heatmap.tsv's rows (a plotdata_write_table writer; arg: heat). */
int plotheat_write(FILE *f, const void *arg);
/* The heatmap of one dist and key count, drawn from heatmap.tsv. */
void plotheat_figure(struct ctx *x, const struct plotdata *d,
		     const struct heat *h, const char *dist, const char *tag,
		     long long k, const char *baseline);

#endif /* MAPBENCH_PLOTHEAT_H */

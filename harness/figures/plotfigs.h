/*
 * plotfigs: the line figures of `mapbench plot` (see plotfigs.c).  Each
 * draws one figure for dist (tag: dist without ':', for file names).
 */
#ifndef MAPBENCH_PLOTFIGS_H
#define MAPBENCH_PLOTFIGS_H

#include <stdbool.h>

#include "plotdata.h"
#include "plotgp.h"

/* Throughput against threads (by_threads) or against read %. */
void plotfigs_throughput(struct ctx *x, const struct plotdata *d,
			 const char *dist, const char *tag, long long k,
			 bool by_threads);
/* Throughput against read % at one thread count, one panel per map. */
void plotfigs_reads_small(struct ctx *x, const struct plotdata *d,
			  const char *dist, const char *tag, long long k,
			  int threads);
void plotfigs_latency(struct ctx *x, const struct plotdata *d, const char *dist,
		      const char *tag, long long k);
void plotfigs_memory(struct ctx *x, const struct plotdata *d, const char *dist,
		     const char *tag);
void plotfigs_promotion(struct ctx *x, const struct plotdata *d,
			const char *dist, const char *tag);

#endif /* MAPBENCH_PLOTFIGS_H */

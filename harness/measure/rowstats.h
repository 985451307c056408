/*
 * After the window (rowstats.c): a row's figures from the workers'
 * records and the map as the window left it.
 */
#ifndef MAPBENCH_ROWSTATS_H
#define MAPBENCH_ROWSTATS_H

#include <stdint.h>

#include "plan.h"
#include "result.h"

/*
 * Bytes the allocator holds now, counted after the map's deferred frees
 * (quiesce; m may be NULL) and this thread's cache flush.
 */
uint64_t rowstats_allocated(const struct map_ops *ops, struct map *m);
/*
 * The row's counters, latency, timeline and memory into r, from the
 * workers' records and the map's stats s0 before the window; mem0: the
 * allocator's bytes before the map was created.
 */
void rowstats_after(struct plan *p, struct worker *ws, struct result *r,
		    const struct map_stats *s0, uint64_t mem0);

#endif /* MAPBENCH_ROWSTATS_H */

/*
 * The machine and the process: allocator statistics, peak RSS, and the
 * meta.json record of where and how a sweep ran.
 */
#ifndef MAPBENCH_SYSINFO_H
#define MAPBENCH_SYSINFO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "opts.h"

/* Bytes the program has allocated (jemalloc's view); 0 without jemalloc. */
uint64_t mem_allocated(void);
/* Return this thread's cached frees to the allocator. */
void mem_flush_thread_cache(void);
void peak_rss_reset(void);
long peak_rss_kb(void);
/* MemAvailable from /proc/meminfo, in bytes; 0 if unknown. */
uint64_t mem_available(void);

/*
 * The grid's identity: the schema's version, every ID, METHOD and PLAN
 * column's values over the grid (schema_grid_json) and the plugin
 * libraries, as JSON.  Two sweeps with equal identities may share a
 * directory.
 */
json_t *grid_identity(const struct config *grid, size_t n);

/*
 * Write meta.json atomically (a temporary file renamed over it).  On a
 * resume the first run's record is kept and the resume appended.
 * 0, or -errno.
 */
int write_meta(const char *path, const struct opts *o,
	       const struct config *grid, size_t n, int argc, char **argv,
	       bool resumed, unsigned ncpus);

#endif /* MAPBENCH_SYSINFO_H */

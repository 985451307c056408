/*
 * procmem: the process's memory (allocator statistics, peak RSS) and the
 * machine's available memory.  Knows nothing of options or sweeps.
 */
#ifndef MAPBENCH_PROCMEM_H
#define MAPBENCH_PROCMEM_H

#include <stdint.h>

/* Bytes the program has allocated (jemalloc's view); 0 without jemalloc. */
uint64_t procmem_allocated(void);
/* Return this thread's cached frees to the allocator. */
void procmem_flush_thread_cache(void);
/* Start a new peak-RSS interval. */
void procmem_peak_rss_reset(void);
/* Peak resident set size since the last reset, in KiB; -1 if unknown. */
long procmem_peak_rss_kb(void);
/* MemAvailable from /proc/meminfo, in bytes; 0 if unknown. */
uint64_t procmem_available(void);

#endif /* MAPBENCH_PROCMEM_H */

/*
 * Per-thread perf counters over the timed window (perf_event_open(2)).
 *
 * Software events (context switches, CPU migrations) work in a VM and
 * show preemption and oversubscription; hardware events (instructions,
 * cache misses) are attempted and are NA where the PMU refuses them.
 * Every counter that could not be opened (no PMU, perf_event_paranoid,
 * seccomp) reads as -1 (NA), never 0.  Each worker opens its own group on
 * itself before the window, enables it at its window start and disables
 * it at its window end: two ioctls, outside the operation loop.
 */
#ifndef MAPBENCH_PERFEV_H
#define MAPBENCH_PERFEV_H

#include <stdint.h>

enum perfev_kind {
	PEV_CTX_SWITCHES,
	PEV_MIGRATIONS,
	PEV_INSTRUCTIONS,
	PEV_CACHE_MISSES,
	PEV_N
};

extern const char *const perfev_names[PEV_N];

struct perfev {
	int fd[PEV_N]; /* -1: not available */
};

/* Open the counters for the calling thread, disabled. */
void perfev_open(struct perfev *p);
void perfev_start(struct perfev *p);
void perfev_stop(struct perfev *p);
/* Read into v[] (-1 = NA) and close. */
void perfev_close(struct perfev *p, int64_t v[PEV_N]);
/* Why the first counter that failed to open did, or NULL. */
const char *perfev_note(void);

#endif /* MAPBENCH_PERFEV_H */

/*
 * The plan of one row: what the driver's modules share.  driver.c runs a
 * row's phases, worker.c is a worker thread and its loops, rowstats.c
 * turns the window into the row's figures; all three read the plan,
 * built by plan_build() outside the window and read-only during it, and
 * the workers' records, each written only by its worker.
 */
#ifndef MAPBENCH_PLAN_H
#define MAPBENCH_PLAN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "hist.h"
#include "interfere.h"
#include "map.h"
#include "perfev.h"
#include "sampler.h"
#include "workloads.h"

#define TL_SLICE_NS   10000000u /* ns: a timeline slice (timeline.h) */
#define TL_SLICES_MAX 4096u	/* slices a --duration window is split into */
#define TL_OPS_CAP    65536u	/* slices kept of an --ops window */
#define KEY_RING_LEN  65536u	/* keys of a worker's ring (a power of 2) */
#define KEY_RING_KEYS (KEY_RING_LEN / 4) /* most keys a ring serves */

/* The CPUs a run may use and its stop-check slice (driver_init). */
struct plan_machine {
	const int *cpu; /* the allowed CPUs, ncpus of them */
	unsigned ncpus;
	uint64_t slice_ticks; /* a batch longer than this halves */
};

/* Read-only during a run. */
struct plan {
	const struct config *c;
	const struct map_ops *ops;
	struct map *m;
	unsigned nk;		  /* operation kinds with weight > 0 */
	unsigned kind[WL_NOPS];	  /* in order */
	uint64_t thr[WL_NOPS];	  /* cumulative, out of 2^32 */
	uint64_t churn_load_thr;  /* churn: loads below this, */
	uint64_t churn_store_thr; /* then stores below this, else deletes */
	uint64_t churn_window;	  /* churn: live keys per thread at start */
	uint64_t budget;	  /* ops (iterations) per thread; ~0: by time */
	struct zipf zipf;
	double lat_mean;       /* mean gap between samples; 0: off */
	uint64_t lat_overhead; /* ticks subtracted from each sample */
	void (*wl_step)(struct wl_thread *);
	const struct plan_machine *mach; /* the CPUs, set by the driver */
	uint64_t tl_slice;		 /* ticks per timeline slice */
	uint32_t tl_cap;		 /* slices each worker can record */
	pthread_barrier_t barrier;
	_Alignas(64) atomic_int stop;
	atomic_uint finished; /* workers past their window (--ops) */
	/*
	 * The core-to-core probe's lines, before and after the window
	 * (interf_c2c), each alone in its cache line; c2c: workers 0 and 1
	 * are pinned to different CPUs, so the probe runs.
	 */
	struct {
		_Alignas(64) _Atomic uint64_t v;
	} c2c_line[2];
	bool c2c;
};

/*
 * A worker's timeline: v[i] is the number of operations it had completed
 * at the end of the first batch that ended at or after the end of slice
 * i (each worker's slices start at its own start), cpu[i] its thread's
 * CPU time then (ns, from cpu0 at its start).  Written only by the
 * worker, at most once per batch and one clock_gettime per slice; read
 * after the join.
 */
struct tl {
	uint64_t *v, *cpu, cpu0;
	uint64_t base;	       /* tick at which slice 0 starts */
	uint64_t end, cpu_end; /* tick and CPU time at the worker's end */
	uint64_t edge;	       /* tick at which the current slice ends */
	uint64_t slice;	       /* ticks per slice */
	uint32_t n, cap;
};

struct worker {
	pthread_t th;
	struct tl tl;
	unsigned tid;
	struct plan *p;
	struct hist *hist;
	uint64_t seed, lat_seed;
	uint64_t count[WL_NOPS], hits[WL_NOPS];
	uint64_t iters, failed;
	uint64_t t_start, t_end;
	int64_t perf[PEV_N];
	uint32_t *ring; /* uniform loads' keys, drawn before the window */
	struct interf_thread interf; /* read by the worker at its edges */
	double probe_ns;	     /* interf_probe, before the barrier */
	double c2c_ns[2];	     /* interf_c2c before, after (worker 0) */
	int err;
} __attribute__((aligned(64)));

/*
 * Build the plan of c and its workers' records: 0, or -ENOMEM.  Workers
 * pin to mach's CPUs and check the stop flag at its slice.
 */
int plan_build(struct plan *p, struct worker *ws, const struct config *c,
	       const struct plan_machine *mach);
void plan_free(struct plan *p, struct worker *ws, unsigned threads);

/* A Range callback that counts the entries into *(uint64_t *)arg. */
static inline bool
plan_count_entry(uint64_t key, void *value, void *arg)
{
	(void)key;
	(void)value;
	(*(uint64_t *)arg)++;
	return true;
}

#endif /* MAPBENCH_PLAN_H */

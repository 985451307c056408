/*
 * Go's sync.Map benchmark workloads (src/sync/map_bench_test.go), written
 * once in C for both the mapbench harness and the Google Benchmark shim.
 *
 * Go runs each workload as b.RunParallel: every goroutine gets a counter
 * that starts at id * b.N and runs the body while pb.Next().  Here a
 * thread owns a struct wl_thread whose `i` starts at tid * n_hint, and the
 * driver calls run() in batches until it wants to stop; run() keeps every
 * bit of per-goroutine state in the struct so batches compose exactly as
 * one long loop would.
 *
 * Values are encoded as WL_VAL(x): never NULL, distinct for distinct x.
 */
#ifndef MAPBENCH_WORKLOADS_H
#define MAPBENCH_WORKLOADS_H

#include <stdint.h>

#include "map.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WL_VAL(x)   ((void *)(uintptr_t)(((uint64_t)(x) << 1) | 1))
#define WL_UNVAL(p) ((uint64_t)(uintptr_t)(p) >> 1)

/* Operation kinds, for per-type counts (also used by the harness mixes). */
enum wl_op {
	WL_LOAD,
	WL_STORE,
	WL_DELETE,
	WL_LOAD_OR_STORE,
	WL_LOAD_AND_DELETE,
	WL_SWAP,
	WL_CAS,
	WL_CAD,
	WL_RANGE,
	WL_CLEAR,
	WL_NOPS
};

extern const char *const wl_op_names[WL_NOPS]; /* "load", "store", ... */

struct wl_thread {
	const struct map_ops *impl; /* the map's vtable */
	struct map *m;
	uint64_t i;	/* Go's i: starts at tid * n_hint */
	int64_t s0, s1; /* per-goroutine state of the body (Go's locals) */
	uint64_t iters; /* iterations run (Go's b.N share) */
	uint64_t ops[WL_NOPS];	/* map operations issued, by kind */
	uint64_t hits[WL_NOPS]; /* of those, the ones that found/loaded/swapped
				 */
};

struct go_workload {
	const char *name; /* Go's name without "Benchmark": "LoadMostlyHits" */
	/* Go's setup: prime the map from one thread; NULL if Go has none. */
	void (*setup)(const struct map_ops *ops, struct map *m);
	/* Run `n` iterations of the body (n pb.Next() calls). */
	void (*run)(struct wl_thread *t, uint64_t n);
	/* Which operations the body uses, as a bit mask of 1u << enum wl_op. */
	unsigned uses;
};

/* All 24 workloads of Go 1.23's map_bench_test.go, NULL-terminated. */
extern const struct go_workload *const go_workloads[];

/* The workload called `name` (case-sensitive, Go's spelling), or NULL. */
const struct go_workload *go_workload_find(const char *name);

/* One iteration of wl's body on t itself (no copy of t), or NULL. */
void (*wl_step_of(const struct go_workload *wl))(struct wl_thread *);

/* Initialise a thread's state for workload thread `tid` of a run whose
 * per-thread counter stride is n_hint (Go's b.N). */
void wl_thread_init(struct wl_thread *t, const struct map_ops *ops,
		    struct map *m, unsigned tid, uint64_t n_hint);

#ifdef __cplusplus
}
#endif

#endif /* MAPBENCH_WORKLOADS_H */

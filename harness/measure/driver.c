/*
 * The driver: measure one configuration once.
 *
 * driver_run() goes through four phases, each its own function:
 *
 *   plan      plan_build(): everything the workers read, built outside the
 *             window (mix thresholds, the Zipf alias table, per-thread
 *             seeds, latency sampling gaps).
 *   warm-up   warm_up(): create the map (sized per --sizing), fill it with
 *             Store (--prefill), and only with --settle end with the Range
 *             that promotes syncmap's dirty map.  A failed Store fails the
 *             row ("oom"): a row never measures a map that is not the one
 *             it says it is.
 *   window    timed_window(): the workers meet at a barrier and run until
 *             the stop flag (--duration) or for exactly --ops operations
 *             each.  The window runs from the first worker's start to the
 *             last worker's end; process CPU time and per-worker perf
 *             counters are taken at its edges.
 *   after     measure_after(): stats deltas, then memory in the state the
 *             window left it (quiesce deferred frees, read jemalloc; nothing
 *             that can change the map runs before), then live keys by Range
 *             and, as its own column, memory after that Range's promotion.
 *
 * Common random numbers: every random stream of a row derives from its
 * seed, which options.c derives from the configuration minus the impl
 * (config_stream_label), so within a repetition every impl gets the same
 * prefill set and the same per-thread operation and key streams.
 *
 * The hot loop is what the figures measure, so it is kept lean: one wyrand
 * step per operation gives both the key (Lemire's multiply-shift, or the
 * Zipf alias table) and the operation (its low 32 bits against cumulative
 * thresholds); operations go through the vtable; counters live in locals;
 * the stop flag and the clock are read once per batch, and a batch halves
 * when it took longer than STOP_SLICE so that slow operations (Range over
 * a large map) still stop near the deadline.  Latency samples fall at
 * geometric gaps drawn from a second per-worker stream, so the op stream
 * does not depend on sampling and sampling cannot alias with a period of
 * the workload.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "driver.h"
#include "fsutil.h"
#include "hist.h"
#include "interfere.h"
#include "perfev.h"
#include "sampler.h"
#include "procmem.h"

#define BATCH		    256	 /* most operations between two stop checks */
#define WL_BATCH	    4096 /* most Go workload iterations between checks */
#define STOP_SLICE	    1000000u  /* ns: a batch longer than this halves */
#define TL_SLICE_NS	    10000000u /* ns: a timeline slice (timeline.h) */
#define TL_SLICES_MAX	    4096u /* slices a --duration window is split into */
#define TL_OPS_CAP	    65536u /* slices kept of an --ops window */
#define SETTLE_TIMEOUT_S    30.0   /* bound of the wait for background work */
#define LOADS_CHUNK	    64	   /* keys drawn ahead by loads_batch */
#define KEY_RING_LEN	    65536u /* keys of a worker's ring (a power of 2) */
#define KEY_RING_KEYS	    (KEY_RING_LEN / 4) /* most keys a ring serves */
#define PREFILL_CHECKPOINT0 65536 /* first prefill count settled at */

volatile sig_atomic_t mb_interrupted;

/* Seconds on CLOCK_MONOTONIC (clock.h's clock_mono_ns). */
static inline double
now_sec(void)
{
	return (double)clock_mono_ns() * 1e-9;
}

static int cpus[CPU_SETSIZE];
static unsigned ncpus;
static uint64_t slice_ticks;

void
driver_init(bool pin, bool verbose)
{
	cpu_set_t set;
	char buf[512];
	size_t len = 0;

	ncpus = 0;
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		for (int i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &set))
				cpus[ncpus++] = i;
	}
	if (ncpus == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		for (long i = 0; i < n && i < CPU_SETSIZE; i++)
			cpus[ncpus++] = (int)i;
	}
	clock_init();
	slice_ticks = (uint64_t)(STOP_SLICE / mb_clock.ns_per_tick);
	if (!verbose)
		return;
	/* Which perf counters this machine gives, said once, up front. */
	{
		struct perfev pev;
		int64_t v[PEV_N];

		perfev_open(&pev);
		perfev_close(&pev, v);
		if (perfev_note())
			fprintf(stderr, "mapbench: %s\n", perfev_note());
	}
	for (unsigned i = 0; i < ncpus && len < sizeof(buf) - 16; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d",
					i ? "," : "", cpus[i]);
	if (pin)
		fprintf(stderr,
			"mapbench: %u CPUs allowed; threads pinned "
			"round-robin over CPUs %s; latency clock %s (%.2f "
			"ns)\n",
			ncpus, buf, mb_clock.name, mb_clock.res_ns);
	else
		fprintf(stderr,
			"mapbench: %u CPUs allowed (%s); not pinned; latency "
			"clock %s (%.2f ns)\n",
			ncpus, buf, mb_clock.name, mb_clock.res_ns);
}

unsigned
driver_ncpus(void)
{
	return ncpus;
}

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
	uint64_t tl_slice; /* ticks per timeline slice */
	uint32_t tl_cap;   /* slices each worker can record */
	pthread_barrier_t barrier;
	_Alignas(64) atomic_int stop;
	atomic_uint finished; /* workers past their window (--ops) */
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
	int err;
} __attribute__((aligned(64)));

/*
 * The stop flag carries no data: a worker only needs to see it eventually,
 * and everything it wrote is published to the main thread by
 * pthread_join().  So its store and loads are relaxed: there is no
 * acquire/release pair because nothing is read under the flag.
 */
static inline bool
should_stop(struct plan *p)
{
	return atomic_load_explicit(&p->stop, memory_order_relaxed) != 0;
}

/*
 * The next batch size: doubles up to max (BATCH, or WL_BATCH for Go's
 * workloads) while batches are quick, halves (down to 1) when one took
 * longer than the slice, so that a worker sees the stop flag within about
 * a slice plus one operation.
 */
static inline uint64_t
next_batch(uint64_t n, uint64_t *t_prev, uint64_t max)
{
	uint64_t t = clock_ticks(), d = t - *t_prev;

	*t_prev = t;
	if (d > slice_ticks)
		return n > 1 ? n / 2 : 1;
	if (d < slice_ticks / 8 && n < max)
		return n * 2;
	return n;
}

static inline uint64_t
thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline void
tl_begin(struct tl *t, uint64_t now)
{
	t->n = 0;
	t->base = now;
	t->edge = now + t->slice;
	t->cpu0 = thread_cpu_ns();
}

/* Is a slice edge behind `now` (so that tl_mark has work)? */
static inline bool
tl_due(const struct tl *t, uint64_t now)
{
	return now >= t->edge;
}

/* Close every slice that ended by `now` with `done` operations. */
static inline void
tl_mark(struct tl *t, uint64_t now, uint64_t done)
{
	uint64_t cpu = thread_cpu_ns();

	while (now >= t->edge && t->n < t->cap) {
		t->cpu[t->n] = cpu;
		t->v[t->n++] = done;
		t->edge += t->slice;
	}
	if (t->n == t->cap)
		t->edge = UINT64_MAX;
}

static bool
count_entry(uint64_t key, void *value, void *arg)
{
	(void)key;
	(void)value;
	(*(uint64_t *)arg)++;
	return true;
}

/* One operation of kind `kind` on `key`: 1 hit, 0 miss, < 0 failed. */
static inline __attribute__((always_inline)) int
do_op(const struct map_ops *ops, struct map *m, unsigned kind, uint64_t key,
      uint64_t *range_seen)
{
	void *v;

	switch (kind) {
	case WL_LOAD:
		return ops->load(m, key, &v);
	case WL_STORE: {
		int rc = ops->store(m, key, WL_VAL(key));

		return rc < 0 ? rc : 0;
	}
	case WL_DELETE: /* Go's Delete is LoadAndDelete: it knows if it hit */
	case WL_LOAD_AND_DELETE:
		return ops->load_and_delete(m, key, &v);
	case WL_LOAD_OR_STORE:
		return ops->load_or_store(m, key, WL_VAL(key), &v);
	case WL_SWAP:
		return ops->swap(m, key, WL_VAL(key), &v);
	case WL_CAS:
		return ops->compare_and_swap(m, key, WL_VAL(key), WL_VAL(key));
	case WL_CAD:
		return ops->compare_and_delete(m, key, WL_VAL(key));
	case WL_RANGE: {
		uint64_t before = *range_seen;

		ops->range(m, count_entry, range_seen);
		return *range_seen != before;
	}
	case WL_CLEAR:
		ops->clear(m);
		return 0;
	}
	return 0;
}

/* A sample from t0 to t1 (ticks); t1 stamps a new maximum. */
static inline void
record(struct hist *h, uint64_t t0, uint64_t t1, uint64_t overhead)
{
	uint64_t d = t1 - t0;

	hist_record_at(h, d > overhead ? d - overhead : 0, t1);
}

/*
 * The sampling gap, set again at every timeline slice edge: never sparser
 * than asked (--latency-sample), but dense enough that the worker can
 * expect its share of LAT_TARGET samples by the end of the window, judged
 * by its pace so far (a slow map is sampled more often, so that its p99.9
 * rests on enough samples; sampling never changes the operation stream).
 * `done` counts what the gap counts (operations, or iterations of a Go
 * workload) since `since`; `left` is what remains of an --ops budget.
 */
static double
lat_adapt(const struct plan *p, const struct worker *w, uint64_t done,
	  uint64_t left, uint64_t now)
{
	const struct config *c = p->c;
	double elapsed =
		(double)(now - w->tl.base) * mb_clock.ns_per_tick * 1e-9;
	double want = (double)LAT_TARGET / c->threads - (double)w->hist->count;
	double expect, mean = p->lat_mean;

	if (want <= 0 || elapsed <= 0)
		return mean;
	if (c->ops_per_thread)
		expect = (double)left;
	else if (c->duration > elapsed)
		expect = (double)done / elapsed * (c->duration - elapsed);
	else
		return mean;
	if (expect / mean < want)
		mean = expect / want;
	return mean < 1 ? 1 : mean;
}

/*
 * The loop's state, in locals of mix_loop once mix_op is inlined; the map
 * and its vtable too, so that no vtable call makes the loop reload them
 * through the plan.
 */
struct mix_state {
	uint64_t s, nload, hload, range_seen, failed;
	const uint32_t *ring; /* the worker's key ring, or NULL */
	uint32_t ri;	      /* next ring slot (mod KEY_RING_LEN) */
	uint64_t count[WL_NOPS], hits[WL_NOPS];
	const struct map_ops *ops;
	struct map *m;
	bool (*load)(struct map *m, uint64_t key, void **value);
};

/*
 * One operation of the mix; timed into the histogram when `timed`.  A mix
 * of loads only (`loads`) calls load directly: no operation draw, no
 * dispatch.
 */
static inline __attribute__((always_inline)) void
mix_op(struct plan *p, struct mix_state *st, struct hist *h, uint64_t keys,
       uint64_t thr0, unsigned kind0, bool timed, bool zipf, bool loads)
{
	uint64_t r = rng_next(&st->s), x = (uint32_t)r, key, t0 = 0;
	unsigned kind;
	int rc;

	if (zipf)
		key = zipf_next(&p->zipf, rng_next(&st->s));
	else if (loads && st->ring)
		key = st->ring[st->ri++ % KEY_RING_LEN];
	else
		key = rng_bound(r, keys);
	if (loads) {
		void *v;

		if (timed)
			t0 = clock_ticks();
		rc = st->load(st->m, key, &v);
		if (timed)
			record(h, t0, clock_ticks(), p->lat_overhead);
		st->nload++;
		st->hload += rc > 0;
		return;
	}
	if (x < thr0) {
		kind = kind0;
	} else {
		unsigned k = 1;

		while (x >= p->thr[k])
			k++;
		kind = p->kind[k];
	}
	if (timed)
		t0 = clock_ticks();
	rc = do_op(st->ops, st->m, kind, key, &st->range_seen);
	if (timed)
		record(h, t0, clock_ticks(), p->lat_overhead);
	/*
	 * Loads, the common case, count in scalars: an increment of
	 * count[kind] with a variable index cannot leave memory.  Loads
	 * cannot fail, so only the other kinds count failures.
	 */
	if (kind == WL_LOAD) {
		st->nload++;
		st->hload += rc > 0;
	} else {
		st->count[kind]++;
		st->hits[kind] += rc > 0;
		st->failed += rc < 0;
	}
}

/*
 * n untimed uniform loads: the loads-only mix's inner loop, out of line so
 * that its state (map, load, generator, bound, hit count) stays in
 * registers across the calls instead of in mix_loop's spilled frame; the
 * keys are the generator's, as mix_op draws them.  Issue 20 asks the
 * harness's loads to cost within 10% of bench/leanloop.c's.
 */
static __attribute__((noinline)) void
loads_batch(struct mix_state *st, uint64_t keys, uint64_t n)
{
	bool (*load)(struct map *, uint64_t, void **) = st->load;
	struct map *m = st->m;
	uint64_t s = st->s, hits = 0, key[LOADS_CHUNK];

	/*
	 * Keys are drawn a chunk ahead: the generator's multiplies then
	 * overlap each other instead of delaying each call (2.7 ns of a
	 * 14 ns load when drawn one by one).
	 */
	for (uint64_t done = 0; done < n;) {
		uint64_t c = n - done < LOADS_CHUNK ? n - done : LOADS_CHUNK;

		for (uint64_t i = 0; i < c; i++)
			key[i] = rng_bound(rng_next(&s), keys);
		for (uint64_t i = 0; i < c; i++) {
			void *v;

			hits += load(m, key[i], &v);
		}
		done += c;
	}
	st->s = s;
	st->nload += n;
	st->hload += hits;
}

/*
 * n untimed uniform loads of the worker's key ring: the keys were drawn
 * before the window (key_ring_fill), so the loop holds nothing but the
 * call (the shape of the leanest loop, bench/leanloop.c).
 */
static __attribute__((noinline)) void
loads_ring(struct mix_state *st, uint64_t n)
{
	bool (*load)(struct map *, uint64_t, void **) = st->load;
	struct map *m = st->m;
	const uint32_t *ring = st->ring;
	uint32_t i = st->ri;
	uint64_t hits = 0;

	for (uint64_t j = 0; j < n; j++) {
		void *v;

		hits += load(m, ring[i++ % KEY_RING_LEN], &v);
	}
	st->ri = i;
	st->nload += n;
	st->hload += hits;
}

/*
 * The synthetic mix loop.  `sample` and `zipf` are compile-time constants
 * in each of its four instances.  Sampling splits each batch into untimed
 * runs and single timed ops, so the untimed ops carry no sampling test.
 * What the loop reads from the plan is copied to locals first: the vtable
 * calls could alias it, and reloading it each op is measurable against a
 * 2-3 ns control.
 */
static inline __attribute__((always_inline)) void
mix_loop(struct worker *w, bool sample, bool zipf, bool loads)
{
	struct plan *p = w->p;
	const uint64_t keys = p->c->keys, thr0 = p->thr[0];
	double mean = p->lat_mean;
	const unsigned kind0 = p->kind[0];
	struct hist *h = w->hist;
	struct mix_state st;
	uint64_t ls = w->lat_seed, cd = 0, budget = p->budget, bn = 1;
	uint64_t tb = clock_ticks(), done = 0;

	memset(&st, 0, sizeof(st));
	st.s = w->seed;
	st.ops = p->ops;
	st.m = p->m;
	st.load = p->ops->load;
	st.ring = w->ring;
	tl_begin(&w->tl, tb);
	if (sample)
		cd = geometric_gap(&ls, mean);
	do {
		uint64_t left = bn < budget ? bn : budget;

		budget -= left;
		done += left;
		while (left) {
			uint64_t n = left;

			if (sample && cd - 1 < n)
				n = cd - 1;
			if (loads && !zipf && st.ring)
				loads_ring(&st, n);
			else if (loads && !zipf)
				loads_batch(&st, keys, n);
			else
				for (uint64_t i = 0; i < n; i++)
					mix_op(p, &st, h, keys, thr0, kind0,
					       false, zipf, loads);
			left -= n;
			if (sample) {
				cd -= n;
				if (left && cd == 1) {
					mix_op(p, &st, h, keys, thr0, kind0,
					       true, zipf, loads);
					left--;
					cd = geometric_gap(&ls, mean);
				}
			}
		}
		bn = next_batch(bn, &tb, BATCH);
		if (tl_due(&w->tl, tb)) {
			tl_mark(&w->tl, tb, done);
			if (sample)
				mean = lat_adapt(p, w, done, budget, tb);
		}
	} while (budget && !should_stop(p));
	st.count[WL_LOAD] = st.nload;
	st.hits[WL_LOAD] = st.hload;
	memcpy(w->count, st.count, sizeof(st.count));
	memcpy(w->hits, st.hits, sizeof(st.hits));
	w->failed = st.failed;
	/* Range hits: entries visited, not calls that saw one. */
	if (st.count[WL_RANGE])
		w->hits[WL_RANGE] = st.range_seen;
}

/*
 * Churn: keys keep being new.  Each thread owns the keys seq * threads +
 * tid; its live window [lo, hi) starts prefilled.  Loads pick a key of the
 * window; a store adds the next new key (hi++), a delete removes the
 * oldest (lo++), each with the mix's weight, so a balanced mix keeps the
 * live set near --keys while every key is soon replaced: the cache
 * pattern sync.Map handles worst.  A delete of an empty window misses.
 */
static void
churn_loop(struct worker *w, bool sample)
{
	struct plan *p = w->p;
	const struct map_ops *ops = p->ops;
	struct map *m = p->m;
	unsigned tid = w->tid, threads = p->c->threads;
	uint64_t s = w->seed, ls = w->lat_seed, lo = 0, hi = p->churn_window;
	uint64_t count[WL_NOPS] = {0}, hits[WL_NOPS] = {0}, failed = 0;
	uint64_t budget = p->budget, bn = 1, tb = clock_ticks(), cd = 0;
	uint64_t done = 0;
	double mean = p->lat_mean;
	void *v;

	tl_begin(&w->tl, tb);
	if (sample)
		cd = geometric_gap(&ls, mean);
	do {
		uint64_t n = bn < budget ? bn : budget;

		budget -= n;
		done += n;
		for (uint64_t i = 0; i < n; i++) {
			uint64_t r = rng_next(&s), x = (uint32_t)r, t0 = 0;
			uint64_t key;
			unsigned kind;
			int rc;

			if (sample && --cd == 0)
				t0 = clock_ticks();
			if (x < p->churn_load_thr) {
				kind = WL_LOAD;
				key = churn_key(
					lo + rng_bound(r,
						       hi - lo + !!(hi == lo)),
					tid, threads);
				rc = ops->load(m, key, &v);
			} else if (x < p->churn_store_thr) {
				kind = WL_STORE;
				key = churn_key(hi, tid, threads);
				rc = ops->store(m, key, WL_VAL(key));
				hi += rc == 0;
			} else {
				kind = WL_DELETE;
				key = churn_key(lo, tid, threads);
				rc = ops->load_and_delete(m, key, &v);
				lo += lo < hi;
			}
			if (sample && cd == 0) {
				record(w->hist, t0, clock_ticks(),
				       p->lat_overhead);
				cd = geometric_gap(&ls, mean);
			}
			count[kind]++;
			hits[kind] += rc > 0;
			failed += rc < 0;
		}
		bn = next_batch(bn, &tb, BATCH);
		if (tl_due(&w->tl, tb)) {
			tl_mark(&w->tl, tb, done);
			if (sample)
				mean = lat_adapt(p, w, done, budget, tb);
		}
	} while (budget && !should_stop(p));
	memcpy(w->count, count, sizeof(count));
	memcpy(w->hits, hits, sizeof(hits));
	w->failed = failed;
}

/*
 * Go's workloads: run() in batches; sampled iterations run through the
 * workload's step(), which works on the thread state in place, so a
 * sample times the body and nothing else.
 */
static void
go_loop(struct worker *w, struct wl_thread *t)
{
	struct plan *p = w->p;
	const struct go_workload *wl = p->c->wl;
	uint64_t ls = w->lat_seed, budget = p->budget, bn = 1;
	uint64_t tb = clock_ticks();
	double mean = p->lat_mean;
	uint64_t cd = mean > 0 ? geometric_gap(&ls, mean) : 0;

	tl_begin(&w->tl, tb);
	do {
		uint64_t left = bn < budget ? bn : budget;

		if (left > WL_BATCH)
			left = WL_BATCH;
		budget -= left;
		if (!cd) {
			wl->run(t, left);
		} else {
			while (left) {
				uint64_t chunk = cd - 1 < left ? cd - 1 : left;

				if (chunk) {
					wl->run(t, chunk);
					cd -= chunk;
					left -= chunk;
				}
				if (left && cd == 1) {
					uint64_t t0 = clock_ticks();

					p->wl_step(t);
					record(w->hist, t0, clock_ticks(),
					       p->lat_overhead);
					left--;
					cd = geometric_gap(&ls, mean);
				}
			}
		}
		bn = next_batch(bn, &tb, WL_BATCH);
		if (tl_due(&w->tl, tb)) {
			uint64_t done = 0;

			/* Map operations, as the mixes count them. */
			for (int k = 0; k < WL_NOPS; k++)
				done += t->ops[k];
			tl_mark(&w->tl, tb, done);
			/* The gap counts iterations here. */
			if (cd)
				mean = lat_adapt(p, w, t->iters, budget, tb);
		}
	} while (budget && !should_stop(p));
	memcpy(w->count, t->ops, sizeof(w->count));
	memcpy(w->hits, t->hits, sizeof(w->hits));
	w->iters = t->iters;
}

/*
 * Uniform loads over a small key space draw their keys before the window,
 * into a ring of KEY_RING_LEN per worker: drawing them in the loop costs
 * about a nanosecond a load (two 128-bit multiplies), a tenth of a fast
 * map's load at 1,000 keys.  At least four draws per key, so a pass over
 * the ring touches every key; from the generator and seed of the online
 * draw, so every map gets the same keys.  Larger key spaces draw in the
 * loop (loads_batch): there a load's cache misses dwarf the draw, and a
 * ring of 4 x keys would evict the map from the caches.
 */
static bool
key_ring_wanted(const struct plan *p)
{
	const struct config *c = p->c;

	return !c->wl && c->dist.kind == DIST_UNIFORM && p->nk == 1 &&
	       p->kind[0] == WL_LOAD && c->keys <= KEY_RING_KEYS;
}

/*
 * Fill the ring on the worker's own CPU, before its probe and the
 * barrier: its pages are then local to it.
 */
static void
key_ring_fill(struct worker *w)
{
	uint64_t s = w->seed, keys = w->p->c->keys;

	for (uint32_t i = 0; i < KEY_RING_LEN; i++)
		w->ring[i] = (uint32_t)rng_bound(rng_next(&s), keys);
}

/*
 * The mix loop's instances: sampling, Zipf and loads-only are constants
 * in each, so that the per-operation path carries no test a row does not
 * need.
 */
static void
mix_dispatch(struct worker *w)
{
	const struct plan *p = w->p;
	bool sample = p->lat_mean > 0, zipf = p->c->dist.kind == DIST_ZIPF;
	bool loads = p->nk == 1 && p->kind[0] == WL_LOAD;

#define MIX(a, b, c)                                                           \
	if (sample == (a) && zipf == (b) && loads == (c)) {                    \
		mix_loop(w, a, b, c);                                          \
		return;                                                        \
	}
	MIX(true, true, true)
	MIX(true, true, false)
	MIX(true, false, true)
	MIX(true, false, false)
	MIX(false, true, true)
	MIX(false, true, false)
	MIX(false, false, true)
	MIX(false, false, false)
#undef MIX
}

/* Go's b.N stride between the threads' counters (see workloads.h). */
#define GO_N_HINT (UINT64_C(1) << 40)

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct plan *p = w->p;
	const struct config *c = p->c;
	struct wl_thread t;
	struct perfev pev;

	if (c->pin) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpus[w->tid % ncpus], &set);
		w->err = pthread_setaffinity_np(pthread_self(), sizeof(set),
						&set);
	}
	map_ops_thread_enter(p->ops);
	if (c->wl)
		wl_thread_init(&t, p->ops, p->m, w->tid, GO_N_HINT);
	if (w->ring)
		key_ring_fill(w);
	perfev_open(&pev);
	/* The CPU's speed now, on this worker's CPU (the sweep judges it). */
	w->probe_ns = interf_probe(c->rep, c->attempt);
	pthread_barrier_wait(&p->barrier);
	interf_thread_begin(&w->interf);
	perfev_start(&pev);
	w->t_start = clock_mono_ns();
	if (c->wl)
		go_loop(w, &t);
	else if (c->dist.kind == DIST_CHURN)
		churn_loop(w, p->lat_mean > 0);
	else
		mix_dispatch(w);
	w->t_end = clock_mono_ns();
	w->tl.end = clock_ticks();
	w->tl.cpu_end = thread_cpu_ns();
	perfev_stop(&pev);
	interf_thread_end(&w->interf);
	/* Relaxed: a progress count; join publishes the worker's data. */
	atomic_fetch_add_explicit(&p->finished, 1, memory_order_relaxed);
	perfev_close(&pev, w->perf);
	map_ops_thread_exit(p->ops);
	procmem_flush_thread_cache();
	return NULL;
}

/* Build the cumulative thresholds of a mix. */
static void
plan_mix(struct plan *p, const struct mix *mix)
{
	double total = 0, acc = 0;

	for (int k = 0; k < WL_NOPS; k++)
		total += mix->w[k];
	p->nk = 0;
	if (total <= 0)
		return;
	for (int k = 0; k < WL_NOPS; k++) {
		if (mix->w[k] <= 0)
			continue;
		acc += mix->w[k];
		p->kind[p->nk] = (unsigned)k;
		p->thr[p->nk] = (uint64_t)(acc / total * 4294967296.0);
		p->nk++;
	}
	/* The last threshold is past every 32-bit value: the scan stops. */
	p->thr[p->nk - 1] = UINT64_C(1) << 32;
	p->churn_load_thr = (uint64_t)(mix->w[WL_LOAD] / total * 4294967296.0);
	p->churn_store_thr = (uint64_t)((mix->w[WL_LOAD] + mix->w[WL_STORE]) /
					total * 4294967296.0);
}

/* Plan: everything the workers read, outside the window. */
static int
plan_build(struct plan *p, struct worker *ws, const struct config *c)
{
	memset(p, 0, sizeof(*p));
	memset(ws, 0, sizeof(*ws) * c->threads);
	p->c = c;
	p->ops = c->ops;
	plan_mix(p, &c->mix);
	if (c->dist.kind == DIST_ZIPF && !c->wl &&
	    zipf_init(&p->zipf, c->keys, c->dist.theta))
		return -ENOMEM;
	p->churn_window = c->keys / c->threads ? c->keys / c->threads : 1;
	p->budget = c->ops_per_thread ? c->ops_per_thread : UINT64_MAX;
	p->lat_mean = (double)c->latency_sample;
	p->lat_overhead = (uint64_t)mb_clock.cost_ticks;
	if (c->wl && p->lat_mean > 0 && !(p->wl_step = wl_step_of(c->wl)))
		p->lat_mean = 0;
	/*
	 * Timeline slices of TL_SLICE_NS, wider for windows of more than
	 * TL_SLICES_MAX of them; room for a window stretched to twice its
	 * length.  An --ops window keeps its first TL_OPS_CAP slices.
	 */
	{
		double slice_ns = TL_SLICE_NS;

		if (!c->ops_per_thread &&
		    c->duration * 1e9 > slice_ns * TL_SLICES_MAX)
			slice_ns = c->duration * 1e9 / TL_SLICES_MAX;
		p->tl_slice = (uint64_t)(slice_ns / mb_clock.ns_per_tick);
		if (p->tl_slice == 0)
			p->tl_slice = 1;
		p->tl_cap =
			c->ops_per_thread
				? TL_OPS_CAP
				: (uint32_t)(2 * c->duration * 1e9 / slice_ns) +
					  2;
	}
	for (unsigned i = 0; i < c->threads; i++) {
		struct worker *w = &ws[i];

		w->tid = i;
		w->p = p;
		/* Seed + thread index only: the same across impls. */
		w->seed = seed_mix(c->seed +
				   (i + 1) * UINT64_C(0x9e3779b97f4a7c15));
		w->lat_seed = seed_mix(w->seed ^ UINT64_C(0x6c61742d73616d70));
		if (p->lat_mean > 0 &&
		    !(w->hist = calloc(1, sizeof(struct hist))))
			return -ENOMEM;
		/* Written here so that no page is first touched in the window.
		 */
		w->tl.slice = p->tl_slice;
		w->tl.cap = p->tl_cap;
		w->tl.v = malloc(sizeof(uint64_t) * p->tl_cap);
		w->tl.cpu = malloc(sizeof(uint64_t) * p->tl_cap);
		if (w->tl.v == NULL || w->tl.cpu == NULL)
			return -ENOMEM;
		memset(w->tl.v, 0, sizeof(uint64_t) * p->tl_cap);
		memset(w->tl.cpu, 0, sizeof(uint64_t) * p->tl_cap);
		if (key_ring_wanted(p) &&
		    !(w->ring = malloc(sizeof(uint32_t) * KEY_RING_LEN)))
			return -ENOMEM;
	}
	return 0;
}

static void
plan_free(struct plan *p, struct worker *ws, unsigned threads)
{
	for (unsigned i = 0; i < threads; i++) {
		free(ws[i].hist);
		free(ws[i].tl.v);
		free(ws[i].tl.cpu);
		free(ws[i].ring);
	}
	zipf_free(&p->zipf);
}

/*
 * Everything freed so far, counted as freed: the map's quiesce hook waits
 * for its deferred frees (and flushes the caches of the threads that ran
 * them), then ours is flushed, so that jemalloc's stats.allocated sees
 * only live memory.  Quiescing frees garbage; it changes no map state.
 */
static uint64_t
settled_allocated(const struct map_ops *ops, struct map *m)
{
	if (m)
		map_ops_quiesce(ops, m);
	procmem_flush_thread_cache();
	return procmem_allocated();
}

/*
 * The counters' change over the window.  An event counter counts since
 * create(): one that went down (a plugin's bug, or a reset) would wrap
 * to ~2^64 in the delta.  Returns its name (*from, *to its values) so
 * that the row's counters are NA and said; NULL when all went forward.
 */
static const char *
stats_delta(const struct map_ops *ops, struct map_stats *d,
	    const struct map_stats *a, const struct map_stats *b,
	    uint64_t *from, uint64_t *to)
{
	static const char *const common[] = {
		"promotions", "dirty_rebuilds", "entries_copied",
		"misses",     "locked_ops",	"resizes",
	};
	const uint64_t ca[] = {a->promotions,	  a->dirty_rebuilds,
			       a->entries_copied, a->misses,
			       a->locked_ops,	  a->resizes};
	const uint64_t cb[] = {b->promotions,	  b->dirty_rebuilds,
			       b->entries_copied, b->misses,
			       b->locked_ops,	  b->resizes};
	const uint32_t bit[] = {
		MAP_STAT_PROMOTIONS,	 MAP_STAT_DIRTY_REBUILDS,
		MAP_STAT_ENTRIES_COPIED, MAP_STAT_MISSES,
		MAP_STAT_LOCKED_OPS,	 MAP_STAT_RESIZES};
	const char *back = NULL;

	for (int k = 0; k < 6 && !back; k++)
		if ((b->have & bit[k]) && cb[k] < ca[k])
			back = common[k], *from = ca[k], *to = cb[k];
	/* The map's own counters: events as the delta, levels as at the end. */
	for (unsigned i = 0; i < ops->n_counters && i < MAP_OWN_COUNTERS_MAX;
	     i++) {
		if (ops->counters[i].kind != MAP_COUNTER_LEVEL &&
		    b->own[i] < a->own[i] && !back)
			back = ops->counters[i].name, *from = a->own[i],
			*to = b->own[i];
		d->own[i] = ops->counters[i].kind == MAP_COUNTER_LEVEL
				    ? b->own[i]
				    : b->own[i] - a->own[i];
	}
	d->have = b->have;
	d->promotions = b->promotions - a->promotions;
	d->dirty_rebuilds = b->dirty_rebuilds - a->dirty_rebuilds;
	d->entries_copied = b->entries_copied - a->entries_copied;
	d->misses = b->misses - a->misses;
	d->locked_ops = b->locked_ops - a->locked_ops;
	d->resizes = b->resizes - a->resizes;
	return back;
}

/* impls/common/alloc.h: the Nth map allocation from now fails (0: none). */
extern _Atomic unsigned long map_alloc_fail_countdown;

/* Test hook: fail the Nth map allocation of a phase (MAPBENCH_FAIL_*). */
static void
arm_alloc_failure(const char *env)
{
	const char *s = getenv(env);

	if (s && *s)
		atomic_store_explicit(&map_alloc_fail_countdown,
				      strtoul(s, NULL, 10),
				      memory_order_relaxed);
}

static int
store_checked(const struct map_ops *ops, struct map *m, uint64_t key)
{
	return ops->store(m, key, WL_VAL(key));
}

/*
 * Wait (at most SETTLE_TIMEOUT_S) for the map's background work, such as
 * lfht's resize, to finish before the window: the time it took is the
 * row's settle_s (what an application pays after a bulk load before the
 * map performs as it will), and a map still busy at the bound makes the
 * row "unsettled".  Maps without a settle hook: settle_s NA.
 */
static void
wait_settled(struct plan *p, struct result *r)
{
	double t0;
	int rc;

	if (p->ops->settle == NULL)
		return;
	t0 = now_sec();
	rc = map_ops_settle(p->ops, p->m, SETTLE_TIMEOUT_S);
	r->settle_s = now_sec() - t0;
	r->unsettled |= rc != 0;
}

/*
 * Warm-up, outside the window: create the map, fill it with Store.  By
 * default nothing else of the workload runs, as in an application or
 * xsync's benchmarks; --settle adds one Range, which promotes syncmap's
 * dirty map.  Go's workloads keep Go's own setup.  Then the map's own
 * background work is waited for (wait_settled; a map with a settle hook
 * has it called at every doubling of the prefill too) and its deferred
 * frees run (quiesce).  Returns -ENOMEM if a Store failed.
 */
static int
warm_up(struct plan *p, struct result *res)
{
	const struct config *c = p->c;
	const struct map_ops *ops = p->ops;
	uint64_t salt = c->seed * UINT64_C(0x9e3779b97f4a7c15) + 1;
	uint64_t seen = 0;
	int err = 0;

	arm_alloc_failure("MAPBENCH_FAIL_ALLOC_PREFILL");
	if (c->wl) {
		if (c->wl->setup)
			c->wl->setup(ops, p->m);
		goto out;
	}
	if (c->dist.kind == DIST_CHURN) {
		for (unsigned t = 0; t < c->threads && !err; t++)
			for (uint64_t i = 0; i < p->churn_window && !err; i++)
				err = store_checked(
					ops, p->m, churn_key(i, t, c->threads));
	} else if (c->prefill_pct > 0) {
		uint64_t stored = 0, checkpoint = PREFILL_CHECKPOINT0;

		/* A pseudo-random prefill_pct% of the key space. */
		for (uint64_t k = 0; k < c->keys && !err; k++) {
			uint64_t r = k ^ salt;

			/* Ctrl-C during a long prefill: the row is abandoned.
			 */
			if ((k & 4095) == 0 && mb_interrupted)
				break;
			if (c->prefill_pct < 100 &&
			    rng_bound(rng_next(&r), 100) >=
				    (uint64_t)c->prefill_pct)
				continue;
			err = store_checked(ops, p->m, k);
			/*
			 * At each doubling of the prefill, the map's settle
			 * hook: a map whose background growth stalled (lfht:
			 * liburcu can lose a lazy resize) would otherwise make
			 * the rest of the prefill quadratic in its chains.
			 */
			if (++stored == checkpoint && ops->settle) {
				checkpoint *= 2;
				if (map_ops_settle(ops, p->m, SETTLE_TIMEOUT_S))
					res->unsettled = true;
			}
		}
	}
	if (!err && c->settle)
		ops->range(p->m, count_entry, &seen);
out:
	atomic_store_explicit(&map_alloc_fail_countdown, 0,
			      memory_order_relaxed);
	if (!err && !mb_interrupted) {
		wait_settled(p, res);
		/*
		 * The prefill's deferred frees (old tables, replaced nodes)
		 * run now, not on a call_rcu thread inside the window, where
		 * they took up to half a worker's CPU in its first 20 ms.
		 */
		map_ops_quiesce(ops, p->m);
	}
	return err < 0 ? err : 0;
}

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The timed window: start the workers, stop them, join them. */
static void
timed_window(struct plan *p, struct worker *ws, struct result *r)
{
	const struct config *c = p->c;
	struct interf_machine im;
	struct interf_thread sum = {.have_runq = true};
	double cpu0, deadline;

	for (unsigned i = 0; i < c->threads; i++) {
		if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i])) {
			/* Cannot happen in practice; give up the process. */
			fprintf(stderr, "mapbench: pthread_create failed\n");
			exit(1);
		}
	}
	arm_alloc_failure("MAPBENCH_FAIL_ALLOC_WINDOW");
	interf_machine_begin(&im, cpus, ncpus);
	cpu0 = cpu_now();
	pthread_barrier_wait(&p->barrier);
	deadline = now_sec() + c->duration;
	/* --ops: the workers stop themselves; only an interrupt stops them. */
	for (;;) {
		double left = deadline - now_sec();
		struct timespec ts;

		if (mb_interrupted)
			break;
		if (c->ops_per_thread) {
			if (atomic_load_explicit(&p->finished,
						 memory_order_relaxed) ==
			    c->threads)
				break;
			left = 0.005;
		} else if (left <= 0) {
			break;
		}
		if (left > 0.05)
			left = 0.05;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
	}
	atomic_store_explicit(&p->stop, 1, memory_order_relaxed);
	for (unsigned i = 0; i < c->threads; i++)
		pthread_join(ws[i].th, NULL);
	r->cpu_seconds = cpu_now() - cpu0;
	interf_machine_end(&im, cpus, ncpus, r->cpu_seconds, &r->interf);
	{
		uint64_t t0 = UINT64_MAX, t1 = 0;

		for (unsigned i = 0; i < c->threads; i++) {
			interf_thread_add(&sum, &ws[i].interf);
			t0 = ws[i].t_start < t0 ? ws[i].t_start : t0;
			t1 = ws[i].t_end > t1 ? ws[i].t_end : t1;
		}
		interf_workers(&sum, c->threads,
			       t1 > t0 ? (double)(t1 - t0) * 1e-9 : 0,
			       &r->interf);
		for (unsigned i = 0; i < c->threads; i++)
			if (isnan(r->interf.probe_ns) ||
			    ws[i].probe_ns > r->interf.probe_ns)
				r->interf.probe_ns = ws[i].probe_ns;
	}
	atomic_store_explicit(&map_alloc_fail_countdown, 0,
			      memory_order_relaxed);
}

/*
 * A percentile in ns, flagged not resolvable (NA in the output) when it is
 * under two granules of the clock: the timer's cost is subtracted from
 * each sample, so a value there is within one granule of 0.
 */
static double
lat_quantile(const struct hist *h, double q, unsigned bit, struct result *r)
{
	double ns =
		hist_quantile(h, q, mb_clock.res_ns / mb_clock.ns_per_tick) *
		mb_clock.ns_per_tick;

	if (ns < 2 * mb_clock.res_ns)
		r->unresolved |= bit;
	return ns;
}

/*
 * Was the worker that took the longest sample off its CPU for more than a
 * tenth of the timeline slice the sample ended in?  1 yes, 0 no, -1 when
 * that slice is not known.
 */
static int
max_preempted(const struct plan *p, const struct worker *ws, uint64_t max)
{
	const struct worker *w = NULL;
	const struct tl *t;
	uint64_t i, from, to, c0, c1;

	for (unsigned k = 0; k < p->c->threads; k++)
		if (ws[k].hist && ws[k].hist->count && ws[k].hist->max == max) {
			w = &ws[k];
			break;
		}
	if (w == NULL)
		return -1;
	t = &w->tl;
	if (t->slice == 0 || w->hist->max_at < t->base)
		return -1;
	i = (w->hist->max_at - t->base) / t->slice;
	if (i < t->n) {
		from = t->base + i * t->slice;
		to = from + t->slice;
		c0 = i ? t->cpu[i - 1] : t->cpu0;
		c1 = t->cpu[i];
	} else if (i == t->n && t->end > t->base + i * t->slice) {
		/* the last, partial slice */
		from = t->base + i * t->slice;
		to = t->end;
		c0 = i ? t->cpu[i - 1] : t->cpu0;
		c1 = t->cpu_end;
	} else {
		return -1;
	}
	return (double)(c1 - c0) <
	       0.9 * (double)(to - from) * mb_clock.ns_per_tick;
}

/*
 * The row's timeline: slice i holds what every worker did in its own
 * slice i (workers start within microseconds of each other).  Only the
 * slices every worker completed are kept: the last, partial one is left
 * out, and so, in an --ops window, is the tail after the first worker
 * finished.  Adjacent slices are summed so that at most TL_POINTS remain.
 */
static void
timeline_build(const struct plan *p, const struct worker *ws, struct result *r)
{
	const struct config *c = p->c;
	uint32_t n = UINT32_MAX, f;
	double slice_s = (double)p->tl_slice * mb_clock.ns_per_tick * 1e-9;

	for (unsigned i = 0; i < c->threads; i++)
		if (ws[i].tl.n < n)
			n = ws[i].tl.n;
	if (n == 0 || n == UINT32_MAX)
		return;
	f = (n + TL_POINTS - 1) / TL_POINTS;
	r->tl_n = n / f;
	r->tl_slice_s = slice_s * f;
	for (uint32_t j = 0; j < r->tl_n; j++) {
		uint64_t sum = 0, cpu = 0;

		for (unsigned i = 0; i < c->threads; i++) {
			const struct tl *t = &ws[i].tl;
			uint32_t a = j * f, b = a + f - 1;

			sum += t->v[b] - (a ? t->v[a - 1] : 0);
			cpu += t->cpu[b] - (a ? t->cpu[a - 1] : t->cpu0);
		}
		r->tl_mops[j] = (float)((double)sum / r->tl_slice_s / 1e6);
		r->tl_cpu[j] = (float)((double)cpu * 1e-9 / r->tl_slice_s /
				       c->threads);
	}
}

/*
 * After the window: counters, then memory exactly as the window left the
 * map (quiesce only waits for deferred frees), then the live keys by
 * Range, then, as its own column, memory after that Range (for syncmap,
 * the promoted state).
 */
static void
measure_after(struct plan *p, struct worker *ws, struct result *r,
	      const struct map_stats *s0, uint64_t mem0)
{
	const struct config *c = p->c;
	const struct map_ops *ops = p->ops;
	struct map_stats s1;
	const char *back;
	uint64_t from = 0, to = 0;
	struct hist *merged = calloc(1, sizeof(*merged));
	uint64_t start = UINT64_MAX, end = 0, mem1, mem2;

	map_ops_stats(ops, p->m, &s1);
	back = stats_delta(ops, &r->stats, s0, &s1, &from, &to);
	if (back) {
		char name[64];

		r->have_stats = false;
		fprintf(stderr,
			"mapbench: %s: its event counter %s went down over "
			"the window (%" PRIu64 " -> %" PRIu64
			"): the map's counters of this row are NA\n",
			ops->name, printable(back, name, sizeof(name)), from,
			to);
	}
	mem1 = settled_allocated(ops, p->m);
	if (ops->range)
		ops->range(p->m, count_entry, &r->live_keys);
	mem2 = settled_allocated(ops, p->m);
	/* A map allocating outside malloc: bytes_per_key stays NA (-1). */
	if (mem1 && r->live_keys &&
	    !(map_ops_limits(ops, config_param(c)) & MAP_LIMIT_MEMORY)) {
		r->bytes_per_key =
			((double)mem1 - (double)mem0) / (double)r->live_keys;
		r->bytes_per_key_settled =
			((double)mem2 - (double)mem0) / (double)r->live_keys;
	}
	for (int k = 0; k < PEV_N; k++)
		r->perf[k] = 0;
	for (unsigned i = 0; i < c->threads; i++) {
		struct worker *w = &ws[i];
		uint64_t ops_i = 0;

		if (w->t_start < start)
			start = w->t_start;
		if (w->t_end > end)
			end = w->t_end;
		for (int k = 0; k < WL_NOPS; k++) {
			r->op_count[k] += w->count[k];
			r->op_hits[k] += w->hits[k];
			ops_i += w->count[k];
		}
		r->ops += ops_i;
		r->iters += c->wl ? w->iters : ops_i;
		r->failed_ops += w->failed;
		for (int k = 0; k < PEV_N; k++)
			if (r->perf[k] >= 0)
				r->perf[k] = w->perf[k] < 0
						     ? -1
						     : r->perf[k] + w->perf[k];
		if (w->hist && merged)
			hist_merge(merged, w->hist);
		/* Pinning failed: the row ran unpinned and says so. */
		if (w->err)
			r->pinned = false;
	}
	r->seconds = (double)(end - start) * 1e-9;
	timeline_build(p, ws, r);
	if (merged && merged->count) {
		r->lat_samples = merged->count;
		r->p50_ns = lat_quantile(merged, 0.50, LAT_P50, r);
		r->p99_ns = lat_quantile(merged, 0.99, LAT_P99, r);
		r->p999_ns = lat_quantile(merged, 0.999, LAT_P999, r);
		/* Enough samples for the tail they print, else NA. */
		if (merged->count < LAT_MIN_P99)
			r->lat_few |= LAT_P99;
		if (merged->count < LAT_MIN_P999)
			r->lat_few |= LAT_P999;
		r->max_ns = (double)merged->max * mb_clock.ns_per_tick;
		r->max_preempted = max_preempted(p, ws, merged->max);
		if (r->max_ns < 2 * mb_clock.res_ns)
			r->unresolved |= LAT_MAX;
	}
	free(merged);
}

/*
 * The row's status: the first thing that makes its figures not what they
 * claim.  A window longer than asked by more than half (plus 250 ms of
 * scheduling slack) was stretched: the process was stopped or starved.
 * The slack is absolute on purpose: a slack relative to short windows
 * (tried: a quarter of the window, 40 ms at least) flagged rows starved
 * by other processes (run-queue wait, said by the interference columns)
 * as stretched; telling the two causes apart is not done yet.
 */
static void
set_status(const struct config *c, struct result *r)
{
	if (r->failed_ops)
		snprintf(r->status, sizeof(r->status), "failed_ops");
	else if (mb_interrupted)
		snprintf(r->status, sizeof(r->status), "interrupted");
	else if (r->unsettled)
		snprintf(r->status, sizeof(r->status), "unsettled");
	else if (!c->ops_per_thread && r->seconds > c->duration * 1.5 + 0.25)
		snprintf(r->status, sizeof(r->status), "stretched");
	else if (interf_classify(&r->interf, c->interf_limit))
		snprintf(r->status, sizeof(r->status), "interfered");
	else
		snprintf(r->status, sizeof(r->status), "ok");
}

int
driver_run(const struct config *c, struct result *r)
{
	return driver_run_flags(c, r, 0);
}

/*
 * A map left to the process's exit (DRIVER_KEEP_MAP), reachable from here so
 * that leak checkers do not call it lost.
 */
static struct map *kept_map;

int
driver_run_flags(const struct config *c, struct result *r, unsigned flags)
{
	const struct map_ops *ops = c->ops;
	struct plan *p;
	struct worker *ws;
	struct map_stats s0;
	uint64_t mem0;
	int err;

	memset(r, 0, sizeof(*r));
	r->ncpus = ncpus;
	r->oversubscribed = c->threads > ncpus;
	r->have_stats = ops->stats != NULL;
	r->pinned = c->pin;
	r->bytes_per_key = -1;
	r->bytes_per_key_settled = -1;
	r->settle_s = -1;
	r->max_preempted = -1;
	for (int k = 0; k < PEV_N; k++)
		r->perf[k] = -1;
	interf_none(&r->interf);
	snprintf(r->clock, sizeof(r->clock), "%s", mb_clock.name);
	r->clock_res_ns = mb_clock.res_ns;
	r->timer_ns = mb_clock.cost_ticks * mb_clock.ns_per_tick;
	snprintf(r->status, sizeof(r->status), "oom");

	p = aligned_alloc(64, sizeof(*p));
	ws = aligned_alloc(64, sizeof(*ws) * c->threads);
	if (!p || !ws) {
		free(p);
		free(ws);
		return 0; /* status oom */
	}
	err = plan_build(p, ws, c);
	if (err)
		goto out_plan;
	pthread_barrier_init(&p->barrier, NULL, c->threads + 1);

	procmem_peak_rss_reset();
	mem0 = settled_allocated(ops, NULL);
	p->m = map_ops_create(ops, config_param(c),
			      c->wl || c->sizing == SIZING_NONE ? 0 : c->keys);
	if (!p->m)
		goto out_barrier;
	map_ops_thread_enter(ops);
	err = warm_up(p, r);
	if (!err && mb_interrupted) {
		/* A signal during the prefill: no window, no figures. */
		snprintf(r->status, sizeof(r->status), "interrupted");
	} else if (!err) {
		map_ops_stats(ops, p->m, &s0);
		timed_window(p, ws, r);
		measure_after(p, ws, r, &s0, mem0);
		r->peak_rss_kb = procmem_peak_rss_kb();
		set_status(c, r);
	}
	if (c->pin && !r->pinned) {
		static bool warned;

		if (!warned)
			fprintf(stderr, "mapbench: could not pin threads "
					"(pthread_setaffinity_np); such rows "
					"have pinned=0\n");
		warned = true;
	}
	map_ops_thread_exit(ops);
	if (flags & DRIVER_KEEP_MAP)
		kept_map = p->m;
	else
		ops->destroy(p->m);
out_barrier:
	pthread_barrier_destroy(&p->barrier);
out_plan:
	plan_free(p, ws, c->threads);
	free(ws);
	free(p);
	return 0;
}

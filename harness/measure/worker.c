/*
 * A worker of the timed window (worker.h).
 *
 * The hot loop is what the figures measure, so it is kept lean: one wyrand
 * step per operation gives both the key (Lemire's multiply-shift, or the
 * Zipf alias table) and the operation (its low 32 bits against cumulative
 * thresholds); uniform loads over a small key space take their keys from a
 * ring drawn before the window instead; operations go through the vtable;
 * counters live in locals; the stop flag and the clock are read once per
 * batch, and a batch halves when it took longer than the plan's slice so
 * that slow operations (Range over a large map) still stop near the
 * deadline.  Latency samples fall at geometric gaps drawn from a second
 * per-worker stream, so the op stream does not depend on sampling and
 * sampling cannot alias with a period of the workload.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "plan.h"
#include "procmem.h"
#include "result.h"
#include "worker.h"

#define BATCH	    256	 /* most operations between two stop checks */
#define WL_BATCH    4096 /* most Go workload iterations between checks */
#define LOADS_CHUNK 64	 /* keys drawn ahead by loads_batch */

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
next_batch(uint64_t n, uint64_t *t_prev, uint64_t max, uint64_t slice_ticks)
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
	return clock_ns_of(CLOCK_THREAD_CPUTIME_ID);
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

/*
 * A loop's start at tick `now`: its timeline's first slice, and the gap
 * to its first latency sample (0 when not sampling).
 */
static inline uint64_t
loop_begin(struct worker *w, uint64_t now, bool sample, uint64_t *ls,
	   double mean)
{
	tl_begin(&w->tl, now);
	return sample ? geometric_gap(ls, mean) : 0;
}

/* The next batch: bn operations, or what is left of the budget. */
static inline uint64_t
batch_take(uint64_t bn, uint64_t *budget, uint64_t *done)
{
	uint64_t n = bn < *budget ? bn : *budget;

	*budget -= n;
	*done += n;
	return n;
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
	case WL_DELETE: /* Go's Delete is LoadAndDelete: it knows if it
			   hit */
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

		ops->range(m, plan_count_entry, range_seen);
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
 * The sampling gap, set again at every timeline slice edge: never
 * sparser than asked (--latency-sample), but dense enough that the
 * worker can expect its share of LAT_TARGET samples by the end of the
 * window, judged by its pace so far (a slow map is sampled more often,
 * so that its p99.9 rests on enough samples; sampling never changes the
 * operation stream). `done` counts what the gap counts (operations, or
 * iterations of a Go workload) since `since`; `left` is what remains of
 * an --ops budget.
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
 * A mix or churn batch's end at its caller's locals: the next batch size,
 * the timeline's slice edges and the sampling rate at each edge; whether
 * to go on (budget left, no stop).
 */
static inline __attribute__((always_inline)) bool
batch_end(struct worker *w, uint64_t *bn, uint64_t *tb, uint64_t done,
	  uint64_t budget, bool sample, double *mean)
{
	*bn = next_batch(*bn, tb, BATCH, w->p->mach->slice_ticks);
	if (tl_due(&w->tl, *tb)) {
		tl_mark(&w->tl, *tb, done);
		if (sample)
			*mean = lat_adapt(w->p, w, done, budget, *tb);
	}
	return budget && !should_stop(w->p);
}

/*
 * The loop's state, in locals of mix_loop once mix_op is inlined; the
 * map and its vtable too, so that no vtable call makes the loop reload
 * them through the plan.
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
 * One operation of the mix; timed into the histogram when `timed`.  A
 * mix of loads only (`loads`) calls load directly: no operation draw,
 * no dispatch.
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
 * n untimed uniform loads: the loads-only mix's inner loop, out of line
 * so that its state (map, load, generator, bound, hit count) stays in
 * registers across the calls instead of in mix_loop's spilled frame;
 * the keys are the generator's, as mix_op draws them.  Issue 20 asks
 * the harness's loads to cost within 10% of bench/leanloop.c's.
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
 * The synthetic mix loop.  `sample` and `zipf` are compile-time
 * constants in each of its four instances.  Sampling splits each batch
 * into untimed runs and single timed ops, so the untimed ops carry no
 * sampling test. What the loop reads from the plan is copied to locals
 * first: the vtable calls could alias it, and reloading it each op is
 * measurable against a 2-3 ns control.
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
	cd = loop_begin(w, tb, sample, &ls, mean);
	do {
		uint64_t left = batch_take(bn, &budget, &done);

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
	} while (batch_end(w, &bn, &tb, done, budget, sample, &mean));
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
 * Churn: keys keep being new.  Each thread owns the keys seq * threads
 * + tid; its live window [lo, hi) starts prefilled.  Loads pick a key
 * of the window; a store adds the next new key (hi++), a delete removes
 * the oldest (lo++), each with the mix's weight, so a balanced mix
 * keeps the live set near --keys while every key is soon replaced: the
 * cache pattern sync.Map handles worst.  A delete of an empty window
 * misses.
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

	cd = loop_begin(w, tb, sample, &ls, mean);
	do {
		uint64_t n = batch_take(bn, &budget, &done);

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
	} while (batch_end(w, &bn, &tb, done, budget, sample, &mean));
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
		bn = next_batch(bn, &tb, WL_BATCH, p->mach->slice_ticks);
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
 * in each, so that the per-operation path carries no test a row does
 * not need.
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

/*
 * How long a worker waits for the other one at the core-to-core probe: a
 * worker that never comes (a failed thread_enter, the other's ops budget
 * far from spent) makes the probe NaN, not the row hang.
 */
#define C2C_WAIT_NS UINT64_C(1000000000)

/* Go's b.N stride between the threads' counters (see workloads.h). */
#define GO_N_HINT (UINT64_C(1) << 40)

void *
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
		CPU_SET(p->mach->cpu[w->tid % p->mach->ncpus], &set);
		w->err = pthread_setaffinity_np(pthread_self(), sizeof(set),
						&set);
	}
	map_ops_thread_enter(p->ops);
	if (c->wl)
		wl_thread_init(&t, p->ops, p->m, w->tid, GO_N_HINT);
	if (w->ring)
		key_ring_fill(w);
	perfev_open(&pev);
	/* The CPU's speed now, on this worker's CPU (the sweep judges
	 * it). */
	w->probe_ns = interf_probe(c->rep, c->attempt);
	/* Workers 0 and 1: how far apart their CPUs are now. */
	if (p->c2c && w->tid < 2)
		w->c2c_ns[0] = interf_c2c(&p->c2c_line[0].v, w->tid == 0,
					  clock_mono_ns() + C2C_WAIT_NS);
	/* All ready; then the driver reads the CPU time and opens the window
	 * (timed_window). */
	pthread_barrier_wait(&p->barrier);
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
	/* Relaxed: a progress count (--ops: the driver ends the window when
	 * every worker is past it); the barrier publishes the rest. */
	atomic_fetch_add_explicit(&p->finished, 1, memory_order_relaxed);
	/* All out of the window: the driver reads the CPU time. */
	pthread_barrier_wait(&p->barrier);
	/* And after the window: the host may have moved a vCPU meanwhile. */
	if (p->c2c && w->tid < 2)
		w->c2c_ns[1] = interf_c2c(&p->c2c_line[1].v, w->tid == 0,
					  clock_mono_ns() + C2C_WAIT_NS);
	perfev_close(&pev, w->perf);
	map_ops_thread_exit(p->ops);
	procmem_flush_thread_cache();
	return NULL;
}

/*
 * The driver: measure one configuration once.
 *
 * The main thread creates a fresh map, registers with it, prefills it and
 * takes map_stats; then `threads` workers enter the map, meet at a barrier
 * and run until the main thread raises the stop flag `duration` seconds
 * later.  The timed window runs from the first worker's start after the
 * barrier to the last worker's end; every operation counted completed in
 * it, so mops = ops / seconds exactly.  Prefill is outside the window and
 * outside the stats deltas.
 *
 * The hot loop is what the figures measure, so it is kept lean: one wyrand
 * step per operation gives both the key (Lemire's multiply-shift on the
 * whole 64 bits) and the operation (its low 32 bits against precomputed
 * cumulative thresholds); operations go through the vtable; counters live
 * in locals and are written back to a cache-line-aligned slot at the end;
 * the stop flag is read once per batch of BATCH operations.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hist.h"
#include "sampler.h"
#include "driver.h"
#include "sysinfo.h"

#define BATCH	 256 /* operations between two reads of the stop flag */
#define WL_BATCH 64  /* Go workload iterations between two reads */

volatile sig_atomic_t mb_interrupted;

static int cpus[CPU_SETSIZE];
static unsigned ncpus;
static double timer_cost_ns;

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The median cost of one back-to-back pair of timer reads. */
static double
measure_timer_cost(void)
{
	enum { N = 4001 };
	static uint64_t d[N];

	for (int i = 0; i < N; i++) {
		uint64_t t0 = now_ns();
		uint64_t t1 = now_ns();

		d[i] = t1 - t0;
	}
	qsort(d, N, sizeof(d[0]), cmp_u64);
	return (double)d[N / 2];
}

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
	timer_cost_ns = measure_timer_cost();
	if (!verbose)
		return;
	for (unsigned i = 0; i < ncpus && len < sizeof(buf) - 16; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d",
					i ? "," : "", cpus[i]);
	if (pin)
		fprintf(stderr,
			"mapbench: %u CPUs allowed; threads pinned "
			"round-robin over CPUs %s\n",
			ncpus, buf);
	else
		fprintf(stderr, "mapbench: %u CPUs allowed (%s); not pinned\n",
			ncpus, buf);
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
	unsigned nk;		 /* operation kinds with weight > 0 */
	unsigned kind[WL_NOPS];	 /* in order */
	uint64_t thr[WL_NOPS];	 /* cumulative, out of 2^32 */
	uint64_t churn_read_thr; /* churn: loads below this, else writes */
	uint64_t churn_window;	 /* churn: live keys per thread */
	struct zipf zipf;
	uint64_t lat_every;	  /* time one op in this many; 0: off */
	uint64_t lat_overhead_ns; /* subtracted from each sample */
	pthread_barrier_t barrier;
	_Alignas(64) atomic_int stop;
};

struct worker {
	pthread_t th;
	unsigned tid;
	struct plan *p;
	struct hist *hist;
	uint64_t seed;
	uint64_t count[WL_NOPS], hits[WL_NOPS];
	uint64_t iters;
	uint64_t t_start, t_end;
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

static bool
count_entry(uint64_t key, void *value, void *arg)
{
	(void)key;
	(void)value;
	(*(uint64_t *)arg)++;
	return true;
}

/* One operation of kind `kind` on `key`; true if it hit. */
static inline __attribute__((always_inline)) bool
do_op(const struct map_ops *ops, struct map *m, unsigned kind, uint64_t key,
      uint64_t *range_seen)
{
	void *v;

	switch (kind) {
	case WL_LOAD:
		return ops->load(m, key, &v);
	case WL_STORE:
		ops->store(m, key, WL_VAL(key));
		return false;
	case WL_DELETE: /* Go's Delete is LoadAndDelete: it knows if it hit */
	case WL_LOAD_AND_DELETE:
		return ops->load_and_delete(m, key, &v);
	case WL_LOAD_OR_STORE:
		return ops->load_or_store(m, key, WL_VAL(key), &v) == 1;
	case WL_SWAP:
		return ops->swap(m, key, WL_VAL(key), &v) == 1;
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
		return false;
	}
	return false;
}

/* The loop's state, in locals of mix_loop once mix_op is inlined. */
struct mix_state {
	uint64_t s, nload, hload, range_seen;
	uint64_t count[WL_NOPS], hits[WL_NOPS];
};

/* One operation of the mix; timed into the histogram when `timed`. */
static inline __attribute__((always_inline)) void
mix_op(struct plan *p, struct mix_state *st, struct hist *h, uint64_t keys,
       uint64_t thr0, unsigned kind0, bool timed, bool zipf)
{
	uint64_t r = rng_next(&st->s), x = (uint32_t)r, key, t0 = 0;
	unsigned kind;
	bool hit;

	key = zipf ? zipf_next(&p->zipf, rng_next(&st->s)) : rng_bound(r, keys);
	if (x < thr0) {
		kind = kind0;
	} else {
		unsigned k = 1;

		while (x >= p->thr[k])
			k++;
		kind = p->kind[k];
	}
	if (timed)
		t0 = now_ns();
	hit = do_op(p->ops, p->m, kind, key, &st->range_seen);
	if (timed) {
		uint64_t d = now_ns() - t0;

		hist_record(h, d > p->lat_overhead_ns ? d - p->lat_overhead_ns
						      : 0);
	}
	/*
	 * Loads, the common case, count in scalars: an increment of
	 * count[kind] with a variable index cannot leave memory.
	 */
	if (kind == WL_LOAD) {
		st->nload++;
		st->hload += hit;
	} else {
		st->count[kind]++;
		st->hits[kind] += hit;
	}
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
mix_loop(struct worker *w, bool sample, bool zipf)
{
	struct plan *p = w->p;
	const uint64_t keys = p->c->keys, thr0 = p->thr[0];
	const uint64_t every = p->lat_every;
	const unsigned kind0 = p->kind[0];
	struct hist *h = w->hist;
	struct mix_state st;
	uint64_t cd = every;

	memset(&st, 0, sizeof(st));
	st.s = w->seed;
	do {
		uint64_t left = BATCH;

		while (left) {
			uint64_t n = left;

			if (sample && cd - 1 < n)
				n = cd - 1;
			for (uint64_t i = 0; i < n; i++)
				mix_op(p, &st, h, keys, thr0, kind0, false,
				       zipf);
			left -= n;
			if (sample) {
				cd -= n;
				if (left && cd == 1) {
					mix_op(p, &st, h, keys, thr0, kind0,
					       true, zipf);
					left--;
					cd = every;
				}
			}
		}
	} while (!should_stop(p));
	st.count[WL_LOAD] = st.nload;
	st.hits[WL_LOAD] = st.hload;
	memcpy(w->count, st.count, sizeof(st.count));
	memcpy(w->hits, st.hits, sizeof(st.hits));
	/* Range hits: entries visited, not calls that saw one. */
	if (st.count[WL_RANGE])
		w->hits[WL_RANGE] = st.range_seen;
}

/*
 * Churn: keys keep being new.  Each thread owns the keys seq * threads +
 * tid; its live window [lo, hi) starts prefilled.  Loads pick a key of the
 * window; writes alternate between storing the next new key (hi++) and
 * deleting the oldest (lo++), so the live set stays at --keys while every
 * key is soon replaced: the cache pattern sync.Map handles worst.
 */
static void
churn_loop(struct worker *w, bool sample)
{
	struct plan *p = w->p;
	const struct map_ops *ops = p->ops;
	struct map *m = p->m;
	unsigned tid = w->tid, threads = p->c->threads;
	uint64_t s = w->seed, cd = p->lat_every, lo = 0, hi = p->churn_window;
	uint64_t count[WL_NOPS] = {0}, hits[WL_NOPS] = {0};
	bool insert_next = true;
	void *v;

	do {
		for (int i = 0; i < BATCH; i++) {
			uint64_t r = rng_next(&s), t0 = 0, key;
			unsigned kind;
			bool hit;

			if (sample && --cd == 0)
				t0 = now_ns();
			if ((uint32_t)r < p->churn_read_thr || hi == lo) {
				kind = WL_LOAD;
				key = churn_key(
					lo + rng_bound(r,
						       hi - lo + !!(hi == lo)),
					tid, threads);
				hit = ops->load(m, key, &v);
			} else if (insert_next) {
				kind = WL_STORE;
				key = churn_key(hi++, tid, threads);
				ops->store(m, key, WL_VAL(key));
				hit = false;
				insert_next = false;
			} else {
				kind = WL_DELETE;
				key = churn_key(lo++, tid, threads);
				hit = ops->load_and_delete(m, key, &v);
				insert_next = true;
			}
			if (sample && cd == 0) {
				uint64_t d = now_ns() - t0;

				hist_record(w->hist,
					    d > p->lat_overhead_ns
						    ? d - p->lat_overhead_ns
						    : 0);
				cd = p->lat_every;
			}
			count[kind]++;
			hits[kind] += hit;
		}
	} while (!should_stop(p));
	memcpy(w->count, count, sizeof(count));
	memcpy(w->hits, hits, sizeof(hits));
}

/* Go's workloads: run() in batches; one iteration timed in lat_every. */
static void
go_loop(struct worker *w, struct wl_thread *t)
{
	struct plan *p = w->p;
	const struct go_workload *wl = p->c->wl;
	uint64_t cd = p->lat_every;

	do {
		if (!p->lat_every) {
			wl->run(t, WL_BATCH);
			continue;
		}
		uint64_t chunk = cd - 1 < WL_BATCH ? cd - 1 : WL_BATCH;

		if (chunk) {
			wl->run(t, chunk);
			cd -= chunk;
		}
		if (cd == 1) {
			uint64_t t0 = now_ns(), d;

			wl->run(t, 1);
			d = now_ns() - t0;
			hist_record(w->hist, d > p->lat_overhead_ns
						     ? d - p->lat_overhead_ns
						     : 0);
			cd = p->lat_every;
		}
	} while (!should_stop(p));
	memcpy(w->count, t->ops, sizeof(w->count));
	memcpy(w->hits, t->hits, sizeof(w->hits));
	w->iters = t->iters;
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
	pthread_barrier_wait(&p->barrier);
	w->t_start = now_ns();
	if (c->wl)
		go_loop(w, &t);
	else if (c->dist.kind == DIST_CHURN)
		churn_loop(w, p->lat_every != 0);
	else if (c->dist.kind == DIST_ZIPF)
		if (p->lat_every)
			mix_loop(w, true, true);
		else
			mix_loop(w, false, true);
	else if (p->lat_every)
		mix_loop(w, true, false);
	else
		mix_loop(w, false, false);
	w->t_end = now_ns();
	map_ops_thread_exit(p->ops);
	mem_flush_thread_cache();
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
	p->churn_read_thr = (uint64_t)(mix->w[WL_LOAD] / total * 4294967296.0);
}

/*
 * Everything freed so far, counted as freed: the map's quiesce hook waits
 * for its deferred frees (and flushes the caches of the threads that ran
 * them), then ours is flushed, so that jemalloc's stats.allocated sees
 * only live memory.
 */
static uint64_t
settled_allocated(const struct map_ops *ops, struct map *m)
{
	map_ops_quiesce(ops, m);
	mem_flush_thread_cache();
	return mem_allocated();
}

static void
stats_delta(const struct map_ops *ops, struct map_stats *d,
	    const struct map_stats *a, const struct map_stats *b)
{
	/* The map's own counters: events as the delta, levels as at the end. */
	for (unsigned i = 0; i < ops->n_counters && i < MAP_OWN_COUNTERS_MAX;
	     i++)
		d->own[i] = ops->counters[i].kind == MAP_COUNTER_LEVEL
				    ? b->own[i]
				    : b->own[i] - a->own[i];
	d->have = b->have;
	d->promotions = b->promotions - a->promotions;
	d->dirty_rebuilds = b->dirty_rebuilds - a->dirty_rebuilds;
	d->entries_copied = b->entries_copied - a->entries_copied;
	d->misses = b->misses - a->misses;
	d->locked_ops = b->locked_ops - a->locked_ops;
	d->resizes = b->resizes - a->resizes;
}

/*
 * Prefill, outside the timed window.  A synthetic prefill ends with one
 * Range: it promotes syncmap's dirty map (Go's Range does when amended),
 * so the window measures the steady state of a filled map rather than
 * the len(dirty) misses that a fresh syncmap pays once before its first
 * promotion.  Go's workloads keep Go's own setup unchanged.
 */
static void
prefill(struct plan *p)
{
	const struct config *c = p->c;
	const struct map_ops *ops = p->ops;
	uint64_t salt = c->seed * UINT64_C(0x9e3779b97f4a7c15) + 1;
	uint64_t seen = 0;

	if (c->wl) {
		if (c->wl->setup)
			c->wl->setup(ops, p->m);
		return;
	}
	if (c->dist.kind == DIST_CHURN) {
		for (unsigned t = 0; t < c->threads; t++)
			for (uint64_t i = 0; i < p->churn_window; i++) {
				uint64_t key = churn_key(i, t, c->threads);

				ops->store(p->m, key, WL_VAL(key));
			}
		ops->range(p->m, count_entry, &seen);
		return;
	}
	if (c->prefill_pct <= 0)
		return;
	/* A pseudo-random prefill_pct% of the key space. */
	for (uint64_t k = 0; k < c->keys; k++) {
		uint64_t r = k ^ salt;

		/* Ctrl-C during a long prefill: the row is abandoned. */
		if ((k & 4095) == 0 && mb_interrupted)
			return;
		if (c->prefill_pct < 100 &&
		    rng_bound(rng_next(&r), 100) >= (uint64_t)c->prefill_pct)
			continue;
		ops->store(p->m, k, WL_VAL(k));
	}
	ops->range(p->m, count_entry, &seen);
}

int
run_config(const struct config *c, struct result *r)
{
	const struct map_ops *ops = c->ops;
	struct plan *p;
	struct worker *ws;
	struct map_stats s0, s1;
	struct hist *merged;
	uint64_t mem0, mem1, start = UINT64_MAX, end = 0, seed = c->seed;
	double deadline;
	int err = 0;

	memset(r, 0, sizeof(*r));
	r->ncpus = ncpus;
	r->oversubscribed = c->threads > ncpus;
	r->have_stats = ops->stats != NULL;
	r->pinned = c->pin;
	r->bytes_per_key = -1;

	p = aligned_alloc(64, sizeof(*p));
	ws = aligned_alloc(64, sizeof(*ws) * c->threads);
	merged = calloc(1, sizeof(*merged));
	if (!p || !ws || !merged) {
		free(p);
		free(ws);
		free(merged);
		return -ENOMEM;
	}
	memset(p, 0, sizeof(*p));
	memset(ws, 0, sizeof(*ws) * c->threads);
	p->c = c;
	p->ops = ops;
	plan_mix(p, &c->mix);
	if (c->dist.kind == DIST_ZIPF && !c->wl)
		zipf_init(&p->zipf, c->keys, c->dist.theta);
	p->churn_window = c->keys / c->threads ? c->keys / c->threads : 1;
	p->lat_every = c->latency_sample;
	p->lat_overhead_ns = (uint64_t)timer_cost_ns;
	pthread_barrier_init(&p->barrier, NULL, c->threads + 1);
	for (unsigned i = 0; i < c->threads; i++) {
		ws[i].tid = i;
		ws[i].p = p;
		ws[i].seed = rng_next(&seed);
		if (p->lat_every &&
		    !(ws[i].hist = calloc(1, sizeof(struct hist)))) {
			err = -ENOMEM;
			goto out_free;
		}
	}

	peak_rss_reset();
	mem0 = settled_allocated(ops, p->m);
	p->m = map_ops_create(ops, config_param(c), c->wl ? 0 : c->keys);
	if (!p->m) {
		err = -ENOMEM;
		goto out_exit;
	}
	map_ops_thread_enter(ops);
	prefill(p);
	if (mb_interrupted) /* during the prefill: no window, no row */
		goto out_destroy;
	map_ops_stats(ops, p->m, &s0);

	for (unsigned i = 0; i < c->threads; i++) {
		if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i])) {
			/* Cannot happen in practice; give up the process. */
			fprintf(stderr, "mapbench: pthread_create failed\n");
			exit(1);
		}
	}
	pthread_barrier_wait(&p->barrier);
	deadline = now_sec() + c->duration;
	for (;;) {
		double left = deadline - now_sec();
		struct timespec ts;

		if (left <= 0 || mb_interrupted)
			break;
		if (left > 0.05)
			left = 0.05;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
	}
	atomic_store_explicit(&p->stop, 1, memory_order_relaxed);
	for (unsigned i = 0; i < c->threads; i++)
		pthread_join(ws[i].th, NULL);

	map_ops_stats(ops, p->m, &s1);
	stats_delta(ops, &r->stats, &s0, &s1);
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
		if (w->hist)
			hist_merge(merged, w->hist);
		/* Pinning failed: the row ran unpinned and says so. */
		if (w->err)
			r->pinned = false;
	}
	r->seconds = (double)(end - start) * 1e-9;
	r->lat_samples = merged->count;
	r->timer_ns = timer_cost_ns;
	if (merged->count) {
		r->p50_ns = hist_quantile(merged, 0.50);
		r->p99_ns = hist_quantile(merged, 0.99);
		r->p999_ns = hist_quantile(merged, 0.999);
		r->max_ns = (double)merged->max;
	}
	if (ops->range)
		ops->range(p->m, count_entry, &r->live_keys);
	mem1 = settled_allocated(ops, p->m);
	if (mem1 && r->live_keys)
		r->bytes_per_key =
			((double)mem1 - (double)mem0) / (double)r->live_keys;
	r->peak_rss_kb = peak_rss_kb();
	if (c->pin && !r->pinned) {
		static bool warned;

		if (!warned)
			fprintf(stderr, "mapbench: could not pin threads "
					"(pthread_setaffinity_np); such rows "
					"have pinned=0\n");
		warned = true;
	}
out_destroy:
	map_ops_thread_exit(ops);
	ops->destroy(p->m);
out_exit:
out_free:
	pthread_barrier_destroy(&p->barrier);
	for (unsigned i = 0; i < c->threads; i++)
		free(ws[i].hist);
	free(merged);
	free(ws);
	free(p);
	return err;
}

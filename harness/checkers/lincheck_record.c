/*
 * lincheck recording: run a short concurrent workload on a small key space
 * and keep, for every operation, what was asked, what came back and when.
 *
 * Each thread draws its whole operation sequence (kind and key) from the
 * history's seed before the start barrier, into its own buffer; the event
 * buffer and the pool for Range's pairs are preallocated per thread too.
 * On the recorded path a thread touches only its own memory and the map:
 * no shared counter, no lock, no allocation.  The threads are started
 * together by a barrier and then a spin on an arrival count (both before
 * the first timestamp).  Arguments that depend on
 * what the thread has seen (the expected value of a compare-and-swap) are
 * computed from thread-local state before the invocation timestamp.
 *
 * Timestamps are CLOCK_MONOTONIC (clock_gettime through the vDSO), which
 * is monotonic across cores; the invocation stamp is taken immediately
 * before the call and the response stamp immediately after it, so the
 * recorded interval contains the real one.  Intervals are closed: two
 * operations with equal stamps count as concurrent.  The TSC (rdtscp) is
 * not used: it would need invariant-TSC checks per machine for a gain of a
 * few ns per stamp, and the checker needs no finer resolution than the
 * clock's, only containment.
 *
 * Values are unique per write: thread t's n-th written value is the odd
 * pointer ((t + 1) << 40 | n) << 1 | 1, never NULL and never dereferenced.
 * The seed fixes each thread's operation sequence; the interleaving (and
 * so the results) is up to the scheduler and is not replayable.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "lincheck.h"
#include "sampler.h"

const char *const lc_op_names[LC_NOPS] = {
	[LC_LOAD] = "load",
	[LC_STORE] = "store",
	[LC_LOAD_OR_STORE] = "load_or_store",
	[LC_LOAD_AND_DELETE] = "load_and_delete",
	[LC_DELETE] = "delete",
	[LC_SWAP] = "swap",
	[LC_CAS] = "compare_and_swap",
	[LC_CAD] = "compare_and_delete",
	[LC_RANGE] = "range",
	[LC_CLEAR] = "clear",
};

void
lc_config_default(struct lc_config *c)
{
	static const unsigned mix[LC_NOPS] = {
		[LC_LOAD] = 25,		 [LC_STORE] = 12,
		[LC_LOAD_OR_STORE] = 10, [LC_LOAD_AND_DELETE] = 8,
		[LC_DELETE] = 8,	 [LC_SWAP] = 10,
		[LC_CAS] = 16,		 [LC_CAD] = 8,
		[LC_RANGE] = 2,		 [LC_CLEAR] = 1,
	};

	memset(c, 0, sizeof(*c));
	c->threads = 4;
	c->keys = 4;
	c->ops = 500;
	memcpy(c->mix, mix, sizeof(mix));
	c->seed = 1;
	c->timed = true;
}

/* splitmix64: the next value of the stream *s (sampler.h's finaliser). */
static uint64_t
splitmix(uint64_t *s)
{
	uint64_t r = seed_mix(*s);

	*s += UINT64_C(0x9e3779b97f4a7c15);
	return r;
}

uint64_t
lc_history_seed(uint64_t seed, unsigned h)
{
	return seed + (uint64_t)h * UINT64_C(0xd1b54a32d192ed03);
}

/* The recording clock: CLOCK_MONOTONIC, monotonic across cores. */
static inline uint64_t
now_ns(void)
{
	return clock_mono_ns();
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void
lc_clock_measure(struct lc_clock_info *ci)
{
	struct timespec res;
	uint64_t d[257];

	ci->name = "CLOCK_MONOTONIC";
	ci->res_ns = clock_getres(CLOCK_MONOTONIC, &res) == 0
			     ? (uint64_t)res.tv_sec * 1000000000u +
				       (uint64_t)res.tv_nsec
			     : 0;
	for (int i = 0; i < 257; i++) {
		uint64_t a = now_ns(), b = now_ns();

		d[i] = b - a;
	}
	qsort(d, 257, sizeof(d[0]), cmp_u64);
	ci->min_delta_ns = d[0];
	ci->median_delta_ns = d[128];
}

/*
 * Threads first wait at the gate until all of them exist (state 1) or
 * one could not be created (state 2: they leave without running), then
 * at the barrier, so that they start together.
 */
struct lc_gate {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int state;
};

/* One thread's plan and record. */
struct lc_worker {
	pthread_t tid;
	const struct map_ops *ops;
	struct map *m;
	const struct lc_config *c;
	pthread_barrier_t *start;
	struct lc_gate *gate;
	atomic_uint *arrived;
	unsigned id;
	uint8_t *plan_op, *plan_key; /* c->ops each */
	struct lc_event *ev;	     /* c->ops */
	struct lc_pair *pool;	     /* Range pairs */
	size_t pool_cap, pool_n;
	uint64_t t0; /* shared start, written before create */
	uint64_t t_begin, t_end;
	uint64_t sink;
};

/* Range's fn: append to the thread's pool, within this Range's share. */
struct lc_range_ctx {
	struct lc_pair *p;
	uint32_t cap, n, overflow;
};

static bool
lc_range_fn(uint64_t key, void *value, void *arg)
{
	struct lc_range_ctx *rc = arg;

	if (rc->n < rc->cap) {
		rc->p[rc->n].key = key;
		rc->p[rc->n].value = (uint64_t)(uintptr_t)value;
		rc->n++;
		return true;
	}
	/* A broken map could call fn forever: give up after a while. */
	return ++rc->overflow < 1000;
}

static inline void *
lc_val(uint64_t v)
{
	return (void *)(uintptr_t)v;
}

/*
 * One recording thread: wait at the gate and the barrier, then run its
 * planned operations, stamping each call and return.  One function on
 * purpose (over 100 lines): the switch over the ten operations sits
 * between the two clock reads of each, and a call out to it would put a
 * call's cost inside every recorded interval.
 */
static void *
lc_worker_main(void *arg)
{
	struct lc_worker *w = arg;
	const struct map_ops *ops = w->ops;
	struct map *m = w->m;
	const struct lc_config *c = w->c;
	const bool timed = c->timed;
	uint64_t seen[LC_MAX_KEYS] = {0}, seq = 0, sink = 0;
	uint64_t rs = c->seed ^ ((uint64_t)w->id << 32);
	const uint32_t range_cap = 2 * c->keys + 1;
	int state;

	pthread_mutex_lock(&w->gate->mu);
	while ((state = w->gate->state) == 0)
		pthread_cond_wait(&w->gate->cv, &w->gate->mu);
	pthread_mutex_unlock(&w->gate->mu);
	if (state != 1)
		return NULL;
	map_ops_thread_enter(ops);
	pthread_barrier_wait(w->start);
	/*
	 * The barrier wakes threads one futex wake-up (tens of us) apart,
	 * longer than a whole short history; spinning until all have
	 * arrived makes the ones on a CPU start together.  Relaxed: only a
	 * count; the barrier ordered everything else.
	 */
	atomic_fetch_add_explicit(w->arrived, 1, memory_order_relaxed);
	for (unsigned spins = 0;
	     atomic_load_explicit(w->arrived, memory_order_relaxed) <
	     c->threads;)
		if (++spins % 256 == 0)
			sched_yield();
	w->t_begin = now_ns();
	for (unsigned i = 0; i < c->ops; i++) {
		struct lc_event e = {0};
		uint32_t k = w->plan_key[i];
		uint64_t key = lc_key_of(k), r = splitmix(&rs);
		uint64_t nv =
			((((uint64_t)(w->id + 1) << 40) | ++seq) << 1) | 1;
		void *out = NULL;
		struct lc_range_ctx rc = {0};

		e.op = w->plan_op[i];
		e.key = k;
		e.thread = w->id;
		/*
		 * The expected value of CAS/CAD: mostly the last value this
		 * thread saw under the key (so that many succeed), sometimes
		 * an older or never-stored one.
		 */
		if (e.op == LC_CAS || e.op == LC_CAD)
			e.arg = (r & 7) != 0 ? seen[k] : (r & 8 ? nv + 2 : 0);
		else
			e.arg = nv;
		if (e.op == LC_CAS)
			e.arg2 = nv;
		if ((e.op == LC_CAS || e.op == LC_CAD) && e.arg == 0)
			e.arg = 1; /* never stored: a value that is not NULL */
		if (e.op == LC_RANGE) {
			rc.p = w->pool + w->pool_n;
			rc.cap = range_cap;
			e.range_off = (uint32_t)w->pool_n;
		}
		if (timed)
			e.call = now_ns();
		switch (e.op) {
		case LC_LOAD:
			e.res = ops->load(m, key, &out);
			break;
		case LC_STORE:
			e.res = ops->store(m, key, lc_val(e.arg));
			break;
		case LC_LOAD_OR_STORE:
			e.res = ops->load_or_store(m, key, lc_val(e.arg), &out);
			break;
		case LC_LOAD_AND_DELETE:
			e.res = ops->load_and_delete(m, key, &out);
			break;
		case LC_DELETE:
			ops->del(m, key);
			break;
		case LC_SWAP:
			e.res = ops->swap(m, key, lc_val(e.arg), &out);
			break;
		case LC_CAS:
			e.res = ops->compare_and_swap(m, key, lc_val(e.arg),
						      lc_val(e.arg2));
			break;
		case LC_CAD:
			e.res = ops->compare_and_delete(m, key, lc_val(e.arg));
			break;
		case LC_RANGE:
			ops->range(m, lc_range_fn, &rc);
			break;
		case LC_CLEAR:
			ops->clear(m);
			break;
		}
		if (!timed) {
			sink += (uint64_t)e.res + (uint64_t)(uintptr_t)out;
			continue;
		}
		e.ret = now_ns();
		e.out = (uint64_t)(uintptr_t)out;
		if (e.op == LC_RANGE) {
			e.nrange = rc.n;
			e.range_overflow = rc.overflow;
			w->pool_n += rc.n;
		}
		/* What this thread now believes is current, for CAS. */
		if ((e.op == LC_LOAD && e.res) ||
		    (e.op == LC_LOAD_OR_STORE && e.res == 1) ||
		    (e.op == LC_SWAP && e.res == 1))
			seen[k] = e.out;
		else if (e.op == LC_STORE || e.op == LC_LOAD_OR_STORE ||
			 e.op == LC_SWAP || (e.op == LC_CAS && e.res))
			seen[k] = e.op == LC_CAS ? e.arg2 : e.arg;
		e.call -= w->t0;
		e.ret -= w->t0;
		w->ev[i] = e;
	}
	w->t_end = now_ns();
	w->sink = sink;
	map_ops_thread_exit(ops);
	return NULL;
}

void
lc_history_free(struct lc_history *h)
{
	free(h->ev);
	free(h->pairs);
	memset(h, 0, sizeof(*h));
}

static void
lc_workers_free(struct lc_worker *w, unsigned n)
{
	for (unsigned t = 0; t < n; t++) {
		free(w[t].plan_op);
		free(w[t].plan_key);
		free(w[t].ev);
		free(w[t].pool);
	}
	free(w);
}

unsigned
lc_limited_ops(const struct map_ops *ops, const char *param)
{
	unsigned l = map_ops_limits(ops, param), drop = 0;

	if (l & MAP_LIMIT_RANGE_CONCURRENT)
		drop |= 1u << LC_RANGE;
	if (l & (MAP_LIMIT_CLEAR_CONCURRENT | MAP_LIMIT_CLEAR_ATOMIC))
		drop |= 1u << LC_CLEAR;
	if (l & MAP_LIMIT_CAS_ATOMIC)
		drop |= 1u << LC_CAS;
	if (l & MAP_LIMIT_CAD_ATOMIC)
		drop |= 1u << LC_CAD;
	return drop;
}

/*
 * Each thread's operations and keys, drawn from `mix` (weights summing to
 * `total`) before the threads start, and the room for its Ranges' pairs.
 * 0 or -ENOMEM (the caller frees w).
 */
static int
lc_plan(struct lc_worker *w, unsigned nt, const struct lc_config *c,
	const unsigned mix[LC_NOPS], unsigned total)
{
	for (unsigned t = 0; t < nt; t++) {
		uint64_t s = c->seed * 31 + t + 1;
		size_t ranges = 0;

		w[t].plan_op = malloc(c->ops + 1);
		w[t].plan_key = malloc(c->ops + 1);
		w[t].ev = calloc(c->ops + 1, sizeof(*w[t].ev));
		if (!w[t].plan_op || !w[t].plan_key || !w[t].ev)
			return -ENOMEM;
		for (unsigned i = 0; i < c->ops; i++) {
			uint64_t r = splitmix(&s) % total, acc = 0;
			int k = 0;

			while (r >= acc + mix[k])
				acc += mix[k++];
			w[t].plan_op[i] = (uint8_t)k;
			w[t].plan_key[i] = (uint8_t)(splitmix(&s) % c->keys);
			ranges += k == LC_RANGE;
		}
		w[t].pool_cap = ranges * (2 * c->keys + 1);
		w[t].pool = calloc(w[t].pool_cap + 1, sizeof(*w[t].pool));
		if (w[t].pool == NULL)
			return -ENOMEM;
	}
	return 0;
}

/*
 * The history of a run: every thread's events, thread by thread, with
 * its Ranges' pairs after those of the threads before it.  0 or -ENOMEM.
 */
static int
lc_merge(struct lc_history *h, const struct lc_worker *w, unsigned nt,
	 const struct lc_config *c, size_t nev, size_t npairs)
{
	h->ev = malloc((nev + 1) * sizeof(*h->ev));
	h->pairs = malloc((npairs + 1) * sizeof(*h->pairs));
	if (h->ev == NULL || h->pairs == NULL) {
		lc_history_free(h);
		return -ENOMEM;
	}
	for (unsigned t = 0; t < nt; t++) {
		for (unsigned i = 0; i < c->ops; i++) {
			struct lc_event e = w[t].ev[i];

			if (e.op == LC_RANGE)
				e.range_off += (uint32_t)h->npairs;
			h->ev[h->n++] = e;
		}
		memcpy(h->pairs + h->npairs, w[t].pool,
		       w[t].pool_n * sizeof(*h->pairs));
		h->npairs += w[t].pool_n;
	}
	h->nkeys = c->keys;
	h->nthreads = nt;
	h->seed = c->seed;
	return 0;
}

int
lc_record(const struct map_ops *ops, const char *param,
	  const struct lc_config *c, struct lc_history *h, uint64_t *wall_ns)
{
	struct lc_worker *w;
	pthread_barrier_t start;
	unsigned total = 0, nt = c->threads;
	struct map *m;
	uint64_t t0, tend = 0, tbegin = UINT64_MAX;
	struct lc_gate gate = {PTHREAD_MUTEX_INITIALIZER,
			       PTHREAD_COND_INITIALIZER, 0};
	unsigned started = 0;
	atomic_uint arrived;
	size_t npairs = 0, nev = 0;
	int rc = 0;

	unsigned mix[LC_NOPS], drop = lc_limited_ops(ops, param);

	memset(h, 0, sizeof(*h));
	/* What the map declares it cannot do concurrently never runs. */
	for (int k = 0; k < LC_NOPS; k++) {
		mix[k] = drop & (1u << k) ? 0 : c->mix[k];
		total += mix[k];
	}
	if (nt == 0 || nt > LC_MAX_THREADS || c->keys == 0 ||
	    c->keys > LC_MAX_KEYS || total == 0)
		return -EINVAL;
	w = calloc(nt, sizeof(*w));
	if (w == NULL)
		return -ENOMEM;
	if (lc_plan(w, nt, c, mix, total)) {
		lc_workers_free(w, nt);
		return -ENOMEM;
	}
	if (pthread_barrier_init(&start, NULL, nt) != 0) {
		lc_workers_free(w, nt);
		return -ENOMEM;
	}
	map_ops_thread_enter(ops);
	m = map_ops_create(ops, param, 2 * c->keys);
	if (m == NULL) {
		rc = errno == EINVAL ? -EINVAL : -ENOMEM;
		goto out;
	}
	atomic_init(&arrived, 0);
	t0 = now_ns();
	for (unsigned t = 0; t < nt; t++) {
		w[t].ops = ops;
		w[t].m = m;
		w[t].c = c;
		w[t].start = &start;
		w[t].gate = &gate;
		w[t].arrived = &arrived;
		w[t].id = t;
		w[t].t0 = t0;
		if (pthread_create(&w[t].tid, NULL, lc_worker_main, &w[t]))
			break;
		started++;
	}
	/* Open the gate (or cancel the run if a thread failed to start). */
	pthread_mutex_lock(&gate.mu);
	gate.state = started == nt ? 1 : 2;
	pthread_cond_broadcast(&gate.cv);
	pthread_mutex_unlock(&gate.mu);
	for (unsigned t = 0; t < started; t++) {
		pthread_join(w[t].tid, NULL);
		if (w[t].t_end > tend)
			tend = w[t].t_end;
		if (w[t].t_begin < tbegin)
			tbegin = w[t].t_begin;
		nev += c->ops;
		npairs += w[t].pool_n;
	}
	ops->destroy(m);
	if (started < nt) {
		rc = -ENOMEM;
		goto out;
	}
	*wall_ns = tend > tbegin ? tend - tbegin : 0;
	if (!c->timed)
		goto out;
	rc = lc_merge(h, w, nt, c, nev, npairs);
out:
	map_ops_thread_exit(ops);
	pthread_barrier_destroy(&start);
	lc_workers_free(w, nt);
	return rc;
}

/*
 * Concurrency: the thread-safe implementations under 2-4 threads (more
 * threads than this machine's cores, so threads are preempted inside
 * operations).  Each test runs for about MAPBENCH_TEST_SCALE x 0.5 s.
 *
 * stale_reads          readers check that every value they load (or
 *                      that range offers) was stored under that key,
 *                      while writers churn every kind of write.
 * load_or_store_race   threads race load_or_store on the same fresh
 *                      keys: exactly one stores, every thread sees the
 *                      winner's value, and load agrees afterwards.
 * cas_counters         compare_and_swap increments of a few counters
 *                      (while another thread makes syncmap rebuild and
 *                      promote around them): the final totals equal
 *                      the successful CASes exactly (no lost update).
 * range_concurrent     range during concurrent writes never repeats a
 *                      key and visits every key that stayed unchanged.
 * load_and_delete_race every stored value is deleted-and-returned by
 *                      exactly one of the racing threads (prefilled
 *                      rounds, and a producer/consumer stream).
 * syncmap_churn        8 keys with store/delete/load churn make syncmap
 *                      promote and rebuild dirty thousands of times.
 * message_passing      Go's guarantee that a write operation is
 *                      synchronized before any read that observes its
 *                      effect: `data = x; <write>(k)` on one thread,
 *                      `wait until a read observes it; read data` on
 *                      another, for every write op (and a store seen
 *                      by a failing compare_and_swap, the one read
 *                      that observes without loading).  Only ThreadSanitizer
 *                      (the TSan stage) sees a missing release/acquire
 *                      pair on x86; elsewhere it checks the value.
 *
 * Worker threads cannot use cmocka's assertions: they record the first
 * failure (TCHECK) and the main thread reports it after the join.
 */
#include <sched.h>

#include "testutil.h"

#define MAX_THREADS 4

struct ctx;

struct worker {
	struct ctx *c;
	int id;
	pthread_t th;
	struct rng r;
	uint64_t ops, done; /* ops run; test-specific successes */
	void *(*fn)(struct worker *w);
};

struct ctx {
	const struct map_ops *ops;
	struct map *m;
	atomic_bool stop;
	pthread_barrier_t start;
	int nthreads;
	uint64_t nkeys;
	void *arg; /* test-specific */
};

static double
test_seconds(void)
{
	double s = 0.5 * test_scale();

	return s < 0.05 ? 0.05 : s;
}

static bool
stopped(struct ctx *c)
{
	return atomic_load_explicit(&c->stop, memory_order_relaxed) ||
	       tfailed();
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	map_ops_thread_enter(w->c->ops);
	pthread_barrier_wait(&w->c->start);
	w->fn(w);
	map_ops_thread_exit(w->c->ops);
	return NULL;
}

/*
 * Run fns[i] on thread i (n threads) until each returns; if `seconds` >
 * 0, tell them to stop (c->stop) after that long.
 */
static void
run_threads(struct ctx *c, struct worker *w, int n,
	    void *(*const *fns)(struct worker *), double seconds)
{
	atomic_store(&c->stop, false);
	c->nthreads = n;
	pthread_barrier_init(&c->start, NULL, (unsigned)n);
	for (int i = 0; i < n; i++) {
		w[i] = (struct worker){
			.c = c,
			.id = i,
			.r = {.s = (uint64_t)i * 7777 + 1},
			.fn = fns[i],
		};
		assert_int_equal(
			pthread_create(&w[i].th, NULL, worker_main, &w[i]), 0);
	}
	if (seconds > 0) {
		double end = now_sec() + seconds;

		while (now_sec() < end && !tfailed())
			sleep_sec(0.01);
		atomic_store(&c->stop, true);
	}
	for (int i = 0; i < n; i++)
		pthread_join(w[i].th, NULL);
	pthread_barrier_destroy(&c->start);
}

static void
ctx_init(struct ctx *c, void **state, size_t hint)
{
	*c = (struct ctx){.ops = test_ops(state)};
	tfail_reset();
	map_ops_thread_enter(c->ops);
	c->m = test_create(c->ops, hint);
	assert_non_null(c->m);
}

static void
ctx_fini(struct ctx *c)
{
	c->ops->destroy(c->m);
	map_ops_thread_exit(c->ops);
}

/* A value stored under key k, checked on the thread that saw it. */
#define TCHECK_KEY(v, k, what)                                                 \
	TCHECK(VALKEY(v) == (k), "%s(%llu) returned %p (key %llu)", what,      \
	       (unsigned long long)(k), (v), (unsigned long long)VALKEY(v))

/*
 * stale_reads
 */
struct range_check {
	uint64_t nkeys;
	unsigned char *seen;
	size_t visits, stop_at;
};

static bool
range_key_fn(uint64_t key, void *value, void *arg)
{
	struct range_check *rc = arg;

	TCHECK(key < rc->nkeys, "range: key %llu never stored",
	       (unsigned long long)key);
	if (key < rc->nkeys) {
		TCHECK(!rc->seen[key]++, "range: key %llu twice",
		       (unsigned long long)key);
	}
	TCHECK_KEY(value, key, "range");
	return ++rc->visits < rc->stop_at;
}

static void *
churn_writer(struct worker *w)
{
	struct ctx *c = w->c;
	const struct map_ops *ops = c->ops;
	uint64_t gen = 1;

	while (!stopped(c)) {
		uint64_t k = rng_below(&w->r, c->nkeys);
		void *v = KEYVAL(k, gen++), *got = NULL, *old;

		switch (rng_below(&w->r, 8)) {
		case 0:
			TCHECK(ops->store(c->m, k, v) == 0, "store failed");
			break;
		case 1:
			ops->del(c->m, k);
			break;
		case 2:
			if (ops->swap(c->m, k, v, &got) == 1)
				TCHECK_KEY(got, k, "swap");
			break;
		case 3:
			TCHECK(ops->load_or_store(c->m, k, v, &got) >= 0,
			       "load_or_store failed");
			TCHECK_KEY(got, k, "load_or_store");
			break;
		case 4:
			if (ops->load_and_delete(c->m, k, &got))
				TCHECK_KEY(got, k, "load_and_delete");
			break;
		case 5:
			if (ops->load(c->m, k, &old)) {
				TCHECK_KEY(old, k, "load");
				ops->compare_and_swap(c->m, k, old, v);
			}
			break;
		case 6:
			if (ops->load(c->m, k, &old)) {
				TCHECK_KEY(old, k, "load");
				ops->compare_and_delete(c->m, k, old);
			}
			break;
		default:
			if (rng_below(&w->r, 64) == 0 &&
			    !(test_limits(ops) & MAP_LIMIT_CLEAR_CONCURRENT))
				ops->clear(c->m);
		}
		w->ops++;
	}
	return NULL;
}

static void *
checking_reader(struct worker *w)
{
	struct ctx *c = w->c;
	unsigned char *seen = calloc(c->nkeys, 1);

	TCHECK(seen != NULL, "out of memory");
	while (seen != NULL && !stopped(c)) {
		uint64_t k = rng_below(&w->r, c->nkeys);
		void *got;

		if (rng_below(&w->r, 256) == 0 &&
		    !(test_limits(c->ops) & MAP_LIMIT_RANGE_CONCURRENT)) {
			struct range_check rc = {
				.nkeys = c->nkeys,
				.seen = seen,
				.stop_at = 1 + rng_below(&w->r, c->nkeys * 2),
			};

			memset(seen, 0, c->nkeys);
			c->ops->range(c->m, range_key_fn, &rc);
		} else if (c->ops->load(c->m, k, &got)) {
			TCHECK_KEY(got, k, "load");
		}
		w->ops++;
	}
	free(seen);
	return NULL;
}

static void
stale_reads(void **state)
{
	static void *(*const fns[])(struct worker *) = {
		churn_writer, churn_writer, checking_reader, checking_reader};
	struct worker w[4];
	struct ctx c;

	test_declared(test_ops(state),
		      MAP_LIMIT_RANGE_CONCURRENT | MAP_LIMIT_CLEAR_CONCURRENT,
		      "not exercised");
	for (int round = 0; round < 2; round++) {
		ctx_init(&c, state, 0);
		/* A tiny and a bigger key space. */
		c.nkeys = round == 0 ? 8 : 1024;
		for (uint64_t k = 0; k < c.nkeys; k++)
			assert_int_equal(c.ops->store(c.m, k, KEYVAL(k, 0)), 0);
		run_threads(&c, w, 4, fns, test_seconds() / 2);
		TFAIL_REPORT();
		ctx_fini(&c);
	}
}

/*
 * load_or_store_race
 */
struct los {
	int *rc;      /* [thread][key] */
	void **got;   /* [thread][key] */
	bool stagger; /* threads start at different keys */
};

static void *
los_worker(struct worker *w)
{
	struct ctx *c = w->c;
	struct los *l = c->arg;
	uint64_t n = c->nkeys;
	uint64_t off = l->stagger ? (uint64_t)w->id * n / 3 : 0;

	for (uint64_t j = 0; j < n && !tfailed(); j++) {
		uint64_t k = (j + off) % n;
		size_t i = (size_t)w->id * n + k;

		l->rc[i] = c->ops->load_or_store(c->m, k, KEYVAL(k, w->id + 1),
						 &l->got[i]);
	}
	return NULL;
}

static void
load_or_store_race(void **state)
{
	static void *(*const fns[])(struct worker *) = {los_worker, los_worker,
							los_worker};
	const int nt = 3;
	double end = now_sec() + test_seconds();
	struct worker w[3];
	struct ctx c;
	int round = 0;

	do {
		uint64_t n = scaled(20000, 2000);
		struct los l = {.stagger = round % 2};

		ctx_init(&c, state, 0);
		c.nkeys = n;
		c.arg = &l;
		l.rc = calloc(nt * n, sizeof(*l.rc));
		l.got = calloc(nt * n, sizeof(*l.got));
		assert_non_null(l.rc);
		assert_non_null(l.got);
		run_threads(&c, w, nt, fns, 0);
		TFAIL_REPORT();
		for (uint64_t k = 0; k < n; k++) {
			int winner = -1;
			void *v = NULL;

			for (int t = 0; t < nt; t++) {
				int rc = l.rc[t * n + k];

				if (rc == 0) {
					if (winner >= 0)
						fail_msg("round %d key %llu: "
							 "threads %d and %d "
							 "both stored",
							 round,
							 (unsigned long long)k,
							 winner, t);
					winner = t;
				} else if (rc != 1) {
					fail_msg("load_or_store returned %d",
						 rc);
				}
			}
			if (winner < 0)
				fail_msg("round %d key %llu: nobody stored",
					 round, (unsigned long long)k);
			assert_ptr_equal(l.got[winner * n + k],
					 KEYVAL(k, winner + 1));
			for (int t = 0; t < nt; t++)
				if (l.got[t * n + k] != KEYVAL(k, winner + 1))
					fail_msg("round %d key %llu: thread %d "
						 "saw %p, thread %d stored %p",
						 round, (unsigned long long)k,
						 t, l.got[t * n + k], winner,
						 KEYVAL(k, winner + 1));
			assert_true(c.ops->load(c.m, k, &v));
			assert_ptr_equal(v, KEYVAL(k, winner + 1));
		}
		free(l.rc);
		free(l.got);
		ctx_fini(&c);
		round++;
	} while (now_sec() < end || round < 2);
}

/*
 * cas_counters
 */
#define NCOUNTERS 4

static void *
cas_incrementer(struct worker *w)
{
	struct ctx *c = w->c;

	while (!stopped(c)) {
		uint64_t k = rng_below(&w->r, NCOUNTERS);
		void *v;

		if (!c->ops->load(c->m, k, &v)) {
			TCHECK(false, "counter %llu vanished",
			       (unsigned long long)k);
			break;
		}
		if (c->ops->compare_and_swap(c->m, k, v, INTVAL(VALINT(v) + 1)))
			w->done++;
		w->ops++;
	}
	return NULL;
}

/* Other keys come and go: syncmap rebuilds dirty and promotes. */
static void *
cas_noise(struct worker *w)
{
	struct ctx *c = w->c;

	while (!stopped(c)) {
		uint64_t k = NCOUNTERS + rng_below(&w->r, 64);
		void *v;

		switch (rng_below(&w->r, 3)) {
		case 0:
			c->ops->store(c->m, k, INTVAL(k));
			break;
		case 1:
			c->ops->del(c->m, k);
			break;
		default:
			/* Misses on counters kept in dirty count too. */
			c->ops->load(c->m, k, &v);
		}
		w->ops++;
	}
	return NULL;
}

static void
cas_counters(void **state)
{
	static void *(*const fns[])(struct worker *) = {
		cas_incrementer, cas_incrementer, cas_incrementer, cas_noise};
	struct worker w[4];
	struct ctx c;
	uint64_t total = 0, sum = 0;

	TEST_SKIP_IF_LIMITED(test_ops(state), MAP_LIMIT_CAS_ATOMIC);
	ctx_init(&c, state, 0);
	for (uint64_t k = 0; k < NCOUNTERS; k++)
		assert_int_equal(c.ops->store(c.m, k, INTVAL(1000)), 0);
	run_threads(&c, w, 4, fns, test_seconds());
	TFAIL_REPORT();
	for (int i = 0; i < 3; i++)
		total += w[i].done;
	for (uint64_t k = 0; k < NCOUNTERS; k++) {
		void *v;

		assert_true(c.ops->load(c.m, k, &v));
		sum += VALINT(v) - 1000;
	}
	if (sum != total)
		fail_msg("counters sum to %llu, but %llu CASes succeeded",
			 (unsigned long long)sum, (unsigned long long)total);
	assert_true(total > 0);
	ctx_fini(&c);
}

/*
 * range_concurrent: keys [0, STABLE) are stored once, before the
 * writers start, and never written again; [STABLE, 2 * STABLE) churn.
 */
#define STABLE 128

static bool
stable_range_fn(uint64_t key, void *value, void *arg)
{
	struct range_check *rc = arg;

	if (key >= 2 * STABLE) {
		TCHECK(false, "range: key %llu never stored",
		       (unsigned long long)key);
		return false;
	}
	TCHECK(!rc->seen[key]++, "range: key %llu twice",
	       (unsigned long long)key);
	if (key < STABLE)
		TCHECK(value == KEYVAL(key, 0), "range: stable key %llu has %p",
		       (unsigned long long)key, value);
	else
		TCHECK_KEY(value, key, "range");
	rc->visits++;
	return true;
}

static void *
volatile_writer(struct worker *w)
{
	struct ctx *c = w->c;
	uint64_t gen = 1;

	while (!stopped(c)) {
		uint64_t k = STABLE + rng_below(&w->r, STABLE);
		void *got;

		switch (rng_below(&w->r, 4)) {
		case 0:
			c->ops->store(c->m, k, KEYVAL(k, gen++));
			break;
		case 1:
			c->ops->del(c->m, k);
			break;
		case 2:
			c->ops->swap(c->m, k, KEYVAL(k, gen++), &got);
			break;
		default:
			c->ops->load_or_store(c->m, k, KEYVAL(k, gen++), &got);
		}
		w->ops++;
	}
	return NULL;
}

static void *
ranger(struct worker *w)
{
	struct ctx *c = w->c;
	unsigned char seen[2 * STABLE];

	while (!stopped(c)) {
		struct range_check rc = {.seen = seen};

		memset(seen, 0, sizeof(seen));
		c->ops->range(c->m, stable_range_fn, &rc);
		for (uint64_t k = 0; k < STABLE; k++)
			TCHECK(seen[k] == 1,
			       "range: stable key %llu seen %d "
			       "times",
			       (unsigned long long)k, seen[k]);
		w->done++;
	}
	return NULL;
}

static void
range_concurrent(void **state)
{
	static void *(*const fns[])(struct worker *) = {
		volatile_writer, volatile_writer, ranger, ranger};
	struct worker w[4];
	struct ctx c;

	TEST_SKIP_IF_LIMITED(test_ops(state), MAP_LIMIT_RANGE_CONCURRENT);
	ctx_init(&c, state, 0);
	for (uint64_t k = 0; k < STABLE; k++)
		assert_int_equal(c.ops->store(c.m, k, KEYVAL(k, 0)), 0);
	run_threads(&c, w, 4, fns, test_seconds());
	TFAIL_REPORT();
	assert_true(w[2].done + w[3].done > 0);
	ctx_fini(&c);
}

/*
 * load_and_delete_race
 */
struct lad {
	_Atomic unsigned *taken; /* per key or per produced value */
	unsigned char *produced;
	uint64_t cap;
	_Atomic uint64_t next; /* producer's counter */
};

/* Prefilled round: delete every key, by load_and_delete or CAD. */
static void *
lad_deleter(struct worker *w)
{
	struct ctx *c = w->c;
	struct lad *l = c->arg;
	uint64_t n = c->nkeys;

	for (uint64_t j = 0; j < n && !tfailed(); j++) {
		uint64_t k = w->id % 2 ? n - 1 - j : j;
		void *got;

		if (w->id == 2 &&
		    !(test_limits(c->ops) & MAP_LIMIT_CAD_ATOMIC)) {
			if (c->ops->compare_and_delete(c->m, k, KEYVAL(k, 0)))
				atomic_fetch_add(&l->taken[k], 1);
		} else if (c->ops->load_and_delete(c->m, k, &got)) {
			TCHECK(got == KEYVAL(k, 0),
			       "load_and_delete(%llu) returned %p",
			       (unsigned long long)k, got);
			atomic_fetch_add(&l->taken[k], 1);
		}
	}
	return NULL;
}

/* Stream: one producer load_or_stores unique values into 16 slots. */
#define LAD_SLOTS 16

static void *
lad_producer(struct worker *w)
{
	struct ctx *c = w->c;
	struct lad *l = c->arg;

	for (uint64_t i = 0; i < l->cap && !stopped(c); i++) {
		void *got;
		int rc = c->ops->load_or_store(c->m, i % LAD_SLOTS, INTVAL(i),
					       &got);

		TCHECK(rc >= 0, "load_or_store returned %d", rc);
		l->produced[i] = rc == 0;
		atomic_store(&l->next, i + 1);
	}
	return NULL;
}

static void *
lad_consumer(struct worker *w)
{
	struct ctx *c = w->c;
	struct lad *l = c->arg;

	while (!stopped(c) && atomic_load(&l->next) < l->cap) {
		uint64_t k = rng_below(&w->r, LAD_SLOTS);
		void *got;

		if (c->ops->load_and_delete(c->m, k, &got)) {
			uint64_t i = VALINT(got);

			TCHECK(i < l->cap && i % LAD_SLOTS == k,
			       "load_and_delete(%llu) returned %p",
			       (unsigned long long)k, got);
			if (i < l->cap)
				atomic_fetch_add(&l->taken[i], 1);
		}
	}
	return NULL;
}

static bool
lad_remaining_fn(uint64_t key, void *value, void *arg)
{
	struct lad *l = arg;
	uint64_t i = VALINT(value);

	if (i < l->cap)
		atomic_fetch_add(&l->taken[i], 1);
	return true;
}

static void
load_and_delete_race(void **state)
{
	static void *(*const del_fns[])(struct worker *) = {
		lad_deleter, lad_deleter, lad_deleter};
	static void *(*const stream_fns[])(struct worker *) = {
		lad_producer, lad_consumer, lad_consumer};
	double end = now_sec() + test_seconds() / 2;
	struct worker w[3];
	struct ctx c;

	test_declared(test_ops(state), MAP_LIMIT_CAD_ATOMIC,
		      "not exercised (load_and_delete instead)");
	struct lad l;
	int round = 0;

	do {
		uint64_t n = scaled(10000, 1000);

		ctx_init(&c, state, 0);
		c.nkeys = n;
		l = (struct lad){.taken = calloc(n, sizeof(*l.taken))};
		c.arg = &l;
		assert_non_null(l.taken);
		for (uint64_t k = 0; k < n; k++)
			assert_int_equal(c.ops->store(c.m, k, KEYVAL(k, 0)), 0);
		run_threads(&c, w, 3, del_fns, 0);
		TFAIL_REPORT();
		for (uint64_t k = 0; k < n; k++)
			if (l.taken[k] != 1)
				fail_msg("round %d: key %llu deleted %u times",
					 round, (unsigned long long)k,
					 l.taken[k]);
		free(l.taken);
		ctx_fini(&c);
		round++;
	} while (now_sec() < end);

	ctx_init(&c, state, 0);
	l = (struct lad){.cap = scaled(2000000, 100000)};
	l.taken = calloc(l.cap, sizeof(*l.taken));
	l.produced = calloc(l.cap, 1);
	assert_non_null(l.taken);
	assert_non_null(l.produced);
	c.arg = &l;
	run_threads(&c, w, 3, stream_fns, test_seconds() / 2);
	TFAIL_REPORT();
	c.ops->range(c.m, lad_remaining_fn, &l);
	for (uint64_t i = 0; i < atomic_load(&l.next); i++)
		if (l.taken[i] != l.produced[i])
			fail_msg("value %llu: stored %d, taken or left %u "
				 "times",
				 (unsigned long long)i, l.produced[i],
				 l.taken[i]);
	assert_true(atomic_load(&l.next) > 0);
	free(l.taken);
	free(l.produced);
	ctx_fini(&c);
}

/*
 * syncmap_churn: a tiny key space with store/delete/load churn.  A fixed
 * set of 8 keys is not enough: once every key sits in read (live or
 * deleted-nil) and dirty is nil, Go's algorithm never locks again.  So
 * the 8 keys are a window that slides: thread 0 moves it every 64 of its
 * operations, and each thread deletes the keys of a window it leaves.
 * New keys make dirty rebuilds (expunging the deleted ones), missed
 * loads and deletes of dirty-only keys promote, and promotions drop the
 * expunged keys, so read stays small.
 */
static _Atomic uint64_t churn_epoch;

static void *
tiny_churn(struct worker *w)
{
	struct ctx *c = w->c;
	uint64_t gen = 1, epoch = atomic_load(&churn_epoch);

	while (!stopped(c)) {
		uint64_t now = atomic_load_explicit(&churn_epoch,
						    memory_order_relaxed);
		uint64_t k, x = rng_below(&w->r, 10);
		void *got;

		if (now != epoch) {
			for (uint64_t i = 0; i < 8; i++)
				c->ops->del(c->m, epoch * 8 + i);
			epoch = now;
		}
		k = epoch * 8 + rng_below(&w->r, 8);
		if (x < 4) {
			TCHECK(c->ops->store(c->m, k, KEYVAL(k, gen++)) == 0,
			       "store failed");
		} else if (x < 7) {
			c->ops->del(c->m, k);
		} else if (c->ops->load(c->m, k, &got)) {
			TCHECK_KEY(got, k, "load");
		}
		if (w->id == 0 && ++w->ops % 64 == 0)
			atomic_fetch_add(&churn_epoch, 1);
	}
	return NULL;
}

static void
syncmap_churn(void **state)
{
	static void *(*const fns[])(struct worker *) = {tiny_churn, tiny_churn,
							tiny_churn};
	struct map_stats s0, s1;
	struct worker w[3];
	struct ctx c;
	double start = now_sec();
	uint64_t p = 0, r = 0;

	if (strcmp(test_ops(state)->name, "syncmap") != 0)
		skip();
	ctx_init(&c, state, 0);
	map_ops_stats(c.ops, c.m, &s0);
	/* Rounds until both counters moved enough; at most ~20 s. */
	do {
		run_threads(&c, w, 3, fns, test_seconds() / 2);
		TFAIL_REPORT();
		map_ops_stats(c.ops, c.m, &s1);
		p = s1.promotions - s0.promotions;
		r = s1.dirty_rebuilds - s0.dirty_rebuilds;
	} while ((p <= 1000 || r <= 1000) && now_sec() - start < 20);
	print_message("[          ] %llu promotions, %llu dirty rebuilds, "
		      "%llu locked ops\n",
		      (unsigned long long)p, (unsigned long long)r,
		      (unsigned long long)(s1.locked_ops - s0.locked_ops));
	if (p <= 1000 || r <= 1000)
		fail_msg("only %llu promotions and %llu dirty rebuilds",
			 (unsigned long long)p, (unsigned long long)r);
	ctx_fini(&c);
}

/*
 * message_passing.  Each round uses a fresh key k.  The writer (thread
 * 0) prepares k (outside the race: a barrier follows), then writes the
 * plain variable `data` and performs one write operation on k; the reader
 * (thread 1) spins on load(k) until it observes that write's effect and
 * then reads `data`, which must need no other synchronisation than the
 * map's.  Setup stores k and ranges, so that syncmap has k in its read
 * table and the write and the load both take the lock-free paths (a
 * locked path would synchronise through the mutex and hide a missing
 * release).  MP_DELETE_CHURN adds a third thread that makes syncmap
 * rebuild dirty and promote without pause, and the reader sleeps a
 * little before it looks, so that it mostly learns of the delete from a
 * read table published by the churning thread, whose rebuild expunged
 * k: the chain delete -> expunge -> publication must carry `data` too.
 */
enum mp_kind {
	MP_STORE,
	MP_SWAP,
	MP_LOAD_OR_STORE,
	MP_CAS,
	MP_CAS_FAIL,
	MP_DELETE,
	MP_LOAD_AND_DELETE,
	MP_CAD,
	MP_DELETE_CHURN,
	MP_NKINDS,
};

static const char *const mp_names[MP_NKINDS] = {
	"store",
	"swap",
	"load_or_store",
	"compare_and_swap",
	"store (seen by a failing compare_and_swap)",
	"delete",
	"load_and_delete",
	"compare_and_delete",
	"delete (with churn)",
};

#define MP_V1 INTVAL(1)
#define MP_V2 INTVAL(2)
/* Churn keys live far above the rounds' keys. */
#define MP_CHURN_BASE (UINT64_C(1) << 40)

struct mp {
	enum mp_kind kind;
	uint64_t rounds;
	pthread_barrier_t round;
	/* The message: plain on purpose. */
	uint64_t data;
};

static bool
mp_range_fn(uint64_t key, void *value, void *arg)
{
	return true;
}

static bool
mp_publishes(enum mp_kind kind)
{
	return kind <= MP_CAS_FAIL;
}

static void *
mp_writer(struct worker *w)
{
	struct ctx *c = w->c;
	struct mp *mp = c->arg;
	void *old;

	for (uint64_t i = 0; i < mp->rounds; i++) {
		uint64_t k = i;

		TCHECK(c->ops->store(c->m, k, MP_V1) == 0, "store failed");
		if (!(test_limits(c->ops) & MAP_LIMIT_RANGE_CONCURRENT))
			c->ops->range(c->m, mp_range_fn, NULL);
		/* Deleted while in read: syncmap revives it lock-free. */
		if (mp->kind == MP_LOAD_OR_STORE)
			c->ops->del(c->m, k);
		pthread_barrier_wait(&mp->round);
		/* One write of data per case: TSan reports each kind. */
		switch (mp->kind) {
		case MP_STORE:
			mp->data = i + 1;
			TCHECK(c->ops->store(c->m, k, MP_V2) == 0,
			       "store failed");
			break;
		case MP_CAS_FAIL:
			mp->data = i + 1;
			TCHECK(c->ops->store(c->m, k, MP_V2) == 0,
			       "store failed");
			break;
		case MP_SWAP:
			mp->data = i + 1;
			TCHECK(c->ops->swap(c->m, k, MP_V2, &old) == 1,
			       "swap missed");
			break;
		case MP_LOAD_OR_STORE:
			mp->data = i + 1;
			TCHECK(c->ops->load_or_store(c->m, k, MP_V2, &old) == 0,
			       "load_or_store did not store");
			break;
		case MP_CAS:
			mp->data = i + 1;
			TCHECK(c->ops->compare_and_swap(c->m, k, MP_V1, MP_V2),
			       "compare_and_swap failed");
			break;
		case MP_DELETE:
			mp->data = i + 1;
			c->ops->del(c->m, k);
			break;
		case MP_DELETE_CHURN:
			mp->data = i + 1;
			c->ops->del(c->m, k);
			break;
		case MP_LOAD_AND_DELETE:
			mp->data = i + 1;
			TCHECK(c->ops->load_and_delete(c->m, k, &old),
			       "load_and_delete missed");
			break;
		case MP_CAD:
			mp->data = i + 1;
			TCHECK(c->ops->compare_and_delete(c->m, k, MP_V1),
			       "compare_and_delete failed");
			break;
		case MP_NKINDS:
			break;
		}
		pthread_barrier_wait(&mp->round);
	}
	return NULL;
}

static void *
mp_reader(struct worker *w)
{
	struct ctx *c = w->c;
	struct mp *mp = c->arg;
	bool publishes = mp_publishes(mp->kind);

	for (uint64_t i = 0; i < mp->rounds; i++) {
		uint64_t k = i, seen;
		void *v = NULL;
		bool hit;

		pthread_barrier_wait(&mp->round);
		if (mp->kind == MP_DELETE_CHURN)
			sleep_sec(0.0005);
		for (;;) {
			if (mp->kind == MP_CAS_FAIL) {
				/*
				 * A compare_and_swap that fails is a read
				 * operation (Go's and map.h's): the reader
				 * learns of the store from its failure alone
				 * (V1 -> V1 succeeds, and writes, until the
				 * store lands).
				 */
				if (!c->ops->compare_and_swap(c->m, k, MP_V1,
							      MP_V1))
					break;
			} else {
				hit = c->ops->load(c->m, k, &v);
				if (publishes ? hit && v == MP_V2 : !hit)
					break;
			}
			if (tfailed())
				break;
			sched_yield();
		}
		seen = mp->data;
		TCHECK(seen == i + 1, "%s: round %llu read data %llu",
		       mp_names[mp->kind], (unsigned long long)i,
		       (unsigned long long)seen);
		pthread_barrier_wait(&mp->round);
	}
	return NULL;
}

/* Stores, deletes and misses on keys of its own: syncmap rebuilds dirty
 * (expunging the rounds' deleted keys) and promotes over and over. */
static void *
mp_churner(struct worker *w)
{
	struct ctx *c = w->c;
	void *v;

	for (uint64_t j = MP_CHURN_BASE; !stopped(c); j++) {
		TCHECK(c->ops->store(c->m, j, MP_V1) == 0, "store failed");
		c->ops->del(c->m, j);
		c->ops->load(c->m, j + (UINT64_C(1) << 39), &v);
	}
	return NULL;
}

static void *
mp_last(struct worker *w)
{
	struct mp *mp = w->c->arg;

	if (mp->kind == MP_DELETE_CHURN)
		return mp_churner(w);
	return NULL;
}

static void *
mp_writer_then_stop(struct worker *w)
{
	mp_writer(w);
	atomic_store(&w->c->stop, true);
	return NULL;
}

static void
message_passing(void **state)
{
	static void *(*const fns[])(struct worker *) = {mp_writer_then_stop,
							mp_reader, mp_last};
	struct worker w[3];
	struct ctx c;
	struct mp mp;

	test_declared(test_ops(state), MAP_LIMIT_RANGE_CONCURRENT,
		      "not exercised");
	test_declared(test_ops(state), MAP_LIMIT_MISS_SYNC,
		      "delete kinds not exercised");
	test_declared(test_ops(state), MAP_LIMIT_CAS_ATOMIC,
		      "the failing compare_and_swap reader not exercised");
	for (int kind = 0; kind < MP_NKINDS; kind++) {
		if (!mp_publishes((enum mp_kind)kind) &&
		    (test_limits(test_ops(state)) & MAP_LIMIT_MISS_SYNC))
			continue;
		/*
		 * The reader's V1 -> V1 compare_and_swap, not atomic, could
		 * write V1 back over the store and wait for ever.
		 */
		if (kind == MP_CAS_FAIL &&
		    (test_limits(test_ops(state)) & MAP_LIMIT_CAS_ATOMIC))
			continue;
		ctx_init(&c, state, 0);
		mp = (struct mp){
			.kind = (enum mp_kind)kind,
			.rounds = kind == MP_DELETE_CHURN ? scaled(400, 40)
							  : scaled(2000, 200),
		};
		pthread_barrier_init(&mp.round, NULL, 2);
		c.arg = &mp;
		run_threads(&c, w, 3, fns, 0);
		pthread_barrier_destroy(&mp.round);
		TFAIL_REPORT();
		ctx_fini(&c);
	}
}

const struct impl_test concurrency_tests[] = {
	{"stale_reads", stale_reads, MAP_NOT_THREAD_SAFE},
	{"load_or_store_race", load_or_store_race, MAP_NOT_THREAD_SAFE},
	{"cas_counters", cas_counters, MAP_NOT_THREAD_SAFE},
	{"range_concurrent", range_concurrent, MAP_NOT_THREAD_SAFE},
	{"load_and_delete_race", load_and_delete_race, MAP_NOT_THREAD_SAFE},
	{"syncmap_churn", syncmap_churn, MAP_NOT_THREAD_SAFE},
	{"message_passing", message_passing, MAP_NOT_THREAD_SAFE},
};
MAPBENCH_SUITE(concurrency)

/*
 * clht's own mechanisms, which the common suites reach only by chance:
 *
 * long_chain_range   keys that share one chain (13 overflow buckets): range
 *                    delivers each exactly once, also when fn deletes and
 *                    re-inserts every key it is given, and stops when fn
 *                    says so.
 * grow_shrink        20,000 keys grow the table, deleting them shrinks it
 *                    back; the counters say so and every key stays right.
 * drain_small        so do 1,500 and 3,000 keys (a small table has little
 *                    room between dense and sparse: its deletes must check).
 * drain_threads      2, 4 and 8 threads drain 3,000 keys at once: the table
 *                    has halved before they take it more than
 *                    CLHT_FLOOR_MIN per writer under the sparse bound (the
 *                    floors share the room out between the writers), and
 *                    is down to 64 buckets when drained.
 * clear_in_place_shrinks  a Clear that cannot allocate empties the table in
 *                    place; one thread's churn of 100 keys after it
 *                    shrinks it to 64 buckets (a table sparse when its
 *                    floors are set checks at the next delete).
 * steady_checks      a mix of inserts and deletes that keeps the size
 *                    steady sums the size stripes rarely: never in one
 *                    thread's churn, at most once per 100 deletes when one
 *                    thread inserts what another deletes (the deleter's own
 *                    stripe only falls), and still at times.
 * resize_alloc_fail  an insert that must grow the table, with each of its
 *                    allocations failing in turn: the new table or its
 *                    buckets or an overflow bucket of the rehash (the
 *                    resize is abandoned, the old table unfrozen, and the
 *                    key goes into an overflow bucket of the old table), or
 *                    the key's overflow bucket in the new table (-ENOMEM,
 *                    unchanged).
 * fast_paths         loads, and the misses of the deleters and mismatches of
 *                    the compares, take no lock (locked_ops stays put);
 *                    every change that does not grow the table takes
 *                    exactly one.
 * resize_concurrent  two writers grow and shrink the table over and over
 *                    while a reader loads a set of stable keys and a
 *                    ranger checks that every range sees each stable key
 *                    exactly once and no key twice.
 * inplace_race       in one bucket, a key whose value is swapped and
 *                    compared-and-swapped in place while other keys churn
 *                    through the bucket's other slots (each insert reusing
 *                    a slot that held another key): readers must always
 *                    find the first key, with one of its own values, and
 *                    find the churning keys absent or with their own
 *                    values, never another key's.  Run on the built-in
 *                    clht and on a copy of clht.c compiled here with
 *                    delays between a lookup's loads (CLHT_RACE_WINDOW),
 *                    which widen the windows in which a slot can change
 *                    key under a reader from nanoseconds to microseconds.
 * table_pins         step by step on that copy: a table replaced while
 *                    a thread's operation pin names it, or while a Range
 *                    holds it, stays allocated (retired_tables) until the
 *                    pin moves; a thread that loaded the new table but
 *                    has not pinned it yet (window 5) while that table
 *                    is replaced in turn pins the newest instead (under
 *                    ASan, a use of the freed table fails; its pin
 *                    must name the newest); Clear retires the same way;
 *                    quiesce frees every replaced table.  (The memory
 *                    orders of the pins cannot be checked by stepping:
 *                    TSan runs resize_concurrent.)
 */
#include "testutil.h"

#include <sched.h>
#include <semaphore.h>

#include "alloc.h"
#include "hash.h"

/*
 * A copy of clht compiled here with a call between a lookup's loads
 * (windows 1: after the key matched, 2: after the value load) and between
 * the stores that give a slot a new key (3: after the epoch bump, 4: after
 * the key store).  A thread stops at the windows in its pause_mask, once
 * each, until the test lets it go (reuse_under_reader); in inplace_race,
 * readers (race_delays 1) and writers (2) are delayed at theirs: now and
 * then a yield (another thread runs meanwhile), otherwise a short spin.
 */
static __thread unsigned pause_mask; /* bit n: stop at window n */
static __thread sem_t *resumed;	     /* posted to let this thread go */
static __thread int race_delays;     /* 1: windows 1, 2; 2: windows 3, 4 */
static sem_t paused;		     /* posted when a thread stops */

static void
race_window(int where)
{
	static __thread uint64_t x = 0x9e3779b97f4a7c15;

	if (pause_mask & (1u << where)) {
		pause_mask &= ~(1u << where);
		sem_post(&paused);
		while (sem_wait(resumed) != 0)
			;
		return;
	}
	if (race_delays == 0 || (where <= 2) != (race_delays == 1))
		return;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	/* Writers yield between bump and key store: a reader loads both. */
	if ((x & 3) == 0 || where == 3) {
		sched_yield();
		return;
	}
	for (unsigned i = (unsigned)(x >> 56); i > 0; i--)
		__asm__ __volatile__("" ::: "memory");
}

#define CLHT_RACE_WINDOW(n) race_window(n)
#define clht_ops	    clht_race_ops
#include "../impls/clht/clht.c"
#undef clht_ops

static const struct map_ops *ops;

/* Counter `name` of clht's own, by name. */
static uint64_t
own(struct map *m, const char *name)
{
	struct map_stats s;

	map_ops_stats(ops, m, &s);
	for (unsigned i = 0; i < ops->n_counters; i++)
		if (strcmp(ops->counters[i].name, name) == 0)
			return s.own[i];
	fail_msg("clht has no counter %s", name);
	return 0;
}

/* The next key after *k whose hash has its low `bits` bits zero. */
static uint64_t
colliding(uint64_t *k, unsigned bits)
{
	uint64_t mask = (UINT64_C(1) << bits) - 1;

	while ((map_hash64(++*k) & mask) != 0)
		;
	return *k;
}

#define CHAIN 40

struct visits {
	struct map *m;
	uint64_t keys[CHAIN];
	unsigned seen[CHAIN];
	unsigned total, stop_after;
	bool reinsert;
};

static bool
visit(uint64_t key, void *value, void *arg)
{
	struct visits *v = arg;
	int i;

	for (i = 0; i < CHAIN && v->keys[i] != key; i++)
		;
	assert_true(i < CHAIN);
	assert_ptr_equal(value, INTVAL(key));
	assert_int_equal(v->seen[i], 0); /* at most once */
	v->seen[i]++;
	v->total++;
	if (v->reinsert) {
		/* Empties the key's slot; the re-insert takes it again. */
		ops->del(v->m, key);
		assert_int_equal(ops->store(v->m, key, INTVAL(key)), 0);
	}
	return v->total != v->stop_after;
}

static void
long_chain_range(void **state)
{
	struct map *m;
	struct visits v = {0};
	uint64_t k = 0;

	(void)state;
	map_ops_thread_enter(ops);
	m = ops->create(0); /* 32 buckets; 40 keys do not grow it */
	v.m = m;
	for (int i = 0; i < CHAIN; i++)
		v.keys[i] = colliding(&k, 10);
	/* Not in key order, so that the chain is not sorted either. */
	for (int i = 0; i < CHAIN; i++) {
		uint64_t key = v.keys[i * 17 % CHAIN];

		assert_int_equal(ops->store(m, key, INTVAL(key)), 0);
	}
	assert_int_equal(own(m, "buckets"), 32);
	assert_int_equal(own(m, "overflow_buckets"),
			 (CHAIN + CLHT_SLOTS - 1) / CLHT_SLOTS - 1);
	for (int pass = 0; pass < 3; pass++) {
		memset(v.seen, 0, sizeof(v.seen));
		v.total = 0;
		v.reinsert = pass == 1;
		v.stop_after = pass == 2 ? 21 : 0;
		ops->range(m, visit, &v);
		assert_int_equal(v.total, pass == 2 ? 21 : CHAIN);
		for (int i = 0; i < CHAIN; i++)
			assert_true(v.seen[i] <= 1 && (pass == 2 || v.seen[i]));
	}
	for (int i = 0; i < CHAIN; i++) {
		void *val;

		assert_true(ops->load(m, v.keys[i], &val));
		assert_ptr_equal(val, INTVAL(v.keys[i]));
	}
	ops->destroy(m);
	map_ops_thread_exit(ops);
}

static void
drain_small(void **state)
{
	(void)state;
	map_ops_thread_enter(ops);
	for (uint64_t n = 1500; n <= 3000; n += 1500) {
		struct map *m = ops->create(0);

		for (uint64_t i = 0; i < n; i++)
			assert_int_equal(
				ops->store(m, (i + 1) * 7919, INTVAL(i)), 0);
		assert_true(own(m, "buckets") >= 1024);
		for (uint64_t i = 0; i < n; i++)
			ops->del(m, (i + 1) * 7919);
		/* Under 1/16 full at every halving down to 64 buckets. */
		assert_true(own(m, "shrinks") >= 4);
		assert_true(own(m, "buckets") <= 64);
		ops->destroy(m);
	}
	map_ops_thread_exit(ops);
}

/* One of drain_threads' deleters: keys first, first + step, ... */
struct drain {
	struct map *m;
	uint64_t first, step, count;
};

static void *
drain_thread(void *arg)
{
	struct drain *d = arg;
	uint64_t i = d->first;
	void *gone;

	map_ops_thread_enter(ops);
	for (uint64_t c = 0; c < d->count; c++, i += d->step)
		TCHECK(ops->load_and_delete(d->m, (i + 1) * 7919, &gone),
		       "key %llu lost", (unsigned long long)i);
	map_ops_thread_exit(ops);
	return NULL;
}

static void
drain_threads(void **state)
{
	const uint64_t n = 3000, bound = 2048 * CLHT_SLOTS / 16;
	struct drain d[8];
	pthread_t th[8];
	void *gone;

	(void)state;
	map_ops_thread_enter(ops);
	for (int T = 2; T <= 8; T *= 2) {
		/* Under what T writers may take it before one must check. */
		uint64_t left = bound - CLHT_FLOOR_MIN * (uint64_t)(T + 1);
		struct map *m = ops->create(0);

		tfail_reset();
		for (uint64_t i = 0; i < n; i++)
			assert_int_equal(
				ops->store(m, (i + 1) * 7919, INTVAL(i)), 0);
		assert_int_equal(own(m, "buckets"), 2048);
		for (int i = 0; i < T; i++) {
			d[i] = (struct drain){m, (uint64_t)i, (uint64_t)T,
					      (n - left) / (uint64_t)T};
			assert_int_equal(pthread_create(&th[i], NULL,
							drain_thread, &d[i]),
					 0);
		}
		for (int i = 0; i < T; i++)
			assert_int_equal(pthread_join(th[i], NULL), 0);
		TFAIL_REPORT();
		assert_true(own(m, "shrinks") >= 1);
		for (uint64_t i = 0; i < n; i++)
			ops->load_and_delete(m, (i + 1) * 7919, &gone);
		assert_true(own(m, "buckets") <= 64);
		ops->destroy(m);
	}
	map_ops_thread_exit(ops);
}

/*
 * A Clear that cannot allocate clears the table in place and leaves it
 * sparse; one thread's churn after it must still shrink it.
 */
static void
clear_in_place_shrinks(void **state)
{
	struct map *m;
	void *gone;

	(void)state;
	map_ops_thread_enter(ops);
	m = ops->create(0);
	for (uint64_t i = 0; i < 3000; i++)
		assert_int_equal(ops->store(m, map_hash64(i), INTVAL(i)), 0);
	assert_int_equal(own(m, "buckets"), 2048);
	atomic_store(&map_alloc_fail_countdown, 1);
	ops->clear(m);
	atomic_store(&map_alloc_fail_countdown, 0);
	assert_int_equal(own(m, "clears"), 0); /* in place */
	assert_int_equal(own(m, "buckets"), 2048);
	for (uint64_t r = 0; r < 20; r++) {
		for (uint64_t i = 0; i < 100; i++)
			assert_int_equal(
				ops->store(m, map_hash64(10000 + i), INTVAL(i)),
				0);
		for (uint64_t i = 0; i < 100; i++)
			assert_true(ops->load_and_delete(
				m, map_hash64(10000 + i), &gone));
	}
	assert_true(own(m, "buckets") <= 64);
	ops->destroy(m);
	map_ops_thread_exit(ops);
}

/*
 * Producer and consumer of steady_checks: keys 1..n in order, between
 * window / 2 and window of them in the map.
 */
struct chase {
	struct map *m;
	uint64_t n, window;
	_Atomic uint64_t produced, consumed;
};

static void *
chase_producer(void *arg)
{
	struct chase *c = arg;

	map_ops_thread_enter(ops);
	for (uint64_t k = 1; k <= c->n && !tfailed(); k++) {
		while (k - atomic_load_explicit(&c->consumed,
						memory_order_acquire) >
			       c->window &&
		       !tfailed())
			sched_yield();
		TCHECK(ops->store(c->m, map_hash64(k), INTVAL(k)) == 0,
		       "store failed");
		atomic_store_explicit(&c->produced, k, memory_order_release);
	}
	map_ops_thread_exit(ops);
	return NULL;
}

static void *
chase_consumer(void *arg)
{
	struct chase *c = arg;
	void *gone;

	map_ops_thread_enter(ops);
	for (uint64_t k = 1; k <= c->n - c->window / 2 && !tfailed(); k++) {
		/* At least window / 2 keys stay, whatever the schedule. */
		while (atomic_load_explicit(&c->produced,
					    memory_order_acquire) <
			       k + c->window / 2 &&
		       !tfailed())
			sched_yield();
		TCHECK(ops->load_and_delete(c->m, map_hash64(k), &gone),
		       "key %llu lost", (unsigned long long)k);
		atomic_store_explicit(&c->consumed, k, memory_order_release);
	}
	map_ops_thread_exit(ops);
	return NULL;
}

static void
steady_checks(void **state)
{
	/* Fewer under valgrind (scale 0.05): still dozens of checks. */
	const double scale = test_scale() < 0.1 ? 0.1 : test_scale();
	const uint64_t n = 3000, rounds = (uint64_t)(100000 * scale);
	struct chase c = {.n = (uint64_t)(200000 * scale), .window = 2000};
	pthread_t th[2];
	struct map *m;
	uint64_t checks;
	void *gone;

	(void)state;
	map_ops_thread_enter(ops);
	/* One thread: delete a present key, insert an absent one. */
	m = ops->create(0);
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(ops->store(m, map_hash64(i), INTVAL(i)), 0);
	assert_int_equal(own(m, "buckets"), 2048);
	for (uint64_t r = 0; r < rounds; r++) {
		assert_true(ops->load_and_delete(m, map_hash64(r), &gone));
		assert_int_equal(ops->store(m, map_hash64(r + n), INTVAL(r)),
				 0);
	}
	assert_int_equal(own(m, "size_checks"), 0);
	assert_int_equal(own(m, "shrinks"), 0);
	ops->destroy(m);
	/* Two: the deleter's stripe falls without end, the sum does not. */
	tfail_reset();
	m = ops->create(0);
	c.m = m;
	assert_int_equal(pthread_create(&th[0], NULL, chase_producer, &c), 0);
	assert_int_equal(pthread_create(&th[1], NULL, chase_consumer, &c), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	TFAIL_REPORT();
	checks = own(m, "size_checks");
	print_message("clht steady_checks: %llu checks in %llu deletes by a "
		      "consumer\n",
		      (unsigned long long)checks,
		      (unsigned long long)(c.n - c.window / 2));
	assert_true(checks >= 1 && checks <= c.n / 100);
	ops->destroy(m);
	map_ops_thread_exit(ops);
}

static void
grow_shrink(void **state)
{
	const uint64_t n = 20000;
	struct map *m;
	struct map_stats s;
	void *val;

	(void)state;
	map_ops_thread_enter(ops);
	m = ops->create(0);
	for (uint64_t i = 0; i < n; i++)
		assert_int_equal(ops->store(m, i * 7919, INTVAL(i)), 0);
	assert_true(own(m, "grows") >= 8); /* 32 -> 8192 buckets */
	assert_true(own(m, "buckets") >= 4096);
	for (uint64_t i = 0; i < n; i++) {
		assert_true(ops->load(m, i * 7919, &val));
		assert_ptr_equal(val, INTVAL(i));
	}
	for (uint64_t i = 0; i < n; i++)
		assert_true(ops->load_and_delete(m, i * 7919, &val));
	assert_true(own(m, "shrinks") >= 1);
	assert_true(own(m, "buckets") <= 256);
	map_ops_stats(ops, m, &s);
	assert_true(s.have & MAP_STAT_RESIZES);
	assert_int_equal(s.resizes, own(m, "grows") + own(m, "shrinks"));
	for (uint64_t i = 0; i < n; i += 97)
		assert_false(ops->load(m, i * 7919, &val));
	assert_int_equal(ops->store(m, 1, INTVAL(1)), 0);
	ops->clear(m);
	assert_int_equal(own(m, "clears"), 1);
	assert_int_equal(own(m, "buckets"), 32);
	assert_false(ops->load(m, 1, &val));
	ops->destroy(m);
	map_ops_thread_exit(ops);
}

/*
 * A 32-bucket map on the brink of growing: chain 0 holds 6 keys (a root
 * and an overflow bucket, full) whose hashes end in 6 zero bits, so that
 * they share a chain in the doubled table too and its rehash needs an
 * overflow bucket; 42 more keys keep every other chain at most 3 long,
 * for 48 keys = half of the 96 slots.  keys[] gets all 48.
 */
#define BRINK (32 * CLHT_SLOTS / 2)

static struct map *
brink(uint64_t *keys, uint64_t *next_colliding)
{
	struct map *m = ops->create(0);
	unsigned per[32] = {0}, n = 0;

	*next_colliding = 0;
	for (int i = 0; i < 2 * CLHT_SLOTS; i++)
		keys[n++] = colliding(next_colliding, 6);
	for (uint64_t k = UINT64_C(1) << 40; n < BRINK; k++) {
		unsigned b = map_hash64(k) & 31;

		if (b == 0 || per[b] == CLHT_SLOTS)
			continue;
		per[b]++;
		keys[n++] = k;
	}
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(ops->store(m, keys[i], INTVAL(keys[i])), 0);
	assert_int_equal(own(m, "buckets"), 32);
	assert_int_equal(own(m, "overflow_buckets"), 1);
	assert_int_equal(own(m, "grows"), 0);
	return m;
}

/*
 * Storing a 7th colliding key allocates, in order: (1) the doubled
 * table's header and (2) its buckets, (3) the overflow bucket of the
 * rehashed chain 0, (4) an overflow bucket for the key in the new table.
 * Failing (1), (2) or (3) abandons the resize: the key then goes into a
 * new overflow bucket of the old table (its allocation succeeds).
 */
static void
resize_alloc_fail(void **state)
{
	static const struct {
		int ret;
		uint64_t buckets, overflow, grows;
	} want[6] = {
		[1] = {0, 32, 2, 0}, [2] = {0, 32, 2, 0},
		[3] = {0, 32, 2, 0}, [4] = {-ENOMEM, 64, 1, 1},
		[5] = {0, 64, 2, 1},
	};
	uint64_t keys[BRINK], nk;

	(void)state;
	map_ops_thread_enter(ops);
	for (unsigned long k = 1; k <= 5; k++) {
		struct map *m = brink(keys, &nk);
		uint64_t key = colliding(&nk, 6);
		unsigned long left;
		void *val;
		int ret;

		atomic_store(&map_alloc_fail_countdown, k);
		ret = ops->store(m, key, INTVAL(key));
		left = atomic_exchange(&map_alloc_fail_countdown, 0);
		assert_int_equal(left != 0, k == 5); /* 4 allocations */
		assert_int_equal(ret, want[k].ret);
		assert_int_equal(ops->load(m, key, &val), ret == 0);
		assert_int_equal(own(m, "buckets"), want[k].buckets);
		assert_int_equal(own(m, "overflow_buckets"), want[k].overflow);
		assert_int_equal(own(m, "grows"), want[k].grows);
		for (int i = 0; i < BRINK; i++) {
			assert_true(ops->load(m, keys[i], &val));
			assert_ptr_equal(val, INTVAL(keys[i]));
		}
		/* The old table is not left frozen: writers still get in. */
		assert_int_equal(ops->store(m, 7, INTVAL(7)), 0);
		ops->del(m, keys[0]);
		assert_false(ops->load(m, keys[0], &val));
		ops->destroy(m);
	}
	map_ops_thread_exit(ops);
}

static uint64_t
locked(struct map *m)
{
	struct map_stats s;

	map_ops_stats(ops, m, &s);
	assert_true(s.have & MAP_STAT_LOCKED_OPS);
	return s.locked_ops;
}

static void
fast_paths(void **state)
{
	struct map *m;
	uint64_t l0;
	void *val;

	(void)state;
	map_ops_thread_enter(ops);
	m = ops->create(1000);
	for (uint64_t k = 0; k < 500; k++)
		assert_int_equal(ops->store(m, k, INTVAL(k)), 0);
	assert_int_equal(locked(m), 500);
	l0 = locked(m);
	for (uint64_t k = 0; k < 1000; k++) {
		assert_int_equal(ops->load(m, k, &val), k < 500);
		if (k >= 500) {
			ops->del(m, k);
			assert_false(ops->load_and_delete(m, k, &val));
			assert_false(ops->compare_and_delete(m, k, INTVAL(k)));
			assert_false(ops->compare_and_swap(m, k, INTVAL(k),
							   INTVAL(k)));
		} else {
			assert_int_equal(
				ops->load_or_store(m, k, INTVAL(k + 1), &val),
				1);
			assert_false(
				ops->compare_and_delete(m, k, INTVAL(k + 1)));
			assert_false(ops->compare_and_swap(m, k, INTVAL(k + 1),
							   INTVAL(k)));
		}
	}
	assert_int_equal(locked(m), l0);
	for (uint64_t k = 0; k < 100; k++) {
		assert_true(
			ops->compare_and_swap(m, k, INTVAL(k), INTVAL(k + 1)));
		assert_true(ops->compare_and_delete(m, k, INTVAL(k + 1)));
	}
	assert_int_equal(locked(m), l0 + 200);
	ops->destroy(m);
	map_ops_thread_exit(ops);
}

#define STABLE 200
#define CHURN  3000

struct rc {
	struct map *m;
	atomic_bool stop;
	atomic_ulong ranges, loads;
};

static void *
rc_writer(void *arg)
{
	struct rc *c = arg;
	static atomic_int ids;
	uint64_t base = (uint64_t)(atomic_fetch_add(&ids, 1) + 1) << 32;

	map_ops_thread_enter(ops);
	while (!atomic_load(&c->stop) && !tfailed()) {
		for (uint64_t i = 0; i < CHURN; i++)
			TCHECK(ops->store(c->m, base + i, INTVAL(base + i)) ==
				       0,
			       "store failed");
		for (uint64_t i = 0; i < CHURN; i++) {
			void *v;

			TCHECK(ops->load_and_delete(c->m, base + i, &v) &&
				       v == INTVAL(base + i),
			       "churn key %llu lost", (unsigned long long)i);
		}
	}
	map_ops_thread_exit(ops);
	return NULL;
}

static void *
rc_reader(void *arg)
{
	struct rc *c = arg;
	uint64_t i = 0;

	map_ops_thread_enter(ops);
	while (!atomic_load(&c->stop) && !tfailed()) {
		void *v = NULL;
		uint64_t k = i++ % STABLE;

		TCHECK(ops->load(c->m, k, &v) && v == INTVAL(k),
		       "stable key %llu not loaded", (unsigned long long)k);
		atomic_fetch_add(&c->loads, 1);
	}
	map_ops_thread_exit(ops);
	return NULL;
}

struct rc_range {
	unsigned seen[STABLE];
	uint64_t others;
};

static bool
rc_visit(uint64_t key, void *value, void *arg)
{
	struct rc_range *r = arg;

	if (key < STABLE) {
		TCHECK(value == INTVAL(key), "bad value");
		r->seen[key]++;
	} else {
		TCHECK(value == INTVAL(key), "bad churn value");
		r->others++;
	}
	return true;
}

static void *
rc_ranger(void *arg)
{
	struct rc *c = arg;
	static struct rc_range r;

	map_ops_thread_enter(ops);
	while (!atomic_load(&c->stop) && !tfailed()) {
		memset(&r, 0, sizeof(r));
		ops->range(c->m, rc_visit, &r);
		for (int k = 0; k < STABLE; k++)
			TCHECK(r.seen[k] == 1,
			       "range saw stable key %d %u times", k,
			       r.seen[k]);
		TCHECK(r.others <= 2 * CHURN, "range saw %llu churn keys",
		       (unsigned long long)r.others);
		atomic_fetch_add(&c->ranges, 1);
	}
	map_ops_thread_exit(ops);
	return NULL;
}

static void
resize_concurrent(void **state)
{
	void *(*fns[4])(void *) = {rc_writer, rc_writer, rc_reader, rc_ranger};
	pthread_t th[4];
	struct rc c = {0};
	uint64_t resizes;

	(void)state;
	/*
	 * Not under valgrind's scale: one thread at a time, the writers can
	 * resize tens of thousands of times before the ranger or urcu's
	 * call_rcu thread runs, until valgrind runs out of address-space
	 * segments (CI's valgrind stage).  The sanitizer stages run it.
	 */
	if (test_scale() < 0.1)
		skip();
	tfail_reset();
	map_ops_thread_enter(ops);
	c.m = ops->create(0);
	for (uint64_t k = 0; k < STABLE; k++)
		assert_int_equal(ops->store(c.m, k, INTVAL(k)), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, fns[i], &c), 0);
	sleep_sec(0.5 * test_scale());
	atomic_store(&c.stop, true);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	TFAIL_REPORT();
	resizes = own(c.m, "grows") + own(c.m, "shrinks");
	print_message("clht resize_concurrent: %llu resizes, %lu ranges, "
		      "%lu loads, %llu retries\n",
		      (unsigned long long)resizes, atomic_load(&c.ranges),
		      atomic_load(&c.loads),
		      (unsigned long long)own(c.m, "retries"));
	assert_true(resizes >= 2);
	/*
	 * Under valgrind (one thread at a time, scale 0.05) the ranger may
	 * not run in the window (CI saw 0 ranges): said, not failed there.
	 * Waiting for it made the writers resize until valgrind ran out of
	 * address-space segments.  At full scale it must have run.
	 */
	if (atomic_load(&c.ranges) == 0 && test_scale() < 0.1)
		print_message("clht resize_concurrent: the ranger did not run "
			      "at this scale; nothing checked by it\n");
	else
		assert_true(atomic_load(&c.ranges) >= 1);
	ops->destroy(c.m);
	map_ops_thread_exit(ops);
}

#define IR_CHURN 4

struct ir {
	const struct map_ops *ops;
	struct map *m;
	uint64_t a;		  /* swapped in place, always present */
	uint64_t churn[IR_CHURN]; /* two live at a time, reusing slots */
	atomic_bool stop;
	atomic_ulong loads, swaps, cycles;
};

static void *
ir_swapper(void *arg)
{
	struct ir *c = arg;
	void *cur = KEYVAL(c->a, 0), *prev, *next;
	uint64_t g = 0;

	map_ops_thread_enter(c->ops);
	while (!atomic_load(&c->stop) && !tfailed()) {
		next = KEYVAL(c->a, ++g);
		TCHECK(c->ops->swap(c->m, c->a, next, &prev) == 1 &&
			       prev == cur,
		       "swap of the stable key: not present or wrong previous "
		       "value");
		cur = next;
		next = KEYVAL(c->a, ++g);
		TCHECK(c->ops->compare_and_swap(c->m, c->a, cur, next),
		       "compare_and_swap of the stable key failed");
		cur = next;
		atomic_fetch_add(&c->swaps, 2);
	}
	map_ops_thread_exit(c->ops);
	return NULL;
}

/*
 * Delete the older live churn key, insert the next: the insert reuses the
 * slot just emptied, which held another key, so every cycle changes a
 * slot's key (with 4 churn keys, each of the two slots alternates between
 * two keys).
 */
static void *
ir_churner(void *arg)
{
	struct ir *c = arg;
	uint64_t j = 0;

	race_delays = 2;
	map_ops_thread_enter(c->ops);
	while (!atomic_load(&c->stop) && !tfailed()) {
		uint64_t out = c->churn[j % IR_CHURN],
			 in = c->churn[(j + 2) % IR_CHURN];
		void *v = NULL;

		TCHECK(c->ops->load_and_delete(c->m, out, &v) &&
			       VALKEY(v) == out,
		       "churn key %llu not deleted", (unsigned long long)out);
		TCHECK(c->ops->store(c->m, in, KEYVAL(in, j)) == 0,
		       "store failed");
		j++;
		atomic_fetch_add(&c->cycles, 1);
	}
	map_ops_thread_exit(c->ops);
	return NULL;
}

static void *
ir_reader(void *arg)
{
	struct ir *c = arg;
	uint64_t i = 0;

	race_delays = 1;
	map_ops_thread_enter(c->ops);
	while (!atomic_load(&c->stop) && !tfailed()) {
		uint64_t k = c->churn[i++ % IR_CHURN];
		void *v = NULL;

		TCHECK(c->ops->load(c->m, c->a, &v),
		       "the stable key, updated in place, was reported absent");
		TCHECK(VALKEY(v) == c->a,
		       "the stable key %llu loaded key %llu's value",
		       (unsigned long long)c->a, (unsigned long long)VALKEY(v));
		if (c->ops->load(c->m, k, &v))
			TCHECK(VALKEY(v) == k,
			       "churn key %llu loaded key %llu's value",
			       (unsigned long long)k,
			       (unsigned long long)VALKEY(v));
		atomic_fetch_add(&c->loads, 2);
	}
	map_ops_thread_exit(c->ops);
	return NULL;
}

static void
inplace_race_on(const struct map_ops *o)
{
	void *(*fns[4])(void *) = {ir_swapper, ir_churner, ir_reader,
				   ir_reader};
	static struct ir c;
	pthread_t th[4];
	uint64_t k = 0;

	memset(&c, 0, sizeof(c));
	tfail_reset();
	c.ops = o;
	map_ops_thread_enter(o);
	c.m = o->create(0);
	/* One bucket: a in slot 0, churn[0] and churn[1] in slots 1, 2. */
	c.a = colliding(&k, 10);
	for (int i = 0; i < IR_CHURN; i++)
		c.churn[i] = colliding(&k, 10);
	assert_int_equal(o->store(c.m, c.a, KEYVAL(c.a, 0)), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(
			o->store(c.m, c.churn[i], KEYVAL(c.churn[i], 0)), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, fns[i], &c), 0);
	sleep_sec((o == &clht_race_ops ? 1.0 : 0.4) * test_scale());
	/*
	 * Under valgrind (one thread at a time) the swapper may not have
	 * run yet when the window ends (CI saw 0 swaps): wait for its first
	 * rounds, up to 30 s.  It only loads and stores in place, so waiting
	 * allocates nothing.
	 */
	for (int i = 0; i < 3000 && atomic_load(&c.swaps) < 2; i++)
		sleep_sec(0.01);
	atomic_store(&c.stop, true);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	TFAIL_REPORT();
	print_message("clht inplace_race (%s): %lu loads, %lu in-place "
		      "updates, %lu slot reuses\n",
		      o == &clht_race_ops ? "race windows" : "built-in",
		      atomic_load(&c.loads), atomic_load(&c.swaps),
		      atomic_load(&c.cycles));
	/*
	 * Under valgrind (one thread at a time, MAPBENCH_TEST_SCALE 0.05) the
	 * readers of the race-window copy may not get to run in the short
	 * window: said, not failed there.  At full scale they must have run.
	 */
	if (atomic_load(&c.loads) == 0 && test_scale() < 0.1)
		print_message("clht inplace_race: the readers did not run at "
			      "this scale; nothing checked by them\n");
	else
		assert_true(atomic_load(&c.loads) > 0);
	assert_true(atomic_load(&c.swaps) > 0);
	/* The churner too may not have run under valgrind (CI saw 0). */
	if (atomic_load(&c.cycles) == 0 && test_scale() < 0.1)
		print_message("clht inplace_race: no slot was reused at this "
			      "scale; nothing checked by it\n");
	else
		assert_true(atomic_load(&c.cycles) > 0);
	o->destroy(c.m);
	map_ops_thread_exit(o);
}

static void
inplace_race(void **state)
{
	(void)state;
	inplace_race_on(ops);
	inplace_race_on(&clht_race_ops);
}

/*
 * reuse_under_reader: the interleavings that the lookup's checks exist
 * for, forced step by step on the copy of clht compiled above.  One
 * bucket holds a, b and d (slots 0, 1, 2); c collides with them.
 */
struct rur {
	struct map *m;
	uint64_t key;
	unsigned pause_mask;
	bool found;
	void *v;
	sem_t resume;
};

static void *
rur_thread(void *arg)
{
	struct rur *r = arg;

	map_ops_thread_enter(&clht_race_ops);
	pause_mask = r->pause_mask;
	resumed = &r->resume;
	r->found = clht_race_ops.load(r->m, r->key, &r->v);
	map_ops_thread_exit(&clht_race_ops);
	return NULL;
}

static pthread_t
rur_start(struct rur *r)
{
	pthread_t th;

	assert_int_equal(sem_init(&r->resume, 0, 0), 0);
	assert_int_equal(pthread_create(&th, NULL, rur_thread, r), 0);
	return th;
}

/* Wait until a thread stops at a window of its pause_mask. */
static void
rur_stopped(void)
{
	while (sem_wait(&paused) != 0)
		;
}

static void
reuse_under_reader(void **state)
{
	const struct map_ops *o = &clht_race_ops;
	uint64_t k = 0, a, b, c, d;
	struct rur r;
	pthread_t tr;
	struct map *m;
	void *v;

	(void)state;
	assert_int_equal(sem_init(&paused, 0, 0), 0);
	map_ops_thread_enter(o);
	m = o->create(0);
	a = colliding(&k, 10);
	b = colliding(&k, 10);
	d = colliding(&k, 10);
	c = colliding(&k, 10);
	assert_int_equal(o->store(m, a, KEYVAL(a, 0)), 0);
	assert_int_equal(o->store(m, b, KEYVAL(b, 0)), 0);
	assert_int_equal(o->store(m, d, KEYVAL(d, 0)), 0);

	/*
	 * 1. The reader matches b's key, then b is deleted (its slot takes
	 * the chain's vacant key) and c inserted into that slot; the reader
	 * loads c's value: the epoch, bumped by c's insert, must reject it.
	 */
	r = (struct rur){.m = m, .key = b, .pause_mask = 1u << 1};
	tr = rur_start(&r);
	rur_stopped(); /* the reader matched b's key */
	o->del(m, b);
	assert_int_equal(o->store(m, c, KEYVAL(c, 1)), 0); /* b's old slot */
	sem_post(&r.resume);
	pthread_join(tr, NULL);
	assert_false(r.found); /* not c's value */

	/*
	 * 2. The reader matches b, the slot becomes c's, the reader loads
	 * c's value, the slot becomes b's again: only the epoch tells that
	 * the value is c's.
	 */
	o->del(m, c);
	assert_int_equal(o->store(m, b, KEYVAL(b, 2)), 0);
	r = (struct rur){.m = m, .key = b, .pause_mask = (1u << 1) | (1u << 2)};
	tr = rur_start(&r);
	rur_stopped(); /* matched b */
	o->del(m, b);
	assert_int_equal(o->store(m, c, KEYVAL(c, 3)), 0);
	sem_post(&r.resume);
	rur_stopped(); /* loaded c's value */
	o->del(m, c);
	assert_int_equal(o->store(m, b, KEYVAL(b, 4)), 0);
	sem_post(&r.resume);
	pthread_join(tr, NULL);
	assert_true(r.found);
	assert_ptr_equal(r.v, KEYVAL(b, 4));

	/*
	 * 3. A slot beside a present key changes key while the reader loads
	 * it: the reader retries and finds it, never reports it absent.
	 */
	r = (struct rur){.m = m, .key = a, .pause_mask = 1u << 2};
	tr = rur_start(&r);
	rur_stopped(); /* loaded a's value */
	o->del(m, b);
	assert_int_equal(o->store(m, c, KEYVAL(c, 5)), 0);
	sem_post(&r.resume);
	pthread_join(tr, NULL);
	assert_true(r.found);
	assert_ptr_equal(r.v, KEYVAL(a, 0));

	/* The bucket ends as it should: a, d and c, all in one bucket. */
	assert_true(o->load(m, a, &v) && v == KEYVAL(a, 0));
	assert_true(o->load(m, c, &v) && v == KEYVAL(c, 5));
	assert_true(o->load(m, d, &v) && v == KEYVAL(d, 0));
	assert_false(o->load(m, b, &v));
	assert_int_equal(own(m, "overflow_buckets"), 0);
	o->destroy(m);
	map_ops_thread_exit(o);
	sem_destroy(&paused);
}

/*
 * vacant_keys: an empty slot holds its chain's vacant key, a key that
 * hashes to a chain of the other parity, so no lookup in the chain stops
 * at it; the vacant keys themselves are ordinary keys.
 */
static void
vacant_keys(void **state)
{
	const struct map_ops *o = &clht_race_ops;
	struct clht_table *t;
	struct map *m;
	unsigned empty = 0;
	void *v;

	(void)state;
	assert_int_equal(map_hash64(CLHT_VACANT_EVEN) & 1, 1);
	assert_int_equal(map_hash64(CLHT_VACANT_ODD) & 1, 0);
	map_ops_thread_enter(o);
	m = o->create(0); /* 32 chains */
	for (uint64_t k = 0; k < 40; k++)
		assert_int_equal(o->store(m, k, INTVAL(k)), 0);
	for (uint64_t k = 0; k < 40; k += 2)
		o->del(m, k);
	t = atomic_load_explicit(&m->table, memory_order_acquire);
	for (size_t i = 0; i <= t->mask; i++)
		for (struct clht_bucket *b = &t->buckets[i]; b != NULL;
		     b = atomic_load_explicit(&b->next, memory_order_acquire))
			for (unsigned j = 0; j < CLHT_SLOTS; j++) {
				uint64_t key = atomic_load_explicit(
					&b->key[j], memory_order_relaxed);

				if (atomic_load_explicit(&b->val[j],
							 memory_order_relaxed))
					continue;
				empty++;
				assert_int_equal(key, clht_vacant(i));
				assert_int_not_equal(map_hash64(key) & 1,
						     i & 1);
			}
	assert_int_equal(empty, (t->mask + 1) * CLHT_SLOTS - 20);
	for (uint64_t k = 0; k < 40; k++)
		assert_int_equal(o->load(m, k, &v), k % 2 == 1);
	/* 0 and 3 (deleted above) are keys like any other. */
	assert_int_equal(o->store(m, CLHT_VACANT_ODD, INTVAL(7)), 0);
	assert_int_equal(o->store(m, CLHT_VACANT_EVEN, INTVAL(8)), 0);
	assert_true(o->load(m, CLHT_VACANT_ODD, &v) && v == INTVAL(7));
	assert_true(o->load(m, CLHT_VACANT_EVEN, &v) && v == INTVAL(8));
	o->destroy(m);
	map_ops_thread_exit(o);
}

/*
 * table_pins: thread A runs the steps its script says, one at a time, each
 * when the main thread posts `go`, and posts `done` after each.
 */
enum pin_step { PIN_LOAD, PIN_LOAD_W5, PIN_RANGE, PIN_EXIT };

struct pins {
	struct map *m;
	uint64_t key;
	enum pin_step step;
	bool found;
	void *v;
	struct clht_table *pin; /* A's pin for m after its last load */
	unsigned calls;
	sem_t go, done;
};

static void
pins_wait(sem_t *s)
{
	while (sem_wait(s) != 0)
		;
}

/* Range's fn: stop twice for the main thread, loading the key between. */
static bool
pins_visit(uint64_t key, void *value, void *arg)
{
	struct pins *p = arg;

	(void)key;
	(void)value;
	if (p->calls++ > 0)
		return true;
	sem_post(&p->done); /* inside the Range */
	pins_wait(&p->go);
	/* Moves A's operation pin to the new table; the Range keeps its. */
	p->found = clht_race_ops.load(p->m, p->key, &p->v);
	sem_post(&p->done);
	pins_wait(&p->go);
	return false;
}

static void *
pins_thread(void *arg)
{
	struct pins *p = arg;

	map_ops_thread_enter(&clht_race_ops);
	resumed = &p->go;
	for (;;) {
		pins_wait(&p->go);
		switch (p->step) {
		case PIN_LOAD:
		case PIN_LOAD_W5:
			pause_mask = p->step == PIN_LOAD_W5 ? 1u << 5 : 0;
			p->found = clht_race_ops.load(p->m, p->key, &p->v);
			p->pin = atomic_load_explicit(clht_pin_slot(p->m),
						      memory_order_relaxed);
			break;
		case PIN_RANGE:
			p->calls = 0;
			clht_race_ops.range(p->m, pins_visit, p);
			break;
		case PIN_EXIT:
			map_ops_thread_exit(&clht_race_ops);
			sem_post(&p->done);
			return NULL;
		}
		sem_post(&p->done);
	}
}

/* Let A run `step`; return when it is done (or, at window 5, stopped). */
static void
pins_run(struct pins *p, enum pin_step step)
{
	p->step = step;
	sem_post(&p->go);
	pins_wait(step == PIN_LOAD_W5 ? &paused : &p->done);
}

/* Insert keys from *next until the table has doubled once more. */
static void
pins_grow(struct map *m, uint64_t *next)
{
	uint64_t before = own(m, "grows");

	while (own(m, "grows") == before) {
		assert_int_equal(clht_race_ops.store(m, *next, INTVAL(*next)),
				 0);
		++*next;
	}
}

static void
table_pins(void **state)
{
	struct pins p = {.key = 7};
	uint64_t next = 100;
	pthread_t th;

	(void)state;
	ops = &clht_race_ops; /* own() reads this copy's counters */
	assert_int_equal(sem_init(&paused, 0, 0), 0);
	assert_int_equal(sem_init(&p.go, 0, 0), 0);
	assert_int_equal(sem_init(&p.done, 0, 0), 0);
	map_ops_thread_enter(&clht_race_ops);
	p.m = clht_race_ops.create(0);
	assert_int_equal(clht_race_ops.store(p.m, p.key, INTVAL(p.key)), 0);
	assert_int_equal(pthread_create(&th, NULL, pins_thread, &p), 0);

	/* 1. A's last load pinned t0: two resizes later, t0 is kept. */
	pins_run(&p, PIN_LOAD);
	assert_true(p.found);
	pins_grow(p.m, &next);
	pins_grow(p.m, &next);
	assert_int_equal(own(p.m, "retired_tables"), 1);

	/*
	 * 2. A loads the current table t2, stops before pinning it; t2 is
	 * replaced and, pinned by nobody, freed.  A must pin t3 and find its
	 * key there; its pin moves off t0, which is then freed.
	 */
	pins_run(&p, PIN_LOAD_W5);
	pins_grow(p.m, &next);
	assert_int_equal(own(p.m, "retired_tables"), 1); /* t0 only */
	sem_post(&p.go);
	pins_wait(&p.done);
	assert_true(p.found);
	assert_ptr_equal(p.v, INTVAL(p.key));
	assert_ptr_equal(p.pin, atomic_load(&p.m->table)); /* t3, not t2 */
	assert_int_equal(own(p.m, "retired_tables"), 0);

	/*
	 * 3. A Range holds t3 while its fn moves A's operation pin to t4: t3
	 * stays until the Range ends.
	 */
	pins_run(&p, PIN_RANGE); /* A is inside the Range */
	pins_grow(p.m, &next);
	sem_post(&p.go);
	pins_wait(&p.done); /* fn loaded from t4 */
	assert_true(p.found);
	assert_int_equal(own(p.m, "retired_tables"), 1);
	sem_post(&p.go);
	pins_wait(&p.done); /* the Range returned */
	assert_int_equal(own(p.m, "retired_tables"), 0);

	/* 4. No operation in flight: quiesce frees a table A still pins. */
	pins_grow(p.m, &next);
	assert_int_equal(own(p.m, "retired_tables"), 1);
	clht_race_ops.quiesce(p.m);
	assert_int_equal(own(p.m, "retired_tables"), 0);
	pins_run(&p, PIN_LOAD);
	assert_true(p.found);
	assert_ptr_equal(p.v, INTVAL(p.key));
	assert_ptr_equal(p.pin, atomic_load(&p.m->table));

	/* 5. Clear retires the table A pins the same way; A's next load
	 * (the key is gone) moves the pin and frees it. */
	clht_race_ops.clear(p.m);
	assert_int_equal(own(p.m, "retired_tables"), 1);
	pins_run(&p, PIN_LOAD);
	assert_false(p.found);
	assert_ptr_equal(p.pin, atomic_load(&p.m->table));
	assert_int_equal(own(p.m, "retired_tables"), 0);

	pins_run(&p, PIN_EXIT);
	pthread_join(th, NULL);
	clht_race_ops.destroy(p.m);
	map_ops_thread_exit(&clht_race_ops);
	sem_destroy(&p.go);
	sem_destroy(&p.done);
	sem_destroy(&paused);
	ops = map_find("clht");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(long_chain_range),
		cmocka_unit_test(grow_shrink),
		cmocka_unit_test(drain_small),
		cmocka_unit_test(drain_threads),
		cmocka_unit_test(clear_in_place_shrinks),
		cmocka_unit_test(steady_checks),
		cmocka_unit_test(resize_alloc_fail),
		cmocka_unit_test(fast_paths),
		cmocka_unit_test(resize_concurrent),
		cmocka_unit_test(inplace_race),
		cmocka_unit_test(reuse_under_reader),
		cmocka_unit_test(vacant_keys),
		cmocka_unit_test(table_pins),
	};

	ops = map_find("clht");
	if (ops == NULL) {
		print_message("clht is not in the registry: nothing to do\n");
		return 0;
	}
	return cmocka_run_group_tests_name("clht", tests, NULL, NULL);
}

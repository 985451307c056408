/*
 * clht's own mechanisms, which the common suites reach only by chance:
 *
 * long_chain_range   keys that share one chain (7 overflow buckets): range
 *                    delivers each exactly once, also when fn deletes and
 *                    re-inserts every key it is given (the key then lands
 *                    elsewhere in the chain), and stops when fn says so.
 * grow_shrink        20,000 keys grow the table, deleting them shrinks it
 *                    back; the counters say so and every key stays right.
 * resize_alloc_fail  an insert that must grow the table, with each of its
 *                    allocations failing in turn: the entry (-ENOMEM,
 *                    unchanged), the new table or an overflow bucket of
 *                    the rehash (the resize is abandoned, the old table
 *                    unfrozen, and the key goes into an overflow bucket),
 *                    or that overflow bucket too (-ENOMEM, unchanged).
 * fast_paths         loads, and the misses of the deleters and mismatches of
 *                    the compares, take no lock (locked_ops stays put);
 *                    every change takes exactly one.
 * resize_concurrent  two writers grow and shrink the table over and over
 *                    while a reader loads a set of stable keys and a
 *                    ranger checks that every range sees each stable key
 *                    exactly once and no key twice.
 */
#include "testutil.h"

#include "alloc.h"
#include "hash.h"

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
		/* Frees the key's slot; the re-insert takes the first free one.
		 */
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
	assert_int_equal(own(m, "overflow_buckets"), CHAIN / 5 - 1);
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
 * A 32-bucket map on the brink of growing: chain 0 holds 10 keys (a
 * root and an overflow bucket, full) whose hashes end in 6 zero bits,
 * so that they share a chain in the doubled table too and its rehash
 * needs an overflow bucket; 110 more keys keep every other chain at most
 * 4 long, for 120 keys = 3/4 of 160 slots.  keys[] gets all 120.
 */
static struct map *
brink(uint64_t *keys, uint64_t *next_colliding)
{
	struct map *m = ops->create(0);
	unsigned per[32] = {0}, n = 0;

	*next_colliding = 0;
	for (int i = 0; i < 10; i++)
		keys[n++] = colliding(next_colliding, 6);
	for (uint64_t k = UINT64_C(1) << 40; n < 120; k++) {
		unsigned b = map_hash64(k) & 31;

		if (b == 0 || per[b] == 4)
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
 * Storing an 11th colliding key allocates, in order: (1) its entry,
 * (2) the doubled table's header and (3) its buckets, (4) the overflow
 * bucket of the rehashed chain 0, (5) an overflow bucket for the key in
 * the new table.  Failing (2), (3) or (4) abandons the resize: the key
 * then goes into a new overflow bucket of the old table (its allocation
 * succeeds).
 */
static void
resize_alloc_fail(void **state)
{
	static const struct {
		int ret;
		uint64_t buckets, overflow, grows;
	} want[7] = {
		[1] = {-ENOMEM, 32, 1, 0}, [2] = {0, 32, 2, 0},
		[3] = {0, 32, 2, 0},	   [4] = {0, 32, 2, 0},
		[5] = {-ENOMEM, 64, 1, 1}, [6] = {0, 64, 2, 1},
	};
	uint64_t keys[120], nk;

	(void)state;
	map_ops_thread_enter(ops);
	for (unsigned long k = 1; k <= 6; k++) {
		struct map *m = brink(keys, &nk);
		uint64_t key = colliding(&nk, 6);
		unsigned long left;
		void *val;
		int ret;

		atomic_store(&map_alloc_fail_countdown, k);
		ret = ops->store(m, key, INTVAL(key));
		left = atomic_exchange(&map_alloc_fail_countdown, 0);
		assert_int_equal(left != 0, k == 6); /* 5 allocations */
		assert_int_equal(ret, want[k].ret);
		assert_int_equal(ops->load(m, key, &val), ret == 0);
		assert_int_equal(own(m, "buckets"), want[k].buckets);
		assert_int_equal(own(m, "overflow_buckets"), want[k].overflow);
		assert_int_equal(own(m, "grows"), want[k].grows);
		for (int i = 0; i < 120; i++) {
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
	assert_true(atomic_load(&c.ranges) >= 1);
	ops->destroy(c.m);
	map_ops_thread_exit(ops);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(long_chain_range),
		cmocka_unit_test(grow_shrink),
		cmocka_unit_test(resize_alloc_fail),
		cmocka_unit_test(fast_paths),
		cmocka_unit_test(resize_concurrent),
	};

	ops = map_find("clht");
	if (ops == NULL) {
		print_message("clht is not in the registry: nothing to do\n");
		return 0;
	}
	return cmocka_run_group_tests_name("clht", tests, NULL, NULL);
}

/*
 * striped's and striped_mx's parameter ("striped:64"): what it accepts,
 * what it rejects (NULL with errno EINVAL), and that the shard count it
 * names is the one the map runs with (its `shards` counter); locked_ops
 * counts exclusive acquisitions (striped_mx: every one, loads included).
 * Also checks that ckht's and striped's locked_ops and resizes count what
 * they say, single-threaded, and that striped's Clear deletes every key at
 * one instant.
 */
#include <pthread.h>
#include <sched.h>

#include "common/hash.h"
#include "testutil.h"

static uint64_t
own(const struct map_ops *ops, struct map *m, const char *name)
{
	struct map_stats s;

	map_ops_stats(ops, m, &s);
	for (unsigned i = 0; i < ops->n_counters; i++)
		if (strcmp(ops->counters[i].name, name) == 0)
			return s.own[i];
	fail_msg("%s has no counter %s", ops->name, name);
	return 0;
}

static void
rejects(void **state)
{
	static const char *const bad[] = {
		"0",   "3",    "65537", "131072", "-4",	 "64x",
		"64,", "rw",   "mutex", "",	  "1e3", " 64",
		"+64", "0x40", "064",	"00001", /* one map, one spelling (D27)
						  */
	};
	const char *const names[] = {"striped", "striped_mx"};

	(void)state;
	for (size_t n = 0; n < 2; n++) {
		const struct map_ops *ops = map_find(names[n]);

		assert_non_null(ops);
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			errno = 0;
			if (map_ops_create(ops, bad[i], 0) != NULL)
				fail_msg("%s accepted '%s'", ops->name, bad[i]);
			assert_int_equal(errno, EINVAL);
		}
	}
}

static void
accepts(void **state)
{
	static const struct {
		const char *param;
		uint64_t shards;
	} good[] = {
		{NULL, 32}, {"1", 1}, {"2", 2}, {"64", 64}, {"65536", 65536},
	};
	const char *const names[] = {"striped", "striped_mx"};

	(void)state;
	for (size_t n = 0; n < 2; n++) {
		const struct map_ops *ops = map_find(names[n]);
		bool mutex = n == 1;

		for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
			struct map *m = map_ops_create(ops, good[i].param, 100);
			struct map_stats s;
			void *v;

			if (m == NULL)
				fail_msg("%s rejected '%s'", ops->name,
					 good[i].param);
			assert_int_equal(own(ops, m, "shards"), good[i].shards);
			for (uint64_t k = 0; k < 200; k++)
				assert_int_equal(ops->store(m, k, INTVAL(k)),
						 0);
			for (uint64_t k = 0; k < 200; k++) {
				assert_true(ops->load(m, k, &v));
				assert_ptr_equal(v, INTVAL(k));
			}
			/* Some shard holds at least its fair share. */
			assert_true(own(ops, m, "shard_keys_max") >=
				    (200 + good[i].shards - 1) /
					    good[i].shards);
			map_ops_stats(ops, m, &s);
			/* 200 stores; loads count when they take a mutex. */
			assert_int_equal(s.locked_ops, mutex ? 400 : 200);
			/* Sized for 100 keys: 200 need at most one grow each.
			 */
			assert_true(s.resizes <= good[i].shards);
			if (good[i].shards == 1)
				assert_int_equal(s.resizes, 1);
			ops->destroy(m);
		}
	}
}

/* Growing from empty to 10,000 keys resizes; reads take no writer lock. */
static void
counters(void **state)
{
	const char *const names[] = {"striped", "striped_mx", "ckht"};

	(void)state;
	for (size_t n = 0; n < 3; n++) {
		const struct map_ops *ops = map_find(names[n]);
		struct map_stats a, b;
		struct map *m;

		assert_non_null(ops);
		map_ops_thread_enter(ops);
		m = map_ops_create(ops, NULL, 0);
		assert_non_null(m);
		map_ops_stats(ops, m, &a);
		assert_true(a.have & MAP_STAT_LOCKED_OPS);
		assert_true(a.have & MAP_STAT_RESIZES);
		for (uint64_t k = 0; k < 10000; k++)
			assert_int_equal(ops->store(m, k, INTVAL(k)), 0);
		map_ops_stats(ops, m, &b);
		assert_int_equal(b.locked_ops - a.locked_ops, 10000);
		if (b.resizes - a.resizes < 3)
			fail_msg("%s: %llu resizes for 10000 keys", ops->name,
				 (unsigned long long)(b.resizes - a.resizes));
		for (uint64_t k = 0; k < 10000; k++)
			assert_true(ops->load(m, k, NULL));
		map_ops_stats(ops, m, &a);
		assert_int_equal(a.locked_ops - b.locked_ops,
				 strcmp(ops->name, "striped_mx") == 0 ? 10000
								      : 0);
		ops->destroy(m);
		map_ops_thread_exit(ops);
	}
}

struct clear_race {
	const struct map_ops *ops;
	struct map *m;
	_Atomic int go; /* 1: clear now; 0: cleared */
	_Atomic int done;
};

static void *
clearer(void *arg)
{
	struct clear_race *r = arg;

	map_ops_thread_enter(r->ops);
	while (!atomic_load_explicit(&r->done, memory_order_acquire)) {
		if (!atomic_load_explicit(&r->go, memory_order_acquire)) {
			sched_yield();
			continue;
		}
		r->ops->clear(r->m);
		atomic_store_explicit(&r->go, 0, memory_order_release);
	}
	return NULL;
}

/*
 * Two shards, key a in the first one Clear empties, b in the second.  A
 * reader that sees a gone while nobody stores must see b gone too: with a
 * Clear that frees one shard at a time, it can load a after the first
 * shard is emptied and b before the second is.
 */
static void
clear_is_one_instant(void **state)
{
	const char *const names[] = {"striped", "striped_mx"};
	uint64_t a = 0, b = 0;

	(void)state;
	while (((map_hash64(a) >> 48) & 1) != 0)
		a++;
	b = a + 1;
	while (((map_hash64(b) >> 48) & 1) != 1)
		b++;
	for (size_t n = 0; n < 2; n++) {
		struct clear_race r = {.ops = map_find(names[n])};
		unsigned torn = 0;
		pthread_t th;

		assert_non_null(r.ops);
		r.m = map_ops_create(r.ops, "2", 0);
		assert_non_null(r.m);
		atomic_init(&r.go, 0);
		atomic_init(&r.done, 0);
		assert_int_equal(pthread_create(&th, NULL, clearer, &r), 0);
		for (unsigned long i = 0; i < scaled(2000, 200); i++) {
			assert_int_equal(r.ops->store(r.m, a, INTVAL(a)), 0);
			assert_int_equal(r.ops->store(r.m, b, INTVAL(b)), 0);
			atomic_store_explicit(&r.go, 1, memory_order_release);
			for (;;) {
				bool ha = r.ops->load(r.m, a, NULL);
				bool hb = r.ops->load(r.m, b, NULL);

				if (!ha) {
					torn += hb;
					break;
				}
			}
			while (atomic_load_explicit(&r.go,
						    memory_order_acquire))
				;
		}
		atomic_store_explicit(&r.done, 1, memory_order_release);
		pthread_join(th, NULL);
		r.ops->destroy(r.m);
		if (torn)
			fail_msg("%s: %u times a was cleared and b, stored "
				 "before the Clear, still there",
				 names[n], torn);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rejects),
		cmocka_unit_test(accepts),
		cmocka_unit_test(counters),
		cmocka_unit_test(clear_is_one_instant),
	};

	return cmocka_run_group_tests_name("striped_params", tests, NULL, NULL);
}

/*
 * syncmap's counters follow Go's algorithm exactly (single-threaded).
 *
 * The lead's syncmap counts, in struct map_stats:
 *   locked_ops      +1 each time the map mutex is taken;
 *   misses          +1 per missLocked call;
 *   promotions      +1 per dirty -> read promotion (missLocked or Range);
 *   dirty_rebuilds  +1 each time dirtyLocked copies read into a new dirty;
 *   entries_copied  += the number of read entries that copy visits.
 *
 * Each expected count below is derived from Go 1.23's src/sync/map.go
 * (Store is Swap since Go 1.20; CompareAndSwap, CompareAndDelete and
 * LoadOrStore call missLocked when they find the key in dirty only;
 * missLocked promotes when misses >= len(dirty); Range promotes an
 * amended map; dirtyLocked does nothing if dirty exists).  "read" is the
 * read-only map, "dirty" the mutex-guarded one.
 */
#include "testutil.h"

static const struct map_ops *ops;

#define V(n) INTVAL(n)

static struct map_stats
stats(struct map *m)
{
	struct map_stats s;

	map_ops_stats(ops, m, &s);
	return s;
}

/* The counters' change since `a`. */
static struct map_stats
delta(struct map *m, const struct map_stats *a)
{
	struct map_stats b = stats(m);

	return (struct map_stats){
		.promotions = b.promotions - a->promotions,
		.dirty_rebuilds = b.dirty_rebuilds - a->dirty_rebuilds,
		.entries_copied = b.entries_copied - a->entries_copied,
		.misses = b.misses - a->misses,
		.locked_ops = b.locked_ops - a->locked_ops,
	};
}

#define assert_delta(d, p, r, c, mi, l)                                        \
	do {                                                                   \
		assert_int_equal((d).promotions, (p));                         \
		assert_int_equal((d).dirty_rebuilds, (r));                     \
		assert_int_equal((d).entries_copied, (c));                     \
		assert_int_equal((d).misses, (mi));                            \
		assert_int_equal((d).locked_ops, (l));                         \
	} while (0)

static bool
count_fn(uint64_t key, void *value, void *arg)
{
	++*(size_t *)arg;
	return true;
}

static size_t
range_count(struct map *m)
{
	size_t n = 0;

	ops->range(m, count_fn, &n);
	return n;
}

static int
setup(void **state)
{
	map_ops_thread_enter(ops);
	*state = test_create(ops, 0);
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	ops->destroy(*state);
	map_ops_thread_exit(ops);
	return 0;
}

/*
 * Go's BenchmarkLoadAndDeleteCollision.  LoadOrStore(0) on a new map:
 * read is empty and not amended, dirty nil: lock, dirtyLocked builds an
 * empty dirty (1 rebuild, 0 copied), read marked amended, dirty = {0}.
 * Then each `if LoadAndDelete(0) { Store(0) }`:
 *   LoadAndDelete: 0 not in read, read amended: lock (+1); dirty has 0:
 *     delete it from dirty; missLocked (+1 miss): misses 1 >= len(dirty)
 *     0, so promote (+1): read = {} (not amended), dirty nil.  The entry
 *     held is deleted: loaded.
 *   Store = Swap: 0 not in read: lock (+1); not in dirty (nil), read not
 *     amended: dirtyLocked copies the empty read (+1 rebuild, 0 copied),
 *     read amended, dirty = {0}.
 * So N iterations: N promotions, N rebuilds, N misses, 2N locked ops.
 */
static void
load_and_delete_collision(void **state)
{
	struct map *m = *state;
	struct map_stats s0 = stats(m), d;
	unsigned long n = scaled(10000, 100);
	void *got;

	assert_int_equal(ops->load_or_store(m, 0, V(0), &got), 0);
	d = delta(m, &s0);
	assert_delta(d, 0, 1, 0, 0, 1);
	s0 = stats(m);
	for (unsigned long i = 0; i < n; i++) {
		assert_true(ops->load_and_delete(m, 0, &got));
		assert_ptr_equal(got, V(0));
		assert_int_equal(ops->store(m, 0, V(0)), 0);
	}
	d = delta(m, &s0);
	assert_delta(d, n, n, 0, n, 2 * n);
}

/*
 * Go's benchmark priming (hits = 1023, misses = 1): LoadOrStore(i, i)
 * for i in [0, 1023):
 *   i = 0: lock, dirtyLocked on the empty read (1 rebuild, 0 copied),
 *     amended, dirty = {0}.
 *   i > 0: i not in read (empty), lock, not in dirty, read already
 *     amended: dirty gets i.  No missLocked on this path.
 *   => 1023 locked ops, 1 rebuild, 0 misses, len(dirty) = 1023.
 * Then Load(i % 1023) for i in [0, 2046):
 *   the first 1023 miss read (empty, amended): lock, found in dirty,
 *     missLocked; misses reaches 1023 = len(dirty) on the last of them:
 *     promote (1).  => 1023 locked ops, 1023 misses.
 *   the next 1023 hit read: no lock.
 * Then LoadMostlyHits loads of i % 1024: keys < 1023 hit read, key 1023
 * misses but read is not amended, so Load returns at once: no lock, no
 * miss, no promotion, however many loads.
 */
static void
load_mostly_hits(void **state)
{
	struct map *m = *state;
	struct map_stats s0 = stats(m), d;
	unsigned long n = scaled(200000, 10000);
	void *got;

	for (uint64_t i = 0; i < 1023; i++)
		assert_int_equal(ops->load_or_store(m, i, V(i), &got), 0);
	d = delta(m, &s0);
	assert_delta(d, 0, 1, 0, 0, 1023);
	for (uint64_t i = 0; i < 2046; i++) {
		assert_true(ops->load(m, i % 1023, &got));
		assert_ptr_equal(got, V(i % 1023));
		if (i == 1021)
			assert_int_equal(delta(m, &s0).promotions, 0);
		if (i == 1022)
			assert_int_equal(delta(m, &s0).promotions, 1);
	}
	d = delta(m, &s0);
	assert_delta(d, 1, 1, 0, 1023, 2046);
	s0 = stats(m);
	for (unsigned long i = 0; i < n; i++)
		assert_int_equal(ops->load(m, i % 1024, &got), i % 1024 < 1023);
	d = delta(m, &s0);
	assert_delta(d, 0, 0, 0, 0, 0);
}

/*
 * Go's BenchmarkSwapMostlyMisses, one goroutine.  Priming with hits = 1:
 * LoadOrStore(0) (1 rebuild of the empty read, 1 lock, dirty = {0}),
 * Load(0) (lock, miss: 1 >= len(dirty) 1: promote; read = {0}), Load(0)
 * (hit).  Then for each new key k, Swap(k) then Delete(k):
 *   Swap: k not in read; lock (+1); not in dirty (nil); read not amended:
 *     dirtyLocked copies read = {0}, live (+1 rebuild, +1 copied),
 *     amended, dirty = {0, k}.  No previous value.
 *   Delete = LoadAndDelete: k not in read, amended: lock (+1); k in
 *     dirty: removed, dirty = {0}; missLocked (+1): 1 >= 1: promote (+1),
 *     read = {0}, dirty nil.
 * Every swap of a new key takes the lock; per pair: +2 locked, +1
 * promotion, +1 rebuild, +1 copied, +1 miss.  Swaps of key 0 (the hit
 * side) find it in read and swap lock-free.
 */
static void
swap_mostly_misses(void **state)
{
	struct map *m = *state;
	struct map_stats s0 = stats(m), d;
	unsigned long n = scaled(5000, 100);
	void *got;

	assert_int_equal(ops->load_or_store(m, 0, V(0), &got), 0);
	assert_true(ops->load(m, 0, &got));
	assert_true(ops->load(m, 0, &got));
	d = delta(m, &s0);
	assert_delta(d, 1, 1, 0, 1, 2);
	s0 = stats(m);
	for (unsigned long i = 1; i <= n; i++) {
		struct map_stats before = stats(m);

		assert_int_equal(ops->swap(m, i, V(i), &got), 0);
		assert_int_equal(delta(m, &before).locked_ops, 1);
		ops->del(m, i);
		assert_int_equal(ops->swap(m, 0, V(i), &got), 1);
		assert_ptr_equal(got, V(i - 1));
	}
	d = delta(m, &s0);
	assert_delta(d, n, n, n, n, 2 * n);
	/*
	 * Without the deletes: the first new key rebuilds dirty from read
	 * = {0}; later ones find read amended and dirty present: one lock
	 * each, nothing else.
	 */
	s0 = stats(m);
	for (unsigned long i = 1; i <= n; i++)
		assert_int_equal(ops->swap(m, n + i, V(i), &got), 0);
	d = delta(m, &s0);
	assert_delta(d, 0, 1, 1, 0, n);
}

/*
 * Range promotes an amended map, once.  Store(0..9) on a new map: one
 * rebuild of the empty read, 10 locks, amended.  Range: amended: lock,
 * promote (+1; Range does not go through missLocked, so no miss) and
 * walk read = {0..9}.  A second Range: not amended, no lock.
 * Then Delete(0..4) are lock-free (found in read: the entries become
 * nil), Store(100): not in read, lock; dirtyLocked visits the 10 read
 * entries (+10 copied), expunging 0..4 and copying 5..9; dirty = {5..9,
 * 100}.  Store(0): 0 is in read but expunged, so tryStore fails: lock,
 * unexpunge, dirty = {0, 5..9, 100}; no rebuild.  Range: amended: lock,
 * promote, visits 0, 5..9, 100 (7 keys).
 */
static void
range_promotes(void **state)
{
	struct map *m = *state;
	struct map_stats s0 = stats(m), d;

	for (uint64_t k = 0; k < 10; k++)
		assert_int_equal(ops->store(m, k, V(k)), 0);
	d = delta(m, &s0);
	assert_delta(d, 0, 1, 0, 0, 10);
	s0 = stats(m);
	assert_int_equal(range_count(m), 10);
	d = delta(m, &s0);
	assert_delta(d, 1, 0, 0, 0, 1);
	s0 = stats(m);
	assert_int_equal(range_count(m), 10);
	d = delta(m, &s0);
	assert_delta(d, 0, 0, 0, 0, 0);
	for (uint64_t k = 0; k < 5; k++)
		ops->del(m, k);
	d = delta(m, &s0);
	assert_delta(d, 0, 0, 0, 0, 0);
	assert_int_equal(ops->store(m, 100, V(100)), 0);
	d = delta(m, &s0);
	assert_delta(d, 0, 1, 10, 0, 1);
	s0 = stats(m);
	assert_int_equal(ops->store(m, 0, V(0)), 0);
	d = delta(m, &s0);
	assert_delta(d, 0, 0, 0, 0, 1);
	s0 = stats(m);
	assert_int_equal(range_count(m), 7);
	d = delta(m, &s0);
	assert_delta(d, 1, 0, 0, 0, 1);
	/*
	 * Store(1), deleted and expunged before the last promotion: the
	 * promotion dropped it, so 1 is in neither map: lock, dirtyLocked
	 * visits read = {0, 5..9, 100} (7 copied), dirty gets 1 too.
	 */
	s0 = stats(m);
	assert_int_equal(ops->store(m, 1, V(1)), 0);
	d = delta(m, &s0);
	assert_delta(d, 0, 1, 7, 0, 1);
}

/*
 * The Go 1.20 operations on keys only dirty holds count misses.
 * Store(0), Store(1), Store(2) on a new map: dirty = {0, 1, 2}, read
 * empty and amended (1 rebuild, 3 locks).
 *   CompareAndSwap(1, match): not in read, amended: lock, found in
 *     dirty, swapped, missLocked (misses 1 < 3).
 *   CompareAndDelete(7, absent): lock, not in dirty, missLocked anyway
 *     (misses 2 < 3).  False.
 *   LoadOrStore(2): lock, found in dirty: loaded, missLocked (3 >= 3):
 *     promote.  read = {0, 1, 2}.
 *   CompareAndSwap(0) and CompareAndDelete(0) now find 0 in read: no
 *   lock.  CompareAndSwap(5, absent) with read not amended: no lock.
 */
static void
go120_ops_count_misses(void **state)
{
	struct map *m = *state;
	struct map_stats s0 = stats(m), d;
	void *got;

	for (uint64_t k = 0; k < 3; k++)
		assert_int_equal(ops->store(m, k, V(k)), 0);
	s0 = stats(m);
	assert_true(ops->compare_and_swap(m, 1, V(1), V(11)));
	d = delta(m, &s0);
	assert_delta(d, 0, 0, 0, 1, 1);
	assert_false(ops->compare_and_delete(m, 7, V(7)));
	d = delta(m, &s0);
	assert_delta(d, 0, 0, 0, 2, 2);
	assert_int_equal(ops->load_or_store(m, 2, V(22), &got), 1);
	assert_ptr_equal(got, V(2));
	d = delta(m, &s0);
	assert_delta(d, 1, 0, 0, 3, 3);
	s0 = stats(m);
	assert_true(ops->compare_and_swap(m, 0, V(0), V(10)));
	assert_true(ops->compare_and_delete(m, 0, V(10)));
	assert_false(ops->compare_and_swap(m, 5, V(5), V(6)));
	assert_false(ops->load(m, 5, &got));
	d = delta(m, &s0);
	assert_delta(d, 0, 0, 0, 0, 0);
}

/*
 * Clear (Go 1.23): on an empty, non-amended map it returns without the
 * lock.  Otherwise it locks once, replaces read with an empty one and
 * empties dirty but keeps it, with misses reset; so the next Store of a
 * new key finds dirty present: no rebuild.
 */
static void
clear_counts(void **state)
{
	struct map *m = *state;
	struct map_stats s0 = stats(m), d;

	ops->clear(m);
	d = delta(m, &s0);
	assert_delta(d, 0, 0, 0, 0, 0);
	assert_int_equal(ops->store(m, 1, V(1)), 0); /* rebuild, amended */
	s0 = stats(m);
	ops->clear(m);
	d = delta(m, &s0);
	assert_delta(d, 0, 0, 0, 0, 1);
	s0 = stats(m);
	assert_int_equal(ops->store(m, 2, V(2)), 0);
	d = delta(m, &s0);
	assert_delta(d, 0, 0, 0, 0, 1);
	assert_int_equal(range_count(m), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(load_and_delete_collision,
						setup, teardown),
		cmocka_unit_test_setup_teardown(load_mostly_hits, setup,
						teardown),
		cmocka_unit_test_setup_teardown(swap_mostly_misses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(range_promotes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(go120_ops_count_misses, setup,
						teardown),
		cmocka_unit_test_setup_teardown(clear_counts, setup, teardown),
	};

	ops = map_find("syncmap");
	if (ops == NULL) {
		print_message(
			"syncmap is not in the registry: nothing to do\n");
		return 0;
	}
	return cmocka_run_group_tests_name("syncmap_counters", tests, NULL,
					   NULL);
}

/*
 * hashtrie's counters and trie shape (single-threaded), under the three
 * hashes (impls/hashtrie/hashtrie.c):
 *   locked_ops           +1 per operation that locked a node (after the
 *                        lock-free descent decided it must);
 *   entries_allocated    +1 per entry published (insert; an update too
 *                        under update=copy, none in place);
 *   indirects_allocated  roots and expand's nodes;
 *   indirects_pruned     empty nodes removed by deletes;
 *   indirect_nodes/depth the trie as it is now.
 * Lock-free paths (load, load_or_store hits, misses of the deleting and
 * comparing operations) must count nothing.  Counts stay exact when
 * threads share a counter shard (shared_shards).
 */
#include <sched.h>

#include "testutil.h"

#include "alloc.h"

static const struct map_ops *ops;

#define V(n) INTVAL(n)

enum { RESTARTS, ENTRIES, INDIRECTS, PRUNED, NODES, DEPTH, LOCKED, NC };

static const char *const names[LOCKED] = {
	"restarts",	    "entries_allocated", "indirects_allocated",
	"indirects_pruned", "indirect_nodes",	 "depth",
};

/* The counters, own ones looked up by name. */
static void
counts(struct map *m, uint64_t c[NC])
{
	struct map_stats s;

	map_ops_stats(ops, m, &s);
	assert_true(s.have & MAP_STAT_LOCKED_OPS);
	c[LOCKED] = s.locked_ops;
	for (unsigned k = 0; k < LOCKED; k++) {
		unsigned i;

		for (i = 0; i < ops->n_counters; i++)
			if (strcmp(ops->counters[i].name, names[k]) == 0)
				break;
		assert_true(i < ops->n_counters);
		c[k] = s.own[i];
	}
}

/* Expect the events since `a` and the shape now. */
static void
expect(struct map *m, uint64_t a[NC], uint64_t locked, uint64_t entries,
       uint64_t indirects, uint64_t pruned, uint64_t nodes, uint64_t depth)
{
	uint64_t b[NC];

	counts(m, b);
	assert_int_equal(b[RESTARTS] - a[RESTARTS], 0); /* one thread */
	assert_int_equal(b[LOCKED] - a[LOCKED], locked);
	assert_int_equal(b[ENTRIES] - a[ENTRIES], entries);
	assert_int_equal(b[INDIRECTS] - a[INDIRECTS], indirects);
	assert_int_equal(b[PRUNED] - a[PRUNED], pruned);
	assert_int_equal(b[NODES], nodes);
	assert_int_equal(b[DEPTH], depth);
	memcpy(a, b, sizeof(b));
}

static struct map *
make(const char *param)
{
	struct map *m = map_ops_create(ops, param, 0);

	assert_non_null(m);
	return m;
}

static int
setup(void **state)
{
	(void)state;
	ops = map_find("hashtrie");
	if (ops == NULL)
		return -1;
	map_ops_thread_enter(ops);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	map_ops_thread_exit(ops);
	return 0;
}

static bool
count_fn(uint64_t key, void *value, void *arg)
{
	(void)key;
	(void)value;
	++*(size_t *)arg;
	return true;
}

/*
 * Which operations lock, allocate and prune: exact counts.  An update
 * allocates an entry under update=copy (Go's copy-on-write) and none in
 * place (the default).
 */
static void
op_counts_mode(bool copy)
{
	struct map *m = make(copy ? "update=copy" : "update=inplace");
	const uint64_t u = copy ? 1 : 0;
	uint64_t c[NC] = {0};
	void *got;

	expect(m, c, 0, 0, 0, 0, 0, 0); /* lazy root: nothing yet */
	assert_false(ops->load(m, 1, &got));
	ops->del(m, 1);
	assert_false(ops->compare_and_swap(m, 1, V(1), V(2)));
	assert_false(ops->compare_and_delete(m, 1, V(1)));
	expect(m, c, 0, 0, 0, 0, 0, 0); /* misses on no root */

	assert_int_equal(ops->store(m, 1, V(1)), 0);
	expect(m, c, 0, 1, 1, 0, 1, 1); /* root made with its entry: no lock */
	assert_true(ops->load(m, 1, &got));
	assert_int_equal(ops->load_or_store(m, 1, V(9), &got), 1);
	assert_false(ops->compare_and_swap(m, 1, V(7), V(8)));
	expect(m, c, 0, 0, 0, 0, 1, 1); /* hits and mismatches: lock-free */
	assert_int_equal(ops->store(m, 1, V(2)), 0);
	expect(m, c, 1, u, 0, 0, 1, 1); /* an update */
	assert_true(ops->load(m, 1, &got) && got == V(2));
	assert_true(ops->compare_and_swap(m, 1, V(2), V(3)));
	expect(m, c, 1, u, 0, 0, 1, 1);
	assert_int_equal(ops->swap(m, 1, V(4), &got), 1);
	assert_ptr_equal(got, V(3));
	assert_true(ops->load(m, 1, &got) && got == V(4));
	expect(m, c, 1, u, 0, 0, 1, 1);
	assert_true(ops->compare_and_swap(m, 1, V(4), V(3)));
	expect(m, c, 1, u, 0, 0, 1, 1);
	/* As Go: CompareAndDelete finds by key, compares under the lock. */
	assert_false(ops->compare_and_delete(m, 1, V(2)));
	expect(m, c, 1, 0, 0, 0, 1, 1);
	assert_true(ops->compare_and_delete(m, 1, V(3)));
	expect(m, c, 1, 0, 0, 0, 1, 1); /* the root is never pruned */
	ops->del(m, 1);
	expect(m, c, 0, 0, 0, 0, 1, 1); /* a miss: lock-free */

	ops->clear(m);
	expect(m, c, 0, 0, 0, 0, 0, 0); /* no root: empty as a new map */
	assert_false(ops->load(m, 1, &got));
	assert_int_equal(ops->load_or_store(m, 5, V(5), &got), 0);
	assert_ptr_equal(got, V(5));
	expect(m, c, 0, 1, 1, 0, 1, 1); /* a new root with the entry */
	assert_int_equal(ops->store(m, 5, V(6)), 0);
	expect(m, c, 1, u, 0, 0, 1, 1); /* an update in that root: locked */
	ops->clear(m);
	ops->clear(m); /* finds no root: nothing to do */
	expect(m, c, 0, 0, 0, 0, 0, 0);
	/*
	 * Without memory for the root (the first allocation) or for the
	 * entry (the second), an insert into the empty map fails and
	 * changes nothing.
	 */
	for (unsigned long k = 1; k <= 2; k++) {
		atomic_store(&map_alloc_fail_countdown, k);
		assert_int_equal(ops->load_or_store(m, 5, V(5), &got), -ENOMEM);
		assert_int_equal(atomic_load(&map_alloc_fail_countdown), 0);
		expect(m, c, 0, 0, 0, 0, 0, 0);
		atomic_store(&map_alloc_fail_countdown, k);
		assert_int_equal(ops->swap(m, 5, V(5), &got), -ENOMEM);
		assert_int_equal(atomic_load(&map_alloc_fail_countdown), 0);
		expect(m, c, 0, 0, 0, 0, 0, 0);
		assert_false(ops->load(m, 5, &got));
	}
	assert_int_equal(ops->load_or_store(m, 5, V(5), &got), 0);
	expect(m, c, 0, 1, 1, 0, 1, 1);
	ops->destroy(m);
}

static void
op_counts(void **state)
{
	(void)state;
	op_counts_mode(false);
}

static void
op_counts_copy(void **state)
{
	(void)state;
	op_counts_mode(true);
}

/*
 * hash=const: every key in one chain in the root's slot 0 (one node,
 * depth 1, whatever the update mode).  Under update=copy each update
 * copies its entry in the chain (and counts it), in place none.
 */
static void
const_chain_mode(bool copy)
{
	struct map *m = make(copy ? "hash=const+update=copy"
				  : "update=inplace+hash=const");
	const uint64_t n = 200, swaps = (n + 2) / 3;
	uint64_t c[NC] = {0};
	size_t seen = 0;
	void *got;

	for (uint64_t k = 0; k < n; k++)
		assert_int_equal(ops->store(m, k, V(k)), 0);
	/* The first store makes the root with its entry: no lock. */
	expect(m, c, n - 1, n, 1, 0, 1, 1);
	ops->range(m, count_fn, &seen);
	assert_int_equal(seen, n);
	/* Update and delete in the middle, at the head and at the tail. */
	for (uint64_t k = 0; k < n; k += 3)
		assert_int_equal(ops->swap(m, k, V(k + 1000), &got), 1);
	counts(m, c);
	assert_int_equal(c[ENTRIES], n + (copy ? swaps : 0));
	for (uint64_t k = 1; k < n; k += 3)
		assert_true(ops->load_and_delete(m, k, &got) && got == V(k));
	for (uint64_t k = 0; k < n; k++) {
		bool present = ops->load(m, k, &got);

		assert_int_equal(present, k % 3 != 1);
		if (present)
			assert_ptr_equal(got, V(k % 3 == 0 ? k + 1000 : k));
	}
	for (uint64_t k = 0; k < n; k++)
		ops->del(m, k);
	seen = 0;
	ops->range(m, count_fn, &seen);
	assert_int_equal(seen, 0);
	counts(m, c);
	assert_int_equal(c[NODES], 1);
	assert_int_equal(c[PRUNED], 0);
	ops->destroy(m);
}

static void
const_chain(void **state)
{
	(void)state;
	const_chain_mode(false);
}

static void
const_chain_copy(void **state)
{
	(void)state;
	const_chain_mode(true);
}

/*
 * hash=trunc4: hashes 0..15 share 15 zero digits, so two keys with
 * different hashes expand to a chain of 15 indirects under the root
 * (16 levels), which deleting every key prunes again.
 */
static void
trunc4_deep(void **state)
{
	struct map *m = make("hash=trunc4");
	const uint64_t n = 64; /* two different 4-bit hashes: certain */
	uint64_t c[NC] = {0};
	void *got;

	(void)state;
	for (uint64_t k = 0; k < n; k++)
		assert_int_equal(ops->store(m, k, V(k)), 0);
	counts(m, c);
	assert_int_equal(c[ENTRIES], n);
	assert_int_equal(c[INDIRECTS], 16);
	assert_int_equal(c[NODES], 16);
	assert_int_equal(c[DEPTH], 16);
	for (uint64_t k = 0; k < n; k++)
		assert_true(ops->load(m, k, &got) && got == V(k));
	for (uint64_t k = 0; k < n; k++)
		assert_true(ops->compare_and_delete(m, k, V(k)));
	counts(m, c);
	assert_int_equal(c[PRUNED], 15);
	assert_int_equal(c[NODES], 1);
	assert_int_equal(c[DEPTH], 1);
	ops->destroy(m);
}

/*
 * The real hash: indirects per key near the uniform-hash prediction of
 * docs/notes (0.386 at 100,000 keys), and all pruned when the keys go.
 */
static void
real_shape(void **state)
{
	struct map *m = make(NULL);
	const uint64_t n = 100000;
	uint64_t c[NC] = {0};
	double per_key;

	(void)state;
	for (uint64_t k = 0; k < n; k++)
		assert_int_equal(ops->store(m, k, V(k)), 0);
	counts(m, c);
	per_key = (double)c[NODES] / (double)n;
	print_message("[ SHAPE    ] %llu keys: %llu indirects (%.3f/key), "
		      "depth %llu\n",
		      (unsigned long long)n, (unsigned long long)c[NODES],
		      per_key, (unsigned long long)c[DEPTH]);
	assert_true(per_key > 0.33 && per_key < 0.44);
	assert_true(c[DEPTH] >= 6 && c[DEPTH] <= 12);
	assert_int_equal(c[INDIRECTS], c[NODES]);
	for (uint64_t k = 0; k < n; k++)
		ops->del(m, k);
	counts(m, c);
	assert_int_equal(c[NODES], 1);
	assert_int_equal(c[PRUNED], c[INDIRECTS] - 1);
	ops->destroy(m);
}

/*
 * Counting in a shard another thread claimed.  A thread counts in shard
 * (its id mod 64); the first thread to count there owns it and adds
 * with plain stores, later ones add to the shard's shared words.  Here
 * 130 threads, one after another, each make SHARD_OPS swaps over 16
 * present keys of one map, so their ids wrap onto shards that dead
 * threads claimed; then two threads 64 ids apart (the same shard, one
 * the owner) swap at once, over different keys so that they mostly hold
 * different node locks and their counting overlaps.  locked_ops and
 * entries_allocated must count every swap.
 */
#define SHARD_OPS     100
#define SHARD_THREADS 130

struct shard_arg {
	struct map *m;
	unsigned n;
	pthread_barrier_t *start; /* after the first swap, if not NULL */
	uint64_t key0;		  /* swaps keys key0 .. key0 + 15 in turn */
};

static void *
shard_worker(void *p)
{
	struct shard_arg *a = p;

	map_ops_thread_enter(ops);
	for (unsigned i = 0; i < a->n; i++) {
		(void)ops->swap(a->m, a->key0 + i % 16, V(i + 1), NULL);
		if (i == 0 && a->start != NULL)
			pthread_barrier_wait(a->start);
	}
	map_ops_thread_exit(ops);
	return NULL;
}

static void
run_thread(struct shard_arg *a)
{
	pthread_t t;

	assert_int_equal(pthread_create(&t, NULL, shard_worker, a), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
}

static void
shared_shards(void **state)
{
	/* update=copy: every swap of a present key allocates an entry. */
	struct map *m = make("update=copy"), *m2 = make("update=copy");
	struct map *burn = make(NULL);
	struct shard_arg a = {m, SHARD_OPS, NULL, 1}, one = {burn, 1, NULL, 1};
	pthread_barrier_t start;
	/* Different keys, so mostly different node locks: counts race. */
	struct shard_arg big1 = {m2, 300000, &start, 100};
	struct shard_arg big2 = {m2, 300000, &start, 200};
	uint64_t c[NC] = {0}, b[NC];
	pthread_t t1, t2;

	(void)state;
	for (uint64_t k = 1; k <= 16; k++)
		assert_int_equal(ops->store(m, k, V(1)), 0);
	counts(m, c);
	for (unsigned i = 0; i < SHARD_THREADS; i++)
		run_thread(&a);
	counts(m, b);
	assert_int_equal(b[LOCKED] - c[LOCKED],
			 (uint64_t)SHARD_THREADS * SHARD_OPS);
	assert_int_equal(b[ENTRIES] - c[ENTRIES],
			 (uint64_t)SHARD_THREADS * SHARD_OPS);

	/*
	 * On a fresh map nobody counted in: t1 takes an id and claims its
	 * shard with its first swap, 63 threads take the ids between (on
	 * another map), t2 gets t1's id + 64 with its first swap, then both
	 * swap at once, t2 in t1's shard.
	 */
	assert_int_equal(pthread_barrier_init(&start, NULL, 2), 0);
	counts(m2, c);
	assert_int_equal(pthread_create(&t1, NULL, shard_worker, &big1), 0);
	do {
		sched_yield();
		counts(m2, b);
	} while (b[ENTRIES] == c[ENTRIES]);
	for (unsigned i = 0; i < 63; i++)
		run_thread(&one);
	assert_int_equal(pthread_create(&t2, NULL, shard_worker, &big2), 0);
	assert_int_equal(pthread_join(t1, NULL), 0);
	assert_int_equal(pthread_join(t2, NULL), 0);
	pthread_barrier_destroy(&start);
	counts(m2, b);
	/* t1's first swap made m2's root: no lock. */
	assert_int_equal(b[LOCKED] - c[LOCKED], 2 * (uint64_t)big1.n - 1);
	assert_int_equal(b[ENTRIES] - c[ENTRIES], 2 * (uint64_t)big1.n);
	ops->destroy(burn);
	ops->destroy(m2);
	ops->destroy(m);
}

/* Bad parameters are refused with EINVAL. */
static void
params(void **state)
{
	static const char *const bad[] = {
		"hash",		"hash=",
		"hash=bad",	"const",
		"hash=const,x", "hash=const+",
		"+hash=const",	"hash=const++update=copy",
		"update=",	"update=cow",
		"update=copy+x"};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_null(map_ops_create(ops, bad[i], 0));
		assert_int_equal(errno, EINVAL);
	}
	ops->destroy(make("hash=real"));
	ops->destroy(make(""));
	ops->destroy(make("update=inplace+hash=trunc4"));
	ops->destroy(make("hash=const+update=copy"));
	assert_non_null(ops->param_help);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(op_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(op_counts_copy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(const_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(const_chain_copy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(trunc4_deep, setup, teardown),
		cmocka_unit_test_setup_teardown(real_shape, setup, teardown),
		cmocka_unit_test_setup_teardown(params, setup, teardown),
		cmocka_unit_test_setup_teardown(shared_shards, setup, teardown),
	};

	return cmocka_run_group_tests_name("hashtrie_counters", tests, NULL,
					   NULL);
}

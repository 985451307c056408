/*
 * The shared open-addressing table (impls/common/table.h) against a
 * simple reference: random put/remove/get sequences with the table's
 * invariants checked after every step, growth, backward-shift deletion
 * inside long collision clusters, reserve semantics (including
 * allocation failure), clear and the empty table.
 */
#include "testutil.h"

#include "alloc.h"
#include "table.h"

/* A reference: parallel arrays of distinct keys and their values. */
struct tref {
	size_t n;
	uint64_t *keys;
	void **val; /* NULL: absent */
};

static size_t
home_of(const struct table *t, uint64_t key)
{
	return (size_t)map_hash64(key) & t->mask;
}

/*
 * The table's invariants: count matches the occupied slots, load at or
 * under 3/4, power-of-two capacity, no key twice, and (what
 * backward-shift deletion must keep) no empty slot between any key's
 * home slot and the slot it sits in.
 */
static void
check_invariants(const struct table *t)
{
	size_t cap = t->mask + 1, used = 0;

	assert_int_equal(cap & t->mask, 0);
	for (size_t i = 0; i < cap; i++) {
		const struct table_slot *s = &t->slots[i];

		if (s->val == NULL)
			continue;
		used++;
		for (size_t j = home_of(t, s->key); j != i;
		     j = (j + 1) & t->mask) {
			if (t->slots[j].val == NULL)
				fail_msg("key %llu in slot %zu, home %zu: "
					 "slot %zu on its probe path is empty",
					 (unsigned long long)s->key, i,
					 home_of(t, s->key), j);
			if (t->slots[j].key == s->key)
				fail_msg("key %llu twice",
					 (unsigned long long)s->key);
		}
	}
	assert_int_equal(used, t->count);
	if (cap > 1)
		assert_true(t->count <= cap / 4 * 3);
}

/* Every reference key has its value in the table; nothing else is there. */
static void
check_contents(const struct table *t, const struct tref *r)
{
	size_t present = 0;

	for (size_t i = 0; i < r->n; i++) {
		if (table_get(t, r->keys[i]) != r->val[i])
			fail_msg("get(%llu) = %p, expected %p",
				 (unsigned long long)r->keys[i],
				 table_get(t, r->keys[i]), r->val[i]);
		present += r->val[i] != NULL;
	}
	/* With count == occupied slots (check_invariants), nothing else. */
	assert_int_equal(t->count, present);
}

/* Keys that include 0 and the top of the range, otherwise random. */
static void
tref_init(struct tref *r, size_t n, struct rng *g)
{
	r->n = n;
	r->keys = calloc(n, sizeof(*r->keys));
	r->val = calloc(n, sizeof(*r->val));
	assert_non_null(r->keys);
	assert_non_null(r->val);
	for (size_t i = 0; i < n; i++) {
	again:
		r->keys[i] = i == 0	 ? 0
			     : i == 1	 ? UINT64_MAX
			     : i < n / 2 ? i
					 : rng_next(g);
		for (size_t j = 0; j < i; j++)
			if (r->keys[j] == r->keys[i])
				goto again;
	}
}

static void
tref_fini(struct tref *r)
{
	free(r->keys);
	free(r->val);
}

static void
random_sequences(void **state)
{
	static const size_t spaces[] = {3, 17, 100, 1000};
	unsigned long seeds = scaled(40, 3);

	for (size_t si = 0; si < sizeof(spaces) / sizeof(spaces[0]); si++) {
		for (uint64_t seed = 1; seed <= seeds; seed++) {
			struct rng g = {seed * 7919 + si};
			struct tref r;
			struct table *t = table_new(seed % 2 ? spaces[si] : 0);
			size_t steps = spaces[si] * 8;

			assert_non_null(t);
			tref_init(&r, spaces[si], &g);
			for (size_t n = 0; n < steps; n++) {
				size_t i = (size_t)rng_below(&g, r.n);
				uint64_t op = rng_below(&g, 10);
				void *v = INTVAL(rng_next(&g) >> 2), *old;

				if (op < 5) {
					old = (void *)1;
					assert_int_equal(table_put(t, r.keys[i],
								   v, &old),
							 0);
					assert_ptr_equal(old, r.val[i]);
					r.val[i] = v;
				} else if (op < 9) {
					assert_ptr_equal(
						table_remove(t, r.keys[i]),
						r.val[i]);
					r.val[i] = NULL;
				} else {
					assert_ptr_equal(
						table_get(t, r.keys[i]),
						r.val[i]);
				}
				if (spaces[si] <= 100 || n % 97 == 0) {
					check_invariants(t);
					check_contents(t, &r);
				}
			}
			check_invariants(t);
			check_contents(t, &r);
			table_free(t);
			tref_fini(&r);
		}
	}
}

/* Doubling at 3/4 load, counted in grows; no growth on replacement. */
static void
growth(void **state)
{
	struct table *t = table_new(0);
	size_t cap = 1;
	uint64_t grows = 0;

	assert_non_null(t);
	for (uint64_t k = 0; k < 5000; k++) {
		assert_int_equal(table_put(t, k * 3, INTVAL(k), NULL), 0);
		if (t->mask + 1 != cap) {
			assert_true(t->mask + 1 > cap);
			cap = t->mask + 1;
			grows++;
		}
		assert_int_equal(t->grows, grows);
		assert_int_equal(t->count, k + 1);
		assert_true(t->count <= cap / 4 * 3);
		/* Doubling: the previous capacity could not hold this many. */
		assert_true(cap <= 8 || t->count > cap / 8 * 3);
		assert_int_equal(table_put(t, k * 3, INTVAL(k + 1), NULL), 0);
		assert_int_equal(t->mask + 1, cap);
	}
	check_invariants(t);
	for (uint64_t k = 0; k < 5000; k++)
		assert_ptr_equal(table_get(t, k * 3), INTVAL(k + 1));
	/* Never shrinks. */
	for (uint64_t k = 0; k < 5000; k++)
		assert_ptr_equal(table_remove(t, k * 3), INTVAL(k + 1));
	assert_int_equal(t->mask + 1, cap);
	assert_int_equal(t->count, 0);
	assert_true(table_footprint(t) >= cap * sizeof(struct table_slot));
	table_free(t);
}

/*
 * Backward-shift deletion in a cluster: many keys sharing one home slot
 * (and its neighbours', so the cluster wraps and interleaves), removed
 * in random orders; after each removal every remaining key is found.
 */
static void
backward_shift(void **state)
{
	enum { CAP = 64, NKEYS = 40 };

	for (uint64_t seed = 1; seed <= scaled(200, 10); seed++) {
		struct rng g = {seed};
		struct table *t = table_new(CAP / 2); /* 64 slots: 48 max */
		uint64_t keys[NKEYS];
		size_t order[NKEYS];
		size_t home = (size_t)rng_below(&g, CAP);

		assert_non_null(t);
		assert_int_equal(t->mask + 1, CAP);
		/* Homes in {home, home+1, home+2} (mod 64), near the wrap. */
		if (seed % 2)
			home = CAP - 2;
		for (size_t i = 0; i < NKEYS; i++) {
			uint64_t k;

			do
				k = rng_next(&g);
			while (((home_of(t, k) - home) & t->mask) > 2 ||
			       table_get(t, k) != NULL);
			keys[i] = k;
			assert_int_equal(table_put(t, k, INTVAL(i), NULL), 0);
			order[i] = i;
		}
		assert_int_equal(t->mask + 1, CAP);
		check_invariants(t);
		for (size_t i = NKEYS - 1; i > 0; i--) {
			size_t j = (size_t)rng_below(&g, i + 1), x = order[i];

			order[i] = order[j];
			order[j] = x;
		}
		for (size_t i = 0; i < NKEYS; i++) {
			assert_ptr_equal(table_remove(t, keys[order[i]]),
					 INTVAL(order[i]));
			assert_null(table_remove(t, keys[order[i]]));
			check_invariants(t);
			for (size_t j = 0; j < NKEYS; j++)
				if (table_get(t, keys[order[j]]) !=
				    (j > i ? INTVAL(order[j]) : NULL))
					fail_msg("seed %llu: after removing "
						 "%zu keys, key #%zu wrong",
						 (unsigned long long)seed,
						 i + 1, order[j]);
		}
		table_free(t);
	}
}

/*
 * table_reserve(n) makes room for n entries in all: inserting up to n
 * with table_put_reserved never reallocates; reserving less is a no-op;
 * a failed reserve returns -ENOMEM and changes nothing.
 */
static void
reserve(void **state)
{
	for (size_t n = 0; n < 300; n += (n < 30 ? 1 : 37)) {
		struct table *t = table_new(0);
		struct table_slot *slots;
		size_t cap;

		assert_non_null(t);
		assert_int_equal(table_reserve(t, n), 0);
		slots = t->slots;
		cap = t->mask + 1;
		assert_true(n <= cap / 4 * 3 || cap == 1);
		assert_int_equal(table_reserve(t, n / 2), 0);
		assert_ptr_equal(t->slots, slots);
		for (size_t i = 0; i < n; i++)
			assert_null(table_put_reserved(t, i, INTVAL(i)));
		assert_ptr_equal(t->slots, slots);
		assert_int_equal(t->mask + 1, cap);
		assert_int_equal(t->count, n);
		check_invariants(t);
		/* Replacing in a full table needs no room. */
		for (size_t i = 0; i < n; i++)
			assert_ptr_equal(
				table_put_reserved(t, i, INTVAL(i + 1)),
				INTVAL(i));
		/* A failing reserve leaves the table as it was. */
		atomic_store(&map_alloc_fail_countdown, 1);
		assert_int_equal(table_reserve(t, 4 * cap), -ENOMEM);
		assert_int_equal(atomic_load(&map_alloc_fail_countdown), 0);
		assert_ptr_equal(t->slots, slots);
		assert_int_equal(t->mask + 1, cap);
		for (size_t i = 0; i < n; i++)
			assert_ptr_equal(table_get(t, i), INTVAL(i + 1));
		/* table_put that must grow fails the same way. */
		if (t->count == cap / 4 * 3 || cap == 1) {
			void *old = (void *)1;

			atomic_store(&map_alloc_fail_countdown, 1);
			assert_int_equal(
				table_put(t, n + 1000, INTVAL(1), &old),
				-ENOMEM);
			assert_ptr_equal(old, (void *)1);
			assert_int_equal(t->count, n);
			assert_null(table_get(t, n + 1000));
		}
		/* Replacing an existing key never allocates. */
		if (n > 0) {
			atomic_store(&map_alloc_fail_countdown, 1);
			assert_int_equal(table_put(t, 0, INTVAL(7), NULL), 0);
			assert_int_equal(atomic_load(&map_alloc_fail_countdown),
					 1);
			atomic_store(&map_alloc_fail_countdown, 0);
		}
		check_invariants(t);
		table_free(t);
	}
	atomic_store(&map_alloc_fail_countdown, 0);
	/* table_new: NULL when the header or the slots cannot be had. */
	for (unsigned long k = 1; k <= 2; k++) {
		atomic_store(&map_alloc_fail_countdown, k);
		assert_null(table_new(100));
		assert_int_equal(atomic_load(&map_alloc_fail_countdown), 0);
	}
	atomic_store(&map_alloc_fail_countdown, 0);
}

/* clear removes everything, keeps the capacity, and the table reuses. */
static void
clear(void **state)
{
	struct table *t = table_new(0);
	size_t cap;

	assert_non_null(t);
	table_clear(t); /* empty table */
	assert_int_equal(t->count, 0);
	for (int round = 0; round < 3; round++) {
		for (uint64_t k = 0; k < 1000; k++)
			assert_int_equal(table_put(t, k, INTVAL(k), NULL), 0);
		cap = t->mask + 1;
		table_clear(t);
		assert_int_equal(t->count, 0);
		assert_int_equal(t->mask + 1, cap);
		for (uint64_t k = 0; k < 1000; k++)
			assert_null(table_get(t, k));
		table_for_each_slot(t, s)
			fail_msg("slot with key %llu",
				 (unsigned long long)s->key);
		check_invariants(t);
	}
	table_free(t);
}

/* The empty table: every lookup misses, nothing allocated for slots. */
static void
empty(void **state)
{
	struct table *t = table_new(0);
	size_t before;

	assert_non_null(t);
	before = table_footprint(t);
	for (uint64_t k = 0; k < 100; k++) {
		assert_null(table_get(t, k));
		assert_null(table_get(t, UINT64_MAX - k));
		assert_null(table_remove(t, k));
	}
	table_for_each_slot(t, s)
		fail_msg("slot in an empty table");
	assert_int_equal(t->count, 0);
	assert_int_equal(table_footprint(t), before);
	assert_int_equal(table_reserve(t, 0), 0);
	assert_int_equal(table_footprint(t), before);
	table_free(t);
	table_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_sequences),
		cmocka_unit_test(growth),
		cmocka_unit_test(backward_shift),
		cmocka_unit_test(reserve),
		cmocka_unit_test(clear),
		cmocka_unit_test(empty),
	};

	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}

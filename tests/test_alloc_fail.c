/*
 * Allocation failure: "an op that returns -ENOMEM leaves the map as it
 * was" (DESIGN.md), checked by fault injection.
 *
 * map_alloc_fail_countdown = k makes the k-th next map_malloc/map_calloc
 * fail.  For every impl (the control excepted), every map state below
 * and every operation, k = 1, 2, ...: build the state afresh, arm the
 * countdown, run the op, disarm, then:
 *   - if the op reported the failure (-ENOMEM; false from a
 *     compare_and_swap that should have swapped), the contents (range
 *     and a load of every key, twice, so that a syncmap promotion in
 *     between shows anything a failed op left half-done in dirty) equal
 *     the snapshot taken before the op;
 *   - otherwise the op returned exactly what the reference map says and
 *     the contents are the reference's after the op.  Operations with no
 *     error channel (load, delete, compare_and_delete, range, clear) must
 *     therefore work whatever fails inside them.
 * The loop stops at the first k at which the op succeeds without using
 * up the countdown: every allocation the op makes has then failed once.
 * Leaks on the failure paths are found by the ASan and valgrind runs of
 * this suite (scripts/test.sh).
 */
#include <limits.h>

#include "refmap.h"

#include "alloc.h"

#define NKEYS  2048
#define NEWKEY (NKEYS - 1) /* never stored by a setup */
#define MAX_K  200

enum op {
	OP_STORE,
	OP_LOAD_OR_STORE,
	OP_SWAP,
	OP_CAS,
	OP_CAS_MISMATCH,
	OP_LOAD,
	OP_LOAD_AND_DELETE,
	OP_DEL,
	OP_CAD,
	OP_RANGE,
	OP_CLEAR,
	OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"store",
	"load_or_store",
	"swap",
	"compare_and_swap",
	"compare_and_swap(mismatch)",
	"load",
	"load_and_delete",
	"del",
	"compare_and_delete",
	"range",
	"clear",
};

/* Map states, built by setup(). */
enum state {
	ST_EMPTY,    /* a new map */
	ST_FILLED,   /* keys [0, n) stored (syncmap: all in dirty) */
	ST_PROMOTED, /* then ranged: syncmap promoted, dirty nil */
	ST_DELETED,  /* promoted, then every third key deleted in read */
	ST_EXPUNGED, /* deleted, then a new key: dirty rebuilt, expunging */
	ST_CLEARED,  /* filled, cleared, one key stored again */
	ST_STATES
};

static const char *const state_names[ST_STATES] = {
	"empty", "filled", "promoted", "deleted", "expunged", "cleared",
};

/* ST_EXPUNGED: how many more new keys to add after the first. */
static size_t setup_extra;

static char pool[4];
#define PV(i) ((void *)&pool[(i)])

static bool
count_fn(uint64_t key, void *value, void *arg)
{
	++*(size_t *)arg;
	return true;
}

static void
put(const struct map_ops *ops, struct map *m, struct refmap *ref, uint64_t k,
    void *v)
{
	assert_int_equal(ops->store(m, k, v), 0);
	ref_store(ref, k, v);
}

static void
setup(const struct map_ops *ops, struct map *m, struct refmap *ref,
      enum state st, size_t n)
{
	size_t count = 0;
	void *v;

	if (st == ST_EMPTY)
		return;
	for (uint64_t k = 0; k < n; k++)
		put(ops, m, ref, k, PV(k % 3));
	if (st == ST_CLEARED) {
		ops->clear(m);
		memset(ref->val, 0, ref->nkeys * sizeof(*ref->val));
		put(ops, m, ref, n / 2, PV(1));
		return;
	}
	if (st == ST_FILLED)
		return;
	ops->range(m, count_fn, &count);
	if (st == ST_PROMOTED)
		return;
	for (uint64_t k = 0; k < n; k += 3)
		ref_load_and_delete(ref, k, &v), ops->del(m, k);
	if (st == ST_EXPUNGED)
		for (uint64_t k = n; k <= n + setup_extra; k++)
			put(ops, m, ref, k, PV(2));
}

/* The key an op works on in a state of n keys. */
static uint64_t
op_key(enum op op, int which, size_t n)
{
	switch (which) {
	case 0:
		return NEWKEY; /* absent, never stored */
	case 1:
		return n > 1 ? 1 : NEWKEY; /* present (deleted: k % 3 == 0) */
	default:
		return 0; /* deleted/expunged, or present */
	}
}

struct result {
	int rc;	   /* int ops */
	bool b;	   /* bool ops */
	void *out; /* out-parameter */
	size_t visits;
};

static struct result
run_op(const struct map_ops *ops, struct map *m, enum op op, uint64_t k,
       void *v, void *old)
{
	struct result r = {.out = NULL};

	switch (op) {
	case OP_STORE:
		r.rc = ops->store(m, k, v);
		break;
	case OP_LOAD_OR_STORE:
		r.rc = ops->load_or_store(m, k, v, &r.out);
		break;
	case OP_SWAP:
		r.rc = ops->swap(m, k, v, &r.out);
		break;
	case OP_CAS:
	case OP_CAS_MISMATCH:
		r.b = ops->compare_and_swap(m, k, old, v);
		break;
	case OP_LOAD:
		r.b = ops->load(m, k, &r.out);
		break;
	case OP_LOAD_AND_DELETE:
		r.b = ops->load_and_delete(m, k, &r.out);
		break;
	case OP_DEL:
		ops->del(m, k);
		break;
	case OP_CAD:
		r.b = ops->compare_and_delete(m, k, old);
		break;
	case OP_RANGE:
		ops->range(m, count_fn, &r.visits);
		break;
	case OP_CLEAR:
		ops->clear(m);
		break;
	default:
		break;
	}
	return r;
}

static struct result
ref_op(struct refmap *ref, enum op op, uint64_t k, void *v, void *old)
{
	struct result r = {.out = NULL};

	switch (op) {
	case OP_STORE:
		r.rc = ref_store(ref, k, v);
		break;
	case OP_LOAD_OR_STORE:
		r.rc = ref_load_or_store(ref, k, v, &r.out);
		break;
	case OP_SWAP:
		r.rc = ref_swap(ref, k, v, &r.out);
		break;
	case OP_CAS:
	case OP_CAS_MISMATCH:
		r.b = ref_cas(ref, k, old, v);
		break;
	case OP_LOAD:
		r.b = ref_load(ref, k, &r.out);
		break;
	case OP_LOAD_AND_DELETE:
	case OP_DEL:
		r.b = ref_load_and_delete(ref, k, &r.out);
		if (op == OP_DEL)
			r = (struct result){0};
		break;
	case OP_CAD:
		r.b = ref_cad(ref, k, old);
		break;
	case OP_RANGE:
		r.visits = ref_len(ref);
		break;
	case OP_CLEAR:
		memset(ref->val, 0, ref->nkeys * sizeof(*ref->val));
		break;
	default:
		break;
	}
	return r;
}

static bool
has_error_channel(enum op op)
{
	return op == OP_STORE || op == OP_LOAD_OR_STORE || op == OP_SWAP;
}

/* Contents equal `ref`, checked, then checked again after a range. */
static void
check_contents(const struct map_ops *ops, struct map *m,
	       const struct refmap *ref, const char *ctx)
{
	char why[256];

	for (int twice = 0; twice < 2; twice++)
		if (!ref_matches(ops, m, ref, why, sizeof(why)))
			fail_msg("%s: %s%s", ctx, why,
				 twice ? " (after a promoting range)" : "");
}

/*
 * Check the contents after an op, `ref` being what they should be.  No
 * load or range first: either may promote syncmap's dirty map, and a
 * failed op that left an entry in read but not in dirty would go
 * unseen.  So first swap the op's key (lock-free if its entry is in
 * read; the previous value must be ref's), store a new key (amending
 * read), and only then range and load everything, twice.
 */
static void
probe(const struct map_ops *ops, struct map *m, struct refmap *ref, uint64_t k,
      const char *ctx)
{
	void *prev = NULL;
	int rc = ops->swap(m, k, PV(1), &prev);

	if (rc != (ref->val[k] != NULL) || (rc == 1 && prev != ref->val[k]))
		fail_msg("%s: then swap(%llu) = %d, %p; expected %p", ctx,
			 (unsigned long long)k, rc, prev, ref->val[k]);
	ref_store(ref, k, PV(1));
	assert_int_equal(ops->store(m, NEWKEY - 1, PV(2)), 0);
	ref_store(ref, NEWKEY - 1, PV(2));
	check_contents(ops, m, ref, ctx);
}

/*
 * One (state, n, op, key) case for k = 1, 2, ... until the op no longer
 * uses up the countdown.  Returns how many k failed an allocation.
 */
static unsigned
one_case(const struct map_ops *ops, enum state st, size_t n, enum op op,
	 int which)
{
	uint64_t k = op_key(op, which, n);
	unsigned fails = 0;

	for (unsigned long cd = 1;; cd++) {
		struct refmap before, after;
		struct map *m = test_create(ops, 0);
		struct result got, exp;
		unsigned long left;
		void *v = PV(3), *old;
		char ctx[200];
		bool failed;

		assert_non_null(m);
		ref_init(&before, NKEYS);
		setup(ops, m, &before, st, n);
		ref_copy(&after, &before);
		/* CAS/CAD compare with the current value; mismatch: not. */
		old = before.val[k] != NULL ? before.val[k] : PV(0);
		if (op == OP_CAS_MISMATCH)
			old = PV(3);
		snprintf(ctx, sizeof(ctx),
			 "%s, %s state, %zu keys (+%zu), %s(key %llu), "
			 "failing allocation #%lu",
			 ops->name, state_names[st], n, setup_extra,
			 op_names[op], (unsigned long long)k, cd);

		atomic_store(&map_alloc_fail_countdown, cd);
		got = run_op(ops, m, op, k, v, old);
		left = atomic_exchange(&map_alloc_fail_countdown, 0);
		exp = ref_op(&after, op, k, v, old);

		failed = (has_error_channel(op) && got.rc == -ENOMEM) ||
			 (op == OP_CAS && exp.b && !got.b);
		if (failed) {
			if (left != 0)
				fail_msg("%s: reported a failure, but no "
					 "allocation failed",
					 ctx);
			fails++;
		} else {
			if (got.rc != exp.rc || got.b != exp.b ||
			    got.out != exp.out)
				fail_msg("%s: returned %d/%d/%p, expected "
					 "%d/%d/%p",
					 ctx, got.rc, got.b, got.out, exp.rc,
					 exp.b, exp.out);
			if (op == OP_RANGE && left != 0 &&
			    got.visits != exp.visits)
				fail_msg("%s: %zu visits, expected %zu", ctx,
					 got.visits, exp.visits);
		}
		probe(ops, m, failed ? &before : &after, k, ctx);
		ref_fini(&before);
		ref_fini(&after);
		ops->destroy(m);
		if (left != 0)
			break;
		if (cd == MAX_K)
			fail_msg("%s: still allocating", ctx);
	}
	return fails;
}

/*
 * Does the map allocate through map_malloc at all?  A map over a library
 * that allocates with its own allocator (operator new, std::allocator:
 * boostcfm, tbbhash, cuckoo, cdsfeldman) cannot have a failure injected;
 * the tests then skip, saying so, instead of passing with nothing failed.
 * Counted with a countdown too large to reach 1.
 */
static bool
uses_map_malloc(const struct map_ops *ops)
{
	const unsigned long big = ULONG_MAX / 2;
	struct map *m;
	unsigned long left;

	atomic_store(&map_alloc_fail_countdown, big);
	m = test_create(ops, 0);
	for (uint64_t k = 0; m != NULL && k < 64; k++)
		ops->store(m, k, PV(1));
	left = atomic_exchange(&map_alloc_fail_countdown, 0);
	if (m != NULL)
		ops->destroy(m);
	return left != big;
}

#define SKIP_WITHOUT_MAP_MALLOC(ops)                                           \
	do {                                                                   \
		if (!uses_map_malloc(ops)) {                                   \
			print_message("[ NO HOOK  ] %s allocates without "     \
				      "map_malloc: no failure can be "         \
				      "injected\n",                            \
				      (ops)->name);                            \
			map_ops_thread_exit(ops);                              \
			skip();                                                \
			return;                                                \
		}                                                              \
	} while (0)

static void
run_states(void **state, const enum state *sts, size_t nsts,
	   const size_t *sizes, size_t nsizes)
{
	const struct map_ops *ops = test_ops(state);
	unsigned long fails = 0, cases = 0;

	map_ops_thread_enter(ops);
	SKIP_WITHOUT_MAP_MALLOC(ops);
	for (size_t i = 0; i < nsts; i++)
		for (size_t j = 0; j < nsizes; j++)
			for (int op = 0; op < OP_COUNT; op++)
				for (int which = 0; which < 3; which++) {
					fails += one_case(ops, sts[i], sizes[j],
							  (enum op)op, which);
					cases++;
				}
	map_ops_thread_exit(ops);
	print_message("[          ] %lu cases, %lu reported failures\n", cases,
		      fails);
}

/*
 * Sizes around the table's growth points (it holds 6, 12, 24 in 8, 16, 32
 * slots): the next new key grows the table at 6 and 24, not at 7.  Few,
 * because every case destroys maps, and an RCU map's destroy waits for
 * rcu_barrier (about 10 ms).
 */
static const size_t small_sizes[] = {1, 6, 7, 24};

static void
new_map(void **state)
{
	static const enum state sts[] = {ST_EMPTY};
	static const size_t sizes[] = {0};

	run_states(state, sts, 1, sizes, 1);
}

static void
filled(void **state)
{
	static const enum state sts[] = {ST_FILLED, ST_PROMOTED};

	run_states(state, sts, 2, small_sizes,
		   sizeof(small_sizes) / sizeof(small_sizes[0]));
}

/* syncmap: stores that must rebuild dirty, and unexpunge. */
static void
deleted_and_expunged(void **state)
{
	static const enum state sts[] = {ST_DELETED, ST_EXPUNGED, ST_CLEARED};

	run_states(state, sts, 3, small_sizes,
		   sizeof(small_sizes) / sizeof(small_sizes[0]));
}

/* Many keys, some deleted: a dirty rebuild copies hundreds of entries. */
static void
many_keys(void **state)
{
	static const enum state sts[] = {ST_PROMOTED, ST_DELETED, ST_EXPUNGED};
	const size_t sizes[] = {scaled(1000, 200)};

	run_states(state, sts, 3, sizes, 1);
}

/*
 * syncmap: a store to an expunged key puts its entry back into dirty,
 * which may have to grow; the failure must leave it expunged.  Where
 * dirty is full depends on its sizing, so add 0..40 more new keys after
 * the rebuild: some count fills dirty up to the growth point.
 */
static void
unexpunge_grows(void **state)
{
	const struct map_ops *ops = test_ops(state);
	static const enum op ops_[] = {OP_STORE, OP_SWAP, OP_LOAD_OR_STORE};
	static const size_t sizes[] = {6, 24};
	unsigned long fails = 0;

	if (strcmp(ops->name, "syncmap") != 0)
		skip();
	map_ops_thread_enter(ops);
	for (size_t i = 0; i < 2; i++)
		for (setup_extra = 0; setup_extra <= 40; setup_extra++)
			for (size_t j = 0; j < 3; j++)
				fails += one_case(ops, ST_EXPUNGED, sizes[i],
						  ops_[j], 2);
	setup_extra = 0;
	map_ops_thread_exit(ops);
	assert_true(fails > 0);
}

/* create: NULL or a working map, whichever allocation fails. */
static void
create(void **state)
{
	const struct map_ops *ops = test_ops(state);
	static const size_t hints[] = {0, 1, 1000};

	map_ops_thread_enter(ops);
	SKIP_WITHOUT_MAP_MALLOC(ops);
	for (size_t h = 0; h < 3; h++) {
		for (unsigned long cd = 1; cd <= MAX_K; cd++) {
			struct map *m;
			unsigned long left;

			atomic_store(&map_alloc_fail_countdown, cd);
			m = test_create(ops, hints[h]);
			left = atomic_exchange(&map_alloc_fail_countdown, 0);
			if (m == NULL) {
				if (left != 0)
					fail_msg("create(%zu) returned NULL "
						 "with no failed allocation",
						 hints[h]);
				continue;
			}
			assert_int_equal(ops->store(m, 1, PV(1)), 0);
			assert_true(ops->compare_and_delete(m, 1, PV(1)));
			ops->destroy(m);
			if (left != 0)
				break;
		}
	}
	map_ops_thread_exit(ops);
}

int
main(void)
{
	static const struct impl_test tests[] = {
		{"create", create, 0},
		{"new_map", new_map, 0},
		{"filled", filled, 0},
		{"deleted_and_expunged", deleted_and_expunged, 0},
		{"many_keys", many_keys, 0},
		{"unexpunge_grows", unexpunge_grows, 0},
	};

	return run_impl_tests("alloc_fail", tests,
			      sizeof(tests) / sizeof(tests[0]));
}

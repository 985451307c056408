/*
 * Conformance: every implementation against a reference map, Go 1.23
 * sync.Map semantics.
 *
 * random_ops: many seeded random sequences of all ten operations over
 * small key spaces (4, 16, 64 keys: keys collide, get deleted and come
 * back), every return value and out-parameter checked against the
 * reference, the whole contents compared through range and loads every
 * few steps and at the end.  Values come from a small pool of distinct
 * pointers so compare_and_swap/compare_and_delete often match.  A
 * failure names the impl, seed, key space and step; rerun one impl with
 * MAPBENCH_TEST_IMPL=name.
 *
 * The other tests are Go's edge cases: NULL values, absent keys, range
 * stopping early, range callbacks that modify the map (and nest), clear
 * then reuse, extreme keys, nested thread_enter, and a map grown past a
 * million keys.
 */
#include "refmap.h"
#include "plugin.h"

enum op {
	OP_LOAD,
	OP_STORE,
	OP_LOAD_OR_STORE,
	OP_LOAD_AND_DELETE,
	OP_DEL,
	OP_SWAP,
	OP_CAS,
	OP_CAD,
	OP_RANGE,
	OP_CLEAR,
	OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
	"load",	 "store", "load_or_store",    "load_and_delete",
	"del",	 "swap",  "compare_and_swap", "compare_and_delete",
	"range", "clear",
};

/* Relative frequencies: clear is rare so that maps fill up between. */
static const unsigned op_weight[OP_COUNT] = {6, 5, 4, 3, 3, 4, 4, 3, 1, 0};
#define CLEAR_ONE_IN 128

/* A sentinel the implementations never hand out as a value. */
static char sentinel_byte;
#define SENTINEL ((void *)&sentinel_byte)

#define POOL 6
static char pool[POOL];
#define PV(i) ((void *)&pool[(i)])

/*
 * An out-parameter of an operation that found nothing: Go returns nil;
 * accept NULL or "left untouched", never anything else.
 */
static bool
out_empty(void *p)
{
	return p == NULL || p == SENTINEL;
}

static enum op
pick_op(struct rng *r)
{
	unsigned total = 0, x;

	if (rng_below(r, CLEAR_ONE_IN) == 0)
		return OP_CLEAR;
	for (int i = 0; i < OP_COUNT; i++)
		total += op_weight[i];
	x = (unsigned)rng_below(r, total);
	for (int i = 0; i < OP_COUNT; i++) {
		if (x < op_weight[i])
			return (enum op)i;
		x -= op_weight[i];
	}
	return OP_LOAD;
}

/* range callback of random_ops: stops after `limit` visits. */
struct rcheck {
	const struct refmap *ref;
	bool *seen;
	size_t visits, limit;
	char why[160];
};

static bool
rcheck_fn(uint64_t key, void *value, void *arg)
{
	struct rcheck *c = arg;

	c->visits++;
	if (c->why[0] != '\0')
		return false;
	if (key >= c->ref->nkeys)
		snprintf(c->why, sizeof(c->why), "visited unknown key %llu",
			 (unsigned long long)key);
	else if (c->seen[key])
		snprintf(c->why, sizeof(c->why), "visited key %llu twice",
			 (unsigned long long)key);
	else if (c->ref->val[key] != value)
		snprintf(c->why, sizeof(c->why),
			 "visited key %llu with %p, expected %p",
			 (unsigned long long)key, value, c->ref->val[key]);
	else
		c->seen[key] = true;
	return c->visits < c->limit;
}

/*
 * One step of a random sequence, drawn up front so that a failing
 * sequence can be replayed with steps left out (minimised).
 */
struct opstep {
	enum op op;
	uint64_t k;
	unsigned vi, oi; /* the value stored; a compare value not current */
	bool use_cur;	 /* compare_*: pass the current value if any */
	uint64_t rr;	 /* range: picks where fn stops */
};

static void
draw_step(struct rng *r, size_t nkeys, struct opstep *s)
{
	s->op = pick_op(r);
	s->k = rng_below(r, nkeys);
	s->vi = (unsigned)rng_below(r, POOL);
	s->use_cur = rng_below(r, 2) != 0;
	s->oi = (unsigned)rng_below(r, POOL);
	s->rr = rng_next(r);
}

/*
 * One operation on both maps; false (with `why` filled in) if the
 * implementation disagreed with the reference.
 */
static bool
step(const struct map_ops *ops, struct map *m, struct refmap *ref,
     const struct opstep *s, char *why, size_t whylen)
{
	uint64_t k = s->k;
	enum op op = s->op;
	void *v = PV(s->vi);
	void *old, *got = SENTINEL, *exp = NULL;
	bool b, eb;
	int rc, erc;

	/* compare_* mostly pass the current value, so they match often. */
	old = (ref->val[k] != NULL && s->use_cur) ? ref->val[k] : PV(s->oi);
	switch (op) {
	case OP_LOAD:
		b = ops->load(m, k, &got);
		eb = ref_load(ref, k, &exp);
		if (b != eb || (b ? got != exp : !out_empty(got)))
			goto bad_bool;
		return true;
	case OP_STORE:
		rc = ops->store(m, k, v);
		erc = ref_store(ref, k, v);
		if (rc != erc) {
			snprintf(why, whylen, "returned %d, expected %d", rc,
				 erc);
			return false;
		}
		return true;
	case OP_LOAD_OR_STORE:
		rc = ops->load_or_store(m, k, v, &got);
		erc = ref_load_or_store(ref, k, v, &exp);
		if (rc != erc || got != exp)
			goto bad_int;
		return true;
	case OP_LOAD_AND_DELETE:
		b = ops->load_and_delete(m, k, &got);
		eb = ref_load_and_delete(ref, k, &exp);
		if (b != eb || (b ? got != exp : !out_empty(got)))
			goto bad_bool;
		return true;
	case OP_DEL:
		ops->del(m, k);
		ref_load_and_delete(ref, k, &exp);
		return true;
	case OP_SWAP:
		rc = ops->swap(m, k, v, &got);
		erc = ref_swap(ref, k, v, &exp);
		if (rc != erc || (rc == 1 ? got != exp : !out_empty(got)))
			goto bad_int;
		return true;
	case OP_CAS:
		b = ops->compare_and_swap(m, k, old, v);
		eb = ref_cas(ref, k, old, v);
		if (b != eb) {
			snprintf(why, whylen,
				 "(old %p, new %p) = %d, expected %d", old, v,
				 b, eb);
			return false;
		}
		return true;
	case OP_CAD:
		b = ops->compare_and_delete(m, k, old);
		eb = ref_cad(ref, k, old);
		if (b != eb) {
			snprintf(why, whylen, "(old %p) = %d, expected %d", old,
				 b, eb);
			return false;
		}
		return true;
	case OP_RANGE: {
		size_t len = ref_len(ref);
		struct rcheck c = {.ref = ref};

		/* limit 1..len+1: stop early, or visit all. */
		c.limit = (size_t)(s->rr % (len + 1)) + 1;
		c.seen = calloc(ref->nkeys, sizeof(*c.seen));
		assert_non_null(c.seen);
		ops->range(m, rcheck_fn, &c);
		free(c.seen);
		if (c.why[0] != '\0') {
			snprintf(why, whylen, "%s", c.why);
			return false;
		}
		if (c.visits != (c.limit < len ? c.limit : len)) {
			snprintf(why, whylen,
				 "%zu visits with %zu keys and fn false at "
				 "visit %zu",
				 c.visits, len, c.limit);
			return false;
		}
		return true;
	}
	case OP_CLEAR:
		ops->clear(m);
		memset(ref->val, 0, ref->nkeys * sizeof(*ref->val));
		return true;
	default:
		return false;
	}
bad_bool:
	snprintf(why, whylen, "returned %d, %p; expected %d, %p", b, got, eb,
		 exp);
	return false;
bad_int:
	snprintf(why, whylen, "returned %d, %p; expected %d, %p", rc, got, erc,
		 exp);
	return false;
}

/*
 * Run `steps` on a fresh map and reference, checking every step and the
 * whole contents after each.  Returns the index of the first failing
 * step (n: none), with the reason in `why`.
 */
static size_t
replay(const struct map_ops *ops, const struct opstep *steps, size_t n,
       size_t nkeys, size_t hint, char *why, size_t whylen)
{
	struct map *m = test_create(ops, hint);
	struct refmap ref;
	size_t i;

	assert_non_null(m);
	ref_init(&ref, nkeys);
	for (i = 0; i < n; i++)
		if (!step(ops, m, &ref, &steps[i], why, whylen) ||
		    !ref_matches(ops, m, &ref, why, whylen))
			break;
	ref_fini(&ref);
	ops->destroy(m);
	return i;
}

/*
 * Shrink a failing sequence: leave out each step in turn (last first)
 * and keep it out if the rest still fails.  Returns the new length.
 */
static size_t
minimise(const struct map_ops *ops, struct opstep *steps, size_t n,
	 size_t nkeys, size_t hint)
{
	char why[256];

	for (size_t i = n; i-- > 0;) {
		struct opstep cut = steps[i];
		size_t f;

		memmove(&steps[i], &steps[i + 1], (n - i - 1) * sizeof(*steps));
		f = replay(ops, steps, n - 1, nkeys, hint, why, sizeof(why));
		if (f < n - 1) {
			n = f + 1; /* still fails, maybe sooner */
			continue;
		}
		memmove(&steps[i + 1], &steps[i], (n - i - 1) * sizeof(*steps));
		steps[i] = cut;
	}
	return n;
}

static void
report_failure(const struct map_ops *ops, uint64_t seed, size_t nkeys,
	       size_t hint, struct opstep *steps, size_t f, const char *why0)
{
	char why[256], line[160];
	size_t n = minimise(ops, steps, f + 1, nkeys, hint);

	replay(ops, steps, n, nkeys, hint, why, sizeof(why));
	print_error("%s: seed %llu, %zu keys: step %zu fails: %s\n"
		    "minimised to %zu steps (a fresh map; each step then "
		    "the contents are checked):\n",
		    ops->name, (unsigned long long)seed, nkeys, f, why0, n);
	for (size_t i = 0; i < n && i < 40; i++) {
		const struct opstep *t = &steps[i];
		size_t len = (size_t)snprintf(
			line, sizeof(line), "  %2zu. %s(key %llu", i + 1,
			op_names[t->op], (unsigned long long)t->k);

		/* Values are v0..v5 of a pool; "current" if it was current. */
		if (t->op == OP_CAS || t->op == OP_CAD)
			len += (size_t)snprintf(line + len, sizeof(line) - len,
						t->use_cur
							? ", old=current or v%u"
							: ", old=v%u",
						t->oi);
		if (t->op == OP_STORE || t->op == OP_SWAP ||
		    t->op == OP_LOAD_OR_STORE || t->op == OP_CAS)
			snprintf(line + len, sizeof(line) - len, ", new=v%u",
				 t->vi);
		print_error("%s)\n", line);
	}
	fail_msg("%s: seed %llu, %zu keys, minimised to %zu steps: %s "
		 "(replay: MAPBENCH_TEST_IMPL=%s test_conformance)",
		 ops->name, (unsigned long long)seed, nkeys, n, why, ops->name);
}

static void
random_ops(void **state)
{
	const struct map_ops *ops = test_ops(state);
	static const size_t spaces[] = {4, 16, 64};
	unsigned long seeds = scaled(60, 4);
	const size_t nsteps = 1500;
	struct opstep *steps = calloc(nsteps, sizeof(*steps));
	char why[256];

	assert_non_null(steps);
	map_ops_thread_enter(ops);
	for (size_t si = 0; si < sizeof(spaces) / sizeof(spaces[0]); si++) {
		size_t nkeys = spaces[si];

		for (uint64_t seed = 1; seed <= seeds; seed++) {
			struct rng r = {.s = seed * 1000003 + nkeys};
			size_t hint = seed % 3 == 0 ? nkeys : 0;
			struct map *m = test_create(ops, hint);
			struct refmap ref;

			assert_non_null(m);
			ref_init(&ref, nkeys);
			for (size_t i = 0; i < nsteps; i++) {
				draw_step(&r, nkeys, &steps[i]);
				if (step(ops, m, &ref, &steps[i], why,
					 sizeof(why)) &&
				    ((i % 64 != 63 && i != nsteps - 1) ||
				     ref_matches(ops, m, &ref, why,
						 sizeof(why))))
					continue;
				ref_fini(&ref);
				ops->destroy(m);
				report_failure(ops, seed, nkeys, hint, steps, i,
					       why);
			}
			ref_fini(&ref);
			ops->destroy(m);
		}
	}
	map_ops_thread_exit(ops);
	free(steps);
}

/* NULL is the map's "no value": it is never stored. */
static void
null_values(void **state)
{
	const struct map_ops *ops = test_ops(state);
	struct map *m;
	void *got;

	m = test_open(ops);
	for (int present = 0; present < 2; present++) {
		uint64_t k = 7;

		if (present)
			assert_int_equal(ops->store(m, k, PV(1)), 0);
		assert_int_equal(ops->store(m, k, NULL), -EINVAL);
		got = SENTINEL;
		assert_int_equal(ops->load_or_store(m, k, NULL, &got), -EINVAL);
		got = SENTINEL;
		assert_int_equal(ops->swap(m, k, NULL, &got), -EINVAL);
		/* A CAS to NULL would store NULL: refused, nothing changes. */
		assert_false(ops->compare_and_swap(m, k, PV(1), NULL));
		/* NULL is never a present value, so never matches. */
		assert_false(ops->compare_and_swap(m, k, NULL, PV(2)));
		assert_false(ops->compare_and_delete(m, k, NULL));
		got = SENTINEL;
		assert_int_equal(ops->load(m, k, &got), present);
		if (present)
			assert_ptr_equal(got, PV(1));
		else
			assert_true(out_empty(got));
	}
	test_close(ops, m);
}

/* Every operation on a key that was never stored, or was deleted. */
static void
absent_keys(void **state)
{
	const struct map_ops *ops = test_ops(state);
	struct map *m;
	void *got;

	m = test_open(ops);
	for (int round = 0; round < 3; round++) {
		/* round 0: empty map; 1: other keys present; 2: k deleted */
		uint64_t k = 5;

		if (round == 1)
			for (uint64_t o = 100; o < 120; o++)
				assert_int_equal(ops->store(m, o, PV(0)), 0);
		if (round == 2) {
			assert_int_equal(ops->store(m, k, PV(3)), 0);
			ops->del(m, k);
		}
		got = SENTINEL;
		assert_false(ops->load(m, k, &got));
		assert_true(out_empty(got));
		assert_false(ops->compare_and_swap(m, k, PV(0), PV(1)));
		assert_false(ops->compare_and_delete(m, k, PV(0)));
		got = SENTINEL;
		assert_false(ops->load_and_delete(m, k, &got));
		assert_true(out_empty(got));
		ops->del(m, k);
		assert_false(ops->load(m, k, &got));
		/* swap of an absent key stores and reports no previous. */
		got = SENTINEL;
		assert_int_equal(ops->swap(m, k, PV(2), &got), 0);
		assert_true(out_empty(got));
		got = NULL;
		assert_true(ops->load(m, k, &got));
		assert_ptr_equal(got, PV(2));
		assert_true(ops->compare_and_delete(m, k, PV(2)));
		/* load_or_store of an absent key stores; actual is the value.
		 */
		got = NULL;
		assert_int_equal(ops->load_or_store(m, k, PV(4), &got), 0);
		assert_ptr_equal(got, PV(4));
		got = NULL;
		assert_int_equal(ops->load_or_store(m, k, PV(5), &got), 1);
		assert_ptr_equal(got, PV(4));
		assert_true(ops->compare_and_swap(m, k, PV(4), PV(5)));
		assert_false(ops->compare_and_swap(m, k, PV(4), PV(1)));
		got = NULL;
		assert_true(ops->load_and_delete(m, k, &got));
		assert_ptr_equal(got, PV(5));
	}
	test_close(ops, m);
}

/* Keys at the edges of uint64_t are ordinary keys. */
static void
extreme_keys(void **state)
{
	const struct map_ops *ops = test_ops(state);
	static const uint64_t keys[] = {0,
					1,
					UINT64_MAX,
					UINT64_MAX - 1,
					UINT64_C(1) << 63,
					UINT64_C(1) << 32};
	const size_t n = sizeof(keys) / sizeof(keys[0]);
	struct map *m;
	void *got;

	m = test_open(ops);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ops->store(m, keys[i], INTVAL(i)), 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(ops->load(m, keys[i], &got));
		assert_ptr_equal(got, INTVAL(i));
	}
	for (size_t i = 0; i < n; i += 2)
		ops->del(m, keys[i]);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ops->load(m, keys[i], &got), i % 2);
	test_close(ops, m);
}

struct count_arg {
	size_t visits, stop_at;
};

static bool
count_fn(uint64_t key, void *value, void *arg)
{
	struct count_arg *c = arg;

	return ++c->visits < c->stop_at;
}

/* range calls fn no more after fn returns false. */
static void
range_stops(void **state)
{
	const struct map_ops *ops = test_ops(state);
	struct map *m;
	struct count_arg c;

	m = test_open(ops);
	c = (struct count_arg){.stop_at = 1};
	ops->range(m, count_fn, &c);
	assert_int_equal(c.visits, 0);
	for (uint64_t k = 0; k < 20; k++)
		assert_int_equal(ops->store(m, k, INTVAL(k)), 0);
	/* Twice: syncmap's first range on an amended map promotes. */
	for (int twice = 0; twice < 2; twice++) {
		for (size_t stop = 1; stop <= 21; stop++) {
			c = (struct count_arg){.stop_at = stop};
			ops->range(m, count_fn, &c);
			assert_int_equal(c.visits, stop < 20 ? stop : 20);
		}
		assert_int_equal(ops->store(m, 100, INTVAL(100)), 0);
		ops->del(m, 100);
	}
	test_close(ops, m);
}

/*
 * fn modifies the map it is ranging over.  Keys [0, n) are present when
 * range starts; the "volatile" ones (k % 4 == 3) get deleted, stored
 * over and re-stored by fn, fresh keys [n, ...) get stored, and every
 * visited key is itself stored over (a new value) or deleted.  Go's
 * guarantees: no key is visited twice; each key present and unchanged
 * for the whole call (here: the non-volatile keys, each changed only
 * after its visit) is visited, with its value.  fn also runs a nested
 * range (Go issue 46399) that loads what it is offered.
 */
#define RM_N 200
struct rmut {
	const struct map_ops *ops;
	struct map *m;
	struct rng r;
	unsigned char seen[4 * RM_N];
	size_t visits, fresh, nested_bad;
	bool nest;
	char why[160];
};

static bool
nested_fn(uint64_t key, void *value, void *arg)
{
	struct rmut *c = arg;
	void *got = NULL;

	if (!c->ops->load(c->m, key, &got) || got != value)
		c->nested_bad++;
	/* Go's check: a key stored and deleted within fn does not stay. */
	if (c->ops->load_or_store(c->m, 3 * RM_N, INTVAL(1), &got) != 0)
		c->nested_bad++;
	if (!c->ops->load_and_delete(c->m, 3 * RM_N, &got) || got != INTVAL(1))
		c->nested_bad++;
	return true;
}

static bool
rmut_fn(uint64_t key, void *value, void *arg)
{
	struct rmut *c = arg;
	const struct map_ops *ops = c->ops;
	uint64_t vk;

	c->visits++;
	if (key >= 2 * RM_N || VALKEY(value) != key) {
		snprintf(c->why, sizeof(c->why), "visited key %llu value %p",
			 (unsigned long long)key, value);
		return false;
	}
	if (c->seen[key]++) {
		snprintf(c->why, sizeof(c->why), "visited key %llu twice",
			 (unsigned long long)key);
		return false;
	}
	if (key < RM_N && key % 4 != 3 && value != KEYVAL(key, 0)) {
		snprintf(c->why, sizeof(c->why),
			 "unchanged key %llu visited with %p",
			 (unsigned long long)key, value);
		return false;
	}
	/* Churn: a volatile key, a fresh key, then the visited key. */
	vk = rng_below(&c->r, RM_N / 4) * 4 + 3;
	switch (rng_below(&c->r, 4)) {
	case 0:
		ops->del(c->m, vk);
		break;
	case 1:
		ops->store(c->m, vk, KEYVAL(vk, c->visits));
		break;
	case 2: {
		void *p;

		ops->swap(c->m, vk, KEYVAL(vk, c->visits), &p);
		break;
	}
	default:
		ops->compare_and_delete(c->m, vk, KEYVAL(vk, 0));
	}
	if (c->fresh < RM_N) {
		uint64_t fk = RM_N + c->fresh++;

		ops->store(c->m, fk, KEYVAL(fk, 1));
	}
	if (rng_below(&c->r, 2))
		ops->store(c->m, key, KEYVAL(key, 2));
	else
		ops->del(c->m, key);
	if (c->nest) {
		c->nest = false;
		ops->range(c->m, nested_fn, c);
	}
	return true;
}

static void
range_mutates(void **state)
{
	const struct map_ops *ops = test_ops(state);

	map_ops_thread_enter(ops);
	for (uint64_t seed = 1; seed <= 20; seed++) {
		struct rmut *c = calloc(1, sizeof(*c));
		struct map *m = test_create(ops, 0);
		struct count_arg cnt = {.stop_at = SIZE_MAX};

		assert_non_null(c);
		assert_non_null(m);
		*c = (struct rmut){.ops = ops, .m = m, .r = {seed}};
		for (uint64_t k = 0; k < RM_N; k++)
			assert_int_equal(ops->store(m, k, KEYVAL(k, 0)), 0);
		/* Odd seeds range a promoted syncmap, even an amended one. */
		if (seed % 2)
			ops->range(m, count_fn, &cnt);
		c->nest = seed % 4 < 2;
		ops->range(m, rmut_fn, c);
		if (c->why[0] != '\0')
			fail_msg("seed %llu: %s", (unsigned long long)seed,
				 c->why);
		for (uint64_t k = 0; k < RM_N; k++)
			if (k % 4 != 3 && !c->seen[k])
				fail_msg("seed %llu: unchanged key %llu never "
					 "visited",
					 (unsigned long long)seed,
					 (unsigned long long)k);
		assert_int_equal(c->nested_bad, 0);
		free(c);
		ops->destroy(m);
	}
	map_ops_thread_exit(ops);
}

/* Go's TestMapRangeNestedCall, in our terms: delete everything in fn. */
static bool
delete_visited_fn(uint64_t key, void *value, void *arg)
{
	struct rmut *c = arg;

	c->nest = true;
	nested_fn(key, value, c);
	c->ops->range(c->m, nested_fn, c);
	c->ops->del(c->m, key);
	return true;
}

static void
range_deletes_all(void **state)
{
	const struct map_ops *ops = test_ops(state);
	struct rmut *c = calloc(1, sizeof(*c));
	struct count_arg cnt = {.stop_at = SIZE_MAX};
	struct map *m;

	map_ops_thread_enter(ops);
	m = test_create(ops, 0);
	assert_non_null(c);
	assert_non_null(m);
	c->ops = ops;
	c->m = m;
	for (uint64_t k = 0; k < 3; k++)
		assert_int_equal(ops->store(m, k, INTVAL(k)), 0);
	ops->range(m, delete_visited_fn, c);
	assert_int_equal(c->nested_bad, 0);
	ops->range(m, count_fn, &cnt);
	assert_int_equal(cnt.visits, 0);
	free(c);
	test_close(ops, m);
}

/* clear empties the map in any state, and the map stays usable. */
static void
clear_reuse(void **state)
{
	const struct map_ops *ops = test_ops(state);
	struct refmap ref;
	struct map *m;
	char why[256];

	m = test_open(ops);
	ref_init(&ref, 64);
	ops->clear(m); /* empty */
	assert_true(ref_matches(ops, m, &ref, why, sizeof(why)));
	for (int round = 0; round < 8; round++) {
		/* Fill; sometimes promote (range), sometimes amend after. */
		for (uint64_t k = 0; k < 40; k++) {
			assert_int_equal(ops->store(m, k, PV(k % POOL)), 0);
			ref_store(&ref, k, PV(k % POOL));
		}
		if (round & 1) {
			struct count_arg c = {.stop_at = SIZE_MAX};

			ops->range(m, count_fn, &c);
		}
		if (round & 2) {
			ops->del(m, 3);
			ref_store(&ref, 50, PV(0));
			assert_int_equal(ops->store(m, 50, PV(0)), 0);
		}
		ops->clear(m);
		if (round & 4)
			ops->clear(m); /* twice */
		memset(ref.val, 0, ref.nkeys * sizeof(*ref.val));
		if (!ref_matches(ops, m, &ref, why, sizeof(why)))
			fail_msg("round %d, after clear: %s", round, why);
		/* Reuse: a deleted key comes back, CAS sees the new value. */
		assert_int_equal(ops->store(m, 3, PV(1)), 0);
		ref_store(&ref, 3, PV(1));
		assert_true(ops->compare_and_swap(m, 3, PV(1), PV(2)));
		ref_cas(&ref, 3, PV(1), PV(2));
		if (!ref_matches(ops, m, &ref, why, sizeof(why)))
			fail_msg("round %d, reuse: %s", round, why);
	}
	ref_fini(&ref);
	test_close(ops, m);
}

/* thread_enter/thread_exit nest, across impls too (DESIGN.md). */
static void
nested_enter(void **state)
{
	const struct map_ops *ops = test_ops(state);
	const struct map_ops *o;
	struct map *m;
	void *got;

	/* Every map known, the loaded plugins' too (map_nth). */
	for (size_t i = 0; (o = map_nth(i)) != NULL; i++)
		map_ops_thread_enter(o);
	m = test_open(ops);
	assert_int_equal(ops->store(m, 1, PV(1)), 0);
	map_ops_thread_exit(ops);
	for (size_t i = 0; (o = map_nth(i)) != NULL; i++)
		if (o != ops)
			map_ops_thread_exit(o);
	/* Still entered once. */
	assert_true(ops->load(m, 1, &got));
	assert_int_equal(ops->store(m, 2, PV(2)), 0);
	ops->del(m, 1);
	test_close(ops, m);
}

/* A big map: values encode the key's index. */
static uint64_t
big_key(uint64_t i)
{
	return i * UINT64_C(0x9e3779b97f4a7c15); /* odd: a bijection */
}

struct big_arg {
	unsigned char *seen;
	size_t n, visits;
	bool bad;
};

static bool
big_fn(uint64_t key, void *value, void *arg)
{
	struct big_arg *b = arg;
	uint64_t i = VALINT(value);

	b->visits++;
	if (i >= b->n || big_key(i) != key || b->seen[i]++)
		b->bad = true;
	return true;
}

static void
million_keys(void **state)
{
	const struct map_ops *ops = test_ops(state);
	size_t n = scaled(1100000, 20000);
	struct big_arg b = {.n = n};
	struct map *m;
	void *got;

	m = test_open(ops);
	b.seen = calloc(n, 1);
	assert_non_null(b.seen);
	for (size_t i = 0; i < n; i++)
		if (ops->store(m, big_key(i), INTVAL(i)) != 0)
			fail_msg("store of key #%zu failed", i);
	for (size_t i = 0; i < n; i++)
		if (!ops->load(m, big_key(i), &got) || got != INTVAL(i))
			fail_msg("load of key #%zu", i);
	ops->range(m, big_fn, &b);
	assert_false(b.bad);
	assert_int_equal(b.visits, n);
	for (size_t i = 0; i < n; i += 2)
		if (!ops->load_and_delete(m, big_key(i), &got) ||
		    got != INTVAL(i))
			fail_msg("load_and_delete of key #%zu", i);
	for (size_t i = 0; i < n; i++) {
		bool found = ops->load(m, big_key(i), &got);

		if (found != (i % 2 == 1) || (found && got != INTVAL(i)))
			fail_msg("load of key #%zu after deleting half", i);
	}
	memset(b.seen, 0, n);
	b.visits = 0;
	ops->range(m, big_fn, &b);
	assert_false(b.bad);
	assert_int_equal(b.visits, n / 2);
	free(b.seen);
	test_close(ops, m);
}

const struct impl_test conformance_tests[] = {
	{"random_ops", random_ops, 0},
	{"null_values", null_values, 0},
	{"absent_keys", absent_keys, 0},
	{"extreme_keys", extreme_keys, 0},
	{"range_stops", range_stops, 0},
	{"range_mutates", range_mutates, 0},
	{"range_deletes_all", range_deletes_all, 0},
	{"clear_reuse", clear_reuse, 0},
	{"nested_enter", nested_enter, 0},
	{"million_keys", million_keys, 0},
};
MAPBENCH_SUITE(conformance)

/*
 * test_lincheck: the linearizability checker (harness/lincheck_*.c).
 *
 *  - the checker on hand-written histories: linearizable ones that need
 *    overlapping operations reordered, non-linearizable ones, the
 *    closed-interval edge (equal stamps are concurrent), Clear as a
 *    per-key delete, budget exhaustion (unknown, never ok), findings
 *    bounded in number (the rest counted), the
 *    reduction of a violation, and the three Range guarantees;
 *  - the mutants of lincheck_mutants.c: each is caught on at least
 *    MUTANT_MIN_DETECT of MUTANT_SEEDS seeds (measured: see the report),
 *    and the correct locked table on none;
 *  - every thread-safe map of the registry (MAPBENCH_TEST_IMPL selects)
 *    passes a short lincheck run.
 */
#include "testutil.h"

#include <jansson.h>
#include <unistd.h>

#include "lincheck.h"

extern const struct map_ops mut_locked_ops, mut_los2_ops, mut_cas2_ops,
	mut_stale_ops;

/* Value n as the map would see it: odd, never NULL. */
#define V(n) ((uint64_t)(n)*2 + 1)

static struct lc_event
ev(unsigned thread, enum lc_opk op, unsigned key, uint64_t call, uint64_t ret,
   uint64_t arg, uint64_t arg2, int res, uint64_t out)
{
	struct lc_event e = {.call = call,
			     .ret = ret,
			     .arg = arg,
			     .arg2 = arg2,
			     .out = out,
			     .res = res,
			     .key = key,
			     .thread = thread,
			     .op = op};
	return e;
}

#define STORE(t, c, r, v)	 ev(t, LC_STORE, 0, c, r, v, 0, 0, 0)
#define LOAD(t, c, r, v)	 ev(t, LC_LOAD, 0, c, r, 0, 0, (v) != 0, v)
#define LOS(t, c, r, v, l, o)	 ev(t, LC_LOAD_OR_STORE, 0, c, r, v, 0, l, o)
#define CAS(t, c, r, o, n, ok)	 ev(t, LC_CAS, 0, c, r, o, n, ok, 0)
#define DEL(t, c, r)		 ev(t, LC_DELETE, 0, c, r, 0, 0, 0, 0)
#define CLEAR(t, c, r)		 ev(t, LC_CLEAR, 0, c, r, 0, 0, 0, 0)
#define SWAP(t, c, r, v, had, p) ev(t, LC_SWAP, 0, c, r, v, 0, had, p)

static const struct lc_budget budget = {.max_ms = 2000};

static enum lc_verdict
check(const struct lc_event *e, size_t n)
{
	return lc_check_ops(e, n, &budget, NULL);
}

#define CHECK(v, ...)                                                          \
	do {                                                                   \
		const struct lc_event h_[] = {__VA_ARGS__};                    \
		assert_int_equal(check(h_, sizeof(h_) / sizeof(h_[0])), v);    \
	} while (0)

static void
test_reorder(void **state)
{
	/* A load called before the store it sees: the store goes first. */
	CHECK(LC_OK, LOAD(1, 0, 5, V(1)), STORE(0, 1, 10, V(1)));
	/* Two overlapping stores seen in the order opposite to their calls. */
	CHECK(LC_OK, STORE(0, 0, 10, V(1)), STORE(1, 1, 10, V(2)),
	      LOAD(2, 11, 12, V(1)));
	/* Each of two loads pins a different order of overlapping ops. */
	CHECK(LC_OK, STORE(0, 0, 20, V(1)), STORE(1, 0, 20, V(2)),
	      LOAD(2, 1, 19, V(2)), LOAD(3, 1, 19, V(1)));
	/* A CAS that succeeds only after a later-called store. */
	CHECK(LC_OK, CAS(0, 0, 10, V(1), V(2), 1), STORE(1, 2, 3, V(1)),
	      LOAD(2, 11, 12, V(2)));
	/* Swap sees what it replaced; delete overlapping a LoadOrStore. */
	CHECK(LC_OK, STORE(0, 0, 1, V(1)), SWAP(1, 2, 3, V(2), 1, V(1)),
	      DEL(0, 4, 9), LOS(1, 5, 6, V(3), 0, V(3)), LOAD(2, 10, 11, V(3)));
	/* ... but then a load after both cannot find the key absent. */
	CHECK(LC_VIOLATION, STORE(0, 0, 1, V(1)), SWAP(1, 2, 3, V(2), 1, V(1)),
	      DEL(0, 4, 9), LOS(1, 5, 6, V(3), 0, V(3)), LOAD(2, 10, 11, 0));
}

static void
test_not_linearizable(void **state)
{
	/* A load sees an overwritten value. */
	CHECK(LC_VIOLATION, STORE(0, 0, 1, V(1)), STORE(1, 2, 3, V(2)),
	      LOAD(2, 4, 5, V(1)));
	/* A value never written. */
	CHECK(LC_VIOLATION, STORE(0, 0, 1, V(1)), LOAD(1, 0, 5, V(9)));
	/* A load misses a completed store. */
	CHECK(LC_VIOLATION, STORE(0, 0, 1, V(1)), LOAD(1, 2, 3, 0));
	/* Two LoadOrStores both store. */
	CHECK(LC_VIOLATION, LOS(0, 0, 10, V(1), 0, V(1)),
	      LOS(1, 0, 10, V(2), 0, V(2)));
	/* ... fine if a delete may come between them. */
	CHECK(LC_OK, LOS(0, 0, 10, V(1), 0, V(1)), LOS(1, 0, 10, V(2), 0, V(2)),
	      DEL(2, 5, 6));
	/* Two CAS from the same value both succeed. */
	CHECK(LC_VIOLATION, STORE(0, 0, 1, V(1)), CAS(1, 2, 10, V(1), V(2), 1),
	      CAS(2, 2, 10, V(1), V(3), 1));
	/* Swap reports a value older than the current one. */
	CHECK(LC_VIOLATION, STORE(0, 0, 1, V(1)), STORE(0, 2, 3, V(2)),
	      SWAP(1, 4, 5, V(3), 1, V(1)));
}

static void
test_closed_intervals(void **state)
{
	/* Equal stamps are concurrent: the load may go first. */
	CHECK(LC_OK, STORE(0, 0, 5, V(1)), LOAD(1, 5, 6, 0));
	/* One ns later it may not. */
	CHECK(LC_VIOLATION, STORE(0, 0, 5, V(1)), LOAD(1, 6, 7, 0));
	/* The same at the other end: load returns at the store's call. */
	CHECK(LC_OK, LOAD(1, 0, 5, V(1)), STORE(0, 5, 6, V(1)));
	CHECK(LC_VIOLATION, LOAD(1, 0, 4, V(1)), STORE(0, 5, 6, V(1)));
}

static void
test_clear(void **state)
{
	/* A clear between a store and a load. */
	CHECK(LC_VIOLATION, STORE(0, 0, 1, V(1)), CLEAR(1, 2, 3),
	      LOAD(2, 4, 5, V(1)));
	/* Overlapping the load, the clear may come after it. */
	CHECK(LC_OK, STORE(0, 0, 1, V(1)), CLEAR(1, 2, 6), LOAD(2, 4, 5, V(1)),
	      LOAD(2, 7, 8, 0));
}

/* n stores all overlapping, then a load of a value none wrote. */
static void
test_budget_unknown(void **state)
{
	enum { N = 40 };
	struct lc_event h[N + 1];
	struct lc_budget tiny = {.max_states = 500};
	struct lc_budget ms = {.max_ms = 1};
	uint64_t st;

	for (int i = 0; i < N; i++)
		h[i] = STORE(i, 0, 100, V(i + 1));
	h[N] = LOAD(N, 101, 102, V(999));
	/*
	 * Not linearizable, but proving it means visiting every subset of
	 * the stores with each last value: far beyond these budgets.
	 */
	assert_int_equal(lc_check_ops(h, N + 1, &tiny, &st), LC_UNKNOWN);
	assert_true(st >= 500);
	assert_int_equal(lc_check_ops(h, N + 1, &ms, NULL), LC_UNKNOWN);
	/* With only 8 stores it is decided. */
	h[8] = h[N];
	assert_int_equal(lc_check_ops(h, 9, &budget, NULL), LC_VIOLATION);
	h[8] = LOAD(N, 101, 102, V(3));
	assert_int_equal(lc_check_ops(h, 9, &budget, NULL), LC_OK);
}

/*
 * 20 (store, load) pairs, overlapping in each pair if `overlap`, one
 * after the other in time; then a stale load and 10 more stores.
 */
static size_t
reduce_history(struct lc_event *h, bool overlap)
{
	size_t n = 0;

	for (int i = 0; i < 20; i++) {
		uint64_t t = (uint64_t)i * 10;

		h[n++] = STORE(0, t, t + 2, V(i + 1));
		h[n++] = LOAD(1, overlap ? t + 1 : t + 3, t + 5, V(i + 1));
	}
	h[n++] = LOAD(1, 200, 201, V(5));
	for (int i = 0; i < 10; i++)
		h[n++] = STORE(0, 210 + (uint64_t)i * 3, 211 + (uint64_t)i * 3,
			       V(100 + i));
	return n;
}

/* The reduction keeps a witness: still failing, smaller. */
static void
test_reduce(void **state)
{
	struct lc_event h[64];
	struct lc_start st = {0};
	size_t n = reduce_history(h, true), m;

	/* No split point (each load overlaps its store): cut and drop. */
	assert_int_equal(check(h, n), LC_VIOLATION);
	m = lc_reduce(h, n, &st, &budget);
	assert_true(m < n);
	assert_false(st.has_ctx);
	assert_int_equal(check(h, m), LC_VIOLATION);
	assert_true(m <= 22); /* the later stores cut, loads dropped */
	for (size_t i = 1; i < m; i++)
		assert_true(h[i - 1].call <= h[i].call);

	/* Split points: from the last load before the stale one. */
	n = reduce_history(h, false);
	assert_int_equal(check(h, n), LC_VIOLATION);
	m = lc_reduce(h, n, &st, &budget);
	assert_true(st.has_ctx);
	assert_int_equal(st.init, V(20));
	assert_int_equal(st.ctx.call, 193);
	assert_int_equal(m, 1);
	assert_int_equal(h[0].call, 200);
	assert_int_equal(lc_check_from(h, m, st.init, &budget, NULL),
			 LC_VIOLATION);
}

/*
 * Segments: 40 overlapping stores, a load that ends them (a split
 * point), then a plain violation.  Checked whole, the search must rule
 * out every order of the stores: unknown within a small budget.  Split,
 * the violation is found at once.
 */
static void
test_segments(void **state)
{
	enum { N = 40 };
	struct lc_event ev_[N + 8];
	struct lc_history hist = {.ev = ev_, .nkeys = 1, .nthreads = N + 1};
	struct lc_budget small = {.max_states = 2000};
	struct lc_report r = {0};
	size_t n = 0;

	for (int i = 0; i < N; i++)
		ev_[n++] = STORE(i, 0, 100, V(i + 1));
	ev_[n++] = LOAD(N, 101, 102, V(7)); /* split point: value V(7) */
	ev_[n++] = STORE(0, 103, 104, V(50));
	ev_[n++] = LOAD(1, 105, 106, V(7)); /* stale */
	hist.n = n;
	assert_int_equal(lc_check_ops(ev_, n, &small, NULL), LC_UNKNOWN);
	assert_int_equal(lc_check_history(&hist, 0, &small, &r), 0);
	assert_int_equal(r.keys_violation, 1);
	assert_int_equal(r.nfindings, 1);
	assert_true(r.findings[0].start.has_ctx);
	/* Reduced: the stale load, after the store of V(50). */
	assert_int_equal(r.findings[0].start.init, V(50));
	assert_int_equal(r.findings[0].nops, 1);
	lc_report_free(&r);

	/*
	 * Without the stale read the first segment is linearizable (store
	 * V(7) last), but the search only finds that after ruling out the
	 * orders that end with the other stores: beyond the budget, so the
	 * key is unknown, not ok.
	 */
	hist.n = n - 1;
	assert_int_equal(lc_check_history(&hist, 0, &small, &r), 0);
	assert_int_equal(r.keys_unknown, 1);
	assert_int_equal(r.keys_ok + r.keys_violation, 0);
	assert_int_equal(r.findings[0].verdict, LC_UNKNOWN);
	lc_report_free(&r);
}

/*
 * Findings are bounded: a history that violates on every one of its 40
 * keys, checked twice into one report and once more into another that is
 * merged in, keeps LC_FINDINGS_MAX findings and counts the rest.
 */
static void
test_findings_bounded(void **state)
{
	enum { K = 40 };
	struct lc_event e[2 * K];
	struct lc_history h = {.ev = e, .n = 2 * K, .nkeys = K, .nthreads = 2};
	struct lc_report r = {0}, r2 = {0};

	for (unsigned k = 0; k < K; k++) {
		/* A completed store, then a load that misses it. */
		e[2 * k] =
			ev(0, LC_STORE, k, 10 * k, 10 * k + 1, V(1), 0, 0, 0);
		e[2 * k + 1] =
			ev(1, LC_LOAD, k, 10 * k + 2, 10 * k + 3, 0, 0, 0, 0);
	}
	assert_int_equal(lc_check_history(&h, 0, &budget, &r), 0);
	assert_int_equal(lc_check_history(&h, 1, &budget, &r), 0);
	assert_int_equal(r.keys_violation, 2 * K);
	assert_int_equal(r.nfindings, LC_FINDINGS_MAX);
	assert_int_equal(r.findings_dropped, 2 * K - LC_FINDINGS_MAX);
	assert_int_equal(lc_check_history(&h, 2, &budget, &r2), 0);
	assert_int_equal(r2.nfindings, K);
	assert_int_equal(lc_report_merge(&r, &r2), 0);
	assert_int_equal(r2.nfindings, 0);
	assert_int_equal(r.keys_violation, 3 * K);
	assert_int_equal(r.nfindings, LC_FINDINGS_MAX);
	assert_int_equal(r.findings_dropped, 3 * K - LC_FINDINGS_MAX);
	for (size_t i = 0; i < r.nfindings; i++)
		assert_int_equal(r.findings[i].verdict, LC_VIOLATION);
	lc_report_free(&r);
}

/* ---- Range ---- */

struct rh {
	struct lc_event ev[16];
	struct lc_pair pairs[16];
	struct lc_history h;
};

static void
rh_init(struct rh *r)
{
	memset(r, 0, sizeof(*r));
	r->h.ev = r->ev;
	r->h.pairs = r->pairs;
	r->h.nkeys = 2;
	r->h.nthreads = 4;
}

static void
rh_add(struct rh *r, struct lc_event e)
{
	r->ev[r->h.n++] = e;
}

static void
rh_range(struct rh *r, uint64_t call, uint64_t ret, int npairs, ...)
{
	struct lc_event e = ev(3, LC_RANGE, 0, call, ret, 0, 0, 0, 0);
	va_list ap;

	e.range_off = (uint32_t)r->h.npairs;
	e.nrange = (uint32_t)npairs;
	va_start(ap, npairs);
	for (int i = 0; i < npairs; i++) {
		unsigned k = va_arg(ap, unsigned);

		r->pairs[r->h.npairs].key = lc_key_of(k);
		r->pairs[r->h.npairs++].value = va_arg(ap, uint64_t);
	}
	va_end(ap);
	rh_add(r, e);
}

static unsigned
rh_check(struct rh *r)
{
	struct lc_report rep = {0};
	unsigned v;

	assert_int_equal(lc_check_history(&r->h, 0, &budget, &rep), 0);
	assert_int_equal(rep.keys_violation, 0);
	assert_int_equal(rep.ranges, 1);
	v = rep.ranges_violation;
	lc_report_free(&rep);
	return v;
}

static struct lc_event
on_key(struct lc_event e, unsigned k)
{
	e.key = k;
	return e;
}

static void
test_range(void **state)
{
	struct rh r;

	/* Stable k0 seen; k1 written concurrently, either way fine. */
	rh_init(&r);
	rh_add(&r, STORE(0, 0, 1, V(1)));
	rh_add(&r, on_key(STORE(1, 0, 1, V(2)), 1));
	rh_add(&r, on_key(STORE(1, 5, 7, V(3)), 1));
	rh_range(&r, 4, 8, 2, 0u, V(1), 1u, V(2));
	assert_int_equal(rh_check(&r), 0);
	rh_init(&r);
	rh_add(&r, STORE(0, 0, 1, V(1)));
	rh_add(&r, on_key(STORE(1, 0, 1, V(2)), 1));
	rh_add(&r, on_key(STORE(1, 5, 7, V(3)), 1));
	rh_range(&r, 4, 8, 2, 1u, V(3), 0u, V(1));
	assert_int_equal(rh_check(&r), 0);

	/* (1) a key twice. */
	rh_init(&r);
	rh_add(&r, STORE(0, 0, 1, V(1)));
	rh_range(&r, 4, 8, 2, 0u, V(1), 0u, V(1));
	assert_int_equal(rh_check(&r), 1);

	/* (2) a stable key missed, or with another value. */
	rh_init(&r);
	rh_add(&r, STORE(0, 0, 1, V(1)));
	rh_range(&r, 4, 8, 0);
	assert_int_equal(rh_check(&r), 1);
	rh_init(&r);
	rh_add(&r, STORE(0, 0, 1, V(1)));
	rh_add(&r, STORE(1, 0, 3, V(2))); /* overlaps, completes first */
	rh_range(&r, 4, 8, 1, 0u, V(1));
	assert_int_equal(rh_check(&r), 0); /* not surely last: either */
	rh_init(&r);
	rh_add(&r, STORE(0, 0, 1, V(1)));
	rh_add(&r, STORE(1, 2, 3, V(2)));
	rh_range(&r, 4, 8, 1, 0u, V(1));
	assert_int_equal(rh_check(&r), 1); /* V(2) surely last */
	/* ... but a write touching the range's end excuses it. */
	rh_init(&r);
	rh_add(&r, STORE(0, 0, 1, V(1)));
	rh_add(&r, DEL(1, 8, 9));
	rh_range(&r, 4, 8, 0);
	assert_int_equal(rh_check(&r), 0);

	/* (3) a value from before a completed delete, or from the future. */
	rh_init(&r);
	rh_add(&r, STORE(0, 0, 1, V(1)));
	rh_add(&r, DEL(0, 2, 3));
	rh_range(&r, 4, 8, 1, 0u, V(1));
	assert_int_equal(rh_check(&r), 1);
	rh_init(&r);
	rh_add(&r, STORE(0, 9, 10, V(1)));
	rh_range(&r, 4, 8, 1, 0u, V(1));
	assert_int_equal(rh_check(&r), 1);
	rh_init(&r);
	rh_add(&r, STORE(0, 8, 10, V(1))); /* starts at the range's end */
	rh_range(&r, 4, 8, 1, 0u, V(1));
	assert_int_equal(rh_check(&r), 0);
}

/* ---- recorded runs ---- */

/* Violations found in one default history of `ops` with seed `seed`. */
static unsigned
run_one(const struct map_ops *ops, const char *param, uint64_t seed,
	unsigned *unknown, bool show)
{
	struct lc_config c;
	struct lc_history h;
	struct lc_report r = {0};
	struct lc_budget b = {.max_ms = 1000};
	uint64_t wall;
	unsigned v;

	lc_config_default(&c);
	c.seed = seed;
	assert_int_equal(lc_record(ops, param, &c, &h, &wall), 0);
	assert_int_equal(h.n, (size_t)c.threads * c.ops);
	assert_int_equal(lc_check_history(&h, 0, &b, &r), 0);
	assert_int_equal(r.ops, h.n);
	v = r.keys_violation + r.ranges_violation;
	/* A violation comes with a witness that still fails. */
	for (size_t i = 0; i < r.nfindings; i++) {
		const struct lc_finding *f = &r.findings[i];

		if (f->verdict != LC_VIOLATION || f->ops == NULL ||
		    strncmp(f->what, "range", 5) == 0)
			continue;
		assert_true(f->nops > 0 && f->nops <= f->nkey_ops);
		assert_int_equal(lc_check_from(f->ops, f->nops, f->start.init,
					       &budget, NULL),
				 LC_VIOLATION);
		if (!show)
			continue;
		show = false;
		print_message("[ WITNESS  ] %s seed %llu k%d: %zu of %zu ops\n",
			      ops->name, (unsigned long long)seed, f->key,
			      f->nops, f->nkey_ops);
		for (size_t j = 0; j < f->nops && j < 24; j++) {
			print_message("[ WITNESS  ]   ");
			lc_event_print(stdout, &f->ops[j]);
		}
	}
	if (unknown)
		*unknown += r.keys_unknown;
	lc_report_free(&r);
	lc_history_free(&h);
	return v;
}

#define MUTANT_SEEDS	  20
#define MUTANT_MIN_DETECT 10

static unsigned
detect(const struct map_ops *ops)
{
	unsigned hits = 0, seeds = (unsigned)scaled(MUTANT_SEEDS, 5);

	for (unsigned s = 1; s <= seeds; s++)
		hits += run_one(ops, NULL, s, NULL, hits == 0) > 0;
	print_message("[ DETECT   ] %s: violation in %u of %u seeds\n",
		      ops->name, hits, seeds);
	return hits * MUTANT_SEEDS / seeds;
}

static void
test_mutant_los2(void **state)
{
	assert_true(detect(&mut_los2_ops) >= MUTANT_MIN_DETECT);
}

static void
test_mutant_cas2(void **state)
{
	assert_true(detect(&mut_cas2_ops) >= MUTANT_MIN_DETECT);
}

static void
test_mutant_stale(void **state)
{
	assert_true(detect(&mut_stale_ops) >= MUTANT_MIN_DETECT);
}

static void
test_control_locked(void **state)
{
	assert_int_equal(detect(&mut_locked_ops), 0);
}

/* ---- the command ---- */

/*
 * Run `mapbench lincheck ARGS` with the mutants findable by name; its
 * stdout goes to a temporary file, returned malloc'ed in *out.
 */
static int
run_cli(char **out, int argc, char **argv)
{
	static const struct map_ops *const extra[] = {
		&mut_locked_ops, &mut_los2_ops, &mut_cas2_ops, &mut_stale_ops,
		NULL};
	FILE *tmp = tmpfile();
	char *args[16];
	int saved, rc;
	long len;

	/* The parser edits its arguments, as main's are writable. */
	assert_true(argc < 16);
	for (int i = 0; i < argc; i++)
		args[i] = strdup(argv[i]);
	args[argc] = NULL;
	assert_non_null(tmp);
	fflush(stdout);
	saved = dup(1);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), 1) >= 0);
	rc = lc_main(argc, args, extra);
	fflush(stdout);
	assert_true(dup2(saved, 1) >= 0);
	close(saved);
	len = ftell(tmp);
	assert_true(len > 0);
	*out = calloc(1, (size_t)len + 1);
	assert_non_null(*out);
	rewind(tmp);
	assert_int_equal(fread(*out, 1, (size_t)len, tmp), (size_t)len);
	fclose(tmp);
	for (int i = 0; i < argc; i++)
		free(args[i]);
	return rc;
}

static void
test_cli(void **state)
{
	char *a1[] = {
		"lincheck", "--impl", "mut_cas2,mut_locked", "--histories", "2",
		"--seed",   "7"};
	char *a2[] = {"lincheck", "--impl", "mut_stale", "--histories", "1",
		      "--format", "json",   "--ops",	 "300"};
	char *a3[] = {"lincheck",    "--impl", "mut_locked",
		      "--histories", "2",      "--threads",
		      "3",	     "--keys", "2"};
	json_error_t err;
	json_t *j, *m, *f;
	char *out;

	assert_int_equal(run_cli(&out, 7, a1), 1);
	assert_non_null(strstr(out, "VIOLATION k"));
	assert_non_null(strstr(out, "replay: mapbench lincheck --impl mut_cas2 "
				    "--threads 4 --keys 4 --ops 2000 --seed "));
	/* The default schedule: history 0 on 2 keys, history 1 on 4. */
	assert_non_null(strstr(out, "mut_locked: 2 histories, 16000 ops; keys "
				    "6 ok, 0 violation, 0 unknown"));
	assert_non_null(strstr(out, "lincheck: violation\n"));
	free(out);

	assert_int_equal(run_cli(&out, 9, a2), 1);
	j = json_loads(out, 0, &err);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "verdict")),
			    "violation");
	m = json_array_get(json_object_get(j, "maps"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "impl")),
			    "mut_stale");
	f = json_array_get(json_object_get(m, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f, "verdict")),
			    "violation");
	assert_true(json_array_size(json_object_get(f, "ops")) > 0);
	json_decref(j);
	free(out);

	/*
	 * A correct map: ok, or, when a loaded machine (ctest -j) let the
	 * threads barely overlap, unknown; never a violation.
	 */
	assert_int_equal(run_cli(&out, 9, a3), 0);
	assert_true(strstr(out, "lincheck: ok\n") ||
		    strstr(out, "lincheck: unknown"));
	assert_null(strstr(out, "lincheck: violation"));
	free(out);
}

/* Every thread-safe map: a few histories, no violation. */
static void
test_registry_map(void **state)
{
	const struct map_ops *ops = test_ops(state);
	unsigned unknown = 0, n = (unsigned)scaled(8, 2);

	for (unsigned s = 1; s <= n; s++)
		assert_int_equal(
			run_one(ops, test_cur_param, 1000 + s, &unknown, false),
			0);
	if (unknown)
		print_message("[ UNKNOWN  ] %s: %u keys ran out of budget\n",
			      ops->name, unknown);
}

int
main(void)
{
	const struct CMUnitTest checker[] = {
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_not_linearizable),
		cmocka_unit_test(test_closed_intervals),
		cmocka_unit_test(test_clear),
		cmocka_unit_test(test_budget_unknown),
		cmocka_unit_test(test_findings_bounded),
		cmocka_unit_test(test_reduce),
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_mutant_los2),
		cmocka_unit_test(test_mutant_cas2),
		cmocka_unit_test(test_mutant_stale),
		cmocka_unit_test(test_control_locked),
		cmocka_unit_test(test_cli),
	};
	const struct impl_test per_impl[] = {
		{"lincheck", test_registry_map, MAP_NOT_THREAD_SAFE},
	};
	int rc = cmocka_run_group_tests_name("lincheck", checker, NULL, NULL);

	rc |= run_impl_tests("lincheck_maps", per_impl, 1);
	return rc != 0;
}

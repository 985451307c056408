/*
 * Go's sync.Map benchmark workloads in C: the 24 bodies of Go 1.23's
 * src/sync/map_bench_test.go, with the same constants and priming.
 *
 * Each body is one iteration of Go's `for ; pb.Next(); i++` loop.  Go's int
 * counter becomes t->i (never negative here: it starts at tid * n_hint and
 * only grows, so Go's `i % n` is C's unsigned `i % n`), Go's int keys become
 * the same uint64_t, and Go's int values become WL_VAL(x).  Go compares
 * interface values holding ints by value; WL_VAL is injective, so pointer
 * equality on WL_VAL(x) is the same test.
 *
 * Every local a Go body keeps across iterations lives in s0/s1, so
 * run(t, a) followed by run(t, b) is exactly run(t, a + b).
 *
 * Counting: ops[kind] counts every map call issued; hits[kind] counts the
 * ones that found something (load found, load_or_store loaded,
 * load_and_delete loaded, swap had a previous value, CAS/CAD succeeded).
 * store, delete, range and clear never count hits.
 *
 * Setup functions run on one thread that has already called the impl's
 * thread_enter; they issue uncounted operations.
 */
#include <stddef.h>
#include <string.h>

#include "workloads.h"

/* The impl's vtable in a struct wl_thread (one place to name the field). */
#define WL_IMPL(t) ((t)->impl)

const char *const wl_op_names[WL_NOPS] = {
	[WL_LOAD] = "load",
	[WL_STORE] = "store",
	[WL_DELETE] = "delete",
	[WL_LOAD_OR_STORE] = "load_or_store",
	[WL_LOAD_AND_DELETE] = "load_and_delete",
	[WL_SWAP] = "swap",
	[WL_CAS] = "cas",
	[WL_CAD] = "cad",
	[WL_RANGE] = "range",
	[WL_CLEAR] = "clear",
};

void
wl_thread_init(struct wl_thread *t, const struct map_ops *ops, struct map *m,
	       unsigned tid, uint64_t n_hint)
{
	memset(t, 0, sizeof(*t));
	WL_IMPL(t) = ops;
	t->m = m;
	t->i = (uint64_t)tid * n_hint;
}

/*
 * Counted operations: one map call each, tallied in t.
 */

static inline void
wl_count(struct wl_thread *t, enum wl_op kind, bool hit)
{
	t->ops[kind]++;
	t->hits[kind] += hit;
}

static inline bool
wl_load(struct wl_thread *t, uint64_t key)
{
	void *v;
	bool found = WL_IMPL(t)->load(t->m, key, &v);

	wl_count(t, WL_LOAD, found);
	return found;
}

static inline void
wl_store(struct wl_thread *t, uint64_t key, uint64_t val)
{
	WL_IMPL(t)->store(t->m, key, WL_VAL(val));
	wl_count(t, WL_STORE, false);
}

static inline bool
wl_load_or_store(struct wl_thread *t, uint64_t key, uint64_t val)
{
	void *actual;
	bool loaded =
		WL_IMPL(t)->load_or_store(t->m, key, WL_VAL(val), &actual) == 1;

	wl_count(t, WL_LOAD_OR_STORE, loaded);
	return loaded;
}

static inline bool
wl_load_and_delete(struct wl_thread *t, uint64_t key)
{
	void *v;
	bool loaded = WL_IMPL(t)->load_and_delete(t->m, key, &v);

	wl_count(t, WL_LOAD_AND_DELETE, loaded);
	return loaded;
}

static inline void
wl_delete(struct wl_thread *t, uint64_t key)
{
	WL_IMPL(t)->del(t->m, key);
	wl_count(t, WL_DELETE, false);
}

static inline bool
wl_swap(struct wl_thread *t, uint64_t key, uint64_t val)
{
	void *prev;
	bool had = WL_IMPL(t)->swap(t->m, key, WL_VAL(val), &prev) == 1;

	wl_count(t, WL_SWAP, had);
	return had;
}

static inline bool
wl_cas(struct wl_thread *t, uint64_t key, uint64_t old, uint64_t new_val)
{
	bool ok = WL_IMPL(t)->compare_and_swap(t->m, key, WL_VAL(old),
					       WL_VAL(new_val));

	wl_count(t, WL_CAS, ok);
	return ok;
}

static inline bool
wl_cad(struct wl_thread *t, uint64_t key, uint64_t old)
{
	bool ok = WL_IMPL(t)->compare_and_delete(t->m, key, WL_VAL(old));

	wl_count(t, WL_CAD, ok);
	return ok;
}

static inline void
wl_range(struct wl_thread *t, bool (*fn)(uint64_t, void *, void *), void *arg)
{
	WL_IMPL(t)->range(t->m, fn, arg);
	wl_count(t, WL_RANGE, false);
}

static inline void
wl_clear(struct wl_thread *t)
{
	WL_IMPL(t)->clear(t->m);
	wl_count(t, WL_CLEAR, false);
}

/*
 * Setups (Go's bench.setup).
 */

/* Store keys [0, hits) with LoadOrStore, then load each twice so that a
 * sync.Map has promoted them to its read map: Go's "steady state". */
static void
prime_hits(const struct map_ops *ops, struct map *m, uint64_t hits)
{
	void *v;

	for (uint64_t i = 0; i < hits; i++)
		ops->load_or_store(m, i, WL_VAL(i), &v);
	for (uint64_t i = 0; i < hits * 2; i++)
		ops->load(m, i % hits, &v);
}

static void
setup_hits_1023(const struct map_ops *ops, struct map *m)
{
	prime_hits(ops, m, 1023);
}

static void
setup_hits_1(const struct map_ops *ops, struct map *m)
{
	prime_hits(ops, m, 1);
}

static void
setup_hits_128(const struct map_ops *ops, struct map *m)
{
	prime_hits(ops, m, 128);
}

/* LoadOrStore(0, 0): the single key of the *Collision workloads. */
static void
setup_key0(const struct map_ops *ops, struct map *m)
{
	void *v;

	ops->load_or_store(m, 0, WL_VAL(0), &v);
}

/* Store(0, 0): CompareAndSwapValueNotEqual uses Store, not LoadOrStore. */
static void
setup_store0(const struct map_ops *ops, struct map *m)
{
	ops->store(m, 0, WL_VAL(0));
}

/* Store keys [0, 1024): Range and AdversarialDelete. */
static void
setup_fill_1024(const struct map_ops *ops, struct map *m)
{
	for (uint64_t i = 0; i < 1024; i++)
		ops->store(m, i, WL_VAL(i));
}

/*
 * Bodies: one iteration each, reading t->i and never changing it.
 */

static inline void
body_load_1024(struct wl_thread *t)
{
	wl_load(t, t->i % 1024);
}

static inline void
body_load_or_store_balanced(struct wl_thread *t)
{
	uint64_t i = t->i, j = i % 256;

	/* Go fails the benchmark if j < 128 is not loaded or i is. */
	if (j < 128)
		wl_load_or_store(t, j, i);
	else
		wl_load_or_store(t, i, i);
}

static inline void
body_load_or_store_unique(struct wl_thread *t)
{
	wl_load_or_store(t, t->i, t->i);
}

static inline void
body_load_or_store_collision(struct wl_thread *t)
{
	wl_load_or_store(t, 0, 0);
}

static inline void
body_load_and_delete_balanced(struct wl_thread *t)
{
	uint64_t i = t->i, j = i % 256;

	wl_load_and_delete(t, j < 128 ? j : i);
}

static inline void
body_load_and_delete_unique(struct wl_thread *t)
{
	wl_load_and_delete(t, t->i);
}

static inline void
body_load_and_delete_collision(struct wl_thread *t)
{
	if (wl_load_and_delete(t, 0))
		wl_store(t, 0, 0);
}

static bool
range_keep_going(uint64_t key, void *value, void *arg)
{
	(void)key;
	(void)value;
	(void)arg;
	return true;
}

static inline void
body_range(struct wl_thread *t)
{
	wl_range(t, range_keep_going, NULL);
}

/*
 * Load a key that is never present; after every (stores + 1) loads,
 * LoadOrStore it.  s0 is Go's `stores`, s1 its `loadsSinceStore`.
 */
static inline void
body_adversarial_alloc(struct wl_thread *t)
{
	wl_load(t, t->i);
	if (++t->s1 > t->s0) {
		wl_load_or_store(t, t->i, (uint64_t)t->s0);
		t->s1 = 0;
		t->s0++;
	}
}

/* Range callback of AdversarialDelete: delete the first key, then stop. */
static bool
range_delete_first(uint64_t key, void *value, void *arg)
{
	(void)value;
	wl_delete(arg, key);
	return false;
}

static inline void
body_adversarial_delete(struct wl_thread *t)
{
	uint64_t i = t->i;

	wl_load(t, i);
	if (i % 1024 == 0) {
		wl_range(t, range_delete_first, t);
		wl_store(t, i, i);
	}
}

static inline void
body_delete_collision(struct wl_thread *t)
{
	wl_delete(t, 0);
}

static inline void
body_swap_collision(struct wl_thread *t)
{
	wl_swap(t, 0, 0);
}

/* Swap a primed key when i % 1024 < hits; else swap in a fresh key and
 * delete it again. */
static inline void
body_swap_mostly(struct wl_thread *t, uint64_t hits)
{
	uint64_t i = t->i, j = i % 1024;

	if (j < hits) {
		wl_swap(t, j, j);
	} else {
		wl_swap(t, i, i);
		wl_delete(t, i);
	}
}

static inline void
body_swap_mostly_hits(struct wl_thread *t)
{
	body_swap_mostly(t, 1023);
}

static inline void
body_swap_mostly_misses(struct wl_thread *t)
{
	body_swap_mostly(t, 1);
}

static inline void
body_cas_collision(struct wl_thread *t)
{
	if (wl_cas(t, 0, 0, 42))
		wl_cas(t, 0, 42, 0);
}

static inline void
body_cas_no_existing_key(struct wl_thread *t)
{
	if (wl_cas(t, t->i, 0, 0))
		wl_delete(t, t->i);
}

static inline void
body_cas_value_not_equal(struct wl_thread *t)
{
	wl_cas(t, 0, 1, 2);
}

/* The key: i % 1024 when that is below `hits` (a primed key), else i. */
static inline uint64_t
mostly_key(uint64_t i, uint64_t hits)
{
	return i % 1024 < hits ? i % 1024 : i;
}

static inline void
body_cas_mostly_hits(struct wl_thread *t)
{
	uint64_t v = mostly_key(t->i, 1023);

	wl_cas(t, v, v, v);
}

static inline void
body_cas_mostly_misses(struct wl_thread *t)
{
	uint64_t v = mostly_key(t->i, 1);

	wl_cas(t, v, v, v);
}

static inline void
body_cad_collision(struct wl_thread *t)
{
	if (wl_cad(t, 0, 0))
		wl_store(t, 0, 0);
}

static inline void
body_cad_mostly_hits(struct wl_thread *t)
{
	uint64_t v = mostly_key(t->i, 1023);

	if (wl_cad(t, v, v))
		wl_store(t, v, v);
}

static inline void
body_cad_mostly_misses(struct wl_thread *t)
{
	uint64_t v = mostly_key(t->i, 1);

	if (wl_cad(t, v, v))
		wl_store(t, v, v);
}

static inline void
body_clear(struct wl_thread *t)
{
	uint64_t k = t->i % 256;

	wl_clear(t);
	wl_store(t, k, k);
}

/*
 * run(): n iterations of a body on a private copy of the thread state, so
 * the counters can live in registers; the copy is written back at the end.
 */
#define WL_RUN(body)                                                           \
	static void run_##body(struct wl_thread *t, uint64_t n)                \
	{                                                                      \
		struct wl_thread c = *t;                                       \
                                                                               \
		for (uint64_t end = c.i + n; c.i != end; c.i++)                \
			body_##body(&c);                                       \
		c.iters += n;                                                  \
		*t = c;                                                        \
	}                                                                      \
	static void step_##body(struct wl_thread *t)                           \
	{                                                                      \
		body_##body(t);                                                \
		t->i++;                                                        \
		t->iters++;                                                    \
	}

WL_RUN(load_1024)
WL_RUN(load_or_store_balanced)
WL_RUN(load_or_store_unique)
WL_RUN(load_or_store_collision)
WL_RUN(load_and_delete_balanced)
WL_RUN(load_and_delete_unique)
WL_RUN(load_and_delete_collision)
WL_RUN(range)
WL_RUN(adversarial_alloc)
WL_RUN(adversarial_delete)
WL_RUN(delete_collision)
WL_RUN(swap_collision)
WL_RUN(swap_mostly_hits)
WL_RUN(swap_mostly_misses)
WL_RUN(cas_collision)
WL_RUN(cas_no_existing_key)
WL_RUN(cas_value_not_equal)
WL_RUN(cas_mostly_hits)
WL_RUN(cas_mostly_misses)
WL_RUN(cad_collision)
WL_RUN(cad_mostly_hits)
WL_RUN(cad_mostly_misses)
WL_RUN(clear)

/*
 * One iteration on the thread state itself, no copy: what a latency
 * sample times (run(t, 1) would add two copies of the state).
 */
static const struct {
	void (*run)(struct wl_thread *, uint64_t);
	void (*step)(struct wl_thread *);
} wl_steps[] = {
	{run_load_1024, step_load_1024},
	{run_load_or_store_balanced, step_load_or_store_balanced},
	{run_load_or_store_unique, step_load_or_store_unique},
	{run_load_or_store_collision, step_load_or_store_collision},
	{run_load_and_delete_balanced, step_load_and_delete_balanced},
	{run_load_and_delete_unique, step_load_and_delete_unique},
	{run_load_and_delete_collision, step_load_and_delete_collision},
	{run_range, step_range},
	{run_adversarial_alloc, step_adversarial_alloc},
	{run_adversarial_delete, step_adversarial_delete},
	{run_delete_collision, step_delete_collision},
	{run_swap_collision, step_swap_collision},
	{run_swap_mostly_hits, step_swap_mostly_hits},
	{run_swap_mostly_misses, step_swap_mostly_misses},
	{run_cas_collision, step_cas_collision},
	{run_cas_no_existing_key, step_cas_no_existing_key},
	{run_cas_value_not_equal, step_cas_value_not_equal},
	{run_cas_mostly_hits, step_cas_mostly_hits},
	{run_cas_mostly_misses, step_cas_mostly_misses},
	{run_cad_collision, step_cad_collision},
	{run_cad_mostly_hits, step_cad_mostly_hits},
	{run_cad_mostly_misses, step_cad_mostly_misses},
	{run_clear, step_clear},
};

void (*wl_step_of(const struct go_workload *wl))(struct wl_thread *)
{
	for (size_t i = 0; i < sizeof(wl_steps) / sizeof(wl_steps[0]); i++)
		if (wl_steps[i].run == wl->run)
			return wl_steps[i].step;
	return NULL;
}

#define U(op) (1u << (op))

static const struct go_workload wl_load_mostly_hits = {
	"LoadMostlyHits", setup_hits_1023, run_load_1024, U(WL_LOAD)};
static const struct go_workload wl_load_mostly_misses = {
	"LoadMostlyMisses", setup_hits_1, run_load_1024, U(WL_LOAD)};
static const struct go_workload wl_load_or_store_balanced = {
	"LoadOrStoreBalanced", setup_hits_128, run_load_or_store_balanced,
	U(WL_LOAD_OR_STORE)};
static const struct go_workload wl_load_or_store_unique = {
	"LoadOrStoreUnique", NULL, run_load_or_store_unique,
	U(WL_LOAD_OR_STORE)};
static const struct go_workload wl_load_or_store_collision = {
	"LoadOrStoreCollision", setup_key0, run_load_or_store_collision,
	U(WL_LOAD_OR_STORE)};
static const struct go_workload wl_load_and_delete_balanced = {
	"LoadAndDeleteBalanced", setup_hits_128, run_load_and_delete_balanced,
	U(WL_LOAD_AND_DELETE)};
static const struct go_workload wl_load_and_delete_unique = {
	"LoadAndDeleteUnique", NULL, run_load_and_delete_unique,
	U(WL_LOAD_AND_DELETE)};
static const struct go_workload wl_load_and_delete_collision = {
	"LoadAndDeleteCollision", setup_key0, run_load_and_delete_collision,
	U(WL_LOAD_AND_DELETE) | U(WL_STORE)};
static const struct go_workload wl_range_ = {"Range", setup_fill_1024,
					     run_range, U(WL_RANGE)};
static const struct go_workload wl_adversarial_alloc = {
	"AdversarialAlloc", NULL, run_adversarial_alloc,
	U(WL_LOAD) | U(WL_LOAD_OR_STORE)};
static const struct go_workload wl_adversarial_delete = {
	"AdversarialDelete", setup_fill_1024, run_adversarial_delete,
	U(WL_LOAD) | U(WL_RANGE) | U(WL_DELETE) | U(WL_STORE)};
static const struct go_workload wl_delete_collision = {
	"DeleteCollision", setup_key0, run_delete_collision, U(WL_DELETE)};
static const struct go_workload wl_swap_collision = {
	"SwapCollision", setup_key0, run_swap_collision, U(WL_SWAP)};
static const struct go_workload wl_swap_mostly_hits = {
	"SwapMostlyHits", setup_hits_1023, run_swap_mostly_hits,
	U(WL_SWAP) | U(WL_DELETE)};
static const struct go_workload wl_swap_mostly_misses = {
	"SwapMostlyMisses", setup_hits_1, run_swap_mostly_misses,
	U(WL_SWAP) | U(WL_DELETE)};
static const struct go_workload wl_cas_collision = {
	"CompareAndSwapCollision", setup_key0, run_cas_collision, U(WL_CAS)};
static const struct go_workload wl_cas_no_existing_key = {
	"CompareAndSwapNoExistingKey", NULL, run_cas_no_existing_key,
	U(WL_CAS) | U(WL_DELETE)};
static const struct go_workload wl_cas_value_not_equal = {
	"CompareAndSwapValueNotEqual", setup_store0, run_cas_value_not_equal,
	U(WL_CAS)};
static const struct go_workload wl_cas_mostly_hits = {
	"CompareAndSwapMostlyHits", setup_hits_1023, run_cas_mostly_hits,
	U(WL_CAS)};
static const struct go_workload wl_cas_mostly_misses = {
	"CompareAndSwapMostlyMisses", setup_hits_1, run_cas_mostly_misses,
	U(WL_CAS)};
static const struct go_workload wl_cad_collision = {
	"CompareAndDeleteCollision", setup_key0, run_cad_collision,
	U(WL_CAD) | U(WL_STORE)};
static const struct go_workload wl_cad_mostly_hits = {
	"CompareAndDeleteMostlyHits", setup_hits_1023, run_cad_mostly_hits,
	U(WL_CAD) | U(WL_STORE)};
static const struct go_workload wl_cad_mostly_misses = {
	"CompareAndDeleteMostlyMisses", setup_hits_1, run_cad_mostly_misses,
	U(WL_CAD) | U(WL_STORE)};
static const struct go_workload wl_clear_ = {"Clear", NULL, run_clear,
					     U(WL_CLEAR) | U(WL_STORE)};

/* In the order of Go's map_bench_test.go. */
const struct go_workload *const go_workloads[] = {
	&wl_load_mostly_hits,
	&wl_load_mostly_misses,
	&wl_load_or_store_balanced,
	&wl_load_or_store_unique,
	&wl_load_or_store_collision,
	&wl_load_and_delete_balanced,
	&wl_load_and_delete_unique,
	&wl_load_and_delete_collision,
	&wl_range_,
	&wl_adversarial_alloc,
	&wl_adversarial_delete,
	&wl_delete_collision,
	&wl_swap_collision,
	&wl_swap_mostly_hits,
	&wl_swap_mostly_misses,
	&wl_cas_collision,
	&wl_cas_no_existing_key,
	&wl_cas_value_not_equal,
	&wl_cas_mostly_hits,
	&wl_cas_mostly_misses,
	&wl_cad_collision,
	&wl_cad_mostly_hits,
	&wl_cad_mostly_misses,
	&wl_clear_,
	NULL,
};

const struct go_workload *
go_workload_find(const char *name)
{
	for (const struct go_workload *const *w = go_workloads; *w != NULL; w++)
		if (strcmp((*w)->name, name) == 0)
			return *w;
	return NULL;
}

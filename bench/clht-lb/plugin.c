/*
 * A mapbench plugin around the ORIGINAL CLHT-LB with resizing
 * (LPD-EPFL/CLHT, src/clht_lb_res.c, built unmodified by build.sh from a
 * CLHT source tree outside this repository: none of CLHT's code is here).
 * Only for measuring the project's clht against the original in the same
 * mapbench run (README.md).
 *
 * Mapping (CLHT's own semantics wherever mapbench's differ):
 *  - map clht_lb_res: key k is CLHT key k + 1 (CLHT reserves key 0 for an
 *    empty slot), and CLHT indexes by the key's low bits, as the original
 *    does: on mapbench's dense keys 0..n-1 a perfect spread.
 *  - map clht_lb_res_h (built with -DCLHT_LB_HASHED_KEYS): key k is CLHT
 *    key map_hash64(k + 1), the project's hash (clht's), so CLHT indexes
 *    by the same hashed bits as clht and pays the same hash; range maps
 *    keys back.
 *  - create(hint): pow2roundup(hint / 2) buckets (CLHT's own benchmark,
 *    bmarks/test_mem.c: buckets = initial / load_factor, load_factor 2),
 *    at least 8 (CLHT_MIN_CLHT_SIZE).
 *  - store = clht_put: insert-if-absent (CLHT has no update in place; a
 *    put of a present key returns without taking the lock).
 *  - load = clht_get (returns 0 = absent if the value changed under it).
 *  - load_and_delete / del = clht_remove.
 *  - swap, compare_and_swap, compare_and_delete, load_or_store, range and
 *    clear are built from get/put/remove and are NOT atomic: this plugin is
 *    a speed reference for load/store/delete mixes, it does not pass check.
 *  - thread_enter registers the thread with CLHT's GC metadata
 *    (clht_gc_thread_init; its id is printed by a resize).  ssmem is a
 *    shim (ssmem.h): tables replaced by a resize are freed at destroy.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "map.h"

#include "clht_lb_res.h"
#include "hash.h"

#if defined(CLHT_LB_HASHED_KEYS) && defined(CLHT_LB_UPSERT)
#define CLHT_LB_NAME "clht_lb_res_hu"
#elif defined(CLHT_LB_HASHED_KEYS)
#define CLHT_LB_NAME "clht_lb_res_h"
#elif defined(CLHT_LB_UPSERT)
#define CLHT_LB_NAME "clht_lb_res_u"
#else
#define CLHT_LB_NAME "clht_lb_res"
#endif

#ifdef CLHT_LB_HASHED_KEYS

/*
 * The project's map_hash64 of k + 1: the hash, the cost and the spread
 * of clht's own (a bijection that maps only 0 to 0, so never CLHT's
 * reserved key 0 here).
 */
static inline uint64_t
ck_key(uint64_t x)
{
	return map_hash64(x + 1);
}

/* Its inverse: the xor-shift undone, then the multiplier's inverse. */
static inline uint64_t
ck_unkey(uint64_t x)
{
	x ^= x >> 32;
	return x * UINT64_C(0xf1de83e19937733d) - 1;
}
#else
static inline uint64_t
ck_key(uint64_t x)
{
	return x + 1;
}

static inline uint64_t
ck_unkey(uint64_t x)
{
	return x - 1;
}
#endif

struct map {
	clht_t *h;
};

static pthread_once_t reg_once = PTHREAD_ONCE_INIT;
static clht_t *reg_clht;	/* only to register threads' GC metadata */
static _Atomic int next_id = 1; /* 0 would make ssmem print */
static __thread int nest;

static void
reg_init(void)
{
	reg_clht = clht_create(8);
}

static void
w_enter(void)
{
	if (nest++ == 0 && clht_alloc == NULL) {
		pthread_once(&reg_once, reg_init);
		clht_gc_thread_init(reg_clht, atomic_fetch_add(&next_id, 1));
	}
}

static void
w_exit(void)
{
	nest--;
}

static struct map *
w_create(size_t hint)
{
	struct map *m = malloc(sizeof(*m));
	uint64_t nb = pow2roundup(hint / 2);

	if (m == NULL)
		return NULL;
	if (nb < 8)
		nb = 8;
	m->h = clht_create(nb);
	if (m->h == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

static void
w_destroy(struct map *m)
{
	if (m == NULL)
		return;
	/* Older tables went to ssmem_release at their resize. */
	clht_gc_free(m->h->ht);
	ssmem_shim_free_released();
	free(m->h);
	free(m);
}

static bool
w_load(struct map *m, uint64_t key, void **value)
{
	clht_val_t v = clht_get(m->h->ht, ck_key(key));

	if (value)
		*value = (void *)v;
	return v != 0;
}

#ifndef CLHT_LB_UPSERT
static int
w_store(struct map *m, uint64_t key, void *value)
{
	if (value == NULL)
		return -EINVAL;
	clht_put(m->h, ck_key(key), (clht_val_t)value);
	return 0;
}
#else
/*
 * clht_lb_res_u, clht_lb_res_hu: Store as the contract's upsert, written here
 * in the manner of CLHT-LB's put (its lock, its bucket layout, its plain
 * stores) since CLHT has no update: under the bucket's lock, overwrite the
 * value of a present key in place, or fill the first empty slot (value, then
 * key, as clht_put does).  A chain with no empty slot goes to clht_put
 * itself (an overflow bucket, perhaps a resize), and so does a table
 * being resized (LOCK_ACQ fails once the resize is done).  Not
 * linearizable (CLHT's get can miss a key whose value changes under it):
 * a speed reference for what an in-place Store costs CLHT-LB, nothing
 * more.
 */
static int
w_store(struct map *m, uint64_t key, void *value)
{
	clht_addr_t k = ck_key(key);

	if (value == NULL)
		return -EINVAL;
	for (;;) {
		clht_hashtable_t *ht = m->h->ht;
		volatile bucket_t *b = ht->table + (k & ht->hash);
		clht_lock_t *lock = &b->lock;
		volatile clht_addr_t *empty = NULL;
		volatile clht_val_t *empty_v = NULL;

		if (!LOCK_ACQ(lock, ht))
			continue; /* resized: the new table */
		do {
			for (int j = 0; j < ENTRIES_PER_BUCKET; j++) {
				if (b->key[j] == k) {
					b->val[j] = (clht_val_t)value;
					LOCK_RLS(lock);
					return 0;
				}
				if (empty == NULL && b->key[j] == 0) {
					empty = &b->key[j];
					empty_v = &b->val[j];
				}
			}
			b = b->next;
		} while (b != NULL);
		if (empty != NULL) {
			*empty_v = (clht_val_t)value;
			*empty = k;
			LOCK_RLS(lock);
			return 0;
		}
		LOCK_RLS(lock);
		if (clht_put(m->h, k, (clht_val_t)value))
			return 0;
	}
}
#endif

static int
w_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	for (;;) {
		clht_val_t v = clht_get(m->h->ht, ck_key(key));

		if (v != 0) {
			*actual = (void *)v;
			return 1;
		}
		if (clht_put(m->h, ck_key(key), (clht_val_t)value)) {
			*actual = value;
			return 0;
		}
	}
}

static bool
w_load_and_delete(struct map *m, uint64_t key, void **value)
{
	clht_val_t v = clht_remove(m->h, ck_key(key));

	if (value)
		*value = (void *)v;
	return v != 0;
}

static void
w_del(struct map *m, uint64_t key)
{
	clht_remove(m->h, ck_key(key));
}

static int
w_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	clht_val_t v = clht_remove(m->h, ck_key(key));

	clht_put(m->h, ck_key(key), (clht_val_t)value);
	if (previous)
		*previous = (void *)v;
	return v != 0;
}

static bool
w_cas(struct map *m, uint64_t key, void *old, void *new)
{
	if (clht_get(m->h->ht, ck_key(key)) != (clht_val_t)old)
		return false;
	clht_remove(m->h, ck_key(key));
	clht_put(m->h, ck_key(key), (clht_val_t) new);
	return true;
}

static bool
w_cad(struct map *m, uint64_t key, void *old)
{
	if (clht_get(m->h->ht, ck_key(key)) != (clht_val_t)old)
		return false;
	return clht_remove(m->h, ck_key(key)) != 0;
}

static void
w_range(struct map *m, bool (*fn)(uint64_t, void *, void *), void *arg)
{
	clht_hashtable_t *t = m->h->ht;

	for (uint64_t i = 0; i < t->num_buckets; i++) {
		volatile bucket_t *b = t->table + i;

		do {
			for (int j = 0; j < ENTRIES_PER_BUCKET; j++) {
				clht_addr_t k = b->key[j];
				clht_val_t v = b->val[j];

				if (k != 0 && v != 0 &&
				    !fn(ck_unkey(k), (void *)v, arg))
					return;
			}
			b = b->next;
		} while (b != NULL);
	}
}

static bool
w_clear_one(uint64_t key, void *value, void *arg)
{
	(void)value;
	clht_remove(((struct map *)arg)->h, ck_key(key));
	return true;
}

static void
w_clear(struct map *m)
{
	w_range(m, w_clear_one, m);
}

/*
 * The table's shape, under clht's counter names so that a run's columns
 * line up: CLHT-LB sizes itself (it grows when it has made as many
 * overflow buckets as it has buckets), so with `--sizing none` its table
 * need not be the size of clht's.  Read while no operation runs (the
 * harness asks after the window).
 */
enum { W_C_BUCKETS, W_C_OVERFLOW, W_C_COUNT };

static const struct map_counter w_counters[W_C_COUNT] = {
	[W_C_BUCKETS] = {"buckets", "buckets",
			 "head buckets of CLHT-LB's current table",
			 MAP_COUNTER_LEVEL},
	[W_C_OVERFLOW] = {"overflow_buckets", "buckets",
			  "overflow buckets chained in CLHT-LB's current table",
			  MAP_COUNTER_LEVEL},
};

static void
w_stats(struct map *m, struct map_stats *out)
{
	clht_hashtable_t *t = m->h->ht;
	uint64_t overflow = 0;

	for (uint64_t i = 0; i < t->num_buckets; i++)
		for (volatile bucket_t *b = t->table[i].next; b != NULL;
		     b = b->next)
			overflow++;
	out->own[W_C_BUCKETS] = t->num_buckets;
	out->own[W_C_OVERFLOW] = overflow;
}

static const struct map_ops clht_lb_res_ops = {
	.name = CLHT_LB_NAME,
	.summary = "ORIGINAL LPD-EPFL CLHT-LB (clht_lb_res) wrapped; "
		   "insert-if-absent store; non-atomic swap/cas/cad",
	.create = w_create,
	.destroy = w_destroy,
	.thread_enter = w_enter,
	.thread_exit = w_exit,
	.load = w_load,
	.store = w_store,
	.load_or_store = w_load_or_store,
	.load_and_delete = w_load_and_delete,
	.del = w_del,
	.swap = w_swap,
	.compare_and_swap = w_cas,
	.compare_and_delete = w_cad,
	.range = w_range,
	.clear = w_clear,
	.stats = w_stats,
	.counters = w_counters,
	.n_counters = W_C_COUNT,
	.limits = MAP_LIMIT_RANGE_CONCURRENT | MAP_LIMIT_CLEAR_CONCURRENT |
		  MAP_LIMIT_CLEAR_ATOMIC | MAP_LIMIT_CAS_ATOMIC |
		  MAP_LIMIT_CAD_ATOMIC,
};

const uint32_t mapbench_abi_version = MAPBENCH_ABI_VERSION;
const struct map_ops *const mapbench_maps[] = {&clht_lb_res_ops, NULL};

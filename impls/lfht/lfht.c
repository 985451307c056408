/*
 * lfht: liburcu's lock-free resizable hash table (cds_lfht, a split-ordered
 * list) under the urcu-memb flavour, as an alternative to Go's sync.Map.
 *
 * Every key lives in one node, and a node's value never changes once the
 * node is published: every change of value publishes a new node
 * (cds_lfht_add_replace or cds_lfht_replace) and retires the old one
 * through call_rcu.  Comparing a value therefore means comparing the node
 * found by a lookup, and acting on "that very node" (cds_lfht_replace on
 * its iterator, cds_lfht_del on it) is what makes compare_and_swap and
 * compare_and_delete linearizable: the update fails with -ENOENT if the
 * node was removed or replaced after we compared it, and we look again.
 *
 * Progress: load is wait-free apart from the bucket walk; every update is
 * lock-free (cds_lfht retries its own cmpxchg loops; our retries happen
 * only when another update succeeded).  Resizes run in liburcu's worker.
 *
 * Ordering: cds_lfht's successful add/replace/del issue full barriers
 * around their commit and lookups act as rcu_dereference(), so the key and
 * value written into a node before publication are visible to any reader
 * that finds the node; the fields are plain because they never change.
 * That is less than Go's guarantee (a write operation is synchronized
 * before any read operation that observes its effect): rcu_dereference()
 * orders only what depends on the node pointer, not the caller's other
 * data, and a lookup that finds a key deleted reads no pointer to depend
 * on.  So every lookup ends with an acquire fence (lfht_observed): with
 * the full barrier before the writer's commit it makes the commit, or the
 * helping CAS (also fully fenced) that completed it, synchronize with the
 * lookup that observed it.  On x86 the fence is only a compiler barrier.
 *
 * Reclamation: a retired node is freed by call_rcu after a grace period,
 * so no reader inside a read-side section can see freed memory.  destroy
 * waits (urcu_memb_barrier) for every callback, leaving nothing allocated.
 *
 * Every operation runs in an urcu-memb read-side section and needs the
 * calling thread registered (lfht_ops.thread_enter).  Sections nest, so
 * range may call fn inside its section and fn may call any operation;
 * nothing here calls synchronize_rcu or rcu_barrier except destroy.
 * Sections use rcu.h's map_rcu_read_lock/unlock and callbacks begin with
 * map_rcu_callback_begin, which teach ThreadSanitizer the grace period.
 */
#include "rcu.h" /* _LGPL_SOURCE + urcu-memb: must precede rculfhash.h */

#include <urcu/rculfhash.h>

#include <assert.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "background.h"
#include "hash.h"
#include "map.h"

/*
 * cds_lfht hashes are unsigned long.  map_hash64 is a bijection on 64
 * bits, so with a 64-bit unsigned long no two keys share a hash, which
 * range relies on to visit a key at most once (see lfht_range).
 */
_Static_assert(sizeof(unsigned long) == sizeof(uint64_t),
	       "lfht needs a 64-bit unsigned long");

/* Initial bucket count bounds (powers of two). */
#define LFHT_MIN_BUCKETS      (1UL << 6)
#define LFHT_MAX_INIT_BUCKETS (1UL << 30)

/* Sync objects for ThreadSanitizer, by key hash (see lfht_observed). */
#define LFHT_TSAN_STRIPES 64

struct map {
	struct cds_lfht *ht;
	unsigned long init_buckets; /* the size create() asked for */
	/* settle's growth: buckets asked for, its time (see lfht_settle) */
	_Atomic uint64_t settle_target, settle_grow_us, settle_count_us;
#ifdef MAP_RCU_TSAN
	char tsan_stripe[LFHT_TSAN_STRIPES];
#endif
};

struct lfht_node {
	struct cds_lfht_node node;
	uint64_t key;
	void *value; /* non-NULL, immutable once published */
	struct rcu_head rcu;
};

/*
 * ThreadSanitizer cannot see the barriers inside cds_lfht (an
 * uninstrumented library), so in TSan builds a node's initialisation is
 * released when it is published and acquired wherever a reader first
 * touches a node it found.  No-ops otherwise.
 */
static inline void
lfht_tsan_publish(struct lfht_node *n)
{
#ifdef MAP_RCU_TSAN
	__tsan_release(n);
#endif
}

static inline void
lfht_tsan_found(struct lfht_node *n)
{
#ifdef MAP_RCU_TSAN
	__tsan_acquire(n);
#endif
}

/*
 * A write operation on the key of `hash` is about to commit (full barrier
 * inside cds_lfht).  TSan cannot see that barrier: release the key's
 * stripe instead.
 */
static inline void
lfht_write_begin(struct map *m, unsigned long hash)
{
#ifdef MAP_RCU_TSAN
	__tsan_release(&m->tsan_stripe[hash % LFHT_TSAN_STRIPES]);
#else
	(void)m;
	(void)hash;
#endif
}

/*
 * A lookup (or a failed add_unique) of the key of `hash` has observed the
 * table: acquire what the writes it observed released (see the ordering
 * note at the top).  TSan builds acquire the key's stripe instead (GCC's
 * TSan does not model fences); a stripe is shared by 1/64 of the keys, so
 * TSan sees a little more order than there is, never less.
 */
static inline void
lfht_observed(struct map *m, unsigned long hash)
{
#ifdef MAP_RCU_TSAN
	__tsan_acquire(&m->tsan_stripe[hash % LFHT_TSAN_STRIPES]);
#else
	(void)m;
	(void)hash;
	atomic_thread_fence(memory_order_acquire);
#endif
}

static inline unsigned long
lfht_hash(uint64_t key)
{
	return (unsigned long)map_hash64(key);
}

static inline struct lfht_node *
lfht_node_of(struct cds_lfht_node *n)
{
	return caa_container_of(n, struct lfht_node, node);
}

static int
lfht_match(struct cds_lfht_node *n, const void *key)
{
	struct lfht_node *ln = lfht_node_of(n);

	lfht_tsan_found(ln);
	return ln->key == *(const uint64_t *)key;
}

/* A new, unpublished node, or NULL. */
static struct lfht_node *
lfht_node_new(uint64_t key, void *value)
{
	struct lfht_node *n = map_malloc(sizeof(*n));

	if (n == NULL)
		return NULL;
	cds_lfht_node_init(&n->node);
	n->key = key;
	n->value = value;
	lfht_tsan_publish(n);
	return n;
}

static void
lfht_node_free_rcu(struct rcu_head *head)
{
	map_rcu_callback_begin();
	map_free(caa_container_of(head, struct lfht_node, rcu));
}

/* Free a node that was removed from the table once readers are done. */
static inline void
lfht_node_retire(struct lfht_node *n)
{
	urcu_memb_call_rcu(&n->rcu, lfht_node_free_rcu);
}

/*
 * The current node of `key`, or NULL, positioning `iter` on it.
 * Call in a read-side section; the node stays valid until its end.
 */
static inline struct lfht_node *
lfht_lookup(struct map *m, uint64_t key, unsigned long hash,
	    struct cds_lfht_iter *iter)
{
	struct cds_lfht_node *n;

	cds_lfht_lookup(m->ht, hash, lfht_match, &key, iter);
	lfht_observed(m, hash);
	n = cds_lfht_iter_get_node(iter);
	return n != NULL ? lfht_node_of(n) : NULL;
}

static struct map *
lfht_create(size_t size_hint)
{
	struct map *m = map_malloc(sizeof(*m));
	unsigned long buckets = LFHT_MIN_BUCKETS;

	if (m == NULL)
		return NULL;
	while (buckets < size_hint && buckets < LFHT_MAX_INIT_BUCKETS)
		buckets <<= 1;
	m->init_buckets = buckets;
	atomic_init(&m->settle_target, 0);
	atomic_init(&m->settle_grow_us, 0);
	atomic_init(&m->settle_count_us, 0);
	m->ht = cds_lfht_new_flavor(buckets, 1, 0,
				    CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING,
				    &urcu_memb_flavor, NULL);
	if (m->ht == NULL) {
		map_free(m);
		return NULL;
	}
	return m;
}

/*
 * Remove every node and retire it.  Concurrent updates may add nodes
 * behind the traversal, which then survive (as with Go's Clear).
 * Call in a read-side section.
 */
static void
lfht_clear_in_section(struct map *m)
{
	struct cds_lfht_iter iter;
	struct cds_lfht_node *n;

	cds_lfht_for_each(m->ht, &iter, n) {
		struct cds_lfht_node *d = n;
		struct cds_lfht_iter at;
		uint64_t key;
		unsigned long hash;

		lfht_tsan_found(lfht_node_of(n)); /* before reading the node */
		key = lfht_node_of(n)->key;
		hash = lfht_hash(key);
		/*
		 * Clear deletes every key at some instant of its call (the
		 * per-key semantics lincheck checks).  The node we reached
		 * may have been replaced (Swap, CompareAndSwap) since: then
		 * its successor, inserted during this Clear, is deleted in
		 * its place, until the key is gone.  The iteration may or
		 * may not reach the successor again; deleting it here is
		 * what makes the key's delete certain.
		 */
		for (;;) {
			lfht_write_begin(m, hash);
			if (cds_lfht_del(m->ht, d) == 0) {
				lfht_node_retire(lfht_node_of(d));
				break;
			}
			/* Removed by a concurrent op, which retires it. */
			if (lfht_lookup(m, key, hash, &at) == NULL)
				break;
			d = cds_lfht_iter_get_node(&at);
		}
	}
}

/*
 * No other thread may use the map.  The nodes go through call_rcu rather
 * than straight to free: liburcu's resize worker may still be walking the
 * list until cds_lfht_destroy has waited for it.  cds_lfht_destroy must
 * not run in a read-side section (it fails with -EINVAL there), and
 * urcu_memb_barrier neither; enter/exit nest, so this works from
 * registered and unregistered threads alike.
 */
static void
lfht_destroy(struct map *m)
{
	int ret;

	if (m == NULL)
		return;
	map_rcu_thread_enter();
	map_rcu_read_lock();
	lfht_clear_in_section(m);
	map_rcu_read_unlock();
	ret = cds_lfht_destroy(m->ht, NULL);
	assert(ret == 0); /* -EPERM would mean a node was left behind */
	(void)ret;
	/* Run every callback queued so far, this map's nodes included. */
	urcu_memb_barrier();
	map_rcu_thread_exit();
	map_free(m);
}

static bool
lfht_load(struct map *m, uint64_t key, void **value)
{
	struct cds_lfht_iter iter;
	struct lfht_node *n;
	void *v = NULL;

	map_rcu_read_lock();
	n = lfht_lookup(m, key, lfht_hash(key), &iter);
	if (n != NULL)
		v = n->value; /* immutable: no ordering beyond the lookup's */
	map_rcu_read_unlock();
	if (value != NULL)
		*value = v;
	return v != NULL;
}

/*
 * Publish a new node for key, replacing any current one (store, swap).
 * The previous value, or NULL, goes to *previous.
 */
static int
lfht_put(struct map *m, uint64_t key, void *value, void **previous)
{
	struct lfht_node *n, *old;
	struct cds_lfht_node *o;
	void *prev = NULL;

	if (value == NULL)
		return -EINVAL;
	n = lfht_node_new(key, value);
	if (n == NULL)
		return -ENOMEM;
	map_rcu_read_lock();
	/* Full barriers around the commit publish n's fields. */
	lfht_write_begin(m, lfht_hash(key));
	o = cds_lfht_add_replace(m->ht, lfht_hash(key), lfht_match, &key,
				 &n->node);
	if (o != NULL) {
		old = lfht_node_of(o);
		prev = old->value; /* still valid: we are in the section */
		lfht_node_retire(old);
	}
	map_rcu_read_unlock();
	if (previous != NULL)
		*previous = prev;
	return prev != NULL;
}

static int
lfht_store(struct map *m, uint64_t key, void *value)
{
	int ret = lfht_put(m, key, value, NULL);

	return ret < 0 ? ret : 0;
}

static int
lfht_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	return lfht_put(m, key, value, previous);
}

static int
lfht_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	unsigned long hash = lfht_hash(key);
	struct cds_lfht_iter iter;
	struct cds_lfht_node *won;
	struct lfht_node *n;
	void *v;
	int ret;

	if (value == NULL)
		return -EINVAL;
	map_rcu_read_lock();
	n = lfht_lookup(m, key, hash, &iter);
	if (n != NULL) {
		/* Hit: linearised at the lookup, no allocation. */
		v = n->value;
		ret = 1;
		goto out;
	}
	n = lfht_node_new(key, value);
	if (n == NULL) {
		v = NULL;
		ret = -ENOMEM;
		goto out;
	}
	lfht_write_begin(m, hash);
	won = cds_lfht_add_unique(m->ht, hash, lfht_match, &key, &n->node);
	if (won == &n->node) {
		v = value;
		ret = 0;
	} else {
		/* Lost to a concurrent insert: n was never visible, free it. */
		lfht_observed(m, hash);
		map_free(n);
		v = lfht_node_of(won)->value;
		ret = 1;
	}
out:
	map_rcu_read_unlock();
	if (actual != NULL)
		*actual = v;
	return ret;
}

static bool
lfht_load_and_delete(struct map *m, uint64_t key, void **value)
{
	unsigned long hash = lfht_hash(key);
	struct cds_lfht_iter iter;
	struct lfht_node *n;
	void *v = NULL;

	map_rcu_read_lock();
	while ((n = lfht_lookup(m, key, hash, &iter)) != NULL) {
		/* Only one remover of a node succeeds; it owns the retire. */
		lfht_write_begin(m, hash);
		if (cds_lfht_del(m->ht, &n->node) == 0) {
			v = n->value;
			lfht_node_retire(n);
			break;
		}
		/* n was deleted or replaced meanwhile: look again. */
	}
	map_rcu_read_unlock();
	if (value != NULL)
		*value = v;
	return v != NULL;
}

static void
lfht_del(struct map *m, uint64_t key)
{
	lfht_load_and_delete(m, key, NULL);
}

/*
 * Linearisable: the value is compared on node n, and cds_lfht_replace
 * commits only while n is still the key's node (its next pointer is not
 * flagged removed), i.e. while the value is still old_value.  If we
 * cannot allocate the new node we return false with the map unchanged:
 * the vtable has no error return for compare_and_swap.  A NULL new_value
 * cannot be stored, so it also returns false.
 */
static bool
lfht_compare_and_swap(struct map *m, uint64_t key, void *old_value,
		      void *new_value)
{
	unsigned long hash = lfht_hash(key);
	struct cds_lfht_iter iter;
	struct lfht_node *n, *nn = NULL;
	bool swapped = false;
	int ret;

	if (new_value == NULL)
		return false;
	map_rcu_read_lock();
	n = lfht_lookup(m, key, hash, &iter);
	/* A mismatch needs no allocation. */
	if (n == NULL || n->value != old_value)
		goto out;
	nn = lfht_node_new(key, new_value);
	if (nn == NULL)
		goto out;
	for (;;) {
		lfht_write_begin(m, hash);
		ret = cds_lfht_replace(m->ht, &iter, hash, lfht_match, &key,
				       &nn->node);
		if (ret == 0) {
			/* Full barriers around the commit publish nn. */
			lfht_node_retire(n);
			swapped = true;
			break;
		}
		assert(ret == -ENOENT); /* same key and hash: never -EINVAL */
		n = lfht_lookup(m, key, hash, &iter);
		if (n == NULL || n->value != old_value)
			break;
	}
out:
	map_rcu_read_unlock();
	if (nn != NULL && !swapped)
		map_free(nn); /* never published */
	return swapped;
}

/* Linearisable as compare_and_swap: delete the very node compared. */
static bool
lfht_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	unsigned long hash = lfht_hash(key);
	struct cds_lfht_iter iter;
	struct lfht_node *n;
	bool deleted = false;

	map_rcu_read_lock();
	while ((n = lfht_lookup(m, key, hash, &iter)) != NULL &&
	       n->value == old_value) {
		lfht_write_begin(m, hash);
		if (cds_lfht_del(m->ht, &n->node) == 0) {
			lfht_node_retire(n);
			deleted = true;
			break;
		}
		/* n was deleted or replaced meanwhile: look again. */
	}
	map_rcu_read_unlock();
	return deleted;
}

/*
 * One pass over the split-ordered list in a single read-side section, so
 * every node reached stays valid while fn runs; fn may update the map
 * (sections nest).  A key is visited at most once: nodes are kept sorted
 * by (unique, see above) reversed hash and never move, the iterator only
 * moves forward, and it resumes from the successor it saw on arrival, so
 * a node that replaces the current one (same position) is skipped.
 * A long range holds back grace periods, so retired nodes pile up until
 * it returns.
 */
static void
lfht_range(struct map *m, bool (*fn)(uint64_t key, void *value, void *arg),
	   void *arg)
{
	struct cds_lfht_iter iter;
	struct lfht_node *n;

	map_rcu_read_lock();
	cds_lfht_for_each_entry(m->ht, &iter, n, node) {
		lfht_tsan_found(n);
		if (!fn(n->key, n->value, arg))
			break;
	}
	map_rcu_read_unlock();
}

static void
lfht_clear(struct map *m)
{
	map_rcu_read_lock();
	lfht_clear_in_section(m);
	map_rcu_read_unlock();
}

/*
 * The largest table liburcu may have grown by chain length alone
 * (check_resize: below 2^(10 + log2 of its per-CPU split counters)
 * nodes), bounded from above: the counters are the possible CPUs rounded
 * up to a power of two, or 16 when it cannot tell, so 2^14 at least.
 */
static unsigned long
lfht_small_table_max(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);
	unsigned order = 4;

	while (n > 0 && (1L << order) < n)
		order++;
	return 1UL << (10 + order);
}

static uint64_t
lfht_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/*
 * The settle hook.  With CDS_LFHT_AUTO_RESIZE the table grows from
 * liburcu's worker thread, lazily, after the inserts that asked for it.
 * liburcu 0.13 offers no "resize done" query and hides the bucket count,
 * so the hook first waits until that worker (and every other thread of
 * the process) is idle (background.h).
 *
 * That is not enough: liburcu can lose a resize.  Its lazy launch queues
 * the work and only then sets the table's "resize initiated" flag; a
 * worker that runs the whole resize in between clears the flag before
 * it is set, and the flag then stays set with nothing queued, so every
 * later launch is skipped and the table keeps its size for good (seen
 * here: 500,000 keys left in 64-2^17 buckets, lookups of 0.3-0.5 ms,
 * with the worker asleep).  So once the worker is idle, the hook does
 * the growth liburcu's own policy asks for (CDS_LFHT_ACCOUNTING: one
 * bucket per node, a power of two, never less than create's size) with
 * cds_lfht_resize, the call liburcu offers to force a size; it returns
 * at once when the table is already there.  Tables that chain length
 * alone may have grown (lfht_small_table_max) are left alone, so the
 * hook never shrinks one.  Its own counters say what it did:
 * settle_target (buckets asked for, 0 none), settle_grow_us (the time
 * cds_lfht_resize took: microseconds when the table was there, far more
 * when it had been left short) and settle_count_us (the time counting
 * the nodes took: a walk of the whole table).
 */
static int
lfht_settle(struct map *m, double timeout_s)
{
	unsigned long count = 0, target = 1;
	long before, after;
	uint64_t t0;
	int rc = map_background_wait_idle(timeout_s);

	if (rc != 0)
		return rc;
	t0 = lfht_now_us();
	map_rcu_read_lock();
	cds_lfht_count_nodes(m->ht, &before, &count, &after);
	map_rcu_read_unlock();
	/* Relaxed: read by stats() on this thread or after a join. */
	atomic_store_explicit(&m->settle_count_us, lfht_now_us() - t0,
			      memory_order_relaxed);
	while (target <= count / 2)
		target <<= 1;
	if (count == 0 || target <= m->init_buckets ||
	    target < lfht_small_table_max())
		return 0;
	t0 = lfht_now_us();
	cds_lfht_resize(m->ht, target);
	atomic_store_explicit(&m->settle_target, target, memory_order_relaxed);
	atomic_store_explicit(&m->settle_grow_us, lfht_now_us() - t0,
			      memory_order_relaxed);
	return 0;
}

static const struct map_counter lfht_counters[] = {
	{"settle_target", "buckets",
	 "bucket count the settle hook resized to after the prefill (0: none)",
	 MAP_COUNTER_LEVEL},
	{"settle_grow_us", "us",
	 "time that resize took (microseconds: the table was already there)",
	 MAP_COUNTER_LEVEL},
	{"settle_count_us", "us",
	 "time the settle hook took to count the nodes (part of settle_s)",
	 MAP_COUNTER_LEVEL},
};

static void
lfht_stats(struct map *m, struct map_stats *out)
{
	out->own[0] =
		atomic_load_explicit(&m->settle_target, memory_order_relaxed);
	out->own[1] =
		atomic_load_explicit(&m->settle_grow_us, memory_order_relaxed);
	out->own[2] =
		atomic_load_explicit(&m->settle_count_us, memory_order_relaxed);
}

const struct map_ops lfht_ops = {
	.name = "lfht",
	.summary = "liburcu cds_lfht (urcu-memb), immutable nodes, call_rcu "
		   "frees",
	.flags = 0,
	.create = lfht_create,
	.destroy = lfht_destroy,
	.thread_enter = map_rcu_thread_enter,
	.thread_exit = map_rcu_thread_exit,
	.load = lfht_load,
	.store = lfht_store,
	.load_or_store = lfht_load_or_store,
	.load_and_delete = lfht_load_and_delete,
	.del = lfht_del,
	.swap = lfht_swap,
	.compare_and_swap = lfht_compare_and_swap,
	.compare_and_delete = lfht_compare_and_delete,
	.range = lfht_range,
	.clear = lfht_clear,
	/*
	 * cds_lfht does not expose how many times it resized and takes no
	 * map-wide lock, so every common counter is NA; its own counters
	 * are the settle hook's.
	 */
	.stats = lfht_stats,
	.quiesce = map_rcu_quiesce,
	.counters = lfht_counters,
	.n_counters = 3,
	.settle = lfht_settle,
};

/*
 * ckht: Concurrency Kit's ck_ht (libck 0.7.1, as Debian ships it) as a
 * real, widely deployed C-library baseline.  ck_ht is an open-addressing
 * table of 32-byte {key, value, key_length, hash} entries probed a cache
 * line at a time, kept at most half full; it is SPMC: any number of
 * readers run ck_ht_get_spmc without locks or writes to shared memory,
 * concurrently with ONE writer.  This file supplies what the vtable needs
 * around it; ck's own source (src/ck_ht.c) was read, not copied.
 *
 * Mode: CK_HT_MODE_DIRECT, the 64-bit key and the value stored inline in
 * the entry, hashed by the project's map_hash64 (we hand ck the hash, so
 * its hash callback only serves ck_ht_hash_direct).  Direct mode reserves
 * two key values as slot markers, CK_HT_KEY_EMPTY (0) and
 * CK_HT_KEY_TOMBSTONE (~0).  No remap of 2^64 keys into 2^64 - 2 values
 * can be a bijection, so keys 0 and UINT64_MAX live outside the table, in
 * two atomic value slots of the map (`edge[]`), read lock-free with an
 * acquire load and written under the writer lock like everything else.
 * Values are plain uintptr_t in direct mode; ck gives 0 no meaning, and
 * the vtable never stores NULL, so a found entry always has a value.
 *
 * Concurrency contract:
 *  - Writers (every operation that may change the map, compare_and_swap
 *    and compare_and_delete included) serialise on one pthread mutex:
 *    write throughput has a one-writer ceiling by design.  Under it, CAS
 *    and CAD are get + set/remove, linearizable at the set/remove: ck
 *    replaces a value with one atomic store (or, see below, a move that
 *    readers detect), so a reader sees the old pair or the new one.
 *    load_or_store is get + set (never ck_ht_put_spmc, see below).
 *  - Readers (load, and range's re-loads) are lock-free in the common
 *    case: ck_ht_get_spmc inside an RCU read-side section.  ck retries a
 *    probe itself when its `deletions` version moved.
 *  - ck 0.7.1 bugs, both fixed upstream only in June 2026 (commits
 *    e2c6582 and 75d137d): (1) ck_ht_put_spmc can duplicate a key that
 *    sits behind a tombstone, so we never call it; (2) when ck_ht_set_spmc
 *    moves an existing key into an earlier tombstone it tests the
 *    tombstone's *value* instead of its key, so it skips the version bump
 *    that must precede the reuse, and a reader that read the tombstone's
 *    old key just before it died could pair it with the moved value.  We
 *    close (2) with a sequence counter around every set: a reader that
 *    FOUND a key (a miss is never affected) checks that no set overlapped
 *    its probe; if one did it probes again, and after a second overlap it
 *    reads under the writer lock, so readers never spin on a writer
 *    (counters read_retries and locked_reads show how often).
 *  - Range copies the keys under the writer lock (ck_ht_next is not safe
 *    against a concurrent writer), releases it, then loads each key again
 *    and calls fn with no lock held: not a snapshot, each key at most
 *    once, fn may call anything.  Clear swaps in an empty table
 *    (ck_ht_reset_size_spmc, back to the created capacity); if that
 *    cannot allocate it removes the keys one by one instead.
 *
 * Memory: ck allocates whole tables through our struct ck_malloc, which
 * goes through map_malloc (so the alloc-failure suite injects failures
 * into ck) with a 16-byte header in front of each block holding an
 * rcu_head.  ck retires a table (after a grow, or a reset) with
 * free(p, size, defer = true): we hand it to call_rcu, so it is freed
 * after every reader that could still hold it has left its section;
 * defer = false (a table never published) frees at once, so a failed
 * free needs no allocation.  Tombstones are reused by later inserts and
 * vanish at the next grow; the table never shrinks except by clear.
 * quiesce is map_rcu_quiesce; destroy waits for the callbacks.
 *
 * -ENOMEM: ck_ht_set_spmc allocates only to grow.  If it must grow
 * before it can insert and cannot, it returns false with the table
 * untouched (-ENOMEM for us); the grow it attempts after an insert, to
 * keep the load at 1/2, may fail silently, leaving a valid, fuller table.
 *
 * ThreadSanitizer: libck is not instrumented, so TSan sees none of ck's
 * loads, stores or fences (ck_pr_load/store, ck_pr_fence_store in set,
 * grow and remove; fence_load in the reader's probe): it can neither
 * check nor flag them.  What TSan does check is ours: the edge slots,
 * the sequence counter, the writer lock and the deferred frees (every
 * operation runs in a read-side section, so rcu.h's grace-period
 * annotations order the call_rcu frees).  ck's own publication order is
 * covered instead by valgrind (which sees libck's accesses and would
 * flag a read of a freed table) and by the concurrency suite's value
 * checks.
 */
#include "rcu.h" /* _LGPL_SOURCE + urcu-memb */

#include <ck_ht.h>
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>

#include "alloc.h"
#include "hash.h"
#include "map.h"

#define CACHELINE 64
#define CKHT_MIN  16 /* smallest table ck gets: 16 entries, 512 bytes */

/* In front of every block ck allocates: room to defer its free. */
struct ckht_block {
	struct rcu_head rcu;
};
_Static_assert(sizeof(struct ckht_block) % 16 == 0, "keep malloc alignment");

struct map {
	/* Read by readers: ck's descriptor (ht.map) and the edge keys. */
	alignas(CACHELINE) ck_ht_t ht;
	_Atomic(void *) edge[2]; /* values of keys 0 and UINT64_MAX */
	struct ck_malloc alloc;
	uint64_t min_entries; /* the capacity clear goes back to */

	/* Odd while a writer is inside ck_ht_set_spmc (see the essay). */
	alignas(CACHELINE) _Atomic uint64_t seq;

	/* Reader slow paths: rare, so a shared relaxed counter each. */
	alignas(CACHELINE) _Atomic uint64_t read_retries;
	_Atomic uint64_t locked_reads;

	/* The writer's: everything below is guarded by wlock. */
	alignas(CACHELINE) pthread_mutex_t wlock;
	uint64_t locked_ops; /* writer-lock acquisitions */
	uint64_t resizes;    /* tables ck replaced by a grow */
};

static void *
ckht_malloc(size_t size)
{
	struct ckht_block *b = map_malloc(sizeof(*b) + size);

	return b != NULL ? b + 1 : NULL;
}

static void
ckht_free_rcu(struct rcu_head *head)
{
	map_rcu_callback_begin();
	map_free(caa_container_of(head, struct ckht_block, rcu));
}

static void
ckht_free(void *p, size_t size, bool defer)
{
	struct ckht_block *b = (struct ckht_block *)p - 1;

	(void)size;
	if (p == NULL)
		return;
	if (defer)
		urcu_memb_call_rcu(&b->rcu, ckht_free_rcu);
	else
		map_free(b);
}

/* ck_ht does not call realloc; provided for completeness, never deferred. */
static void *
ckht_realloc(void *p, size_t old_size, size_t new_size, bool defer)
{
	void *q = ckht_malloc(new_size);

	if (q == NULL)
		return NULL;
	memcpy(q, p, old_size < new_size ? old_size : new_size);
	ckht_free(p, old_size, defer);
	return q;
}

/* ck's hash callback (ck_ht_hash_direct): the key's map_hash64. */
static void
ckht_hash_cb(ck_ht_hash_t *h, const void *key, size_t len, uint64_t seed)
{
	uint64_t k;

	(void)seed;
	(void)len;
	memcpy(&k, key, sizeof(k));
	h->value = map_hash64(k);
}

static inline ck_ht_hash_t
ckht_hash(uint64_t key)
{
	return (ck_ht_hash_t){.value = map_hash64(key)};
}

/* Keys ck reserves: index into edge[], or -1 for a table key. */
static inline int
edge_of(uint64_t key)
{
	_Static_assert(CK_HT_KEY_EMPTY == 0, "ck's empty key is 0");
	_Static_assert(CK_HT_KEY_TOMBSTONE == UINTPTR_MAX, "tombstone is ~0");
	return key == 0 ? 0 : key == UINT64_MAX ? 1 : -1;
}

static struct map *
ckht_create(size_t size_hint)
{
	struct map *m = map_aligned_alloc(CACHELINE, sizeof(*m));
	uint64_t entries;

	if (m == NULL)
		return NULL;
	memset(m, 0, sizeof(*m));
	m->alloc = (struct ck_malloc){
		.malloc = ckht_malloc,
		.realloc = ckht_realloc,
		.free = ckht_free,
	};
	/* ck keeps the table at most half full. */
	entries = size_hint > SIZE_MAX / 4 ? SIZE_MAX / 2 : size_hint * 2;
	if (entries < CKHT_MIN)
		entries = CKHT_MIN;
	m->min_entries = entries;
	atomic_init(&m->edge[0], NULL);
	atomic_init(&m->edge[1], NULL);
	atomic_init(&m->seq, 0);
	atomic_init(&m->read_retries, 0);
	atomic_init(&m->locked_reads, 0);
	if (pthread_mutex_init(&m->wlock, NULL) != 0)
		goto fail;
	if (!ck_ht_init(&m->ht, CK_HT_MODE_DIRECT, ckht_hash_cb, &m->alloc,
			entries, 0))
		goto fail_lock;
	return m;

fail_lock:
	pthread_mutex_destroy(&m->wlock);
fail:
	map_free(m);
	return NULL;
}

/* Not from a read-side section; no other thread may use the map. */
static void
ckht_destroy(struct map *m)
{
	if (m == NULL)
		return;
	ck_ht_destroy(&m->ht); /* the live table: defer = false */
	pthread_mutex_destroy(&m->wlock);
	/* Tables retired by grows and clears are still queued. */
	map_rcu_thread_enter();
	urcu_memb_barrier();
	map_rcu_thread_exit();
	map_free(m);
}

static inline void
wlock(struct map *m)
{
	pthread_mutex_lock(&m->wlock);
	m->locked_ops++;
}

static inline void
wunlock(struct map *m)
{
	pthread_mutex_unlock(&m->wlock);
}

/* The value under a table key, with the writer lock held (or stable). */
static void *
get_locked(struct map *m, uint64_t key)
{
	ck_ht_entry_t e;

	ck_ht_entry_key_set_direct(&e, (uintptr_t)key);
	if (!ck_ht_get_spmc(&m->ht, ckht_hash(key), &e))
		return NULL;
	return (void *)ck_ht_entry_value_direct(&e);
}

/*
 * ck_ht_set_spmc inside the sequence window (writer lock held).  Returns
 * false, table untouched, if ck had to grow first and could not.
 */
static bool
set_locked(struct map *m, uint64_t key, void *value)
{
	struct ck_ht_map *before = m->ht.map;
	ck_ht_hash_t h = ckht_hash(key);
	uint64_t s = atomic_load_explicit(&m->seq, memory_order_relaxed);
	ck_ht_entry_t e;
	bool ok;

	ck_ht_entry_set_direct(&e, h, (uintptr_t)key, (uintptr_t)value);
	atomic_store_explicit(&m->seq, s + 1, memory_order_relaxed);
	/*
	 * The odd count before ck's stores, with ck's own fence: ck's
	 * protocol is written against ck_pr fences (on x86, TSO, this is a
	 * compiler barrier), and it keeps TSan, which does not model C11
	 * fences, quiet.  Pairs with the reader's ck_pr_fence_load.
	 */
	ck_pr_fence_store();
	ok = ck_ht_set_spmc(&m->ht, h, &e);
	/* Pairs with the reader's acquire load of seq in table_load. */
	atomic_store_explicit(&m->seq, s + 2, memory_order_release);
	if (m->ht.map != before)
		m->resizes++;
	return ok;
}

/* Remove a table key (writer lock held): its value, or NULL. */
static void *
remove_locked(struct map *m, uint64_t key)
{
	ck_ht_entry_t e;

	ck_ht_entry_key_set_direct(&e, (uintptr_t)key);
	if (!ck_ht_remove_spmc(&m->ht, ckht_hash(key), &e))
		return NULL;
	return (void *)ck_ht_entry_value_direct(&e);
}

/* A table key's value, lock-free in the common case (in a section). */
static void *
table_load(struct map *m, uint64_t key)
{
	ck_ht_hash_t h = ckht_hash(key);
	ck_ht_entry_t e;
	void *v;

	for (int tries = 0; tries < 2; tries++) {
		/* Pairs with the closing release store in set_locked. */
		uint64_t s1 =
			atomic_load_explicit(&m->seq, memory_order_acquire);

		ck_ht_entry_key_set_direct(&e, (uintptr_t)key);
		if (!ck_ht_get_spmc(&m->ht, h, &e))
			return NULL; /* a miss is exact (see the essay) */
		/*
		 * Pairs with the writer's ck_pr_fence_store in set_locked:
		 * the value read in the probe comes before this second read
		 * of seq.  ck's model (CK_MD_TSO, x86-64 being the only
		 * target ck.pc builds for) keeps loads in order, so ck makes
		 * this a compiler barrier, as in its own probe.
		 */
		ck_pr_fence_load();
		if ((s1 & 1) == 0 &&
		    atomic_load_explicit(&m->seq, memory_order_relaxed) == s1)
			return (void *)ck_ht_entry_value_direct(&e);
		/* Relaxed: a statistic. */
		atomic_fetch_add_explicit(&m->read_retries, 1,
					  memory_order_relaxed);
	}
	atomic_fetch_add_explicit(&m->locked_reads, 1, memory_order_relaxed);
	pthread_mutex_lock(&m->wlock);
	v = get_locked(m, key);
	pthread_mutex_unlock(&m->wlock);
	return v;
}

static bool
ckht_load(struct map *m, uint64_t key, void **value)
{
	int edge = edge_of(key);
	void *v;

	if (edge >= 0) {
		/* Pairs with the release stores in edge_set. */
		v = atomic_load_explicit(&m->edge[edge], memory_order_acquire);
	} else {
		map_rcu_read_lock();
		v = table_load(m, key);
		map_rcu_read_unlock();
	}
	if (value != NULL)
		*value = v;
	return v != NULL;
}

/*
 * The write operations, with the writer lock held and inside a read-side
 * section (so that rcu.h's TSan annotations order the frees ck defers).
 */
static void *
locked_get(struct map *m, uint64_t key)
{
	int edge = edge_of(key);

	if (edge >= 0)
		return atomic_load_explicit(&m->edge[edge],
					    memory_order_relaxed);
	return get_locked(m, key);
}

/* Store `v` (non-NULL) under `key`: 0 or -ENOMEM (map unchanged). */
static int
locked_put(struct map *m, uint64_t key, void *v)
{
	int edge = edge_of(key);

	if (edge >= 0) {
		/* Pairs with the acquire load in ckht_load. */
		atomic_store_explicit(&m->edge[edge], v, memory_order_release);
		return 0;
	}
	return set_locked(m, key, v) ? 0 : -ENOMEM;
}

static void *
locked_remove(struct map *m, uint64_t key)
{
	int edge = edge_of(key);

	if (edge >= 0)
		return atomic_exchange_explicit(&m->edge[edge], NULL,
						memory_order_relaxed);
	return remove_locked(m, key);
}

static inline void
wbegin(struct map *m)
{
	map_rcu_read_lock();
	wlock(m);
}

static inline void
wend(struct map *m)
{
	wunlock(m);
	map_rcu_read_unlock();
}

static int
ckht_store(struct map *m, uint64_t key, void *value)
{
	int ret;

	if (value == NULL)
		return -EINVAL;
	wbegin(m);
	ret = locked_put(m, key, value);
	wend(m);
	return ret;
}

static int
ckht_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	void *v;
	int ret = 1;

	if (value == NULL)
		return -EINVAL;
	wbegin(m);
	v = locked_get(m, key);
	if (v == NULL) {
		ret = locked_put(m, key, value);
		if (ret == 0)
			v = value;
	}
	wend(m);
	if (actual != NULL)
		*actual = v;
	return ret;
}

static bool
ckht_load_and_delete(struct map *m, uint64_t key, void **value)
{
	void *v;

	wbegin(m);
	v = locked_remove(m, key);
	wend(m);
	if (value != NULL)
		*value = v;
	return v != NULL;
}

static void
ckht_del(struct map *m, uint64_t key)
{
	ckht_load_and_delete(m, key, NULL);
}

static int
ckht_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	void *prev;
	int ret;

	if (value == NULL)
		return -EINVAL;
	wbegin(m);
	prev = locked_get(m, key);
	ret = locked_put(m, key, value);
	wend(m);
	if (ret < 0)
		return ret;
	if (previous != NULL)
		*previous = prev;
	return prev != NULL;
}

/*
 * Replacing a present key cannot fail: ck finds the key (or a tombstone
 * before it) within its probe limit, so it never has to grow first.
 */
static bool
ckht_compare_and_swap(struct map *m, uint64_t key, void *old_value,
		      void *new_value)
{
	bool swapped = false;
	void *cur;

	if (new_value == NULL)
		return false;
	wbegin(m);
	cur = locked_get(m, key);
	if (cur != NULL && cur == old_value)
		swapped = locked_put(m, key, new_value) == 0;
	wend(m);
	return swapped;
}

static bool
ckht_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	bool deleted = false;
	void *cur;

	wbegin(m);
	cur = locked_get(m, key);
	if (cur != NULL && cur == old_value) {
		locked_remove(m, key);
		deleted = true;
	}
	wend(m);
	return deleted;
}

/*
 * Keys are copied under the writer lock into a buffer allocated with no
 * lock held (sized from ck_ht_count, checked again under the lock), then
 * re-loaded one by one with fn called outside every lock.  If the buffer
 * cannot be allocated, range visits nothing: the vtable gives it no way
 * to report the error.
 */
static void
ckht_range(struct map *m, bool (*fn)(uint64_t key, void *value, void *arg),
	   void *arg)
{
	uint64_t *keys = NULL;
	size_t cap = 0, n = 0;

	for (;;) {
		size_t need;

		wbegin(m);
		need = (size_t)ck_ht_count(&m->ht) + 2;
		if (need <= cap)
			break; /* lock held */
		wend(m);
		map_free(keys);
		cap = need + need / 4;
		keys = map_malloc(cap * sizeof(*keys));
		if (keys == NULL)
			return;
	}
	for (int i = 0; i < 2; i++)
		if (atomic_load_explicit(&m->edge[i], memory_order_relaxed))
			keys[n++] = i == 0 ? 0 : UINT64_MAX;
	{
		ck_ht_iterator_t it = CK_HT_ITERATOR_INITIALIZER;
		ck_ht_entry_t *e;

		while (ck_ht_next(&m->ht, &it, &e))
			keys[n++] = (uint64_t)ck_ht_entry_key_direct(e);
	}
	wend(m);

	for (size_t i = 0; i < n; i++) {
		void *v;

		if (ckht_load(m, keys[i], &v) && !fn(keys[i], v, arg))
			break;
	}
	map_free(keys);
}

static void
ckht_clear(struct map *m)
{
	wbegin(m);
	atomic_store_explicit(&m->edge[0], NULL, memory_order_relaxed);
	atomic_store_explicit(&m->edge[1], NULL, memory_order_relaxed);
	if (!ck_ht_reset_size_spmc(&m->ht, m->min_entries)) {
		/* No memory for a fresh table: empty this one in place. */
		ck_ht_iterator_t it = CK_HT_ITERATOR_INITIALIZER;
		ck_ht_entry_t *e;

		while (ck_ht_next(&m->ht, &it, &e))
			remove_locked(m, ck_ht_entry_key_direct(e));
	}
	wend(m);
}

enum { OWN_READ_RETRIES, OWN_LOCKED_READS, OWN_PROBE_MAX, OWN_N };

static const struct map_counter ckht_counters[OWN_N] = {
	[OWN_READ_RETRIES] = {"read_retries", "events",
			      "lock-free loads probed again: a set overlapped",
			      MAP_COUNTER_EVENTS},
	[OWN_LOCKED_READS] = {"locked_reads", "events",
			      "loads that fell back to the writer lock",
			      MAP_COUNTER_EVENTS},
	[OWN_PROBE_MAX] = {"probe_max", "probes",
			   "ck's longest probe sequence in the live table",
			   MAP_COUNTER_LEVEL},
};

static void
ckht_stats(struct map *m, struct map_stats *out)
{
	struct ck_ht_stat st;

	out->have = MAP_STAT_LOCKED_OPS | MAP_STAT_RESIZES;
	pthread_mutex_lock(&m->wlock);
	out->locked_ops = m->locked_ops;
	out->resizes = m->resizes;
	ck_ht_stat(&m->ht, &st);
	pthread_mutex_unlock(&m->wlock);
	/* Relaxed: statistics. */
	out->own[OWN_READ_RETRIES] =
		atomic_load_explicit(&m->read_retries, memory_order_relaxed);
	out->own[OWN_LOCKED_READS] =
		atomic_load_explicit(&m->locked_reads, memory_order_relaxed);
	out->own[OWN_PROBE_MAX] = st.probe_maximum;
}

const struct map_ops ckht_ops = {
	.name = "ckht",
	.summary = "Concurrency Kit ck_ht (SPMC): lock-free reads, one "
		   "writer lock, tables reclaimed by RCU",
	.flags = 0,
	.create = ckht_create,
	.destroy = ckht_destroy,
	.thread_enter = map_rcu_thread_enter,
	.thread_exit = map_rcu_thread_exit,
	.load = ckht_load,
	.store = ckht_store,
	.load_or_store = ckht_load_or_store,
	.load_and_delete = ckht_load_and_delete,
	.del = ckht_del,
	.swap = ckht_swap,
	.compare_and_swap = ckht_compare_and_swap,
	.compare_and_delete = ckht_compare_and_delete,
	.range = ckht_range,
	.clear = ckht_clear,
	.stats = ckht_stats,
	.quiesce = map_rcu_quiesce,
	.counters = ckht_counters,
	.n_counters = OWN_N,
};

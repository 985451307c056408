/*
 * syncmap: Go's classic sync.Map, in C.
 *
 * This follows src/sync/map.go as of Go 1.23, the last release before Go
 * 1.24 replaced it with a hash-trie: the two-map design of Go 1.9 with the
 * Swap, CompareAndSwap and CompareAndDelete of Go 1.20 and the Clear of
 * Go 1.23.  Function names follow Go's (dirtyLocked is dirty_locked, ...)
 * so the two can be read side by side.
 *
 * Design
 *
 * The map holds two tables from key to `struct entry *`:
 *
 *   read   an immutable table published through an atomic pointer to a
 *          `struct readonly` {table, amended}.  Once published, neither
 *          the header nor the table is ever written again; "changing"
 *          read means publishing a new header.  `amended` says that dirty
 *          holds keys that read lacks.
 *   dirty  a table guarded by `mu`.  When it exists it holds every entry
 *          of read that is not expunged, plus the keys read lacks.
 *
 * An entry is shared by both tables, so updating the value of a key that
 * read already has is one atomic operation on the entry, with no lock.
 * The entry's pointer `p` is in one of three states:
 *
 *   a value   the key is present;
 *   NULL      the key was deleted; the entry is still in read (and in
 *             dirty if dirty exists) and may be revived in place;
 *   EXPUNGED  the key was deleted and dirty was rebuilt since: the entry
 *             is in read but not in dirty.  It can only be revived under
 *             `mu`, by first putting it back into dirty ("unexpunging").
 *
 * Operations on a key present in read (loads, and stores, swaps,
 * compare-and-swaps and deletes of existing keys) are lock-free: a
 * pointer load of the header, a table probe and one atomic on the entry.
 * Loads are wait-free.  Everything else takes `mu`.
 *
 * Promotion: every operation that had to look in dirty for a key read
 * lacks counts a miss (missLocked).  When misses >= len(dirty), dirty
 * becomes the new read (amended = false), dirty is dropped and misses
 * reset; Range promotes too when read is amended.  The next store of a
 * new key then rebuilds dirty from read (dirtyLocked), an O(len(read))
 * copy that turns NULL entries into EXPUNGED ones so that dirty need not
 * hold them.  The cost of the copy is amortised over the misses that the
 * promotion saved.  The counters in `struct map_stats` count exactly these
 * events (see syncmap_stats()).
 *
 * Memory ordering
 *
 * Go documents one guarantee: a write operation (Store, Swap, Delete,
 * LoadAndDelete, a LoadOrStore that stores, a CompareAndSwap or
 * CompareAndDelete that succeeds) is synchronized before any read
 * operation (Load, LoadOrStore, LoadAndDelete, Swap, CompareAndSwap,
 * CompareAndDelete) that observes its effect, a deletion included.  Go
 * gets it from sequentially consistent atomics; the weakest C orders that
 * give it are these:
 *
 *   - `read` is stored with release (publish_locked) and loaded with
 *     acquire: a header publishes its table's slots and every entry in it.
 *   - Every write of an entry's `p` releases and every read that can
 *     decide what an operation returns acquires, whether the value read
 *     is a pointer, NULL or EXPUNGED, and whether a compare succeeds or
 *     fails: observing a deletion is observing a write.  Read-modify-
 *     writes that do both are acq_rel.  Loads that only seed a CAS whose
 *     own result is then used stay relaxed.
 *   - A deletion can also be observed as a key missing from a read table
 *     published by a promotion.  The chain is delete (release) -> the
 *     rebuild's expunge CAS (acquire, under mu) -> the promotion's release
 *     of `read` (under mu, so after the expunge) -> the reader's acquire
 *     of `read`.  And as the NULL that unexpunge stores (under mu, after
 *     the expunge): a plain store ends the delete's release sequence, so
 *     it releases itself.
 *
 * Transitions to and from EXPUNGED happen only under `mu`, which orders
 * them among writers; lock-free writers see EXPUNGED in the CAS they were
 * going to do anyway and fall back to `mu`.  Everything else (dirty,
 * misses, the counters) is only touched under `mu`.  On x86 every one of
 * these orders costs the same as relaxed; on ARM and POWER they do not.
 *
 * Memory reclamation without a garbage collector
 *
 * Go relies on its GC to free old read tables and unreachable entries.
 * Here every operation runs inside a urcu-memb read-side critical section
 * (the thread_enter hook registers the thread), and anything a reader may
 * still hold is retired with call_rcu, which hands it back to the map
 * for reuse (or frees it) after a grace period, when no reader can hold
 * it any more (see "Retirement and reuse" below):
 *
 *   - a replaced header (every publication), with its table when the
 *     table is replaced too (promotion, Clear);
 *   - expunged entries, which become unreachable at the promotion after
 *     the dirtyLocked that expunged them (dirtyLocked threads them on a
 *     list; promotion retires those still EXPUNGED);
 *   - entries LoadAndDelete removes from dirty (keys read lacks);
 *   - every entry of both tables at Clear.
 *
 * Retirements happen under mu and are handed to call_rcu in batches
 * (flush_retired_locked()), not one call_rcu each.
 *
 * So deleted keys do not leak while the map lives (Go issue 40999): a
 * deleted entry is expunged by the next dirty rebuild and retired at the
 * following promotion.  Dirty tables are only ever seen under `mu`, and a
 * dirty table that is promoted becomes a read table; neither needs
 * deferral beyond that.  destroy() frees what is live, waits in
 * rcu_barrier() for every callback already queued (they hand batches
 * back to the map), then frees what the map kept for reuse.
 *
 * Allocation failure: Go cannot fail to allocate; C can.  Every operation
 * that may allocate does all its allocations before its first visible
 * change, and returns -ENOMEM with the map unchanged when one fails.
 * Load and Range allocate nothing: dirtyLocked builds the dirty table
 * inside the header that will publish it (`spare`), so a promotion only
 * publishes that header.  Operations without an error
 * return (CompareAndSwap, Delete, ...) never allocate.
 */
#include <assert.h>
#include <errno.h>
#include <stdalign.h>
#include <stdatomic.h>

#include "alloc.h"
#include "futex_lock.h"
#include "map.h"
#include "rcu.h"
#include "table.h"

#define CACHE_LINE 64
#define MU_SPINS   10

/* The EXPUNGED marker: an address no caller can own. */
static const char expunged_marker;
#define EXPUNGED ((void *)&expunged_marker)

struct entry {
	/* The value, NULL (deleted) or EXPUNGED. */
	_Atomic(void *) p;
	/*
	 * Next on map->expunged, or once retired on its batch (NULL: the
	 * batch's last).
	 */
	struct entry *next_expunged;
	union {
		/* While the batch this entry heads waits for call_rcu. */
		struct rcu_head rcu;
		/* Then: the next batch on an inbox or free list. */
		struct entry *next_batch;
	};
};

/*
 * The table descriptor is held by value, so a lookup goes from the header
 * straight to the slots.  Headers that share slots (an amended header and
 * the one it replaced) hold copies of the same descriptor.
 */
struct readonly {
	/* key -> struct entry *; never written once published. */
	struct table m;
	/* Dirty holds some key m lacks. */
	bool amended;
	/*
	 * Retired or free: m's slots belong to this header alone (freed or
	 * reused with it).
	 */
	bool free_slots;
	/* Next on its batch once retired (NULL: the batch's last). */
	struct readonly *next_retired;
	union {
		struct rcu_head rcu;
		struct readonly *next_batch;
	};
};

struct map {
	/* Read by every operation: alone on its cache line. */
	alignas(CACHE_LINE) _Atomic(struct readonly *) read;

	/* Written by the slow paths, all under mu. */
	/*
	 * Go's sync.Mutex spins a little before it parks (at most 4 x 30
	 * pauses); so does this lock, at most MU_SPINS pauses.  glibc's
	 * default mutex parks at once, and spinning longer lets two threads
	 * that take mu in turn trade the lock's line on every hand-over:
	 * BM_Clear and BM_SwapCollision at 2 threads, gbench, ns/op, on the
	 * 2-vCPU AMD EPYC guest (3 runs each): pthread_mutex 339-347 and
	 * 64-68; 100 pauses 141-180 and 56-71; 10 pauses 126-142 and 44-48.
	 */
	alignas(CACHE_LINE) map_futex_lock_t mu;
	/* NULL, or a superset of read's live entries: &spare->m. */
	struct table *dirty;
	/*
	 * The header dirty lives in, published as it is by the next
	 * promotion (so promoting allocates and copies nothing); set if and
	 * only if dirty is.
	 */
	struct readonly *spare;
	/* Misses since the last promotion. */
	size_t misses;
	/* Entries expunged by the rebuild that made the current dirty. */
	struct entry *expunged;
	size_t size_hint;
	/* All but resizes, which is derived (see syncmap_stats). */
	struct map_stats stats;
	/* Grows of dirty tables already promoted or cleared. */
	uint64_t dropped_grows;
	/*
	 * Unlinked entries and headers not yet handed to call_rcu: they
	 * go in batches of RETIRE_BATCH (see flush_retired_locked()).
	 */
	struct entry *retired;
	struct readonly *retired_ro;
	unsigned n_retired;
	/* The pending headers include one that owns a large slot array. */
	bool retired_ro_large;
	/*
	 * Retired objects past their grace period, for reuse: the rest of
	 * the batch being used, then whole batches.  Under mu.
	 */
	struct entry *free_entries;
	struct entry *free_entry_batches;
	struct readonly *free_headers;
	struct readonly *free_header_batches;

	/* The empty read of a new or cleared map: never retired. */
	struct readonly empty_ro;
	/*
	 * The same, amended: what a store of a new key publishes when read
	 * is empty_ro (Go allocates a new header there; Clear followed by a
	 * store does that every time).  Never retired either.
	 */
	struct readonly empty_amended_ro;
};

/*
 * Retirement and reuse.  Everything that readers may still hold is
 * unlinked under mu, so it is retired under mu too, onto two lists
 * (entries, headers) that go to call_rcu as one callback each every
 * RETIRE_BATCH retirements: call_rcu costs an enqueue and often a futex
 * wake of the call_rcu thread, which workloads that retire every
 * iteration (Clear, the *Collision ones) paid per iteration.  A batch
 * waits for a grace period that starts after its last member was
 * unlinked, later than each member needs.  Pending batches are bounded
 * (RETIRE_BATCH objects) and are flushed by quiesce and freed by destroy.
 *
 * After its grace period a batch is not freed but pushed, whole, onto an
 * inbox from which writers take batches under their map's mu to reuse
 * for the entries and headers they need next.  Freeing in the callback
 * made every retired object a cross-thread free: the writer's
 * allocations and the call_rcu thread's frees then met on jemalloc's bin
 * locks and cache lines, which cost Clear and LoadAndDeleteCollision (a
 * few allocations and retirements per operation) more than the
 * operations themselves.  Go's allocator reuses what its collector frees
 * in the same way.  The callback touches only the batch's first object
 * (call_rcu's own link lives there), so the lines the writer reuses stay
 * in its cache.  The inboxes are per process, not per map (a callback
 * cannot tell whose batch it runs without reading it); any syncmap may
 * take from them.
 *
 * What is kept for reuse is bounded: at most POOL_BATCHES batches in each
 * inbox (past that the callback frees the batch), and what one map took
 * from it; quiesce frees both, so settled memory figures do not include
 * them.  A retired table's slot array stays with its header only when it
 * has at most POOL_SLOTS_MAX slots (LoadAndDeleteCollision rebuilds a
 * one-key dirty table per operation): a batch holding a larger one goes
 * to a callback that frees those arrays before it hands the batch back
 * (readonly_batch_large_cb()), so a pooled header holds at most
 * POOL_SLOTS_MAX slots.
 */
#define RETIRE_BATCH   64
#define POOL_BATCHES   16
#define POOL_SLOTS_MAX 16

static struct {
	alignas(CACHE_LINE) _Atomic(struct entry *) entries;
	atomic_uint entry_batches;
	alignas(CACHE_LINE) _Atomic(struct readonly *) headers;
	atomic_uint header_batches;
} inbox;

/* Does the header own a slot array too large to keep for reuse? */
static inline bool
readonly_owns_large(const struct readonly *ro)
{
	return ro->free_slots && ro->m.mask + 1 > POOL_SLOTS_MAX;
}

/* Free the slot array the header owns; its table becomes empty. */
static void
readonly_drop_slots(struct readonly *ro)
{
	table_free_slots(&ro->m);
	table_init_empty(&ro->m);
	ro->free_slots = false;
}

static void
readonly_free(struct readonly *ro)
{
	if (ro->free_slots)
		table_free_slots(&ro->m);
	map_free(ro);
}

/* Free a batch: a chain through next_expunged. */
static void
entry_batch_free(struct entry *e)
{
	for (struct entry *next; e != NULL; e = next) {
		next = e->next_expunged;
		map_free(e);
	}
}

static void
readonly_batch_free(struct readonly *ro)
{
	for (struct readonly *next; ro != NULL; ro = next) {
		next = ro->next_retired;
		readonly_free(ro);
	}
}

/*
 * One inbox's two ends, for a batch type T chained through next_batch:
 * PUSH(first) puts a batch whose grace period has passed on the inbox
 * STACK, or frees it with FREE when the inbox holds POOL_BATCHES already
 * (COUNT bounds the inbox; relaxed: a bound, not a reckoning); TAKE()
 * takes every batch (an exchange, so any number of takers is safe) and
 * uncounts them.  Call TAKE with mu held (the list it returns is the
 * map's).
 */
#define INBOX_ENDS(PUSH, TAKE, T, STACK, COUNT, FREE)                          \
	static void PUSH(T *first)                                             \
	{                                                                      \
		T *top;                                                        \
                                                                               \
		if (atomic_fetch_add_explicit(&inbox.COUNT, 1,                 \
					      memory_order_relaxed) >=         \
		    POOL_BATCHES) {                                            \
			atomic_fetch_sub_explicit(&inbox.COUNT, 1,             \
						  memory_order_relaxed);       \
			FREE(first);                                           \
			return;                                                \
		}                                                              \
		top = atomic_load_explicit(&inbox.STACK,                       \
					   memory_order_relaxed);              \
		do                                                             \
			first->next_batch = top;                               \
		/*                                                             \
		 * Release: pairs with the acquire exchange in TAKE(), so the  \
		 * grace period the batch waited for happens before the writer \
		 * reuses it.                                                  \
		 */                                                            \
		while (!atomic_compare_exchange_weak_explicit(                 \
			&inbox.STACK, &top, first, memory_order_release,       \
			memory_order_relaxed));                                \
	}                                                                      \
                                                                               \
	static T *TAKE(void)                                                   \
	{                                                                      \
		/* Acquire: pairs with the release in PUSH(). */               \
		T *b = atomic_exchange_explicit(&inbox.STACK, NULL,            \
						memory_order_acquire);         \
		unsigned n = 0;                                                \
                                                                               \
		for (T *x = b; x != NULL; x = x->next_batch)                   \
			n++;                                                   \
		if (n != 0)                                                    \
			atomic_fetch_sub_explicit(&inbox.COUNT, n,             \
						  memory_order_relaxed);       \
		return b;                                                      \
	}

INBOX_ENDS(entry_batch_push, take_entry_batches, struct entry, entries,
	   entry_batches, entry_batch_free)
INBOX_ENDS(readonly_batch_push, take_header_batches, struct readonly, headers,
	   header_batches, readonly_batch_free)

static void
entry_batch_cb(struct rcu_head *head)
{
	map_rcu_callback_begin();
	entry_batch_push(caa_container_of(head, struct entry, rcu));
}

static void
readonly_batch_cb(struct rcu_head *head)
{
	map_rcu_callback_begin();
	readonly_batch_push(caa_container_of(head, struct readonly, rcu));
}

/*
 * A batch with a large retired table (a promotion replaced the read map):
 * free the large slot arrays now, so that what waits for reuse is small;
 * only such batches are walked here.
 */
static void
readonly_batch_large_cb(struct rcu_head *head)
{
	struct readonly *first = caa_container_of(head, struct readonly, rcu);

	map_rcu_callback_begin();
	for (struct readonly *ro = first; ro != NULL; ro = ro->next_retired)
		if (readonly_owns_large(ro))
			readonly_drop_slots(ro);
	readonly_batch_push(first);
}

/* Hand the pending retirements to call_rcu.  Call with mu held. */
static void
flush_retired_locked(struct map *m)
{
	if (m->retired != NULL)
		urcu_memb_call_rcu(&m->retired->rcu, entry_batch_cb);
	if (m->retired_ro != NULL)
		urcu_memb_call_rcu(&m->retired_ro->rcu,
				   m->retired_ro_large ? readonly_batch_large_cb
						       : readonly_batch_cb);
	m->retired = NULL;
	m->retired_ro = NULL;
	m->retired_ro_large = false;
	m->n_retired = 0;
}

static void
retired_one_locked(struct map *m)
{
	if (++m->n_retired >= RETIRE_BATCH)
		flush_retired_locked(m);
}

/* Free `e` after a grace period.  Call with mu held, e unlinked. */
static void
entry_retire_locked(struct map *m, struct entry *e)
{
	e->next_expunged = m->retired;
	m->retired = e;
	retired_one_locked(m);
}

/* Retire a header (old->free_slots says whether its slots go too). */
static void
readonly_retire_locked(struct map *m, struct readonly *old)
{
	old->next_retired = m->retired_ro;
	m->retired_ro = old;
	if (readonly_owns_large(old))
		m->retired_ro_large = true;
	retired_one_locked(m);
}

/*
 * Free everything kept for reuse: the map's own lists and the inboxes.
 * Call with mu held, or with no other user; no callback may be pending
 * that the caller wants freed too (quiesce and destroy wait for them).
 */
static void
pools_free_locked(struct map *m)
{
	struct entry *eb, *enext;
	struct readonly *rb, *rnext;

	entry_batch_free(m->free_entries);
	readonly_batch_free(m->free_headers);
	m->free_entries = NULL;
	m->free_headers = NULL;
	for (eb = m->free_entry_batches; eb != NULL; eb = enext) {
		enext = eb->next_batch;
		entry_batch_free(eb);
	}
	for (rb = m->free_header_batches; rb != NULL; rb = rnext) {
		rnext = rb->next_batch;
		readonly_batch_free(rb);
	}
	m->free_entry_batches = take_entry_batches();
	m->free_header_batches = take_header_batches();
	if (m->free_entry_batches != NULL || m->free_header_batches != NULL)
		pools_free_locked(m);
}

/*
 * Entries
 */

/* A new entry holding `value`, reused if one is free.  Call with mu held. */
static struct entry *
entry_new_locked(struct map *m, void *value)
{
	struct entry *e = m->free_entries;

	if (e == NULL) {
		if (m->free_entry_batches == NULL)
			m->free_entry_batches = take_entry_batches();
		e = m->free_entry_batches;
		if (e != NULL)
			m->free_entry_batches = e->next_batch;
	}
	if (e != NULL)
		m->free_entries = e->next_expunged;
	else if ((e = map_malloc(sizeof(*e))) == NULL)
		return NULL;
	/*
	 * Published later by the release of `read` or by `mu`.  Relaxed: no
	 * reader can hold a reused entry (its grace period has passed).
	 */
	atomic_store_explicit(&e->p, value, memory_order_relaxed);
	e->next_expunged = NULL;
	return e;
}

/* Give back an entry that was never published.  Call with mu held. */
static void
entry_unused_locked(struct map *m, struct entry *e)
{
	e->next_expunged = m->free_entries;
	m->free_entries = e;
}

/*
 * A header with an empty table, reused if one is free; with `keep_slots`
 * the table may own a small slot array (free_slots set), emptied, which
 * the caller may keep or grow with table_reserve().  Call with mu held.
 */
static struct readonly *
readonly_new_locked(struct map *m, bool keep_slots)
{
	struct readonly *ro = m->free_headers;

	if (ro == NULL) {
		if (m->free_header_batches == NULL)
			m->free_header_batches = take_header_batches();
		ro = m->free_header_batches;
		if (ro != NULL)
			m->free_header_batches = ro->next_batch;
	}
	if (ro != NULL) {
		m->free_headers = ro->next_retired;
		/* Pooled headers own at most POOL_SLOTS_MAX slots. */
		assert(!readonly_owns_large(ro));
		if (ro->free_slots && !keep_slots)
			readonly_drop_slots(ro);
		if (ro->free_slots) {
			table_clear(&ro->m);
			ro->m.grows = 0;
		} else {
			/* Its table was another header's: not ours to clear. */
			table_init_empty(&ro->m);
		}
		return ro;
	}
	if ((ro = map_malloc(sizeof(*ro))) == NULL)
		return NULL;
	table_init_empty(&ro->m);
	ro->free_slots = false;
	return ro;
}

/* Give back a header that was never published.  Call with mu held. */
static void
readonly_unused_locked(struct map *m, struct readonly *ro)
{
	ro->free_slots = table_has_slots(&ro->m);
	/* Never published: a large slot array can go at once. */
	if (readonly_owns_large(ro))
		readonly_drop_slots(ro);
	ro->next_retired = m->free_headers;
	m->free_headers = ro;
}

/* The entry's value, or NULL if deleted or expunged. */
static inline void *
entry_load(struct entry *e)
{
	/* Acquire: pairs with the release of whichever store wrote p. */
	void *p = atomic_load_explicit(&e->p, memory_order_acquire);

	return p == EXPUNGED ? NULL : p;
}

/*
 * Swap in `value` unless the entry is expunged.  Returns false if it is
 * (the caller must take mu), else true with the old value (NULL if the
 * key was deleted) in *old.
 */
static inline bool
entry_try_swap(struct entry *e, void *value, void **old)
{
	void *p = atomic_load_explicit(&e->p, memory_order_relaxed);

	do {
		if (p == EXPUNGED)
			return false;
		/* acq_rel: release publishes value, acquire reads old. */
	} while (!atomic_compare_exchange_weak_explicit(
		&e->p, &p, value, memory_order_acq_rel, memory_order_relaxed));
	*old = p;
	return true;
}

/*
 * LoadOrStore on an entry: returns 1 and the current value in *actual if
 * there is one, 0 if it stored `value`, -1 if the entry is expunged (the
 * caller must take mu).
 */
static inline int
entry_try_load_or_store(struct entry *e, void *value, void **actual)
{
	/* Acquire: pairs with the release that stored the value we return. */
	void *p = atomic_load_explicit(&e->p, memory_order_acquire);

	for (;;) {
		if (p == EXPUNGED)
			return -1;
		if (p != NULL) {
			*actual = p;
			return 1;
		}
		/*
		 * Release publishes value.  Acquire on success too: the
		 * NULL we replace may have been written by a later delete
		 * than the one our load saw, and returning "stored" is
		 * observing that delete.  On failure acquire as above.
		 */
		if (atomic_compare_exchange_weak_explicit(
			    &e->p, &p, value, memory_order_acq_rel,
			    memory_order_acquire)) {
			*actual = value;
			return 0;
		}
	}
}

/* Delete: returns the value it removed, or NULL if there was none. */
static inline void *
entry_delete(struct entry *e)
{
	/*
	 * Acquire: finding the key deleted observes the delete that wrote
	 * NULL (or the expunge in its release sequence) and returning p
	 * observes p's store; both pair with the release of that write.
	 */
	void *p = atomic_load_explicit(&e->p, memory_order_acquire);

	do {
		if (p == NULL || p == EXPUNGED)
			return NULL;
		/*
		 * acq_rel: release makes the delete visible to whoever sees
		 * NULL (entry_load() and every acquire above); acquire as
		 * for the load.  On failure acquire: p decides again.
		 */
	} while (!atomic_compare_exchange_weak_explicit(
		&e->p, &p, NULL, memory_order_acq_rel, memory_order_acquire));
	return p;
}

/*
 * Go's tryCompareAndSwap and CompareAndDelete's loop: replace old_value
 * with new_value (NULL: delete) if it is the current value.  Like Go, load
 * and compare first, so that a compare that fails writes nothing: a
 * locked compare-exchange would take the cache line exclusive even when
 * it fails, turning a read-only miss into cross-core traffic.  NULL and
 * EXPUNGED never equal old_value (never NULL, never ours).
 */
static inline bool
entry_try_replace(struct entry *e, void *old_value, void *new_value)
{
	/*
	 * Acquire: a failing compare observes the write that stored the
	 * current value (or deleted it); pairs with that write's release.
	 */
	void *p = atomic_load_explicit(&e->p, memory_order_acquire);

	while (p == old_value) {
		/*
		 * acq_rel: release publishes the swap or the delete; acquire
		 * because succeeding observes old_value's store.  On failure
		 * acquire, as for the load: p is compared again.
		 */
		if (atomic_compare_exchange_weak_explicit(&e->p, &p, new_value,
							  memory_order_acq_rel,
							  memory_order_acquire))
			return true;
	}
	return false;
}

/* CompareAndSwap on an entry. */
static inline bool
entry_try_compare_and_swap(struct entry *e, void *old_value, void *new_value)
{
	return entry_try_replace(e, old_value, new_value);
}

/* CompareAndDelete on an entry. */
static inline bool
entry_try_compare_and_delete(struct entry *e, void *old_value)
{
	return entry_try_replace(e, old_value, NULL);
}

/*
 * Mark a deleted entry EXPUNGED.  Returns true if the entry is expunged
 * (and so must stay out of dirty).  Call with mu held.
 */
static bool
entry_try_expunge_locked(struct entry *e)
{
	void *p = atomic_load_explicit(&e->p, memory_order_relaxed);

	while (p == NULL) {
		/*
		 * Acquire on success: pairs with the release of the delete
		 * that wrote this NULL, so that the delete happens before
		 * the promotion that will drop the key from read, and before
		 * an unexpunge's NULL; the release of `read` by that
		 * promotion (and unexpunge's release) carry it on to the
		 * readers that find the key gone.  Being a read-modify-
		 * write, EXPUNGED also stays in the delete's release
		 * sequence for entry_load().  Relaxed on failure: a live
		 * value ends the loop and is only copied.  A lock-free
		 * writer that races with us either wins its CAS (the entry
		 * stays live) or sees EXPUNGED in it and takes mu.
		 */
		if (atomic_compare_exchange_weak_explicit(&e->p, &p, EXPUNGED,
							  memory_order_acquire,
							  memory_order_relaxed))
			return true;
	}
	return p == EXPUNGED;
}

/* Is the entry expunged?  Call with mu held: EXPUNGED changes only under mu. */
static bool
entry_expunged_locked(struct entry *e)
{
	return atomic_load_explicit(&e->p, memory_order_relaxed) == EXPUNGED;
}

/*
 * Read headers
 */

/* Call inside a read-side critical section. */
static inline struct readonly *
load_readonly(struct map *m)
{
	/*
	 * Acquire: pairs with the release in publish_locked(), so the
	 * header, its table and the entries in it are initialised.
	 */
	return atomic_load_explicit(&m->read, memory_order_acquire);
}

/* Call with mu held: every store to read is made under mu. */
static inline struct readonly *
load_readonly_locked(struct map *m)
{
	return atomic_load_explicit(&m->read, memory_order_relaxed);
}

/*
 * Publish `ro` as the new read and retire the old header, with its table
 * if `ro` does not share it.  Call with mu held.
 */
static void
publish_locked(struct map *m, struct readonly *ro)
{
	struct readonly *old = load_readonly_locked(m);

	/* Release: pairs with the acquire in load_readonly(). */
	atomic_store_explicit(&m->read, ro, memory_order_release);
	if (old == &m->empty_ro || old == &m->empty_amended_ro)
		return;
	old->free_slots = old->m.slots != ro->m.slots;
	readonly_retire_locked(m, old);
}

/*
 * The mutex and the slow paths
 */

static void
lock(struct map *m)
{
	map_futex_lock_spins(&m->mu, MU_SPINS);
	m->stats.locked_ops++;
}

static void
unlock(struct map *m)
{
	map_futex_unlock(&m->mu);
}

/* dirty becomes read.  Call with mu held and dirty set. */
static void
promote_locked(struct map *m)
{
	struct readonly *ro = m->spare;
	struct entry *e, *next;

	/* ro->m is the dirty table itself. */
	ro->amended = false;
	m->dropped_grows += ro->m.grows;
	if (ro->m.count != 0) {
		publish_locked(m, ro);
	} else {
		/*
		 * An empty dirty (LoadAndDeleteCollision's every operation):
		 * publish the shared empty read instead, which readers cannot
		 * tell apart, and reuse the header at once: it was never
		 * published.
		 */
		publish_locked(m, &m->empty_ro);
		readonly_unused_locked(m, ro);
	}
	m->dirty = NULL;
	m->spare = NULL;
	m->misses = 0;
	m->stats.promotions++;

	/*
	 * Entries still EXPUNGED were in the old read only: retire them.
	 * The others were unexpunged into dirty, which is read now.
	 */
	for (e = m->expunged; e != NULL; e = next) {
		next = e->next_expunged;
		e->next_expunged = NULL;
		if (entry_expunged_locked(e))
			entry_retire_locked(m, e);
	}
	m->expunged = NULL;
}

/* Go's missLocked.  Call with mu held, read amended (so dirty set). */
static void
miss_locked(struct map *m)
{
	m->stats.misses++;
	if (++m->misses < m->dirty->count)
		return;
	promote_locked(m);
}

/*
 * Go's dirtyLocked: if there is no dirty map, copy read's live entries
 * into a new one, expunging the deleted ones.  Sized for one more key,
 * the one the caller is about to add.  Returns 0, or -ENOMEM with nothing
 * changed.  Call with mu held.
 */
static int
dirty_locked(struct map *m, struct readonly *read)
{
	size_t n = read->m.count + 1;
	struct readonly *spare;
	struct table *dirty;

	if (m->dirty != NULL)
		return 0;
	/*
	 * The size hint sizes the first dirty table of an empty map, which
	 * takes every key until the first promotion.  A rebuild is sized
	 * as Go's make(map, len(read)): presizing each one to the hint
	 * would allocate and zero a table of the hint's size per rebuild
	 * however few keys read holds.
	 */
	if (read->m.count == 0 && n < m->size_hint)
		n = m->size_hint;
	spare = readonly_new_locked(m, true);
	if (spare == NULL)
		return -ENOMEM;
	dirty = &spare->m;
	if (table_reserve(dirty, n) != 0) {
		readonly_unused_locked(m, spare);
		return -ENOMEM;
	}
	dirty->grows = 0; /* sizing it is not a resize */
	table_for_each_slot(&read->m, s) {
		struct entry *e = s->val;

		if (!entry_try_expunge_locked(e)) {
			table_put_reserved(dirty, s->key, e);
			continue;
		}
		/*
		 * Read has no EXPUNGED entry while dirty is NULL: the
		 * previous promotion dropped them all.
		 */
		assert(e->next_expunged == NULL && e != m->expunged);
		e->next_expunged = m->expunged;
		m->expunged = e;
	}
	m->dirty = dirty;
	m->spare = spare;
	m->stats.dirty_rebuilds++;
	m->stats.entries_copied += read->m.count;
	return 0;
}

/*
 * The locked half of Swap and LoadOrStore for a key neither table has:
 * add a new entry to dirty, first marking read amended if it was not.
 * Takes ownership of `e`.  Returns 0 or -ENOMEM with nothing changed.  Call
 * with mu held.
 */
static int
add_new_locked(struct map *m, struct readonly *read, uint64_t key,
	       struct entry *e)
{
	struct readonly *amended = NULL;

	if (read == &m->empty_ro) {
		if (dirty_locked(m, read) != 0)
			goto nomem;
		amended = &m->empty_amended_ro;
	} else if (!read->amended) {
		amended = readonly_new_locked(m, false);
		if (amended == NULL || dirty_locked(m, read) != 0)
			goto nomem;
	}
	if (table_reserve(m->dirty, m->dirty->count + 1) != 0)
		goto nomem;
	if (amended == &m->empty_amended_ro) {
		publish_locked(m, amended);
	} else if (amended != NULL) {
		amended->m = read->m;
		amended->amended = true;
		publish_locked(m, amended);
	}
	table_put_reserved(m->dirty, key, e);
	return 0;
nomem:
	if (amended != NULL && amended != &m->empty_amended_ro)
		readonly_unused_locked(m, amended);
	entry_unused_locked(m, e);
	return -ENOMEM;
}

/*
 * If `e` (in read) is expunged, put it back into dirty.  Returns 0 or
 * -ENOMEM with nothing changed.  Call with mu held.
 */
static int
unexpunge_locked(struct map *m, uint64_t key, struct entry *e)
{
	if (!entry_expunged_locked(e))
		return 0;
	/* EXPUNGED entries exist only while dirty does. */
	if (table_reserve(m->dirty, m->dirty->count + 1) != 0)
		return -ENOMEM;
	/*
	 * EXPUNGED -> NULL: a store, not a CAS, because nothing else can
	 * change an expunged entry (lock-free writers give up on EXPUNGED
	 * and wait for mu).  Release: a plain store ends the release
	 * sequence of the delete that the EXPUNGED stood for, so a reader
	 * that acquires this NULL (entry_load(), a lock-free writer about
	 * to revive the entry) must synchronise with us instead; the
	 * expunge's acquire, under mu before us, makes that delete happen
	 * before this store.
	 */
	atomic_store_explicit(&e->p, NULL, memory_order_release);
	table_put_reserved(m->dirty, key, e);
	return 0;
}

/*
 * The vtable
 */

static struct map *
syncmap_create(size_t size_hint)
{
	struct map *m = map_aligned_alloc(CACHE_LINE, sizeof(*m));

	if (m == NULL)
		return NULL;
	map_futex_lock_init(&m->mu);
	m->dirty = NULL;
	m->spare = NULL;
	m->misses = 0;
	m->expunged = NULL;
	m->size_hint = size_hint;
	m->stats = (struct map_stats){0};
	m->dropped_grows = 0;
	m->retired = NULL;
	m->retired_ro = NULL;
	m->retired_ro_large = false;
	m->n_retired = 0;
	m->free_entries = NULL;
	m->free_entry_batches = NULL;
	m->free_headers = NULL;
	m->free_header_batches = NULL;
	table_init_empty(&m->empty_ro.m);
	m->empty_ro.amended = false;
	table_init_empty(&m->empty_amended_ro.m);
	m->empty_amended_ro.amended = true;
	atomic_init(&m->read, &m->empty_ro);
	return m;
}

/*
 * Free every entry reachable from read or dirty, each once: an entry
 * in both tables is skipped in dirty.  `retire` defers the frees through
 * RCU; otherwise they are immediate.  Call with mu held.
 */
static void
drop_entries_locked(struct map *m, struct readonly *read, bool retire)
{
	table_for_each_slot(&read->m, s) {
		if (retire)
			entry_retire_locked(m, s->val);
		else
			map_free(s->val);
	}
	if (m->dirty == NULL)
		return;
	table_for_each_slot(m->dirty, s) {
		if (table_get(&read->m, s->key) == s->val)
			continue;
		if (retire)
			entry_retire_locked(m, s->val);
		else
			map_free(s->val);
	}
}

/* Not inside a read-side critical section, and with no other user left. */
static void
syncmap_destroy(struct map *m)
{
	struct readonly *read = load_readonly_locked(m);

	drop_entries_locked(m, read, false);
	table_free_slots(&read->m);
	if (read != &m->empty_ro && read != &m->empty_amended_ro)
		map_free(read);
	if (m->spare != NULL) {
		table_free_slots(&m->spare->m);
		map_free(m->spare);
	}
	/* Pending retirements: no reader is left, free them now. */
	entry_batch_free(m->retired);
	readonly_batch_free(m->retired_ro);
	/*
	 * Wait for the callbacks of everything retired earlier, then free
	 * what they handed back (a map that is gone takes nothing more).
	 */
	urcu_memb_barrier();
	pools_free_locked(m);
	map_free(m);
}

/*
 * The slow half of find_entry(): read lacks the key and is amended.  Look
 * again under mu, then in dirty, counting a miss whether or not dirty has
 * the key (it takes this path until dirty is promoted).  With `take`
 * (LoadAndDelete), an entry found in dirty only is removed from dirty and
 * retired: unreachable now, but perhaps held by a reader that found it in
 * dirty, and usable by us until our own read-side section ends.
 */
static struct entry *
find_entry_slow(struct map *m, uint64_t key, bool take)
{
	struct readonly *read;
	struct entry *e;

	lock(m);
	/* Read again: a promotion may have happened meanwhile. */
	read = load_readonly_locked(m);
	e = table_get(&read->m, key);
	if (e == NULL && read->amended) {
		if (!take) {
			e = table_get(m->dirty, key);
		} else if ((e = table_remove(m->dirty, key)) != NULL) {
			entry_retire_locked(m, e);
		}
		miss_locked(m);
	}
	unlock(m);
	return e;
}

/*
 * The entry of `key` as Load, LoadAndDelete and CompareAndDelete find it
 * (Go spells this out in each): in read, lock-free, or else, if read is
 * amended, in dirty under mu.  NULL if neither has it.  Call inside a
 * read-side section; the entry stays valid until the section ends.
 */
static inline struct entry *
find_entry(struct map *m, uint64_t key, bool take)
{
	struct readonly *read = load_readonly(m);
	struct entry *e = table_get(&read->m, key);

	if (e == NULL && read->amended)
		e = find_entry_slow(m, key, take);
	return e;
}

static bool
syncmap_load(struct map *m, uint64_t key, void **value)
{
	struct entry *e;
	void *p = NULL;

	map_rcu_read_lock();
	if ((e = find_entry(m, key, false)) != NULL)
		p = entry_load(e);
	map_rcu_read_unlock();
	if (p == NULL)
		return false;
	*value = p;
	return true;
}

static int
syncmap_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	struct readonly *read;
	struct entry *e, *fresh;
	void *old = NULL;
	int ret = 0;

	if (value == NULL)
		return -EINVAL;
	map_rcu_read_lock();
	read = load_readonly(m);
	e = table_get(&read->m, key);
	if (e != NULL && entry_try_swap(e, value, &old))
		goto out;

	lock(m);
	read = load_readonly_locked(m);
	if ((e = table_get(&read->m, key)) != NULL) {
		ret = unexpunge_locked(m, key, e);
		/* acq_rel: release publishes value, acquire reads old. */
		if (ret == 0)
			old = atomic_exchange_explicit(&e->p, value,
						       memory_order_acq_rel);
	} else if (m->dirty != NULL && (e = table_get(m->dirty, key)) != NULL) {
		old = atomic_exchange_explicit(&e->p, value,
					       memory_order_acq_rel);
	} else if ((fresh = entry_new_locked(m, value)) == NULL) {
		ret = -ENOMEM;
	} else {
		ret = add_new_locked(m, read, key, fresh);
	}
	unlock(m);
out:
	map_rcu_read_unlock();
	if (ret < 0)
		return ret;
	if (previous != NULL)
		*previous = old;
	return old != NULL;
}

static int
syncmap_store(struct map *m, uint64_t key, void *value)
{
	/* Go 1.20+: Store is Swap with the result dropped. */
	int ret = syncmap_swap(m, key, value, NULL);

	return ret < 0 ? ret : 0;
}

static int
syncmap_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	struct readonly *read;
	struct entry *e, *fresh;
	int ret;

	if (value == NULL)
		return -EINVAL;
	map_rcu_read_lock();
	read = load_readonly(m);
	e = table_get(&read->m, key);
	if (e != NULL && (ret = entry_try_load_or_store(e, value, actual)) >= 0)
		goto out;

	lock(m);
	read = load_readonly_locked(m);
	if ((e = table_get(&read->m, key)) != NULL) {
		ret = unexpunge_locked(m, key, e);
		if (ret == 0)
			/* Cannot see EXPUNGED: we hold mu and unexpunged. */
			ret = entry_try_load_or_store(e, value, actual);
	} else if (m->dirty != NULL && (e = table_get(m->dirty, key)) != NULL) {
		ret = entry_try_load_or_store(e, value, actual);
		miss_locked(m);
	} else if ((fresh = entry_new_locked(m, value)) == NULL) {
		ret = -ENOMEM;
	} else if ((ret = add_new_locked(m, read, key, fresh)) == 0) {
		*actual = value;
	}
	unlock(m);
out:
	map_rcu_read_unlock();
	return ret;
}

static bool
syncmap_load_and_delete(struct map *m, uint64_t key, void **value)
{
	struct entry *e;
	void *p = NULL;

	map_rcu_read_lock();
	if ((e = find_entry(m, key, true)) != NULL)
		p = entry_delete(e);
	map_rcu_read_unlock();
	if (p == NULL)
		return false;
	if (value != NULL)
		*value = p;
	return true;
}

static void
syncmap_delete(struct map *m, uint64_t key)
{
	syncmap_load_and_delete(m, key, NULL);
}

static bool
syncmap_compare_and_swap(struct map *m, uint64_t key, void *old_value,
			 void *new_value)
{
	struct readonly *read;
	struct entry *e;
	bool swapped = false;

	if (new_value == NULL || old_value == NULL)
		return false;
	map_rcu_read_lock();
	read = load_readonly(m);
	if ((e = table_get(&read->m, key)) != NULL) {
		swapped = entry_try_compare_and_swap(e, old_value, new_value);
	} else if (read->amended) {
		lock(m);
		read = load_readonly_locked(m);
		if ((e = table_get(&read->m, key)) != NULL) {
			swapped = entry_try_compare_and_swap(e, old_value,
							     new_value);
		} else if (read->amended &&
			   (e = table_get(m->dirty, key)) != NULL) {
			swapped = entry_try_compare_and_swap(e, old_value,
							     new_value);
			/* The key set did not change: count a miss so
			 * that dirty is promoted eventually. */
			miss_locked(m);
		}
		unlock(m);
	}
	map_rcu_read_unlock();
	return swapped;
}

static bool
syncmap_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	struct entry *e;
	bool deleted = false;

	if (old_value == NULL)
		return false;
	map_rcu_read_lock();
	/* Leaves the key in dirty: the compare is still to come. */
	if ((e = find_entry(m, key, false)) != NULL)
		deleted = entry_try_compare_and_delete(e, old_value);
	map_rcu_read_unlock();
	return deleted;
}

static void
syncmap_range(struct map *m, bool (*fn)(uint64_t, void *, void *), void *arg)
{
	struct readonly *read;
	struct table_slot *s;

	map_rcu_read_lock();
	read = load_readonly(m);
	if (read->amended) {
		/* Range is O(n) anyway: promote so the walk sees every key. */
		lock(m);
		if (load_readonly_locked(m)->amended)
			promote_locked(m);
		read = load_readonly_locked(m);
		unlock(m);
	}
	/*
	 * The table is immutable and kept alive by our read-side section;
	 * fn runs with no lock held and may call anything but destroy.
	 */
	table_for_each_slot_from(&read->m, table_walk_start(&read->m), s) {
		void *p = entry_load(s->val);

		if (p != NULL && !fn(s->key, p, arg))
			break;
	}
	map_rcu_read_unlock();
}

static void
syncmap_clear(struct map *m)
{
	struct readonly *read;

	map_rcu_read_lock();
	read = load_readonly(m);
	if (read->m.count == 0 && !read->amended)
		goto out;
	lock(m);
	read = load_readonly_locked(m);
	drop_entries_locked(m, read, true);
	if (read->m.count > 0 || read->amended)
		publish_locked(m, &m->empty_ro);
	/* Go keeps the (now empty) dirty map; so do we, with its spare. */
	if (m->dirty != NULL)
		table_clear(m->dirty);
	m->expunged = NULL;
	m->misses = 0;
	unlock(m);
out:
	map_rcu_read_unlock();
}

/*
 * Counters.  All are counted under mu, so counting costs the lock-free
 * paths nothing; reading them takes mu without counting it.
 */
static void
syncmap_stats(struct map *m, struct map_stats *out)
{
	map_futex_lock_spins(&m->mu, MU_SPINS);
	*out = m->stats;
	out->have = MAP_STAT_PROMOTIONS | MAP_STAT_DIRTY_REBUILDS |
		    MAP_STAT_ENTRIES_COPIED | MAP_STAT_MISSES |
		    MAP_STAT_LOCKED_OPS | MAP_STAT_RESIZES;
	out->resizes = m->dropped_grows + (m->dirty ? m->dirty->grows : 0);
	map_futex_unlock(&m->mu);
}

/*
 * Hand m's pending batch to call_rcu, wait for every callback queued by
 * anyone, then free what m keeps for reuse.  m may be NULL (the harness
 * settles the allocator before it creates a map): then only the wait.
 */
static void
syncmap_quiesce(struct map *m)
{
	if (m != NULL) {
		map_futex_lock_spins(&m->mu, MU_SPINS);
		flush_retired_locked(m);
		map_futex_unlock(&m->mu);
	}
	map_rcu_quiesce(m);
	if (m != NULL) {
		/* Settled: nothing kept for reuse either. */
		map_futex_lock_spins(&m->mu, MU_SPINS);
		pools_free_locked(m);
		map_futex_unlock(&m->mu);
	}
}

const struct map_ops syncmap_ops = {
	.name = "syncmap",
	.summary = "Go 1.9-1.23 sync.Map: lock-free read map, mutex-guarded "
		   "dirty map, promotion on misses",
	.flags = 0,
	.create = syncmap_create,
	.destroy = syncmap_destroy,
	.thread_enter = map_rcu_thread_enter,
	.thread_exit = map_rcu_thread_exit,
	.load = syncmap_load,
	.store = syncmap_store,
	.load_or_store = syncmap_load_or_store,
	.load_and_delete = syncmap_load_and_delete,
	.del = syncmap_delete,
	.swap = syncmap_swap,
	.compare_and_swap = syncmap_compare_and_swap,
	.compare_and_delete = syncmap_compare_and_delete,
	.range = syncmap_range,
	.clear = syncmap_clear,
	.stats = syncmap_stats,
	.quiesce = syncmap_quiesce,
};

/*
 * clht: a cache-line hash table in the design of puzpuzpuz/xsync's Map
 * (v4, itself "a modified version of CLHT") and LPD-EPFL's CLHT-LB with
 * resizing (clht_lb_res): written from the designs, not from their code.
 *
 * Layout
 *
 * A table is a power-of-two array of 64-byte buckets, each one cache line:
 *
 *   meta     one byte per slot: 0 for an empty slot, else 0x80 | seven
 *            bits of the key's hash (the "h2" of absl/xsync), so that one
 *            64-bit load and a SWAR compare pick the candidate slots;
 *   slot[5]  pointers to immutable entries {key, value, rcu_head};
 *   next     the overflow chain (more buckets, allocated as needed);
 *   lock     a futex word, used in the head ("root") bucket of a chain
 *            only: it serialises the writers of that chain.
 *
 * Memory: a table of n buckets is n * 64 bytes (n a power of two, sized
 * for the create() hint at xsync's 3/4 load factor: 512 buckets for a
 * hint of 1,000 keys, 2^19 for 1,000,000), plus 32 bytes per entry, plus
 * 64 bytes per overflow bucket (rare under a uniform hash), plus the map
 * header (about 1.2 KiB, mostly counter stripes).
 *
 * The low bits of map_hash64(key) pick the chain, the top bits make h2.
 * Entries never change once published: an update publishes a new entry
 * in the same slot (copy on write) and retires the old one, a delete
 * clears the slot and retires the entry.
 *
 * Concurrency contract
 *
 * load never writes shared memory: it loads the table pointer, the
 * chain's meta words, candidate slots and next pointers, all with acquire
 * loads, and takes no lock, so it is lock-free (wait-free on a chain of
 * bounded length) and a reader on one core never invalidates a line in
 * another's cache.  The read paths of load_or_store, load_and_delete,
 * del, compare_and_swap and compare_and_delete are the same lookup and
 * finish without a lock when it decides them (a hit for load_or_store, a
 * miss for the deleters, a mismatch for the compares); each is then
 * linearised at the slot load that decided it.  Every change takes the
 * chain's lock and re-does the lookup under it, so compare_and_swap,
 * compare_and_delete, load_or_store and swap compare and change under one
 * lock and are linearizable; a change is linearised at its slot store.
 *
 * A key is in one slot of one chain of a table, and writers of a chain
 * keep that chain consistent under its lock: an update stores into the
 * slot holding the key, an insert uses the first empty slot of the
 * chain or a new overflow bucket linked at its tail.  A reader walking
 * the chain while it changes therefore finds every key that stays
 * present across the walk (its slot is never empty meanwhile and its meta
 * byte never cleared), and sees either the old or the new entry.
 *
 * Resizing: one resizer at a time, under the map's resize_mu (CLHT-LB's
 * "resize lock").  It allocates the new table, sets the old table's
 * `frozen` flag, then locks every chain of the old table in turn, copies
 * its entry pointers into the new table (entries are shared, not copied)
 * and unlocks; finally it publishes the new table with a release store
 * and retires the old one.  A writer locks its chain and then reads
 * `frozen`: if set, it unlocks, waits for resize_mu (the resize is over
 * when it gets it) and starts again on the newest table.  A writer that
 * locked a chain before the resizer did finishes first and its change is
 * copied; one that locks after sees `frozen` (its lock acquire pairs
 * with the resizer's unlock of that chain, which follows the store of
 * the flag).  So from freezing to publication no change happens anywhere:
 * readers of the old table see a complete, unchanging copy of the map,
 * readers of the new one see it complete, and a read that straddles the
 * publication can be linearised inside that quiet interval.  Growth
 * happens when an insert finds its chain full and the size is over 3/4
 * of the slots (xsync's load factor), shrinking when a delete empties a
 * bucket and the size is under 1/16 of the slots, never below the size
 * the map was created for.
 *
 * Why not xsync's cooperative rehash: its helpers claim strides of the
 * old table and must agree on when the copy is complete; it pays on
 * many-core machines with huge tables.  Here a resize is rare (doubling),
 * and a single resizer keeps the argument above simple enough to check;
 * writers to a frozen table block on resize_mu instead of helping.  A
 * resize that cannot allocate (new table or an overflow bucket of it)
 * unfreezes the old table and leaves everything as it was: the table
 * then just gets fuller (growth) or stays large (shrinking).
 *
 * Size: a striped counter, 16 cache-line-padded stripes, a thread adding
 * to its own stripe under the chain lock it holds (xsync's counter
 * stripes); the sum is only read to decide a resize, when an insert
 * finds its chain full or a delete empties a bucket.  The common
 * counters (locked ops) and our own (retries, overflow buckets) live in
 * the same stripes; resizes, grows, shrinks and clears are counted under
 * resize_mu.  Nothing on a fast path writes a shared counter.
 *
 * Range walks one table snapshot chain by chain.  Under the chain's lock
 * it copies out the {key, value} pairs of up to CLHT_RANGE_BATCH keys, the
 * smallest keys of the chain above the last key it delivered from that
 * chain, unlocks, and calls fn on them in increasing key order; a longer
 * chain takes more rounds.  Keys of a chain are thus delivered strictly
 * increasing, hence at most once even if a key is deleted and re-inserted
 * elsewhere in the chain, and a key that stays present is found in the
 * round that reaches it.  If the table is replaced meanwhile, the old one
 * is frozen with the contents the map had at freezing, which still holds
 * every key present and unchanged for the whole call.  fn runs with no
 * lock held and may call any operation.  Clear publishes a fresh table of
 * the created size and retires the old one with its entries, after
 * freezing it and draining its writers as a resize does; if that table
 * cannot be allocated, it deletes every entry in place, chain by chain.
 *
 * Memory orders (each acquire names its release partner):
 *   - m->table: acquire loads in every op pair with the release store
 *     that publishes a table (clht_resize, clht_clear), which follows the
 *     initialisation of its buckets and the copy of every slot.
 *   - slot[i]: acquire loads in lookups pair with the release store that
 *     publishes an entry into the slot (clht_slot_set), which follows the
 *     entry's initialisation; so e->key and e->value are plain reads.
 *   - meta: acquire loads pair with the release store of meta that
 *     follows the slot store, so a reader that sees a new h2 byte also
 *     sees the entry; a stale meta only makes a concurrent insert missed.
 *   - next: acquire loads pair with the release store that links a new,
 *     initialised overflow bucket at the tail of a chain.
 *   - chain lock: acquire on lock, release on unlock (classic futex
 *     mutex); `frozen` is relaxed, ordered by the chain locks as argued
 *     above and by resize_mu for writers that waited on it.
 *   - counters: relaxed; only their sums matter, read as estimates.
 *
 * Reclamation: every operation runs in an urcu-memb read-side section
 * (map_rcu_read_lock).  A replaced or deleted entry goes to call_rcu; a
 * table replaced by a resize goes to call_rcu with its overflow buckets
 * (its entries live on in the new table); a table replaced by clear goes
 * with its entries too.  A reader can only reach an entry, bucket or
 * table through a pointer it loaded inside its section, while the object
 * was still reachable from m->table; the object is retired only after it
 * became unreachable, and freed a grace period later, so after every
 * section that could have loaded it has ended.  Every callback starts
 * with map_rcu_callback_begin (TSan).  destroy waits for every callback
 * (urcu_memb_barrier) and then frees the current table and its entries.
 *
 * Allocation failure: store, swap and load_or_store allocate their entry
 * before taking any lock, and an overflow bucket before linking it; on
 * failure nothing was published.  compare_and_swap returns false with the
 * map unchanged.  Resizes and clear are best effort as described, so
 * del, load_and_delete, compare_and_delete, range and clear never fail.
 */
#include "rcu.h"

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>

#include "alloc.h"
#include "futex_lock.h"
#include "hash.h"
#include "map.h"

#define CLHT_SLOTS	 5
#define CLHT_MIN_BUCKETS 32
#define CLHT_MAX_BUCKETS ((size_t)1 << 40)
#define CLHT_STRIPES	 16
#define CLHT_RANGE_BATCH 16
#define CLHT_BYTES_0x01	 UINT64_C(0x0101010101010101)
#define CLHT_SLOTS_HIGHS UINT64_C(0x0000008080808080) /* bit 7 of 5 bytes */
#define CLHT_CACHELINE	 64

struct clht_entry {
	uint64_t key;
	void *value; /* non-NULL; key and value never change once published */
	struct rcu_head rcu;
};

struct clht_bucket {
	_Atomic uint64_t meta;
	_Atomic(struct clht_entry *) slot[CLHT_SLOTS];
	_Atomic(struct clht_bucket *) next;
	_Atomic uint32_t lock; /* root buckets: 0 free, 1 held, 2 contended */
	uint32_t unused;
} __attribute__((aligned(CLHT_CACHELINE)));

_Static_assert(sizeof(struct clht_bucket) == CLHT_CACHELINE,
	       "a bucket is one cache line");

struct clht_table {
	size_t mask;	    /* buckets - 1 */
	_Atomic int frozen; /* set by a resize or clear: do not change */
	bool free_entries;  /* retired by clear: free the entries too */
	struct rcu_head rcu;
	/*
	 * A separate, cache-line aligned array: a power-of-two size, which
	 * the allocator serves without rounding up (a header in the same
	 * block would push 32 MiB of buckets into jemalloc's 40 MiB class).
	 */
	struct clht_bucket *buckets;
};

/* One thread's counters (threads share a stripe when there are many). */
struct clht_stripe {
	_Atomic int64_t size;	  /* keys inserted - keys deleted */
	_Atomic int64_t overflow; /* overflow buckets added */
	_Atomic uint64_t locked;  /* chain locks taken by an operation */
	_Atomic uint64_t retries; /* chain locked, table frozen: retried */
} __attribute__((aligned(CLHT_CACHELINE)));

struct map {
	/* Read by every operation: alone in its line. */
	_Atomic(struct clht_table *) table;
	size_t min_buckets;
	alignas(CLHT_CACHELINE) pthread_mutex_t resize_mu;
	/* Written under resize_mu only. */
	_Atomic uint64_t grows, shrinks, clears;
	struct clht_stripe stripes[CLHT_STRIPES];
};

enum {
	CLHT_C_GROWS,
	CLHT_C_SHRINKS,
	CLHT_C_CLEARS,
	CLHT_C_RETRIES,
	CLHT_C_BUCKETS,
	CLHT_C_OVERFLOW,
	CLHT_C_COUNT
};

static const struct map_counter clht_counters[CLHT_C_COUNT] = {
	[CLHT_C_GROWS] = {"grows", "events", "tables doubled (rehash)",
			  MAP_COUNTER_EVENTS},
	[CLHT_C_SHRINKS] = {"shrinks", "events", "tables halved (rehash)",
			    MAP_COUNTER_EVENTS},
	[CLHT_C_CLEARS] = {"clears", "events",
			   "fresh tables published by clear",
			   MAP_COUNTER_EVENTS},
	[CLHT_C_RETRIES] = {"retries", "events",
			    "writers that found their table frozen by a "
			    "resize and waited",
			    MAP_COUNTER_EVENTS},
	[CLHT_C_BUCKETS] = {"buckets", "buckets",
			    "head buckets of the current table",
			    MAP_COUNTER_LEVEL},
	[CLHT_C_OVERFLOW] = {"overflow_buckets", "buckets",
			     "overflow buckets chained in the current table",
			     MAP_COUNTER_LEVEL},
};

/* ------------------------------------------------------------------ */
/* Chain lock: the shared 4-byte futex mutex (common/futex_lock.h). */

static inline void
clht_lock(_Atomic uint32_t *l)
{
	map_futex_lock(l);
}

static inline void
clht_unlock(_Atomic uint32_t *l)
{
	map_futex_unlock(l);
}

/* ------------------------------------------------------------------ */
/* Hashing and SWAR matching. */

static inline size_t
clht_index(const struct clht_table *t, uint64_t h)
{
	return (size_t)h & t->mask;
}

/* 0x80 | seven high bits of the hash: never 0, which marks an empty slot. */
static inline uint64_t
clht_h2(uint64_t h)
{
	return (h >> 57) | 0x80;
}

/*
 * Bit 7 of byte i set where byte i of w may be zero, i < CLHT_SLOTS.
 * Every zero byte is reported; a 0x01 byte above a zero one may be too
 * (borrow), which costs a key compare, never a wrong answer.
 */
static inline uint64_t
clht_zero_bytes(uint64_t w)
{
	return (w - CLHT_BYTES_0x01) & ~w & CLHT_SLOTS_HIGHS;
}

static inline uint64_t
clht_meta_byte(uint64_t h2, unsigned i)
{
	return h2 << (8 * i);
}

/* ------------------------------------------------------------------ */
/* Counters. */

static _Atomic unsigned clht_next_stripe;
static __thread unsigned clht_my_stripe; /* stripe + 1; 0: not yet chosen */

static inline struct clht_stripe *
clht_stripe(struct map *m)
{
	unsigned s = clht_my_stripe;

	if (__builtin_expect(s == 0, 0)) {
		s = atomic_fetch_add_explicit(&clht_next_stripe, 1,
					      memory_order_relaxed) %
			    CLHT_STRIPES +
		    1;
		clht_my_stripe = s;
	}
	return &m->stripes[s - 1];
}

static inline void
clht_count(_Atomic int64_t *c, int64_t d)
{
	atomic_fetch_add_explicit(c, d, memory_order_relaxed);
}

static int64_t
clht_size(struct map *m)
{
	int64_t n = 0;

	for (int i = 0; i < CLHT_STRIPES; i++)
		n += atomic_load_explicit(&m->stripes[i].size,
					  memory_order_relaxed);
	return n;
}

/* ------------------------------------------------------------------ */
/* Entries, buckets and tables. */

static struct clht_entry *
clht_entry_new(uint64_t key, void *value)
{
	struct clht_entry *e = map_malloc(sizeof(*e));

	if (e != NULL) {
		e->key = key;
		e->value = value;
	}
	return e;
}

static void
clht_entry_free_rcu(struct rcu_head *head)
{
	map_rcu_callback_begin();
	map_free(caa_container_of(head, struct clht_entry, rcu));
}

/* Free an entry that is no longer reachable once readers are done. */
static inline void
clht_entry_retire(struct clht_entry *e)
{
	urcu_memb_call_rcu(&e->rcu, clht_entry_free_rcu);
}

static struct clht_bucket *
clht_bucket_new(void)
{
	struct clht_bucket *b = map_aligned_alloc(CLHT_CACHELINE, sizeof(*b));

	if (b != NULL)
		memset(b, 0, sizeof(*b));
	return b;
}

static struct clht_table *
clht_table_new(size_t nbuckets)
{
	size_t sz = nbuckets * sizeof(struct clht_bucket);
	struct clht_table *t = map_calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	t->buckets = map_aligned_alloc(CLHT_CACHELINE, sz);
	if (t->buckets == NULL) {
		map_free(t);
		return NULL;
	}
	memset(t->buckets, 0, sz);
	t->mask = nbuckets - 1;
	return t;
}

/* Free a table, its overflow buckets and, if `entries`, its entries. */
static void
clht_table_free(struct clht_table *t, bool entries)
{
	for (size_t i = 0; i <= t->mask; i++) {
		struct clht_bucket *b = &t->buckets[i], *next;

		for (; b != NULL; b = next) {
			next = atomic_load_explicit(&b->next,
						    memory_order_relaxed);
			for (int j = 0; entries && j < CLHT_SLOTS; j++)
				map_free(atomic_load_explicit(
					&b->slot[j], memory_order_relaxed));
			if (b != &t->buckets[i])
				map_free(b);
		}
	}
	map_free(t->buckets);
	map_free(t);
}

static void
clht_table_free_rcu(struct rcu_head *head)
{
	struct clht_table *t = caa_container_of(head, struct clht_table, rcu);

	map_rcu_callback_begin();
	clht_table_free(t, t->free_entries);
}

static size_t
clht_buckets_for(size_t keys)
{
	size_t n = CLHT_MIN_BUCKETS;

	/* Room for `keys` at the load factor: n * SLOTS * 3/4 >= keys. */
	while (n < CLHT_MAX_BUCKETS && n * CLHT_SLOTS * 3 / 4 < keys)
		n <<= 1;
	return n;
}

/* ------------------------------------------------------------------ */
/* Lookups. */

/* The entry of `key` in `t`, or NULL.  Lock-free; in a read-side section. */
static inline struct clht_entry *
clht_lookup(struct clht_table *t, uint64_t key, uint64_t h)
{
	struct clht_bucket *b = &t->buckets[clht_index(t, h)];
	uint64_t pat = clht_h2(h) * CLHT_BYTES_0x01;

	do {
		/* Acquire: pairs with the release store of meta. */
		uint64_t cand = clht_zero_bytes(
			atomic_load_explicit(&b->meta, memory_order_acquire) ^
			pat);

		for (; cand != 0; cand &= cand - 1) {
			unsigned i = (unsigned)__builtin_ctzll(cand) >> 3;
			/* Acquire: pairs with clht_slot_set's release. */
			struct clht_entry *e = atomic_load_explicit(
				&b->slot[i], memory_order_acquire);

			if (e != NULL && e->key == key)
				return e;
		}
		/* Acquire: pairs with the release store linking b. */
		b = atomic_load_explicit(&b->next, memory_order_acquire);
	} while (b != NULL);
	return NULL;
}

/* Where a key is, or could go, in a locked chain. */
struct clht_pos {
	struct clht_bucket *b;	    /* bucket holding the key, or NULL */
	unsigned i;		    /* its slot */
	struct clht_entry *e;	    /* its entry */
	struct clht_bucket *free_b; /* first bucket with an empty slot */
	unsigned free_i;	    /* that slot */
	struct clht_bucket *tail;   /* last bucket of the chain */
};

/* Find `key` in the chain of `root`, whose lock we hold. */
static void
clht_find_locked(struct clht_bucket *root, uint64_t key, uint64_t h2,
		 struct clht_pos *p)
{
	struct clht_bucket *b = root;

	p->b = NULL;
	p->e = NULL;
	p->free_b = NULL;
	for (;;) {
		uint64_t meta =
			atomic_load_explicit(&b->meta, memory_order_relaxed);

		for (unsigned i = 0; i < CLHT_SLOTS; i++) {
			uint64_t byte = (meta >> (8 * i)) & 0xff;
			struct clht_entry *e;

			if (byte == 0) {
				if (p->free_b == NULL) {
					p->free_b = b;
					p->free_i = i;
				}
				continue;
			}
			if (byte != h2)
				continue;
			e = atomic_load_explicit(&b->slot[i],
						 memory_order_relaxed);
			if (e->key == key) {
				p->b = b;
				p->i = i;
				p->e = e;
				return;
			}
		}
		p->tail = b;
		b = atomic_load_explicit(&b->next, memory_order_relaxed);
		if (b == NULL)
			return;
	}
}

/* Publish e in slot i of b (under the chain lock): entry, then meta. */
static inline void
clht_slot_set(struct clht_bucket *b, unsigned i, struct clht_entry *e,
	      uint64_t h2)
{
	/* Release: e's key and value before the pointer. */
	atomic_store_explicit(&b->slot[i], e, memory_order_release);
	atomic_store_explicit(
		&b->meta,
		atomic_load_explicit(&b->meta, memory_order_relaxed) |
			clht_meta_byte(h2, i),
		memory_order_release);
}

/* Empty slot i of b (under the chain lock); true if b is now empty. */
static inline bool
clht_slot_clear(struct clht_bucket *b, unsigned i)
{
	uint64_t meta = atomic_load_explicit(&b->meta, memory_order_relaxed) &
			~clht_meta_byte(0xff, i);

	/*
	 * Release, both: a reader that sees either (the slot empty, or the
	 * meta byte gone) and so misses must see what preceded the delete
	 * (Go's guarantee); pairs with the acquire loads in clht_lookup.
	 */
	atomic_store_explicit(&b->slot[i], NULL, memory_order_release);
	atomic_store_explicit(&b->meta, meta, memory_order_release);
	return meta == 0;
}

/* ------------------------------------------------------------------ */
/* Resizing. */

/* Put e into the unpublished table nt (no locks: only we can see it). */
static int
clht_copy_entry(struct clht_table *nt, struct clht_entry *e, int64_t *ovf)
{
	uint64_t h = map_hash64(e->key);
	struct clht_bucket *b = &nt->buckets[clht_index(nt, h)], *last;

	do {
		uint64_t meta =
			atomic_load_explicit(&b->meta, memory_order_relaxed);

		for (unsigned i = 0; i < CLHT_SLOTS; i++) {
			if (((meta >> (8 * i)) & 0xff) == 0) {
				clht_slot_set(b, i, e, clht_h2(h));
				return 0;
			}
		}
		last = b;
		b = atomic_load_explicit(&b->next, memory_order_relaxed);
	} while (b != NULL);
	b = clht_bucket_new();
	if (b == NULL)
		return -ENOMEM;
	clht_slot_set(b, 0, e, clht_h2(h));
	atomic_store_explicit(&last->next, b, memory_order_relaxed);
	++*ovf;
	return 0;
}

/*
 * Freeze t and wait for its writers: from here on, until t is replaced
 * or unfrozen, nobody changes t.  Under resize_mu.
 */
static void
clht_freeze(struct clht_table *t)
{
	atomic_store_explicit(&t->frozen, 1, memory_order_relaxed);
	for (size_t i = 0; i <= t->mask; i++) {
		clht_lock(&t->buckets[i].lock);
		clht_unlock(&t->buckets[i].lock);
	}
}

/* Set the overflow level to n (all writers excluded). */
static void
clht_reset_stripes(struct map *m, int64_t overflow, bool size_too)
{
	for (int i = 0; i < CLHT_STRIPES; i++) {
		atomic_store_explicit(&m->stripes[i].overflow, i ? 0 : overflow,
				      memory_order_relaxed);
		if (size_too)
			atomic_store_explicit(&m->stripes[i].size, 0,
					      memory_order_relaxed);
	}
}

/*
 * Rehash t into a new table of `nbuckets` and publish it, unless t is no
 * longer the current table.  0, or -ENOMEM with nothing changed.
 * In a read-side section, holding no chain lock.
 */
static int
clht_resize(struct map *m, struct clht_table *t, size_t nbuckets)
{
	struct clht_table *nt;
	int64_t ovf = 0;
	int ret = 0;

	pthread_mutex_lock(&m->resize_mu);
	if (atomic_load_explicit(&m->table, memory_order_relaxed) != t)
		goto out; /* someone else resized it: the caller retries */
	nt = clht_table_new(nbuckets);
	if (nt == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	atomic_store_explicit(&t->frozen, 1, memory_order_relaxed);
	for (size_t i = 0; i <= t->mask; i++) {
		struct clht_bucket *root = &t->buckets[i], *b;

		clht_lock(&root->lock);
		for (b = root; b != NULL;
		     b = atomic_load_explicit(&b->next, memory_order_relaxed)) {
			for (unsigned j = 0; j < CLHT_SLOTS; j++) {
				struct clht_entry *e = atomic_load_explicit(
					&b->slot[j], memory_order_relaxed);

				if (e != NULL &&
				    clht_copy_entry(nt, e, &ovf) != 0) {
					clht_unlock(&root->lock);
					clht_table_free(nt, false);
					/* Writers waiting on resize_mu retry.
					 */
					atomic_store_explicit(
						&t->frozen, 0,
						memory_order_relaxed);
					ret = -ENOMEM;
					goto out;
				}
			}
		}
		clht_unlock(&root->lock);
	}
	clht_reset_stripes(m, ovf, false);
	/* Release: nt's buckets and slots before the pointer. */
	atomic_store_explicit(&m->table, nt, memory_order_release);
	atomic_fetch_add_explicit(nbuckets > t->mask + 1 ? &m->grows
							 : &m->shrinks,
				  1, memory_order_relaxed);
	urcu_memb_call_rcu(&t->rcu, clht_table_free_rcu);
out:
	pthread_mutex_unlock(&m->resize_mu);
	return ret;
}

/* t was frozen: wait until its resize is over (we get resize_mu). */
static void
clht_wait_resize(struct map *m)
{
	pthread_mutex_lock(&m->resize_mu);
	pthread_mutex_unlock(&m->resize_mu);
}

/*
 * Lock the chain of hash h in the current, unfrozen table.  Returns its
 * root bucket, the table in *tp.  In a read-side section.
 */
static struct clht_bucket *
clht_lock_chain(struct map *m, uint64_t h, struct clht_table **tp)
{
	struct clht_stripe *s = clht_stripe(m);

	for (;;) {
		/* Acquire: pairs with the release publishing the table. */
		struct clht_table *t =
			atomic_load_explicit(&m->table, memory_order_acquire);
		struct clht_bucket *root = &t->buckets[clht_index(t, h)];

		clht_lock(&root->lock);
		if (!atomic_load_explicit(&t->frozen, memory_order_relaxed)) {
			atomic_fetch_add_explicit(&s->locked, 1,
						  memory_order_relaxed);
			*tp = t;
			return root;
		}
		clht_unlock(&root->lock);
		atomic_fetch_add_explicit(&s->retries, 1, memory_order_relaxed);
		clht_wait_resize(m);
	}
}

/* After a delete emptied a bucket: halve the table if it is sparse. */
static void
clht_maybe_shrink(struct map *m, struct clht_table *t)
{
	size_t n = t->mask + 1;

	if (n > m->min_buckets && clht_size(m) * 16 < (int64_t)(n * CLHT_SLOTS))
		(void)clht_resize(m, t, n / 2); /* best effort */
}

/* ------------------------------------------------------------------ */
/* Operations. */

static struct map *
clht_create(size_t size_hint)
{
	struct map *m = map_aligned_alloc(CLHT_CACHELINE, sizeof(*m));
	struct clht_table *t;

	if (m == NULL)
		return NULL;
	memset(m, 0, sizeof(*m));
	m->min_buckets = clht_buckets_for(size_hint);
	t = clht_table_new(m->min_buckets);
	if (t == NULL) {
		map_free(m);
		return NULL;
	}
	pthread_mutex_init(&m->resize_mu, NULL);
	atomic_init(&m->table, t);
	return m;
}

static void
clht_destroy(struct map *m)
{
	if (m == NULL)
		return;
	map_rcu_thread_enter();
	/* Every retired entry and table first; none is in the current one. */
	urcu_memb_barrier();
	map_rcu_thread_exit();
	clht_table_free(atomic_load_explicit(&m->table, memory_order_relaxed),
			true);
	pthread_mutex_destroy(&m->resize_mu);
	map_free(m);
}

static bool
clht_load(struct map *m, uint64_t key, void **value)
{
	uint64_t h = map_hash64(key);
	struct clht_entry *e;
	void *v = NULL;

	map_rcu_read_lock();
	/* Acquire: pairs with the release publishing the table. */
	e = clht_lookup(atomic_load_explicit(&m->table, memory_order_acquire),
			key, h);
	if (e != NULL)
		v = e->value;
	map_rcu_read_unlock();
	if (value != NULL)
		*value = v;
	return v != NULL;
}

/*
 * Insert or replace under the chain lock (store, swap, load_or_store).
 * e is our new, unpublished entry.  If `only_if_absent` and the key is
 * there, e is freed and the current entry's value returned in *prev.
 * Returns 1 if the key was there, 0 if e was inserted, -ENOMEM (map
 * unchanged, e freed).  In a read-side section.
 */
static int
clht_put(struct map *m, struct clht_entry *e, bool only_if_absent, void **prev)
{
	uint64_t h = map_hash64(e->key), h2 = clht_h2(h);
	bool grow_failed = false;
	struct clht_table *t;
	struct clht_bucket *root, *nb;
	struct clht_pos p;

	for (;;) {
		root = clht_lock_chain(m, h, &t);
		clht_find_locked(root, e->key, h2, &p);
		if (p.b != NULL) {
			*prev = p.e->value;
			if (only_if_absent) {
				clht_unlock(&root->lock);
				map_free(e); /* never published */
				return 1;
			}
			clht_slot_set(p.b, p.i, e, h2);
			clht_unlock(&root->lock);
			clht_entry_retire(p.e);
			return 1;
		}
		*prev = NULL;
		if (p.free_b != NULL) {
			clht_slot_set(p.free_b, p.free_i, e, h2);
			clht_count(&clht_stripe(m)->size, 1);
			clht_unlock(&root->lock);
			return 0;
		}
		/* Chain full: grow if the table is over its load factor. */
		if (!grow_failed && t->mask < CLHT_MAX_BUCKETS - 1 &&
		    clht_size(m) * 4 >=
			    (int64_t)((t->mask + 1) * CLHT_SLOTS * 3)) {
			clht_unlock(&root->lock);
			if (clht_resize(m, t, (t->mask + 1) * 2) != 0)
				grow_failed = true;
			continue;
		}
		nb = clht_bucket_new();
		if (nb == NULL) {
			clht_unlock(&root->lock);
			map_free(e);
			return -ENOMEM;
		}
		atomic_store_explicit(&nb->slot[0], e, memory_order_relaxed);
		atomic_store_explicit(&nb->meta, clht_meta_byte(h2, 0),
				      memory_order_relaxed);
		/* Release: nb and e initialised before the link. */
		atomic_store_explicit(&p.tail->next, nb, memory_order_release);
		clht_count(&clht_stripe(m)->size, 1);
		clht_count(&clht_stripe(m)->overflow, 1);
		clht_unlock(&root->lock);
		return 0;
	}
}

static int
clht_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	struct clht_entry *e;
	void *prev = NULL;
	int ret;

	if (value == NULL)
		return -EINVAL;
	e = clht_entry_new(key, value);
	if (e == NULL)
		return -ENOMEM;
	map_rcu_read_lock();
	ret = clht_put(m, e, false, &prev);
	map_rcu_read_unlock();
	if (previous != NULL)
		*previous = ret < 0 ? NULL : prev;
	return ret;
}

static int
clht_store(struct map *m, uint64_t key, void *value)
{
	int ret = clht_swap(m, key, value, NULL);

	return ret < 0 ? ret : 0;
}

static int
clht_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	struct clht_entry *e;
	void *v = NULL;
	int ret;

	if (value == NULL)
		return -EINVAL;
	map_rcu_read_lock();
	/* Acquire: pairs with the release publishing the table. */
	e = clht_lookup(atomic_load_explicit(&m->table, memory_order_acquire),
			key, map_hash64(key));
	if (e != NULL) {
		v = e->value; /* hit: linearised at the slot load */
		ret = 1;
		goto out;
	}
	e = clht_entry_new(key, value);
	if (e == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	ret = clht_put(m, e, true, &v);
	if (ret == 0)
		v = value;
out:
	map_rcu_read_unlock();
	if (actual != NULL)
		*actual = ret < 0 ? NULL : v;
	return ret;
}

/*
 * Delete `key` if present and, when `match`, its value is `old`: the
 * deleted value, or NULL.  In a read-side section.
 */
static void *
clht_remove(struct map *m, uint64_t key, bool match, void *old)
{
	uint64_t h = map_hash64(key);
	struct clht_table *t;
	struct clht_bucket *root;
	struct clht_entry *e;
	struct clht_pos p;
	bool emptied;
	void *v;

	/* Acquire: pairs with the release publishing the table. */
	e = clht_lookup(atomic_load_explicit(&m->table, memory_order_acquire),
			key, h);
	if (e == NULL || (match && e->value != old))
		return NULL; /* linearised at the slot load */
	root = clht_lock_chain(m, h, &t);
	clht_find_locked(root, key, clht_h2(h), &p);
	if (p.b == NULL || (match && p.e->value != old)) {
		clht_unlock(&root->lock);
		return NULL;
	}
	emptied = clht_slot_clear(p.b, p.i);
	clht_count(&clht_stripe(m)->size, -1);
	clht_unlock(&root->lock);
	v = p.e->value;
	clht_entry_retire(p.e);
	if (emptied)
		clht_maybe_shrink(m, t);
	return v;
}

static bool
clht_load_and_delete(struct map *m, uint64_t key, void **value)
{
	void *v;

	map_rcu_read_lock();
	v = clht_remove(m, key, false, NULL);
	map_rcu_read_unlock();
	if (value != NULL)
		*value = v;
	return v != NULL;
}

static void
clht_del(struct map *m, uint64_t key)
{
	clht_load_and_delete(m, key, NULL);
}

static bool
clht_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	void *v;

	map_rcu_read_lock();
	v = clht_remove(m, key, true, old_value);
	map_rcu_read_unlock();
	return v != NULL;
}

/*
 * Compare and replace under the chain lock.  A NULL new_value cannot be
 * stored, and an allocation failure leaves the map unchanged: both
 * return false (the vtable has no error return here).
 */
static bool
clht_compare_and_swap(struct map *m, uint64_t key, void *old_value,
		      void *new_value)
{
	uint64_t h = map_hash64(key);
	struct clht_entry *e, *ne = NULL;
	struct clht_table *t;
	struct clht_bucket *root;
	struct clht_pos p;
	bool swapped = false;

	if (new_value == NULL)
		return false;
	map_rcu_read_lock();
	/* Acquire: pairs with the release publishing the table. */
	e = clht_lookup(atomic_load_explicit(&m->table, memory_order_acquire),
			key, h);
	if (e == NULL || e->value != old_value)
		goto out; /* mismatch: linearised at the slot load */
	ne = clht_entry_new(key, new_value);
	if (ne == NULL)
		goto out;
	root = clht_lock_chain(m, h, &t);
	clht_find_locked(root, key, clht_h2(h), &p);
	if (p.b != NULL && p.e->value == old_value) {
		clht_slot_set(p.b, p.i, ne, clht_h2(h));
		swapped = true;
	}
	clht_unlock(&root->lock);
	if (swapped)
		clht_entry_retire(p.e);
	else
		map_free(ne); /* never published */
out:
	map_rcu_read_unlock();
	return swapped;
}

struct clht_kv {
	uint64_t key;
	void *value;
};

/*
 * Copy out of the locked chain of `root` the pairs of the (at most
 * CLHT_RANGE_BATCH) smallest keys above *after (any key if !*have_after),
 * sorted.  Returns their number; *more says whether keys were left out.
 */
static unsigned
clht_range_batch(struct clht_bucket *root, bool have_after, uint64_t after,
		 struct clht_kv *kv, bool *more)
{
	unsigned n = 0;

	*more = false;
	for (struct clht_bucket *b = root; b != NULL;
	     b = atomic_load_explicit(&b->next, memory_order_relaxed)) {
		for (unsigned i = 0; i < CLHT_SLOTS; i++) {
			struct clht_entry *e = atomic_load_explicit(
				&b->slot[i], memory_order_relaxed);
			unsigned j;

			if (e == NULL || (have_after && e->key <= after))
				continue;
			if (n == CLHT_RANGE_BATCH) {
				*more = true;
				if (e->key > kv[n - 1].key)
					continue;
				n--; /* the largest drops out */
			}
			for (j = n; j > 0 && kv[j - 1].key > e->key; j--)
				kv[j] = kv[j - 1];
			kv[j].key = e->key;
			kv[j].value = e->value;
			n++;
		}
	}
	return n;
}

static void
clht_range(struct map *m, bool (*fn)(uint64_t key, void *value, void *arg),
	   void *arg)
{
	struct clht_kv kv[CLHT_RANGE_BATCH];
	struct clht_table *t;

	/* A range takes chain locks: one locked operation. */
	atomic_fetch_add_explicit(&clht_stripe(m)->locked, 1,
				  memory_order_relaxed);
	map_rcu_read_lock();
	/* Acquire: pairs with the release publishing the table. */
	t = atomic_load_explicit(&m->table, memory_order_acquire);
	for (size_t i = 0; i <= t->mask; i++) {
		struct clht_bucket *root = &t->buckets[i];
		bool have_after = false, more;
		uint64_t after = 0;
		unsigned n;

		/* Empty single-bucket chains need no lock. */
		if (atomic_load_explicit(&root->meta, memory_order_relaxed) ==
			    0 &&
		    atomic_load_explicit(&root->next, memory_order_relaxed) ==
			    NULL)
			continue;
		do {
			clht_lock(&root->lock);
			n = clht_range_batch(root, have_after, after, kv,
					     &more);
			clht_unlock(&root->lock);
			for (unsigned j = 0; j < n; j++)
				if (!fn(kv[j].key, kv[j].value, arg))
					goto out;
			if (n > 0) {
				after = kv[n - 1].key;
				have_after = true;
			}
		} while (more);
	}
out:
	map_rcu_read_unlock();
}

/* Delete every entry of t in place (clear without a new table). */
static void
clht_clear_in_place(struct map *m, struct clht_table *t)
{
	for (size_t i = 0; i <= t->mask; i++) {
		struct clht_bucket *root = &t->buckets[i], *b;
		int64_t n = 0;

		clht_lock(&root->lock);
		for (b = root; b != NULL;
		     b = atomic_load_explicit(&b->next, memory_order_relaxed)) {
			for (unsigned j = 0; j < CLHT_SLOTS; j++) {
				struct clht_entry *e = atomic_load_explicit(
					&b->slot[j], memory_order_relaxed);

				if (e == NULL)
					continue;
				clht_slot_clear(b, j);
				clht_entry_retire(e);
				n++;
			}
		}
		clht_count(&clht_stripe(m)->size, -n);
		clht_unlock(&root->lock);
	}
}

static void
clht_clear(struct map *m)
{
	struct clht_table *t, *nt;

	atomic_fetch_add_explicit(&clht_stripe(m)->locked, 1,
				  memory_order_relaxed);
	map_rcu_read_lock();
	pthread_mutex_lock(&m->resize_mu);
	t = atomic_load_explicit(&m->table, memory_order_relaxed);
	nt = clht_table_new(m->min_buckets);
	if (nt == NULL) {
		clht_clear_in_place(m, t);
	} else {
		clht_freeze(t);
		clht_reset_stripes(m, 0, true);
		/* Release: nt's (zeroed) buckets before the pointer. */
		atomic_store_explicit(&m->table, nt, memory_order_release);
		t->free_entries = true;
		urcu_memb_call_rcu(&t->rcu, clht_table_free_rcu);
		atomic_fetch_add_explicit(&m->clears, 1, memory_order_relaxed);
	}
	pthread_mutex_unlock(&m->resize_mu);
	map_rcu_read_unlock();
}

static void
clht_stats(struct map *m, struct map_stats *out)
{
	uint64_t locked = 0, retries = 0;
	int64_t overflow = 0;

	for (int i = 0; i < CLHT_STRIPES; i++) {
		struct clht_stripe *s = &m->stripes[i];

		locked +=
			atomic_load_explicit(&s->locked, memory_order_relaxed);
		retries +=
			atomic_load_explicit(&s->retries, memory_order_relaxed);
		overflow += atomic_load_explicit(&s->overflow,
						 memory_order_relaxed);
	}
	out->have = MAP_STAT_LOCKED_OPS | MAP_STAT_RESIZES;
	out->locked_ops = locked;
	out->own[CLHT_C_GROWS] =
		atomic_load_explicit(&m->grows, memory_order_relaxed);
	out->own[CLHT_C_SHRINKS] =
		atomic_load_explicit(&m->shrinks, memory_order_relaxed);
	out->resizes = out->own[CLHT_C_GROWS] + out->own[CLHT_C_SHRINKS];
	out->own[CLHT_C_CLEARS] =
		atomic_load_explicit(&m->clears, memory_order_relaxed);
	out->own[CLHT_C_RETRIES] = retries;
	map_rcu_read_lock();
	out->own[CLHT_C_BUCKETS] =
		atomic_load_explicit(&m->table, memory_order_acquire)->mask + 1;
	map_rcu_read_unlock();
	out->own[CLHT_C_OVERFLOW] = overflow > 0 ? (uint64_t)overflow : 0;
}

const struct map_ops clht_ops = {
	.name = "clht",
	.summary = "cache-line hash table (xsync Map / CLHT-LB): 64-byte "
		   "buckets, SWAR meta, immutable entries, chain locks, RCU",
	.flags = 0,
	.create = clht_create,
	.destroy = clht_destroy,
	.thread_enter = map_rcu_thread_enter,
	.thread_exit = map_rcu_thread_exit,
	.load = clht_load,
	.store = clht_store,
	.load_or_store = clht_load_or_store,
	.load_and_delete = clht_load_and_delete,
	.del = clht_del,
	.swap = clht_swap,
	.compare_and_swap = clht_compare_and_swap,
	.compare_and_delete = clht_compare_and_delete,
	.range = clht_range,
	.clear = clht_clear,
	.stats = clht_stats,
	.quiesce = map_rcu_quiesce,
	.counters = clht_counters,
	.n_counters = CLHT_C_COUNT,
};

/*
 * clht: a cache-line hash table in the design of LPD-EPFL's CLHT-LB with
 * resizing (clht_lb_res, David, Guerraoui, Trigonakis, ASPLOS 2015),
 * written from its design, not from its code, and extended to the whole
 * mapbench contract (Go's sync.Map: in-place updates, Swap,
 * CompareAndSwap, CompareAndDelete, Range, Clear), which CLHT does not
 * offer.
 *
 * What is CLHT's
 *
 * A table is a power-of-two array of 64-byte buckets, each one cache line
 * holding a lock word, 3 keys, 3 values and an overflow link:
 *
 *   word     the lock (bit 0, root buckets only) and the epoch (bits
 *            1..63, every bucket; see below);
 *   key[3]   the keys of the slots;
 *   val[3]   their values, in place; NULL marks an empty slot;
 *   next     the overflow chain (more buckets, linked as needed).
 *
 * As in CLHT, a lookup reads the bucket's line (and only on a long chain
 * the next), compares the keys directly and takes no lock and writes no
 * shared memory; every change takes the chain's lock (the root bucket's
 * word, one atomic read-modify-write: `lock bts`, then a plain release
 * store to unlock) and makes its change with stores into the line it
 * locked; an insert that finds its chain full links a new bucket at its
 * tail; a resize copies every chain under its lock into a new table and
 * publishes it with one store.  One cache line per operation on a short
 * chain, no allocation and no deferred free per change.  CLHT's changes
 * use one atomic read-modify-write (the lock); ours use two (the lock,
 * and the store that linearises the change: see "Writers").
 *
 * What differs from CLHT, and why
 *
 *   - Values are updated in place: Store of a present key, Swap and
 *     CompareAndSwap store the new value into the slot under the lock
 *     (CLHT's put is insert-if-absent).  CLHT's get reads the value, the
 *     key and the value again and reports the key absent if the value
 *     changed in between; with in-place updates that would report a
 *     present key absent, which Go's semantics forbid.  Here a load never
 *     reports a key absent because its value is changing: see "Readers".
 *   - Keys are any uint64_t (key 0 too): an empty slot is a NULL value
 *     (the contract's values are never NULL), not a zero key.
 *   - The hash is the project's map_hash64, shared by every map (CLHT
 *     indexes by the key's low bits).
 *   - An empty slot holds its chain's vacant key, a key whose hash has
 *     the other parity in bit 0 than the chain's index (0 in odd chains,
 *     3 in even ones), so that no lookup in that chain matches it: a
 *     lookup's key comparison alone passes over empty slots, as CLHT's
 *     does with its reserved key 0.  A delete stores NULL into the value
 *     and then the vacant key; an insert takes the first empty slot.
 *     (Keeping the deleted key instead made every later lookup of it
 *     match the slot, load the NULL value and go on: loads under churn
 *     ran at 0.6x CLHT's.)
 *   - Only tables replaced by a resize or a clear are ever retired,
 *     never anything per update (as in CLHT), and they are freed once no
 *     thread pins them (see "Reclamation").  CLHT-LB as built by default
 *     (CLHT_DO_GC 0) frees no replaced table before the map is destroyed;
 *     with its collector on, every operation stores the version of the
 *     table it uses and a table is freed when no thread's version is
 *     older.
 *   - Growth: the table doubles when an insert finds its chain full and
 *     at least half of the table's slots are live (CLHT-LB's own
 *     threshold, CLHT_PERC_FULL_DOUBLE 50%, which CLHT checks only once
 *     it has added as many overflow buckets as the table has buckets, and
 *     then grows by more than double when far over it).  create(n) sizes
 *     the table as CLHT's benchmark does, n / 2 buckets (rounded up to a
 *     power of two, at least 32), so a map filled up to its hint doubles
 *     once on the way, at 3/4 of it.  Shrinking halves the table
 *     when deletes left it under 1/16 full, never below the created size.
 *     Writers to a table being resized wait for the resize (resize_mu)
 *     instead of spinning on the bucket locks.
 *   - The lock spins with `pause` and then yields the CPU: a waiter never
 *     sleeps in the kernel, so an unlock needs no read-modify-write to
 *     wake anyone.
 *
 * Readers
 *
 * A value is one word, stored and loaded whole, so an in-place update
 * cannot tear it: a reader that finds its key sees the old or the new
 * value, both the key's, and is linearised at its load of the value.
 * What can go wrong is a slot that changes key under the reader: a delete
 * empties it and a later insert of another key reuses it.  The reader
 * must never return that other key's value.  So every bucket counts in
 * its epoch the inserts into its slots: an insert bumps the epoch
 * before it stores its key into a slot (the bump, the key and the
 * value, each a release store); a delete stores NULL and then the vacant
 * key, which no lookup in the chain compares equal, without a bump.  A lookup
 * of K, per bucket:
 *
 *   e = epoch (acquire); for each slot: key == K (acquire)?
 *   v = val (acquire); v != NULL?  epoch == e?  return v.
 *
 * If the epoch moved, the lookup starts again from the root bucket.  Why
 * this returns only K's own values.  Call a life of a slot what lies
 * between an insert into it and the delete that empties it.  Our key load
 * read the key K stored by the insert I of some life L; v was stored in
 * some life L' (by its insert or an in-place update).  L' is not older
 * than L: I's release key store followed, under the chain lock, the delete
 * that ended every older life, so after our acquire key load our value
 * load reads that delete's NULL or a later store.  If L' is L, v is K's.
 * If L' is younger, its insert I' bumped the epoch before storing its key,
 * and v was stored after that: our acquire value load makes the bump
 * visible to our second epoch load.  Our first epoch load did not see it:
 * had it (acquire), the delete that ended L, which stored the vacant key
 * before I' took the lock, would have happened before our key load, which
 * could not then read L's key.  So an unchanged epoch means L' is L: v is
 * K's.  (The design this replaced kept deleted keys in their slots and
 * re-read the key after the value; with vacant keys the acquire key load
 * does that work.) A lookup that
 * finds no live slot of K reports it absent without checking epochs: a key
 * present for the whole lookup stays in its slot with a non-NULL value,
 * whatever is stored into it or reused around it, so only a key that was absent
 * at some moment of the lookup can be missed.  The second epoch load retries
 * only after a bump, i.e. after some insert into the bucket:
 * loads stay lock-free (CLHT's get is wait-free; ours retries at most
 * once per insert made under it in that bucket).  The epoch has 63
 * bits: it does not wrap.
 *
 * Writers and linearisation
 *
 * Every change takes the chain's lock, re-does the lookup under it (a
 * deleter first looks in the slot its lock-free lookup found) and
 * changes the slot with one store, at which it is linearised; so Swap,
 * CompareAndSwap, CompareAndDelete and LoadOrStore compare and change
 * under one lock and are linearizable.  The read paths of
 * load_or_store, load_and_delete, del, compare_and_swap and
 * compare_and_delete are the lock-free lookup and finish without the
 * lock when it decides them (a hit for load_or_store, a miss for the
 * deleters, a mismatch for the compares), linearised at that lookup's
 * value load; a deleter that goes on under the lock looks first in the
 * slot where its lookup found the key (a key lives in one slot: if it
 * is still there, it is there live).  The store that linearises a change (the
 * value, or the link of a new overflow bucket) is sequentially consistent, on
 * x86 an `xchg`: the operation returns only once its change is visible to every
 * core.  With a plain store, as in CLHT, the change can still sit in the
 * store buffer when the operation returns, and a load that starts after
 * it on another core can miss it: not linearizable in real time
 * (lincheck finds such histories within seconds).  That is the second
 * atomic read-modify-write of a change, after the lock's; the unlock is a
 * plain store.  A key lives in one slot of one chain of a table: writers
 * never move a live key within a chain, so a reader walking a chain while
 * it changes finds every key that stays present.
 *
 * Resizing: one resizer at a time, under the map's resize_mu (CLHT-LB's
 * resize lock).  It allocates the new table, sets the old table's
 * `frozen` flag, then locks every chain of the old table in turn, copies
 * its live pairs into the new table and unlocks; finally it publishes the
 * new table with a seq_cst store and retires the old one.  A writer locks
 * its chain and then reads `frozen`: if set, it unlocks, waits for
 * resize_mu (the resize is over when it gets it) and starts again on the
 * newest table.  A writer that locked a chain before the resizer did
 * finishes first and its change is copied; one that locks after sees
 * `frozen` (its lock acquire pairs with the resizer's unlock of that
 * chain, which follows the store of the flag).  So from freezing to
 * publication nothing changes anywhere: readers of the old table see a
 * complete, unchanging map, readers of the new one see it complete, and
 * a read that straddles the publication is linearised inside that quiet
 * interval.  A resize that cannot allocate unfreezes the old table and
 * leaves everything as it was.
 *
 * Size: a striped counter (16 cache-line stripes; a thread adds to its
 * own stripe, chosen round-robin at its first write, under the chain lock
 * it holds) with plain load-and-store updates, not atomic
 * read-modify-writes: a stripe is one thread's unless more than 16
 * threads write at once, when two sharing a stripe can lose an update.
 * The sum is only an estimate that decides resizes; each resize and
 * clear, which exclude every writer, resets it to the exact count.  It is
 * read when an insert finds its chain full, and by a delete that takes
 * its own stripe under that stripe's floor in the table (for shrinking):
 * the floors, set from the sum at each resize, clear in place and check,
 * share out among the writers the room the table has above sparse, at
 * least CLHT_FLOOR_MIN each (clht_set_floors).  A delete thus reads the
 * other writers' stripes, whose lines they write at every change, only
 * after its own stripe has fallen by its share, not at a fixed rate:
 * where each writer both inserts and deletes, its stripe's size is a
 * random walk and seldom falls that far; a thread that only deletes
 * sums once per share.  The locked-op count lives in the same stripes;
 * resizes, grows, shrinks and clears are counted under resize_mu.
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
 * the created size and retires the old one, after freezing it as a resize
 * does; if that table cannot be allocated, it empties every slot in
 * place, chain by chain.
 *
 * Memory orders (each acquire names its release partner):
 *   - m->table: acquire loads in every op (clht_pin, clht_range_pin)
 *     pair with the store that publishes a table (clht_resize,
 *     clht_clear; seq_cst, hence release), which follows the
 *     initialisation of its buckets and the copy of every pair.  The
 *     seq_cst loads and stores of pins and of m->table: "Reclamation".
 *   - val[i]: the acquire load in clht_lookup_at pairs with the seq_cst
 *     (hence release) store of clht_slot_set, which inserts (after the
 *     key store of clht_slot_fill), updates in place and deletes, so a
 *     reader that sees a value sees the key it was stored under, and a
 *     reader that sees NULL (a miss) sees what preceded the delete (Go's
 *     guarantee).
 *   - word, epoch bits: the acquire load at the start of each bucket
 *     pairs with clht_bump's release store (and with the release unlock
 *     stores that follow a bump).
 *   - key[i]: clht_lookup_at's acquire load of the key pairs with the
 *     release store of a key in clht_slot_fill, so the delete that
 *     emptied the slot before (and the bump) happened before the value
 *     load; and with the release store of the vacant key in
 *     clht_slot_clear, so a lookup that misses on it sees the delete.
 *     (Release and acquire rather than a pair of fences: free on x86,
 *     and visible to ThreadSanitizer, which does not model fences.)
 *   - word, lock bit: the acquire `fetch_or` of clht_lock pairs with the
 *     release store of clht_unlock.  Only the holder stores to a locked
 *     word (waiters' fetch_or leave it unchanged); overflow buckets'
 *     words are stored only by the holder of their chain's lock.
 *   - next: acquire loads pair with the seq_cst (hence release) store
 *     that links a new, initialised overflow bucket at a chain's tail.
 *   - `frozen` is relaxed, ordered by the chain locks as argued above and
 *     by resize_mu for writers that waited on it.
 *   - counters: relaxed; only their sums matter, read as estimates.
 *
 * Reclamation: table pins, hazard pointers that stay set between
 * operations.  Every entered thread has CLHT_PINS operation pins in its
 * TLS; a map takes one slot at create (maps take the slots in turn, so a
 * thread's first CLHT_PINS maps do not share one), and the thread's pin
 * in that slot names the table its last operation on such a map used.
 * An operation loads m->table; if its pin already names that table
 * (always, but for the first operation after a resize or clear, or after
 * an operation on another map of the same slot) it goes on with no store
 * at all.  Otherwise it stores the pin and loads m->table again (both
 * seq_cst), until the two agree.  A resize or clear publishes the new
 * table with a seq_cst store, puts the old one on the map's retired list
 * and, under the map's resize_mu and the registry's mutex, takes off it
 * every retired table that no entered thread's pin names (seq_cst loads),
 * to free them after unlocking.  Dekker's argument: either the scan sees
 * a pinner's pin or the pinner's second load sees the new table and it
 * pins that one instead; a pin that already named the table before it
 * was retired is seen by every scan; and a scan by another thread than
 * the publisher is ordered after the publication by resize_mu.  A pin
 * that moves off a table (release) follows the thread's last use of it,
 * so the scan's load that reads the moved pin orders that use before the
 * free.  A table the scan finds pinned stays on the list until a later
 * scan: the pinner's next operation that moves its pin tries one, without
 * ever waiting (trylock of resize_mu and of the registry; a thread whose
 * Range list is locked counts as pinning), and so do the next resize or
 * clear, quiesce and destroy (which free everything: no operation is
 * then in flight).  That try can miss (a lock busy, or the list read
 * empty just before a retirement lands on it), so a table can outlive
 * its last pin until the next replacement, quiesce or destroy; what is
 * retired at any moment is bounded by the tables the threads' pins and
 * Ranges name plus what became unpinned since the last scan (the counter
 * retired_tables says how many).
 *
 * Range pins its table with a node on its stack, linked into its
 * thread's list under a per-thread mutex that scans take too, after a
 * seq_cst increment of the thread's n_ranges (a scan that reads it 0
 * skips the list: Dekker's argument again, with the Range's table load
 * after the increment); then it checks m->table again.  fn runs with the
 * pin held and may call any operation, Range and Clear included.
 * Nothing per operation but two loads and a compare: the urcu-memb
 * read-side section this replaced (a load of the grace-period counter, a
 * TLS load and store on entry and exit, the membarrier checks) cost
 * 1-14% of clht's throughput (results/clht-vs-clht-lb of 8d4fbf3).
 * The map stores values, never frees them (the caller owns them).
 *
 * Allocation failure: only an insert into a full chain (its overflow
 * bucket) and resizes allocate.  An insert that cannot get its overflow
 * bucket returns -ENOMEM with nothing changed (compare_and_swap never
 * inserts); a resize that cannot allocate is abandoned as said above, so
 * del, load_and_delete, compare_and_delete, range and clear never fail.
 */
#include <pthread.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#ifdef MAPBENCH_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "alloc.h"
#include "hash.h"
#include "map.h"

#define CLHT_SLOTS	 3
#define CLHT_MIN_BUCKETS 32
#define CLHT_MAX_BUCKETS ((size_t)1 << 40)
#define CLHT_STRIPES	 16
#define CLHT_RANGE_BATCH 16
#define CLHT_CACHELINE	 64
#define CLHT_LOCKED	 UINT64_C(1) /* bit 0 of a root bucket's word */
#define CLHT_EPOCH_ONE	 UINT64_C(2) /* the epoch counts in bits 1..63 */
#define CLHT_LOCK_SPINS	 128	     /* pauses before yielding the CPU */
#define CLHT_VACANT_EVEN UINT64_C(3) /* empty slots' key, even chains */
#define CLHT_VACANT_ODD	 UINT64_C(0) /* empty slots' key, odd chains */
#define CLHT_PINS	 8	     /* a thread's operation pins (maps) */
#define CLHT_FLOOR_MIN	 16 /* a writer's least share: clht_set_floors */

/*
 * Test builds widen the windows between a lookup's loads and between
 * the stores that change a slot's key (tests/test_clht.c compiles this
 * file with a delay here); nothing otherwise.
 */
#ifndef CLHT_RACE_WINDOW
#define CLHT_RACE_WINDOW(n) ((void)0)
#endif

struct clht_bucket {
	_Atomic uint64_t word; /* bit 0: chain lock (root); 1..63: epoch */
	_Atomic uint64_t key[CLHT_SLOTS];
	_Atomic(void *) val[CLHT_SLOTS]; /* NULL: empty slot */
	_Atomic(struct clht_bucket *) next;
} __attribute__((aligned(CLHT_CACHELINE)));

_Static_assert(sizeof(struct clht_bucket) == CLHT_CACHELINE,
	       "a bucket is one cache line");

struct clht_table {
	size_t mask;	    /* buckets - 1 */
	_Atomic int frozen; /* set by a resize or clear: do not change */
	struct clht_table *retired_next; /* the map's retired list */
	/*
	 * A separate, cache-line aligned array: a power-of-two size, which
	 * the allocator serves without rounding up (a header in the same
	 * block would push 32 MiB of buckets into jemalloc's 40 MiB class).
	 */
	struct clht_bucket *buckets;
	/*
	 * Shrink-check floors, one per stripe ("Size"): a delete that takes
	 * its stripe's size below its floor checks whether the table is
	 * sparse.  Written under resize_mu; read without it as a hint.  In
	 * their own lines: every operation reads the ones above.
	 */
	alignas(CLHT_CACHELINE) _Atomic int64_t floor[CLHT_STRIPES];
} __attribute__((aligned(CLHT_CACHELINE)));

/* One thread's counters (threads share a stripe when there are many). */
struct clht_stripe {
	_Atomic int64_t size;	  /* keys inserted - keys deleted */
	_Atomic int64_t overflow; /* overflow buckets added */
	_Atomic int64_t locked;	  /* chain locks taken by an operation */
	_Atomic int64_t retries;  /* chain locked, table frozen: retried */
} __attribute__((aligned(CLHT_CACHELINE)));

struct map {
	/* Read by every operation: alone in its line. */
	_Atomic(struct clht_table *) table;
	size_t min_buckets;
	unsigned pin_slot; /* each thread's operation pin for this map */
	alignas(CLHT_CACHELINE) pthread_mutex_t resize_mu;
	/*
	 * Written under resize_mu only.  retired: tables replaced by a
	 * resize or a clear and not yet freed (some thread may pin them);
	 * read without the mutex only as a hint.
	 */
	_Atomic(struct clht_table *) retired;
	_Atomic uint64_t grows, shrinks, clears, size_checks;
	struct clht_stripe stripes[CLHT_STRIPES];
};

enum {
	CLHT_C_GROWS,
	CLHT_C_SHRINKS,
	CLHT_C_CLEARS,
	CLHT_C_SIZE_CHECKS,
	CLHT_C_RETRIES,
	CLHT_C_BUCKETS,
	CLHT_C_OVERFLOW,
	CLHT_C_RETIRED,
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
	[CLHT_C_SIZE_CHECKS] = {"size_checks", "events",
				"deletes that summed the size stripes to see "
				"if the table is sparse",
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
	[CLHT_C_RETIRED] = {"retired_tables", "tables",
			    "replaced tables not yet freed (pinned by a "
			    "thread, or not yet scanned)",
			    MAP_COUNTER_LEVEL},
};

/* ------------------------------------------------------------------ */
/* Chain lock and epochs: the bucket's word. */

static inline void
clht_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

/* Take the chain lock in the root bucket's word: one read-modify-write. */
static inline void
clht_lock(_Atomic uint64_t *w)
{
	unsigned spins = 0;

	/*
	 * Acquire: pairs with the release store of clht_unlock.  While the
	 * lock is held our fetch_or stores the value it read: the holder's
	 * stores to the word are never lost.
	 */
	while (atomic_fetch_or_explicit(w, CLHT_LOCKED, memory_order_acquire) &
	       CLHT_LOCKED) {
		do {
			if (++spins < CLHT_LOCK_SPINS)
				clht_cpu_relax();
			else
				sched_yield();
		} while (atomic_load_explicit(w, memory_order_relaxed) &
			 CLHT_LOCKED);
	}
}

static inline void
clht_unlock(_Atomic uint64_t *w)
{
	uint64_t v = atomic_load_explicit(w, memory_order_relaxed);

	/* Release: the critical section's stores before the unlock. */
	atomic_store_explicit(w, v & ~CLHT_LOCKED, memory_order_release);
}

/*
 * Bump b's epoch before a key of b changes (under the chain lock).  The
 * release store orders what came before (the delete that emptied the
 * slot) for readers that load this epoch; the key's release store that
 * follows orders the bump for readers that load that key.
 */
static inline void
clht_bump(struct clht_bucket *b)
{
	uint64_t v = atomic_load_explicit(&b->word, memory_order_relaxed);

	atomic_store_explicit(&b->word, v + CLHT_EPOCH_ONE,
			      memory_order_release);
}

static inline uint64_t
clht_epoch(uint64_t word)
{
	return word & ~CLHT_LOCKED;
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

/*
 * Add d to a counter of our stripe: a load and a store, no atomic
 * read-modify-write (a stripe is normally one thread's; a lost update
 * between two threads sharing one only skews an estimate).
 */
static inline int64_t
clht_count(_Atomic int64_t *c, int64_t d)
{
	int64_t v = atomic_load_explicit(c, memory_order_relaxed) + d;

	atomic_store_explicit(c, v, memory_order_relaxed);
	return v;
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

/* Set the size to n and the overflow level to ovf (all writers excluded). */
static void
clht_reset_stripes(struct map *m, int64_t n, int64_t ovf)
{
	for (int i = 0; i < CLHT_STRIPES; i++) {
		atomic_store_explicit(&m->stripes[i].size, i ? 0 : n,
				      memory_order_relaxed);
		atomic_store_explicit(&m->stripes[i].overflow, i ? 0 : ovf,
				      memory_order_relaxed);
	}
}

/*
 * Set t's shrink-check floors from `size`, the map's size (t is, or is
 * about to be, the current table; under resize_mu).  t is sparse, and
 * halves, when size < bound, 1/16 of its slots.  A stripe counts as a
 * writer if it has taken a chain lock of this map (`locked`: since
 * create; a thread that has gone still counts).  Each of the A writers
 * may lose max((size - bound) / A, CLHT_FLOOR_MIN) of its size before
 * one of its deletes checks: together they cannot take the table under
 * the bound by more than CLHT_FLOOR_MIN each before a delete checks it,
 * and none checks more often than once in CLHT_FLOOR_MIN of its net
 * deletes.  A stripe that has not written checks at its first delete
 * that takes it below its present value; if t is sparse already (a
 * clear in place, a halving that failed or left it sparse), the next
 * delete of any stripe checks; a table at its minimum never checks.
 */
static void
clht_set_floors(struct map *m, struct clht_table *t, int64_t size)
{
	size_t n = t->mask + 1;
	int64_t bound = (int64_t)((n * CLHT_SLOTS + 15) / 16);
	int64_t v[CLHT_STRIPES], per;
	bool active[CLHT_STRIPES];
	int64_t nactive = 0;

	for (int i = 0; i < CLHT_STRIPES; i++) {
		v[i] = atomic_load_explicit(&m->stripes[i].size,
					    memory_order_relaxed);
		active[i] = atomic_load_explicit(&m->stripes[i].locked,
						 memory_order_relaxed) != 0;
		nactive += active[i];
	}
	per = nactive ? (size - bound) / nactive : 0;
	if (per < CLHT_FLOOR_MIN)
		per = CLHT_FLOOR_MIN;
	for (int i = 0; i < CLHT_STRIPES; i++)
		atomic_store_explicit(&t->floor[i],
				      n <= m->min_buckets ? INT64_MIN
				      : size < bound	  ? INT64_MAX
				      : active[i]	  ? v[i] - per
							  : v[i],
				      memory_order_relaxed);
}

/* ------------------------------------------------------------------ */
/* Buckets and tables. */

/*
 * The key an empty slot of chain `chain` holds: one that no lookup in that
 * chain can be looking for, since its hash's bit 0 differs from the
 * chain's (every table has at least two chains), so that a lookup's key
 * comparison alone passes over empty slots.  map_hash64(0) is even,
 * map_hash64(3) odd (tests/test_clht.c checks both).
 */
static inline uint64_t
clht_vacant(size_t chain)
{
	return (chain & 1) ? CLHT_VACANT_ODD : CLHT_VACANT_EVEN;
}

/* A zeroed bucket whose slots hold chain's vacant key. */
static void
clht_bucket_init(struct clht_bucket *b, size_t chain)
{
	uint64_t k = clht_vacant(chain);

	memset(b, 0, sizeof(*b));
	if (k != 0)
		for (unsigned i = 0; i < CLHT_SLOTS; i++)
			atomic_init(&b->key[i], k);
}

static struct clht_bucket *
clht_bucket_new(size_t chain)
{
	struct clht_bucket *b = map_aligned_alloc(CLHT_CACHELINE, sizeof(*b));

	if (b != NULL)
		clht_bucket_init(b, chain);
	return b;
}

static struct clht_table *
clht_table_new(size_t nbuckets)
{
	size_t sz = nbuckets * sizeof(struct clht_bucket);
	struct clht_table *t = map_aligned_alloc(CLHT_CACHELINE, sizeof(*t));

	if (t == NULL)
		return NULL;
	memset(t, 0, sizeof(*t));
	t->buckets = map_aligned_alloc(CLHT_CACHELINE, sz);
	if (t->buckets == NULL) {
		map_free(t);
		return NULL;
	}
	for (size_t i = 0; i < nbuckets; i++)
		clht_bucket_init(&t->buckets[i], i);
	t->mask = nbuckets - 1;
	for (int i = 0; i < CLHT_STRIPES; i++) /* until set: no checks */
		atomic_store_explicit(&t->floor[i], INT64_MIN,
				      memory_order_relaxed);
	return t;
}

/* Free a table and its overflow buckets. */
static void
clht_table_free(struct clht_table *t)
{
	for (size_t i = 0; i <= t->mask; i++) {
		struct clht_bucket *b = atomic_load_explicit(
			&t->buckets[i].next, memory_order_relaxed);

		while (b != NULL) {
			struct clht_bucket *next = atomic_load_explicit(
				&b->next, memory_order_relaxed);

			map_free(b);
			b = next;
		}
	}
	map_free(t->buckets);
	map_free(t);
}

/* ------------------------------------------------------------------ */
/* Table pins: what keeps a replaced table alive under its readers. */

/* One Range in progress on this thread: it pins its table until it ends. */
struct clht_range_pin {
	struct clht_table *t; /* under the thread's range_mu */
	struct clht_range_pin *next;
};

/* A thread's pins, in its TLS; registered while it is entered. */
struct clht_thread {
	/*
	 * Operation pins, direct-mapped by map: pin[i] names the table the
	 * thread's last operation on a map of slot i used.  Written by this
	 * thread only, read by reclaimers.
	 */
	_Atomic(struct clht_table *) pin[CLHT_PINS];
	_Atomic int n_ranges;	       /* Ranges in progress: a hint */
	pthread_mutex_t range_mu;      /* guards ranges */
	struct clht_range_pin *ranges; /* innermost first */
	struct clht_thread *next;      /* registry, under clht_reg_mu */
} __attribute__((aligned(CLHT_CACHELINE)));

static pthread_mutex_t clht_reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct clht_thread *clht_threads; /* registry: entered threads */
static __thread struct clht_thread clht_self;
static __thread unsigned long clht_enters; /* enters not yet matched */
/*
 * Maps take the pin slots in turn, so that a thread's first CLHT_PINS
 * maps each have their own (by address, maps of one allocation size class
 * fell on two slots).
 */
static _Atomic unsigned clht_next_pin;

static void
clht_thread_enter(void)
{
	if (clht_enters++ > 0)
		return;
	for (unsigned i = 0; i < CLHT_PINS; i++)
		atomic_init(&clht_self.pin[i], NULL);
	atomic_init(&clht_self.n_ranges, 0);
	pthread_mutex_init(&clht_self.range_mu, NULL);
	clht_self.ranges = NULL;
	pthread_mutex_lock(&clht_reg_mu);
	clht_self.next = clht_threads;
	clht_threads = &clht_self;
	pthread_mutex_unlock(&clht_reg_mu);
}

static void
clht_thread_exit(void)
{
	struct clht_thread **pp;

	if (--clht_enters > 0)
		return;
	pthread_mutex_lock(&clht_reg_mu);
	for (pp = &clht_threads; *pp != &clht_self; pp = &(*pp)->next)
		;
	*pp = clht_self.next;
	pthread_mutex_unlock(&clht_reg_mu);
	pthread_mutex_destroy(&clht_self.range_mu);
}

static inline _Atomic(struct clht_table *) *
clht_pin_slot(struct map *m)
{
	return &clht_self.pin[m->pin_slot];
}

/* Lock mu, or with `try` only if it is free: whether we hold it. */
static bool
clht_mutex_take(pthread_mutex_t *mu, bool try)
{
	if (try)
		return pthread_mutex_trylock(mu) == 0;
	pthread_mutex_lock(mu);
	return true;
}

/*
 * True if some entered thread pins t.  Under clht_reg_mu.  `try`: a
 * thread whose range list is locked counts as pinning t (a load that
 * reclaims never waits).
 */
static bool
clht_pinned(struct clht_table *t, bool try)
{
	for (struct clht_thread *th = clht_threads; th != NULL; th = th->next) {
		bool found = false;

		for (unsigned i = 0; i < CLHT_PINS; i++)
			/*
			 * Seq_cst: the table that replaced t was published
			 * by a seq_cst store that happened before this load
			 * (ours, or the publisher's, ordered before us by
			 * resize_mu, under which t was put on the retired
			 * list), so it precedes this load in the single
			 * order of seq_cst operations; against the pinner's
			 * seq_cst pin store and table load (clht_pin),
			 * either we see the pin or the pinner saw the new
			 * table.  Acquire: pairs with the store that moved
			 * the pin off t, which follows the pinner's last use
			 * of t.
			 */
			if (atomic_load_explicit(&th->pin[i],
						 memory_order_seq_cst) == t)
				return true;
		/*
		 * Seq_cst, the same argument with the Range's seq_cst
		 * fetch_add of n_ranges before its table load
		 * (clht_range_pin): if we read 0, that Range will see the
		 * new table.  Acquire: pairs with the fetch_sub of a Range
		 * that ended, after its last use of its table.
		 */
		if (atomic_load_explicit(&th->n_ranges, memory_order_seq_cst) ==
		    0)
			continue;
		if (!clht_mutex_take(&th->range_mu, try))
			return true;
		for (struct clht_range_pin *r = th->ranges; r != NULL;
		     r = r->next)
			found |= r->t == t;
		pthread_mutex_unlock(&th->range_mu);
		if (found)
			return true;
	}
	return false;
}

/*
 * Take off m's retired list the tables no thread pins (all of them if
 * `all`: no operation is in flight on m) and return them, linked, for
 * clht_free_tables once the caller has let go of resize_mu.  Under
 * m->resize_mu (or with m unshared: destroy).  `try`: do nothing rather
 * than wait for the registry's mutex.
 */
static struct clht_table *
clht_collect(struct map *m, bool all, bool try)
{
	struct clht_table *keep = NULL, *dead = NULL, *t, *next;

	t = atomic_load_explicit(&m->retired, memory_order_relaxed);
	if (t == NULL)
		return NULL;
	if (!clht_mutex_take(&clht_reg_mu, try))
		return NULL;
	for (; t != NULL; t = next) {
		next = t->retired_next;
		if (!all && clht_pinned(t, try)) {
			t->retired_next = keep;
			keep = t;
		} else {
			t->retired_next = dead;
			dead = t;
		}
	}
	pthread_mutex_unlock(&clht_reg_mu);
	atomic_store_explicit(&m->retired, keep, memory_order_relaxed);
	return dead;
}

static void
clht_free_tables(struct clht_table *t)
{
	while (t != NULL) {
		struct clht_table *next = t->retired_next;

		clht_table_free(t);
		t = next;
	}
}

/*
 * Free m's retired tables that no thread pins, unless that means waiting:
 * for resize_mu (its holder collects when it is done), the registry, or a
 * thread's range list.  From the slow path of an operation, which then
 * frees them itself.
 */
static void
clht_try_reclaim(struct map *m)
{
	struct clht_table *dead;

	if (atomic_load_explicit(&m->retired, memory_order_relaxed) == NULL ||
	    pthread_mutex_trylock(&m->resize_mu) != 0)
		return;
	dead = clht_collect(m, false, true);
	pthread_mutex_unlock(&m->resize_mu);
	clht_free_tables(dead);
}

/*
 * Retire t, replaced by nt (published): our own operation pin moves to
 * nt (the caller no longer uses t), then collect what nobody pins; the
 * caller frees the result after unlocking.  Under m->resize_mu.
 */
static struct clht_table *
clht_retire(struct map *m, struct clht_table *t, struct clht_table *nt)
{
	t->retired_next =
		atomic_load_explicit(&m->retired, memory_order_relaxed);
	atomic_store_explicit(&m->retired, t, memory_order_relaxed);
	/*
	 * Seq_cst: the pin store of clht_pin.  nt cannot be retired while
	 * we hold resize_mu: no need to check that it is still current.
	 */
	atomic_store_explicit(clht_pin_slot(m), nt, memory_order_seq_cst);
	return clht_collect(m, false, false);
}

/*
 * clht_pin's slow path, when the pin names another table (after a
 * replacement of m's table, or an operation on another map of the same
 * slot): store the pin, check that t is still current (else pin the newer
 * one), and try to free what the move unpinned, never waiting.
 */
static __attribute__((noinline, cold)) struct clht_table *
clht_pin_slow(struct map *m, _Atomic(struct clht_table *) *slot,
	      struct clht_table *t)
{
	for (;;) {
		struct clht_table *now;

		CLHT_RACE_WINDOW(5);
		/*
		 * Seq_cst store, then seq_cst load: a reclaimer that
		 * replaced t (seq_cst store of m->table) and then scans
		 * (seq_cst pin loads, clht_pinned) sees this pin, or this
		 * load sees its new table.  Release: our uses of the table
		 * the pin named before happened before a reclaimer that
		 * reads the new pin frees that table.
		 */
		atomic_store_explicit(slot, t, memory_order_seq_cst);
		now = atomic_load_explicit(&m->table, memory_order_seq_cst);
		if (now == t)
			break;
		t = now;
	}
	clht_try_reclaim(m);
	return t;
}

/*
 * The current table of m, pinned by this thread's operation pin for m
 * until the pin moves (its next operation on a map of that slot that
 * finds another table).  Lock-free: never waits for another thread.  A
 * pin that already names the table costs no store.
 */
static inline struct clht_table *
clht_pin(struct map *m)
{
	_Atomic(struct clht_table *) *slot = clht_pin_slot(m);
	/* Acquire: pairs with the store publishing the table. */
	struct clht_table *t =
		atomic_load_explicit(&m->table, memory_order_acquire);
	struct clht_table *use = t;

	/*
	 * The operation goes on with the value loaded from m->table: hidden
	 * from the compiler, which would otherwise use the (equal) pin it
	 * loaded, putting the TLS address and the pin's load on the path to
	 * the bucket (measured: 7% of an operation).
	 */
	__asm__("" : "+r"(use));
	if (__builtin_expect(
		    atomic_load_explicit(slot, memory_order_relaxed) == t, 1))
		return use;
	return clht_pin_slow(m, slot, t);
}

/* Pin m's current table for a Range (rp, on the caller's stack). */
static struct clht_table *
clht_range_pin(struct map *m, struct clht_range_pin *rp)
{
	/* Acquire: pairs with the store publishing the table. */
	struct clht_table *t =
		atomic_load_explicit(&m->table, memory_order_acquire);

	atomic_fetch_add_explicit(&clht_self.n_ranges, 1, memory_order_seq_cst);
	pthread_mutex_lock(&clht_self.range_mu);
	rp->next = clht_self.ranges;
	clht_self.ranges = rp;
	for (;;) {
		struct clht_table *now;

		rp->t = t;
		pthread_mutex_unlock(&clht_self.range_mu);
		/*
		 * A reclaimer replaced the table, then reads n_ranges and,
		 * unless 0, scans our list under range_mu.  If it scanned
		 * before our store above, its replacement happened before
		 * this load (range_mu), which sees it; if it read 0, its
		 * seq_cst read came before our seq_cst increment, and its
		 * seq_cst replacement before that, hence before this seq_cst
		 * load, which sees it.
		 */
		now = atomic_load_explicit(&m->table, memory_order_seq_cst);
		if (now == t)
			return t;
		t = now;
		pthread_mutex_lock(&clht_self.range_mu);
	}
}

static void
clht_range_unpin(struct map *m, struct clht_range_pin *rp)
{
	struct clht_range_pin **pp;

	pthread_mutex_lock(&clht_self.range_mu);
	for (pp = &clht_self.ranges; *pp != rp; pp = &(*pp)->next)
		;
	*pp = rp->next;
	pthread_mutex_unlock(&clht_self.range_mu);
	atomic_fetch_sub_explicit(&clht_self.n_ranges, 1, memory_order_seq_cst);
	clht_try_reclaim(m);
}

static size_t
clht_buckets_for(size_t keys)
{
	size_t n = CLHT_MIN_BUCKETS;

	/* CLHT's benchmark's sizing: 2 keys per bucket, n * 2 >= keys. */
	while (n < CLHT_MAX_BUCKETS && n * 2 < keys)
		n <<= 1;
	return n;
}

/* ------------------------------------------------------------------ */
/* Lookups. */

/*
 * The value of `key` in `t` (pinned), or NULL; on a hit, the bucket and
 * slot it was found in (a hint for a writer, which checks it under the
 * lock).  Lock-free.  The protocol and why it never returns another key's
 * value: "Readers" above.  The slot loops are unrolled (2-3% of an
 * operation at 1,000 keys, 50% loads, 1 thread).
 */
static inline __attribute__((always_inline)) void *
clht_lookup_at(struct clht_table *t, uint64_t key, uint64_t h,
	       struct clht_bucket **where, unsigned *slot)
{
	struct clht_bucket *root = &t->buckets[h & t->mask], *b;

retry:
	b = root;
	do {
		/* Acquire: pairs with clht_bump's release store. */
		uint64_t e = clht_epoch(
			atomic_load_explicit(&b->word, memory_order_acquire));

#pragma GCC unroll 3
		for (unsigned i = 0; i < CLHT_SLOTS; i++) {
			void *v;

			/*
			 * Acquire: pairs with clht_slot_fill's release store
			 * of the key, which follows its epoch bump and the
			 * delete that emptied the slot before: the value load
			 * below cannot read an older life of the slot.
			 */
			if (atomic_load_explicit(&b->key[i],
						 memory_order_acquire) != key)
				continue;
			CLHT_RACE_WINDOW(1);
			/*
			 * Acquire: pairs with the release store of the value
			 * (clht_slot_fill, clht_slot_set): the key it was
			 * stored under is visible to the load below.
			 */
			v = atomic_load_explicit(&b->val[i],
						 memory_order_acquire);
			if (v == NULL)
				continue;
			CLHT_RACE_WINDOW(2);
			if (clht_epoch(atomic_load_explicit(
				    &b->word, memory_order_relaxed)) != e)
				goto retry; /* a key of b changed: again */
			*where = b;
			*slot = i;
			return v;
		}
		/* Acquire: pairs with the release store linking b. */
		b = atomic_load_explicit(&b->next, memory_order_acquire);
	} while (b != NULL);
	return NULL;
}

static inline void *
clht_lookup(struct clht_table *t, uint64_t key, uint64_t h)
{
	struct clht_bucket *b;
	unsigned i;

	return clht_lookup_at(t, key, h, &b, &i);
}

/* Where a key is, or could go, in a locked chain. */
struct clht_pos {
	struct clht_bucket *b;	    /* bucket holding the key live, or NULL */
	unsigned i;		    /* its slot */
	void *v;		    /* its value */
	struct clht_bucket *free_b; /* an empty slot for the key, or NULL */
	unsigned free_i;	    /* that slot */
	struct clht_bucket *tail;   /* last bucket of the chain */
};

/*
 * Find `key` in the chain of `root`, whose lock we hold, and the first
 * empty slot of the chain.
 */
static inline __attribute__((always_inline)) void
clht_find_locked(struct clht_bucket *root, uint64_t key, struct clht_pos *p)
{
	struct clht_bucket *b = root;

	p->b = NULL;
	p->v = NULL;
	p->free_b = NULL;
	p->tail = root;
	for (;;) {
#pragma GCC unroll 3
		for (unsigned i = 0; i < CLHT_SLOTS; i++) {
			void *v = atomic_load_explicit(&b->val[i],
						       memory_order_relaxed);
			bool same = atomic_load_explicit(
					    &b->key[i], memory_order_relaxed) ==
				    key;

			if (v != NULL) {
				if (same) {
					p->b = b;
					p->i = i;
					p->v = v;
					return;
				}
			} else if (p->free_b == NULL) {
				p->free_b = b;
				p->free_i = i;
			}
		}
		p->tail = b;
		b = atomic_load_explicit(&b->next, memory_order_relaxed);
		if (b == NULL)
			return;
	}
}

/*
 * Store v (a value or NULL) into slot i of b, under the lock: the store
 * that linearises a change.
 */
static inline void
clht_slot_set(struct clht_bucket *b, unsigned i, void *v)
{
	/*
	 * Release (as part of seq_cst): pairs with clht_lookup's acquire
	 * load of the value; for a delete (NULL), a reader that misses sees
	 * what preceded it.  Seq_cst for real time: see "Writers".
	 */
	atomic_store_explicit(&b->val[i], v, memory_order_seq_cst);
}

/* Make the empty slot i of b hold key -> v, under the lock. */
static inline void
clht_slot_fill(struct clht_bucket *b, unsigned i, uint64_t key, void *v)
{
	clht_bump(b);
	CLHT_RACE_WINDOW(3);
	/* Release: the bump (and the delete before it) before the key. */
	atomic_store_explicit(&b->key[i], key, memory_order_release);
	CLHT_RACE_WINDOW(4);
	/* Release: the key before the value that makes the slot live. */
	clht_slot_set(b, i, v);
}

/*
 * Empty slot i of b, a bucket of chain `chain`, under the lock: the value
 * first (the store that linearises the delete), then the vacant key, which
 * no lookup in this chain matches (no bump: see "Readers").
 */
static inline void
clht_slot_clear(struct clht_bucket *b, unsigned i, size_t chain)
{
	clht_slot_set(b, i, NULL);
	/*
	 * Release: a lookup whose acquire key load reads the vacant key
	 * misses, and must then see what preceded the delete (Go's
	 * guarantee; ThreadSanitizer's message_passing found it relaxed).
	 */
	atomic_store_explicit(&b->key[i], clht_vacant(chain),
			      memory_order_release);
}

/* True if no slot of b is live (under the lock, or as a hint). */
static inline bool
clht_bucket_empty(struct clht_bucket *b)
{
	for (unsigned i = 0; i < CLHT_SLOTS; i++)
		if (atomic_load_explicit(&b->val[i], memory_order_relaxed))
			return false;
	return true;
}

/* ------------------------------------------------------------------ */
/* Resizing. */

/* Put key -> v into the unpublished table nt (no locks: only we see it). */
static int
clht_copy_pair(struct clht_table *nt, uint64_t key, void *v, int64_t *ovf)
{
	size_t chain = map_hash64(key) & nt->mask;
	struct clht_bucket *b = &nt->buckets[chain], *last;

	do {
		for (unsigned i = 0; i < CLHT_SLOTS; i++) {
			if (atomic_load_explicit(
				    &b->val[i], memory_order_relaxed) == NULL) {
				atomic_store_explicit(&b->key[i], key,
						      memory_order_relaxed);
				atomic_store_explicit(&b->val[i], v,
						      memory_order_relaxed);
				return 0;
			}
		}
		last = b;
		b = atomic_load_explicit(&b->next, memory_order_relaxed);
	} while (b != NULL);
	b = clht_bucket_new(chain);
	if (b == NULL)
		return -ENOMEM;
	atomic_store_explicit(&b->key[0], key, memory_order_relaxed);
	atomic_store_explicit(&b->val[0], v, memory_order_relaxed);
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
		clht_lock(&t->buckets[i].word);
		clht_unlock(&t->buckets[i].word);
	}
}

/*
 * Rehash t into a new table of `nbuckets` and publish it, unless t is no
 * longer the current table.  0, or -ENOMEM with nothing changed.
 * With t pinned, holding no chain lock.
 */
static int
clht_resize(struct map *m, struct clht_table *t, size_t nbuckets)
{
	struct clht_table *nt, *dead = NULL;
	int64_t ovf = 0, n = 0;
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

		clht_lock(&root->word);
		for (b = root; b != NULL;
		     b = atomic_load_explicit(&b->next, memory_order_relaxed)) {
			for (unsigned j = 0; j < CLHT_SLOTS; j++) {
				void *v = atomic_load_explicit(
					&b->val[j], memory_order_relaxed);

				if (v == NULL)
					continue;
				if (clht_copy_pair(
					    nt,
					    atomic_load_explicit(
						    &b->key[j],
						    memory_order_relaxed),
					    v, &ovf) != 0) {
					clht_unlock(&root->word);
					clht_table_free(nt);
					/* Writers waiting on resize_mu retry.
					 */
					atomic_store_explicit(
						&t->frozen, 0,
						memory_order_relaxed);
					ret = -ENOMEM;
					goto out;
				}
				n++;
			}
		}
		clht_unlock(&root->word);
	}
	clht_reset_stripes(m, n, ovf);
	clht_set_floors(m, nt, n);
	/*
	 * Release: nt's buckets and pairs before the pointer.  Seq_cst: the
	 * replacement the pins are checked against (clht_pin).
	 */
	atomic_store_explicit(&m->table, nt, memory_order_seq_cst);
	atomic_fetch_add_explicit(nbuckets > t->mask + 1 ? &m->grows
							 : &m->shrinks,
				  1, memory_order_relaxed);
	dead = clht_retire(m, t, nt);
out:
	pthread_mutex_unlock(&m->resize_mu);
	clht_free_tables(dead);
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
 * Lock the chain of root in t, a table we pin: true if t is not frozen
 * (the caller goes on under the lock); false, unlocked, once the resize
 * or clear that froze t is over (we get resize_mu, perhaps after a later
 * resize too; the caller starts again on the newest table).
 */
static inline __attribute__((always_inline)) bool
clht_lock_in(struct map *m, struct clht_table *t, struct clht_bucket *root)
{
	clht_lock(&root->word);
	if (__builtin_expect(
		    !atomic_load_explicit(&t->frozen, memory_order_relaxed),
		    1)) {
		clht_count(&clht_stripe(m)->locked, 1);
		return true;
	}
	clht_unlock(&root->word);
	clht_count(&clht_stripe(m)->retries, 1);
	clht_wait_resize(m);
	return false;
}

/*
 * Lock the chain of hash h in the current, unfrozen table, pinned.
 * Returns its root bucket, the table in *tp.
 */
static inline __attribute__((always_inline)) struct clht_bucket *
clht_lock_chain(struct map *m, uint64_t h, struct clht_table **tp)
{
	for (;;) {
		struct clht_table *t = clht_pin(m);
		struct clht_bucket *root = &t->buckets[h & t->mask];

		if (clht_lock_in(m, t, root)) {
			*tp = t;
			return root;
		}
	}
}

/*
 * A delete took its stripe's size under its floor in t: halve t if it is
 * sparse, and set new floors.  If resize_mu is taken (a resize, clear,
 * check, reclaim, stats or a writer waiting out a resize), nothing: our
 * stripe stays under its floor, and our next delete checks again.
 */
static __attribute__((noinline)) void
clht_check_sparse(struct map *m, struct clht_table *t)
{
	size_t n = t->mask + 1;
	int64_t size;

	if (pthread_mutex_trylock(&m->resize_mu) != 0)
		return;
	if (atomic_load_explicit(&m->table, memory_order_relaxed) != t) {
		pthread_mutex_unlock(&m->resize_mu);
		return; /* replaced: its resize set the new table's floors */
	}
	size = clht_size(m);
	clht_set_floors(m, t, size);
	atomic_fetch_add_explicit(&m->size_checks, 1, memory_order_relaxed);
	pthread_mutex_unlock(&m->resize_mu);
	if (n > m->min_buckets && size * 16 < (int64_t)(n * CLHT_SLOTS))
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
	m->pin_slot = atomic_fetch_add_explicit(&clht_next_pin, 1,
						memory_order_relaxed) %
		      CLHT_PINS;
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
	/* No operation in flight: every retired table, then the current. */
	clht_free_tables(clht_collect(m, true, false));
	clht_table_free(atomic_load_explicit(&m->table, memory_order_relaxed));
	pthread_mutex_destroy(&m->resize_mu);
	map_free(m);
}

static bool
clht_load(struct map *m, uint64_t key, void **value)
{
	void *v;

	v = clht_lookup(clht_pin(m), key, map_hash64(key));
	if (value != NULL)
		*value = v;
	return v != NULL;
}

/*
 * Under the lock of root's chain (in t), where the key is or could go: an
 * update in place, or an insert into a free slot.  Returns 1 if the key
 * was there (its value in *prev), 0 if it was inserted, -1 if the chain is
 * full (nothing done).  Unlocks unless -1.
 */
static inline __attribute__((always_inline)) int
clht_put_at(struct map *m, struct clht_bucket *root, struct clht_pos *p,
	    uint64_t key, void *value, bool only_if_absent, void **prev)
{
	if (p->b != NULL) {
		*prev = p->v;
		if (!only_if_absent)
			clht_slot_set(p->b, p->i, value); /* in place */
		clht_unlock(&root->word);
		return 1;
	}
	*prev = NULL;
	if (__builtin_expect(p->free_b == NULL, 0))
		return -1;
	clht_slot_fill(p->free_b, p->free_i, key, value);
	clht_count(&clht_stripe(m)->size, 1);
	clht_unlock(&root->word);
	return 0;
}

/*
 * An insert into root's full chain (in t), whose lock we hold and whose
 * last bucket is `tail`: grow the table if half of its slots are live
 * (and try again in the new one), else link an overflow bucket.
 */
static __attribute__((noinline)) int
clht_put_full(struct map *m, uint64_t key, void *value, bool only_if_absent,
	      void **prev, struct clht_table *t, struct clht_bucket *root,
	      struct clht_bucket *tail)
{
	uint64_t h = map_hash64(key);
	bool grow_failed = false;
	struct clht_bucket *nb;
	struct clht_pos p;
	int ret;

	while (!grow_failed && t->mask < CLHT_MAX_BUCKETS - 1 &&
	       clht_size(m) * 2 >= (int64_t)((t->mask + 1) * CLHT_SLOTS)) {
		clht_unlock(&root->word);
		if (clht_resize(m, t, (t->mask + 1) * 2) != 0)
			grow_failed = true;
		root = clht_lock_chain(m, h, &t);
		clht_find_locked(root, key, &p);
		ret = clht_put_at(m, root, &p, key, value, only_if_absent,
				  prev);
		if (ret >= 0)
			return ret;
		tail = p.tail;
	}
	nb = clht_bucket_new((size_t)(root - t->buckets));
	if (nb == NULL) {
		clht_unlock(&root->word);
		return -ENOMEM;
	}
	atomic_store_explicit(&nb->key[0], key, memory_order_relaxed);
	atomic_store_explicit(&nb->val[0], value, memory_order_relaxed);
	/*
	 * Release (as part of seq_cst): nb initialised before the link.
	 * Seq_cst: it linearises the insert ("Writers").
	 */
	atomic_store_explicit(&tail->next, nb, memory_order_seq_cst);
	clht_count(&clht_stripe(m)->size, 1);
	clht_count(&clht_stripe(m)->overflow, 1);
	clht_unlock(&root->word);
	return 0;
}

/*
 * Insert or update under the chain lock (store, swap, load_or_store).  If
 * `only_if_absent` and the key is there, nothing changes.  The key's
 * previous value (or NULL) goes to *prev.  Returns 1 if the key was
 * there, 0 if it was inserted, -ENOMEM (map unchanged).
 */
static inline __attribute__((always_inline)) int
clht_put(struct map *m, uint64_t key, void *value, bool only_if_absent,
	 void **prev)
{
	struct clht_table *t;
	struct clht_bucket *root;
	struct clht_pos p;
	int ret;

	root = clht_lock_chain(m, map_hash64(key), &t);
	clht_find_locked(root, key, &p);
	ret = clht_put_at(m, root, &p, key, value, only_if_absent, prev);
	if (__builtin_expect(ret >= 0, 1))
		return ret;
	return clht_put_full(m, key, value, only_if_absent, prev, t, root,
			     p.tail);
}

static int
clht_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	void *prev = NULL;
	int ret;

	if (value == NULL)
		return -EINVAL;
	ret = clht_put(m, key, value, false, &prev);
	if (previous != NULL)
		*previous = ret < 0 ? NULL : prev;
	return ret;
}

static int
clht_store(struct map *m, uint64_t key, void *value)
{
	void *prev;
	int ret;

	if (value == NULL)
		return -EINVAL;
	ret = clht_put(m, key, value, false, &prev);
	return ret < 0 ? ret : 0;
}

static int
clht_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	void *v;
	int ret;

	if (value == NULL)
		return -EINVAL;
	v = clht_lookup(clht_pin(m), key, map_hash64(key));
	if (v != NULL) {
		ret = 1; /* hit: linearised at the lookup's value load */
		goto out;
	}
	ret = clht_put(m, key, value, true, &v);
	if (ret == 0)
		v = value;
out:
	if (actual != NULL)
		*actual = ret < 0 ? NULL : v;
	return ret;
}

/*
 * clht_remove's locked part, out of line (a miss needs no stack frame):
 * the lookup in t (pinned) found `key` in slot i of b.  Under the lock
 * that slot is checked first: the key is there unless it was deleted (and
 * perhaps inserted again elsewhere in the chain) in between; if t was
 * frozen meanwhile, the chain of the newest table is scanned instead.
 */
static __attribute__((noinline)) void *
clht_remove_locked(struct map *m, struct clht_table *t, uint64_t key,
		   uint64_t h, struct clht_bucket *b, unsigned i, bool match,
		   void *old)
{
	struct clht_bucket *root = &t->buckets[h & t->mask];
	struct clht_stripe *st;
	struct clht_pos p;
	int64_t size;
	void *v;

	if (__builtin_expect(!clht_lock_in(m, t, root), 0)) {
		root = clht_lock_chain(m, h, &t); /* a new table */
		b = NULL;
	}
	if (b != NULL &&
	    atomic_load_explicit(&b->key[i], memory_order_relaxed) == key) {
		/* Under the lock a slot holding the key is live. */
		v = atomic_load_explicit(&b->val[i], memory_order_relaxed);
	} else {
		clht_find_locked(root, key, &p);
		b = p.b;
		i = p.i;
		v = p.v;
	}
	if (b == NULL || (match && v != old)) {
		clht_unlock(&root->word);
		return NULL;
	}
	clht_slot_clear(b, i, (size_t)(root - t->buckets));
	st = clht_stripe(m);
	size = clht_count(&st->size, -1);
	clht_unlock(&root->word);
	if (__builtin_expect(
		    size < atomic_load_explicit(&t->floor[st - m->stripes],
						memory_order_relaxed),
		    0))
		clht_check_sparse(m, t);
	return v;
}

/*
 * Delete `key` if present and, when `match`, its value is `old`: the
 * deleted value, or NULL.
 */
static inline __attribute__((always_inline)) void *
clht_remove(struct map *m, uint64_t key, bool match, void *old)
{
	uint64_t h = map_hash64(key);
	struct clht_table *t = clht_pin(m);
	struct clht_bucket *b;
	unsigned i;
	void *v;

	v = clht_lookup_at(t, key, h, &b, &i);
	if (v == NULL || (match && v != old))
		return NULL; /* linearised at the lookup's value load */
	return clht_remove_locked(m, t, key, h, b, i, match, old);
}

static bool
clht_load_and_delete(struct map *m, uint64_t key, void **value)
{
	void *v;

	v = clht_remove(m, key, false, NULL);
	if (value != NULL)
		*value = v;
	return v != NULL;
}

static void
clht_del(struct map *m, uint64_t key)
{
	(void)clht_remove(m, key, false, NULL);
}

static bool
clht_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	void *v;

	v = clht_remove(m, key, true, old_value);
	return v != NULL;
}

/*
 * Compare and replace in place under the chain lock.  A NULL new_value
 * cannot be stored: false (the vtable has no error return here).
 */
static bool
clht_compare_and_swap(struct map *m, uint64_t key, void *old_value,
		      void *new_value)
{
	uint64_t h = map_hash64(key);
	struct clht_table *t;
	struct clht_bucket *root;
	struct clht_pos p;
	bool swapped = false;
	void *v;

	if (new_value == NULL)
		return false;
	v = clht_lookup(clht_pin(m), key, h);
	if (v == NULL || v != old_value)
		return false; /* mismatch: linearised at the value load */
	root = clht_lock_chain(m, h, &t);
	clht_find_locked(root, key, &p);
	if (p.b != NULL && p.v == old_value) {
		clht_slot_set(p.b, p.i, new_value);
		swapped = true;
	}
	clht_unlock(&root->word);
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
			void *v = atomic_load_explicit(&b->val[i],
						       memory_order_relaxed);
			uint64_t key = atomic_load_explicit(
				&b->key[i], memory_order_relaxed);
			unsigned j;

			if (v == NULL || (have_after && key <= after))
				continue;
			if (n == CLHT_RANGE_BATCH) {
				*more = true;
				if (key > kv[n - 1].key)
					continue;
				n--; /* the largest drops out */
			}
			for (j = n; j > 0 && kv[j - 1].key > key; j--)
				kv[j] = kv[j - 1];
			kv[j].key = key;
			kv[j].value = v;
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
	struct clht_range_pin rp;
	struct clht_table *t;

	/* A range takes chain locks: one locked operation. */
	clht_count(&clht_stripe(m)->locked, 1);
	t = clht_range_pin(m, &rp);
	for (size_t i = 0; i <= t->mask; i++) {
		struct clht_bucket *root = &t->buckets[i];
		bool have_after = false, more;
		uint64_t after = 0;
		unsigned n;

		/*
		 * An empty single-bucket chain needs no lock: a key present
		 * for the whole call keeps a non-NULL value in its slot.
		 */
		if (clht_bucket_empty(root) &&
		    atomic_load_explicit(&root->next, memory_order_relaxed) ==
			    NULL)
			continue;
		do {
			clht_lock(&root->word);
			n = clht_range_batch(root, have_after, after, kv,
					     &more);
			clht_unlock(&root->word);
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
	clht_range_unpin(m, &rp);
}

/* Empty every slot of t in place (clear without a new table). */
static void
clht_clear_in_place(struct map *m, struct clht_table *t)
{
	for (size_t i = 0; i <= t->mask; i++) {
		struct clht_bucket *root = &t->buckets[i], *b;
		int64_t n = 0;

		clht_lock(&root->word);
		for (b = root; b != NULL;
		     b = atomic_load_explicit(&b->next, memory_order_relaxed)) {
			for (unsigned j = 0; j < CLHT_SLOTS; j++) {
				if (atomic_load_explicit(
					    &b->val[j], memory_order_relaxed) ==
				    NULL)
					continue;
				clht_slot_clear(b, j, i);
				n++;
			}
		}
		clht_count(&clht_stripe(m)->size, -n);
		clht_unlock(&root->word);
	}
}

static void
clht_clear(struct map *m)
{
	struct clht_table *t, *nt, *dead = NULL;

	clht_count(&clht_stripe(m)->locked, 1);
	pthread_mutex_lock(&m->resize_mu);
	t = atomic_load_explicit(&m->table, memory_order_relaxed);
	nt = clht_table_new(m->min_buckets);
	if (nt == NULL) {
		clht_clear_in_place(m, t);
		clht_set_floors(m, t, clht_size(m));
	} else {
		clht_freeze(t);
		clht_reset_stripes(m, 0, 0);
		/*
		 * Release: nt's (zeroed) buckets before the pointer.
		 * Seq_cst: the replacement the pins are checked against.
		 */
		atomic_store_explicit(&m->table, nt, memory_order_seq_cst);
		atomic_fetch_add_explicit(&m->clears, 1, memory_order_relaxed);
		dead = clht_retire(m, t, nt);
	}
	pthread_mutex_unlock(&m->resize_mu);
	clht_free_tables(dead);
}

static void
clht_stats(struct map *m, struct map_stats *out)
{
	int64_t locked = 0, retries = 0, overflow = 0;

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
	out->locked_ops = (uint64_t)locked;
	out->own[CLHT_C_GROWS] =
		atomic_load_explicit(&m->grows, memory_order_relaxed);
	out->own[CLHT_C_SHRINKS] =
		atomic_load_explicit(&m->shrinks, memory_order_relaxed);
	out->resizes = out->own[CLHT_C_GROWS] + out->own[CLHT_C_SHRINKS];
	out->own[CLHT_C_CLEARS] =
		atomic_load_explicit(&m->clears, memory_order_relaxed);
	out->own[CLHT_C_SIZE_CHECKS] =
		atomic_load_explicit(&m->size_checks, memory_order_relaxed);
	out->own[CLHT_C_RETRIES] = (uint64_t)retries;
	/* No operation in flight: the table stays. */
	out->own[CLHT_C_BUCKETS] =
		atomic_load_explicit(&m->table, memory_order_acquire)->mask + 1;
	out->own[CLHT_C_OVERFLOW] = overflow > 0 ? (uint64_t)overflow : 0;
	out->own[CLHT_C_RETIRED] = 0;
	pthread_mutex_lock(&m->resize_mu);
	for (struct clht_table *t =
		     atomic_load_explicit(&m->retired, memory_order_relaxed);
	     t != NULL; t = t->retired_next)
		out->own[CLHT_C_RETIRED]++;
	pthread_mutex_unlock(&m->resize_mu);
}

/*
 * No operation in flight on m: free every retired table, and return this
 * thread's cached frees to jemalloc's arenas so that its stats count them
 * freed.
 */
static void
clht_quiesce(struct map *m)
{
	struct clht_table *dead;

	pthread_mutex_lock(&m->resize_mu);
	dead = clht_collect(m, true, false);
	pthread_mutex_unlock(&m->resize_mu);
	clht_free_tables(dead);
#ifdef MAPBENCH_HAVE_JEMALLOC
	mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
#endif
}

const struct map_ops clht_ops = {
	.name = "clht",
	.summary = "cache-line hash table (CLHT-LB): 64-byte buckets of 3 "
		   "keys and 3 values, in-place updates, epoch-checked "
		   "lock-free loads, chain locks, tables freed when unpinned",
	.flags = 0,
	.create = clht_create,
	.destroy = clht_destroy,
	.thread_enter = clht_thread_enter,
	.thread_exit = clht_thread_exit,
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
	.quiesce = clht_quiesce,
	.counters = clht_counters,
	.n_counters = CLHT_C_COUNT,
};

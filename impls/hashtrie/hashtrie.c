/*
 * hashtrie: Go 1.24+'s sync.Map (internal/sync.HashTrieMap), in C.
 *
 * Since Go 1.24 sync.Map is no longer the read/dirty design of syncmap.c
 * but a concurrent hash trie.  This file ports that design, following
 * src/internal/sync/hashtriemap.go (the version with LoadAndDelete and
 * Clear): names follow Go's (find, expand, lookup, ...) so that the two
 * can be read side by side.
 *
 * Design
 *
 * Keys are hashed to 64 bits (map_mix64 of the key xor a per-map random
 * seed, a bijection, so two keys never share a full hash).  The trie is
 * 16-way: level L (root = 0) indexes its children with hash bits
 * 63-4L .. 60-4L, so there are at most 16 levels.  Two kinds of node:
 *
 *   indirect  {is_entry = 0, dead, occupied, lock, parent, children[16]}:
 *             an internal node.  Its lock guards its children slots and
 *             the overflow chains hanging from them; `dead` is set when
 *             the node is pruned from its parent; `occupied` has bit j
 *             set iff children[j] is not NULL (ours, not Go's: below).
 *   entry     {is_entry = 1, overflow, key, value}: a leaf.  The key
 *             never changes once published; the value is changed in
 *             place, under the owning node's lock (ours, not Go's:
 *             below), or, with hashtrie:update=copy, never: an update
 *             makes a new entry (Go's copy-on-write).  `overflow` chains
 *             entries whose full hashes are equal, which only the test
 *             hashes (hashtrie:hash=const, hashtrie:hash=trunc4) produce.
 *
 * An indirect node exists for every hash prefix shared by two or more
 * keys; a slot holds NULL, an entry (chain) or an indirect.
 * In-place values change nothing of Go's shape, locking or semantics:
 * the writer takes the same lock as Go's and stores the new value where
 * Go would publish a new entry.  Go copies because its value (an `any`,
 * two words) cannot be replaced atomically; ours is one word.  What goes
 * is the allocation and the retirement per update, which Go 1.23's
 * sync.Map also pays (it boxes every stored value) and syncmap.c does
 * not (it stores the word): update=copy keeps Go's way for comparison.
 * `occupied` changes nothing of Go's shape or semantics: whoever changes
 * a slot between NULL and non-NULL updates it in the same critical
 * section, and it lets Range, Clear and the reuse of retired nodes visit
 * the occupied slots only instead of loading all 16 (see ht_iter()).
 *
 * The root may be NULL (empty): the map starts with root == NULL, and
 * the first insert makes a root with its entry already in it and
 * installs both with one CAS (ht_insert_root()), taking no lock.  Clear
 * exchanges the root with NULL (Go's publishes a fresh empty root: its
 * zero value must work, so its root is never nil), so Clear allocates
 * nothing and cannot fail, and the insert after it takes no lock on a
 * root another thread made (hashtrie_clear()).  Past the first insert
 * the trie has Go's shape.
 *
 * Load is a lock-free descent with no retries: load the root, then one
 * child slot per level, until NULL (miss) or an entry (walk its chain).
 * Range is the same walk over every occupied slot, recursively, each
 * loaded once.  Writers (LoadOrStore, Swap = Store, CompareAndSwap,
 * LoadAndDelete = Delete, CompareAndDelete) descend the same way to the
 * slot where the key is or would go, lock the indirect that owns that
 * slot, and re-check that the slot still holds NULL or an entry and that
 * the node is not dead; if not, they unlock and restart from the root
 * (counted as `restarts`).  Under the lock:
 *
 *   - an insert into a NULL slot stores a new entry;
 *   - an insert into a slot holding another key's entry builds, privately,
 *     the chain of new indirects down to the first level where the two
 *     hashes differ (expand; equal full hashes instead chain the new entry
 *     in front of the old one), then publishes it with one store into the
 *     slot, so readers see both entries or the old one, never neither;
 *   - an update stores the new value into the entry (release); with
 *     update=copy it publishes a new entry (copying the chain tail) where
 *     the old one was, and retires the old one;
 *   - a delete unlinks the entry, then prunes upward: while the node is
 *     empty and not the root, lock its parent (child lock, then parent
 *     lock), mark the node dead, clear the parent's slot, unlock the node
 *     and move up.  Inserters hold one lock at a time and pruners lock
 *     only upward, so no cycle of waits can form.
 *
 * Misses of the value-comparing and deleting operations are lock-free
 * (Go's find): a slot that holds no entry with the key (and, for
 * CompareAndSwap, the value) answers without locking.  As in Go,
 * CompareAndDelete finds by key only and compares the value under the
 * lock; LoadOrStore of a present key answers from the lock-free descent.
 *
 * Memory reclamation (Go's GC, replaced by grace periods of our own)
 *
 * Every operation, writers included, runs from start to end inside one
 * read-side section (sections nest, so Range may call fn inside its own
 * and fn may call anything).  A node is freed, or reused, only after a
 * grace period that begins after it became unreachable:
 *
 *   - replaced entries (Swap, CompareAndSwap under update=copy) and
 *     unlinked entries (deletes) are retired (into a per-thread batch
 *     that waits for a grace period whole; see "Retirement in batches"
 *     below) by the writer that unlinked them, under the owning lock, so
 *     exactly once;
 *   - pruned indirects (marked dead and unlinked) likewise;
 *   - Clear exchanges the root for a fresh one (or NULL) and retires
 *     the old root with everything still reachable from it.
 *
 * Why no reader or writer touches freed memory.  Take an operation whose
 * section starts at time s.  Everything reachable from m->root at s is
 * unretired.  A node's outgoing pointers are only changed while it is
 * linked (under its lock; a dead indirect is empty and is never written
 * again, an unlinked entry is never reached by a locked writer because
 * writers re-walk the chain from the slot under the lock), so when a
 * node is unlinked its pointers are frozen pointing at nodes that are
 * linked at that moment, which are therefore retired later, if ever.  By
 * induction every node an operation reaches from the root it loaded was
 * retired, if at all, after s, and its batch's grace period (which
 * begins at or after the retirement) does not end until the operation's
 * section has ended.  Clear is the same argument with the whole old trie
 * as the retired node: every operation still holding the old root loaded
 * it before the exchange, so its section started before the retirement,
 * and the grace period ends after it.
 *
 * Writers that raced with Clear.  A writer that loaded the old root
 * before the exchange may insert into the old trie afterwards.  Its
 * insert is then lost, exactly as in Go (Clear "drops the root on the
 * floor" and nothing stops a writer holding it), but not leaked: the
 * insert happened inside the writer's section, so before the grace
 * period ended, and what frees or reuses the old trie after the grace
 * period (its own callback, or the thread that takes its batch) walks
 * what is reachable then, the late insert included (the grace period
 * orders the writer's stores before its end: the release store that
 * ends the writer's section and the poller's acquire load of it; the
 * inbox's release and acquire carry that on to the reusing thread).  Nodes the
 * racing writer unlinked from the old trie are no longer reachable from it and
 * are retired on their own, so nothing is freed or reused twice.  The lost
 * insert is not linearisable against the Clear (its publication follows
 * the exchange); Go's HashTrieMap has the same window.  Keeping it would
 * need Clear to mark every indirect dead (O(n)) or writers to re-check
 * the root after publishing with a full fence, which still cannot place
 * the insert on the right side of the Clear; we keep Go's O(1) Clear.
 * A Store that linearises before the Clear (publishes before the
 * exchange) is cleared, as it must be.
 *
 * Memory ordering
 *
 *   - Child slots and overflow links are published with release stores
 *     (insert, expand, copy-on-write update, unlink, prune) and read with
 *     acquire loads on the lock-free paths: each acquire pairs with the
 *     release store that put the pointer there, so the key, value,
 *     overflow and children written before publication are visible.
 *     Nodes built by expand are private until the release store into the
 *     slot, so their own initialising stores are relaxed.
 *   - An entry's value is stored with release, under the node's lock, by
 *     an in-place update, and loaded with acquire by Load, LoadOrStore's
 *     hit, Range and the lock-free compare of CompareAndSwap (a failed
 *     CompareAndSwap is a read that observed it), which therefore see
 *     what the writer wrote before storing it (the pointee of the value,
 *     for a caller's pointer).
 *   - m->large_root, Clear's hint, is relaxed: it orders nothing.
 *   - m->root is installed with a CAS (release on success, so the empty
 *     root's initialisation is published; acquire on failure, pairing
 *     with the winner's release) and loaded with acquire, pairing with
 *     that CAS.  Clear's exchange is acq_rel: release publishes the
 *     fresh root's initialisation, acquire pairs with the CAS or the
 *     exchange that installed the old root, which Clear then reads.
 *   - Under an indirect's lock, slots and chains are re-read relaxed: every
 *     store to them is made under the same lock, whose release (unlock)
 *     pairs with the acquire of our lock.  `dead` and `parent` are plain:
 *     `dead` is only read and written under the node's own lock, `parent`
 *     is written before the node is published and read only by pruners
 *     holding the node's lock.
 *
 * The lock: Go's Mutex is 8 bytes (spin, then park).  We use a 4-byte
 * word (spin, then sleep in timed steps; see "The node lock" below),
 * which keeps an indirect at 160 bytes, a jemalloc size class; glibc's
 * 40-byte pthread_mutex_t makes it 200 bytes, which jemalloc rounds to
 * 224.  Measured at 1,000,000 keys (0.359 indirects per key, entries 48
 * bytes): 105.5 bytes per live key with a 4-byte lock against 128.6
 * with pthread_mutex_t, exactly 48 + 0.359 x 160 and 48 + 0.359 x 224.
 * Build with -DHASHTRIE_PTHREAD_LOCK to compare.
 *
 * Progress: Load and Range are wait-free apart from the descent (at most
 * 16 levels plus a chain that only test hashes make long).  Writers are
 * blocking: they hold one node lock (pruning: two, upward), and restart
 * only when another writer changed the slot or pruned the node.
 *
 * Counters: locked_ops (operations that locked a node), restarts,
 * entries_allocated, indirects_allocated and indirects_pruned are kept
 * per thread: each thread adds to its own shard of the map's counter
 * array (a relaxed load and store in a shard it claimed, a relaxed
 * fetch_add where another thread claimed it first; see struct
 * ht_shard), and only on writer paths, never in Load or Range.  indirect_nodes
 * and depth are LEVEL counters computed by stats() walking the trie.
 *
 * Allocation failure: an operation makes all its allocations (the new
 * entry, the indirects of expand, a lazy root) before its first visible
 * change and returns -ENOMEM with the map unchanged if one fails
 * (CompareAndSwap, which has no error return, returns false).  A root
 * installed by an insert that then fails is an empty indirect, which is
 * not a visible change.  Load and Range never allocate; deletes and
 * Clear never fail: a retirement that cannot get a batch waits for its
 * grace period on its own (ht_gp.later), and Clear allocates nothing.
 */
#define _GNU_SOURCE /* sched_getaffinity, pthread_attr_setaffinity_np */
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/membarrier.h>

#ifdef MAPBENCH_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "alloc.h"
#include "futex_lock.h"
#include "hash.h"
#include "map.h"
#include "rcu.h"

#define CACHE_LINE 64

#define HT_BITS	    4
#define HT_CHILDREN (1u << HT_BITS)
#define HT_MASK	    (HT_CHILDREN - 1)
#define HT_TOPSHIFT 64u /* shift "above" the root level */

/*
 * The node lock
 */

#ifdef HASHTRIE_PTHREAD_LOCK

typedef pthread_mutex_t ht_lock_t;

static inline void
ht_lock_init(ht_lock_t *l)
{
	pthread_mutex_init(l, NULL);
}

static inline void
ht_lock(ht_lock_t *l)
{
	pthread_mutex_lock(l);
}

static inline void
ht_unlock(ht_lock_t *l)
{
	pthread_mutex_unlock(l);
}

#else /* a spin-then-sleep lock of our own */

/*
 * A node lock built for throughput under contention, not for fairness.
 * A waiter pauses HT_LOCK_SPINS times, re-reading the word; then it
 * sleeps HT_LOCK_SLEEP_NS at a time (FUTEX_WAIT with a timeout, on the
 * word's locked value: it returns at once if the lock was freed) and
 * tries again.  Nobody wakes it: unlock is an exchange of the word,
 * never a system call.  A waiter that found the lock
 * taken thus stays away for tens of microseconds (the timeout plus the
 * kernel's timer slack, 50 us by default) while the holder runs on with
 * the node's lines in its cache.  The cost is latency: under contention
 * a waiter's operation takes 20-70 us, and a waiter can lose several
 * times in a row (it retries each time it wakes; each retry finds the
 * lock free with the probability that the holder is between
 * operations).  Operations that find their lock free (every operation
 * of a thread that does not collide) pay one CAS and one exchange, as
 * with the futex lock.
 *
 * Why: two threads writing one node collapse.  With a lock that wakes
 * its sleeper at every unlock (the futex mutex of common/futex_lock.h,
 * used here before), the sleeper came back within microseconds and the
 * two threads traded the node's lines on every operation:
 * gbench SwapMostlyMisses at 2 threads on this 2-CPU machine ran at
 * 110-160 ns per operation, and 64-68 ns when a CPU hog took half of
 * one worker's CPU (less parallelism, more throughput).  Paired runs,
 * 2 threads, one process per workload, 4 each, of this code against the
 * binary with the futex lock and urcu's reclaimer: SwapMostlyMisses
 * 129 -> 43 ns, SwapCollision 96 -> 26, CompareAndSwapCollision 39 ->
 * 34; LoadAndDeleteCollision 37 -> 37, CompareAndDeleteCollision 30 ->
 * 36 (slower).  With this file's grace periods but the futex lock,
 * SwapMostlyMisses ran at 0.68x of that binary (8 of 8 slower): the
 * gain is the lock's.  Spinning instead of sleeping was no better
 * (SwapMostlyMisses, 2 threads, paired, 4 each): 40 pauses before the
 * futex lock parks, 0.79x of 10; a yield after 64 pauses, 228 against
 * 192 ns; exponential backoff in pauses (8 up to 1,024, then this
 * sleep), 76 against 42; 50 or 200 pauses before this sleep, 0.43x and
 * 0.35x of 10.  A futex lock that counts its sleepers and wakes only
 * when one sleeps was slower than the three-state one (0.77x).  Go's
 * sync.Mutex spins briefly and parks, and lets a running goroutine take
 * the lock ahead of a woken one (its starvation mode hands over only
 * after a waiter waited 1 ms).
 * ThreadSanitizer sees the lock through its C11 atomics; TSan builds
 * also call __tsan_acquire/__tsan_release on the word.
 */
#define HT_LOCK_SPINS	 10
#define HT_LOCK_SLEEP_NS 20000

typedef _Atomic uint32_t ht_lock_t;

static inline void
ht_lock_init(ht_lock_t *l)
{
	atomic_init(l, 0);
}

static __attribute__((noinline)) void
ht_lock_slow(ht_lock_t *l)
{
	unsigned spins = 0;

	for (;;) {
		uint32_t c = 0;

		if (++spins <= HT_LOCK_SPINS) {
			map_futex_cpu_relax();
		} else {
			struct timespec ts = {0, HT_LOCK_SLEEP_NS};

			syscall(SYS_futex, (uint32_t *)l, FUTEX_WAIT_PRIVATE, 1,
				&ts, NULL, 0);
		}
		if (atomic_load_explicit(l, memory_order_relaxed) == 0 &&
		    atomic_compare_exchange_weak_explicit(l, &c, 1,
							  memory_order_acquire,
							  memory_order_relaxed))
			return;
	}
}

static inline void
ht_lock(ht_lock_t *l)
{
	uint32_t c = 0;

	/* Acquire: pairs with the release store of ht_unlock(). */
	if (!atomic_compare_exchange_strong_explicit(
		    l, &c, 1, memory_order_acquire, memory_order_relaxed))
		ht_lock_slow(l);
#ifdef MAP_RCU_TSAN
	__tsan_acquire((void *)l);
#endif
}

static inline void
ht_unlock(ht_lock_t *l)
{
#ifdef MAP_RCU_TSAN
	__tsan_release((void *)l);
#endif
	/*
	 * An exchange, not a store: on x86 a locked instruction, so the
	 * critical section's stores have left the store buffer when the
	 * operation returns, and an operation that starts after it on
	 * another CPU sees them (linearizability in real time; with a plain
	 * release store lincheck found violations within a second).
	 */
	atomic_exchange_explicit(l, 0, memory_order_release);
}

#endif /* HASHTRIE_PTHREAD_LOCK */

/*
 * Nodes
 */

struct ht_node {
	bool is_entry;
};

/*
 * What a retired node holds outside a batch: a large trie's root on its
 * way to urcu's call_rcu (HT_RET_BIG), or a node retired when no batch
 * could be had, on ht_gp.later.
 */
union ht_later {
	struct rcu_head rcu;
	struct {
		union ht_later *next;
		uintptr_t obj; /* the node, tagged (HT_RET_*) */
	} single;
};

struct ht_entry {
	struct ht_node n;
	/* Next entry with the same full hash; under the owner's lock. */
	_Atomic(struct ht_node *) overflow;
	uint64_t key;
	/*
	 * Updated in place under the owner's lock (release), read with
	 * acquire on the lock-free paths; immutable with update=copy.
	 */
	_Atomic(void *) value;
	union ht_later later;
};

struct ht_indirect {
	struct ht_node n;
	bool dead; /* under lock */
	/*
	 * Bit j set iff children[j] is not NULL: written under the lock in
	 * the critical section that changes the slot, so exact for the
	 * lock's holders and after a grace period; a hint for Range.
	 */
	_Atomic uint16_t occupied;
	ht_lock_t lock;
	struct ht_indirect *parent; /* NULL for the root */
	_Atomic(struct ht_node *) children[HT_CHILDREN];
	union ht_later later;
};

/*
 * Counters
 */

/*
 * Events, counted per thread; own[] holds the first four, then the two
 * levels stats() computes.  HT_EV_LOCKED is the common locked_ops.
 */
enum {
	HT_EV_RESTARTS,
	HT_EV_ENTRIES,
	HT_EV_INDIRECTS,
	HT_EV_PRUNED,
	HT_EV_LOCKED,
	HT_NEV,
};

enum {
	HT_OWN_LV_INDIRECTS = HT_EV_LOCKED,
	HT_OWN_LV_DEPTH,
	HT_N_OWN,
};

static const struct map_counter hashtrie_counters[HT_N_OWN] = {
	[HT_EV_RESTARTS] = {"restarts", "events",
			    "writer restarts from the root (slot changed or "
			    "node dead)",
			    MAP_COUNTER_EVENTS},
	[HT_EV_ENTRIES] = {"entries_allocated", "entries",
			   "leaf entries allocated (inserts and copy-on-write "
			   "updates)",
			   MAP_COUNTER_EVENTS},
	[HT_EV_INDIRECTS] = {"indirects_allocated", "nodes",
			     "indirect nodes allocated (expand and roots)",
			     MAP_COUNTER_EVENTS},
	[HT_EV_PRUNED] = {"indirects_pruned", "nodes",
			  "empty indirect nodes pruned by deletes",
			  MAP_COUNTER_EVENTS},
	[HT_OWN_LV_INDIRECTS] = {"indirect_nodes", "nodes",
				 "indirect nodes in the trie now (root "
				 "included)",
				 MAP_COUNTER_LEVEL},
	[HT_OWN_LV_DEPTH] = {"depth", "levels",
			     "deepest indirect level now (root = 1; 0 empty)",
			     MAP_COUNTER_LEVEL},
};

_Static_assert(HT_N_OWN <= MAP_OWN_COUNTERS_MAX, "too many own counters");

/*
 * One per thread (modulo HT_SHARDS), two cache lines each.  The first
 * thread to count in a shard claims it (owner, a CAS from 0) and from
 * then on adds to own[] with a plain load and store: no other thread
 * writes own[], so no read-modify-write is needed (a lock-prefixed add
 * per event was a measurable part of a one-key Swap).  A thread that
 * finds the shard claimed by another (more than HT_SHARDS threads, or a
 * thread id that wrapped onto one that ran before) adds to shared[] with
 * fetch_add.  stats() sums both.  Shards are never released: a map that
 * outlives its threads keeps counting, through shared[].
 */
#define HT_SHARDS 64

struct ht_shard {
	alignas(CACHE_LINE) _Atomic uint64_t owner; /* 0: unclaimed */
	_Atomic uint64_t own[HT_NEV];		    /* owner only */
	alignas(CACHE_LINE) _Atomic uint64_t shared[HT_NEV];
};

enum ht_hash_mode {
	HT_HASH_REAL,
	HT_HASH_CONST,	/* every key hashes to 0: one overflow chain */
	HT_HASH_TRUNC4, /* the real hash & 0xF: near collisions */
};

struct map {
	_Atomic(struct ht_indirect *) root; /* NULL: empty */
	/*
	 * A hint for Clear, in root's cache line: the last root to which an
	 * insert gave an indirect child (a trie past one level).
	 */
	_Atomic uintptr_t large_root; /* an address: may be freed since */
	uint64_t seed;
	enum ht_hash_mode hash_mode;
	bool copy_update; /* update=copy: Go's copy-on-write entries */
	struct ht_shard shards[HT_SHARDS];
};

static _Atomic uint64_t ht_thread_seq;
static _Thread_local uint64_t ht_thread_id; /* 0: not assigned yet */

static inline void
ht_count(struct map *m, unsigned ev, uint64_t n)
{
	uint64_t id = ht_thread_id, owner;
	struct ht_shard *sh;

	if (__builtin_expect(id == 0, 0)) {
		/* 64 bits: never wraps in practice, and 0 is skipped. */
		id = atomic_fetch_add_explicit(&ht_thread_seq, 1,
					       memory_order_relaxed) +
		     1;
		ht_thread_id = id;
	}
	sh = &m->shards[id % HT_SHARDS];
	owner = atomic_load_explicit(&sh->owner, memory_order_relaxed);
	if (__builtin_expect(owner == 0, 0)) {
		/* Relaxed: the claim orders nothing else. */
		atomic_compare_exchange_strong_explicit(&sh->owner, &owner, id,
							memory_order_relaxed,
							memory_order_relaxed);
		owner = atomic_load_explicit(&sh->owner, memory_order_relaxed);
	}
	if (__builtin_expect(owner == id, 1))
		atomic_store_explicit(
			&sh->own[ev],
			atomic_load_explicit(&sh->own[ev],
					     memory_order_relaxed) +
				n,
			memory_order_relaxed);
	else
		atomic_fetch_add_explicit(&sh->shared[ev], n,
					  memory_order_relaxed);
}

/*
 * Hashing
 */

static inline uint64_t
ht_hash(const struct map *m, uint64_t key)
{
	switch (m->hash_mode) {
	case HT_HASH_CONST:
		return 0;
	case HT_HASH_TRUNC4:
		return map_mix64(key ^ m->seed) & 0xF;
	default:
		return map_mix64(key ^ m->seed);
	}
}

static inline unsigned
ht_digit(uint64_t hash, unsigned shift)
{
	return (unsigned)(hash >> shift) & HT_MASK;
}

/*
 * Node life cycle
 */

/*
 * A node's kind is in the pointers to it as well as in is_entry: a slot
 * (or any struct ht_node * in this file) that points at an indirect has
 * bit 0 set (HT_TAG_INDIRECT; nodes are malloc-aligned), one that points
 * at an entry has it clear.  Go tests n.isEntry, which loads the child's
 * first cache line before the walk can branch; the tag lets a descent
 * or a Range decide from the slot it already loaded.  is_entry stays,
 * as in Go, and the sanitizer builds check that the two agree.
 */
#define HT_TAG_INDIRECT ((uintptr_t)1)

/*
 * Checks that load a node the operation does not otherwise read (its
 * is_entry against the tag, an indirect's first line on every level of a
 * descent): in the sanitizer builds only (MAPBENCH_DEBUG_CHECKS), not in
 * those that measure.
 */
#ifdef MAPBENCH_DEBUG_CHECKS
#define HT_DEBUG_ASSERT(x) assert(x)
#else
#define HT_DEBUG_ASSERT(x) ((void)0)
#endif

/* n != NULL */
static inline bool
ht_is_entry(const struct ht_node *n)
{
	return ((uintptr_t)n & HT_TAG_INDIRECT) == 0;
}

/* An entry, or NULL. */
static inline struct ht_entry *
ht_entry_of(struct ht_node *n)
{
	HT_DEBUG_ASSERT(ht_is_entry(n) && (n == NULL || n->is_entry));
	return (struct ht_entry *)n;
}

/* A tagged pointer to an indirect, or NULL. */
static inline struct ht_indirect *
ht_indirect_of(struct ht_node *n)
{
	struct ht_indirect *i =
		(struct ht_indirect *)((uintptr_t)n & ~HT_TAG_INDIRECT);

	HT_DEBUG_ASSERT(n == NULL || (!ht_is_entry(n) && !i->n.is_entry));
	return i;
}

/* What a slot holds to point at i: i, tagged. */
static inline struct ht_node *
ht_indirect_node(struct ht_indirect *i)
{
	return (struct ht_node *)((uintptr_t)&i->n | HT_TAG_INDIRECT);
}

/*
 * Under i's lock (or with i private): whether every child slot of i is
 * NULL.
 */
static bool
ht_empty_locked(struct ht_indirect *i)
{
	return atomic_load_explicit(&i->occupied, memory_order_relaxed) == 0;
}

/*
 * Under i's lock (or with i private): slot j went from NULL to a node
 * (set) or back (clear).  Relaxed: the lock orders it for writers;
 * Range reads it as a hint (see ht_iter()).
 */
static inline void
ht_occupy(struct ht_indirect *i, unsigned j, bool set)
{
	uint16_t o = atomic_load_explicit(&i->occupied, memory_order_relaxed);

	o = set ? (uint16_t)(o | 1u << j) : (uint16_t)(o & ~(1u << j));
	atomic_store_explicit(&i->occupied, o, memory_order_relaxed);
}

/*
 * Under i's lock (or with i private): whether `occupied` matches the
 * slots.  For the sanitizer builds' checks (HT_DEBUG_ASSERT).
 */
static inline __attribute__((unused)) bool
ht_occupied_exact(struct ht_indirect *i)
{
	unsigned occ = 0;

	for (unsigned j = 0; j < HT_CHILDREN; j++)
		if (atomic_load_explicit(&i->children[j],
					 memory_order_relaxed) != NULL)
			occ |= 1u << j;
	return occ == atomic_load_explicit(&i->occupied, memory_order_relaxed);
}

/* The slot index of a slot of i. */
static inline unsigned
ht_slot_index(const struct ht_indirect *i, _Atomic(struct ht_node *) *slot)
{
	return (unsigned)(slot - i->children);
}

/*
 * Retirement in batches, reuse after the grace period
 *
 * An unlinked node is not freed on its own: the writer that unlinked it
 * appends it to its thread's open batch (struct ht_batch, an array of
 * tagged pointers), and a full batch goes onto the pending list for the
 * next grace period ("Grace periods" below), which covers all the
 * batches pending when it begins.  After it the nodes are not freed:
 * each batch goes back, whole, to the thread that filled it (its
 * `mine` stack; the nodes were last written on that thread's CPU) or,
 * if that thread has exited, onto a process-wide inbox; a writer that
 * needs a node and has none cached takes its own batches, else one
 * batch from the inbox, moves its nodes into its thread's free lists,
 * and reuses them.  Per retirement that is an array store instead of
 * call_rcu's enqueue and a cross-thread free, and a new node is a list
 * pop instead of a malloc (Go: a bump allocation and an amortised
 * collection).  Whoever ends a grace period touches only the batch,
 * never its nodes.  Clear's old trie, when it has one level, is one
 * retirement (tagged HT_RET_TRIE): whoever takes its batch walks it,
 * keeping what fits its free lists and freeing the rest; a larger trie
 * (HT_RET_BIG) is handed after its grace period to urcu's call_rcu,
 * whose thread frees it.
 *
 * A batch waits for a grace period that starts after its last member was
 * unlinked, later than each member needs.  What is kept is bounded: an
 * open batch per thread (at most HT_BATCH retirements), at most
 * HT_INBOX_MAX batches in the inbox and the threads' reserves together
 * (past that the grace period's end frees the batch's nodes; 512 x 61 entries
 * are 1.5 MB, as many indirects 5.1 MB: about the 4 MB of garbage Go's
 * collector lets a small heap reach), and at most HT_POOL_MAX
 * free entries and as many free indirects per thread.  The inbox is
 * sized for the retirements made between grace periods (HT_GP_PERIOD_NS,
 * more on a loaded machine).
 * thread_exit hands the open batch on and frees the thread's free lists
 * and returned batches; quiesce does the same for the calling thread,
 * waits for a grace period itself (ht_gp_barrier()), frees the inbox
 * and waits for every call_rcu callback, so that settled memory
 * figures count only the tries; destroy does what quiesce does after
 * freeing the trie.
 *
 * If a thread has no batch and none can be allocated, the node waits
 * for the next grace period on its own (through its `later` union, on
 * ht_gp.later) and is freed at its end: a retirement never fails, so
 * deletes and Clear cannot fail.
 *
 * Reused nodes and the lock-free paths: a node is reused only after a
 * grace period that started after it was unlinked, so no operation that
 * could have seen it (each runs inside one read-side section) still
 * holds it; a writer's lock-and-revalidate of a slot pointer it loaded
 * in its section therefore cannot be fooled by a recycled address.
 */
#define HT_BATCH     61	 /* retirements per batch (a 512-byte batch) */
#define HT_INBOX_MAX 512 /* batches waiting in the inbox for reuse */
#define HT_POOL_MAX  512 /* free entries, and free indirects, per thread */

/* What a batch slot holds, in the pointer's low bits. */
enum {
	HT_RET_ENTRY,	 /* an entry */
	HT_RET_INDIRECT, /* an indirect, pruned (so empty) */
	HT_RET_TRIE,	 /* a whole one-level trie, by its root: Clear */
	HT_RET_BIG,	 /* a larger trie, by its root: Clear */
	HT_RET_MASK = 3,
};

struct ht_batch {
	struct ht_batch *next;	 /* on the pending list, then the inbox */
	struct ht_reader *owner; /* the thread that filled it */
	unsigned n;
	uintptr_t obj[HT_BATCH];
};

/* One per thread that ran a section; in the registry until it exits. */
struct ht_reader {
	/* The owner's line, written at each outermost section's ends. */
	/*
	 * 0: in no section; else the grace-period counter read at the
	 * outermost section's entry, plus the sections open (low bits).
	 */
	alignas(CACHE_LINE) _Atomic uint64_t ctr;
	bool registered;
	bool want_poll; /* a batch was flushed: poll when the section ends */
	/*
	 * The pollers' line: next, pprev and wait under ht_reg.mu (pprev
	 * NULL: not in the registry); mine: this thread's batches past
	 * their grace period (ht_batch_after_gp()), pushed under ht_reg.mu,
	 * taken whole by the thread.
	 */
	alignas(CACHE_LINE) struct ht_reader *next;
	struct ht_reader **pprev;
	bool wait; /* the grace period in progress waits for this reader */
	_Atomic(struct ht_batch *) mine;
};

static _Thread_local struct ht_reader ht_me;

/* The registry of readers: every thread that ran a section. */
static struct {
	pthread_mutex_t mu;
	struct ht_reader *head;
	pthread_key_t key; /* its destructor unregisters an exiting thread */
	pthread_once_t once;
} ht_reg = {
	.mu = PTHREAD_MUTEX_INITIALIZER,
	.once = PTHREAD_ONCE_INIT,
};

/*
 * Batches past their grace period whose thread has exited: a stack.
 * Pushes are lock-free (whoever ends a grace period, a thread that
 * unregisters); pops take `pop`, so that a pop's read of top->next cannot
 * be overtaken by another pop (no ABA: only pushes run beside it, and
 * they only make its CAS fail).  Writers pop one batch at a time, so
 * that no writer holds the whole inbox as a private reserve while
 * another finds it empty and mallocs.
 */
static struct {
	alignas(CACHE_LINE) _Atomic(struct ht_batch *) top;
	atomic_uint n;
	map_futex_lock_t pop;
} ht_inbox;

/* Per thread: the open batch and the free lists (all private). */
struct ht_cache {
	struct ht_batch *open;	    /* retirements not yet flushed */
	struct ht_batch *spare;	    /* an empty batch, for the next open one */
	struct ht_batch *reserve;   /* taken from the inbox, not yet used */
	struct ht_entry *free_e;    /* linked through overflow */
	struct ht_indirect *free_i; /* linked through parent */
	unsigned n_free_e, n_free_i;
};

static _Thread_local struct ht_cache ht_cache;

static void
ht_indirect_free(struct ht_indirect *i)
{
#ifdef HASHTRIE_PTHREAD_LOCK
	pthread_mutex_destroy(&i->lock);
#endif
	map_free(i);
}

/*
 * Free a whole subtree now.  Only when no other thread can reach it:
 * destroy, a batch's trie after its grace period, and expand's failure
 * path (never published).  Relaxed loads: whoever wrote the slots
 * happens-before us by the grace period or by program order.  Recursion
 * depth is at most 16 levels.
 */
static void
ht_free_subtree(struct ht_node *n)
{
	if (n == NULL)
		return;
	if (ht_is_entry(n)) {
		struct ht_entry *e = ht_entry_of(n);

		while (e != NULL) {
			struct ht_entry *next =
				ht_entry_of(atomic_load_explicit(
					&e->overflow, memory_order_relaxed));
			map_free(e);
			e = next;
		}
		return;
	}
	struct ht_indirect *i = ht_indirect_of(n);

	for (unsigned j = 0; j < HT_CHILDREN; j++)
		ht_free_subtree(atomic_load_explicit(&i->children[j],
						     memory_order_relaxed));
	ht_indirect_free(i);
}

static void
ht_clear_cb(struct rcu_head *head)
{
	map_rcu_callback_begin();
	ht_free_subtree(ht_indirect_node(
		caa_container_of(head, struct ht_indirect, later.rcu)));
}

static _Thread_local bool ht_in_reclaimer; /* ht_gp_thread() */

/*
 * A large trie past its grace period goes to urcu's call_rcu, whose
 * thread frees it, out of the writer's operation (urcu's own grace
 * period is not needed, but costs little here); every thread that
 * retires is registered with urcu.  The reclaimer, which is not (urcu's
 * registry does not survive fork() for threads that are not in the
 * child), frees it itself.
 */
static void
ht_big_free(struct ht_indirect *root)
{
	if (ht_in_reclaimer)
		ht_free_subtree(ht_indirect_node(root));
	else
		urcu_memb_call_rcu(&root->later.rcu, ht_clear_cb);
}

/* Free what a batch slot holds (after its grace period). */
static void
ht_obj_free(uintptr_t o)
{
	void *p = (void *)(o & ~(uintptr_t)HT_RET_MASK);

	switch (o & HT_RET_MASK) {
	case HT_RET_ENTRY:
		map_free(p);
		break;
	case HT_RET_INDIRECT:
		ht_indirect_free(p);
		break;
	case HT_RET_TRIE:
		ht_free_subtree(ht_indirect_node(p));
		break;
	default:
		ht_big_free(p);
		break;
	}
}

static void
ht_batch_free(struct ht_batch *b)
{
	for (unsigned k = 0; k < b->n; k++)
		ht_obj_free(b->obj[k]);
	map_free(b);
}

/*
 * Whether r is in the registry (caller holds ht_reg.mu).  By address
 * only: r may be the record of a thread that has exited, whose memory
 * is gone or belongs to a new thread (then the batch goes to that one:
 * any thread may reuse it).
 */
static bool
ht_reader_listed(const struct ht_reader *r)
{
	for (const struct ht_reader *q = ht_reg.head; q != NULL; q = q->next)
		if (q == r)
			return true;
	return false;
}

/* Onto the inbox (it is counted in ht_inbox.n). */
static void
ht_inbox_push(struct ht_batch *b)
{
	struct ht_batch *top;

	top = atomic_load_explicit(&ht_inbox.top, memory_order_relaxed);
	do
		b->next = top;
	/*
	 * Release: pairs with the acquire loads in ht_inbox_take(), so
	 * the grace period this batch waited for happens before the reuse
	 * of its nodes.
	 */
	while (!atomic_compare_exchange_weak_explicit(&ht_inbox.top, &top, b,
						      memory_order_release,
						      memory_order_relaxed));
}

/* A list of batches through next onto the inbox (they stay counted). */
static void
ht_inbox_push_list(struct ht_batch *b)
{
	while (b != NULL) {
		struct ht_batch *next = b->next;

		ht_inbox_push(b);
		b = next;
	}
}

/*
 * After a batch's grace period, under ht_reg.mu: back to the thread that
 * filled it if that one is still registered, else onto the inbox; freed
 * if HT_INBOX_MAX batches wait already.  Returns whether it freed.
 */
static bool
ht_batch_after_gp(struct ht_batch *b)
{

	if (atomic_fetch_add_explicit(&ht_inbox.n, 1, memory_order_relaxed) >=
	    HT_INBOX_MAX) {
		atomic_fetch_sub_explicit(&ht_inbox.n, 1, memory_order_relaxed);
		ht_batch_free(b);
		return true;
	}
	if (ht_reader_listed(b->owner)) {
		struct ht_batch *top = atomic_load_explicit(
			&b->owner->mine, memory_order_relaxed);

		/*
		 * Back to the thread that filled it: its nodes were last
		 * written by that thread, likely still in its CPU's cache.
		 * Release: pairs with the acquire exchange in
		 * ht_take_mine().
		 */
		do
			b->next = top;
		while (!atomic_compare_exchange_weak_explicit(
			&b->owner->mine, &top, b, memory_order_release,
			memory_order_relaxed));
		return false;
	}
	ht_inbox_push(b);
	return false;
}

/*
 * Every batch in the inbox, as a private list through next.  They stay
 * counted in ht_inbox.n until they are used or freed (ht_batch_done()).
 */
static struct ht_batch *
ht_inbox_take(bool all)
{
	struct ht_batch *b;

	/* Relaxed first: most calls find it empty and must not write it. */
	if (atomic_load_explicit(&ht_inbox.top, memory_order_relaxed) == NULL)
		return NULL;
	map_futex_lock(&ht_inbox.pop);
	/* Acquire: pairs with the release CAS in ht_batch_after_gp(). */
	if (all) {
		b = atomic_exchange_explicit(&ht_inbox.top, NULL,
					     memory_order_acquire);
	} else {
		b = atomic_load_explicit(&ht_inbox.top, memory_order_acquire);
		while (b != NULL &&
		       !atomic_compare_exchange_weak_explicit(
			       &ht_inbox.top, &b, b->next, memory_order_acquire,
			       memory_order_acquire))
			;
		if (b != NULL)
			b->next = NULL;
	}
	map_futex_unlock(&ht_inbox.pop);
	return b;
}

/* The calling thread's own batches past their grace period, or NULL. */
static struct ht_batch *
ht_take_mine(void)
{
	/* Relaxed first: most calls find it empty and must not write it. */
	if (atomic_load_explicit(&ht_me.mine, memory_order_relaxed) == NULL)
		return NULL;
	/* Acquire: pairs with the release CAS in ht_batch_after_gp(). */
	return atomic_exchange_explicit(&ht_me.mine, NULL,
					memory_order_acquire);
}

/* A batch taken from the inbox was used or freed: uncount it. */
static inline void
ht_batch_done(void)
{
	atomic_fetch_sub_explicit(&ht_inbox.n, 1, memory_order_relaxed);
}

/* Free lists: nodes no other thread can reach. */
static void
ht_pool_put_entry(struct ht_cache *c, struct ht_entry *e)
{
	if (c->n_free_e >= HT_POOL_MAX) {
		map_free(e);
		return;
	}
	/* Relaxed: the entry is private now. */
	atomic_store_explicit(&e->overflow, (struct ht_node *)c->free_e,
			      memory_order_relaxed);
	c->free_e = e;
	c->n_free_e++;
}

/* i must be empty (every slot NULL): see ht_indirect_new(). */
static void
ht_pool_put_indirect(struct ht_cache *c, struct ht_indirect *i)
{
	if (c->n_free_i >= HT_POOL_MAX) {
		ht_indirect_free(i);
		return;
	}
	i->parent = c->free_i;
	c->free_i = i;
	c->n_free_i++;
}

/*
 * Everything in a subtree nobody else can reach, onto the free lists.
 * Each indirect's slots are cleared as they are read (the lines are
 * fetched for the reading anyway), so that every indirect on a free
 * list is empty and ht_indirect_new() need not clear it.
 */
static void
ht_pool_put_subtree(struct ht_cache *c, struct ht_node *n)
{
	if (n == NULL)
		return;
	if (ht_is_entry(n)) {
		struct ht_entry *e = ht_entry_of(n);

		while (e != NULL) {
			struct ht_entry *next =
				ht_entry_of(atomic_load_explicit(
					&e->overflow, memory_order_relaxed));
			ht_pool_put_entry(c, e);
			e = next;
		}
		return;
	}
	struct ht_indirect *i = ht_indirect_of(n);
	unsigned occ = atomic_load_explicit(&i->occupied, memory_order_relaxed);

	/* Exact here: every writer's section ended before the grace period. */
	for (; occ != 0; occ &= occ - 1) {
		unsigned j = (unsigned)__builtin_ctz(occ);

		ht_pool_put_subtree(c,
				    atomic_load_explicit(&i->children[j],
							 memory_order_relaxed));
		atomic_store_explicit(&i->children[j], NULL,
				      memory_order_relaxed);
	}
	atomic_store_explicit(&i->occupied, 0, memory_order_relaxed);
	ht_pool_put_indirect(c, i);
}

/*
 * The nodes of a batch were last touched a grace period ago and are
 * likely out of the cache: fetch the one HT_PREFETCH ahead (for writing:
 * the free lists write each node) while this one is handled.
 */
#define HT_PREFETCH 4

static inline void
ht_prefetch_obj(uintptr_t o)
{
	const char *p = (const char *)(o & ~(uintptr_t)HT_RET_MASK);

	__builtin_prefetch(p, 1);
	if ((o & HT_RET_MASK) == HT_RET_TRIE) {
		/* The slots, read and cleared by ht_pool_put_subtree(). */
		__builtin_prefetch(p + CACHE_LINE, 1);
		__builtin_prefetch(p + 2 * CACHE_LINE, 1);
	}
}

/*
 * Refill the free lists from the batches past their grace period, one
 * batch from the inbox at a time, until the list that ran dry (entries,
 * or indirects with `want_indirect`) has nodes.  A batch stays counted
 * in ht_inbox.n until it is used.  Each batch's nodes are past their
 * grace period (the acquire in ht_inbox_take()).
 */
static void
ht_pool_refill(struct ht_cache *c, bool want_indirect)
{
	if (c->reserve == NULL && (c->reserve = ht_take_mine()) == NULL)
		c->reserve = ht_inbox_take(false);
	while (c->reserve != NULL) {
		struct ht_batch *b = c->reserve;

		c->reserve = b->next;
		for (unsigned k = 0; k < b->n; k++) {
			uintptr_t o = b->obj[k];
			void *p = (void *)(o & ~(uintptr_t)HT_RET_MASK);

			if (k + HT_PREFETCH < b->n)
				ht_prefetch_obj(b->obj[k + HT_PREFETCH]);

			switch (o & HT_RET_MASK) {
			case HT_RET_ENTRY:
				ht_pool_put_entry(c, p);
				break;
			case HT_RET_INDIRECT:
				ht_pool_put_indirect(c, p);
				break;
			case HT_RET_TRIE:
				ht_pool_put_subtree(c, ht_indirect_node(p));
				break;
			default:
				ht_big_free(p);
				break;
			}
		}
		ht_batch_done();
		b->n = 0;
		if (c->spare == NULL)
			c->spare = b;
		else
			map_free(b);
		if (want_indirect ? c->free_i != NULL : c->free_e != NULL)
			break;
		if (c->reserve == NULL && (c->reserve = ht_take_mine()) == NULL)
			c->reserve = ht_inbox_take(false);
	}
}

/* Free the calling thread's free lists, spare batch and reserve. */
static void
ht_pool_release(struct ht_cache *c)
{
	while (c->free_e != NULL) {
		struct ht_entry *e = c->free_e;

		c->free_e = ht_entry_of(atomic_load_explicit(
			&e->overflow, memory_order_relaxed));
		map_free(e);
	}
	while (c->free_i != NULL) {
		struct ht_indirect *i = c->free_i;

		c->free_i = i->parent;
		ht_indirect_free(i);
	}
	c->n_free_e = c->n_free_i = 0;
	map_free(c->spare);
	c->spare = NULL;
	if (c->reserve == NULL)
		c->reserve = ht_take_mine();
	while (c->reserve != NULL) {
		struct ht_batch *b = c->reserve;

		c->reserve = b->next;
		ht_batch_free(b);
		ht_batch_done();
		if (c->reserve == NULL)
			c->reserve = ht_take_mine();
	}
}

/* Free every batch in the inbox (their grace periods are over). */
static void
ht_inbox_free(void)
{
	struct ht_batch *b = ht_inbox_take(true);

	while (b != NULL) {
		struct ht_batch *next = b->next;

		ht_batch_free(b);
		ht_batch_done();
		b = next;
	}
}

/*
 * Grace periods: hashtrie's own, polled by the writers
 *
 * hashtrie's operations do not run in urcu's read-side sections but in
 * sections of its own, with urcu-memb's reader protocol and a
 * grace-period detector that never blocks: a grace period is begun and
 * finished by whichever thread polls (a writer at the end of its
 * operation, the reclaimer thread, a barrier), in steps, and nobody
 * waits for a reader.  With urcu, a thread of ours called
 * urcu_memb_synchronize_rcu() for each round, and at 2 threads on 2 CPUs
 * that third thread had to preempt a worker to run: it then waited for
 * the sections of the very worker it had preempted (futex sleeps, a
 * wakeup from the worker's unlock, a reschedule, and one membarrier per
 * pass of urcu's wait loop).  Counted in gbench's Clear at 2 threads:
 * 39-238 grace periods per run against 1,800 at 1 thread, 25,000-48,000
 * batches freed because the inbox overflowed while they waited, and
 * 8,000-14,000 membarrier calls, whose IPIs were a quarter of the
 * 2-thread profiles.  Here a grace period costs one membarrier and a
 * look at every registered thread's word, and a worker's own polls
 * finish it as soon as the other worker has ended the operation it was
 * in.
 *
 * Readers (ht_read_lock(), ht_read_unlock(); they nest): each thread
 * that runs a section has a record (struct ht_reader) in a registry.
 * Entering the outermost section stores the grace-period counter
 * (ht_gpc.ctr, a multiple of HT_GP_ONE) plus 1 into the record's ctr,
 * then a compiler barrier; inner sections add and remove 1; leaving the
 * outermost stores 0 (release).  That is urcu-memb's read side, without
 * its wakeup check (and so at most 65,535 nested sections, as urcu's).
 * Without sys_membarrier (an old kernel) the entry has a full fence
 * after the store, as urcu-memb's has.
 *
 * A grace period (ht_gp_begin(), ht_gp_readers_done(), ht_gp_end()),
 * under ht_gp.round: take every batch pending, call membarrier (every
 * CPU running one of our threads executes a full barrier: a reader's
 * accesses before that point are visible to us after the call, its
 * accesses after it see everything we and the batches' writers did
 * before the call), increment the counter to T, then mark every
 * registered reader as waited for.  A reader is done when its ctr reads
 * 0 or >= T (acquire):
 *   - 0: its section, if it had one at the barrier, has ended (its
 *     release store of 0 orders all of it before our load), and a
 *     section it enters later stored its ctr after its barrier point, so
 *     its loads come after it and cannot reach a node unlinked before
 *     the batch was pushed;
 *   - >= T: it loaded the counter after our increment, so after its
 *     barrier point: likewise.
 * A reader still inside a section begun before its barrier point shows
 * a ctr in 1..T-1 until that section ends, so it is waited for.  A
 * section that loaded the counter long ago and stores it late shows an
 * old value and is waited for too, needlessly but safely.  The counter
 * has 64 bits and never wraps, so one pass suffices: urcu's two phases
 * exist for its one-bit parity (urcu-qsbr compares a 64-bit counter in
 * one pass the same way).  Threads registered after the barrier (the
 * registry's mutex is held around it) start sections after it and are
 * not waited for; a thread that unregisters is outside every section.
 * When every reader is done the batches go to the inbox as before.
 *
 * Who polls (ht_gp_poll_locked()): a writer that closed a batch, at the
 * end of its outermost section (ht_read_unlock(), want_poll), if it gets
 * ht_gp.round without waiting (trylock) and either a grace period is in
 * progress (it tries to finish it) or HT_GP_PERIOD_NS have passed since
 * the last one began (it begins one; at 1 thread the writer itself is
 * then the only reader and the grace period ends at once); the reclaimer
 * thread every HT_GP_SLEEP_NS, so that batches of threads that stopped
 * writing are still handed on; and a barrier (quiesce, destroy), which
 * alone waits, sleeping between polls.  No operation ever waits for a
 * grace period, so a section that waits for another thread (a Range
 * callback taking a lock its caller's writer holds) cannot deadlock
 * with a writer.  A long section delays reuse: writers then allocate.
 *
 * Retirements without a batch (no memory for one) go onto ht_gp.later
 * on their own, linked through the node's `later` union, and are freed
 * at the end of the next grace period.  A large trie (Clear) is retired
 * into a batch as HT_RET_BIG and, once its grace period is over, handed
 * to urcu's call_rcu, whose thread frees it (its own grace period is
 * not needed, but the work leaves the writer's operation).
 *
 * fork(): the prepare handler takes ht_gp.round, the registry's mutex
 * and the inbox's; the child keeps only its own record in the registry
 * (the other threads do not exist there) and has no reclaimer; it
 * starts one on its next flush.  Forking inside a section is not
 * supported.
 */
/*
 * The period: each grace period costs a membarrier (an IPI to every
 * other CPU running one of our threads) and sends batches back for
 * reuse sooner, when their lines are likelier to be in the other CPU's
 * cache.  gbench, 2 threads, paired with the urcu reclaimer's binary
 * (8 runs each, vCPUs together): CompareAndDeleteMostlyHits 0.61x at
 * 20 us, 0.88x at 100 us, 1.00x at 500 us, 1.16x at 2 ms (0.83x with
 * the vCPUs apart); Clear 0.98x, 1.24x, 1.40x, 1.43x.  Longer periods
 * keep more batches waiting: at 1 thread Clear retires tens of millions
 * of nodes a second, and 500 us of them fit the inbox's 512 batches.
 */
#define HT_GP_PERIOD_NS	  500000  /* writers begin at most one per period */
#define HT_GP_SLEEP_NS	  1000000 /* between the reclaimer's polls */
#define HT_GP_IDLE_ROUNDS 100	  /* idle polls (100 ms) before it exits */

/*
 * The grace-period counter counts in its bits above HT_NEST_MASK; a
 * reader's ctr adds its sections' nesting below them.
 */
#define HT_NEST_MASK UINT64_C(0xffff)
#define HT_GP_ONE    (HT_NEST_MASK + 1)

/* Read by every section's entry; written once per grace period. */
static struct {
	alignas(CACHE_LINE) _Atomic uint64_t ctr;
	bool membarrier; /* readers need only a compiler barrier */
} ht_gpc = {.ctr = HT_GP_ONE};

static struct {
	alignas(CACHE_LINE) _Atomic(struct ht_batch *) pending;
	_Atomic(union ht_later *) later; /* retirements without a batch */
	_Atomic uint64_t began_ns;	 /* when the last grace period began */
	atomic_bool busy;		 /* one is in progress (a hint) */
	atomic_bool running; /* a reclaimer exists or is being started */
	pthread_mutex_t round;
	pthread_once_t once;
	/* Under round: the grace period in progress, if busy. */
	uint64_t target, ended;
	struct ht_batch *batches;
	union ht_later *singles;
} ht_gp = {
	.round = PTHREAD_MUTEX_INITIALIZER,
	.once = PTHREAD_ONCE_INIT,
};

/*
 * At load time, before any thread of ours exists: use sys_membarrier
 * if the kernel has the private expedited command (Linux 4.14).
 */
__attribute__((constructor)) static void
ht_membarrier_init(void)
{
	long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);

	ht_gpc.membarrier =
		cmds >= 0 && (cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED) &&
		syscall(__NR_membarrier,
			MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}

/*
 * A full fence, for the paths without sys_membarrier.  GCC refuses
 * atomic_thread_fence under ThreadSanitizer (which does not model
 * fences); there a sequentially consistent read-modify-write of a
 * private word stands in (a locked instruction on x86), and TSan sees
 * the sections through ctr's release and acquire.
 */
static inline void
ht_smp_mb(void)
{
#ifdef MAP_RCU_TSAN
	static _Thread_local _Atomic unsigned fence_word;

	atomic_fetch_add_explicit(&fence_word, 0, memory_order_seq_cst);
#else
	atomic_thread_fence(memory_order_seq_cst);
#endif
}

/* A full barrier on every CPU that runs one of our threads. */
static void
ht_membarrier(void)
{
	if (!ht_gpc.membarrier) {
		ht_smp_mb();
		return;
	}
	/* It cannot fail once registered; if it did, no reader is safe. */
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) !=
	    0)
		abort();
}

static uint64_t
ht_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
ht_reader_unregister(void *arg)
{
	struct ht_reader *r = arg;
	struct ht_batch *b;

	pthread_mutex_lock(&ht_reg.mu);
	*r->pprev = r->next;
	if (r->next != NULL)
		r->next->pprev = r->pprev;
	r->pprev = NULL;
	/* Acquire: as ht_take_mine(); the batches stay counted. */
	b = atomic_exchange_explicit(&r->mine, NULL, memory_order_acquire);
	pthread_mutex_unlock(&ht_reg.mu);
	ht_inbox_push_list(b);
	r->registered = false;
}

static void
ht_reg_init(void)
{
	/* Without the key an exiting thread would stay in the registry. */
	if (pthread_key_create(&ht_reg.key, ht_reader_unregister) != 0)
		abort();
}

static __attribute__((noinline, cold)) void
ht_reader_register(struct ht_reader *r)
{
	pthread_once(&ht_reg.once, ht_reg_init);
	pthread_mutex_lock(&ht_reg.mu);
	r->wait = false;
	r->next = ht_reg.head;
	if (r->next != NULL)
		r->next->pprev = &r->next;
	r->pprev = &ht_reg.head;
	ht_reg.head = r;
	pthread_mutex_unlock(&ht_reg.mu);
	pthread_setspecific(ht_reg.key, r);
	r->registered = true;
}

/*
 * Caller holds ht_gp.round: whether every reader the grace period in
 * progress waits for is done (see the essay above).
 */
static bool
ht_gp_readers_done(void)
{
	bool done = true;

	pthread_mutex_lock(&ht_reg.mu);
	for (struct ht_reader *r = ht_reg.head; r != NULL; r = r->next) {
		uint64_t c;

		if (!r->wait)
			continue;
		/*
		 * Acquire: pairs with the release store of 0 in
		 * ht_read_unlock(), so the reader's section happens before
		 * whatever reuses or frees the batches' nodes.
		 */
		c = atomic_load_explicit(&r->ctr, memory_order_acquire);
		if (c == 0 || c >= ht_gp.target)
			r->wait = false;
		else
			done = false;
	}
	pthread_mutex_unlock(&ht_reg.mu);
	return done;
}

/* Caller holds ht_gp.round and no grace period is in progress. */
static void
ht_gp_begin(struct ht_batch *b, union ht_later *l)
{
	uint64_t t;

	ht_gp.batches = b;
	ht_gp.singles = l;
	pthread_mutex_lock(&ht_reg.mu);
	/*
	 * The batches' pushes (release) happen before our acquire exchange
	 * of the pending list, and so before this barrier.
	 */
	ht_membarrier();
	t = atomic_load_explicit(&ht_gpc.ctr, memory_order_relaxed) + HT_GP_ONE;
	/* Release: a reader that loads t loads after the barrier above. */
	atomic_store_explicit(&ht_gpc.ctr, t, memory_order_release);
	ht_gp.target = t;
	for (struct ht_reader *r = ht_reg.head; r != NULL; r = r->next)
		r->wait = true;
	pthread_mutex_unlock(&ht_reg.mu);
	atomic_store_explicit(&ht_gp.busy, true, memory_order_relaxed);
}

enum {
	HT_POLL_WORK = 1,  /* a grace period began or ended */
	HT_POLL_FREED = 2, /* and something was freed */
	HT_POLL_BUSY = 4,  /* one is still in progress */
};

/*
 * Caller holds ht_gp.round; every reader is done: hand the batches on,
 * free the single retirements.  Returns HT_POLL_WORK, with
 * HT_POLL_FREED if something was freed.
 */
static int
ht_gp_end(void)
{
	struct ht_batch *b = ht_gp.batches;
	union ht_later *l = ht_gp.singles;
	int ret = HT_POLL_WORK;

	map_rcu_callback_begin();	/* TSan: the grace period, stated */
	pthread_mutex_lock(&ht_reg.mu); /* the owners stay registered */
	while (b != NULL) {
		struct ht_batch *next = b->next;

		if (ht_batch_after_gp(b))
			ret |= HT_POLL_FREED;
		b = next;
	}
	pthread_mutex_unlock(&ht_reg.mu);
	while (l != NULL) {
		union ht_later *next = l->single.next;

		ht_obj_free(l->single.obj);
		ret |= HT_POLL_FREED;
		l = next;
	}
	ht_gp.batches = NULL;
	ht_gp.singles = NULL;
	ht_gp.ended = ht_gp.target;
	atomic_store_explicit(&ht_gp.busy, false, memory_order_relaxed);
	return ret;
}

/*
 * Caller holds ht_gp.round, outside any section of its own (inside one,
 * a grace period it begins waits for the caller too, harmlessly).
 * Finish the grace period in progress if its readers are done; then, if
 * none is in progress and something is pending, begin one when `force`
 * or when HT_GP_PERIOD_NS have passed since the last began, and finish
 * it at once if it can be.  Returns HT_POLL_* bits.
 */
static int
ht_gp_poll_locked(bool force)
{
	struct ht_batch *b;
	union ht_later *l;
	uint64_t now;
	int ret = 0;

	if (atomic_load_explicit(&ht_gp.busy, memory_order_relaxed)) {
		if (!ht_gp_readers_done())
			return HT_POLL_BUSY;
		ret = ht_gp_end();
	}
	now = ht_now_ns();
	if (!force &&
	    now - atomic_load_explicit(&ht_gp.began_ns, memory_order_relaxed) <
		    HT_GP_PERIOD_NS)
		return ret;
	/*
	 * Relaxed first: most polls find nothing.  Acquire: pairs with the
	 * release CAS in ht_flush() or ht_retire(), so the unlinking of
	 * every member happens before the grace period begins.
	 */
	b = atomic_load_explicit(&ht_gp.pending, memory_order_relaxed) == NULL
		    ? NULL
		    : atomic_exchange_explicit(&ht_gp.pending, NULL,
					       memory_order_acquire);
	l = atomic_load_explicit(&ht_gp.later, memory_order_relaxed) == NULL
		    ? NULL
		    : atomic_exchange_explicit(&ht_gp.later, NULL,
					       memory_order_acquire);
	if (b == NULL && l == NULL)
		return ret;
	atomic_store_explicit(&ht_gp.began_ns, now, memory_order_relaxed);
	ht_gp_begin(b, l);
	if (!ht_gp_readers_done())
		return ret | HT_POLL_WORK | HT_POLL_BUSY;
	return ret | ht_gp_end();
}

/*
 * A writer that flushed a batch, at the end of its outermost section:
 * poll if it can without waiting and there is something to do.
 */
static __attribute__((noinline)) void
ht_gp_poll_writer(struct ht_reader *r)
{
	r->want_poll = false;
	if (!atomic_load_explicit(&ht_gp.busy, memory_order_relaxed) &&
	    ht_now_ns() - atomic_load_explicit(&ht_gp.began_ns,
					       memory_order_relaxed) <
		    HT_GP_PERIOD_NS)
		return;
	if (pthread_mutex_trylock(&ht_gp.round) != 0)
		return;
	ht_gp_poll_locked(false);
	pthread_mutex_unlock(&ht_gp.round);
}

/* Begin a read-side section (they nest). */
static inline void
ht_read_lock(void)
{
	struct ht_reader *r = &ht_me;
	/* Relaxed: only this thread stores its ctr. */
	uint64_t c = atomic_load_explicit(&r->ctr, memory_order_relaxed);

	if (__builtin_expect(c & HT_NEST_MASK, 0)) {
		atomic_store_explicit(&r->ctr, c + 1, memory_order_relaxed);
		return;
	}
	if (__builtin_expect(!r->registered, 0))
		ht_reader_register(r);
	/*
	 * Relaxed, then a compiler barrier: a poller's membarrier orders
	 * this store before the section's loads (see the essay).  Without
	 * sys_membarrier, a fence: with the poller's fence after its pushes
	 * and before its load of ctr, either the poller sees this store or
	 * the section's loads see the unlinking.
	 */
	atomic_store_explicit(
		&r->ctr,
		atomic_load_explicit(&ht_gpc.ctr, memory_order_relaxed) | 1,
		memory_order_relaxed);
	if (__builtin_expect(ht_gpc.membarrier, 1))
		atomic_signal_fence(memory_order_seq_cst);
	else
		ht_smp_mb();
}

/* End a read-side section; the outermost one polls if asked to. */
static inline void
ht_read_unlock(void)
{
	struct ht_reader *r = &ht_me;
	uint64_t c = atomic_load_explicit(&r->ctr, memory_order_relaxed);

	if (__builtin_expect((c & HT_NEST_MASK) != 1, 0)) {
		atomic_store_explicit(&r->ctr, c - 1, memory_order_relaxed);
		return;
	}
#ifdef MAP_RCU_TSAN
	__tsan_release(&map_rcu_tsan_grace);
#endif
	/* Release: pairs with the acquire load in ht_gp_readers_done(). */
	atomic_store_explicit(&r->ctr, 0, memory_order_release);
	if (__builtin_expect(r->want_poll, 0))
		ht_gp_poll_writer(r);
}

/*
 * fork(): the child inherits neither a half-done grace period step,
 * nor a half-changed registry, nor a half-done inbox pop (the locks are
 * taken around the fork).  Forking inside a section is not supported.
 */
static void
ht_gp_prefork(void)
{
	pthread_mutex_lock(&ht_gp.round);
	pthread_mutex_lock(&ht_reg.mu);
	map_futex_lock(&ht_inbox.pop);
}

static void
ht_gp_postfork_parent(void)
{
	map_futex_unlock(&ht_inbox.pop);
	pthread_mutex_unlock(&ht_reg.mu);
	pthread_mutex_unlock(&ht_gp.round);
}

static void
ht_gp_postfork_child(void)
{
	atomic_store_explicit(&ht_gp.running, false, memory_order_relaxed);
	map_futex_lock_init(&ht_inbox.pop);
	/*
	 * The other threads are not in this process: their records leave
	 * the registry, their returned batches go to the inbox.
	 */
	for (struct ht_reader *r = ht_reg.head, *rn; r != NULL; r = rn) {
		rn = r->next;
		if (r == &ht_me)
			continue;
		r->pprev = NULL;
		ht_inbox_push_list(atomic_exchange_explicit(
			&r->mine, NULL, memory_order_relaxed));
	}
	ht_reg.head = NULL;
	if (ht_me.registered) {
		ht_me.next = NULL;
		ht_me.pprev = &ht_reg.head;
		ht_reg.head = &ht_me;
	}
	pthread_mutex_unlock(&ht_reg.mu);
	pthread_mutex_unlock(&ht_gp.round);
}

/*
 * The CPUs the process may use, read at load time by the main thread
 * (before any thread is pinned): the reclaimer gets them all, not the CPU
 * of the (possibly pinned) worker that happens to start it, so that it
 * runs where the other maps' helper threads run (urcu's call_rcu thread,
 * started by an unpinned thread) and not on one worker's CPU.
 */
static cpu_set_t ht_gp_cpus;
static bool ht_gp_have_cpus;

__attribute__((constructor)) static void
ht_gp_cpus_init(void)
{
	ht_gp_have_cpus =
		sched_getaffinity(0, sizeof(ht_gp_cpus), &ht_gp_cpus) == 0;
}

static void
ht_gp_init(void)
{
	pthread_atfork(ht_gp_prefork, ht_gp_postfork_parent,
		       ht_gp_postfork_child);
}

/*
 * Return the calling thread's cached frees to the arenas, after a
 * barrier's grace period freed batches, so that settled memory figures
 * do not count them.  The reclaimer itself runs without a thread cache
 * (ht_gp_thread()).
 */
static void
ht_gp_flush_tcache(void)
{
#ifdef MAPBENCH_HAVE_JEMALLOC
	mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
#endif
}

/*
 * The reclaimer: polls every HT_GP_SLEEP_NS, so that what threads that
 * stopped writing left pending is still handed on; exits after
 * HT_GP_IDLE_ROUNDS polls that found nothing to do, and the next flush
 * starts a new one.
 */
static void *
ht_gp_thread(void *arg)
{
	unsigned idle = 0;

	(void)arg;
#ifdef MAPBENCH_HAVE_JEMALLOC
	/*
	 * No thread cache: the reclaimer frees only when the inbox is full,
	 * and a cache made by its first free (28 KiB) would count as
	 * allocated until the thread exits (memory/quiesce_leaves_only_the_
	 * keys failed on it when the first overflow came late).
	 */
	{
		bool off = false;

		mallctl("thread.tcache.enabled", NULL, NULL, &off, sizeof(off));
	}
#endif
	ht_in_reclaimer = true;
	for (;;) {
		struct timespec ts = {0, HT_GP_SLEEP_NS};
		bool expected = false;
		int r;

		nanosleep(&ts, NULL);
		pthread_mutex_lock(&ht_gp.round);
		r = ht_gp_poll_locked(true);
		pthread_mutex_unlock(&ht_gp.round);
		if (r != 0 || ++idle < HT_GP_IDLE_ROUNDS) {
			if (r != 0)
				idle = 0;
			continue;
		}
		/*
		 * Exit, unless a retirement came in meanwhile.  Seq_cst: with
		 * the push and the load of `running` in ht_flush() and
		 * ht_retire(), either the flusher sees running false and
		 * starts a reclaimer, or we see its batch.
		 */
		atomic_store_explicit(&ht_gp.running, false,
				      memory_order_seq_cst);
		if ((atomic_load_explicit(&ht_gp.pending,
					  memory_order_seq_cst) == NULL &&
		     atomic_load_explicit(&ht_gp.later, memory_order_seq_cst) ==
			     NULL) ||
		    !atomic_compare_exchange_strong_explicit(
			    &ht_gp.running, &expected, true,
			    memory_order_seq_cst, memory_order_relaxed))
			break;
		idle = 0;
	}
	return NULL;
}

/*
 * Start a reclaimer if none runs.  If none can be started, the batches
 * wait on the pending list for a writer's poll or a barrier (their nodes
 * are only reused later; nothing is lost).
 */
static void
ht_gp_start(void)
{
	bool expected = false;
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t tid;
	int err;

	if (!atomic_compare_exchange_strong_explicit(&ht_gp.running, &expected,
						     true, memory_order_seq_cst,
						     memory_order_relaxed))
		return;
	pthread_once(&ht_gp.once, ht_gp_init);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_attr_init(&attr);
	if (err == 0) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		if (ht_gp_have_cpus)
			pthread_attr_setaffinity_np(&attr, sizeof(ht_gp_cpus),
						    &ht_gp_cpus);
		err = pthread_create(&tid, &attr, ht_gp_thread, NULL);
		pthread_attr_destroy(&attr);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0)
		atomic_store_explicit(&ht_gp.running, false,
				      memory_order_seq_cst);
}

/*
 * Every batch flushed before the call has had its grace period and is
 * on the inbox (or freed) when this returns.  Outside any section; it
 * waits for other threads' sections, sleeping between polls.
 */
static void
ht_gp_barrier(void)
{
	uint64_t goal;
	int r = 0;

	pthread_once(&ht_gp.once, ht_gp_init);
	pthread_mutex_lock(&ht_gp.round);
	/*
	 * The grace period in progress, if any, covers batches older than
	 * ours; the next to begin takes all the rest flushed so far.
	 */
	goal = ht_gp.target + 1;
	for (;;) {
		struct timespec ts = {0, 20000};

		r |= ht_gp_poll_locked(true);
		/*
		 * Done when one that began after our call has ended, or when
		 * none is in progress after a poll that found nothing more to
		 * begin.
		 */
		if (ht_gp.ended >= goal ||
		    !atomic_load_explicit(&ht_gp.busy, memory_order_relaxed))
			break;
		pthread_mutex_unlock(&ht_gp.round);
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&ht_gp.round);
	}
	pthread_mutex_unlock(&ht_gp.round);
	if (r & HT_POLL_FREED)
		ht_gp_flush_tcache();
}

/* Make sure a reclaimer runs (seq_cst: see ht_gp_thread()). */
static inline void
ht_gp_need_reclaimer(void)
{
	if (!atomic_load_explicit(&ht_gp.running, memory_order_seq_cst))
		ht_gp_start();
}

/*
 * Hand the calling thread's open batch on to the next grace period; its
 * section's end polls (want_poll).  Starts a reclaimer if `start` and
 * none runs (quiesce and destroy run a barrier next).
 */
static void
ht_flush(struct ht_cache *c, bool start)
{
	struct ht_batch *b = c->open, *top;

	if (b == NULL)
		return;
	c->open = NULL;
	top = atomic_load_explicit(&ht_gp.pending, memory_order_relaxed);
	do
		b->next = top;
	/*
	 * Release: pairs with the acquire exchange in ht_gp_poll_locked(),
	 * so the unlinking of every member happens before the grace period.
	 * Seq_cst for the load of `running` (see ht_gp_thread()).
	 */
	while (!atomic_compare_exchange_weak_explicit(&ht_gp.pending, &top, b,
						      memory_order_seq_cst,
						      memory_order_relaxed));
	ht_me.want_poll = true;
	if (start)
		ht_gp_need_reclaimer();
}

/*
 * Free o (tagged) once every section that may hold it has ended: into
 * the open batch, or on its own (through `own`, the node's later union)
 * if there is no batch and none can be had.  Inside the caller's
 * section.
 */
static void
ht_retire(uintptr_t o, union ht_later *own)
{
	struct ht_cache *c = &ht_cache;
	struct ht_batch *b = c->open;

	if (b == NULL) {
		b = c->spare;
		if (b != NULL)
			c->spare = NULL;
		else if ((b = map_malloc(sizeof(*b))) == NULL) {
			union ht_later *top = atomic_load_explicit(
				&ht_gp.later, memory_order_relaxed);

			own->single.obj = o;
			do
				own->single.next = top;
			/* As ht_flush()'s push. */
			while (!atomic_compare_exchange_weak_explicit(
				&ht_gp.later, &top, own, memory_order_seq_cst,
				memory_order_relaxed));
			ht_me.want_poll = true;
			ht_gp_need_reclaimer();
			return;
		}
		b->n = 0;
		b->owner = &ht_me;
		c->open = b;
	}
	b->obj[b->n++] = o;
	if (b->n == HT_BATCH)
		ht_flush(c, true);
}

static inline void
ht_entry_retire(struct ht_entry *e)
{
	ht_retire((uintptr_t)e | HT_RET_ENTRY, &e->later);
}

static inline void
ht_indirect_retire(struct ht_indirect *i)
{
	ht_retire((uintptr_t)i | HT_RET_INDIRECT, &i->later);
}

/* Clear's old trie: one level (reused) or more (freed: HT_RET_BIG). */
static inline void
ht_trie_retire(struct ht_indirect *root, bool large)
{
	ht_retire((uintptr_t)root | (large ? HT_RET_BIG : HT_RET_TRIE),
		  &root->later);
}

/*
 * A new, private entry, or NULL.  From the free lists if they have one
 * (a failure injected by the tests fails it all the same).
 */
static struct ht_entry *
ht_entry_new(uint64_t key, void *value)
{
	struct ht_cache *c = &ht_cache;
	struct ht_entry *e;

	if (map_alloc_should_fail())
		return NULL;
	if (c->free_e == NULL)
		ht_pool_refill(c, false);
	e = c->free_e;
	if (e != NULL) {
		c->free_e = ht_entry_of(atomic_load_explicit(
			&e->overflow, memory_order_relaxed));
		c->n_free_e--;
	} else if ((e = malloc(sizeof(*e))) == NULL) {
		return NULL;
	}
	e->n.is_entry = true;
	atomic_init(&e->overflow, NULL);
	e->key = key;
	atomic_init(&e->value, value);
	return e;
}

/* Give back an entry that was never published. */
static void
ht_entry_unused(struct ht_entry *e)
{
	ht_pool_put_entry(&ht_cache, e);
}

/* A new, private, empty indirect node, or NULL. */
static struct ht_indirect *
ht_indirect_new(struct ht_indirect *parent)
{
	struct ht_cache *c = &ht_cache;
	struct ht_indirect *i;

	if (map_alloc_should_fail())
		return NULL;
	if (c->free_i == NULL)
		ht_pool_refill(c, true);
	i = c->free_i;
	if (i != NULL) {
		/*
		 * Every indirect on a free list is empty: pruned ones by
		 * the pruning condition, a reused trie's cleared by
		 * ht_pool_put_subtree(), unpublished ones by their makers.
		 */
		c->free_i = i->parent;
		c->n_free_i--;
		HT_DEBUG_ASSERT(ht_empty_locked(i) && ht_occupied_exact(i));
#ifdef HASHTRIE_PTHREAD_LOCK
		pthread_mutex_destroy(&i->lock);
#endif
	} else if ((i = malloc(sizeof(*i))) == NULL) {
		return NULL;
	} else {
		for (unsigned j = 0; j < HT_CHILDREN; j++)
			atomic_init(&i->children[j], NULL);
		atomic_init(&i->occupied, 0);
	}
	i->n.is_entry = false;
	i->dead = false;
	ht_lock_init(&i->lock);
	i->parent = parent;
	return i;
}

/* Give back an empty indirect that was never published. */
static void
ht_indirect_unused(struct ht_indirect *i)
{
	ht_pool_put_indirect(&ht_cache, i);
}

/*
 * Chains
 */

/* The entry of `key` in the chain at n (acquire walk), or NULL. */
static inline struct ht_entry *
ht_lookup(struct ht_node *n, uint64_t key)
{
	while (n != NULL) {
		struct ht_entry *e = ht_entry_of(n);

		if (e->key == key)
			return e;
		/* Acquire: pairs with the release that linked the next. */
		n = atomic_load_explicit(&e->overflow, memory_order_acquire);
	}
	return NULL;
}

/*
 * Under the owner's lock: the link (the slot, or an overflow field) that
 * points at key's entry, or NULL.  Relaxed: every store to the chain is
 * made under this lock.
 */
static _Atomic(struct ht_node *) *
ht_link_locked(_Atomic(struct ht_node *) *slot, uint64_t key)
{
	_Atomic(struct ht_node *) *link = slot;
	struct ht_node *n;

	while ((n = atomic_load_explicit(link, memory_order_relaxed)) != NULL) {
		if (ht_entry_of(n)->key == key)
			return link;
		link = &ht_entry_of(n)->overflow;
	}
	return NULL;
}

/* Under the owner's lock: the value of the entry at *link. */
static inline void *
ht_value_locked(_Atomic(struct ht_node *) *link)
{
	struct ht_entry *e =
		ht_entry_of(atomic_load_explicit(link, memory_order_relaxed));

	/* Relaxed: every store to the value is made under this lock. */
	return atomic_load_explicit(&e->value, memory_order_relaxed);
}

/*
 * Descent
 */

/* Where a writer acts: the owning indirect (locked), its slot, and more. */
struct ht_pos {
	struct ht_indirect *i;
	_Atomic(struct ht_node *) *slot;
	struct ht_node *n; /* the slot's content, NULL or an entry */
	unsigned shift;	   /* the shift of i's level */
};

/*
 * Descend from root to the slot for hash that holds NULL or an entry.
 * Acquire loads pair with the release stores that published each child.
 */
static inline void
ht_descend(struct ht_indirect *root, uint64_t hash, struct ht_pos *p)
{
	struct ht_indirect *i = root;
	unsigned shift = HT_TOPSHIFT;

	for (;;) {
		struct ht_node *n;

		/* Two distinct hashes differ at some level <= 15. */
		assert(shift != 0);
		shift -= HT_BITS;
		p->slot = &i->children[ht_digit(hash, shift)];
		n = atomic_load_explicit(p->slot, memory_order_acquire);
		if (n == NULL || ht_is_entry(n)) {
			p->i = i;
			p->n = n;
			p->shift = shift;
			return;
		}
		i = ht_indirect_of(n);
	}
}

/*
 * Lock p->i and re-check what the descent saw: the slot still holds NULL
 * or an entry, and the node is alive.  On success p->n is the slot's
 * content under the lock (it may have changed between NULL and entries)
 * and the lock is held; on failure nothing is held.
 */
static inline bool
ht_lock_validate(struct map *m, struct ht_pos *p)
{
	struct ht_node *n;

	ht_lock(&p->i->lock);
	n = atomic_load_explicit(p->slot, memory_order_relaxed);
	if ((n == NULL || ht_is_entry(n)) && !p->i->dead) {
		HT_DEBUG_ASSERT(ht_occupied_exact(p->i));
		p->n = n;
		ht_count(m, HT_EV_LOCKED, 1);
		return true;
	}
	ht_unlock(&p->i->lock);
	ht_count(m, HT_EV_RESTARTS, 1);
	return false;
}

/*
 * The map has no root (new, or cleared): install one that already holds
 * (key, value), both made privately, with one CAS on the root pointer.
 * Returns 0, -ENOMEM with nothing changed, or -EAGAIN if another writer
 * installed a root first (nothing changed: the caller starts over).
 */
static int
ht_insert_root(struct map *m, uint64_t key, uint64_t hash, void *value)
{
	unsigned j = ht_digit(hash, HT_TOPSHIFT - HT_BITS);
	struct ht_indirect *expected = NULL, *fresh = ht_indirect_new(NULL);
	struct ht_entry *e;

	if (fresh == NULL)
		return -ENOMEM;
	e = ht_entry_new(key, value);
	if (e == NULL) {
		ht_indirect_unused(fresh);
		return -ENOMEM;
	}
	/* Relaxed: fresh is private until the CAS publishes it. */
	atomic_store_explicit(&fresh->children[j], &e->n, memory_order_relaxed);
	ht_occupy(fresh, j, true);
	/*
	 * Release on success publishes fresh and e to the acquire loads of
	 * the root.  Relaxed on failure: the caller starts over with an
	 * acquire load.
	 */
	if (atomic_compare_exchange_strong_explicit(&m->root, &expected, fresh,
						    memory_order_release,
						    memory_order_relaxed)) {
		ht_count(m, HT_EV_INDIRECTS, 1);
		ht_count(m, HT_EV_ENTRIES, 1);
		return 0;
	}
	atomic_store_explicit(&fresh->children[j], NULL, memory_order_relaxed);
	ht_occupy(fresh, j, false);
	ht_indirect_unused(fresh); /* never published */
	ht_entry_unused(e);
	return -EAGAIN;
}

/*
 * Writers' find: lock the indirect owning the slot for key and return
 * true with the lock held and p->n the slot's content, or false (no lock
 * held) when the lock-free descent shows that key, or key with `value`
 * when match_value, is absent.  The slot's content under the lock may no
 * longer hold the key: the caller re-checks.  Always inlined, as is
 * ht_insert_point(): for a miss (a hit) the lock-free descent is the
 * whole operation (the call cost DeleteCollision 1.9 of 6.1 ns).
 */
static inline __attribute__((always_inline)) bool
ht_find(struct map *m, uint64_t key, uint64_t hash, bool match_value,
	void *value, struct ht_pos *p)
{
	for (;;) {
		struct ht_indirect *root =
			atomic_load_explicit(&m->root, memory_order_acquire);
		struct ht_entry *e;

		if (root == NULL)
			return false;
		ht_descend(root, hash, p);
		e = ht_lookup(p->n, key);
		/*
		 * Acquire: a CompareAndSwap that fails here is a read
		 * operation that observed the value, so it pairs with the
		 * release store of an in-place update, as in hashtrie_load().
		 */
		if (e == NULL ||
		    (match_value &&
		     atomic_load_explicit(&e->value, memory_order_acquire) !=
			     value))
			return false;
		if (ht_lock_validate(m, p))
			return true;
	}
}

/*
 * Writers' insert point: the locked slot for key (NULL or a chain that
 * may hold key).  Returns 0 with the lock held, or HT_NO_ROOT (nothing
 * held) when the map has no root: the caller inserts with
 * ht_insert_root().  With `present` non-NULL, a lock-free descent that
 * sees key already there returns 1 and its entry instead (the
 * LoadOrStore hit path).
 */
#define HT_NO_ROOT 2

static inline __attribute__((always_inline)) int
ht_insert_point(struct map *m, uint64_t key, uint64_t hash,
		struct ht_entry **present, struct ht_pos *p)
{
	for (;;) {
		/*
		 * Acquire: pairs with the release CAS that installed the
		 * root (ht_insert_root()).
		 */
		struct ht_indirect *root =
			atomic_load_explicit(&m->root, memory_order_acquire);

		if (root == NULL)
			return HT_NO_ROOT;
		ht_descend(root, hash, p);
		if (present != NULL) {
			struct ht_entry *e = ht_lookup(p->n, key);

			if (e != NULL) {
				*present = e;
				return 1;
			}
		}
		/*
		 * The free list is empty and batches wait in the inbox: if
		 * this is an insert (the key not in the slot's chain), refill
		 * now rather than in ht_entry_new() under the node lock (a
		 * refill walks a batch of nodes a grace period old, mostly out
		 * of the cache, while the other writers of the node wait).
		 * gbench, 2 threads, paired with the binary before: faster in
		 * 30 of 32 runs of LoadAndDeleteCollision (median 1.65-1.78x)
		 * and 27 of 32 of CompareAndDeleteCollision (1.34-1.55x).
		 */
		if (__builtin_expect(ht_cache.free_e == NULL, 0) &&
		    (ht_cache.reserve != NULL ||
		     atomic_load_explicit(&ht_me.mine, memory_order_relaxed) !=
			     NULL ||
		     atomic_load_explicit(&ht_inbox.top,
					  memory_order_relaxed) != NULL) &&
		    (present != NULL || ht_lookup(p->n, key) == NULL))
			ht_pool_refill(&ht_cache, false);
		if (ht_lock_validate(m, p))
			return 0;
	}
}

/* Free expand's private chain of indirects (no entries attached yet). */
static void
ht_free_private_chain(struct ht_indirect *i)
{
	while (i != NULL) {
		struct ht_indirect *next = NULL;

		for (unsigned j = 0; j < HT_CHILDREN && next == NULL; j++) {
			next = ht_indirect_of(atomic_load_explicit(
				&i->children[j], memory_order_relaxed));
			atomic_store_explicit(&i->children[j], NULL,
					      memory_order_relaxed);
		}
		atomic_store_explicit(&i->occupied, 0, memory_order_relaxed);
		ht_indirect_unused(i);
		i = next;
	}
}

/*
 * Build, privately, the subtree that holds old (a chain whose entries
 * share one full hash) and e, to replace old in the slot at `shift` of
 * parent.  Returns its top node, or NULL with nothing allocated if out
 * of memory.  Relaxed stores: the caller publishes the result with a
 * release store.
 */
static struct ht_node *
ht_expand(struct map *m, struct ht_entry *old, struct ht_entry *e,
	  uint64_t hash, unsigned shift, struct ht_indirect *parent)
{
	uint64_t old_hash = ht_hash(m, old->key);
	struct ht_indirect *top = NULL, *i = NULL;
	uint64_t made = 0;

	if (old_hash == hash) {
		atomic_store_explicit(&e->overflow, &old->n,
				      memory_order_relaxed);
		return &e->n;
	}
	for (;;) {
		struct ht_indirect *next = ht_indirect_new(i ? i : parent);
		unsigned od, nd;

		if (next == NULL) {
			ht_free_private_chain(top);
			return NULL;
		}
		made++;
		if (i == NULL) {
			top = next;
		} else {
			atomic_store_explicit(
				&i->children[ht_digit(hash, shift)],
				ht_indirect_node(next), memory_order_relaxed);
			ht_occupy(i, ht_digit(hash, shift), true);
		}
		i = next;
		assert(shift != 0); /* distinct hashes differ somewhere */
		shift -= HT_BITS;
		od = ht_digit(old_hash, shift);
		nd = ht_digit(hash, shift);
		if (od != nd) {
			atomic_store_explicit(&i->children[od], &old->n,
					      memory_order_relaxed);
			atomic_store_explicit(&i->children[nd], &e->n,
					      memory_order_relaxed);
			ht_occupy(i, od, true);
			ht_occupy(i, nd, true);
			break;
		}
	}
	ht_count(m, HT_EV_INDIRECTS, made);
	return ht_indirect_node(top);
}

/*
 * Under p's lock, with key absent from the slot's chain: insert a new
 * entry for (key, value) and unlock.  0, or -ENOMEM with nothing changed.
 */
static int
ht_insert_locked(struct map *m, uint64_t key, uint64_t hash, void *value,
		 struct ht_pos *p)
{
	struct ht_entry *e = ht_entry_new(key, value);
	struct ht_node *top;

	if (e == NULL) {
		ht_unlock(&p->i->lock);
		return -ENOMEM;
	}
	if (p->n == NULL) {
		top = &e->n;
		ht_occupy(p->i, ht_slot_index(p->i, p->slot), true);
	} else {
		top = ht_expand(m, ht_entry_of(p->n), e, hash, p->shift, p->i);
		if (top == NULL) {
			ht_unlock(&p->i->lock);
			ht_entry_unused(e); /* never published */
			return -ENOMEM;
		}
		/*
		 * The root gets an indirect child: tell Clear (relaxed: a
		 * hint, see hashtrie_clear()).  Only while it is still the
		 * map's root, so that a writer late in a cleared trie does
		 * not overwrite the mark of the new root; read first, so
		 * that the line is written once per trie, not per expand.
		 */
		if (p->i->parent == NULL && !ht_is_entry(top) &&
		    atomic_load_explicit(&m->root, memory_order_relaxed) ==
			    p->i &&
		    atomic_load_explicit(&m->large_root,
					 memory_order_relaxed) !=
			    (uintptr_t)p->i)
			atomic_store_explicit(&m->large_root, (uintptr_t)p->i,
					      memory_order_relaxed);
	}
	/*
	 * Release: publishes e (and expand's subtree) to the acquire loads
	 * of readers.  Publishing last keeps the old entry reachable
	 * throughout.
	 */
	atomic_store_explicit(p->slot, top, memory_order_release);
	ht_count(m, HT_EV_ENTRIES, 1);
	ht_unlock(&p->i->lock);
	return 0;
}

/*
 * Under p's lock: give key's entry, at *link, the value `value`.
 * Returns the old value, or NULL (nothing changed) if out of memory,
 * which only update=copy can be.
 *
 * In place by default: the value is one word, so a release store into
 * the linked entry, under the lock that every writer of the entry holds,
 * is the whole update; it pairs with the acquire loads of the value in
 * Load, LoadOrStore and Range, which see the old value or the new one.
 * A reader that found the entry just before a delete unlinked it reads
 * a value the key held while the reader ran: an unlinked entry is
 * never written again (writers re-walk the chain from the slot under the
 * lock).  Go cannot do this with a generic V (its sync.Map's `any` is
 * two words), so its update publishes a new entry, copying the chain
 * tail, and retires the old one: update=copy does that.
 */
static void *
ht_replace_locked(struct map *m, _Atomic(struct ht_node *) *link, void *value)
{
	struct ht_entry *old =
		ht_entry_of(atomic_load_explicit(link, memory_order_relaxed));
	struct ht_entry *e;
	void *prev;

	if (!m->copy_update) {
		/* Relaxed: every store to the value is made under this lock. */
		prev = atomic_load_explicit(&old->value, memory_order_relaxed);
		/* Release: publishes value to the acquire loads of readers. */
		atomic_store_explicit(&old->value, value, memory_order_release);
		return prev;
	}
	e = ht_entry_new(old->key, value);
	if (e == NULL)
		return NULL;
	atomic_store_explicit(
		&e->overflow,
		atomic_load_explicit(&old->overflow, memory_order_relaxed),
		memory_order_relaxed);
	/* Release: publishes e to the acquire loads of readers. */
	atomic_store_explicit(link, &e->n, memory_order_release);
	ht_count(m, HT_EV_ENTRIES, 1);
	ht_entry_retire(old);
	/* Immutable under update=copy; still ours: we are in a section. */
	return atomic_load_explicit(&old->value, memory_order_relaxed);
}

/*
 * Under p's lock: unlink key's entry at *link, retire it, prune the
 * nodes this emptied, and release every lock.  Returns the old value.
 */
static void *
ht_delete_locked(struct map *m, uint64_t hash, struct ht_pos *p,
		 _Atomic(struct ht_node *) *link)
{
	struct ht_entry *old =
		ht_entry_of(atomic_load_explicit(link, memory_order_relaxed));
	struct ht_node *next =
		atomic_load_explicit(&old->overflow, memory_order_relaxed);
	struct ht_indirect *i = p->i;
	unsigned shift = p->shift;
	/* Relaxed: every store to the value is made under this lock. */
	void *v = atomic_load_explicit(&old->value, memory_order_relaxed);
	uint64_t pruned = 0;

	/*
	 * Release: a reader that loads the successor through this link
	 * sees it initialised (it was published before, so this is only
	 * for the successor's own publication chain).
	 */
	atomic_store_explicit(link, next, memory_order_release);
	if (next == NULL && link == p->slot)
		ht_occupy(i, ht_slot_index(i, link), false);
	ht_entry_retire(old);

	/* Prune empty indirects upward: child lock, then parent lock. */
	while (i->parent != NULL && ht_empty_locked(i)) {
		struct ht_indirect *parent = i->parent;

		shift += HT_BITS;
		p->slot = &parent->children[ht_digit(hash, shift)];
		ht_lock(&parent->lock);
		assert(atomic_load_explicit(p->slot, memory_order_relaxed) ==
		       ht_indirect_node(i));
		i->dead = true;
		/* Release: readers of the slot see NULL; nothing to publish. */
		atomic_store_explicit(p->slot, NULL, memory_order_release);
		ht_occupy(parent, ht_slot_index(parent, p->slot), false);
		ht_unlock(&i->lock);
		ht_indirect_retire(i);
		pruned++;
		i = parent;
	}
	ht_unlock(&i->lock);
	if (pruned != 0)
		ht_count(m, HT_EV_PRUNED, pruned);
	return v;
}

/*
 * Operations
 */

static bool
hashtrie_load(struct map *m, uint64_t key, void **value)
{
	uint64_t hash = ht_hash(m, key);
	struct ht_indirect *root;
	void *v = NULL;

	ht_read_lock();
	/* Acquire: pairs with the root's installing CAS (ht_insert_root()). */
	root = atomic_load_explicit(&m->root, memory_order_acquire);
	if (root != NULL) {
		struct ht_pos p;
		struct ht_entry *e;

		ht_descend(root, hash, &p);
		e = ht_lookup(p.n, key);
		/*
		 * Acquire: pairs with the release store of an in-place update
		 * (ht_replace_locked()) or with the release that published
		 * the entry, through the descent's acquire loads.
		 */
		if (e != NULL)
			v = atomic_load_explicit(&e->value,
						 memory_order_acquire);
	}
	ht_read_unlock();
	if (value != NULL)
		*value = v;
	return v != NULL;
}

static int
hashtrie_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	uint64_t hash = ht_hash(m, key);
	struct ht_entry *e = NULL;
	struct ht_pos p;
	void *v = NULL;
	int ret;

	if (value == NULL)
		return -EINVAL;
	ht_read_lock();
	while ((ret = ht_insert_point(m, key, hash, &e, &p)) == HT_NO_ROOT) {
		ret = ht_insert_root(m, key, hash, value);
		if (ret != -EAGAIN) {
			v = ret == 0 ? value : NULL;
			goto out;
		}
	}
	if (ret == 1) {
		/* Lock-free hit.  Acquire: as in hashtrie_load(). */
		v = atomic_load_explicit(&e->value, memory_order_acquire);
	} else if (ret == 0) {
		e = ht_lookup(p.n, key); /* re-check under the lock */
		if (e != NULL) {
			/* Relaxed: stores to the value are under this lock. */
			v = atomic_load_explicit(&e->value,
						 memory_order_relaxed);
			ht_unlock(&p.i->lock);
			ret = 1;
		} else {
			ret = ht_insert_locked(m, key, hash, value, &p);
			if (ret == 0)
				v = value;
		}
	}
out:
	ht_read_unlock();
	if (actual != NULL)
		*actual = v;
	return ret;
}

static int
hashtrie_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	uint64_t hash = ht_hash(m, key);
	_Atomic(struct ht_node *) *link;
	struct ht_pos p;
	void *prev = NULL;
	int ret;

	if (value == NULL)
		return -EINVAL;
	ht_read_lock();
	while ((ret = ht_insert_point(m, key, hash, NULL, &p)) == HT_NO_ROOT) {
		ret = ht_insert_root(m, key, hash, value);
		if (ret != -EAGAIN)
			goto out;
	}
	if (ret == 0) {
		link = ht_link_locked(p.slot, key);
		if (link != NULL) {
			prev = ht_replace_locked(m, link, value);
			ret = prev != NULL ? 1 : -ENOMEM;
			ht_unlock(&p.i->lock);
		} else {
			ret = ht_insert_locked(m, key, hash, value, &p);
		}
	}
out:
	ht_read_unlock();
	if (previous != NULL)
		*previous = prev;
	return ret;
}

static int
hashtrie_store(struct map *m, uint64_t key, void *value)
{
	int ret = hashtrie_swap(m, key, value, NULL);

	return ret < 0 ? ret : 0;
}

static bool
hashtrie_load_and_delete(struct map *m, uint64_t key, void **value)
{
	uint64_t hash = ht_hash(m, key);
	_Atomic(struct ht_node *) *link;
	struct ht_pos p;
	void *v = NULL;

	ht_read_lock();
	if (ht_find(m, key, hash, false, NULL, &p)) {
		link = ht_link_locked(p.slot, key);
		if (link != NULL)
			v = ht_delete_locked(m, hash, &p, link);
		else
			ht_unlock(&p.i->lock); /* deleted meanwhile */
	}
	ht_read_unlock();
	if (value != NULL)
		*value = v;
	return v != NULL;
}

static void
hashtrie_del(struct map *m, uint64_t key)
{
	hashtrie_load_and_delete(m, key, NULL);
}

/*
 * If the new entry cannot be allocated, returns false with the map
 * unchanged (no error channel); a NULL new_value cannot be stored.
 */
static bool
hashtrie_compare_and_swap(struct map *m, uint64_t key, void *old_value,
			  void *new_value)
{
	uint64_t hash = ht_hash(m, key);
	_Atomic(struct ht_node *) *link;
	bool swapped = false;
	struct ht_pos p;

	if (new_value == NULL)
		return false;
	ht_read_lock();
	if (ht_find(m, key, hash, true, old_value, &p)) {
		link = ht_link_locked(p.slot, key);
		if (link != NULL && ht_value_locked(link) == old_value)
			swapped = ht_replace_locked(m, link, new_value) != NULL;
		ht_unlock(&p.i->lock);
	}
	ht_read_unlock();
	return swapped;
}

/* As Go: the lock-free find matches the key only; the value under lock. */
static bool
hashtrie_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	uint64_t hash = ht_hash(m, key);
	_Atomic(struct ht_node *) *link;
	bool deleted = false;
	struct ht_pos p;

	ht_read_lock();
	if (ht_find(m, key, hash, false, NULL, &p)) {
		link = ht_link_locked(p.slot, key);
		if (link != NULL && ht_value_locked(link) == old_value) {
			ht_delete_locked(m, hash, &p, link);
			deleted = true;
		} else {
			ht_unlock(&p.i->lock);
		}
	}
	ht_read_unlock();
	return deleted;
}

/*
 * Go's iter, over the occupied slots only: each loaded once (acquire,
 * pairing with the release that published its content), chains walked.
 * No key is seen twice: a key lives only on its hash's path, whose slots
 * we each load once, and within a chain it appears once and is replaced
 * in place.  `occupied` is read relaxed, as a hint: a slot filled after
 * we read it is an insert concurrent with the Range, which Range may
 * miss; a slot emptied since loads NULL and is skipped.  A key present
 * throughout the Range has its bit set throughout (an expand keeps the
 * slot occupied), so it is visited.
 *
 * Why the map: at 1,024 keys the trie has ~5,900 slots, ~4,500 of them
 * NULL, and testing each was most of the walk.  gbench Range, 1 thread
 * on one CPU: 4.3-4.6 us -> 2.7-2.8 us (3 runs each, interleaved).
 * Earlier attempts that loaded all 16 slots first (then prefetched
 * their targets, or built the mask from them) were 1.4-1.6x slower, and
 * a 64-byte aligned node with the slots first 7% slower.
 */
static bool
ht_iter(struct ht_indirect *i, bool (*fn)(uint64_t key, void *value, void *arg),
	void *arg)
{
	unsigned occ = atomic_load_explicit(&i->occupied, memory_order_relaxed);

	for (; occ != 0; occ &= occ - 1) {
		unsigned j = (unsigned)__builtin_ctz(occ);
		struct ht_node *n = atomic_load_explicit(&i->children[j],
							 memory_order_acquire);

		if (n == NULL)
			continue;
		if (!ht_is_entry(n)) {
			if (!ht_iter(ht_indirect_of(n), fn, arg))
				return false;
			continue;
		}
		while (n != NULL) {
			struct ht_entry *e = ht_entry_of(n);

			/* Acquire: as in hashtrie_load(). */
			if (!fn(e->key,
				atomic_load_explicit(&e->value,
						     memory_order_acquire),
				arg))
				return false;
			n = atomic_load_explicit(&e->overflow,
						 memory_order_acquire);
		}
	}
	return true;
}

/*
 * One read-side section for the whole walk, so that every node reached
 * stays valid while fn runs (fn may call any operation, Clear included).
 * A long range holds back grace periods.
 */
static void
hashtrie_range(struct map *m, bool (*fn)(uint64_t key, void *value, void *arg),
	       void *arg)
{
	struct ht_indirect *root;

	ht_read_lock();
	/* Acquire: pairs with the root's installing CAS (ht_insert_root()). */
	root = atomic_load_explicit(&m->root, memory_order_acquire);
	if (root != NULL)
		ht_iter(root, fn, arg);
	ht_read_unlock();
}

/*
 * Unpublish the root (the map becomes as a new one: no root) and free
 * the old trie after a grace period, with whatever racing writers still
 * put into it (see the essay).  Go stores a fresh empty root instead;
 * here the next insert makes the root with its entry in it, privately,
 * and publishes both with one CAS (ht_insert_root()), so Clear
 * allocates nothing, Clear of an empty map writes nothing, and the
 * Store after a Clear takes no lock: at 2 threads it no longer locks a
 * root that the other thread's Clear made (its lines on the other CPU).
 * gbench Clear, 8 runs interleaved with the fresh-root binary, both
 * pinned, vCPUs 28-39 ns apart: 2 threads 107.5 -> 73.8 ns (paired
 * ratio median 1.39, 0.96-2.27, faster in 7 of 8), 1 thread 46.1 ->
 * 34.1 (1.26, 0.97-1.80, 7 of 8).  The trie past its first insert has
 * Go's shape; only the empty map differs (no root node).  A
 * one-level trie (the root and its entries: at most 16 keys but for
 * test hashes) is retired into the thread's batch and its nodes
 * reused; a larger one goes into the batch as HT_RET_BIG and, after its
 * grace period, to urcu's call_rcu, whose thread frees it, so that
 * what waits for reuse stays bounded.  Which it is,
 * Clear learns from m->large_root, in the line its exchange has just
 * written, not from the old root's slots: at 2 threads the old root's
 * lines were last written by the other thread (its Store after its
 * Clear), and reading them cost a transfer between CPUs per Clear.
 * gbench Clear, 2 threads, 16 runs interleaved with the slot check:
 * faster in 13 of 16 runs, per-run ratio 0.83-1.87, median 1.2-1.3; 1
 * thread the same (paired median 1.00).  The hint can be wrong, never
 * unsafely.  Saying "large" of a one-level trie (an address reused for
 * a new root) only sends it to call_rcu after its grace period.  Saying "one
 * level" of a larger trie needs a writer that expands a root Clear replaced,
 * within the few instructions between its check that the root is current and
 * its mark, while the new root is marked, or a relaxed load that has not
 * seen the mark yet: that trie then goes into a batch, outside the
 * inbox's bound, and the writer that reuses it walks it inside its
 * operation, keeping what fits its free lists and freeing the rest
 * (a pause, no leak, no double free: nodes unlinked from it were
 * retired on their own).  Racing writers may still grow a one-level trie
 * after the exchange; whoever reuses it keeps what fits its free lists
 * and frees the rest (ht_pool_put_subtree()).  The reuse reads only the
 * occupied slots: gbench Clear, 1 thread on one CPU, 60-68 ns before
 * `occupied`, 52-56 after.  (Emptying a
 * one-level old root at Clear time instead, under its lock, marking it
 * dead and retiring its entries one by one, was slower: gbench's Clear
 * 68 against 62 ns at 1 thread, 314 against 236 at 2; tried and
 * dropped.)
 */
static void
hashtrie_clear(struct map *m)
{
	struct ht_indirect *old;
	bool large;

	/*
	 * No root: the map is empty, and stays so without a write.  Relaxed:
	 * nothing is read through the pointer.
	 */
	if (atomic_load_explicit(&m->root, memory_order_relaxed) == NULL)
		return;
	/* Our section keeps the old trie's entries valid while we look. */
	ht_read_lock();
	/*
	 * Acquire: pairs with the release CAS that installed the old root
	 * (ht_insert_root()).  The next insert installs a new root.
	 */
	old = atomic_exchange_explicit(&m->root, NULL, memory_order_acquire);
	if (old != NULL) {
		large = (uintptr_t)old ==
			atomic_load_explicit(&m->large_root,
					     memory_order_relaxed);
		ht_trie_retire(old, large);
	}
	ht_read_unlock();
}

static struct map *
hashtrie_create_param(size_t size_hint, const char *param)
{
	static _Atomic uint64_t seq;
	enum ht_hash_mode mode = HT_HASH_REAL;
	bool copy_update = false;
	struct timespec ts;
	struct map *m;

	(void)size_hint; /* a trie needs no sizing */
	/* Words joined by '+' (a list of maps is comma-separated); the last
	 * of a kind wins. */
	for (const char *w = param; w != NULL && *w != '\0';) {
		size_t n = strcspn(w, "+");

#define HT_WORD(s) (n == sizeof(s) - 1 && strncmp(w, s, n) == 0)
		if (HT_WORD("hash=real")) {
			mode = HT_HASH_REAL;
		} else if (HT_WORD("hash=const")) {
			mode = HT_HASH_CONST;
		} else if (HT_WORD("hash=trunc4")) {
			mode = HT_HASH_TRUNC4;
		} else if (HT_WORD("update=inplace")) {
			copy_update = false;
		} else if (HT_WORD("update=copy")) {
			copy_update = true;
		} else {
			errno = EINVAL;
			return NULL;
		}
#undef HT_WORD
		w += n;
		if (*w == '+' && *++w == '\0') {
			errno = EINVAL; /* a trailing '+' */
			return NULL;
		}
	}
	m = map_aligned_alloc(CACHE_LINE, sizeof(*m));
	if (m == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memset(m, 0, sizeof(*m));
	atomic_init(&m->root, NULL);
	atomic_init(&m->large_root, 0);
	m->hash_mode = mode;
	m->copy_update = copy_update;
	/* A per-map seed, as Go's runtime_rand(): not predictable by keys. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	m->seed = map_mix64(
		(uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
		(uint64_t)(uintptr_t)m ^
		atomic_fetch_add_explicit(&seq, UINT64_C(0x9e3779b97f4a7c15),
					  memory_order_relaxed));
	return m;
}

static struct map *
hashtrie_create(size_t size_hint)
{
	return hashtrie_create_param(size_hint, NULL);
}

/*
 * Not from a read-side section.  Hands the calling thread's open batch
 * on and waits for a grace period (ht_gp_barrier()), frees the inbox
 * and the calling thread's free lists and returned batches (large
 * tries among them go to call_rcu), then waits for every call_rcu
 * callback queued so far (rcu_barrier and the call_rcu thread's
 * jemalloc cache: map_rcu_quiesce()): what is left allocated is the
 * live tries (and other threads' open batches, free lists and returned
 * batches, which their thread_exit frees).  Changes no map's
 * contents.
 */
static void
hashtrie_quiesce(struct map *m)
{
	map_rcu_thread_enter(); /* call_rcu of large tries (ht_big_free()) */
	ht_flush(&ht_cache, false);
	ht_gp_barrier();
	ht_inbox_free();
	ht_pool_release(&ht_cache);
	map_rcu_thread_exit();
	map_rcu_quiesce(m);
}

/* Flush what the thread kept (see ht_retire()), then unregister. */
static void
hashtrie_thread_exit(void)
{
	ht_flush(&ht_cache, true);
	ht_pool_release(&ht_cache);
	map_rcu_thread_exit();
}

/*
 * No other thread may use the map.  Frees the trie now, then waits for
 * a grace period (the calling thread's open batch, earlier retirements),
 * frees what was kept for reuse and waits for every call_rcu callback
 * (earlier Clears' large tries).
 */
static void
hashtrie_destroy(struct map *m)
{
	struct ht_indirect *root;

	if (m == NULL)
		return;
	root = atomic_load_explicit(&m->root, memory_order_acquire);
	if (root != NULL)
		ht_free_subtree(ht_indirect_node(root));
	/*
	 * rcu_barrier only, not quiesce's extra call_rcu: that would start
	 * a call_rcu thread in a process that never retired anything, and
	 * a child it forks later would wait in rcu_barrier for that thread
	 * forever (mapbench check creates and destroys maps, then forks).
	 */
	map_rcu_thread_enter();
	ht_flush(&ht_cache, false);
	ht_gp_barrier();
	ht_inbox_free();
	ht_pool_release(&ht_cache);
	urcu_memb_barrier();
	map_rcu_thread_exit();
	map_free(m);
}

/* Count indirects and the deepest level below i (at `level`). */
static void
ht_walk_stats(struct ht_indirect *i, uint64_t level, uint64_t *nodes,
	      uint64_t *depth)
{
	(*nodes)++;
	if (level > *depth)
		*depth = level;
	for (unsigned j = 0; j < HT_CHILDREN; j++) {
		struct ht_node *n = atomic_load_explicit(&i->children[j],
							 memory_order_acquire);

		if (n != NULL && !ht_is_entry(n))
			ht_walk_stats(ht_indirect_of(n), level + 1, nodes,
				      depth);
	}
}

static void
hashtrie_stats(struct map *m, struct map_stats *out)
{
	uint64_t ev[HT_NEV] = {0}, nodes = 0, depth = 0;
	struct ht_indirect *root;

	for (unsigned s = 0; s < HT_SHARDS; s++)
		for (unsigned k = 0; k < HT_NEV; k++)
			ev[k] += atomic_load_explicit(&m->shards[s].own[k],
						      memory_order_relaxed) +
				 atomic_load_explicit(&m->shards[s].shared[k],
						      memory_order_relaxed);
	ht_read_lock();
	root = atomic_load_explicit(&m->root, memory_order_acquire);
	if (root != NULL)
		ht_walk_stats(root, 1, &nodes, &depth);
	ht_read_unlock();

	out->have = MAP_STAT_LOCKED_OPS;
	out->locked_ops = ev[HT_EV_LOCKED];
	out->own[HT_EV_RESTARTS] = ev[HT_EV_RESTARTS];
	out->own[HT_EV_ENTRIES] = ev[HT_EV_ENTRIES];
	out->own[HT_EV_INDIRECTS] = ev[HT_EV_INDIRECTS];
	out->own[HT_EV_PRUNED] = ev[HT_EV_PRUNED];
	out->own[HT_OWN_LV_INDIRECTS] = nodes;
	out->own[HT_OWN_LV_DEPTH] = depth;
}

const struct map_ops hashtrie_ops = {
	.name = "hashtrie",
	.summary = "Go 1.24+ sync.Map (HashTrieMap): 16-way hash trie, "
		   "lock-free loads, per-node locks, batched grace periods",
	.flags = 0,
	.create = hashtrie_create,
	.destroy = hashtrie_destroy,
	.thread_enter = map_rcu_thread_enter,
	.thread_exit = hashtrie_thread_exit,
	.load = hashtrie_load,
	.store = hashtrie_store,
	.load_or_store = hashtrie_load_or_store,
	.load_and_delete = hashtrie_load_and_delete,
	.del = hashtrie_del,
	.swap = hashtrie_swap,
	.compare_and_swap = hashtrie_compare_and_swap,
	.compare_and_delete = hashtrie_compare_and_delete,
	.range = hashtrie_range,
	.clear = hashtrie_clear,
	.stats = hashtrie_stats,
	.quiesce = hashtrie_quiesce,
	.counters = hashtrie_counters,
	.n_counters = HT_N_OWN,
	.create_param = hashtrie_create_param,
	.param_help = "words joined by '+': update=inplace (default: a value "
		      "is changed in its entry) or update=copy (Go's "
		      "copy-on-write entries); hash=real (default), "
		      "hash=const (every key one overflow chain) or "
		      "hash=trunc4 (hash & 0xF): test hashes",
};

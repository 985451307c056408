/*
 * mapbench: the common vtable of every concurrent map implementation.
 *
 * Keys are uint64_t.  Values are non-NULL `void *` owned by the caller:
 * NULL is the map's "no value", so storing NULL returns -EINVAL in every
 * implementation; a map never dereferences or frees a value.  Semantics
 * follow Go's sync.Map (Go 1.23 API).  This header is the whole contract
 * a map keeps (written next to each operation of struct map_ops below);
 * docs/PLUGINS.md and docs/DESIGN.md in the source tree refer to it.  It
 * compiles as C11 and as C++.
 *
 * What holds for every operation:
 *  - Linearizable: each operation takes effect at one instant between its
 *    call and its return, as if the map were Go's sync.Map under one lock
 *    (except what a map declares in `limits`, MAP_LIMIT_* below).
 *  - Ordering, Go's guarantee: a write operation (store, swap, del,
 *    load_and_delete, a load_or_store that stores, a compare_and_swap or
 *    compare_and_delete that succeeds) is synchronized before any read
 *    operation (load, load_or_store, load_and_delete, swap,
 *    compare_and_swap, compare_and_delete) that observes its effect, a
 *    deletion included (a load that finds the key absent); so
 *    what a thread wrote before storing a value is visible to a thread
 *    that loads it.  MAP_LIMIT_MISS_SYNC: for hits only.
 *  - Errors leave nothing half done: an operation that returns -ENOMEM
 *    (or -EINVAL) leaves the map as it was.  An operation without an
 *    error channel (load, del, load_and_delete, compare_and_delete,
 *    range, clear) must do its whole work whatever allocation fails
 *    inside it (tests/test_alloc_fail.c injects failures into each).
 *  - Out-parameters (value, actual, previous) are written when the
 *    operation returns a value; when it reports none they are left as
 *    they were or set to NULL.
 *  - Thread safety: any number of threads that called thread_enter may
 *    call any operation concurrently (unless MAP_NOT_THREAD_SAFE).
 */
#ifndef MAPBENCH_MAP_H
#define MAPBENCH_MAP_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

struct map; /* opaque; each implementation defines its own */

/*
 * The plugin ABI.  Bumped whenever struct map_ops, struct map_stats or
 * struct map_counter changes layout or meaning.  A plugin exports
 *	const uint32_t mapbench_abi_version = MAPBENCH_ABI_VERSION;
 *	const struct map_ops *const mapbench_maps[] = { &my_ops, NULL };
 * and needs nothing but this header (docs/PLUGINS.md).  The two
 * declarations below give both symbols external linkage and C names, so
 * the same two lines export them from C and from C++ (where a `const`
 * object at namespace scope would otherwise be internal and unexported).
 */
#define MAPBENCH_ABI_VERSION 3u

extern const uint32_t mapbench_abi_version;
extern const struct map_ops *const mapbench_maps[];

/* clang-format off */

/*
 * The common counters.  A map sets in `have` the MAP_STAT_* bit of every
 * counter it keeps; a counter whose bit is clear is reported as NA, never
 * as 0.  All count events since create(); the harness reports deltas.
 */
#define MAP_STAT_PROMOTIONS     (1u << 0)
#define MAP_STAT_DIRTY_REBUILDS (1u << 1)
#define MAP_STAT_ENTRIES_COPIED (1u << 2)
#define MAP_STAT_MISSES         (1u << 3)
#define MAP_STAT_LOCKED_OPS     (1u << 4)
#define MAP_STAT_RESIZES        (1u << 5)

/* At most this many counters of a map's own (struct map_ops.counters). */
#define MAP_OWN_COUNTERS_MAX 16

struct map_stats {
	uint32_t have;           /* MAP_STAT_* bits of the counters kept below */
	uint32_t reserved;       /* 0 */
	uint64_t promotions;     /* dirty map promoted to read (missLocked or Range) */
	uint64_t dirty_rebuilds; /* read copied into a fresh dirty map (dirtyLocked) */
	uint64_t entries_copied; /* entries visited by those copies */
	uint64_t misses;         /* loads that missed read and went to dirty */
	uint64_t locked_ops;     /* operations that took a lock (map-wide, shard or node) */
	uint64_t resizes;        /* table grow/shrink events */
	/* own[i] is the value of ops->counters[i], i < ops->n_counters. */
	uint64_t own[MAP_OWN_COUNTERS_MAX];
};

/* What a counter of a map's own measures, and so how it is reported. */
enum map_counter_kind {
	MAP_COUNTER_EVENTS = 0, /* events since create(): the delta over a window, per op */
	MAP_COUNTER_LEVEL = 1,  /* a current state (nodes, depth): the value at the end */
};

/* A counter of a map's own, beside the common ones. */
struct map_counter {
	const char *name; /* [a-z][a-z0-9_]*, unique within the map: "restarts" */
	const char *unit; /* "events", "nodes", "levels", ... */
	const char *help; /* one line for `mapbench list` */
	enum map_counter_kind kind;
};

/*
 * The implementation must not be used by more than one thread at a time:
 * the harness refuses runs with writers and more than one thread.
 */
#define MAP_NOT_THREAD_SAFE (1u << 0)
/* A control that stores nothing (harness overhead); never in conformance tests. */
#define MAP_CONTROL (1u << 1)

/*
 * What a map cannot do (struct map_ops.limits): each bit names a part of
 * the contract the map does not honour, so that `check` and `lincheck`
 * skip exactly that part (and say so) and the harness refuses, or marks,
 * what would need it.  0: the whole contract.
 */
/* range is safe only while no other thread writes (oneTBB's iteration). */
#define MAP_LIMIT_RANGE_CONCURRENT (1u << 0)
/* clear is safe only while no other thread uses the map. */
#define MAP_LIMIT_CLEAR_CONCURRENT (1u << 1)
/* clear is safe under concurrency but not a delete of every key at one instant. */
#define MAP_LIMIT_CLEAR_ATOMIC     (1u << 2)
/* compare_and_swap is correct alone but not atomic against concurrent writes. */
#define MAP_LIMIT_CAS_ATOMIC       (1u << 3)
/* compare_and_delete: the same. */
#define MAP_LIMIT_CAD_ATOMIC       (1u << 4)
/*
 * The map allocates outside malloc (its own allocator): the harness cannot
 * attribute its memory, so bytes_per_key is NA and the memory checks skip.
 */
#define MAP_LIMIT_MEMORY           (1u << 5)
/*
 * A load that misses is not synchronized with the delete whose effect it
 * observed (Go's "a write is synchronized before any read that observes
 * it" holds for hits only): the map finds a key absent with relaxed loads.
 */
#define MAP_LIMIT_MISS_SYNC        (1u << 6)
#define MAP_LIMITS_ALL             ((1u << 7) - 1)

/*
 * Who calls what, and in which order (the harness, the tests, gbench and
 * lincheck all keep to it):
 *  - create/create_param: any thread, which may not have called
 *    thread_enter (the harness creates the map, then enters); a map whose
 *    library needs per-thread registration for allocation or reclamation
 *    registers around the call itself.
 *  - thread_enter: once by every thread before its first operation on any
 *    map of these ops (workers, and the thread that fills, measures and
 *    ranges); calls nest (enter, enter, exit, exit) and may interleave
 *    with other maps' enters.  thread_exit: the matching call, after the
 *    thread's last operation.  Both may be NULL.
 *  - the ten operations, stats and quiesce: only between a thread's
 *    thread_enter and thread_exit.  Operations run concurrently from any
 *    number of entered threads (unless MAP_NOT_THREAD_SAFE); stats and
 *    quiesce are called outside the timed window, with no operation in
 *    flight on that map.
 *  - destroy: once, after every operation on the map has returned, from
 *    any thread, which may already have called its thread_exit (the
 *    harness exits, then destroys): like create, it registers itself if
 *    its library needs that.  No other thread touches the map then.
 */
struct map_ops {
	const char *name;    /* "syncmap", "rwlock", "lfht", ...: [a-z][a-z0-9_-]* */
	const char *summary; /* one line for `mapbench list` */
	unsigned flags;      /* MAP_NOT_THREAD_SAFE, MAP_CONTROL */
	/*
	 * A new, empty map.  size_hint: the number of keys expected, or 0
	 * for none (the harness's default, --sizing none); a hint only.
	 * NULL on failure.
	 */
	struct map *(*create)(size_t size_hint);
	/* Frees everything, deferred frees included.  Not from a read-side section. */
	void (*destroy)(struct map *m);
	void (*thread_enter)(void); /* each worker, before its first op; may be NULL */
	void (*thread_exit)(void);  /* each worker, after its last op; may be NULL */

	/*
	 * The ten operations (Go's sync.Map methods), all mandatory.
	 *
	 * load (Load): true and *value = the key's value when present;
	 * false when absent.  A read operation (it may still do the map's
	 * own work: syncmap counts a miss and may promote, as Go's does).
	 */
	bool (*load)(struct map *m, uint64_t key, void **value);
	/*
	 * store (Store): set the key's value, present or not.  0 stored,
	 * -EINVAL for a NULL value, -ENOMEM (map unchanged).
	 */
	int (*store)(struct map *m, uint64_t key, void *value); /* 0 | -EINVAL | -ENOMEM */
	/*
	 * load_or_store (LoadOrStore): when the key is present, *actual = its
	 * value and 1 (loaded, nothing written); else store `value`,
	 * *actual = value and 0 (stored).  -EINVAL for a NULL value (checked
	 * first, even when the key is present), -ENOMEM (map unchanged).
	 */
	int (*load_or_store)(struct map *m, uint64_t key, void *value,
			     void **actual); /* 1 loaded, 0 stored, <0 -errno */
	/*
	 * load_and_delete (LoadAndDelete): when present, remove the key,
	 * *value = the value it had, true; else false.
	 */
	bool (*load_and_delete)(struct map *m, uint64_t key, void **value);
	/* del (Delete): remove the key if present. */
	void (*del)(struct map *m, uint64_t key);
	/*
	 * swap (Swap): set the key's value; when it was present,
	 * *previous = the value it replaced and 1, else 0.  -EINVAL for a
	 * NULL value, -ENOMEM (map unchanged).
	 */
	int (*swap)(struct map *m, uint64_t key, void *value,
		    void **previous); /* 1 had previous, 0 none, <0 -errno */
	/*
	 * compare_and_swap (CompareAndSwap): when the key is present with a
	 * value equal to old_value (pointer equality), set it to new_value
	 * and return true; else false (an absent key, a NULL old_value or a
	 * NULL new_value is false, nothing changed).  A map that must
	 * allocate to swap and cannot returns false with the map unchanged
	 * (its only error channel).  MAP_LIMIT_CAS_ATOMIC: correct alone, not atomic against
	 * concurrent writers.
	 */
	bool (*compare_and_swap)(struct map *m, uint64_t key, void *old_value,
				 void *new_value);
	/*
	 * compare_and_delete (CompareAndDelete): when the key is present
	 * with a value equal to old_value, remove it and return true; else
	 * false.  MAP_LIMIT_CAD_ATOMIC: not atomic against concurrent
	 * writers.
	 */
	bool (*compare_and_delete)(struct map *m, uint64_t key, void *old_value);
	/*
	 * range (Range): call fn(key, value, arg) for the keys of the map
	 * until fn returns false.  Not a snapshot: each key is visited at
	 * most once; every key present with the same value for the whole
	 * call is visited, with that value; a value reported was the key's
	 * value at some instant during the call (never NULL).  fn may call
	 * any operation on the same map (never hold a lock across fn), and
	 * other threads may operate meanwhile (MAP_LIMIT_RANGE_CONCURRENT:
	 * only readers).  A range may do the map's own work (syncmap
	 * promotes its dirty map, as Go's does).
	 */
	void (*range)(struct map *m,
		      bool (*fn)(uint64_t key, void *value, void *arg), void *arg);
	/*
	 * clear (Clear): remove every key, as one delete of every key at
	 * one instant between call and return (a map that would allocate a
	 * fresh table and cannot removes the keys in place instead).
	 * MAP_LIMIT_CLEAR_ATOMIC: safe, not one instant;
	 * MAP_LIMIT_CLEAR_CONCURRENT: only while no other thread uses the
	 * map.
	 */
	void (*clear)(struct map *m);
	/*
	 * Fill the counters the map keeps and set their bits in out->have;
	 * out arrives zeroed.  May be NULL (no counters: all NA).  Called
	 * outside the timed window, from a thread that called thread_enter.
	 */
	void (*stats)(struct map *m, struct map_stats *out);

	/* Since MAPBENCH_ABI_VERSION 2. */

	/*
	 * Wait until every deferred free queued so far (by any thread) has
	 * run, so that the allocator's figures show only live memory.  RCU
	 * maps: rcu_barrier().  NULL: the map frees nothing late.  Never
	 * called from a read-side section or with a map lock held.
	 */
	void (*quiesce)(struct map *m);
	/*
	 * The map's own counters, n_counters of them, reported beside the
	 * common ones; stats() fills out->own[i] for each.  NULL/0: none.
	 */
	const struct map_counter *counters;
	unsigned n_counters; /* <= MAP_OWN_COUNTERS_MAX */
	/*
	 * A map that takes a parameter ("striped:64"; the text after the
	 * first ':' of the name given to the harness) creates itself with
	 * it.  NULL if the map takes none.  Returns NULL with errno EINVAL
	 * for a parameter it does not accept (param_help says what it
	 * accepts), ENOMEM when it cannot allocate.
	 */
	struct map *(*create_param)(size_t size_hint, const char *param);
	const char *param_help; /* "shards: a power of two, 1..65536" */

	/* Since MAPBENCH_ABI_VERSION 3. */

	/*
	 * Wait, at most timeout_s seconds, until the map's background work
	 * (work the map started on its own, in threads of its own, such as
	 * lfht's resize) is done.  Returns 0 when settled, -ETIMEDOUT when
	 * work was still going at the timeout.  NULL: the map has no
	 * background work (settled by definition).  Work that the workload's
	 * own operations do (syncmap's promotion) is not background work.
	 * Called from a thread that called thread_enter, never from a
	 * read-side section or with a map lock held; no other thread
	 * operates on the map meanwhile.
	 */
	int (*settle)(struct map *m, double timeout_s);
	/* MAP_LIMIT_* bits: what the map (without a parameter) cannot do. */
	unsigned limits;
	/*
	 * The limits of the map created with `param` (a parameter can lift
	 * or add limits: "tbbhash:locked").  NULL: `limits` for every
	 * parameter.  Called only with a parameter create_param accepted.
	 */
	unsigned (*param_limits)(const char *param);
};

/* clang-format on */

/* The built-in maps, NULL-terminated, in display order (registry.def). */
extern const struct map_ops *const map_registry[];

/* The map called `name`, built in or from a loaded plugin, or NULL. */
const struct map_ops *map_find(const char *name);

/* Call an implementation's thread hooks, skipping the NULL ones. */
static inline void
map_ops_thread_enter(const struct map_ops *ops)
{
	if (ops->thread_enter)
		ops->thread_enter();
}

static inline void
map_ops_thread_exit(const struct map_ops *ops)
{
	if (ops->thread_exit)
		ops->thread_exit();
}

/* Fill `out` with the map's counters; `have` says which it keeps. */
static inline void
map_ops_stats(const struct map_ops *ops, struct map *m, struct map_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (ops->stats)
		ops->stats(m, out);
}

/* The MAP_LIMIT_* bits of `ops` created with `param` (NULL: none). */
static inline unsigned
map_ops_limits(const struct map_ops *ops, const char *param)
{
	if (param != NULL && ops->param_limits != NULL)
		return ops->param_limits(param);
	return ops->limits;
}

/* Wait for the map's deferred frees (no-op for maps without any). */
static inline void
map_ops_quiesce(const struct map_ops *ops, struct map *m)
{
	if (ops->quiesce)
		ops->quiesce(m);
}

/*
 * Wait for the map's background work: 0 settled (or nothing to wait for),
 * -ETIMEDOUT not settled within timeout_s seconds.
 */
static inline int
map_ops_settle(const struct map_ops *ops, struct map *m, double timeout_s)
{
	return ops->settle ? ops->settle(m, timeout_s) : 0;
}

/*
 * Create a map of `ops` with `param` (NULL: none).  A parameter given to
 * a map that takes none fails with errno EINVAL.
 */
static inline struct map *
map_ops_create(const struct map_ops *ops, const char *param, size_t size_hint)
{
	if (param == NULL)
		return ops->create_param != NULL
			       ? ops->create_param(size_hint, NULL)
			       : ops->create(size_hint);
	if (ops->create_param == NULL) {
		errno = EINVAL;
		return NULL;
	}
	return ops->create_param(size_hint, param);
}

#ifdef __cplusplus
}
#endif

#endif /* MAPBENCH_MAP_H */

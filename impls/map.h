/*
 * mapbench: the common vtable of every concurrent map implementation.
 *
 * Keys are uint64_t.  Values are non-NULL `void *` owned by the caller:
 * NULL is the map's "no value", so storing NULL returns -EINVAL in every
 * implementation.  Semantics follow Go's sync.Map (Go 1.23 API); see
 * DESIGN.md.  This header compiles as C11 and as C++.
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
 * and needs nothing but this header (docs/DESIGN.md, "Plugins").  The two
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
	struct map *(*create)(size_t size_hint); /* NULL on failure */
	/* Frees everything, deferred frees included.  Not from a read-side section. */
	void (*destroy)(struct map *m);
	void (*thread_enter)(void); /* each worker, before its first op; may be NULL */
	void (*thread_exit)(void);  /* each worker, after its last op; may be NULL */
	bool (*load)(struct map *m, uint64_t key, void **value);
	int (*store)(struct map *m, uint64_t key, void *value); /* 0 | -EINVAL | -ENOMEM */
	int (*load_or_store)(struct map *m, uint64_t key, void *value,
			     void **actual); /* 1 loaded, 0 stored, <0 -errno */
	bool (*load_and_delete)(struct map *m, uint64_t key, void **value);
	void (*del)(struct map *m, uint64_t key);
	int (*swap)(struct map *m, uint64_t key, void *value,
		    void **previous); /* 1 had previous, 0 none, <0 -errno */
	bool (*compare_and_swap)(struct map *m, uint64_t key, void *old_value,
				 void *new_value);
	bool (*compare_and_delete)(struct map *m, uint64_t key, void *old_value);
	void (*range)(struct map *m,
		      bool (*fn)(uint64_t key, void *value, void *arg), void *arg);
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

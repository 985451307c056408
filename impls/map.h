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

/* Laid out as DESIGN.md gives the contract. */
/* clang-format off */

/* Counters an implementation does not have stay 0. */
struct map_stats {
	uint64_t promotions;     /* dirty map promoted to read (missLocked or Range) */
	uint64_t dirty_rebuilds; /* read copied into a fresh dirty map (dirtyLocked) */
	uint64_t entries_copied; /* entries visited by those copies */
	uint64_t misses;         /* loads that missed read and went to dirty */
	uint64_t locked_ops;     /* operations that took the map-wide mutex or write lock */
	uint64_t resizes;        /* table grow/shrink events */
};

/*
 * The implementation must not be used by more than one thread at a time:
 * the harness refuses runs with writers and more than one thread.
 */
#define MAP_NOT_THREAD_SAFE (1u << 0)
/* A control that stores nothing (harness overhead); never in conformance tests. */
#define MAP_CONTROL (1u << 1)

struct map_ops {
	const char *name;    /* "syncmap", "rwlock", "lfht", ... */
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
	void (*stats)(struct map *m, struct map_stats *out); /* may be NULL */
};

/* clang-format on */

/* The registry: every implementation, NULL-terminated, in display order. */
extern const struct map_ops *const map_registry[];

/* The implementation called `name`, or NULL if there is none. */
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

/* Fill `out` with the map's counters, zeros where the impl has none. */
static inline void
map_ops_stats(const struct map_ops *ops, struct map *m, struct map_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (ops->stats)
		ops->stats(m, out);
}

#ifdef __cplusplus
}
#endif

#endif /* MAPBENCH_MAP_H */

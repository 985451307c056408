/*
 * One open-addressing hash table for uint64_t keys, shared by syncmap,
 * rwlock and unsync so that comparisons measure synchronisation designs,
 * not table quality.
 *
 * Linear probing over a power-of-two array of {key, value} slots; a NULL
 * value marks an empty slot, so every uint64_t is a valid key and values
 * must be non-NULL.  The table grows by doubling at 3/4 load.  Removal
 * uses backward-shift deletion: no tombstones, so deleting keys never
 * lengthens later probes.  The table never shrinks (as Go's maps).
 *
 * No synchronisation of its own: callers serialise writers and keep
 * readers away from a table that is being written.  A table that is never
 * written again (syncmap's published read table) may be read by any
 * number of threads at once.
 */
#ifndef MAPBENCH_TABLE_H
#define MAPBENCH_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"

struct table_slot {
	uint64_t key;
	void *val; /* NULL: empty slot */
};

struct table {
	size_t mask;  /* capacity - 1 */
	size_t count; /* occupied slots */
	struct table_slot *slots;
	uint64_t grows; /* resize events, for map_stats.resizes */
};

/* A new empty table sized for `hint` entries; NULL on allocation failure. */
struct table *table_new(size_t hint);
/* Make `t` an empty table that owns no memory (for embedded tables). */
void table_init_empty(struct table *t);
/* Frees the table (not the values). */
void table_free(struct table *t);
/*
 * Frees the slots of a table whose descriptor lives elsewhere (embedded
 * in another structure); the descriptor itself is left alone.
 */
void table_free_slots(struct table *t);
/* Does `t` own a slot array (not the shared empty one)? */
bool table_has_slots(const struct table *t);

/* The value stored under `key`, or NULL. */
static inline void *
table_get(const struct table *t, uint64_t key)
{
	size_t i = (size_t)map_hash64(key) & t->mask;

	for (;; i = (i + 1) & t->mask) {
		const struct table_slot *s = &t->slots[i];

		if (s->val == NULL)
			return NULL;
		if (s->key == key)
			return s->val;
	}
}

/*
 * Make room for `n` entries in all, so that inserting up to that many
 * cannot allocate.  0 or -ENOMEM (the table is then unchanged).
 */
int table_reserve(struct table *t, size_t n);

/*
 * Insert `val` (non-NULL) under `key`, replacing any value there.
 * Returns the old value, or NULL if the key was new.  Cannot fail: the
 * caller reserved room first (table_reserve(t, t->count + 1)).
 */
void *table_put_reserved(struct table *t, uint64_t key, void *val);

/* Insert or replace, growing if needed: 0 or -ENOMEM (table unchanged). */
int table_put(struct table *t, uint64_t key, void *val, void **old);

/* Remove `key`; returns its value, or NULL if it was absent. */
void *table_remove(struct table *t, uint64_t key);

/* Remove every entry, keeping the capacity. */
void table_clear(struct table *t);

/* Iterate: for (size_t i = 0; i <= t->mask; i++) if (t->slots[i].val) ... */
#define table_for_each_slot(t, s)                                              \
	for (struct table_slot *s = (t)->slots; s <= &(t)->slots[(t)->mask];   \
	     s++)                                                              \
		if (s->val != NULL)

/*
 * Where a Range walk should start: a pseudo-random slot, as Go randomises
 * where map iteration starts.  A walk that always starts at slot 0 turns
 * "delete the first key Range visits" (Go's AdversarialDelete) into
 * deletions that always hit the low end of the table, so the survivors
 * pile up into long probe clusters at the high end.
 */
size_t table_walk_start(const struct table *t);

/*
 * Visit every occupied slot once, from slot `start` round to the one
 * before it; `s` is a struct table_slot * declared by the caller.
 * `start` is evaluated once; a break in the body ends the walk.
 */
#define table_for_each_slot_from(t, start, s)                                  \
	for (size_t s##_i = 0, s##_at = (start); s##_i <= (t)->mask;           \
	     s##_i++, s##_at = (s##_at + 1) & (t)->mask)                       \
		if (((s) = &(t)->slots[s##_at])->val != NULL)

/* Bytes the table holds, slots included. */
size_t table_footprint(const struct table *t);

#endif /* MAPBENCH_TABLE_H */

/*
 * tablemap.h: the ten map operations over one shared table (table.h),
 * written once for every map that is "a table plus, at most, one lock"
 * (rwlock, unsync).
 *
 * The includer defines, before including this file:
 *   struct map       with a member `struct table *t`;
 *   TM_FN(name)      the name of each generated function (a prefix);
 *   TM_RDLOCK(m)     take the lock for reading a table,
 *   TM_WRLOCK(m)     for changing it (and count, if it counts: the
 *                    counter is then a plain field under that lock),
 *   TM_UNLOCK(m)     release either; all three may expand to nothing.
 * It gets static functions TM_FN(load) ... TM_FN(clear) with the vtable's
 * signatures.  Everything is resolved at compile time: the unsynchronised
 * map pays no branch for the locks it does not have, and both maps run
 * the same table code, so their difference is the lock and only the lock.
 *
 * Semantics (Go's RWMutexMap): loads read-lock; every operation that may
 * change the map write-locks, including load_or_store, compare_and_swap
 * and compare_and_delete when they end up changing nothing.  Nothing
 * takes the lock while holding it.  Range copies the keys under the read
 * lock, drops it, then loads each key again and calls fn with the value
 * it finds (skipping keys deleted meanwhile): each key at most once, and
 * fn may call any operation on the map.  If the key array cannot be
 * allocated, range visits nothing (the vtable cannot report it).
 */
#ifndef MAPBENCH_TABLEMAP_H
#define MAPBENCH_TABLEMAP_H

#include <errno.h>

#include "alloc.h"
#include "table.h"

#if !defined(TM_FN) || !defined(TM_RDLOCK) || !defined(TM_WRLOCK) ||           \
	!defined(TM_UNLOCK)
#error "define TM_FN, TM_RDLOCK, TM_WRLOCK and TM_UNLOCK first"
#endif

static bool
TM_FN(load)(struct map *m, uint64_t key, void **value)
{
	void *v;

	TM_RDLOCK(m);
	v = table_get(m->t, key);
	TM_UNLOCK(m);
	if (value != NULL)
		*value = v;
	return v != NULL;
}

static int
TM_FN(store)(struct map *m, uint64_t key, void *value)
{
	int ret;

	if (value == NULL)
		return -EINVAL;
	TM_WRLOCK(m);
	ret = table_put(m->t, key, value, NULL);
	TM_UNLOCK(m);
	return ret;
}

static int
TM_FN(load_or_store)(struct map *m, uint64_t key, void *value, void **actual)
{
	void *v;
	int ret;

	if (value == NULL)
		return -EINVAL;
	TM_WRLOCK(m);
	v = table_get(m->t, key);
	if (v != NULL) {
		ret = 1;
	} else {
		ret = table_put(m->t, key, value, NULL);
		if (ret == 0)
			v = value;
	}
	TM_UNLOCK(m);
	if (actual != NULL)
		*actual = v;
	return ret;
}

static bool
TM_FN(load_and_delete)(struct map *m, uint64_t key, void **value)
{
	void *v;

	TM_WRLOCK(m);
	v = table_remove(m->t, key);
	TM_UNLOCK(m);
	if (value != NULL)
		*value = v;
	return v != NULL;
}

static void
TM_FN(del)(struct map *m, uint64_t key)
{
	TM_WRLOCK(m);
	table_remove(m->t, key);
	TM_UNLOCK(m);
}

static int
TM_FN(swap)(struct map *m, uint64_t key, void *value, void **previous)
{
	void *prev = NULL;
	int ret;

	if (value == NULL)
		return -EINVAL;
	TM_WRLOCK(m);
	ret = table_put(m->t, key, value, &prev);
	TM_UNLOCK(m);
	if (ret < 0)
		return ret;
	if (previous != NULL)
		*previous = prev;
	return prev != NULL;
}

/* A NULL new_value cannot be stored: false, map unchanged. */
static bool
TM_FN(compare_and_swap)(struct map *m, uint64_t key, void *old_value,
			void *new_value)
{
	void *cur;
	bool swapped = false;

	if (new_value == NULL)
		return false;
	TM_WRLOCK(m);
	cur = table_get(m->t, key);
	if (cur != NULL && cur == old_value) {
		/* The key is present: replacing cannot allocate. */
		table_put_reserved(m->t, key, new_value);
		swapped = true;
	}
	TM_UNLOCK(m);
	return swapped;
}

static bool
TM_FN(compare_and_delete)(struct map *m, uint64_t key, void *old_value)
{
	void *cur;
	bool deleted = false;

	TM_WRLOCK(m);
	cur = table_get(m->t, key);
	if (cur != NULL && cur == old_value) {
		table_remove(m->t, key);
		deleted = true;
	}
	TM_UNLOCK(m);
	return deleted;
}

static void
TM_FN(range)(struct map *m, bool (*fn)(uint64_t key, void *value, void *arg),
	     void *arg)
{
	uint64_t *keys = NULL;
	size_t n = 0;

	TM_RDLOCK(m);
	if (m->t->count != 0) {
		keys = map_malloc(m->t->count * sizeof(*keys));
		if (keys != NULL) {
			struct table_slot *s;

			/* Start where Go would: somewhere random. */
			table_for_each_slot_from(m->t, table_walk_start(m->t),
						 s)
				keys[n++] = s->key;
		}
	}
	TM_UNLOCK(m);

	for (size_t i = 0; i < n; i++) {
		void *v;

		if (TM_FN(load)(m, keys[i], &v) && !fn(keys[i], v, arg))
			break;
	}
	map_free(keys);
}

static void
TM_FN(clear)(struct map *m)
{
	TM_WRLOCK(m);
	table_clear(m->t);
	TM_UNLOCK(m);
}

#endif /* MAPBENCH_TABLEMAP_H */

/*
 * unsync: the shared table (common/table.h) with no synchronisation at
 * all, the performance ceiling the concurrent maps are measured against.
 * MAP_NOT_THREAD_SAFE: the harness never runs it with writers on more
 * than one thread.  Concurrent loads alone are safe (they only read).
 *
 * Range copies the keys first and then looks each one up again before
 * calling fn, so fn may store or delete (and the table may grow or shift
 * entries back) without range visiting a key twice or reading freed slots.
 */
#include "alloc.h"
#include "map.h"
#include "table.h"

struct map {
	struct table *t;
};

static struct map *
unsync_create(size_t size_hint)
{
	struct map *m = map_malloc(sizeof(*m));

	if (m == NULL)
		return NULL;
	m->t = table_new(size_hint);
	if (m->t == NULL) {
		map_free(m);
		return NULL;
	}
	return m;
}

static void
unsync_destroy(struct map *m)
{
	if (m == NULL)
		return;
	table_free(m->t);
	map_free(m);
}

static bool
unsync_load(struct map *m, uint64_t key, void **value)
{
	void *v = table_get(m->t, key);

	if (value != NULL)
		*value = v;
	return v != NULL;
}

static int
unsync_store(struct map *m, uint64_t key, void *value)
{
	if (value == NULL)
		return -EINVAL;
	return table_put(m->t, key, value, NULL);
}

static int
unsync_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	void *v;
	int ret;

	if (value == NULL)
		return -EINVAL;
	v = table_get(m->t, key);
	if (v != NULL) {
		ret = 1;
	} else {
		ret = table_put(m->t, key, value, NULL);
		if (ret == 0)
			v = value;
	}
	if (actual != NULL)
		*actual = v;
	return ret;
}

static bool
unsync_load_and_delete(struct map *m, uint64_t key, void **value)
{
	void *v = table_remove(m->t, key);

	if (value != NULL)
		*value = v;
	return v != NULL;
}

static void
unsync_del(struct map *m, uint64_t key)
{
	table_remove(m->t, key);
}

static int
unsync_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	void *prev = NULL;
	int ret;

	if (value == NULL)
		return -EINVAL;
	ret = table_put(m->t, key, value, &prev);
	if (ret < 0)
		return ret;
	if (previous != NULL)
		*previous = prev;
	return prev != NULL;
}

/* A NULL new_value cannot be stored: false, map unchanged. */
static bool
unsync_compare_and_swap(struct map *m, uint64_t key, void *old_value,
			void *new_value)
{
	void *cur = table_get(m->t, key);

	if (new_value == NULL || cur == NULL || cur != old_value)
		return false;
	/* The key is present: replacing cannot allocate. */
	table_put_reserved(m->t, key, new_value);
	return true;
}

static bool
unsync_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	void *cur = table_get(m->t, key);

	if (cur == NULL || cur != old_value)
		return false;
	table_remove(m->t, key);
	return true;
}

/*
 * If the key array cannot be allocated, range visits nothing: the vtable
 * gives it no way to report the error.
 */
static void
unsync_range(struct map *m, bool (*fn)(uint64_t key, void *value, void *arg),
	     void *arg)
{
	struct table_slot *s;
	uint64_t *keys;
	size_t n = 0;

	if (m->t->count == 0)
		return;
	keys = map_malloc(m->t->count * sizeof(*keys));
	if (keys == NULL)
		return;
	/* Start where Go would: somewhere random. */
	table_for_each_slot_from(m->t, table_walk_start(m->t), s)
		keys[n++] = s->key;
	for (size_t i = 0; i < n; i++) {
		void *v = table_get(m->t, keys[i]);

		if (v != NULL && !fn(keys[i], v, arg))
			break;
	}
	map_free(keys);
}

static void
unsync_clear(struct map *m)
{
	table_clear(m->t);
}

static void
unsync_stats(struct map *m, struct map_stats *out)
{
	out->have = MAP_STAT_RESIZES;
	out->resizes = m->t->grows;
}

const struct map_ops unsync_ops = {
	.name = "unsync",
	.summary = "the same table with no synchronisation (single-thread "
		   "ceiling)",
	.flags = MAP_NOT_THREAD_SAFE,
	.create = unsync_create,
	.destroy = unsync_destroy,
	.thread_enter = NULL,
	.thread_exit = NULL,
	.load = unsync_load,
	.store = unsync_store,
	.load_or_store = unsync_load_or_store,
	.load_and_delete = unsync_load_and_delete,
	.del = unsync_del,
	.swap = unsync_swap,
	.compare_and_swap = unsync_compare_and_swap,
	.compare_and_delete = unsync_compare_and_delete,
	.range = unsync_range,
	.clear = unsync_clear,
	.stats = unsync_stats,
};

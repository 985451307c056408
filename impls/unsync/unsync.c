/*
 * unsync: the shared table (common/table.h) with no synchronisation at
 * all, the performance ceiling the concurrent maps are measured against.
 * MAP_NOT_THREAD_SAFE: the harness never runs it with writers on more
 * than one thread.  Concurrent loads alone are safe (they only read).
 *
 * The operations are common/tablemap.h's with empty locks: the same code
 * as rwlock's, so the two differ by the lock alone.  Range copies the keys
 * first and then looks each one up again before calling fn, so fn may
 * store or delete without range visiting a key twice or reading freed
 * slots.
 */
#include "alloc.h"
#include "map.h"
#include "table.h"

struct map {
	struct table *t;
};

#define TM_FN(name)  unsync_##name
#define TM_RDLOCK(m) ((void)0)
#define TM_WRLOCK(m) ((void)0)
#define TM_UNLOCK(m) ((void)0)
#include "tablemap.h"

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

/*
 * null: a control map that stores nothing, for measuring what the harness
 * itself costs per operation.  Every operation returns at once as if the
 * map were empty and stayed empty (stores "succeed" and are forgotten);
 * NULL values are still refused with -EINVAL like every real map.  It
 * touches no shared memory, so any number of threads may use it.
 * MAP_CONTROL keeps it out of the conformance tests.
 */
#include "alloc.h"
#include "map.h"

struct map {
	char unused; /* create returns a real allocation, destroy frees it */
};

static struct map *
null_create(size_t size_hint)
{
	return map_malloc(sizeof(struct map));
}

static void
null_destroy(struct map *m)
{
	map_free(m);
}

static bool
null_load(struct map *m, uint64_t key, void **value)
{
	if (value != NULL)
		*value = NULL;
	return false;
}

static int
null_store(struct map *m, uint64_t key, void *value)
{
	return value == NULL ? -EINVAL : 0;
}

static int
null_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	if (value == NULL)
		return -EINVAL;
	if (actual != NULL)
		*actual = value;
	return 0;
}

static bool
null_load_and_delete(struct map *m, uint64_t key, void **value)
{
	if (value != NULL)
		*value = NULL;
	return false;
}

static void
null_del(struct map *m, uint64_t key)
{
}

static int
null_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	if (value == NULL)
		return -EINVAL;
	if (previous != NULL)
		*previous = NULL;
	return 0;
}

static bool
null_compare_and_swap(struct map *m, uint64_t key, void *old_value,
		      void *new_value)
{
	return false;
}

static bool
null_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	return false;
}

static void
null_range(struct map *m, bool (*fn)(uint64_t key, void *value, void *arg),
	   void *arg)
{
}

static void
null_clear(struct map *m)
{
}

const struct map_ops null_ops = {
	.name = "null",
	.summary = "control: stores nothing, measures harness overhead",
	.flags = MAP_CONTROL,
	.create = null_create,
	.destroy = null_destroy,
	.thread_enter = NULL,
	.thread_exit = NULL,
	.load = null_load,
	.store = null_store,
	.load_or_store = null_load_or_store,
	.load_and_delete = null_load_and_delete,
	.del = null_del,
	.swap = null_swap,
	.compare_and_swap = null_compare_and_swap,
	.compare_and_delete = null_compare_and_delete,
	.range = null_range,
	.clear = null_clear,
	.stats = NULL, /* no counters: all NA */
};

/*
 * rwlock: Go's RWMutexMap (sync/map_reference_test.go) in C, the
 * baseline that sync.Map is measured against: one shared open-addressing
 * table (common/table.h) behind one pthread_rwlock_t.
 *
 * Loads take the read lock; every operation that may change the map takes
 * the write lock, including load_or_store, compare_and_swap and
 * compare_and_delete when they end up changing nothing (as Go's reference
 * map does).  Nothing here takes the lock while holding it, and range
 * calls fn with no lock held.
 *
 * The lock is glibc's default, which prefers readers.  Go's RWMutex
 * prefers writers, but glibc's writer-preferring kind
 * (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP) puts every blocked thread
 * to sleep on its futex at once, where Go's spins first: measured with
 * mapbench on 2 CPUs, 2 threads, 1000 keys, it ran at 0.08 Mops/s at 50%
 * reads (p50 27 us) against 6.0 Mops/s for the default kind.  A baseline
 * that collapses on futex wake-ups would flatter every other map, so the
 * baseline is the lock a C programmer gets by default.
 *
 * Range copies the keys under the read lock, drops it, then loads each
 * key again and calls fn with the value it finds (skipping keys deleted
 * meanwhile): not a snapshot, each key at most once, and fn may call any
 * operation on the map.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "alloc.h"
#include "map.h"
#include "table.h"

struct map {
	pthread_rwlock_t lock;
	struct table *t;	     /* guarded by lock */
	_Atomic uint64_t locked_ops; /* write-lock acquisitions */
};

static struct map *
rwlock_create(size_t size_hint)
{
	struct map *m = map_malloc(sizeof(*m));

	if (m == NULL)
		return NULL;
	m->t = table_new(size_hint);
	if (m->t == NULL)
		goto fail_table;
	if (pthread_rwlock_init(&m->lock, NULL) != 0)
		goto fail_lock;
	atomic_init(&m->locked_ops, 0);
	return m;

fail_lock:
	table_free(m->t);
fail_table:
	map_free(m);
	return NULL;
}

static void
rwlock_destroy(struct map *m)
{
	if (m == NULL)
		return;
	pthread_rwlock_destroy(&m->lock);
	table_free(m->t);
	map_free(m);
}

static inline void
rwlock_wrlock(struct map *m)
{
	pthread_rwlock_wrlock(&m->lock);
	/* Relaxed: a statistic; the lock orders nothing else through it. */
	atomic_fetch_add_explicit(&m->locked_ops, 1, memory_order_relaxed);
}

static bool
rwlock_load(struct map *m, uint64_t key, void **value)
{
	void *v;

	pthread_rwlock_rdlock(&m->lock);
	v = table_get(m->t, key);
	pthread_rwlock_unlock(&m->lock);
	if (value != NULL)
		*value = v;
	return v != NULL;
}

static int
rwlock_store(struct map *m, uint64_t key, void *value)
{
	int ret;

	if (value == NULL)
		return -EINVAL;
	rwlock_wrlock(m);
	ret = table_put(m->t, key, value, NULL);
	pthread_rwlock_unlock(&m->lock);
	return ret;
}

static int
rwlock_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	void *v;
	int ret;

	if (value == NULL)
		return -EINVAL;
	rwlock_wrlock(m);
	v = table_get(m->t, key);
	if (v != NULL) {
		ret = 1;
	} else {
		ret = table_put(m->t, key, value, NULL);
		if (ret == 0)
			v = value;
	}
	pthread_rwlock_unlock(&m->lock);
	if (actual != NULL)
		*actual = v;
	return ret;
}

static bool
rwlock_load_and_delete(struct map *m, uint64_t key, void **value)
{
	void *v;

	rwlock_wrlock(m);
	v = table_remove(m->t, key);
	pthread_rwlock_unlock(&m->lock);
	if (value != NULL)
		*value = v;
	return v != NULL;
}

static void
rwlock_del(struct map *m, uint64_t key)
{
	rwlock_wrlock(m);
	table_remove(m->t, key);
	pthread_rwlock_unlock(&m->lock);
}

static int
rwlock_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	void *prev = NULL;
	int ret;

	if (value == NULL)
		return -EINVAL;
	rwlock_wrlock(m);
	ret = table_put(m->t, key, value, &prev);
	pthread_rwlock_unlock(&m->lock);
	if (ret < 0)
		return ret;
	if (previous != NULL)
		*previous = prev;
	return prev != NULL;
}

/* A NULL new_value cannot be stored: false, map unchanged. */
static bool
rwlock_compare_and_swap(struct map *m, uint64_t key, void *old_value,
			void *new_value)
{
	void *cur;
	bool swapped = false;

	if (new_value == NULL)
		return false;
	rwlock_wrlock(m);
	cur = table_get(m->t, key);
	if (cur != NULL && cur == old_value) {
		/* The key is present: replacing cannot allocate. */
		table_put_reserved(m->t, key, new_value);
		swapped = true;
	}
	pthread_rwlock_unlock(&m->lock);
	return swapped;
}

static bool
rwlock_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	void *cur;
	bool deleted = false;

	rwlock_wrlock(m);
	cur = table_get(m->t, key);
	if (cur != NULL && cur == old_value) {
		table_remove(m->t, key);
		deleted = true;
	}
	pthread_rwlock_unlock(&m->lock);
	return deleted;
}

/*
 * Go's RWMutexMap.Range.  If the key array cannot be allocated, range
 * visits nothing: the vtable gives it no way to report the error.
 */
static void
rwlock_range(struct map *m, bool (*fn)(uint64_t key, void *value, void *arg),
	     void *arg)
{
	uint64_t *keys = NULL;
	size_t n = 0;

	pthread_rwlock_rdlock(&m->lock);
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
	pthread_rwlock_unlock(&m->lock);

	for (size_t i = 0; i < n; i++) {
		void *v;

		if (rwlock_load(m, keys[i], &v) && !fn(keys[i], v, arg))
			break;
	}
	map_free(keys);
}

static void
rwlock_clear(struct map *m)
{
	rwlock_wrlock(m);
	table_clear(m->t);
	pthread_rwlock_unlock(&m->lock);
}

static void
rwlock_stats(struct map *m, struct map_stats *out)
{
	out->have = MAP_STAT_LOCKED_OPS | MAP_STAT_RESIZES;
	/* Relaxed: a statistic, read while workers may still be counting. */
	out->locked_ops =
		atomic_load_explicit(&m->locked_ops, memory_order_relaxed);
	pthread_rwlock_rdlock(&m->lock);
	out->resizes = m->t->grows;
	pthread_rwlock_unlock(&m->lock);
}

const struct map_ops rwlock_ops = {
	.name = "rwlock",
	.summary = "Go's RWMutexMap: one table under a pthread rwlock "
		   "(glibc default, reader-preferring)",
	.flags = 0,
	.create = rwlock_create,
	.destroy = rwlock_destroy,
	.thread_enter = NULL,
	.thread_exit = NULL,
	.load = rwlock_load,
	.store = rwlock_store,
	.load_or_store = rwlock_load_or_store,
	.load_and_delete = rwlock_load_and_delete,
	.del = rwlock_del,
	.swap = rwlock_swap,
	.compare_and_swap = rwlock_compare_and_swap,
	.compare_and_delete = rwlock_compare_and_delete,
	.range = rwlock_range,
	.clear = rwlock_clear,
	.stats = rwlock_stats,
};

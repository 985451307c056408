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
 * The operations are common/tablemap.h's, the same code as unsync's with
 * the lock compiled in.  locked_ops counts write-lock acquisitions as a
 * plain field under the write lock: the counter costs an increment of a
 * line the lock already owns, not an atomic read-modify-write, and the
 * read path counts nothing.
 */
#include <pthread.h>

#include "alloc.h"
#include "map.h"
#include "table.h"

struct map {
	pthread_rwlock_t lock;
	struct table *t;     /* guarded by lock */
	uint64_t locked_ops; /* write-lock acquisitions; guarded by lock */
};

#define TM_FN(name)  rwlock_##name
#define TM_RDLOCK(m) pthread_rwlock_rdlock(&(m)->lock)
#define TM_WRLOCK(m)                                                           \
	do {                                                                   \
		pthread_rwlock_wrlock(&(m)->lock);                             \
		(m)->locked_ops++;                                             \
	} while (0)
#define TM_UNLOCK(m) pthread_rwlock_unlock(&(m)->lock)
#include "tablemap.h"

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
	m->locked_ops = 0;
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

static void
rwlock_stats(struct map *m, struct map_stats *out)
{
	out->have = MAP_STAT_LOCKED_OPS | MAP_STAT_RESIZES;
	/* The read lock excludes every writer, so both fields are stable. */
	pthread_rwlock_rdlock(&m->lock);
	out->locked_ops = m->locked_ops;
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

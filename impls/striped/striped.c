/*
 * striped: the sharded map most Go and Java users reach for first, after
 * orcaman/concurrent-map (a fixed array of shards, each a plain map under
 * its own RWMutex; Java's ConcurrentHashMap bin locks are the refined
 * form of the same idea).  Written for mapbench; no code taken from it.
 *
 * Layout: a power-of-two array of shards, each a cache-line-aligned
 * struct holding its lock, the project's shared open-addressing table
 * (common/table.h, embedded) and its counters, so two shards never share
 * a line.  A key's shard is chosen by the top 16 bits of map_hash64(key);
 * the table indexes its slots with the low bits of the same hash, so the
 * two never overlap (a table would need 2^48 slots to reach bit 48) and
 * every shard's table sees well-spread hashes.
 *
 * The shard count is the map's parameter: `striped:64` (default 32, as
 * orcaman), a power of two from 1 to 65536.  Two lock kinds, two
 * registry names: `striped` puts each shard under a pthread rwlock
 * (glibc's default, reader-preferring, as the rwlock map uses) and
 * `striped_mx` (`striped_mx:64`) under a pthread mutex.  The mutex kind
 * is kept because it measured faster at 2 threads on every mix with
 * writes in each of our (noisy, shared 2-CPU) runs; likely because with
 * 32 shards two threads rarely meet on a lock, so the uncontended cost
 * decides, and a glibc rwlock's lock and unlock do more than a mutex's.
 * Where readers share a hot shard the rwlock should win instead.
 *
 * Concurrency contract: every operation on a key takes exactly one shard
 * lock (shared for load under `rw`; exclusive otherwise, including
 * load_or_store, compare_and_swap and compare_and_delete when they change
 * nothing), does its work on that shard's table and releases it.  All of
 * them are linearizable at their critical section.  Nothing is lock-free.
 * Nothing ever holds two shard locks: range and clear visit the shards
 * one at a time, and range calls fn with no lock held (it copies a
 * shard's keys under the shard lock, releases it, then loads each key
 * again and calls fn with the value it finds, skipping keys deleted
 * meanwhile), so fn may call any operation on the map.  Range is
 * therefore not a snapshot: it visits every key present throughout, each
 * at most once, as Go's Range promises.  Clear empties one shard after
 * the other, so it is not atomic across shards: a store into a shard
 * already cleared survives it (orcaman's Clear behaves the same).
 *
 * Memory: values are the caller's; every table is freed directly under
 * its lock (no reader can be inside it), so nothing is deferred and the
 * map has no quiesce hook.
 *
 * Counters: locked_ops counts exclusive lock acquisitions (the write lock
 * under `rw`, every acquisition under `mutex`), kept as a plain field in
 * the shard's own cache line and incremented under that shard's lock, so
 * counting adds no shared atomic to any path; stats() sums the shards.
 * resizes sums the tables' grows.  Own counters (levels, at stats time):
 * shards, and the largest and smallest shard's key count, which show the
 * imbalance a skewed key set causes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "hash.h"
#include "map.h"
#include "table.h"

#define STRIPED_DEFAULT_SHARDS 32u
#define STRIPED_MAX_SHARDS     65536u
#define STRIPED_SHARD_SHIFT    48 /* shard = top 16 bits of the hash */
#define CACHELINE	       64

struct shard {
	union {
		pthread_rwlock_t rw;
		pthread_mutex_t mx;
	} lock;
	uint64_t locked_ops; /* exclusive acquisitions; guarded by lock */
	struct table t;	     /* guarded by lock */
} __attribute__((aligned(CACHELINE)));

struct map {
	struct shard *shards;
	uint32_t mask; /* shard count - 1 */
	bool mutex;    /* lock kind: pthread mutex, else rwlock */
};

static inline struct shard *
shard_of(struct map *m, uint64_t key)
{
	return &m->shards[(map_hash64(key) >> STRIPED_SHARD_SHIFT) & m->mask];
}

static inline void
shard_lock_shared(struct map *m, struct shard *s)
{
	if (m->mutex) {
		pthread_mutex_lock(&s->lock.mx);
		s->locked_ops++;
	} else {
		pthread_rwlock_rdlock(&s->lock.rw);
	}
}

static inline void
shard_lock(struct map *m, struct shard *s)
{
	if (m->mutex)
		pthread_mutex_lock(&s->lock.mx);
	else
		pthread_rwlock_wrlock(&s->lock.rw);
	s->locked_ops++;
}

static inline void
shard_unlock(struct map *m, struct shard *s)
{
	if (m->mutex)
		pthread_mutex_unlock(&s->lock.mx);
	else
		pthread_rwlock_unlock(&s->lock.rw);
}

/*
 * Parse the shard count: a power of two 1..65536 in decimal without a
 * leading zero (one spelling per map: striped:064 would be a second name
 * for striped:64).  0 or -EINVAL.
 */
static int
parse_param(const char *param, uint32_t *shards)
{
	unsigned long n;
	char *end;

	if (param == NULL)
		return 0;
	if (*param < '1' || *param > '9')
		return -EINVAL;
	errno = 0;
	n = strtoul(param, &end, 10);
	if (errno != 0 || *end != '\0' || n == 0 || n > STRIPED_MAX_SHARDS ||
	    (n & (n - 1)) != 0)
		return -EINVAL;
	*shards = (uint32_t)n;
	return 0;
}

static void
destroy_shards(struct map *m, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct shard *s = &m->shards[i];

		if (m->mutex)
			pthread_mutex_destroy(&s->lock.mx);
		else
			pthread_rwlock_destroy(&s->lock.rw);
		table_free_slots(&s->t);
	}
}

static struct map *
striped_create_kind(size_t size_hint, uint32_t nshards, bool mutex)
{
	struct map *m = map_malloc(sizeof(*m));
	size_t per_shard = (size_hint + nshards - 1) / nshards;
	uint32_t i;

	if (m == NULL)
		return NULL;
	m->mask = nshards - 1;
	m->mutex = mutex;
	m->shards = map_aligned_alloc(CACHELINE, nshards * sizeof(*m->shards));
	if (m->shards == NULL)
		goto fail;
	memset(m->shards, 0, nshards * sizeof(*m->shards));
	for (i = 0; i < nshards; i++) {
		struct shard *s = &m->shards[i];
		int err = mutex ? pthread_mutex_init(&s->lock.mx, NULL)
				: pthread_rwlock_init(&s->lock.rw, NULL);

		if (err != 0)
			goto fail_shards;
		table_init_empty(&s->t);
		if (per_shard != 0 && table_reserve(&s->t, per_shard) != 0) {
			i++; /* its lock is initialised: destroy it too */
			goto fail_shards;
		}
		s->t.grows = 0; /* sizing for the hint is no resize */
	}
	return m;

fail_shards:
	destroy_shards(m, i);
	map_free(m->shards);
fail:
	map_free(m);
	errno = ENOMEM;
	return NULL;
}

static struct map *
create_param(size_t size_hint, const char *param, bool mutex)
{
	uint32_t nshards = STRIPED_DEFAULT_SHARDS;

	if (parse_param(param, &nshards) != 0) {
		errno = EINVAL;
		return NULL;
	}
	return striped_create_kind(size_hint, nshards, mutex);
}

static struct map *
striped_create_param(size_t size_hint, const char *param)
{
	return create_param(size_hint, param, false);
}

static struct map *
striped_create(size_t size_hint)
{
	return create_param(size_hint, NULL, false);
}

static struct map *
striped_mx_create_param(size_t size_hint, const char *param)
{
	return create_param(size_hint, param, true);
}

static struct map *
striped_mx_create(size_t size_hint)
{
	return create_param(size_hint, NULL, true);
}

static void
striped_destroy(struct map *m)
{
	if (m == NULL)
		return;
	destroy_shards(m, m->mask + 1);
	map_free(m->shards);
	map_free(m);
}

static bool
striped_load(struct map *m, uint64_t key, void **value)
{
	struct shard *s = shard_of(m, key);
	void *v;

	shard_lock_shared(m, s);
	v = table_get(&s->t, key);
	shard_unlock(m, s);
	if (value != NULL)
		*value = v;
	return v != NULL;
}

static int
striped_store(struct map *m, uint64_t key, void *value)
{
	struct shard *s;
	int ret;

	if (value == NULL)
		return -EINVAL;
	s = shard_of(m, key);
	shard_lock(m, s);
	ret = table_put(&s->t, key, value, NULL);
	shard_unlock(m, s);
	return ret;
}

static int
striped_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	struct shard *s;
	void *v;
	int ret;

	if (value == NULL)
		return -EINVAL;
	s = shard_of(m, key);
	shard_lock(m, s);
	v = table_get(&s->t, key);
	if (v != NULL) {
		ret = 1;
	} else {
		ret = table_put(&s->t, key, value, NULL);
		if (ret == 0)
			v = value;
	}
	shard_unlock(m, s);
	if (actual != NULL)
		*actual = v;
	return ret;
}

static bool
striped_load_and_delete(struct map *m, uint64_t key, void **value)
{
	struct shard *s = shard_of(m, key);
	void *v;

	shard_lock(m, s);
	v = table_remove(&s->t, key);
	shard_unlock(m, s);
	if (value != NULL)
		*value = v;
	return v != NULL;
}

static void
striped_del(struct map *m, uint64_t key)
{
	struct shard *s = shard_of(m, key);

	shard_lock(m, s);
	table_remove(&s->t, key);
	shard_unlock(m, s);
}

static int
striped_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	struct shard *s;
	void *prev = NULL;
	int ret;

	if (value == NULL)
		return -EINVAL;
	s = shard_of(m, key);
	shard_lock(m, s);
	ret = table_put(&s->t, key, value, &prev);
	shard_unlock(m, s);
	if (ret < 0)
		return ret;
	if (previous != NULL)
		*previous = prev;
	return prev != NULL;
}

/* A NULL new_value cannot be stored: false, map unchanged. */
static bool
striped_compare_and_swap(struct map *m, uint64_t key, void *old_value,
			 void *new_value)
{
	struct shard *s;
	void *cur;
	bool swapped = false;

	if (new_value == NULL)
		return false;
	s = shard_of(m, key);
	shard_lock(m, s);
	cur = table_get(&s->t, key);
	if (cur != NULL && cur == old_value) {
		/* The key is present: replacing cannot allocate. */
		table_put_reserved(&s->t, key, new_value);
		swapped = true;
	}
	shard_unlock(m, s);
	return swapped;
}

static bool
striped_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	struct shard *s = shard_of(m, key);
	void *cur;
	bool deleted = false;

	shard_lock(m, s);
	cur = table_get(&s->t, key);
	if (cur != NULL && cur == old_value) {
		table_remove(&s->t, key);
		deleted = true;
	}
	shard_unlock(m, s);
	return deleted;
}

/* Per thread, so that concurrent Ranges share no cache line. */
static __thread uint64_t range_walks;

/*
 * One shard at a time, starting at a pseudo-random shard (so that, as in
 * Go, the order varies between calls):
 * copy the shard's keys under its lock, release it, then load each key
 * again and call fn.  The key buffer is reused from shard to shard and
 * grown with no lock held.  If it cannot be allocated, range visits no
 * further shard: the vtable gives it no way to report the error.
 */
static void
striped_range(struct map *m, bool (*fn)(uint64_t key, void *value, void *arg),
	      void *arg)
{
	uint32_t nshards = m->mask + 1;
	uint32_t first;
	uint64_t *keys = NULL;
	size_t cap = 0;

	first = (uint32_t)map_hash64(++range_walks ^ (uintptr_t)&range_walks) &
		m->mask;
	for (uint32_t i = 0; i < nshards; i++) {
		struct shard *s = &m->shards[(first + i) & m->mask];
		struct table_slot *slot;
		size_t n = 0, need;

		shard_lock_shared(m, s);
		need = s->t.count;
		while (need > cap) {
			/* Grow the buffer with no lock held, then look again.
			 */
			shard_unlock(m, s);
			map_free(keys);
			cap = need + need / 4;
			keys = map_malloc(cap * sizeof(*keys));
			if (keys == NULL)
				return;
			shard_lock_shared(m, s);
			need = s->t.count;
		}
		if (need != 0)
			table_for_each_slot_from(&s->t, table_walk_start(&s->t),
						 slot)
				keys[n++] = slot->key;
		shard_unlock(m, s);

		for (size_t k = 0; k < n; k++) {
			void *v;

			if (striped_load(m, keys[k], &v) &&
			    !fn(keys[k], v, arg))
				goto out;
		}
	}
out:
	map_free(keys);
}

static void
striped_clear(struct map *m)
{
	/*
	 * Every shard's lock, in index order (the only place that holds two,
	 * so no deadlock), before emptying any: a delete of every key at one
	 * instant, as Go's Clear.  Shard by shard, a reader could see a key
	 * of a cleared shard gone and then a key stored before the Clear in
	 * a shard not yet cleared.
	 */
	for (uint32_t i = 0; i <= m->mask; i++)
		shard_lock(m, &m->shards[i]);
	for (uint32_t i = 0; i <= m->mask; i++)
		table_clear(&m->shards[i].t);
	for (uint32_t i = m->mask + 1; i-- > 0;)
		shard_unlock(m, &m->shards[i]);
}

enum { OWN_SHARDS, OWN_SHARD_KEYS_MAX, OWN_SHARD_KEYS_MIN, OWN_N };

static const struct map_counter striped_counters[OWN_N] = {
	[OWN_SHARDS] = {"shards", "shards", "number of shards (lock stripes)",
			MAP_COUNTER_LEVEL},
	[OWN_SHARD_KEYS_MAX] = {"shard_keys_max", "keys",
				"keys in the fullest shard", MAP_COUNTER_LEVEL},
	[OWN_SHARD_KEYS_MIN] = {"shard_keys_min", "keys",
				"keys in the emptiest shard",
				MAP_COUNTER_LEVEL},
};

/* Each shard under its own lock in turn, so the sums are not a snapshot. */
static void
striped_stats(struct map *m, struct map_stats *out)
{
	uint64_t kmax = 0, kmin = UINT64_MAX;

	out->have = MAP_STAT_LOCKED_OPS | MAP_STAT_RESIZES;
	for (uint32_t i = 0; i <= m->mask; i++) {
		struct shard *s = &m->shards[i];

		/* Exclusive: locked_ops is a plain field written under it. */
		if (m->mutex)
			pthread_mutex_lock(&s->lock.mx);
		else
			pthread_rwlock_wrlock(&s->lock.rw);
		out->locked_ops += s->locked_ops;
		out->resizes += s->t.grows;
		if (s->t.count > kmax)
			kmax = s->t.count;
		if (s->t.count < kmin)
			kmin = s->t.count;
		shard_unlock(m, s);
	}
	out->own[OWN_SHARDS] = m->mask + 1;
	out->own[OWN_SHARD_KEYS_MAX] = kmax;
	out->own[OWN_SHARD_KEYS_MIN] = kmin;
}

#define STRIPED_OPS_COMMON                                                     \
	.flags = 0, .destroy = striped_destroy, .thread_enter = NULL,          \
	.thread_exit = NULL, .load = striped_load, .store = striped_store,     \
	.load_or_store = striped_load_or_store,                                \
	.load_and_delete = striped_load_and_delete, .del = striped_del,        \
	.swap = striped_swap, .compare_and_swap = striped_compare_and_swap,    \
	.compare_and_delete = striped_compare_and_delete,                      \
	.range = striped_range, .clear = striped_clear,                        \
	.stats = striped_stats, .quiesce = NULL, .counters = striped_counters, \
	.n_counters = OWN_N

const struct map_ops striped_ops = {
	.name = "striped",
	.summary = "orcaman-style sharded map: 32 cache-line-aligned shards, "
		   "each a table under its own pthread rwlock",
	.create = striped_create,
	.create_param = striped_create_param,
	.param_help = "shards: a power of two, 1..65536, no leading zero "
		      "(default 32)",
	STRIPED_OPS_COMMON,
};

const struct map_ops striped_mx_ops = {
	.name = "striped_mx",
	.summary = "striped with a pthread mutex per shard instead of an "
		   "rwlock (32 shards)",
	.create = striped_mx_create,
	.create_param = striped_mx_create_param,
	.param_help = "shards: a power of two, 1..65536, no leading zero "
		      "(default 32)",
	STRIPED_OPS_COMMON,
};

/*
 * Test-only maps for test_lincheck: one small locked table and three
 * mutants of it, each with a concurrency bug that the per-key invariants
 * of test_concurrency cannot all see but a linearizability checker must.
 * None is in the registry.
 *
 * The table: MUT_SLOTS slots found by linear probing on the key; a slot,
 * once given a key, keeps it (a deleted key's value is NULL), so a key's
 * slot never moves.  Every operation takes the one mutex, except where a
 * mutant says otherwise.
 *
 *  - mut_locked:  correct; the control (lincheck must find nothing).
 *  - mut_los2:    load_or_store checks, drops the lock, then inserts in a
 *                 second critical section (overwriting): two racing
 *                 callers both report "stored".
 *  - mut_cas2:    compare_and_swap reads under the lock, drops it, then
 *                 stores under it again: two racing CAS with the same
 *                 expected value both succeed.
 *  - mut_stale:   a lock-free read path.  Each slot has a cached copy of
 *                 its value that load returns (the slot is found under
 *                 the lock, the value read from the cache); writers
 *                 update the table under the lock and publish the new
 *                 value to the cache after unlocking.  Two writers can
 *                 publish in the opposite order to the one they wrote in,
 *                 and the cache then keeps a stale value that every later
 *                 load returns (the classic "publish outside the critical
 *                 section" mistake).
 *
 * The windows between the two steps contain a sched_yield(): on a
 * machine with fewer cores than threads, that is where a real bug's
 * window would see a preemption; it makes the detection rate measurable
 * in a short test instead of a matter of luck.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "map.h"

#define MUT_SLOTS 128

/* MUT_NO_YIELD: measure the bare windows (see the report). */
#ifdef MUT_NO_YIELD
#define mut_window() ((void)0)
#else
#define mut_window() sched_yield()
#endif

enum mut_kind { MUT_NONE, MUT_LOS2, MUT_CAS2, MUT_STALE };

struct mut_slot {
	uint64_t key;
	bool used;
	void *val;	       /* guarded by mu */
	_Atomic(void *) cache; /* MUT_STALE: what load sees */
};

struct map {
	pthread_mutex_t mu;
	enum mut_kind kind;
	struct mut_slot s[MUT_SLOTS];
};

static struct map *
mut_create(enum mut_kind kind)
{
	struct map *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	pthread_mutex_init(&m->mu, NULL);
	m->kind = kind;
	for (int i = 0; i < MUT_SLOTS; i++)
		atomic_init(&m->s[i].cache, NULL);
	return m;
}

static void
mut_destroy(struct map *m)
{
	pthread_mutex_destroy(&m->mu);
	free(m);
}

/* The slot of key, given one if `make`; NULL if none (or full).  Locked. */
static struct mut_slot *
mut_slot_locked(struct map *m, uint64_t key, bool make)
{
	unsigned i = (unsigned)(key * UINT64_C(0x9e3779b97f4a7c15) >> 57);

	for (unsigned n = 0; n < MUT_SLOTS; n++, i = (i + 1) % MUT_SLOTS) {
		if (m->s[i].used && m->s[i].key == key)
			return &m->s[i];
		if (!m->s[i].used) {
			if (!make)
				return NULL;
			m->s[i].used = true;
			m->s[i].key = key;
			return &m->s[i];
		}
	}
	return NULL;
}

/*
 * Unlock after a write that left `v` in slot s; MUT_STALE publishes it
 * to the cache only now, outside the lock (the bug).
 */
static void
mut_unlock_publish(struct map *m, struct mut_slot *s, void *v)
{
	if (m->kind != MUT_STALE) {
		if (s != NULL)
			atomic_store_explicit(&s->cache, v,
					      memory_order_relaxed);
		pthread_mutex_unlock(&m->mu);
		return;
	}
	pthread_mutex_unlock(&m->mu);
	if (s == NULL)
		return;
	mut_window();
	atomic_store_explicit(&s->cache, v, memory_order_release);
}

static bool
mut_load(struct map *m, uint64_t key, void **value)
{
	void *v;

	if (m->kind == MUT_STALE) {
		struct mut_slot *s;

		/*
		 * The slot is found under the lock (keeping TSan quiet);
		 * the value comes from the cache, as a lock-free reader's
		 * would.
		 */
		pthread_mutex_lock(&m->mu);
		s = mut_slot_locked(m, key, false);
		pthread_mutex_unlock(&m->mu);
		/* This acquire pairs with the release in mut_unlock_publish. */
		v = s ? atomic_load_explicit(&s->cache, memory_order_acquire)
		      : NULL;
	} else {
		struct mut_slot *s;

		pthread_mutex_lock(&m->mu);
		s = mut_slot_locked(m, key, false);
		v = s ? s->val : NULL;
		pthread_mutex_unlock(&m->mu);
	}
	*value = v;
	return v != NULL;
}

/*
 * For a write of value at key: the map's lock taken and *sp its slot
 * (created if absent), 0; or -EINVAL (NULL value) or -ENOMEM, unlocked.
 */
static int
mut_lock_slot(struct map *m, uint64_t key, void *value, struct mut_slot **sp)
{
	if (value == NULL)
		return -EINVAL;
	pthread_mutex_lock(&m->mu);
	*sp = mut_slot_locked(m, key, true);
	if (*sp == NULL) {
		pthread_mutex_unlock(&m->mu);
		return -ENOMEM;
	}
	return 0;
}

static int
mut_store(struct map *m, uint64_t key, void *value)
{
	struct mut_slot *s;
	int err;

	err = mut_lock_slot(m, key, value, &s);
	if (err)
		return err;
	s->val = value;
	mut_unlock_publish(m, s, value);
	return 0;
}

static int
mut_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	struct mut_slot *s;
	int err;

	err = mut_lock_slot(m, key, value, &s);
	if (err)
		return err;
	if (s->val != NULL) {
		*actual = s->val;
		pthread_mutex_unlock(&m->mu);
		return 1;
	}
	if (m->kind == MUT_LOS2) {
		/* The bug: the check and the insert are two sections. */
		pthread_mutex_unlock(&m->mu);
		mut_window();
		pthread_mutex_lock(&m->mu);
	}
	s->val = value;
	*actual = value;
	mut_unlock_publish(m, s, value);
	return 0;
}

static bool
mut_load_and_delete(struct map *m, uint64_t key, void **value)
{
	struct mut_slot *s;
	void *v;

	pthread_mutex_lock(&m->mu);
	s = mut_slot_locked(m, key, false);
	v = s ? s->val : NULL;
	if (s)
		s->val = NULL;
	mut_unlock_publish(m, s, NULL);
	*value = v;
	return v != NULL;
}

static void
mut_del(struct map *m, uint64_t key)
{
	void *v;

	mut_load_and_delete(m, key, &v);
}

static int
mut_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	struct mut_slot *s;
	void *v;
	int err;

	err = mut_lock_slot(m, key, value, &s);
	if (err)
		return err;
	v = s->val;
	s->val = value;
	mut_unlock_publish(m, s, value);
	*previous = v;
	return v != NULL;
}

static bool
mut_compare_and_swap(struct map *m, uint64_t key, void *old, void *new)
{
	struct mut_slot *s;

	if (new == NULL)
		return false;
	pthread_mutex_lock(&m->mu);
	s = mut_slot_locked(m, key, false);
	if (s == NULL || s->val == NULL || s->val != old) {
		pthread_mutex_unlock(&m->mu);
		return false;
	}
	if (m->kind == MUT_CAS2) {
		/* The bug: compare in one section, swap in another. */
		pthread_mutex_unlock(&m->mu);
		mut_window();
		pthread_mutex_lock(&m->mu);
	}
	s->val = new;
	mut_unlock_publish(m, s, new);
	return true;
}

static bool
mut_compare_and_delete(struct map *m, uint64_t key, void *old)
{
	struct mut_slot *s;

	pthread_mutex_lock(&m->mu);
	s = mut_slot_locked(m, key, false);
	if (s == NULL || s->val == NULL || s->val != old) {
		pthread_mutex_unlock(&m->mu);
		return false;
	}
	s->val = NULL;
	mut_unlock_publish(m, s, NULL);
	return true;
}

static void
mut_range(struct map *m, bool (*fn)(uint64_t, void *, void *), void *arg)
{
	struct {
		uint64_t k;
		void *v;
	} snap[MUT_SLOTS];
	int n = 0;

	pthread_mutex_lock(&m->mu);
	for (int i = 0; i < MUT_SLOTS; i++)
		if (m->s[i].used && m->s[i].val != NULL) {
			snap[n].k = m->s[i].key;
			snap[n++].v = m->s[i].val;
		}
	pthread_mutex_unlock(&m->mu);
	for (int i = 0; i < n; i++)
		if (!fn(snap[i].k, snap[i].v, arg))
			return;
}

static void
mut_clear(struct map *m)
{
	pthread_mutex_lock(&m->mu);
	for (int i = 0; i < MUT_SLOTS; i++) {
		m->s[i].val = NULL;
		atomic_store_explicit(&m->s[i].cache, NULL,
				      memory_order_relaxed);
	}
	pthread_mutex_unlock(&m->mu);
}

#define MUT_OPS(nm, kind, sum)                                                 \
	static struct map *nm##_create(size_t hint)                            \
	{                                                                      \
		return mut_create(kind);                                       \
	}                                                                      \
	const struct map_ops nm##_ops = {                                      \
		.name = #nm,                                                   \
		.summary = sum,                                                \
		.create = nm##_create,                                         \
		.destroy = mut_destroy,                                        \
		.load = mut_load,                                              \
		.store = mut_store,                                            \
		.load_or_store = mut_load_or_store,                            \
		.load_and_delete = mut_load_and_delete,                        \
		.del = mut_del,                                                \
		.swap = mut_swap,                                              \
		.compare_and_swap = mut_compare_and_swap,                      \
		.compare_and_delete = mut_compare_and_delete,                  \
		.range = mut_range,                                            \
		.clear = mut_clear,                                            \
	}

MUT_OPS(mut_locked, MUT_NONE, "locked table (correct control)");
MUT_OPS(mut_los2, MUT_LOS2, "load_or_store in two critical sections");
MUT_OPS(mut_cas2, MUT_CAS2, "compare_and_swap as load then store");
MUT_OPS(mut_stale, MUT_STALE, "lock-free load of a cache published late");

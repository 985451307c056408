/*
 * chainmap: an example mapbench plugin, built out of tree against the
 * installed header (docs/PLUGINS.md).  One mutex around a
 * chained hash table: simple, obviously linearizable, and slow under
 * contention; a baseline for your own map.
 *
 * Everything a plugin needs is in <mapbench/map.h>: fill a struct
 * map_ops and export it in mapbench_maps[] with mapbench_abi_version.
 *
 * For the tests, -D switches make it wrong on purpose:
 *   CHAINMAP_BROKEN_LOS  load_or_store checks, unlocks, then inserts:
 *                        two threads can both "store" one key
 *   CHAINMAP_CRASH       a store of a key >= 4242 dereferences NULL
 *   CHAINMAP_NAME="x"    another map name (a clash with a built-in one)
 *   CHAINMAP_ABI=n       another ABI version
 *   CHAINMAP_NO_CAS      no compare_and_swap (a mandatory operation)
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mapbench/map.h>

#ifndef CHAINMAP_NAME
#define CHAINMAP_NAME "chainmap"
#endif
#ifndef CHAINMAP_ABI
#define CHAINMAP_ABI MAPBENCH_ABI_VERSION
#endif

struct node {
	struct node *next;
	uint64_t key;
	void *value;
};

struct map {
	pthread_mutex_t mu;
	struct node **b; /* buckets */
	size_t nb, n;
	uint64_t locked_ops;
};

static size_t
slot(const struct map *m, uint64_t k)
{
	k ^= k >> 33;
	k *= UINT64_C(0xff51afd7ed558ccd);
	k ^= k >> 33;
	return (size_t)(k & (m->nb - 1));
}

static struct map *
chainmap_create(size_t hint)
{
	struct map *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->nb = 16;
	while (m->nb < hint)
		m->nb *= 2;
	m->b = calloc(m->nb, sizeof(*m->b));
	if (m->b == NULL) {
		free(m);
		return NULL;
	}
	pthread_mutex_init(&m->mu, NULL);
	return m;
}

static void
drop_all(struct map *m)
{
	for (size_t i = 0; i < m->nb; i++)
		while (m->b[i]) {
			struct node *n = m->b[i];

			m->b[i] = n->next;
			free(n);
		}
	m->n = 0;
}

static void
chainmap_destroy(struct map *m)
{
	drop_all(m);
	pthread_mutex_destroy(&m->mu);
	free(m->b);
	free(m);
}

static void
lock(struct map *m)
{
	pthread_mutex_lock(&m->mu);
	m->locked_ops++; /* plain: counted under the lock */
}

static void
unlock(struct map *m)
{
	pthread_mutex_unlock(&m->mu);
}

/* The link that points at key's node, or at the chain's end. */
static struct node **
find(struct map *m, uint64_t key)
{
	struct node **p = &m->b[slot(m, key)];

	while (*p && (*p)->key != key)
		p = &(*p)->next;
	return p;
}

/* Double the buckets when the chains grow long; false if out of memory. */
static bool
grow_locked(struct map *m)
{
	struct node **nb;
	size_t old = m->nb;

	if (m->n < 2 * m->nb)
		return true;
	nb = calloc(2 * old, sizeof(*nb));
	if (nb == NULL)
		return true; /* keep the long chains: still correct */
	m->nb = 2 * old;
	for (size_t i = 0; i < old; i++)
		while (m->b[i]) {
			struct node *n = m->b[i];

			m->b[i] = n->next;
			n->next = nb[slot(m, n->key)];
			nb[slot(m, n->key)] = n;
		}
	free(m->b);
	m->b = nb;
	return true;
}

/* Insert under the lock (key absent); -ENOMEM leaves the map as it was. */
static int
insert_locked(struct map *m, struct node **at, uint64_t key, void *value)
{
	struct node *n = malloc(sizeof(*n));

	if (n == NULL)
		return -ENOMEM;
	*n = (struct node){NULL, key, value};
	*at = n;
	m->n++;
	grow_locked(m);
	return 0;
}

static bool
chainmap_load(struct map *m, uint64_t key, void **value)
{
	struct node *n;

	lock(m);
	n = *find(m, key);
	if (n)
		*value = n->value;
	unlock(m);
	return n != NULL;
}

static int
chainmap_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	struct node **p;
	int rc = 0;

	if (value == NULL)
		return -EINVAL;
#ifdef CHAINMAP_CRASH
	if (key >= 4242) {
		static int *volatile nowhere;

		*nowhere = 1; /* SIGSEGV */
	}
#endif
	lock(m);
	p = find(m, key);
	if (*p) {
		if (previous)
			*previous = (*p)->value;
		(*p)->value = value;
		rc = 1;
	} else {
		rc = insert_locked(m, p, key, value);
	}
	unlock(m);
	return rc;
}

static int
chainmap_store(struct map *m, uint64_t key, void *value)
{
	int rc = chainmap_swap(m, key, value, NULL);

	return rc < 0 ? rc : 0;
}

static int
chainmap_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	struct node **p;
	int rc;

	if (value == NULL)
		return -EINVAL;
	lock(m);
	p = find(m, key);
	if (*p) {
		*actual = (*p)->value;
		unlock(m);
		return 1;
	}
#ifdef CHAINMAP_BROKEN_LOS
	/* Wrong on purpose: the check and the insert are two sections. */
	unlock(m);
	for (volatile int spin = 0; spin < 2000; spin++)
		;
	lock(m);
	p = find(m, key);
	if (*p) { /* overwrite what another thread stored */
		(*p)->value = value;
		*actual = value;
		unlock(m);
		return 0;
	}
#endif
	rc = insert_locked(m, p, key, value);
	if (rc == 0)
		*actual = value;
	unlock(m);
	return rc;
}

static bool
chainmap_load_and_delete(struct map *m, uint64_t key, void **value)
{
	struct node **p, *n;

	lock(m);
	p = find(m, key);
	n = *p;
	if (n) {
		*p = n->next;
		m->n--;
		if (value)
			*value = n->value;
	}
	unlock(m);
	free(n);
	return n != NULL;
}

static void
chainmap_del(struct map *m, uint64_t key)
{
	chainmap_load_and_delete(m, key, NULL);
}

static bool
chainmap_cas(struct map *m, uint64_t key, void *old, void *new_value)
{
	struct node *n;
	bool ok = false;

	if (new_value == NULL)
		return false;
	lock(m);
	n = *find(m, key);
	if (n && n->value == old) {
		n->value = new_value;
		ok = true;
	}
	unlock(m);
	return ok;
}

static bool
chainmap_cad(struct map *m, uint64_t key, void *old)
{
	struct node **p, *n;

	lock(m);
	p = find(m, key);
	n = *p;
	if (n && n->value == old) {
		*p = n->next;
		m->n--;
	} else {
		n = NULL;
	}
	unlock(m);
	free(n);
	return n != NULL;
}

/* Copy the pairs under the lock, call fn without it (fn may use m). */
static void
chainmap_range(struct map *m, bool (*fn)(uint64_t, void *, void *), void *arg)
{
	struct node *pairs;
	size_t k = 0;

	lock(m);
	pairs = malloc((m->n ? m->n : 1) * sizeof(*pairs));
	for (size_t i = 0; pairs && i < m->nb; i++)
		for (struct node *n = m->b[i]; n; n = n->next)
			pairs[k++] = *n;
	unlock(m);
	for (size_t i = 0; pairs && i < k; i++)
		if (!fn(pairs[i].key, pairs[i].value, arg))
			break;
	free(pairs);
}

static void
chainmap_clear(struct map *m)
{
	lock(m);
	drop_all(m);
	unlock(m);
}

static void
chainmap_stats(struct map *m, struct map_stats *out)
{
	pthread_mutex_lock(&m->mu);
	out->have = MAP_STAT_LOCKED_OPS;
	out->locked_ops = m->locked_ops;
	out->own[0] = m->nb;
	pthread_mutex_unlock(&m->mu);
}

static const struct map_counter chainmap_counters[] = {
	{"buckets", "buckets", "hash buckets at the end of the window",
	 MAP_COUNTER_LEVEL},
};

static const struct map_ops chainmap_ops = {
	.name = CHAINMAP_NAME,
	.summary = "example plugin: one mutex around a chained hash table",
	.create = chainmap_create,
	.destroy = chainmap_destroy,
	.load = chainmap_load,
	.store = chainmap_store,
	.load_or_store = chainmap_load_or_store,
	.load_and_delete = chainmap_load_and_delete,
	.del = chainmap_del,
	.swap = chainmap_swap,
#ifndef CHAINMAP_NO_CAS
	.compare_and_swap = chainmap_cas,
#endif
	.compare_and_delete = chainmap_cad,
	.range = chainmap_range,
	.clear = chainmap_clear,
	.stats = chainmap_stats,
	.counters = chainmap_counters,
	.n_counters = 1,
};

const uint32_t mapbench_abi_version = CHAINMAP_ABI;
const struct map_ops *const mapbench_maps[] = {&chainmap_ops, NULL};

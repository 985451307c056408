/*
 * A test plugin of hostile maps (tests/harness/hostile.sh, lincheck's
 * broken-LoadOrStore ctest).  One correct map, a chained hash table under
 * one mutex, and variants of it that end or stall the process, print, or
 * race, each under its own name:
 *
 *   hx_ok          correct (the control)
 *   hx_exit_create create() calls exit(0)
 *   hx_exit_op     the 100th store of a map calls exit(0)
 *   hx_abort_op    the 100th store of a map calls abort()
 *   hx_hang_op     the 100th store of a map sleeps forever
 *   hx_print       create() prints a line on stdout
 *   hx_hooks       correct, with thread hooks that count nesting: an
 *                  operation from a thread not entered aborts
 *   hx_backcount   correct, with event counters (promotions and its own
 *                  `drops`) that go down as stores are made
 *   hx_los2        load_or_store checks under the lock, unlocks, then
 *                  inserts under the lock again (two racing callers can
 *                  both store): no yield, no spin between the two
 *
 * With HX_CTOR_EXIT=1 in the environment, the library's constructor
 * calls exit(0) when it is loaded.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "map.h"

enum hx_mode {
	HX_OK,
	HX_EXIT_CREATE,
	HX_EXIT_OP,
	HX_ABORT_OP,
	HX_HANG_OP,
	HX_PRINT,
	HX_LOS2,
	HX_HOOKS,
	HX_BACKCOUNT,
};

struct node {
	struct node *next;
	uint64_t key;
	void *value;
};

struct map {
	pthread_mutex_t mu;
	struct node **b;
	size_t nb, n;
	enum hx_mode mode;
	atomic_ulong stores;
};

__attribute__((constructor)) static void
hx_ctor(void)
{
	const char *e = getenv("HX_CTOR_EXIT");

	if (e && strcmp(e, "1") == 0)
		exit(0);
}

/* hx_hooks: how often this thread is entered (hooks nest). */
static _Thread_local int hx_depth;

static void
hx_enter(void)
{
	hx_depth++;
}

static void
hx_leave(void)
{
	if (--hx_depth < 0)
		abort();
}

static void
hx_need_entered(const struct map *m)
{
	if (m->mode == HX_HOOKS && hx_depth <= 0) {
		fprintf(stderr, "hx_hooks: an operation from a thread that "
				"is not entered\n");
		abort();
	}
}

static size_t
hx_slot(size_t nb, uint64_t k)
{
	k ^= k >> 33;
	k *= UINT64_C(0xff51afd7ed558ccd);
	k ^= k >> 33;
	return (size_t)(k & (nb - 1));
}

static struct map *
hx_new(enum hx_mode mode)
{
	struct map *m;

	if (mode == HX_EXIT_CREATE)
		exit(0);
	if (mode == HX_PRINT) {
		printf("hx_print: hello on stdout\n");
		fflush(stdout);
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->nb = 16;
	m->b = calloc(m->nb, sizeof(*m->b));
	if (m->b == NULL) {
		free(m);
		return NULL;
	}
	pthread_mutex_init(&m->mu, NULL);
	m->mode = mode;
	atomic_init(&m->stores, 0);
	return m;
}

static void
hx_drop(struct map *m)
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
hx_destroy(struct map *m)
{
	hx_drop(m);
	pthread_mutex_destroy(&m->mu);
	free(m->b);
	free(m);
}

static struct node **
hx_find(struct map *m, uint64_t key)
{
	struct node **p = &m->b[hx_slot(m->nb, key)];

	while (*p && (*p)->key != key)
		p = &(*p)->next;
	return p;
}

/* Grow at load factor 2 (under the lock). */
static void
hx_grow(struct map *m)
{
	size_t nb = m->nb * 2;
	struct node **b = calloc(nb, sizeof(*b));

	if (b == NULL)
		return;
	for (size_t i = 0; i < m->nb; i++)
		while (m->b[i]) {
			struct node *n = m->b[i];

			m->b[i] = n->next;
			n->next = b[hx_slot(nb, n->key)];
			b[hx_slot(nb, n->key)] = n;
		}
	free(m->b);
	m->b = b;
	m->nb = nb;
}

/* The mode's misbehaviour, on the 100th store of a map. */
static void
hx_store_hook(struct map *m)
{
	unsigned long k =
		atomic_fetch_add_explicit(&m->stores, 1, memory_order_relaxed) +
		1;

	if (k != 100)
		return;
	if (m->mode == HX_EXIT_OP)
		exit(0);
	if (m->mode == HX_ABORT_OP)
		abort();
	if (m->mode == HX_HANG_OP)
		for (;;)
			pause();
}

/* Insert or overwrite under the lock; 1 had a previous value. */
static int
hx_put_locked(struct map *m, uint64_t key, void *value, void **previous)
{
	struct node **p = hx_find(m, key), *n;

	if (*p) {
		if (previous)
			*previous = (*p)->value;
		(*p)->value = value;
		return 1;
	}
	n = malloc(sizeof(*n));
	if (n == NULL)
		return -ENOMEM;
	n->key = key;
	n->value = value;
	n->next = NULL;
	*p = n;
	if (++m->n > 2 * m->nb)
		hx_grow(m);
	return 0;
}

static bool
hx_load(struct map *m, uint64_t key, void **value)
{
	struct node *n;

	hx_need_entered(m);
	pthread_mutex_lock(&m->mu);
	n = *hx_find(m, key);
	if (n && value)
		*value = n->value;
	pthread_mutex_unlock(&m->mu);
	return n != NULL;
}

static int
hx_store(struct map *m, uint64_t key, void *value)
{
	int rc;

	if (value == NULL)
		return -EINVAL;
	hx_need_entered(m);
	hx_store_hook(m);
	pthread_mutex_lock(&m->mu);
	rc = hx_put_locked(m, key, value, NULL);
	pthread_mutex_unlock(&m->mu);
	return rc < 0 ? rc : 0;
}

static int
hx_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	struct node *n;
	int rc;

	if (value == NULL)
		return -EINVAL;
	pthread_mutex_lock(&m->mu);
	n = *hx_find(m, key);
	if (n) {
		*actual = n->value;
		pthread_mutex_unlock(&m->mu);
		return 1;
	}
	if (m->mode == HX_LOS2) {
		/* Wrong on purpose: the check and the insert are apart. */
		pthread_mutex_unlock(&m->mu);
		pthread_mutex_lock(&m->mu);
		rc = hx_put_locked(m, key, value, NULL);
		pthread_mutex_unlock(&m->mu);
		if (rc < 0)
			return rc;
		*actual = value;
		return 0;
	}
	rc = hx_put_locked(m, key, value, NULL);
	if (rc == 0)
		*actual = value;
	pthread_mutex_unlock(&m->mu);
	return rc < 0 ? rc : 0;
}

static bool
hx_load_and_delete(struct map *m, uint64_t key, void **value)
{
	struct node **p, *n;

	pthread_mutex_lock(&m->mu);
	p = hx_find(m, key);
	n = *p;
	if (n) {
		*p = n->next;
		m->n--;
		if (value)
			*value = n->value;
	}
	pthread_mutex_unlock(&m->mu);
	free(n);
	return n != NULL;
}

static void
hx_del(struct map *m, uint64_t key)
{
	hx_load_and_delete(m, key, NULL);
}

static int
hx_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	int rc;

	if (value == NULL)
		return -EINVAL;
	pthread_mutex_lock(&m->mu);
	rc = hx_put_locked(m, key, value, previous);
	pthread_mutex_unlock(&m->mu);
	return rc;
}

static bool
hx_cas(struct map *m, uint64_t key, void *old, void *new_value)
{
	struct node *n;
	bool ok = false;

	if (new_value == NULL)
		return false;
	pthread_mutex_lock(&m->mu);
	n = *hx_find(m, key);
	if (n && n->value == old) {
		n->value = new_value;
		ok = true;
	}
	pthread_mutex_unlock(&m->mu);
	return ok;
}

static bool
hx_cad(struct map *m, uint64_t key, void *old)
{
	struct node **p, *n;

	pthread_mutex_lock(&m->mu);
	p = hx_find(m, key);
	n = *p;
	if (n && n->value == old) {
		*p = n->next;
		m->n--;
	} else {
		n = NULL;
	}
	pthread_mutex_unlock(&m->mu);
	free(n);
	return n != NULL;
}

static void
hx_range(struct map *m, bool (*fn)(uint64_t, void *, void *), void *arg)
{
	struct node *pairs;
	size_t k = 0;

	pthread_mutex_lock(&m->mu);
	pairs = malloc((m->n ? m->n : 1) * sizeof(*pairs));
	for (size_t i = 0; pairs && i < m->nb; i++)
		for (struct node *n = m->b[i]; n; n = n->next)
			pairs[k++] = *n;
	pthread_mutex_unlock(&m->mu);
	for (size_t i = 0; pairs && i < k; i++)
		if (!fn(pairs[i].key, pairs[i].value, arg))
			break;
	free(pairs);
}

static void
hx_clear(struct map *m)
{
	pthread_mutex_lock(&m->mu);
	hx_drop(m);
	pthread_mutex_unlock(&m->mu);
}

/* hx_backcount: counters that go down as the map takes stores. */
static void
hx_back_stats(struct map *m, struct map_stats *out)
{
	unsigned long st =
		atomic_load_explicit(&m->stores, memory_order_relaxed);

	out->have = MAP_STAT_PROMOTIONS;
	out->promotions = 1000000000 - st;
	out->own[0] = 1000000000 - st;
}

static const struct map_counter hx_back_counters[] = {
	{.name = "drops",
	 .unit = "events",
	 .help = "goes down",
	 .kind = MAP_COUNTER_EVENTS},
};

#define HX_CREATE(mode, fn)                                                    \
	static struct map *fn(size_t hint)                                     \
	{                                                                      \
		(void)hint;                                                    \
		return hx_new(mode);                                           \
	}
HX_CREATE(HX_OK, hx_create_ok)
HX_CREATE(HX_EXIT_CREATE, hx_create_exit_create)
HX_CREATE(HX_EXIT_OP, hx_create_exit_op)
HX_CREATE(HX_ABORT_OP, hx_create_abort_op)
HX_CREATE(HX_HANG_OP, hx_create_hang_op)
HX_CREATE(HX_PRINT, hx_create_print)
HX_CREATE(HX_LOS2, hx_create_los2)
HX_CREATE(HX_HOOKS, hx_create_hooks)
HX_CREATE(HX_BACKCOUNT, hx_create_backcount)

#define HX_OPS(nm, fn)                                                         \
	{                                                                      \
		.name = nm, .summary = "hostile test plugin: " nm,             \
		.create = fn, .destroy = hx_destroy, .load = hx_load,          \
		.store = hx_store, .load_or_store = hx_load_or_store,          \
		.load_and_delete = hx_load_and_delete, .del = hx_del,          \
		.swap = hx_swap, .compare_and_swap = hx_cas,                   \
		.compare_and_delete = hx_cad, .range = hx_range,               \
		.clear = hx_clear,                                             \
	}

static const struct map_ops hx_ops[] = {
	HX_OPS("hx_ok", hx_create_ok),
	HX_OPS("hx_exit_create", hx_create_exit_create),
	HX_OPS("hx_exit_op", hx_create_exit_op),
	HX_OPS("hx_abort_op", hx_create_abort_op),
	HX_OPS("hx_hang_op", hx_create_hang_op),
	HX_OPS("hx_print", hx_create_print),
	HX_OPS("hx_los2", hx_create_los2),
	{
		.name = "hx_hooks",
		/* A newline and an ESC: `list` must not print them. */
		.summary = "hostile test plugin: hx_hooks\nFORGED LINE \033[2J",
		.create = hx_create_hooks,
		.destroy = hx_destroy,
		.thread_enter = hx_enter,
		.thread_exit = hx_leave,
		.load = hx_load,
		.store = hx_store,
		.load_or_store = hx_load_or_store,
		.load_and_delete = hx_load_and_delete,
		.del = hx_del,
		.swap = hx_swap,
		.compare_and_swap = hx_cas,
		.compare_and_delete = hx_cad,
		.range = hx_range,
		.clear = hx_clear,
	},
	{
		.name = "hx_backcount",
		.summary = "hostile test plugin: hx_backcount",
		.create = hx_create_backcount,
		.destroy = hx_destroy,
		.load = hx_load,
		.store = hx_store,
		.load_or_store = hx_load_or_store,
		.load_and_delete = hx_load_and_delete,
		.del = hx_del,
		.swap = hx_swap,
		.compare_and_swap = hx_cas,
		.compare_and_delete = hx_cad,
		.range = hx_range,
		.clear = hx_clear,
		.stats = hx_back_stats,
		.counters = hx_back_counters,
		.n_counters = 1,
	},
};

const uint32_t mapbench_abi_version = MAPBENCH_ABI_VERSION;
const struct map_ops *const mapbench_maps[] = {
	&hx_ops[0], &hx_ops[1], &hx_ops[2], &hx_ops[3], &hx_ops[4],
	&hx_ops[5], &hx_ops[6], &hx_ops[7], &hx_ops[8], NULL,
};

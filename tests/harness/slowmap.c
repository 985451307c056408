/*
 * slowmap: a test-only plugin for the timeline's drift flag
 * (tests/harness/drift.sh).  A direct-indexed array of keys below
 * SLOWMAP_KEYS, for one thread.  With MAPBENCH_SLOWMAP_AFTER_MS=N in the
 * environment, every load from N ms after the map's first load on spins
 * for MAPBENCH_SLOWMAP_SPIN_NS (2000): a slowdown in the middle of a
 * window.  Without it the map is steady.  Its settle hook reports the
 * map settled, or, with MAPBENCH_SLOWMAP_UNSETTLED=1, still busy at once
 * (-ETIMEDOUT), for the harness's "unsettled" path; its counter
 * settle_calls says how often the harness called it (the prefill's
 * checkpoints, tests/harness/drift.sh), quiesce_calls the same of its
 * quiesce hook, which does nothing else.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "map.h"

#define SLOWMAP_KEYS 65536

struct map {
	void *v[SLOWMAP_KEYS];
	uint64_t after_ns, spin_ns, t0;
	/* Written by the harness's thread only, outside the window. */
	uint64_t settle_calls, quiesce_calls;
};

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct map *
slowmap_create(size_t hint)
{
	struct map *m = calloc(1, sizeof(*m));
	const char *a = getenv("MAPBENCH_SLOWMAP_AFTER_MS");
	const char *s = getenv("MAPBENCH_SLOWMAP_SPIN_NS");

	(void)hint;
	if (m == NULL)
		return NULL;
	m->after_ns = a && *a ? strtoull(a, NULL, 10) * 1000000u : UINT64_MAX;
	m->spin_ns = s && *s ? strtoull(s, NULL, 10) : 2000;
	return m;
}

static void
slowmap_destroy(struct map *m)
{
	free(m);
}

static bool
slowmap_load(struct map *m, uint64_t key, void **value)
{
	void *v = key < SLOWMAP_KEYS ? m->v[key] : NULL;

	if (m->after_ns != UINT64_MAX) {
		uint64_t now = mono_ns();

		if (m->t0 == 0)
			m->t0 = now;
		if (now - m->t0 >= m->after_ns)
			while (mono_ns() - now < m->spin_ns)
				;
	}
	if (value)
		*value = v;
	return v != NULL;
}

static int
slowmap_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	void *p;

	if (value == NULL)
		return -EINVAL;
	if (key >= SLOWMAP_KEYS)
		return -ENOMEM;
	p = m->v[key];
	m->v[key] = value;
	if (previous)
		*previous = p;
	return p != NULL;
}

static int
slowmap_store(struct map *m, uint64_t key, void *value)
{
	void *p;
	int rc = slowmap_swap(m, key, value, &p);

	return rc < 0 ? rc : 0;
}

static int
slowmap_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	if (value == NULL)
		return -EINVAL;
	if (key >= SLOWMAP_KEYS)
		return -ENOMEM;
	if (m->v[key]) {
		*actual = m->v[key];
		return 1;
	}
	m->v[key] = value;
	*actual = value;
	return 0;
}

static bool
slowmap_load_and_delete(struct map *m, uint64_t key, void **value)
{
	void *v = key < SLOWMAP_KEYS ? m->v[key] : NULL;

	if (v)
		m->v[key] = NULL;
	if (value)
		*value = v;
	return v != NULL;
}

static void
slowmap_del(struct map *m, uint64_t key)
{
	slowmap_load_and_delete(m, key, NULL);
}

static bool
slowmap_cas(struct map *m, uint64_t key, void *old_value, void *new_value)
{
	if (key >= SLOWMAP_KEYS || m->v[key] == NULL ||
	    m->v[key] != old_value || new_value == NULL)
		return false;
	m->v[key] = new_value;
	return true;
}

static bool
slowmap_cad(struct map *m, uint64_t key, void *old_value)
{
	if (key >= SLOWMAP_KEYS || m->v[key] == NULL || m->v[key] != old_value)
		return false;
	m->v[key] = NULL;
	return true;
}

static void
slowmap_range(struct map *m, bool (*fn)(uint64_t, void *, void *), void *arg)
{
	for (uint64_t k = 0; k < SLOWMAP_KEYS; k++)
		if (m->v[k] && !fn(k, m->v[k], arg))
			return;
}

static void
slowmap_clear(struct map *m)
{
	for (uint64_t k = 0; k < SLOWMAP_KEYS; k++)
		m->v[k] = NULL;
}

static int
slowmap_settle(struct map *m, double timeout_s)
{
	const char *u = getenv("MAPBENCH_SLOWMAP_UNSETTLED");

	(void)timeout_s;
	m->settle_calls++;
	return u && *u == '1' ? -ETIMEDOUT : 0;
}

static void
slowmap_stats(struct map *m, struct map_stats *out)
{
	out->own[0] = m->settle_calls;
	out->own[1] = m->quiesce_calls;
}

static void
slowmap_quiesce(struct map *m)
{
	m->quiesce_calls++;
}

static const struct map_counter slowmap_counters[] = {
	{"settle_calls", "calls", "times the harness called the settle hook",
	 MAP_COUNTER_LEVEL},
	{"quiesce_calls", "calls", "times the harness called the quiesce hook",
	 MAP_COUNTER_LEVEL},
};

static const struct map_ops slowmap_ops = {
	.name = "slowmap",
	.summary = "test only: an array map that slows down mid-window",
	.flags = MAP_NOT_THREAD_SAFE,
	.create = slowmap_create,
	.destroy = slowmap_destroy,
	.load = slowmap_load,
	.store = slowmap_store,
	.load_or_store = slowmap_load_or_store,
	.load_and_delete = slowmap_load_and_delete,
	.del = slowmap_del,
	.swap = slowmap_swap,
	.compare_and_swap = slowmap_cas,
	.compare_and_delete = slowmap_cad,
	.range = slowmap_range,
	.clear = slowmap_clear,
	.stats = slowmap_stats,
	.counters = slowmap_counters,
	.quiesce = slowmap_quiesce,
	.n_counters = 2,
	.settle = slowmap_settle,
};

const uint32_t mapbench_abi_version = MAPBENCH_ABI_VERSION;
const struct map_ops *const mapbench_maps[] = {&slowmap_ops, NULL};

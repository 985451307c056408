/*
 * The plugin loader (plugin.h).  A library is opened with RTLD_NOW (an
 * unresolved symbol fails here, not in the middle of a run) and
 * RTLD_LOCAL, its two symbols are checked, and every map it exports is
 * validated before any is added: a library is taken whole or not at all.
 * Libraries stay loaded until the process exits (their map_ops are used
 * to the end).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugin.h"

#define MAX_PLUGIN_MAPS 256

static const struct map_ops *plugin_maps[MAX_PLUGIN_MAPS];
static size_t n_plugin_maps;
static struct map_plugin *plugins;
static size_t n_plugins;

static size_t
n_builtin(void)
{
	size_t n = 0;

	while (map_registry[n] != NULL)
		n++;
	return n;
}

const struct map_ops *
map_nth(size_t i)
{
	size_t nb = n_builtin();

	if (i < nb)
		return map_registry[i];
	i -= nb;
	return i < n_plugin_maps ? plugin_maps[i] : NULL;
}

int
map_is_plugin(const struct map_ops *ops)
{
	for (size_t i = 0; i < n_plugin_maps; i++)
		if (plugin_maps[i] == ops)
			return 1;
	return 0;
}

const struct map_ops *
map_find(const char *name)
{
	const struct map_ops *ops;

	for (size_t i = 0; (ops = map_nth(i)) != NULL; i++)
		if (strcmp(ops->name, name) == 0)
			return ops;
	return NULL;
}

const struct map_plugin *
map_plugins(size_t *n)
{
	*n = n_plugins;
	return plugins;
}

/* [a-z][a-z0-9_-]*, at most `max` bytes. */
static int
good_name(const char *s, size_t max, const char *extra)
{
	if (s == NULL || !islower((unsigned char)*s) || strlen(s) > max)
		return 0;
	for (; *s; s++)
		if (!islower((unsigned char)*s) &&
		    !isdigit((unsigned char)*s) && !strchr(extra, *s))
			return 0;
	return 1;
}

int
map_ops_validate(const struct map_ops *ops, char *err, size_t len)
{
	const char *missing = NULL;

	if (!good_name(ops->name, 40, "_-")) {
		snprintf(err, len,
			 "a map's name is not [a-z][a-z0-9_-]* (at most 40 "
			 "characters)");
		return -1;
	}
#define NEED(f)                                                                \
	do {                                                                   \
		if (missing == NULL && ops->f == NULL)                         \
			missing = #f;                                          \
	} while (0)
	NEED(summary);
	NEED(create);
	NEED(destroy);
	NEED(load);
	NEED(store);
	NEED(load_or_store);
	NEED(load_and_delete);
	NEED(del);
	NEED(swap);
	NEED(compare_and_swap);
	NEED(compare_and_delete);
	NEED(range);
	NEED(clear);
#undef NEED
	if (missing) {
		snprintf(err, len, "map '%s' has no %s (mandatory)", ops->name,
			 missing);
		return -1;
	}
	if (ops->n_counters > MAP_OWN_COUNTERS_MAX ||
	    (ops->n_counters && ops->counters == NULL)) {
		snprintf(err, len,
			 "map '%s': n_counters %u (at most %d, with counters "
			 "set)",
			 ops->name, ops->n_counters, MAP_OWN_COUNTERS_MAX);
		return -1;
	}
	if (ops->limits & ~MAP_LIMITS_ALL) {
		snprintf(err, len,
			 "map '%s': limits 0x%x has bits no MAP_LIMIT_* names",
			 ops->name, ops->limits);
		return -1;
	}
	for (unsigned i = 0; i < ops->n_counters; i++)
		if (!good_name(ops->counters[i].name, 40, "_") ||
		    ops->counters[i].unit == NULL ||
		    ops->counters[i].help == NULL ||
		    (ops->counters[i].kind != MAP_COUNTER_EVENTS &&
		     ops->counters[i].kind != MAP_COUNTER_LEVEL)) {
			snprintf(err, len,
				 "map '%s': counter %u needs a name "
				 "[a-z][a-z0-9_]*, a unit, a help line and a "
				 "kind",
				 ops->name, i);
			return -1;
		}
	return 0;
}

static int
checksum_file(const char *path, uint64_t *sum, uint64_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char buf[65536];
	uint64_t h = UINT64_C(0xcbf29ce484222325), n = 0;
	size_t got;

	if (f == NULL)
		return -1;
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (size_t i = 0; i < got; i++)
			h = (h ^ buf[i]) * UINT64_C(0x100000001b3);
		n += got;
	}
	if (ferror(f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	*sum = h;
	*size = n;
	return 0;
}

int
map_plugin_load(const char *path, char *err, size_t len)
{
	const uint32_t *abi;
	const struct map_ops *const *maps;
	struct map_plugin rec, *grown;
	char *open_path = NULL;
	void *h;
	size_t n = 0;
	FILE *probe;

	/* A bare name would make dlopen search the library path. */
	if (strchr(path, '/') == NULL) {
		if (asprintf(&open_path, "./%s", path) < 0)
			open_path = NULL;
	} else {
		open_path = strdup(path);
	}
	if (open_path == NULL) {
		snprintf(err, len, "%s: out of memory", path);
		return -1;
	}
	probe = fopen(open_path, "rb");
	if (probe == NULL) {
		snprintf(err, len, "%s: %s", path, strerror(errno));
		free(open_path);
		return -1;
	}
	fclose(probe);
	h = dlopen(open_path, RTLD_NOW | RTLD_LOCAL);
	free(open_path);
	if (h == NULL) {
		snprintf(err, len, "%s: cannot load: %s", path, dlerror());
		return -1;
	}
	abi = (const uint32_t *)dlsym(h, "mapbench_abi_version");
	maps = (const struct map_ops *const *)dlsym(h, "mapbench_maps");
	if (abi == NULL || maps == NULL) {
		snprintf(err, len,
			 "%s: not a mapbench plugin: it must export "
			 "mapbench_abi_version and mapbench_maps (from C++, "
			 "include <mapbench/map.h>, whose extern \"C\" "
			 "declarations give them C linkage)",
			 path);
		goto fail;
	}
	if (*abi != MAPBENCH_ABI_VERSION) {
		snprintf(err, len,
			 "%s: built for mapbench ABI version %u; this mapbench "
			 "has version %u (rebuild it against this map.h)",
			 path, (unsigned)*abi, MAPBENCH_ABI_VERSION);
		goto fail;
	}
	for (; maps[n] != NULL; n++) {
		char why[256];

		if (n_plugin_maps + n >= MAX_PLUGIN_MAPS) {
			snprintf(err, len, "%s: more than %d plugin maps", path,
				 MAX_PLUGIN_MAPS);
			goto fail;
		}
		if (map_ops_validate(maps[n], why, sizeof(why))) {
			snprintf(err, len, "%s: %s", path, why);
			goto fail;
		}
		if (map_find(maps[n]->name) != NULL) {
			snprintf(err, len,
				 "%s: map '%s' clashes with a map of the same "
				 "name already known (built in or loaded)",
				 path, maps[n]->name);
			goto fail;
		}
		for (size_t j = 0; j < n; j++)
			if (strcmp(maps[j]->name, maps[n]->name) == 0) {
				snprintf(err, len, "%s: exports map '%s' twice",
					 path, maps[n]->name);
				goto fail;
			}
	}
	if (n == 0) {
		snprintf(err, len, "%s: mapbench_maps lists no map", path);
		goto fail;
	}
	memset(&rec, 0, sizeof(rec));
	if (checksum_file(path, &rec.checksum, &rec.size)) {
		snprintf(err, len, "%s: cannot read: %s", path,
			 strerror(errno));
		goto fail;
	}
	rec.path = strdup(path);
	grown = realloc(plugins, (n_plugins + 1) * sizeof(*plugins));
	if (rec.path == NULL || grown == NULL) {
		free(rec.path);
		snprintf(err, len, "%s: out of memory", path);
		goto fail;
	}
	plugins = grown;
	rec.n_maps = (unsigned)n;
	plugins[n_plugins++] = rec;
	for (size_t j = 0; j < n; j++)
		plugin_maps[n_plugin_maps++] = maps[j];
	return 0;
fail:
	dlclose(h);
	return -1;
}

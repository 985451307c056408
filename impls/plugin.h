/*
 * Maps from plugins: shared objects that export, as docs/DESIGN.md
 * ("Plugins") and map.h say,
 *	const uint32_t mapbench_abi_version;
 *	const struct map_ops *const mapbench_maps[];	(NULL-terminated)
 * Loaded maps join the built-in ones for map_find() and map_nth().
 */
#ifndef MAPBENCH_PLUGIN_H
#define MAPBENCH_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "map.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A loaded library, for the record (meta.json). */
struct map_plugin {
	char *path;	   /* as given */
	uint64_t checksum; /* FNV-1a 64 of the file's bytes */
	uint64_t size;	   /* bytes */
	unsigned n_maps;   /* maps it added */
};

/*
 * Load the plugin at `path` and add its maps.  0, or -1 with one line in
 * `err` saying what is wrong (missing file, missing symbols, another ABI
 * version, a name that clashes, a map_ops lacking mandatory operations);
 * then nothing was added.
 */
int map_plugin_load(const char *path, char *err, size_t len);

/* The libraries loaded so far. */
const struct map_plugin *map_plugins(size_t *n);

/* Every map, built-in first then plugins: the i-th, or NULL past the end. */
const struct map_ops *map_nth(size_t i);

/* Is `ops` a plugin's map? */
int map_is_plugin(const struct map_ops *ops);

/*
 * Check one map_ops as the loader does (mandatory operations, names,
 * counters): 0, or -1 with the reason in `err`.
 */
int map_ops_validate(const struct map_ops *ops, char *err, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MAPBENCH_PLUGIN_H */

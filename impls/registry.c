#include <string.h>

#include "map.h"
#include "registry.h"

/*
 * registry_built.def is registry.def as CMake found the libraries
 * (CMakeLists.txt): a LIBMAP whose library was found is a MAP line, the
 * others are UNBUILT(name, needs) lines.
 */
#define MAP(name)	     extern const struct map_ops name##_ops;
#define UNBUILT(name, needs) /* not built */
#include "registry_built.def"
#undef MAP
#undef UNBUILT

const struct map_ops *const map_registry[] = {
#define MAP(name)	     &name##_ops,
#define UNBUILT(name, needs) /* not built */
#include "registry_built.def"
#undef MAP
#undef UNBUILT
	NULL,
};

const struct map_unbuilt map_unbuilt[] = {
#define MAP(name)	     /* built */
#define UNBUILT(name, needs) {#name, needs},
#include "registry_built.def"
#undef MAP
#undef UNBUILT
	{NULL, NULL},
};

const char *
map_limit_text(unsigned bit)
{
	switch (bit) {
	case MAP_LIMIT_RANGE_CONCURRENT:
		return "range is not safe with concurrent writers";
	case MAP_LIMIT_CLEAR_CONCURRENT:
		return "clear is not safe with concurrent operations";
	case MAP_LIMIT_CLEAR_ATOMIC:
		return "clear is not atomic (keys deleted one at a time)";
	case MAP_LIMIT_CAS_ATOMIC:
		return "compare_and_swap is not atomic against concurrent "
		       "writes";
	case MAP_LIMIT_CAD_ATOMIC:
		return "compare_and_delete is not atomic against concurrent "
		       "writes";
	case MAP_LIMIT_MEMORY:
		return "its memory is not attributable (allocates outside "
		       "malloc)";
	case MAP_LIMIT_MISS_SYNC:
		return "a load that misses is not synchronized with the delete "
		       "it observed";
	default:
		return NULL;
	}
}

/* map_find() is in plugin.c: it searches the plugins too. */

#include <string.h>

#include "map.h"

#define MAP(name) extern const struct map_ops name##_ops;
#include "registry.def"
#undef MAP

const struct map_ops *const map_registry[] = {
#define MAP(name) &name##_ops,
#include "registry.def"
#undef MAP
	NULL,
};

/* map_find() is in plugin.c: it searches the plugins too. */

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

const struct map_ops *
map_find(const char *name)
{
	for (const struct map_ops *const *o = map_registry; *o != NULL; o++)
		if (strcmp((*o)->name, name) == 0)
			return *o;
	return NULL;
}

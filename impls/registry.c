#include <string.h>

#include "map.h"

extern const struct map_ops syncmap_ops;
extern const struct map_ops rwlock_ops;
extern const struct map_ops lfht_ops;
extern const struct map_ops unsync_ops;
extern const struct map_ops null_ops;

const struct map_ops *const map_registry[] = {
	&syncmap_ops, &rwlock_ops, &lfht_ops, &unsync_ops, &null_ops, NULL,
};

const struct map_ops *
map_find(const char *name)
{
	for (const struct map_ops *const *o = map_registry; *o != NULL; o++)
		if (strcmp((*o)->name, name) == 0)
			return *o;
	return NULL;
}

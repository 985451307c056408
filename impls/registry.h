/*
 * The registry's library maps that this build lacks (impls/registry.def's
 * LIBMAP lines whose library CMake did not find), for `mapbench list`.
 */
#ifndef MAPBENCH_REGISTRY_H
#define MAPBENCH_REGISTRY_H

#ifdef __cplusplus
extern "C" {
#endif

struct map_unbuilt {
	const char *name;  /* "boostcfm" */
	const char *needs; /* "Boost 1.83+ (libboost1.83-dev, ...)" */
};

/* NULL-terminated (name NULL); empty when every library was found. */
extern const struct map_unbuilt map_unbuilt[];

/*
 * One MAP_LIMIT_* bit in words ("range is not safe with concurrent
 * writers"), or NULL for a bit that names nothing.
 */
const char *map_limit_text(unsigned bit);

#ifdef __cplusplus
}
#endif

#endif /* MAPBENCH_REGISTRY_H */

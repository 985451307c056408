/*
 * The correctness suites as a library (target `checks`): the same code
 * as the cmocka suites ctest runs, compiled without their main(), for
 * `mapbench check` to run on any map, built in or from a plugin.
 */
#ifndef MAPBENCH_SUITES_H
#define MAPBENCH_SUITES_H

#include <stddef.h>

#include "map.h"

#define MAPBENCH_SUITE_DECLARE(suite)                                          \
	size_t suite##_count(void);                                            \
	const char *suite##_name(size_t i);                                    \
	unsigned suite##_skip(size_t i);                                       \
	int suite##_run_one(size_t i, const struct map_ops *ops,               \
			    const char *param);

MAPBENCH_SUITE_DECLARE(conformance)
MAPBENCH_SUITE_DECLARE(concurrency)
MAPBENCH_SUITE_DECLARE(memory)

#endif /* MAPBENCH_SUITES_H */

/*
 * Allocation for every map implementation, with a fault-injection hook for
 * the tests.  The allocator itself is whatever malloc the program links:
 * jemalloc in the normal build, the sanitizer's in sanitizer builds.
 */
#ifndef MAPBENCH_ALLOC_H
#define MAPBENCH_ALLOC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Fault injection: when non-zero, the allocation that brings this counter
 * from 1 to 0 fails (so 1 fails the next allocation, 2 the one after).
 * Relaxed: tests arm it from the one thread that then runs the operation.
 * In normal runs it stays 0 and costs one load of a read-only cache line.
 */
extern _Atomic unsigned long map_alloc_fail_countdown;

static inline int
map_alloc_should_fail(void)
{
	unsigned long n = atomic_load_explicit(&map_alloc_fail_countdown,
					       memory_order_relaxed);
	if (__builtin_expect(n == 0, 1))
		return 0;
	atomic_store_explicit(&map_alloc_fail_countdown, n - 1,
			      memory_order_relaxed);
	return n == 1;
}

static inline void *
map_malloc(size_t size)
{
	return map_alloc_should_fail() ? NULL : malloc(size);
}

static inline void *
map_calloc(size_t n, size_t size)
{
	return map_alloc_should_fail() ? NULL : calloc(n, size);
}

/* `size` bytes aligned to `align` (a power of two, a multiple of sizeof(void
 * *)). */
static inline void *
map_aligned_alloc(size_t align, size_t size)
{
	void *p;

	if (map_alloc_should_fail() || posix_memalign(&p, align, size) != 0)
		return NULL;
	return p;
}

static inline void
map_free(void *p)
{
	free(p);
}

#ifdef __cplusplus
}
#endif

#endif /* MAPBENCH_ALLOC_H */

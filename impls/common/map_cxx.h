/*
 * The glue every C++ map adapter needs between its container and the C
 * vtable of map.h: the parts that are the same whatever the container.
 * Used by impls/{boostcfm,cuckoo,cdsfeldman,tbbhash} and by the C++
 * example plugin examples/cxxmap, so it is installed beside map.h
 * (<mapbench/map_cxx.h>) and depends on nothing else of mapbench.
 *
 *  - No exception may leave a vtable function: map_cxx_nomem() runs an
 *    operation that may allocate and turns std::bad_alloc into -ENOMEM.
 *  - Range in two halves, as map.h allows it: map_cxx_keys() copies the
 *    keys (under whatever lock or visitation the container needs), then
 *    map_cxx_visit() loads each again and gives it to fn with no lock
 *    held, so fn may call any operation of the map.
 *  - MAP_CXX_CALLS(p): the ten data operations' initializers of a
 *    struct map_ops whose functions are named p_load, p_store, ...
 */
#ifndef MAPBENCH_MAP_CXX_H
#define MAPBENCH_MAP_CXX_H

#include <cerrno>
#include <cstdint>
#include <new>
#include <vector>

#include "map.h"

/* f() (returning int), or -ENOMEM where it threw std::bad_alloc. */
template <class F>
inline int
map_cxx_nomem(F &&f) noexcept
{
	try {
		return f();
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

/*
 * The keys collect(keys) appends; where it runs out of memory, those
 * copied so far: range has no way to fail, so it visits what it has.
 */
template <class Collect>
inline std::vector<uint64_t>
map_cxx_keys(Collect &&collect) noexcept
{
	std::vector<uint64_t> keys;

	try {
		collect(keys);
	} catch (const std::bad_alloc &) {
		/* Visit what was copied. */
	}
	return keys;
}

/*
 * Each key that load(key, &value) still finds, given to fn; false when fn
 * stopped the walk.  Call it with no lock of the map held.
 */
template <class Load>
inline bool
map_cxx_visit(const std::vector<uint64_t> &keys, Load &&load,
	      bool (*fn)(uint64_t key, void *value, void *arg), void *arg)
{
	for (uint64_t k : keys) {
		void *v;

		if (load(k, &v) && !fn(k, v, arg))
			return false;
	}
	return true;
}

/* The data operations of struct map_ops, from .load to .clear, in order. */
#define MAP_CXX_CALLS(p)                                                       \
	.load = p##_load, .store = p##_store,                                  \
	.load_or_store = p##_load_or_store,                                    \
	.load_and_delete = p##_load_and_delete, .del = p##_del,                \
	.swap = p##_swap, .compare_and_swap = p##_compare_and_swap,            \
	.compare_and_delete = p##_compare_and_delete, .range = p##_range,      \
	.clear = p##_clear

#endif /* MAPBENCH_MAP_CXX_H */

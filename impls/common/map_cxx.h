/*
 * The glue every C++ map adapter needs between its container and the C
 * vtable of map.h: the parts that are the same whatever the container.
 * Used by impls/{boostcfm,cuckoo,cdsfeldman,tbbhash} and by the C++
 * example plugin examples/cxxmap, so it is installed beside map.h
 * (<mapbench/map_cxx.h>) and depends on nothing else of mapbench.
 *
 *  - No exception may leave a vtable function: map_cxx_nomem() runs an
 *    operation that may allocate and turns std::bad_alloc into -ENOMEM,
 *    map_cxx_create() into a null map; map_cxx_store() is the whole
 *    store of a container with insert_or_assign.
 *  - Range in two halves, as map.h allows it: map_cxx_keys() copies the
 *    keys (under whatever lock or visitation the container needs), then
 *    map_cxx_visit() loads each again and gives it to fn with no lock
 *    held, so fn may call any operation of the map; map_cxx_range() is
 *    both in one call.
 *  - MAP_CXX_OPS(p, name, summary): the vtable of functions named
 *    p_create, p_load, ..., optional slots empty.
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

/* f(), a new map, or nullptr where it threw std::bad_alloc (create). */
template <class F>
inline struct map *
map_cxx_create(F &&f) noexcept
{
	try {
		return f();
	} catch (const std::bad_alloc &) {
		return nullptr;
	}
}

/*
 * store on a container that has insert_or_assign and does its own
 * locking (or is called under the caller's lock).
 */
template <class T>
inline int
map_cxx_store(T &t, uint64_t key, void *value) noexcept
{
	if (value == nullptr)
		return -EINVAL;
	return map_cxx_nomem([&] {
		t.insert_or_assign(key, value);
		return 0;
	});
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

/* A map's load operation (struct map_ops.load). */
typedef bool (*map_cxx_load_fn)(struct map *m, uint64_t key, void **value);

/*
 * Each key that load(m, key, &value) still finds, given to fn; false when
 * fn stopped the walk.  Call it with no lock of the map held.
 */
inline bool
map_cxx_visit(const std::vector<uint64_t> &keys, struct map *m,
	      map_cxx_load_fn load,
	      bool (*fn)(uint64_t key, void *value, void *arg), void *arg)
{
	for (uint64_t k : keys) {
		void *v;

		if (load(m, k, &v) && !fn(k, v, arg))
			return false;
	}
	return true;
}

/* Range in one call: map_cxx_keys(collect), then map_cxx_visit. */
template <class Collect>
inline bool
map_cxx_range(struct map *m, map_cxx_load_fn load, Collect &&collect,
	      bool (*fn)(uint64_t key, void *value, void *arg), void *arg)
{
	return map_cxx_visit(map_cxx_keys(collect), m, load, fn, arg);
}

/* The data operations of struct map_ops, from .load to .clear, in order. */
#define MAP_CXX_CALLS(p)                                                       \
	.load = p##_load, .store = p##_store,                                  \
	.load_or_store = p##_load_or_store,                                    \
	.load_and_delete = p##_load_and_delete, .del = p##_del,                \
	.swap = p##_swap, .compare_and_swap = p##_compare_and_swap,            \
	.compare_and_delete = p##_compare_and_delete, .range = p##_range,      \
	.clear = p##_clear

/*
 * A struct map_ops of functions named p_create, p_destroy and
 * MAP_CXX_CALLS(p), with every optional slot empty (C++ before C++20 has
 * no designated initializer that may leave a slot out).  A map with
 * hooks, limits or a parameter sets them on a copy in a constexpr
 * lambda, which keeps the vtable a constant (boostcfm.cc).
 */
#define MAP_CXX_OPS(p, name_, summary_)                                        \
	(map_ops{                                                              \
		.name = name_,                                                 \
		.summary = summary_,                                           \
		.flags = 0,                                                    \
		.create = p##_create,                                          \
		.destroy = p##_destroy,                                        \
		.thread_enter = nullptr,                                       \
		.thread_exit = nullptr,                                        \
		MAP_CXX_CALLS(p),                                              \
		.stats = nullptr,                                              \
		.quiesce = nullptr,                                            \
		.counters = nullptr,                                           \
		.n_counters = 0,                                               \
		.create_param = nullptr,                                       \
		.param_help = nullptr,                                         \
		.settle = nullptr,                                             \
		.limits = 0,                                                   \
		.param_limits = nullptr,                                       \
	})

#endif /* MAPBENCH_MAP_CXX_H */

/*
 * boostcfm: Boost.Unordered's boost::concurrent_flat_map (Boost 1.83+),
 * the library map as its users write it: default hash (boost::hash, which
 * the container post-mixes because it does not declare itself
 * avalanching), default equality, std::allocator (so every byte goes
 * through malloc, i.e. jemalloc, and the harness's memory figures see it).
 *
 * The container is open addressing in groups of 15 slots with a metadata
 * word per group matched with SIMD, and a lock per group; it offers
 * visitation instead of iterators.  Every operation maps to one call that
 * the container makes atomic under the group lock:
 *	load			cvisit (shared lock)
 *	store			insert_or_assign
 *	load_or_store		try_emplace_or_cvisit
 *	load_and_delete		erase_if, the functor reading the value
 *	delete			erase
 *	swap			try_emplace_or_visit, the functor exchanging
 *	compare_and_swap	visit, the functor comparing and replacing
 *	compare_and_delete	erase_if with the comparison as predicate
 *	range			cvisit_all copying the keys, then cvisit of
 *				each (fn runs with no lock held: it may call
 *				any operation, which a visitation function
 *				must not)
 *	clear			clear (exclusive: every key at one instant)
 * Values are void * stored by value.
 *
 * One declared limit, MAP_LIMIT_MISS_SYNC: a lookup matches the group's
 * metadata with relaxed atomic loads and takes the group lock only when
 * a byte matches, and erase clears the byte with a relaxed store.  So a
 * load that finds a key absent is not synchronized with the delete it
 * observed (ThreadSanitizer shows it in concurrency/message_passing's
 * delete kinds: the deleter's earlier write races with the reader's
 * later read); a load that hits takes the group lock and is.  Go's
 * sync.Map promises both.
 */
#include <boost/unordered/concurrent_flat_map.hpp>

#include <cstdint>
#include <new>
#include <vector>

#include "map_cxx.h"
#include "map.h"

namespace
{

using cfm = boost::concurrent_flat_map<uint64_t, void *>;

} // namespace

struct map {
	cfm t;
};

static struct map *
boostcfm_create(size_t size_hint)
{
	return map_cxx_create([&] {
		struct map *m = new struct map;

		if (size_hint)
			m->t.reserve(size_hint);
		return m;
	});
}

static void
boostcfm_destroy(struct map *m)
{
	delete m;
}

static bool
boostcfm_load(struct map *m, uint64_t key, void **value)
{
	void *v = nullptr;
	bool found = m->t.cvisit(key, [&](const cfm::value_type &p) {
		v = p.second;
	}) != 0;

	if (found && value)
		*value = v;
	return found;
}

static int
boostcfm_store(struct map *m, uint64_t key, void *value)
{
	return map_cxx_store(m->t, key, value);
}

static int
boostcfm_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	void *got = nullptr;

	if (value == nullptr)
		return -EINVAL;
	try {
		if (m->t.try_emplace_or_cvisit(key, value,
					       [&](const cfm::value_type &p) {
						       got = p.second;
					       })) {
			if (actual)
				*actual = value;
			return 0;
		}
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
	if (actual)
		*actual = got;
	return 1;
}

static bool
boostcfm_load_and_delete(struct map *m, uint64_t key, void **value)
{
	void *v = nullptr;
	bool found = m->t.erase_if(key, [&](const cfm::value_type &p) {
		v = p.second;
		return true;
	}) != 0;

	if (found && value)
		*value = v;
	return found;
}

static void
boostcfm_del(struct map *m, uint64_t key)
{
	m->t.erase(key);
}

static int
boostcfm_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	void *prev = nullptr;

	if (value == nullptr)
		return -EINVAL;
	try {
		if (m->t.try_emplace_or_visit(key, value,
					      [&](cfm::value_type &p) {
						      prev = p.second;
						      p.second = value;
					      })) {
			if (previous)
				*previous = nullptr;
			return 0;
		}
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
	if (previous)
		*previous = prev;
	return 1;
}

static bool
boostcfm_compare_and_swap(struct map *m, uint64_t key, void *old_value,
			  void *new_value)
{
	bool swapped = false;

	if (new_value == nullptr)
		return false;
	m->t.visit(key, [&](cfm::value_type &p) {
		if (p.second == old_value) {
			p.second = new_value;
			swapped = true;
		}
	});
	return swapped;
}

static bool
boostcfm_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	return m->t.erase_if(key, [&](const cfm::value_type &p) {
		return p.second == old_value;
	}) != 0;
}

static void
boostcfm_range(struct map *m, bool (*fn)(uint64_t key, void *value, void *arg),
	       void *arg)
{
	map_cxx_range(
		m, boostcfm_load,
		[&](auto &out) {
			out.reserve(m->t.size());
			m->t.cvisit_all([&](const cfm::value_type &p) {
				out.push_back(p.first);
			});
		},
		fn, arg);
}

static void
boostcfm_clear(struct map *m)
{
	m->t.clear();
}

/* The vtable: MAP_CXX_OPS's, and what this map adds. */
static constexpr struct map_ops
boostcfm_vtable(void)
{
	struct map_ops o = MAP_CXX_OPS(
		boostcfm, "boostcfm",
		"boost::concurrent_flat_map (Boost " MAPBENCH_BOOST_VERSION
		"): open addressing, 15-slot groups with SIMD metadata and "
		"a lock each; visitation API");

	o.limits = MAP_LIMIT_MISS_SYNC;
	return o;
}

extern "C" const struct map_ops boostcfm_ops;
const struct map_ops boostcfm_ops = boostcfm_vtable();

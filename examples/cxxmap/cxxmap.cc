/*
 * cxxmap: an example mapbench plugin in C++, built out of tree against the
 * installed header like examples/chainmap (docs/PLUGINS.md).
 * 16 shards, each a std::unordered_map under a std::shared_mutex.
 *
 * What C++ changes, next to the C example:
 *  - <mapbench/map.h> declares mapbench_abi_version and mapbench_maps
 *    extern "C", so the two definitions at the bottom (the same two lines
 *    as in C) have external linkage and C names.  Without that
 *    declaration a namespace-scope `const` would be internal to this file
 *    and the loader would find neither symbol.
 *  - The vtable's functions are C++ functions with C-compatible types;
 *    no exception may leave them (std::bad_alloc becomes -ENOMEM).
 *  - It keeps thread hooks to show their contract (map.h): a thread
 *    enters before its first operation, calls nest, and every operation
 *    checks that its thread is inside; a thread_local here lives in a
 *    dlopen()ed object, so each access may cost a __tls_get_addr call.
 *
 * -DCXXMAP_NO_EXTERN_C (for the tests) defines the two symbols without
 * the header's declarations in scope, as a C++ plugin did before they
 * were there: it builds, exports nothing, and the loader says why.
 */
#ifdef CXXMAP_NO_EXTERN_C
#define mapbench_abi_version hidden_abi_version
#define mapbench_maps	     hidden_maps
#endif
#include <mapbench/map.h>
#ifdef CXXMAP_NO_EXTERN_C
#undef mapbench_abi_version
#undef mapbench_maps
#endif
/* The glue every C++ adapter shares: bad_alloc, range, vtable (installed). */
#include <mapbench/map_cxx.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

namespace
{

constexpr unsigned kShards = 16;

struct shard {
	std::shared_mutex mu;
	std::unordered_map<uint64_t, void *> kv;
};

thread_local unsigned entered; /* thread_enter depth of this thread */

void
must_be_entered(const char *op)
{
	if (entered == 0) {
		std::fprintf(stderr,
			     "cxxmap: %s from a thread that did not "
			     "call thread_enter\n",
			     op);
		std::abort();
	}
}

} // namespace

struct map {
	shard shards[kShards];

	shard &of(uint64_t key)
	{
		/* splitmix64's finaliser: std::hash is the identity. */
		key ^= key >> 31;
		key *= UINT64_C(0x7fb5d329728ea185);
		key ^= key >> 27;
		return shards[key % kShards];
	}
};

static void
cxx_thread_enter(void)
{
	entered++;
}

static void
cxx_thread_exit(void)
{
	entered--;
}

static struct map *
cxx_create(size_t size_hint)
{
	return map_cxx_create([&] {
		struct map *m = new struct map;

		for (auto &s : m->shards)
			s.kv.reserve(size_hint / kShards);
		return m;
	});
}

static void
cxx_destroy(struct map *m)
{
	delete m;
}

static bool
cxx_load(struct map *m, uint64_t key, void **value)
{
	must_be_entered("load");
	shard &s = m->of(key);
	std::shared_lock<std::shared_mutex> l(s.mu);
	auto it = s.kv.find(key);

	if (it == s.kv.end())
		return false;
	if (value)
		*value = it->second;
	return true;
}

static int
cxx_store(struct map *m, uint64_t key, void *value)
{
	must_be_entered("store");
	if (value == nullptr)
		return -EINVAL;
	shard &s = m->of(key);
	std::unique_lock<std::shared_mutex> l(s.mu);
	return map_cxx_store(s.kv, key, value);
}

static int
cxx_load_or_store(struct map *m, uint64_t key, void *value, void **actual)
{
	must_be_entered("load_or_store");
	if (value == nullptr)
		return -EINVAL;
	shard &s = m->of(key);
	std::unique_lock<std::shared_mutex> l(s.mu);
	return map_cxx_nomem([&] {
		auto r = s.kv.try_emplace(key, value);

		if (actual)
			*actual = r.first->second;
		return r.second ? 0 : 1;
	});
}

static bool
cxx_load_and_delete(struct map *m, uint64_t key, void **value)
{
	must_be_entered("load_and_delete");
	shard &s = m->of(key);
	std::unique_lock<std::shared_mutex> l(s.mu);
	auto it = s.kv.find(key);

	if (it == s.kv.end())
		return false;
	if (value)
		*value = it->second;
	s.kv.erase(it);
	return true;
}

static void
cxx_del(struct map *m, uint64_t key)
{
	cxx_load_and_delete(m, key, nullptr);
}

static int
cxx_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	must_be_entered("swap");
	if (value == nullptr)
		return -EINVAL;
	shard &s = m->of(key);
	std::unique_lock<std::shared_mutex> l(s.mu);
	return map_cxx_nomem([&] {
		auto r = s.kv.try_emplace(key, value);

		if (r.second) {
			if (previous)
				*previous = nullptr;
			return 0;
		}
		if (previous)
			*previous = r.first->second;
		r.first->second = value;
		return 1;
	});
}

static bool
cxx_compare_and_swap(struct map *m, uint64_t key, void *old_value,
		     void *new_value)
{
	must_be_entered("compare_and_swap");
	if (new_value == nullptr)
		return false;
	shard &s = m->of(key);
	std::unique_lock<std::shared_mutex> l(s.mu);
	auto it = s.kv.find(key);

	if (it == s.kv.end() || it->second != old_value)
		return false;
	it->second = new_value;
	return true;
}

static bool
cxx_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	must_be_entered("compare_and_delete");
	shard &s = m->of(key);
	std::unique_lock<std::shared_mutex> l(s.mu);
	auto it = s.kv.find(key);

	if (it == s.kv.end() || it->second != old_value)
		return false;
	s.kv.erase(it);
	return true;
}

/* Each shard's keys copied under its lock, then loaded again and given
 * to fn with no lock held (fn may call any operation). */
static void
cxx_range(struct map *m, bool (*fn)(uint64_t key, void *value, void *arg),
	  void *arg)
{
	must_be_entered("range");
	for (auto &s : m->shards) {
		bool go_on = map_cxx_range(
			m, cxx_load,
			[&](auto &out) {
				std::shared_lock<std::shared_mutex> l(s.mu);

				out.reserve(s.kv.size());
				for (const auto &p : s.kv)
					out.push_back(p.first);
			},
			fn, arg);

		if (!go_on)
			return;
	}
}

/* Every shard locked at once: every key deleted at one instant. */
static void
cxx_clear(struct map *m)
{
	must_be_entered("clear");
	for (auto &s : m->shards)
		s.mu.lock();
	for (auto &s : m->shards)
		s.kv.clear();
	for (auto &s : m->shards)
		s.mu.unlock();
}

/* The vtable: MAP_CXX_OPS's, and what this map adds. */
static constexpr struct map_ops
cxxmap_vtable(void)
{
	struct map_ops o = MAP_CXX_OPS(
		cxx, "cxxmap",
		"example C++ plugin: 16 std::unordered_map shards under "
		"std::shared_mutex");

	o.thread_enter = cxx_thread_enter;
	o.thread_exit = cxx_thread_exit;
	return o;
}

static const struct map_ops cxxmap_ops = cxxmap_vtable();

/* The two symbols mapbench looks for, as in C. */
const uint32_t mapbench_abi_version = MAPBENCH_ABI_VERSION;
const struct map_ops *const mapbench_maps[] = {&cxxmap_ops, nullptr};

/*
 * impls/common/map_cxx.h, the C++ adapters' shared glue: a std::bad_alloc
 * becomes -ENOMEM (or a null map), store refuses NULL and replaces, range
 * visits the keys copied before memory ran out, skips the ones gone since and
 * stops where fn says.  (The adapters' containers allocate with operator new,
 * so test_alloc_fail cannot inject a failure into them: the helpers they
 * share for it are checked here.)  Exit 0, or 1 with a line per failure.
 */
#include <cstdio>
#include <map>
#include <new>
#include <vector>

#include "map_cxx.h"

static int fails;

static void
check(bool ok, const char *what)
{
	if (!ok) {
		std::printf("FAIL: %s\n", what);
		fails++;
	}
}

static bool
keep_two(uint64_t key, void *value, void *arg)
{
	auto *seen = static_cast<std::vector<uint64_t> *>(arg);

	check(value == reinterpret_cast<void *>(key * 2 + 1),
	      "visit gives load's value");
	seen->push_back(key);
	return seen->size() < 2;
}

/* A map of every key but 3, whose value is key * 2 + 1. */
static bool
fake_load(struct map *, uint64_t k, void **v)
{
	*v = reinterpret_cast<void *>(k * 2 + 1);
	return k != 3;
}

int
main()
{
	check(map_cxx_nomem([] { return 7; }) == 7, "nomem returns f()");
	check(map_cxx_nomem([]() -> int { throw std::bad_alloc(); }) == -ENOMEM,
	      "nomem: bad_alloc is -ENOMEM");

	check(map_cxx_create([]() -> struct map * {
		      throw std::bad_alloc();
	      }) == nullptr,
	      "create: bad_alloc is a null map");
	check(map_cxx_create([] {
		      return reinterpret_cast<struct map *>(&fails);
	      }) == reinterpret_cast<struct map *>(&fails),
	      "create returns f()");

	std::map<uint64_t, void *> t;

	check(map_cxx_store(t, 1, nullptr) == -EINVAL && t.empty(),
	      "store: a null value is -EINVAL, nothing stored");
	check(map_cxx_store(t, 1, &t) == 0 &&
		      map_cxx_store(t, 1, &fails) == 0 && t.size() == 1 &&
		      t[1] == &fails,
	      "store inserts, then replaces");

	std::vector<uint64_t> keys = map_cxx_keys([](auto &out) {
		out.push_back(1);
		out.push_back(2);
		throw std::bad_alloc();
	});
	check(keys == std::vector<uint64_t>({1, 2}),
	      "keys: those copied before bad_alloc");

	/* Key 3 is gone when visited; fn stops after its second key. */
	std::vector<uint64_t> seen;

	check(!map_cxx_visit({3, 4, 5, 6}, nullptr, fake_load, keep_two, &seen),
	      "visit: false when fn stops");
	check(seen == std::vector<uint64_t>({4, 5}),
	      "visit: absent keys skipped, none after the stop");
	seen.clear();
	check(map_cxx_visit({4}, nullptr, fake_load, keep_two, &seen) &&
		      seen.size() == 1,
	      "visit: true when every key was given");
	if (fails == 0)
		std::printf("ok\n");
	return fails != 0;
}

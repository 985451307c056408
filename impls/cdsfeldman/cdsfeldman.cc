/*
 * cdsfeldman: libcds's cds::container::FeldmanHashMap (a multi-level
 * array hash map, lock-free) under hazard pointers (cds::gc::HP), with
 * the defaults its users get for a fixed-size key: the key itself is the
 * hash (its bits, low byte first, index the levels: an 8-bit head array,
 * then 4 bits per level), std::allocator (malloc: the harness sees its
 * memory), an atomic item counter.
 *
 * libcds needs cds::Initialize() and one HP object per process (made on
 * first use, kept to exit), and every thread that touches a map attached
 * (cds::threading::Manager::attachThread): thread_enter/thread_exit
 * attach and detach, counting nested calls; create and destroy attach
 * for their own duration when their thread is not attached (the harness
 * calls them outside thread_enter/thread_exit, map.h).
 *
 * A node's key and value never change once published: every write of a
 * value publishes a new node.  The public update() builds its node from
 * the key alone (the value default-constructed) and calls its functor
 * after the node is in the map, so a reader could see the node before
 * the functor set the value.  Instead the mapped type's default
 * constructor takes the value from a thread-local that the writer sets
 * just before the call: update() constructs exactly one node, on the
 * calling thread, so the node is complete before it is published (with
 * a release CAS; readers protect it with an acquire load).
 *	load			find, copying the value
 *	store			update (replace or insert)
 *	load_or_store		insert(key, value); if present, find (and
 *				insert again if it vanished in between)
 *	load_and_delete		erase(key, functor reading the value)
 *	delete			erase
 *	swap			update, its functor reading the replaced node
 *	compare_and_swap	find, compare, update(insert: false): NOT
 *				atomic (MAP_LIMIT_CAS_ATOMIC): the container
 *				has no conditional replace, so a write between
 *				the compare and the update is overwritten
 *	compare_and_delete	find, compare, erase: NOT atomic
 *				(MAP_LIMIT_CAD_ATOMIC), no conditional erase
 *	range			iterate (the iterator guards its node) copying
 *				the keys, sort and drop duplicates, then find
 *				each and call fn with nothing held
 *	clear			clear(): thread-safe, but unlinks the nodes
 *				one at a time (MAP_LIMIT_CLEAR_ATOMIC)
 * MAP_LIMIT_MISS_SYNC too: FeldmanHashSet unlinks a node with a CAS
 * whose success order is acquire, not release, so a load that finds the
 * slot empty is not synchronized with the delete it observed
 * (ThreadSanitizer shows it in concurrency/message_passing's delete
 * kinds; the header code is instrumented).  Loads that hit read a node
 * published with a release CAS and are synchronized.
 * Reclamation: removed nodes are retired to the thread's HP list and
 * freed by a scan when the list fills (2 x 8 hazard pointers x max
 * threads); quiesce scans the calling thread's list.
 */
#include <cds/container/feldman_hashmap_hp.h>
#include <cds/gc/hp.h>
#include <cds/init.h>
#include <cds/version.h>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <new>
#include <vector>

#include "map.h"
#include "map_cxx.h"

namespace
{

/* The value a node is born with (see above). */
thread_local void *pending_value;

struct cell {
	void *v;
	cell() : v(pending_value)
	{
	}
	explicit cell(void *x) : v(x)
	{
	}
};

using fmap = cds::container::FeldmanHashMap<cds::gc::HP, uint64_t, cell>;

std::once_flag gc_once;
/*
 * The process's HP object, built in static storage on first use and
 * never destroyed (a thread may still be attached at exit); its state is
 * reachable from libcds's own singleton, so leak checkers see no leak.
 */
alignas(cds::gc::HP) unsigned char gc_storage[sizeof(cds::gc::HP)];

/* Hazard-pointer threads at most (attachThread beyond it throws). */
constexpr size_t kMaxThreads = 256;

void
gc_init()
{
	std::call_once(gc_once, [] {
		cds::Initialize();
		new (gc_storage) cds::gc::HP(0, kMaxThreads);
	});
}

thread_local unsigned attach_depth;

void
enter()
{
	gc_init();
	if (attach_depth++ == 0)
		cds::threading::Manager::attachThread();
}

void
leave()
{
	if (--attach_depth == 0)
		cds::threading::Manager::detachThread();
}

/* Attached for a scope, on any thread. */
struct attached {
	attached()
	{
		enter();
	}
	~attached()
	{
		leave();
	}
};

} // namespace

struct map {
	fmap t;
};

static void
cdsfeldman_thread_enter(void)
{
	enter();
}

static void
cdsfeldman_thread_exit(void)
{
	leave();
}

static struct map *
cdsfeldman_create(size_t size_hint)
{
	return map_cxx_create([] {
		attached a;

		return new struct map;
	});
}

static void
cdsfeldman_destroy(struct map *m)
{
	attached a;

	delete m;
	cds::gc::HP::force_dispose();
}

static bool
cdsfeldman_load(struct map *m, uint64_t key, void **value)
{
	void *v = nullptr;

	if (!m->t.find(key, [&](fmap::value_type &p) { v = p.second.v; }))
		return false;
	if (value)
		*value = v;
	return true;
}

static int
cdsfeldman_store(struct map *m, uint64_t key, void *value)
{
	if (value == nullptr)
		return -EINVAL;
	return map_cxx_nomem([&] {
		pending_value = value;
		m->t.update(key, [](fmap::value_type &, fmap::value_type *) {});
		return 0;
	});
}

static int
cdsfeldman_load_or_store(struct map *m, uint64_t key, void *value,
			 void **actual)
{
	if (value == nullptr)
		return -EINVAL;
	try {
		for (;;) {
			void *got;

			if (m->t.insert(key, cell(value))) {
				if (actual)
					*actual = value;
				return 0;
			}
			if (cdsfeldman_load(m, key, &got)) {
				if (actual)
					*actual = got;
				return 1;
			}
		}
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
}

static bool
cdsfeldman_load_and_delete(struct map *m, uint64_t key, void **value)
{
	void *v = nullptr;

	if (!m->t.erase(key, [&](fmap::value_type &p) { v = p.second.v; }))
		return false;
	if (value)
		*value = v;
	return true;
}

static void
cdsfeldman_del(struct map *m, uint64_t key)
{
	m->t.erase(key);
}

static int
cdsfeldman_swap(struct map *m, uint64_t key, void *value, void **previous)
{
	void *prev = nullptr;
	bool had = false;

	if (value == nullptr)
		return -EINVAL;
	try {
		pending_value = value;
		m->t.update(key,
			    [&](fmap::value_type &, fmap::value_type *old) {
				    if (old != nullptr) {
					    had = true;
					    prev = old->second.v;
				    }
			    });
	} catch (const std::bad_alloc &) {
		return -ENOMEM;
	}
	if (previous)
		*previous = prev;
	return had ? 1 : 0;
}

static bool
cdsfeldman_compare_and_swap(struct map *m, uint64_t key, void *old_value,
			    void *new_value)
{
	void *cur;

	if (new_value == nullptr || !cdsfeldman_load(m, key, &cur) ||
	    cur != old_value)
		return false;
	/* Not atomic: a write landing here is overwritten (declared). */
	try {
		pending_value = new_value;
		return m->t
			.update(
				key,
				[](fmap::value_type &, fmap::value_type *) {},
				false)
			.first;
	} catch (const std::bad_alloc &) {
		return false;
	}
}

static bool
cdsfeldman_compare_and_delete(struct map *m, uint64_t key, void *old_value)
{
	void *cur;

	if (!cdsfeldman_load(m, key, &cur) || cur != old_value)
		return false;
	/* Not atomic: a write landing here is deleted (declared). */
	return m->t.erase(key);
}

static void
cdsfeldman_range(struct map *m,
		 bool (*fn)(uint64_t key, void *value, void *arg), void *arg)
{
	std::vector<uint64_t> keys = map_cxx_keys([&](auto &out) {
		for (auto it = m->t.begin(), end = m->t.end(); it != end; ++it)
			out.push_back(it->first);
	});

	std::sort(keys.begin(), keys.end());
	keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
	map_cxx_visit(keys, m, cdsfeldman_load, fn, arg);
}

static void
cdsfeldman_clear(struct map *m)
{
	m->t.clear();
}

static void
cdsfeldman_quiesce(struct map *m)
{
	cds::gc::HP::force_dispose();
}

/* The vtable: MAP_CXX_OPS's, and what this map adds. */
static constexpr struct map_ops
cdsfeldman_vtable(void)
{
	struct map_ops o = MAP_CXX_OPS(
		cdsfeldman, "cdsfeldman",
		"libcds " CDS_VERSION_STRING
		" FeldmanHashMap (multi-level array, lock-free) under "
		"hazard pointers (gc::HP)");

	o.thread_enter = cdsfeldman_thread_enter;
	o.thread_exit = cdsfeldman_thread_exit;
	o.quiesce = cdsfeldman_quiesce;
	o.limits = MAP_LIMIT_CLEAR_ATOMIC | MAP_LIMIT_CAS_ATOMIC |
		   MAP_LIMIT_CAD_ATOMIC | MAP_LIMIT_MISS_SYNC;
	return o;
}

extern "C" const struct map_ops cdsfeldman_ops;
const struct map_ops cdsfeldman_ops = cdsfeldman_vtable();

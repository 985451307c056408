/*
 * gbench: Go's sync.Map benchmark workloads under Google Benchmark.
 *
 * One benchmark per (workload, impl, thread count), named like Go's
 * sub-benchmarks: BM_<Workload>/<impl>/real_time/threads:<N>.  Every
 * thread-safe impl of the registry runs, the `null` control included;
 * MAP_NOT_THREAD_SAFE impls are skipped.
 *
 * A run mirrors Go's b.RunParallel: thread 0 creates and primes the map
 * before the timed loop, every thread runs its share of the body with Go's
 * counter starting at thread_index * max_iterations, and time per
 * iteration is wall time over the total iterations of all threads
 * (UseRealTime), which is Go's ns/op.
 *
 * Units (one definition with gopeer and mapbench, issue 20): the time
 * per iteration is wall-clock ns per loop iteration of all threads
 * together, Go's ns/op, which mapbench calls wall_ns_per_iter (and
 * ns_per_op); thread_ns_per_map_op is thread-ns (wall x threads) per map
 * operation, as mapbench's column of that name.
 *
 * Counters, all per iteration (Go's "op"): map_ops and hits issued by the
 * body; promotions, dirty_rebuilds, entries_copied, misses and locked_ops
 * are map_stats deltas over the timed loop, read by thread 0 after every
 * thread has left the loop.
 *
 * Thread counts: --threads=1,2,4 (or MAPBENCH_THREADS=1,2,4), taken out of
 * argv before benchmark::Initialize sees it.
 *
 * --pin pins benchmark thread k to the k-th CPU (round-robin) of those
 * the process may use, as `mapbench run` pins its workers by default, for
 * the timed loop only.  Off by default: Go's benchmarks, which gbench is
 * compared with, cannot pin.  On a virtual machine one vCPU can run the
 * same loop ~1.4x slower than another (its host core shared), so two
 * tools compared on one map must run on the same CPU (issue 20).
 */
#include <benchmark/benchmark.h>

#include "gitinfo.h" /* MAPBENCH_GIT_COMMIT, _DIRTY (build/gitinfo) */

#include <pthread.h>
#include <sched.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <vector>

#include "map.h"
#include "plugin.h"
#include "workloads.h"

namespace
{

/*
 * What thread 0 shares with the other threads of one run.  Runs never
 * overlap: Google Benchmark joins every thread of a run before it starts
 * the next, and thread 0 resets this before it returns.
 */
struct run_state {
	std::mutex mu;
	std::condition_variable cv;
	struct map *m = nullptr; /* published by thread 0, under mu */
	int exited = 0;		 /* threads other than 0 that are done with m */
	struct map_stats before; /* after priming, before the timed loop */
};

run_state shared;

/* --pin: the CPUs the process may use, in order; empty when not pinning. */
std::vector<int> pin_cpus;

struct bench_case {
	const struct map_ops *ops;
	const struct go_workload *wl;
};

void
set_stat_counter(benchmark::State &state, const char *name, uint64_t after,
		 uint64_t before)
{
	state.counters[name] =
		benchmark::Counter(static_cast<double>(after - before),
				   benchmark::Counter::kAvgIterations);
}

void
run_case(benchmark::State &state, bench_case c)
{
	const int tid = state.thread_index();
	const int nthreads = state.threads();
	struct map *m;

	cpu_set_t saved;
	bool pinned = false;

	if (!pin_cpus.empty()) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(pin_cpus[static_cast<size_t>(tid) % pin_cpus.size()],
			&set);
		pinned = pthread_getaffinity_np(pthread_self(), sizeof(saved),
						&saved) == 0 &&
			 pthread_setaffinity_np(pthread_self(), sizeof(set),
						&set) == 0;
		if (!pinned)
			state.SkipWithError("--pin: cannot pin the thread");
	}
	map_ops_thread_enter(c.ops);
	if (tid == 0) {
		m = c.ops->create(0);
		if (m == nullptr) {
			state.SkipWithError("map create failed");
			/* Other threads wait for m: give them one to skip on.
			 */
		}
		if (m != nullptr && c.wl->setup != nullptr)
			c.wl->setup(c.ops, m);
		/*
		 * The frees deferred so far (the setup's, and those of the
		 * maps of Google Benchmark's earlier runs of this case, which
		 * it makes to choose the iteration count) run now, not on the
		 * map's helper thread inside this run's timing, as mapbench
		 * quiesces before its window.
		 */
		if (m != nullptr)
			map_ops_quiesce(c.ops, m);
		std::lock_guard<std::mutex> lk(shared.mu);
		if (m != nullptr)
			map_ops_stats(c.ops, m, &shared.before);
		shared.m = m != nullptr ? m : reinterpret_cast<struct map *>(1);
		shared.cv.notify_all();
	} else {
		std::unique_lock<std::mutex> lk(shared.mu);
		shared.cv.wait(lk, [] { return shared.m != nullptr; });
		m = shared.m;
	}
	if (m == reinterpret_cast<struct map *>(1))
		m = nullptr;

	struct wl_thread t;
	const uint64_t n = static_cast<uint64_t>(state.max_iterations);

	wl_thread_init(&t, c.ops, m, static_cast<unsigned>(tid), n);
	if (m == nullptr && tid != 0)
		state.SkipWithError("map create failed");
	/* One batch of exactly max_iterations: no overshoot, like Go's b.N. */
	while (state.KeepRunningBatch(
		static_cast<benchmark::IterationCount>(n)))
		c.wl->run(&t, n);

	uint64_t ops = 0, hits = 0;

	for (int k = 0; k < WL_NOPS; k++) {
		ops += t.ops[k];
		hits += t.hits[k];
	}
	/* Google Benchmark sums each thread's counters, then divides. */
	state.counters["map_ops"] = benchmark::Counter(
		static_cast<double>(ops), benchmark::Counter::kAvgIterations);
	state.counters["hits"] = benchmark::Counter(
		static_cast<double>(hits), benchmark::Counter::kAvgIterations);
	/*
	 * Summed over threads: ops / (threads x 1e9); as a rate over the wall
	 * time, inverted: wall x threads x 1e9 / ops.
	 */
	state.counters["thread_ns_per_map_op"] = benchmark::Counter(
		static_cast<double>(ops) / (state.threads() * 1e9),
		benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
	state.SetItemsProcessed(static_cast<int64_t>(t.iters));

	if (tid == 0 && m != nullptr) {
		/* Every thread has passed the loop's stop barrier. */
		struct map_stats after;

		map_ops_stats(c.ops, m, &after);
		/* Only the counters the map keeps: the others are NA. */
#define STAT(bit, f)                                                           \
	do {                                                                   \
		if (after.have & (bit))                                        \
			set_stat_counter(state, #f, after.f, shared.before.f); \
	} while (0)
		STAT(MAP_STAT_PROMOTIONS, promotions);
		STAT(MAP_STAT_DIRTY_REBUILDS, dirty_rebuilds);
		STAT(MAP_STAT_ENTRIES_COPIED, entries_copied);
		STAT(MAP_STAT_MISSES, misses);
		STAT(MAP_STAT_LOCKED_OPS, locked_ops);
		STAT(MAP_STAT_RESIZES, resizes);
#undef STAT
		/* The map's own counters: events per iteration, levels as is.
		 */
		for (unsigned i = 0; i < c.ops->n_counters; i++) {
			const struct map_counter *k = &c.ops->counters[i];

			if (k->kind == MAP_COUNTER_EVENTS)
				set_stat_counter(state, k->name, after.own[i],
						 shared.before.own[i]);
			else
				state.counters[k->name] = benchmark::Counter(
					static_cast<double>(after.own[i]));
		}
	}

	/* Google Benchmark's own threads (thread 0 is its main) unpinned. */
	if (pinned)
		pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
	if (tid != 0) {
		map_ops_thread_exit(c.ops);
		std::lock_guard<std::mutex> lk(shared.mu);
		shared.exited++;
		shared.cv.notify_all();
		return;
	}

	/* Thread 0: wait until nobody uses the map, then free it. */
	{
		std::unique_lock<std::mutex> lk(shared.mu);
		shared.cv.wait(lk, [nthreads] {
			return shared.exited == nthreads - 1;
		});
		shared.exited = 0;
		shared.m = nullptr;
	}
	if (m != nullptr)
		c.ops->destroy(m);
	map_ops_thread_exit(c.ops);
}

/* Parse "1,2,4" into positive thread counts; false on bad input. */
bool
parse_threads(const char *s, std::vector<int> *out)
{
	out->clear();
	while (*s != '\0') {
		char *end;
		long v = std::strtol(s, &end, 10);

		if (end == s || v < 1 || v > 1024 ||
		    (*end != ',' && *end != '\0'))
			return false;
		out->push_back(static_cast<int>(v));
		s = *end == ',' ? end + 1 : end;
	}
	return !out->empty();
}

} // namespace

/*
 * Does workload w run an operation that the map declares unsafe or not
 * atomic under concurrency (MAP_LIMIT_*)?  Then it runs with 1 thread
 * only, as the harness refuses it (harness/measure/config.c).
 */
static bool
gbench_limited(const struct map_ops *ops, const struct go_workload *w)
{
	unsigned l = map_ops_limits(ops, nullptr);
	bool writes = (w->uses & ~((1u << WL_LOAD) | (1u << WL_RANGE))) != 0;

	return ((l & MAP_LIMIT_RANGE_CONCURRENT) &&
		(w->uses & (1u << WL_RANGE)) && writes) ||
	       ((l & (MAP_LIMIT_CLEAR_CONCURRENT | MAP_LIMIT_CLEAR_ATOMIC)) &&
		(w->uses & (1u << WL_CLEAR))) ||
	       ((l & MAP_LIMIT_CAS_ATOMIC) && (w->uses & (1u << WL_CAS))) ||
	       ((l & MAP_LIMIT_CAD_ATOMIC) && (w->uses & (1u << WL_CAD)));
}

int
main(int argc, char **argv)
{
	std::vector<int> threads = {1, 2, 4};
	const char *spec = std::getenv("MAPBENCH_THREADS");
	int kept = 1;

	bool pin = false;

	for (int k = 1; k < argc; k++) {
		if (std::strncmp(argv[k], "--threads=", 10) == 0) {
			spec = argv[k] + 10;
		} else if (std::strcmp(argv[k], "--pin") == 0) {
			pin = true;
		} else if (std::strcmp(argv[k], "--impl-lib") == 0 ||
			   std::strncmp(argv[k], "--impl-lib=", 11) == 0) {
			/* A plugin's maps join the benchmarks. */
			const char *path =
				argv[k][10] == '='
					? argv[k] + 11
					: (k + 1 < argc ? argv[++k] : "");
			char err[1024];

			/* Not the next option taken as a path (D24). */
			if (path[0] == '\0' || path[0] == '-') {
				std::fprintf(
					stderr,
					"gbench: --impl-lib needs the path "
					"of a plugin (.so); got '%s'\n",
					path);
				return 2;
			}

			if (map_plugin_load(path, err, sizeof(err))) {
				std::fprintf(stderr, "gbench: --impl-lib: %s\n",
					     err);
				return 2;
			}
		} else if (std::strcmp(argv[k], "--threads") == 0) {
			if (k + 1 == argc) {
				std::fprintf(stderr, "gbench: --threads needs "
						     "a value, e.g. 1,2,4\n");
				return 2;
			}
			spec = argv[++k];
		} else {
			if (std::strcmp(argv[k], "--help") == 0 ||
			    std::strcmp(argv[k], "-h") == 0)
				std::printf(
					"gbench: Go's sync.Map workloads on "
					"every thread-safe map.\n"
					"  --threads LIST    thread counts, "
					"1..1024, comma separated (1,2,4;\n"
					"                    or "
					"MAPBENCH_THREADS)"
					"\n"
					"  --pin             pin thread k to "
					"the "
					"k-th allowed CPU, as mapbench run\n"
					"Google Benchmark's own options "
					"follow.\n\n");
			argv[kept++] = argv[k];
		}
	}
	argc = kept;
	argv[argc] = nullptr;
	if (spec != nullptr && !parse_threads(spec, &threads)) {
		std::fprintf(stderr,
			     "gbench: --threads (or MAPBENCH_THREADS) takes a "
			     "comma-separated list of counts from 1 to 1024, "
			     "e.g. 1,2,4; got '%s'\n",
			     spec);
		return 2;
	}

	for (const struct go_workload *const *w = go_workloads; *w; w++) {
		const struct map_ops *ops;

		for (size_t i = 0; (ops = map_nth(i)) != nullptr; i++) {
			if (ops->flags & MAP_NOT_THREAD_SAFE)
				continue;
			std::string name = std::string("BM_") + (*w)->name +
					   "/" + ops->name;
			auto *b = benchmark::RegisterBenchmark(
				name.c_str(), run_case, bench_case{ops, *w});
			b->UseRealTime();
			/* Declared limits (map.h): such cases 1 thread only. */
			bool limited = gbench_limited(ops, *w);
			for (int n : threads)
				if (n == 1 || !limited)
					b->Threads(n);
		}
	}

	std::string tl;
	for (int n : threads)
		tl += (tl.empty() ? "" : ",") + std::to_string(n);
	benchmark::AddCustomContext("mapbench_threads", tl);
	if (pin) {
		cpu_set_t set;
		std::string cl;

		if (sched_getaffinity(0, sizeof(set), &set) == 0)
			for (int i = 0; i < CPU_SETSIZE; i++)
				if (CPU_ISSET(i, &set))
					pin_cpus.push_back(i);
		if (pin_cpus.empty()) {
			std::fprintf(stderr, "gbench: --pin: cannot read the "
					     "CPUs this process may use\n");
			return 2;
		}
		for (int i : pin_cpus)
			cl += (cl.empty() ? "" : ",") + std::to_string(i);
		benchmark::AddCustomContext("mapbench_pin_cpus", cl);
	} else {
		benchmark::AddCustomContext("mapbench_pin_cpus", "off");
	}
#ifdef MAPBENCH_BUILD_TYPE
	benchmark::AddCustomContext("mapbench_build_type", MAPBENCH_BUILD_TYPE);
#endif
#ifdef MAPBENCH_CXX_FLAGS
	benchmark::AddCustomContext("mapbench_gbench_flags",
				    MAPBENCH_CXX_FLAGS);
#endif
	benchmark::AddCustomContext("mapbench_git_commit", MAPBENCH_GIT_COMMIT);
	benchmark::AddCustomContext("mapbench_git_dirty", MAPBENCH_GIT_DIRTY);

	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 2;
	/* A filter that matches nothing (or does not compile) ran nothing. */
	if (benchmark::RunSpecifiedBenchmarks() == 0) {
		std::fprintf(stderr, "gbench: no benchmark ran: "
				     "--benchmark_filter matches none (or is "
				     "not a valid regular expression)\n");
		benchmark::Shutdown();
		return 2;
	}
	benchmark::Shutdown();
	/* The report is the product: a write error is a failure (D24). */
	std::cout.flush();
	if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout)) {
		std::fprintf(stderr, "gbench: cannot write the report: %s\n",
			     std::strerror(errno));
		return 1;
	}
	return 0;
}

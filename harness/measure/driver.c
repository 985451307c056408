/*
 * The driver: measure one configuration once.
 *
 * driver_run() goes through four phases, each its own function:
 *
 *   plan      plan_build(): everything the workers read, built outside the
 *             window (mix thresholds, the Zipf alias table, per-thread
 *             seeds, latency sampling gaps).
 *   warm-up   warm_up(): create the map (sized per --sizing), fill it with
 *             Store (--prefill), and only with --settle end with the Range
 *             that promotes syncmap's dirty map.  A failed Store fails the
 *             row ("oom"): a row never measures a map that is not the one
 *             it says it is.
 *   window    timed_window(): the workers meet at a barrier and run until
 *             the stop flag (--duration) or for exactly --ops operations
 *             each.  The window runs from the first worker's start to the
 *             last worker's end; process CPU time and per-worker perf
 *             counters are taken at its edges.
 *   after     rowstats_after(): stats deltas, then memory in the state the
 *             window left it (quiesce deferred frees, read jemalloc; nothing
 *             that can change the map runs before), then live keys by Range
 *             and, as its own column, memory after that Range's promotion.
 *
 * Common random numbers: every random stream of a row derives from its
 * seed, which options.c derives from the configuration minus the impl
 * (config_stream_label), so within a repetition every impl gets the same
 * prefill set and the same per-thread operation and key streams.
 *
 * The modules: plan.c builds the plan, worker.c runs the workers' loops
 * (their hot path and why it is shaped so), rowstats.c makes the row's
 * figures after the window; this file runs the phases and owns the CPUs.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "driver.h"
#include "fsutil.h"
#include "interfere.h"
#include "perfev.h"
#include "plan.h"
#include "procmem.h"
#include "rowstats.h"
#include "worker.h"

#define STOP_SLICE	    1000000u /* ns: a batch longer than this halves */
#define SETTLE_TIMEOUT_S    30.0     /* bound of the wait for background work */
#define PREFILL_CHECKPOINT0 65536    /* first prefill count settled at */

volatile sig_atomic_t driver_interrupted;

/* Seconds on CLOCK_MONOTONIC (clock.h's clock_mono_ns). */
static inline double
now_sec(void)
{
	return (double)clock_mono_ns() * 1e-9;
}

static int cpus[CPU_SETSIZE];
static unsigned ncpus;
static struct plan_machine machine;

void
driver_init(bool pin, bool verbose)
{
	cpu_set_t set;
	char buf[512];
	size_t len = 0;

	ncpus = 0;
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		for (int i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &set))
				cpus[ncpus++] = i;
	}
	if (ncpus == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		for (long i = 0; i < n && i < CPU_SETSIZE; i++)
			cpus[ncpus++] = (int)i;
	}
	clock_init();
	machine.cpu = cpus;
	machine.ncpus = ncpus;
	machine.slice_ticks = (uint64_t)(STOP_SLICE / mb_clock.ns_per_tick);
	if (!verbose)
		return;
	/* Which perf counters this machine gives, said once, up front. */
	{
		struct perfev pev;
		int64_t v[PEV_N];

		perfev_open(&pev);
		perfev_close(&pev, v);
		if (perfev_note())
			fprintf(stderr, "mapbench: %s\n", perfev_note());
	}
	for (unsigned i = 0; i < ncpus && len < sizeof(buf) - 16; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%d",
					i ? "," : "", cpus[i]);
	if (pin)
		fprintf(stderr,
			"mapbench: %u CPUs allowed; threads pinned "
			"round-robin over CPUs %s; latency clock %s (%.2f "
			"ns)\n",
			ncpus, buf, mb_clock.name, mb_clock.res_ns);
	else
		fprintf(stderr,
			"mapbench: %u CPUs allowed (%s); not pinned; latency "
			"clock %s (%.2f ns)\n",
			ncpus, buf, mb_clock.name, mb_clock.res_ns);
}

unsigned
driver_ncpus(void)
{
	return ncpus;
}

/* impls/common/alloc.h: the Nth map allocation from now fails (0: none). */
extern _Atomic unsigned long map_alloc_fail_countdown;

/* Test hook: fail the Nth map allocation of a phase (MAPBENCH_FAIL_*). */
static void
arm_alloc_failure(const char *env)
{
	const char *s = getenv(env);

	if (s && *s)
		atomic_store_explicit(&map_alloc_fail_countdown,
				      strtoul(s, NULL, 10),
				      memory_order_relaxed);
}

static int
store_checked(const struct map_ops *ops, struct map *m, uint64_t key)
{
	return ops->store(m, key, WL_VAL(key));
}

/*
 * Wait (at most SETTLE_TIMEOUT_S) for the map's background work, such as
 * lfht's resize, to finish before the window: the time it took is the
 * row's settle_s (what an application pays after a bulk load before the
 * map performs as it will), and a map still busy at the bound makes the
 * row "unsettled".  Maps without a settle hook: settle_s NA.
 */
static void
wait_settled(struct plan *p, struct result *r)
{
	double t0;
	int rc;

	if (p->ops->settle == NULL)
		return;
	t0 = now_sec();
	rc = map_ops_settle(p->ops, p->m, SETTLE_TIMEOUT_S);
	r->settle_s = now_sec() - t0;
	r->unsettled |= rc != 0;
}

/*
 * Warm-up, outside the window: create the map, fill it with Store.  By
 * default nothing else of the workload runs, as in an application or
 * xsync's benchmarks; --settle adds one Range, which promotes syncmap's
 * dirty map.  Go's workloads keep Go's own setup.  Then the map's own
 * background work is waited for (wait_settled; a map with a settle hook
 * has it called at every doubling of the prefill too) and its deferred
 * frees run (quiesce).  Returns -ENOMEM if a Store failed.
 */
static int
warm_up(struct plan *p, struct result *res)
{
	const struct config *c = p->c;
	const struct map_ops *ops = p->ops;
	uint64_t salt = c->seed * UINT64_C(0x9e3779b97f4a7c15) + 1;
	uint64_t seen = 0;
	int err = 0;

	arm_alloc_failure("MAPBENCH_FAIL_ALLOC_PREFILL");
	if (c->wl) {
		if (c->wl->setup)
			c->wl->setup(ops, p->m);
		goto out;
	}
	if (c->dist.kind == DIST_CHURN) {
		for (unsigned t = 0; t < c->threads && !err; t++)
			for (uint64_t i = 0; i < p->churn_window && !err; i++)
				err = store_checked(
					ops, p->m, churn_key(i, t, c->threads));
	} else if (c->prefill_pct > 0) {
		uint64_t stored = 0, checkpoint = PREFILL_CHECKPOINT0;

		/* A pseudo-random prefill_pct% of the key space. */
		for (uint64_t k = 0; k < c->keys && !err; k++) {
			uint64_t r = k ^ salt;

			/* Ctrl-C during a long prefill: the row is abandoned.
			 */
			if ((k & 4095) == 0 && driver_interrupted)
				break;
			if (c->prefill_pct < 100 &&
			    rng_bound(rng_next(&r), 100) >=
				    (uint64_t)c->prefill_pct)
				continue;
			err = store_checked(ops, p->m, k);
			/*
			 * At each doubling of the prefill, the map's settle
			 * hook: a map whose background growth stalled (lfht:
			 * liburcu can lose a lazy resize) would otherwise make
			 * the rest of the prefill quadratic in its chains.
			 */
			if (++stored == checkpoint && ops->settle) {
				checkpoint *= 2;
				if (map_ops_settle(ops, p->m, SETTLE_TIMEOUT_S))
					res->unsettled = true;
			}
		}
	}
	if (!err && c->settle)
		ops->range(p->m, plan_count_entry, &seen);
out:
	atomic_store_explicit(&map_alloc_fail_countdown, 0,
			      memory_order_relaxed);
	if (!err && !driver_interrupted) {
		wait_settled(p, res);
		/*
		 * The prefill's deferred frees (old tables, replaced nodes)
		 * run now, not on a call_rcu thread inside the window, where
		 * they took up to half a worker's CPU in its first 20 ms.
		 */
		map_ops_quiesce(ops, p->m);
	}
	return err < 0 ? err : 0;
}

static double
cpu_now(void)
{
	return (double)clock_ns_of(CLOCK_PROCESS_CPUTIME_ID) * 1e-9;
}

/* The timed window: start the workers, stop them, join them. */
static void
timed_window(struct plan *p, struct worker *ws, struct result *r)
{
	const struct config *c = p->c;
	struct interf_machine im;
	struct interf_thread sum = {.have_runq = true};
	double cpu0, deadline;

	for (unsigned i = 0; i < c->threads; i++) {
		if (pthread_create(&ws[i].th, NULL, worker_main, &ws[i])) {
			/* Cannot happen in practice; give up the process. */
			fprintf(stderr, "mapbench: pthread_create failed\n");
			exit(1);
		}
	}
	/*
	 * Three meetings with the workers (worker_main): when all have done
	 * what precedes the window (their probes, the key ring), the CPU
	 * time is read and the window opens; when all have left it, the CPU
	 * time is read again, before their probes after it and their
	 * teardown.  So cpu_seconds is the window's alone.
	 */
	pthread_barrier_wait(&p->barrier);
	arm_alloc_failure("MAPBENCH_FAIL_ALLOC_WINDOW");
	interf_machine_begin(&im, cpus, ncpus);
	cpu0 = cpu_now();
	pthread_barrier_wait(&p->barrier);
	deadline = now_sec() + c->duration;
	/* --ops: the workers stop themselves; only an interrupt stops them. */
	for (;;) {
		double left = deadline - now_sec();
		struct timespec ts;

		if (driver_interrupted)
			break;
		if (c->ops_per_thread) {
			if (atomic_load_explicit(&p->finished,
						 memory_order_relaxed) ==
			    c->threads)
				break;
			left = 0.005;
		} else if (left <= 0) {
			break;
		}
		if (left > 0.05)
			left = 0.05;
		ts.tv_sec = 0;
		ts.tv_nsec = (long)(left * 1e9);
		nanosleep(&ts, NULL);
	}
	atomic_store_explicit(&p->stop, 1, memory_order_relaxed);
	pthread_barrier_wait(&p->barrier);
	r->cpu_seconds = cpu_now() - cpu0;
	interf_machine_end(&im, cpus, ncpus, r->cpu_seconds, &r->interf);
	for (unsigned i = 0; i < c->threads; i++)
		pthread_join(ws[i].th, NULL);
	{
		uint64_t t0 = UINT64_MAX, t1 = 0;

		for (unsigned i = 0; i < c->threads; i++) {
			interf_thread_add(&sum, &ws[i].interf);
			t0 = ws[i].t_start < t0 ? ws[i].t_start : t0;
			t1 = ws[i].t_end > t1 ? ws[i].t_end : t1;
		}
		interf_workers(&sum, c->threads,
			       t1 > t0 ? (double)(t1 - t0) * 1e-9 : 0,
			       &r->interf);
		for (unsigned i = 0; i < c->threads; i++)
			if (isnan(r->interf.probe_ns) ||
			    ws[i].probe_ns > r->interf.probe_ns)
				r->interf.probe_ns = ws[i].probe_ns;
		/* Worker 0 is the pinger (NaN when the probe did not run). */
		r->interf.c2c_ns = interf_c2c_recorded(c->rep, ws[0].c2c_ns[0]);
		r->interf.c2c_after_ns =
			interf_c2c_recorded(c->rep, ws[0].c2c_ns[1]);
	}
	atomic_store_explicit(&map_alloc_fail_countdown, 0,
			      memory_order_relaxed);
}

/*
 * The row's status: the first thing that makes its figures not what they
 * claim.  A window longer than asked by more than half (plus 250 ms of
 * scheduling slack) was stretched: the process was stopped or starved.
 * The slack is absolute on purpose: a slack relative to short windows
 * (tried: a quarter of the window, 40 ms at least) flagged rows starved
 * by other processes (run-queue wait, said by the interference columns)
 * as stretched; telling the two causes apart is not done yet.
 */
static void
set_status(const struct config *c, struct result *r)
{
	if (r->failed_ops)
		snprintf(r->status, sizeof(r->status), "failed_ops");
	else if (driver_interrupted)
		snprintf(r->status, sizeof(r->status), "interrupted");
	else if (r->unsettled)
		snprintf(r->status, sizeof(r->status), "unsettled");
	else if (!c->ops_per_thread && r->seconds > c->duration * 1.5 + 0.25)
		snprintf(r->status, sizeof(r->status), "stretched");
	else if (interf_classify(&r->interf, c->interf_limit))
		snprintf(r->status, sizeof(r->status), "interfered");
	else
		snprintf(r->status, sizeof(r->status), "ok");
}

int
driver_run(const struct config *c, struct result *r)
{
	return driver_run_flags(c, r, 0);
}

/*
 * A map left to the process's exit (DRIVER_KEEP_MAP), reachable from here so
 * that leak checkers do not call it lost.
 */
static struct map *kept_map;

int
driver_run_flags(const struct config *c, struct result *r, unsigned flags)
{
	const struct map_ops *ops = c->ops;
	struct plan *p;
	struct worker *ws;
	struct map_stats s0;
	uint64_t mem0;
	int err;

	memset(r, 0, sizeof(*r));
	r->ncpus = ncpus;
	r->oversubscribed = c->threads > ncpus;
	r->have_stats = ops->stats != NULL;
	r->pinned = c->pin;
	r->bytes_per_key = -1;
	r->bytes_per_key_settled = -1;
	r->settle_s = -1;
	r->max_preempted = -1;
	for (int k = 0; k < PEV_N; k++)
		r->perf[k] = -1;
	interf_none(&r->interf);
	snprintf(r->clock, sizeof(r->clock), "%s", mb_clock.name);
	r->clock_res_ns = mb_clock.res_ns;
	r->timer_ns = mb_clock.cost_ticks * mb_clock.ns_per_tick;
	snprintf(r->status, sizeof(r->status), "oom");

	p = aligned_alloc(64, sizeof(*p));
	ws = aligned_alloc(64, sizeof(*ws) * c->threads);
	if (!p || !ws) {
		free(p);
		free(ws);
		return 0; /* status oom */
	}
	err = plan_build(p, ws, c, &machine);
	if (err)
		goto out_plan;
	pthread_barrier_init(&p->barrier, NULL, c->threads + 1);

	procmem_peak_rss_reset();
	mem0 = rowstats_allocated(ops, NULL);
	p->m = map_ops_create(ops, config_param(c),
			      c->wl || c->sizing == SIZING_NONE ? 0 : c->keys);
	if (!p->m)
		goto out_barrier;
	map_ops_thread_enter(ops);
	err = warm_up(p, r);
	if (!err && driver_interrupted) {
		/* A signal during the prefill: no window, no figures. */
		snprintf(r->status, sizeof(r->status), "interrupted");
	} else if (!err) {
		map_ops_stats(ops, p->m, &s0);
		timed_window(p, ws, r);
		rowstats_after(p, ws, r, &s0, mem0);
		r->peak_rss_kb = procmem_peak_rss_kb();
		set_status(c, r);
	}
	if (c->pin && !r->pinned) {
		static bool warned;

		if (!warned)
			fprintf(stderr, "mapbench: could not pin threads "
					"(pthread_setaffinity_np); such rows "
					"have pinned=0\n");
		warned = true;
	}
	map_ops_thread_exit(ops);
	if (flags & DRIVER_KEEP_MAP)
		kept_map = p->m;
	else
		ops->destroy(p->m);
out_barrier:
	pthread_barrier_destroy(&p->barrier);
out_plan:
	plan_free(p, ws, c->threads);
	free(ws);
	free(p);
	return 0;
}

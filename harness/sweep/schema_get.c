/*
 * The getters of the results schema (schema_get.h): one small function
 * per line of schema.def, reading a column's cell from a configuration
 * and its result.  A field a row cannot have is NA, never 0: counters the
 * map does not keep (map_stats.have), hits of operations that report
 * none, latency when sampling is off, bytes per key when nothing is live.
 * schema_write.c writes every output from these cells.
 */
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "schema_get.h"
#include "timeline.h"

double
schema_mops(const struct result *r)
{
	return r->seconds > 0 ? (double)r->ops / r->seconds / 1e6 : 0;
}

static void
v_text(struct col_val *v, const char *s)
{
	snprintf(v->s, sizeof(v->s), "%s", s);
}

/* --- identity and method --- */

static void
get_impl(const struct config *c, const struct result *r, int a,
	 struct col_val *v)
{
	v_text(v, c->impl.name);
}

static void
get_workload(const struct config *c, const struct result *r, int a,
	     struct col_val *v)
{
	v_text(v, c->wl ? c->wl->name : c->read_pct >= 0 ? "rw" : "mix");
}

static void
get_threads(const struct config *c, const struct result *r, int a,
	    struct col_val *v)
{
	v->u = c->threads;
}

static void
get_read_pct(const struct config *c, const struct result *r, int a,
	     struct col_val *v)
{
	v->na = c->read_pct < 0;
	v->u = (uint64_t)(c->read_pct < 0 ? 0 : c->read_pct);
}

static void
get_mix(const struct config *c, const struct result *r, int a,
	struct col_val *v)
{
	v_text(v, c->mix_str);
	v->na = c->wl != NULL;
}

static void
get_keys(const struct config *c, const struct result *r, int a,
	 struct col_val *v)
{
	v->na = c->wl != NULL;
	v->u = c->keys;
}

static void
get_dist(const struct config *c, const struct result *r, int a,
	 struct col_val *v)
{
	v->na = c->wl != NULL;
	dist_format(&c->dist, v->s, sizeof(v->s));
}

static void
get_prefill(const struct config *c, const struct result *r, int a,
	    struct col_val *v)
{
	v->u = (uint64_t)c->prefill_pct;
}

static void
get_duration(const struct config *c, const struct result *r, int a,
	     struct col_val *v)
{
	v->d = c->duration;
}

static void
get_latency_sample(const struct config *c, const struct result *r, int a,
		   struct col_val *v)
{
	v->u = c->latency_sample;
}

static void
get_rep(const struct config *c, const struct result *r, int a,
	struct col_val *v)
{
	v->u = c->rep;
}

static void
get_seed(const struct config *c, const struct result *r, int a,
	 struct col_val *v)
{
	v->u = c->seed;
}

/* --- the run --- */

static void
get_status(const struct config *c, const struct result *r, int a,
	   struct col_val *v)
{
	v_text(v, r->status[0] ? r->status : "ok");
}

static void
get_pinned(const struct config *c, const struct result *r, int a,
	   struct col_val *v)
{
	v->u = r->pinned;
}

static void
get_oversubscribed(const struct config *c, const struct result *r, int a,
		   struct col_val *v)
{
	v->u = r->oversubscribed;
}

static void
get_ncpus(const struct config *c, const struct result *r, int a,
	  struct col_val *v)
{
	v->u = r->ncpus;
}

static void
get_seconds(const struct config *c, const struct result *r, int a,
	    struct col_val *v)
{
	v->d = r->seconds;
}

static void
get_ops(const struct config *c, const struct result *r, int a,
	struct col_val *v)
{
	v->u = r->ops;
}

static void
get_iters(const struct config *c, const struct result *r, int a,
	  struct col_val *v)
{
	v->u = r->iters;
}

static void
get_mops(const struct config *c, const struct result *r, int a,
	 struct col_val *v)
{
	v->d = schema_mops(r);
}

/*
 * ns per something, the two ways (issue 20):
 *   wall_ns_per_iter (and ns_per_op, the same figure under Go's name):
 *	wall-clock ns of the window over the loop iterations of all threads
 *	together, which is Go's and gbench's ns/op (b.RunParallel: T / N);
 *	for a mix an iteration is one map operation.
 *   thread_ns_per_map_op: thread-ns (window x threads) per map
 *	operation, what one operation costs the thread that issues it;
 *	it differs from the first by threads x map operations per iteration.
 */
static void
get_ns_per(const struct config *c, const struct result *r, int per_map_op,
	   struct col_val *v)
{
	if (per_map_op) {
		v->na = r->ops == 0;
		if (r->ops)
			v->d = r->seconds * c->threads * 1e9 / (double)r->ops;
	} else {
		v->na = r->iters == 0;
		if (r->iters)
			v->d = r->seconds * 1e9 / (double)r->iters;
	}
}

/*
 * Operations that report nothing to count as a hit: store and clear; and
 * Go's Delete and Range as the workloads issue them.
 */
static bool
op_has_hits(const struct config *c, int k)
{
	return k != WL_STORE && k != WL_CLEAR &&
	       !(c->wl && (k == WL_DELETE || k == WL_RANGE));
}

static void
get_op_count(const struct config *c, const struct result *r, int k,
	     struct col_val *v)
{
	v->u = r->op_count[k];
}

static void
get_op_hits(const struct config *c, const struct result *r, int k,
	    struct col_val *v)
{
	v->na = !op_has_hits(c, k);
	v->u = r->op_hits[k];
}

/* Hits per lookup-like operation (everything but store, range, clear). */
static void
get_hit_pct(const struct config *c, const struct result *r, int a,
	    struct col_val *v)
{
	uint64_t hits = 0, n = 0;

	for (int k = 0; k < WL_NOPS; k++) {
		if (k == WL_RANGE || !op_has_hits(c, k))
			continue;
		hits += r->op_hits[k];
		n += r->op_count[k];
	}
	v->na = n == 0;
	if (n)
		v->d = 100.0 * (double)hits / (double)n;
}

/* --- the map's counters: NA unless the map keeps them --- */

static const unsigned stat_bit[] = {
	MAP_STAT_PROMOTIONS, MAP_STAT_DIRTY_REBUILDS, MAP_STAT_ENTRIES_COPIED,
	MAP_STAT_MISSES,     MAP_STAT_LOCKED_OPS,     MAP_STAT_RESIZES,
};

static uint64_t
stat_value(const struct map_stats *s, int k)
{
	const uint64_t v[] = {s->promotions,	 s->dirty_rebuilds,
			      s->entries_copied, s->misses,
			      s->locked_ops,	 s->resizes};

	return v[k];
}

static void
get_stat(const struct config *c, const struct result *r, int k,
	 struct col_val *v)
{
	v->na = !r->have_stats || !(r->stats.have & stat_bit[k]);
	v->u = stat_value(&r->stats, k);
}

/* Per million ops (arg < 0x100) or per op (arg | 0x100). */
static void
get_stat_rate(const struct config *c, const struct result *r, int a,
	      struct col_val *v)
{
	int k = a & 0xff;
	double per = (a & 0x100) ? (double)r->ops : (double)r->ops / 1e6;

	get_stat(c, r, k, v);
	v->na |= r->ops == 0;
	if (!v->na)
		v->d = (double)v->u / per;
}

/* --- latency and memory --- */

static void
get_lat_samples(const struct config *c, const struct result *r, int a,
		struct col_val *v)
{
	v->u = r->lat_samples;
}

static void
get_timer_ns(const struct config *c, const struct result *r, int a,
	     struct col_val *v)
{
	v->d = r->timer_ns;
}

static void
get_lat(const struct config *c, const struct result *r, int q,
	struct col_val *v)
{
	const double p[] = {r->p50_ns, r->p99_ns, r->p999_ns, r->max_ns};

	/*
	 * Below the clock's resolution (lat_unresolved says so) or from too
	 * few samples (lat_too_few): NA.
	 */
	v->na = r->lat_samples == 0 || (r->unresolved & (1u << q)) ||
		(r->lat_few & (1u << q));
	v->d = p[q];
}

static void
get_max_preempted(const struct config *c, const struct result *r, int a,
		  struct col_val *v)
{
	v->na = r->lat_samples == 0 || r->max_preempted < 0;
	v->u = r->max_preempted > 0;
}

static void
get_live_keys(const struct config *c, const struct result *r, int a,
	      struct col_val *v)
{
	v->u = r->live_keys;
}

static void
get_peak_rss(const struct config *c, const struct result *r, int a,
	     struct col_val *v)
{
	v->u = (uint64_t)(r->peak_rss_kb < 0 ? 0 : r->peak_rss_kb);
}

/* A double of struct result at offset `off`: NA when negative. */
static void
get_real_nneg(const struct config *c, const struct result *r, int off,
	      struct col_val *v)
{
	double x;

	memcpy(&x, (const char *)r + off, sizeof(x));
	v->na = x < 0;
	v->d = x;
}

/* --- the measurement method (issue 7) --- */

static void
get_ops_per_thread(const struct config *c, const struct result *r, int a,
		   struct col_val *v)
{
	v->na = c->ops_per_thread == 0;
	v->u = c->ops_per_thread;
}

static void
get_warmup(const struct config *c, const struct result *r, int a,
	   struct col_val *v)
{
	v_text(v, c->settle ? "store+range" : "store");
}

static void
get_sizing(const struct config *c, const struct result *r, int a,
	   struct col_val *v)
{
	v_text(v, config_sizing_name(c->sizing));
}

static void
get_isolated(const struct config *c, const struct result *r, int a,
	     struct col_val *v)
{
	v->u = c->isolate;
}

static void
get_failed_ops(const struct config *c, const struct result *r, int a,
	       struct col_val *v)
{
	v->u = r->failed_ops;
}

static void
get_cpu(const struct config *c, const struct result *r, int per_op,
	struct col_val *v)
{
	v->na = !(r->cpu_seconds > 0);
	v->d = per_op ? (double)r->ops / r->cpu_seconds / 1e6 : r->cpu_seconds;
}

static void
get_clock(const struct config *c, const struct result *r, int a,
	  struct col_val *v)
{
	v->na = !r->clock[0];
	v_text(v, r->clock);
}

static void
get_clock_res(const struct config *c, const struct result *r, int a,
	      struct col_val *v)
{
	v->na = !r->clock[0];
	v->d = r->clock_res_ns;
}

static void
get_unresolved(const struct config *c, const struct result *r, int few,
	       struct col_val *v)
{
	static const char *const q[] = {"p50", "p99", "p999", "max"};
	unsigned bits = few ? r->lat_few : r->unresolved;
	size_t n = 0;

	for (int b = 0; b < 4; b++)
		if (bits & (1u << b))
			n += (size_t)snprintf(v->s + n, sizeof(v->s) - n,
					      "%s%s", n ? ";" : "", q[b]);
}

static void
get_perf(const struct config *c, const struct result *r, int k,
	 struct col_val *v)
{
	v->na = r->perf[k] < 0;
	v->u = (uint64_t)(r->perf[k] < 0 ? 0 : r->perf[k]);
}

static void
get_isolate_ms(const struct config *c, const struct result *r, int a,
	       struct col_val *v)
{
	v->na = !c->isolate;
	v->d = r->isolate_ms;
}

static void
get_attempt(const struct config *c, const struct result *r, int a,
	    struct col_val *v)
{
	v->u = c->attempt ? c->attempt : 1;
}

static void
get_started(const struct config *c, const struct result *r, int a,
	    struct col_val *v)
{
	v->na = r->started <= 0;
	v->d = r->started;
}

static void
get_interf_limit(const struct config *c, const struct result *r, int a,
		 struct col_val *v)
{
	v->na = c->interf_limit >= 1; /* marking off */
	v->d = c->interf_limit * 100;
}

/* interfere.h's shares, as percentages, and the probes; NaN is NA. */
static void
get_interf(const struct config *c, const struct result *r, int k,
	   struct col_val *v)
{
	const double x[] = {r->interf.foreign_share, r->interf.steal_share,
			    r->interf.psi_share,     r->interf.runq_share,
			    r->interf.probe_ns,	     r->interf.c2c_ns,
			    r->interf.c2c_after_ns};

	v->na = isnan(x[k]);
	v->d = k >= 4 ? x[k] : x[k] * 100; /* the probes: ns, not shares */
}

static void
get_csw(const struct config *c, const struct result *r, int k,
	struct col_val *v)
{
	int64_t x = k ? r->interf.nivcsw : r->interf.nvcsw;

	v->na = x < 0;
	v->u = (uint64_t)(x < 0 ? 0 : x);
}

/* --- steady state and timeline (issue 20) --- */

static void
get_tl_slice(const struct config *c, const struct result *r, int a,
	     struct col_val *v)
{
	v->na = r->tl_n == 0;
	v->d = r->tl_slice_s * 1e3;
}

static void
get_timeline(const struct config *c, const struct result *r, int cpu,
	     struct col_val *v)
{
	v->na = r->tl_n == 0;
	timeline_format(r, cpu, v->s, sizeof(v->s));
}

static void
get_drift(const struct config *c, const struct result *r, int flag,
	  struct col_val *v)
{
	double pct = 0;

	v->na = !timeline_drift(r, &pct);
	v->d = pct;
	v->u = fabs(pct) > TL_DRIFT_PCT;
	/* Nothing done in the first quarter: no ratio, but a drift. */
	if (!flag && !isfinite(pct))
		v->na = true;
}

/* --- method and plan (the sweep's options, in every row) --- */

static void
get_pin(const struct config *c, const struct result *r, int a,
	struct col_val *v)
{
	v->u = c->pin;
}

static void
get_grid_seed(const struct config *c, const struct result *r, int a,
	      struct col_val *v)
{
	v->u = c->grid_seed;
}

static void
get_plan(const struct config *c, const struct result *r, int k,
	 struct col_val *v)
{
	const uint64_t x[] = {c->repeat, c->max_repeat,
			      c->max_attempts ? c->max_attempts - 1 : 0};

	v->u = x[k];
}

static void
get_precision(const struct config *c, const struct result *r, int a,
	      struct col_val *v)
{
	v->na = !(c->precision > 0); /* fixed --repeat */
	v->d = c->precision * 100;
}

#ifdef MAPBENCH_TEST_COLUMN
/* A metric that exists only to test that adding one takes one line. */
static void
get_test_half_mops(const struct config *c, const struct result *r, int a,
		   struct col_val *v)
{
	v->d = schema_mops(r) / 2;
}
#endif

/* The getters, in schema.def's order (schema.c has the rest). */
static const struct {
	void (*get)(const struct config *c, const struct result *r, int arg,
		    struct col_val *v);
	int arg;
} getter[] = {
#define SCHEMA_COL(name, unit, type, agg, flags, head, fmt, better, opt, get,  \
		   arg)                                                        \
	{get, arg},
#include "schema.def"
#undef SCHEMA_COL
};

void
schema_get(size_t k, const struct config *c, const struct result *r,
	   struct col_val *v)
{
	getter[k].get(c, r, getter[k].arg, v);
}

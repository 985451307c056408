/*
 * After the window (rowstats.h): counters, then memory exactly as the
 * window left the map (quiesce only waits for deferred frees, nothing
 * that can change the map runs before), then the live keys by Range and,
 * as its own column, memory after that Range (for syncmap, the promoted
 * state); latency percentiles from the merged histograms; the row's
 * throughput timeline.
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
#include "fsutil.h"
#include "procmem.h"
#include "rowstats.h"
#include "timeline.h"

/*
 * Everything freed so far, counted as freed: the map's quiesce hook waits
 * for its deferred frees (and flushes the caches of the threads that ran
 * them), then ours is flushed, so that jemalloc's stats.allocated sees
 * only live memory.  Quiescing frees garbage; it changes no map state.
 */
uint64_t
rowstats_allocated(const struct map_ops *ops, struct map *m)
{
	if (m)
		map_ops_quiesce(ops, m);
	procmem_flush_thread_cache();
	return procmem_allocated();
}

/*
 * The counters' change over the window.  An event counter counts since
 * create(): one that went down (a plugin's bug, or a reset) would wrap
 * to ~2^64 in the delta.  Returns its name (*from, *to its values) so
 * that the row's counters are NA and said; NULL when all went forward.
 */
static const char *
stats_delta(const struct map_ops *ops, struct map_stats *d,
	    const struct map_stats *a, const struct map_stats *b,
	    uint64_t *from, uint64_t *to)
{
	static const char *const common[] = {
		"promotions", "dirty_rebuilds", "entries_copied",
		"misses",     "locked_ops",	"resizes",
	};
	const uint64_t ca[] = {a->promotions,	  a->dirty_rebuilds,
			       a->entries_copied, a->misses,
			       a->locked_ops,	  a->resizes};
	const uint64_t cb[] = {b->promotions,	  b->dirty_rebuilds,
			       b->entries_copied, b->misses,
			       b->locked_ops,	  b->resizes};
	const uint32_t bit[] = {
		MAP_STAT_PROMOTIONS,	 MAP_STAT_DIRTY_REBUILDS,
		MAP_STAT_ENTRIES_COPIED, MAP_STAT_MISSES,
		MAP_STAT_LOCKED_OPS,	 MAP_STAT_RESIZES};
	const char *back = NULL;

	for (int k = 0; k < 6 && !back; k++)
		if ((b->have & bit[k]) && cb[k] < ca[k])
			back = common[k], *from = ca[k], *to = cb[k];
	/* The map's own counters: events as the delta, levels as at the end. */
	for (unsigned i = 0; i < ops->n_counters && i < MAP_OWN_COUNTERS_MAX;
	     i++) {
		if (ops->counters[i].kind != MAP_COUNTER_LEVEL &&
		    b->own[i] < a->own[i] && !back)
			back = ops->counters[i].name, *from = a->own[i],
			*to = b->own[i];
		d->own[i] = ops->counters[i].kind == MAP_COUNTER_LEVEL
				    ? b->own[i]
				    : b->own[i] - a->own[i];
	}
	d->have = b->have;
	d->promotions = b->promotions - a->promotions;
	d->dirty_rebuilds = b->dirty_rebuilds - a->dirty_rebuilds;
	d->entries_copied = b->entries_copied - a->entries_copied;
	d->misses = b->misses - a->misses;
	d->locked_ops = b->locked_ops - a->locked_ops;
	d->resizes = b->resizes - a->resizes;
	return back;
}

/*
 * A percentile in ns, flagged not resolvable (NA in the output) when it is
 * under two granules of the clock: the timer's cost is subtracted from
 * each sample, so a value there is within one granule of 0.
 */
static double
lat_quantile(const struct hist *h, double q, unsigned bit, struct result *r)
{
	double ns =
		hist_quantile(h, q, mb_clock.res_ns / mb_clock.ns_per_tick) *
		mb_clock.ns_per_tick;

	if (ns < 2 * mb_clock.res_ns)
		r->unresolved |= bit;
	return ns;
}

/*
 * Was the worker that took the longest sample off its CPU for more than a
 * tenth of the timeline slice the sample ended in?  1 yes, 0 no, -1 when
 * that slice is not known.
 */
static int
max_preempted(const struct plan *p, const struct worker *ws, uint64_t max)
{
	const struct worker *w = NULL;
	const struct tl *t;
	uint64_t i, from, to, c0, c1;

	for (unsigned k = 0; k < p->c->threads; k++)
		if (ws[k].hist && ws[k].hist->count && ws[k].hist->max == max) {
			w = &ws[k];
			break;
		}
	if (w == NULL)
		return -1;
	t = &w->tl;
	if (t->slice == 0 || w->hist->max_at < t->base)
		return -1;
	i = (w->hist->max_at - t->base) / t->slice;
	if (i < t->n) {
		from = t->base + i * t->slice;
		to = from + t->slice;
		c0 = i ? t->cpu[i - 1] : t->cpu0;
		c1 = t->cpu[i];
	} else if (i == t->n && t->end > t->base + i * t->slice) {
		/* the last, partial slice */
		from = t->base + i * t->slice;
		to = t->end;
		c0 = i ? t->cpu[i - 1] : t->cpu0;
		c1 = t->cpu_end;
	} else {
		return -1;
	}
	return (double)(c1 - c0) <
	       0.9 * (double)(to - from) * mb_clock.ns_per_tick;
}

/*
 * The row's timeline: slice i holds what every worker did in its own
 * slice i (workers start within microseconds of each other).  Only the
 * slices every worker completed are kept: the last, partial one is left
 * out, and so, in an --ops window, is the tail after the first worker
 * finished.  Adjacent slices are summed so that at most TL_POINTS remain.
 */
static void
timeline_build(const struct plan *p, const struct worker *ws, struct result *r)
{
	const struct config *c = p->c;
	uint32_t n = UINT32_MAX, f;
	double slice_s = (double)p->tl_slice * mb_clock.ns_per_tick * 1e-9;

	for (unsigned i = 0; i < c->threads; i++)
		if (ws[i].tl.n < n)
			n = ws[i].tl.n;
	if (n == 0 || n == UINT32_MAX)
		return;
	f = (n + TL_POINTS - 1) / TL_POINTS;
	r->tl_n = n / f;
	r->tl_slice_s = slice_s * f;
	for (uint32_t j = 0; j < r->tl_n; j++) {
		uint64_t sum = 0, cpu = 0;

		for (unsigned i = 0; i < c->threads; i++) {
			const struct tl *t = &ws[i].tl;
			uint32_t a = j * f, b = a + f - 1;

			sum += t->v[b] - (a ? t->v[a - 1] : 0);
			cpu += t->cpu[b] - (a ? t->cpu[a - 1] : t->cpu0);
		}
		r->tl_mops[j] = (float)((double)sum / r->tl_slice_s / 1e6);
		r->tl_cpu[j] = (float)((double)cpu * 1e-9 / r->tl_slice_s /
				       c->threads);
	}
}

/*
 * After the window: counters, then memory exactly as the window left the
 * map (quiesce only waits for deferred frees), then the live keys by
 * Range, then, as its own column, memory after that Range (for syncmap,
 * the promoted state).
 */
void
rowstats_after(struct plan *p, struct worker *ws, struct result *r,
	       const struct map_stats *s0, uint64_t mem0)
{
	const struct config *c = p->c;
	const struct map_ops *ops = p->ops;
	struct map_stats s1;
	const char *back;
	uint64_t from = 0, to = 0;
	struct hist *merged = calloc(1, sizeof(*merged));
	uint64_t start = UINT64_MAX, end = 0, mem1, mem2;

	map_ops_stats(ops, p->m, &s1);
	back = stats_delta(ops, &r->stats, s0, &s1, &from, &to);
	if (back) {
		char name[64];

		r->have_stats = false;
		fprintf(stderr,
			"mapbench: %s: its event counter %s went down over "
			"the window (%" PRIu64 " -> %" PRIu64
			"): the map's counters of this row are NA\n",
			ops->name, fs_printable(back, name, sizeof(name)), from,
			to);
	}
	mem1 = rowstats_allocated(ops, p->m);
	if (ops->range)
		ops->range(p->m, plan_count_entry, &r->live_keys);
	mem2 = rowstats_allocated(ops, p->m);
	/* A map allocating outside malloc: bytes_per_key stays NA (-1). */
	if (mem1 && r->live_keys &&
	    !(map_ops_limits(ops, config_param(c)) & MAP_LIMIT_MEMORY)) {
		r->bytes_per_key =
			((double)mem1 - (double)mem0) / (double)r->live_keys;
		r->bytes_per_key_settled =
			((double)mem2 - (double)mem0) / (double)r->live_keys;
	}
	for (int k = 0; k < PEV_N; k++)
		r->perf[k] = 0;
	for (unsigned i = 0; i < c->threads; i++) {
		struct worker *w = &ws[i];
		uint64_t ops_i = 0;

		if (w->t_start < start)
			start = w->t_start;
		if (w->t_end > end)
			end = w->t_end;
		for (int k = 0; k < WL_NOPS; k++) {
			r->op_count[k] += w->count[k];
			r->op_hits[k] += w->hits[k];
			ops_i += w->count[k];
		}
		r->ops += ops_i;
		r->iters += c->wl ? w->iters : ops_i;
		r->failed_ops += w->failed;
		for (int k = 0; k < PEV_N; k++)
			if (r->perf[k] >= 0)
				r->perf[k] = w->perf[k] < 0
						     ? -1
						     : r->perf[k] + w->perf[k];
		if (w->hist && merged)
			hist_merge(merged, w->hist);
		/* Pinning failed: the row ran unpinned and says so. */
		if (w->err)
			r->pinned = false;
	}
	r->seconds = (double)(end - start) * 1e-9;
	timeline_build(p, ws, r);
	if (merged && merged->count) {
		r->lat_samples = merged->count;
		r->p50_ns = lat_quantile(merged, 0.50, LAT_P50, r);
		r->p99_ns = lat_quantile(merged, 0.99, LAT_P99, r);
		r->p999_ns = lat_quantile(merged, 0.999, LAT_P999, r);
		/* Enough samples for the tail they print, else NA. */
		if (merged->count < LAT_MIN_P99)
			r->lat_few |= LAT_P99;
		if (merged->count < LAT_MIN_P999)
			r->lat_few |= LAT_P999;
		r->max_ns = (double)merged->max * mb_clock.ns_per_tick;
		r->max_preempted = max_preempted(p, ws, merged->max);
		if (r->max_ns < 2 * mb_clock.res_ns)
			r->unresolved |= LAT_MAX;
	}
	free(merged);
}

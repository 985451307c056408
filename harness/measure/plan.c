/*
 * The plan of one row (plan.h): the mix's thresholds, the Zipf table, each
 * worker's seeds, histogram, timeline and key ring, all allocated and
 * written here, outside the window, so that no page is first touched in
 * it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "plan.h"

/*
 * Uniform loads over a small key space draw their keys before the window,
 * into a ring of KEY_RING_LEN per worker: drawing them in the loop costs
 * about a nanosecond a load (two 128-bit multiplies), a tenth of a fast
 * map's load at 1,000 keys.  At least four draws per key, so a pass over
 * the ring touches all but about e^-4 (2%) of the keys at 16,384 and
 * every one at 1,000; from the generator and seed of the online
 * draw, so every map gets the same keys.  Larger key spaces draw in the
 * loop (loads_batch): there a load's cache misses dwarf the draw, and a
 * ring of 4 x keys would evict the map from the caches.
 */
static bool
key_ring_wanted(const struct plan *p)
{
	const struct config *c = p->c;

	return !c->wl && c->dist.kind == DIST_UNIFORM && p->nk == 1 &&
	       p->kind[0] == WL_LOAD && c->keys <= KEY_RING_KEYS;
}

/* Build the cumulative thresholds of a mix. */
static void
plan_mix(struct plan *p, const struct mix *mix)
{
	double total = 0, acc = 0;

	for (int k = 0; k < WL_NOPS; k++)
		total += mix->w[k];
	p->nk = 0;
	if (total <= 0)
		return;
	for (int k = 0; k < WL_NOPS; k++) {
		if (mix->w[k] <= 0)
			continue;
		acc += mix->w[k];
		p->kind[p->nk] = (unsigned)k;
		p->thr[p->nk] = (uint64_t)(acc / total * 4294967296.0);
		p->nk++;
	}
	/* The last threshold is past every 32-bit value: the scan stops. */
	p->thr[p->nk - 1] = UINT64_C(1) << 32;
	p->churn_load_thr = (uint64_t)(mix->w[WL_LOAD] / total * 4294967296.0);
	p->churn_store_thr = (uint64_t)((mix->w[WL_LOAD] + mix->w[WL_STORE]) /
					total * 4294967296.0);
}

/* Plan: everything the workers read, outside the window. */
int
plan_build(struct plan *p, struct worker *ws, const struct config *c,
	   const struct plan_machine *mach)
{
	memset(p, 0, sizeof(*p));
	memset(ws, 0, sizeof(*ws) * c->threads);
	p->c = c;
	p->ops = c->ops;
	p->mach = mach;
	plan_mix(p, &c->mix);
	if (c->dist.kind == DIST_ZIPF && !c->wl &&
	    zipf_init(&p->zipf, c->keys, c->dist.theta))
		return -ENOMEM;
	p->churn_window = c->keys / c->threads ? c->keys / c->threads : 1;
	p->budget = c->ops_per_thread ? c->ops_per_thread : UINT64_MAX;
	p->lat_mean = (double)c->latency_sample;
	/* Workers 0 and 1 pinned to different CPUs (worker_main). */
	p->c2c = c->threads >= 2 && c->pin && mach->ncpus >= 2 &&
		 mach->cpu[0] != mach->cpu[1];
	p->lat_overhead = (uint64_t)mb_clock.cost_ticks;
	if (c->wl && p->lat_mean > 0 && !(p->wl_step = wl_step_of(c->wl)))
		p->lat_mean = 0;
	/*
	 * Timeline slices of TL_SLICE_NS, wider for windows of more than
	 * TL_SLICES_MAX of them; room for a window stretched to twice its
	 * length.  An --ops window keeps its first TL_OPS_CAP slices.
	 */
	{
		double slice_ns = TL_SLICE_NS;

		if (!c->ops_per_thread &&
		    c->duration * 1e9 > slice_ns * TL_SLICES_MAX)
			slice_ns = c->duration * 1e9 / TL_SLICES_MAX;
		p->tl_slice = (uint64_t)(slice_ns / mb_clock.ns_per_tick);
		if (p->tl_slice == 0)
			p->tl_slice = 1;
		p->tl_cap =
			c->ops_per_thread
				? TL_OPS_CAP
				: (uint32_t)(2 * c->duration * 1e9 / slice_ns) +
					  2;
	}
	for (unsigned i = 0; i < c->threads; i++) {
		struct worker *w = &ws[i];

		w->tid = i;
		w->p = p;
		w->c2c_ns[0] = w->c2c_ns[1] = NAN;
		/* Seed + thread index only: the same across impls. */
		w->seed = seed_mix(c->seed +
				   (i + 1) * UINT64_C(0x9e3779b97f4a7c15));
		w->lat_seed = seed_mix(w->seed ^ UINT64_C(0x6c61742d73616d70));
		if (p->lat_mean > 0 &&
		    !(w->hist = calloc(1, sizeof(struct hist))))
			return -ENOMEM;
		/* Written here so that no page is first touched in the window.
		 */
		w->tl.slice = p->tl_slice;
		w->tl.cap = p->tl_cap;
		w->tl.v = malloc(sizeof(uint64_t) * p->tl_cap);
		w->tl.cpu = malloc(sizeof(uint64_t) * p->tl_cap);
		if (w->tl.v == NULL || w->tl.cpu == NULL)
			return -ENOMEM;
		memset(w->tl.v, 0, sizeof(uint64_t) * p->tl_cap);
		memset(w->tl.cpu, 0, sizeof(uint64_t) * p->tl_cap);
		if (key_ring_wanted(p) &&
		    !(w->ring = malloc(sizeof(uint32_t) * KEY_RING_LEN)))
			return -ENOMEM;
	}
	return 0;
}

void
plan_free(struct plan *p, struct worker *ws, unsigned threads)
{
	for (unsigned i = 0; i < threads; i++) {
		free(ws[i].hist);
		free(ws[i].tl.v);
		free(ws[i].tl.cpu);
		free(ws[i].ring);
	}
	zipf_free(&p->zipf);
}

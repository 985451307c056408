/*
 * plotfigs: the line figures of `mapbench plot`, each drawn from
 * summary.tsv by one gnuplot script of plots/: throughput against read %
 * and against threads, the small multiples of reads per thread count,
 * latency percentiles, memory per key, and syncmap's promotions.  The C
 * side decides what is drawn: which panels have data, the y-range the
 * panels share (from the real maps; `null` is a reference line), the
 * thread count latency is taken at.  A figure with no data is skipped
 * and said so.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "figures.h"
#include "plotdata.h"
#include "plotfigs.h"
#include "plotgp.h"
#include "stats.h"

/* Oversubscription: the note, and the CPU count for shading. */
static void
note_oversub(struct notes *nt, int any, int ncpus)
{
	if (!any)
		return;
	if (ncpus)
		plotgp_note(nt,
			    "open markers: more threads than the %d CPUs "
			    "(oversubscribed)",
			    ncpus);
	else
		plotgp_note(nt, "open markers: more threads than CPUs "
				"(oversubscribed)");
}

/* What a throughput figure's maps span, and what its notes say. */
struct tp_range {
	double lo, hi;	 /* the real maps' medians */
	double nlo, nhi; /* null's values */
	int zeros, over, ncpus, has_null;
	bool all_ci; /* every median has an interval */
};

/*
 * The maps of dist and k (t threads; 0: any) into impls, null aside, and
 * their range.  strict (the small multiples): a map needs a positive
 * median to be listed, and null's range is its positive medians; else
 * null's range is its values' (plotgp_range_pos).
 */
static void
tp_scan(const struct plotdata *d, const char *dist, long long k, int t,
	bool strict, struct tp_range *r, struct sbuf *impls)
{
	*r = (struct tp_range){.lo = INFINITY, .nlo = INFINITY, .all_ci = true};
	for (size_t i = 0; i < d->n_impls; i++) {
		bool any = false;

		FOR_CFG(d, c)
		{
			const struct stat3 *m = &c->s[M_MOPS];

			if (strcmp(c->impl, d->impls[i]) ||
			    strcmp(c->dist, dist) || c->keys != k ||
			    (t && c->threads != t) || !plotgp_have(c, M_MOPS))
				continue;
			if (plotdata_is_null(c->impl)) {
				r->has_null = 1;
				if (!strict)
					plotgp_range_pos(c, M_MOPS, &r->nlo,
							 &r->nhi, NULL);
				else if (m->med > 0)
					r->nlo = fmin(r->nlo, m->med),
					r->nhi = fmax(r->nhi, m->med);
				continue;
			}
			/* the axis spans the medians; bars may be clipped */
			if (m->med <= 0) {
				r->zeros++;
				if (strict)
					continue;
			} else {
				r->lo = fmin(r->lo, m->med);
				r->hi = fmax(r->hi, m->med);
			}
			any = true;
			r->all_ci &= !isnan(m->lo);
			r->over |= c->oversub;
			if (c->ncpus > r->ncpus)
				r->ncpus = c->ncpus;
		}
		if (any && !plotdata_is_null(d->impls[i]))
			plotgp_list_add(impls, "%s", d->impls[i]);
	}
}

/*
 * Is there a real map's throughput (positive when `positive`) of dist
 * and k whose read % (by_read) or thread count is v?
 */
static bool
tp_has(const struct plotdata *d, const char *dist, long long k, bool by_read,
       int v, bool positive)
{
	FOR_CFG(d, c)
	{
		if (!strcmp(c->dist, dist) && c->keys == k &&
		    !plotdata_is_null(c->impl) && plotgp_have(c, M_MOPS) &&
		    (!positive || c->s[M_MOPS].med > 0) &&
		    (by_read ? c->read : c->threads) == v)
			return true;
	}
	return false;
}

/* The bars of dist, k and t threads (0: any) that leave the medians' axis. */
static int
count_clipped(const struct plotdata *d, const char *dist, long long k, int t,
	      const struct tp_range *r)
{
	double a = pow(10, floor(log10(r->lo))),
	       b = pow(10, ceil(log10(r->hi)));
	int clipped = 0;

	if (b <= a)
		b = a * 10;
	FOR_CFG(d, c)
	{
		const struct stat3 *s = &c->s[M_MOPS];

		if (strcmp(c->dist, dist) || c->keys != k ||
		    (t && c->threads != t) || plotdata_is_null(c->impl) ||
		    !plotgp_have(c, M_MOPS) || s->med <= 0)
			continue;
		if (r->all_ci ? s->lo < a || s->hi > b
			      : s->min < a || s->max > b)
			clipped++;
	}
	return clipped;
}

/* The notes about null, zeros and clipped bars. */
static void
tp_notes(struct notes *nt, const struct plotdata *d, const char *dist,
	 long long k, const struct tp_range *r)
{
	int clipped = count_clipped(d, dist, k, 0, r);

	if (r->has_null) {
		if (r->nhi > pow(10, ceil(log10(r->hi))))
			plotgp_note(nt,
				    "null (no-op map, the harness ceiling): "
				    "%.3g-%.3g Mops/s, above this axis",
				    r->nlo, r->nhi);
		else
			plotgp_note(nt, "dashed grey: null (no-op map, the "
					"harness ceiling)");
	}
	if (r->zeros)
		plotgp_note(nt,
			    "%d zero throughput median%s not drawn (log axis)",
			    r->zeros, r->zeros == 1 ? "" : "s");
	if (clipped)
		plotgp_note(nt,
			    "%d bar%s leave%s the axis (set by the medians): "
			    "clipped, the end marked by a small triangle",
			    clipped, clipped == 1 ? "" : "s",
			    clipped == 1 ? "s" : "");
}

/*
 * Throughput against read % (one panel per thread count) or against
 * threads (one panel per read %), one line per map; null dashed.
 */
void
plotfigs_throughput(struct ctx *x, const struct plotdata *d, const char *dist,
		    const char *tag, long long k, bool by_threads)
{
	struct sbuf v = {0}, impls = {0}, panels = {0}, axis = {0};
	struct notes nt = {0, &v};
	struct tp_range r;
	char *name = NULL;
	size_t np = by_threads ? d->n_reads : d->n_threads;
	size_t nxs = by_threads ? d->n_threads : d->n_reads, nx = 0;

	if (asprintf(&name, "throughput_%s_%s_k%lld",
		     by_threads ? "threads" : "reads", tag, k) < 0)
		return;
	tp_scan(d, dist, k, 0, false, &r, &impls);
	for (size_t p = 0; p < np; p++) {
		int pv = by_threads ? d->reads[p] : d->threads[p];

		if (tp_has(d, dist, k, by_threads, pv, true))
			plotgp_list_add(&panels, "%d", pv);
	}
	if (!panels.len) {
		plotgp_skip(x, name, "no throughput of a map other than null");
		goto out;
	}
	/* a line needs two points: one x value is a figure of dots */
	for (size_t i = 0; i < nxs; i++) {
		int xv = by_threads ? d->threads[i] : d->reads[i];

		nx += tp_has(d, dist, k, !by_threads, xv, false);
		plotgp_list_add(&axis, "%d", xv);
	}
	if (nx < 2) {
		plotgp_skip(x, name,
			    by_threads ? "one thread count only"
				       : "one read ratio only");
		goto out;
	}
	plotgp_set(&v, "dist", dist);
	plotgp_setf(&v, "k", "%lld", k);
	plotgp_set(&v, "panels", panels.p);
	plotgp_set(&v, "bars", r.all_ci ? "ci" : "minmax");
	plotgp_styles(&v, &impls);
	plotgp_set(&v, "xs", axis.p ? axis.p : "");
	v.bad |= axis.bad;
	plotgp_log_range(&v, r.lo, r.hi);
	plotgp_setf(&v, "ncpus", "%d", r.over ? r.ncpus : 0);
	/* null wholly above the axis: a note, no line, no legend entry */
	plotgp_setf(&v, "hasnull", "%d",
		    r.has_null && r.nlo <= pow(10, ceil(log10(r.hi))));
	note_oversub(&nt, r.over, r.ncpus);
	tp_notes(&nt, d, dist, k, &r);
	plotgp_notes_end(&nt);
	plotgp_draw(
		x, by_threads ? "throughput_threads.gp" : "throughput_reads.gp",
		name, &v);
out:
	free(name);
	free(v.p);
	free(impls.p);
	free(panels.p);
	free(axis.p);
}

/*
 * Throughput against read % at t threads as small multiples: a panel per
 * map, the others grey behind it.  The y-range is the medians' (a bar
 * that leaves it is clipped and marked by the script).
 */
void
plotfigs_reads_small(struct ctx *x, const struct plotdata *d, const char *dist,
		     const char *tag, long long k, int t)
{
	struct sbuf v = {0}, impls = {0}, axis = {0};
	struct notes nt = {0, &v};
	struct tp_range r;
	int clipped;
	char *name = NULL;

	if (asprintf(&name, "throughput_reads_%s_k%lld_t%d", tag, k, t) < 0)
		return;
	tp_scan(d, dist, k, t, true, &r, &impls);
	if (!impls.len) {
		plotgp_skip(x, name, "no throughput of a map other than null");
		goto out;
	}
	{
		size_t nx = 0;

		for (size_t i = 0; i < d->n_reads; i++) {
			FOR_CFG(d, c)
			{
				if (!strcmp(c->dist, dist) && c->keys == k &&
				    c->threads == t &&
				    !plotdata_is_null(c->impl) &&
				    plotgp_have(c, M_MOPS) &&
				    c->read == d->reads[i]) {
					plotgp_list_add(&axis, "%d",
							d->reads[i]);
					nx++;
					break;
				}
			}
		}
		if (nx < 2) {
			plotgp_skip(x, name, "one read ratio only");
			goto out;
		}
	}
	clipped = count_clipped(d, dist, k, t, &r);
	plotgp_set(&v, "dist", dist);
	plotgp_setf(&v, "k", "%lld", k);
	plotgp_setf(&v, "t", "%d", t);
	plotgp_set(&v, "xs", axis.p);
	plotgp_set(&v, "bars", r.all_ci ? "ci" : "minmax");
	plotgp_styles(&v, &impls);
	plotgp_log_range(&v, r.lo, r.hi);
	plotgp_setf(&v, "ncpus", "%d", r.over ? r.ncpus : 0);
	plotgp_setf(&v, "hasnull", "%d",
		    r.has_null && r.nlo <= pow(10, ceil(log10(r.hi))));
	if (r.has_null) {
		if (r.nlo > pow(10, ceil(log10(r.hi))))
			plotgp_note(&nt,
				    "null (no-op map, the harness ceiling): "
				    "%.3g-%.3g "
				    "Mops/s, above this axis",
				    r.nlo, r.nhi);
		else
			plotgp_note(&nt,
				    "dashed grey: null (no-op map, the harness "
				    "ceiling)");
	}
	if (clipped)
		plotgp_note(&nt,
			    "%d bar%s leave%s the axis (set by the medians): "
			    "clipped, "
			    "the end marked by a small triangle",
			    clipped, clipped == 1 ? "" : "s",
			    clipped == 1 ? "s" : "");
	if (r.zeros)
		plotgp_note(&nt,
			    "%d zero throughput median%s not drawn (log axis)",
			    r.zeros, r.zeros == 1 ? "" : "s");
	plotgp_notes_end(&nt);
	plotgp_draw(x, "throughput_reads.gp", name, &v);
out:
	free(name);
	free(v.p);
	free(impls.p);
	free(axis.p);
}

/* Latency percentiles per map at the most threads not oversubscribed. */
void
plotfigs_latency(struct ctx *x, const struct plotdata *d, const char *dist,
		 const char *tag, long long k)
{
	struct sbuf v = {0}, impls = {0}, panels = {0};
	struct notes nt = {0, &v};
	double lo = INFINITY, hi = 0;
	int t = 0, zeros = 0, any_over = 0;
	char *name = NULL;

	if (asprintf(&name, "latency_%s_k%lld", tag, k) < 0)
		return;
	FOR_CFG(d, c)
	{
		if (strcmp(c->dist, dist) || c->keys != k ||
		    !plotgp_have(c, M_P50))
			continue;
		if (c->oversub)
			any_over = 1;
		else if (c->threads > t)
			t = c->threads;
	}
	if (!t) {
		plotgp_skip(
			x, name,
			any_over
				? "every configuration with latency samples is "
				  "oversubscribed"
				: "no latency samples");
		goto out;
	}
	for (size_t i = 0; i < d->n_impls; i++) {
		bool any = false;

		FOR_CFG(d, c)
		{
			if (strcmp(c->impl, d->impls[i]) ||
			    strcmp(c->dist, dist) || c->keys != k ||
			    c->threads != t || !plotgp_have(c, M_P50))
				continue;
			any = true;
			for (int m = M_P50; m <= M_MAX; m++) {
				/* only medians are drawn */
				if (!plotgp_have(c, m))
					continue;
				if (c->s[m].med <= 0)
					zeros++;
				else if (c->s[m].med < lo)
					lo = c->s[m].med;
				if (c->s[m].med > hi)
					hi = c->s[m].med;
			}
		}
		if (any)
			plotgp_list_add(&impls, "%s", d->impls[i]);
	}
	for (size_t p = 0; p < d->n_reads; p++)
		FOR_CFG(d, c)
		{
			if (!strcmp(c->dist, dist) && c->keys == k &&
			    c->threads == t && plotgp_have(c, M_P50) &&
			    c->read == d->reads[p]) {
				plotgp_list_add(&panels, "%d", d->reads[p]);
				break;
			}
		}
	if (hi <= 0) {
		plotgp_skip(x, name,
			    "every latency is 0 (below the timer's "
			    "resolution)");
		goto out;
	}
	plotgp_set(&v, "dist", dist);
	plotgp_setf(&v, "k", "%lld", k);
	plotgp_setf(&v, "t", "%d", t);
	plotgp_set(&v, "panels", panels.p);
	plotgp_styles(&v, &impls);
	plotgp_log_range(&v, lo, hi);
	if (any_over)
		plotgp_note(&nt,
			    "taken at %d thread%s, the most that are not "
			    "oversubscribed",
			    t, t == 1 ? "" : "s");
	if (zeros)
		plotgp_note(&nt,
			    "%d zero percentile%s (below the timer's "
			    "resolution) not drawn",
			    zeros, zeros == 1 ? "" : "s");
	plotgp_notes_end(&nt);
	plotgp_draw(x, "latency.gp", name, &v);
out:
	free(name);
	free(v.p);
	free(impls.p);
	free(panels.p);
}

/*
 * Bytes per live key as bars: one panel per key count with its own axis,
 * a bar per map: the median, over the read percentages, of the
 * configurations' medians at t threads (the fewest run); the whisker
 * spans the lowest and highest of those medians.
 */
void
plotfigs_memory(struct ctx *x, const struct plotdata *d, const char *dist,
		const char *tag)
{
	struct sbuf v = {0}, impls = {0}, panels = {0};
	struct notes nt = {0, &v};
	double *meds = NULL;
	int t = 0, np = 0;
	char *name = NULL;

	if (asprintf(&name, "memory_%s", tag) < 0)
		return;
	FOR_CFG(d, c)
	if (!strcmp(c->dist, dist) && plotgp_have(c, M_BPK) &&
	    !plotdata_is_null(c->impl) && (!t || c->threads < t))
		t = c->threads;
	if (!t) {
		plotgp_skip(x, name, "no bytes_per_key values");
		goto out;
	}
	meds = malloc((d->nc ? d->nc : 1) * sizeof(*meds));
	if (!meds) {
		v.bad = true;
		goto out;
	}
	for (size_t i = 0; i < d->n_impls; i++) {
		bool any = false;

		if (plotdata_is_null(d->impls[i]))
			continue;
		FOR_CFG(d, c)
		any |= !strcmp(c->impl, d->impls[i]) &&
		       !strcmp(c->dist, dist) && c->threads == t &&
		       plotgp_have(c, M_BPK);
		if (any)
			plotgp_list_add(&impls, "%s", d->impls[i]);
	}
	for (size_t p = 0; p < d->n_keys; p++) {
		struct sbuf val = {0}, lo = {0}, hi = {0};
		double top = 0;
		bool any = false;
		char n1[16];
		char *save = strdup(impls.p ? impls.p : ""), *tok, *sp;

		for (tok = save ? strtok_r(save, " ", &sp) : NULL; tok;
		     tok = strtok_r(NULL, " ", &sp)) {
			size_t n = 0;

			FOR_CFG(d, c)
			if (!strcmp(c->impl, tok) && !strcmp(c->dist, dist) &&
			    c->threads == t && c->keys == d->keys[p] &&
			    plotgp_have(c, M_BPK))
				meds[n++] = c->s[M_BPK].med;
			if (!n) {
				plotgp_list_add(&val, "-");
				plotgp_list_add(&lo, "-");
				plotgp_list_add(&hi, "-");
				continue;
			}
			any = true;
			stats_sort(meds, n);
			plotgp_list_add(&val, "%.6g",
					stats_median_sorted(meds, n));
			plotgp_list_add(&lo, "%.6g", meds[0]);
			plotgp_list_add(&hi, "%.6g", meds[n - 1]);
			top = fmax(top, meds[n - 1]);
		}
		free(save);
		if (any) {
			np++;
			plotgp_list_add(&panels, "%lld", d->keys[p]);
			snprintf(n1, sizeof(n1), "val%d", np);
			plotgp_set(&v, n1, val.p);
			snprintf(n1, sizeof(n1), "vlo%d", np);
			plotgp_set(&v, n1, lo.p);
			snprintf(n1, sizeof(n1), "vhi%d", np);
			plotgp_set(&v, n1, hi.p);
			snprintf(n1, sizeof(n1), "ymax%d", np);
			plotgp_num(&v, n1, top > 0 ? top * 1.15 : 1);
		}
		v.bad |= val.bad || lo.bad || hi.bad;
		free(val.p);
		free(lo.p);
		free(hi.p);
	}
	plotgp_set(&v, "dist", dist);
	plotgp_setf(&v, "t", "%d", t);
	plotgp_set(&v, "panels", panels.p ? panels.p : "");
	plotgp_styles(&v, &impls);
	plotgp_notes_end(&nt);
	plotgp_draw(x, "memory.gp", name, &v);
out:
	free(meds);
	free(name);
	free(v.p);
	free(impls.p);
	free(panels.p);
}

/* What the promotion figure draws: its rows (map, keys) and ranges. */
struct promo {
	struct sbuf rimpl, rkeys, zero_maps;
	double lo[4], hi[4]; /* per promo_metrics[] */
	int zeros[4], over, ncpus;
};

static const enum metric promo_metrics[] = {M_PROMO, M_REBUILD, M_LOCKED,
					    M_MOPS};

/* The maps of dist that count promotions, per key count, and ranges. */
static void
promo_scan(const struct plotdata *d, const char *dist, struct promo *pr)
{
	const enum metric *ms = promo_metrics;

	for (int j = 0; j < 4; j++)
		pr->lo[j] = INFINITY, pr->hi[j] = 0;
	for (size_t i = 0; i < d->n_impls; i++) {
		bool counted = false, nonzero = false;

		/*
		 * A map that keeps the counter but never promoted or rebuilt
		 * has nothing to show (results from before ABI 2 hold 0 for
		 * maps without the counter): it is named in a note.
		 */
		FOR_CFG(d, c)
		if (!strcmp(c->impl, d->impls[i]) && !strcmp(c->dist, dist) &&
		    plotgp_have(c, M_PROMO)) {
			counted = true;
			nonzero |= c->s[M_PROMO].max > 0 ||
				   (plotgp_have(c, M_REBUILD) &&
				    c->s[M_REBUILD].max > 0);
		}
		if (counted && !nonzero) {
			plotgp_list_add(&pr->zero_maps, "%s", d->impls[i]);
			continue;
		}
		for (size_t kk = 0; kk < d->n_keys; kk++) {
			bool any = false;

			FOR_CFG(d, c)
			{
				if (strcmp(c->impl, d->impls[i]) ||
				    strcmp(c->dist, dist) ||
				    c->keys != d->keys[kk] ||
				    !plotgp_have(c, M_PROMO))
					continue;
				any = true;
				pr->over |= c->oversub;
				if (c->ncpus > pr->ncpus)
					pr->ncpus = c->ncpus;
				for (int j = 0; j < 4; j++)
					plotgp_range_pos(c, ms[j], &pr->lo[j],
							 &pr->hi[j],
							 &pr->zeros[j]);
			}
			if (any) {
				plotgp_list_add(&pr->rimpl, "%s", d->impls[i]);
				plotgp_list_add(&pr->rkeys, "%lld",
						d->keys[kk]);
			}
		}
	}
}

/*
 * The promotion counters, for every map that reports them (a non-empty
 * promotions column): a row of panels per map and key count.
 */
void
plotfigs_promotion(struct ctx *x, const struct plotdata *d, const char *dist,
		   const char *tag)
{
	struct sbuf v = {0}, ts = {0}, axis = {0};
	struct notes nt = {0, &v};
	struct promo pr = {0};
	char *name = NULL;

	if (asprintf(&name, "promotion_%s", tag) < 0)
		return;
	promo_scan(d, dist, &pr);
	if (!pr.rimpl.len) {
		plotgp_skip(x, name,
			    pr.zero_maps.len
				    ? "no map promoted or rebuilt (all 0)"
				    : "no map reports promotions");
		goto out;
	}
	for (size_t i = 0; i < d->n_threads; i++)
		FOR_CFG(d, c)
		{
			if (!strcmp(c->dist, dist) && plotgp_have(c, M_PROMO) &&
			    c->threads == d->threads[i]) {
				plotgp_list_add(&ts, "%d", d->threads[i]);
				break;
			}
		}
	for (size_t i = 0; i < d->n_reads; i++)
		plotgp_list_add(&axis, "%d", d->reads[i]);
	plotgp_set(&v, "dist", dist);
	plotgp_set(&v, "rimpl", pr.rimpl.p);
	plotgp_set(&v, "rkeys", pr.rkeys.p);
	plotgp_set(&v, "ts", ts.p);
	plotgp_set(&v, "xs", axis.p);
	for (int j = 0; j < 4; j++) {
		char n1[8], n2[8];

		snprintf(n1, sizeof(n1), "ymin%d", j + 1);
		snprintf(n2, sizeof(n2), "ymax%d", j + 1);
		if (pr.hi[j] > 0) {
			plotgp_num(&v, n1, pow(10, floor(log10(pr.lo[j]))));
			plotgp_num(&v, n2,
				   fmax(pow(10, ceil(log10(pr.hi[j]))),
					10 * pow(10, floor(log10(pr.lo[j])))));
		} else {
			plotgp_set(&v, n1, "0");
			plotgp_set(&v, n2, "0");
		}
	}
	plotgp_setf(&v, "ncpus", "%d", pr.over ? pr.ncpus : 0);
	note_oversub(&nt, pr.over, pr.ncpus);
	if (pr.zero_maps.len)
		plotgp_note(&nt, "promotions and rebuilds all 0, not shown: %s",
			    pr.zero_maps.p);
	if (pr.zeros[0] + pr.zeros[1] + pr.zeros[2])
		plotgp_note(&nt,
			    "zeros are not drawn on the log axes (%d, %d, %d "
			    "points from left to right)",
			    pr.zeros[0], pr.zeros[1], pr.zeros[2]);
	plotgp_notes_end(&nt);
	plotgp_draw(x, "promotion.gp", name, &v);
out:
	free(name);
	free(v.p);
	free(pr.rimpl.p);
	free(pr.rkeys.p);
	free(pr.zero_maps.p);
	free(ts.p);
	free(axis.p);
}

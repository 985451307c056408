/*
 * plotheat: "who wins where", the heatmaps of `mapbench plot`: for each
 * row of the grid (dist, keys, threads, read %), each map's median
 * throughput against the row's reference (the --baseline map, or the
 * fastest map of the row), with an exact test of the difference and a
 * colour for the ratio.  The cells go to heatmap.tsv (which the report
 * page shows as tables) and to one heatmap figure per dist and key count.
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
#include "plotgp.h"
#include "plotheat.h"
#include "report_html.h"
#include "stats.h"

/* ---- who wins where: the heatmap ------------------------------------ */

/*
 * The fill of a ratio: white at 1, blue above (faster), orange below,
 * saturating at 4x and 1/4x; text white on a dark fill.
 */
static void
ratio_colour(double ratio, unsigned *fill, unsigned *text)
{
	static const double up[3] = {33, 102, 172}, down[3] = {230, 97, 1};
	double l = log2(ratio), t = fmin(fabs(l) / 2, 1);
	const double *to = l >= 0 ? up : down;
	unsigned rgb = 0;

	for (int i = 0; i < 3; i++)
		rgb = rgb << 8 | (unsigned)lround(255 + (to[i] - 255) * t);
	*fill = rgb;
	*text = t > 0.6 ? 0xffffff : 0x222222;
}

/* The mops samples of configuration c (its ok rows). */
static size_t
mops_samples(const struct plotdata *d, const struct cfg *c, double *out)
{
	size_t n = 0;

	for (size_t i = c->first; i < c->first + c->nrec; i++)
		if (d->r[i].ok && !isnan(d->r[i].m[M_MOPS]))
			out[n++] = d->r[i].m[M_MOPS];
	return n;
}

static const struct cfg *
find_cfg(const struct plotdata *d, const char *impl, const char *dist,
	 long long k, int threads, int read)
{
	FOR_CFG(d, c)
	if (!strcmp(c->impl, impl) && !strcmp(c->dist, dist) && c->keys == k &&
	    c->threads == threads && c->read == read)
		return c;
	return NULL;
}

static int
heat_cell(struct heat *h, const struct plotdata *d, const struct cfg *c,
	  const struct cfg *ref, int row, int col, bool best)
{
	struct hcell *e;
	double *a, *b;
	size_t na, nb;

	if (h->n == h->cap) {
		size_t nc = h->cap ? 2 * h->cap : 64;
		struct hcell *p = realloc(h->cell, nc * sizeof(*p));

		if (!p)
			return -1;
		h->cell = p;
		h->cap = nc;
	}
	e = &h->cell[h->n++];
	memset(e, 0, sizeof(*e));
	e->c = c;
	e->ref = ref;
	e->row = row;
	e->col = col;
	e->best = best;
	e->ratio = e->p = NAN;
	e->status = "na";
	e->fill = 0xffffff;
	e->text = 0x222222;
	snprintf(e->label, sizeof(e->label), "-");
	if (!plotgp_have(c, M_MOPS))
		return 0;
	if (c == ref) {
		char v[32];

		report_sig(v, sizeof(v), c->s[M_MOPS].med, 3);
		snprintf(e->label, sizeof(e->label), "ref %s", v);
		e->status = "ref";
		e->ratio = 1;
		return 0;
	}
	if (!ref || !plotgp_have(ref, M_MOPS) || ref->s[M_MOPS].med <= 0)
		return 0;
	e->ratio = c->s[M_MOPS].med / ref->s[M_MOPS].med;
	report_sig(e->label, sizeof(e->label), e->ratio, 3);
	a = malloc((c->nrec + ref->nrec) * sizeof(*a));
	if (!a)
		return -1;
	b = a + c->nrec;
	na = mops_samples(d, c, a);
	nb = mops_samples(d, ref, b);
	{
		struct stats_test t;

		if (stats_mann_whitney(a, na, b, nb, &t)) {
			free(a);
			return -1;
		}
		e->p = t.p;
		if (stats_mw_min_p(na, nb) >= PLOT_ALPHA) {
			e->status = "small";
			h->any_small = true;
		} else if (t.p < PLOT_ALPHA) {
			e->status = "sig";
		} else {
			e->status = "ns";
			h->any_ns = true;
		}
	}
	free(a);
	if (!strcmp(e->status, "sig")) {
		ratio_colour(e->ratio, &e->fill, &e->text);
	} else {
		e->fill = 0xececec;
		e->text = 0x8a8a8a;
	}
	return 0;
}

/*
 * The cells of every heatmap (one per dist and key count): rows are the
 * configurations (threads ascending, read % descending), columns the maps
 * but null, in registry order.
 */
int
plotheat_build(struct heat *h, const struct plotdata *d, const char *baseline)
{
	bool by_best = !strcmp(baseline, "best");

	for (size_t di = 0; di < d->n_dists; di++)
		for (size_t ki = 0; ki < d->n_keys; ki++) {
			const char *dist = d->dists[di];
			long long k = d->keys[ki];
			int row = 0;

			for (size_t ti = 0; ti < d->n_threads; ti++)
				for (size_t ri = d->n_reads; ri-- > 0;) {
					int t = d->threads[ti],
					    r = d->reads[ri], col = 0;
					const struct cfg *ref = NULL,
							 *top = NULL;
					bool any = false;

					for (size_t i = 0; i < d->n_impls;
					     i++) {
						const struct cfg *c =
							find_cfg(d, d->impls[i],
								 dist, k, t, r);

						if (!c ||
						    plotdata_is_null(c->impl) ||
						    !plotgp_have(c, M_MOPS))
							continue;
						any = true;
						if (!figure_is_control(
							    c->impl) &&
						    (!top ||
						     c->s[M_MOPS].med >
							     top->s[M_MOPS]
								     .med))
							top = c;
					}
					if (!any)
						continue;
					ref = by_best ? top
						      : find_cfg(d, baseline,
								 dist, k, t, r);
					for (size_t i = 0; i < d->n_impls;
					     i++) {
						const struct cfg *c;

						if (plotdata_is_null(
							    d->impls[i]))
							continue;
						c = find_cfg(d, d->impls[i],
							     dist, k, t, r);
						if (c &&
						    heat_cell(
							    h, d, c, ref, row,
							    col,
							    c == top &&
								    !c->oversub))
							return -1;
						col++;
					}
					row++;
				}
		}
	return 0;
}

int
plotheat_write(FILE *f, const void *arg)
{
	const struct heat *h = arg;

	fputs("dist\tkeys\tthreads\tread_pct\toversubscribed\timpl\treference"
	      "\trow\tcol\tn\tn_ref\tmedian\tref_median\tratio\tp\tstatus\tbest"
	      "\tfill\ttext\tfill_rgb\ttext_rgb\tlabel\n",
	      f);
	for (size_t i = 0; i < h->n; i++) {
		const struct hcell *e = &h->cell[i];
		const struct cfg *c = e->c;

		fprintf(f, "%s\t%lld\t%d\t%d\t%d\t%s\t%s\t%d\t%d\t%d\t%d\t",
			c->dist, c->keys, c->threads, c->read, c->oversub,
			c->impl, e->ref ? e->ref->impl : "NA", e->row, e->col,
			c->s[M_MOPS].n, e->ref ? e->ref->s[M_MOPS].n : 0);
		if (plotgp_have(c, M_MOPS))
			fprintf(f, "%.6g\t", c->s[M_MOPS].med);
		else
			fputs("NA\t", f);
		if (e->ref && plotgp_have(e->ref, M_MOPS))
			fprintf(f, "%.6g\t", e->ref->s[M_MOPS].med);
		else
			fputs("NA\t", f);
		if (isnan(e->ratio))
			fputs("NA\t", f);
		else
			fprintf(f, "%.6g\t", e->ratio);
		if (isnan(e->p))
			fputs("NA\t", f);
		else
			fprintf(f, "%.4g\t", e->p);
		fprintf(f, "%s\t%d\t#%06x\t#%06x\t%u\t%u\t%s\n", e->status,
			e->best, e->fill, e->text, e->fill, e->text, e->label);
	}
	return 0;
}

/* The heatmap of one dist and key count, drawn from heatmap.tsv. */
void
plotheat_figure(struct ctx *x, const struct plotdata *d, const struct heat *h,
		const char *dist, const char *tag, long long k,
		const char *baseline)
{
	struct sbuf v = {0}, xt = {0}, yt = {0};
	struct notes nt = {0, &v};
	int nrow = 0, ncol = 0, last_row = -1;
	size_t na = 0, nb = 0;
	bool small = false, ns = false, noref = false;
	char *name = NULL;

	if (asprintf(&name, "heatmap_%s_k%lld", tag, k) < 0)
		return;
	for (size_t i = 0; i < h->n; i++) {
		const struct hcell *e = &h->cell[i];
		const struct cfg *c = e->c;

		if (strcmp(c->dist, dist) || c->keys != k)
			continue;
		if (!strcmp(e->status, "small")) {
			small = true;
			na = (size_t)c->s[M_MOPS].n;
			nb = (size_t)e->ref->s[M_MOPS].n;
		}
		ns |= !strcmp(e->status, "ns");
		noref |= !e->ref;
		if (e->row != last_row) {
			last_row = e->row;
			nrow++;
			plotgp_add(&yt, yt.len ? ", " : "", yt.len ? 2 : 0);
			{
				char lab[96];

				snprintf(lab, sizeof(lab),
					 "\"%d thr, %d%%%% reads%s\" %d",
					 c->threads, c->read,
					 c->oversub ? " (oversub.)" : "",
					 e->row);
				plotgp_add(&yt, lab, strlen(lab));
			}
		}
	}
	if (!nrow) {
		plotgp_skip(x, name, "no throughput to compare");
		goto out;
	}
	for (size_t i = 0; i < d->n_impls; i++) {
		char lab[160];

		if (plotdata_is_null(d->impls[i]))
			continue;
		snprintf(lab, sizeof(lab), "%s\"%s\" %d", ncol ? ", " : "",
			 d->impls[i], ncol);
		plotgp_add(&xt, lab, strlen(lab));
		ncol++;
	}
	plotgp_set(&v, "heat", x->heat);
	plotgp_set(&v, "dist", dist);
	plotgp_setf(&v, "k", "%lld", k);
	plotgp_setf(&v, "nrow", "%d", nrow);
	plotgp_setf(&v, "ncol", "%d", ncol);
	plotgp_set(&v, "xt", xt.p ? xt.p : "");
	plotgp_set(&v, "yt", yt.p ? yt.p : "");
	if (!strcmp(baseline, "best"))
		plotgp_setf(
			&v, "htitle",
			"%s: who wins where, %lld keys, %s: median throughput "
			"relative to the fastest map of each row",
			x->run, k, dist);
	else
		plotgp_setf(
			&v, "htitle",
			"%s: who wins where, %lld keys, %s: median throughput "
			"relative to %s (the 'ref' cell: its Mops/s)",
			x->run, k, dist, baseline);
	if (small)
		plotgp_note(&nt,
			    "grey: n too small: with %zu vs %zu repetitions no "
			    "difference can reach p < %.2g (smallest p %.2g)",
			    na, nb, PLOT_ALPHA, stats_mw_min_p(na, nb));
	if (ns)
		plotgp_note(
			&nt,
			"grey: not significant (exact two-sided Mann-Whitney "
			"test of the repetitions, p >= %.2g)",
			PLOT_ALPHA);
	if (noref)
		plotgp_note(&nt, "-: no %s in that row to compare with",
			    baseline);
	plotgp_note(&nt, "framed: the fastest map of the row (controls and "
			 "oversubscribed rows are never framed)");
	plotgp_notes_end(&nt);
	plotgp_draw(x, "heatmap.gp", name, &v);
out:
	free(name);
	free(v.p);
	free(xt.p);
	free(yt.p);
}

/*
 * stats: medians, their confidence intervals, the Mann-Whitney U test,
 * ratios and geometric means (see stats.h).
 *
 * The exact U test counts, for the pooled samples' (mid)ranks, how many of
 * the C(N, na) ways of picking na of them give each rank sum.  Ranks are
 * doubled so midranks (k + 1/2) stay integers; the count table is indexed
 * by (items picked, doubled sum) and filled one pooled item at a time, the
 * 0/1-knapsack recursion.  Counts are doubles: C(60, 30) ~ 1.2e17 is past
 * 2^53, but only ratios of counts are used, so relative precision is all
 * that matters.  Midranks are symmetric under reversing the order, so the
 * rank-sum distribution is symmetric about its mean and the two-sided p is
 * twice the smaller tail.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int
cmp_double(const void *pa, const void *pb)
{
	double a = *(const double *)pa, b = *(const double *)pb;

	return (a > b) - (a < b);
}

void
stats_sort(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_double);
}

static double *
sorted_copy(const double *x, size_t n)
{
	double *s = malloc((n ? n : 1) * sizeof(*s));

	if (!s)
		return NULL;
	if (n)
		memcpy(s, x, n * sizeof(*s));
	stats_sort(s, n);
	return s;
}

double
stats_median_sorted(const double *s, size_t n)
{
	if (n == 0)
		return NAN;
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double
stats_median(const double *x, size_t n)
{
	double *s = sorted_copy(x, n), m;

	if (!s)
		return NAN;
	m = stats_median_sorted(s, n);
	free(s);
	return m;
}

static double
log_choose(double n, double k)
{
	return lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
}

/* P(Bin(n, 1/2) <= k) */
static double
binom_half_cdf(size_t n, size_t k)
{
	double sum = 0;

	for (size_t i = 0; i <= k && i <= n; i++)
		sum += exp(log_choose((double)n, (double)i) -
			   (double)n * M_LN2);
	return sum > 1 ? 1 : sum;
}

int
stats_summarize(const double *x, size_t n, double conf, struct stats_summary *s)
{
	double *v;
	size_t k;

	s->n = n;
	s->median = s->lo = s->hi = NAN;
	s->conf = 0;
	if (n == 0)
		return 0;
	v = sorted_copy(x, n);
	if (!v)
		return -1;
	s->median = stats_median_sorted(v, n);
	/*
	 * Coverage of [x(k), x(n+1-k)] (1-based) is 1 - 2 P(B <= k-1) and
	 * falls as k grows: take the largest k that still covers `conf`,
	 * or k = 1 ([min, max]) with the coverage it has.
	 */
	k = 1;
	while (k + 1 <= (n + 1) / 2 && 1 - 2 * binom_half_cdf(n, k) >= conf)
		k++;
	s->lo = v[k - 1];
	s->hi = v[n - k];
	s->conf = 1 - 2 * binom_half_cdf(n, k - 1);
	if (s->conf < 0)
		s->conf = 0;
	free(v);
	return 0;
}

/*
 * counts[S] for S = 0..*maxsum: the number of ways to pick `pick` of the
 * `n` scores (non-negative integers) with sum S.  NULL when out of memory.
 */
static double *
pick_sum_counts(const long *score, size_t n, size_t pick, long *maxsum)
{
	long total = 0;
	size_t w;
	double *c, *row;

	for (size_t i = 0; i < n; i++)
		total += score[i];
	w = (size_t)total + 1;
	c = calloc((pick + 1) * w, sizeof(*c));
	if (!c)
		return NULL;
	c[0] = 1;
	for (size_t i = 0; i < n; i++) {
		size_t top = i + 1 < pick ? i + 1 : pick;

		/* downwards so each item is picked at most once */
		for (size_t j = top; j >= 1; j--) {
			double *dst = c + j * w, *src = c + (j - 1) * w;

			for (long sum = total; sum >= score[i]; sum--)
				dst[sum] += src[sum - score[i]];
		}
	}
	row = malloc(w * sizeof(*row));
	if (row)
		memcpy(row, c + pick * w, w * sizeof(*row));
	free(c);
	*maxsum = total;
	return row;
}

struct tagged {
	double v;
	int from_a;
};

static int
cmp_tagged(const void *pa, const void *pb)
{
	return cmp_double(&((const struct tagged *)pa)->v,
			  &((const struct tagged *)pb)->v);
}

double
stats_mw_min_p(size_t na, size_t nb)
{
	double p;

	if (na == 0 || nb == 0)
		return NAN;
	p = 2 * exp(-log_choose((double)(na + nb), (double)na));
	return p > 1 ? 1 : p;
}

int
stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		   struct stats_test *t)
{
	size_t n = na + nb;
	struct tagged *all;
	long *score, w2 = 0;
	double tie_sum = 0;

	t->p = NAN;
	t->exact = false;
	t->ties = false;
	t->min_p = stats_mw_min_p(na, nb);
	if (na == 0 || nb == 0)
		return 0;
	all = malloc(n * sizeof(*all));
	score = malloc(n * sizeof(*score));
	if (!all || !score) {
		free(all);
		free(score);
		return -1;
	}
	for (size_t i = 0; i < na; i++)
		all[i] = (struct tagged){a[i], 1};
	for (size_t i = 0; i < nb; i++)
		all[na + i] = (struct tagged){b[i], 0};
	qsort(all, n, sizeof(*all), cmp_tagged);
	/* Doubled midranks: positions i..j-1 (0-based) share i + j + 1. */
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;

		while (j < n && all[j].v == all[i].v)
			j++;
		if (j - i > 1) {
			double tt = (double)(j - i);

			t->ties = true;
			tie_sum += tt * tt * tt - tt;
		}
		for (size_t k = i; k < j; k++) {
			score[k] = (long)(i + j + 1);
			if (all[k].from_a)
				w2 += score[k];
		}
		i = j;
	}
	if (n <= STATS_EXACT_MAX) {
		long maxsum;
		double *cnt = pick_sum_counts(score, n, na, &maxsum);
		double lo = 0, hi = 0, total = 0;

		if (!cnt) {
			free(all);
			free(score);
			return -1;
		}
		for (long s = 0; s <= maxsum; s++) {
			total += cnt[s];
			if (s <= w2)
				lo += cnt[s];
			if (s >= w2)
				hi += cnt[s];
		}
		t->p = 2 * (lo < hi ? lo : hi) / total;
		t->exact = true;
		free(cnt);
	} else {
		double u = (double)w2 / 2 - (double)na * (double)(na + 1) / 2;
		double mean = (double)na * (double)nb / 2;
		double var = (double)na * (double)nb / 12 *
			     ((double)(n + 1) -
			      tie_sum / ((double)n * (double)(n - 1)));
		double z;

		if (var <= 0) {
			t->p = 1;
		} else {
			z = (fabs(u - mean) - 0.5) / sqrt(var);
			t->p = z <= 0 ? 1 : erfc(z / M_SQRT2);
		}
	}
	if (t->p > 1)
		t->p = 1;
	free(all);
	free(score);
	return 0;
}

/* The z with P(|Z| <= z) = conf, by bisection on erfc. */
static double
z_two_sided(double conf)
{
	double lo = 0, hi = 40;

	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (erfc(mid / M_SQRT2) > 1 - conf)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

int
stats_ratio(const double *a, size_t na, const double *b, size_t nb, double conf,
	    struct stats_ratio *r)
{
	size_t m = na * nb, n = na + nb, k;
	double *q, ma, mb;

	r->ratio = r->lo = r->hi = NAN;
	r->conf = 0;
	if (na == 0 || nb == 0)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (!(a[i] > 0) || !isfinite(a[i]))
			return 0;
	for (size_t i = 0; i < nb; i++)
		if (!(b[i] > 0) || !isfinite(b[i]))
			return 0;
	ma = stats_median(a, na);
	mb = stats_median(b, nb);
	if (isnan(ma) || isnan(mb))
		return -1;
	r->ratio = mb / ma;
	q = malloc(m * sizeof(*q));
	if (!q)
		return -1;
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			q[i * nb + j] = b[j] / a[i];
	stats_sort(q, m);
	/*
	 * [q(k), q(m+1-k)] covers 1 - 2 P(U <= k-1), U the Mann-Whitney
	 * statistic without ties.  Take the largest k covering `conf`.
	 */
	if (n <= STATS_EXACT_MAX) {
		long *score = malloc(n * sizeof(*score)), maxsum;
		double *cnt, total = 0, cum = 0, base;

		if (!score) {
			free(q);
			return -1;
		}
		for (size_t i = 0; i < n; i++)
			score[i] = (long)i + 1;
		cnt = pick_sum_counts(score, n, na, &maxsum);
		free(score);
		if (!cnt) {
			free(q);
			return -1;
		}
		for (long s = 0; s <= maxsum; s++)
			total += cnt[s];
		/* rank sum W = U + na(na+1)/2 */
		base = (double)na * (double)(na + 1) / 2;
		k = 1;
		cum = cnt[(long)base] / total; /* P(U <= 0) */
		for (;;) {
			double next = cum + cnt[(long)base + (long)k] / total;

			if (k + 1 > (m + 1) / 2 || 1 - 2 * next < conf)
				break;
			cum = next;
			k++;
		}
		r->conf = 1 - 2 * cum;
		free(cnt);
	} else {
		double sd =
			sqrt((double)na * (double)nb * (double)(n + 1) / 12);
		double kk = floor((double)m / 2 - z_two_sided(conf) * sd);

		k = kk < 1 ? 1 : (size_t)kk;
		r->conf = conf;
	}
	if (r->conf < 0)
		r->conf = 0;
	r->lo = q[k - 1];
	r->hi = q[m - k];
	free(q);
	return 0;
}

double
stats_geomean(const double *x, size_t n)
{
	double s = 0;

	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		if (!(x[i] > 0) || !isfinite(x[i]))
			return NAN;
		s += log(x[i]);
	}
	return exp(s / (double)n);
}

double
stats_inner_spread(const double *x, size_t n)
{
	double *v, med, s;
	size_t t;

	if (n < 2)
		return NAN;
	v = sorted_copy(x, n);
	if (!v)
		return NAN;
	med = stats_median_sorted(v, n);
	t = n >= 4 ? 1 : 0;
	s = med > 0 ? (v[n - 1 - t] - v[t]) / med : NAN;
	free(v);
	return s;
}

/* splitmix64: a small, well-mixed generator for resampling. */
static uint64_t
boot_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* The median of n values drawn with replacement from x (into tmp). */
static double
resampled_median(const double *x, size_t n, double *tmp, uint64_t *rng)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = x[(size_t)(((unsigned __int128)boot_next(rng) * n) >>
				    64)];
	stats_sort(tmp, n);
	return stats_median_sorted(tmp, n);
}

int
stats_geo_ratio_boot(const double *const *a, const size_t *na,
		     const double *const *b, const size_t *nb, size_t m,
		     double conf, unsigned iters, uint64_t seed, double *lo,
		     double *hi)
{
	size_t most = 1;
	double *tmp, *g;
	uint64_t rng = seed;
	unsigned ok = 0;

	*lo = *hi = NAN;
	if (m == 0 || iters < 10)
		return 0;
	for (size_t i = 0; i < m; i++) {
		if (na[i] == 0 || nb[i] == 0)
			return 0;
		most = na[i] > most ? na[i] : most;
		most = nb[i] > most ? nb[i] : most;
	}
	tmp = malloc(most * sizeof(*tmp));
	g = malloc(iters * sizeof(*g));
	if (!tmp || !g) {
		free(tmp);
		free(g);
		return -1;
	}
	for (unsigned it = 0; it < iters; it++) {
		double s = 0;
		bool good = true;

		for (size_t i = 0; i < m && good; i++) {
			double ma = resampled_median(a[i], na[i], tmp, &rng);
			double mb = resampled_median(b[i], nb[i], tmp, &rng);

			good = ma > 0 && mb > 0;
			s += good ? log(mb / ma) : 0;
		}
		if (good)
			g[ok++] = exp(s / (double)m);
	}
	if (ok >= 10) {
		double tail = (1 - conf) / 2;
		size_t l = (size_t)floor(tail * (ok - 1) + 0.5);
		size_t h = (size_t)floor((1 - tail) * (ok - 1) + 0.5);

		qsort(g, ok, sizeof(*g), cmp_double);
		*lo = g[l];
		*hi = g[h];
	}
	free(tmp);
	free(g);
	return 0;
}

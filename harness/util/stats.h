/*
 * stats: the one statistics implementation of mapbench (compare, the
 * report page, bench/compare.sh).  Distribution-free throughout: a
 * benchmark's repetitions are few and rarely normal.
 *
 *   median and a confidence interval for it from order statistics;
 *   the two-sided Mann-Whitney U test (exact for small samples, with ties
 *   by their midranks; normal approximation with tie correction beyond);
 *   the ratio of two medians with the interval that inverts the U test;
 *   the geometric mean.
 *
 * Every function takes unsorted samples and leaves them untouched unless
 * it says otherwise.  NaN means "no value" (too few samples, a ratio to
 * zero); callers print it as such.
 */
#ifndef MAPBENCH_STATS_H
#define MAPBENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest n1 + n2 for which stats_mann_whitney() is exact. */
#define STATS_EXACT_MAX 60

struct stats_summary {
	size_t n;
	double median;
	double lo, hi; /* confidence interval for the median */
	double conf;   /* its confidence: the one asked for, or less when n is
			  too small to reach it (then [lo, hi] = [min, max]) */
};

struct stats_test {
	double p;     /* two-sided p-value; NaN when a side has no sample */
	bool exact;   /* exact permutation distribution (else normal approx.) */
	bool ties;    /* the pooled samples had ties */
	double min_p; /* smallest p these sample sizes can give (no ties) */
};

struct stats_ratio {
	double ratio;  /* median(b) / median(a) */
	double lo, hi; /* interval for b/a from the pairwise ratios */
	double conf;   /* its confidence (less than asked when n is small) */
};

/* Sort x[0..n) ascending in place. */
void stats_sort(double *x, size_t n);

/* The median of x[0..n); NaN when n == 0. */
double stats_median(const double *x, size_t n);
/* The same of s[0..n) already sorted ascending (nothing copied). */
double stats_median_sorted(const double *s, size_t n);

/*
 * Median and a distribution-free confidence interval for it: the
 * narrowest [x(k), x(n+1-k)] whose coverage 1 - 2 P(Bin(n, 1/2) < k) is at
 * least `conf`.  When even [min, max] covers less, s->conf says how much
 * it covers (n = 5: 0.9375, n = 3: 0.75).  Returns -1 when out of memory.
 */
int stats_summarize(const double *x, size_t n, double conf,
		    struct stats_summary *s);

/*
 * Two-sided Mann-Whitney U (Wilcoxon rank-sum) test of a against b.
 * Ties get midranks; the exact null distribution is then that of the
 * midrank sum (conditional on the ties), so ties never make the test
 * anticonservative.  Exact when na + nb <= STATS_EXACT_MAX, else normal
 * approximation with tie and continuity corrections.  Returns -1 when out
 * of memory.
 */
int stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		       struct stats_test *t);

/*
 * The smallest two-sided p the exact test can give for sizes na, nb:
 * 2 / C(na + nb, na) (3 vs 3: 0.1, 5 vs 5: 0.0079).
 */
double stats_mw_min_p(size_t na, size_t nb);

/*
 * The ratio of medians median(b) / median(a) and an interval for the
 * ratio b/a: order statistics k and M+1-k of the M = na * nb pairwise
 * ratios b_j / a_i, with k from the U distribution (the interval that
 * inverts the Mann-Whitney test on log values).  All samples must be
 * positive, else everything is NaN.  Returns -1 when out of memory.
 */
int stats_ratio(const double *a, size_t na, const double *b, size_t nb,
		double conf, struct stats_ratio *r);

/* exp(mean(log x)); NaN when n == 0 or any x <= 0. */
double stats_geomean(const double *x, size_t n);

/*
 * How badly repetitions disagree: the range of the inner values (the
 * second smallest to the second largest when n >= 4, else the whole
 * range) over the median.  One outlier, which the median absorbs, does
 * not count; two modes do.  NaN when n < 2 or the median is not positive.
 */
double stats_inner_spread(const double *x, size_t n);

/*
 * A bootstrap interval (percentile method, `iters` resamples from `seed`)
 * for the geometric mean over m configurations of median(b[i]) /
 * median(a[i]): each resample draws every configuration's samples with
 * replacement.  *lo and *hi are NaN when a side has no sample or the
 * medians are not positive.  Returns -1 when out of memory.
 */
int stats_geo_ratio_boot(const double *const *a, const size_t *na,
			 const double *const *b, const size_t *nb, size_t m,
			 double conf, unsigned iters, uint64_t seed, double *lo,
			 double *hi);

#endif /* MAPBENCH_STATS_H */

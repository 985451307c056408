/*
 * stats.c against values from tables and by hand: Mann-Whitney exact
 * p-values (no ties and with ties), the normal approximation, the median's
 * order-statistic interval, the ratio interval, the geometric mean.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "stats.h"

#define NEAR(a, b, eps)                                                        \
	do {                                                                   \
		double _a = (a), _b = (b);                                     \
		if (!(fabs(_a - _b) <= (eps)))                                 \
			fail_msg("%s = %.9g, want %.9g", #a, _a, _b);          \
	} while (0)

static double
mw(const double *a, size_t na, const double *b, size_t nb)
{
	struct stats_test t;

	assert_int_equal(stats_mann_whitney(a, na, b, nb, &t), 0);
	return t.p;
}

static void
test_median(void **state)
{
	double odd[] = {3, 1, 2}, even[] = {4, 1, 3, 2};

	(void)state;
	NEAR(stats_median(odd, 3), 2, 0);
	NEAR(stats_median(even, 4), 2.5, 0);
	assert_true(isnan(stats_median(odd, 0)));
	/* the input is left as it was */
	NEAR(odd[0], 3, 0);
}

static void
test_mw_exact_no_ties(void **state)
{
	double lo5[] = {1, 2, 3, 4, 5}, hi5[] = {6, 7, 8, 9, 10};
	double a[] = {1, 2, 3, 4, 6}, b[] = {5, 7, 8, 9, 10};
	double c[] = {1, 2, 3, 4, 7}, d[] = {5, 6, 8, 9, 10};
	double e[] = {1, 3, 5, 7, 9}, f[] = {2, 4, 6, 8, 10};
	double lo3[] = {1, 2, 3}, hi3[] = {4, 5, 6};
	double lo4[] = {1, 2, 3, 4}, hi6[] = {5, 6, 7, 8, 9, 10};
	struct stats_test t;

	(void)state;
	/* 5 vs 5 fully separated: 2 / C(10,5) = 2/252 = 0.00794 */
	NEAR(mw(lo5, 5, hi5, 5), 2.0 / 252, 1e-12);
	NEAR(mw(hi5, 5, lo5, 5), 2.0 / 252, 1e-12);
	/* U = 1: P(U <= 1) = 2/252, two-sided 4/252 (tables: 0.0159) */
	NEAR(mw(a, 5, b, 5), 4.0 / 252, 1e-12);
	/* U = 2: P(U <= 2) = 4/252, two-sided 0.0317 */
	NEAR(mw(c, 5, d, 5), 8.0 / 252, 1e-12);
	/* interleaved: U = 10, P(U <= 10) = 0.3452, two-sided 0.6905 */
	NEAR(mw(e, 5, f, 5), 0.6904762, 1e-6);
	/* 3 vs 3 can never get below 0.1 */
	NEAR(mw(lo3, 3, hi3, 3), 0.1, 1e-12);
	NEAR(stats_mw_min_p(3, 3), 0.1, 1e-12);
	NEAR(stats_mw_min_p(5, 5), 2.0 / 252, 1e-12);
	assert_int_equal(stats_mann_whitney(lo3, 3, hi3, 3, &t), 0);
	assert_true(t.exact);
	assert_false(t.ties);
	/* 4 vs 6 separated: 2 / C(10,4) = 2/210 */
	NEAR(mw(lo4, 4, hi6, 6), 2.0 / 210, 1e-12);
}

static void
test_mw_ties(void **state)
{
	/*
	 * a = {1,2,2}, b = {2,3,3}: midranks 1, 3,3,3, 5.5,5.5; rank sum
	 * of a = 7.  Of the C(6,3) = 20 triples, those with sum <= 7 are
	 * {1,3,3} x 3: 3/20; two-sided 0.3.
	 */
	double a[] = {1, 2, 2}, b[] = {2, 3, 3};
	double same[] = {5, 5, 5, 5};
	double x[] = {1, 1, 2, 2, 3}, y[] = {3, 4, 4, 5, 5};
	struct stats_test t;

	(void)state;
	assert_int_equal(stats_mann_whitney(a, 3, b, 3, &t), 0);
	assert_true(t.ties);
	assert_true(t.exact);
	NEAR(t.p, 0.3, 1e-12);
	/* all equal: no evidence at all */
	NEAR(mw(same, 2, same + 2, 2), 1, 1e-12);
	/*
	 * x vs y: pooled 1,1,2,2,3,3,4,4,5,5 -> midranks 1.5,1.5,3.5,3.5,
	 * 5.5 | 5.5,7.5,7.5,9.5,9.5; W(x) = 15.5, the smallest possible,
	 * reached by 2 of the 252 subsets ({1.5,1.5,3.5,3.5,5.5} with either
	 * 5.5): P(W <= 15.5) = 2/252, two-sided 4/252.
	 */
	NEAR(mw(x, 5, y, 5), 4.0 / 252, 1e-12);
}

static void
test_mw_normal(void **state)
{
	/* 40 vs 40 separated: far beyond the exact limit, p tiny */
	double a[40], b[40], c[40];
	struct stats_test t;

	(void)state;
	for (int i = 0; i < 40; i++) {
		a[i] = i;
		b[i] = 100 + i;
		c[i] = i + 0.5; /* interleaved with a */
	}
	assert_int_equal(stats_mann_whitney(a, 40, b, 40, &t), 0);
	assert_false(t.exact);
	assert_true(t.p < 1e-10);
	/*
	 * a vs c: U(a) = 780 of 1600, mean 800, sd sqrt(40*40*81/12) =
	 * 103.92; z = (20 - 0.5) / 103.92 = 0.18764, p = erfc(z/sqrt 2) =
	 * 0.851160.
	 */
	assert_int_equal(stats_mann_whitney(a, 40, c, 40, &t), 0);
	NEAR(t.p, 0.851160, 1e-6);
}

static void
test_median_ci(void **state)
{
	double x5[] = {5, 1, 4, 2, 3};
	double x10[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
	double x3[] = {3, 1, 2};
	double one[] = {7};
	struct stats_summary s;

	(void)state;
	/* n = 5: [min, max] is the best, coverage 1 - 2/32 = 0.9375 */
	assert_int_equal(stats_summarize(x5, 5, 0.95, &s), 0);
	NEAR(s.median, 3, 0);
	NEAR(s.lo, 1, 0);
	NEAR(s.hi, 5, 0);
	NEAR(s.conf, 0.9375, 1e-12);
	/* n = 3: coverage 0.75 */
	assert_int_equal(stats_summarize(x3, 3, 0.95, &s), 0);
	NEAR(s.conf, 0.75, 1e-12);
	/*
	 * n = 10: [x(2), x(9)] covers 1 - 2*11/1024 = 0.9785; [x(3), x(8)]
	 * only 0.8906, so k = 2.
	 */
	assert_int_equal(stats_summarize(x10, 10, 0.95, &s), 0);
	NEAR(s.median, 5.5, 0);
	NEAR(s.lo, 2, 0);
	NEAR(s.hi, 9, 0);
	NEAR(s.conf, 1 - 2 * 11.0 / 1024, 1e-12);
	assert_int_equal(stats_summarize(one, 1, 0.95, &s), 0);
	NEAR(s.lo, 7, 0);
	NEAR(s.hi, 7, 0);
	NEAR(s.conf, 0, 0);
}

static void
test_ratio(void **state)
{
	double a[] = {100, 101, 99, 100.5, 99.5};
	double b[] = {120, 121, 119, 120.5, 119.5};
	double z[] = {0, 1, 2};
	struct stats_ratio r;

	(void)state;
	assert_int_equal(stats_ratio(a, 5, b, 5, 0.95, &r), 0);
	NEAR(r.ratio, 1.2, 1e-12);
	assert_true(r.lo > 1.15 && r.lo < 1.2);
	assert_true(r.hi > 1.2 && r.hi < 1.25);
	/*
	 * 5 vs 5 at 95%: P(U <= 2) = 4/252 <= 0.025 < P(U <= 3) = 7/252,
	 * so k = 3: the 3rd smallest and 3rd largest of the 25 ratios,
	 * covering 1 - 8/252.
	 */
	NEAR(r.conf, 1 - 8.0 / 252, 1e-12);
	NEAR(r.lo, 119 / 100.5, 1e-12);
	NEAR(r.hi, 121 / 99.5, 1e-12);
	/* a zero makes the ratio meaningless */
	assert_int_equal(stats_ratio(z, 3, b, 5, 0.95, &r), 0);
	assert_true(isnan(r.ratio));
}

static void
test_geomean(void **state)
{
	double x[] = {1, 4, 16}, y[] = {2, -1};

	(void)state;
	NEAR(stats_geomean(x, 3), 4, 1e-12);
	assert_true(isnan(stats_geomean(y, 2)));
	assert_true(isnan(stats_geomean(x, 0)));
}

/* Deterministic normal deviates (splitmix64 + Box-Muller). */
static uint64_t rng_state = 12345;

static double
unif(void)
{
	uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double
gauss(void)
{
	return sqrt(-2 * log(unif())) * cos(2 * M_PI * unif());
}

/* n throughputs around `median`, lognormal with a coefficient `cv`. */
static void
draw(double *x, size_t n, double median, double cv)
{
	for (size_t i = 0; i < n; i++)
		x[i] = median * exp(cv * gauss());
}

/*
 * What compare can conclude from the default sweep's 5 repetitions a
 * side: the false-positive rate at alpha 0.05 (A/A, the same
 * distribution) stays at or under alpha, and a 10% shift is detected in
 * most configurations when repetitions scatter by 3%, the tight rows of a
 * quiet machine.
 */
static void
test_aa_and_power(void **state)
{
	enum { TRIALS = 4000, N = 5 };
	double a[N], b[N];
	unsigned fp = 0, hit = 0, hit5 = 0;
	struct stats_test t;

	(void)state;
	for (int i = 0; i < TRIALS; i++) {
		draw(a, N, 10, 0.03);
		draw(b, N, 10, 0.03);
		assert_int_equal(stats_mann_whitney(a, N, b, N, &t), 0);
		fp += t.p < 0.05;
		draw(b, N, 9, 0.03);
		assert_int_equal(stats_mann_whitney(a, N, b, N, &t), 0);
		hit += t.p < 0.05;
		draw(b, N, 9, 0.05);
		draw(a, N, 10, 0.05);
		assert_int_equal(stats_mann_whitney(a, N, b, N, &t), 0);
		hit5 += t.p < 0.05;
	}
	print_message("5 vs 5, alpha 0.05: A/A %.3f, -10%% at cv 3%% %.3f, "
		      "at cv 5%% %.3f\n",
		      (double)fp / TRIALS, (double)hit / TRIALS,
		      (double)hit5 / TRIALS);
	/* 5 vs 5: the exact test's attainable level under 0.05 is 0.032 */
	if (fp > TRIALS * 0.045)
		fail_msg("A/A: %u of %d called different", fp, TRIALS);
	if (fp < TRIALS * 0.015)
		fail_msg("A/A: only %u of %d: the test is not at its level", fp,
			 TRIALS);
	if (hit < TRIALS * 0.95)
		fail_msg("10%% shift, cv 3%%: detected %u of %d", hit, TRIALS);
	if (hit5 < TRIALS * 0.70)
		fail_msg("10%% shift, cv 5%%: detected %u of %d", hit5, TRIALS);
}

/*
 * The geometric mean's bootstrap interval: over A/A grids it excludes 1
 * rarely, and a uniform 10% shift is excluded from it almost always.
 */
static void
test_geo_boot(void **state)
{
	enum { GRIDS = 200, M = 20, N = 5 };
	double xa[M][N], xb[M][N], lo, hi;
	const double *pa[M], *pb[M];
	size_t na[M], nb[M];
	unsigned aa_sig = 0, shift_sig = 0;

	(void)state;
	for (int m = 0; m < M; m++) {
		pa[m] = xa[m];
		pb[m] = xb[m];
		na[m] = nb[m] = N;
	}
	for (int g = 0; g < GRIDS; g++) {
		for (int m = 0; m < M; m++) {
			double med = 1 + m;

			draw(xa[m], N, med, 0.05);
			draw(xb[m], N, med, 0.05);
		}
		assert_int_equal(stats_geo_ratio_boot(pa, na, pb, nb, M, 0.95,
						      500, (uint64_t)g, &lo,
						      &hi),
				 0);
		assert_true(lo <= hi);
		aa_sig += lo > 1 || hi < 1;
		for (int m = 0; m < M; m++)
			for (int k = 0; k < N; k++)
				xb[m][k] *= 0.9;
		assert_int_equal(stats_geo_ratio_boot(pa, na, pb, nb, M, 0.95,
						      500, (uint64_t)g, &lo,
						      &hi),
				 0);
		shift_sig += hi < 1;
	}
	print_message("geomean of 20, cv 5%%: A/A interval excludes 1 in "
		      "%.3f, -10%% found in %.3f\n",
		      (double)aa_sig / GRIDS, (double)shift_sig / GRIDS);
	if (aa_sig > GRIDS * 0.10)
		fail_msg("geomean A/A: %u of %d intervals exclude 1", aa_sig,
			 GRIDS);
	if (shift_sig < GRIDS * 0.95)
		fail_msg("geomean -10%%: only %u of %d intervals below 1",
			 shift_sig, GRIDS);
}

static void
test_inner_spread(void **state)
{
	double one_off[] = {6.85, 6.87, 17.97, 6.86, 6.9};
	double two_modes[] = {10, 10, 10, 20, 20};
	double three[] = {0.36, 0.89, 4.24};

	(void)state;
	/* one outlier in five: the median absorbs it, not unstable */
	NEAR(stats_inner_spread(one_off, 5), (6.9 - 6.86) / 6.87, 1e-9);
	NEAR(stats_inner_spread(two_modes, 5), 1.0, 1e-12);
	NEAR(stats_inner_spread(three, 3), (4.24 - 0.36) / 0.89, 1e-9);
	assert_true(isnan(stats_inner_spread(three, 1)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aa_and_power),
		cmocka_unit_test(test_geo_boot),
		cmocka_unit_test(test_inner_spread),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_mw_exact_no_ties),
		cmocka_unit_test(test_mw_ties),
		cmocka_unit_test(test_mw_normal),
		cmocka_unit_test(test_median_ci),
		cmocka_unit_test(test_ratio),
		cmocka_unit_test(test_geomean),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

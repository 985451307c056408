/*
 * The key samplers draw what they claim.
 *
 * Zipf: the alias-table sampler is checked against the exact law
 * p(rank i) = i^-theta / H(n, theta) with a chi-square test (ranks binned
 * so that every bin expects at least 50 draws), a fixed seed and enough
 * draws that the bias of the generator mapbench used before (Gray et al.'s
 * approximation, which over-weights rank 3 by 17%) is rejected by the same
 * test: the negative control below runs that generator through the same
 * check and requires it to fail, so the test is known to have the power
 * to see a defect of that size.  Geometric gaps: mean and variance.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sampler.h"

/* The old generator (Gray et al. 1994), kept here as a negative control. */
struct gray {
	uint64_t n;
	double theta, alpha, zetan, eta, half_pow_theta;
};

static void
gray_init(struct gray *g, uint64_t n, double theta)
{
	double zeta2 = 1 + pow(0.5, theta);

	g->n = n;
	g->theta = theta;
	g->zetan = 0;
	for (uint64_t i = 1; i <= n; i++)
		g->zetan += pow((double)i, -theta);
	g->alpha = 1 / (1 - theta);
	g->eta = (1 - pow(2.0 / (double)n, 1 - theta)) / (1 - zeta2 / g->zetan);
	g->half_pow_theta = pow(0.5, theta);
}

static uint64_t
gray_rank(const struct gray *g, uint64_t r)
{
	double u = (double)(r >> 11) * 0x1p-53, uz = u * g->zetan;
	uint64_t rank;

	if (uz < 1)
		rank = 0;
	else if (uz < 1 + g->half_pow_theta)
		rank = 1;
	else
		rank = (uint64_t)((double)g->n *
				  pow(g->eta * u - g->eta + 1, g->alpha));
	return rank >= g->n ? g->n - 1 : rank;
}

/* The chi-square statistic's 1e-6 upper quantile (Wilson-Hilferty). */
static double
chi2_crit(double df)
{
	double a = 2 / (9 * df), z = 4.753;

	return df * pow(1 - a + z * sqrt(a), 3);
}

/*
 * Chi-square of rank counts against the exact Zipf law; bins of adjacent
 * ranks expecting >= 50 each.  Returns stat / critical value (< 1: pass).
 */
static double
zipf_chi2_ratio(const uint64_t *count, uint64_t n, double theta, uint64_t draws,
		double *tv)
{
	double h = 0, stat = 0, e = 0, o = 0, dist = 0;
	unsigned bins = 0;

	for (uint64_t i = n; i >= 1; i--)
		h += pow((double)i, -theta);
	for (uint64_t r = 0; r < n; r++) {
		double p = pow((double)(r + 1), -theta) / h;

		dist += fabs((double)count[r] / (double)draws - p);
		e += p * (double)draws;
		o += (double)count[r];
		if (e >= 50 || r == n - 1) {
			stat += (o - e) * (o - e) / e;
			bins++;
			e = o = 0;
		}
	}
	*tv = dist / 2;
	return stat / chi2_crit(bins - 1);
}

static void
check_alias(uint64_t n, double theta, uint64_t draws)
{
	struct zipf z;
	uint64_t *count = calloc(n, sizeof(*count));
	uint64_t *rank_of = malloc(n * sizeof(*rank_of));
	uint64_t s = 42;
	double ratio, tv;

	assert_non_null(count);
	assert_non_null(rank_of);
	assert_int_equal(zipf_init(&z, n, theta), 0);
	for (uint64_t r = 0; r < n; r++)
		rank_of[zipf_rank_key(&z, r)] = r;
	for (uint64_t i = 0; i < draws; i++) {
		uint64_t key = zipf_next(&z, rng_next(&s));

		assert_true(key < n);
		count[rank_of[key]]++;
	}
	ratio = zipf_chi2_ratio(count, n, theta, draws, &tv);
	print_message("alias n=%llu theta=%g: chi2/crit %.3f, TV %.5f\n",
		      (unsigned long long)n, theta, ratio, tv);
	assert_true(ratio < 1);
	zipf_free(&z);
	free(count);
	free(rank_of);
}

static void
test_alias_exact(void **state)
{
	(void)state;
	check_alias(1000, 0.99, 10000000);
	check_alias(100000, 0.99, 10000000);
	check_alias(1000, 0.5, 5000000);
	check_alias(7, 0.9, 1000000);
}

static void
test_alias_one_key(void **state)
{
	struct zipf z;
	uint64_t s = 1;

	(void)state;
	assert_int_equal(zipf_init(&z, 1, 0.99), 0);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(zipf_next(&z, rng_next(&s)), 0);
	zipf_free(&z);
}

/* The same check rejects the old generator: the test has the power. */
static void
test_gray_rejected(void **state)
{
	uint64_t n = 1000, draws = 10000000, s = 42, *count;
	struct gray g;
	double ratio, tv;

	(void)state;
	count = calloc(n, sizeof(*count));
	assert_non_null(count);
	gray_init(&g, n, 0.99);
	for (uint64_t i = 0; i < draws; i++)
		count[gray_rank(&g, rng_next(&s))]++;
	ratio = zipf_chi2_ratio(count, n, 0.99, draws, &tv);
	print_message("gray n=1000 theta=0.99: chi2/crit %.3f, TV %.5f\n",
		      ratio, tv);
	assert_true(ratio > 1);
	free(count);
}

static void
test_scramble_bijective(void **state)
{
	struct zipf z;
	uint64_t n = 1024;
	unsigned char *seen = calloc(n, 1);

	(void)state;
	assert_int_equal(zipf_init(&z, n, 0.99), 0);
	for (uint64_t r = 0; r < n; r++) {
		uint64_t k = zipf_rank_key(&z, r);

		assert_true(k < n);
		assert_false(seen[k]);
		seen[k] = 1;
	}
	/* The hottest key is not key 0: hot keys are spread. */
	assert_true(zipf_rank_key(&z, 1) != 1);
	zipf_free(&z);
	free(seen);
	assert_int_equal(zipf_init(&z, 0, 0.99), -1);
}

static void
test_geometric(void **state)
{
	uint64_t s = 7, n = 200000;
	double mean = 1000, sum = 0, sq = 0, m, var;

	(void)state;
	for (uint64_t i = 0; i < n; i++) {
		double g = (double)geometric_gap(&s, mean);

		assert_true(g >= 1);
		sum += g;
		sq += g * g;
	}
	m = sum / (double)n;
	var = sq / (double)n - m * m;
	/* Geometric on {1, 2, ...}: mean N, variance N^2 - N. */
	assert_true(fabs(m - mean) < 0.02 * mean);
	assert_true(fabs(var - (mean * mean - mean)) < 0.05 * mean * mean);
	assert_int_equal(geometric_gap(&s, 1), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias_exact),
		cmocka_unit_test(test_alias_one_key),
		cmocka_unit_test(test_gray_rejected),
		cmocka_unit_test(test_scramble_bijective),
		cmocka_unit_test(test_geometric),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

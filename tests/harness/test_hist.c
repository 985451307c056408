/*
 * The latency histogram's percentiles (harness/measure/hist.c): nearest rank,
 * interpolated inside a bucket wider than the clock's step, the bucket's
 * midpoint where the clock cannot tell values apart, never above max.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hist.h"

static struct hist h;

/* 160 samples spread evenly over one 16-wide bucket, [1024, 1040). */
static void
fill_one_bucket(void)
{
	memset(&h, 0, sizeof(h));
	for (uint64_t v = 1024; v < 1040; v++)
		for (int i = 0; i < 10; i++)
			hist_record_at(&h, v, v);
	assert_int_equal(hist_bucket(1024), hist_bucket(1039));
	assert_int_not_equal(hist_bucket(1023), hist_bucket(1024));
}

static void
interpolates_in_resolved_buckets(void **state)
{
	(void)state;
	fill_one_bucket();
	/* rank 16 of 160: the 17th sample, 1025 (exact: 1024 + 16/10) */
	assert_true(hist_quantile(&h, 0.10, 1) > 1024.5);
	assert_true(hist_quantile(&h, 0.10, 1) < 1026.5);
	/* rank 80: 1032 */
	assert_true(hist_quantile(&h, 0.50, 1) > 1031.5);
	assert_true(hist_quantile(&h, 0.50, 1) < 1033.0);
	/* rank 158: under max (1039) */
	assert_true(hist_quantile(&h, 0.99, 1) <= 1039.0);
	assert_true(hist_quantile(&h, 0.99, 1) > 1037.5);
}

static void
midpoint_where_the_clock_cannot_resolve(void **state)
{
	(void)state;
	fill_one_bucket();
	/* A clock step of 30 units: the bucket (16) is finer than the clock. */
	assert_true(hist_quantile(&h, 0.10, 30) == 1031.5);
	assert_true(hist_quantile(&h, 0.90, 30) == 1031.5);
}

static void
exact_values_and_max(void **state)
{
	(void)state;
	memset(&h, 0, sizeof(h));
	for (uint64_t v = 1; v <= 50; v++)
		hist_record_at(&h, v, 1000 + v);
	/* below 2^HIST_SUB every value has its own bucket */
	assert_true(hist_quantile(&h, 0.50, 1) == 26.0);
	assert_true(hist_quantile(&h, 1.0, 1) == 50.0);
	assert_int_equal(h.max, 50);
	assert_int_equal(h.max_at, 1050);
	/* a merge keeps the larger max and its stamp */
	{
		struct hist g;

		memset(&g, 0, sizeof(g));
		hist_record_at(&g, 7000, 42);
		hist_merge(&g, &h);
		assert_int_equal(g.max, 7000);
		assert_int_equal(g.max_at, 42);
		hist_merge(&h, &g);
		assert_int_equal(h.max_at, 42);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(interpolates_in_resolved_buckets),
		cmocka_unit_test(midpoint_where_the_clock_cannot_resolve),
		cmocka_unit_test(exact_values_and_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

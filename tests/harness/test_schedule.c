/*
 * The sweep's schedule (harness/sweep/schedule.c), driven with made-up results:
 * base repetitions in time strata with the repetition numbers permuted
 * per configuration, interfered rows run again up to their attempts,
 * precision rounds only where the interval is wide and only up to the
 * maximum, a resumed schedule that runs only what is missing.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "map.h"
#include "schedule.h"

#define NCFG 6

static struct config grid[NCFG];

static void
make_grid(size_t n)
{
	const struct map_ops *ops = map_find("null");

	assert_non_null(ops);
	memset(grid, 0, sizeof(grid));
	for (size_t i = 0; i < n; i++) {
		grid[i].ops = ops;
		grid[i].impl.ops = ops;
		snprintf(grid[i].impl.name, sizeof(grid[i].impl.name), "null");
		grid[i].threads = (unsigned)i + 1;
		grid[i].read_pct = 100;
		mix_from_read(&grid[i].mix, 100);
		grid[i].keys = 1000;
	}
}

static struct sched *
new_sched(size_t n, unsigned min, unsigned max, double precision)
{
	struct sched_opts o = {
		.min_rep = min,
		.max_rep = max,
		.max_attempts = 3,
		.precision = precision,
		.seed = 42,
	};

	make_grid(n);
	return sched_new(grid, n, &o);
}

/* Every configuration once per stratum; its reps a permutation. */
static void
test_base_strata(void **state)
{
	struct sched *s = new_sched(NCFG, 5, 5, 0);
	struct config row;
	size_t cfg, k = 0;
	unsigned rep_at[5][NCFG];
	uint64_t seed_of[6] = {0};
	bool all_same = true;

	(void)state;
	memset(rep_at, 0, sizeof(rep_at));
	while (sched_next(s, &row, &cfg)) {
		size_t stratum = k / NCFG;

		assert_true(k < 5 * NCFG);
		assert_true(cfg < NCFG);
		assert_int_equal(rep_at[stratum][cfg], 0); /* once a stratum */
		assert_int_equal(row.attempt, 1);
		rep_at[stratum][cfg] = row.rep;
		/* common random numbers: one seed per repetition number */
		if (seed_of[row.rep])
			assert_true(seed_of[row.rep] == row.seed);
		seed_of[row.rep] = row.seed;
		sched_record(s, cfg, row.rep, row.attempt, "ok", 1.0);
		k++;
	}
	assert_int_equal(k, 5 * NCFG);
	for (size_t c = 0; c < NCFG; c++) {
		unsigned seen = 0;

		for (int st = 0; st < 5; st++)
			seen |= 1u << rep_at[st][c];
		assert_int_equal(seen, 0x3e); /* reps 1..5, each once */
	}
	/* not "repetition 1 of everything" in the first stratum */
	for (size_t c = 1; c < NCFG; c++)
		all_same &= rep_at[0][c] == rep_at[0][0];
	assert_false(all_same);
	sched_free(s);
}

/* An interfered row runs again after its round, up to 3 attempts. */
static void
test_interfered_again(void **state)
{
	struct sched *s = new_sched(2, 2, 2, 0);
	struct config row;
	size_t cfg, rows = 0, again = 0;
	struct sched_report r;

	(void)state;
	while (sched_next(s, &row, &cfg)) {
		bool bad = cfg == 0 && row.rep == 1;

		rows++;
		if (row.attempt > 1) {
			assert_int_equal(cfg, 0);
			assert_int_equal(row.rep, 1);
			assert_int_equal(row.attempt, 1 + ++again);
			assert_true(row.seed == config_rep_seed(42, 1));
		}
		sched_record(s, cfg, row.rep, row.attempt,
			     bad ? "interfered" : "ok", 1.0);
	}
	assert_int_equal(again, 2); /* attempts 2 and 3 */
	assert_int_equal(rows, 4 + 2);
	sched_report(s, &r);
	assert_int_equal(r.remeasured, 1);
	assert_int_equal(r.gave_up, 1);
	assert_int_equal(r.rows_ok, 3);
	sched_free(s);
}

/* A re-measured row that comes out ok ends the retries. */
static void
test_interfered_then_ok(void **state)
{
	struct sched *s = new_sched(1, 3, 3, 0);
	struct config row;
	size_t cfg, rows = 0;
	struct sched_report r;

	(void)state;
	while (sched_next(s, &row, &cfg)) {
		rows++;
		sched_record(s, cfg, row.rep, row.attempt,
			     row.rep == 2 && row.attempt == 1 ? "interfered"
							      : "ok",
			     1.0);
	}
	assert_int_equal(rows, 4);
	sched_report(s, &r);
	assert_int_equal(r.remeasured, 1);
	assert_int_equal(r.gave_up, 0);
	assert_int_equal(r.rows_ok, 3);
	sched_free(s);
}

/* Only the wide configuration gets more repetitions, up to the max. */
static void
test_precision_rounds(void **state)
{
	struct sched *s = new_sched(2, 5, 8, 0.05);
	struct config row;
	size_t cfg, n[2] = {0, 0};
	struct sched_report r;

	(void)state;
	while (sched_next(s, &row, &cfg)) {
		double v = cfg == 0 ? 100 + (double)row.rep * 0.1
				    : (row.rep % 2 ? 50 : 150);

		assert_true(row.rep <= 8);
		n[cfg]++;
		sched_record(s, cfg, row.rep, row.attempt, "ok", v);
	}
	assert_int_equal(n[0], 5); /* within +-5% at 5 */
	assert_int_equal(n[1], 8); /* never within: up to --max-repeat */
	sched_report(s, &r);
	assert_int_equal(r.precise, 1);
	assert_int_equal(r.at_max, 1);
	assert_int_equal(r.most_reps, 8);
	assert_int_equal(r.fewest_reps, 5);
	sched_free(s);
}

/* A configuration stops as soon as its interval is within the target. */
static void
test_precision_stops(void **state)
{
	struct sched *s = new_sched(1, 4, 10, 0.10);
	struct config row;
	size_t cfg, n = 0;
	/* one low and one high value, then tight ones */
	static const double v[] = {70,	100, 100, 130, 100,
				   100, 100, 100, 100, 100};

	(void)state;
	while (sched_next(s, &row, &cfg)) {
		assert_true(n < 10);
		sched_record(s, cfg, row.rep, row.attempt, "ok", v[n++]);
	}
	/*
	 * Up to n = 8 the 95% interval is [min, max] = [70, 130]; at n = 9
	 * it is [x(2), x(8)] (coverage 96.1%) = [100, 100]: stop there.
	 */
	assert_int_equal(n, 9);
	sched_free(s);
}

/* A failed row: no precision rounds for that configuration. */
static void
test_failed_no_rounds(void **state)
{
	struct sched *s = new_sched(1, 3, 9, 0.01);
	struct config row;
	size_t cfg, n = 0;

	(void)state;
	while (sched_next(s, &row, &cfg)) {
		n++;
		sched_record(s, cfg, row.rep, row.attempt,
			     row.rep == 1 ? "crashed:SIGSEGV" : "ok",
			     row.rep == 2 ? 1 : 2);
	}
	assert_int_equal(n, 3);
	sched_free(s);
}

/* Rows read back (resume) are not run again; only the missing ones. */
static void
test_resume(void **state)
{
	struct sched *s = new_sched(2, 5, 5, 0);
	struct config row;
	size_t cfg, n = 0;

	(void)state;
	for (unsigned r = 1; r <= 5; r++)
		sched_record(s, 0, r, 1, "ok", 1);
	sched_record(s, 1, 1, 1, "ok", 1);
	sched_record(s, 1, 4, 1, "interfered", 1);
	sched_record(s, 1, 4, 2, "ok", 1);
	sched_record(s, 1, 5, 1, "interfered", 1);
	/* a decided repetition stays decided, whatever follows it */
	sched_record(s, 0, 2, 2, "interfered", 1);
	while (sched_next(s, &row, &cfg)) {
		assert_int_equal(cfg, 1);
		if (row.rep == 5)
			assert_int_equal(row.attempt, 2);
		else
			assert_true(row.rep == 2 || row.rep == 3);
		n++;
		sched_record(s, cfg, row.rep, row.attempt, "ok", 1);
	}
	assert_int_equal(n, 3);
	sched_free(s);
}

static void
test_precise_rule(void **state)
{
	double tight[] = {99, 100, 101, 100, 100},
	       one_off[] = {100, 100, 200, 100, 100};
	double half;

	(void)state;
	assert_true(sched_precise(tight, 5, 5, 0.05, &half));
	assert_true(fabs(half - 0.01) < 1e-12);
	/* fewer than the minimum: never precise */
	assert_false(sched_precise(tight, 4, 5, 0.05, &half));
	/* n = 5 has no 95% interval narrower than [min, max] */
	assert_false(sched_precise(one_off, 5, 5, 0.05, &half));
	assert_true(fabs(half - 1.0) < 1e-12);
	assert_false(sched_precise(tight, 0, 1, 0.05, &half));
	assert_true(isnan(half));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_strata),
		cmocka_unit_test(test_interfered_again),
		cmocka_unit_test(test_interfered_then_ok),
		cmocka_unit_test(test_precision_rounds),
		cmocka_unit_test(test_precision_stops),
		cmocka_unit_test(test_failed_no_rounds),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_precise_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

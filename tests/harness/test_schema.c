/*
 * The schema's declaration (harness/sweep/schema.def) is well formed: names are
 * unique identifiers that no map counter column can take, every column a
 * sweep's options set names its option, every metric has a direction the
 * readers can use, only metrics have one, and the readers' views
 * (compare's identity, the role flags) agree with the table.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "compare.h"
#include "figures.h"
#include "schema.h"

static void
test_names(void **state)
{
	(void)state;
	assert_true(schema_ncolumns > 50);
	for (size_t k = 0; k < schema_ncolumns; k++) {
		const char *n = schema_columns[k].name;

		assert_true(islower((unsigned char)n[0]));
		for (const char *p = n; *p; p++)
			assert_true(islower((unsigned char)*p) ||
				    isdigit((unsigned char)*p) || *p == '_');
		/* own_* belongs to the maps' counters */
		assert_false(schema_is_own(n));
		assert_ptr_equal(schema_find(n), &schema_columns[k]);
		for (size_t j = 0; j < k; j++)
			assert_string_not_equal(schema_columns[j].name, n);
	}
	assert_true(schema_is_own("own_restarts"));
	assert_false(schema_is_own("own_"));
	assert_true(schema_is_metric("own_restarts"));
	assert_null(schema_find("map_counters"));
}

static void
test_roles(void **state)
{
	size_t nid = 0, nmethod = 0, nplan = 0;

	(void)state;
	for (size_t k = 0; k < schema_ncolumns; k++) {
		const struct column *c = &schema_columns[k];
		unsigned roles =
			c->flags & (COL_ID | COL_METHOD | COL_PLAN | COL_REP);

		/* one role at most */
		assert_true((roles & (roles - 1)) == 0);
		/* a column the options set names its option, and only those */
		if (roles & (COL_ID | COL_METHOD | COL_PLAN)) {
			assert_non_null(c->opt);
			assert_true(strncmp(c->opt, "--", 2) == 0);
			assert_int_equal(c->agg, AGG_KEY);
		} else
			assert_null(c->opt);
		/* a direction only for metrics */
		if (c->better)
			assert_int_equal(c->agg, AGG_MEDIAN);
		assert_true(c->better >= -1 && c->better <= 1);
		if (c->flags & COL_TABLE)
			assert_non_null(c->head);
		nid += !!(c->flags & COL_ID);
		nmethod += !!(c->flags & COL_METHOD);
		nplan += !!(c->flags & COL_PLAN);
	}
	assert_true(nid >= 8 && nmethod >= 8 && nplan >= 5);
	/* the issue's: each changes what is measured */
	assert_true(schema_has("warmup", COL_METHOD));
	assert_true(schema_has("sizing", COL_METHOD));
	assert_true(schema_has("ops_per_thread", COL_METHOD));
	assert_true(schema_has("isolated", COL_METHOD));
	assert_true(schema_has("duration_s", COL_METHOD));
	assert_true(schema_has("interference_limit_pct", COL_METHOD));
	assert_true(schema_has("precision_pct", COL_PLAN));
}

static void
test_readers(void **state)
{
	const char *const *id = compare_identity();
	size_t n = 0;

	(void)state;
	assert_string_equal(id[0], "impl");
	for (size_t k = 0; k < schema_ncolumns; k++)
		if (schema_columns[k].flags & COL_CONFIG) {
			assert_non_null(id[n]);
			assert_string_equal(id[n], schema_columns[k].name);
			assert_int_equal(
				compare_method_col(id[n]),
				!!(schema_columns[k].flags & COL_METHOD));
			n++;
		}
	assert_null(id[n]);
	assert_true(n <= COMPARE_MAX_ID);
	/* the figures' metrics are the schema's, with its directions */
	for (size_t i = 0; figure_metrics[i].csv; i++) {
		assert_true(schema_is_metric(figure_metrics[i].csv));
		assert_string_equal(figure_metric_csv(figure_metrics[i].tsv),
				    figure_metrics[i].csv);
	}
	assert_int_equal(compare_metric_direction("mops"), 1);
	assert_int_equal(compare_metric_direction("p99_ns"), -1);
	assert_int_equal(compare_metric_direction("bytes_per_key"), -1);
	assert_int_equal(compare_metric_direction("own_restarts"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_readers),
	};

	return cmocka_run_group_tests_name("schema", tests, NULL, NULL);
}

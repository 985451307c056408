/*
 * compare_id: what `mapbench compare` reads from the schema (schema.def):
 * the columns that identify a configuration, which of them describe the
 * method, which columns are measurements, and each metric's direction.
 */
#include <stdbool.h>
#include <string.h>

#include "compare_id.h"
#include "schema.h"

/*
 * The identity of a configuration: the schema's COL_CONFIG columns, in
 * its order ("impl" first), NULL-terminated.
 */
const char *const *
compare_identity(void)
{
	static const char *cols[COMPARE_MAX_ID + 1];

	if (!cols[0]) {
		size_t n = 0;

		for (size_t k = 0; k < schema_ncolumns && n < COMPARE_MAX_ID;
		     k++)
			if (schema_columns[k].flags & COL_CONFIG)
				cols[n++] = schema_columns[k].name;
	}
	return cols;
}

int
compare_method_col(const char *name)
{
	return schema_has(name, COL_METHOD);
}

/*
 * Can `name` be compared as a measurement?  Not an identity column nor
 * one that names, orders or frames a row (rep, seed, status, ...).
 */
bool
compare_metric_col(const char *name)
{
	static const char *const frame[] = {
		"rep",
		"seed",
		"status",
		"attempt",
		"started_unix",
		"latency_sample",
		"pinned",
		"ncpus",
		"oversubscribed",
		"clock",
		"map_counters",
		"interference_limit_pct",
		"settle_s",
		"timeline_slice_ms",
		"timeline_mops",
		"timeline_cpu",
		"drift",
		NULL,
	};

	if (schema_has(name, COL_CONFIG | COL_PLAN | COL_REP))
		return false;
	for (int k = 0; frame[k]; k++)
		if (strcmp(name, frame[k]) == 0)
			return false;
	return true;
}

int
compare_metric_direction(const char *metric)
{
	return schema_direction(metric);
}

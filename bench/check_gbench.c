/*
 * check_gbench: validate a gbench JSON report (--benchmark_out_format=json).
 *
 *	check_gbench FILE [WORKLOAD...]
 *
 * Passes (exit 0) when the report has a context, no benchmark errored,
 * every thread-safe impl of the registry has at least one row (one row per
 * named workload, if any are named), and every syncmap row carries the
 * map_stats counters.  Prints what is wrong and exits 1 otherwise; exit 2
 * on usage or an unreadable file.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "map.h"

static const char *const syncmap_counters[] = {
	"promotions", "dirty_rebuilds", "entries_copied", "misses",
	"locked_ops", "map_ops",	"hits",
};

/* Does a row's name read "BM_<workload>/<impl>/..."? */
static int
row_is(const char *name, const char *workload, const char *impl)
{
	size_t wl = workload ? strlen(workload) : 0, il = strlen(impl);
	const char *p = name;

	if (strncmp(p, "BM_", 3) != 0)
		return 0;
	p += 3;
	if (workload) {
		if (strncmp(p, workload, wl) != 0 || p[wl] != '/')
			return 0;
		p += wl + 1;
	} else {
		p = strchr(p, '/');
		if (p == NULL)
			return 0;
		p++;
	}
	return strncmp(p, impl, il) == 0 && (p[il] == '/' || p[il] == '\0');
}

int
main(int argc, char **argv)
{
	json_error_t err;
	json_t *root, *rows, *row;
	size_t idx;
	int bad = 0, nrows = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: check_gbench FILE [WORKLOAD...]\n");
		return 2;
	}
	root = json_load_file(argv[1], 0, &err);
	if (root == NULL) {
		fprintf(stderr, "check_gbench: %s:%d: %s\n", argv[1], err.line,
			err.text);
		return 2;
	}
	if (!json_is_object(json_object_get(root, "context"))) {
		fprintf(stderr, "check_gbench: no context object\n");
		bad = 1;
	}
	rows = json_object_get(root, "benchmarks");
	if (!json_is_array(rows) || json_array_size(rows) == 0) {
		fprintf(stderr, "check_gbench: no benchmarks array\n");
		json_decref(root);
		return 1;
	}

	json_array_foreach(rows, idx, row)
	{
		const char *name =
			json_string_value(json_object_get(row, "name"));

		nrows++;
		if (name == NULL) {
			fprintf(stderr, "check_gbench: row %zu has no name\n",
				idx);
			bad = 1;
			continue;
		}
		if (json_is_true(json_object_get(row, "error_occurred"))) {
			fprintf(stderr, "check_gbench: %s: error: %s\n", name,
				json_string_value(
					json_object_get(row, "error_message")));
			bad = 1;
		}
		if (!row_is(name, NULL, "syncmap"))
			continue;
		for (size_t k = 0;
		     k < sizeof(syncmap_counters) / sizeof(syncmap_counters[0]);
		     k++) {
			if (!json_is_number(json_object_get(
				    row, syncmap_counters[k]))) {
				fprintf(stderr,
					"check_gbench: %s: no counter %s\n",
					name, syncmap_counters[k]);
				bad = 1;
			}
		}
	}

	for (const struct map_ops *const *o = map_registry; *o; o++) {
		if ((*o)->flags & MAP_NOT_THREAD_SAFE)
			continue;
		for (int w = argc > 2 ? 2 : 1; w < (argc > 2 ? argc : 2); w++) {
			const char *wl = argc > 2 ? argv[w] : NULL;
			int found = 0;

			json_array_foreach(rows, idx, row)
			{
				const char *name = json_string_value(
					json_object_get(row, "name"));

				if (name && row_is(name, wl, (*o)->name))
					found = 1;
			}
			if (!found) {
				fprintf(stderr,
					"check_gbench: no row for impl "
					"%s%s%s\n",
					(*o)->name, wl ? ", workload " : "",
					wl ? wl : "");
				bad = 1;
			}
		}
	}
	json_decref(root);
	if (!bad)
		printf("check_gbench: %s: %d rows OK\n", argv[1], nrows);
	return bad;
}

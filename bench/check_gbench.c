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
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "map.h"

static const char *const syncmap_counters[] = {
	"promotions", "dirty_rebuilds", "entries_copied", "misses",
	"locked_ops", "map_ops",	"hits",
};

/*
 * Read `path` whole, with the bare NaN/inf values Google Benchmark 1.7
 * writes for some aggregates (not JSON) turned into null.
 */
static char *
read_report(const char *path)
{
	static const char *const bad[] = {"-nan", "-inf",     "NaN",
					  "nan",  "Infinity", "inf"};
	FILE *f = fopen(path, "r");
	char *in = NULL, *out = NULL;
	size_t n = 0, cap = 0, o = 0;
	int c;

	if (f == NULL)
		return NULL;
	while ((c = getc(f)) != EOF) {
		if (n + 1 >= cap) {
			char *p = realloc(in, cap = cap ? 2 * cap : 1 << 16);

			if (p == NULL)
				goto fail;
			in = p;
		}
		in[n++] = (char)c;
	}
	if (in == NULL || ferror(f))
		goto fail;
	in[n] = '\0';
	out = malloc(2 * n + 1); /* "nan" -> "null" grows by at most 1/3 */
	if (out == NULL)
		goto fail;
	for (size_t i = 0; i < n;) {
		size_t k, len = 0;

		if (i > 0 &&
		    (in[i - 1] == ':' || isspace((unsigned char)in[i - 1])))
			for (k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
				if (strncmp(in + i, bad[k], strlen(bad[k])) ==
				    0) {
					len = strlen(bad[k]);
					break;
				}
		if (len > 0 && !isalnum((unsigned char)in[i + len])) {
			memcpy(out + o, "null", 4);
			o += 4;
			i += len;
		} else {
			out[o++] = in[i++];
		}
	}
	out[o] = '\0';
	fclose(f);
	free(in);
	return out;
fail:
	fclose(f);
	free(in);
	return NULL;
}

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
	char *text;
	size_t idx;
	int bad = 0, nrows = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: check_gbench FILE [WORKLOAD...]\n");
		return 2;
	}
	text = read_report(argv[1]);
	if (text == NULL) {
		fprintf(stderr, "check_gbench: cannot read %s\n", argv[1]);
		return 2;
	}
	root = json_loads(text, 0, &err);
	free(text);
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
		const char *rt;

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
		/* Aggregates (mean, stddev, cv...) may carry null counters. */
		rt = json_string_value(json_object_get(row, "run_type"));
		if (!row_is(name, NULL, "syncmap") ||
		    (rt != NULL && strcmp(rt, "iteration") != 0))
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

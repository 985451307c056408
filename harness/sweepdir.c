/*
 * sweepdir: reading a sweep directory back (results.csv held in memory,
 * meta.json's values) for compare and the report page.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "sweepdir.h"

int
sweepdir_status_ok(const char *status)
{
	return status[0] == '\0' || strcmp(status, "ok") == 0;
}

/* ---------------------------------------------------------------- */
/* results.csv, read with lengths */

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void
sweep_csv_free(struct sweep_csv *t)
{
	free(t->text);
	free(t->head);
	free(t->field);
	free(t->line);
	memset(t, 0, sizeof(*t));
}

int
sweep_csv_col(const struct sweep_csv *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->head[i], name) == 0)
			return (int)i;
	return -1;
}

/*
 * Split the line text[0..len) (no newline) at commas into out[] (at most
 * max); fields are NUL-terminated in place.  Returns the field count, or
 * max + 1 when there are more.
 */
static size_t
split_fields(char *text, size_t len, char **out, size_t max)
{
	size_t n = 0, start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && text[i] != ',')
			continue;
		if (n == max)
			return max + 1;
		out[n++] = text + start;
		text[i] = '\0';
		start = i + 1;
	}
	return n;
}

/* The columns that, with `rep`, identify one repetition of a row. */
static const char *const repetition_cols[] = {
	"impl",
	"workload",
	"threads",
	"read_pct",
	"mix",
	"keys",
	"dist",
	"prefill_pct",
	"duration_s",
	"latency_sample",
	"ops_per_thread",
	"warmup",
	"sizing",
	"isolated",
	NULL,
};

struct rep_key {
	char *key;
	size_t row;
};

static int
cmp_rep_key(const void *pa, const void *pb)
{
	const struct rep_key *a = pa, *b = pb;
	int d = strcmp(a->key, b->key);

	if (d)
		return d;
	return a->row < b->row ? -1 : a->row > b->row;
}

/*
 * A configuration's repetitions are its rows told apart by `rep`: an ok
 * row whose (configuration, rep) an earlier ok row already has is a
 * duplicate (a file appended to itself, rows copied twice), said on
 * stderr with the count and dropped, so that it is not counted as one
 * more repetition.  Rows that are not ok are kept: a non-ok row and a
 * later ok row of the same (configuration, rep) are a re-measurement.
 * Without a `rep` column there is nothing to tell rows apart by.
 * 0, or -1 when out of memory.
 */
static int
drop_duplicates(const char *path, struct sweep_csv *t)
{
	int cols[32], rep = sweep_csv_col(t, "rep"),
		      st = sweep_csv_col(t, "status");
	size_t nc = 0, nk = 0, ndup = 0, first_dup = 0, first_of = 0, w = 0;
	struct rep_key *k;
	bool *drop;

	if (rep < 0 || t->nrows < 2)
		return 0;
	for (size_t i = 0; repetition_cols[i]; i++) {
		int c = sweep_csv_col(t, repetition_cols[i]);

		if (c >= 0)
			cols[nc++] = c;
	}
	cols[nc++] = rep;
	k = calloc(t->nrows, sizeof(*k));
	drop = calloc(t->nrows, sizeof(*drop));
	if (!k || !drop)
		goto oom;
	for (size_t r = 0; r < t->nrows; r++) {
		size_t len = 1, n = 0;

		if (!sweepdir_status_ok(sweep_csv_get(t, r, st)))
			continue;
		for (size_t i = 0; i < nc; i++)
			len += strlen(sweep_csv_get(t, r, cols[i])) + 1;
		k[nk].key = malloc(len);
		if (!k[nk].key)
			goto oom;
		for (size_t i = 0; i < nc; i++)
			n += (size_t)snprintf(k[nk].key + n, len - n, "%s\x1f",
					      sweep_csv_get(t, r, cols[i]));
		k[nk++].row = r;
	}
	qsort(k, nk, sizeof(*k), cmp_rep_key);
	for (size_t i = 1, g = 0; i < nk; i++) {
		if (strcmp(k[i].key, k[g].key)) {
			g = i; /* a new (configuration, rep): its first row */
			continue;
		}
		drop[k[i].row] = true;
		if (!ndup++ || t->line[k[i].row] < first_dup) {
			first_dup = t->line[k[i].row];
			first_of = t->line[k[g].row];
		}
	}
	for (size_t i = 0; i < nk; i++)
		free(k[i].key);
	free(k);
	if (ndup) {
		fprintf(stderr,
			"mapbench: %s: %zu ok rows repeat the configuration "
			"and rep of an earlier ok row (the first on line %zu, "
			"as line %zu); dropped: each repetition counts once\n",
			path, ndup, first_dup, first_of);
		for (size_t r = 0; r < t->nrows; r++) {
			if (drop[r])
				continue;
			if (w != r) {
				memmove(t->field + w * t->ncols,
					t->field + r * t->ncols,
					t->ncols * sizeof(char *));
				t->line[w] = t->line[r];
			}
			w++;
		}
		t->nrows = w;
		t->ndup = ndup;
	}
	free(drop);
	return 0;
oom:
	if (k)
		for (size_t i = 0; i < nk; i++)
			free(k[i].key);
	free(k);
	free(drop);
	return -1;
}

int
sweep_csv_load(const char *path, struct sweep_csv *t, char *err, size_t errlen)
{
	FILE *f;
	struct stat st;
	size_t size, lineno = 0, pos = 0, cap = 0;
	char **tmp = NULL;

	memset(t, 0, sizeof(*t));
	f = fopen(path, "rb");
	if (!f) {
		set_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		set_err(err, errlen, "%s: not a regular file", path);
		fclose(f);
		return -1;
	}
	size = (size_t)st.st_size;
	t->text = malloc(size + 1);
	if (!t->text || fread(t->text, 1, size, f) != size) {
		set_err(err, errlen, "%s: cannot read: %s", path,
			t->text ? strerror(errno) : "out of memory");
		fclose(f);
		sweep_csv_free(t);
		return -1;
	}
	fclose(f);
	t->text[size] = '\0';
	if (size == 0) {
		set_err(err, errlen, "%s: empty file (no header)", path);
		goto fail;
	}
	while (pos < size) {
		char *line = t->text + pos, *nl, **fields;
		size_t len, nf, want;

		lineno++;
		nl = memchr(line, '\n', size - pos);
		if (!nl) {
			set_err(err, errlen,
				"%s:%zu: last line has no newline (file cut "
				"short?)",
				path, lineno);
			goto fail;
		}
		len = (size_t)(nl - line);
		pos += len + 1;
		if (len && line[len - 1] == '\r')
			len--;
		if (memchr(line, '\0', len)) {
			set_err(err, errlen, "%s:%zu: NUL byte in the line",
				path, lineno);
			goto fail;
		}
		if (memchr(line, '"', len)) {
			set_err(err, errlen,
				"%s:%zu: quoted field (results.csv is written "
				"without quoting)",
				path, lineno);
			goto fail;
		}
		if (len == 0) {
			set_err(err, errlen, "%s:%zu: empty line", path,
				lineno);
			goto fail;
		}
		if (!t->head) {
			size_t max = 1;

			for (size_t i = 0; i < len; i++)
				max += line[i] == ',';
			t->head = malloc(max * sizeof(char *));
			if (!t->head)
				goto oom;
			t->ncols = split_fields(line, len, t->head, max);
			for (size_t i = 0; i < t->ncols; i++) {
				if (!t->head[i][0]) {
					set_err(err, errlen,
						"%s:1: column %zu has no name",
						path, i + 1);
					goto fail;
				}
				for (size_t j = 0; j < i; j++)
					if (!strcmp(t->head[i], t->head[j])) {
						set_err(err, errlen,
							"%s:1: column '%s' "
							"twice",
							path, t->head[i]);
						goto fail;
					}
			}
			tmp = malloc((t->ncols + 1) * sizeof(char *));
			if (!tmp)
				goto oom;
			continue;
		}
		want = t->ncols;
		nf = split_fields(line, len, tmp, want);
		if (nf >= 1 && strcmp(tmp[0], t->head[0]) == 0) {
			set_err(err, errlen,
				"%s:%zu: a second header line ('%s' in column "
				"'%s'): two files joined? one header, on line "
				"1, is accepted",
				path, lineno, tmp[0], t->head[0]);
			goto fail;
		}
		if (nf != want) {
			set_err(err, errlen,
				"%s:%zu: %s%zu fields, the header "
				"has %zu",
				path, lineno, nf > want ? "more than " : "",
				nf > want ? want : nf, want);
			goto fail;
		}
		if (t->nrows == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			char **nfld =
				realloc(t->field, ncap * want * sizeof(char *));
			size_t *nline;

			if (!nfld)
				goto oom;
			t->field = nfld;
			nline = realloc(t->line, ncap * sizeof(size_t));
			if (!nline)
				goto oom;
			t->line = nline;
			cap = ncap;
		}
		fields = t->field + t->nrows * want;
		memcpy(fields, tmp, want * sizeof(char *));
		t->line[t->nrows++] = lineno;
	}
	free(tmp);
	if (drop_duplicates(path, t)) {
		set_err(err, errlen, "%s: out of memory", path);
		sweep_csv_free(t);
		return -1;
	}
	return 0;
oom:
	set_err(err, errlen, "%s: out of memory", path);
fail:
	free(tmp);
	sweep_csv_free(t);
	return -1;
}

/* ---------------------------------------------------------------- */
/* meta.json */

const struct sweepdir_meta_row sweepdir_machine_rows[] = {
	{"cpu", "machine.cpu_model"},
	{"cpus online", "machine.cpus_online"},
	{"cpus allowed", "machine.cpus_allowed"},
	{"arch", "machine.arch"},
	{"kernel", "machine.kernel"},
	{"host", "machine.hostname"},
	{"compiler", "build.compiler"},
	{"build type", "build.build_type"},
	{"cflags", "build.cflags"},
	{"allocator", "build.allocator"},
	{"liburcu", "build.liburcu"},
	{"jansson", "build.jansson"},
	{"jemalloc", "build.jemalloc"},
	{"go", "go_version"},
	{"commit", "build.git_commit"},
	{"date", "date"},
	{NULL, NULL},
};

json_t *
sweepdir_meta_get(json_t *meta, const char *dotted)
{
	char key[128];
	const char *p = dotted;

	while (meta && json_is_object(meta)) {
		size_t n = strcspn(p, ".");

		if (n >= sizeof(key))
			return NULL;
		memcpy(key, p, n);
		key[n] = '\0';
		meta = json_object_get(meta, key);
		if (!p[n])
			return meta;
		p += n + 1;
	}
	return NULL;
}

/* One meta.json value as text ("" when absent). */
void
sweepdir_meta_value(json_t *meta, const char *dotted, char *buf, size_t len)
{
	json_t *v = sweepdir_meta_get(meta, dotted);
	size_t n = 0;

	buf[0] = '\0';
	if (!v)
		return;
	if (json_is_string(v)) {
		snprintf(buf, len, "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
	} else if (json_is_real(v)) {
		snprintf(buf, len, "%g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		snprintf(buf, len, "%s", json_is_true(v) ? "yes" : "no");
	} else if (json_is_array(v)) {
		size_t i;
		json_t *e;

		json_array_foreach(v, i, e)
		{
			if (n >= len)
				break;
			n += (size_t)snprintf(
				buf + n, len - n, "%s%s", i ? " " : "",
				json_is_string(e) ? json_string_value(e) : "?");
		}
	}
	if (strcmp(dotted, "build.git_commit") == 0 && buf[0]) {
		json_t *d = sweepdir_meta_get(meta, "build.git_dirty");

		if (strlen(buf) > 12)
			buf[12] = '\0';
		if (json_is_true(d) && len > 20)
			strcat(buf, " (dirty)");
	}
}

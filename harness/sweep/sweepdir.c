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
#include <unistd.h>

#include <jansson.h>

#include "csvread.h"
#include "sweepdir.h"

int
sweepdir_status_ok(const char *status)
{
	return status[0] == '\0' || strcmp(status, "ok") == 0;
}

/* ---------------------------------------------------------------- */
/* results.csv, through csvread.c, refused whole on any bad line */

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
	csv_free(t->csv);
	memset(t, 0, sizeof(*t));
}

int
sweep_csv_col(const struct sweep_csv *t, const char *name)
{
	return t->csv ? csv_col(t->csv, name) : -1;
}

/* Read all of fd into *buf (malloc'd) and *len; 0 or -1 with errno. */
static int
read_all(int fd, char **buf, size_t *len)
{
	size_t cap = 0;

	*buf = NULL;
	*len = 0;
	for (;;) {
		ssize_t k;

		if (*len == cap) {
			size_t nc = cap ? 2 * cap : 65536;
			char *nb = realloc(*buf, nc);

			if (!nb) {
				errno = ENOMEM;
				return -1;
			}
			*buf = nb;
			cap = nc;
		}
		k = read(fd, *buf + *len, cap - *len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			return 0;
		*len += (size_t)k;
	}
}

int
sweep_csv_load(const char *path, struct sweep_csv *t, char *err, size_t errlen)
{
	int fd;
	char *buf, *diag = NULL;
	size_t len, dlen = 0;
	long partial = -1, partial_line = 0;
	FILE *dups;

	memset(t, 0, sizeof(*t));
	fd = csv_open_regular(path);
	if (fd < 0) {
		set_err(err, errlen, "%s: %s", path,
			errno == EINVAL ? "not a regular file"
					: strerror(errno));
		return -1;
	}
	if (read_all(fd, &buf, &len)) {
		set_err(err, errlen, "%s: cannot read: %s", path,
			strerror(errno));
		close(fd);
		free(buf);
		return -1;
	}
	close(fd);
	/* what csvread says of duplicates, kept until the file is good */
	dups = open_memstream(&diag, &dlen);
	t->csv = dups ? csv_parse(buf ? buf : "", len, path, dups, &partial)
		      : NULL;
	if (dups)
		fclose(dups);
	if (t->csv && partial >= 0) { /* its line number, for the message */
		partial_line = 1;
		for (long i = 0; i < partial; i++)
			partial_line += buf[i] == '\n';
	}
	free(buf);
	if (!t->csv) {
		set_err(err, errlen, "%s: out of memory", path);
		goto fail;
	}
	if (!t->csv->head && !t->csv->nbad && partial < 0) {
		set_err(err, errlen, "%s: empty file (no header)", path);
		goto fail;
	}
	if (t->csv->nbad) {
		set_err(err, errlen, "%s:%ld: %s; results.csv is refused whole",
			path, t->csv->first_bad, t->csv->first_why);
		goto fail;
	}
	if (partial >= 0) {
		set_err(err, errlen,
			"%s:%ld: last line has no newline (file cut short?)",
			path, partial_line);
		goto fail;
	}
	if (diag && dlen)
		fputs(diag, stderr);
	free(diag);
	t->head = t->csv->head;
	t->ncols = (size_t)t->csv->ncols;
	t->rows = t->csv->rows;
	t->line = t->csv->line;
	t->nrows = t->csv->nrows;
	t->ndup = t->csv->ndup;
	return 0;
fail:
	free(diag);
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

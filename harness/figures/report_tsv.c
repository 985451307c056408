/*
 * report_tsv: the tables `mapbench plot` writes beside results.csv
 * (summary.tsv, heatmap.tsv) read back for the sweep's page: loading,
 * cells by column name, the distinct values of a column, the
 * configurations of one dist and key count, and the maps in registry
 * order.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "figures.h"
#include "map.h"
#include "report_html.h"
#include "report_tsv.h"

/* ---- the tables `mapbench plot` writes beside results.csv ---------- */

void
report_tsv_free(struct tsv *t)
{
	free(t->text);
	free(t->head);
	free(t->f);
	memset(t, 0, sizeof(*t));
}

/* Split line s (modified) at tabs into at most max fields. */
static size_t
tsv_split(char *s, char **out, size_t max)
{
	size_t n = 0;

	for (;;) {
		char *tab = strchr(s, '\t');

		if (n < max)
			out[n] = s;
		n++;
		if (!tab)
			return n;
		*tab = '\0';
		s = tab + 1;
	}
}

/*
 * Load `path`: 0, -1 when it cannot be read (errno), -2 when a line's
 * field count differs from the header's (*bad_line says which).
 */
int
report_tsv_load(const char *path, struct tsv *t, size_t *bad_line)
{
	FILE *f = fopen(path, "rb");
	size_t len = 0, cap = 0, rows = 0;
	char *line, *save;

	memset(t, 0, sizeof(*t));
	if (!f)
		return -1;
	{
		char buf[8192];
		size_t n;

		while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
			if (len + n + 1 > cap) {
				char *p;

				cap = (len + n + 1) * 2;
				p = realloc(t->text, cap);
				if (!p) {
					fclose(f);
					report_tsv_free(t);
					errno = ENOMEM;
					return -1;
				}
				t->text = p;
			}
			memcpy(t->text + len, buf, n);
			len += n;
		}
	}
	if (ferror(f) || !t->text) {
		fclose(f);
		report_tsv_free(t);
		if (!errno)
			errno = EIO;
		return -1;
	}
	fclose(f);
	t->text[len] = '\0';
	for (size_t i = 0; i < len; i++)
		rows += t->text[i] == '\n';
	for (line = strtok_r(t->text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!t->head) {
			size_t n = 1;

			for (const char *p = line; *p; p++)
				n += *p == '\t';

			t->head = calloc(n, sizeof(char *));
			t->f = calloc((rows + 1) * n, sizeof(char *));
			if (!t->head || !t->f) {
				report_tsv_free(t);
				errno = ENOMEM;
				return -1;
			}
			t->ncols = tsv_split(line, t->head, n);
			continue;
		}
		if (tsv_split(line, t->f + t->nrows * t->ncols, t->ncols) !=
		    t->ncols) {
			*bad_line = t->nrows + 2;
			report_tsv_free(t);
			return -2;
		}
		t->nrows++;
	}
	return 0;
}

int
report_tsv_col(const struct tsv *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->head[i], name))
			return (int)i;
	return -1;
}

const char *
report_tsv_get(const struct tsv *t, size_t r, int c)
{
	return c < 0 ? "" : t->f[r * t->ncols + (size_t)c];
}

/* A number of the table, NAN for NA, NaN or nothing. */
double
report_tsv_num(const struct tsv *t, size_t r, int c)
{
	const char *s = report_tsv_get(t, r, c);
	char *end;
	double v;

	if (!s[0])
		return NAN;
	v = strtod(s, &end);
	return *end ? NAN : v;
}

/* The distinct values of column c in first-seen order (pointers). */
size_t
report_tsv_distinct(const struct tsv *t, int c, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t r = 0; r < t->nrows; r++) {
		const char *v = report_tsv_get(t, r, c);
		size_t i;

		for (i = 0; i < n; i++)
			if (!strcmp(out[i], v))
				break;
		if (i == n && n < max)
			out[n++] = v;
	}
	return n;
}

static int
cmp_conf(const void *pa, const void *pb)
{
	const struct conf *a = pa, *b = pb;

	if (a->threads != b->threads)
		return a->threads < b->threads ? -1 : 1;
	return (a->read < b->read) - (a->read > b->read);
}

/* The configurations of one dist and key count, sorted; their count. */
size_t
report_tsv_confs(const struct tsv *t, const char *dist, const char *keys,
		 struct conf *out, size_t max)
{
	int cd = report_tsv_col(t, "dist"), ck = report_tsv_col(t, "keys"),
	    ct = report_tsv_col(t, "threads"),
	    cr = report_tsv_col(t, "read_pct"),
	    co = report_tsv_col(t, "oversubscribed");
	size_t n = 0;

	for (size_t r = 0; r < t->nrows; r++) {
		struct conf c;
		size_t i;

		if (strcmp(report_tsv_get(t, r, cd), dist) ||
		    strcmp(report_tsv_get(t, r, ck), keys))
			continue;
		c.threads = strtol(report_tsv_get(t, r, ct), NULL, 10);
		c.read = strtol(report_tsv_get(t, r, cr), NULL, 10);
		c.over = report_tsv_get(t, r, co)[0] == '1';
		for (i = 0; i < n; i++)
			if (out[i].threads == c.threads &&
			    out[i].read == c.read)
				break;
		if (i == n && n < max)
			out[n++] = c;
		else if (i < n)
			out[i].over |= c.over;
	}
	qsort(out, n, sizeof(*out), cmp_conf);
	return n;
}

/* The row of t for (impl, dist, keys, threads, read), or -1. */
long
report_tsv_find_row(const struct tsv *t, const char *impl, const char *dist,
		    const char *keys, long threads, long read)
{
	int ci = report_tsv_col(t, "impl"), cd = report_tsv_col(t, "dist"),
	    ck = report_tsv_col(t, "keys"), ct = report_tsv_col(t, "threads"),
	    cr = report_tsv_col(t, "read_pct");

	for (size_t r = 0; r < t->nrows; r++)
		if (!strcmp(report_tsv_get(t, r, ci), impl) &&
		    !strcmp(report_tsv_get(t, r, cd), dist) &&
		    !strcmp(report_tsv_get(t, r, ck), keys) &&
		    strtol(report_tsv_get(t, r, ct), NULL, 10) == threads &&
		    strtol(report_tsv_get(t, r, cr), NULL, 10) == read)
			return (long)r;
	return -1;
}

void
report_put_conf(FILE *f, const struct conf *c)
{
	fprintf(f, "<th>%ld thread%s, %ld%% reads%s</th>", c->threads,
		c->threads == 1 ? "" : "s", c->read,
		c->over ? " <span class=note>(oversubscribed)</span>" : "");
}

/* Maps in the registry's order (the figures'), the others by name. */
void
report_sort_impls(const char **v, size_t n)
{
	for (size_t a = 1; a < n; a++)
		for (size_t b = a; b > 0; b--) {
			size_t rx = figure_map_rank(v[b - 1]),
			       ry = figure_map_rank(v[b]);
			const char *x = v[b];

			if (rx < ry ||
			    (rx == ry && strcmp(v[b - 1], v[b]) <= 0))
				break;
			v[b] = v[b - 1];
			v[b - 1] = x;
		}
}

/*
 * Reading results.csv back (resume, plot): a whole file into rows of
 * fields, RFC 4180 quoting within a line, the header mapping names to
 * indices.  Lengths throughout: the file may hold any byte, and a line
 * that does not parse is reported and left out, never merged into
 * another or cut at a NUL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvread.h"
#include "schema.h"

/* Bad lines reported one by one; the rest are counted in one line. */
#define CSV_MAX_REPORTS 20

int
csv_open_regular(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	int fl;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st))
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		goto fail;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		goto fail;
	return fd;
fail : {
	int e = errno;

	close(fd);
	errno = e;
	return -1;
}
}

/*
 * Split the line [s, e) in place into *f (grown as needed); e points at
 * the line's terminator, which may be overwritten.  Returns the number
 * of fields, or -1 with *why set.
 */
static int
split_line(char *s, char *e, char ***f, size_t *cap, const char **why)
{
	size_t n = 0;

	for (;;) {
		char *w, *start;

		if (n == *cap) {
			size_t nc = *cap ? 2 * *cap : 64;
			char **nf = realloc(*f, nc * sizeof(*nf));

			if (!nf) {
				*why = "out of memory";
				return -1;
			}
			*f = nf;
			*cap = nc;
		}
		if (s < e && *s == '"') {
			start = w = ++s;
			for (;;) {
				if (s == e) {
					*why = "an unterminated quote";
					return -1;
				}
				if (*s == '"') {
					if (s + 1 < e && s[1] == '"') {
						*w++ = '"';
						s += 2;
						continue;
					}
					s++;
					break;
				}
				*w++ = *s++;
			}
			if (s < e && *s != ',') {
				*why = "text after a closing quote";
				return -1;
			}
		} else {
			start = w = s;
			while (s < e && *s != ',') {
				if (*s == '"') {
					*why = "a quote inside an unquoted "
					       "field";
					return -1;
				}
				s++;
			}
			w = s;
		}
		(*f)[n++] = start;
		if (s == e) {
			*w = '\0';
			return (int)n;
		}
		*w = '\0'; /* w <= s, and *s is the ',' consumed here */
		s++;
	}
}

void
csv_free(struct csv *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nrows; i++)
		free(c->rows[i]);
	free(c->rows);
	free(c->line);
	free(c->head);
	free(c->text);
	free(c);
}

static void
bad_line(struct csv *c, FILE *diag, const char *name, long line,
	 const char *why)
{
	if (!c->nbad++) {
		c->first_bad = line;
		snprintf(c->first_why, sizeof(c->first_why), "%s", why);
	}
	if (diag && c->nbad <= CSV_MAX_REPORTS)
		fprintf(diag, "mapbench: %s:%ld: line skipped: %s\n", name,
			line, why);
}

struct csv_rk {
	char *key;
	size_t row;
};

static int
csv_rk_cmp(const void *pa, const void *pb)
{
	const struct csv_rk *a = pa, *b = pb;
	int d = strcmp(a->key, b->key);

	return d ? d : (a->row > b->row) - (a->row < b->row);
}

/*
 * Repetitions, not rows: an ok row (status "ok" or no status column)
 * whose configuration and `rep` an earlier ok row has is a duplicate,
 * reported and left out (counted in ndup).  Non-ok rows stay: one and a
 * later ok row of the same rep are a re-measurement.  Without `rep`
 * nothing is compared.  0, or -1 when out of memory.
 */
static int
csv_drop_duplicates(struct csv *c, FILE *diag, const char *name)
{
	int cols[32], nc = 0, st = csv_col(c, "status");
	size_t nk = 0, w = 0;
	long first = 0, of = 0;
	struct csv_rk *k;
	bool *drop;

	if (csv_col(c, "rep") < 0 || c->nrows < 2)
		return 0;
	/* A repetition: the schema's configuration columns and `rep`. */
	for (size_t i = 0; i < schema_ncolumns && nc < 31; i++)
		if ((schema_columns[i].flags & (COL_CONFIG | COL_REP)) &&
		    (cols[nc] = csv_col(c, schema_columns[i].name)) >= 0)
			nc++;
	k = calloc(c->nrows, sizeof(*k));
	drop = calloc(c->nrows, sizeof(*drop));
	if (!k || !drop)
		goto oom;
	for (size_t r = 0; r < c->nrows; r++) {
		size_t len = 1, n = 0;

		if (st >= 0 && c->rows[r][st][0] &&
		    strcmp(c->rows[r][st], "ok"))
			continue;
		for (int i = 0; i < nc; i++)
			len += strlen(c->rows[r][cols[i]]) + 1;
		k[nk].key = malloc(len);
		if (!k[nk].key)
			goto oom;
		for (int i = 0; i < nc; i++)
			n += (size_t)snprintf(k[nk].key + n, len - n, "%s\x1f",
					      c->rows[r][cols[i]]);
		k[nk++].row = r;
	}
	qsort(k, nk, sizeof(*k), csv_rk_cmp);
	for (size_t i = 1, g = 0; i < nk; i++) {
		if (strcmp(k[i].key, k[g].key)) {
			g = i;
			continue;
		}
		drop[k[i].row] = true;
		if (!c->ndup++ || c->line[k[i].row] < first) {
			first = c->line[k[i].row];
			of = c->line[k[g].row];
		}
	}
	for (size_t i = 0; i < nk; i++)
		free(k[i].key);
	free(k);
	if (c->ndup) {
		if (diag)
			fprintf(diag,
				"mapbench: %s: %zu ok rows repeat the "
				"configuration and rep of an earlier ok row "
				"(the first on line %ld, as line %ld); left "
				"out: each repetition counts once\n",
				name, c->ndup, first, of);
		for (size_t r = 0; r < c->nrows; r++) {
			if (drop[r]) {
				free(c->rows[r]);
				continue;
			}
			c->rows[w] = c->rows[r];
			c->line[w++] = c->line[r];
		}
		c->nrows = w;
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

struct csv *
csv_parse(const char *buf, size_t len, const char *name, FILE *diag,
	  long *partial_at)
{
	struct csv *c = calloc(1, sizeof(*c));
	char *p, *end, **fields = NULL;
	size_t cap = 0, rcap = 0;
	long line = 0;

	*partial_at = -1;
	if (!c)
		return NULL;
	c->text = malloc(len + 1);
	if (!c->text)
		goto oom;
	memcpy(c->text, buf, len);
	c->text[len] = '\0';
	p = c->text;
	end = c->text + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *e;
		const char *why = NULL;
		int n;

		line++;
		if (!nl) {
			/* a last line cut short: left for the caller */
			*partial_at = (long)(p - c->text);
			break;
		}
		e = nl;
		if (e > p && e[-1] == '\r')
			e--;
		if (e == p) { /* an empty line holds nothing */
			p = nl + 1;
			continue;
		}
		if (memchr(p, '\0', (size_t)(e - p))) {
			why = "it holds a NUL byte";
			n = -1;
		} else {
			n = split_line(p, e, &fields, &cap, &why);
		}
		if (n > 0 && c->head && strcmp(fields[0], c->head[0]) == 0) {
			why = "a second header line (two files joined?)";
			n = -1;
		} else if (n >= 0 && c->head && n != c->ncols) {
			static char msg[96];

			snprintf(msg, sizeof(msg),
				 "%d field%s where the header has %d", n,
				 n == 1 ? "" : "s", c->ncols);
			why = msg;
			n = -1;
		}
		if (n < 0) {
			if (!c->head) {
				/* without a header nothing can be read */
				bad_line(c, diag, name, line, why);
				break;
			}
			bad_line(c, diag, name, line, why);
		} else if (!c->head) {
			c->head = fields;
			c->ncols = n;
			fields = NULL;
			cap = 0;
		} else {
			if (c->nrows == rcap) {
				size_t nc = rcap ? 2 * rcap : 256;
				char ***r = realloc(c->rows, nc * sizeof(*r));
				long *l = r ? realloc(c->line, nc * sizeof(*l))
					    : NULL;

				if (r)
					c->rows = r;
				if (!l)
					goto oom;
				c->line = l;
				rcap = nc;
			}
			c->rows[c->nrows] = fields;
			c->line[c->nrows++] = line;
			fields = NULL;
			cap = 0;
		}
		p = nl + 1;
	}
	free(fields);
	if (diag && c->nbad > CSV_MAX_REPORTS)
		fprintf(diag, "mapbench: %s: %zu more bad lines skipped\n",
			name, c->nbad - CSV_MAX_REPORTS);
	if (c->head && csv_drop_duplicates(c, diag, name))
		goto oom;
	return c;
oom:
	free(fields);
	csv_free(c);
	errno = ENOMEM;
	return NULL;
}

struct csv *
csv_load(const char *path, long *partial_at)
{
	int fd = csv_open_regular(path);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	struct csv *c;

	*partial_at = -1;
	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t k;

		if (len == cap) {
			size_t nc = cap ? 2 * cap : 65536;
			char *nb = realloc(buf, nc);

			if (!nb) {
				errno = ENOMEM;
				goto fail;
			}
			buf = nb;
			cap = nc;
		}
		k = read(fd, buf + len, cap - len);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (k == 0)
			break;
		len += (size_t)k;
	}
	close(fd);
	c = csv_parse(buf ? buf : "", len, path, stderr, partial_at);
	free(buf);
	return c;
fail : {
	int e = errno;

	close(fd);
	free(buf);
	errno = e;
	return NULL;
}
}

int
csv_col(const struct csv *c, const char *name)
{
	for (int i = 0; i < c->ncols; i++)
		if (strcmp(c->head[i], name) == 0)
			return i;
	return -1;
}

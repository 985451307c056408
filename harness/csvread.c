/*
 * Reading results.csv back (resume, plot): a whole file into rows of
 * fields, RFC 4180 quoting, the header mapping names to indices.
 */
#include <stdlib.h>
#include <string.h>

#include "csvread.h"

/* Split one line in place; returns the number of fields. */
static int
split_line(char *s, char **f, int max)
{
	int n = 0;

	for (;;) {
		char *w;

		if (n == max)
			return n;
		if (*s == '"') {
			f[n++] = w = ++s;
			for (;;) {
				if (*s == '"' && s[1] == '"') {
					*w++ = '"';
					s += 2;
				} else if (*s == '"' || *s == '\0') {
					if (*s)
						s++;
					break;
				} else {
					*w++ = *s++;
				}
			}
			*w = '\0';
			/* skip to the separator */
			while (*s && *s != ',')
				s++;
		} else {
			f[n++] = s;
			s += strcspn(s, ",");
		}
		if (*s != ',') {
			*s = '\0';
			return n;
		}
		*s++ = '\0';
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
	free(c->head);
	free(c->text);
	free(c);
}

/*
 * Load `path`.  A last line without its newline (a row cut short by a
 * crash) is left out and *partial_at gets its offset (else -1).
 */
struct csv *
csv_load(const char *path, long *partial_at)
{
	FILE *f = fopen(path, "r");
	struct csv *c;
	long size;
	char *p, *end;

	*partial_at = -1;
	if (!f)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c || fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0)
		goto fail;
	rewind(f);
	c->text = malloc((size_t)size + 1);
	if (!c->text || fread(c->text, 1, (size_t)size, f) != (size_t)size)
		goto fail;
	fclose(f);
	f = NULL;
	c->text[size] = '\0';
	end = c->text + size;
	if (size > 0 && end[-1] != '\n') {
		char *nl = strrchr(c->text, '\n');

		*partial_at = nl ? (long)(nl + 1 - c->text) : 0;
		end = nl ? nl + 1 : c->text;
		*end = '\0';
	}
	for (p = c->text; p < end && *p;) {
		char *nl = strchr(p, '\n'), **fields;
		int n;

		if (nl)
			*nl = '\0';
		if (*p) {
			fields = malloc(sizeof(char *) * CSV_MAX_FIELDS);
			if (!fields)
				goto fail;
			n = split_line(p, fields, CSV_MAX_FIELDS);
			if (!c->head) {
				c->head = fields;
				c->ncols = n;
			} else {
				char ***r = realloc(c->rows,
						    sizeof(char **) *
							    (c->nrows + 1));

				if (!r) {
					free(fields);
					goto fail;
				}
				c->rows = r;
				/* short rows: missing fields are empty */
				for (int k = n; k < c->ncols; k++)
					fields[k] = "";
				c->rows[c->nrows++] = fields;
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return c;
fail:
	if (f)
		fclose(f);
	csv_free(c);
	return NULL;
}

int
csv_col(const struct csv *c, const char *name)
{
	for (int i = 0; i < c->ncols; i++)
		if (strcmp(c->head[i], name) == 0)
			return i;
	return -1;
}

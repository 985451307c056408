/*
 * The results schema's writer (schema_write.h): the outputs derived from
 * the cells of schema.def's columns (schema_get.c computes them) and the
 * map's own counters: CSV, JSON, `run`'s table and summary, the resume
 * keys and meta.json's grid.  A field a row cannot have is NA (empty in
 * CSV, null in JSON, "NA" in the table), never 0.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "schema_get.h"
#include "schema_write.h"
#include "stats.h"
#include "timeline.h"

/*
 * The map counter columns of this grid (schema_own_set): room for every
 * counter of 64 maps (--impl takes at most 64).
 */
static char own_name[64 * MAP_OWN_COUNTERS_MAX][96];
static size_t n_own;

void
schema_own_set(const struct config *grid, size_t n)
{
	n_own = 0;
	for (size_t i = 0; i < n; i++)
		for (unsigned j = 0;
		     j < grid[i].ops->n_counters && j < MAP_OWN_COUNTERS_MAX;
		     j++) {
			char name[96];
			size_t k;

			snprintf(name, sizeof(name), "%s%s", SCHEMA_OWN_PREFIX,
				 grid[i].ops->counters[j].name);
			for (k = 0; k < n_own; k++)
				if (strcmp(own_name[k], name) == 0)
					break;
			if (k == n_own &&
			    n_own < sizeof(own_name) / sizeof(own_name[0]))
				snprintf(own_name[n_own++], sizeof(own_name[0]),
					 "%s", name);
		}
}

size_t
schema_width(void)
{
	return schema_ncolumns + n_own;
}

const char *
schema_name(size_t k)
{
	return k < schema_ncolumns ? schema_columns[k].name
				   : own_name[k - schema_ncolumns];
}

/* A map's own counter: NA unless this map has it. */
static void
get_own(const struct config *c, const struct result *r, const char *col,
	struct col_val *v)
{
	const char *name = col + strlen(SCHEMA_OWN_PREFIX);

	v->na = true;
	for (unsigned i = 0; i < c->ops->n_counters && i < MAP_OWN_COUNTERS_MAX;
	     i++)
		if (strcmp(c->ops->counters[i].name, name) == 0) {
			v->na = !r->have_stats;
			v->u = r->stats.own[i];
		}
}

static const struct column own_col = {
	"own", "", COL_UINT, AGG_MEDIAN, COL_COUNTER, NULL, NULL, 0, NULL,
};

/* The descriptor of written column k (own ones share one). */
static const struct column *
col_of(size_t k)
{
	return k < schema_ncolumns ? &schema_columns[k] : &own_col;
}

static void
cell_value(size_t k, const struct config *c, const struct result *r,
	   struct col_val *v)
{
	memset(v, 0, sizeof(*v) - sizeof(v->s));
	v->s[0] = '\0';
	if (k < schema_ncolumns)
		schema_get(k, c, r, v);
	else
		get_own(c, r, own_name[k - schema_ncolumns], v);
}

static void
format_value(const struct column *col, const struct col_val *v, const char *fmt,
	     char *buf, size_t len)
{
	if (v->na) {
		buf[0] = '\0';
		return;
	}
	switch (col->type) {
	case COL_TEXT:
		snprintf(buf, len, "%s", v->s);
		break;
	case COL_UINT:
	case COL_SEED:
		snprintf(buf, len, "%" PRIu64, v->u);
		break;
	case COL_REAL:
		snprintf(buf, len, fmt ? fmt : "%.6g", v->d);
		break;
	}
}

void
schema_cell(size_t k, const struct config *c, const struct result *r, char *buf,
	    size_t len)
{
	struct col_val v;

	cell_value(k, c, r, &v);
	format_value(col_of(k), &v, col_of(k)->fmt, buf, len);
}

/* The cells of the columns with any of `flags`, joined by '|'. */
static void
key_of(const struct config *c, unsigned flags, char *buf, size_t len)
{
	struct result r;
	size_t n = 0;
	char cell[256];

	memset(&r, 0, sizeof(r));
	buf[0] = '\0';
	for (size_t k = 0; k < schema_ncolumns && n < len; k++) {
		if (!(schema_columns[k].flags & flags))
			continue;
		schema_cell(k, c, &r, cell, sizeof(cell));
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      cell);
	}
}

void
schema_row_key(const struct config *c, char *buf, size_t len)
{
	key_of(c, COL_CONFIG | COL_REP, buf, len);
}

void
schema_config_key(const struct config *c, char *buf, size_t len)
{
	key_of(c, COL_CONFIG, buf, len);
}

int
schema_config_key_cells(const char *const *head, const char *const *cells,
			size_t ncells, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < schema_ncolumns; k++) {
		size_t i;

		if (!(schema_columns[k].flags & COL_CONFIG))
			continue;
		for (i = 0; i < ncells; i++)
			if (strcmp(head[i], schema_columns[k].name) == 0)
				break;
		if (i == ncells)
			return -1;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "|" : "",
				      cells[i]);
		if (n >= len)
			return -1;
	}
	return 0;
}

bool
schema_header_is(const char *const *head, size_t ncells)
{
	if (ncells != schema_width())
		return false;
	for (size_t k = 0; k < ncells; k++)
		if (strcmp(head[k], schema_name(k)))
			return false;
	return true;
}

json_t *
schema_grid_json(const struct config *grid, size_t n)
{
	json_t *j = json_object();
	struct result r;
	char cell[SCHEMA_CELL_MAX];

	memset(&r, 0, sizeof(r));
	for (size_t k = 0; k < schema_ncolumns; k++) {
		json_t *a;
		size_t m;

		if (!(schema_columns[k].flags & (COL_CONFIG | COL_PLAN)))
			continue;
		a = json_array();
		for (size_t i = 0; i < n; i++) {
			json_t *x;

			schema_cell(k, &grid[i], &r, cell, sizeof(cell));
			x = cell[0] ? json_string(cell) : json_null();
			for (m = 0; m < json_array_size(a); m++)
				if (json_equal(json_array_get(a, m), x))
					break;
			if (m == json_array_size(a))
				json_array_append(a, x);
			json_decref(x);
		}
		json_object_set_new(j, schema_columns[k].name, a);
	}
	return j;
}

json_t *
schema_counters_json(const struct config *grid, size_t n)
{
	static const char *const kind[] = {"events", "level"};
	json_t *j = json_object();

	for (size_t i = 0; i < n; i++) {
		const struct map_ops *ops = grid[i].ops;
		json_t *a;

		if (!ops->n_counters || json_object_get(j, ops->name))
			continue;
		a = json_array();
		for (unsigned k = 0;
		     k < ops->n_counters && k < MAP_OWN_COUNTERS_MAX; k++) {
			const struct map_counter *mc = &ops->counters[k];
			json_t *o = json_object();
			char col[96];

			snprintf(col, sizeof(col), "%s%s", SCHEMA_OWN_PREFIX,
				 mc->name);
			json_object_set_new(o, "column", json_string(col));
			json_object_set_new(o, "unit", json_string(mc->unit));
			json_object_set_new(
				o, "kind",
				json_string(
					kind[mc->kind == MAP_COUNTER_LEVEL]));
			json_object_set_new(o, "help", json_string(mc->help));
			json_array_append_new(a, o);
		}
		json_object_set_new(j, ops->name, a);
	}
	return j;
}

int
schema_csv_header(FILE *f)
{
	for (size_t k = 0; k < schema_width(); k++)
		if (fprintf(f, "%s%s", k ? "," : "", schema_name(k)) < 0)
			return -1;
	return fputc('\n', f) == EOF ? -1 : 0;
}

int
schema_csv_row(FILE *f, const struct config *c, const struct result *r)
{
	char cell[SCHEMA_CELL_MAX];

	for (size_t k = 0; k < schema_width(); k++) {
		schema_cell(k, c, r, cell, sizeof(cell));
		if (fprintf(f, "%s%s", k ? "," : "", cell) < 0)
			return -1;
	}
	return fputc('\n', f) == EOF ? -1 : 0;
}

static json_t *
json_value(const struct column *col, const struct col_val *v)
{
	char buf[32];

	if (v->na)
		return json_null();
	switch (col->type) {
	case COL_TEXT:
		return json_string(v->s);
	case COL_UINT:
		if (v->u <= (uint64_t)INT64_MAX)
			return json_integer((json_int_t)v->u);
		/* a JSON integer past int64 would round */
		/* fall through */
	case COL_SEED:
		snprintf(buf, sizeof(buf), "%" PRIu64, v->u);
		return json_string(buf);
	case COL_REAL:
		return isfinite(v->d) ? json_real(v->d) : json_null();
	}
	return json_null();
}

int
schema_json(FILE *f, const struct config *cs, const struct result *rs,
	    const bool *done, size_t n)
{
	json_t *arr = json_array();
	struct col_val v;
	int rc;

	if (arr == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		json_t *o;

		if (!done[i])
			continue;
		o = json_object();
		for (size_t k = 0; k < schema_width(); k++) {
			cell_value(k, &cs[i], &rs[i], &v);
			json_object_set_new(o, schema_name(k),
					    json_value(col_of(k), &v));
		}
		json_array_append_new(arr, o);
	}
	rc = json_dumpf(arr, f,
			JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				JSON_REAL_PRECISION(15));
	json_decref(arr);
	if (rc || fputc('\n', f) == EOF)
		return -1;
	return 0;
}

/* Table formats: fewer digits than the CSV's. */
static const char *
table_fmt(const struct column *col)
{
	if (col->type != COL_REAL)
		return NULL;
	if (strcmp(col->name, "mops") == 0)
		return "%.2f";
	if (strstr(col->name, "_ns") || strstr(col->name, "ns_per_") ||
	    strcmp(col->name, "hit_pct") == 0)
		return "%.1f";
	return "%.3g";
}

/* Print rows of cells aligned; text columns left-aligned. */
static int
print_aligned(FILE *f, char **cells, size_t rows, size_t ncols,
	      const char *const *head, const bool *left)
{
	size_t *w = calloc(ncols, sizeof(size_t));

	if (w == NULL)
		return -1;
	for (size_t k = 0; k < ncols; k++)
		w[k] = strlen(head[k]);
	for (size_t i = 0; i < rows; i++)
		for (size_t k = 0; k < ncols; k++)
			if (strlen(cells[i * ncols + k]) > w[k])
				w[k] = strlen(cells[i * ncols + k]);
	for (size_t i = 0; i <= rows; i++)
		for (size_t k = 0; k < ncols; k++) {
			const char *s =
				i ? cells[(i - 1) * ncols + k] : head[k];

			if (fprintf(f, left[k] ? "%-*s%s" : "%*s%s", (int)w[k],
				    s, k + 1 < ncols ? "  " : "\n") < 0) {
				free(w);
				return -1;
			}
		}
	free(w);
	return 0;
}

int
schema_table(FILE *f, const struct config *cs, const struct result *rs,
	     const bool *done, size_t n, unsigned ncpus)
{
	const char *head[64];
	bool left[64];
	size_t cols[64], nc = 0, rows = 0;
	char **cells;
	bool over = false;
	int rc = 0;

	for (size_t k = 0; k < schema_ncolumns && nc < 64; k++)
		if (schema_columns[k].flags & COL_TABLE) {
			cols[nc] = k;
			head[nc] = schema_columns[k].head;
			left[nc] = schema_columns[k].type == COL_TEXT;
			nc++;
		}
	cells = calloc((n ? n : 1) * nc, sizeof(char *));
	if (cells == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!done[i])
			continue;
		for (size_t j = 0; j < nc; j++) {
			const struct column *col = &schema_columns[cols[j]];
			struct col_val v;
			char buf[256];

			cell_value(cols[j], &cs[i], &rs[i], &v);
			format_value(col, &v, table_fmt(col), buf, sizeof(buf));
			if (v.na)
				snprintf(buf, sizeof(buf), "NA");
			if (strcmp(col->name, "threads") == 0 &&
			    rs[i].oversubscribed)
				strcat(buf, "*");
			cells[rows * nc + j] = strdup(buf);
			if (cells[rows * nc + j] == NULL)
				rc = -1;
		}
		over |= rs[i].oversubscribed;
		rows++;
	}
	if (rc == 0)
		rc = print_aligned(f, cells, rows, nc, head, left);
	if (rc == 0 && over &&
	    fprintf(f,
		    "* oversubscribed: more threads than the %u CPUs "
		    "allowed\n",
		    ncpus) < 0)
		rc = -1;
	for (size_t i = 0; i < rows * nc; i++)
		free(cells[i]);
	free(cells);
	return rc;
}

/* Same configuration (every COL_CONFIG cell equal)? */
static bool
same_config(const struct config *a, const struct config *b)
{
	struct result r;
	char x[256], y[256];

	memset(&r, 0, sizeof(r));
	for (size_t k = 0; k < schema_ncolumns; k++) {
		if (!(schema_columns[k].flags & COL_CONFIG))
			continue;
		schema_cell(k, a, &r, x, sizeof(x));
		schema_cell(k, b, &r, y, sizeof(y));
		if (strcmp(x, y))
			return false;
	}
	return true;
}

static bool
row_ok(const struct result *r)
{
	return r->status[0] == '\0' || strcmp(r->status, "ok") == 0;
}

int
schema_summary(FILE *f, const struct config *cs, const struct result *rs,
	       const bool *done, size_t n)
{
	const char *head[64];
	bool left[64];
	size_t cols[64], nid = 0, nc, rows = 0, not_ok = 0;
	char **cells = NULL;
	bool *seen = calloc(n ? n : 1, sizeof(bool));
	double *v = calloc(n ? n : 1, sizeof(double));
	int rc = -1;

	for (size_t k = 0; k < schema_ncolumns && nid < 60; k++)
		if ((schema_columns[k].flags & (COL_ID | COL_TABLE)) ==
		    (COL_ID | COL_TABLE)) {
			cols[nid] = k;
			head[nid] = schema_columns[k].head;
			left[nid] = schema_columns[k].type == COL_TEXT;
			nid++;
		}
	nc = nid + 4;
	head[nid] = "reps";
	head[nid + 1] = "median Mops/s";
	head[nid + 2] = "min-max";
	head[nid + 3] = "cv%";
	for (size_t j = nid; j < nc; j++)
		left[j] = false;
	cells = calloc((n ? n : 1) * nc, sizeof(char *));
	if (!cells || !seen || !v)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t m = 0;
		double sum = 0, sq = 0, mean, med;
		char buf[256];

		if (!done[i] || seen[i])
			continue;
		if (!row_ok(&rs[i])) {
			not_ok++;
			seen[i] = true;
			continue;
		}
		for (size_t j = i; j < n; j++) {
			if (!done[j] || seen[j] || !row_ok(&rs[j]) ||
			    !same_config(&cs[i], &cs[j]))
				continue;
			seen[j] = true;
			v[m] = schema_mops(&rs[j]);
			sum += v[m++];
		}
		stats_sort(v, m);
		mean = sum / (double)m;
		for (size_t j = 0; j < m; j++)
			sq += (v[j] - mean) * (v[j] - mean);
		med = stats_median_sorted(v, m);
		for (size_t j = 0; j < nid; j++) {
			schema_cell(cols[j], &cs[i], &rs[i], buf, sizeof(buf));
			cells[rows * nc + j] = strdup(buf[0] ? buf : "NA");
		}
		snprintf(buf, sizeof(buf), "%zu", m);
		cells[rows * nc + nid] = strdup(buf);
		snprintf(buf, sizeof(buf), "%.2f", med);
		cells[rows * nc + nid + 1] = strdup(buf);
		snprintf(buf, sizeof(buf), "%.2f-%.2f", v[0], v[m - 1]);
		cells[rows * nc + nid + 2] = strdup(buf);
		snprintf(buf, sizeof(buf), "%.1f",
			 mean > 0 && m > 1
				 ? 100 * sqrt(sq / (double)(m - 1)) / mean
				 : 0);
		cells[rows * nc + nid + 3] = strdup(buf);
		rows++;
	}
	for (size_t i = 0; i < rows * nc; i++)
		if (cells[i] == NULL)
			goto out;
	if (fprintf(f, "\nsummary over repetitions (ok rows only):\n") < 0)
		goto out;
	rc = print_aligned(f, cells, rows, nc, head, left);
	if (rc == 0 && not_ok &&
	    fprintf(f, "(%zu rows not ok left out)\n", not_ok) < 0)
		rc = -1;
out:
	if (cells)
		for (size_t i = 0; i < rows * nc; i++)
			free(cells[i]);
	free(cells);
	free(seen);
	free(v);
	return rc;
}

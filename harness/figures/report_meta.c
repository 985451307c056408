/*
 * report_meta: the sweep page's Machine and Method sections from
 * meta.json (the machine, the grid the sweep ran, each option with its
 * column), and the list of metrics with their units.
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
#include "report_html.h"
#include "report_meta.h"
#include "report_tsv.h"
#include "schema.h"
#include "sweepdir.h"

/* A grid value as text: an array's items joined by ", "; NULL: none. */
static char *
grid_values(json_t *v)
{
	char *s = NULL;
	size_t len = 0, i;
	json_t *e;

	if (json_is_null(v) || (json_is_array(v) && json_array_size(v) == 0))
		return NULL;
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (!json_is_array(v))
		return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	json_array_foreach(v, i, e)
	{
		char *item =
			json_is_string(e) ? strdup(json_string_value(e))
			: json_is_null(e)
				? strdup("NA")
				: json_dumps(e, JSON_ENCODE_ANY | JSON_COMPACT);
		char *ns;

		if (!item)
			continue;
		ns = realloc(s, len + strlen(item) + 3);
		if (!ns) {
			free(item);
			continue;
		}
		s = ns;
		len += (size_t)sprintf(s + len, "%s%s", len ? ", " : "", item);
		free(item);
	}
	return s;
}

/* A map's own counter's unit, from meta.json's "counters"; "" if none. */
static const char *
own_unit(json_t *meta, const char *column)
{
	const char *map, *unit = "";
	json_t *a, *e;
	size_t i;

	json_object_foreach(json_object_get(meta, "counters"), map, a)
	{
		json_array_foreach(a, i, e)
		{
			const char *c = json_string_value(
					   json_object_get(e, "column")),
				   *u = json_string_value(
					   json_object_get(e, "unit"));

			if (c && u && strcmp(c, column) == 0) {
				if (unit[0] && strcmp(unit, u))
					return "(differs by map)";
				unit = u;
			}
		}
	}
	return unit;
}

/* meta.json: machine and build rows, command line, the sweep's grid. */
void
report_write_meta(FILE *f, json_t *meta)
{
	char buf[1024];
	json_t *o, *v;
	const char *k;
	bool by_column;

	fputs("<h2 id=machine>Machine and build</h2>\n", f);
	if (!meta) {
		fputs("<p class=warn>No meta.json beside results.csv: the "
		      "machine is unknown.</p>\n",
		      f);
		return;
	}
	fputs("<div class=scroll><table class=kv>\n", f);
	for (int r = 0; sweepdir_machine_rows[r].label; r++) {
		sweepdir_meta_value(meta, sweepdir_machine_rows[r].path, buf,
				    sizeof(buf));
		if (!buf[0])
			continue;
		fprintf(f, "<tr><th>%s</th><td>",
			sweepdir_machine_rows[r].label);
		report_html_escape(f, buf);
		fputs("</td></tr>\n", f);
	}
	fputs("</table></div>\n<h2 id=method>Method</h2>\n", f);
	sweepdir_meta_value(meta, "command_line", buf, sizeof(buf));
	if (buf[0]) {
		fputs("<p>Command: <code>", f);
		report_html_escape(f, buf);
		fputs("</code></p>\n", f);
	}
	o = json_object_get(meta, "grid");
	if (!json_is_object(o)) {
		fputs("<p class=warn>meta.json has no \"grid\": the sweep's "
		      "settings are unknown.</p>\n",
		      f);
		return;
	}
	/* Since results schema 3 the grid is keyed by the schema's columns. */
	by_column = json_integer_value(json_object_get(o, "schema")) >= 3;
	if (by_column)
		fputs("<p>The sweep's grid: every combination of these values "
		      "was measured, the same way (each value is a column of "
		      "every row of results.csv).</p>\n<div class=scroll>"
		      "<table class=kv>\n<tr><th>option</th><th>column</th>"
		      "<th>values</th></tr>\n",
		      f);
	else
		fputs("<p>The sweep's grid, by option (an older mapbench: "
		      "every combination was measured; repeat: the repetitions "
		      "of each):</p>\n<div class=scroll><table class=kv>\n",
		      f);
	json_object_foreach(o, k, v)
	{
		const struct column *col = by_column ? schema_find(k) : NULL;
		char *s = grid_values(v);

		if (strcmp(k, "schema") == 0 || !s)
			goto next;
		fputs("<tr><th>", f);
		report_html_escape(f, col && col->opt ? col->opt : k);
		fputs("</th><td>", f);
		if (by_column) {
			report_html_escape(f, col ? col->name : "");
			if (col && col->flags & COL_METHOD)
				fputs(" (method)", f);
			else if (col && col->flags & COL_PLAN)
				fputs(" (repetitions)", f);
			fputs("</td><td>", f);
		}
		report_html_escape(f, s);
		fputs("</td></tr>\n", f);
	next:
		free(s);
	}
	fputs("</table></div>\n", f);
}

/*
 * Every metric of summary.tsv (its NAME_med columns: the figures' and
 * every other metric of results.csv, by the schema): its unit, which way
 * is better, and the range of its configuration medians.
 */
void
report_write_metrics(FILE *f, const struct tsv *s, json_t *meta)
{
	fputs("<h2 id=metrics>Every metric</h2>\n", f);
	if (!s->nrows) {
		fputs("<p class=warn>No configuration in summary.tsv.</p>\n",
		      f);
		return;
	}
	fputs("<p>Each metric's median per configuration is in summary.tsv "
	      "(NAME_med, _min, _max, _lo, _hi, _n); here the range of "
	      "those medians over the configurations that have it.</p>\n"
	      "<div class=scroll><table class=kv>\n<tr><th>metric</th>"
	      "<th>unit</th><th>better</th><th>configurations</th>"
	      "<th>medians</th></tr>\n",
	      f);
	for (size_t c = 0; c < s->ncols; c++) {
		const char *h = s->head[c];
		size_t n = strlen(h), have = 0;
		char name[128], lo[32], hi[32];
		const struct column *col;
		double mn = INFINITY, mx = -INFINITY;
		int dir;

		if (n < 5 || strcmp(h + n - 4, "_med") || n - 4 >= sizeof(name))
			continue;
		memcpy(name, h, n - 4);
		name[n - 4] = '\0';
		for (size_t r = 0; r < s->nrows; r++) {
			char *end;
			double x = strtod(s->f[r * s->ncols + c], &end);

			if (end == s->f[r * s->ncols + c] || *end || isnan(x))
				continue;
			have++;
			mn = x < mn ? x : mn;
			mx = x > mx ? x : mx;
		}
		col = schema_find(figure_metric_csv(name));
		dir = schema_direction(figure_metric_csv(name));
		fputs("<tr><th>", f);
		report_html_escape(f, name);
		fputs("</th><td>", f);
		report_html_escape(f, col ? col->unit : own_unit(meta, name));
		fprintf(f, "</td><td>%s</td><td>%zu</td><td>",
			dir > 0	  ? "higher"
			: dir < 0 ? "lower"
				  : "",
			have);
		if (have) {
			report_sig(lo, sizeof(lo), mn, 3);
			report_sig(hi, sizeof(hi), mx, 3);
			fprintf(f, "%s &ndash; %s", lo, hi);
		} else
			fputs("NA", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

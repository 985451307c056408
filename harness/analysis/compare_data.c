/*
 * compare_data: the comparison itself.  Load each input (a sweep
 * directory, or one map's rows of a sweep with --impl), choose the
 * columns that tell configurations apart, say where the inputs' methods
 * differ, match the rows into configurations (one sample per input
 * column), and analyse each configuration: median and interval per
 * column, ratio to the first column with its interval and the
 * Mann-Whitney test, and a verdict.  Bad input ends here with one
 * message and exit status 2 (compare_bad).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "compare_data.h"
#include "xalloc.h"
#include "compare_id.h"
#include "stats.h"
#include "sweepdir.h"

/* ---------------------------------------------------------------- */
/* the comparison */

void
compare_bad(const char *fmt, ...)
{
	va_list ap;

	fputs("mapbench: compare: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void *
compare_xcalloc(size_t n, size_t size)
{
	return xalloc_calloc(n, size, "compare");
}

void *
compare_xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		fprintf(stderr, "mapbench: compare: out of memory\n");
		exit(1);
	}
	return p;
}

char *
compare_xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		fprintf(stderr, "mapbench: compare: out of memory\n");
		exit(1);
	}
	return d;
}

static uint64_t
fnv(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static struct config *
find_config(struct cmp *c, const char *key, bool *created)
{
	size_t i;

	*created = false;
	if ((c->ncfg + 1) * 2 > c->hcap) {
		size_t ncap = c->hcap ? c->hcap * 2 : 1024;
		size_t *nh = compare_xcalloc(ncap, sizeof(*nh));

		for (size_t k = 0; k < c->ncfg; k++) {
			i = fnv(c->cfg[k].key) & (ncap - 1);
			while (nh[i])
				i = (i + 1) & (ncap - 1);
			nh[i] = k + 1;
		}
		free(c->hash);
		c->hash = nh;
		c->hcap = ncap;
	}
	i = fnv(key) & (c->hcap - 1);
	while (c->hash[i]) {
		struct config *g = &c->cfg[c->hash[i] - 1];

		if (strcmp(g->key, key) == 0)
			return g;
		i = (i + 1) & (c->hcap - 1);
	}
	if (c->ncfg == c->cfgcap) {
		c->cfgcap = c->cfgcap ? c->cfgcap * 2 : 256;
		c->cfg = compare_xrealloc(c->cfg, c->cfgcap * sizeof(*c->cfg));
	}
	c->hash[i] = c->ncfg + 1;
	*created = true;
	memset(&c->cfg[c->ncfg], 0, sizeof(c->cfg[0]));
	c->cfg[c->ncfg].key = compare_xstrdup(key);
	c->cfg[c->ncfg].seq = c->ncfg;
	return &c->cfg[c->ncfg++];
}

void
compare_load_source(struct cmp *c, struct source *s, const char *arg)
{
	char path[4200], err[512];
	struct stat st;
	json_error_t jerr;

	if (stat(arg, &st))
		compare_bad("%s: %s", arg, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		snprintf(s->dir, sizeof(s->dir), "%s", arg);
		snprintf(path, sizeof(path), "%s/results.csv", arg);
	} else {
		char tmp[4096];

		snprintf(tmp, sizeof(tmp), "%s", arg);
		snprintf(s->dir, sizeof(s->dir), "%s", dirname(tmp));
		snprintf(path, sizeof(path), "%s", arg);
	}
	if (sweep_csv_load(path, &s->csv, err, sizeof(err)))
		compare_bad("%s", err);
	if (stat(path, &st) == 0) {
		s->dev = st.st_dev;
		s->ino = st.st_ino;
		for (struct source *o = c->src; o < s; o++)
			if (o->dev == s->dev && o->ino == s->ino)
				fprintf(stderr,
					"mapbench compare: warning: %s is the "
					"same results.csv as %s: a sweep "
					"compared with itself\n",
					arg, o->dir);
	}
	snprintf(path, sizeof(path), "%s/meta.json", s->dir);
	if (access(path, F_OK) == 0) {
		json_t *v;

		s->meta = json_load_file(path, 0, &jerr);
		if (!s->meta || !json_is_object(s->meta))
			compare_bad("%s:%d: %s", path, jerr.line,
				    s->meta ? "not a JSON object" : jerr.text);
		v = json_object_get(s->meta, "schema");
		if (v && (!json_is_integer(v) || json_integer_value(v) < 1 ||
			  json_integer_value(v) > COMPARE_SCHEMA_MAX)) {
			char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

			compare_bad("%s: \"schema\" is %s; this mapbench reads "
				    "sweeps "
				    "of schema 1 to %d",
				    path, t ? t : "?", COMPARE_SCHEMA_MAX);
		}
	}
	{
		/* the sweep's --precision: its column, else meta.json's */
		int pc = sweep_csv_col(&s->csv, "precision_pct");
		json_t *p = s->meta ? json_object_get(
					      json_object_get(s->meta, "grid"),
					      "precision")
				    : NULL;
		const char *v = pc >= 0 && s->csv.nrows
					? sweep_csv_get(&s->csv, 0, pc)
				: json_is_string(p) ? json_string_value(p)
						    : "";

		s->precision =
			v[0] && strcmp(v, "off") ? strtod(v, NULL) / 100 : 0;
	}
	for (int k = 0; compare_identity()[k]; k++)
		if (sweep_csv_col(&s->csv, compare_identity()[k]) < 0)
			compare_append(s->missing, sizeof(s->missing), "%s%s",
				       s->missing[0] ? ", " : "",
				       compare_identity()[k]);
	if (sweep_csv_col(&s->csv, "rep") < 0)
		compare_append(s->missing, sizeof(s->missing), "%srep",
			       s->missing[0] ? ", " : "");
	s->metric_col = sweep_csv_col(&s->csv, c->metric);
	if (s->metric_col < 0)
		compare_bad("%s: no column '%s' (--metric)", arg, c->metric);
	s->status_col = sweep_csv_col(&s->csv, "status");
	s->impl_col = sweep_csv_col(&s->csv, "impl");
	for (int k = 0; k < c->nid; k++)
		s->idcol[k] = sweep_csv_col(&s->csv, compare_identity()[k]);
	if (s->impl_col < 0 && c->impls)
		compare_bad("%s: no column 'impl' (--impl)", arg);
}

/*
 * Name the identity columns an input lacks (said once the input is known
 * to be good, so that bad input still gets one line).
 */
void
compare_note_missing(const struct cmp *c)
{
	for (int i = 0; i < c->nsrc; i++)
		if (c->src[i].missing[0])
			fprintf(stderr,
				"mapbench compare: %s: results.csv has no "
				"column %s: rows are told apart without it%s\n",
				c->src[i].dir, c->src[i].missing,
				strstr(c->src[i].missing, "rep")
					? " (and duplicated rows cannot be "
					  "found without rep)"
					: "");
}

/* Does column k take more than one value among the rows of source s? */
static bool
varies_in(const struct source *s, int k, const char **first)
{
	const char *v0 = NULL;

	for (size_t r = 0; r < s->csv.nrows; r++) {
		const char *v = sweep_csv_get(&s->csv, r, s->idcol[k]);

		if (!v0)
			v0 = v;
		else if (strcmp(v, v0))
			return true;
	}
	*first = v0 ? v0 : "";
	return false;
}

void
compare_append(char *buf, size_t len, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
}

/* Which identity columns tell configurations apart; method warnings. */
void
compare_choose_identity(struct cmp *c)
{
	for (int k = 0; k < c->nid; k++) {
		bool any = false, vary = false, differ = false;
		const char *v0 = NULL;

		if (k == 0) /* impl: the group, or the column with --impl */
			continue;
		for (int i = 0; i < c->nsrc; i++) {
			const char *first;

			if (c->src[i].idcol[k] >= 0)
				any = true;
			if (varies_in(&c->src[i], k, &first))
				vary = true;
			else if (!v0)
				v0 = first;
			else if (strcmp(v0, first))
				differ = true;
		}
		if (!any)
			continue;
		if (!compare_method_col(compare_identity()[k]) || vary) {
			c->active[k] = true;
			continue;
		}
		if (differ) {
			compare_append(c->warn, sizeof(c->warn), "%s%s (",
				       c->warn[0] ? "; " : "",
				       compare_identity()[k]);
			for (int i = 0; i < c->nin; i++) {
				const struct source *s = &c->src[c->in[i].src];
				const char *first = "";

				if (i && c->in[i].src == c->in[i - 1].src)
					continue;
				varies_in(s, k, &first);
				compare_append(c->warn, sizeof(c->warn),
					       "%s%s %s", i ? ", " : "",
					       c->in[i].label,
					       first[0] ? first : "none");
			}
			compare_append(c->warn, sizeof(c->warn), ")");
		}
	}
}

/*
 * What meta.json says differs between sources: the build settings and
 * the plugin libraries.  The method itself is in every row (the schema's
 * COL_METHOD columns, choose_identity).
 */
void
compare_method_warnings(struct cmp *c)
{
	static const char *const keys[] = {"build.build_type", "build.cflags",
					   "build.allocator", "grid.impl-lib",
					   NULL};

	if (c->nsrc < 2)
		return;
	for (const char *const *k = keys; *k; k++) {
		char *v0 = NULL;
		bool differ = false;

		for (int i = 0; i < c->nsrc; i++) {
			json_t *v = sweepdir_meta_get(c->src[i].meta, *k);
			char *s = v ? json_dumps(v,
						 JSON_ENCODE_ANY | JSON_COMPACT)
				    : compare_xstrdup("none");

			if (!v0)
				v0 = s;
			else {
				differ |= strcmp(v0, s) != 0;
				free(s);
			}
		}
		free(v0);
		if (differ)
			compare_append(c->warn, sizeof(c->warn), "%s%s",
				       c->warn[0] ? "; " : "",
				       strchr(*k, '.') + 1);
	}
}

void
compare_add_rows(struct cmp *c)
{
	size_t keylen = 4096;
	char *key = compare_xcalloc(keylen, 1);

	for (int ii = 0; ii < c->nin; ii++) {
		struct input *in = &c->in[ii];
		struct source *s = &c->src[in->src];

		for (size_t r = 0; r < s->csv.nrows; r++) {
			const char *impl =
				sweep_csv_get(&s->csv, r, s->impl_col);
			const char *v, *status;
			struct config *g;
			struct cell *cl;
			bool created;
			char *end;
			double x;
			size_t n = 0;

			if (in->impl && strcmp(impl, in->impl))
				continue;
			in->rows++;
			key[0] = '\0';
			n = (size_t)snprintf(key, keylen, "%s",
					     in->impl ? "" : impl);
			for (int k = 1; k < c->nid; k++) {
				if (!c->active[k])
					continue;
				v = sweep_csv_get(&s->csv, r, s->idcol[k]);
				if (n + strlen(v) + 2 >= keylen) {
					keylen = (n + strlen(v) + 2) * 2;
					key = compare_xrealloc(key, keylen);
				}
				n += (size_t)snprintf(key + n, keylen - n,
						      "\x1f%s", v);
			}
			g = find_config(c, key, &created);
			if (created) {
				g->val = compare_xcalloc((size_t)c->nid,
							 sizeof(*g->val));
				for (int k = 0; k < c->nid; k++)
					g->val[k] =
						c->active[k]
							? sweep_csv_get(
								  &s->csv, r,
								  s->idcol[k])
							: "";
				g->group = in->impl ? "" : impl;
				g->cell = compare_xcalloc((size_t)c->nin,
							  sizeof(*g->cell));
			}
			cl = &g->cell[ii];
			cl->present = true;
			status = sweep_csv_get(&s->csv, r, s->status_col);
			if (!sweepdir_status_ok(status)) {
				in->not_ok++;
				continue;
			}
			v = sweep_csv_get(&s->csv, r, s->metric_col);
			if (!v[0]) {
				in->na++;
				continue;
			}
			errno = 0;
			x = strtod(v, &end);
			if (end == v || *end || errno || !isfinite(x))
				compare_bad("%s:%ld: %s '%s' is not a number",
					    in->arg, s->csv.line[r], c->metric,
					    v);
			if (cl->n == cl->cap) {
				cl->cap = cl->cap ? cl->cap * 2 : 8;
				cl->x = compare_xrealloc(
					cl->x, cl->cap * sizeof(*cl->x));
			}
			cl->x[cl->n++] = x;
		}
		if (in->impl && in->rows == 0)
			compare_bad("--impl: no rows of '%s' in %s", in->impl,
				    c->src[in->src].dir);
	}
	free(key);
}

/* Numbers as numbers, the rest as text; empty first. */
static int
cmp_value(const char *a, const char *b)
{
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);

	if (a[0] && b[0] && !*ea && !*eb && x != y)
		return x < y ? -1 : 1;
	return strcmp(a, b);
}

/* By group (first seen), then by the identity columns in order. */
static int
cmp_configs(const void *pa, const void *pb, void *arg)
{
	const struct config *a = pa, *b = pb;
	const struct cmp *c = arg;
	size_t ga = 0, gb = 0;

	for (size_t i = 0; i < c->ngroups; i++) {
		if (strcmp(c->groups[i], a->group) == 0)
			ga = i;
		if (strcmp(c->groups[i], b->group) == 0)
			gb = i;
	}
	if (ga != gb)
		return ga < gb ? -1 : 1;
	for (int k = 1; k < c->nid; k++) {
		int d = cmp_value(a->val[k], b->val[k]);

		if (d)
			return d;
	}
	return (a->seq > b->seq) - (a->seq < b->seq);
}

void
compare_analyse(struct cmp *c)
{
	int tcol = -1;

	for (int k = 0; k < c->nid; k++)
		if (strcmp(compare_identity()[k], "threads") == 0)
			tcol = k;
	/* groups in first-seen order, then configurations by group */
	for (size_t i = 0; i < c->ncfg; i++) {
		bool seen = false;

		for (size_t g = 0; g < c->ngroups && !seen; g++)
			seen = strcmp(c->groups[g], c->cfg[i].group) == 0;
		if (!seen) {
			c->groups = compare_xrealloc(
				c->groups, (c->ngroups + 1) * sizeof(char *));
			c->groups[c->ngroups++] = (char *)c->cfg[i].group;
		}
	}
	qsort_r(c->cfg, c->ncfg, sizeof(*c->cfg), cmp_configs, c);
	free(c->hash);
	c->hash = NULL;
	for (int k = 1; k < c->nid; k++) {
		c->varies[k] = false;
		for (size_t i = 1; i < c->ncfg && c->active[k]; i++)
			if (strcmp(c->cfg[i].val[k], c->cfg[0].val[k])) {
				c->varies[k] = true;
				break;
			}
	}
	(void)tcol;
	/* mix repeats read_pct where read_pct varies */
	for (int k = 1; k < c->nid; k++)
		if (strcmp(compare_identity()[k], "read_pct") == 0 &&
		    c->varies[k])
			for (int m = 1; m < c->nid; m++)
				if (strcmp(compare_identity()[m], "mix") == 0)
					c->hidden[m] = true;
	for (size_t i = 0; i < c->ncfg; i++) {
		struct config *g = &c->cfg[i];
		struct cell *base = &g->cell[0];

		for (int j = 0; j < c->nin; j++) {
			struct cell *cl = &g->cell[j];

			if (stats_summarize(cl->x, cl->n, 0.95, &cl->sum))
				compare_bad("out of memory");
			cl->spread = stats_inner_spread(cl->x, cl->n);
			if (j == 0)
				continue;
			cl->verdict = VERDICT_NONE;
			if (stats_mann_whitney(base->x, base->n, cl->x, cl->n,
					       &cl->test) ||
			    stats_ratio(base->x, base->n, cl->x, cl->n,
					1 - c->alpha, &cl->ratio))
				compare_bad("out of memory");
			if (isnan(cl->test.p))
				continue;
			if (cl->spread > UNSTABLE_SPREAD ||
			    base->spread > UNSTABLE_SPREAD)
				cl->verdict = VERDICT_UNSTABLE;
			else if (cl->test.p < c->alpha)
				cl->verdict = VERDICT_SIG;
			else if (cl->test.min_p >= c->alpha)
				cl->verdict = VERDICT_TOO_FEW;
			else
				cl->verdict = VERDICT_SAME;
		}
	}
}

/* A row label: the identity values that vary, name=value. */
void
compare_row_label(const struct cmp *c, const struct config *g, char *buf,
		  size_t len, bool with_group)
{
	buf[0] = '\0';
	if (with_group && g->group[0])
		compare_append(buf, len, "%s", g->group);
	for (int k = 1; k < c->nid; k++) {
		if (!c->varies[k] || c->hidden[k] || !g->val[k][0])
			continue;
		/* a workload's name says what it is */
		if (strcmp(compare_identity()[k], "workload") == 0)
			compare_append(buf, len, "%s%s", buf[0] ? " " : "",
				       g->val[k]);
		else
			compare_append(buf, len, "%s%s=%s", buf[0] ? " " : "",
				       compare_identity()[k], g->val[k]);
	}
	if (!buf[0])
		compare_append(buf, len, "(all)");
}

void
compare_fmt_num(char *buf, size_t len, double x)
{
	double a = fabs(x);

	if (isnan(x))
		snprintf(buf, len, "-");
	else if (a >= 1e6 || (a < 1e-3 && a > 0))
		snprintf(buf, len, "%.3e", x);
	else if (a >= 1000)
		snprintf(buf, len, "%.0f", x);
	else
		snprintf(buf, len, "%.4g", x);
}

double
compare_pct(double ratio)
{
	return (ratio - 1) * 100;
}

int
compare_file_check(FILE *f, const char *path)
{
	if (fflush(f) || ferror(f)) {
		fprintf(stderr, "mapbench: compare: cannot write %s: %s\n",
			path, strerror(errno));
		fclose(f);
		return -1;
	}
	return fclose(f);
}

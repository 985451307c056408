/*
 * mapbench compare: sweeps side by side, with statistics.
 *
 *   mapbench compare [options] A B [C ...]     inputs: sweep directories
 *   mapbench compare [options] --impl X,Y DIR  maps within one sweep
 *
 * Each input column is a set of rows: a sweep directory (results.csv and
 * meta.json), or with --impl one map's rows of a single sweep.  Rows are
 * matched by the configuration they measured (compare_identity()[]);
 * each configuration's repetitions are one sample per column.  Per
 * configuration and column: the median with a distribution-free 95%
 * confidence interval; for every column after the first, the ratio of
 * medians to the first column with the interval that inverts the
 * Mann-Whitney U test, and that test's two-sided p.  A difference is
 * called significant when p < alpha; otherwise the cell says `~` and why
 * (p >= alpha, or too few repetitions for any p to reach alpha).  One
 * table per map (the `impl` column), closed by a geometric-mean row.
 *
 * Method columns (duration_s, warmup, ...) tell configurations apart only
 * when they vary inside one input; a value that is constant per input but
 * differs between inputs is a difference of method, and the header says
 * so instead of refusing to match.
 *
 * Exit status: 0; 1 when --threshold finds a significant regression; 2 for
 * bad input or options (one line on stderr, nothing written); 3 when the
 * plot could not be drawn because gnuplot is missing (results printed).
 *
 * All the statistics are in stats.c; the HTML helpers in report.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "compare.h"
#include "figures.h"
#include "gnuplot.h"
#include "map.h"
#include "report.h"
#include "schema.h"
#include "stats.h"
#include "sweepdir.h"

/*
 * The identity of a configuration: the schema's COL_CONFIG columns, in
 * its order ("impl" first), NULL-terminated.
 */
const char *const *
compare_identity(void)
{
	static const char *cols[COMPARE_MAX_ID + 1];

	if (!cols[0]) {
		size_t n = 0;

		for (size_t k = 0; k < schema_ncolumns && n < COMPARE_MAX_ID;
		     k++)
			if (schema_columns[k].flags & COL_CONFIG)
				cols[n++] = schema_columns[k].name;
	}
	return cols;
}

int
compare_method_col(const char *name)
{
	return schema_has(name, COL_METHOD);
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/*
 * Can `name` be compared as a measurement?  Not an identity column nor
 * one that names, orders or frames a row (rep, seed, status, ...).
 */
static bool
compare_metric_col(const char *name)
{
	static const char *const frame[] = {
		"rep",
		"seed",
		"status",
		"attempt",
		"started_unix",
		"latency_sample",
		"pinned",
		"ncpus",
		"oversubscribed",
		"clock",
		"map_counters",
		"interference_limit_pct",
		"settle_s",
		"timeline_slice_ms",
		"timeline_mops",
		"timeline_cpu",
		"drift",
		NULL,
	};

	if (schema_has(name, COL_CONFIG | COL_PLAN | COL_REP))
		return false;
	for (int k = 0; frame[k]; k++)
		if (strcmp(name, frame[k]) == 0)
			return false;
	return true;
}

int
compare_metric_direction(const char *metric)
{
	return schema_direction(metric);
}

/* ---------------------------------------------------------------- */
/* the comparison */

struct input {
	const char *arg;  /* as given */
	char label[4];	  /* A, B, ... */
	char name[256];	  /* the directory, or the impl with --impl */
	int src;	  /* index into the loaded sources */
	const char *impl; /* --impl: this column's map */
	size_t rows, not_ok, na;
};

struct source {
	char dir[4096];
	struct sweep_csv csv;
	json_t *meta;
	int metric_col, status_col, impl_col;
	int idcol[COMPARE_MAX_ID]; /* per compare_identity()[], or -1 */
	char missing[512];	   /* identity columns the file lacks */
	dev_t dev; /* of results.csv: the same file given twice */
	ino_t ino;
	double precision; /* meta.json's grid.precision (a share), or 0 */
};

struct cell {
	double *x;
	size_t n, cap;
	bool present; /* any row, whatever its status */
	struct stats_summary sum;
	struct stats_test test; /* vs column 0 */
	struct stats_ratio ratio;
	double spread; /* stats_inner_spread */
	int verdict;   /* VERDICT_* */
};

enum {
	VERDICT_NONE,	  /* column 0, or a side without data */
	VERDICT_SIG,	  /* significant */
	VERDICT_SAME,	  /* p >= alpha */
	VERDICT_TOO_FEW,  /* n too small for any p < alpha */
	VERDICT_UNSTABLE, /* a side's repetitions disagree: not compared */
};

/*
 * Repetitions that disagree this badly (stats_inner_spread: their inner
 * range over the median) make a configuration unstable: its median is a
 * draw between two behaviours, not a figure to compare.
 */
#define UNSTABLE_SPREAD 0.5

/* Resamples behind a geometric mean's interval. */
#define GEO_BOOT_ITERS 2000

struct config {
	const char **val; /* per identity column */
	const char *group;
	char *key;
	struct cell *cell; /* per input column */
	size_t seq;	   /* order of first appearance */
	int thread_panel;
};

struct cmp {
	/* options */
	const char *metric;
	int better; /* +1, -1, 0 */
	double alpha;
	double threshold; /* percent; < 0: none */
	enum { OUT_TEXT, OUT_CSV, OUT_JSON } format;
	const char *plot, *html, *impls;
	/* data */
	struct source *src;
	int nsrc;
	struct input *in;
	int nin;
	int nid;		     /* identity columns */
	bool active[COMPARE_MAX_ID]; /* tells configurations apart */
	bool varies[COMPARE_MAX_ID]; /* shown in row labels (not constant) */
	bool hidden[COMPARE_MAX_ID]; /* varies, but says what another column
					says */
	struct config *cfg;
	size_t ncfg, cfgcap;
	size_t *hash; /* open addressing: index + 1, 0 empty */
	size_t hcap;
	char warn[2048]; /* methods that differ */
	char **groups;
	size_t ngroups;
};

static void
bad(const char *fmt, ...)
{
	va_list ap;

	fputs("mapbench: compare: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p) {
		fprintf(stderr, "mapbench: compare: out of memory\n");
		exit(1);
	}
	return p;
}

static void *
xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		fprintf(stderr, "mapbench: compare: out of memory\n");
		exit(1);
	}
	return p;
}

static char *
xstrdup(const char *s)
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
		size_t *nh = xcalloc(ncap, sizeof(*nh));

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
		c->cfg = xrealloc(c->cfg, c->cfgcap * sizeof(*c->cfg));
	}
	c->hash[i] = c->ncfg + 1;
	*created = true;
	memset(&c->cfg[c->ncfg], 0, sizeof(c->cfg[0]));
	c->cfg[c->ncfg].key = xstrdup(key);
	c->cfg[c->ncfg].seq = c->ncfg;
	return &c->cfg[c->ncfg++];
}

static void append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
load_source(struct cmp *c, struct source *s, const char *arg)
{
	char path[4200], err[512];
	struct stat st;
	json_error_t jerr;

	if (stat(arg, &st))
		bad("%s: %s", arg, strerror(errno));
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
		bad("%s", err);
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
			bad("%s:%d: %s", path, jerr.line,
			    s->meta ? "not a JSON object" : jerr.text);
		v = json_object_get(s->meta, "schema");
		if (v && (!json_is_integer(v) || json_integer_value(v) < 1 ||
			  json_integer_value(v) > COMPARE_SCHEMA_MAX)) {
			char *t = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

			bad("%s: \"schema\" is %s; this mapbench reads sweeps "
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
			append(s->missing, sizeof(s->missing), "%s%s",
			       s->missing[0] ? ", " : "",
			       compare_identity()[k]);
	if (sweep_csv_col(&s->csv, "rep") < 0)
		append(s->missing, sizeof(s->missing), "%srep",
		       s->missing[0] ? ", " : "");
	s->metric_col = sweep_csv_col(&s->csv, c->metric);
	if (s->metric_col < 0)
		bad("%s: no column '%s' (--metric)", arg, c->metric);
	s->status_col = sweep_csv_col(&s->csv, "status");
	s->impl_col = sweep_csv_col(&s->csv, "impl");
	for (int k = 0; k < c->nid; k++)
		s->idcol[k] = sweep_csv_col(&s->csv, compare_identity()[k]);
	if (s->impl_col < 0 && c->impls)
		bad("%s: no column 'impl' (--impl)", arg);
}

/*
 * Name the identity columns an input lacks (said once the input is known
 * to be good, so that bad input still gets one line).
 */
static void
note_missing(const struct cmp *c)
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

static void
append(char *buf, size_t len, const char *fmt, ...)
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
static void
choose_identity(struct cmp *c)
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
			append(c->warn, sizeof(c->warn), "%s%s (",
			       c->warn[0] ? "; " : "", compare_identity()[k]);
			for (int i = 0; i < c->nin; i++) {
				const struct source *s = &c->src[c->in[i].src];
				const char *first = "";

				if (i && c->in[i].src == c->in[i - 1].src)
					continue;
				varies_in(s, k, &first);
				append(c->warn, sizeof(c->warn), "%s%s %s",
				       i ? ", " : "", c->in[i].label,
				       first[0] ? first : "none");
			}
			append(c->warn, sizeof(c->warn), ")");
		}
	}
}

/*
 * What meta.json says differs between sources: the build settings and
 * the plugin libraries.  The method itself is in every row (the schema's
 * COL_METHOD columns, choose_identity).
 */
static void
method_warnings(struct cmp *c)
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
				    : xstrdup("none");

			if (!v0)
				v0 = s;
			else {
				differ |= strcmp(v0, s) != 0;
				free(s);
			}
		}
		free(v0);
		if (differ)
			append(c->warn, sizeof(c->warn), "%s%s",
			       c->warn[0] ? "; " : "", strchr(*k, '.') + 1);
	}
}

static void
add_rows(struct cmp *c)
{
	size_t keylen = 4096;
	char *key = xcalloc(keylen, 1);

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
					key = xrealloc(key, keylen);
				}
				n += (size_t)snprintf(key + n, keylen - n,
						      "\x1f%s", v);
			}
			g = find_config(c, key, &created);
			if (created) {
				g->val = xcalloc((size_t)c->nid,
						 sizeof(*g->val));
				for (int k = 0; k < c->nid; k++)
					g->val[k] =
						c->active[k]
							? sweep_csv_get(
								  &s->csv, r,
								  s->idcol[k])
							: "";
				g->group = in->impl ? "" : impl;
				g->cell = xcalloc((size_t)c->nin,
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
				bad("%s:%ld: %s '%s' is not a number", in->arg,
				    s->csv.line[r], c->metric, v);
			if (cl->n == cl->cap) {
				cl->cap = cl->cap ? cl->cap * 2 : 8;
				cl->x = xrealloc(cl->x,
						 cl->cap * sizeof(*cl->x));
			}
			cl->x[cl->n++] = x;
		}
		if (in->impl && in->rows == 0)
			bad("--impl: no rows of '%s' in %s", in->impl,
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

static void
analyse(struct cmp *c)
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
			c->groups = xrealloc(c->groups,
					     (c->ngroups + 1) * sizeof(char *));
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
				bad("out of memory");
			cl->spread = stats_inner_spread(cl->x, cl->n);
			if (j == 0)
				continue;
			cl->verdict = VERDICT_NONE;
			if (stats_mann_whitney(base->x, base->n, cl->x, cl->n,
					       &cl->test) ||
			    stats_ratio(base->x, base->n, cl->x, cl->n,
					1 - c->alpha, &cl->ratio))
				bad("out of memory");
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
static void
cmp_row_label(const struct cmp *c, const struct config *g, char *buf,
	      size_t len, bool with_group)
{
	buf[0] = '\0';
	if (with_group && g->group[0])
		append(buf, len, "%s", g->group);
	for (int k = 1; k < c->nid; k++) {
		if (!c->varies[k] || c->hidden[k] || !g->val[k][0])
			continue;
		/* a workload's name says what it is */
		if (strcmp(compare_identity()[k], "workload") == 0)
			append(buf, len, "%s%s", buf[0] ? " " : "", g->val[k]);
		else
			append(buf, len, "%s%s=%s", buf[0] ? " " : "",
			       compare_identity()[k], g->val[k]);
	}
	if (!buf[0])
		append(buf, len, "(all)");
}

static void
fmt_num(char *buf, size_t len, double x)
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

static double
pct(double ratio)
{
	return (ratio - 1) * 100;
}

/* ---------------------------------------------------------------- */
/* the text table */

struct grid {
	char **cell;
	size_t rows, cols, cap;
};

static void
grid_add(struct grid *t, size_t col, const char *s)
{
	if (col == 0) {
		if (t->rows == t->cap) {
			t->cap = t->cap ? t->cap * 2 : 64;
			t->cell = xrealloc(t->cell,
					   t->cap * t->cols * sizeof(char *));
		}
		memset(t->cell + t->rows * t->cols, 0,
		       t->cols * sizeof(char *));
		t->rows++;
	}
	t->cell[(t->rows - 1) * t->cols + col] = xstrdup(s);
}

/* Display width of UTF-8 text: count the bytes that start a character. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;
	return w;
}

static void
grid_print(FILE *f, struct grid *t)
{
	size_t *w = xcalloc(t->cols, sizeof(*w));

	for (size_t r = 0; r < t->rows; r++)
		for (size_t k = 0; k < t->cols; k++) {
			const char *s = t->cell[r * t->cols + k];

			if (s && width(s) > w[k])
				w[k] = width(s);
		}
	for (size_t r = 0; r < t->rows; r++) {
		for (size_t k = 0; k < t->cols; k++) {
			const char *s = t->cell[r * t->cols + k];

			s = s ? s : "";
			fputs(s, f);
			if (k + 1 < t->cols)
				fprintf(f, "%*s", (int)(w[k] - width(s) + 2),
					"");
		}
		fputc('\n', f);
		for (size_t k = 0; k < t->cols; k++)
			free(t->cell[r * t->cols + k]);
	}
	free(t->cell);
	free(w);
	t->cell = NULL;
	t->rows = t->cap = 0;
}

/* Footnotes: distinct texts, numbered in order of first use. */
struct notes {
	char *text[9];
	int n;
};

static const char *
note_mark(struct notes *ns, const char *text)
{
	static const char *const mark[] = {"¹", "²", "³", "⁴", "⁵",
					   "⁶", "⁷", "⁸", "⁹"};

	for (int i = 0; i < ns->n; i++)
		if (strcmp(ns->text[i], text) == 0)
			return mark[i];
	if (ns->n == 9)
		return "⁺";
	ns->text[ns->n] = xstrdup(text);
	return mark[ns->n++];
}

static void
notes_print(FILE *f, struct notes *ns)
{
	static const char *const mark[] = {"¹", "²", "³", "⁴", "⁵",
					   "⁶", "⁷", "⁸", "⁹"};

	for (int i = 0; i < ns->n; i++) {
		fprintf(f, "%s %s\n", mark[i], ns->text[i]);
		free(ns->text[i]);
	}
	ns->n = 0;
}

/* "3.908 ±2%" and, when the interval covers less than 95%, a note. */
static void
compare_summary_text(const struct stats_summary *s, char *buf, size_t len,
		     char *note, size_t notelen)
{
	char m[32];
	double half;

	note[0] = '\0';
	fmt_num(m, sizeof(m), s->median);
	if (s->n == 0) {
		snprintf(buf, len, "-");
		return;
	}
	half = fmax(s->hi - s->median, s->median - s->lo);
	if (s->median != 0)
		snprintf(buf, len, "%s ±%.0f%%", m,
			 fabs(half / s->median) * 100);
	else
		snprintf(buf, len, "%s", m);
	if (s->conf < 0.95 - 1e-9)
		snprintf(note, notelen,
			 "n=%zu: the interval is [min, max], which holds the "
			 "median with only %.3g%% confidence (need n >= 6 for "
			 "95%%)",
			 s->n, s->conf * 100);
}

/*
 * A median whose interval is wider than the precision its sweep asked for
 * (--precision, meta.json's grid) says so.
 */
static void
precision_note(const struct cmp *c, int j, const struct stats_summary *s,
	       char *note, size_t len)
{
	double target = c->src[c->in[j].src].precision, half;

	note[0] = '\0';
	if (target <= 0 || s->n == 0 || !(s->median > 0))
		return;
	half = fmax(s->hi - s->median, s->median - s->lo) / s->median;
	if (half > target + 1e-12)
		snprintf(note, len,
			 "did not reach the sweep's precision of +-%.3g%% "
			 "(--precision) within its --max-repeat",
			 target * 100);
}

/* The "vs A" cell. */
static void
compare_delta_text(const struct stats_ratio *r, const struct stats_test *t,
		   int verdict, size_t na, size_t nb, int better, double alpha,
		   char *buf, size_t len, char *note, size_t notelen)
{
	note[0] = '\0';
	switch (verdict) {
	case VERDICT_NONE:
		snprintf(buf, len, "-");
		return;
	case VERDICT_SIG:
		if (isnan(r->ratio)) {
			snprintf(buf, len, "(p=%.3f n=%zu+%zu)", t->p, na, nb);
			return;
		}
		snprintf(buf, len,
			 "%+.1f%% [%+.1f%%, %+.1f%%] (p=%.3f n=%zu+%zu)%s",
			 pct(r->ratio), pct(r->lo), pct(r->hi), t->p, na, nb,
			 better == 0			  ? ""
			 : (r->ratio > 1) == (better > 0) ? " better"
							  : " worse");
		return;
	case VERDICT_UNSTABLE:
		snprintf(buf, len, "unstable (n=%zu+%zu)", na, nb);
		snprintf(note, notelen,
			 "unstable: the repetitions of a side disagree (their "
			 "inner range is over %.0f%% of the median): not "
			 "compared; measure again on a quiet machine or with "
			 "more repetitions",
			 UNSTABLE_SPREAD * 100);
		return;
	case VERDICT_TOO_FEW:
		snprintf(buf, len, "~ (p=%.3f n=%zu+%zu)", t->p, na, nb);
		snprintf(note, notelen,
			 "too few repetitions: with %zu and %zu the smallest "
			 "possible p is %.3f, so no difference can reach "
			 "p < %g (repeat more)",
			 na, nb, t->min_p, alpha);
		return;
	default:
		snprintf(buf, len, "~ (p=%.3f n=%zu+%zu)", t->p, na, nb);
		return;
	}
}

struct geo {
	double med[64];	       /* per column: geomean of medians */
	double ratio[64];      /* per column: geomean of ratios to column 0 */
	double lo[64], hi[64]; /* its 1 - alpha bootstrap interval */
	size_t n; /* configurations with a positive median everywhere */
};

static void
geomean_of(const struct cmp *c, const char *group, struct geo *g)
{
	double *v = xcalloc(c->ncfg, sizeof(*v));
	const double **xa = xcalloc(c->ncfg, sizeof(*xa));
	const double **xb = xcalloc(c->ncfg, sizeof(*xb));
	size_t *na = xcalloc(c->ncfg, sizeof(*na));
	size_t *nb = xcalloc(c->ncfg, sizeof(*nb));

	g->n = 0;
	for (int j = 0; j < c->nin && j < 64; j++) {
		size_t n = 0;

		for (size_t i = 0; i < c->ncfg; i++) {
			const struct config *cf = &c->cfg[i];
			bool all = true;

			if (strcmp(cf->group, group))
				continue;
			for (int k = 0; k < c->nin; k++)
				all &= cf->cell[k].sum.n > 0 &&
				       cf->cell[k].sum.median > 0;
			if (!all)
				continue;
			xa[n] = cf->cell[0].x;
			na[n] = cf->cell[0].n;
			xb[n] = cf->cell[j].x;
			nb[n] = cf->cell[j].n;
			v[n++] = cf->cell[j].sum.median;
		}
		g->med[j] = stats_geomean(v, n);
		g->n = n;
		g->lo[j] = g->hi[j] = NAN;
		/* The seed is fixed: the same inputs, the same interval. */
		if (j &&
		    stats_geo_ratio_boot(xa, na, xb, nb, n, 1 - c->alpha,
					 GEO_BOOT_ITERS, 0x6e0 + (unsigned)j,
					 &g->lo[j], &g->hi[j]))
			bad("out of memory");
	}
	for (int j = 0; j < c->nin && j < 64; j++)
		g->ratio[j] = g->med[j] / g->med[0];
	free(v);
	free(xa);
	free(xb);
	free(na);
	free(nb);
}

/* "+4.1% [+1.0%, +7.3%] *" or "... ~": the geometric mean's change. */
static void
geo_text(const struct geo *g, int j, char *buf, size_t len)
{
	if (isnan(g->lo[j])) {
		snprintf(buf, len, "%+.1f%%", pct(g->ratio[j]));
		return;
	}
	snprintf(buf, len, "%+.1f%% [%+.1f%%, %+.1f%%] %s", pct(g->ratio[j]),
		 pct(g->lo[j]), pct(g->hi[j]),
		 g->lo[j] > 1 || g->hi[j] < 1 ? "*" : "~");
}

static const char *
direction_text(int better)
{
	return better > 0   ? "higher is better"
	       : better < 0 ? "lower is better"
			    : "direction unknown";
}

static void
print_header(FILE *f, struct cmp *c)
{
	struct grid t = {.cols = (size_t)c->nin + 1};
	char buf[512];

	fprintf(f,
		"metric: %s (%s); median ±95%% CI over repetitions; vs %s: "
		"ratio of medians as a change, its %.0f%% interval, "
		"Mann-Whitney U p.\n~: not significant: p >= alpha=%g, or "
		"(footnote) too few repetitions for any p to reach alpha.\n"
		"unstable: a side's repetitions disagree (inner range over "
		"%.0f%% of the median): not compared.\ngeomean: of the "
		"medians; its change with a %.0f%% bootstrap interval over "
		"the repetitions, * when the interval excludes 0.\n",
		c->metric, direction_text(c->better), c->in[0].label,
		(1 - c->alpha) * 100, c->alpha, UNSTABLE_SPREAD * 100,
		(1 - c->alpha) * 100);
	for (int i = 0; i < c->nin; i++) {
		fprintf(f, "%s: %s", c->in[i].label, c->in[i].name);
		fprintf(f, " (%zu rows", c->in[i].rows);
		if (c->in[i].not_ok)
			fprintf(f, ", %zu not ok excluded", c->in[i].not_ok);
		if (c->in[i].na)
			fprintf(f, ", %zu NA", c->in[i].na);
		fprintf(f, ")\n");
	}
	if (c->nsrc > 0) {
		/* one column per source: --impl columns share a machine */
		int ncol = c->nsrc == 1 ? 1 : c->nin;

		t.cols = (size_t)ncol + 1;
		grid_add(&t, 0, "machine");
		for (int i = 0; i < ncol; i++)
			grid_add(&t, (size_t)i + 1,
				 ncol == 1 ? "" : c->in[i].label);
		for (int r = 0; sweepdir_machine_rows[r].label; r++) {
			bool any = false;

			for (int i = 0; i < c->nsrc; i++) {
				sweepdir_meta_value(
					c->src[i].meta,
					sweepdir_machine_rows[r].path, buf,
					sizeof(buf));
				any |= buf[0] != '\0';
			}
			if (!any)
				continue;
			grid_add(&t, 0, sweepdir_machine_rows[r].label);
			for (int i = 0; i < ncol; i++) {
				sweepdir_meta_value(
					c->src[c->in[i].src].meta,
					sweepdir_machine_rows[r].path, buf,
					sizeof(buf));
				grid_add(&t, (size_t)i + 1, buf[0] ? buf : "?");
			}
		}
		fputc('\n', f);
		grid_print(f, &t);
	}
	if (c->warn[0])
		fprintf(f,
			"\nwarning: the inputs were measured differently: "
			"%s\n",
			c->warn);
}

/* Configurations missing from some inputs: a count and the first few. */
static size_t
partial_configs(const struct cmp *c, FILE *f, json_t *arr)
{
	size_t n = 0, shown = 0;
	char label[1024], where[256];

	for (size_t i = 0; i < c->ncfg; i++) {
		const struct config *g = &c->cfg[i];
		bool all = true;

		for (int j = 0; j < c->nin; j++)
			all &= g->cell[j].present;
		if (all)
			continue;
		n++;
		cmp_row_label(c, g, label, sizeof(label), true);
		where[0] = '\0';
		for (int j = 0; j < c->nin; j++)
			if (g->cell[j].present)
				append(where, sizeof(where), "%s%s",
				       where[0] ? "," : "", c->in[j].label);
		if (arr)
			json_array_append_new(arr, json_pack("{s:s, s:s}",
							     "config", label,
							     "only_in", where));
		if (f && shown < 5) {
			if (shown == 0)
				fprintf(f, "\n");
			fprintf(f, "  %s (only in %s)\n", label, where);
			shown++;
		}
	}
	if (f && n > shown)
		fprintf(f, "  ... and %zu more\n", n - shown);
	return n;
}

static void
print_text(FILE *f, struct cmp *c)
{
	char buf[512], note[512], label[1024];
	struct notes ns = {0};
	size_t npart;

	print_header(f, c);
	{
		/* the constant part of the identity, once */
		char common[1024] = "";

		for (int k = 1; k < c->nid; k++)
			if (c->active[k] && !c->varies[k] && c->ncfg &&
			    c->cfg[0].val[k][0])
				append(common, sizeof(common), "%s%s=%s",
				       common[0] ? " " : "",
				       compare_identity()[k], c->cfg[0].val[k]);
		if (common[0])
			fprintf(f, "\nall rows: %s\n", common);
	}
	{
		size_t n = 0;

		for (size_t i = 0; i < c->ncfg; i++) {
			bool all = true;

			for (int j = 0; j < c->nin; j++)
				all &= c->cfg[i].cell[j].present;
			n += !all;
		}
		if (n)
			fprintf(f,
				"\nnote: %zu configuration(s) are not in every "
				"input:",
				n);
		npart = partial_configs(c, n ? f : NULL, NULL);
		(void)npart;
	}
	for (size_t gi = 0; gi < c->ngroups; gi++) {
		const char *group = c->groups[gi];
		struct grid t = {.cols = 1 + (size_t)c->nin * 2 - 1};
		struct geo geo;

		fputc('\n', f);
		grid_add(&t, 0, group[0] ? group : c->metric);
		for (int j = 0; j < c->nin; j++) {
			snprintf(buf, sizeof(buf), "%s%s%s", c->in[j].label,
				 c->impls ? ": " : "",
				 c->impls ? c->in[j].name : "");
			grid_add(&t, j ? (size_t)j * 2 : 1, buf);
			if (j) {
				snprintf(buf, sizeof(buf), "vs %s",
					 c->in[0].label);
				grid_add(&t, (size_t)j * 2 + 1, buf);
			}
		}
		for (size_t i = 0; i < c->ncfg; i++) {
			const struct config *g = &c->cfg[i];

			if (strcmp(g->group, group))
				continue;
			cmp_row_label(c, g, label, sizeof(label), false);
			grid_add(&t, 0, label);
			for (int j = 0; j < c->nin; j++) {
				const struct cell *cl = &g->cell[j];

				compare_summary_text(&cl->sum, buf,
						     sizeof(buf) - 8, note,
						     sizeof(note));
				if (note[0])
					strcat(buf, note_mark(&ns, note));
				precision_note(c, j, &cl->sum, note,
					       sizeof(note));
				if (note[0] && strlen(buf) + 8 < sizeof(buf))
					strcat(buf, note_mark(&ns, note));
				grid_add(&t, j ? (size_t)j * 2 : 1, buf);
				if (!j)
					continue;
				compare_delta_text(
					&cl->ratio, &cl->test, cl->verdict,
					g->cell[0].sum.n, cl->sum.n, c->better,
					c->alpha, buf, sizeof(buf) - 8, note,
					sizeof(note));
				if (note[0])
					strcat(buf, note_mark(&ns, note));
				grid_add(&t, (size_t)j * 2 + 1, buf);
			}
		}
		geomean_of(c, group, &geo);
		if (geo.n > 0) {
			snprintf(buf, sizeof(buf), "geomean (%zu)", geo.n);
			grid_add(&t, 0, buf);
			for (int j = 0; j < c->nin && j < 64; j++) {
				fmt_num(buf, sizeof(buf), geo.med[j]);
				grid_add(&t, j ? (size_t)j * 2 : 1, buf);
				if (j) {
					geo_text(&geo, j, buf, sizeof(buf));
					grid_add(&t, (size_t)j * 2 + 1, buf);
				}
			}
		}
		grid_print(f, &t);
		notes_print(f, &ns);
	}
}

static void
print_csv(FILE *f, struct cmp *c)
{
	fprintf(f, "group");
	for (int k = 1; k < c->nid; k++)
		if (c->active[k])
			fprintf(f, ",%s", compare_identity()[k]);
	fprintf(f, ",input,name,n,median,ci_lo,ci_hi,ci_conf,ratio,ratio_lo,"
		   "ratio_hi,ratio_conf,p,exact,significant,note\n");
	for (size_t i = 0; i < c->ncfg; i++) {
		const struct config *g = &c->cfg[i];

		for (int j = 0; j < c->nin; j++) {
			const struct cell *cl = &g->cell[j];
			const char *why = "";

			fprintf(f, "%s", g->group);
			for (int k = 1; k < c->nid; k++)
				if (c->active[k])
					fprintf(f, ",%s", g->val[k]);
			fprintf(f, ",%s,%s,%zu", c->in[j].label, c->in[j].name,
				cl->sum.n);
#define NUM(x) (isnan(x) ? fputs(",", f) : fprintf(f, ",%.6g", (x)))
			NUM(cl->sum.median);
			NUM(cl->sum.lo);
			NUM(cl->sum.hi);
			NUM(cl->sum.n ? cl->sum.conf : NAN);
			if (j == 0 || cl->verdict == VERDICT_NONE) {
				fprintf(f, ",,,,,,,,%s\n",
					cl->present
						? (cl->sum.n ? "" : "no data")
						: "missing");
				continue;
			}
			NUM(cl->ratio.ratio);
			NUM(cl->ratio.lo);
			NUM(cl->ratio.hi);
			NUM(isnan(cl->ratio.ratio) ? NAN : cl->ratio.conf);
			NUM(cl->test.p);
#undef NUM
			if (cl->verdict == VERDICT_TOO_FEW)
				why = "too few repetitions";
			else if (cl->verdict == VERDICT_UNSTABLE)
				why = "unstable";
			else if (cl->verdict == VERDICT_SAME)
				why = "p >= alpha";
			fprintf(f, ",%s,%s,%s\n",
				cl->test.exact ? "true" : "false",
				cl->verdict == VERDICT_SIG ? "true" : "false",
				why);
		}
	}
}

static json_t *
jnum(double x)
{
	return isnan(x) ? json_null() : json_real(x);
}

static json_t *
build_json(struct cmp *c)
{
	json_t *root = json_object(), *inputs = json_array(),
	       *groups = json_array(), *partial = json_array();
	char buf[512];

	json_object_set_new(root, "metric", json_string(c->metric));
	json_object_set_new(root, "better",
			    json_string(c->better > 0	? "higher"
					: c->better < 0 ? "lower"
							: "unknown"));
	json_object_set_new(root, "alpha", json_real(c->alpha));
	for (int i = 0; i < c->nin; i++) {
		json_t *o = json_pack("{s:s, s:s, s:I, s:I, s:I}", "label",
				      c->in[i].label, "name", c->in[i].name,
				      "rows", (json_int_t)c->in[i].rows,
				      "not_ok", (json_int_t)c->in[i].not_ok,
				      "na", (json_int_t)c->in[i].na);
		json_t *m = json_object();

		for (int r = 0; sweepdir_machine_rows[r].label; r++) {
			sweepdir_meta_value(c->src[c->in[i].src].meta,
					    sweepdir_machine_rows[r].path, buf,
					    sizeof(buf));
			if (buf[0])
				json_object_set_new(
					m, sweepdir_machine_rows[r].label,
					json_string(buf));
		}
		json_object_set_new(o, "machine", m);
		json_array_append_new(inputs, o);
	}
	json_object_set_new(root, "inputs", inputs);
	json_object_set_new(root, "method_differs", json_string(c->warn));
	partial_configs(c, NULL, partial);
	json_object_set_new(root, "partial", partial);
	for (size_t gi = 0; gi < c->ngroups; gi++) {
		json_t *grp = json_object(), *cfgs = json_array(),
		       *geo = json_array();
		struct geo g;

		json_object_set_new(grp, "group", json_string(c->groups[gi]));
		for (size_t i = 0; i < c->ncfg; i++) {
			const struct config *cf = &c->cfg[i];
			json_t *o, *id, *cells;

			if (strcmp(cf->group, c->groups[gi]))
				continue;
			id = json_object();
			cells = json_array();
			for (int k = 1; k < c->nid; k++)
				if (c->active[k])
					json_object_set_new(
						id, compare_identity()[k],
						json_string(cf->val[k]));
			for (int j = 0; j < c->nin; j++) {
				const struct cell *cl = &cf->cell[j];
				json_t *e = json_pack(
					"{s:s, s:b, s:I, s:o, s:o, s:o, s:o}",
					"input", c->in[j].label, "present",
					cl->present, "n", (json_int_t)cl->sum.n,
					"median", jnum(cl->sum.median), "ci_lo",
					jnum(cl->sum.lo), "ci_hi",
					jnum(cl->sum.hi), "ci_conf",
					jnum(cl->sum.n ? cl->sum.conf : NAN));

				if (j && cl->verdict != VERDICT_NONE) {
					json_object_set_new(
						e, "ratio",
						jnum(cl->ratio.ratio));
					json_object_set_new(e, "ratio_lo",
							    jnum(cl->ratio.lo));
					json_object_set_new(e, "ratio_hi",
							    jnum(cl->ratio.hi));
					json_object_set_new(
						e, "ratio_conf",
						jnum(cl->ratio.conf));
					json_object_set_new(e, "p",
							    jnum(cl->test.p));
					json_object_set_new(
						e, "significant",
						json_boolean(cl->verdict ==
							     VERDICT_SIG));
					json_object_set_new(
						e, "too_few_reps",
						json_boolean(cl->verdict ==
							     VERDICT_TOO_FEW));
					json_object_set_new(
						e, "unstable",
						json_boolean(cl->verdict ==
							     VERDICT_UNSTABLE));
				}
				json_array_append_new(cells, e);
			}
			o = json_pack("{s:o, s:o}", "identity", id, "inputs",
				      cells);
			json_array_append_new(cfgs, o);
		}
		geomean_of(c, c->groups[gi], &g);
		for (int j = 0; j < c->nin && j < 64; j++)
			json_array_append_new(
				geo,
				json_pack("{s:s, s:o, s:o, s:o, s:o, s:b}",
					  "input", c->in[j].label, "median",
					  jnum(g.med[j]), "ratio",
					  jnum(g.ratio[j]), "ratio_lo",
					  jnum(g.lo[j]), "ratio_hi",
					  jnum(g.hi[j]), "significant",
					  g.lo[j] > 1 || g.hi[j] < 1));
		json_object_set_new(grp, "configs", cfgs);
		json_object_set_new(grp, "geomean", geo);
		json_object_set_new(grp, "geomean_n",
				    json_integer((json_int_t)g.n));
		json_array_append_new(groups, grp);
	}
	json_object_set_new(root, "groups", groups);
	return root;
}

/* ---------------------------------------------------------------- */
/* the plot: gnuplot, spawned with an argument vector, data in files */

/* A label safe inside a gnuplot double-quoted data string. */
static void
plot_label(char *s)
{
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || (unsigned char)*s < ' ')
			*s = '\'';
}

static int
write_file_atomic_check(FILE *f, const char *path)
{
	if (fflush(f) || ferror(f)) {
		fprintf(stderr, "mapbench: compare: cannot write %s: %s\n",
			path, strerror(errno));
		fclose(f);
		return -1;
	}
	return fclose(f);
}

/*
 * Is input j a control map (null: a ratio to it says nothing about a
 * map)?  Such a series is left out of the plot.
 */
static bool
plot_control(const struct cmp *c, int j)
{
	const struct map_ops *ops =
		c->in[j].impl ? map_find(c->in[j].impl) : NULL;

	return ops && (ops->flags & MAP_CONTROL);
}

/*
 * Draw the ratios: one panel per thread count, one series per input after
 * the first (a map in its colour and marker of every figure; controls
 * left out), intervals as error bars, ticks at powers of 2 written as
 * ratios.  Returns 0, 1 (failure), 3 (no gnuplot).
 */
static int
draw_plot(struct cmp *c)
{
	char tmpl[4200], path[4300], label[1024];
	char *panels[256];
	int npanel = 0, tcol = -1, rc = 0, status;
	FILE *gp;
	int logfd, err;

	for (int k = 0; k < c->nid; k++)
		if (strcmp(compare_identity()[k], "threads") == 0 &&
		    c->active[k])
			tcol = k;
	snprintf(tmpl, sizeof(tmpl), "%s.tmpXXXXXX", c->plot);
	if (!mkdtemp(tmpl)) {
		fprintf(stderr,
			"mapbench: compare: --plot: cannot create "
			"%s: %s\n",
			tmpl, strerror(errno));
		return 1;
	}
	/* panels: thread counts in order of first appearance */
	for (size_t i = 0; i < c->ncfg; i++) {
		const char *t = tcol >= 0 ? c->cfg[i].val[tcol] : "";
		int p;

		for (p = 0; p < npanel; p++)
			if (strcmp(panels[p], t) == 0)
				break;
		if (p == npanel && npanel < 256)
			panels[npanel++] = (char *)t;
		c->cfg[i].thread_panel = p;
	}
	for (int p = 0; p < npanel; p++)
		for (int j = 1; j < c->nin; j++) {
			FILE *d;
			int x = 0;

			snprintf(path, sizeof(path), "%s/p%d_%d.dat", tmpl, p,
				 j);
			d = fopen(path, "w");
			if (!d) {
				rc = 1;
				goto out;
			}
			for (size_t i = 0; i < c->ncfg; i++) {
				const struct config *g = &c->cfg[i];
				const struct cell *cl = &g->cell[j];
				bool keep_threads =
					c->varies[tcol >= 0 ? tcol : 0];

				bool any = false;

				if (g->thread_panel != p)
					continue;
				/* the same x for every series: skip only rows
				 * with no ratio at all */
				for (int jj = 1; jj < c->nin; jj++)
					any |= !plot_control(c, jj) &&
					       !isnan(g->cell[jj].ratio.ratio);
				if (!any)
					continue;
				x++;
				if (tcol >= 0)
					c->varies[tcol] = false;
				cmp_row_label(c, g, label, sizeof(label), true);
				if (tcol >= 0)
					c->varies[tcol] = keep_threads;
				plot_label(label);
				if (isnan(cl->ratio.ratio))
					fprintf(d, "%d ? ? ? \"%s\"\n", x,
						label);
				else
					fprintf(d, "%d %.6g %.6g %.6g \"%s\"\n",
						x, cl->ratio.ratio,
						cl->ratio.lo, cl->ratio.hi,
						label);
			}
			if (write_file_atomic_check(d, path)) {
				rc = 1;
				goto out;
			}
		}
	snprintf(path, sizeof(path), "%s/plot.gp", tmpl);
	gp = fopen(path, "w");
	if (!gp) {
		rc = 1;
		goto out;
	}
	fprintf(gp,
		"set terminal svg size 1000,%d dynamic font 'Helvetica,11' "
		"background 'white'\n"
		"set output 'plot.svg'\n"
		"set datafile missing '?'\n"
		"set multiplot layout %d,1 title \"%s relative to %s "
		"(median ratio, bars: %.0f%% interval)\" noenhanced\n"
		"set xtics rotate by 40 right noenhanced font ',8' nomirror\n"
		"set ylabel 'ratio to %s (log scale)' noenhanced\n"
		"set grid ytics\n"
		"set key outside right top noenhanced\n"
		"set offsets 0.5, 0.5, 0, 0\n",
		300 + 320 * npanel, npanel, c->metric, c->in[0].label,
		(1 - c->alpha) * 100, c->in[0].label);
	{
		/* one y range for every panel: they are meant to be compared */
		double ylo = 1, yhi = 1, pad;

		for (size_t i = 0; i < c->ncfg; i++)
			for (int j = 1; j < c->nin; j++) {
				const struct stats_ratio *r =
					&c->cfg[i].cell[j].ratio;

				if (plot_control(c, j))
					continue;
				if (!isnan(r->lo) && r->lo < ylo)
					ylo = r->lo;
				if (!isnan(r->hi) && r->hi > yhi)
					yhi = r->hi;
			}
		/* ratios on a log scale: x2 and /2 look alike */
		pad = pow(yhi / ylo, 0.06) * 1.01;
		fprintf(gp, "set logscale y 2\nset yrange [%g:%g]\n", ylo / pad,
			yhi * pad);
		/* ticks at powers of 2, as ratios: 1/4, 1/2, 1, 2, 4 */
		{
			int e0 = (int)floor(log2(ylo / pad)),
			    e1 = (int)ceil(log2(yhi * pad)),
			    step = (e1 - e0) / 12 + 1;
			const char *sep = "";

			fputs("set ytics (", gp);
			for (int e = e0; e <= e1; e++) {
				if (e % step)
					continue;
				if (e >= 0)
					fprintf(gp, "%s\"%.0fx\" %.17g", sep,
						ldexp(1, e), ldexp(1, e));
				else
					fprintf(gp, "%s\"1/%.0f\" %.17g", sep,
						ldexp(1, -e), ldexp(1, e));
				sep = ", ";
			}
			fputs(")\n", gp);
		}
	}
	for (int p = 0; p < npanel; p++) {
		char title[128];

		snprintf(title, sizeof(title), "%s", panels[p]);
		plot_label(title);
		fprintf(gp, "set title \"%s%s\" noenhanced\n",
			panels[p][0] ? "threads=" : "", title);
		/* the labels once, at whole x; the series side by side */
		fprintf(gp,
			"plot 1 with lines lc 'gray' dt 2 notitle, "
			"'p%d_1.dat' using 1:(NaN):xtic(5) notitle",
			p);
		for (int j = 1; j < c->nin; j++) {
			char name[300];
			const char *colour;
			int pt;

			if (plot_control(c, j))
				continue;
			figure_map_style(c->in[j].impl ? c->in[j].impl : "",
					 &colour, &pt);
			if (strcmp(c->in[j].label, c->in[j].name))
				snprintf(name, sizeof(name), "%s: %s",
					 c->in[j].label, c->in[j].name);
			else
				snprintf(name, sizeof(name), "%s",
					 c->in[j].label);
			plot_label(name);
			fprintf(gp,
				", 'p%d_%d.dat' using ($1+%.3f):2:3:4 "
				"with yerrorbars ps 0.7",
				p, j, (j - c->nin / 2.0) * 0.12);
			/* a map keeps its colour; other inputs cycle */
			if (c->in[j].impl)
				fprintf(gp, " pt %d lc rgb '%s'", pt, colour);
			else
				fputs(" pt 7", gp);
			fprintf(gp, " title \"%s\"", name);
		}
		fprintf(gp, "\n");
	}
	fprintf(gp, "unset multiplot\n");
	if (write_file_atomic_check(gp, path)) {
		rc = 1;
		goto out;
	}
	snprintf(path, sizeof(path), "%s/gnuplot.log", tmpl);
	logfd = open(path,
		     O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		     0644);
	if (logfd < 0) {
		fprintf(stderr, "mapbench: compare: --plot: %s: %s\n", path,
			strerror(errno));
		rc = 1;
		goto out;
	}
	status = gnuplot_run(tmpl, NULL, "plot.gp", logfd);
	err = errno;
	close(logfd);
	errno = err;
	if (status == 127) {
		fprintf(stderr,
			"mapbench: compare: --plot: cannot run gnuplot (%s); "
			"the results above are complete: apt-get install "
			"gnuplot-nox\n",
			strerror(errno));
		rc = errno == ENOENT ? 3 : 1;
		goto out;
	}
	if (status != 0) {
		fprintf(stderr,
			"mapbench: compare: --plot: gnuplot failed; see "
			"%s/gnuplot.log\n",
			tmpl);
		return 1; /* keep the folder for the log */
	}
	snprintf(path, sizeof(path), "%s/plot.svg", tmpl);
	if (rename(path, c->plot)) {
		fprintf(stderr, "mapbench: compare: --plot: %s: %s\n", c->plot,
			strerror(errno));
		rc = 1;
	}
out:
	if (rc == 1)
		fprintf(stderr,
			"mapbench: compare: --plot: cannot write in "
			"%s\n",
			tmpl);
	for (int p = 0; p < npanel; p++)
		for (int j = 1; j < c->nin; j++) {
			snprintf(path, sizeof(path), "%s/p%d_%d.dat", tmpl, p,
				 j);
			unlink(path);
		}
	snprintf(path, sizeof(path), "%s/plot.gp", tmpl);
	unlink(path);
	snprintf(path, sizeof(path), "%s/gnuplot.log", tmpl);
	unlink(path);
	snprintf(path, sizeof(path), "%s/plot.svg", tmpl);
	unlink(path);
	rmdir(tmpl);
	return rc;
}

/* ---------------------------------------------------------------- */
/* the HTML page */

static int
write_html(struct cmp *c)
{
	char tmp[4200], buf[512], note[512], label[1024];
	int ncol;
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", c->html);
	f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "mapbench: compare: --html: %s: %s\n", tmp,
			strerror(errno));
		return 1;
	}
	report_html_begin(f, "mapbench compare");
	fputs("<h1>mapbench compare</h1>\n<p>", f);
	fputs("Metric <b>", f);
	report_html_escape(f, c->metric);
	fprintf(f,
		"</b> (%s). Each cell: median over the repetitions "
		"&plusmn; its 95%% confidence interval. <i>vs %s</i>: "
		"the ratio of medians as a change, its %.0f%% interval "
		"and the Mann&ndash;Whitney U p-value; "
		"<span class=same>~</span> marks a difference that is "
		"not significant at alpha=%g. A <b>*</b> after a median: fewer "
		"than 6 repetitions, so its interval is [min, max] and "
		"covers less than 95%% (hover for how much).</p>\n",
		direction_text(c->better), c->in[0].label, (1 - c->alpha) * 100,
		c->alpha);
	fputs("<div class=scroll><table><tr><th>input</th><th>source</th>"
	      "<th>rows</th><th>not ok</th></tr>\n",
	      f);
	for (int i = 0; i < c->nin; i++) {
		fprintf(f, "<tr><td>%s</td><td>", c->in[i].label);
		report_html_escape(f, c->in[i].name);
		fprintf(f, "</td><td>%zu</td><td>%zu</td></tr>\n",
			c->in[i].rows, c->in[i].not_ok);
	}
	/* one column per source: --impl columns share a machine */
	ncol = c->nsrc == 1 ? 1 : c->nin;
	fputs("</table></div>\n<h2>Machines</h2>\n<div class=scroll><table "
	      "class=kv><tr><th></th>",
	      f);
	for (int i = 0; i < ncol; i++)
		fprintf(f, "<th>%s</th>", ncol == 1 ? "" : c->in[i].label);
	fputs("</tr>\n", f);
	for (int r = 0; sweepdir_machine_rows[r].label; r++) {
		bool any = false;

		for (int i = 0; i < c->nsrc; i++) {
			sweepdir_meta_value(c->src[i].meta,
					    sweepdir_machine_rows[r].path, buf,
					    sizeof(buf));
			any |= buf[0] != '\0';
		}
		if (!any)
			continue;
		fprintf(f, "<tr><th>%s</th>", sweepdir_machine_rows[r].label);
		for (int i = 0; i < ncol; i++) {
			sweepdir_meta_value(c->src[c->in[i].src].meta,
					    sweepdir_machine_rows[r].path, buf,
					    sizeof(buf));
			fputs("<td>", f);
			report_html_escape(f, buf[0] ? buf : "?");
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
	if (c->warn[0]) {
		fputs("<p class=warn>The inputs were measured differently: ",
		      f);
		report_html_escape(f, c->warn);
		fputs("</p>\n", f);
	}
	for (size_t gi = 0; gi < c->ngroups; gi++) {
		const char *group = c->groups[gi];
		struct geo geo;

		fputs("<h2>", f);
		report_html_escape(f, group[0] ? group : c->metric);
		fputs("</h2>\n<div class=scroll><table class=summary><tr>"
		      "<th>configuration</th>",
		      f);
		for (int j = 0; j < c->nin; j++) {
			fputs("<th>", f);
			report_html_escape(f, c->in[j].label);
			if (c->impls) {
				fputs(": ", f);
				report_html_escape(f, c->in[j].name);
			}
			fputs("</th>", f);
			if (j)
				fprintf(f, "<th>vs %s</th>", c->in[0].label);
		}
		fputs("</tr>\n", f);
		for (size_t i = 0; i < c->ncfg; i++) {
			const struct config *g = &c->cfg[i];

			if (strcmp(g->group, group))
				continue;
			cmp_row_label(c, g, label, sizeof(label), false);
			fputs("<tr><td>", f);
			report_html_escape(f, label);
			fputs("</td>", f);
			for (int j = 0; j < c->nin; j++) {
				const struct cell *cl = &g->cell[j];
				const char *cls = "";

				compare_summary_text(&cl->sum, buf, sizeof(buf),
						     note, sizeof(note));
				fputs("<td class=num", f);
				if (note[0]) {
					fputs(" title=\"", f);
					report_html_escape(f, note);
					fputs("\"", f);
				}
				fputs(">", f);
				report_html_escape(f, buf);
				fputs(note[0] ? "*</td>" : "</td>", f);
				if (!j)
					continue;
				compare_delta_text(
					&cl->ratio, &cl->test, cl->verdict,
					g->cell[0].sum.n, cl->sum.n, c->better,
					c->alpha, buf, sizeof(buf), note,
					sizeof(note));
				if (cl->verdict == VERDICT_SIG && c->better)
					cls = (cl->ratio.ratio > 1) ==
							      (c->better > 0)
						      ? " better"
						      : " worse";
				else if (cl->verdict != VERDICT_SIG)
					cls = " same";
				fprintf(f, "<td class=\"num%s\"", cls);
				if (note[0]) {
					fputs(" title=\"", f);
					report_html_escape(f, note);
					fputs("\"", f);
				}
				fputs(">", f);
				report_html_escape(f, buf);
				fputs("</td>", f);
			}
			fputs("</tr>\n", f);
		}
		geomean_of(c, group, &geo);
		if (geo.n) {
			fprintf(f, "<tr class=geo><td>geomean (%zu)</td>",
				geo.n);
			for (int j = 0; j < c->nin && j < 64; j++) {
				fmt_num(buf, sizeof(buf), geo.med[j]);
				fprintf(f, "<td class=num>%s</td>", buf);
				if (j) {
					geo_text(&geo, j, buf, sizeof(buf));
					fprintf(f, "<td class=num>%s</td>",
						buf);
				}
			}
			fputs("</tr>\n", f);
		}
		fputs("</table></div>\n", f);
	}
	if (c->plot) {
		char a[4200], b[4200], *da, *db;

		snprintf(a, sizeof(a), "%s", c->plot);
		snprintf(b, sizeof(b), "%s", c->html);
		da = dirname(a);
		db = dirname(b);
		fputs("<h2>Ratios</h2>\n<figure><img alt=\"ratios\" src=\"", f);
		if (strcmp(da, db) == 0) {
			snprintf(a, sizeof(a), "%s", c->plot);
			report_html_escape_url(f, basename(a));
		} else {
			char *rp = realpath(c->plot, NULL);

			report_html_escape_url(f, rp ? rp : c->plot);
			free(rp);
		}
		fputs("\"><figcaption>One panel per thread count; a dot per "
		      "configuration and input: its median over the first "
		      "input's, the bar its interval. The dashed line is "
		      "&ldquo;no change&rdquo;; a bar that crosses it is not "
		      "a significant difference.</figcaption></figure>\n",
		      f);
	}
	report_html_end(f);
	if (write_file_atomic_check(f, tmp) || rename(tmp, c->html)) {
		fprintf(stderr, "mapbench: compare: --html: %s: %s\n", c->html,
			strerror(errno));
		unlink(tmp);
		return 1;
	}
	return 0;
}

/* ---------------------------------------------------------------- */

static void
cmp_free(struct cmp *c)
{
	for (size_t i = 0; i < c->ncfg; i++) {
		for (int j = 0; j < c->nin; j++)
			free(c->cfg[i].cell[j].x);
		free(c->cfg[i].cell);
		free(c->cfg[i].val);
		free(c->cfg[i].key);
	}
	free(c->cfg);
	free(c->hash);
	free(c->groups);
	for (int i = 0; i < c->nsrc; i++) {
		sweep_csv_free(&c->src[i].csv);
		json_decref(c->src[i].meta);
	}
	free(c->src);
	free(c->in);
}

static void
compare_usage(FILE *f)
{
	fputs("usage: mapbench compare [options] A B [C ...]\n"
	      "       mapbench compare [options] --impl X,Y[,...] DIR\n"
	      "Compares sweeps (directories holding results.csv and "
	      "meta.json), or maps\n"
	      "within one sweep, configuration by configuration.\n"
	      "  --metric COL        the column compared (mops)\n"
	      "  --better higher|lower  its direction, when not known by "
	      "name\n"
	      "  --alpha X           significance level (0.05)\n"
	      "  --impl X,Y          compare maps of one sweep; baseline X\n"
	      "  --format text|csv|json  stdout format (text)\n"
	      "  --plot FILE.svg     ratios, one panel per thread count "
	      "(gnuplot)\n"
	      "  --html FILE.html    a comparison page\n"
	      "  --threshold PCT     exit 1 when a configuration is "
	      "significantly worse\n"
	      "                      than the first input by more than PCT "
	      "percent\n"
	      "exit: 0 ok, 1 regression (--threshold), 2 bad input, 3 no "
	      "gnuplot for --plot\n",
	      f);
}

static double
parse_num(const char *opt, const char *s, double lo, double hi)
{
	char *end;
	double x;

	/* Decimal only, as documented: no hex (0x10), inf, nan or blank. */
	errno = 0;
	x = strtod(s, &end);
	if (end == s || *end || errno || !(x >= lo && x <= hi) ||
	    strspn(s, "0123456789.eE+-") != strlen(s) ||
	    (strpbrk(s, "0123456789") != s && s[0] != '.'))
		bad("%s: '%s' is not a decimal number in [%g, %g]", opt, s, lo,
		    hi);
	return x;
}

static void
check_out_path(const char *opt, const char *path)
{
	char tmp[4096];
	struct stat st;

	if (strlen(path) >= 4000)
		bad("%s: path too long", opt);
	snprintf(tmp, sizeof(tmp), "%s", path);
	if (stat(dirname(tmp), &st) || !S_ISDIR(st.st_mode))
		bad("%s: no directory for '%s'", opt, path);
}

/* The fewest repetitions per side for which the exact test can reach p. */
static size_t
reps_needed(double alpha)
{
	size_t n = 1;

	while (n < 100 && stats_mw_min_p(n, n) >= alpha)
		n++;
	return n;
}

/*
 * --threshold is a gate: it must not pass because it could not see.
 * Refused (exit 2, before anything is printed) when some configuration
 * in both inputs has too few ok repetitions for any p to reach alpha.
 */
static void
check_gate_can_decide(const struct cmp *c)
{
	size_t blind = 0, both = 0, fa = 0, fb = 0;
	char label[1024] = "";

	for (size_t i = 0; i < c->ncfg; i++)
		for (int j = 1; j < c->nin; j++) {
			const struct cell *a = &c->cfg[i].cell[0];
			const struct cell *b = &c->cfg[i].cell[j];

			if (!a->sum.n || !b->sum.n)
				continue;
			both++;
			if (stats_mw_min_p(a->sum.n, b->sum.n) < c->alpha)
				continue;
			if (blind++ == 0) {
				cmp_row_label(c, &c->cfg[i], label,
					      sizeof(label), true);
				fa = a->sum.n;
				fb = b->sum.n;
			}
		}
	if (!blind)
		return;
	bad("--threshold: %zu of %zu configurations have too few ok "
	    "repetitions for any difference to reach p < %g (e.g. %s: %zu vs "
	    "%zu); the exact test needs at least %zu per side: sweep with "
	    "--repeat %zu or more (the default sweep runs 5)",
	    blind, both, c->alpha, label, fa, fb, reps_needed(c->alpha),
	    reps_needed(c->alpha));
}

int
cmd_compare(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"metric", required_argument, NULL, 'm'},
		{"better", required_argument, NULL, 'b'},
		{"alpha", required_argument, NULL, 'a'},
		{"impl", required_argument, NULL, 'i'},
		{"format", required_argument, NULL, 'f'},
		{"plot", required_argument, NULL, 'p'},
		{"html", required_argument, NULL, 'H'},
		{"threshold", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct cmp c = {.metric = "mops", .alpha = 0.05, .threshold = -1};
	const char *better = NULL;
	int opt, rc = 0, nid = 0;
	char *implbuf = NULL;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
		switch (opt) {
		case 'm':
			if (!optarg[0])
				bad("--metric: needs a column name");
			c.metric = optarg;
			break;
		case 'b':
			better = optarg;
			break;
		case 'a':
			c.alpha = parse_num("--alpha", optarg, 1e-9, 0.5);
			break;
		case 'i':
			c.impls = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0 ||
			    strcmp(optarg, "table") == 0)
				c.format = OUT_TEXT;
			else if (strcmp(optarg, "csv") == 0)
				c.format = OUT_CSV;
			else if (strcmp(optarg, "json") == 0)
				c.format = OUT_JSON;
			else
				bad("--format: '%s'; accepted: text, csv, json",
				    optarg);
			break;
		case 'p':
			/* It draws SVG: a .png name would hold an SVG. */
			if (!ends_with(optarg, ".svg"))
				bad("--plot: '%s': the figure is SVG; give a "
				    "file name ending in .svg",
				    optarg);
			check_out_path("--plot", optarg);
			c.plot = optarg;
			break;
		case 'H':
			check_out_path("--html", optarg);
			c.html = optarg;
			break;
		case 't':
			c.threshold = parse_num("--threshold", optarg, 0, 1e6);
			break;
		case 'h':
			compare_usage(stdout);
			return 0;
		case ':':
			bad("%s: needs a value", argv[optind - 1]);
			break;
		default:
			bad("unknown option '%s'; see mapbench compare --help",
			    argv[optind - 1]);
		}
	}
	if (!compare_metric_col(c.metric))
		bad("--metric: '%s' is not a measurement (it names or "
		    "orders the rows); give a measured column such as mops, "
		    "ns_per_op, p99_ns or bytes_per_key",
		    c.metric);
	c.better = compare_metric_direction(c.metric);
	if (better) {
		if (strcmp(better, "higher") == 0)
			c.better = 1;
		else if (strcmp(better, "lower") == 0)
			c.better = -1;
		else
			bad("--better: '%s'; accepted: higher, lower", better);
	}
	if (c.threshold >= 0 && c.better == 0)
		bad("--threshold: the direction of '%s' is not known; say "
		    "--better higher or --better lower",
		    c.metric);
	while (compare_identity()[nid])
		nid++;
	c.nid = nid;
	if (c.impls) {
		char *save = NULL, *tok;

		if (argc - optind != 1)
			bad("--impl compares maps within one sweep: give one "
			    "directory (got %d)",
			    argc - optind);
		implbuf = xstrdup(c.impls);
		c.src = xcalloc(1, sizeof(*c.src));
		c.nsrc = 1;
		load_source(&c, &c.src[0], argv[optind]);
		for (tok = strtok_r(implbuf, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (c.nin == 26)
				bad("--impl: at most 26 maps");
			for (int i = 0; i < c.nin; i++)
				if (strcmp(c.in[i].impl, tok) == 0)
					bad("--impl: '%s' twice", tok);
			c.in = xrealloc(c.in,
					(size_t)(c.nin + 1) * sizeof(*c.in));
			memset(&c.in[c.nin], 0, sizeof(c.in[0]));
			c.in[c.nin].arg = argv[optind];
			c.in[c.nin].impl = tok;
			c.in[c.nin].src = 0;
			snprintf(c.in[c.nin].label, sizeof(c.in[0].label), "%c",
				 'A' + c.nin);
			snprintf(c.in[c.nin].name, sizeof(c.in[0].name), "%s",
				 tok);
			c.nin++;
		}
		if (c.nin < 2)
			bad("--impl: name at least two maps, e.g. --impl "
			    "syncmap,rwlock");
	} else {
		c.nin = argc - optind;
		if (c.nin < 2)
			bad("needs at least two sweep directories (or --impl "
			    "X,Y DIR); see mapbench compare --help");
		if (c.nin > 26)
			bad("at most 26 inputs");
		c.src = xcalloc((size_t)c.nin, sizeof(*c.src));
		c.in = xcalloc((size_t)c.nin, sizeof(*c.in));
		c.nsrc = c.nin;
		for (int i = 0; i < c.nin; i++) {
			c.in[i].arg = argv[optind + i];
			c.in[i].src = i;
			snprintf(c.in[i].label, sizeof(c.in[i].label), "%c",
				 'A' + i);
			snprintf(c.in[i].name, sizeof(c.in[i].name), "%s",
				 argv[optind + i]);
			load_source(&c, &c.src[i], argv[optind + i]);
		}
	}
	choose_identity(&c);
	method_warnings(&c);
	add_rows(&c);
	if (c.ncfg == 0)
		bad("no rows to compare");
	note_missing(&c);
	analyse(&c);
	if (c.threshold >= 0)
		check_gate_can_decide(&c);

	switch (c.format) {
	case OUT_TEXT:
		print_text(stdout, &c);
		break;
	case OUT_CSV:
		print_csv(stdout, &c);
		break;
	case OUT_JSON: {
		json_t *root = build_json(&c);

		json_dumpf(root, stdout,
			   JSON_INDENT(2) | JSON_REAL_PRECISION(6));
		fputc('\n', stdout);
		json_decref(root);
		break;
	}
	}
	fflush(stdout);
	if (c.plot) {
		int prc = draw_plot(&c);

		if (prc)
			rc = prc;
	}
	if (c.html && write_html(&c))
		rc = rc ? rc : 1;
	if (c.threshold >= 0) {
		size_t worse = 0;
		char label[1024];

		for (size_t i = 0; i < c.ncfg; i++)
			for (int j = 1; j < c.nin; j++) {
				const struct cell *cl = &c.cfg[i].cell[j];
				double lim = c.threshold / 100;

				if (cl->verdict != VERDICT_SIG ||
				    isnan(cl->ratio.ratio))
					continue;
				if (c.better > 0 ? cl->ratio.ratio >= 1 - lim
						 : cl->ratio.ratio <= 1 + lim)
					continue;
				if (worse++ < 5) {
					cmp_row_label(&c, &c.cfg[i], label,
						      sizeof(label), true);
					fprintf(stderr,
						"mapbench: compare: %s: %s is "
						"%+.1f%% vs %s (p=%.3f)\n",
						label, c.in[j].label,
						pct(cl->ratio.ratio),
						c.in[0].label, cl->test.p);
				}
			}
		if (worse) {
			fprintf(stderr,
				"mapbench: compare: %zu configuration(s) "
				"significantly worse than %s by more than "
				"%g%%\n",
				worse, c.in[0].label, c.threshold);
			rc = 1;
		}
		{
			size_t unstable = 0;

			for (size_t i = 0; i < c.ncfg; i++)
				for (int j = 1; j < c.nin; j++)
					unstable += c.cfg[i].cell[j].verdict ==
						    VERDICT_UNSTABLE;
			if (unstable)
				fprintf(stderr,
					"mapbench: compare: %zu "
					"configuration(s) unstable (their "
					"repetitions disagree): not judged by "
					"--threshold\n",
					unstable);
		}
	}
	cmp_free(&c);
	free(implbuf);
	return rc;
}

/*
 * compare_text: `mapbench compare`'s outputs on stdout: the text table
 * (one per map, closed by a geometric-mean row, with its notes), CSV
 * and JSON; and the cell texts (a median with its interval, a ratio
 * with its verdict) the HTML page shares.
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
#include "compare_id.h"
#include "compare_text.h"
#include "report_html.h"
#include "stats.h"

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
			t->cell = compare_xrealloc(
				t->cell, t->cap * t->cols * sizeof(char *));
		}
		memset(t->cell + t->rows * t->cols, 0,
		       t->cols * sizeof(char *));
		t->rows++;
	}
	t->cell[(t->rows - 1) * t->cols + col] = compare_xstrdup(s);
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
	size_t *w = compare_xcalloc(t->cols, sizeof(*w));

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
	ns->text[ns->n] = compare_xstrdup(text);
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
void
compare_summary_text(const struct stats_summary *s, char *buf, size_t len,
		     char *note, size_t notelen)
{
	char m[32];
	double half;

	note[0] = '\0';
	compare_fmt_num(m, sizeof(m), s->median);
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
void
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
			 compare_pct(r->ratio), compare_pct(r->lo),
			 compare_pct(r->hi), t->p, na, nb,
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

void
compare_geomean(const struct cmp *c, const char *group, struct geo *g)
{
	double *v = compare_xcalloc(c->ncfg, sizeof(*v));
	const double **xa = compare_xcalloc(c->ncfg, sizeof(*xa));
	const double **xb = compare_xcalloc(c->ncfg, sizeof(*xb));
	size_t *na = compare_xcalloc(c->ncfg, sizeof(*na));
	size_t *nb = compare_xcalloc(c->ncfg, sizeof(*nb));

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
			compare_bad("out of memory");
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
void
compare_geo_text(const struct geo *g, int j, char *buf, size_t len)
{
	if (isnan(g->lo[j])) {
		snprintf(buf, len, "%+.1f%%", compare_pct(g->ratio[j]));
		return;
	}
	snprintf(buf, len, "%+.1f%% [%+.1f%%, %+.1f%%] %s",
		 compare_pct(g->ratio[j]), compare_pct(g->lo[j]),
		 compare_pct(g->hi[j]),
		 g->lo[j] > 1 || g->hi[j] < 1 ? "*" : "~");
}

const char *
compare_direction_text(int better)
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
		c->metric, compare_direction_text(c->better), c->in[0].label,
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
		compare_row_label(c, g, label, sizeof(label), true);
		where[0] = '\0';
		for (int j = 0; j < c->nin; j++)
			if (g->cell[j].present)
				compare_append(where, sizeof(where), "%s%s",
					       where[0] ? "," : "",
					       c->in[j].label);
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
/* A configuration's row of the text table, its notes marked. */
static void
text_row(struct grid *t, const struct cmp *c, const struct config *g,
	 struct notes *ns)
{
	char buf[512], note[512], label[1024];

	compare_row_label(c, g, label, sizeof(label), false);
	grid_add(t, 0, label);
	for (int j = 0; j < c->nin; j++) {
		const struct cell *cl = &g->cell[j];

		compare_summary_text(&cl->sum, buf, sizeof(buf) - 8, note,
				     sizeof(note));
		if (note[0])
			strcat(buf, note_mark(ns, note));
		precision_note(c, j, &cl->sum, note, sizeof(note));
		if (note[0] && strlen(buf) + 8 < sizeof(buf))
			strcat(buf, note_mark(ns, note));
		grid_add(t, j ? (size_t)j * 2 : 1, buf);
		if (!j)
			continue;
		compare_delta_text(&cl->ratio, &cl->test, cl->verdict,
				   g->cell[0].sum.n, cl->sum.n, c->better,
				   c->alpha, buf, sizeof(buf) - 8, note,
				   sizeof(note));
		if (note[0])
			strcat(buf, note_mark(ns, note));
		grid_add(t, (size_t)j * 2 + 1, buf);
	}
}

/* One group's text table (a map's, or the metric's), with its notes. */
static void
text_group(FILE *f, const struct cmp *c, const char *group, struct notes *ns)
{
	struct grid t = {.cols = 1 + (size_t)c->nin * 2 - 1};
	struct geo geo;
	char buf[512];

	fputc('\n', f);
	grid_add(&t, 0, group[0] ? group : c->metric);
	for (int j = 0; j < c->nin; j++) {
		snprintf(buf, sizeof(buf), "%s%s%s", c->in[j].label,
			 c->impls ? ": " : "", c->impls ? c->in[j].name : "");
		grid_add(&t, j ? (size_t)j * 2 : 1, buf);
		if (j) {
			snprintf(buf, sizeof(buf), "vs %s", c->in[0].label);
			grid_add(&t, (size_t)j * 2 + 1, buf);
		}
	}
	for (size_t i = 0; i < c->ncfg; i++)
		if (!strcmp(c->cfg[i].group, group))
			text_row(&t, c, &c->cfg[i], ns);
	compare_geomean(c, group, &geo);
	if (geo.n > 0) {
		snprintf(buf, sizeof(buf), "geomean (%zu)", geo.n);
		grid_add(&t, 0, buf);
		for (int j = 0; j < c->nin && j < 64; j++) {
			compare_fmt_num(buf, sizeof(buf), geo.med[j]);
			grid_add(&t, j ? (size_t)j * 2 : 1, buf);
			if (j) {
				compare_geo_text(&geo, j, buf, sizeof(buf));
				grid_add(&t, (size_t)j * 2 + 1, buf);
			}
		}
	}
	grid_print(f, &t);
	notes_print(f, ns);
}

void
compare_print_text(FILE *f, struct cmp *c)
{
	struct notes ns = {0};
	size_t npart;

	print_header(f, c);
	{
		/* the constant part of the identity, once */
		char common[1024] = "";

		for (int k = 1; k < c->nid; k++)
			if (c->active[k] && !c->varies[k] && c->ncfg &&
			    c->cfg[0].val[k][0])
				compare_append(common, sizeof(common),
					       "%s%s=%s", common[0] ? " " : "",
					       compare_identity()[k],
					       c->cfg[0].val[k]);
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
	for (size_t gi = 0; gi < c->ngroups; gi++)
		text_group(f, c, c->groups[gi], &ns);
}

void
compare_print_csv(FILE *f, struct cmp *c)
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
/* Input j's cell of configuration cf, as JSON. */
static json_t *
json_cell(const struct cmp *c, const struct config *cf, int j)
{
	const struct cell *cl = &cf->cell[j];
	json_t *e =
		json_pack("{s:s, s:b, s:I, s:o, s:o, s:o, s:o}", "input",
			  c->in[j].label, "present", cl->present, "n",
			  (json_int_t)cl->sum.n, "median", jnum(cl->sum.median),
			  "ci_lo", jnum(cl->sum.lo), "ci_hi", jnum(cl->sum.hi),
			  "ci_conf", jnum(cl->sum.n ? cl->sum.conf : NAN));

	if (j && cl->verdict != VERDICT_NONE) {
		json_object_set_new(e, "ratio", jnum(cl->ratio.ratio));
		json_object_set_new(e, "ratio_lo", jnum(cl->ratio.lo));
		json_object_set_new(e, "ratio_hi", jnum(cl->ratio.hi));
		json_object_set_new(e, "ratio_conf", jnum(cl->ratio.conf));
		json_object_set_new(e, "p", jnum(cl->test.p));
		json_object_set_new(e, "significant",
				    json_boolean(cl->verdict == VERDICT_SIG));
		json_object_set_new(
			e, "too_few_reps",
			json_boolean(cl->verdict == VERDICT_TOO_FEW));
		json_object_set_new(
			e, "unstable",
			json_boolean(cl->verdict == VERDICT_UNSTABLE));
	}
	return e;
}

/* The inputs: label, name, row counts and machine. */
static json_t *
json_inputs(const struct cmp *c)
{
	json_t *inputs = json_array();
	char buf[512];

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
	return inputs;
}

json_t *
compare_build_json(struct cmp *c)
{
	json_t *root = json_object(), *inputs = json_inputs(c),
	       *groups = json_array(), *partial = json_array();

	json_object_set_new(root, "metric", json_string(c->metric));
	json_object_set_new(root, "better",
			    json_string(c->better > 0	? "higher"
					: c->better < 0 ? "lower"
							: "unknown"));
	json_object_set_new(root, "alpha", json_real(c->alpha));
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
			for (int j = 0; j < c->nin; j++)
				json_array_append_new(cells,
						      json_cell(c, cf, j));
			o = json_pack("{s:o, s:o}", "identity", id, "inputs",
				      cells);
			json_array_append_new(cfgs, o);
		}
		compare_geomean(c, c->groups[gi], &g);
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

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
 * The modules: compare_id (the schema's view), compare_data (loading and
 * the analysis), compare_text (stdout), compare_plot, compare_html.  All
 * the statistics are in stats.c; the HTML frame in report.c.
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
#include <getopt.h>

#include "compare.h"
#include "num.h"
#include "compare_data.h"
#include "compare_html.h"
#include "compare_id.h"
#include "compare_plot.h"
#include "compare_text.h"
#include "stats.h"

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
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
	double x;

	/* Decimal only, as documented: no hex (0x10), inf, nan or blank. */
	if (!num_parse_decimal(s, &x) || !(x >= lo && x <= hi))
		compare_bad("%s: '%s' is not a decimal number in [%g, %g]", opt,
			    s, lo, hi);
	return x;
}

static void
check_out_path(const char *opt, const char *path)
{
	char tmp[4096];
	struct stat st;

	if (strlen(path) >= 4000)
		compare_bad("%s: path too long", opt);
	snprintf(tmp, sizeof(tmp), "%s", path);
	if (stat(dirname(tmp), &st) || !S_ISDIR(st.st_mode))
		compare_bad("%s: no directory for '%s'", opt, path);
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
				compare_row_label(c, &c->cfg[i], label,
						  sizeof(label), true);
				fa = a->sum.n;
				fb = b->sum.n;
			}
		}
	if (!blind)
		return;
	compare_bad(
		"--threshold: %zu of %zu configurations have too few ok "
		"repetitions for any difference to reach p < %g (e.g. %s: %zu "
		"vs "
		"%zu); the exact test needs at least %zu per side: sweep with "
		"--repeat %zu or more (the default sweep runs 5)",
		blind, both, c->alpha, label, fa, fb, reps_needed(c->alpha),
		reps_needed(c->alpha));
}

/* The option of getopt_long's code opt (optarg: its value) into c. */
static void
take_option(struct cmp *c, int opt, const char **better)
{
	switch (opt) {
	case 'm':
		if (!optarg[0])
			compare_bad("--metric: needs a column name");
		c->metric = optarg;
		break;
	case 'b':
		*better = optarg;
		break;
	case 'a':
		c->alpha = parse_num("--alpha", optarg, 1e-9, 0.5);
		break;
	case 'i':
		c->impls = optarg;
		break;
	case 'f':
		if (strcmp(optarg, "text") == 0 || strcmp(optarg, "table") == 0)
			c->format = OUT_TEXT;
		else if (strcmp(optarg, "csv") == 0)
			c->format = OUT_CSV;
		else if (strcmp(optarg, "json") == 0)
			c->format = OUT_JSON;
		else
			compare_bad("--format: '%s'; accepted: text, csv, json",
				    optarg);
		break;
	case 'p':
		/* It draws SVG: a .png name would hold an SVG. */
		if (!ends_with(optarg, ".svg"))
			compare_bad("--plot: '%s': the figure is SVG; give a "
				    "file name ending in .svg",
				    optarg);
		check_out_path("--plot", optarg);
		c->plot = optarg;
		break;
	case 'H':
		check_out_path("--html", optarg);
		c->html = optarg;
		break;
	case 't':
		c->threshold = parse_num("--threshold", optarg, 0, 1e6);
		break;
	}
}

/*
 * The options into c: 0, or 1 when --help was asked (printed).  Bad
 * options end here (compare_bad).
 */
static int
parse_options(int argc, char **argv, struct cmp *c)
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
	const char *better = NULL;
	int opt;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":h", lopts, NULL)) != -1) {
		if (opt == 'h') {
			compare_usage(stdout);
			return 1;
		}
		if (opt == ':')
			compare_bad("%s: needs a value", argv[optind - 1]);
		if (!strchr("mbaifpHt", opt))
			compare_bad("unknown option '%s'; see mapbench "
				    "compare --help",
				    argv[optind - 1]);
		take_option(c, opt, &better);
	}
	if (!compare_metric_col(c->metric))
		compare_bad("--metric: '%s' is not a measurement (it names or "
			    "orders the rows); give a measured column such as "
			    "mops, "
			    "ns_per_op, p99_ns or bytes_per_key",
			    c->metric);
	c->better = compare_metric_direction(c->metric);
	if (better) {
		if (strcmp(better, "higher") == 0)
			c->better = 1;
		else if (strcmp(better, "lower") == 0)
			c->better = -1;
		else
			compare_bad("--better: '%s'; accepted: higher, lower",
				    better);
	}
	if (c->threshold >= 0 && c->better == 0)
		compare_bad("--threshold: the direction of '%s' is not known; "
			    "say --better higher or --better lower",
			    c->metric);
	return 0;
}

/* --impl X,Y DIR: one input column per map of one sweep. */
static void
load_impl_inputs(struct cmp *c, int argc, char **argv, char *implbuf)
{
	char *save = NULL, *tok;

	if (argc - optind != 1)
		compare_bad("--impl compares maps within one sweep: give one "
			    "directory (got %d)",
			    argc - optind);
	c->src = compare_xcalloc(1, sizeof(*c->src));
	c->nsrc = 1;
	compare_load_source(c, &c->src[0], argv[optind]);
	for (tok = strtok_r(implbuf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (c->nin == 26)
			compare_bad("--impl: at most 26 maps");
		for (int i = 0; i < c->nin; i++)
			if (strcmp(c->in[i].impl, tok) == 0)
				compare_bad("--impl: '%s' twice", tok);
		c->in = compare_xrealloc(c->in,
					 (size_t)(c->nin + 1) * sizeof(*c->in));
		memset(&c->in[c->nin], 0, sizeof(c->in[0]));
		c->in[c->nin].arg = argv[optind];
		c->in[c->nin].impl = tok;
		c->in[c->nin].src = 0;
		snprintf(c->in[c->nin].label, sizeof(c->in[0].label), "%c",
			 'A' + c->nin);
		snprintf(c->in[c->nin].name, sizeof(c->in[0].name), "%s", tok);
		c->nin++;
	}
	if (c->nin < 2)
		compare_bad("--impl: name at least two maps, e.g. --impl "
			    "syncmap,rwlock");
}

/* A B [C ...]: one input column per sweep directory. */
static void
load_dir_inputs(struct cmp *c, int argc, char **argv)
{
	c->nin = argc - optind;
	if (c->nin < 2)
		compare_bad("needs at least two sweep directories (or --impl "
			    "X,Y DIR); see mapbench compare --help");
	if (c->nin > 26)
		compare_bad("at most 26 inputs");
	c->src = compare_xcalloc((size_t)c->nin, sizeof(*c->src));
	c->in = compare_xcalloc((size_t)c->nin, sizeof(*c->in));
	c->nsrc = c->nin;
	for (int i = 0; i < c->nin; i++) {
		c->in[i].arg = argv[optind + i];
		c->in[i].src = i;
		snprintf(c->in[i].label, sizeof(c->in[i].label), "%c", 'A' + i);
		snprintf(c->in[i].name, sizeof(c->in[i].name), "%s",
			 argv[optind + i]);
		compare_load_source(c, &c->src[i], argv[optind + i]);
	}
}

/* The comparison on stdout in the format asked for. */
static void
print_results(struct cmp *c)
{
	json_t *root;

	switch (c->format) {
	case OUT_TEXT:
		compare_print_text(stdout, c);
		break;
	case OUT_CSV:
		compare_print_csv(stdout, c);
		break;
	case OUT_JSON:
		root = compare_build_json(c);
		json_dumpf(root, stdout,
			   JSON_INDENT(2) | JSON_REAL_PRECISION(6));
		fputc('\n', stdout);
		json_decref(root);
		break;
	}
	fflush(stdout);
}

/*
 * --threshold: the configurations significantly worse than the first
 * input by more than the threshold (the first five named), and those
 * not judged (unstable).  1 when any is worse, else 0.
 */
static int
threshold_gate(const struct cmp *c)
{
	size_t worse = 0, unstable = 0;
	char label[1024];

	for (size_t i = 0; i < c->ncfg; i++)
		for (int j = 1; j < c->nin; j++) {
			const struct cell *cl = &c->cfg[i].cell[j];
			double lim = c->threshold / 100;

			unstable += cl->verdict == VERDICT_UNSTABLE;
			if (cl->verdict != VERDICT_SIG ||
			    isnan(cl->ratio.ratio))
				continue;
			if (c->better > 0 ? cl->ratio.ratio >= 1 - lim
					  : cl->ratio.ratio <= 1 + lim)
				continue;
			if (worse++ < 5) {
				compare_row_label(c, &c->cfg[i], label,
						  sizeof(label), true);
				fprintf(stderr,
					"mapbench: compare: %s: %s is "
					"%+.1f%% vs %s (p=%.3f)\n",
					label, c->in[j].label,
					compare_pct(cl->ratio.ratio),
					c->in[0].label, cl->test.p);
			}
		}
	if (worse)
		fprintf(stderr,
			"mapbench: compare: %zu configuration(s) "
			"significantly worse than %s by more than "
			"%g%%\n",
			worse, c->in[0].label, c->threshold);
	if (unstable)
		fprintf(stderr,
			"mapbench: compare: %zu "
			"configuration(s) unstable (their "
			"repetitions disagree): not judged by "
			"--threshold\n",
			unstable);
	return worse ? 1 : 0;
}

int
compare_main(int argc, char **argv)
{
	struct cmp c = {.metric = "mops", .alpha = 0.05, .threshold = -1};
	int rc = 0, nid = 0;
	char *implbuf = NULL;

	if (parse_options(argc, argv, &c))
		return 0;
	while (compare_identity()[nid])
		nid++;
	c.nid = nid;
	if (c.impls) {
		implbuf = compare_xstrdup(c.impls);
		load_impl_inputs(&c, argc, argv, implbuf);
	} else {
		load_dir_inputs(&c, argc, argv);
	}
	compare_choose_identity(&c);
	compare_method_warnings(&c);
	compare_add_rows(&c);
	if (c.ncfg == 0)
		compare_bad("no rows to compare");
	compare_note_missing(&c);
	compare_analyse(&c);
	if (c.threshold >= 0)
		check_gate_can_decide(&c);
	print_results(&c);
	if (c.plot) {
		int prc = compare_draw_plot(&c);

		if (prc)
			rc = prc;
	}
	if (c.html && compare_write_html(&c))
		rc = rc ? rc : 1;
	if (c.threshold >= 0 && threshold_gate(&c))
		rc = 1;
	cmp_free(&c);
	free(implbuf);
	return rc;
}

/*
 * The figure table (harness/figures/figures.c) against the gnuplot scripts it
 * names: every script exists, every series a figure declares is drawn
 * by its script (named in a line of code of the script or of common.gp,
 * comments left out), and no caption names a series (any figure's, or
 * one a figure used to claim) that its own figure does not declare.
 */
#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "figures.h"
#include "report.h"

#ifndef MAPBENCH_SOURCE_DIR
#define MAPBENCH_SOURCE_DIR "."
#endif

/* Terms captions once used for series no figure draws. */
static const char *const retired[] = {"peak RSS", "entries copied", NULL};

/* The code of plots/NAME: its lines with comments removed. */
static char *
code_of(const char *name)
{
	char path[1024], line[4096];
	size_t len = 0, cap = 1;
	char *s = calloc(1, 1);
	FILE *f;

	snprintf(path, sizeof(path), "%s/plots/%s", MAPBENCH_SOURCE_DIR, name);
	f = fopen(path, "r");
	if (!f || !s) {
		free(s);
		if (f)
			fclose(f);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *p = line;
		size_t n;

		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#')
			continue;
		n = strlen(p);
		if (len + n + 1 > cap) {
			char *ns;

			cap = 2 * (len + n + 1);
			ns = realloc(s, cap);
			if (!ns)
				break;
			s = ns;
		}
		memcpy(s + len, p, n + 1);
		len += n;
	}
	fclose(f);
	return s;
}

/* Does text hold term as a whole word ('-' and '.' are word letters)? */
static int
names(const char *text, const char *term)
{
	size_t n = strlen(term);

	for (const char *p = text; (p = strstr(p, term)) != NULL; p++) {
		int before = p > text && (isalnum((unsigned char)p[-1]) ||
					  p[-1] == '-' || p[-1] == '.');
		int after = isalnum((unsigned char)p[n]) || p[n] == '-' ||
			    (p[n] == '.' && isalnum((unsigned char)p[n + 1]));

		if (!before && !after)
			return 1;
	}
	return 0;
}

/* Is term one of the '|'-separated series of f? */
static int
declares(const struct figure_def *f, const char *term)
{
	size_t n = strlen(term);

	for (const char *p = f->series; *p;) {
		size_t w = strcspn(p, "|");

		if (w == n && !strncmp(p, term, n))
			return 1;
		p += w + (p[w] == '|');
	}
	return 0;
}

static void
test_series_drawn(void **state)
{
	char *common = code_of("common.gp");

	(void)state;
	assert_non_null(common);
	for (const struct figure_def *f = figure_table; f->prefix; f++) {
		char *code = code_of(f->script);

		if (!code)
			fail_msg("%s: no script plots/%s", f->prefix,
				 f->script);
		for (const char *p = f->series; *p;) {
			size_t w = strcspn(p, "|");
			char term[128];

			snprintf(term, sizeof(term), "%.*s", (int)w, p);
			if (!names(code, term) && !names(common, term))
				fail_msg("%s: declares series '%s' that "
					 "plots/%s does not draw",
					 f->prefix, term, f->script);
			p += w + (p[w] == '|');
		}
		free(code);
	}
	free(common);
}

static void
check_caption(const struct figure_def *f, const char *term)
{
	if (names(f->caption, term) && !declares(f, term))
		fail_msg("%s: the caption names '%s', which plots/%s does "
			 "not draw",
			 f->prefix, term, f->script);
}

static void
test_captions_name_drawn_series(void **state)
{
	(void)state;
	for (const struct figure_def *f = figure_table; f->prefix; f++) {
		assert_non_null(f->title);
		assert_non_null(f->caption);
		for (const struct figure_def *g = figure_table; g->prefix; g++)
			for (const char *p = g->series; *p;) {
				size_t w = strcspn(p, "|");
				char term[128];

				snprintf(term, sizeof(term), "%.*s", (int)w, p);
				check_caption(f, term);
				p += w + (p[w] == '|');
			}
		for (int i = 0; retired[i]; i++)
			check_caption(f, retired[i]);
	}
}

/*
 * plots/map-colours.gp (for the scripts mapbench does not run) gives
 * every map the colour figures.c gives it, and the same reserved palette.
 */
static void
test_colours_agree(void **state)
{
	char *code = code_of("map-colours.gp");
	char want[256];
	const char *c;
	int pt, n = 0;

	(void)state;
	assert_non_null(code);
	for (int i = 0; figure_map_styles[i].name; i++, n++) {
		snprintf(want, sizeof(want), "m eq '%s' ? '%s'",
			 figure_map_styles[i].name,
			 figure_map_styles[i].colour);
		if (!strstr(code, want))
			fail_msg("map-colours.gp lacks \"%s\"", want);
	}
	/* no other fixed name in the script */
	for (const char *p = code; (p = strstr(p, "m eq '")) != NULL; p++)
		n--;
	assert_int_equal(n, 0);
	want[0] = '\0';
	for (int i = 0; i < 8; i++)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 "%s%s", i ? " " : "'", figure_reserved_palette[i]);
	strcat(want, "'");
	if (!strstr(code, want))
		fail_msg("map-colours.gp's palette is not %s", want);
	/* a parameter keeps the map's style; a plugin is not a built-in's */
	figure_map_style("striped:64", &c, &pt);
	assert_string_equal(c, "#ff7f0e");
	for (const char *const *name =
		     (const char *const[]){"boost_cfm", "tbb_chm", "cuckoo",
					   "cds_feldman", NULL};
	     *name; name++) {
		figure_map_style(*name, &c, &pt);
		for (int i = 0; figure_map_styles[i].name; i++)
			if (!strcmp(c, figure_map_styles[i].colour))
				fail_msg("plugin %s has %s's colour", *name,
					 figure_map_styles[i].name);
	}
	free(code);
}

/* The page's fixed significant figures. */
static void
test_sig(void **state)
{
	static const struct {
		double x;
		const char *want;
	} cases[] = {
		{46.14, "46.1"},
		{9.9951, "10.0"},
		{0.0123456, "0.0123"},
		{1234.5, "1234"},
		{0.999, "0.999"},
		{0.9999, "1.00"},
		{-2.345, "-2.35"},
		{0, "0"},
		{NAN, "NA"},
		{312.9, "313"},
		{1.0e6 + 0.4, "1000000"},
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		report_sig(buf, sizeof(buf), cases[i].x, 3);
		assert_string_equal(buf, cases[i].want);
	}
}

static void
test_lookup(void **state)
{
	(void)state;
	assert_string_equal(figure_find("heatmap_uniform_k1000.svg")->script,
			    "heatmap.gp");
	assert_null(figure_find("other.svg"));
	assert_true(figure_rank("heatmap_x.svg") <
		    figure_rank("throughput_reads_x.svg"));
	assert_true(figure_rank("throughput_reads_x.svg") <
		    figure_rank("latency_x.svg"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_series_drawn),
		cmocka_unit_test(test_captions_name_drawn_series),
		cmocka_unit_test(test_colours_agree),
		cmocka_unit_test(test_sig),
		cmocka_unit_test(test_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

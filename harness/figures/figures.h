/*
 * figures: the one table of the figures `mapbench plot` draws and the
 * report page shows: for each, the prefix of its file names, the gnuplot
 * script that draws it, its title, its caption (how to read it) and the
 * series it draws, in the order the page shows them.
 */
#ifndef MAPBENCH_FIGURES_H
#define MAPBENCH_FIGURES_H

#include <stdbool.h>
#include <stddef.h>

struct figure_def {
	const char *prefix;  /* file names: PREFIX<dist>[_k<keys>].svg */
	const char *script;  /* plots/SCRIPT */
	const char *title;   /* the figure's title (what it plots) */
	const char *caption; /* how to read it, never what it should show */
	/*
	 * The series it draws, separated by '|': a caption may name only
	 * these (tests/harness/test_figures.c checks each against the
	 * script and the captions against every series of the table).
	 */
	const char *series;
	/* The columns of summary.tsv it draws (NAME of NAME_med), spaced */
	const char *metrics;
};

/*
 * The metrics the figures draw, in summary.tsv's order (plot.c's enum
 * metric, plots/common.gp's column numbers): results.csv's column and its
 * short name in summary.tsv; NULL-terminated.
 */
struct figure_metric {
	const char *csv, *tsv;
};
extern const struct figure_metric figure_metrics[];
/* The results.csv column of summary.tsv's metric `name` (itself if none). */
const char *figure_metric_csv(const char *name);

/* In page order, NULL-terminated (prefix NULL). */
extern const struct figure_def figure_table[];

/*
 * The caption of `mapbench timeline`'s figures (timeline-LINE.svg): not in
 * the table, whose figures `mapbench plot` draws and replaces.
 */
extern const char figure_timeline_caption[];

/* The entry whose prefix starts `name`, or NULL. */
const struct figure_def *figure_find(const char *name);

/*
 * Is the first len bytes of name one of the words of `list` (names
 * separated by single spaces, NULL: none)?  How plot and tlplot tell the
 * images they drew from those of an earlier run.
 */
bool figure_listed(const char *list, const char *name, size_t len);

/* A dist as it appears in file names: without its ':' (zipf:0.99). */
void figure_dist_tag(const char *dist, char *tag, size_t len);

/* Its position in figure_table (the page's order), or the table's size. */
size_t figure_rank(const char *name);

/*
 * A map's colour ("#rrggbb") and marker (a gnuplot filled point type; the
 * open one is pt - 1), by name, the same in every figure: the built-in
 * maps have fixed ones (figure_map_styles), a parameter keeps its map's
 * (striped:64 is striped), a Go map ("go:NAME") has the colour of its C
 * counterpart, and any other name (a plugin) gets one of a reserved
 * palette no built-in map uses, chosen by a hash of the name.
 */
void figure_map_style(const char *name, const char **colour, int *pt);

struct figure_map_style_def {
	const char *name, *colour;
	int pt;
};
/* The fixed styles, NULL-terminated (plots/map-colours.gp repeats them). */
extern const struct figure_map_style_def figure_map_styles[];
/* The colours of the other names, by a hash of the name. */
extern const char *const figure_reserved_palette[8];

/*
 * A map's place in the figures' order (the registry's); every name the
 * registry lacks (a plugin, a Go map) ranks after all of its maps.
 */
size_t figure_map_rank(const char *name);
/* A control (null, unsync): a reference in figures, never "best". */
bool figure_is_control(const char *impl);

#endif /* MAPBENCH_FIGURES_H */

/*
 * compare_data: the comparison's data (inputs, configurations, cells)
 * and its loading and analysis (see compare_data.c).
 */
#ifndef MAPBENCH_COMPARE_DATA_H
#define MAPBENCH_COMPARE_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "compare_id.h"
#include "stats.h"
#include "sweepdir.h"

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

struct geo {
	double med[64];	       /* per column: geomean of medians */
	double ratio[64];      /* per column: geomean of ratios to column 0 */
	double lo[64], hi[64]; /* its 1 - alpha bootstrap interval */
	size_t n; /* configurations with a positive median everywhere */
};

/* One message on stderr ("mapbench compare: ..."), exit status 2. */
_Noreturn void compare_bad(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void *compare_xcalloc(size_t n, size_t size);
void *compare_xrealloc(void *p, size_t size);
char *compare_xstrdup(const char *s);
void compare_load_source(struct cmp *c, struct source *s, const char *arg);
void compare_note_missing(const struct cmp *c);
void compare_append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void compare_choose_identity(struct cmp *c);
void compare_method_warnings(struct cmp *c);
void compare_add_rows(struct cmp *c);
void compare_analyse(struct cmp *c);
void compare_row_label(const struct cmp *c, const struct config *g, char *buf,
		       size_t len, bool with_group);
void compare_fmt_num(char *buf, size_t len, double x);
double compare_pct(double ratio);
int compare_file_check(FILE *f, const char *path);

#endif /* MAPBENCH_COMPARE_DATA_H */

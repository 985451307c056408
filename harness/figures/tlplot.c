/*
 * tlplot: the throughput timelines of a sweep's rows (timeline.h) drawn
 * with gnuplot, one figure per row, timeline-LINE.svg (LINE: the row's
 * line in results.csv).  tlplot_draw draws the rows that drift (or every
 * row) and is called by `mapbench plot`, so that a sweep's page shows
 * the timelines of its drifting rows; tlplot_main is `mapbench
 * timeline`, the same on demand.  Every row's cells are checked before
 * anything is written; the script gnuplot runs holds only file names
 * and titles reduced to a safe alphabet.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvread.h"
#include "figures.h"
#include "gnuplot.h"
#include "optval.h"
#include "report.h"
#include "timeline.h"
#include "tlplot.h"

/* ---- mapbench timeline ---------------------------------------------- */

/* Parse "a;b;c" into v (at most max); the count, or -1 if malformed. */
static int
parse_points(const char *s, double *v, int max)
{
	int n = 0;

	if (!*s)
		return 0;
	for (;;) {
		char *end;

		if (n == max)
			return -1;
		errno = 0;
		v[n] = strtod(s, &end);
		if (end == s || errno || !isfinite(v[n]) || v[n] < 0)
			return -1;
		n++;
		if (*end == '\0')
			return n;
		if (*end != ';')
			return -1;
		s = end + 1;
	}
}

/* Text safe inside a gnuplot double-quoted string: [A-Za-z0-9 _.:=%+-]. */
static void
put_safe(FILE *f, const char *s)
{
	for (; *s; s++) {
		char ch = *s;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || strchr(" _.:=%+-", ch)))
			ch = '_';
		fputc(ch, f);
	}
}

/* The cell of column `name` of row i, "" when the column is absent. */
static const char *
cell(const struct csv *c, size_t i, const char *name)
{
	int k = csv_col(c, name);

	return k < 0 ? "" : c->rows[i][k];
}

/* One row's timeline. */
struct tl_row {
	double *v, *cpu; /* Mops/s and CPU share per slice (TL_POINTS) */
	int n;		 /* points */
	double slice;	 /* ms */
	double pct;	 /* drift, when `have` */
	bool have;
};

/* The title's fields: " " or a label, then the row's cell. */
static const struct {
	const char *label, *column;
} title_fields[] = {
	{"", "impl"},		{" ", "workload"},
	{" read=", "read_pct"}, {" threads=", "threads"},
	{" keys=", "keys"},	{" ", "dist"},
	{" rep=", "rep"},	{" status=", "status"},
};

/* Write the figure's data file (time in ms, Mops/s, CPU share). */
static int
write_dat(const char *path, const double *v, const double *cpu, int n,
	  double slice_ms)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "# ms\tMops/s\tCPU share (slices of %.4g ms)\n", slice_ms);
	for (int j = 0; j < n; j++)
		fprintf(f, "%.6g\t%.6g\t%.4g\n", (j + 0.5) * slice_ms, v[j],
			cpu[j]);
	return fclose(f) ? -1 : 0;
}

/* Write the figure's gnuplot script: file names and sanitised titles. */
static int
write_gp(const char *path, const struct csv *c, size_t i, const char *dat,
	 const char *svg, double slice_ms, double pct, bool have_pct)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fprintf(f, "set terminal svg size 800,400 dynamic\n");
	fprintf(f, "set output \"%s\"\n", svg);
	fprintf(f, "set title \"");
	for (size_t k = 0; k < sizeof(title_fields) / sizeof(title_fields[0]);
	     k++) {
		fputs(title_fields[k].label, f);
		put_safe(f, cell(c, i, title_fields[k].column));
	}
	if (have_pct)
		fprintf(f, " drift %+.0f%%", pct);
	fprintf(f, "\" noenhanced\n");
	fprintf(f, "set xlabel \"time in the window (ms)\"\n");
	fprintf(f, "set ylabel \"Mops/s (all workers, per %.4g ms slice)\"\n",
		slice_ms);
	fprintf(f, "set y2label \"workers' CPU share\"\n");
	fprintf(f,
		"set yrange [0:*]\nset y2range [0:1.05]\nset ytics nomirror\n");
	fprintf(f, "set y2tics\nset grid\nset key bottom left\n");
	fprintf(f,
		"plot \"%s\" using 1:2 with linespoints pt 7 ps 0.4 title "
		"\"Mops/s\", \"%s\" using 1:3 axes x1y2 with lines dt 2 title "
		"\"CPU share\"\n",
		dat, dat);
	return fclose(f) ? -1 : 0;
}

/*
 * One figure: DIR/timeline-LINE.{dat,gp,svg} (the .dat and .gp removed
 * again unless keep_data).  0, 3 (no gnuplot) or -1 (message given).
 */
static int
draw_one(const char *dir, const struct csv *c, size_t i, const struct tl_row *r,
	 bool keep_data, int logfd)
{
	char dat[64], gp[64], svg[64], path[4096], gpath[4096];
	long line = c->line[i];
	int rc;

	snprintf(dat, sizeof(dat), "timeline-%ld.dat", line);
	snprintf(gp, sizeof(gp), "timeline-%ld.gp", line);
	snprintf(svg, sizeof(svg), "timeline-%ld.svg", line);
	if (snprintf(path, sizeof(path), "%s/%s", dir, dat) >=
		    (int)sizeof(path) ||
	    snprintf(gpath, sizeof(gpath), "%s/%s", dir, gp) >=
		    (int)sizeof(gpath)) {
		errno = ENAMETOOLONG;
		goto io;
	}
	if (write_dat(path, r->v, r->cpu, r->n, r->slice))
		goto io;
	if (write_gp(gpath, c, i, dat, svg, r->slice, r->pct, r->have)) {
		snprintf(path, sizeof(path), "%s", gpath);
		goto io;
	}
	rc = gnuplot_run(dir, NULL, gp, logfd);
	if (!keep_data) {
		unlink(path);
		unlink(gpath);
	}
	if (rc == 127)
		return 3;
	if (rc != 0) {
		fprintf(stderr, "mapbench: gnuplot failed on %s/%s\n", dir, gp);
		return -1;
	}
	return 0;
io:
	fprintf(stderr, "mapbench: cannot write %s: %s\n", path,
		strerror(errno));
	return -1;
}

/*
 * Row i's points into r (v, cpu, n, slice): the number of points (0: the
 * row has no timeline), or -1 when its cells are not a timeline.
 */
static int
row_points(const struct csv *c, size_t i, const int k[3], struct tl_row *r)
{
	const char *ks = c->rows[i][k[2]];
	char *end;

	r->n = parse_points(c->rows[i][k[0]], r->v, TL_POINTS);
	if (r->n == 0)
		return c->rows[i][k[1]][0] || ks[0] ? -1 : 0;
	r->slice = strtod(ks, &end);
	if (r->n < 0 || end == ks || *end || !(r->slice > 0) ||
	    parse_points(c->rows[i][k[1]], r->cpu, TL_POINTS) != r->n)
		return -1;
	return r->n;
}

/*
 * In plot: remove the timeline figures of plot_dir that this run did not
 * draw (a row that no longer drifts, a line that moved), so that the page
 * shows the sweep as it is.
 */
static void
remove_stale(const char *plot_dir, const char *names)
{
	DIR *d = opendir(plot_dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		const char *nm = e->d_name;
		size_t n = strlen(nm), dig;
		char *p;

		if (strncmp(nm, "timeline-", 9))
			continue;
		dig = strspn(nm + 9, "0123456789");
		if (dig == 0 || strcmp(nm + 9 + dig, ".svg") ||
		    figure_listed(names, nm, n - 4))
			continue;
		if (asprintf(&p, "%s/%s", plot_dir, nm) > 0) {
			unlink(p);
			free(p);
		}
	}
	closedir(d);
}

/* Append "timeline-LINE" to the space-separated list *names. */
static int
list_name(char **names, long line)
{
	char *p;

	if (asprintf(&p, "%s%stimeline-%ld", *names ? *names : "",
		     *names ? " " : "", line) < 0)
		return -1;
	free(*names);
	*names = p;
	return 0;
}

/* The timeline columns of c (timeline_mops, _cpu, _slice_ms): 0, or -1. */
static int
tl_columns(const struct csv *c, int k[3])
{
	k[0] = csv_col(c, "timeline_mops");
	k[1] = csv_col(c, "timeline_cpu");
	k[2] = csv_col(c, "timeline_slice_ms");
	return k[0] < 0 || k[1] < 0 || k[2] < 0 ? -1 : 0;
}

/* Every row checked before anything is written: the bad ones, said. */
static int
tl_check_rows(const struct csv *c, const int k[3], struct tl_row *r,
	      const char *path)
{
	int bad = 0;

	for (size_t i = 0; i < c->nrows; i++) {
		if (row_points(c, i, k, r) < 0) {
			/* clang-format off */
			fprintf(stderr, "mapbench: %s:%ld: timeline_mops and timeline_cpu want as many figures (Mops/s, CPU share), joined by ';', and timeline_slice_ms a positive number\n",
				path, c->line[i]);
			/* clang-format on */
			bad++;
		}
	}
	return bad;
}

/* A row that drifts: its index and drift, for the cap's order. */
struct tl_pick {
	size_t i;
	double pct;
};

/* Most drift first; then line order. */
static int
tl_pick_drift(const void *a, const void *b)
{
	const struct tl_pick *x = a, *y = b;
	double dx = fabs(x->pct), dy = fabs(y->pct);

	if (dx != dy)
		return dx > dy ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int
tl_pick_line(const void *a, const void *b)
{
	const struct tl_pick *x = a, *y = b;

	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * The rows o asks for into *out (malloc'ed): every row with a timeline
 * (o->all), else those that drift, at most o->max of them (0: no cap),
 * the ones that drift most; in line order.  The count, or -1 (memory).
 */
static long
tl_pick_rows(const struct tlplot_opts *o, const struct csv *c, const int k[3],
	     struct tl_row *r, struct tl_pick **out, int *drifting)
{
	struct tl_pick *p = malloc(sizeof(*p) * (c->nrows + 1));
	size_t n = 0;

	*drifting = 0;
	if (p == NULL)
		return -1;
	for (size_t i = 0; i < c->nrows; i++) {
		bool have;

		if (row_points(c, i, k, r) <= 0)
			continue;
		r->pct = 0;
		have = timeline_drift_of(r->v, r->cpu, (size_t)r->n, &r->pct);
		if (have && fabs(r->pct) > TL_DRIFT_PCT)
			(*drifting)++;
		else if (!o->all)
			continue;
		p[n].i = i;
		p[n++].pct = have ? r->pct : 0;
	}
	if (!o->all && o->max > 0 && n > (size_t)o->max) {
		qsort(p, n, sizeof(*p), tl_pick_drift);
		n = (size_t)o->max;
		qsort(p, n, sizeof(*p), tl_pick_line);
	}
	*out = p;
	return (long)n;
}

/* Draw the rows o asks for; see tlplot_draw. */
static int
tl_draw_rows(const struct tlplot_opts *o, const struct csv *c, const int k[3],
	     struct tl_row *r, struct tlplot_result *res)
{
	struct tl_pick *pick;
	long n = tl_pick_rows(o, c, k, r, &pick, &res->drifting);
	int rc = 0;

	if (n < 0)
		return 1;
	for (long j = 0; j < n && rc == 0; j++) {
		size_t i = pick[j].i;

		row_points(c, i, k, r);
		r->pct = 0;
		r->have =
			timeline_drift_of(r->v, r->cpu, (size_t)r->n, &r->pct);
		switch (draw_one(o->plot_dir, c, i, r, !o->in_plot, o->logfd)) {
		case 0:
			res->drawn++;
			if (list_name(&res->names, c->line[i]))
				rc = 1;
			break;
		case 3:
			fprintf(stderr, "mapbench: gnuplot not found: no "
					"timeline figures drawn\n");
			rc = 3;
			break;
		default:
			res->failed++;
		}
	}
	free(pick);
	return rc;
}

int
tlplot_draw(const struct tlplot_opts *o, struct tlplot_result *res)
{
	char path[4096];
	struct tl_row r = {0};
	struct csv *c;
	long partial;
	int k[3], rc = 0;

	memset(res, 0, sizeof(*res));
	snprintf(path, sizeof(path), "%s/results.csv", o->dir);
	c = o->csv ? (struct csv *)o->csv : csv_load(path, &partial);
	if (c == NULL || c->head == NULL) {
		fprintf(stderr, "mapbench: %s: %s\n", path,
			c ? "empty" : strerror(errno));
		if (c != o->csv)
			csv_free(c);
		return 2;
	}
	if (tl_columns(c, k)) {
		if (c != o->csv)
			csv_free(c);
		if (o->in_plot) /* a sweep from before timelines */
			return 0;
		fprintf(stderr,
			"mapbench: %s has no "
			"timeline_mops/timeline_cpu/timeline_slice_ms columns "
			"(written before timelines were kept)\n",
			path);
		return 2;
	}
	r.v = malloc(sizeof(double) * TL_POINTS);
	r.cpu = malloc(sizeof(double) * TL_POINTS);
	if (r.v == NULL || r.cpu == NULL)
		rc = 1;
	else if (tl_check_rows(c, k, &r, path))
		rc = 2;
	else if (mkdir(o->plot_dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "mapbench: cannot create %s: %s\n", o->plot_dir,
			strerror(errno));
		rc = 1;
	} else {
		rc = tl_draw_rows(o, c, k, &r, res);
		if (rc == 0 && o->in_plot)
			remove_stale(o->plot_dir, res->names);
	}
	free(r.v);
	free(r.cpu);
	if (c != o->csv)
		csv_free(c);
	return rc ? rc : res->failed ? 1 : 0;
}

int
tlplot_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"all", no_argument, NULL, 'a'},
		{"plot-dir", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	struct tlplot_opts o = {.logfd = -1};
	struct tlplot_result res;
	const char *plot_dir = NULL, *word;
	char path[4096], pd[4096];
	int rc, c;

	opterr = 0;
	optind = 1;
	while ((c = optval_next(argc, argv, lo, &word)) != -1) {
		if (c == 'a')
			o.all = true;
		else if (c == 'p')
			plot_dir = optarg;
		else if (c == 1 && optarg[0] != '-' && o.dir == NULL)
			o.dir = optarg;
		else
			optval_bad(
				"timeline", word,
				"mapbench timeline DIR [--all] [--plot-dir D]");
	}
	if (o.dir == NULL)
		optval_bad("timeline", NULL,
			   "needs the sweep's directory: mapbench timeline DIR "
			   "[--all] [--plot-dir D]");
	if (plot_dir && !plot_dir[0])
		optval_bad("--plot-dir", plot_dir, "a directory path");
	snprintf(pd, sizeof(pd), "%s", plot_dir ? plot_dir : "");
	if (!plot_dir)
		snprintf(pd, sizeof(pd), "%s/plots", o.dir);
	o.plot_dir = pd;
	rc = tlplot_draw(&o, &res);
	free(res.names);
	if (rc == 2 || rc == 3 || (rc == 1 && !res.failed))
		return rc;
	printf("%d timeline figure%s in %s%s\n", res.drawn,
	       res.drawn == 1 ? "" : "s", pd,
	       o.all ? "" : " (rows that drift; --all for every row)");
	/* A sweep's page lists every figure of its plot folder: redo it. */
	snprintf(path, sizeof(path), "%s/meta.json", o.dir);
	if (res.drawn && access(path, R_OK) == 0 &&
	    report_write_sweep(o.dir, pd, stderr) != 0)
		rc = 1;
	return rc;
}

/*
 * mapbench timeline (tlplot.h): the throughput timelines of a sweep's
 * rows (timeline.h) drawn with gnuplot.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "csvread.h"
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

/*
 * One figure: DIR/timeline-LINE.{dat,gp,svg}.  0, or -1 (message given).
 * The data file holds time in ms and Mops/s; the script only file names
 * and sanitised titles.
 */
static int
draw_one(const char *dir, const struct csv *c, size_t i, const double *v,
	 const double *cpu, int n, double slice_ms, double pct, bool have_pct)
{
	char dat[64], gp[64], svg[64], path[4096];
	long line = c->line[i];
	FILE *f;
	int rc;

	snprintf(dat, sizeof(dat), "timeline-%ld.dat", line);
	snprintf(gp, sizeof(gp), "timeline-%ld.gp", line);
	snprintf(svg, sizeof(svg), "timeline-%ld.svg", line);
	if (snprintf(path, sizeof(path), "%s/%s", dir, dat) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		goto io;
	}
	if (!(f = fopen(path, "w")))
		goto io;
	fprintf(f, "# ms\tMops/s\tCPU share (slices of %.4g ms)\n", slice_ms);
	for (int j = 0; j < n; j++)
		fprintf(f, "%.6g\t%.6g\t%.4g\n", (j + 0.5) * slice_ms, v[j],
			cpu[j]);
	if (fclose(f))
		goto io;
	if (snprintf(path, sizeof(path), "%s/%s", dir, gp) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		goto io;
	}
	if (!(f = fopen(path, "w")))
		goto io;
	fprintf(f, "set terminal svg size 800,400 dynamic\n");
	fprintf(f, "set output \"%s\"\n", svg);
	fprintf(f, "set title \"");
	put_safe(f, cell(c, i, "impl"));
	fprintf(f, " ");
	put_safe(f, cell(c, i, "workload"));
	fprintf(f, " read=");
	put_safe(f, cell(c, i, "read_pct"));
	fprintf(f, " threads=");
	put_safe(f, cell(c, i, "threads"));
	fprintf(f, " keys=");
	put_safe(f, cell(c, i, "keys"));
	fprintf(f, " ");
	put_safe(f, cell(c, i, "dist"));
	fprintf(f, " rep=");
	put_safe(f, cell(c, i, "rep"));
	fprintf(f, " status=");
	put_safe(f, cell(c, i, "status"));
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
	if (fclose(f))
		goto io;
	rc = gnuplot_run(dir, NULL, gp, -1);
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
 * Row i's points into v and cpu, its slice width into *slice: the number
 * of points (0: the row has no timeline), or -1 when its cells are not a
 * timeline.
 */
static int
row_points(const struct csv *c, size_t i, int kt, int kc, int ks, double *v,
	   double *cpu, double *slice)
{
	int n = parse_points(c->rows[i][kt], v, TL_POINTS);
	char *end;

	if (n == 0)
		return c->rows[i][kc][0] || c->rows[i][ks][0] ? -1 : 0;
	*slice = strtod(c->rows[i][ks], &end);
	if (n < 0 || end == c->rows[i][ks] || *end || !(*slice > 0) ||
	    parse_points(c->rows[i][kc], cpu, TL_POINTS) != n)
		return -1;
	return n;
}

int
cmd_timeline(int argc, char **argv)
{
	const char *dir = NULL, *plot_dir = NULL;
	char path[4096], pd[4096];
	bool all = false;
	struct csv *c;
	long partial;
	int kt, ks, kc, drawn = 0, failed = 0, bad = 0;
	double *v, *cpu;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--all") == 0)
			all = true;
		else if (strcmp(argv[i], "--plot-dir") == 0 && i + 1 < argc)
			plot_dir = argv[++i];
		else if (argv[i][0] != '-' && dir == NULL)
			dir = argv[i];
		else
			optval_bad(
				"timeline", argv[i],
				"mapbench timeline DIR [--all] [--plot-dir D]");
	}
	if (dir == NULL)
		optval_bad("timeline", NULL,
			   "needs the sweep's directory: mapbench timeline DIR "
			   "[--all] [--plot-dir D]");
	if (plot_dir && !plot_dir[0])
		optval_bad("--plot-dir", plot_dir, "a directory path");
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	c = csv_load(path, &partial);
	if (c == NULL || c->head == NULL) {
		fprintf(stderr, "mapbench: %s: %s\n", path,
			c ? "empty" : strerror(errno));
		csv_free(c);
		return 2;
	}
	kt = csv_col(c, "timeline_mops");
	ks = csv_col(c, "timeline_slice_ms");
	kc = csv_col(c, "timeline_cpu");
	if (kt < 0 || ks < 0 || kc < 0) {
		fprintf(stderr,
			"mapbench: %s has no "
			"timeline_mops/timeline_cpu/timeline_slice_ms columns "
			"(written before timelines were kept)\n",
			path);
		csv_free(c);
		return 2;
	}
	v = malloc(sizeof(double) * TL_POINTS);
	cpu = malloc(sizeof(double) * TL_POINTS);
	if (v == NULL || cpu == NULL) {
		free(v);
		free(cpu);
		csv_free(c);
		return 1;
	}
	/* Every row checked before anything is written. */
	for (size_t i = 0; i < c->nrows; i++) {
		double slice;

		if (row_points(c, i, kt, kc, ks, v, cpu, &slice) < 0) {
			/* clang-format off */
			fprintf(stderr, "mapbench: %s:%ld: timeline_mops and timeline_cpu want as many figures (Mops/s, CPU share), joined by ';', and timeline_slice_ms a positive number\n",
				path, c->line[i]);
			/* clang-format on */
			bad++;
		}
	}
	if (bad) {
		free(v);
		free(cpu);
		csv_free(c);
		return 2;
	}
	snprintf(pd, sizeof(pd), "%s", plot_dir ? plot_dir : "");
	if (!plot_dir)
		snprintf(pd, sizeof(pd), "%s/plots", dir);
	if (mkdir(pd, 0777) && errno != EEXIST) {
		fprintf(stderr, "mapbench: cannot create %s: %s\n", pd,
			strerror(errno));
		free(v);
		free(cpu);
		csv_free(c);
		return 1;
	}
	for (size_t i = 0; i < c->nrows; i++) {
		double slice, pct = 0;
		int n = row_points(c, i, kt, kc, ks, v, cpu, &slice);
		bool have;

		if (n <= 0)
			continue;
		have = timeline_drift_of(v, cpu, (size_t)n, &pct);
		if (!all && !(have && fabs(pct) > TL_DRIFT_PCT))
			continue;
		switch (draw_one(pd, c, i, v, cpu, n, slice, pct, have)) {
		case 0:
			drawn++;
			break;
		case 3:
			fprintf(stderr, "mapbench: gnuplot not found: no "
					"timeline figures drawn\n");
			free(v);
			free(cpu);
			csv_free(c);
			return 3;
		default:
			failed++;
		}
	}
	printf("%d timeline figure%s in %s%s\n", drawn, drawn == 1 ? "" : "s",
	       pd, all ? "" : " (rows that drift; --all for every row)");
	/* A sweep's page lists every figure of its plot folder: redo it. */
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if (drawn && access(path, R_OK) == 0 &&
	    report_write_sweep(dir, pd, stderr) != 0)
		failed++;
	free(v);
	free(cpu);
	csv_free(c);
	return failed ? 1 : 0;
}

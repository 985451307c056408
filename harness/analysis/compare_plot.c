/*
 * compare_plot: `mapbench compare --plot FILE.svg`: the ratios to the
 * first input with their intervals, one panel per thread count, drawn by
 * gnuplot (gnuplot.h: an argument vector, data in files, labels made
 * safe).
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
#include "compare_plot.h"
#include "compare_text.h"
#include "figures.h"
#include "gnuplot.h"
#include "map.h"

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

/* The panel of each configuration: thread counts in order of first
 * appearance (one panel when threads do not tell them apart). */
static int
assign_panels(struct cmp *c, int tcol, char **panels)
{
	int npanel = 0;

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
	return npanel;
}

/* dir/pP_J.dat: input j's ratios of panel p, one x per row.  0, or -1. */
static int
write_panel_data(struct cmp *c, const char *dir, int p, int j, int tcol)
{
	char path[4300], label[1024];
	FILE *d;
	int x = 0;

	snprintf(path, sizeof(path), "%s/p%d_%d.dat", dir, p, j);
	d = fopen(path, "w");
	if (!d)
		return -1;
	for (size_t i = 0; i < c->ncfg; i++) {
		const struct config *g = &c->cfg[i];
		const struct cell *cl = &g->cell[j];
		bool keep_threads = c->varies[tcol >= 0 ? tcol : 0];

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
		compare_row_label(c, g, label, sizeof(label), true);
		if (tcol >= 0)
			c->varies[tcol] = keep_threads;
		plot_label(label);
		if (isnan(cl->ratio.ratio))
			fprintf(d, "%d ? ? ? \"%s\"\n", x, label);
		else
			fprintf(d, "%d %.6g %.6g %.6g \"%s\"\n", x,
				cl->ratio.ratio, cl->ratio.lo, cl->ratio.hi,
				label);
	}
	return compare_file_check(d, path) ? -1 : 0;
}

/* One y range for every panel, on a log scale, ticks at powers of 2. */
static void
write_yaxis(FILE *gp, const struct cmp *c)
{
	/* one y range for every panel: they are meant to be compared */
	double ylo = 1, yhi = 1, pad;
	int e0, e1, step;
	const char *sep = "";

	for (size_t i = 0; i < c->ncfg; i++)
		for (int j = 1; j < c->nin; j++) {
			const struct stats_ratio *r = &c->cfg[i].cell[j].ratio;

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
	e0 = (int)floor(log2(ylo / pad));
	e1 = (int)ceil(log2(yhi * pad));
	step = (e1 - e0) / 12 + 1;
	fputs("set ytics (", gp);
	for (int e = e0; e <= e1; e++) {
		if (e % step)
			continue;
		if (e >= 0)
			fprintf(gp, "%s\"%.0fx\" %.17g", sep, ldexp(1, e),
				ldexp(1, e));
		else
			fprintf(gp, "%s\"1/%.0f\" %.17g", sep, ldexp(1, -e),
				ldexp(1, e));
		sep = ", ";
	}
	fputs(")\n", gp);
}

/* Panel p's plot command: one series per input after the first. */
static void
write_panel_plot(FILE *gp, const struct cmp *c, const char *panel, int p)
{
	char title[128];

	snprintf(title, sizeof(title), "%s", panel);
	plot_label(title);
	fprintf(gp, "set title \"%s%s\" noenhanced\n",
		panel[0] ? "threads=" : "", title);
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
		figure_map_style(c->in[j].impl ? c->in[j].impl : "", &colour,
				 &pt);
		if (strcmp(c->in[j].label, c->in[j].name))
			snprintf(name, sizeof(name), "%s: %s", c->in[j].label,
				 c->in[j].name);
		else
			snprintf(name, sizeof(name), "%s", c->in[j].label);
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

/* dir/plot.gp, drawing every panel into plot.svg.  0, or -1. */
static int
write_script(const struct cmp *c, const char *dir, char *const *panels,
	     int npanel)
{
	char path[4300];
	FILE *gp;

	snprintf(path, sizeof(path), "%s/plot.gp", dir);
	gp = fopen(path, "w");
	if (!gp)
		return -1;
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
	write_yaxis(gp, c);
	for (int p = 0; p < npanel; p++)
		write_panel_plot(gp, c, panels[p], p);
	fprintf(gp, "unset multiplot\n");
	return compare_file_check(gp, path) ? -1 : 0;
}

/*
 * Run gnuplot on dir/plot.gp and move plot.svg to --plot's name: 0, 1,
 * 3 (no gnuplot), or -2 when gnuplot failed (the folder is kept for its
 * log, said).
 */
static int
run_script(const struct cmp *c, const char *dir)
{
	char path[4300];
	int logfd, err, status;

	snprintf(path, sizeof(path), "%s/gnuplot.log", dir);
	logfd = open(path,
		     O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		     0644);
	if (logfd < 0) {
		fprintf(stderr, "mapbench: compare: --plot: %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	status = gnuplot_run(dir, NULL, "plot.gp", logfd);
	err = errno;
	close(logfd);
	errno = err;
	if (status == 127) {
		fprintf(stderr,
			"mapbench: compare: --plot: cannot run gnuplot (%s); "
			"the results above are complete: apt-get install "
			"gnuplot-nox\n",
			strerror(errno));
		return errno == ENOENT ? 3 : 1;
	}
	if (status != 0) {
		fprintf(stderr,
			"mapbench: compare: --plot: gnuplot failed; see "
			"%s/gnuplot.log\n",
			dir);
		return -2;
	}
	snprintf(path, sizeof(path), "%s/plot.svg", dir);
	if (rename(path, c->plot)) {
		fprintf(stderr, "mapbench: compare: --plot: %s: %s\n", c->plot,
			strerror(errno));
		return 1;
	}
	return 0;
}

/* The temporary folder's files, and the folder. */
static void
remove_work(const char *dir, int npanel, int nin)
{
	static const char *const names[] = {"plot.gp", "gnuplot.log",
					    "plot.svg"};
	char path[4300];

	for (int p = 0; p < npanel; p++)
		for (int j = 1; j < nin; j++) {
			snprintf(path, sizeof(path), "%s/p%d_%d.dat", dir, p,
				 j);
			unlink(path);
		}
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/*
 * Draw the ratios: one panel per thread count, one series per input after
 * the first (a map in its colour and marker of every figure; controls
 * left out), intervals as error bars, ticks at powers of 2 written as
 * ratios.  Returns 0, 1 (failure), 3 (no gnuplot).
 */
int
compare_draw_plot(struct cmp *c)
{
	char tmpl[4200];
	char *panels[256];
	int npanel, tcol = -1, rc = 0;

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
	npanel = assign_panels(c, tcol, panels);
	for (int p = 0; p < npanel && !rc; p++)
		for (int j = 1; j < c->nin && !rc; j++)
			rc = write_panel_data(c, tmpl, p, j, tcol) ? 1 : 0;
	if (!rc)
		rc = write_script(c, tmpl, panels, npanel) ? 1 : 0;
	if (!rc)
		rc = run_script(c, tmpl);
	if (rc == -2)
		return 1; /* keep the folder for the log */
	if (rc == 1)
		fprintf(stderr,
			"mapbench: compare: --plot: cannot write in "
			"%s\n",
			tmpl);
	remove_work(tmpl, npanel, c->nin);
	return rc;
}

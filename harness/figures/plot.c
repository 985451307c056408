/*
 * mapbench plot: read a sweep's results.csv, check every field it uses,
 * aggregate the repetitions of each configuration (median, min, max per
 * metric) into ONE table next to the results, <sweep>/summary.tsv, then
 * draw each figure with one gnuplot script of plots/ reading that table.
 *
 * Nothing read from the CSV or given on the command line reaches a
 * shell: gnuplot is started by gnuplot_run (an argument vector, no shell),
 * and values go to it as gnuplot strings in single quotes (a quote
 * doubled; control characters refused), after the fields were checked
 * against their grammar (impl names, dist, integers, numbers).  A row
 * that fails a check is reported with its line number and skipped.
 *
 * The C side decides what is drawn: which panels have data, the y-range
 * shared by the panels of a figure (from the real maps: `null` is drawn
 * as a reference line, not used to scale the axes), the thread count
 * latency is taken at (the largest one not oversubscribed), the colour
 * and marker of each map (by name, the same in every figure).  A figure
 * with no data is skipped and said so.  Images go to the plot directory
 * (default <sweep>/plots); images about to be redrawn are removed first,
 * and only what was written is reported.  gnuplot's messages go to
 * <sweep>/gnuplot.log.  Then the timelines of the rows that drift
 * (tlplot.c) and the sweep's page (report.c).
 *
 * This module is the command's sequence; the reading and aggregating is
 * plotdata.c, the gnuplot plumbing plotgp.c, the heatmaps plotheat.c, the
 * line figures plotfigs.c.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvread.h"
#include "figures.h"
#include "fsutil.h"
#include "gnuplot.h"
#include "plot.h"
#include "plotdata.h"
#include "plotfigs.h"
#include "plotgp.h"
#include "plotheat.h"
#include "report.h"
#include "tlplot.h"

#ifndef MAPBENCH_SOURCE_DIR
#define MAPBENCH_SOURCE_DIR "."
#endif

/*
 * Timeline figures plot draws at most (those that drift most): a short
 * window's quarters are few slices, so many rows of a large sweep drift
 * by chance, and a page of hundreds of timelines shows none of them.
 */
#define PLOT_TIMELINES_MAX 24

/* ---- the command --------------------------------------------------- */

/*
 * Remove the images of the figure table's figures that this run did not
 * draw (a figure renamed, a configuration gone): the plot directory holds
 * only what the sweep now shows.  Other files are left alone.
 */
static void
remove_stale(struct ctx *x)
{
	DIR *dir = opendir(x->outdir);
	struct dirent *e;

	if (!dir)
		return;
	while ((e = readdir(dir)) != NULL) {
		size_t n = strlen(e->d_name);
		char *p;

		if (n < 5 || !figure_find(e->d_name) ||
		    (strcmp(e->d_name + n - 4, ".svg") &&
		     strcmp(e->d_name + n - 4, ".png")))
			continue;
		if (!figure_listed(x->written.p, e->d_name, n - 4) &&
		    asprintf(&p, "%s/%s", x->outdir, e->d_name) > 0) {
			unlink(p);
			free(p);
		}
	}
	closedir(dir);
}

static void
ctx_free(struct ctx *x)
{
	char *own[] = {x->gpdir,    x->outdir,	  x->summary,  x->heat,
		       x->log_path, x->note_rows, x->written.p};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		free(own[i]);
	if (x->logfd >= 0)
		close(x->logfd);
}

/* The sweep's name for titles: the last component of its directory. */
static char *
run_name(const char *dir)
{
	size_t n = strlen(dir);
	const char *b;
	char *s;

	while (n > 1 && dir[n - 1] == '/')
		n--;
	b = memrchr(dir, '/', n);
	b = b && n > 1 ? b + 1 : dir;
	s = strndup(b, n - (size_t)(b - dir));
	for (char *p = s; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

/*
 * Where the gnuplot scripts are: beside an installed mapbench
 * (PREFIX/bin/../share/mapbench/plots), else the source tree it was built
 * from.  MAPBENCH_PLOTS overrides both.  malloc'ed, or NULL.
 */
static char *
scripts_dir(void)
{
	char *exe = realpath("/proc/self/exe", NULL), *slash, *p = NULL;

	if (exe != NULL && (slash = strrchr(exe, '/')) != NULL) {
		*slash = '\0';
		if (asprintf(&p, "%s/../share/mapbench/plots/common.gp", exe) >
			    0 &&
		    access(p, R_OK) == 0) {
			p[strlen(p) - strlen("/common.gp")] = '\0';
			free(exe);
			exe = realpath(p, NULL);
			free(p);
			return exe;
		}
		free(p);
	}
	free(exe);
	return realpath(MAPBENCH_SOURCE_DIR "/plots", NULL);
}

/*
 * results.csv is a regular file, the paths can be handed to gnuplot, and
 * gnuplot is there: 0, or the exit status (said).
 */
static int
check_input(const char *dir, const char *csv_path, const char *outdir)
{
	int fd = csv_open_regular(csv_path);

	if (fd < 0) {
		if (errno == ENOENT)
			fprintf(stderr,
				"mapbench: plot: no results in '%s' (%s "
				"does not exist)\n",
				dir, csv_path);
		else if (errno == EINVAL || errno == EISDIR)
			fprintf(stderr,
				"mapbench: plot: %s is not a regular file\n",
				csv_path);
		else
			fprintf(stderr, "mapbench: plot: cannot read %s: %s\n",
				csv_path, strerror(errno));
		return 2;
	}
	close(fd);
	if (plotgp_has_control(outdir) || plotgp_has_control(dir)) {
		fprintf(stderr,
			"mapbench: plot: a path with a control character "
			"cannot be handed to gnuplot; rename it\n");
		return 2;
	}
	if (!gnuplot_available()) {
		fprintf(stderr,
			"mapbench: plot: gnuplot is not installed; the results "
			"in %s are kept.\n"
			"  install it with: apt-get install gnuplot-nox\n"
			"  then draw with:  mapbench plot %s\n",
			csv_path, dir);
		return 3;
	}
	return 0;
}

/*
 * The rows left out, said on stderr and kept for every figure's notes
 * (x->note_rows): 0, or -1 (out of memory).
 */
static int
note_rows(struct ctx *x, const struct plotdata *d)
{
	if (d->not_ok || d->bad) {
		if (asprintf(&x->note_rows,
			     "%zu row%s not ok (status) and %zu invalid "
			     "row%s left out",
			     d->not_ok, d->not_ok == 1 ? "" : "s", d->bad,
			     d->bad == 1 ? "" : "s") < 0)
			return -1;
	} else if (!(x->note_rows = strdup("")))
		return -1;
	if (d->not_ok)
		fprintf(stderr,
			"mapbench: plot: %zu row%s whose status is not ok "
			"left out\n",
			d->not_ok, d->not_ok == 1 ? "" : "s");
	if (d->not_rw || d->custom_mix)
		fprintf(stderr,
			"mapbench: plot: %zu Go workload row%s and %zu "
			"--mix row%s are not plotted\n",
			d->not_rw, d->not_rw == 1 ? "" : "s", d->custom_mix,
			d->custom_mix == 1 ? "" : "s");
	return 0;
}

/*
 * The heatmap's reference: *baseline when the sweep holds it; the
 * default one (not given) falls back to "best".  0, or 2 (said).
 */
static int
choose_baseline(const struct plotdata *d, const char **baseline, bool explicit,
		const char *csv_path)
{
	size_t i;

	if (!strcmp(*baseline, "best"))
		return 0;
	for (i = 0; i < d->n_impls; i++)
		if (!strcmp(d->impls[i], *baseline))
			return 0;
	if (!explicit) {
		/* the default reference is not in this sweep */
		fprintf(stderr,
			"mapbench: plot: no %s in this sweep: the "
			"heatmap compares with the fastest map of each "
			"row (--baseline MAP to choose)\n",
			*baseline);
		*baseline = "best";
		return 0;
	}
	fprintf(stderr, "mapbench: plot: --baseline '");
	plotdata_put_shown(stderr, *baseline);
	fprintf(stderr, "': no such map in %s; give one of:", csv_path);
	for (i = 0; i < d->n_impls; i++)
		if (!plotdata_is_null(d->impls[i]))
			fprintf(stderr, " %s", d->impls[i]);
	fprintf(stderr, ", or best (the fastest map of each "
			"row); nothing written\n");
	return 2;
}

/*
 * The plot directory made (nothing through a link planted in the
 * sweep), the absolute paths gnuplot gets, and gnuplot.log opened:
 * 0, or the exit status (said).
 */
static int
open_outputs(struct ctx *x, const char *outdir, const char *summary,
	     const char *heat_path)
{
	const char *env = getenv("MAPBENCH_PLOTS");
	char why[4200];
	int err;

	if (fs_dir_check_real(outdir, why, sizeof(why))) {
		fprintf(stderr, "mapbench: plot: %s\n", why);
		return 2;
	}
	if ((err = fs_mkdir_p(outdir))) {
		fprintf(stderr, "mapbench: plot: cannot create %s: %s\n",
			outdir, strerror(-err));
		return 1;
	}
	x->gpdir = env ? realpath(env, NULL) : scripts_dir();
	x->outdir = realpath(outdir, NULL);
	x->summary = realpath(summary, NULL);
	x->heat = realpath(heat_path, NULL);
	if (!x->gpdir || !x->outdir || !x->summary || !x->heat) {
		fprintf(stderr, "mapbench: plot: cannot resolve %s: %s\n",
			!x->gpdir    ? "the gnuplot scripts' directory"
			: !x->outdir ? outdir
				     : summary,
			strerror(errno));
		return 1;
	}
	if (plotgp_has_control(x->gpdir) || plotgp_has_control(x->outdir) ||
	    plotgp_has_control(x->summary) || plotgp_has_control(x->heat)) {
		fprintf(stderr,
			"mapbench: plot: a path with a control character "
			"cannot be handed to gnuplot; rename it\n");
		return 2;
	}
	x->logfd = open(x->log_path,
			O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC |
				O_NOFOLLOW,
			0644);
	if (x->logfd < 0) {
		fprintf(stderr, "mapbench: plot: cannot write %s: %s\n",
			x->log_path, strerror(errno));
		return 1;
	}
	return 0;
}

/*
 * Every figure of the sweep, per dist and key count, then the timelines
 * of the rows that drift (tlplot.c, from results.csv as plot read it:
 * its bad lines are said once), into tl.
 */
static void
draw_all(struct ctx *x, const struct plotdata *d, const struct heat *heat,
	 const char *baseline, const struct csv *csv, struct tlplot_result *tl)
{
	struct tlplot_opts to = {.dir = x->dir,
				 .csv = csv,
				 .plot_dir = x->outdir,
				 .in_plot = true,
				 .max = PLOT_TIMELINES_MAX,
				 .logfd = x->logfd};

	for (size_t di = 0; di < d->n_dists; di++) {
		const char *dist = d->dists[di];
		char tag[48];

		figure_dist_tag(dist, tag, sizeof(tag));
		for (size_t ki = 0; ki < d->n_keys; ki++) {
			bool any = false;

			FOR_CFG(d, c)
			any |= !strcmp(c->dist, dist) && c->keys == d->keys[ki];
			if (!any)
				continue;
			plotheat_figure(x, d, heat, dist, tag, d->keys[ki],
					baseline);
			for (size_t ti = 0; ti < d->n_threads; ti++)
				plotfigs_reads_small(x, d, dist, tag,
						     d->keys[ki],
						     d->threads[ti]);
			plotfigs_throughput(x, d, dist, tag, d->keys[ki], true);
			plotfigs_latency(x, d, dist, tag, d->keys[ki]);
		}
		plotfigs_promotion(x, d, dist, tag);
		plotfigs_memory(x, d, dist, tag);
	}
	if (tlplot_draw(&to, tl))
		x->failed++;
}

/*
 * What was drawn, said on stdout, and the sweep's page: the exit status
 * (0, or 1 when a figure, the page or stdout failed or rows were bad).
 */
static int
finish(struct ctx *x, const struct plotdata *d, const struct tlplot_result *tl,
       const char *outdir, const char *summary, const char *csv_path)
{
	/*
	 * Even when a figure failed (its images are gone already): an image
	 * of a figure this run did not draw shows an earlier state, and the
	 * page (report.c) shows every image in the folder (D16).
	 */
	remove_stale(x);
	fprintf(stdout, "summary: %s\n", summary);
	if (x->drawn) {
		fprintf(stdout,
			"plots:   %s/: %d figure%s (.svg and .png):", outdir,
			x->drawn, x->drawn == 1 ? "" : "s");
		fprintf(stdout, " %s\n", x->written.p ? x->written.p : "");
	} else {
		fprintf(stdout, "plots:   none drawn\n");
	}
	if (tl->drawn && tl->drifting <= PLOT_TIMELINES_MAX)
		fprintf(stdout,
			"timelines: %s/: %d figure%s (.svg) of the rows that "
			"drift: %s\n",
			outdir, tl->drawn, tl->drawn == 1 ? "" : "s",
			tl->names);
	else if (tl->drawn)
		/* clang-format off */
		fprintf(stdout, "timelines: %s/: %d figures (.svg) of the %d rows that drift, those that drift most (mapbench timeline draws them all): %s\n",
			outdir, tl->drawn, tl->drifting, tl->names);
	/* clang-format on */
	/* The sweep's page beside its figures (report.c). */
	if (report_write_sweep(x->dir, outdir, stderr) == 0)
		fprintf(stdout, "report:  %s/index.html\n", outdir);
	else
		x->failed = 1; /* no page: not a success */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "mapbench: plot: cannot write the report: %s\n",
			strerror(errno));
		return 1;
	}
	if (d->bad)
		fprintf(stderr,
			"mapbench: plot: %zu invalid row%s of %s left out "
			"(see above)\n",
			d->bad, d->bad == 1 ? "" : "s", csv_path);
	return x->failed || d->bad ? 1 : 0;
}

int
plot_sweep(const char *dir, const char *plot_dir, const char *baseline)
{
	struct plotdata d = {0};
	struct ctx x = {.logfd = -1};
	struct csv *csv = NULL;
	struct heat heat = {0};
	struct tlplot_result tl = {0};
	char *csv_path = NULL, *outdir = NULL, *summary = NULL, *run = NULL;
	char *heat_path = NULL;
	bool explicit = baseline != NULL;
	int rc = 1;

	if (!baseline)
		baseline = PLOT_BASELINE;
	if (asprintf(&csv_path, "%s/results.csv", dir) < 0 ||
	    (plot_dir ? asprintf(&outdir, "%s", plot_dir)
		      : asprintf(&outdir, "%s/plots", dir)) < 0 ||
	    asprintf(&summary, "%s/summary.tsv", dir) < 0 ||
	    asprintf(&heat_path, "%s/heatmap.tsv", dir) < 0 ||
	    asprintf(&x.log_path, "%s/gnuplot.log", dir) < 0 ||
	    !(run = run_name(dir)))
		goto oom;
	x.run = run;
	x.dir = dir;
	if ((rc = check_input(dir, csv_path, outdir)) ||
	    (rc = plotdata_load(csv_path, &csv, &d)))
		goto out;
	rc = plotdata_aggregate(&d);
	if (rc == 2)
		goto out;
	if (rc || note_rows(&x, &d))
		goto oom;
	if (d.nc == 0) {
		fprintf(stderr,
			"mapbench: plot: nothing to plot: %s has no valid "
			"read/write rows\n",
			csv_path);
		rc = d.bad ? 1 : 0;
		goto out;
	}
	if ((rc = choose_baseline(&d, &baseline, explicit, csv_path)))
		goto out;
	if (plotheat_build(&heat, &d, baseline))
		goto oom;
	rc = 1;
	if (plotdata_write_table(summary, plotdata_write_summary, &d) ||
	    plotdata_write_table(heat_path, plotheat_write, &heat) ||
	    (rc = open_outputs(&x, outdir, summary, heat_path)))
		goto out;
	draw_all(&x, &d, &heat, baseline, csv, &tl);
	rc = finish(&x, &d, &tl, outdir, summary, csv_path);
	goto out;
oom:
	fprintf(stderr, "mapbench: plot: out of memory\n");
	rc = 1;
out:
	csv_free(csv);
	plotdata_free(&d);
	ctx_free(&x);
	free(csv_path);
	free(outdir);
	free(summary);
	free(heat_path);
	free(heat.cell);
	free(tl.names);
	free(run);
	return rc;
}

/*
 * mapbench sweep: the grid, one fresh map per row, written as it goes;
 * and mapbench run, the same schedule printed at the end.
 *
 * A sweep directory holds results.csv, meta.json (the machine, the build
 * and the grid's identity) and plots/.  While a sweep runs it holds an
 * exclusive lock on DIR/.lock, so two sweeps never write one directory.
 * Each finished row is appended with one write() and fsync'ed before the
 * next starts; a failed write truncates the file back to its last
 * complete row.  --resume reads the rows back and skips them, after
 * checking that the grid is the same one (meta.json's "grid"); Ctrl-C
 * or SIGTERM abandons the row in flight (a partial row would be a lie)
 * and keeps the rest, a second one kills at once.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "csvread.h"
#include "driver.h"
#include "fsutil.h"
#include "grid.h"
#include "interfere.h"
#include "isolate.h"
#include "outdir.h"
#include "plot.h"
#include "schedule.h"
#include "schema_write.h"
#include "stats.h"
#include "sweep.h"
#include "proc.h"
#include "procmem.h"
#include "sysinfo.h"

static void
catch_signals(void)
{
	proc_catch_stop(&driver_interrupted, NULL, NULL);
}

static int
interrupted_status(void)
{
	return driver_interrupted == SIGTERM ? 143 : 130;
}

/* Seconds on CLOCK_MONOTONIC (clock.h's clock_mono_ns). */
static inline double
now_sec(void)
{
	return (double)clock_mono_ns() * 1e-9;
}

static void
fmt_time(char *buf, size_t len, double s)
{
	if (s >= 60)
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
	else
		snprintf(buf, len, "%.0fs", s);
}

/*
 * Rough seconds of one row's window: its --duration, or with --ops its
 * operations per thread at about 200 ns each (the threads run side by
 * side; a guess until rows have run, then the ETA uses their times).
 */
static double
window_estimate(const struct config *c)
{
	return c->ops_per_thread ? (double)c->ops_per_thread * 200e-9
				 : c->duration;
}

/* Rough seconds one run takes beyond its window: create, prefill, count. */
static double
overhead_estimate(const struct config *c)
{
	double keys = c->wl ? 1000 : (double)c->keys;

	return 0.02 + keys * 500e-9 * (0.4 + c->prefill_pct / 100.0);
}

/*
 * Refuse a grid that cannot fit in memory, before anything runs; warn
 * when it would take most of it.  About 160 bytes per key covers every
 * built-in map at its worst (syncmap's read and dirty tables at once).
 */
static void
check_memory(const struct config *grid, size_t n)
{
	uint64_t avail = procmem_available(), worst = 0;

	for (size_t i = 0; i < n; i++)
		if (!grid[i].wl && grid[i].keys * 160 > worst)
			worst = grid[i].keys * 160;
	if (!avail || !worst)
		return;
	if (worst > avail) {
		fprintf(stderr,
			"mapbench: --keys: the largest row needs about %.1f "
			"GB and %.1f GB is available (MemAvailable); accepted: "
			"fewer keys\n",
			(double)worst / 1e9, (double)avail / 1e9);
		exit(2);
	}
	if (worst > avail / 2)
		fprintf(stderr,
			"mapbench: warning: the largest row needs about %.1f "
			"GB of the %.1f GB available\n",
			(double)worst / 1e9, (double)avail / 1e9);
}

static void check_duration(const struct opts *o);

/*
 * The grid of `o`, checked before anything runs: something to run, memory
 * enough.  The count, or 0 when there is nothing to run (said).
 */
static size_t
prepare_grid(const struct opts *o, struct config **grid)
{
	size_t n = grid_expand(o, grid);

	if (n * o->repeat == grid_report_refused(*grid, n, o->repeat)) {
		fprintf(stderr,
			"mapbench: %s: nothing to run: every configuration "
			"of the grid is refused\n",
			o->cmd);
		free(*grid);
		return 0;
	}
	check_memory(*grid, n);
	check_duration(o);
	schema_own_set(*grid, n);
	return n;
}

static void
check_duration(const struct opts *o)
{
	if (o->duration < 0.01)
		fprintf(stderr,
			"mapbench: warning: --duration %gs: windows this "
			"short are dominated by thread start-up and the "
			"clock; expect them to run longer than asked\n",
			o->duration);
}

/*
 * The probes of this sweep's rows (interfere.h's probe_ns), and the
 * judgment of each new one against them: a row whose CPU ran slower than
 * the sweep's fast probes by more than the interference limit is
 * `interfered` (and measured again like any other).  Its reference is the
 * 10th percentile of the probes so far, from PROBE_MIN_ROWS on: the
 * machine's usual speed, not a lucky extreme.  A slow stretch of the host
 * (seen on this project's 2-vCPU guests: 90 s stretches in which every
 * 1-thread row ran 20% slower, with no steal and no foreign CPU) is then
 * marked instead of widening every interval it touches.
 */
#define PROBE_MIN_ROWS 20

struct probes {
	double *v;
	size_t n, cap;
};

static void
probe_judge(struct probes *p, const struct config *row, struct result *r)
{
	double x = r->interf.probe_ns, ref = NAN;

	if (isnan(x))
		return;
	if (p->n >= PROBE_MIN_ROWS) {
		double *t = malloc(p->n * sizeof(*t));

		if (t) {
			memcpy(t, p->v, p->n * sizeof(*t));
			stats_sort(t, p->n);
			ref = t[p->n / 10];
			free(t);
		}
	}
	if (strcmp(r->status, "ok") == 0 &&
	    interf_probe_slow(x, ref, row->interf_limit))
		snprintf(r->status, sizeof(r->status), "interfered");
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 256;
		double *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] = x;
}

/* Run one row; a failure to measure becomes the row's status. */
static void
measure(const struct config *c, struct result *r)
{
	struct timespec ts;
	double started;
	int err;

	clock_gettime(CLOCK_REALTIME, &ts);
	started = (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
	memset(r, 0, sizeof(*r));
	/* Not isolated: a map that calls exit() must not end us with 0. */
	proc_guard(c->isolate ? NULL
			      : "the map's code (a row run in mapbench's own "
				"process)");
	err = isolate_run_row(c, r);
	proc_guard(NULL);
	if (err == -ENOMEM)
		snprintf(r->status, sizeof(r->status), "oom");
	else if (err)
		snprintf(r->status, sizeof(r->status), "error:%d", -err);
	else if (!r->status[0])
		snprintf(r->status, sizeof(r->status), "ok");
	r->started = started;
}

/* The schedule's options from the command line's. */
static struct sched_opts
sched_opts_of(const struct opts *o)
{
	return (struct sched_opts){
		.min_rep = o->repeat,
		.max_rep =
			o->max_repeat > o->repeat ? o->max_repeat : o->repeat,
		.max_attempts = o->max_attempts,
		.precision = o->precision,
		.seed = o->seed,
	};
}

/* What the schedule reached: precision, re-measurements.  To stderr. */
static void
report_precision(const struct opts *o, const struct sched *s,
		 const struct config *grid, size_t interfered_rows)
{
	struct sched_report r;
	char label[512];

	sched_report(s, &r);
	config_label(&grid[r.worst_cfg], label, sizeof(label));
	/* a grid configuration has no repetition: drop " rep=0" */
	if (strstr(label, " rep="))
		*strstr(label, " rep=") = '\0';
	if (r.with_ok && o->precision > 0)
		fprintf(stderr,
			"mapbench: precision: %zu of %zu configurations have "
			"the "
			"95%% interval of their median within +-%.3g%% "
			"(half-width: median %.1f%%, worst %.1f%%: %s); "
			"%u to %u ok repetitions\n",
			r.precise, r.with_ok, o->precision * 100,
			r.median_half * 100, r.worst_half * 100, label,
			r.fewest_reps, r.most_reps);
	else if (r.with_ok)
		fprintf(stderr,
			"mapbench: precision: the 95%% interval of a median "
			"(or [min, max] below 6 repetitions) is within "
			"+-%.1f%% for the median configuration, +-%.1f%% at "
			"worst (%s)\n",
			r.median_half * 100, r.worst_half * 100, label);
	if (o->precision > 0 && r.at_max)
		fprintf(stderr,
			"mapbench: precision: %zu configurations did not "
			"reach +-%.3g%% in --max-repeat %u repetitions; "
			"their intervals say how far they are\n",
			r.at_max, o->precision * 100, o->max_repeat);
	if (r.gave_up)
		fprintf(stderr,
			"mapbench: interference: the machine is busy: "
			"measure when it is quiet, or say --interference-limit "
			"off to keep such rows (they record how much CPU "
			"others took)\n");
	if (interfered_rows || r.remeasured || r.gave_up)
		fprintf(stderr,
			"mapbench: interference: %zu rows this run were "
			"marked interfered (other processes or the "
			"hypervisor took over %.3g%% of the CPUs, or the "
			"CPU-speed probe ran that much slower than the "
			"sweep's usual: probe_ns); %zu "
			"repetitions were measured again, %zu are still "
			"interfered after %u attempts and have no ok row\n",
			interfered_rows, o->interf_limit * 100, r.remeasured,
			r.gave_up, o->max_attempts);
}

/* What the rows of this sweep came to, for the closing lines. */
struct sweep_tally {
	size_t done, not_ok, few_samples, interfered;
	double spent; /* seconds in rows */
	/* the core-to-core probes (c2c_ns, c2c_after_ns) of this run; the
	 * extremes are meaningful once c2c_rows > 0 */
	size_t c2c_rows, c2c_moved;
	double c2c_min, c2c_max;
};

/*
 * Two core-to-core probes (within a row, or the extremes of the sweep)
 * further apart than this factor and by more than this many ns say that
 * the host ran the vCPUs elsewhere in between.  The floor keeps one
 * placement's own spread quiet: on the development guest a line took
 * 28-80 ns for minutes with the vCPUs close and 180-260 ns apart
 * (docs/PRECISION.md), so 30 against 70 is one placement, 70 against 200
 * two.
 */
#define C2C_SPREAD   1.5
#define C2C_FLOOR_NS 60.0

static bool
c2c_apart(double a, double b)
{
	double lo = fmin(a, b), hi = fmax(a, b);

	return hi > lo * C2C_SPREAD && hi - lo > C2C_FLOOR_NS;
}

static void
tally_c2c(struct sweep_tally *t, const struct interference *in)
{
	const double x[2] = {in->c2c_ns, in->c2c_after_ns};
	bool any = false;

	for (int i = 0; i < 2; i++) {
		if (isnan(x[i]))
			continue;
		any = true;
		t->c2c_min = fmin(t->c2c_min, x[i]);
		t->c2c_max = fmax(t->c2c_max, x[i]);
	}
	t->c2c_rows += any;
	t->c2c_moved += !isnan(x[0]) && !isnan(x[1]) && c2c_apart(x[0], x[1]);
}

/* The opening line: the grid, the repetitions, the time it takes. */
static double
announce(const struct opts *o, const struct sched_opts *so,
	 const struct config *grid, size_t n, size_t resumed, const char *csv)
{
	char label[64];
	double est = 0;

	for (size_t i = 0; i < n; i++)
		est += (window_estimate(&grid[i]) +
			overhead_estimate(&grid[i])) *
		       so->min_rep;
	fmt_time(label, sizeof(label), est);
	if (o->precision > 0)
		fprintf(stderr,
			"mapbench: sweep: %zu configurations x %u to %u reps "
			"(until the median's 95%% interval is within "
			"+-%.3g%%)%s, at least %s; results in %s\n",
			n, so->min_rep, so->max_rep, o->precision * 100,
			resumed ? ", resumed" : "", label, csv);
	else
		fprintf(stderr,
			"mapbench: sweep: %zu configurations x %u reps%s, "
			"about %s; results in %s\n",
			n, so->min_rep, resumed ? ", resumed" : "", label, csv);
	return est;
}

/*
 * The rows, as the schedule hands them out, each appended to the CSV as
 * it is measured, until the schedule is done or a signal came (a
 * terminal's progress line is left for the caller to clear).  0, or 1
 * when a row could not be written (said, with the command that resumes).
 */
static int
run_rows(struct sched *sched, int fd, const char *csv, double est,
	 size_t resumed, int argc, char **argv, struct sweep_tally *t)
{
	struct config row;
	struct probes probes = {0};
	bool tty = isatty(2);
	char label[512], eta[32];
	off_t good = lseek(fd, 0, SEEK_END);
	size_t cfg;
	int err;

	while (!driver_interrupted && sched_next(sched, &row, &cfg)) {
		struct result r;
		double t0 = now_sec();

		if (tty) {
			size_t left = sched_round_left(sched) + 1;

			config_label(&row, label, sizeof(label));
			fmt_time(eta, sizeof(eta),
				 t->done ? t->spent / (double)t->done *
						   (double)left
					 : est);
			fprintf(stderr,
				"\r\033[K[round %u: %zu left] %s%s  %s%s",
				sched_round(sched), left, label,
				row.attempt > 1 ? " (again)" : "", eta,
				sched_round(sched) > 1 ? "" : " to the base");
		}
		measure(&row, &r);
		if (driver_interrupted)
			break; /* the row was cut short: not a result */
		probe_judge(&probes, &row, &r);
		err = outdir_append_row(fd, good, &row, &r, good == 0);
		if (err) {
			fprintf(stderr,
				"%smapbench: writing %s: %s; %zu rows kept\n",
				tty ? "\n" : "", csv, strerror(-err),
				resumed + t->done);
			outdir_resume_hint(argc, argv);
			free(probes.v);
			return 1;
		}
		sched_record(sched, cfg, row.rep, row.attempt, r.status,
			     r.ops ? (double)r.ops / r.seconds / 1e6 : NAN);
		good = lseek(fd, 0, SEEK_END);
		t->interfered += strcmp(r.status, "interfered") == 0;
		t->not_ok += strcmp(r.status, "ok") != 0 &&
			     strcmp(r.status, "interfered") != 0;
		t->few_samples += row.latency_sample && r.lat_samples < 1000;
		tally_c2c(t, &r.interf);
		t->done++;
		t->spent += now_sec() - t0;
	}
	free(probes.v);
	return 0;
}

/* The warnings about rows that are not ok or have few samples. */
static void
warn_rows(const struct sweep_tally *t)
{
	if (t->not_ok)
		fprintf(stderr,
			"mapbench: %zu rows are not ok (see the status "
			"column); summaries and plots leave them out\n",
			t->not_ok);
	if (t->few_samples)
		fprintf(stderr,
			"mapbench: warning: %zu rows have fewer than 1000 "
			"latency samples: their p99.9 rests on less than one "
			"sample (lengthen --duration or lower "
			"--latency-sample)\n",
			t->few_samples);
	if (t->c2c_rows && (c2c_apart(t->c2c_min, t->c2c_max) || t->c2c_moved))
		fprintf(stderr,
			"mapbench: warning: a cache line took %.0f to %.0f ns "
			"between the first two workers' CPUs (c2c_ns, "
			"c2c_after_ns; %zu of %zu rows moved within their "
			"window): the host ran the CPUs elsewhere during the "
			"sweep, and rows whose threads share cache lines are "
			"not comparable across that range\n",
			t->c2c_min, t->c2c_max, t->c2c_moved, t->c2c_rows);
	else if (t->c2c_rows)
		fprintf(stderr,
			"mapbench: core-to-core: a cache line took %.0f to "
			"%.0f ns between the first two workers' CPUs "
			"(c2c_ns)\n",
			t->c2c_min, t->c2c_max);
}

int
cmd_sweep(const struct opts *o, int argc, char **argv)
{
	struct config *grid;
	struct sched *sched;
	struct sched_opts so = sched_opts_of(o);
	struct outdir d;
	struct sweep_tally t = {.c2c_min = INFINITY, .c2c_max = 0};
	size_t n, resumed = 0;
	double est, t_begin;
	bool fresh;
	char label[64];
	struct stat st;
	int fd, err, rc = 0;

	n = prepare_grid(o, &grid);
	if (n == 0)
		return 2;
	outdir_open(o, &d);
	fresh = lstat(d.csv, &st) != 0;
	if (o->resume && !fresh)
		outdir_check_grid(grid, n, &d);
	sched = sched_new(grid, n, &so);
	if (o->resume && !fresh)
		resumed = outdir_load_done(d.csv, grid, n, sched);
	driver_init(o->pin, true);
	grid_report_oversubscribed(o, driver_ncpus());
	est = announce(o, &so, grid, n, resumed, d.csv);

	err = sysinfo_write_meta(d.meta, o, grid, n, argc, argv,
				 o->resume && !fresh, driver_ncpus());
	if (err) {
		fprintf(stderr, "mapbench: --out: cannot write %s: %s\n",
			d.meta, strerror(-err));
		return 2;
	}
	fd = open(d.csv, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW,
		  0666);
	if (fd < 0) {
		fprintf(stderr, "mapbench: --out: cannot write %s: %s\n", d.csv,
			strerror(errno));
		return 2;
	}

	catch_signals();
	t_begin = now_sec();
	if (run_rows(sched, fd, d.csv, est, resumed, argc, argv, &t)) {
		close(fd);
		return 1;
	}
	if (close(fd)) {
		fprintf(stderr, "mapbench: writing %s: %s\n", d.csv,
			strerror(errno));
		return 1;
	}
	if (isatty(2))
		fprintf(stderr, "\r\033[K");
	warn_rows(&t);
	report_precision(o, sched, grid, t.interfered);
	if (driver_interrupted) {
		fprintf(stderr,
			"mapbench: interrupted: %zu rows kept in %s (%zu this "
			"time)\n",
			resumed + t.done, d.csv, t.done);
		outdir_resume_hint(argc, argv);
		rc = interrupted_status();
		goto out;
	}
	fmt_time(label, sizeof(label), now_sec() - t_begin);
	fprintf(stderr, "mapbench: sweep: %zu runs in %s; %zu rows in %s\n",
		t.done, label, resumed + t.done, d.csv);
	if (printf("results: %s\nmeta:    %s\n", d.csv, d.meta) < 0)
		rc = 1;
	/*
	 * Finished, but some rows are not measurements: exit 1
	 * (documented).  Interfered rows that were measured again are not
	 * counted; a repetition still interfered after every attempt is.
	 */
	{
		struct sched_report sr;

		sched_report(sched, &sr);
		if (t.not_ok || sr.gave_up)
			rc = 1;
	}
	if (!o->no_plot)
		rc = plot_sweep(o->out, d.plots, NULL) ?: rc;
out:
	sched_free(sched);
	free(grid);
	outdir_free(o, &d);
	return rc;
}

int
cmd_run(const struct opts *o)
{
	struct config *grid, *order;
	struct result *rs;
	bool *done;
	size_t n, n_order;
	int rc = 0, wr, saved_stdout;

	n = prepare_grid(o, &grid);
	if (n == 0)
		return 2;
	n_order =
		grid_schedule(grid, n, o->repeat, o->seed, NULL, NULL, &order);
	driver_init(o->pin, true);
	grid_report_oversubscribed(o, driver_ncpus());
	rs = calloc(n_order + 1, sizeof(*rs));
	done = calloc(n_order + 1, sizeof(*done));
	if (!rs || !done) {
		fprintf(stderr, "mapbench: out of memory\n");
		return 1;
	}
	catch_signals();
	/*
	 * While rows run, what a map prints on stdout goes to stderr: stdout
	 * carries the table, CSV or JSON alone.
	 */
	fflush(stdout);
	saved_stdout = dup(1);
	if (saved_stdout < 0 || dup2(2, 1) < 0) {
		fprintf(stderr, "mapbench: run: cannot redirect stdout: %s\n",
			strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < n_order && !driver_interrupted; i++) {
		measure(&order[i], &rs[i]);
		done[i] = !driver_interrupted;
		rc |= done[i] && strcmp(rs[i].status, "ok") != 0;
	}
	fflush(stdout);
	if (dup2(saved_stdout, 1) < 0) {
		fprintf(stderr, "mapbench: run: cannot restore stdout: %s\n",
			strerror(errno));
		return 1;
	}
	close(saved_stdout);
	switch (o->format) {
	case FMT_TABLE:
		wr = schema_table(stdout, order, rs, done, n_order,
				  driver_ncpus());
		if (!wr && o->repeat > 1)
			wr = schema_summary(stdout, order, rs, done, n_order);
		break;
	case FMT_CSV:
		wr = schema_csv_header(stdout);
		for (size_t i = 0; !wr && i < n_order; i++)
			if (done[i])
				wr = schema_csv_row(stdout, &order[i], &rs[i]);
		break;
	default:
		wr = schema_json(stdout, order, rs, done, n_order);
		break;
	}
	if (rc)
		fprintf(stderr, "mapbench: some rows are not ok (see their "
				"status)\n");
	free(grid);
	free(order);
	free(rs);
	free(done);
	if (wr)
		return 1;
	if (driver_interrupted)
		return interrupted_status();
	return rc;
}

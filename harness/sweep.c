/*
 * mapbench sweep: the grid, one fresh map per row, written as it goes.
 *
 * Order: for each repetition, every configuration once, shuffled with the
 * seed and the repetition number, so that slow drift of the machine
 * (thermal, other load) spreads over all impls instead of biasing the
 * ones that happen to run last.  Each finished row is appended to
 * results.csv and flushed to disk before the next starts; --resume reads
 * the rows back and skips them; Ctrl-C abandons the row in flight (a
 * partial row would be a lie) and keeps the rest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvread.h"
#include "mapbench.h"

static void
on_sigint(int sig)
{
	(void)sig;
	mb_interrupted = 1;
}

/* mkdir -p; 0 or -errno. */
static int
mkdir_p(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0777) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Refuse an unusable --out before running anything. */
static void
check_out(const struct opts *o, char *csv, char *meta, size_t len)
{
	struct stat st;
	int err = mkdir_p(o->out);

	if (err)
		bad_option("--out", o->out,
			   "a directory that can be created and written "
			   "(mkdir failed)");
	if (stat(o->out, &st) || !S_ISDIR(st.st_mode))
		bad_option("--out", o->out, "a directory path");
	if (access(o->out, W_OK | X_OK))
		bad_option("--out", o->out,
			   "a writable directory (permission denied)");
	snprintf(csv, len, "%s/results.csv", o->out);
	snprintf(meta, len, "%s/meta.json", o->out);
	if (!o->resume && access(csv, F_OK) == 0) {
		fprintf(stderr,
			"mapbench: --out: '%s' already has results; pass "
			"--resume to continue it, or choose another --out\n",
			o->out);
		exit(2);
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The keys of the rows already in `csv` (sorted, for bsearch).  Checks the
 * header is ours and cuts a partial last row off the file.
 */
static char **
load_done(const char *csv, size_t *n)
{
	long partial;
	struct csv *c = csv_load(csv, &partial);
	size_t ncols;
	const char *const *cols = column_names(&ncols);
	char **keys;

	*n = 0;
	if (!c)
		return NULL;
	if (!c->head)
		goto empty;
	if ((size_t)c->ncols != ncols)
		goto mismatch;
	for (size_t i = 0; i < ncols; i++)
		if (strcmp(c->head[i], cols[i]))
			goto mismatch;
	if (partial >= 0) {
		fprintf(stderr,
			"mapbench: %s: dropping a partial last row (an "
			"interrupted write)\n",
			csv);
		if (truncate(csv, partial)) {
			perror("mapbench: truncate");
			exit(1);
		}
	}
	keys = calloc(c->nrows + 1, sizeof(char *));
	for (size_t i = 0; keys && i < c->nrows; i++) {
		char buf[1024];
		size_t len = 0;

		for (int k = 0; k < N_KEY_COLUMNS; k++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
						"%s%s", k ? "|" : "",
						c->rows[i][k]);
		keys[i] = strdup(buf);
	}
	*n = c->nrows;
	csv_free(c);
	qsort(keys, *n, sizeof(char *), cmp_str);
	return keys;
empty:
	csv_free(c);
	return NULL;
mismatch:
	fprintf(stderr,
		"mapbench: --resume: %s has other columns than this mapbench "
		"writes; choose another --out\n",
		csv);
	exit(2);
}

/* Rough seconds one run takes beyond its window: create, prefill, count. */
static double
overhead_estimate(const struct config *c)
{
	double keys = c->wl ? 1000 : (double)c->keys;

	return 0.02 + keys * 500e-9 * (0.4 + c->prefill_pct / 100.0);
}

static void
fmt_time(char *buf, size_t len, double s)
{
	if (s >= 60)
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)s % 60);
	else
		snprintf(buf, len, "%.0fs", s);
}

/* Print the impls that are refused somewhere in the grid, once each. */
static size_t
report_refused(const struct config *cs, size_t n, unsigned repeat)
{
	size_t total = 0;

	for (size_t i = 0; i < n; i++) {
		char why[256];
		size_t cnt = 0;
		bool first = true;

		if (!config_refused(&cs[i], why, sizeof(why)))
			continue;
		for (size_t j = 0; j < i; j++)
			if (cs[j].ops == cs[i].ops &&
			    config_refused(&cs[j], why, sizeof(why)))
				first = false;
		total++;
		if (!first)
			continue;
		for (size_t j = i; j < n; j++)
			if (cs[j].ops == cs[i].ops &&
			    config_refused(&cs[j], why, sizeof(why)))
				cnt++;
		fprintf(stderr,
			"mapbench: not running %zu configuration%s of "
			"%s (x%u reps): %s\n",
			cnt, cnt == 1 ? "" : "s", cs[i].ops->name, repeat, why);
	}
	return total * repeat;
}

int
cmd_sweep(const struct opts *o, int argc, char **argv)
{
	char csv_path[4096], meta_path[4096], key[1024], label[512];
	struct config *grid, *order;
	size_t n, n_order = 0, n_done_before = 0, todo = 0, done = 0;
	char **done_keys = NULL;
	double est = 0, t_begin, spent = 0;
	bool tty = isatty(2);
	FILE *f;
	struct sigaction sa;

	n = expand_grid(o, &grid);
	check_out(o, csv_path, meta_path, sizeof(csv_path));
	if (o->resume)
		done_keys = load_done(csv_path, &n_done_before);

	report_refused(grid, n, o->repeat);
	report_oversubscribed(o);
	order = calloc(n * o->repeat + 1, sizeof(*order));
	if (!order) {
		fprintf(stderr, "mapbench: out of memory\n");
		return 1;
	}
	for (unsigned rep = 1; rep <= o->repeat; rep++) {
		uint64_t s = rep_seed(o->seed, rep);
		size_t first = n_order;
		char why[256];

		for (size_t i = 0; i < n; i++) {
			struct config c = grid[i];
			const char *k = key;

			if (config_refused(&c, why, sizeof(why)))
				continue;
			c.rep = rep;
			c.seed = rep_seed(c.seed, rep);
			config_key(&c, key, sizeof(key));
			if (done_keys && bsearch(&k, done_keys, n_done_before,
						 sizeof(char *), cmp_str))
				continue;
			order[n_order++] = c;
		}
		/* Fisher-Yates over this repetition's configurations. */
		for (size_t i = n_order - first; i > 1; i--) {
			size_t j;
			struct config t;

			s = rep_seed(s, (unsigned)i);
			j = (size_t)(((unsigned __int128)s * i) >> 64);
			t = order[first + i - 1];
			order[first + i - 1] = order[first + j];
			order[first + j] = t;
		}
	}
	todo = n_order;
	for (size_t i = 0; i < n_order; i++)
		est += order[i].duration + overhead_estimate(&order[i]);
	fmt_time(label, sizeof(label), est);
	fprintf(stderr,
		"mapbench: sweep: %zu runs to do (%zu configurations x %u "
		"reps%s), about %s; results in %s\n",
		todo, n, o->repeat, n_done_before ? ", resumed" : "", label,
		csv_path);

	if (write_meta(meta_path, o, argc, argv,
		       o->resume && access(meta_path, F_OK) == 0)) {
		fprintf(stderr, "mapbench: --out: cannot write %s\n",
			meta_path);
		return 2;
	}
	f = fopen(csv_path, "a");
	if (!f) {
		fprintf(stderr, "mapbench: --out: cannot write %s: %s\n",
			csv_path, strerror(errno));
		return 2;
	}
	if (ftell(f) == 0) {
		csv_write_header(f);
		fflush(f);
		fsync(fileno(f));
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	t_begin = now_sec();
	for (size_t i = 0; i < n_order && !mb_interrupted; i++) {
		struct result r;
		double t0 = now_sec();

		if (tty) {
			char eta[32];
			double left = done ? spent / (double)done *
						      (double)(todo - done)
					   : est;

			config_label(&order[i], label, sizeof(label));
			fmt_time(eta, sizeof(eta), left);
			fprintf(stderr, "\r\033[K[%zu/%zu] %s  ETA %s",
				done + 1, todo, label, eta);
		}
		if (run_row(&order[i], &r)) {
			config_label(&order[i], label, sizeof(label));
			fprintf(stderr,
				"\nmapbench: %s: out of memory; row "
				"skipped\n",
				label);
			continue;
		}
		if (mb_interrupted)
			break; /* the row was cut short: not a result */
		csv_write_row(f, &order[i], &r);
		if (fflush(f) || fsync(fileno(f))) {
			fprintf(stderr, "\nmapbench: writing %s: %s\n",
				csv_path, strerror(errno));
			fclose(f);
			return 1;
		}
		done++;
		spent += now_sec() - t0;
	}
	fclose(f);
	if (tty)
		fprintf(stderr, "\r\033[K");
	if (mb_interrupted) {
		fprintf(stderr,
			"mapbench: interrupted: %zu rows kept in %s (%zu this "
			"time); to finish, run the same command with "
			"--resume:\n ",
			n_done_before + done, csv_path, done);
		for (int i = 0; i < argc; i++)
			if (strcmp(argv[i], "--resume"))
				fprintf(stderr, " %s", argv[i]);
		fprintf(stderr, " --resume\n");
		return 130;
	}
	fmt_time(label, sizeof(label), now_sec() - t_begin);
	fprintf(stderr, "mapbench: sweep: %zu runs in %s; %zu rows in %s\n",
		done, label, n_done_before + done, csv_path);
	fprintf(stdout, "results: %s\nmeta:    %s\n", csv_path, meta_path);
	free(grid);
	free(order);
	if (o->no_plot)
		return 0;
	return cmd_plot(o->out, o->plot_dir);
}

/*
 * mapbench check: the project's correctness suites (suites/suites.h: the
 * very code ctest runs) on any map, built in or from a plugin.
 *
 * Every test runs in a child process of its own, so a map that crashes
 * or hangs costs one check, which is reported as failed with its signal
 * or "timed out", and the others still run.  A failing random sequence
 * comes back minimised, with the seed that replays it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "fsutil.h"
#include "lincheck.h"
#include "num.h"
#include "optval.h"
#include "plugin.h"
#include "proc.h"
#include "suites.h"

struct suite {
	const char *name;
	size_t (*count)(void);
	const char *(*test_name)(size_t i);
	unsigned (*skip)(size_t i);
	int (*run_one)(size_t i, const struct map_ops *ops, const char *param);
};

/*
 * Linearizability (mapbench lincheck) as one more check: recorded
 * concurrent histories of the map, checked key by key.
 */
static unsigned lc_histories = 10;

static size_t
lin_count(void)
{
	return 1;
}

static const char *
lin_name(size_t i)
{
	return "histories";
}

static unsigned
lin_skip(size_t i)
{
	return MAP_NOT_THREAD_SAFE;
}

static int
lin_run_one(size_t i, const struct map_ops *ops, const char *param)
{
	char impl[256], hist[16];
	char *argv[] = {"lincheck", "--impl",	       impl, "--histories",
			hist,	    "--unknown-fails", NULL};

	snprintf(impl, sizeof(impl), "%s%s%s", ops->name, param ? ":" : "",
		 param ? param : "");
	snprintf(hist, sizeof(hist), "%u", lc_histories);
	return cmd_lincheck(6, argv);
}

static const struct suite suites[] = {
	{"conformance", conformance_count, conformance_name, conformance_skip,
	 conformance_run_one},
	{"concurrency", concurrency_count, concurrency_name, concurrency_skip,
	 concurrency_run_one},
	{"memory", memory_count, memory_name, memory_skip, memory_run_one},
	{"lincheck", lin_count, lin_name, lin_skip, lin_run_one},
};
#define NSUITES (sizeof(suites) / sizeof(suites[0]))

static void
check_usage(FILE *f)
{
	fputs("usage: mapbench check --impl LIST [--impl-lib PATH]... "
	      "[--suite LIST]\n"
	      "                      [--scale X] [--timeout SECONDS]\n"
	      "  --impl LIST       maps to check (NAME or NAME:PARAM), or "
	      "all\n"
	      "  --impl-lib PATH   load a plugin's maps first (repeatable)\n"
	      "  --suite LIST      conformance, concurrency, memory, lincheck "
	      "(all)\n"
	      "  --scale X         iterations and durations x X, 0.01..100 "
	      "(1)\n"
	      "  --timeout S       per check, 1..3600 seconds (300)\n"
	      "Exit status: 0 every check passed, 1 one failed, 2 bad "
	      "input.\n",
	      f);
}

/* Call fn on each line of `out` (len: without its newline). */
static void
each_line(const char *out, void (*fn)(const char *line, int len))
{
	for (const char *p = out; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		fn(p, (int)len);
		p += len + (nl != NULL);
	}
}

/* A line of a failed check's output that says what failed. */
static void
failure_line(const char *p, int len)
{
	if (len && strncmp(p, "[ RUN", 5) && strncmp(p, "[==", 3) &&
	    strncmp(p, "[  PASSED", 9) && strncmp(p, "[ SCALE", 7) &&
	    strncmp(p, "[  FAILED  ] 1 test", 19) && strncmp(p, " 1 FAILED", 9))
		printf("    %.*s\n", len, p);
}

/* Set by SIGINT/SIGTERM while a check runs; the child is killed. */
static volatile sig_atomic_t check_interrupted;

/*
 * The message a test's child writes on its own pipe after the test
 * returned: the only way a check passes.  A map that calls exit() or
 * _exit() inside the test ends the child without it.
 */
#define CHECK_DONE "mapbench-check-done:"

static void
child_report(int fd, int rc)
{
	char msg[64];
	int n = snprintf(msg, sizeof(msg), CHECK_DONE "%d\n", rc);

	if (fs_write_all(fd, msg, (size_t)n))
		_exit(3);
}

/* The child's message: its result, or -1 when there is none. */
static int
read_report(int fd)
{
	char msg[64];
	ssize_t n;
	int rc;

	do
		n = read(fd, msg, sizeof(msg) - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	msg[n] = '\0';
	if (strncmp(msg, CHECK_DONE, strlen(CHECK_DONE)) ||
	    sscanf(msg + strlen(CHECK_DONE), "%d", &rc) != 1)
		return -1;
	return rc;
}

/*
 * A line saying what a passed or skipped check left out because the map
 * declares it cannot do it (the "[ DECLARED ]" lines of suites/testutil.h
 * and lincheck's "declared:" lines).
 */
static void
declared_line(const char *p, int len)
{
	if (strncmp(p, "[ DECLARED ] ", 13) == 0)
		printf("    declared, %.*s\n", len - 13, p + 13);
	else if (strncmp(p, "  declared: ", 12) == 0)
		printf("    declared, lincheck %.*s\n", len - 12, p + 12);
}

/* The child of run_child: the test, its output on pfd, its result on dfd. */
_Noreturn static void
child_main(const struct suite *s, size_t i, const struct impl_spec *spec,
	   const int pfd[2], const int dfd[2], pid_t parent)
{
	int rc;

	proc_die_with_parent(parent);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	close(pfd[0]);
	close(dfd[0]);
	dup2(pfd[1], 1);
	dup2(pfd[1], 2);
	close(pfd[1]);
	rc = s->run_one(i, spec->ops, spec->param[0] ? spec->param : NULL);
	fflush(NULL);
	child_report(dfd[1], rc ? 1 : 0);
	_exit(rc ? 1 : 0);
}

/* The output a check's child wrote, NUL-terminated. */
struct child_out {
	char *buf;
	size_t len, cap;
};

/*
 * Read the child's output from fd until it ends, `timeout` seconds pass
 * or check is interrupted; the child is killed in the last two cases.
 * true when it timed out.
 */
static bool
collect_output(pid_t pid, int fd, double timeout, struct child_out *o)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		double left;
		ssize_t n;

		if (check_interrupted) {
			kill(pid, SIGKILL);
			return false;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = timeout - ((double)(t.tv_sec - t0.tv_sec) +
				  (double)(t.tv_nsec - t0.tv_nsec) * 1e-9);
		if (left <= 0) {
			kill(pid, SIGKILL);
			return true;
		}
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		if (o->len + 1024 > o->cap) {
			char *g = realloc(o->buf, o->cap * 2);

			if (g == NULL)
				return false;
			o->buf = g;
			o->cap *= 2;
		}
		n = read(fd, o->buf + o->len, o->cap - o->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		o->len += (size_t)n;
		o->buf[o->len] = '\0';
	}
}

/*
 * Run one test in a child: its output is collected, a crash or a hang is
 * the check's failure, and so is a child that ends without reporting
 * that the test returned (a map that calls exit()).  The child dies with
 * mapbench (PR_SET_PDEATHSIG) and stays in mapbench's process group, so
 * a terminal's Ctrl-C reaches it too.  Returns 0 passed, 1 failed, 2
 * skipped.
 */
static int
run_child(const struct suite *s, size_t i, const struct impl_spec *spec,
	  double timeout, char **out)
{
	int pfd[2], dfd[2], status = 0, reported;
	struct child_out o = {malloc(4096), 0, 4096};
	pid_t pid, parent = getpid();
	bool timed_out;
	char *end;
	size_t room;

	*out = o.buf;
	if (o.buf == NULL)
		return 1;
	o.buf[0] = '\0';
	if (pipe(pfd))
		return 1;
	if (pipe(dfd)) {
		close(pfd[0]);
		close(pfd[1]);
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		close(dfd[0]);
		close(dfd[1]);
		return 1;
	}
	if (pid == 0)
		child_main(s, i, spec, pfd, dfd, parent);
	close(pfd[1]);
	close(dfd[1]);
	timed_out = collect_output(pid, pfd[0], timeout, &o);
	*out = o.buf;
	status = proc_reap(pid, pfd[0], false);
	/* The child has ended: its message, if any, is in the pipe. */
	fcntl(dfd[0], F_SETFL, O_NONBLOCK);
	reported = read_report(dfd[0]);
	close(dfd[0]);
	end = o.buf + o.len;
	room = o.cap - o.len;
	if (check_interrupted)
		return 1;
	if (timed_out) {
		snprintf(end, room, "\ntimed out after %.0f s\n", timeout);
		return 1;
	}
	if (WIFSIGNALED(status)) {
		snprintf(end, room, "\ncrashed: %s\n",
			 sigabbrev_np(WTERMSIG(status))
				 ? sigabbrev_np(WTERMSIG(status))
				 : "signal");
		return 1;
	}
	if (reported < 0) {
		snprintf(end, room,
			 "\nthe test's process ended with exit status %d "
			 "before the test returned (the map called exit()?)\n",
			 WEXITSTATUS(status));
		return 1;
	}
	if (strstr(o.buf, "[  SKIPPED ]"))
		return 2;
	return reported == 0 && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* --impl LIST: the maps to check, into specs[64]; their count. */
static size_t
check_impls(const char *impl_arg, struct impl_spec *specs)
{
	size_t nspecs = 0;
	char why[1024];

	for (const char *p = impl_arg; *p;) {
		size_t len = strcspn(p, ",");
		char item[256];

		if (len == 0 || len >= sizeof(item) || nspecs == 64)
			optval_bad("--impl", impl_arg,
				   "map names, comma separated");
		memcpy(item, p, len);
		item[len] = '\0';
		if (strcmp(item, "all") == 0) {
			const struct map_ops *ops;

			for (size_t j = 0;
			     (ops = map_nth(j)) != NULL && nspecs < 64; j++)
				if (!(ops->flags & MAP_CONTROL))
					optval_impl_spec(ops->name,
							 &specs[nspecs++], why,
							 sizeof(why));
		} else if (optval_impl_spec(item, &specs[nspecs++], why,
					    sizeof(why))) {
			optval_bad("--impl", item, why);
		}
		p += len + (p[len] == ',');
	}
	if (nspecs == 0)
		optval_bad("--impl", impl_arg,
			   "map names, comma separated, or all (an empty "
			   "list checks nothing)");
	return nspecs;
}

/* --suite LIST (NULL: all) into want[]. */
static void
check_suites(const char *suite_arg, bool want[NSUITES])
{
	for (size_t k = 0; k < NSUITES; k++)
		want[k] = suite_arg == NULL;
	if (suite_arg && suite_arg[0] == '\0')
		optval_bad("--suite", suite_arg,
			   "conformance, concurrency, memory, lincheck; comma "
			   "separated (an empty list checks nothing)");
	for (const char *p = suite_arg ? suite_arg : ""; *p;) {
		size_t len = strcspn(p, ","), k;

		for (k = 0; k < NSUITES; k++)
			if (strlen(suites[k].name) == len &&
			    strncmp(p, suites[k].name, len) == 0)
				break;
		if (k == NSUITES)
			optval_bad("--suite", suite_arg,
				   "conformance, concurrency, memory, lincheck;"
				   " comma separated");
		want[k] = true;
		p += len + (p[len] == ',');
	}
}

/* How many checks passed, failed and were skipped. */
struct check_tally {
	size_t passed, failed, skipped;
};

/* Every wanted check of one map, each in its child, printed as it ends. */
static void
check_map(const struct impl_spec *sp, const bool want[NSUITES], double timeout,
	  struct check_tally *t)
{
	printf("%s%s\n", sp->name, map_is_plugin(sp->ops) ? " (plugin)" : "");
	if (sp->ops->flags & MAP_CONTROL)
		printf("  (a control: it stores nothing, so no "
		       "check applies)\n");
	for (size_t k = 0; k < NSUITES && !check_interrupted; k++) {
		const struct suite *s = &suites[k];

		if (!want[k])
			continue;
		for (size_t i = 0; i < s->count(); i++) {
			char *out = NULL;
			int rc;

			if ((sp->ops->flags & MAP_CONTROL) ||
			    (sp->ops->flags & s->skip(i)))
				continue;
			if (check_interrupted)
				break;
			rc = run_child(s, i, sp, timeout, &out);
			if (check_interrupted) {
				free(out);
				break;
			}
			printf("  %-6s %s/%s\n",
			       rc == 0	 ? "pass"
			       : rc == 2 ? "skip"
					 : "FAIL",
			       s->name, s->test_name(i));
			if (rc == 1 && out)
				each_line(out, failure_line);
			else if (out)
				each_line(out, declared_line);
			t->passed += rc == 0;
			t->failed += rc == 1;
			t->skipped += rc == 2;
			free(out);
			fflush(stdout);
		}
	}
}

int
cmd_check(int argc, char **argv)
{
	static const struct option lo[] = {
		{"impl", required_argument, NULL, 'i'},
		{"impl-lib", required_argument, NULL, 'L'},
		{"suite", required_argument, NULL, 's'},
		{"scale", required_argument, NULL, 'x'},
		{"timeout", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct impl_spec specs[64];
	const char *impl_arg = NULL, *suite_arg = NULL;
	bool want[NSUITES];
	double timeout = 300;
	size_t nspecs;
	struct check_tally t = {0, 0, 0};
	int c;

	optval_load_libs(argc, argv);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (c) {
		case 'i':
			impl_arg = optarg;
			break;
		case 'L':
			break; /* loaded above */
		case 's':
			suite_arg = optarg;
			break;
		case 'x': {
			double v = 0;

			if (!num_parse_decimal(optarg, &v) ||
			    !(v >= 0.01 && v <= 100))
				optval_bad("--scale", optarg,
					   "a number from 0.01 to 100");
			setenv("MAPBENCH_TEST_SCALE", optarg, 1);
			lc_histories = v < 1 ? 5 : (unsigned)(10 * v);
			break;
		}
		case 't':
			if (!num_parse_decimal(optarg, &timeout) ||
			    !(timeout >= 1 && timeout <= 3600))
				optval_bad("--timeout", optarg,
					   "seconds, 1..3600");
			break;
		case 'h':
			check_usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "mapbench: check: %s needs a value\n",
				argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr,
				"mapbench: check: unknown option '%s'; see "
				"mapbench check --help\n",
				argv[optind - 1]);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mapbench: check: unexpected '%s'\n",
			argv[optind]);
		return 2;
	}
	if (impl_arg == NULL)
		optval_bad("--impl", NULL,
			   "check needs the maps to check: --impl NAME");
	nspecs = check_impls(impl_arg, specs);
	check_suites(suite_arg, want);
	proc_catch_stop(&check_interrupted, NULL, NULL);
	for (size_t m = 0; m < nspecs && !check_interrupted; m++)
		check_map(&specs[m], want, timeout, &t);
	if (check_interrupted) {
		printf("check: interrupted: %zu passed, %zu failed, %zu "
		       "skipped before it\n",
		       t.passed, t.failed, t.skipped);
		fflush(stdout);
		return check_interrupted == SIGTERM ? 143 : 130;
	}
	printf("check: %zu passed, %zu failed, %zu skipped\n", t.passed,
	       t.failed, t.skipped);
	return t.failed ? 1 : 0;
}

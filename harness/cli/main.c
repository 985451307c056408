/*
 * mapbench: benchmark concurrent maps (docs/DESIGN.md, "The harness").
 *
 *   mapbench list [columns] | run [options] | sweep [options] | plot DIR
 *   mapbench compare [options] A B [C ...]   (compare.h: statistics)
 *   mapbench lincheck [options]   (lincheck.h: linearizability checks)
 *
 * Exit status: 0 success, 1 a check failed or a write failed, 2 bad
 * input (nothing written), 3 results kept but a tool (gnuplot) missing,
 * 130/143 interrupted (finished rows kept).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "compare.h"
#include "driver.h"
#include "fsutil.h"
#include "lincheck.h"
#include "optval.h"
#include "plot.h"
#include "tlplot.h"
#include "plugin.h"
#include "registry.h"
#include "schema.h"
#include "sweep.h"

/* One line naming each MAP_LIMIT_* bit of `limits`. */
static void
print_limits(const char *fmt, const char *name, unsigned limits)
{
	printf(fmt, "");
	for (unsigned b = 0; b < 32; b++)
		if (limits & (1u << b))
			printf("%s%s", limits & ((1u << b) - 1) ? "; " : "",
			       map_limit_text(1u << b));
	printf(" (%s: check and lincheck skip it)\n", name);
}

static int
cmd_list(void)
{
	printf("maps (--impl):\n");
	const struct map_ops *ops;

	for (size_t i = 0; (ops = map_nth(i)) != NULL; i++) {
		char t1[512], t2[512], t3[512];
		const char *note = ops->flags & MAP_NOT_THREAD_SAFE
					   ? " [not thread-safe: 1 thread or "
					     "no writers]"
				   : ops->flags & MAP_CONTROL
					   ? " [control: stores nothing]"
					   : "";

		/* A plugin's strings: no control character gets through. */
		printf("  %-10s %s%s%s\n", ops->name,
		       fs_printable(ops->summary, t1, sizeof(t1)), note,
		       map_is_plugin(ops) ? " [plugin]" : "");
		if (ops->create_param)
			printf("  %-10s   %s:PARAM, PARAM %s\n", "", ops->name,
			       fs_printable(ops->param_help, t1, sizeof(t1)));
		if (map_ops_limits(ops, NULL))
			print_limits("  %-10s   cannot: ", ops->name,
				     map_ops_limits(ops, NULL));
		for (unsigned k = 0; k < ops->n_counters; k++)
			printf("  %-10s   counter %s (%s, %s): %s\n", "",
			       fs_printable(ops->counters[k].name, t2,
					    sizeof(t2)),
			       fs_printable(ops->counters[k].unit, t3,
					    sizeof(t3)),
			       ops->counters[k].kind == MAP_COUNTER_LEVEL
				       ? "level"
				       : "events",
			       fs_printable(ops->counters[k].help, t1,
					    sizeof(t1)));
	}
	for (const struct map_unbuilt *u = map_unbuilt; u->name; u++)
		printf("  %-10s not built: its library was not found when "
		       "mapbench was built; needs %s\n",
		       u->name, u->needs);
	printf("\nGo workloads (--workload, from Go's map_bench_test.go):\n");
	for (int i = 0; go_workloads[i]; i++) {
		const struct go_workload *wl = go_workloads[i];
		char uses[256];
		size_t n = 0;

		uses[0] = '\0';
		for (int k = 0; k < WL_NOPS; k++)
			if (wl->uses & (1u << k))
				n += (size_t)snprintf(
					uses + n, sizeof(uses) - n, "%s%s",
					n ? "," : "", wl_op_names[k]);
		printf("  %-32s %s\n", wl->name, uses);
	}
	printf("\ndistributions (--dist): uniform, zipf[:THETA], churn\n");
	return 0;
}

static int
main_plot(int argc, char **argv)
{
	static const char acc[] =
		"mapbench plot DIR [--plot-dir D] [--baseline MAP|best], DIR "
		"holding a sweep's results.csv";
	static const struct option lo[] = {
		{"plot-dir", required_argument, NULL, 'p'},
		{"baseline", required_argument, NULL, 'b'},
		{NULL, 0, NULL, 0},
	};
	const char *dir = NULL, *plot_dir = NULL, *baseline = NULL, *word;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = optval_next(argc - 1, argv + 1, lo, &word)) != -1) {
		if (c == 'p')
			plot_dir = optarg;
		else if (c == 'b')
			baseline = optarg;
		else if (c == 1 && optarg[0] != '-' && !dir)
			dir = optarg;
		else
			optval_bad("plot", word, acc);
	}
	if (!dir)
		optval_bad("plot", NULL,
			   "needs the sweep's directory: mapbench plot "
			   "results/NAME");
	if (plot_dir)
		optval_path("--plot-dir", plot_dir);
	if (baseline && !baseline[0])
		optval_bad("--baseline", baseline,
			   "a map of the sweep, or best (the fastest map of "
			   "each row)");
	return plot_sweep(dir, plot_dir, baseline);
}

/* mapbench list [--impl-lib PATH]...: checked whole, then loaded. */
static int
main_list(int argc, char **argv)
{
	static const struct option lo[] = {
		{"impl-lib", required_argument, NULL, 'L'},
		{NULL, 0, NULL, 0},
	};
	const char *word;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = optval_next(argc - 1, argv + 1, lo, &word)) != -1)
		if (c != 'L') {
			fprintf(stderr,
				"mapbench: list: unexpected '%s'; accepted: "
				"--impl-lib PATH, or columns alone\n",
				word);
			return 2;
		}
	optind = 1;
	while ((c = optval_next(argc - 1, argv + 1, lo, &word)) != -1)
		optval_load_lib(optarg);
	return cmd_list();
}

static int
dispatch(int argc, char **argv)
{
	const char *cmd = argv[1];
	struct opts o;

	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "help") == 0) {
		opts_usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "lincheck") == 0)
		return cmd_lincheck(argc - 1, argv + 1);
	if (strcmp(cmd, "compare") == 0)
		return compare_main(argc - 1, argv + 1);
	if (strcmp(cmd, "list") == 0 && argc == 3 &&
	    strcmp(argv[2], "columns") == 0)
		return schema_describe(stdout) ? 1 : 0;
	if (strcmp(cmd, "list") == 0)
		return main_list(argc, argv);
	if (strcmp(cmd, "plot") == 0)
		return main_plot(argc, argv);
	if (strcmp(cmd, "timeline") == 0)
		return tlplot_main(argc - 1, argv + 1);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 1, argv + 1);
	if (strcmp(cmd, "run") && strcmp(cmd, "sweep")) {
		fprintf(stderr,
			"mapbench: unknown command '%s'; accepted: list, run, "
			"sweep, plot, timeline, check, lincheck, compare\n",
			cmd);
		return 2;
	}
	driver_init(false, false); /* the CPU count: run's default threads */
	opts_parse(argc - 1, argv + 1, &o, cmd, driver_ncpus());
	if (strcmp(cmd, "run") == 0)
		return cmd_run(&o);
	return cmd_sweep(&o, argc, argv);
}

int
main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		opts_usage(stderr);
		return 2;
	}
	rc = dispatch(argc, argv);
	/* Output that could not be written is a failure, not a success. */
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "mapbench: writing standard output: %s\n",
			strerror(errno ? errno : EIO));
		return rc ? rc : 1;
	}
	return rc;
}

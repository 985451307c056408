/*
 * mapbench: benchmark concurrent maps (see DESIGN.md, "The harness").
 *
 *   mapbench list | run [options] | sweep [options] | plot DIR
 *   mapbench compare [options] A B [C ...]   (see compare.c)
 */
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "mapbench.h"

static int
cmd_list(void)
{
	printf("implementations:\n");
	for (int i = 0; map_registry[i]; i++) {
		const struct map_ops *ops = map_registry[i];
		const char *note = ops->flags & MAP_NOT_THREAD_SAFE
					   ? " [not thread-safe: 1 thread or "
					     "no writers]"
				   : ops->flags & MAP_CONTROL
					   ? " [control: stores nothing]"
					   : "";

		printf("  %-10s %s%s\n", ops->name, ops->summary, note);
	}
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
cmd_run(const struct opts *o)
{
	struct config *grid, *cs;
	struct result *rs;
	bool *done;
	size_t n, total, k = 0;
	char why[256], label[512];
	int rc = 0;

	n = expand_grid(o, &grid);
	report_oversubscribed(o);
	total = n * o->repeat;
	cs = calloc(total + 1, sizeof(*cs));
	rs = calloc(total + 1, sizeof(*rs));
	done = calloc(total + 1, sizeof(*done));
	if (!cs || !rs || !done) {
		fprintf(stderr, "mapbench: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (config_refused(&grid[i], why, sizeof(why))) {
			config_label(&grid[i], label, sizeof(label));
			fprintf(stderr, "mapbench: not running %.*s: %s\n",
				(int)(strstr(label, " rep=") - label), label,
				why);
		}
	/* Repetitions outermost: each rep visits every configuration. */
	for (unsigned rep = 1; rep <= o->repeat; rep++)
		for (size_t i = 0; i < n; i++, k++) {
			cs[k] = grid[i];
			cs[k].rep = rep;
			cs[k].seed = rep_seed(grid[i].seed, rep);
			if (config_refused(&cs[k], why, sizeof(why)))
				continue;
			if (mb_interrupted)
				continue;
			if (run_config(&cs[k], &rs[k])) {
				config_label(&cs[k], label, sizeof(label));
				fprintf(stderr, "mapbench: %s: out of memory\n",
					label);
				rc = 1;
				continue;
			}
			done[k] = true;
		}
	switch (o->format) {
	case FMT_TABLE:
		table_print(stdout, cs, rs, done, total);
		if (o->repeat > 1)
			summary_print(stdout, cs, rs, done, total);
		break;
	case FMT_CSV:
		csv_write_header(stdout);
		for (size_t i = 0; i < total; i++)
			if (done[i])
				csv_write_row(stdout, &cs[i], &rs[i]);
		break;
	case FMT_JSON:
		json_print(stdout, cs, rs, done, total);
		break;
	}
	free(grid);
	free(cs);
	free(rs);
	free(done);
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts o;
	const char *cmd;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
	    strcmp(cmd, "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "compare") == 0)
		return cmd_compare(argc - 1, argv + 1);
	driver_init(false, false);
	if (strcmp(cmd, "list") == 0) {
		if (argc > 2) {
			fprintf(stderr, "mapbench: list: takes no arguments\n");
			return 2;
		}
		return cmd_list();
	}
	if (strcmp(cmd, "plot") == 0) {
		const char *dir = NULL, *plot_dir = NULL;

		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--plot-dir") == 0 && i + 1 < argc)
				plot_dir = argv[++i];
			else if (strncmp(argv[i], "--plot-dir=", 11) == 0)
				plot_dir = argv[i] + 11;
			else if (argv[i][0] == '-' || dir)
				bad_option("plot", argv[i],
					   "mapbench plot DIR [--plot-dir D], "
					   "DIR holding a sweep's results.csv");
			else
				dir = argv[i];
		}
		if (!dir)
			bad_option("plot", NULL,
				   "needs the sweep's directory: mapbench "
				   "plot results/NAME");
		return cmd_plot(dir, plot_dir);
	}
	if (strcmp(cmd, "run") && strcmp(cmd, "sweep")) {
		fprintf(stderr,
			"mapbench: unknown command '%s'; accepted: list, run, "
			"sweep, plot, compare\n",
			cmd);
		return 2;
	}
	parse_opts(argc - 1, argv + 1, &o, cmd);
	driver_init(o.pin, true);
	if (strcmp(cmd, "run") == 0)
		return cmd_run(&o);
	return cmd_sweep(&o, argc, argv);
}

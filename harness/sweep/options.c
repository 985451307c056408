/*
 * Command-line options (opts.h): one handler per option, chosen from a
 * table that also says which subcommands take it.  Everything is checked
 * before anything runs; a bad value is one line naming the option and
 * what it accepts, exit status 2, and nothing written.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "interfere.h"
#include "num.h"
#include "optval.h"
#include "opts.h"
#include "plugin.h"

enum opt_where {
	FOR_BOTH = 3,
	FOR_RUN = 1,
	FOR_SWEEP = 2,
};

/*
 * One option: its handler, or (set NULL) a flag that stores `flag_value`
 * in the bool at offset `flag` of struct opts.
 */
struct opt_def {
	const char *name;
	int has_arg;
	enum opt_where where;
	void (*set)(struct opts *o, const char *arg);
	size_t flag;
	bool flag_value;
};

#define SET(fn)		   fn, 0, false
#define FLAG(field, value) NULL, offsetof(struct opts, field), value

static const char *const acc_threads = "integers 1..1024, comma separated";
static const char *const acc_read = "integers 0..100, comma separated";
static const char *const acc_keys =
	"integers 1..1000000000 (suffix k, M, G allowed), comma separated";
static const char *const acc_dist =
	"uniform, zipf, zipf:THETA with 0<THETA<1, churn; comma separated";

static void
set_impl_lib(struct opts *o, const char *arg)
{
	optval_load_lib(arg); /* loaded already unless abbreviated */
}

static void
add_impl(struct opts *o, const struct impl_spec *s)
{
	for (int i = 0; i < o->n_impls; i++)
		if (strcmp(o->impls[i].name, s->name) == 0)
			return; /* a duplicate: one row set per map */
	if (o->n_impls == MAX_LIST)
		optval_bad("--impl", s->name, "at most 64 maps");
	o->impls[o->n_impls++] = *s;
}

static void
set_impl(struct opts *o, const char *arg)
{
	char **items, why[1024];
	int n = optval_list_split("--impl", arg, &items,
				  "map names (mapbench list) or 'all'");

	o->n_impls = 0;
	for (int i = 0; i < n; i++) {
		struct impl_spec s;

		if (strcmp(items[i], "all") == 0) {
			for (int j = 0; map_registry[j]; j++) {
				optval_impl_spec(map_registry[j]->name, &s, why,
						 sizeof(why));
				add_impl(o, &s);
			}
			continue;
		}
		if (optval_impl_spec(items[i], &s, why, sizeof(why)))
			optval_bad("--impl", items[i], why);
		add_impl(o, &s);
	}
	optval_list_free(items, n);
}

static void
set_workload(struct opts *o, const char *arg)
{
	static const char acc[] = "Go's workload names as in 'mapbench list' "
				  "(e.g. LoadMostlyHits), or 'all'";
	char **items;
	int n = optval_list_split("--workload", arg, &items, acc);

	o->n_workloads = 0;
	for (int i = 0; i < n; i++) {
		bool all = strcmp(items[i], "all") == 0;
		const struct go_workload *one = go_workload_find(items[i]);

		if (!all && !one)
			optval_bad("--workload", items[i], acc);
		for (int j = 0; all ? go_workloads[j] != NULL : j < 1; j++) {
			const struct go_workload *wl =
				all ? go_workloads[j] : one;
			bool dup = false;

			for (int k = 0; k < o->n_workloads; k++)
				dup |= o->workloads[k] == wl;
			if (!dup)
				o->workloads[o->n_workloads++] = wl;
		}
	}
	optval_list_free(items, n);
}

static void
set_threads(struct opts *o, const char *arg)
{
	uint64_t v[MAX_LIST];

	o->n_threads = optval_u64_list("--threads", arg, 1, 1024, false,
				       acc_threads, v);
	for (int i = 0; i < o->n_threads; i++)
		o->threads[i] = (unsigned)v[i];
}

static void
set_read(struct opts *o, const char *arg)
{
	uint64_t v[MAX_LIST];

	o->n_reads = optval_u64_list("--read", arg, 0, 100, false, acc_read, v);
	for (int i = 0; i < o->n_reads; i++)
		o->reads[i] = (int)v[i];
}

static void
set_mix(struct opts *o, const char *arg)
{
	if (parse_mix(arg, &o->mix))
		optval_bad("--mix", arg,
			   "OP=WEIGHT,... with OP in load, store, delete, "
			   "load_or_store, load_and_delete, swap, cas, cad, "
			   "range, clear, each once, weights >= 0, not all 0");
	o->have_mix = true;
	mix_format(&o->mix, o->mix_str, sizeof(o->mix_str));
}

static void
set_keys(struct opts *o, const char *arg)
{
	o->n_keys = optval_u64_list("--keys", arg, 1, 1000000000, true,
				    acc_keys, o->keys);
}

static void
set_prefill(struct opts *o, const char *arg)
{
	o->prefill_pct = (int)optval_u64("--prefill", arg, 0, 100, false,
					 "an integer percentage 0..100");
}

static void
set_dist(struct opts *o, const char *arg)
{
	char **items;
	int n = optval_list_split("--dist", arg, &items, acc_dist);

	o->n_dists = 0;
	for (int i = 0; i < n; i++) {
		struct dist d;
		char a[64], b[64];
		bool dup = false;

		if (parse_dist(items[i], &d))
			optval_bad("--dist", items[i], acc_dist);
		/* Duplicates as the rows will record them. */
		dist_format(&d, a, sizeof(a));
		for (int k = 0; k < o->n_dists; k++) {
			dist_format(&o->dists[k], b, sizeof(b));
			dup |= strcmp(a, b) == 0;
		}
		if (!dup)
			o->dists[o->n_dists++] = d;
	}
	optval_list_free(items, n);
}

static void
set_duration(struct opts *o, const char *arg)
{
	if (!optval_duration(arg, &o->duration))
		optval_bad("--duration", arg,
			   "a time from 1ms to 1h such as 200ms, 1s, 2.5s, "
			   "1m, 1h");
}

static void
set_repeat(struct opts *o, const char *arg)
{
	o->repeat = (unsigned)optval_u64("--repeat", arg, 1, 1000, false,
					 "an integer 1..1000");
}

static void
set_precision(struct opts *o, const char *arg)
{
	o->precision =
		optval_pct_or_off("--precision", arg, 0.1, 100, 0,
				  "a percentage 0.1..100 (the 95% interval of "
				  "each median within +-PCT%), or off");
}

static void
set_max_repeat(struct opts *o, const char *arg)
{
	o->max_repeat = (unsigned)optval_u64("--max-repeat", arg, 1, 1000,
					     false, "an integer 1..1000");
}

static void
set_interf_limit(struct opts *o, const char *arg)
{
	o->interf_limit = optval_pct_or_off(
		"--interference-limit", arg, 0.1, 99, 1,
		"a percentage 0.1..99 of the CPUs' time that other processes "
		"or the hypervisor may take, or off");
}

static void
set_remeasure(struct opts *o, const char *arg)
{
	o->max_attempts = (unsigned)optval_u64("--remeasure", arg, 0, 100,
					       false, "an integer 0..100") +
			  1;
}

static void
set_seed(struct opts *o, const char *arg)
{
	char *end;

	errno = 0;
	if (strncmp(arg, "0x", 2) == 0 && isxdigit((unsigned char)arg[2]))
		o->seed = strtoull(arg + 2, &end, 16);
	else if (!num_parse_u64(arg, 0, UINT64_MAX, false, &o->seed))
		end = (char *)"x";
	else
		end = (char *)"";
	if (errno || *end)
		optval_bad("--seed", arg,
			   "an unsigned 64-bit integer, decimal or 0x hex");
}

static void
set_latency(struct opts *o, const char *arg)
{
	o->latency_sample = optval_u64(
		"--latency-sample", arg, 0, 1000000000, true,
		"an integer N: time 1 op in N, 0..1000000000 (0 = off)");
}

static void
set_out(struct opts *o, const char *arg)
{
	o->out = optval_path("--out", arg);
}

static void
set_format(struct opts *o, const char *arg)
{
	static const char *const names[] = {"table", "csv", "json", NULL};

	/* enum format's order */
	o->format = (enum format)optval_choice("--format", arg, names,
					       "table, csv, json");
}

static void
set_plot_dir(struct opts *o, const char *arg)
{
	o->plot_dir = optval_path("--plot-dir", arg);
}

/* Measurement method (issue 7). */
static void
set_ops(struct opts *o, const char *arg)
{
	o->ops_per_thread = optval_u64("--ops", arg, 1, UINT64_C(1000000000000),
				       true, "an integer 1..1e12 (1000, 1M)");
}

static void
set_sizing(struct opts *o, const char *arg)
{
	static const char *const names[] = {"none", "keys", NULL};

	/* enum sizing's order */
	o->sizing = (enum sizing)optval_choice("--sizing", arg, names,
					       "none, keys");
}

static void
set_row_timeout(struct opts *o, const char *arg)
{
	if (!optval_duration(arg, &o->row_timeout))
		optval_bad("--row-timeout", arg,
			   "a time from 1ms to 1h such as 30s, 5m");
}

static void set_help(struct opts *o, const char *arg);

static const struct opt_def defs[] = {
	{"impl", required_argument, FOR_BOTH, SET(set_impl)},
	{"impl-lib", required_argument, FOR_BOTH, SET(set_impl_lib)},
	{"threads", required_argument, FOR_BOTH, SET(set_threads)},
	{"read", required_argument, FOR_BOTH, SET(set_read)},
	{"mix", required_argument, FOR_BOTH, SET(set_mix)},
	{"keys", required_argument, FOR_BOTH, SET(set_keys)},
	{"prefill", required_argument, FOR_BOTH, SET(set_prefill)},
	{"dist", required_argument, FOR_BOTH, SET(set_dist)},
	{"workload", required_argument, FOR_BOTH, SET(set_workload)},
	{"duration", required_argument, FOR_BOTH, SET(set_duration)},
	{"repeat", required_argument, FOR_BOTH, SET(set_repeat)},
	{"seed", required_argument, FOR_BOTH, SET(set_seed)},
	{"pin", no_argument, FOR_BOTH, FLAG(pin, true)},
	{"no-pin", no_argument, FOR_BOTH, FLAG(pin, false)},
	{"latency-sample", required_argument, FOR_BOTH, SET(set_latency)},
	{"quick", no_argument, FOR_BOTH, FLAG(quick, true)},
	{"format", required_argument, FOR_RUN, SET(set_format)},
	{"out", required_argument, FOR_SWEEP, SET(set_out)},
	{"resume", no_argument, FOR_SWEEP, FLAG(resume, true)},
	{"no-plot", no_argument, FOR_SWEEP, FLAG(no_plot, true)},
	{"plot-dir", required_argument, FOR_SWEEP, SET(set_plot_dir)},
	{"ops", required_argument, FOR_BOTH, SET(set_ops)},
	{"settle", no_argument, FOR_BOTH, FLAG(settle, true)},
	{"sizing", required_argument, FOR_BOTH, SET(set_sizing)},
	{"row-timeout", required_argument, FOR_BOTH, SET(set_row_timeout)},
	{"isolate", no_argument, FOR_BOTH, FLAG(isolate, true)},
	{"no-isolate", no_argument, FOR_BOTH, FLAG(isolate, false)},
	{"precision", required_argument, FOR_SWEEP, SET(set_precision)},
	{"max-repeat", required_argument, FOR_SWEEP, SET(set_max_repeat)},
	{"interference-limit", required_argument, FOR_BOTH,
	 SET(set_interf_limit)},
	{"remeasure", required_argument, FOR_SWEEP, SET(set_remeasure)},
	{"help", no_argument, FOR_BOTH, SET(set_help)},
};
#define NDEFS (sizeof(defs) / sizeof(defs[0]))

enum { OPT_BASE = 256 }; /* getopt_long returns OPT_BASE + index */

static int
opt_index(const char *name)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (strcmp(defs[i].name, name) == 0)
			return (int)i;
	abort();
}

void
opts_usage(FILE *f)
{
	fputs("usage:\n"
	      "  mapbench list                           maps, workloads, "
	      "distributions\n"
	      "  mapbench list columns                   the columns of "
	      "results.csv\n"
	      "  mapbench run   [options]                measure, print a "
	      "table\n"
	      "  mapbench sweep [options] [--out DIR]    grid -> "
	      "DIR/results.csv, then plots\n"
	      "  mapbench plot  DIR [--plot-dir D]       (re)draw the plots "
	      "of a sweep\n"
	      "                 [--baseline MAP|best]    the heatmap's "
	      "reference (rwlock)\n"
	      "  mapbench timeline DIR [--all]           throughput timelines "
	      "of rows that drift\n"
	      "  mapbench check --impl LIST              correctness suites on "
	      "any map\n"
	      "  mapbench lincheck --impl LIST           linearizability from "
	      "recorded histories\n"
	      "  mapbench compare A B [C ...]            sweeps side by side, "
	      "with statistics\n"
	      "  (mapbench SUBCOMMAND --help for check, lincheck and "
	      "compare)\n"
	      "\n"
	      "options (LIST = comma separated; duplicates are dropped):\n"
	      "  --impl LIST|all         maps (mapbench list); NAME:PARAM for "
	      "maps\n"
	      "                          that take a parameter (striped:64)\n"
	      "  --impl-lib PATH         load a plugin's maps first "
	      "(repeatable)\n"
	      "  --threads LIST          worker threads, 1..1024\n"
	      "  --read LIST             percent loads 0..100; the rest split "
	      "evenly\n"
	      "                          between store and delete\n"
	      "  --mix OP=W,...          any mix of load, store, delete, "
	      "load_or_store,\n"
	      "                          load_and_delete, swap, cas, cad, "
	      "range, clear\n"
	      "                          (replaces --read)\n"
	      "  --keys LIST             key space, 1..1000000000 (1000, 10k, "
	      "1M)\n"
	      "  --prefill PCT           percent of keys stored before timing "
	      "(50)\n"
	      "  --dist LIST             uniform | zipf[:THETA] (0<THETA<1, "
	      "0.99) | churn\n"
	      "  --workload LIST|all     Go's benchmark workloads "
	      "(LoadMostlyHits, ...)\n"
	      "  --duration D            timed window per run: 200ms, 1s, "
	      "2.5s, 1m, 1h\n"
	      "  --repeat N              repetitions, 1..1000 (sweep: the "
	      "minimum\n"
	      "                          with --precision; alone: exactly N)\n"
	      "  --seed N                random seed, decimal or 0x hex "
	      "(recorded)\n"
	      "  --pin | --no-pin        pin threads round-robin over allowed "
	      "CPUs (pin)\n"
	      "  --latency-sample N      time 1 op in N on average (0 = off; "
	      "1000)\n"
	      "  --quick                 a small, short grid (smoke run)\n"
	      "  --ops N                 N operations per thread instead of "
	      "--duration\n"
	      "  --settle                end the warm-up with one Range "
	      "(promotes syncmap)\n"
	      "  --sizing none|keys      size hint given to create() (none)\n"
	      "  --isolate | --no-isolate  each row in a child process "
	      "(on)\n"
	      "  --row-timeout D         kill an isolated row after D "
	      "(10 x duration + 60s)\n"
	      "  --interference-limit P  a row whose CPUs other processes "
	      "or the\n"
	      "                          hypervisor took more than P% of is "
	      "`interfered`\n"
	      "                          (10; off)\n"
	      "run only:\n"
	      "  --format table|csv|json output format (table)\n"
	      "sweep only:\n"
	      "  --out DIR               output directory (results/default)\n"
	      "  --resume                continue DIR: skip the rows it has\n"
	      "  --no-plot               do not draw plots\n"
	      "  --plot-dir D            where images go (DIR/plots)\n"
	      "  --precision PCT|off     repeat a configuration until the 95% "
	      "interval\n"
	      "                          of its median is within +-PCT% (10), "
	      "from\n"
	      "                          --repeat (5) up to --max-repeat (9) "
	      "runs\n"
	      "  --max-repeat N          most repetitions per configuration, "
	      "1..1000\n"
	      "  --remeasure N           run an interfered row again up to N "
	      "times (2)\n",
	      f);
}

static void
set_help(struct opts *o, const char *arg)
{
	opts_usage(stdout);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "mapbench: writing the help: %s\n",
			strerror(errno));
		exit(1);
	}
	exit(0);
}

static void
defaults(struct opts *o, const char *cmd, unsigned ncpus)
{
	bool sweep = strcmp(cmd, "sweep") == 0;
	char why[256];

	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	const struct map_ops *ops;

	for (size_t j = 0; (ops = map_nth(j)) != NULL && o->n_impls < MAX_LIST;
	     j++)
		optval_impl_spec(ops->name, &o->impls[o->n_impls++], why,
				 sizeof(why));
	o->prefill_pct = 50;
	o->dists[0].kind = DIST_UNIFORM;
	o->n_dists = 1;
	o->seed = 1;
	o->pin = true;
	o->latency_sample = 1000;
	o->format = FMT_TABLE;
	o->out = "results/default";
	o->isolate = true; /* run and sweep: a map that crashes or exits costs
			      its row */
	o->interf_limit = INTERF_LIMIT_DEFAULT;
	/* The environment's default (a shared CI runner: off); checked. */
	if (getenv("MAPBENCH_INTERFERENCE_LIMIT") &&
	    getenv("MAPBENCH_INTERFERENCE_LIMIT")[0])
		o->interf_limit = optval_pct_or_off(
			"MAPBENCH_INTERFERENCE_LIMIT",
			getenv("MAPBENCH_INTERFERENCE_LIMIT"), 0.1, 99, 1,
			"a percentage 0.1..99, or off (the default of "
			"--interference-limit)");
	o->max_attempts = sweep ? 3 : 1;
	if (sweep) {
		static const unsigned th[] = {1, 2, 4};
		static const int rd[] = {100, 99, 90, 50, 0};

		/*
		 * What the machine can run without oversubscribing (on 2
		 * CPUs: 1 and 2 threads); more threads than CPUs on request
		 * (--threads), marked oversubscribed in every output.
		 */
		o->n_threads = 0;
		for (size_t i = 0; i < sizeof(th) / sizeof(th[0]); i++)
			if (i == 0 || th[i] <= ncpus)
				o->threads[o->n_threads++] = th[i];
		memcpy(o->reads, rd, sizeof(rd));
		o->n_reads = (int)(sizeof(rd) / sizeof(rd[0]));
		o->keys[0] = 1000;
		o->keys[1] = 1000000;
		o->n_keys = 2;
		/*
		 * 5 repetitions at least, so that compare can reach
		 * p < 0.05 between two default sweeps (5 vs 5: p >= 0.008),
		 * and more, up to 9, where the median is not yet within
		 * +-10%: repetitions go where the variance is.  9 is where the
		 * median's 95% interval first leaves [min, max] (for [x(2),
		 * x(8)]); below it more runs cannot narrow the interval.
		 */
		o->repeat = 5;
		o->precision = 0.10;
		o->max_repeat = 9;
		o->duration = 0.1;
	} else {
		o->threads[0] = ncpus ? ncpus : 1;
		o->n_threads = 1;
		o->reads[0] = 90;
		o->n_reads = 1;
		o->keys[0] = 1000;
		o->n_keys = 1;
		o->repeat = 1;
		o->duration = 1;
	}
}

/* --quick: a small grid, short runs; options given explicitly win. */
static void
quick(struct opts *o)
{
	if (!o->given[opt_index("threads")]) {
		o->threads[0] = 1;
		o->threads[1] = 2;
		o->n_threads = 2;
	}
	if (!o->given[opt_index("read")]) {
		o->reads[0] = 100;
		o->reads[1] = 90;
		o->reads[2] = 0;
		o->n_reads = 3;
	}
	if (!o->given[opt_index("keys")]) {
		o->keys[0] = 1000;
		o->keys[1] = 100000;
		o->n_keys = 2;
	}
	if (!o->given[opt_index("repeat")])
		o->repeat = 2;
	if (!o->given[opt_index("duration")])
		o->duration = 0.1;
}

/* An option getopt_long did not take: unknown, ambiguous, or no value. */
_Noreturn static void
bad_word(const char *word, bool needs_value)
{
	char name[64];
	size_t len = strcspn(word + 2, "="), hits = 0;
	char cand[512] = "";

	if (needs_value) {
		fprintf(stderr,
			"mapbench: %s: needs a value; see mapbench "
			"--help\n",
			word);
		exit(2);
	}
	if (strncmp(word, "--", 2) == 0 && len < sizeof(name)) {
		memcpy(name, word + 2, len);
		name[len] = '\0';
		for (size_t i = 0; i < NDEFS; i++)
			if (len && strncmp(defs[i].name, name, len) == 0) {
				hits++;
				strncat(cand, " --",
					sizeof(cand) - strlen(cand) - 1);
				strncat(cand, defs[i].name,
					sizeof(cand) - strlen(cand) - 1);
			}
	}
	if (hits > 1)
		fprintf(stderr,
			"mapbench: option '%s' is ambiguous; it could be:%s\n",
			word, cand);
	else
		fprintf(stderr,
			"mapbench: unknown option '%s'; see mapbench "
			"--help\n",
			word);
	exit(2);
}

static void
check_combinations(struct opts *o)
{
	if (o->have_mix && o->given[opt_index("read")])
		optval_bad("--mix", NULL,
			   "cannot be combined with --read (a mix replaces "
			   "the read ratio)");
	if (o->n_workloads &&
	    (o->given[opt_index("read")] || o->have_mix ||
	     o->given[opt_index("keys")] || o->given[opt_index("dist")] ||
	     o->given[opt_index("prefill")]))
		optval_bad("--workload", NULL,
			   "Go's workloads fix their own keys and mix; drop "
			   "--read, --mix, --keys, --dist and --prefill");
	for (int i = 0; i < o->n_dists; i++)
		if (o->dists[i].kind == DIST_CHURN && o->have_mix)
			for (int k = 0; k < WL_NOPS; k++)
				if (k != WL_LOAD && k != WL_STORE &&
				    k != WL_DELETE && o->mix.w[k] > 0)
					optval_bad("--dist", "churn",
						   "churn with a mix of load,"
						   " store and delete only");
}

/*
 * --repeat alone means exactly N; with --precision it is the minimum and
 * --max-repeat the maximum.
 */
static void
finish_repeats(struct opts *o)
{
	bool rep = o->given[opt_index("repeat")];
	bool prec = o->given[opt_index("precision")];
	bool max = o->given[opt_index("max-repeat")];
	char buf[64];

	if ((rep || o->quick) && !prec)
		o->precision = 0;
	if (o->precision <= 0) {
		if (max && !prec)
			optval_bad("--max-repeat", NULL,
				   "only with --precision (--repeat N alone "
				   "runs exactly N repetitions)");
		o->max_repeat = o->repeat;
		return;
	}
	if (o->max_repeat < o->repeat) {
		if (!max)
			o->max_repeat = o->repeat;
		else {
			snprintf(buf, sizeof(buf), "%u", o->max_repeat);
			optval_bad("--max-repeat", buf,
				   "at least --repeat (the minimum number of "
				   "repetitions)");
		}
	}
}

void
opts_parse(int argc, char **argv, struct opts *o, const char *cmd,
	   unsigned ncpus)
{
	struct option lo[NDEFS + 1];
	enum opt_where here = strcmp(cmd, "sweep") == 0 ? FOR_SWEEP : FOR_RUN;
	int c;

	optval_load_libs(argc, argv);
	defaults(o, cmd, ncpus);
	for (size_t i = 0; i < NDEFS; i++)
		lo[i] = (struct option){defs[i].name, defs[i].has_arg, NULL,
					OPT_BASE + (int)i};
	lo[NDEFS] = (struct option){NULL, 0, NULL, 0};
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		const struct opt_def *d;

		if (c == 'h')
			set_help(o, NULL);
		if (c == ':' || c == '?')
			bad_word(argv[optind - 1], c == ':');
		d = &defs[c - OPT_BASE];
		if (!(d->where & here)) {
			char acc[128];

			snprintf(acc, sizeof(acc),
				 "applies only to 'mapbench %s'",
				 d->where == FOR_RUN ? "run" : "sweep");
			fprintf(stderr, "mapbench: --%s: %s\n", d->name, acc);
			exit(2);
		}
		o->given[c - OPT_BASE] = true;
		if (d->set)
			d->set(o, optarg);
		else
			*(bool *)((char *)o + d->flag) = d->flag_value;
	}
	if (optind < argc) {
		fprintf(stderr,
			"mapbench: %s: unexpected argument '%s'; see mapbench "
			"--help\n",
			cmd, argv[optind]);
		exit(2);
	}
	check_combinations(o);
	if (o->quick)
		quick(o);
	finish_repeats(o);
}

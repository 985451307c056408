/*
 * Command-line options: parse, validate everything before anything runs,
 * and expand into the grid of configurations.  A bad value is one line
 * naming the option and what it accepts, and exit status 2.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mapbench.h"

enum {
	OPT_IMPL = 1,
	OPT_THREADS,
	OPT_READ,
	OPT_MIX,
	OPT_KEYS,
	OPT_PREFILL,
	OPT_DIST,
	OPT_WORKLOAD,
	OPT_DURATION,
	OPT_REPEAT,
	OPT_SEED,
	OPT_PIN,
	OPT_NO_PIN,
	OPT_LATENCY,
	OPT_OUT,
	OPT_FORMAT,
	OPT_QUICK,
	OPT_RESUME,
	OPT_NO_PLOT,
	OPT_PLOT_DIR,
	/* measurement method (issue 7) */
	OPT_OPS,
	OPT_SETTLE,
	OPT_SIZING,
	OPT_ROW_TIMEOUT,
	OPT_ISOLATE,
	OPT_NO_ISOLATE,
	OPT_HELP,
};

static const struct option long_opts[] = {
	{"impl", required_argument, NULL, OPT_IMPL},
	{"threads", required_argument, NULL, OPT_THREADS},
	{"read", required_argument, NULL, OPT_READ},
	{"mix", required_argument, NULL, OPT_MIX},
	{"keys", required_argument, NULL, OPT_KEYS},
	{"prefill", required_argument, NULL, OPT_PREFILL},
	{"dist", required_argument, NULL, OPT_DIST},
	{"workload", required_argument, NULL, OPT_WORKLOAD},
	{"duration", required_argument, NULL, OPT_DURATION},
	{"repeat", required_argument, NULL, OPT_REPEAT},
	{"seed", required_argument, NULL, OPT_SEED},
	{"pin", no_argument, NULL, OPT_PIN},
	{"no-pin", no_argument, NULL, OPT_NO_PIN},
	{"latency-sample", required_argument, NULL, OPT_LATENCY},
	{"out", required_argument, NULL, OPT_OUT},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"quick", no_argument, NULL, OPT_QUICK},
	{"resume", no_argument, NULL, OPT_RESUME},
	{"no-plot", no_argument, NULL, OPT_NO_PLOT},
	{"plot-dir", required_argument, NULL, OPT_PLOT_DIR},
	{"ops", required_argument, NULL, OPT_OPS},
	{"settle", no_argument, NULL, OPT_SETTLE},
	{"sizing", required_argument, NULL, OPT_SIZING},
	{"row-timeout", required_argument, NULL, OPT_ROW_TIMEOUT},
	{"isolate", no_argument, NULL, OPT_ISOLATE},
	{"no-isolate", no_argument, NULL, OPT_NO_ISOLATE},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

void
usage(FILE *f)
{
	fputs("usage:\n"
	      "  mapbench list                           impls and workloads\n"
	      "  mapbench run   [options]                measure, print a "
	      "table\n"
	      "  mapbench sweep [options] [--out DIR]    grid -> "
	      "DIR/results.csv"
	      ", then plots\n"
	      "  mapbench plot  DIR [--plot-dir D]       (re)draw the plots of "
	      "a"
	      " sweep\n"
	      "\n"
	      "options (LIST = comma separated):\n"
	      "  --impl LIST|all         implementations (mapbench list)\n"
	      "  --threads LIST          worker threads, 1..1024\n"
	      "  --read LIST             percent loads 0..100; the rest split "
	      "evenly\n"
	      "                          between store and delete\n"
	      "  --mix OP=W,...          any mix of load, store, delete, "
	      "load_or_store,\n"
	      "                          load_and_delete, swap, cas, cad, "
	      "range,"
	      " clear\n"
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
	      "2.5s\n"
	      "  --repeat N              repetitions, 1..1000\n"
	      "  --seed N                random seed (recorded)\n"
	      "  --pin | --no-pin        pin threads round-robin over allowed "
	      "CPUs (pin)\n"
	      "  --latency-sample N      time 1 op in N (0 = off; 1000)\n"
	      "  --format table|csv|json run's output format\n"
	      "  --out DIR               sweep's output (results/default)\n"
	      "  --quick                 a small, short grid (smoke run)\n"
	      "  --resume                sweep: skip the rows DIR already has\n"
	      "  --no-plot               sweep: do not draw plots\n"
	      "  --plot-dir D            where images go (plots/NAME)\n"
	      "  --ops N                 N operations per thread instead of "
	      "--duration\n"
	      "  --settle                end the warm-up with one Range "
	      "(promotes syncmap)\n"
	      "  --sizing none|keys      size hint given to create() (none)\n"
	      "  --isolate | --no-isolate  each row in a child process "
	      "(sweep: on)\n"
	      "  --row-timeout D         kill an isolated row after D "
	      "(10 x duration + 60s)\n",
	      f);
}

_Noreturn void
bad_option(const char *opt, const char *val, const char *accepted)
{
	if (val)
		fprintf(stderr,
			"mapbench: %s: invalid value '%s'; accepted: %s\n", opt,
			val, accepted);
	else
		fprintf(stderr, "mapbench: %s: %s\n", opt, accepted);
	exit(2);
}

/* Split `s` at commas into at most MAX_LIST non-empty items. */
static int
split_list(const char *opt, const char *s, char items[][128],
	   const char *accepted)
{
	int n = 0;
	const char *p = s;

	for (;;) {
		const char *q = strchr(p, ',');
		size_t len = q ? (size_t)(q - p) : strlen(p);

		if (len == 0 || len >= 128 || n == MAX_LIST)
			bad_option(opt, s, accepted);
		memcpy(items[n], p, len);
		items[n][len] = '\0';
		n++;
		if (!q)
			return n;
		p = q + 1;
	}
}

/* A decimal integer in [lo, hi], with an optional k/M/G (x1000) suffix. */
static bool
parse_u64(const char *s, uint64_t lo, uint64_t hi, bool suffix, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return false;
	if (suffix && *end) {
		uint64_t mul = 1;

		switch (*end) {
		case 'k':
		case 'K':
			mul = 1000;
			break;
		case 'm':
		case 'M':
			mul = 1000000;
			break;
		case 'g':
		case 'G':
			mul = 1000000000;
			break;
		default:
			return false;
		}
		if (v > UINT64_MAX / mul)
			return false;
		v *= mul;
		end++;
	}
	if (*end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* "200ms", "1s", "2.5s", "1m", "500us"; a bare number is seconds. */
static bool
parse_duration(const char *s, double *out)
{
	char *end;
	double v, mul = 1;

	if (!isdigit((unsigned char)s[0]) && s[0] != '.')
		return false;
	v = strtod(s, &end);
	if (strcmp(end, "ms") == 0)
		mul = 1e-3;
	else if (strcmp(end, "us") == 0)
		mul = 1e-6;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mul = 60;
	else if (*end && strcmp(end, "s") != 0)
		return false;
	v *= mul;
	if (!(v >= 1e-3 && v <= 3600))
		return false;
	*out = v;
	return true;
}

static const char *const acc_impl = "impl names (mapbench list) or 'all'";
static const char *const acc_threads = "integers 1..1024, comma separated";
static const char *const acc_read = "integers 0..100, comma separated";
static const char *const acc_keys =
	"integers 1..1000000000 (suffix k, M, G allowed), comma separated";
static const char *const acc_dist =
	"uniform, zipf, zipf:THETA with 0<THETA<1, churn; comma separated";

static void
set_impls(struct opts *o, const char *arg)
{
	char items[MAX_LIST][128];
	int n = split_list("--impl", arg, items, acc_impl);

	o->n_impls = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(items[i], "all") == 0) {
			for (int j = 0;
			     map_registry[j] && o->n_impls < MAX_LIST; j++)
				o->impls[o->n_impls++] = map_registry[j];
			continue;
		}
		const struct map_ops *ops = map_find(items[i]);

		if (!ops) {
			char acc[512];
			size_t len = 0;

			for (int j = 0; map_registry[j]; j++)
				len += (size_t)snprintf(
					acc + len, sizeof(acc) - len, "%s, ",
					map_registry[j]->name);
			snprintf(acc + len, sizeof(acc) - len,
				 "all (comma separated)");
			bad_option("--impl", items[i], acc);
		}
		o->impls[o->n_impls++] = ops;
	}
}

static void
set_workloads(struct opts *o, const char *arg)
{
	char items[MAX_LIST][128];
	int n = split_list("--workload", arg, items,
			   "Go workload names (mapbench list) or 'all'");

	o->n_workloads = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(items[i], "all") == 0) {
			for (int j = 0;
			     go_workloads[j] && o->n_workloads < MAX_LIST; j++)
				o->workloads[o->n_workloads++] =
					go_workloads[j];
			continue;
		}
		const struct go_workload *wl = go_workload_find(items[i]);

		if (!wl)
			bad_option("--workload", items[i],
				   "Go's workload names as in 'mapbench list' "
				   "(e.g. LoadMostlyHits), or 'all'");
		o->workloads[o->n_workloads++] = wl;
	}
}

static void
defaults(struct opts *o, const char *cmd)
{
	bool sweep = strcmp(cmd, "sweep") == 0;

	memset(o, 0, sizeof(*o));
	for (int j = 0; map_registry[j] && o->n_impls < MAX_LIST; j++)
		o->impls[o->n_impls++] = map_registry[j];
	o->prefill_pct = 50;
	o->dists[0].kind = DIST_UNIFORM;
	o->n_dists = 1;
	o->seed = 1;
	o->pin = true;
	o->latency_sample = 1000;
	o->format = FMT_TABLE;
	o->out = "results/default";
	o->isolate = sweep;
	if (sweep) {
		static const unsigned th[] = {1, 2, 4};
		static const int rd[] = {100, 99, 90, 75, 50, 0};

		memcpy(o->threads, th, sizeof(th));
		o->n_threads = 3;
		memcpy(o->reads, rd, sizeof(rd));
		o->n_reads = 6;
		o->keys[0] = 1000;
		o->keys[1] = 1000000;
		o->n_keys = 2;
		o->repeat = 3;
		o->duration = 0.5;
	} else {
		o->threads[0] = driver_ncpus() ? driver_ncpus() : 1;
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
	if (!o->user_set[OPT_THREADS]) {
		o->threads[0] = 1;
		o->threads[1] = 2;
		o->n_threads = 2;
	}
	if (!o->user_set[OPT_READ]) {
		o->reads[0] = 100;
		o->reads[1] = 90;
		o->reads[2] = 0;
		o->n_reads = 3;
	}
	if (!o->user_set[OPT_KEYS]) {
		o->keys[0] = 1000;
		o->keys[1] = 100000;
		o->n_keys = 2;
	}
	if (!o->user_set[OPT_REPEAT])
		o->repeat = 2;
	if (!o->user_set[OPT_DURATION])
		o->duration = 0.1;
}

int
parse_opts(int argc, char **argv, struct opts *o, const char *cmd)
{
	char items[MAX_LIST][128];
	uint64_t v;
	int c, n;
	bool sweep = strcmp(cmd, "sweep") == 0;

	defaults(o, cmd);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c > 0 && c < 32)
			o->user_set[c] = true;
		switch (c) {
		case OPT_IMPL:
			set_impls(o, optarg);
			break;
		case OPT_THREADS:
			n = split_list("--threads", optarg, items, acc_threads);
			for (int i = 0; i < n; i++) {
				if (!parse_u64(items[i], 1, 1024, false, &v))
					bad_option("--threads", items[i],
						   acc_threads);
				o->threads[i] = (unsigned)v;
			}
			o->n_threads = n;
			break;
		case OPT_READ:
			n = split_list("--read", optarg, items, acc_read);
			for (int i = 0; i < n; i++) {
				if (!parse_u64(items[i], 0, 100, false, &v))
					bad_option("--read", items[i],
						   acc_read);
				o->reads[i] = (int)v;
			}
			o->n_reads = n;
			break;
		case OPT_MIX:
			if (parse_mix(optarg, &o->mix))
				bad_option(
					"--mix", optarg,
					"OP=WEIGHT,... with OP in load, store,"
					" delete, load_or_store, "
					"load_and_delete, swap, cas, cad, "
					"range, clear and weights >= 0, not "
					"all 0");
			o->have_mix = true;
			mix_format(&o->mix, o->mix_str, sizeof(o->mix_str));
			break;
		case OPT_KEYS:
			n = split_list("--keys", optarg, items, acc_keys);
			for (int i = 0; i < n; i++) {
				if (!parse_u64(items[i], 1, 1000000000, true,
					       &o->keys[i]))
					bad_option("--keys", items[i],
						   acc_keys);
			}
			o->n_keys = n;
			break;
		case OPT_PREFILL:
			if (!parse_u64(optarg, 0, 100, false, &v))
				bad_option("--prefill", optarg,
					   "an integer percentage 0..100");
			o->prefill_pct = (int)v;
			break;
		case OPT_DIST:
			n = split_list("--dist", optarg, items, acc_dist);
			for (int i = 0; i < n; i++)
				if (parse_dist(items[i], &o->dists[i]))
					bad_option("--dist", items[i],
						   acc_dist);
			o->n_dists = n;
			break;
		case OPT_WORKLOAD:
			set_workloads(o, optarg);
			break;
		case OPT_DURATION:
			if (!parse_duration(optarg, &o->duration))
				bad_option(
					"--duration", optarg,
					"a time from 1ms to 1h such as 200ms,"
					" 1s, 2.5s, 1m");
			break;
		case OPT_REPEAT:
			if (!parse_u64(optarg, 1, 1000, false, &v))
				bad_option("--repeat", optarg,
					   "an integer 1..1000");
			o->repeat = (unsigned)v;
			break;
		case OPT_SEED:
			if (!parse_u64(optarg, 0, UINT64_MAX, false, &o->seed))
				bad_option("--seed", optarg,
					   "an unsigned 64-bit integer (decimal"
					   " or 0x hex)");
			break;
		case OPT_PIN:
			o->pin = true;
			break;
		case OPT_NO_PIN:
			o->pin = false;
			break;
		case OPT_LATENCY:
			if (!parse_u64(optarg, 0, 1000000000, true,
				       &o->latency_sample))
				bad_option("--latency-sample", optarg,
					   "an integer N: time 1 op in N, "
					   "0..1000000000 (0 = off)");
			break;
		case OPT_OPS:
			if (!parse_u64(optarg, 1, UINT64_C(1000000000000), true,
				       &o->ops_per_thread))
				bad_option("--ops", optarg,
					   "an integer 1..1e12 (1000, 1M)");
			break;
		case OPT_SETTLE:
			o->settle = true;
			break;
		case OPT_SIZING:
			if (strcmp(optarg, "none") == 0)
				o->sizing = SIZING_NONE;
			else if (strcmp(optarg, "keys") == 0)
				o->sizing = SIZING_KEYS;
			else
				bad_option("--sizing", optarg, "none, keys");
			break;
		case OPT_ROW_TIMEOUT:
			if (!parse_duration(optarg, &o->row_timeout))
				bad_option("--row-timeout", optarg,
					   "a time from 1ms to 1h such as 30s,"
					   " 5m");
			break;
		case OPT_ISOLATE:
			o->isolate = true;
			break;
		case OPT_NO_ISOLATE:
			o->isolate = false;
			break;
		case OPT_OUT:
			if (!sweep)
				bad_option("--out", NULL,
					   "only 'mapbench sweep' writes files;"
					   " use --format csv|json with run");
			if (!optarg[0])
				bad_option("--out", optarg, "a directory path");
			o->out = optarg;
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "table") == 0)
				o->format = FMT_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				o->format = FMT_CSV;
			else if (strcmp(optarg, "json") == 0)
				o->format = FMT_JSON;
			else
				bad_option("--format", optarg,
					   "table, csv, json");
			break;
		case OPT_QUICK:
			o->quick = true;
			break;
		case OPT_RESUME:
			if (!sweep)
				bad_option("--resume", NULL,
					   "only 'mapbench sweep' resumes");
			o->resume = true;
			break;
		case OPT_NO_PLOT:
			o->no_plot = true;
			break;
		case OPT_PLOT_DIR:
			if (!optarg[0])
				bad_option("--plot-dir", optarg,
					   "a directory path");
			o->plot_dir = optarg;
			break;
		case OPT_HELP:
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			fprintf(stderr,
				"mapbench: %s: needs a value; see mapbench "
				"--help\n",
				argv[optind - 1]);
			exit(2);
		default:
			fprintf(stderr,
				"mapbench: unknown option '%s'; see mapbench "
				"--help\n",
				argv[optind - 1]);
			exit(2);
		}
	}
	if (optind < argc) {
		fprintf(stderr,
			"mapbench: %s: unexpected argument '%s'; see mapbench "
			"--help\n",
			cmd, argv[optind]);
		exit(2);
	}
	if (o->have_mix && o->user_set[OPT_READ])
		bad_option("--mix", NULL,
			   "cannot be combined with --read (a mix replaces "
			   "the read ratio)");
	if (o->n_workloads &&
	    (o->user_set[OPT_READ] || o->have_mix || o->user_set[OPT_KEYS] ||
	     o->user_set[OPT_DIST] || o->user_set[OPT_PREFILL]))
		bad_option("--workload", NULL,
			   "Go's workloads fix their own keys and mix; drop "
			   "--read, --mix, --keys, --dist and --prefill");
	for (int i = 0; i < o->n_dists; i++)
		if (o->dists[i].kind == DIST_CHURN && o->have_mix) {
			for (int k = 0; k < WL_NOPS; k++)
				if (k != WL_LOAD && k != WL_STORE &&
				    k != WL_DELETE && o->mix.w[k] > 0)
					bad_option("--dist", "churn",
						   "churn with a mix of load,"
						   " store and delete only");
		}
	if (o->quick)
		quick(o);
	return 0;
}

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	while (*s)
		h = (h ^ (unsigned char)*s++) * UINT64_C(0x100000001b3);
	return h;
}

static uint64_t
splitmix64(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

static void
add_config(const struct opts *o, struct config *c, struct config *out,
	   size_t *n)
{
	char label[512];

	c->prefill_pct = c->wl ? 0 : o->prefill_pct;
	if (c->dist.kind == DIST_CHURN)
		c->prefill_pct = 100;
	c->duration = o->duration;
	c->pin = o->pin;
	c->latency_sample = o->latency_sample;
	c->rep = 0;
	c->ops_per_thread = o->ops_per_thread;
	c->settle = o->settle;
	c->sizing = o->sizing;
	c->isolate = o->isolate;
	c->row_timeout = o->row_timeout > 0 ? o->row_timeout
					     : 10 * o->duration + 60;
	/* A seed of the configuration minus the impl: common random numbers. */
	config_stream_label(c, label, sizeof(label));
	c->seed = splitmix64(o->seed ^ fnv1a(label));
	if (out)
		out[*n] = *c;
	(*n)++;
}

/*
 * The grid for one repetition, in a fixed order; callers set rep and the
 * per-rep seed.  Returns the count; *out is malloc'd.
 */
size_t
expand_grid(const struct opts *o, struct config **out)
{
	size_t n = 0, cap;
	struct config c, *cs;

	for (int pass = 0; pass < 2; pass++) {
		cs = pass ? *out : NULL;
		n = 0;
		for (int i = 0; i < o->n_impls; i++) {
			memset(&c, 0, sizeof(c));
			c.ops = o->impls[i];
			if (o->n_workloads) {
				for (int w = 0; w < o->n_workloads; w++)
					for (int t = 0; t < o->n_threads; t++) {
						c.wl = o->workloads[w];
						c.threads = o->threads[t];
						c.read_pct = -1;
						mix_from_read(&c.mix, 100);
						c.mix_str[0] = '\0';
						c.keys = 0;
						add_config(o, &c, cs, &n);
					}
				continue;
			}
			for (int t = 0; t < o->n_threads; t++)
				for (int r = 0;
				     r < (o->have_mix ? 1 : o->n_reads); r++)
					for (int k = 0; k < o->n_keys; k++)
						for (int d = 0; d < o->n_dists;
						     d++) {
							c.threads =
								o->threads[t];
							if (o->have_mix) {
								c.read_pct = -1;
								c.mix = o->mix;
							} else {
								c.read_pct =
									o->reads[r];
								mix_from_read(
									&c.mix,
									o->reads[r]);
							}
							mix_format(
								&c.mix,
								c.mix_str,
								sizeof(c.mix_str));
							c.keys = o->keys[k];
							c.dist = o->dists[d];
							add_config(o, &c, cs,
								   &n);
						}
		}
		if (!pass) {
			cap = n ? n : 1;
			*out = calloc(cap, sizeof(**out));
			if (!*out) {
				fprintf(stderr, "mapbench: out of memory\n");
				exit(1);
			}
		}
	}
	return n;
}

/* The seed of repetition `rep` of a configuration whose seed is `seed`. */
uint64_t
rep_seed(uint64_t seed, unsigned rep)
{
	return splitmix64(seed + rep * UINT64_C(0x9e3779b97f4a7c15));
}

/* Say once when some runs will have more threads than CPUs. */
void
report_oversubscribed(const struct opts *o)
{
	unsigned max = 0, n = driver_ncpus();

	for (int i = 0; i < o->n_threads; i++)
		if (o->threads[i] > max)
			max = o->threads[i];
	if (n && max > n)
		fprintf(stderr,
			"mapbench: oversubscribed: up to %u threads on %u "
			"CPUs (such rows have oversubscribed=1)\n",
			max, n);
}

/*
 * `mapbench lincheck`: record short concurrent histories of each map and
 * check them (lincheck.h).  Its own getopt_long parser: every option is
 * checked, and every map created once, before anything runs or is
 * written, so bad input exits 2 with one line and no output.
 *
 * Exit status: 0 every key of every history linearizable and every Range
 * within its guarantees; 1 a violation (or, with --unknown-fails, a key
 * whose budget ran out); 2 bad input.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fsutil.h"
#include "lincheck_cmd.h"
#include "num.h"
#include "proc.h"
#include "plugin.h"
#include "registry.h"

/*
 * Maps found by name besides the registry's and the plugins' (--impl-lib,
 * which map_find() sees): the tests' mutants (NULL-terminated, or NULL).
 */
static const struct map_ops *const *lc_extra;

static const struct map_ops *
lc_find(const char *name)
{
	const struct map_ops *ops = map_find(name);

	for (size_t i = 0; ops == NULL && lc_extra && lc_extra[i]; i++)
		if (strcmp(lc_extra[i]->name, name) == 0)
			ops = lc_extra[i];
	return ops;
}

static void __attribute__((noreturn)) lc_bad(const char *opt, const char *what)
{
	fprintf(stderr, "mapbench lincheck: %s: %s\n", opt, what);
	exit(2);
}

/* Bad input naming the value given: "--threads: '0': accepts ...". */
static void __attribute__((noreturn))
lc_bad_value(const char *opt, const char *value, const char *what)
{
	fprintf(stderr, "mapbench lincheck: %s: '%s' is not accepted; %s\n",
		opt, value, what);
	exit(2);
}

static uint64_t
lc_num(const char *opt, const char *s, uint64_t lo, uint64_t hi,
       const char *accepts)
{
	uint64_t v;

	if (!num_parse_u64(s, lo, hi, false, &v))
		lc_bad_value(opt, s, accepts);
	return v;
}

static void
lc_usage(FILE *f)
{
	fprintf(f,
		"usage: mapbench lincheck --impl LIST [--impl-lib PATH]... "
		"[--threads N]\n"
		"         [--keys K] [--ops N] [--seed S] [--mix OP=W,...] "
		"[--histories H]\n"
		"         [--budget-ms MS] [--unknown-fails] "
		"[--format text|json]\n"
		"  --impl LIST     maps, comma-separated, each NAME or "
		"NAME:PARAM; 'all': every\n"
		"                  thread-safe map, built-in or from a plugin\n"
		"  --impl-lib PATH load a plugin's maps (repeatable)\n"
		"  --threads N     1..%d (default 4)\n"
		"  --keys K        1..%d (default 4)\n"
		"  --ops N         operations per thread per history "
		"(default %d)\n"
		"  --seed S        seed of history 0 (default 1)\n"
		"  --mix OP=W,...  weights replacing the default mix; OP in "
		"load, store,\n"
		"                  load_or_store, load_and_delete, delete, "
		"swap,\n"
		"                  compare_and_swap (cas), compare_and_delete "
		"(cad), range, clear\n"
		"  --histories H   histories per map (default %d); without "
		"--keys and --mix,\n"
		"                  even histories use 2 hot keys and "
		"load_or_store=50,delete=25,load=25\n"
		"  --budget-ms MS  search budget per independent segment of a "
		"key's history\n"
		"                  (default 1000)\n"
		"  --unknown-fails a key whose budget ran out, or a history "
		"with fewer than %d\n"
		"                  overlapping key ops, fails the run\n"
		"  --timeout S     per map, 1..86400 seconds (3600): a map "
		"still running is\n"
		"                  killed and has no verdict\n"
		"  --format F      text (default) or json\n",
		LC_MAX_THREADS, LC_MAX_KEYS, LC_DEFAULT_OPS,
		LC_DEFAULT_HISTORIES, LC_MIN_OVERLAP);
}

static void
lc_add_impl(struct lc_opts *o, const struct map_ops *ops, const char *param)
{
	struct lc_impl *im;
	struct map *m;
	pid_t pid, parent = getpid();
	int status = 0;

	if (o->nimpl == LC_MAX_IMPLS)
		lc_bad("--impl", "at most 64 maps");
	im = &o->impl[o->nimpl++];
	im->ops = ops;
	im->param = param;
	snprintf(im->label, sizeof(im->label), "%s%s%s", ops->name,
		 param ? ":" : "", param ? param : "");
	/*
	 * Create it once now, so that a bad parameter is bad input; in a
	 * child, so that a map that crashes or exits in create() costs its
	 * own verdict only (its run reports how it ended).
	 */
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		proc_die_with_parent(parent);
		map_ops_thread_enter(ops);
		errno = 0;
		m = map_ops_create(ops, param, 16);
		if (m == NULL)
			_exit(errno == EINVAL ? 10 : 11);
		ops->destroy(m);
		map_ops_thread_exit(ops);
		_exit(20);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pid > 0 && WIFEXITED(status) &&
	    (WEXITSTATUS(status) == 10 || WEXITSTATUS(status) == 11)) {
		if (WEXITSTATUS(status) == 10) {
			char msg[256];

			snprintf(msg, sizeof(msg),
				 "%s does not accept '%s'; accepts %s",
				 ops->name, param ? param : "no parameter",
				 ops->param_help ? ops->param_help
						 : "no parameter");
			lc_bad("--impl", msg);
		}
		fprintf(stderr, "mapbench lincheck: %s: out of memory\n",
			im->label);
		exit(1);
	}
}

static void
lc_parse_impls(struct lc_opts *o, char *list)
{
	char accepted[512];
	size_t n = 0;

	const struct map_ops *mo;

	n += (size_t)snprintf(accepted, sizeof(accepted), "all");
	for (size_t i = 0; (mo = map_nth(i)) != NULL && n < sizeof(accepted);
	     i++)
		if (!(mo->flags & MAP_CONTROL))
			n += (size_t)snprintf(accepted + n,
					      sizeof(accepted) - n, ", %s",
					      mo->name);
	for (char *save = NULL, *it = strtok_r(list, ",", &save); it;
	     it = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(it, ':'), msg[640];
		const struct map_ops *ops;

		if (colon)
			*colon++ = '\0';
		if (strcmp(it, "all") == 0 && colon == NULL) {
			/* Built-in maps, then those of --impl-lib plugins. */
			for (size_t i = 0; (mo = map_nth(i)) != NULL; i++)
				if (!(mo->flags &
				      (MAP_CONTROL | MAP_NOT_THREAD_SAFE)))
					lc_add_impl(o, mo, NULL);
			continue;
		}
		ops = lc_find(it);
		if (ops == NULL) {
			snprintf(msg, sizeof(msg),
				 "no map '%s'; accepted: %s, each optionally "
				 "NAME:PARAM",
				 it, accepted);
			lc_bad("--impl", msg);
		}
		if (ops->flags & MAP_CONTROL) {
			snprintf(msg, sizeof(msg),
				 "'%s' stores nothing and cannot be checked",
				 it);
			lc_bad("--impl", msg);
		}
		lc_add_impl(o, ops, colon);
	}
	if (o->nimpl == 0)
		lc_bad("--impl", "needs at least one map");
}

static void
lc_parse_mix(struct lc_opts *o, char *s)
{
	unsigned total = 0;

	memset(o->c.mix, 0, sizeof(o->c.mix));
	for (char *save = NULL, *it = strtok_r(s, ",", &save); it;
	     it = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(it, '=');
		int k;

		if (eq == NULL)
			lc_bad("--mix", "accepts OP=WEIGHT,... with OP in "
					"load, store, load_or_store, "
					"load_and_delete, delete, swap, "
					"compare_and_swap, compare_and_delete, "
					"range, clear (cas, cad)");
		*eq++ = '\0';
		if (strcmp(it, "cas") == 0)
			k = LC_CAS;
		else if (strcmp(it, "cad") == 0)
			k = LC_CAD;
		else
			for (k = 0; k < LC_NOPS; k++)
				if (strcmp(it, lc_op_names[k]) == 0)
					break;
		if (k == LC_NOPS)
			lc_bad("--mix",
			       "OP is one of load, store, "
			       "load_or_store, load_and_delete, delete, "
			       "swap, compare_and_swap, "
			       "compare_and_delete, range, clear (cas, "
			       "cad)");
		o->c.mix[k] = (unsigned)lc_num("--mix", eq, 0, 1000000,
					       "a WEIGHT is an integer "
					       "0..1000000");
		total += o->c.mix[k];
	}
	if (total == 0)
		lc_bad("--mix", "needs a positive weight for some operation");
}

enum { O_BUDGET = 256, O_UNKNOWN, O_FORMAT, O_HIST, O_TIMEOUT };

/* One option that getopt_long returned (ch) with its optarg. */
static void
lc_option(struct lc_opts *o, int ch, char **argv, char **impls)
{
	char why[512];

	switch (ch) {
	case 'i':
		*impls = optarg;
		break;
	case 'L':
		/* Loaded now: --impl is resolved after every option. */
		proc_guard("a constructor of the --impl-lib plugin");
		if (map_plugin_load(optarg, why, sizeof(why)))
			lc_bad("--impl-lib", why);
		proc_guard(NULL);
		break;
	case 't':
		o->c.threads =
			(unsigned)lc_num("--threads", optarg, 1, LC_MAX_THREADS,
					 "accepts an integer 1..64");
		break;
	case 'k':
		o->c.keys = (unsigned)lc_num("--keys", optarg, 1, LC_MAX_KEYS,
					     "accepts an integer 1..64");
		o->keys_given = true;
		break;
	case 'n':
		o->c.ops = (unsigned)lc_num(
			"--ops", optarg, 1, 100000,
			"accepts an integer 1..100000 (per thread)");
		break;
	case 's':
		o->c.seed = lc_num("--seed", optarg, 0, UINT64_MAX,
				   "accepts an unsigned 64-bit integer");
		break;
	case 'm':
		lc_parse_mix(o, optarg);
		o->mix_given = true;
		break;
	case O_HIST:
		o->histories =
			(unsigned)lc_num("--histories", optarg, 1, 1000000,
					 "accepts an integer 1..1000000");
		break;
	case O_BUDGET:
		if (!num_parse_decimal(optarg, &o->budget_ms) ||
		    !(o->budget_ms > 0 && o->budget_ms <= 3.6e6))
			lc_bad_value("--budget-ms", optarg,
				     "accepts milliseconds, > 0 and <= "
				     "3600000");
		break;
	case O_TIMEOUT:
		if (!num_parse_decimal(optarg, &o->timeout_s) ||
		    !(o->timeout_s >= 1 && o->timeout_s <= 86400))
			lc_bad_value("--timeout", optarg, "seconds, 1..86400");
		break;
	case O_UNKNOWN:
		o->unknown_fails = true;
		break;
	case O_FORMAT:
		if (strcmp(optarg, "json") == 0)
			o->json = true;
		else if (strcmp(optarg, "text") != 0)
			lc_bad_value("--format", optarg,
				     "accepts text or json");
		break;
	case 'h':
		lc_usage(stdout);
		exit(0);
	case ':':
		lc_bad(argv[optind - 1], "needs a value");
	default:
		lc_bad(argv[optind - 1],
		       "unknown option; see mapbench lincheck --help");
	}
}

static void
lc_parse(int argc, char **argv, struct lc_opts *o)
{
	static const struct option lo[] = {
		{"impl", required_argument, NULL, 'i'},
		{"impl-lib", required_argument, NULL, 'L'},
		{"threads", required_argument, NULL, 't'},
		{"keys", required_argument, NULL, 'k'},
		{"ops", required_argument, NULL, 'n'},
		{"seed", required_argument, NULL, 's'},
		{"mix", required_argument, NULL, 'm'},
		{"histories", required_argument, NULL, O_HIST},
		{"budget-ms", required_argument, NULL, O_BUDGET},
		{"unknown-fails", no_argument, NULL, O_UNKNOWN},
		{"format", required_argument, NULL, O_FORMAT},
		{"timeout", required_argument, NULL, O_TIMEOUT},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *impls = NULL;
	int ch;

	memset(o, 0, sizeof(*o));
	lc_config_default(&o->c);
	o->c.ops = LC_DEFAULT_OPS;
	o->histories = LC_DEFAULT_HISTORIES;
	o->budget_ms = 1000;
	o->timeout_s = 3600;
	optind = 0; /* glibc: start over (main may have parsed before) */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1)
		lc_option(o, ch, argv, &impls);
	if (optind < argc)
		lc_bad(argv[optind], "unexpected argument; see mapbench "
				     "lincheck --help");
	if (impls == NULL)
		lc_bad("--impl", "is required: a comma-separated list of "
				 "maps, or all");
	lc_parse_impls(o, impls);
	for (unsigned i = 0; i < o->nimpl; i++)
		if ((o->impl[i].ops->flags & MAP_NOT_THREAD_SAFE) &&
		    o->c.threads > 1) {
			char msg[256];

			snprintf(msg, sizeof(msg),
				 "'%s' is not thread-safe: only with "
				 "--threads 1",
				 o->impl[i].ops->name);
			lc_bad("--impl", msg);
		}
}

/*
 * Refuse, before anything runs, options whose histories would not fit in
 * memory: one history's events, its per-key copies and the checker's
 * state, with the estimate said (as sweep does for --keys).
 */
static void
lc_check_memory(const struct lc_opts *o)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kb = 0;
	char line[256];
	double need = (double)o->c.threads * o->c.ops *
		      (3.0 * sizeof(struct lc_event) + 64.0);

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	if (kb && need > (double)kb * 1024 / 2) {
		fprintf(stderr,
			"mapbench lincheck: --threads %u --ops %u: a history "
			"needs about %.1f GB and %.1f GB is available "
			"(MemAvailable; half of it is allowed); accepted: "
			"fewer --ops or --threads\n",
			o->c.threads, o->c.ops, need / 1e9,
			(double)kb * 1024 / 1e9);
		exit(2);
	}
}

/* What the maps' runs found, for the verdict. */
struct lc_verdicts {
	bool violation, unknown, error;
};

/*
 * One map, in its child: its section of the report printed (text) or
 * appended to `maps` (JSON), its findings added to *v.  1 when lincheck
 * was interrupted meanwhile (nothing printed), else 0.
 */
static int
lc_one_map(const struct lc_opts *o, const struct lc_impl *im, json_t *maps,
	   struct lc_verdicts *v)
{
	struct lc_sum sum;
	char why[256], *rep;

	if (lc_run_child(o, im, &sum, &rep, why, sizeof(why))) {
		if (lc_interrupted)
			return 1;
		v->error = true;
		if (o->json)
			json_array_append_new(maps, json_pack("{s:s, s:s}",
							      "impl", im->label,
							      "error", why));
		else
			printf("%s: error: %s; no verdict for this map\n",
			       im->label, why);
		fflush(stdout);
		return 0;
	}
	v->violation |= sum.violation != 0;
	v->unknown |= sum.unknown != 0 || sum.low_overlap != 0;
	v->error |= sum.error != 0;
	if (o->json) {
		json_error_t jerr;
		json_t *m = json_loads(rep, 0, &jerr);

		json_array_append_new(maps, m ? m
					      : json_pack("{s:s, s:s}", "impl",
							  im->label, "error",
							  "unreadable report"));
		v->error |= m == NULL;
	} else {
		fputs(rep, stdout);
	}
	free(rep);
	fflush(stdout);
	return 0;
}

int
cmd_lincheck(int argc, char **argv)
{
	return lc_main(argc, argv, NULL);
}

int
lc_main(int argc, char **argv, const struct map_ops *const *extra)
{
	struct lc_opts o;
	struct lc_clock_info ci;
	struct sigaction old_int, old_term;
	struct lc_verdicts v = {false, false, false};
	json_t *maps = NULL;
	const char *verdict;
	unsigned done = 0;
	int rc;

	lc_extra = extra;
	lc_parse(argc, argv, &o);
	lc_check_memory(&o);
	lc_clock_measure(&ci);
	lc_interrupted = 0;
	proc_catch_stop(&lc_interrupted, &old_int, &old_term);
	if (o.json)
		maps = json_array();
	else
		lc_print_header(&o, &ci);
	fflush(stdout);
	for (unsigned i = 0; i < o.nimpl && !lc_interrupted; i++) {
		if (lc_one_map(&o, &o.impl[i], maps, &v))
			break;
		done++;
	}
	verdict = lc_interrupted ? "interrupted"
		  : v.violation	 ? "violation"
		  : v.error	 ? "error"
		  : v.unknown	 ? "unknown"
				 : "ok";
	if (o.json) {
		json_t *root = lc_root_json(&o, &ci);

		json_object_set_new(root, "maps", maps);
		json_object_set_new(root, "verdict", json_string(verdict));
		json_dumpf(root, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(root);
	} else {
		printf("lincheck: %s\n", verdict);
	}
	fflush(stdout);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (lc_interrupted) {
		fprintf(stderr,
			"mapbench lincheck: interrupted: %u of %u maps "
			"checked (their verdicts above); the map in progress "
			"was stopped\n",
			done, o.nimpl);
		return lc_interrupted == SIGTERM ? 143 : 130;
	}
	rc = v.violation || v.error || (v.unknown && o.unknown_fails) ? 1 : 0;
	if (v.unknown && !o.unknown_fails)
		fprintf(stderr, "mapbench lincheck: some keys or histories "
				"are unknown (budget ran out, or too little "
				"concurrency); they are not counted as ok\n");
	return rc;
}

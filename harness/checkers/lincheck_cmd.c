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
#include "lincheck.h"
#include "num.h"
#include "proc.h"
#include "plugin.h"
#include "registry.h"

#define LC_MAX_IMPLS 64
/*
 * A history (of more than one thread) in which fewer key operations than
 * this overlapped another thread's operation on the same key is
 * `unknown`: its threads barely met, so it tested next to nothing.
 */
#define LC_MIN_OVERLAP 20
/*
 * A history under LC_MIN_OVERLAP is recorded again (the same operations,
 * another interleaving) up to this many times in all before it counts as
 * unknown: on a loaded machine threads often run one after the other.
 */
#define LC_MAX_ATTEMPTS 20
/* The defaults where lincheck_record.c's lc_config_default differs. */
#define LC_DEFAULT_OPS	     2000
#define LC_DEFAULT_HISTORIES 20

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

struct lc_impl {
	const struct map_ops *ops;
	const char *param; /* NULL: none */
	char label[128];   /* "name" or "name:param" */
};

struct lc_opts {
	struct lc_config c;
	struct lc_impl impl[LC_MAX_IMPLS];
	unsigned nimpl;
	unsigned histories;
	double budget_ms;
	double timeout_s; /* per map */
	bool unknown_fails, json, mix_given, keys_given;
};

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

static void
lc_parse(int argc, char **argv, struct lc_opts *o)
{
	enum { O_BUDGET = 256, O_UNKNOWN, O_FORMAT, O_HIST, O_TIMEOUT };
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
	char *impls = NULL, why[512];
	int ch;

	memset(o, 0, sizeof(*o));
	lc_config_default(&o->c);
	o->c.ops = LC_DEFAULT_OPS;
	o->histories = LC_DEFAULT_HISTORIES;
	o->budget_ms = 1000;
	o->timeout_s = 3600;
	optind = 0; /* glibc: start over (main may have parsed before) */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
		switch (ch) {
		case 'i':
			impls = optarg;
			break;
		case 'L':
			/* Loaded now: --impl is resolved after every option. */
			proc_guard("a constructor of the --impl-lib plugin");
			if (map_plugin_load(optarg, why, sizeof(why)))
				lc_bad("--impl-lib", why);
			proc_guard(NULL);
			break;
		case 't':
			o->c.threads = (unsigned)lc_num(
				"--threads", optarg, 1, LC_MAX_THREADS,
				"accepts an integer 1..64");
			break;
		case 'k':
			o->c.keys = (unsigned)lc_num(
				"--keys", optarg, 1, LC_MAX_KEYS,
				"accepts an integer 1..64");
			o->keys_given = true;
			break;
		case 'n':
			o->c.ops = (unsigned)lc_num(
				"--ops", optarg, 1, 100000,
				"accepts an integer 1..100000 (per thread)");
			break;
		case 's':
			o->c.seed =
				lc_num("--seed", optarg, 0, UINT64_MAX,
				       "accepts an unsigned 64-bit integer");
			break;
		case 'm':
			lc_parse_mix(o, optarg);
			o->mix_given = true;
			break;
		case O_HIST:
			o->histories = (unsigned)lc_num(
				"--histories", optarg, 1, 1000000,
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
				lc_bad_value("--timeout", optarg,
					     "seconds, 1..86400");
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

/* Per map: what was found, and the recording overhead of history 0. */
/*
 * The operations the map declares it cannot do under concurrency
 * (map.h's MAP_LIMIT_*) leave the mix: a history with them would only
 * show what the map already says (lc_record drops them too; this copy
 * of the mix is for what is printed: the replay command).
 */
static void
lc_drop_limited(const struct lc_impl *im, struct lc_config *c)
{
	unsigned drop = lc_limited_ops(im->ops, im->param);

	for (int k = 0; k < LC_NOPS; k++)
		if (drop & (1u << k))
			c->mix[k] = 0;
}

/* "  declared: not checked: range, clear (...)" for a limited map. */
static void
lc_print_declared(FILE *out, const struct lc_impl *im)
{
	unsigned drop = lc_limited_ops(im->ops, im->param), l;
	const char *sep = "";

	if (drop == 0)
		return;
	fprintf(out, "  declared: not checked: ");
	for (int k = 0; k < LC_NOPS; k++)
		if (drop & (1u << k)) {
			fprintf(out, "%s%s", sep, lc_op_names[k]);
			sep = ", ";
		}
	fprintf(out, " (the map says: ");
	l = map_ops_limits(im->ops, im->param);
	sep = "";
	for (unsigned b = 0; b < 32; b++)
		if ((l & (1u << b)) && (1u << b) != MAP_LIMIT_MEMORY) {
			fprintf(out, "%s%s", sep, map_limit_text(1u << b));
			sep = "; ";
		}
	fprintf(out, ")\n");
}

struct lc_result {
	struct lc_report r;
	unsigned histories;
	unsigned low_overlap;	    /* histories under LC_MIN_OVERLAP */
	unsigned low_overlap_first; /* the first of them */
	unsigned attempts;	    /* recordings, retries included */
	double rec_ns_op, unrec_ns_op;
	int error;
};

static void
lc_mix_text(const struct lc_config *c, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int k = 0; k < LC_NOPS && n < len; k++)
		if (c->mix[k])
			n += (size_t)snprintf(buf + n, len - n, "%s%s=%u",
					      n ? "," : "", lc_op_names[k],
					      c->mix[k]);
}

/*
 * The configuration of history i.  The default schedule (neither --keys
 * nor --mix given) alternates two kinds: even histories put every thread
 * on 2 hot keys with a load_or_store-heavy mix (where check-then-insert
 * races show), odd ones use the 4 keys and the full mix.
 */
static void
lc_history_config(const struct lc_opts *o, unsigned i, struct lc_config *c)
{
	*c = o->c;
	c->seed = lc_history_seed(o->c.seed, i);
	if (o->keys_given || o->mix_given || i % 2)
		return;
	c->keys = 2;
	memset(c->mix, 0, sizeof(c->mix));
	c->mix[LC_LOAD_OR_STORE] = 50;
	c->mix[LC_DELETE] = 25;
	c->mix[LC_LOAD] = 25;
}

static void
lc_run_impl(const struct lc_opts *o, const struct lc_impl *im,
	    struct lc_result *res)
{
	struct lc_budget b = {.max_ms = o->budget_ms, .max_states = 0};
	struct lc_config c;
	struct lc_history h;
	struct lc_report one;
	uint64_t wall;
	double nops = (double)o->c.threads * o->c.ops;

	uint64_t rec = 0, unrec = 0;

	unsigned left = 0;

	memset(res, 0, sizeof(*res));
	memset(&one, 0, sizeof(one));
	for (unsigned i = 0; i < o->histories; i++) {
		unsigned attempt = 0;

		lc_history_config(o, i, &c);
		lc_drop_limited(im, &c);
		left = 0;
		for (int k = 0; k < LC_NOPS; k++)
			left += c.mix[k];
		if (left == 0)
			return; /* every op of the mix is declared: none to run
				 */
		/*
		 * The same operations without timestamps or records, for the
		 * recording overhead: before the recorded run on even
		 * histories, after it on odd ones.
		 */
		for (int pass = 0; pass < 2; pass++) {
			c.timed = (pass == 0) == (i % 2 == 1);
			res->error =
				lc_record(im->ops, im->param, &c, &h, &wall);
			if (res->error)
				return;
			if (!c.timed) {
				unrec += wall;
				lc_history_free(&h);
				continue;
			}
			rec += wall;
			res->attempts++;
			res->error = lc_check_history(&h, i, &b, &one);
			lc_history_free(&h);
			if (res->error)
				return;
			/*
			 * Threads that barely met tested next to nothing:
			 * record the history again, a few times at most;
			 * then it is unknown.  A violation stands as found.
			 */
			if (c.threads > 1 && one.concurrent < LC_MIN_OVERLAP &&
			    !one.keys_violation && !one.ranges_violation &&
			    ++attempt < LC_MAX_ATTEMPTS) {
				lc_report_free(&one);
				pass--;
				continue;
			}
			if (c.threads > 1 && one.concurrent < LC_MIN_OVERLAP &&
			    !one.keys_violation && !one.ranges_violation &&
			    !res->low_overlap++)
				res->low_overlap_first = i;
			res->error = lc_report_merge(&res->r, &one);
			if (res->error) {
				lc_report_free(&one);
				return;
			}
		}
		res->histories++;
		res->rec_ns_op = (double)rec / (nops * res->histories);
		res->unrec_ns_op = (double)unrec / (nops * res->histories);
	}
}

static void
lc_replay_cmd(FILE *f, const struct lc_opts *o, const struct lc_impl *im,
	      unsigned history)
{
	struct lc_config c;
	char mix[256];

	lc_history_config(o, history, &c);
	lc_drop_limited(im, &c);
	lc_mix_text(&c, mix, sizeof(mix));
	fprintf(f, "    replay: mapbench lincheck");
	if (map_is_plugin(im->ops)) {
		size_t np;
		const struct map_plugin *pl = map_plugins(&np);

		for (size_t i = 0; i < np; i++)
			fprintf(f, " --impl-lib %s", pl[i].path);
	}
	fprintf(f,
		" --impl %s --threads %u --keys %u --ops %u --seed %" PRIu64
		" --histories 1 --mix %s (replays the operations, not the "
		"interleaving)\n",
		im->label, c.threads, c.keys, c.ops, c.seed, mix);
}

static void
lc_print_header(const struct lc_opts *o, const struct lc_clock_info *ci)
{
	char mix[256];

	lc_mix_text(&o->c, mix, sizeof(mix));
	printf("lincheck: clock %s, resolution %" PRIu64
	       " ns, back-to-back reads min %" PRIu64 " ns, median %" PRIu64
	       " ns\n",
	       ci->name, ci->res_ns, ci->min_delta_ns, ci->median_delta_ns);
	printf("lincheck: %u threads, %u keys, %u ops/thread, %u histories, "
	       "seed %" PRIu64 ", budget %g ms per key segment\n"
	       "lincheck: mix %s\n",
	       o->c.threads, o->c.keys, o->c.ops, o->histories, o->c.seed,
	       o->budget_ms, mix);
	if (!o->keys_given && !o->mix_given)
		printf("lincheck: even histories: 2 keys, mix "
		       "load_or_store=50,delete=25,load=25 (the default "
		       "schedule)\n");
}

/* One map's section of the text report. */
static void
lc_print_map(FILE *out, const struct lc_opts *o, const struct lc_impl *im,
	     const struct lc_result *rs)
{
	const struct lc_report *r = &rs->r;
	unsigned shown = 0;

	if (rs->error) {
		fprintf(out, "%s: error: %s after %u histories\n", im->label,
			strerror(-rs->error), rs->histories);
		return;
	}
	fprintf(out,
		"%s: %u histories, %" PRIu64
		" ops; keys %u ok, %u violation, %u unknown; ranges "
		"%u, %u violation\n",
		im->label, rs->histories, r->ops, r->keys_ok, r->keys_violation,
		r->keys_unknown, r->ranges, r->ranges_violation);
	lc_print_declared(out, im);
	fprintf(out,
		"  concurrency: %" PRIu64 " key ops (clears counted per "
		"key) overlap another thread's op on the key; %u recordings "
		"for %u histories (one with fewer than %d is recorded "
		"again)\n",
		r->concurrent, rs->attempts, rs->histories, LC_MIN_OVERLAP);
	if (rs->low_overlap)
		fprintf(out,
			"  UNKNOWN: %u histories (the first: history %u) had "
			"fewer than %d key ops overlapping another thread's: "
			"too little concurrency to say anything (a loaded "
			"machine? more --ops)\n",
			rs->low_overlap, rs->low_overlap_first, LC_MIN_OVERLAP);
	fprintf(out,
		"  checked %.3g ops/s of CPU time, %.3g ops/s of wall "
		"time (%" PRIu64
		" states memoised)\n  recording: %.0f ns/op recorded vs "
		"%.0f unrecorded, x%.2f (wall time of all threads / "
		"ops; noisy)\n",
		r->check_cpu_ns ? (double)r->ops * 1e9 / (double)r->check_cpu_ns
				: 0.0,
		r->check_ns ? (double)r->ops * 1e9 / (double)r->check_ns : 0.0,
		r->states, rs->rec_ns_op, rs->unrec_ns_op,
		rs->unrec_ns_op > 0 ? rs->rec_ns_op / rs->unrec_ns_op : 0.0);
	for (size_t j = 0; j < r->nfindings; j++) {
		const struct lc_finding *f = &r->findings[j];

		if (f->verdict == LC_UNKNOWN) {
			fprintf(out,
				"  UNKNOWN k%d, history %u, seed %" PRIu64
				": %s (%zu ops on the key)\n",
				f->key, f->history, f->seed, f->what,
				f->nkey_ops);
			continue;
		}
		if (shown++ == 3) {
			fprintf(out,
				"  ... more violations (--format json lists "
				"the first %d findings)\n",
				LC_FINDINGS_MAX);
			continue;
		}
		if (shown > 3)
			continue;
		fprintf(out,
			"  VIOLATION k%d, history %u, seed %" PRIu64
			": %s%s%s\n"
			"    %zu of the %zu ops on k%d (ns since the "
			"history's start):\n",
			f->key, f->history, f->seed, f->what,
			f->detail[0] ? ": " : "", f->detail, f->nops,
			f->nkey_ops, f->key);
		if (f->start.has_ctx) {
			char v[32];

			lc_fmt_val(v, sizeof(v), f->start.init);
			fprintf(out,
				"    starting from k%d = %s, as left by "
				"(not part of it):\n      ",
				f->key, f->start.init ? v : "absent");
			lc_event_print(out, &f->start.ctx);
		}
		/* Long witnesses: the first 20 and last 40 ops. */
		for (size_t e = 0; e < f->nops; e++) {
			if (f->nops > 60 && e == 20)
				fprintf(out,
					"    ... %zu ops not shown "
					"(--format json lists them)\n",
					f->nops - 60);
			if (f->nops > 60 && e >= 20 && e < f->nops - 40)
				continue;
			fprintf(out, "    ");
			lc_event_print(out, &f->ops[e]);
		}
		lc_replay_cmd(out, o, im, f->history);
	}
	if (r->findings_dropped)
		fprintf(out,
			"  %" PRIu64 " more findings (violations or unknowns) "
			"counted, not kept: lincheck keeps the first %d\n",
			r->findings_dropped, LC_FINDINGS_MAX);
}

static json_t *
lc_event_json(const struct lc_event *e)
{
	char a[32], b[32], out[32];
	json_t *j;

	snprintf(a, sizeof(a), "%" PRIu64, e->arg);
	snprintf(b, sizeof(b), "%" PRIu64, e->arg2);
	snprintf(out, sizeof(out), "%" PRIu64, e->out);
	j = json_pack("{s:I, s:I, s:i, s:s}", "call_ns", (json_int_t)e->call,
		      "ret_ns", (json_int_t)e->ret, "thread", (int)e->thread,
		      "op", lc_op_names[e->op]);
	if (e->op == LC_RANGE) {
		json_object_set_new(j, "pairs", json_integer(e->nrange));
		return j;
	}
	if (e->op == LC_CLEAR)
		return j;
	json_object_set_new(j, "key", json_integer(e->key));
	if (e->op == LC_STORE || e->op == LC_LOAD_OR_STORE ||
	    e->op == LC_SWAP || e->op == LC_CAS || e->op == LC_CAD)
		json_object_set_new(j, "arg", json_string(a));
	if (e->op == LC_CAS)
		json_object_set_new(j, "new", json_string(b));
	if (e->op != LC_DELETE)
		json_object_set_new(j, "result", json_integer(e->res));
	if (e->op == LC_LOAD || e->op == LC_LOAD_OR_STORE ||
	    e->op == LC_LOAD_AND_DELETE || e->op == LC_SWAP)
		json_object_set_new(j, "value", json_string(out));
	return j;
}

/* One map's object of the JSON report. */
static json_t *
lc_map_json(const struct lc_opts *o, const struct lc_impl *im,
	    const struct lc_result *rs)
{
	const struct lc_report *r = &rs->r;
	json_t *m, *fs = json_array();

	for (size_t j = 0; j < r->nfindings; j++) {
		const struct lc_finding *f = &r->findings[j];
		json_t *ev = json_array(), *fj;
		char seed[24];

		snprintf(seed, sizeof(seed), "%" PRIu64, f->seed);
		for (size_t e = 0; e < f->nops; e++)
			json_array_append_new(ev, lc_event_json(&f->ops[e]));
		fj = json_pack("{s:s, s:i, s:i, s:s, s:s, s:s, s:I, s:o}",
			       "verdict", lc_verdict_names[f->verdict], "key",
			       f->key, "history", (int)f->history, "seed", seed,
			       "what", f->what, "detail", f->detail, "key_ops",
			       (json_int_t)f->nkey_ops, "ops", ev);
		if (f->start.has_ctx) {
			char v[32];

			snprintf(v, sizeof(v), "%" PRIu64, f->start.init);
			json_object_set_new(fj, "initial_value",
					    json_string(v));
			json_object_set_new(fj, "after",
					    lc_event_json(&f->start.ctx));
		}
		json_array_append_new(fs, fj);
	}
	m = json_pack(
		"{s:s, s:i, s:I, s:{s:i, s:i, s:i}, s:{s:i, s:i}, "
		"s:f, s:I, s:f, s:f, s:o}",
		"impl", im->label, "histories", (int)rs->histories, "ops",
		(json_int_t)r->ops, "keys", "ok", (int)r->keys_ok, "violation",
		(int)r->keys_violation, "unknown", (int)r->keys_unknown,
		"ranges", "checked", (int)r->ranges, "violation",
		(int)r->ranges_violation, "checked_ops_per_s",
		r->check_ns ? (double)r->ops * 1e9 / (double)r->check_ns : 0.0,
		"states", (json_int_t)r->states, "recorded_ns_per_op",
		rs->rec_ns_op, "unrecorded_ns_per_op", rs->unrec_ns_op,
		"findings", fs);
	json_object_set_new(m, "checked_ops_per_cpu_s",
			    json_real(r->check_cpu_ns
					      ? (double)r->ops * 1e9 /
							(double)r->check_cpu_ns
					      : 0.0));
	json_object_set_new(m, "concurrent_key_ops",
			    json_integer((json_int_t)r->concurrent));
	json_object_set_new(m, "histories_low_overlap",
			    json_integer(rs->low_overlap));
	json_object_set_new(m, "recordings", json_integer(rs->attempts));
	json_object_set_new(m, "findings_dropped",
			    json_integer((json_int_t)r->findings_dropped));
	if (rs->error)
		json_object_set_new(m, "error",
				    json_string(strerror(-rs->error)));
	return m;
}

/* The report's root object, without "maps" and "verdict". */
static json_t *
lc_root_json(const struct lc_opts *o, const struct lc_clock_info *ci)
{
	json_t *root, *mix;
	char seed[24];

	mix = json_object();
	for (int k = 0; k < LC_NOPS; k++)
		json_object_set_new(mix, lc_op_names[k],
				    json_integer(o->c.mix[k]));
	root = json_pack(
		"{s:{s:s, s:I, s:I, s:I}, s:i, s:i, s:i, s:i, s:f, s:o, s:b, "
		"s:i, s:b}",
		"clock", "name", ci->name, "resolution_ns",
		(json_int_t)ci->res_ns, "min_delta_ns",
		(json_int_t)ci->min_delta_ns, "median_delta_ns",
		(json_int_t)ci->median_delta_ns, "threads", (int)o->c.threads,
		"keys", (int)o->c.keys, "ops_per_thread", (int)o->c.ops,
		"histories", (int)o->histories, "budget_ms", o->budget_ms,
		"mix", mix, "unknown_fails", o->unknown_fails,
		"min_overlap_per_history", LC_MIN_OVERLAP, "default_schedule",
		!o->keys_given && !o->mix_given);
	snprintf(seed, sizeof(seed), "%" PRIu64, o->c.seed);
	json_object_set_new(root, "seed", json_string(seed));
	return root;
}

/* ---- each map in a child process ---- */

/* What a map's child sends back, before its section of the report. */
struct lc_sum {
	uint32_t magic;
	int32_t error;
	uint32_t violation, unknown, low_overlap, histories;
	uint64_t len; /* bytes of report that follow */
};
#define LC_SUM_MAGIC 0x6c634d42u

static volatile sig_atomic_t lc_interrupted;

static void __attribute__((noreturn))
lc_child(const struct lc_opts *o, const struct lc_impl *im, int fd,
	 pid_t parent)
{
	struct lc_result res;
	struct lc_sum sum;
	char *buf = NULL;
	size_t len = 0;

	proc_die_with_parent(parent);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	/* A map that prints must not mix into the report. */
	fflush(stdout);
	dup2(2, 1);
	lc_run_impl(o, im, &res);
	if (o->json) {
		json_t *m = lc_map_json(o, im, &res);

		buf = json_dumps(m, JSON_COMPACT);
		json_decref(m);
		len = buf ? strlen(buf) : 0;
	} else {
		FILE *f = open_memstream(&buf, &len);

		if (f) {
			lc_print_map(f, o, im, &res);
			fclose(f);
		}
	}
	if (buf == NULL)
		_exit(3);
	memset(&sum, 0, sizeof(sum));
	sum.magic = LC_SUM_MAGIC;
	sum.error = res.error;
	sum.violation = res.r.keys_violation + res.r.ranges_violation;
	sum.unknown = res.r.keys_unknown;
	sum.low_overlap = res.low_overlap;
	sum.histories = res.histories;
	sum.len = len;
	if (fs_write_all(fd, &sum, sizeof(sum)) || fs_write_all(fd, buf, len))
		_exit(3);
	_exit(0);
}

/*
 * Run one map's histories in a child with a time bound.  On success
 * *sum and *report (malloc'ed: the map's text section or JSON object)
 * are the child's; else *why says how the child ended and 1 is returned.
 */
static int
lc_run_child(const struct lc_opts *o, const struct lc_impl *im,
	     struct lc_sum *sum, char **report, char *why, size_t whylen)
{
	int fds[2], status;
	pid_t pid, parent = getpid();
	size_t got = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	struct timespec t0, t;
	bool timed_out = false;

	*report = NULL;
	if (buf == NULL || pipe(fds)) {
		free(buf);
		snprintf(why, whylen, "cannot start its process: %s",
			 strerror(errno));
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		free(buf);
		close(fds[0]);
		close(fds[1]);
		snprintf(why, whylen, "cannot start its process: %s",
			 strerror(errno));
		return 1;
	}
	if (pid == 0) {
		close(fds[0]);
		lc_child(o, im, fds[1], parent);
	}
	close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = {.fd = fds[0], .events = POLLIN};
		double left;
		ssize_t n;

		if (lc_interrupted)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = o->timeout_s - ((double)(t.tv_sec - t0.tv_sec) +
				       (double)(t.tv_nsec - t0.tv_nsec) * 1e-9);
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		if (got == cap) {
			char *g = cap < ((size_t)1 << 30)
					  ? realloc(buf, cap * 2)
					  : NULL;

			if (g == NULL)
				break;
			buf = g;
			cap *= 2;
		}
		n = read(fds[0], buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	status = proc_reap(pid, fds[0], timed_out || lc_interrupted);
	if (got >= sizeof(*sum))
		memcpy(sum, buf, sizeof(*sum));
	if (timed_out) {
		snprintf(why, whylen, "timed out after %g s (--timeout)",
			 o->timeout_s);
	} else if (lc_interrupted) {
		snprintf(why, whylen, "interrupted");
	} else if (WIFSIGNALED(status)) {
		const char *name = sigabbrev_np(WTERMSIG(status));

		snprintf(why, whylen, "crashed: SIG%s",
			 name ? name : "(unknown signal)");
	} else if (got < sizeof(*sum) || sum->magic != LC_SUM_MAGIC ||
		   got != sizeof(*sum) + sum->len) {
		snprintf(why, whylen,
			 "its process ended with exit status %d before it "
			 "reported (the map called exit()?)",
			 WEXITSTATUS(status));
	} else {
		memmove(buf, buf + sizeof(*sum), sum->len);
		buf[sum->len] = '\0'; /* got > len: room for it */
		*report = buf;
		return 0;
	}
	free(buf);
	return 1;
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
	bool violation = false, unknown = false, error = false;
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
		const struct lc_impl *im = &o.impl[i];
		struct lc_sum sum;
		char why[256], *rep;

		if (lc_run_child(&o, im, &sum, &rep, why, sizeof(why))) {
			if (lc_interrupted)
				break;
			error = true;
			if (o.json)
				json_array_append_new(
					maps,
					json_pack("{s:s, s:s}", "impl",
						  im->label, "error", why));
			else
				printf("%s: error: %s; no verdict for this "
				       "map\n",
				       im->label, why);
			fflush(stdout);
			done++;
			continue;
		}
		violation |= sum.violation != 0;
		unknown |= sum.unknown != 0 || sum.low_overlap != 0;
		error |= sum.error != 0;
		if (o.json) {
			json_error_t jerr;
			json_t *m = json_loads(rep, 0, &jerr);

			json_array_append_new(
				maps,
				m ? m
				  : json_pack("{s:s, s:s}", "impl", im->label,
					      "error", "unreadable report"));
			error |= m == NULL;
		} else {
			fputs(rep, stdout);
		}
		free(rep);
		fflush(stdout);
		done++;
	}
	verdict = lc_interrupted ? "interrupted"
		  : violation	 ? "violation"
		  : error	 ? "error"
		  : unknown	 ? "unknown"
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
	rc = violation || error || (unknown && o.unknown_fails) ? 1 : 0;
	if (unknown && !o.unknown_fails)
		fprintf(stderr, "mapbench lincheck: some keys or histories "
				"are unknown (budget ran out, or too little "
				"concurrency); they are not counted as ok\n");
	return rc;
}

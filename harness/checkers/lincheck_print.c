/*
 * `mapbench lincheck`'s reports (lincheck_cmd.h): the text report (a
 * header, then per map its counts, what it declared it cannot do, its
 * violations with their witnesses and a command that replays each) and
 * the same as JSON (--format json), every field of the text and the full
 * witnesses.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lincheck_cmd.h"
#include "plugin.h"
#include "registry.h"

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

void
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
void
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
json_t *
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
json_t *
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

/*
 * lincheck: one recorded history checked (lincheck.h's lc_check_history):
 * split by key, each key's sub-history checked segment by segment between
 * split points (lincheck_check.c's search), Clear added to every key as a
 * delete, each Range held to Go's documented guarantees (lincheck_check.c's
 * opening comment, "Range"), findings kept up to LC_FINDINGS_MAX with their
 * reduced witnesses (lincheck_reduce.c), and the reports merged and
 * printed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lincheck.h"

static bool
lc_is_write(const struct lc_event *e)
{
	return e->op == LC_CLEAR || e->op == LC_DELETE || !lc_read_only(e);
}

/* The value a write set (0: it deleted). */
static uint64_t
lc_written(const struct lc_event *e)
{
	switch (e->op) {
	case LC_STORE:
	case LC_LOAD_OR_STORE:
	case LC_SWAP:
		return e->arg;
	case LC_CAS:
		return e->arg2;
	}
	return 0;
}

/*
 * Keep *f (its ops are the report's from here on, or freed): beyond
 * LC_FINDINGS_MAX it is only counted.  -ENOMEM (ops freed) or 0.
 */
static int
lc_add_finding(struct lc_report *r, struct lc_finding *f)
{
	struct lc_finding *nf;

	if (r->nfindings >= LC_FINDINGS_MAX) {
		free(f->ops);
		r->findings_dropped++;
		return 0;
	}
	nf = realloc(r->findings, (r->nfindings + 1) * sizeof(*nf));
	if (nf == NULL) {
		free(f->ops);
		return -ENOMEM;
	}
	r->findings = nf;
	r->findings[r->nfindings++] = *f;
	return 0;
}

/*
 * A Range finding: R and the operations on key k that matter, those from
 * `from` (a time) up to R's return.
 */
static int
lc_range_finding(struct lc_report *r, const struct lc_history *h,
		 unsigned index, const struct lc_event *R, unsigned k,
		 const struct lc_event *kops, size_t nk, uint64_t from,
		 const char *what, const char *detail)
{
	struct lc_finding f = {.verdict = LC_VIOLATION,
			       .key = (int)k,
			       .seed = h->seed,
			       .history = index,
			       .what = what,
			       .nkey_ops = nk};

	snprintf(f.detail, sizeof(f.detail), "%s", detail);
	f.ops = malloc((nk + 1) * sizeof(*f.ops));
	if (f.ops == NULL)
		return -ENOMEM;
	f.ops[f.nops++] = *R;
	for (size_t i = 0; i < nk; i++)
		if (kops[i].ret >= from && kops[i].call <= R->ret)
			f.ops[f.nops++] = kops[i];
	qsort(f.ops, f.nops, sizeof(*f.ops), lc_call_cmp);
	r->ranges_violation++;
	return lc_add_finding(r, &f);
}

void
lc_fmt_val(char *buf, size_t len, uint64_t v)
{
	uint64_t x = v >> 1;

	if (v == 0)
		snprintf(buf, len, "nil");
	else if ((v & 1) && (x >> 40) != 0 && (x >> 40) <= LC_MAX_THREADS)
		snprintf(buf, len, "t%u.%llu", (unsigned)(x >> 40) - 1,
			 (unsigned long long)(x & ((UINT64_C(1) << 40) - 1)));
	else
		snprintf(buf, len, "0x%llx", (unsigned long long)v);
}

/*
 * The writes on one key, by call time, with pm[i] the latest return
 * among w[0..i), and by value (values are unique), so that each Range
 * costs O(keys log n) but for the writes between a value's write and it.
 */
struct lc_kwrites {
	const struct lc_event **w, **byval;
	uint64_t *pm;
	size_t n, nv;
};

static int
lc_byval_cmp(const void *a, const void *b)
{
	uint64_t x = lc_written(*(const struct lc_event *const *)a);
	uint64_t y = lc_written(*(const struct lc_event *const *)b);

	return x < y ? -1 : x > y;
}

static int
lc_kwrites_init(struct lc_kwrites *kw, const struct lc_event *o, size_t n)
{
	size_t nv = 0;

	kw->w = malloc((n + 1) * sizeof(*kw->w));
	kw->byval = malloc((n + 1) * sizeof(*kw->byval));
	kw->pm = malloc((n + 1) * sizeof(*kw->pm));
	if (!kw->w || !kw->byval || !kw->pm)
		return -ENOMEM;
	kw->n = 0;
	kw->pm[0] = 0;
	for (size_t j = 0; j < n; j++) {
		if (!lc_is_write(&o[j]))
			continue;
		kw->w[kw->n] = &o[j];
		kw->pm[kw->n + 1] =
			o[j].ret > kw->pm[kw->n] ? o[j].ret : kw->pm[kw->n];
		kw->n++;
		if (lc_written(&o[j]) != 0)
			kw->byval[nv++] = &o[j];
	}
	qsort(kw->byval, nv, sizeof(*kw->byval), lc_byval_cmp);
	kw->nv = nv;
	return 0;
}

static void
lc_kwrites_free(struct lc_kwrites *kw)
{
	free(kw->w);
	free(kw->byval);
	free(kw->pm);
}

/* How many writes start before t (or at t too, if `at`). */
static size_t
lc_calls_before(const struct lc_kwrites *kw, uint64_t t, bool at)
{
	size_t lo = 0, hi = kw->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (kw->w[mid]->call < t || (at && kw->w[mid]->call == t))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The write that set value v, or NULL. */
static const struct lc_event *
lc_write_of(const struct lc_kwrites *kw, uint64_t v)
{
	size_t lo = 0, hi = kw->nv;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t x = lc_written(kw->byval[mid]);

		if (x == v)
			return kw->byval[mid];
		if (x < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* What one Range call is checked against. */
struct lc_rctx {
	const struct lc_history *h;
	unsigned index;
	struct lc_event **kops; /* each key's operations */
	const size_t *nk;
	struct lc_report *r;
	const struct lc_event *R; /* the Range call */
	unsigned seen[LC_MAX_KEYS];
	uint64_t seenv[LC_MAX_KEYS];
};

/*
 * (1): the keys R reported, into x->seen/x->seenv: each a key of the run,
 * none twice, fn not called too often.  1 and a finding (or -ENOMEM) when
 * not, with *rc set; else 0.
 */
static int
lc_range_reported(struct lc_rctx *x, int *rc)
{
	const struct lc_history *h = x->h;
	const struct lc_event *R = x->R;
	const struct lc_pair *p = h->pairs + R->range_off;
	char detail[160];

	for (uint32_t j = 0; j < R->nrange; j++) {
		unsigned k = 0;

		while (k < h->nkeys && lc_key_of(k) != p[j].key)
			k++;
		if (k == h->nkeys) {
			snprintf(detail, sizeof(detail),
				 "key 0x%llx was never used",
				 (unsigned long long)p[j].key);
			*rc = lc_range_finding(x->r, h, x->index, R, 0, NULL, 0,
					       0, "range: unknown key", detail);
			return 1;
		}
		if (x->seen[k]++) {
			snprintf(detail, sizeof(detail),
				 "key k%u reported twice", k);
			*rc = lc_range_finding(
				x->r, h, x->index, R, k, x->kops[k], x->nk[k],
				R->call, "range: key reported twice", detail);
			return 1;
		}
		x->seenv[k] = p[j].value;
	}
	if (R->range_overflow) {
		snprintf(detail, sizeof(detail),
			 "fn called %u times more than 2*keys+1",
			 R->range_overflow);
		*rc = lc_range_finding(x->r, h, x->index, R, 0, NULL, 0, 0,
				       "range: too many calls", detail);
		return 1;
	}
	return 0;
}

/*
 * (2) and (3) on key k: a key present and unchanged for the whole call
 * is reported with its value; a reported value was current at some
 * instant of the call.  1 and a finding (or -ENOMEM, in *rc) when not.
 */
static int
lc_range_key(struct lc_rctx *x, unsigned k, const struct lc_kwrites *kw,
	     int *rc)
{
	const struct lc_event *R = x->R, *o = x->kops[k], *W = NULL;
	size_t q = lc_calls_before(kw, R->call, false);
	size_t pend = lc_calls_before(kw, R->ret, true);
	bool overlap = pend > q || (q > 0 && kw->pm[q] >= R->call);
	char detail[160], vb[32];
	bool ok;

	/* (2): W = w[q-1], if all before it returned first. */
	if (!overlap && q > 0 && (q == 1 || kw->pm[q - 1] < kw->w[q - 1]->call))
		W = kw->w[q - 1];
	if (W != NULL && lc_written(W) != 0 &&
	    (!x->seen[k] || x->seenv[k] != lc_written(W))) {
		lc_fmt_val(vb, sizeof(vb), lc_written(W));
		snprintf(detail, sizeof(detail),
			 "k%u=%s unchanged for the whole call was %s", k, vb,
			 x->seen[k] ? "reported with another value"
				    : "not reported");
		*rc = lc_range_finding(x->r, x->h, x->index, R, k, o, x->nk[k],
				       W->call, "range: missed a stable key",
				       detail);
		return 1;
	}
	if (!x->seen[k])
		return 0;
	/* (3) */
	W = lc_write_of(kw, x->seenv[k]);
	ok = W != NULL && W->call <= R->ret;
	for (size_t j = ok ? lc_calls_before(kw, W->ret, true) : kw->n;
	     j < kw->n && kw->w[j]->call < R->call; j++)
		if (kw->w[j]->ret < R->call)
			ok = false;
	if (ok)
		return 0;
	lc_fmt_val(vb, sizeof(vb), x->seenv[k]);
	snprintf(detail, sizeof(detail),
		 "reported k%u=%s, not current at any instant of the call", k,
		 vb);
	*rc = lc_range_finding(
		x->r, x->h, x->index, R, k, o, x->nk[k],
		W != NULL && W->call < R->call ? W->call : R->call,
		"range: value never current during the call", detail);
	return 1;
}

/* Check the Range calls of h against keys' operations. */
static int
lc_check_ranges(const struct lc_history *h, unsigned index,
		struct lc_event **kops, const size_t *nk, struct lc_report *r)
{
	struct lc_kwrites kws[LC_MAX_KEYS] = {0};
	int rc = 0;

	for (unsigned k = 0; k < h->nkeys; k++)
		if (lc_kwrites_init(&kws[k], kops[k], nk[k])) {
			rc = -ENOMEM;
			goto out;
		}
	for (size_t i = 0; i < h->n && rc == 0; i++) {
		struct lc_rctx x = {.h = h,
				    .index = index,
				    .kops = kops,
				    .nk = nk,
				    .r = r,
				    .R = &h->ev[i]};

		if (x.R->op != LC_RANGE)
			continue;
		r->ranges++;
		if (lc_range_reported(&x, &rc))
			continue;
		for (unsigned k = 0; k < h->nkeys; k++)
			if (lc_range_key(&x, k, &kws[k], &rc))
				break;
	}
out:
	for (unsigned k = 0; k < h->nkeys; k++)
		lc_kwrites_free(&kws[k]);
	return rc;
}

/*
 * How many of ops (sorted by call) overlap an operation of another
 * thread: a measure of how much the history exercised concurrency.
 */
static uint64_t
lc_count_concurrent(const struct lc_event *ops, size_t n)
{
	uint8_t *mark = calloc(n + 1, 1);
	uint64_t c = 0;

	if (mark == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n && ops[j].call <= ops[i].ret; j++)
			if (ops[j].thread != ops[i].thread)
				mark[i] = mark[j] = 1;
	for (size_t i = 0; i < n; i++)
		c += mark[i];
	free(mark);
	return c;
}

/*
 * Check one key's operations (sorted by call) segment by segment, split
 * at every split point (lc_split_point), each segment with the budget.
 * The first violating segment, if any, is ops[*seg..*seg+*nseg) from
 * st->init (after st->ctx).  Violation if a segment violates, else
 * unknown if one ran out of budget, else ok.
 */
static enum lc_verdict
lc_check_key(const struct lc_event *ops, size_t n, const struct lc_budget *b,
	     uint64_t *states, size_t *seg, size_t *nseg, struct lc_start *st)
{
	enum lc_verdict res = LC_OK;
	struct lc_start cur = {0};
	uint64_t maxret = 0, post;
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		bool split = lc_split_point(ops, i, n, maxret, &post);

		if (ops[i].ret > maxret)
			maxret = ops[i].ret;
		if (split || i + 1 == n) {
			uint64_t nst = 0;
			enum lc_verdict v = lc_check_from(
				ops + start, i + 1 - start, cur.init, b, &nst);

			*states += nst;
			if (v == LC_VIOLATION) {
				*seg = start;
				*nseg = i + 1 - start;
				*st = cur;
				return v;
			}
			if (v == LC_UNKNOWN)
				res = LC_UNKNOWN;
			if (split) {
				cur.init = post;
				cur.ctx = ops[i];
				cur.has_ctx = true;
				start = i + 1;
			}
		}
	}
	return res;
}

int
lc_check_history(const struct lc_history *h, unsigned index,
		 const struct lc_budget *b, struct lc_report *r)
{
	struct lc_event *kops[LC_MAX_KEYS] = {0};
	size_t nk[LC_MAX_KEYS] = {0}, nclear = 0;
	uint64_t t0 = lc_mono_ns(), c0 = lc_cpu_ns();
	int rc = -ENOMEM;

	for (size_t i = 0; i < h->n; i++) {
		if (h->ev[i].op == LC_CLEAR)
			nclear++;
		else if (h->ev[i].op != LC_RANGE)
			nk[h->ev[i].key]++;
	}
	for (unsigned k = 0; k < h->nkeys; k++) {
		kops[k] = malloc((nk[k] + nclear + 1) * sizeof(**kops));
		if (kops[k] == NULL)
			goto out;
		nk[k] = 0;
	}
	for (size_t i = 0; i < h->n; i++) {
		const struct lc_event *e = &h->ev[i];

		if (e->op == LC_CLEAR) {
			for (unsigned k = 0; k < h->nkeys; k++) {
				kops[k][nk[k]] = *e;
				kops[k][nk[k]++].key = k;
			}
		} else if (e->op != LC_RANGE) {
			kops[e->key][nk[e->key]++] = *e;
		}
	}
	for (unsigned k = 0; k < h->nkeys; k++)
		qsort(kops[k], nk[k], sizeof(*kops[k]), lc_call_cmp);
	for (unsigned k = 0; k < h->nkeys; k++) {
		struct lc_finding f = {.key = (int)k,
				       .seed = h->seed,
				       .history = index,
				       .nkey_ops = nk[k]};
		size_t seg = 0, nseg = 0;
		enum lc_verdict v = lc_check_key(kops[k], nk[k], b, &r->states,
						 &seg, &nseg, &f.start);

		f.verdict = v;
		if (v == LC_OK) {
			r->keys_ok++;
			continue;
		}
		if (v == LC_UNKNOWN) {
			r->keys_unknown++;
			f.what = "budget exhausted";
			f.nops = 0;
			if (lc_add_finding(r, &f))
				goto out;
			continue;
		}
		r->keys_violation++;
		f.what = "not linearizable";
		f.ops = malloc((nseg + 1) * sizeof(*f.ops));
		if (f.ops == NULL)
			goto out;
		memcpy(f.ops, kops[k] + seg, nseg * sizeof(*f.ops));
		f.nops = lc_reduce(f.ops, nseg, &f.start, b);
		if (lc_add_finding(r, &f))
			goto out;
	}
	/* Range checks look at writes in time order. */
	for (unsigned k = 0; k < h->nkeys; k++)
		r->concurrent += lc_count_concurrent(kops[k], nk[k]);
	rc = lc_check_ranges(h, index, kops, nk, r);
	r->ops += h->n;
out:
	for (unsigned k = 0; k < h->nkeys; k++)
		free(kops[k]);
	r->check_ns += lc_mono_ns() - t0;
	r->check_cpu_ns += lc_cpu_ns() - c0;
	return rc;
}

int
lc_report_merge(struct lc_report *to, struct lc_report *from)
{
	int rc = 0;

	for (size_t i = 0; i < from->nfindings; i++)
		if (rc == 0)
			rc = lc_add_finding(to, &from->findings[i]);
		else
			free(from->findings[i].ops);
	free(from->findings);
	to->findings_dropped += from->findings_dropped;
	to->ops += from->ops;
	to->concurrent += from->concurrent;
	to->keys_ok += from->keys_ok;
	to->keys_violation += from->keys_violation;
	to->keys_unknown += from->keys_unknown;
	to->ranges += from->ranges;
	to->ranges_violation += from->ranges_violation;
	to->states += from->states;
	to->check_ns += from->check_ns;
	to->check_cpu_ns += from->check_cpu_ns;
	memset(from, 0, sizeof(*from));
	return rc;
}

void
lc_report_free(struct lc_report *r)
{
	for (size_t i = 0; i < r->nfindings; i++)
		free(r->findings[i].ops);
	free(r->findings);
	memset(r, 0, sizeof(*r));
}

void
lc_event_print(FILE *f, const struct lc_event *e)
{
	char a[32], b[32], o[32];

	lc_fmt_val(a, sizeof(a), e->arg);
	lc_fmt_val(b, sizeof(b), e->arg2);
	lc_fmt_val(o, sizeof(o), e->out);
	fprintf(f, "[%10llu, %10llu] t%-2u ", (unsigned long long)e->call,
		(unsigned long long)e->ret, e->thread);
	switch (e->op) {
	case LC_LOAD:
		fprintf(f, "load(k%u) -> %s\n", e->key, e->res ? o : "absent");
		break;
	case LC_STORE:
		fprintf(f, "store(k%u, %s)%s\n", e->key, a,
			e->res ? " -> error" : "");
		break;
	case LC_LOAD_OR_STORE:
		fprintf(f, "load_or_store(k%u, %s) -> %s %s\n", e->key, a, o,
			e->res == 1   ? "loaded"
			: e->res == 0 ? "stored"
				      : "error");
		break;
	case LC_LOAD_AND_DELETE:
		fprintf(f, "load_and_delete(k%u) -> %s\n", e->key,
			e->res ? o : "absent");
		break;
	case LC_DELETE:
		fprintf(f, "delete(k%u)\n", e->key);
		break;
	case LC_SWAP:
		fprintf(f, "swap(k%u, %s) -> %s\n", e->key, a,
			e->res == 1   ? o
			: e->res == 0 ? "absent"
				      : "error");
		break;
	case LC_CAS:
		fprintf(f, "compare_and_swap(k%u, %s, %s) -> %s\n", e->key, a,
			b, e->res ? "true" : "false");
		break;
	case LC_CAD:
		fprintf(f, "compare_and_delete(k%u, %s) -> %s\n", e->key, a,
			e->res ? "true" : "false");
		break;
	case LC_RANGE:
		fprintf(f, "range() -> %u pairs\n", e->nrange);
		break;
	case LC_CLEAR:
		fprintf(f, "clear()\n");
		break;
	}
}

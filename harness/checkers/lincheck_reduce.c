/*
 * lincheck: a violating key's sub-history reduced to a short witness
 * (lincheck.h's lc_reduce).  The reasoning is in lincheck_check.c's
 * opening comment ("Splitting in time", "Reduction of a violation"):
 * cut at the earliest quiescent point where it already fails, drop the
 * part before the latest split point after which it still fails, then
 * the read-only operations whose removal keeps it failing; each step
 * keeps a witness a witness, within about two seconds of effort.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lincheck.h"

int
lc_call_cmp(const void *a, const void *b)
{
	const struct lc_event *x = a, *y = b;

	return lc_cmp3(x->call, y->call, x->ret, y->ret, x->thread, y->thread);
}

/*
 * Does e's result alone fix the key's value after it (*post)?  All but
 * a failed compare_and_swap/compare_and_delete and a failed write do.
 */
static bool
lc_post(const struct lc_event *e, uint64_t *post)
{
	switch (e->op) {
	case LC_LOAD:
		*post = e->res ? e->out : 0;
		return true;
	case LC_STORE:
	case LC_SWAP:
		*post = e->arg;
		return e->res >= 0;
	case LC_LOAD_OR_STORE:
		*post = e->res == 1 ? e->out : e->arg;
		return e->res >= 0;
	case LC_LOAD_AND_DELETE:
	case LC_DELETE:
	case LC_CLEAR:
		*post = 0;
		return true;
	case LC_CAS:
		*post = e->arg2;
		return e->res == 1;
	case LC_CAD:
		*post = 0;
		return e->res == 1;
	}
	return false;
}

/*
 * Is ops[i] (of m, sorted by call; maxret the latest return among
 * ops[0..i)) a split point: alone in time (everything before it returned
 * before it started, everything after starts after it returned) and with
 * a result that fixes the value after it (lc_post)?  Then ops[0..m) from
 * `init` is linearizable iff ops[0..i] from `init` is and ops[i+1..m) is
 * from that value: every linearization puts ops[i] after all of ops[0..i)
 * and before all the rest, and the value between is *post.
 */
bool
lc_split_point(const struct lc_event *ops, size_t i, size_t m, uint64_t maxret,
	       uint64_t *post)
{
	return i + 1 < m && (i == 0 || maxret < ops[i].call) &&
	       ops[i].ret < ops[i + 1].call && lc_post(&ops[i], post);
}

size_t
lc_reduce(struct lc_event *ops, size_t n, struct lc_start *st,
	  const struct lc_budget *b)
{
	size_t *cuts, ncuts = 0, lo, hi, m;
	uint64_t maxret = 0;
	uint64_t stop = lc_mono_ns() + 2000000000u; /* at most ~2 s of effort */
	struct lc_event *tmp;

	qsort(ops, n, sizeof(*ops), lc_call_cmp);
	cuts = malloc((n + 1) * sizeof(*cuts));
	tmp = malloc((n + 1) * sizeof(*tmp));
	if (cuts == NULL || tmp == NULL) {
		free(cuts);
		free(tmp);
		return n;
	}
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && maxret < ops[i].call)
			cuts[ncuts++] = i; /* ops[0..i) all end before ops[i] */
		if (ops[i].ret > maxret)
			maxret = ops[i].ret;
	}
	cuts[ncuts++] = n;
	/* The smallest failing cut; failing is monotone over cuts. */
	lo = 0;
	hi = ncuts - 1; /* cuts[hi] = n fails (the caller found it so) */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (lc_check_from(ops, cuts[mid], st->init, b, NULL) ==
		    LC_VIOLATION)
			hi = mid;
		else
			lo = mid + 1;
	}
	m = cuts[hi];
	/*
	 * Drop a leading part: up to the latest split point after which it
	 * still fails (a few tries from the end), starting from the value
	 * that point leaves.
	 */
	{
		uint64_t *mr = malloc((m + 1) * sizeof(*mr)), post;

		if (mr != NULL)
			mr[0] = 0;
		for (size_t i = 0; mr != NULL && i < m; i++)
			mr[i + 1] = ops[i].ret > mr[i] ? ops[i].ret : mr[i];
		for (size_t i = m, tries = 0; mr && i-- > 0 && tries < 64;) {
			if (!lc_split_point(ops, i, m, mr[i], &post))
				continue;
			tries++;
			if (lc_check_from(ops + i + 1, m - i - 1, post, b,
					  NULL) == LC_VIOLATION) {
				st->init = post;
				st->ctx = ops[i];
				st->has_ctx = true;
				memmove(ops, ops + i + 1,
					(m - i - 1) * sizeof(*ops));
				m -= i + 1;
				break;
			}
		}
		free(mr);
	}
	/* Drop read-only operations while it still fails. */
	for (size_t i = m; i-- > 0 && lc_mono_ns() < stop;) {
		if (!lc_read_only(&ops[i]) || m <= 1)
			continue;
		memcpy(tmp, ops, i * sizeof(*ops));
		memcpy(tmp + i, ops + i + 1, (m - i - 1) * sizeof(*ops));
		if (lc_check_from(tmp, m - 1, st->init, b, NULL) ==
		    LC_VIOLATION) {
			memmove(ops + i, ops + i + 1,
				(m - i - 1) * sizeof(*ops));
			m--;
		}
	}
	free(cuts);
	free(tmp);
	return m;
}

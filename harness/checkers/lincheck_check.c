/*
 * lincheck checking: is a recorded history of a map linearizable?
 *
 * P-compositionality.  A history of a map is linearizable iff each key's
 * sub-history is (Herlihy and Wing's locality: each key is an object), so
 * every single-key operation (all but Range and Clear) is checked per key,
 * against a sequential model of one key with Go sync.Map semantics.  The
 * state of a key is its value, 0 for absent (values are never NULL).
 *
 * The search (Wing and Gong, with Lowe's memoisation, as in Porcupine's
 * checkSingle): the call and return entries of the key's operations,
 * sorted by time with calls before returns on equal stamps (closed
 * intervals: A precedes B only if A.ret < B.call), form a doubly linked
 * list.  Walking it from the head, a call entry whose operation the model
 * accepts in the current state is linearised: the operation's pair of
 * entries is lifted out of the list, pushed on a stack with the state
 * before it, and the walk restarts at the head.  Reaching a return entry
 * means its operation cannot be deferred any longer: pop the last
 * linearised operation, put it back and try the entry after its call.
 * The history is linearizable when the list empties, and not when a
 * return entry is reached with an empty stack.  Every (set of linearised
 * operations, state) reached is memoised, and an operation is linearised
 * only into a pair not seen before: a pair seen before was explored from
 * there already.  The set's hash is kept incrementally (an XOR of one
 * random word per operation), so the memo costs O(n/64) per probe only
 * on hash hits.  Unique values keep the number of reachable states small.
 *
 * The search is exponential in the worst case; each key has a budget of
 * time and of memoised states, and a key that runs out is `unknown`.
 *
 * Clear.  Go documents only that Clear "deletes all the entries"; it is
 * not promised to be atomic across keys (and a striped map clears stripe
 * by stripe).  What is checked is the weaker property: on each key, Clear
 * acts as a delete of that key at some instant within its interval.  So a
 * Clear is added to every key's sub-history as a delete, and each key's
 * search chooses that instant independently.  This is implied by an
 * atomic Clear, so a violation found this way is a real one; atomicity of
 * Clear across keys is not checked.
 *
 * Range.  Go documents that Range visits no key more than once, and that
 * if a key's value is stored or deleted concurrently Range may reflect
 * any mapping for it from any point during the call; a key present and
 * unchanged for the whole call must be seen with its value.  Checked,
 * for each Range call R, with "writes" meaning the operations whose
 * results say they changed or set the key (store, a load_or_store that
 * stored, a load_and_delete that found a value, delete, swap, a successful
 * compare_and_swap or compare_and_delete, clear):
 *  (1) no key is reported twice, every reported key is one of the run's
 *      keys, and fn is not called more than 2*keys+1 times;
 *  (2) present and unchanged: if no write on key k overlaps [R.call,
 *      R.ret], and among the writes on k that returned before R.call
 *      there is one, W, that started after all the others returned (so W
 *      is certainly the last), and W set k to v, then R reports k with v;
 *  (3) current at some instant: a reported (k, v) has a write W that set k
 *      to v with W.call <= R.ret, and no write X on k lies strictly
 *      between them (W.ret < X.call and X.ret < R.call), which would make
 *      v certainly overwritten (values are unique, so v never comes back)
 *      before R began.
 * (2) and (3) are necessary conditions derived conservatively from the
 * intervals; Range is not otherwise linearised.
 *
 * Splitting in time.  An operation alone in time (all before it returned
 * before it started, all after start after it returned) whose result
 * fixes the key's value (a load, a store, a delete, a successful
 * compare..., anything but a failed compare or a failed write) cuts a
 * key's sub-history exactly: the whole is linearizable iff the part up
 * to and including it is (from the value before) and the part after it
 * is, from the value it left, since every linearization puts it between
 * the two.  Each key is checked segment by segment, each segment with
 * the budget, so a long history costs a sum of small searches, and an
 * unknown segment does not hide a violation in another.  A violating
 * segment is reported from the value it starts with, after the
 * operation that left that value.
 *
 * Reduction of a violation.  A failing segment is cut at the
 * earliest quiescent point (no operation spans it) where it already
 * fails: everything after such a point is linearised after everything
 * before it, so a linearizable history has linearizable prefixes there.
 * Then the part up to a split point is dropped if what remains still
 * fails from the value that point left.  Then read-only operations (their
 * result says they changed nothing: load, a loaded load_or_store, a failed
 * compare or load_and_delete) are dropped one at a time while it still fails:
 * the model leaves the state unchanged for them, so dropping one from a
 * linearizable history leaves it linearizable.  Both steps keep a witness a
 * witness.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lincheck.h"

const char *const lc_verdict_names[3] = {"ok", "violation", "unknown"};

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t
mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * The sequential model of one key: may `e` run in state s (0: absent,
 * else the value) and give the results it recorded?  *ns: the state after.
 */
static bool
lc_step(uint64_t s, const struct lc_event *e, uint64_t *ns)
{
	*ns = s;
	switch (e->op) {
	case LC_LOAD:
		return s ? e->res == 1 && e->out == s : e->res == 0;
	case LC_STORE:
		if (e->res == 0)
			*ns = e->arg;
		return e->res <= 0; /* an error leaves the map unchanged */
	case LC_LOAD_OR_STORE:
		if (e->res < 0)
			return true;
		if (s)
			return e->res == 1 && e->out == s;
		*ns = e->arg;
		return e->res == 0 && e->out == e->arg;
	case LC_LOAD_AND_DELETE:
		*ns = 0;
		return s ? e->res == 1 && e->out == s : e->res == 0;
	case LC_DELETE:
	case LC_CLEAR:
		*ns = 0;
		return true;
	case LC_SWAP:
		if (e->res < 0)
			return true;
		*ns = e->arg;
		return s ? e->res == 1 && e->out == s : e->res == 0;
	case LC_CAS:
		if (s != 0 && s == e->arg) {
			*ns = e->arg2;
			return e->res == 1;
		}
		return e->res == 0;
	case LC_CAD:
		if (s != 0 && s == e->arg) {
			*ns = 0;
			return e->res == 1;
		}
		return e->res == 0;
	}
	return false;
}

/* Did e change nothing, by its own result? */
static bool
lc_read_only(const struct lc_event *e)
{
	switch (e->op) {
	case LC_LOAD:
		return true;
	case LC_STORE:
	case LC_SWAP:
		return e->res < 0;
	case LC_LOAD_OR_STORE:
		return e->res != 0;
	case LC_LOAD_AND_DELETE:
	case LC_CAS:
	case LC_CAD:
		return e->res != 1;
	}
	return false;
}

/* ---- the search ---- */

struct lc_entry {
	uint64_t t;
	uint32_t kind; /* 0 call, 1 return: calls first on ties */
	uint32_t id;
};

static int
lc_entry_cmp(const void *a, const void *b)
{
	const struct lc_entry *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/*
 * A memoised (set, state).  The set is kept as the words lo..lo+len-1
 * of its bitset: the words below lo are all ones and those above all
 * zeros (the linearised operations are mostly a prefix in time order),
 * so a state costs a few words, not n/64.
 */
struct lc_memo_slot {
	uint64_t hash; /* 0: empty */
	uint64_t state;
	size_t off; /* of its words in the arena */
	uint32_t lo, len;
};

struct lc_search {
	size_t n, words;
	uint32_t *next, *prev, *match, *opid;
	uint64_t *bits, *zob;
	struct lc_memo_slot *tab;
	size_t cap, count;
	uint64_t *arena;
	size_t arena_len, arena_cap;
};

static void
lc_search_free(struct lc_search *s)
{
	free(s->next);
	free(s->prev);
	free(s->match);
	free(s->opid);
	free(s->bits);
	free(s->zob);
	free(s->tab);
	free(s->arena);
}

/*
 * Insert (bits, state) under hash h unless present.  1: inserted, 0:
 * present, -1: out of memory.
 */
static int
lc_memo_insert(struct lc_search *s, uint64_t h, uint64_t state)
{
	size_t mask, i, lo, hi;

	h |= 1; /* 0 marks an empty slot */
	if (2 * (s->count + 1) > s->cap) {
		size_t ncap = s->cap ? 2 * s->cap : 1024;
		struct lc_memo_slot *nt = calloc(ncap, sizeof(*nt));

		if (nt == NULL)
			return -1;
		for (size_t j = 0; j < s->cap; j++) {
			if (s->tab[j].hash == 0)
				continue;
			i = s->tab[j].hash & (ncap - 1);
			while (nt[i].hash != 0)
				i = (i + 1) & (ncap - 1);
			nt[i] = s->tab[j];
		}
		free(s->tab);
		s->tab = nt;
		s->cap = ncap;
	}
	lo = 0;
	while (lo < s->words && s->bits[lo] == ~UINT64_C(0))
		lo++;
	hi = s->words;
	while (hi > lo && s->bits[hi - 1] == 0)
		hi--;
	mask = s->cap - 1;
	for (i = h & mask; s->tab[i].hash != 0; i = (i + 1) & mask)
		if (s->tab[i].hash == h && s->tab[i].state == state &&
		    s->tab[i].lo == lo && s->tab[i].len == hi - lo &&
		    memcmp(s->arena + s->tab[i].off, s->bits + lo,
			   (hi - lo) * sizeof(uint64_t)) == 0)
			return 0;
	if (s->arena_len + (hi - lo) > s->arena_cap) {
		size_t ncap = s->arena_cap ? 2 * s->arena_cap : 4096;
		uint64_t *na;

		while (ncap < s->arena_len + (hi - lo))
			ncap *= 2;
		na = realloc(s->arena, ncap * sizeof(*na));
		if (na == NULL)
			return -1;
		s->arena = na;
		s->arena_cap = ncap;
	}
	memcpy(s->arena + s->arena_len, s->bits + lo,
	       (hi - lo) * sizeof(uint64_t));
	s->tab[i] = (struct lc_memo_slot){h, state, s->arena_len, (uint32_t)lo,
					  (uint32_t)(hi - lo)};
	s->arena_len += hi - lo;
	s->count++;
	return 1;
}

/* Take call node c and its return node out of the list / put them back. */
static inline void
lc_lift(struct lc_search *s, uint32_t c)
{
	uint32_t r = s->match[c];

	s->next[s->prev[c]] = s->next[c];
	s->prev[s->next[c]] = s->prev[c];
	s->next[s->prev[r]] = s->next[r];
	s->prev[s->next[r]] = s->prev[r];
}

static inline void
lc_unlift(struct lc_search *s, uint32_t c)
{
	uint32_t r = s->match[c];

	s->next[s->prev[r]] = r;
	s->prev[s->next[r]] = r;
	s->next[s->prev[c]] = c;
	s->prev[s->next[c]] = c;
}

enum lc_verdict
lc_check_ops(const struct lc_event *ops, size_t n, const struct lc_budget *b,
	     uint64_t *states)
{
	return lc_check_from(ops, n, 0, b, states);
}

enum lc_verdict
lc_check_from(const struct lc_event *ops, size_t n, uint64_t init,
	      const struct lc_budget *b, uint64_t *states)
{
	struct lc_search s = {0};
	struct lc_entry *ent = NULL;
	struct {
		uint32_t node;
		uint64_t state;
	} *stk = NULL;
	size_t sp = 0;
	uint32_t tail = (uint32_t)(2 * n + 1), cur;
	uint64_t state = init, h = 0, zs = UINT64_C(0x243f6a8885a308d3);
	uint64_t deadline = 0, iter = 0, max_states;
	enum lc_verdict v = LC_UNKNOWN;

	if (states)
		*states = 0;
	if (n == 0)
		return LC_OK;
	s.n = n;
	s.words = (n + 63) / 64;
	s.next = malloc((2 * n + 2) * sizeof(uint32_t));
	s.prev = malloc((2 * n + 2) * sizeof(uint32_t));
	s.match = calloc(2 * n + 2, sizeof(uint32_t));
	s.opid = malloc((2 * n + 2) * sizeof(uint32_t));
	s.bits = calloc(s.words, sizeof(uint64_t));
	s.zob = malloc(n * sizeof(uint64_t));
	ent = malloc(2 * n * sizeof(*ent));
	stk = malloc(n * sizeof(*stk));
	if (!s.next || !s.prev || !s.match || !s.opid || !s.bits || !s.zob ||
	    !ent || !stk)
		goto out;
	for (size_t i = 0; i < n; i++) {
		ent[2 * i] = (struct lc_entry){ops[i].call, 0, (uint32_t)i};
		ent[2 * i + 1] = (struct lc_entry){ops[i].ret, 1, (uint32_t)i};
		s.zob[i] = mix64(zs += UINT64_C(0x9e3779b97f4a7c15));
	}
	qsort(ent, 2 * n, sizeof(*ent), lc_entry_cmp);
	/* Nodes 1..2n in time order; 0 is the head, 2n+1 the tail. */
	{
		uint32_t *ret_node = malloc(n * sizeof(uint32_t));

		if (ret_node == NULL)
			goto out;
		for (uint32_t i = 0; i < 2 * n; i++) {
			uint32_t node = i + 1;

			s.opid[node] = ent[i].id;
			s.next[node] = node + 1;
			s.prev[node] = node - 1;
			if (ent[i].kind == 1)
				ret_node[ent[i].id] = node;
		}
		for (uint32_t i = 0; i < 2 * n; i++)
			if (ent[i].kind == 0)
				s.match[i + 1] = ret_node[ent[i].id];
		free(ret_node);
	}
	s.next[0] = 1;
	s.prev[tail] = (uint32_t)(2 * n);
	/* Whatever the budget says, the memo stays under ~512 MiB. */
	max_states = ((size_t)512 << 20) / (s.words * 8 + 96);
	if (b && b->max_states && b->max_states < max_states)
		max_states = b->max_states;
	if (b && b->max_ms > 0)
		deadline = mono_ns() + (uint64_t)(b->max_ms * 1e6);

	cur = s.next[0];
	while (s.next[0] != tail) {
		if ((++iter & 1023) == 0 && deadline && mono_ns() > deadline)
			goto out; /* unknown */
		if (s.match[cur] != 0) {
			uint32_t id = s.opid[cur];
			uint64_t ns;
			int ins;

			if (!lc_step(state, &ops[id], &ns)) {
				cur = s.next[cur];
				continue;
			}
			s.bits[id / 64] |= UINT64_C(1) << (id % 64);
			ins = lc_memo_insert(
				&s, mix64(h ^ s.zob[id] ^ mix64(ns)), ns);
			if (ins < 0)
				goto out;
			if (ins == 0) {
				s.bits[id / 64] &= ~(UINT64_C(1) << (id % 64));
				cur = s.next[cur];
				continue;
			}
			if (s.count > max_states)
				goto out;
			stk[sp].node = cur;
			stk[sp].state = state;
			sp++;
			state = ns;
			h ^= s.zob[id];
			lc_lift(&s, cur);
			cur = s.next[0];
		} else {
			uint32_t id;

			if (sp == 0) {
				v = LC_VIOLATION;
				goto out;
			}
			sp--;
			cur = stk[sp].node;
			state = stk[sp].state;
			id = s.opid[cur];
			s.bits[id / 64] &= ~(UINT64_C(1) << (id % 64));
			h ^= s.zob[id];
			lc_unlift(&s, cur);
			cur = s.next[cur];
		}
	}
	v = LC_OK;
out:
	if (states)
		*states = s.count;
	lc_search_free(&s);
	free(ent);
	free(stk);
	return v;
}

/* ---- reduction ---- */

static int
lc_call_cmp(const void *a, const void *b)
{
	const struct lc_event *x = a, *y = b;

	if (x->call != y->call)
		return x->call < y->call ? -1 : 1;
	if (x->ret != y->ret)
		return x->ret < y->ret ? -1 : 1;
	return x->thread < y->thread ? -1 : x->thread > y->thread;
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
static bool
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
	uint64_t stop = mono_ns() + 2000000000u; /* at most ~2 s of effort */
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
	for (size_t i = m; i-- > 0 && mono_ns() < stop;) {
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

/* ---- histories ---- */

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

/* Check the Range calls of h against keys' operations. */
static int
lc_check_ranges(const struct lc_history *h, unsigned index,
		struct lc_event **kops, const size_t *nk, struct lc_report *r)
{
	char detail[160], vb[32];
	struct lc_kwrites kws[LC_MAX_KEYS] = {0};
	int rc = 0;

	for (unsigned k = 0; k < h->nkeys; k++)
		if (lc_kwrites_init(&kws[k], kops[k], nk[k])) {
			rc = -ENOMEM;
			goto out;
		}
	for (size_t i = 0; i < h->n && rc == 0; i++) {
		const struct lc_event *R = &h->ev[i];
		const struct lc_pair *p = h->pairs + R->range_off;
		unsigned seen[LC_MAX_KEYS] = {0};
		uint64_t seenv[LC_MAX_KEYS] = {0};
		bool bad = false;

		if (R->op != LC_RANGE)
			continue;
		r->ranges++;
		/* (1) */
		for (uint32_t j = 0; j < R->nrange && !bad; j++) {
			unsigned k = 0;

			while (k < h->nkeys && lc_key_of(k) != p[j].key)
				k++;
			if (k == h->nkeys) {
				snprintf(detail, sizeof(detail),
					 "key 0x%llx was never used",
					 (unsigned long long)p[j].key);
				rc = lc_range_finding(
					r, h, index, R, 0, NULL, 0, 0,
					"range: unknown key", detail);
				bad = true;
				break;
			}
			if (seen[k]++) {
				snprintf(detail, sizeof(detail),
					 "key k%u reported twice", k);
				rc = lc_range_finding(r, h, index, R, k,
						      kops[k], nk[k], R->call,
						      "range: key reported "
						      "twice",
						      detail);
				bad = true;
			}
			seenv[k] = p[j].value;
		}
		if (!bad && R->range_overflow) {
			snprintf(detail, sizeof(detail),
				 "fn called %u times more than 2*keys+1",
				 R->range_overflow);
			rc = lc_range_finding(r, h, index, R, 0, NULL, 0, 0,
					      "range: too many calls", detail);
			bad = true;
		}
		for (unsigned k = 0; k < h->nkeys && !bad; k++) {
			const struct lc_event *o = kops[k], *W = NULL;
			const struct lc_kwrites *kw = &kws[k];
			size_t q = lc_calls_before(kw, R->call, false);
			size_t pend = lc_calls_before(kw, R->ret, true);
			bool overlap =
				pend > q || (q > 0 && kw->pm[q] >= R->call);
			bool ok;

			/* (2): W = w[q-1], if all before it returned first. */
			if (!overlap && q > 0 &&
			    (q == 1 || kw->pm[q - 1] < kw->w[q - 1]->call))
				W = kw->w[q - 1];
			if (W != NULL && lc_written(W) != 0 &&
			    (!seen[k] || seenv[k] != lc_written(W))) {
				lc_fmt_val(vb, sizeof(vb), lc_written(W));
				snprintf(detail, sizeof(detail),
					 "k%u=%s unchanged for the whole call "
					 "was %s",
					 k, vb,
					 seen[k] ? "reported with "
						   "another value"
						 : "not reported");
				rc = lc_range_finding(r, h, index, R, k, o,
						      nk[k], W->call,
						      "range: missed a stable "
						      "key",
						      detail);
				bad = true;
				break;
			}
			if (!seen[k])
				continue;
			/* (3) */
			W = lc_write_of(kw, seenv[k]);
			ok = W != NULL && W->call <= R->ret;
			for (size_t j = ok ? lc_calls_before(kw, W->ret, true)
					   : kw->n;
			     j < kw->n && kw->w[j]->call < R->call; j++)
				if (kw->w[j]->ret < R->call)
					ok = false;
			if (!ok) {
				lc_fmt_val(vb, sizeof(vb), seenv[k]);
				snprintf(detail, sizeof(detail),
					 "reported k%u=%s, not current at any "
					 "instant of the call",
					 k, vb);
				rc = lc_range_finding(
					r, h, index, R, k, o, nk[k],
					W != NULL && W->call < R->call
						? W->call
						: R->call,
					"range: value never current during "
					"the call",
					detail);
				bad = true;
			}
		}
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
	uint64_t t0 = mono_ns(), c0 = cpu_ns();
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
	r->check_ns += mono_ns() - t0;
	r->check_cpu_ns += cpu_ns() - c0;
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

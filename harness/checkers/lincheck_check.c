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

uint64_t
lc_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t
lc_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int
lc_cmp3(uint64_t a0, uint64_t b0, uint64_t a1, uint64_t b1, uint64_t a2,
	uint64_t b2)
{
	if (a0 != b0)
		return a0 < b0 ? -1 : 1;
	if (a1 != b1)
		return a1 < b1 ? -1 : 1;
	return a2 < b2 ? -1 : a2 > b2;
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
bool
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

	return lc_cmp3(x->t, y->t, x->kind, y->kind, x->id, y->id);
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

/*
 * The search of the opening comment, in one function on purpose (over 100
 * lines): its entry list, stack, memo and budget are the loop's state,
 * and the steps (linearise, backtrack) read and change all of them; cut
 * apart they would pass that state back and forth, as Porcupine's
 * checkSingle keeps it in one function too.
 */
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
		deadline = lc_mono_ns() + (uint64_t)(b->max_ms * 1e6);

	cur = s.next[0];
	while (s.next[0] != tail) {
		if ((++iter & 1023) == 0 && deadline && lc_mono_ns() > deadline)
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

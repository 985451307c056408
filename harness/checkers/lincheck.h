/*
 * lincheck: record concurrent histories of a map and check that they are
 * linearizable (DESIGN.md, "mapbench lincheck"; issue 15).
 *
 * Recording (lincheck_record.c) runs a few threads over a small key space,
 * started together at a barrier, each with its own preallocated event
 * buffer, and stamps every operation's invocation and response with
 * CLOCK_MONOTONIC.  Checking (lincheck_check.c) splits the history by key
 * and runs a Wing-Gong/Lowe search with memoisation over each key's
 * sub-history against a one-key model of Go's sync.Map, and checks Range
 * against its weaker documented guarantees.
 */
#ifndef MAPBENCH_LINCHECK_H
#define MAPBENCH_LINCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "map.h"

enum lc_opk {
	LC_LOAD,
	LC_STORE,
	LC_LOAD_OR_STORE,
	LC_LOAD_AND_DELETE,
	LC_DELETE,
	LC_SWAP,
	LC_CAS,
	LC_CAD,
	LC_RANGE,
	LC_CLEAR,
	LC_NOPS
};

/* "load", "store", ..., "compare_and_swap", "range", "clear" (--mix names) */
extern const char *const lc_op_names[LC_NOPS];

/*
 * One operation of a history.  Values are the map's `void *` as integers
 * (0: none).  Every value written is unique within a history.
 */
struct lc_event {
	uint64_t call, ret; /* ns since the history's start; call <= ret */
	uint64_t arg;	    /* value stored; CAS/CAD: the expected old value */
	uint64_t arg2;	    /* CAS: the new value */
	uint64_t out;	    /* value returned through the out pointer, or 0 */
	int32_t res;	    /* bool (0/1) or int result; unused for store/del */
	uint32_t key;	    /* key index, 0..nkeys-1 (not for range/clear) */
	uint32_t thread;
	uint32_t op;	    /* enum lc_opk */
	uint32_t range_off; /* range: its pairs are pairs[range_off..+nrange) */
	uint32_t nrange;
	uint32_t range_overflow; /* range: fn called more often than stored */
};

/* A (key, value) pair that a Range reported; key is the map's key. */
struct lc_pair {
	uint64_t key;
	uint64_t value;
};

struct lc_history {
	struct lc_event *ev; /* every thread's events, thread by thread */
	size_t n;
	struct lc_pair *pairs;
	size_t npairs;
	unsigned nkeys, nthreads;
	uint64_t seed;
};

/* The map key of key index i (spread over the 64 bits, never 0). */
static inline uint64_t
lc_key_of(unsigned i)
{
	return ((uint64_t)i + 1) * UINT64_C(0x9e3779b97f4a7c15);
}

#define LC_MAX_KEYS    64
#define LC_MAX_THREADS 64

struct lc_config {
	unsigned threads;      /* default 4 */
	unsigned keys;	       /* default 4 */
	unsigned ops;	       /* operations per thread per history */
	unsigned mix[LC_NOPS]; /* relative weights */
	uint64_t seed;	       /* of history 0; history h: lc_history_seed */
	bool timed;	       /* false: no timestamps (overhead baseline) */
};

void lc_config_default(struct lc_config *c);
uint64_t lc_history_seed(uint64_t seed, unsigned h);

/*
 * The operations (1 << LC_*) that `ops` with `param` declares it cannot
 * do under concurrency (map.h's MAP_LIMIT_*): lc_record never runs them.
 */
unsigned lc_limited_ops(const struct map_ops *ops, const char *param);

/*
 * Record one history of `c->ops` operations per thread on a fresh map of
 * `ops` created with `param`.  Returns 0, -ENOMEM, or -EINVAL if the map
 * cannot be created (errno from map_ops_create).  *wall_ns: the time from
 * the barrier to the last thread's end.  lc_history_free() frees it.
 */
int lc_record(const struct map_ops *ops, const char *param,
	      const struct lc_config *c, struct lc_history *h,
	      uint64_t *wall_ns);
void lc_history_free(struct lc_history *h);

/* The clock the recorder uses, as measured on this machine. */
struct lc_clock_info {
	const char *name;			/* "CLOCK_MONOTONIC" */
	uint64_t res_ns;			/* clock_getres */
	uint64_t min_delta_ns, median_delta_ns; /* back-to-back reads */
};
void lc_clock_measure(struct lc_clock_info *ci);

/* ---- checking ---- */

enum lc_verdict { LC_OK, LC_VIOLATION, LC_UNKNOWN };
extern const char *const lc_verdict_names[3];

struct lc_budget {
	double max_ms;	     /* per key; <= 0: none */
	uint64_t max_states; /* memoised states per key; 0: none */
};

/*
 * Check one key's sub-history (single-key operations and clears, any
 * order) starting from an absent key.  *states (may be NULL) gets the
 * number of states memoised.
 */
enum lc_verdict lc_check_ops(const struct lc_event *ops, size_t n,
			     const struct lc_budget *b, uint64_t *states);

/* The same from a key holding `init` (0: absent). */
enum lc_verdict lc_check_from(const struct lc_event *ops, size_t n,
			      uint64_t init, const struct lc_budget *b,
			      uint64_t *states);

/*
 * Where a sub-history starts: the key's value (0: absent), and the
 * operation that left it (ctx, if has_ctx), which ended before the
 * sub-history's first operation started.
 */
struct lc_start {
	uint64_t init;
	bool has_ctx;
	struct lc_event ctx;
};

/*
 * A violating sub-history (from st) reduced as far as can be done
 * soundly: cut at the earliest quiescent point where it already fails,
 * started after the latest split point after which it still fails (st
 * updated), then without the read-only operations whose removal keeps it
 * failing.  Returns the reduced count; ops[] is rewritten in call order.
 */
size_t lc_reduce(struct lc_event *ops, size_t n, struct lc_start *st,
		 const struct lc_budget *b);

/* One finding of lc_check_history. */
struct lc_finding {
	enum lc_verdict verdict; /* LC_VIOLATION or LC_UNKNOWN */
	int key;		 /* key index */
	uint64_t seed;		 /* of the history: replays its op sequence */
	unsigned history;	 /* index of the history in the run */
	const char *what;	 /* "not linearizable", "range: ..." */
	char detail[160];	 /* range: the pair at fault; else "" */
	struct lc_event *ops;	 /* the (reduced) sub-history, malloc'ed */
	struct lc_start start;	 /* ... which starts from this value */
	size_t nops, nkey_ops;	 /* shown / on that key in the history */
};

/*
 * Findings kept per report; the rest are counted (findings_dropped) and
 * their sub-histories freed, so that a map that fails every history of a
 * long run holds memory bounded by this, not by --histories.
 */
#define LC_FINDINGS_MAX 64

struct lc_report {
	uint64_t ops;	     /* operations checked */
	uint64_t concurrent; /* key ops overlapping another thread's op */
	unsigned keys_ok, keys_violation, keys_unknown;
	unsigned ranges, ranges_violation;
	uint64_t states;	     /* memoised, all keys */
	uint64_t check_ns;	     /* wall time spent checking */
	uint64_t check_cpu_ns;	     /* CPU time of the checking thread */
	struct lc_finding *findings; /* violations and unknowns */
	size_t nfindings;	     /* at most LC_FINDINGS_MAX */
	uint64_t findings_dropped;   /* found beyond LC_FINDINGS_MAX */
};

/* Check history number `index` of a run; adds to *r.  -ENOMEM or 0. */
int lc_check_history(const struct lc_history *h, unsigned index,
		     const struct lc_budget *b, struct lc_report *r);
void lc_report_free(struct lc_report *r);
/*
 * Add `from` (emptied) to `to`, keeping at most LC_FINDINGS_MAX findings
 * in all (the rest counted in findings_dropped).  -ENOMEM or 0.
 */
int lc_report_merge(struct lc_report *to, struct lc_report *from);

/* A value as lincheck prints it: "nil", "t1.23" (thread 1's 23rd), "0x.." */
void lc_fmt_val(char *buf, size_t len, uint64_t v);

/* One line for an event: "[call, ret] t1 store(k2, 0x...) " */
void lc_event_print(FILE *f, const struct lc_event *e);

/*
 * Between the checker's files (lincheck_check.c, lincheck_reduce.c,
 * lincheck_history.c), not for other callers.
 */
/* CLOCK_MONOTONIC and the thread's CPU time, in ns. */
uint64_t lc_mono_ns(void);
uint64_t lc_cpu_ns(void);
/* (a0, a1, a2) against (b0, b1, b2) in order: -1, 0 or 1. */
int lc_cmp3(uint64_t a0, uint64_t b0, uint64_t a1, uint64_t b1, uint64_t a2,
	    uint64_t b2);
/* Did `e` leave its key as it was (its result says it changed nothing)? */
bool lc_read_only(const struct lc_event *e);
/* qsort's order of events: by call, then return, then thread. */
int lc_call_cmp(const void *a, const void *b);
/*
 * Is ops[i] (of m, sorted by call; maxret the latest return among
 * ops[0..i)) a split point of the key's sub-history, and *post the value
 * it leaves?  (lincheck_reduce.c says when.)
 */
bool lc_split_point(const struct lc_event *ops, size_t i, size_t m,
		    uint64_t maxret, uint64_t *post);

/* The CLI (lincheck_cmd.c): `mapbench lincheck ...`; argv[0] "lincheck". */
int cmd_lincheck(int argc, char **argv);
/*
 * The same, with `extra` (NULL-terminated, may be NULL) maps found by
 * name besides the registry's.  Exits 2 on bad input.
 */
int lc_main(int argc, char **argv, const struct map_ops *const *extra);

#endif /* MAPBENCH_LINCHECK_H */

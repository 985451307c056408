/* The sweep's schedule (schedule.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schedule.h"
#include "xalloc.h"
#include "stats.h"

/* What is known of one (configuration, repetition). */
enum rep_state {
	REP_NONE,	/* not run */
	REP_QUEUED,	/* in the current round */
	REP_OK,		/* an ok row exists */
	REP_FAILED,	/* a row that is not a measurement, and final */
	REP_INTERFERED, /* interfered, attempts left: run it again */
	REP_GAVE_UP,	/* interfered max_attempts times */
};

struct cfg_state {
	unsigned char *state; /* [max_rep] */
	unsigned char *tries; /* [max_rep]: the highest attempt seen */
	double *ok;	      /* mops of ok rows */
	size_t n_ok;
	unsigned *perm; /* [min_rep]: the rep of stratum s */
	bool runnable;
	bool failed; /* some row failed: no precision rounds */
	bool remeasured_any;
};

struct sched {
	const struct config *grid;
	size_t n;
	struct sched_opts o;
	struct cfg_state *cs;
	/* the current round: rows to run, in order */
	struct config *q;
	size_t *qcfg;
	size_t qn, qpos, qcap;
	unsigned round;
	uint64_t rng;
	bool base_done;
};

static uint64_t
next_rand(struct sched *s)
{
	s->rng = config_rep_seed(s->rng, 0x5eed);
	return s->rng;
}

/* Uniform in [0, n). */
static size_t
below(struct sched *s, size_t n)
{
	return (size_t)(((unsigned __int128)next_rand(s) * n) >> 64);
}

struct sched *
sched_new(const struct config *grid, size_t n, const struct sched_opts *o)
{
	struct sched *s = xalloc_calloc(1, sizeof(*s), NULL);
	char why[256];

	s->grid = grid;
	s->n = n;
	s->o = *o;
	if (s->o.min_rep < 1)
		s->o.min_rep = 1;
	if (s->o.max_rep < s->o.min_rep)
		s->o.max_rep = s->o.min_rep;
	if (s->o.max_attempts < 1)
		s->o.max_attempts = 1;
	s->rng = config_rep_seed(o->seed, 0xa11ce);
	s->cs = xalloc_calloc(n, sizeof(*s->cs), NULL);
	for (size_t i = 0; i < n; i++) {
		struct cfg_state *c = &s->cs[i];

		c->runnable = !config_refused(&grid[i], why, sizeof(why));
		c->state = xalloc_calloc(s->o.max_rep, 1, NULL);
		c->tries = xalloc_calloc(s->o.max_rep, 1, NULL);
		c->ok = xalloc_calloc(s->o.max_rep * (size_t)s->o.max_attempts,
				      sizeof(double), NULL);
		c->perm = xalloc_calloc(s->o.min_rep, sizeof(unsigned), NULL);
		/* Which repetition runs in which stratum: Fisher-Yates. */
		for (unsigned k = 0; k < s->o.min_rep; k++)
			c->perm[k] = k + 1;
		for (unsigned k = s->o.min_rep; k > 1; k--) {
			unsigned j = (unsigned)below(s, k), t = c->perm[k - 1];

			c->perm[k - 1] = c->perm[j];
			c->perm[j] = t;
		}
	}
	return s;
}

void
sched_free(struct sched *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		free(s->cs[i].state);
		free(s->cs[i].tries);
		free(s->cs[i].ok);
		free(s->cs[i].perm);
	}
	free(s->cs);
	free(s->q);
	free(s->qcfg);
	free(s);
}

void
sched_record(struct sched *s, size_t cfg, unsigned rep, unsigned attempt,
	     const char *status, double mops)
{
	struct cfg_state *c;
	unsigned char *st;

	if (cfg >= s->n || rep < 1 || rep > s->o.max_rep)
		return; /* a row of a larger --max-repeat: not ours */
	c = &s->cs[cfg];
	st = &c->state[rep - 1];
	if (attempt > c->tries[rep - 1])
		c->tries[rep - 1] =
			(unsigned char)(attempt > 255 ? 255 : attempt);
	if (attempt > 1)
		c->remeasured_any = true;
	if (*st == REP_OK || *st == REP_FAILED)
		return; /* decided; a later row of it changes nothing */
	if (strcmp(status, "ok") == 0) {
		*st = REP_OK;
		if (!isnan(mops))
			c->ok[c->n_ok++] = mops;
	} else if (strcmp(status, "interfered") == 0) {
		*st = c->tries[rep - 1] >= s->o.max_attempts ? REP_GAVE_UP
							     : REP_INTERFERED;
	} else {
		*st = REP_FAILED;
		c->failed = true;
	}
}

static void
push(struct sched *s, size_t cfg, unsigned rep, unsigned attempt)
{
	struct config *c;

	if (s->qn == s->qcap) {
		s->qcap = s->qcap ? 2 * s->qcap : 256;
		s->q = realloc(s->q, s->qcap * sizeof(*s->q));
		s->qcfg = realloc(s->qcfg, s->qcap * sizeof(*s->qcfg));
		if (!s->q || !s->qcfg) {
			fprintf(stderr, "mapbench: out of memory\n");
			exit(1);
		}
	}
	c = &s->q[s->qn];
	*c = s->grid[cfg];
	c->rep = rep;
	c->seed = config_rep_seed(s->o.seed, rep); /* common to every map */
	c->attempt = attempt;
	s->qcfg[s->qn++] = cfg;
	s->cs[cfg].state[rep - 1] = REP_QUEUED;
}

/* Shuffle q[from, qn). */
static void
shuffle_tail(struct sched *s, size_t from)
{
	for (size_t i = s->qn - from; i > 1; i--) {
		size_t j = below(s, i), a = from + i - 1, b = from + j;
		struct config t = s->q[a];
		size_t tc = s->qcfg[a];

		s->q[a] = s->q[b];
		s->q[b] = t;
		s->qcfg[a] = s->qcfg[b];
		s->qcfg[b] = tc;
	}
}

/* The base round: strata of one repetition per configuration. */
static void
plan_base(struct sched *s)
{
	for (unsigned st = 0; st < s->o.min_rep; st++) {
		size_t from = s->qn;

		for (size_t i = 0; i < s->n; i++) {
			unsigned rep = s->cs[i].perm[st];

			if (s->cs[i].runnable &&
			    s->cs[i].state[rep - 1] == REP_NONE)
				push(s, i, rep, 1);
		}
		shuffle_tail(s, from);
	}
}

/* Rows that were interfered with and may run again. */
static void
plan_retries(struct sched *s)
{
	size_t from = s->qn;

	for (size_t i = 0; i < s->n; i++)
		for (unsigned r = 1; r <= s->o.max_rep; r++)
			if (s->cs[i].state[r - 1] == REP_INTERFERED)
				push(s, i, r, s->cs[i].tries[r - 1] + 1u);
	shuffle_tail(s, from);
}

bool
sched_precise(const double *x, size_t n, unsigned min_n, double precision,
	      double *half)
{
	struct stats_summary sum;

	*half = NAN;
	if (n == 0 || stats_summarize(x, n, 0.95, &sum))
		return false;
	if (sum.median > 0)
		*half = fmax(sum.hi - sum.median, sum.median - sum.lo) /
			sum.median;
	else
		*half = sum.hi > sum.lo ? INFINITY : 0;
	return n >= min_n && *half <= precision;
}

/* One more repetition for each configuration that needs it. */
static void
plan_precision(struct sched *s)
{
	size_t from = s->qn;

	if (s->o.precision <= 0)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct cfg_state *c = &s->cs[i];
		double half;
		unsigned next = 0;

		if (!c->runnable || c->failed || c->n_ok == 0)
			continue;
		if (sched_precise(c->ok, c->n_ok, s->o.min_rep, s->o.precision,
				  &half))
			continue;
		for (unsigned r = 1; r <= s->o.max_rep && !next; r++)
			if (c->state[r - 1] == REP_NONE)
				next = r;
		if (next)
			push(s, i, next, 1);
	}
	shuffle_tail(s, from);
}

bool
sched_next(struct sched *s, struct config *out, size_t *cfg)
{
	if (s->qpos == s->qn) {
		s->qn = s->qpos = 0;
		if (!s->base_done) {
			s->base_done = true;
			plan_base(s);
		}
		if (s->qn == 0)
			plan_retries(s);
		if (s->qn == 0)
			plan_precision(s);
		if (s->qn == 0)
			return false;
		s->round++;
	}
	*out = s->q[s->qpos];
	*cfg = s->qcfg[s->qpos];
	s->qpos++;
	return true;
}

size_t
sched_round_left(const struct sched *s)
{
	return s->qn - s->qpos;
}

unsigned
sched_round(const struct sched *s)
{
	return s->round;
}

void
sched_report(const struct sched *s, struct sched_report *r)
{
	double *halves = xalloc_calloc(s->n, sizeof(double), NULL);
	size_t nh = 0;

	memset(r, 0, sizeof(*r));
	r->fewest_reps = ~0u;
	r->worst_half = NAN;
	r->median_half = NAN;
	for (size_t i = 0; i < s->n; i++) {
		const struct cfg_state *c = &s->cs[i];
		double half;
		bool precise;

		if (!c->runnable)
			continue;
		r->configs++;
		for (unsigned k = 0; k < s->o.max_rep; k++) {
			r->interfered += c->tries[k] > 1 ||
					 c->state[k] == REP_GAVE_UP ||
					 c->state[k] == REP_INTERFERED;
			r->remeasured += c->tries[k] > 1;
			r->gave_up += c->state[k] == REP_GAVE_UP;
		}
		r->rows_ok += c->n_ok;
		if (c->n_ok == 0)
			continue;
		r->with_ok++;
		if (c->n_ok > r->most_reps)
			r->most_reps = (unsigned)c->n_ok;
		if (c->n_ok < r->fewest_reps)
			r->fewest_reps = (unsigned)c->n_ok;
		precise = sched_precise(c->ok, c->n_ok, s->o.min_rep,
					s->o.precision, &half);
		r->precise += precise;
		r->at_max += !precise && c->n_ok >= s->o.max_rep;
		if (isnan(half))
			continue;
		halves[nh++] = half;
		if (isnan(r->worst_half) || half > r->worst_half) {
			r->worst_half = half;
			r->worst_cfg = i;
		}
	}
	if (nh) {
		stats_sort(halves, nh);
		r->median_half = stats_median_sorted(halves, nh);
	}
	if (r->fewest_reps == ~0u)
		r->fewest_reps = 0;
	free(halves);
}

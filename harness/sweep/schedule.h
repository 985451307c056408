/*
 * The sweep's schedule: which (configuration, repetition, attempt) runs
 * next, decided as the results come in.
 *
 * Base round (repetitions 1..min_rep), stratified in time: the round is
 * min_rep strata run one after the other; every configuration has one
 * repetition in every stratum, which one drawn per configuration (a
 * random permutation of 1..min_rep), and each stratum is shuffled.  A
 * fast or slow stretch of the machine then falls on about one repetition
 * of each configuration it covers, and on different repetition numbers of
 * different configurations, never "repetition 2 of everything".
 *
 * Re-measurement: a row whose status is `interfered` is run again (same
 * repetition, same seed, attempt + 1) after the round it ran in, up to
 * max_attempts attempts; the interfered rows stay in results.csv.
 *
 * Precision rounds (precision > 0): after a round, every configuration
 * whose median's interval (stats_summarize at 95%, or [min, max] while n
 * is too small for 95%) is wider than +-precision of the median, and that
 * has fewer than max_rep repetitions, gets one more repetition (the next
 * number, whose seed every map shares), in a new shuffled round; until
 * none needs one.  A configuration with a row that failed (crashed,
 * timeout, oom, ...) gets no precision rounds: it has no figure to refine.
 *
 * The same state is rebuilt from results.csv on --resume (sched_record of
 * every row read back), so an interrupted sweep continues where it was.
 */
#ifndef MAPBENCH_SCHEDULE_H
#define MAPBENCH_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct sched_opts {
	unsigned min_rep;      /* base repetitions (all of --repeat N) */
	unsigned max_rep;      /* at most, with precision rounds */
	unsigned max_attempts; /* runs of one (configuration, rep) */
	double precision;      /* target half-width / median; 0: none */
	uint64_t seed;	       /* the sweep's --seed */
};

struct sched;

/* A schedule over grid[0..n) (refused configurations are skipped). */
struct sched *sched_new(const struct config *grid, size_t n,
			const struct sched_opts *o);
void sched_free(struct sched *s);

/*
 * A row that exists: read back from results.csv or just measured.
 * `cfg` indexes the grid; mops is used only when status is "ok".
 */
void sched_record(struct sched *s, size_t cfg, unsigned rep, unsigned attempt,
		  const char *status, double mops);

/*
 * The next row to run (a copy of its grid configuration with rep, seed
 * and attempt set, and *cfg its grid index), or false when the sweep is
 * complete.
 */
bool sched_next(struct sched *s, struct config *out, size_t *cfg);

/* Rows left in the current round (for the ETA); its number. */
size_t sched_round_left(const struct sched *s);
unsigned sched_round(const struct sched *s);

struct sched_report {
	size_t configs;	    /* runnable configurations */
	size_t with_ok;	    /* of which with at least one ok row */
	size_t precise;	    /* whose interval is within the target */
	size_t at_max;	    /* not precise after max_rep repetitions */
	double median_half; /* median over configurations of half/median */
	double worst_half;  /* the largest */
	size_t worst_cfg;   /* its grid index */
	size_t rows_ok;	    /* ok rows */
	size_t interfered;  /* rows marked interfered */
	size_t remeasured;  /* (config, rep) measured again after that */
	size_t gave_up;	    /* still interfered after max_attempts */
	unsigned most_reps; /* ok repetitions, the most any config has */
	unsigned fewest_reps;
};

void sched_report(const struct sched *s, struct sched_report *r);

/*
 * Is `x[0..n)` precise enough: n >= min_n and the 95% interval of the
 * median (or [min, max] for small n) within +-precision of it?  *half
 * gets the half-width over the median (NaN when n == 0).
 */
bool sched_precise(const double *x, size_t n, unsigned min_n, double precision,
		   double *half);

#endif /* MAPBENCH_SCHEDULE_H */

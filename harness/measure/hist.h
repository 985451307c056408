/*
 * Log-linear latency histogram (HDR style): values below 2^HIST_SUB are
 * counted exactly; above, each power of two is split into 2^HIST_SUB
 * equal buckets, so every recorded value is known to within 1/2^HIST_SUB
 * (1.6%) of itself.  Recording is a count increment with no branch on the
 * hot path beyond the bucket computation.  One histogram per thread; the
 * driver merges them after the threads join.
 */
#ifndef MAPBENCH_HIST_H
#define MAPBENCH_HIST_H

#include <stdint.h>

#define HIST_SUB     6
#define HIST_BUCKETS ((64 - HIST_SUB + 1) << HIST_SUB)

struct hist {
	uint64_t count;
	uint64_t max;
	uint64_t max_at; /* caller's stamp of the max sample (hist_record_at) */
	uint64_t b[HIST_BUCKETS];
};

static inline unsigned
hist_bucket(uint64_t v)
{
	unsigned e;

	if (v < (UINT64_C(1) << HIST_SUB))
		return (unsigned)v;
	e = 63 - (unsigned)__builtin_clzll(v); /* e >= HIST_SUB */
	return ((e - HIST_SUB + 1) << HIST_SUB) +
	       (unsigned)((v >> (e - HIST_SUB)) & ((1u << HIST_SUB) - 1));
}

static inline void
hist_record(struct hist *h, uint64_t v)
{
	h->b[hist_bucket(v)]++;
	h->count++;
	if (v > h->max)
		h->max = v;
}

/* Record v; when it is a new maximum, remember `at` beside it. */
static inline void
hist_record_at(struct hist *h, uint64_t v, uint64_t at)
{
	h->b[hist_bucket(v)]++;
	h->count++;
	if (v > h->max) {
		h->max = v;
		h->max_at = at;
	}
}

void hist_merge(struct hist *into, const struct hist *from);
/*
 * The value at quantile q (0..1), nearest rank, at most max.  In a bucket
 * wider than `res` (the clock's step, in the histogram's unit) the value
 * is interpolated linearly by the rank's place among the bucket's samples;
 * in a narrower one, where the clock cannot tell its values apart, it is
 * the bucket's midpoint.
 */
double hist_quantile(const struct hist *h, double q, double res);

#endif /* MAPBENCH_HIST_H */

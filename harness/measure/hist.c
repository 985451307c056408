#include "hist.h"

void
hist_merge(struct hist *into, const struct hist *from)
{
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		into->b[i] += from->b[i];
	into->count += from->count;
	if (from->max > into->max) {
		into->max = from->max;
		into->max_at = from->max_at;
	}
}

/* The smallest value in bucket `i`, and the bucket's width. */
static void
bucket_range(unsigned i, uint64_t *lo, uint64_t *width)
{
	unsigned e;

	if (i < (1u << HIST_SUB)) {
		*lo = i;
		*width = 1;
		return;
	}
	e = (i >> HIST_SUB) + HIST_SUB - 1;
	*width = UINT64_C(1) << (e - HIST_SUB);
	*lo = (UINT64_C(1) << e) +
	      (uint64_t)(i & ((1u << HIST_SUB) - 1)) * *width;
}

double
hist_quantile(const struct hist *h, double q, double res)
{
	uint64_t rank, seen = 0, lo, width;
	double v;

	if (h->count == 0)
		return 0;
	rank = (uint64_t)(q * (double)h->count);
	if (rank >= h->count)
		rank = h->count - 1;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		if (seen + h->b[i] > rank) {
			bucket_range(i, &lo, &width);
			if ((double)width > res)
				/* the rank's place among the bucket's samples
				 */
				v = (double)lo +
				    (double)width *
					    ((double)(rank - seen) + 0.5) /
					    (double)h->b[i];
			else
				v = (double)lo + (double)(width - 1) / 2;
			return v > (double)h->max ? (double)h->max : v;
		}
		seen += h->b[i];
	}
	return (double)h->max;
}

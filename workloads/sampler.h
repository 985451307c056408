/*
 * Key samplers for the synthetic workloads: a fast PRNG, bounded draws,
 * Zipf keys, geometric gaps, and the churn key sequence.  The per-draw
 * parts run inside the timed window, once per operation, so they are O(1)
 * with no transcendental function and no division.
 *
 * Zipf: p(rank i) = i^-theta / H(n, theta), i = 1..n, exactly.  The ranks
 * are scrambled onto the keys (rank r is key (r-1) * mult mod n, mult
 * coprime to n) so that hot keys are spread over the key space.  The
 * sampler is Walker's alias method in Vose's stable construction, built
 * once per configuration outside the window over the *keys* (so the
 * scramble costs nothing per draw): a uniform column j, then key j or its
 * alias by one comparison.  One 64-bit random number gives both: the high
 * half of r * n is the column, the low half (the fraction Lemire's
 * multiply-shift drops) is the coin.  The table is 8 bytes per key and
 * its access is uniform over them, which docs/METHOD.md states.
 */
#ifndef MAPBENCH_SAMPLER_H
#define MAPBENCH_SAMPLER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* wyrand (Wang Yi): one add and one 64x64->128 multiply per number. */
static inline uint64_t
rng_next(uint64_t *s)
{
	unsigned __int128 t;

	*s += UINT64_C(0xa0761d6478bd642f);
	t = (unsigned __int128)*s * (*s ^ UINT64_C(0xe7037ed1a0b428db));
	return (uint64_t)(t >> 64) ^ (uint64_t)t;
}

/* Lemire's multiply-shift: r uniform on 64 bits -> uniform on [0, n). */
static inline uint64_t
rng_bound(uint64_t r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)r * n) >> 64);
}

/* splitmix64's finaliser: decorrelates derived seeds. */
static inline uint64_t
seed_mix(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

/* One alias-table column: keep `self` if coin < thr, else take alias. */
struct zipf_cell {
	uint32_t thr;	/* P(keep) * 2^32, saturated at 2^32 - 1 = always */
	uint32_t alias; /* a key */
};

struct zipf {
	uint64_t n;
	double theta;
	uint64_t mult;		/* the rank scramble */
	struct zipf_cell *cell; /* n cells, indexed by key */
};

/* Greatest common divisor (gcd(a, 0) == a). */
uint64_t sampler_gcd(uint64_t a, uint64_t b);

/* Build the table: 0, or -1 (n == 0, n > 2^32, or out of memory). */
int zipf_init(struct zipf *z, uint64_t n, double theta);
void zipf_free(struct zipf *z);
/* The key of rank `rank` (0-based): the scramble, outside the window. */
uint64_t zipf_rank_key(const struct zipf *z, uint64_t rank);
/* Exact probability of rank `rank` (0-based), for tests. */
double zipf_rank_prob(const struct zipf *z, uint64_t rank);

static inline uint64_t
zipf_next(const struct zipf *z, uint64_t r)
{
	unsigned __int128 x = (unsigned __int128)r * z->n;
	uint64_t col = (uint64_t)(x >> 64);
	uint32_t coin = (uint32_t)((uint64_t)x >> 32);
	struct zipf_cell c = z->cell[col];

	return coin < c.thr ? col : c.alias;
}

/*
 * Geometric gap with mean `mean` (>= 1): the number of operations up to
 * and including the next sampled one.  A log per *sample*, not per op.
 */
uint64_t geometric_gap(uint64_t *s, double mean);

/* Churn: thread tid of `threads` owns keys seq * threads + tid. */
static inline uint64_t
churn_key(uint64_t seq, unsigned tid, unsigned threads)
{
	return seq * threads + tid;
}

#ifdef __cplusplus
}
#endif

#endif /* MAPBENCH_SAMPLER_H */

/*
 * Key samplers for the synthetic workloads: a fast PRNG, bounded draws,
 * Zipf ranks, and the churn key sequence.  Everything here runs inside the
 * timed window, once per operation, so it must stay O(1) and cheap.
 */
#ifndef MAPBENCH_SAMPLER_H
#define MAPBENCH_SAMPLER_H

#include <math.h>
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

/*
 * Zipf ranks (Gray et al., "Quickly generating billion-record synthetic
 * databases", SIGMOD 1994), scrambled: rank r becomes key (r * mult) mod n
 * with mult coprime to n, a bijection that spreads the hot keys over the
 * key space instead of clustering them at 0, 1, 2, ...
 */
struct zipf {
	uint64_t n;
	double theta, alpha, zetan, eta, half_pow_theta;
	uint64_t mult;
};

void zipf_init(struct zipf *z, uint64_t n, double theta);

static inline uint64_t
zipf_next(const struct zipf *z, uint64_t r)
{
	double u = (double)(r >> 11) * 0x1p-53, uz = u * z->zetan;
	uint64_t rank;

	if (uz < 1)
		rank = 0;
	else if (uz < 1 + z->half_pow_theta)
		rank = 1;
	else
		rank = (uint64_t)((double)z->n *
				  pow(z->eta * u - z->eta + 1, z->alpha));
	if (rank >= z->n)
		rank = z->n - 1;
	return (uint64_t)(((unsigned __int128)rank * z->mult) % z->n);
}

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

/*
 * The one 64-bit hash every implementation uses, so that a comparison
 * measures synchronisation, not hash quality.  It is the finaliser of
 * MurmurHash3 (fmix64): a bijection on 64 bits with full avalanche, which
 * matters because benchmark keys are small consecutive integers.
 */
#ifndef MAPBENCH_HASH_H
#define MAPBENCH_HASH_H

#include <stdint.h>

static inline uint64_t
map_hash64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

#endif /* MAPBENCH_HASH_H */

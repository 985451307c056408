/*
 * The one 64-bit hash every implementation uses, so that a comparison
 * measures synchronisation, not hash quality.  Multiplicative (Fibonacci)
 * hashing folded onto itself: the multiply by an odd constant spreads
 * consecutive keys (benchmark keys are small consecutive integers) across
 * the high half, and the fold brings that high half into the low bits that
 * the tables mask with.  Both steps are bijections on 64 bits, so distinct
 * keys never share a full hash (lfht and hashtrie rely on that).
 *
 * It replaced MurmurHash3's finaliser (fmix64), whose two dependent
 * multiplies put about 12 cycles in front of every probe: syncmap's
 * LoadMostlyMisses went from 4.4 to 3.3 ns/op and LoadMostlyHits from 4.2
 * to 3.9 (gbench, 1 thread, 2-vCPU AMD EPYC guest), the same change for
 * every map.  Go's runtime hashes with AES instructions or wyhash, also a
 * handful of cycles.
 *
 * map_mix64 keeps fmix64 for the one design that consumes its hash as
 * random bits rather than as a table index: hashtrie walks the hash four
 * bits at a time from the top, and the shape of Go's trie is that of a
 * random hash (Go seeds its runtime hash per map); multiplicative hashing
 * of consecutive keys would give it a flatter trie than Go ever builds.
 */
#ifndef MAPBENCH_HASH_H
#define MAPBENCH_HASH_H

#include <stdint.h>

static inline uint64_t
map_hash64(uint64_t x)
{
	x *= UINT64_C(0x9e3779b97f4a7c15); /* 2^64 / golden ratio, odd */
	x ^= x >> 32;
	return x;
}

/* MurmurHash3's finaliser: a bijection with full avalanche. */
static inline uint64_t
map_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= UINT64_C(0xff51afd7ed558ccd);
	x ^= x >> 33;
	x *= UINT64_C(0xc4ceb9fe1a85ec53);
	x ^= x >> 33;
	return x;
}

#endif /* MAPBENCH_HASH_H */

/*
 * leanloop: the leanest loop over one vtable call, to hold mapbench's
 * figure for a map's loads against (issue 20).
 *
 *	leanloop --impl NAME [--keys N] [--prefill PCT] [--seconds S]
 *		 [--seed N]
 *
 * One thread, the map created unsized and filled with Store over a
 * pseudo-random PCT% (50) of the keys 0..N-1 (1000), as mapbench's
 * warm-up does; then loads of keys drawn uniformly from 0..N-1, taken
 * from a ring generated before the timed loop (4 x N keys, at least
 * 65,536 and at most 2^24, so that the ring does not shrink the set of
 * keys a pass touches below the key space), through
 * ops->load and nothing else: no operation draw, no counters but the
 * hits, the clock read once per pass over the ring.  Prints one line:
 * impl, keys, loads, seconds, thread CPU seconds, Mops per CPU-second and
 * thread-ns per load.  bench/leanloop.sh sets it beside `mapbench run`.
 * Exit 2 on bad arguments.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "map.h"
#include "num.h"
#include "sampler.h"
#include "workloads.h"

#define RING_MIN (UINT64_C(1) << 16)
#define RING_MAX (UINT64_C(1) << 24)

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static _Noreturn void
bad(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, "leanloop: %s '%s': want %s\n", opt, val ? val : "",
		want);
	exit(2);
}

static uint64_t
number(const char *opt, const char *s, uint64_t lo, uint64_t hi)
{
	uint64_t v;

	if (s == NULL || !num_parse_u64(s, lo, hi, false, &v))
		bad(opt, s, "a decimal whole number in range");
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"impl", required_argument, NULL, 'i'},
		{"keys", required_argument, NULL, 'k'},
		{"prefill", required_argument, NULL, 'p'},
		{"seconds", required_argument, NULL, 's'},
		{"seed", required_argument, NULL, 'r'},
		{NULL, 0, NULL, 0},
	};
	const struct map_ops *ops = NULL;
	uint64_t keys = 1000, prefill = 50, seed = 1, s, hits = 0, loads = 0;
	double seconds = 1, t0, c0, t, c;
	uint32_t *ring; /* 32-bit keys, as mapbench's ring (plan.h) */
	uint64_t nring = RING_MIN;
	struct map *m;
	int ch;

	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'i':
			ops = map_find(optarg);
			if (ops == NULL)
				bad("--impl", optarg, "a built-in map name");
			break;
		case 'k':
			keys = number("--keys", optarg, 1, UINT64_C(1) << 32);
			break;
		case 'p':
			prefill = number("--prefill", optarg, 0, 100);
			break;
		case 's':
			seconds = (double)number("--seconds", optarg, 1, 600);
			break;
		case 'r':
			seed = number("--seed", optarg, 0, UINT64_MAX);
			break;
		default:
			exit(2);
		}
	}
	if (ops == NULL || optind != argc)
		bad("usage", optind < argc ? argv[optind] : NULL,
		    "leanloop --impl NAME [--keys N] [--prefill PCT] "
		    "[--seconds S] [--seed N]");
	while (nring < 4 * keys && nring < RING_MAX)
		nring <<= 1;
	ring = malloc(sizeof(*ring) * nring);
	m = map_ops_create(ops, NULL, 0);
	if (ring == NULL || m == NULL) {
		fprintf(stderr, "leanloop: out of memory\n");
		return 1;
	}
	map_ops_thread_enter(ops);
	s = seed_mix(seed);
	for (uint64_t k = 0; k < keys; k++)
		if (rng_bound(rng_next(&s), 100) < prefill &&
		    ops->store(m, k, WL_VAL(k)) != 0) {
			fprintf(stderr, "leanloop: store failed\n");
			return 1;
		}
	map_ops_settle(ops, m, 30);
	for (uint64_t i = 0; i < nring; i++)
		ring[i] = (uint32_t)rng_bound(rng_next(&s), keys);
	t0 = clock_s(CLOCK_MONOTONIC);
	c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
	do {
		for (uint64_t i = 0; i < nring; i++) {
			void *v;

			hits += ops->load(m, ring[i], &v);
		}
		loads += nring;
		t = clock_s(CLOCK_MONOTONIC);
	} while (t - t0 < seconds);
	c = clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
	printf("impl=%s keys=%llu loads=%llu hits=%llu seconds=%.4f "
	       "cpu_seconds=%.4f mops_per_cpu_s=%.4f thread_ns_per_load=%.3f\n",
	       ops->name, (unsigned long long)keys, (unsigned long long)loads,
	       (unsigned long long)hits, t - t0, c, (double)loads / c / 1e6,
	       c * 1e9 / (double)loads);
	map_ops_thread_exit(ops);
	ops->destroy(m);
	free(ring);
	return 0;
}

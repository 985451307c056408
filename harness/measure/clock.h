/*
 * The harness's timer for latency samples.
 *
 * Where the CPU has an invariant TSC (cpuid 0x80000007 EDX bit 8, and the
 * kernel agrees: /proc/cpuinfo lists constant_tsc and nonstop_tsc), a
 * sample reads the TSC fenced on both sides (lfence; rdtsc), and
 * clock_init() calibrates ticks against CLOCK_MONOTONIC once per process.
 * Elsewhere the timer is clock_gettime(CLOCK_MONOTONIC) in nanoseconds.
 * Either way a sample is in ticks (clock_ns_per_tick() converts), the
 * clock's name and resolution are recorded with every row, and a
 * percentile below the resolution is reported as not resolvable rather
 * than as a number.
 */
#ifndef MAPBENCH_CLOCK_H
#define MAPBENCH_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define MB_HAVE_TSC 1
#else
#define MB_HAVE_TSC 0
#endif

struct mb_clock {
	bool tsc;	    /* invariant TSC in use */
	double ns_per_tick; /* 1 for clock_gettime */
	double res_ns;	    /* smallest step one read can see, in ns */
	double cost_ticks;  /* median back-to-back pair, subtracted */
	const char *name;   /* "tsc" or "clock_gettime" */
};

extern struct mb_clock mb_clock;

/* Pick and calibrate the clock (about 20 ms); idempotent. */
void clock_init(void);
/* Force clock_gettime (tests, or MAPBENCH_CLOCK=clock_gettime). */
void clock_init_named(const char *name);

/* Clock `id` (CLOCK_MONOTONIC, a CPU-time clock) in ns. */
static inline uint64_t
clock_ns_of(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t
clock_mono_ns(void)
{
	return clock_ns_of(CLOCK_MONOTONIC);
}

/* One timestamp in ticks of mb_clock. */
static inline uint64_t
clock_ticks(void)
{
#if MB_HAVE_TSC
	if (mb_clock.tsc) {
		uint64_t t;

		_mm_lfence(); /* earlier instructions have completed */
		t = __rdtsc();
		_mm_lfence(); /* later ones start after the read */
		return t;
	}
#endif
	return clock_mono_ns();
}

#endif /* MAPBENCH_CLOCK_H */

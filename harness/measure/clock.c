/* The latency timer: choice, calibration, resolution (clock.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "sampler.h"

#if MB_HAVE_TSC
#include <cpuid.h>
#endif

struct mb_clock mb_clock = {false, 1.0, 1.0, 0.0, "clock_gettime"};
static bool inited;

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Both the CPU and the kernel say the TSC ticks at a constant rate. */
static bool
tsc_invariant(void)
{
#if MB_HAVE_TSC
	unsigned a, b, c, d;
	char line[4096];
	bool constant = false, nonstop = false;
	FILE *f;

	if (!__get_cpuid(0x80000000, &a, &b, &c, &d) || a < 0x80000007)
		return false;
	__get_cpuid(0x80000007, &a, &b, &c, &d);
	if (!(d & (1u << 8)))
		return false;
	f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "flags", 5) == 0) {
			constant = strstr(line, " constant_tsc") != NULL;
			nonstop = strstr(line, " nonstop_tsc") != NULL;
			break;
		}
	fclose(f);
	return constant && nonstop;
#else
	return false;
#endif
}

/* Ticks per nanosecond over a ~20 ms busy interval. */
static double
calibrate(void)
{
	uint64_t n0 = clock_mono_ns(), t0 = clock_ticks(), n1, t1;

	do
		n1 = clock_mono_ns();
	while (n1 - n0 < 20000000u);
	t1 = clock_ticks();
	return (double)(n1 - n0) / (double)(t1 - t0);
}

/* The median cost of a back-to-back pair, and the smallest step seen. */
static void
measure(void)
{
	enum { N = 4001 };
	static uint64_t d[N];
	uint64_t g = 0;

	for (int i = 0; i < N; i++) {
		uint64_t t0 = clock_ticks(), t1 = clock_ticks();

		d[i] = t1 - t0;
		g = sampler_gcd(g, d[i]);
	}
	qsort(d, N, sizeof(d[0]), cmp_u64);
	mb_clock.cost_ticks = (double)d[N / 2];
	/*
	 * The resolution: the granularity of the differences this clock
	 * yields here, the gcd of all the back-to-back differences seen
	 * (a VM's TSC may advance in steps of many ticks; a coarse
	 * clock_gettime in steps of 10 ns or more).  At least one tick.
	 */
	mb_clock.res_ns = (double)(g ? g : 1) * mb_clock.ns_per_tick;
}

void
clock_init_named(const char *name)
{
	mb_clock.tsc = false;
	mb_clock.ns_per_tick = 1.0;
	mb_clock.name = "clock_gettime";
	if ((!name || strcmp(name, "tsc") == 0) && tsc_invariant()) {
		mb_clock.tsc = true;
		mb_clock.ns_per_tick = calibrate();
		mb_clock.name = "tsc";
	}
	measure();
	inited = true;
}

void
clock_init(void)
{
	if (!inited)
		clock_init_named(getenv("MAPBENCH_CLOCK"));
}

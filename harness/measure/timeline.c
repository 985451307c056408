/*
 * Throughput timelines (timeline.h): the drift figure of a row and its
 * timeline cell.  `mapbench timeline` draws them (tlplot.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "timeline.h"

bool
timeline_drift_of(const double *mops, const double *cpu, size_t n, double *pct)
{
	size_t q = n / 4;
	double ops0 = 0, ops1 = 0, cpu0 = 0, cpu1 = 0;

	if (n < TL_DRIFT_MIN)
		return false;
	for (size_t i = 0; i < q; i++) {
		ops0 += mops[i];
		ops1 += mops[n - q + i];
		cpu0 += cpu[i];
		cpu1 += cpu[n - q + i];
	}
	if (cpu0 < TL_DRIFT_MIN_CPU * (double)q ||
	    cpu1 < TL_DRIFT_MIN_CPU * (double)q)
		return false;
	if (!(ops0 > 0)) {
		/* Nothing done at the start: any later work is a drift. */
		*pct = ops1 > 0 ? INFINITY : 0;
		return true;
	}
	*pct = 100 * ((ops1 / cpu1) / (ops0 / cpu0) - 1);
	return true;
}

bool
timeline_drift(const struct result *r, double *pct)
{
	double v[TL_POINTS], c[TL_POINTS];
	unsigned n = r->tl_n < TL_POINTS ? r->tl_n : TL_POINTS;

	for (unsigned i = 0; i < n; i++) {
		v[i] = r->tl_mops[i];
		c[i] = r->tl_cpu[i];
	}
	return timeline_drift_of(v, c, n, pct);
}

void
timeline_format(const struct result *r, bool cpu, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < r->tl_n && i < TL_POINTS && n < len; i++)
		n += (size_t)snprintf(
			buf + n, len - n, cpu ? "%s%.3g" : "%s%.4g",
			i ? ";" : "",
			(double)(cpu ? r->tl_cpu[i] : r->tl_mops[i]));
}

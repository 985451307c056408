/*
 * procmem: what the process holds: the allocator's bytes, its peak
 * resident set, the machine's available memory.  Used by the driver (a
 * row's memory) and the sweep (the memory check before it starts).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#ifdef MAPBENCH_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "procmem.h"

/* Bytes the program has allocated (jemalloc's view); 0 without jemalloc. */
uint64_t
procmem_allocated(void)
{
#ifdef MAPBENCH_HAVE_JEMALLOC
	uint64_t epoch = 1;
	size_t allocated, len = sizeof(epoch);

	/* stats are snapshots: writing "epoch" refreshes them */
	if (mallctl("epoch", &epoch, &len, &epoch, sizeof(epoch)))
		return 0;
	len = sizeof(allocated);
	if (mallctl("stats.allocated", &allocated, &len, NULL, 0))
		return 0;
	return allocated;
#else
	return 0;
#endif
}

/* Return the calling thread's cached free objects to jemalloc's arenas. */
void
procmem_flush_thread_cache(void)
{
#ifdef MAPBENCH_HAVE_JEMALLOC
	mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
#endif
}

/* Start a new peak-RSS interval (Linux: "5" to clear_refs resets VmHWM). */
void
procmem_peak_rss_reset(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, "5", 1) < 0) {
			/* older kernel: the peak stays process-wide */
		}
		close(fd);
	}
}

/* Peak resident set size since the last reset, in KiB. */
long
procmem_peak_rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

uint64_t
procmem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	unsigned long long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (uint64_t)kb * 1024;
}

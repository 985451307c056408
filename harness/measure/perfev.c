/* perf_event_open counters per worker (perfev.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "perfev.h"

const char *const perfev_names[PEV_N] = {"ctx_switches", "cpu_migrations",
					 "instructions", "cache_misses"};

static const struct {
	uint32_t type;
	uint64_t config;
} events[PEV_N] = {
	{PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
	{PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS},
	{PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
	{PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
};

static char note[160];

void
perfev_open(struct perfev *p)
{
	for (int i = 0; i < PEV_N; i++) {
		struct perf_event_attr a;

		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = events[i].type;
		a.config = events[i].config;
		a.disabled = 1;
		/*
		 * Context switches and migrations happen in the kernel:
		 * excluding it would read 0.  Where perf_event_paranoid
		 * forbids kernel counting the open fails and the counter
		 * is NA (never a 0 that means "not counted").
		 */
		p->fd[i] = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1,
					PERF_FLAG_FD_CLOEXEC);
		if (p->fd[i] < 0 && !note[0])
			snprintf(note, sizeof(note),
				 "%s: perf_event_open: %s%s; such counters are "
				 "NA",
				 perfev_names[i], strerror(errno),
				 errno == EACCES || errno == EPERM
					 ? " (see /proc/sys/kernel/"
					   "perf_event_paranoid)"
				 : errno == ENOENT || errno == EOPNOTSUPP
					 ? " (no PMU: a VM?)"
					 : "");
	}
}

void
perfev_start(struct perfev *p)
{
	for (int i = 0; i < PEV_N; i++)
		if (p->fd[i] >= 0)
			ioctl(p->fd[i], PERF_EVENT_IOC_ENABLE, 0);
}

void
perfev_stop(struct perfev *p)
{
	for (int i = 0; i < PEV_N; i++)
		if (p->fd[i] >= 0)
			ioctl(p->fd[i], PERF_EVENT_IOC_DISABLE, 0);
}

void
perfev_close(struct perfev *p, int64_t v[PEV_N])
{
	for (int i = 0; i < PEV_N; i++) {
		uint64_t x;

		v[i] = -1;
		if (p->fd[i] < 0)
			continue;
		if (read(p->fd[i], &x, sizeof(x)) == (ssize_t)sizeof(x))
			v[i] = (int64_t)x;
		close(p->fd[i]);
		p->fd[i] = -1;
	}
}

const char *
perfev_note(void)
{
	return note[0] ? note : NULL;
}

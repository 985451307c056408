#define _GNU_SOURCE
#include "background.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * The state letter of thread `tid` (/proc/self/task/TID/stat, the field
 * after the command name's closing parenthesis), or 0 if it is gone.
 */
static char
thread_state(const char *tid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%s/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL || p[1] != ' ')
		return 0;
	return p[2];
}

/*
 * Is some other thread running, runnable or in uninterruptible sleep?
 * -1 when /proc cannot be read (then only CPU time decides).
 */
static int
others_busy(long self)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	char me[24];
	int busy = 0;

	if (d == NULL)
		return -1;
	snprintf(me, sizeof(me), "%ld", self);
	while (!busy && (e = readdir(d)) != NULL) {
		char s;

		if (e->d_name[0] == '.' || strcmp(e->d_name, me) == 0)
			continue;
		s = thread_state(e->d_name);
		busy = s == 'R' || s == 'D';
	}
	closedir(d);
	return busy;
}

int
map_background_wait_idle(double timeout_s)
{
	const uint64_t poll_ns = BACKGROUND_POLL_MS * UINT64_C(1000000);
	const uint64_t quiet_ns = BACKGROUND_QUIET_MS * UINT64_C(1000000);
	const uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
	const uint64_t limit = timeout_s > 0 ? (uint64_t)(timeout_s * 1e9) : 0;
	long self = (long)syscall(SYS_gettid);
	uint64_t quiet_since = t0, prev_t = t0;
	/*
	 * The other threads' CPU time: the process's minus ours.  Signed:
	 * the two clocks count our own pending runtime differently, so the
	 * difference can step back a little.
	 */
	int64_t prev_other = (int64_t)clock_ns(CLOCK_PROCESS_CPUTIME_ID) -
			     (int64_t)clock_ns(CLOCK_THREAD_CPUTIME_ID);

	for (;;) {
		struct timespec ts = {0, (long)poll_ns};
		uint64_t now;
		int64_t other;
		bool quiet;

		nanosleep(&ts, NULL);
		now = clock_ns(CLOCK_MONOTONIC);
		other = (int64_t)clock_ns(CLOCK_PROCESS_CPUTIME_ID) -
			(int64_t)clock_ns(CLOCK_THREAD_CPUTIME_ID);
		/* Other threads used under a tenth of the wall time. */
		quiet = (other - prev_other) * 10 < (int64_t)(now - prev_t) &&
			others_busy(self) <= 0;
		prev_other = other;
		prev_t = now;
		if (!quiet)
			quiet_since = now;
		else if (now - quiet_since >= quiet_ns)
			return 0;
		if (now - t0 >= limit)
			return -ETIMEDOUT;
	}
}

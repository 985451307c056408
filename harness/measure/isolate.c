/*
 * One row in a process of its own.
 *
 * isolate_run() forks; the child runs driver_run() and writes the result
 * struct into a pipe, then _exits without running atexit handlers or
 * flushing the parent's stdio buffers it inherited.  The parent waits for
 * the struct with a timeout: past it, the child is killed and the row is
 * `timeout`; a child killed by a signal is `crashed:SIGNAME`; a child
 * that exits without writing a whole struct (a map that called exit())
 * is `error`, said on stderr.  The child dies with its parent
 * (PR_SET_PDEATHSIG), its stdout goes to stderr (a map that prints cannot
 * corrupt run's CSV or JSON), and on the parent's first SIGINT or SIGTERM
 * the row is abandoned and the child killed at once.  So no allocator
 * state, RCU backlog or thread cache is carried from one row to the next,
 * and a crash or a hang of one map becomes a row with a status.
 *
 * The parent must be single-threaded when it forks (the harness is: the
 * workers of a row live and die in its child).  The result holds no
 * pointers except into the executable's own read-only data (the map_ops
 * the config points at), which fork() keeps at the same addresses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "driver.h"
#include "isolate.h"
#include "proc.h"

static void
child(const struct config *c, int fd, pid_t parent)
{
	struct result r;
	const char *sig = getenv("MAPBENCH_TEST_CHILD_SIGNAL");
	const char *p = (const char *)&r;
	size_t left = sizeof(r);

	proc_die_with_parent(parent);
	fflush(stdout);
	dup2(2, 1);
	/* Test hook: the child dies by this signal (tests/harness). */
	if (sig && *sig)
		raise(atoi(sig));
	double t0 = (clock_mono_ns() * 1e-9);

	driver_run_flags(c, &r, DRIVER_KEEP_MAP);
	r.isolate_ms = ((clock_mono_ns() * 1e-9) - t0) *
		       1e3; /* the child's own time */
	while (left) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);
		p += n;
		left -= (size_t)n;
	}
	_exit(0);
}

static void
fail_row(struct result *r, const char *status)
{
	memset(r, 0, sizeof(*r));
	r->bytes_per_key = -1;
	r->bytes_per_key_settled = -1;
	r->settle_s = -1;
	r->max_preempted = -1;
	for (int k = 0; k < 4; k++)
		r->perf[k] = -1;
	interf_none(&r->interf);
	snprintf(r->status, sizeof(r->status), "%s", status);
}

int
isolate_run(const struct config *c, struct result *r, double timeout_s)
{
	double t0 = (clock_mono_ns() * 1e-9), deadline = t0 + timeout_s;
	size_t got = 0;
	int fds[2], wstatus;
	pid_t pid, parent = getpid();
	bool timed_out = false, killed = false;

	if (pipe(fds) < 0) {
		fail_row(r, "error");
		return -errno;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		fail_row(r, "error");
		return -EAGAIN;
	}
	if (pid == 0) {
		close(fds[0]);
		child(c, fds[1], parent);
	}
	close(fds[1]);
	while (got < sizeof(*r)) {
		struct pollfd pfd = {fds[0], POLLIN, 0};
		double left = deadline - (clock_mono_ns() * 1e-9);
		ssize_t n;
		int rc;

		if (timeout_s > 0 && left <= 0) {
			timed_out = true;
			break;
		}
		rc = poll(&pfd, 1,
			  timeout_s > 0 ? (int)(left * 1000) + 1 : 1000);
		if (rc < 0 && errno == EINTR) {
			if (driver_interrupted) {
				/* The row is abandoned: do not wait for it. */
				kill(pid, SIGKILL);
				killed = true;
				break;
			}
			continue;
		}
		if (rc <= 0)
			continue;
		n = read(fds[0], (char *)r + got, sizeof(*r) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fds[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	if (timed_out) {
		fail_row(r, "timeout");
	} else if (killed) {
		fail_row(r, "interrupted");
	} else if (WIFSIGNALED(wstatus)) {
		char s[sizeof(r->status)];
		const char *name = sigabbrev_np(WTERMSIG(wstatus));

		if (name)
			snprintf(s, sizeof(s), "crashed:SIG%s", name);
		else
			snprintf(s, sizeof(s), "crashed:%d", WTERMSIG(wstatus));
		fail_row(r, s);
	} else if (got < sizeof(*r) || WEXITSTATUS(wstatus) != 0) {
		if (got < sizeof(*r))
			fprintf(stderr,
				"mapbench: %s: the row's process ended with "
				"exit status %d before the row was measured "
				"(the map called exit()?): status error\n",
				c->ops->name, WEXITSTATUS(wstatus));
		fail_row(r, "error");
	} else {
		/* The cost: the parent's wall time beyond the child's. */
		r->isolate_ms =
			((clock_mono_ns() * 1e-9) - t0) * 1e3 - r->isolate_ms;
	}
	return 0;
}

/* One row, in a child process when the config says so. */
int
isolate_run_row(const struct config *c, struct result *r)
{
	if (c->isolate)
		return isolate_run(c, r, c->row_timeout);
	return driver_run(c, r);
}

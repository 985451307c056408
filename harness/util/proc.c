/*
 * Process helpers (proc.h) for the commands that run a map in a child
 * process (check, lincheck, isolated rows): a child that dies with its
 * parent, a guard against a map's exit(), reaping a child, and the
 * SIGINT/SIGTERM convention (the first one is recorded so that finished
 * work is kept, a second one kills at once).  Errors are returned; the
 * only exits are the ones these helpers exist for (a child whose parent
 * is gone, a map's exit() under proc_guard).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"

void
proc_die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
}

static const char *volatile guard_what;

static void
guard_atexit(void)
{
	const char *what = guard_what;

	if (what == NULL)
		return;
	fflush(stdout);
	fprintf(stderr,
		"mapbench: %s called exit() and ended the process before "
		"it returned; counted as a failure (exit status 1)\n",
		what);
	_exit(1);
}

void
proc_guard(const char *what)
{
	static int installed;

	if (!installed && what)
		installed = atexit(guard_atexit) == 0;
	guard_what = what;
}

int
proc_reap(pid_t pid, int fd, bool kill_it)
{
	int status = 0;

	close(fd);
	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

static volatile sig_atomic_t *proc_stop_flag;

static void
proc_on_stop(int sig)
{
	if (*proc_stop_flag) {
		/* The second one: stop now, as the default action would. */
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	*proc_stop_flag = sig;
}

void
proc_catch_stop(volatile sig_atomic_t *flag, struct sigaction *old_int,
		struct sigaction *old_term)
{
	struct sigaction sa;

	proc_stop_flag = flag;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = proc_on_stop;
	sigaction(SIGINT, &sa, old_int);
	sigaction(SIGTERM, &sa, old_term);
}

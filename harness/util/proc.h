/*
 * Process helpers (prefix proc_): a child that dies with its parent, a
 * guard against a map's exit(), reaping a child, and catching SIGINT and
 * SIGTERM the way every command does.
 */
#ifndef MAPBENCH_PROC_H
#define MAPBENCH_PROC_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

/*
 * proc_die_with_parent: called by a child right after fork(); the child
 * gets SIGKILL when `parent` ends (PR_SET_PDEATHSIG), and _exits at once
 * if the parent already ended before the call (getppid() differs).
 */
void proc_die_with_parent(pid_t parent);
/*
 * proc_guard(what): while `what` (a string that outlives the guard, e.g.
 * "chainmap: create()") is set, an exit() called by the map's code is
 * reported on stderr ("mapbench: WHAT called exit() ...") and the
 * process ends with status 1 instead, so a map cannot
 * end mapbench with status 0 and no word.  proc_guard(NULL) clears it.
 */
void proc_guard(const char *what);

/*
 * Close `fd` (the read end of the child's pipe), send `pid` SIGKILL when
 * `kill_it`, and wait for it (waitpid, again on EINTR); its wait status.
 */
int proc_reap(pid_t pid, int fd, bool kill_it);

/*
 * SIGINT and SIGTERM from now on: the first sets *flag to the signal's
 * number (the caller stops at its next step and keeps what is done), a
 * second one ends the process at once as the default action would.  The
 * previous actions go to old_int/old_term (each may be NULL).
 */
void proc_catch_stop(volatile sig_atomic_t *flag, struct sigaction *old_int,
		     struct sigaction *old_term);

#endif /* MAPBENCH_PROC_H */

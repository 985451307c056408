/*
 * Background work of a map, seen from outside: has every other thread of
 * the process gone idle?  For maps whose library does work in threads of
 * its own and offers no "done" query (liburcu's cds_lfht resizes in a
 * worker thread and exposes neither its bucket count nor its resize
 * target).
 */
#ifndef MAPBENCH_BACKGROUND_H
#define MAPBENCH_BACKGROUND_H

/*
 * Wait until every thread of the process other than the caller has been
 * idle for BACKGROUND_QUIET_MS: none of them running or runnable (state
 * R) or in uninterruptible sleep (D) at any poll, and together they used
 * less than a tenth of the CPU time between two polls.  Returns 0 once
 * quiet, -ETIMEDOUT if not quiet within timeout_s seconds.  A thread that
 * waits on the run queue counts as busy, so a starved resize worker is
 * not mistaken for a finished one.  Call only while no other thread of
 * the caller's own uses the CPU (the harness calls it between the
 * prefill and the window, with no workers started).
 */
int map_background_wait_idle(double timeout_s);

#define BACKGROUND_QUIET_MS 20
#define BACKGROUND_POLL_MS  2

#endif /* MAPBENCH_BACKGROUND_H */

/*
 * The driver: measure one configuration once (a fresh map, the prefill,
 * the timed window, the counters and memory after it) into a result.
 */
#ifndef MAPBENCH_DRIVER_H
#define MAPBENCH_DRIVER_H

#include <signal.h>
#include <stdbool.h>

#include "config.h"
#include "result.h"

/* Find the CPUs we may run on; calibrate the timer.  Once, first. */
void driver_init(bool pin, bool verbose);
/* How many CPUs the process may run on (after driver_init). */
unsigned driver_ncpus(void);
/*
 * Measure c once into r, in this process (isolate.h runs it in a child).
 * 0, or -ENOMEM when the map could not be created or filled.
 */
int driver_run(const struct config *c, struct result *r);
/*
 * driver_run, with DRIVER_KEEP_MAP: the map is not destroyed, for a child
 * process that exits right after (isolate.c: a 1M-key lfht takes longer to
 * destroy than to measure).
 */
#define DRIVER_KEEP_MAP 1u
int driver_run_flags(const struct config *c, struct result *r, unsigned flags);
/* Set by the SIGINT/SIGTERM handler; the driver stops its run early. */
extern volatile sig_atomic_t driver_interrupted;

#endif /* MAPBENCH_DRIVER_H */

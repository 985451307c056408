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
/* Set by the SIGINT/SIGTERM handler; the driver stops its run early. */
extern volatile sig_atomic_t mb_interrupted;

#endif /* MAPBENCH_DRIVER_H */

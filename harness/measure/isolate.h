/*
 * isolate: one row in a process of its own (isolate.c), above the
 * driver: isolate.c calls the driver, never the other way round.
 */
#ifndef MAPBENCH_ISOLATE_H
#define MAPBENCH_ISOLATE_H

#include "config.h"
#include "result.h"

/* driver_run() in a child process; always fills r (its status). */
int isolate_run(const struct config *c, struct result *r, double timeout_s);
/* isolate_run() or driver_run() as c->isolate says. */
int isolate_run_row(const struct config *c, struct result *r);

#endif /* MAPBENCH_ISOLATE_H */

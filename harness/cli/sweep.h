/* mapbench sweep and mapbench run: measure a grid. */
#ifndef MAPBENCH_SWEEP_H
#define MAPBENCH_SWEEP_H

#include "opts.h"

/* Exit status: 0, 1 (a write failed), 2 (bad input), 130/143 (a signal). */
int cmd_sweep(const struct opts *o, int argc, char **argv);
int cmd_run(const struct opts *o);

#endif /* MAPBENCH_SWEEP_H */

/* mapbench check: the correctness suites on any map. */
#ifndef MAPBENCH_CHECK_H
#define MAPBENCH_CHECK_H

/* argv[0] is "check".  0 all passed, 1 a check failed, 2 bad input. */
int cmd_check(int argc, char **argv);

#endif /* MAPBENCH_CHECK_H */

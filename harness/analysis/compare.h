/*
 * compare: `mapbench compare A B [C ...]` (see compare.c).  What it reads
 * from the schema is compare_id.h; the sweep directory reader it shares
 * with the report page is sweepdir.h.
 */
#ifndef MAPBENCH_COMPARE_H
#define MAPBENCH_COMPARE_H

#include "compare_id.h"

/* mapbench compare ...: argv[0] is "compare".  Returns the exit status. */
int compare_main(int argc, char **argv);

#endif /* MAPBENCH_COMPARE_H */

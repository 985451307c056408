/*
 * xalloc: allocation for a command's own bookkeeping, where running out
 * of memory leaves nothing to recover: one message, exit status 1.
 */
#ifndef MAPBENCH_XALLOC_H
#define MAPBENCH_XALLOC_H

#include <stddef.h>

/*
 * calloc(n ? n : 1, size), or "mapbench: WHO: out of memory" (who may be
 * NULL: "mapbench: out of memory") on stderr and exit(1).
 */
void *xalloc_calloc(size_t n, size_t size, const char *who);

#endif /* MAPBENCH_XALLOC_H */

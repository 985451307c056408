/*
 * meta.json: the record of where and how a sweep ran (the process's
 * memory is procmem.h).
 */
#ifndef MAPBENCH_SYSINFO_H
#define MAPBENCH_SYSINFO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "opts.h"

/*
 * The grid's identity: the schema's version, every ID, METHOD and PLAN
 * column's values over the grid (schema_grid_json) and the plugin
 * libraries, as JSON.  Two sweeps with equal identities may share a
 * directory.
 */
json_t *sysinfo_grid_identity(const struct config *grid, size_t n);

/*
 * Write meta.json atomically (a temporary file renamed over it).  On a
 * resume the first run's record is kept and the resume appended.
 * 0, or -errno.
 */
int sysinfo_write_meta(const char *path, const struct opts *o,
		       const struct config *grid, size_t n, int argc,
		       char **argv, bool resumed, unsigned ncpus);

#endif /* MAPBENCH_SYSINFO_H */

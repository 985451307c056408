/*
 * A sweep's output directory (prefix outdir_), for `mapbench sweep`:
 * made, locked and checked before anything is written; on --resume
 * checked against the grid it holds and read back into the schedule; one
 * row appended at a time.  Bad input is the command line's: one line and
 * exit status 2 (see docs/DESIGN.md, "Errors").
 */
#ifndef MAPBENCH_OUTDIR_H
#define MAPBENCH_OUTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "config.h"
#include "opts.h"
#include "result.h"
#include "schedule.h"

struct outdir {
	char *dir, *csv, *meta, *lock, *plots;
	int lock_fd;
};

/*
 * Make the directory, take its lock, and check results.csv is a regular
 * file (or absent) before anything is written; bad input exits 2.
 */
void outdir_open(const struct opts *o, struct outdir *d);
/* What outdir_open allocated (the lock stays held until exit). */
void outdir_free(const struct opts *o, struct outdir *d);
/*
 * --resume continues the same grid only: every ID, METHOD and PLAN column
 * of the schema (meta.json's "grid") and the plugin libraries must be as
 * they were; else one line naming the options that differ, exit 2.
 */
void outdir_check_grid(const struct config *grid, size_t n,
		       const struct outdir *d);
/*
 * Feed every row of results.csv to the schedule (resume); the count.
 * Checks the header is this schema's and cuts a partial last row off.
 */
size_t outdir_load_done(const char *csv, const struct config *grid, size_t n,
			struct sched *s);
/* Print the command that finishes this sweep (argv with --resume). */
void outdir_resume_hint(int argc, char **argv);
/*
 * Append one row with a single write, then fsync.  On failure the file
 * is cut back to `good` (its last complete row).  0 or -errno.
 */
int outdir_append_row(int fd, off_t good, const struct config *c,
		      const struct result *r, bool header);

#endif /* MAPBENCH_OUTDIR_H */

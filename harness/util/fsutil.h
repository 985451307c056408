/* Small file-system helpers shared by the subcommands. */
#ifndef MAPBENCH_FSUTIL_H
#define MAPBENCH_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/* mkdir -p; 0 or -errno. */
int mkdir_p(const char *path);
/* write(2) all of buf; 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);
/*
 * Print `s` to f so that a POSIX shell reads it back as one word:
 * unchanged when it is made of safe characters, else in single quotes.
 */
void print_shell_word(FILE *f, const char *s);

/*
 * A directory mapbench writes into (a sweep's plots/): 0 when `path` is
 * absent or a real directory holding no symbolic link; else -1 with
 * `why` saying which link or what it is.  A planted link could make
 * plot or gnuplot write outside the sweep directory.
 */
int dir_check_real(const char *path, char *why, size_t len);

/*
 * A decimal number as the options document it: digits, at most one '.',
 * an optional exponent (1e3); no sign, no hex (0x10), inf, nan or blank.
 * false when `s` is not one or is out of double's range.
 */
bool parse_decimal(const char *s, double *out);

/*
 * A plugin's text (summary, help) made printable: a copy in buf (at most
 * len bytes) with every control character (newline, ESC, ...) shown as
 * '?', so that a plugin cannot move the cursor or forge output lines.
 */
const char *printable(const char *s, char *buf, size_t len);

/*
 * Process helpers.
 *
 * proc_die_with_parent: called by a child right after fork(); the child
 * gets SIGKILL when `parent` ends (PR_SET_PDEATHSIG), and _exits at once
 * if the parent already ended before the call (getppid() differs).
 */
void proc_die_with_parent(pid_t parent);
/*
 * proc_guard(what): while `what` (a string that outlives the guard, e.g.
 * "chainmap: create()") is set, an exit() called by the map's code is
 * reported on stderr ("mapbench: WHAT called exit() ...") and the
 * process ends with status 1 instead, so a map cannot
 * end mapbench with status 0 and no word.  proc_guard(NULL) clears it.
 */
void proc_guard(const char *what);

#endif /* MAPBENCH_FSUTIL_H */

/*
 * Small file-system and text helpers shared by the subcommands (prefix
 * fs_).  They return 0 or -errno (or -1 with a message in `why`); none
 * prints an error or exits.
 */
#ifndef MAPBENCH_FSUTIL_H
#define MAPBENCH_FSUTIL_H

#include <stddef.h>
#include <stdio.h>

/* mkdir -p; 0 or -errno. */
int fs_mkdir_p(const char *path);
/* write(2) all of buf; 0 or -errno. */
int fs_write_all(int fd, const void *buf, size_t len);
/*
 * Print `s` to f so that a POSIX shell reads it back as one word:
 * unchanged when it is made of safe characters, else in single quotes.
 */
void fs_print_shell_word(FILE *f, const char *s);

/*
 * A directory mapbench writes into (a sweep's plots/): 0 when `path` is
 * absent or a real directory holding no symbolic link; else -1 with
 * `why` saying which link or what it is.  A planted link could make
 * plot or gnuplot write outside the sweep directory.
 */
int fs_dir_check_real(const char *path, char *why, size_t len);

/*
 * A plugin's text (summary, help) made printable: a copy in buf (at most
 * len bytes) with every control character (newline, ESC, ...) shown as
 * '?', so that a plugin cannot move the cursor or forge output lines.
 */
const char *fs_printable(const char *s, char *buf, size_t len);

/*
 * Create `path` afresh for writing (mode 0644): an existing file or a
 * link planted there is removed first, and the open refuses to follow a
 * link (O_EXCL, O_NOFOLLOW), so nothing is written through one.  The
 * descriptor, or -1 with errno set.
 */
int fs_create_new(const char *path);

#endif /* MAPBENCH_FSUTIL_H */

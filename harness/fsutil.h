/* Small file-system helpers shared by the subcommands. */
#ifndef MAPBENCH_FSUTIL_H
#define MAPBENCH_FSUTIL_H

#include <stddef.h>
#include <stdio.h>

/* mkdir -p; 0 or -errno. */
int mkdir_p(const char *path);
/* write(2) all of buf; 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);
/*
 * Print `s` to f so that a POSIX shell reads it back as one word:
 * unchanged when it is made of safe characters, else in single quotes.
 */
void print_shell_word(FILE *f, const char *s);

#endif /* MAPBENCH_FSUTIL_H */

/* Small file-system and process helpers (fsutil.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

int
mkdir_p(const char *path)
{
	size_t len = strlen(path);
	char *buf = malloc(len + 1);
	int err = 0;

	if (buf == NULL)
		return -ENOMEM;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p && !err; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			err = -errno;
		*p = '/';
	}
	if (!err && mkdir(buf, 0777) && errno != EEXIST)
		err = -errno;
	free(buf);
	return err;
}

int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void
print_shell_word(FILE *f, const char *s)
{
	if (*s &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789_-./=:,+%@") == strlen(s)) {
		fputs(s, f);
		return;
	}
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

void
proc_die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
}

static const char *volatile guard_what;

static void
guard_atexit(void)
{
	const char *what = guard_what;

	if (what == NULL)
		return;
	fflush(stdout);
	fprintf(stderr,
		"mapbench: %s called exit() and ended the process before "
		"it returned; counted as a failure (exit status 1)\n",
		what);
	_exit(1);
}

void
proc_guard(const char *what)
{
	static int installed;

	if (!installed && what)
		installed = atexit(guard_atexit) == 0;
	guard_what = what;
}

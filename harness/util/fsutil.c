/* Small file-system and process helpers (fsutil.h). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
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

int
dir_check_real(const char *path, char *why, size_t len)
{
	struct stat st;
	struct dirent *e;
	DIR *d;
	int fd, rc = 0;

	if (lstat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
		snprintf(why, len, "%s: %s", path,
			 S_ISLNK(st.st_mode)
				 ? "a symbolic link, not a directory: refused"
				 : "not a directory");
		return -1;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (d == NULL) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (!rc && (e = readdir(d)) != NULL) {
		if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(st.st_mode)) {
			snprintf(why, len,
				 "%s/%s: a symbolic link: refused (remove it; "
				 "mapbench writes only real files here)",
				 path, e->d_name);
			rc = -1;
		}
	}
	closedir(d);
	return rc;
}

const char *
printable(const char *s, char *buf, size_t len)
{
	size_t i = 0;

	if (len == 0)
		return "";
	for (; s && *s && i + 1 < len; s++)
		buf[i++] = ((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s;
	buf[i] = '\0';
	return buf;
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

bool
parse_decimal(const char *s, double *out)
{
	size_t n = strspn(s, "0123456789.");
	char *end;
	double v;

	/* Digits and '.', then at most an exponent: e, a sign, digits. */
	if (n == 0)
		return false;
	if (s[n] == 'e' || s[n] == 'E') {
		size_t e = n + 1 + (s[n + 1] == '+' || s[n + 1] == '-');
		size_t d = strspn(s + e, "0123456789");

		if (d == 0 || s[e + d] != '\0')
			return false;
	} else if (s[n] != '\0') {
		return false;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v))
		return false;
	*out = v;
	return true;
}

/*
 * Small file-system helpers (fsutil.h): directories made and checked,
 * whole writes, files created afresh, and text made safe to print or to
 * paste into a shell.  Errors are returned (0 or -errno, or -1 with a
 * message in the caller's buffer); nothing here prints an error or exits.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

int
fs_mkdir_p(const char *path)
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
fs_write_all(int fd, const void *buf, size_t len)
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
fs_dir_check_real(const char *path, char *why, size_t len)
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
fs_printable(const char *s, char *buf, size_t len)
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
fs_print_shell_word(FILE *f, const char *s)
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

int
fs_create_new(const char *path)
{
	/* Never through a link planted at `path`: remove it, then O_EXCL. */
	unlink(path);
	return open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0644);
}

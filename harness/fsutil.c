/* Small file-system helpers (fsutil.h). */
#include <errno.h>
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

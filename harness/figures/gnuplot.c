/*
 * gnuplot: start it with an argument vector and wait for it (gnuplot.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gnuplot.h"

extern char **environ;

int
gnuplot_run(const char *cwd, const char *vars, const char *script, int logfd)
{
	posix_spawn_file_actions_t fa;
	char *argv[5] = {"gnuplot", NULL, NULL, NULL, NULL};
	pid_t pid;
	int st, rc, n = 1;

	if (vars) {
		argv[n++] = "-e";
		argv[n++] = (char *)vars;
	}
	argv[n] = (char *)(script ? script : "--version");
	if (posix_spawn_file_actions_init(&fa))
		return -1;
	rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!rc && logfd >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, logfd, 1);
	if (!rc && logfd >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, logfd, 2);
	if (!rc && cwd)
		rc = posix_spawn_file_actions_addchdir_np(&fa, cwd);
	if (!rc)
		rc = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		errno = rc;
		return 127;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
gnuplot_available(void)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return 0;
	rc = gnuplot_run(NULL, NULL, NULL, fd);
	close(fd);
	return rc == 0;
}

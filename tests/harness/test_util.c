/*
 * The util layer's helpers (harness/util): the one number parser every
 * command's options use (num.h), a file created afresh never through a
 * planted link (fsutil.h's fs_create_new), and a child reaped and, when
 * asked, killed (proc.h's proc_reap).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fsutil.h"
#include "num.h"
#include "proc.h"

static void
u64_decimal_in_range(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_true(num_parse_u64("42", 0, 100, false, &v));
	assert_int_equal(v, 42);
	/* A leading zero is decimal, not octal. */
	assert_true(num_parse_u64("010", 0, 100, false, &v));
	assert_int_equal(v, 10);
	assert_true(num_parse_u64("18446744073709551615", 0, UINT64_MAX, false,
				  &v));
	assert_true(v == UINT64_MAX);
	/* The bounds are inclusive. */
	assert_true(num_parse_u64("1", 1, 1000, false, &v));
	assert_true(num_parse_u64("1000", 1, 1000, false, &v));
}

static void
u64_refused(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_false(num_parse_u64("", 0, 100, false, &v));
	assert_false(num_parse_u64("-1", 0, 100, false, &v));
	assert_false(num_parse_u64("+1", 0, 100, false, &v));
	assert_false(num_parse_u64(" 1", 0, 100, false, &v));
	assert_false(num_parse_u64("0x10", 0, 100, false, &v));
	assert_false(num_parse_u64("1.5", 0, 100, false, &v));
	assert_false(num_parse_u64("101", 0, 100, false, &v));
	assert_false(num_parse_u64("0", 1, 100, false, &v));
	assert_false(num_parse_u64("18446744073709551616", 0, UINT64_MAX, false,
				   &v));
	/* A suffix only where allowed. */
	assert_false(num_parse_u64("1k", 0, UINT64_MAX, false, &v));
	assert_int_equal(v, 7); /* untouched on refusal */
}

static void
u64_suffixes(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_true(num_parse_u64("10k", 0, UINT64_MAX, true, &v));
	assert_int_equal(v, 10000);
	assert_true(num_parse_u64("2M", 0, UINT64_MAX, true, &v));
	assert_int_equal(v, 2000000);
	assert_true(num_parse_u64("3g", 0, UINT64_MAX, true, &v));
	assert_true(v == UINT64_C(3000000000));
	assert_false(num_parse_u64("1kk", 0, UINT64_MAX, true, &v));
	assert_false(num_parse_u64("1T", 0, UINT64_MAX, true, &v));
	/* The range applies after the suffix; overflow is refused. */
	assert_false(num_parse_u64("2k", 0, 1999, true, &v));
	assert_false(
		num_parse_u64("18446744073709552G", 0, UINT64_MAX, true, &v));
}

static void
decimal(void **state)
{
	double d = 0;

	(void)state;
	assert_true(num_parse_decimal("2.5", &d));
	assert_true(d == 2.5);
	assert_true(num_parse_decimal("1e3", &d));
	assert_true(d == 1000);
	assert_true(num_parse_decimal("1E-2", &d));
	assert_true(d == 0.01);
	assert_false(num_parse_decimal("", &d));
	assert_false(num_parse_decimal("-1", &d));
	assert_false(num_parse_decimal("0x10", &d));
	assert_false(num_parse_decimal("inf", &d));
	assert_false(num_parse_decimal("nan", &d));
	assert_false(num_parse_decimal("1e", &d));
	assert_false(num_parse_decimal("1e999", &d));
	assert_false(num_parse_decimal("1 ", &d));
}

/* A link planted where the file is created is removed, not followed. */
static void
create_new_not_through_a_link(void **state)
{
	char dir[] = "/tmp/mapbench_test_util.XXXXXX", path[256], target[256];
	struct stat st;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/out.tmp", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	assert_int_equal(symlink(target, path), 0);
	fd = fs_create_new(path);
	assert_true(fd >= 0);
	assert_int_equal(fs_write_all(fd, "x", 1), 0);
	close(fd);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, 1);
	assert_int_equal(lstat(target, &st), -1); /* nothing written there */
	unlink(path);
	rmdir(dir);
}

/* proc_reap kills the child when asked and returns its wait status. */
static void
reap_kills_and_waits(void **state)
{
	int fds[2], status;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		pause();
		_exit(0);
	}
	close(fds[1]);
	status = proc_reap(pid, fds[0], true);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	/* The read end is closed: a second close fails. */
	assert_int_equal(close(fds[0]), -1);

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(3);
	close(fds[1]);
	status = proc_reap(pid, fds[0], false);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(u64_decimal_in_range),
		cmocka_unit_test(u64_refused),
		cmocka_unit_test(u64_suffixes),
		cmocka_unit_test(decimal),
		cmocka_unit_test(create_new_not_through_a_link),
		cmocka_unit_test(reap_kills_and_waits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * `mapbench lincheck`, one map at a time (lincheck_cmd.h): each map's
 * histories are recorded and checked in a child process of its own, with
 * a time bound, so that a map that crashes, hangs or calls exit() costs
 * its own verdict only; the child sends back a summary and its section
 * of the report (lincheck_print.c), and a history whose threads barely
 * met is recorded again before it counts as unknown.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "lincheck_cmd.h"
#include "proc.h"

/*
 * The operations the map declares it cannot do under concurrency
 * (map.h's MAP_LIMIT_*) leave the mix: a history with them would only
 * show what the map already says (lc_record drops them too; this copy
 * of the mix is for what is printed: the replay command).
 */
void
lc_drop_limited(const struct lc_impl *im, struct lc_config *c)
{
	unsigned drop = lc_limited_ops(im->ops, im->param);

	for (int k = 0; k < LC_NOPS; k++)
		if (drop & (1u << k))
			c->mix[k] = 0;
}

/*
 * The configuration of history i.  The default schedule (neither --keys
 * nor --mix given) alternates two kinds: even histories put every thread
 * on 2 hot keys with a load_or_store-heavy mix (where check-then-insert
 * races show), odd ones use the 4 keys and the full mix.
 */
void
lc_history_config(const struct lc_opts *o, unsigned i, struct lc_config *c)
{
	*c = o->c;
	c->seed = lc_history_seed(o->c.seed, i);
	if (o->keys_given || o->mix_given || i % 2)
		return;
	c->keys = 2;
	memset(c->mix, 0, sizeof(c->mix));
	c->mix[LC_LOAD_OR_STORE] = 50;
	c->mix[LC_DELETE] = 25;
	c->mix[LC_LOAD] = 25;
}

static void
lc_run_impl(const struct lc_opts *o, const struct lc_impl *im,
	    struct lc_result *res)
{
	struct lc_budget b = {.max_ms = o->budget_ms, .max_states = 0};
	struct lc_config c;
	struct lc_history h;
	struct lc_report one;
	uint64_t wall;
	double nops = (double)o->c.threads * o->c.ops;

	uint64_t rec = 0, unrec = 0;

	unsigned left = 0;

	memset(res, 0, sizeof(*res));
	memset(&one, 0, sizeof(one));
	for (unsigned i = 0; i < o->histories; i++) {
		unsigned attempt = 0;

		lc_history_config(o, i, &c);
		lc_drop_limited(im, &c);
		left = 0;
		for (int k = 0; k < LC_NOPS; k++)
			left += c.mix[k];
		if (left == 0)
			return; /* every op of the mix is declared: none to run
				 */
		/*
		 * The same operations without timestamps or records, for the
		 * recording overhead: before the recorded run on even
		 * histories, after it on odd ones.
		 */
		for (int pass = 0; pass < 2; pass++) {
			c.timed = (pass == 0) == (i % 2 == 1);
			res->error =
				lc_record(im->ops, im->param, &c, &h, &wall);
			if (res->error)
				return;
			if (!c.timed) {
				unrec += wall;
				lc_history_free(&h);
				continue;
			}
			rec += wall;
			res->attempts++;
			res->error = lc_check_history(&h, i, &b, &one);
			lc_history_free(&h);
			if (res->error)
				return;
			/*
			 * Threads that barely met tested next to nothing:
			 * record the history again, a few times at most;
			 * then it is unknown.  A violation stands as found.
			 */
			if (c.threads > 1 && one.concurrent < LC_MIN_OVERLAP &&
			    !one.keys_violation && !one.ranges_violation &&
			    ++attempt < LC_MAX_ATTEMPTS) {
				lc_report_free(&one);
				pass--;
				continue;
			}
			if (c.threads > 1 && one.concurrent < LC_MIN_OVERLAP &&
			    !one.keys_violation && !one.ranges_violation &&
			    !res->low_overlap++)
				res->low_overlap_first = i;
			res->error = lc_report_merge(&res->r, &one);
			if (res->error) {
				lc_report_free(&one);
				return;
			}
		}
		res->histories++;
		res->rec_ns_op = (double)rec / (nops * res->histories);
		res->unrec_ns_op = (double)unrec / (nops * res->histories);
	}
}

volatile sig_atomic_t lc_interrupted;

static void __attribute__((noreturn))
lc_child(const struct lc_opts *o, const struct lc_impl *im, int fd,
	 pid_t parent)
{
	struct lc_result res;
	struct lc_sum sum;
	char *buf = NULL;
	size_t len = 0;

	proc_die_with_parent(parent);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	/* A map that prints must not mix into the report. */
	fflush(stdout);
	dup2(2, 1);
	lc_run_impl(o, im, &res);
	if (o->json) {
		json_t *m = lc_map_json(o, im, &res);

		buf = json_dumps(m, JSON_COMPACT);
		json_decref(m);
		len = buf ? strlen(buf) : 0;
	} else {
		FILE *f = open_memstream(&buf, &len);

		if (f) {
			lc_print_map(f, o, im, &res);
			fclose(f);
		}
	}
	if (buf == NULL)
		_exit(3);
	memset(&sum, 0, sizeof(sum));
	sum.magic = LC_SUM_MAGIC;
	sum.error = res.error;
	sum.violation = res.r.keys_violation + res.r.ranges_violation;
	sum.unknown = res.r.keys_unknown;
	sum.low_overlap = res.low_overlap;
	sum.histories = res.histories;
	sum.len = len;
	if (fs_write_all(fd, &sum, sizeof(sum)) || fs_write_all(fd, buf, len))
		_exit(3);
	_exit(0);
}

/*
 * Run one map's histories in a child with a time bound.  On success
 * *sum and *report (malloc'ed: the map's text section or JSON object)
 * are the child's; else *why says how the child ended and 1 is returned.
 */
int
lc_run_child(const struct lc_opts *o, const struct lc_impl *im,
	     struct lc_sum *sum, char **report, char *why, size_t whylen)
{
	int fds[2], status;
	pid_t pid, parent = getpid();
	size_t got = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	struct timespec t0, t;
	bool timed_out = false;

	*report = NULL;
	if (buf == NULL || pipe(fds)) {
		free(buf);
		snprintf(why, whylen, "cannot start its process: %s",
			 strerror(errno));
		return 1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		free(buf);
		close(fds[0]);
		close(fds[1]);
		snprintf(why, whylen, "cannot start its process: %s",
			 strerror(errno));
		return 1;
	}
	if (pid == 0) {
		close(fds[0]);
		lc_child(o, im, fds[1], parent);
	}
	close(fds[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = {.fd = fds[0], .events = POLLIN};
		double left;
		ssize_t n;

		if (lc_interrupted)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = o->timeout_s - ((double)(t.tv_sec - t0.tv_sec) +
				       (double)(t.tv_nsec - t0.tv_nsec) * 1e-9);
		if (left <= 0) {
			timed_out = true;
			break;
		}
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		if (got == cap) {
			char *g = cap < ((size_t)1 << 30)
					  ? realloc(buf, cap * 2)
					  : NULL;

			if (g == NULL)
				break;
			buf = g;
			cap *= 2;
		}
		n = read(fds[0], buf + got, cap - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	status = proc_reap(pid, fds[0], timed_out || lc_interrupted);
	if (got >= sizeof(*sum))
		memcpy(sum, buf, sizeof(*sum));
	if (timed_out) {
		snprintf(why, whylen, "timed out after %g s (--timeout)",
			 o->timeout_s);
	} else if (lc_interrupted) {
		snprintf(why, whylen, "interrupted");
	} else if (WIFSIGNALED(status)) {
		const char *name = sigabbrev_np(WTERMSIG(status));

		snprintf(why, whylen, "crashed: SIG%s",
			 name ? name : "(unknown signal)");
	} else if (got < sizeof(*sum) || sum->magic != LC_SUM_MAGIC ||
		   got != sizeof(*sum) + sum->len) {
		snprintf(why, whylen,
			 "its process ended with exit status %d before it "
			 "reported (the map called exit()?)",
			 WEXITSTATUS(status));
	} else {
		memmove(buf, buf + sizeof(*sum), sum->len);
		buf[sum->len] = '\0'; /* got > len: room for it */
		*report = buf;
		return 0;
	}
	free(buf);
	return 1;
}

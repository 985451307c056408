/*
 * hashtrie's grace periods (impls/hashtrie/hashtrie.c, "Grace periods"):
 * retired nodes wait for a grace period that writers, a helper thread
 * and quiesce and destroy begin and end in steps, one step at a time
 * under a mutex (ht_gp.round) that fork's handlers also take.
 *
 *   fork_mid_round   a process forks while its reclaimer is busy; each
 *                    child uses a map of its own, then quiesces and
 *                    destroys it.  The child must not inherit the round
 *                    mutex locked (the atfork handlers), or its quiesce
 *                    waits forever: each child gets 10 s.
 *   reuse_settles    two threads Swap one key each for a while, so that
 *                    nodes go round the reclaimer many times; quiesce
 *                    and destroy then leave nothing behind (ASan's and
 *                    valgrind's leak checks) and the map's contents are
 *                    the last values swapped in.
 *   clear_races_stores  one thread Clears while another Stores and Loads
 *                    16 keys: a Store that reached the old trie before
 *                    the Clear may still land in it after it was retired,
 *                    so whoever reuses the trie must empty every slot
 *                    (ht_pool_put_subtree()), else a later Clear
 *                    publishes a root with an entry in it, which the
 *                    sanitizer builds' check in ht_indirect_new()
 *                    (MAPBENCH_DEBUG_CHECKS) finds; every value loaded or
 *                    left is its key's.
 *   reclaimer_unpinned  a thread pinned to one CPU starts the reclaimer:
 *                    the reclaimer must run on every CPU the process may
 *                    use, not inherit the pinned thread's one (mapbench
 *                    pins its workers; urcu's call_rcu thread, started
 *                    by the unpinned main thread, is not pinned either).
 *
 * The Swapping maps use update=copy (Go's copy-on-write), so that every
 * Swap retires an entry; in place (the default) a Swap retires nothing.
 */
#include <dirent.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static const struct map_ops *ops;

#define V(n) INTVAL(n)

static int
setup(void **state)
{
	(void)state;
	ops = map_find("hashtrie");
	if (ops == NULL)
		return -1;
	map_ops_thread_enter(ops);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	map_ops_thread_exit(ops);
	return 0;
}

/*
 * The child's work: its own map, enough Swaps to flush batches.  It
 * destroys its copy of the parent's map too, so that leak checkers see
 * nothing left in the child.
 */
static void
child(struct map *inherited)
{
	struct map *m = map_ops_create(ops, "update=copy", 0);

	if (m == NULL)
		_exit(3);
	for (uint64_t k = 0; k < 2000; k++)
		if (ops->swap(m, k % 4, V(k), NULL) < 0)
			_exit(4);
	map_ops_quiesce(ops, m);
	ops->destroy(m);
	ops->destroy(inherited);
	_exit(0);
}

/* Wait for pid for up to `limit` seconds; kill it after that. */
static int
wait_child(pid_t pid, double limit, bool *hung)
{
	double end = now_sec() + limit;
	int status = 0;

	*hung = false;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_sec() > end) {
			*hung = true;
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		sleep_sec(0.001);
	}
	return status;
}

#if defined(__SANITIZE_THREAD__)
#define HT_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define HT_TEST_TSAN 1
#endif
#endif

static void
fork_mid_round(void **state)
{
	unsigned forks = (unsigned)scaled(200, 20);
	struct map *m;

	(void)state;
#ifdef HT_TEST_TSAN
	/* TSan ends a child of a multithreaded fork that starts a thread. */
	skip();
#endif
	m = map_ops_create(ops, "update=copy", 0);
	assert_non_null(m);
	for (unsigned f = 0; f < forks; f++) {
		bool hung;
		int status;
		pid_t pid;

		/* 2,000 Swaps retire 2,000 entries: about 32 batches. */
		for (uint64_t k = 0; k < 2000; k++)
			assert_true(ops->swap(m, k % 4, V(k), NULL) >= 0);
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0)
			child(m);
		status = wait_child(pid, 10.0, &hung);
		if (hung)
			fail_msg("fork %u of %u: the child's quiesce did not "
				 "return in 10 s (round mutex inherited "
				 "locked?)",
				 f + 1, forks);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	map_ops_quiesce(ops, m);
	ops->destroy(m);
}

struct swapper {
	struct map *m;
	uint64_t key;
	uint64_t n;
	int err;
};

static void *
swapper(void *arg)
{
	struct swapper *s = arg;

	map_ops_thread_enter(ops);
	for (uint64_t i = 1; i <= s->n; i++)
		if (ops->swap(s->m, s->key, V(i), NULL) < 0)
			s->err = 1;
	map_ops_thread_exit(ops);
	return NULL;
}

static void
reuse_settles(void **state)
{
	struct map *m = map_ops_create(ops, "update=copy", 0);
	struct swapper s[2];
	pthread_t t[2];

	(void)state;
	assert_non_null(m);
	for (unsigned k = 0; k < 2; k++) {
		s[k] = (struct swapper){m, k, scaled(400000, 20000), 0};
		assert_int_equal(pthread_create(&t[k], NULL, swapper, &s[k]),
				 0);
	}
	for (unsigned k = 0; k < 2; k++) {
		void *v = NULL;

		assert_int_equal(pthread_join(t[k], NULL), 0);
		assert_int_equal(s[k].err, 0);
		assert_true(ops->load(m, k, &v));
		assert_ptr_equal(v, V(s[k].n));
	}
	map_ops_quiesce(ops, m);
	ops->destroy(m);
}

struct clear_race {
	struct map *m;
	uint64_t n;
	_Atomic int done;
	int err;
};

static void *
clear_storer(void *arg)
{
	struct clear_race *r = arg;

	map_ops_thread_enter(ops);
	for (uint64_t i = 0;
	     !atomic_load_explicit(&r->done, memory_order_acquire); i++) {
		void *v = NULL;

		if (ops->store(r->m, i % 16, V(i % 16)) < 0)
			r->err = 1;
		if (ops->load(r->m, (i + 7) % 16, &v) && v != V((i + 7) % 16))
			r->err = 2;
	}
	map_ops_thread_exit(ops);
	return NULL;
}

static bool
clear_check_entry(uint64_t key, void *value, void *arg)
{
	if (key >= 16 || value != V(key))
		*(int *)arg = 1;
	return true;
}

static void
clear_races_stores(void **state)
{
	struct clear_race r = {map_ops_create(ops, NULL, 0), 0, 0, 0};
	int bad = 0;
	pthread_t t;

	(void)state;
	assert_non_null(r.m);
	atomic_init(&r.done, 0);
	assert_int_equal(pthread_create(&t, NULL, clear_storer, &r), 0);
	for (unsigned long i = 0; i < scaled(100000, 3000); i++) {
		ops->clear(r.m);
		assert_int_equal(ops->store(r.m, i % 16, V(i % 16)), 0);
	}
	atomic_store_explicit(&r.done, 1, memory_order_release);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(r.err, 0);
	ops->range(r.m, clear_check_entry, &bad);
	assert_int_equal(bad, 0);
	map_ops_quiesce(ops, r.m);
	ops->destroy(r.m);
}

/* Threads of this process whose CPU mask is exactly `set`. */
static int
tasks_with_mask(const cpu_set_t *set)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		cpu_set_t t;
		pid_t tid = (pid_t)atoi(e->d_name);

		if (tid > 0 && sched_getaffinity(tid, sizeof(t), &t) == 0 &&
		    CPU_EQUAL(&t, set))
			n++;
	}
	closedir(d);
	return n;
}

struct pinned {
	cpu_set_t one;
	int matching; /* threads pinned like this one, the reclaimer up */
	int err;
};

static void *
pinned_swapper(void *arg)
{
	struct pinned *p = arg;
	struct map *m;

	if (pthread_setaffinity_np(pthread_self(), sizeof(p->one), &p->one)) {
		p->err = 1;
		return NULL;
	}
	map_ops_thread_enter(ops);
	m = map_ops_create(ops, "update=copy", 0);
	if (m == NULL) {
		p->err = 2;
	} else {
		/* Enough retirements to close batches: starts a reclaimer. */
		for (unsigned long k = 0; k < scaled(200000, 20000); k++)
			if (ops->swap(m, k % 4, V(k + 1), NULL) < 0)
				p->err = 3;
		/* The reclaimer lives 100 ms past its last batch. */
		p->matching = tasks_with_mask(&p->one);
		map_ops_quiesce(ops, m);
		ops->destroy(m);
	}
	map_ops_thread_exit(ops);
	return NULL;
}

static void
reclaimer_unpinned(void **state)
{
	struct timespec idle = {0, 300000000}; /* past the idle exit */
	struct pinned p = {.matching = -1};
	cpu_set_t all;
	pthread_t t;
	int first = -1;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(all), &all), 0);
	if (CPU_COUNT(&all) < 2)
		skip(); /* one CPU: pinned and unpinned are the same */
	for (int c = 0; c < CPU_SETSIZE && first < 0; c++)
		if (CPU_ISSET(c, &all))
			first = c;
	CPU_ZERO(&p.one);
	CPU_SET(first, &p.one);
	/* A reclaimer of the earlier tests exits first. */
	nanosleep(&idle, NULL);
	assert_int_equal(pthread_create(&t, NULL, pinned_swapper, &p), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(p.err, 0);
	/* The swapper alone: the reclaimer it started is not pinned. */
	assert_int_equal(p.matching, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(fork_mid_round, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reuse_settles, setup, teardown),
		cmocka_unit_test_setup_teardown(clear_races_stores, setup,
						teardown),
		cmocka_unit_test_setup_teardown(reclaimer_unpinned, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("hashtrie_reclaim", tests, NULL,
					   NULL);
}

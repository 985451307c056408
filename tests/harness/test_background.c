/*
 * The settle hook's probe (impls/common/background.c): it waits while
 * another thread of the process works, returns once every other thread
 * has been idle, and times out on one that never stops.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "background.h"

static atomic_int stop;

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Spin for *(double *)arg seconds, or until stop when it is <= 0. */
static void *
spin(void *arg)
{
	double secs = *(double *)arg, t0 = now();

	/* Relaxed: a flag read until set; the join orders the rest. */
	while (!atomic_load_explicit(&stop, memory_order_relaxed) &&
	       (secs <= 0 || now() - t0 < secs))
		;
	return NULL;
}

/* A thread that sleeps (like an idle worker waiting for work). */
static void *
nap(void *arg)
{
	struct timespec ts = {0, 300000000};

	(void)arg;
	nanosleep(&ts, NULL);
	return NULL;
}

static void
idle_process_settles_at_once(void **state)
{
	double t0 = now();
	pthread_t th;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, nap, NULL), 0);
	assert_int_equal(map_background_wait_idle(5), 0);
	/* the quiet period and a little */
	assert_true(now() - t0 < 0.25);
	pthread_join(th, NULL);
}

static void
waits_for_a_busy_thread(void **state)
{
	double secs = 0.3, t0 = now();
	pthread_t th;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, spin, &secs), 0);
	assert_int_equal(map_background_wait_idle(10), 0);
	assert_true(now() - t0 >= 0.3);
	pthread_join(th, NULL);
}

static void
times_out_on_a_thread_that_never_stops(void **state)
{
	double secs = 0, t0 = now();
	pthread_t th;

	(void)state;
	atomic_store_explicit(&stop, 0, memory_order_relaxed);
	assert_int_equal(pthread_create(&th, NULL, spin, &secs), 0);
	assert_int_equal(map_background_wait_idle(0.2), -ETIMEDOUT);
	assert_true(now() - t0 >= 0.2);
	atomic_store_explicit(&stop, 1, memory_order_relaxed);
	pthread_join(th, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(idle_process_settles_at_once),
		cmocka_unit_test(waits_for_a_busy_thread),
		cmocka_unit_test(times_out_on_a_thread_that_never_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Helpers shared by the cmocka suites: the MAPBENCH_TEST_SCALE knob, a
 * seeded PRNG, value encodings, per-impl test registration and failure
 * reporting from worker threads (cmocka's assertions longjmp and must
 * only be used on the main thread).
 */
#ifndef MAPBENCH_TESTUTIL_H
#define MAPBENCH_TESTUTIL_H

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "map.h"
#include "registry.h"

/*
 * MAPBENCH_TEST_SCALE (default 1) multiplies iteration counts and
 * durations; sanitizer and valgrind runs set it lower.
 */
static inline double
test_scale(void)
{
	static double scale;

	if (scale == 0) {
		const char *s = getenv("MAPBENCH_TEST_SCALE");
		double v = s != NULL ? strtod(s, NULL) : 1.0;

		scale = v > 0 ? v : 1.0;
	}
	return scale;
}

/* n scaled, but at least `min`. */
static inline unsigned long
scaled(unsigned long n, unsigned long min)
{
	double v = (double)n * test_scale();

	return v < (double)min ? min : (unsigned long)v;
}

static inline double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline void
sleep_sec(double s)
{
	struct timespec ts = {.tv_sec = (time_t)s};

	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* splitmix64: small, seedable, good enough to drive random sequences. */
struct rng {
	uint64_t s;
};

static inline uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline uint64_t
rng_below(struct rng *r, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64);
}

/*
 * Values that are never NULL: an integer n as the odd pointer 2n+1
 * (never dereferenced), and a (key, generation) pair as the same, so a
 * reader can tell which key a value was stored under.
 */
#define INTVAL(n)   ((void *)(uintptr_t)((((uint64_t)(n)) << 1) | 1))
#define VALINT(p)   ((uint64_t)(uintptr_t)(p) >> 1)
#define KEYGEN_BITS 20
#define KEYVAL(k, g)                                                           \
	INTVAL(((uint64_t)(k) << KEYGEN_BITS) |                                \
	       ((uint64_t)(g) & ((1u << KEYGEN_BITS) - 1)))
#define VALKEY(p) (VALINT(p) >> KEYGEN_BITS)

/*
 * Failures seen on worker threads: the first message is kept and
 * reported by the main thread after the join.
 */
struct tfail {
	atomic_bool failed;
	pthread_mutex_t mu;
	char msg[512];
};

static struct tfail tfail = {.mu = PTHREAD_MUTEX_INITIALIZER};

static inline void
tfail_reset(void)
{
	atomic_store(&tfail.failed, false);
	tfail.msg[0] = '\0';
}

__attribute__((format(printf, 3, 4))) static inline void
tfail_record(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	pthread_mutex_lock(&tfail.mu);
	if (!atomic_load(&tfail.failed)) {
		n = snprintf(tfail.msg, sizeof(tfail.msg), "%s:%d: ", file,
			     line);
		va_start(ap, fmt);
		vsnprintf(tfail.msg + n, sizeof(tfail.msg) - (size_t)n, fmt,
			  ap);
		va_end(ap);
		atomic_store(&tfail.failed, true);
	}
	pthread_mutex_unlock(&tfail.mu);
}

/* Check on a worker thread: records the failure and carries on. */
#define TCHECK(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond))                                                   \
			tfail_record(__FILE__, __LINE__, __VA_ARGS__);         \
	} while (0)

static inline bool
tfailed(void)
{
	return atomic_load_explicit(&tfail.failed, memory_order_relaxed);
}

/* On the main thread, after joining: fail the test if a worker failed. */
#define TFAIL_REPORT()                                                         \
	do {                                                                   \
		if (atomic_load(&tfail.failed))                                \
			fail_msg("%s", tfail.msg);                             \
	} while (0)

/* One test, run once for each implementation it applies to. */
struct impl_test {
	const char *name;
	CMUnitTestFunction fn;
	unsigned skip_flags; /* impls with any of these flags skip it */
};

/*
 * A map under test: an implementation and the parameter it is created
 * with ("hashtrie:hash=const" in MAPBENCH_TEST_IMPL; NULL for none).
 */
struct impl_spec {
	const struct map_ops *ops;
	const char *param;
	char *text; /* owns the MAPBENCH_TEST_IMPL item param points into */
};

/*
 * The parameter of the map the running test uses.  cmocka runs one test
 * at a time, and each test's setup sets it, so every map a test creates
 * (test_create) gets it, on any thread.
 */
static const char *test_cur_param;

static int
impl_spec_setup(void **state)
{
	const struct impl_spec *spec = (const struct impl_spec *)*state;

	test_cur_param = spec->param;
	*state = (void *)spec->ops;
	return 0;
}

static int
impl_spec_teardown(void **state)
{
	test_cur_param = NULL;
	return 0;
}

/* The implementation a per-impl test runs against. */
static inline const struct map_ops *
test_ops(void **state)
{
	return (const struct map_ops *)*state;
}

/* A map of `ops` with the running test's parameter. */
static inline struct map *
test_create(const struct map_ops *ops, size_t size_hint)
{
	return map_ops_create(ops, test_cur_param, size_hint);
}

/*
 * Enter the calling thread and create an empty map for the running test
 * (the test fails here without one); test_close() destroys it and leaves.
 */
static inline struct map *
test_open(const struct map_ops *ops)
{
	struct map *m;

	map_ops_thread_enter(ops);
	m = test_create(ops, 0);
	assert_non_null(m);
	return m;
}

static inline void
test_close(const struct map_ops *ops, struct map *m)
{
	ops->destroy(m);
	map_ops_thread_exit(ops);
}

/* The MAP_LIMIT_* bits the running test's map declares (any thread). */
static inline unsigned
test_limits(const struct map_ops *ops)
{
	return map_ops_limits(ops, test_cur_param);
}

/*
 * Say which declared limits of the map the running test leaves out, one
 * "[ DECLARED ]" line each (`mapbench check` shows them), and return
 * them: the test then skips (TEST_SKIP_IF_LIMITED) or omits those parts.
 */
static inline unsigned
test_declared(const struct map_ops *ops, unsigned bits, const char *what)
{
	unsigned l = test_limits(ops) & bits;

	for (unsigned b = 0; b < 32; b++)
		if (l & (1u << b))
			print_message("[ DECLARED ] %s: %s\n", what,
				      map_limit_text(1u << b));
	return l;
}

/* Skip the whole test when the map declares any of `bits`, saying why. */
#define TEST_SKIP_IF_LIMITED(ops, bits)                                        \
	do {                                                                   \
		if (test_declared((ops), (bits), "skipped")) {                 \
			skip();                                                \
			return;                                                \
		}                                                              \
	} while (0)

/*
 * The maps MAPBENCH_TEST_IMPL selects: a comma-separated list of impl
 * names, each optionally with ":param" (unset or empty: every registered
 * impl without a parameter).  Unknown names abort the suite.  Returns
 * the number of specs; *out is malloc'ed (strings leak until exit).
 */
static inline size_t
impl_specs(struct impl_spec **out)
{
	const char *sel = getenv("MAPBENCH_TEST_IMPL");
	struct impl_spec *v;
	size_t n = 0, cap = 1;

	for (const struct map_ops *const *o = map_registry; *o != NULL; o++)
		cap++;
	for (const char *p = sel ? sel : ""; *p; p++)
		cap += *p == ',';
	v = (struct impl_spec *)calloc(cap, sizeof(*v));
	if (v == NULL)
		abort();
	if (sel == NULL || *sel == '\0') {
		for (const struct map_ops *const *o = map_registry; *o != NULL;
		     o++)
			v[n++] = (struct impl_spec){*o, NULL, NULL};
		*out = v;
		return n;
	}
	for (const char *p = sel; *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
		char *item = strndup(p, len), *colon;

		if (item == NULL)
			abort();
		colon = strchr(item, ':');
		if (colon != NULL)
			*colon++ = '\0';
		if (*item != '\0') {
			const struct map_ops *ops = map_find(item);

			if (ops == NULL) {
				fprintf(stderr,
					"MAPBENCH_TEST_IMPL: no map '%s'\n",
					item);
				exit(2);
			}
			v[n++] = (struct impl_spec){ops, colon, item};
		} else {
			free(item);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	*out = v;
	return n;
}

/*
 * Run every test for every selected map it applies to (MAP_CONTROL impls
 * always skip), as one cmocka group named `group`; tests are named
 * "<impl>[:param]/<test>".  Returns the number of failures.
 */
static inline int
run_impl_tests(const char *group, const struct impl_test *tests, size_t n)
{
	struct impl_spec *specs;
	size_t nspecs = impl_specs(&specs);
	struct CMUnitTest *ut;
	size_t count = 0;
	int rc;

	ut = (struct CMUnitTest *)calloc(nspecs * n + 1, sizeof(*ut));
	if (ut == NULL)
		abort();
	for (size_t s = 0; s < nspecs; s++) {
		const struct map_ops *ops = specs[s].ops;

		if (ops->flags & MAP_CONTROL)
			continue;
		for (size_t i = 0; i < n; i++) {
			char *name;

			if (ops->flags & tests[i].skip_flags)
				continue;
			if (asprintf(&name, "%s%s%s/%s", ops->name,
				     specs[s].param ? ":" : "",
				     specs[s].param ? specs[s].param : "",
				     tests[i].name) < 0)
				abort();
			ut[count++] = (struct CMUnitTest){
				.name = name,
				.test_func = tests[i].fn,
				.setup_func = impl_spec_setup,
				.teardown_func = impl_spec_teardown,
				.initial_state = (void *)&specs[s],
			};
		}
	}
	if (count == 0) {
		/* Nothing applies to the selected maps (a control, or a
		 * not-thread-safe map in a concurrency suite): say so, and
		 * exit 77, which ctest reports as skipped. */
		print_message("[ SKIPPED  ] %s: no test applies to the "
			      "selected maps\n",
			      group);
		free(ut);
		for (size_t s = 0; s < nspecs; s++)
			free(specs[s].text);
		free(specs);
		exit(77);
	}
	print_message("[ SCALE    ] MAPBENCH_TEST_SCALE=%g\n", test_scale());
	rc = _cmocka_run_group_tests(group, ut, count, NULL, NULL);
	for (size_t i = 0; i < count; i++)
		free((char *)ut[i].name);
	free(ut);
	for (size_t s = 0; s < nspecs; s++)
		free(specs[s].text);
	free(specs);
	return rc;
}

/*
 * Run one test on (ops, param) as a one-test cmocka group: 0 when it
 * passed (or skipped), else the number of failures.
 */
static inline int
run_one_impl_test(const char *group, const struct impl_test *t,
		  const struct map_ops *ops, const char *param)
{
	struct impl_spec spec = {ops, param, NULL};
	struct CMUnitTest ut;
	char *name;
	int rc;

	if (asprintf(&name, "%s%s%s/%s", ops->name, param ? ":" : "",
		     param ? param : "", t->name) < 0)
		return 1;
	ut = (struct CMUnitTest){
		.name = name,
		.test_func = t->fn,
		.setup_func = impl_spec_setup,
		.teardown_func = impl_spec_teardown,
		.initial_state = (void *)&spec,
	};
	rc = _cmocka_run_group_tests(group, &ut, 1, NULL, NULL);
	free(name);
	return rc;
}

/*
 * What `mapbench check` needs of a suite (suites/suites.h): its tests'
 * names and skip flags, and a way to run one.
 */
#define MAPBENCH_SUITE_EXPORT(suite)                                           \
	size_t suite##_count(void)                                             \
	{                                                                      \
		return suite##_ntests;                                         \
	}                                                                      \
	const char *suite##_name(size_t i)                                     \
	{                                                                      \
		return suite##_tests[i].name;                                  \
	}                                                                      \
	unsigned suite##_skip(size_t i)                                        \
	{                                                                      \
		return suite##_tests[i].skip_flags;                            \
	}                                                                      \
	int suite##_run_one(size_t i, const struct map_ops *ops,               \
			    const char *param)                                 \
	{                                                                      \
		return run_one_impl_test(#suite, &suite##_tests[i], ops,       \
					 param);                               \
	}

/*
 * The end of a product suite whose tests are SUITE_tests[]: their count,
 * and either what `mapbench check` needs (MAPBENCH_CHECK_LIB) or a main
 * that runs every test on every registered map (ctest).
 */
#ifdef MAPBENCH_CHECK_LIB
#define MAPBENCH_SUITE(suite)                                                  \
	const size_t suite##_ntests =                                          \
		sizeof(suite##_tests) / sizeof(suite##_tests[0]);              \
	MAPBENCH_SUITE_EXPORT(suite)
#else
#define MAPBENCH_SUITE(suite)                                                  \
	const size_t suite##_ntests =                                          \
		sizeof(suite##_tests) / sizeof(suite##_tests[0]);              \
	int main(void)                                                         \
	{                                                                      \
		return run_impl_tests(#suite, suite##_tests, suite##_ntests);  \
	}
#endif

#endif /* MAPBENCH_TESTUTIL_H */

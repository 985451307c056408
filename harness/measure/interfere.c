/*
 * Interference measurement (interfere.h): the kernel's accounting of who
 * else ran on the CPUs a row's workers were pinned to, read at the edges
 * of the timed window.  Nothing here runs inside the window: the worker
 * side is two reads per worker (one before its first operation, one
 * after its last), the machine side two reads of /proc by the thread that
 * sleeps while the workers run.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "interfere.h"

/* Read a small /proc file whole into buf (NUL-terminated); length or -1. */
static ssize_t
read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n, got = 0;

	if (fd < 0)
		return -1;
	while ((size_t)got < len - 1 &&
	       (n = read(fd, buf + got, len - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	if (n < 0 && got == 0)
		return -1;
	buf[got] = '\0';
	return got;
}

/* The second field of /proc/thread-self/schedstat (run-queue wait, ns). */
static bool
runq_now(uint64_t *ns)
{
	char buf[128];
	unsigned long long on_cpu, wait;

	if (read_small("/proc/thread-self/schedstat", buf, sizeof(buf)) <= 0)
		return false;
	if (sscanf(buf, "%llu %llu", &on_cpu, &wait) != 2)
		return false;
	*ns = wait;
	return true;
}

void
interf_thread_begin(struct interf_thread *t)
{
	struct rusage ru;

	memset(t, 0, sizeof(*t));
	t->have_runq = runq_now(&t->runq_ns);
	if (getrusage(RUSAGE_THREAD, &ru) == 0) {
		t->nvcsw = ru.ru_nvcsw;
		t->nivcsw = ru.ru_nivcsw;
	} else {
		t->nvcsw = t->nivcsw = -1;
	}
}

void
interf_thread_end(struct interf_thread *t)
{
	struct rusage ru;
	uint64_t ns;

	if (t->have_runq && runq_now(&ns) && ns >= t->runq_ns)
		t->runq_ns = ns - t->runq_ns;
	else
		t->have_runq = false;
	if (t->nvcsw >= 0 && getrusage(RUSAGE_THREAD, &ru) == 0) {
		t->nvcsw = ru.ru_nvcsw - t->nvcsw;
		t->nivcsw = ru.ru_nivcsw - t->nivcsw;
	} else {
		t->nvcsw = t->nivcsw = -1;
	}
}

void
interf_thread_add(struct interf_thread *sum, const struct interf_thread *t)
{
	sum->runq_ns += t->runq_ns;
	sum->have_runq &= t->have_runq;
	if (sum->nvcsw < 0 || t->nvcsw < 0) {
		sum->nvcsw = sum->nivcsw = -1;
		return;
	}
	sum->nvcsw += t->nvcsw;
	sum->nivcsw += t->nivcsw;
}

/*
 * Busy and steal ticks of the CPUs cpus[0..n) from /proc/stat's "cpuN"
 * lines: user nice system idle iowait irq softirq steal ...  (guest time
 * is already inside user and nice).
 */
static bool
stat_ticks(const int *cpus, unsigned n, uint64_t *busy, uint64_t *steal)
{
	static char buf[1 << 16];
	char *line, *save = NULL;
	unsigned found = 0;

	if (read_small("/proc/stat", buf, sizeof(buf)) <= 0)
		return false;
	*busy = *steal = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long v[8] = {0};
		int cpu;

		if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9')
			continue;
		if (sscanf(line + 3,
			   "%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu,
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6],
			   &v[7]) < 8)
			continue;
		for (unsigned i = 0; i < n; i++)
			if (cpus[i] == cpu) {
				*busy += v[0] + v[1] + v[2] + v[5] + v[6];
				*steal += v[7];
				found++;
			}
	}
	return found == n;
}

/* PSI: /proc/pressure/cpu's "some ... total=<us>". */
static bool
psi_now(uint64_t *us)
{
	char buf[256];
	const char *t;

	if (read_small("/proc/pressure/cpu", buf, sizeof(buf)) <= 0)
		return false;
	t = strstr(buf, "total=");
	if (strncmp(buf, "some", 4) || !t)
		return false;
	*us = strtoull(t + 6, NULL, 10);
	return true;
}

void
interf_machine_begin(struct interf_machine *m, const int *cpus, unsigned n)
{
	memset(m, 0, sizeof(*m));
	m->have_stat = stat_ticks(cpus, n, &m->busy_ticks, &m->steal_ticks);
	m->have_psi = psi_now(&m->psi_us);
	m->t_sec = (double)clock_mono_ns() * 1e-9;
}

void
interf_machine_end(struct interf_machine *m, const int *cpus, unsigned n,
		   double own_cpu_s, struct interference *out)
{
	double window = (double)clock_mono_ns() * 1e-9 - m->t_sec;
	double tick = 1.0 / (double)sysconf(_SC_CLK_TCK);
	uint64_t busy, steal, psi;

	out->foreign_share = out->steal_share = out->psi_share = NAN;
	if (window <= 0 || n == 0)
		return;
	if (m->have_stat && stat_ticks(cpus, n, &busy, &steal)) {
		double foreign =
			(double)(busy - m->busy_ticks) * tick - own_cpu_s;

		/*
		 * Ticks are sampled: each edge is off by under a tick per
		 * CPU, so a quiet window can read slightly negative.
		 */
		out->foreign_share = fmax(0, foreign / (window * n));
		out->steal_share =
			(double)(steal - m->steal_ticks) * tick / (window * n);
	}
	if (m->have_psi && psi_now(&psi) && psi >= m->psi_us)
		out->psi_share = (double)(psi - m->psi_us) * 1e-6 / window;
}

void
interf_workers(const struct interf_thread *sum, unsigned threads,
	       double window_s, struct interference *out)
{
	out->runq_share =
		sum->have_runq && threads && window_s > 0
			? (double)sum->runq_ns * 1e-9 / (window_s * threads)
			: NAN;
	out->nvcsw = sum->nvcsw;
	out->nivcsw = sum->nivcsw;
}

void
interf_none(struct interference *out)
{
	out->foreign_share = out->steal_share = out->psi_share = NAN;
	out->runq_share = NAN;
	out->nvcsw = out->nivcsw = -1;
	out->probe_ns = NAN;
	out->c2c_ns = out->c2c_after_ns = NAN;
}

#define PROBE_STEPS 200000u

double
interf_probe(unsigned rep, unsigned attempt)
{
	const char *slow = getenv("MAPBENCH_TEST_PROBE_SLOW");
	double best = INFINITY;

	for (int trial = 0; trial < 3; trial++) {
		uint64_t x = 0x9e3779b97f4a7c15u + (uint64_t)trial;
		uint64_t t0 = clock_mono_ns(), t1;

		for (unsigned i = 0; i < PROBE_STEPS; i++) {
			x = x * 0xd1342543de82ef95u + 1;
			/* Keep the chain: the compiler may not fold it. */
			__asm__ volatile("" : "+r"(x));
		}
		t1 = clock_mono_ns();
		if ((double)(t1 - t0) / PROBE_STEPS < best)
			best = (double)(t1 - t0) / PROBE_STEPS;
	}
	if (slow && *slow && (unsigned)atoi(slow) == rep && attempt == 1)
		best *= 2;
	return best;
}

bool
interf_probe_slow(double probe_ns, double ref_ns, double limit)
{
	if (limit >= 1 || isnan(probe_ns) || !(ref_ns > 0))
		return false;
	return probe_ns > ref_ns * (1 + limit);
}

bool
interf_classify(const struct interference *x, double limit)
{
	if (limit >= 1)
		return false;
	return (!isnan(x->foreign_share) && x->foreign_share > limit) ||
	       (!isnan(x->steal_share) && x->steal_share > limit);
}

/*
 * Wait until *line holds `want`; false at the deadline.  Acquire: pairs
 * with the other side's release store of `want` (nothing else is passed,
 * but the pair keeps the handoff a real one for the sanitizers).
 */
static bool
c2c_wait(_Atomic uint64_t *line, uint64_t want, uint64_t deadline_ns)
{
	for (unsigned spins = 0;; spins++) {
		if (atomic_load_explicit(line, memory_order_acquire) == want)
			return true;
		if ((spins & 1023) == 1023 && clock_mono_ns() > deadline_ns)
			return false;
	}
}

double
interf_c2c_recorded(unsigned rep, double measured)
{
	const char *list = getenv("MAPBENCH_TEST_C2C");

	if (list == NULL || *list == '\0' || isnan(measured) || rep == 0)
		return measured;
	for (unsigned i = 1; i < rep && list != NULL; i++) {
		list = strchr(list, ',');
		if (list != NULL)
			list++;
	}
	return list != NULL && *list != '\0' && *list != ',' ? atof(list)
							     : measured;
}

double
interf_c2c(_Atomic uint64_t *line, bool pinger, uint64_t deadline_ns)
{
	const unsigned trials = 3, per = INTERF_C2C_ROUNDS / 3;
	double best = INFINITY;
	uint64_t v = 0;

	for (unsigned t = 0; t < trials; t++) {
		uint64_t t0 = clock_mono_ns();

		for (unsigned i = 0; i < per; i++) {
			if (pinger) {
				/* Release: pairs with the ponger's acquire. */
				atomic_store_explicit(line, ++v,
						      memory_order_release);
				if (!c2c_wait(line, ++v, deadline_ns))
					return NAN;
			} else {
				if (!c2c_wait(line, ++v, deadline_ns))
					return NAN;
				/* Release: pairs with the pinger's acquire. */
				atomic_store_explicit(line, ++v,
						      memory_order_release);
			}
		}
		double ns = (double)(clock_mono_ns() - t0) / (2.0 * per);

		if (ns < best)
			best = ns;
	}
	return pinger ? best : NAN;
}

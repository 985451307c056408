/*
 * Interference: how much of the machine the measured process did not get
 * during a timed window, read from the kernel's own accounting.
 *
 * Per worker thread (read by the thread itself at its window's edges):
 *   run-queue delay   /proc/thread-self/schedstat, second field: time
 *                     the thread was runnable but not running (ns);
 *   context switches  getrusage(RUSAGE_THREAD): voluntary (it blocked,
 *                     e.g. on a futex) and involuntary (it was preempted).
 * For the machine (read by the thread that runs the window):
 *   foreign CPU       the busy time of the CPUs the workers may use
 *                     (/proc/stat: user+nice+system+irq+softirq, in
 *                     USER_HZ ticks) minus this process's own CPU time
 *                     over the same interval: what other processes and
 *                     the kernel ran on "our" CPUs;
 *   steal             /proc/stat's steal time on those CPUs (the
 *                     hypervisor ran someone else), where it is reported;
 *   CPU pressure      /proc/pressure/cpu "some" total (PSI): the share of
 *                     the window in which some task, ours included, waited
 *                     for a CPU.
 * Shares are fractions of (allowed CPUs x window) for foreign and steal,
 * of the window for PSI, and of (threads x window) for run-queue delay.
 * A value the kernel does not expose is NaN (NA in every output).
 *
 * The rule (interf_classify): a row is `interfered` when the foreign CPU
 * share or the steal share exceeds the limit (--interference-limit,
 * default INTERF_LIMIT_DEFAULT).  Run-queue delay and PSI are reported but
 * not part of the rule: a map's own helper threads (liburcu's call_rcu
 * thread, lfht's resize worker) cause both, and that is the map's cost,
 * already charged through cpu_seconds.  What cannot be seen from inside a
 * guest (a neighbour's cache and memory-bandwidth use) is in
 * docs/METHOD.md; the hypervisor's placement of the vCPUs shows in the
 * core-to-core probe (interf_c2c) of rows with two or more workers.
 */
#ifndef MAPBENCH_INTERFERE_H
#define MAPBENCH_INTERFERE_H

#include <stdbool.h>
#include <stdint.h>

/* Foreign CPU or steal above this share of the CPUs: interfered. */
#define INTERF_LIMIT_DEFAULT 0.10

/* One worker's view, filled by the worker thread itself. */
struct interf_thread {
	uint64_t runq_ns; /* runnable-but-waiting time over the window */
	long nvcsw;	  /* voluntary context switches */
	long nivcsw;	  /* involuntary ones */
	bool have_runq;	  /* schedstat readable at both edges */
};

/* The machine's view over the window (opaque between begin and end). */
struct interf_machine {
	uint64_t busy_ticks, steal_ticks;
	uint64_t psi_us;
	double t_sec;
	bool have_stat, have_psi;
};

/* What a row reports; NaN where the kernel does not say. */
struct interference {
	double foreign_share; /* foreign CPU / (allowed CPUs x window) */
	double steal_share;   /* steal / (allowed CPUs x window) */
	double psi_share;     /* PSI cpu "some" / window */
	double runq_share;    /* worker run-queue delay / (threads x window) */
	int64_t nvcsw;	      /* over every worker; -1: NA */
	int64_t nivcsw;
	/*
	 * The machine's speed just before the window: ns per step of a
	 * fixed dependent chain (interf_probe), the slowest worker's; NaN
	 * when not measured.  The sweep compares it with its other rows'.
	 */
	double probe_ns;
	/*
	 * The time a cache line takes from worker 0's CPU to worker 1's and
	 * back, halved (interf_c2c), just before the window and just after
	 * it; NaN with fewer than two workers pinned to different CPUs.
	 * On a guest it moves with where the host runs the vCPUs (on this
	 * project's 2-vCPU EPYC guests ~40-60 ns when close, one core or
	 * complex, ~200 ns when apart), and with it the figures of every
	 * row whose threads share cache lines.
	 */
	double c2c_ns, c2c_after_ns;
};

/*
 * Time a fixed chain of dependent multiplies on this thread, best of three
 * short trials (about 0.3 ms each): ns per step, which rises when the CPU
 * runs slower than usual (a host's frequency, a busy sibling thread) even
 * though no other process of this guest takes its time.
 * MAPBENCH_TEST_PROBE_SLOW=REP (tests) doubles it in rows of that
 * repetition's first attempt.
 */
double interf_probe(unsigned rep, unsigned attempt);

/*
 * Is a probe of `probe_ns` slow against `ref_ns` (a fast quantile of the
 * sweep's probes) by more than `limit` (a fraction; >= 1: never)?
 */
bool interf_probe_slow(double probe_ns, double ref_ns, double limit);

/*
 * The core-to-core probe: two threads, the pinger and the ponger, pass
 * a counter in `line` (0 at the start, a cache line of its own, used once)
 * back and forth INTERF_C2C_ROUNDS times.  The pinger returns ns per
 * one-way transfer, the best of its trials; the ponger returns NaN; both
 * return NaN if the other does not answer by `deadline_ns`
 * (clock_mono_ns).
 */
#define INTERF_C2C_ROUNDS 600u
double interf_c2c(_Atomic uint64_t *line, bool pinger, uint64_t deadline_ns);

/*
 * What a row of repetition `rep` records for a probe that measured
 * `measured` ns: `measured`, or for the tests, where
 * MAPBENCH_TEST_C2C=NS[,NS...] lists a value per repetition (the first
 * for repetition 1), that value (a probe that did not run stays NaN).
 */
double interf_c2c_recorded(unsigned rep, double measured);

/*
 * Worker side: call begin just before the worker's first operation and
 * end just after its last, from the worker thread.  `t` is the thread's
 * own; nothing is shared.
 */
void interf_thread_begin(struct interf_thread *t);
void interf_thread_end(struct interf_thread *t);

/*
 * Machine side, over the allowed CPUs cpus[0..n): begin at the window's
 * start, end at its end with the process CPU seconds spent in between.
 */
void interf_machine_begin(struct interf_machine *m, const int *cpus,
			  unsigned n);
void interf_machine_end(struct interf_machine *m, const int *cpus, unsigned n,
			double own_cpu_s, struct interference *out);
/*
 * Add the workers' views (sum: every worker's interf_thread added with
 * interf_thread_add, from a zeroed one with have_runq set) to `out`.
 */
void interf_thread_add(struct interf_thread *sum,
		       const struct interf_thread *t);
void interf_workers(const struct interf_thread *sum, unsigned threads,
		    double window_s, struct interference *out);

/* Mark every figure NA (a row whose window did not run). */
void interf_none(struct interference *out);

/*
 * Was the row interfered with, under `limit` (a share, 0..1; >= 1 never)?
 * False when nothing was measurable.
 */
bool interf_classify(const struct interference *x, double limit);

#endif /* MAPBENCH_INTERFERE_H */

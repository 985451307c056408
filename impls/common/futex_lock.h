/*
 * A 4-byte mutex on a futex word (Drepper, "Futexes Are Tricky", mutex
 * 2), shared by the maps that want a lock per node or per bucket without
 * glibc's 40-byte pthread_mutex_t (hashtrie, clht).  The word is 0 free,
 * 1 locked, 2 locked with possible sleepers: lock spins briefly, then
 * marks the word 2 and sleeps in FUTEX_WAIT; unlock wakes one sleeper
 * only when the word was 2.  Taking the lock as 2 after sleeping is
 * conservative (we may have been the last waiter): it costs one spare
 * wake, never a lost one.
 *
 * Ordering: the acquiring CAS or exchange is paired with the releasing
 * exchange of the previous unlock, so a critical section happens before
 * the next one.  ThreadSanitizer sees that through the C11 atomics; the
 * explicit annotations below also cover the FUTEX_WAIT path.
 */
#ifndef MAPBENCH_FUTEX_LOCK_H
#define MAPBENCH_FUTEX_LOCK_H

#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "rcu.h" /* MAP_RCU_TSAN and the __tsan_* declarations */

typedef _Atomic uint32_t map_futex_lock_t;

/* Spins before sleeping: critical sections are a few stores long. */
#define MAP_FUTEX_LOCK_SPINS 100

static inline void
map_futex_lock_init(map_futex_lock_t *l)
{
	atomic_init(l, 0);
}

static inline void
map_futex_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#endif
}

static inline long
map_futex(map_futex_lock_t *l, int op, uint32_t val)
{
	return syscall(SYS_futex, (uint32_t *)l, op, val, NULL, NULL, 0);
}

static __attribute__((noinline)) void
map_futex_lock_slow(map_futex_lock_t *l, int spins)
{
	uint32_t c;

	for (int i = 0; i < spins; i++) {
		map_futex_cpu_relax();
		c = 0;
		/* Acquire: pairs with the release exchange of unlock. */
		if (atomic_load_explicit(l, memory_order_relaxed) == 0 &&
		    atomic_compare_exchange_weak_explicit(l, &c, 1,
							  memory_order_acquire,
							  memory_order_relaxed))
			return;
	}
	/* Park; we own the lock when the word we replaced was 0. */
	while (atomic_exchange_explicit(l, 2, memory_order_acquire) != 0)
		map_futex(l, FUTEX_WAIT_PRIVATE, 2);
}

/* Lock, spinning at most `spins` pauses before sleeping. */
static inline void
map_futex_lock_spins(map_futex_lock_t *l, int spins)
{
	uint32_t c = 0;

	/* Acquire: pairs with the release exchange of unlock. */
	if (!atomic_compare_exchange_strong_explicit(
		    l, &c, 1, memory_order_acquire, memory_order_relaxed))
		map_futex_lock_slow(l, spins);
#ifdef MAP_RCU_TSAN
	__tsan_acquire((void *)l);
#endif
}

static inline void
map_futex_lock(map_futex_lock_t *l)
{
	map_futex_lock_spins(l, MAP_FUTEX_LOCK_SPINS);
}

static inline void
map_futex_unlock(map_futex_lock_t *l)
{
#ifdef MAP_RCU_TSAN
	__tsan_release((void *)l);
#endif
	/* Release: publishes the critical section to the next locker. */
	if (atomic_exchange_explicit(l, 0, memory_order_release) == 2)
		map_futex(l, FUTEX_WAKE_PRIVATE, 1);
}

#endif /* MAPBENCH_FUTEX_LOCK_H */

/*
 * The RCU flavour every RCU-based implementation shares (urcu-memb:
 * readers pay a compiler barrier; writers use sys_membarrier, or fall back
 * to full fences on kernels without it), and the nesting thread
 * registration behind their thread_enter/thread_exit hooks.
 *
 * Define _LGPL_SOURCE before including liburcu so that rcu_read_lock()
 * and rcu_read_unlock() are inlined into the read paths.
 */
#ifndef MAPBENCH_RCU_H
#define MAPBENCH_RCU_H

#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE
#endif
#include <urcu/urcu-memb.h>

/*
 * ThreadSanitizer cannot see a grace period: readers end their sections
 * with compiler barriers only (the writer side uses sys_membarrier inside
 * an uninstrumented library), so every free made by a call_rcu callback
 * looks like a race with the readers that used the object.  In TSan
 * builds we tell it what RCU guarantees: each read-side section releases
 * one sync object when it ends, and each callback acquires it before it
 * frees.  That orders every section that ended before the callback ran,
 * which is all a grace period promises; a reader still inside its section
 * when the callback frees (a real use-after-free) stays unordered and is
 * still reported.  Outside TSan builds these are no-ops.
 */
#if defined(__SANITIZE_THREAD__)
#define MAP_RCU_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MAP_RCU_TSAN 1
#endif
#endif

#ifdef MAP_RCU_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
extern char map_rcu_tsan_grace;
#endif

/* Begin and end a read-side critical section (they nest). */
static inline void
map_rcu_read_lock(void)
{
	urcu_memb_read_lock();
}

static inline void
map_rcu_read_unlock(void)
{
#ifdef MAP_RCU_TSAN
	__tsan_release(&map_rcu_tsan_grace);
#endif
	urcu_memb_read_unlock();
}

/* The first thing every call_rcu callback does. */
static inline void
map_rcu_callback_begin(void)
{
#ifdef MAP_RCU_TSAN
	__tsan_acquire(&map_rcu_tsan_grace);
#endif
}

/*
 * Register the calling thread with urcu-memb on its first enter; later
 * enters (the same or another RCU impl) only count.  Every enter is
 * matched by one exit; the last exit unregisters the thread.
 */
void map_rcu_thread_enter(void);
void map_rcu_thread_exit(void);

/*
 * The quiesce hook of every urcu-memb map (struct map_ops.quiesce):
 * rcu_barrier(), i.e. wait until every call_rcu callback queued so far,
 * by any thread, has run.  Not from a read-side section.
 */
struct map;
void map_rcu_quiesce(struct map *m);

#endif /* MAPBENCH_RCU_H */

#include "rcu.h"

#include <assert.h>
#include <pthread.h>

#ifdef MAP_RCU_TSAN
char map_rcu_tsan_grace;
#endif

/* Per thread: how many enters are not yet matched by an exit. */
static __thread unsigned long rcu_thread_nesting;

void
map_rcu_thread_enter(void)
{
	if (rcu_thread_nesting++ == 0)
		urcu_memb_register_thread();
}

void
map_rcu_thread_exit(void)
{
	assert(rcu_thread_nesting > 0);
	if (--rcu_thread_nesting == 0)
		urcu_memb_unregister_thread();
}

#ifdef MAPBENCH_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

/*
 * Run on the call_rcu thread: return its cached frees to the arenas, so
 * that jemalloc's stats.allocated no longer counts them.
 */
static void
rcu_flush_cb(struct rcu_head *h)
{
	(void)h;
#ifdef MAPBENCH_HAVE_JEMALLOC
	mallctl("thread.tcache.flush", NULL, NULL, NULL, 0);
#endif
}

/*
 * Every callback queued so far has run once the first barrier returns;
 * the flush queued after it runs on the same call_rcu thread, and the
 * second barrier waits for it.  Serialised: one static rcu_head.
 */
void
map_rcu_quiesce(struct map *m)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static struct rcu_head head;

	(void)m;
	pthread_mutex_lock(&mu);
	urcu_memb_barrier();
	map_rcu_thread_enter();
	urcu_memb_call_rcu(&head, rcu_flush_cb);
	map_rcu_thread_exit();
	urcu_memb_barrier();
	pthread_mutex_unlock(&mu);
}

#include "rcu.h"

#include <assert.h>

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

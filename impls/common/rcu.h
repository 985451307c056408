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
 * Register the calling thread with urcu-memb on its first enter; later
 * enters (the same or another RCU impl) only count.  Every enter is
 * matched by one exit; the last exit unregisters the thread.
 */
void map_rcu_thread_enter(void);
void map_rcu_thread_exit(void);

#endif /* MAPBENCH_RCU_H */

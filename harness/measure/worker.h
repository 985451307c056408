/*
 * A worker thread of the timed window (worker.c): its loop over the
 * row's operations, specialised per kind of row.
 */
#ifndef MAPBENCH_WORKER_H
#define MAPBENCH_WORKER_H

/*
 * The thread's body (pthread_create's start routine; arg: its struct
 * worker of plan.h): pin, meet the others at the plan's barrier, run the
 * row's loop until the stop flag or the --ops budget, record.
 */
void *worker_main(void *arg);

#endif /* MAPBENCH_WORKER_H */

/*
 * A stand-in for LPD-EPFL/ssmem, used only to build the original CLHT-LB as a
 * mapbench plugin (outside the mapbench repository).  CLHT-LB calls ssmem at a
 * resize only (clht_gc_release: the replaced table and its overflow buckets),
 * never on a get/put/remove.  The real ssmem assumes every thread registers,
 * with a dense id, before anything is released (ssmem_ts_set_collect indexes
 * a set sized at release time by thread id), which mapbench's fresh worker
 * threads per row break; so released objects are kept here and freed when the
 * map is destroyed (no reader can hold them then).
 */
#ifndef MB_SSMEM_SHIM_H
#define MB_SSMEM_SHIM_H
#include <stddef.h>
#define SSMEM_GC_FREE_SET_SIZE 507
#define SSMEM_DEFAULT_MEM_SIZE (32 * 1024 * 1024L)
typedef struct ssmem_allocator {
	int unused;
} ssmem_allocator_t;
void ssmem_alloc_init_fs_size(ssmem_allocator_t *a, size_t size,
			      size_t free_set_size, int id);
void ssmem_release(ssmem_allocator_t *a, void *obj);
void ssmem_shim_free_released(void);
#endif

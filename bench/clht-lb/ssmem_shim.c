#include <pthread.h>
#include <stdlib.h>

#include "ssmem.h"

struct rel {
	struct rel *next;
	void *obj;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct rel *released;

void
ssmem_alloc_init_fs_size(ssmem_allocator_t *a, size_t size,
			 size_t free_set_size, int id)
{
	(void)a, (void)size, (void)free_set_size, (void)id;
}

void
ssmem_release(ssmem_allocator_t *a, void *obj)
{
	struct rel *r = malloc(sizeof(*r));

	(void)a;
	if (r == NULL)
		return; /* leak rather than free early */
	r->obj = obj;
	pthread_mutex_lock(&mu);
	r->next = released;
	released = r;
	pthread_mutex_unlock(&mu);
}

void
ssmem_shim_free_released(void)
{
	struct rel *r, *n;

	pthread_mutex_lock(&mu);
	r = released;
	released = NULL;
	pthread_mutex_unlock(&mu);
	for (; r != NULL; r = n) {
		n = r->next;
		free(r->obj);
		free(r);
	}
}

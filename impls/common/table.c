#include "table.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"

/*
 * An empty table points at this one empty slot (capacity 1), so lookups
 * need no NULL check and an empty table allocates nothing but its header.
 * It is never written: the first insertion grows the table first.
 */
static struct table_slot empty_slot[1];

static size_t
capacity_for(size_t n)
{
	size_t cap = 8;

	if (n == 0)
		return 1;
	/* Keep the load at or under 3/4. */
	while (cap / 4 * 3 < n)
		cap *= 2;
	return cap;
}

struct table *
table_new(size_t hint)
{
	struct table *t = map_malloc(sizeof(*t));

	if (t == NULL)
		return NULL;
	table_init_empty(t);
	if (hint != 0 && table_reserve(t, hint) != 0) {
		map_free(t);
		return NULL;
	}
	t->grows = 0;
	return t;
}

void
table_init_empty(struct table *t)
{
	*t = (struct table){.mask = 0, .slots = empty_slot};
}

void
table_free_slots(struct table *t)
{
	if (t->slots != empty_slot)
		map_free(t->slots);
}

bool
table_has_slots(const struct table *t)
{
	return t->slots != empty_slot;
}

void
table_free(struct table *t)
{
	if (t == NULL)
		return;
	table_free_slots(t);
	map_free(t);
}

static void
insert_fresh(struct table_slot *slots, size_t mask, uint64_t key, void *val)
{
	size_t i = (size_t)map_hash64(key) & mask;

	while (slots[i].val != NULL)
		i = (i + 1) & mask;
	slots[i] = (struct table_slot){.key = key, .val = val};
}

int
table_reserve(struct table *t, size_t n)
{
	size_t cap = capacity_for(n);
	struct table_slot *slots;

	if (cap <= t->mask + 1 && (t->slots != empty_slot || n == 0))
		return 0;
	/*
	 * malloc and memset, not calloc: jemalloc satisfies a large calloc
	 * from a reused (dirty) extent by madvise(MADV_DONTNEED), so every
	 * page then faults in again, and the madvise shoots down the TLBs of
	 * every CPU the process runs on.  syncmap allocates a table per
	 * dirty rebuild, so its AdversarialAlloc spent 40% of its time
	 * there; zeroing memory that is warm in the cache is far cheaper.
	 */
	if (cap > SIZE_MAX / sizeof(*slots))
		return -ENOMEM;
	slots = map_malloc(cap * sizeof(*slots));
	if (slots == NULL)
		return -ENOMEM;
	/* Keeps the compiler from fusing malloc and memset into calloc. */
	__asm__ volatile("" : : "r"(slots) : "memory");
	memset(slots, 0, cap * sizeof(*slots));
	if (t->slots != empty_slot) {
		for (size_t i = 0; i <= t->mask; i++)
			if (t->slots[i].val != NULL)
				insert_fresh(slots, cap - 1, t->slots[i].key,
					     t->slots[i].val);
		map_free(t->slots);
	}
	t->slots = slots;
	t->mask = cap - 1;
	t->grows++;
	return 0;
}

void *
table_put_reserved(struct table *t, uint64_t key, void *val)
{
	size_t i = (size_t)map_hash64(key) & t->mask;

	for (;; i = (i + 1) & t->mask) {
		struct table_slot *s = &t->slots[i];

		if (s->val == NULL) {
			*s = (struct table_slot){.key = key, .val = val};
			t->count++;
			return NULL;
		}
		if (s->key == key) {
			void *old = s->val;

			s->val = val;
			return old;
		}
	}
}

int
table_put(struct table *t, uint64_t key, void *val, void **old)
{
	void *prev = table_get(t, key);

	if (prev == NULL && table_reserve(t, t->count + 1) != 0)
		return -ENOMEM;
	prev = table_put_reserved(t, key, val);
	if (old != NULL)
		*old = prev;
	return 0;
}

void *
table_remove(struct table *t, uint64_t key)
{
	size_t i = (size_t)map_hash64(key) & t->mask;
	void *val;

	for (;; i = (i + 1) & t->mask) {
		if (t->slots[i].val == NULL)
			return NULL;
		if (t->slots[i].key == key)
			break;
	}
	val = t->slots[i].val;
	/*
	 * Backward-shift deletion: walk the cluster after the hole and pull
	 * back every entry whose home slot does not lie cyclically in
	 * (hole, j], so that no probe sequence crosses an empty slot.
	 */
	for (size_t j = i;;) {
		size_t home;

		j = (j + 1) & t->mask;
		if (t->slots[j].val == NULL)
			break;
		home = (size_t)map_hash64(t->slots[j].key) & t->mask;
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	t->slots[i].val = NULL;
	t->count--;
	return val;
}

void
table_clear(struct table *t)
{
	if (t->slots != empty_slot)
		memset(t->slots, 0, (t->mask + 1) * sizeof(*t->slots));
	t->count = 0;
}

size_t
table_walk_start(const struct table *t)
{
	/* Per thread, so that concurrent Ranges share no cache line. */
	static __thread uint64_t walks;

	return (size_t)map_hash64(++walks ^ (uintptr_t)&walks) & t->mask;
}

size_t
table_footprint(const struct table *t)
{
	size_t n = sizeof(*t);

	if (t->slots != empty_slot)
		n += (t->mask + 1) * sizeof(*t->slots);
	return n;
}

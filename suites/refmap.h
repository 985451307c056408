/*
 * The reference map of the conformance and allocation-failure suites: a
 * plain array of values over the key space [0, nkeys), NULL for absent,
 * with the Go 1.23 sync.Map semantics spelled out as simply as possible
 * (in the spirit of Go's map_reference_test.go).  Also: reading an
 * implementation's whole contents back, and comparing the two.
 */
#ifndef MAPBENCH_REFMAP_H
#define MAPBENCH_REFMAP_H

#include "testutil.h"

struct refmap {
	size_t nkeys;
	void **val;
};

static inline void
ref_init(struct refmap *r, size_t nkeys)
{
	r->nkeys = nkeys;
	r->val = calloc(nkeys, sizeof(*r->val));
	assert_non_null(r->val);
}

static inline void
ref_fini(struct refmap *r)
{
	free(r->val);
	r->val = NULL;
}

static inline void
ref_copy(struct refmap *dst, const struct refmap *src)
{
	ref_init(dst, src->nkeys);
	memcpy(dst->val, src->val, src->nkeys * sizeof(*src->val));
}

static inline size_t
ref_len(const struct refmap *r)
{
	size_t n = 0;

	for (size_t k = 0; k < r->nkeys; k++)
		n += r->val[k] != NULL;
	return n;
}

static inline bool
ref_load(struct refmap *r, uint64_t k, void **v)
{
	*v = r->val[k];
	return *v != NULL;
}

static inline int
ref_store(struct refmap *r, uint64_t k, void *v)
{
	if (v == NULL)
		return -EINVAL;
	r->val[k] = v;
	return 0;
}

static inline int
ref_load_or_store(struct refmap *r, uint64_t k, void *v, void **actual)
{
	if (v == NULL)
		return -EINVAL;
	if (r->val[k] != NULL) {
		*actual = r->val[k];
		return 1;
	}
	r->val[k] = v;
	*actual = v;
	return 0;
}

static inline bool
ref_load_and_delete(struct refmap *r, uint64_t k, void **v)
{
	*v = r->val[k];
	r->val[k] = NULL;
	return *v != NULL;
}

static inline int
ref_swap(struct refmap *r, uint64_t k, void *v, void **prev)
{
	if (v == NULL)
		return -EINVAL;
	*prev = r->val[k];
	r->val[k] = v;
	return *prev != NULL;
}

static inline bool
ref_cas(struct refmap *r, uint64_t k, void *old, void *new)
{
	if (r->val[k] == NULL || r->val[k] != old || new == NULL)
		return false;
	r->val[k] = new;
	return true;
}

static inline bool
ref_cad(struct refmap *r, uint64_t k, void *old)
{
	if (r->val[k] == NULL || r->val[k] != old)
		return false;
	r->val[k] = NULL;
	return true;
}

/* An implementation's contents, read back through range. */
struct snap {
	const struct refmap *ref; /* key space bound */
	void **val;		  /* value seen per key */
	size_t visits;
	bool dup, out_of_range, null_value;
	uint64_t bad_key;
};

static inline bool
snap_fn(uint64_t key, void *value, void *arg)
{
	struct snap *s = arg;

	s->visits++;
	if (value == NULL) {
		s->null_value = true;
		s->bad_key = key;
	} else if (key >= s->ref->nkeys) {
		s->out_of_range = true;
		s->bad_key = key;
	} else if (s->val[key] != NULL) {
		s->dup = true;
		s->bad_key = key;
	} else {
		s->val[key] = value;
	}
	return true;
}

/*
 * Is the implementation's content exactly `r`?  Checked twice: through
 * range (every key once, right value, nothing else), then through a
 * load of every key of the key space.  On mismatch, returns false and
 * writes what differed to `why`.
 */
static inline bool
ref_matches(const struct map_ops *ops, struct map *m, const struct refmap *r,
	    char *why, size_t whylen)
{
	struct snap s = {.ref = r};
	bool ok = true;

	s.val = calloc(r->nkeys, sizeof(*s.val));
	assert_non_null(s.val);
	ops->range(m, snap_fn, &s);
	if (s.dup || s.out_of_range || s.null_value) {
		snprintf(why, whylen, "range: key %llu %s",
			 (unsigned long long)s.bad_key,
			 s.dup		? "visited twice"
			 : s.null_value ? "visited with a NULL value"
					: "never stored");
		ok = false;
	}
	for (size_t k = 0; ok && k < r->nkeys; k++) {
		void *v = (void *)1;
		bool found = ops->load(m, k, &v);

		if (s.val[k] != r->val[k]) {
			snprintf(why, whylen,
				 "range: key %zu has %p, expected %p", k,
				 s.val[k], r->val[k]);
			ok = false;
		} else if (found != (r->val[k] != NULL) ||
			   (found && v != r->val[k])) {
			snprintf(why, whylen,
				 "load(%zu) = %d, %p; expected %d, %p", k,
				 found, found ? v : NULL, r->val[k] != NULL,
				 r->val[k]);
			ok = false;
		}
	}
	free(s.val);
	return ok;
}

#endif /* MAPBENCH_REFMAP_H */

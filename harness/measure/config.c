/* Configurations: what they write, whether a map can run them, labels. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "registry.h"

bool
config_writes(const struct config *c)
{
	unsigned reads = (1u << WL_LOAD) | (1u << WL_RANGE);

	if (c->wl)
		return (c->wl->uses & ~reads) != 0;
	for (int k = 0; k < WL_NOPS; k++)
		if (c->mix.w[k] > 0 && !((1u << k) & reads))
			return true;
	return false;
}

/* Does the configuration run operation k (WL_*)? */
static bool
config_uses(const struct config *c, int k)
{
	if (c->wl)
		return (c->wl->uses & (1u << k)) != 0;
	return c->mix.w[k] > 0;
}

/*
 * A map that declares an operation unsafe or not atomic under concurrency
 * (map.h's MAP_LIMIT_*) is refused for a multi-threaded configuration
 * that runs it (with writers, for range): its figures would measure
 * something other than the operation the contract names.
 */
static bool
config_limited(const struct config *c, char *why, size_t len)
{
	unsigned l = map_ops_limits(c->ops, config_param(c));
	const char *what = NULL;
	unsigned bit = 0;

	if ((l & MAP_LIMIT_RANGE_CONCURRENT) && config_uses(c, WL_RANGE) &&
	    config_writes(c))
		what = "range", bit = MAP_LIMIT_RANGE_CONCURRENT;
	else if ((l & MAP_LIMIT_CLEAR_CONCURRENT) && config_uses(c, WL_CLEAR))
		what = "clear", bit = MAP_LIMIT_CLEAR_CONCURRENT;
	else if ((l & MAP_LIMIT_CLEAR_ATOMIC) && config_uses(c, WL_CLEAR))
		what = "clear", bit = MAP_LIMIT_CLEAR_ATOMIC;
	else if ((l & MAP_LIMIT_CAS_ATOMIC) && config_uses(c, WL_CAS))
		what = "compare_and_swap", bit = MAP_LIMIT_CAS_ATOMIC;
	else if ((l & MAP_LIMIT_CAD_ATOMIC) && config_uses(c, WL_CAD))
		what = "compare_and_delete", bit = MAP_LIMIT_CAD_ATOMIC;
	if (what == NULL)
		return false;
	snprintf(why, len,
		 "%s declares that %s: it runs workloads with %s only with 1 "
		 "thread",
		 c->impl.name, map_limit_text(bit), what);
	return true;
}

bool
config_refused(const struct config *c, char *why, size_t len)
{
	if ((c->ops->flags & MAP_NOT_THREAD_SAFE) && c->threads > 1 &&
	    config_writes(c)) {
		snprintf(why, len,
			 "%s is not thread-safe: it runs only with 1 thread "
			 "or no writers",
			 c->ops->name);
		return true;
	}
	if (c->threads > 1 && config_limited(c, why, len))
		return true;
	if (!c->wl && c->dist.kind == DIST_CHURN)
		for (int k = 0; k < WL_NOPS; k++)
			if (c->mix.w[k] > 0 && k != WL_LOAD && k != WL_STORE &&
			    k != WL_DELETE) {
				snprintf(why, len,
					 "--dist churn runs load, store and "
					 "delete only, not %s",
					 wl_op_names[k]);
				return true;
			}
	if (!c->wl && c->dist.kind == DIST_ZIPF &&
	    c->keys > (UINT64_C(1) << 32)) {
		snprintf(why, len, "--dist zipf takes at most 2^32 keys");
		return true;
	}
	return false;
}

const char *
config_sizing_name(enum sizing s)
{
	return s == SIZING_KEYS ? "keys" : "none";
}

void
config_label(const struct config *c, char *buf, size_t len)
{
	char d[64];

	dist_format(&c->dist, d, sizeof(d));
	if (c->wl)
		snprintf(buf, len, "%s %s threads=%u rep=%u", c->impl.name,
			 c->wl->name, c->threads, c->rep);
	else if (c->read_pct >= 0)
		snprintf(buf, len,
			 "%s read=%d%% threads=%u keys=%llu %s rep=%u",
			 c->impl.name, c->read_pct, c->threads,
			 (unsigned long long)c->keys, d, c->rep);
	else
		snprintf(buf, len, "%s mix=%s threads=%u keys=%llu %s rep=%u",
			 c->impl.name, c->mix_str, c->threads,
			 (unsigned long long)c->keys, d, c->rep);
}

static uint64_t
splitmix64(uint64_t x)
{
	x += UINT64_C(0x9e3779b97f4a7c15);
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	return x ^ (x >> 31);
}

uint64_t
config_rep_seed(uint64_t seed, unsigned rep)
{
	return splitmix64(seed + rep * UINT64_C(0x9e3779b97f4a7c15));
}

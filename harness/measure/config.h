/*
 * One configuration: one point of the grid (a map, a workload or mix,
 * threads, keys, distribution) and the method it is measured with.  A
 * repetition of a configuration is one row of results.
 */
#ifndef MAPBENCH_CONFIG_H
#define MAPBENCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "map.h"
#include "mix.h"
#include "workloads.h"

/* A map as the user named it: "striped:64" is striped_ops with "64". */
struct impl_spec {
	const struct map_ops *ops;
	char name[96];	/* as written in rows: "striped:64" */
	char param[80]; /* after the first ':'; "" for none */
};

/* What create() is told: nothing (as Go's maps) or --keys. */
enum sizing { SIZING_NONE, SIZING_KEYS };

struct config {
	struct impl_spec impl;
	const struct map_ops *ops;    /* impl.ops */
	const struct go_workload *wl; /* NULL: synthetic mix */
	unsigned threads;
	int read_pct; /* -1 when a --mix or a Go workload */
	struct mix mix;
	char mix_str[256];
	uint64_t keys;
	struct dist dist;
	int prefill_pct;
	double duration;
	uint64_t seed; /* the repetition's seed (common to every map) */
	bool pin;
	uint64_t latency_sample;
	unsigned rep; /* 1-based */
	/* --- measurement method (issue 7; driver.c, isolate.c) --- */
	uint64_t ops_per_thread; /* --ops N: N ops per thread; 0: --duration */
	bool settle;		 /* --settle: one Range after the prefill */
	enum sizing sizing;	 /* --sizing: what create() is told */
	bool isolate;		 /* the row runs in a child process */
	double row_timeout;	 /* --row-timeout seconds (isolated rows) */
	double interf_limit;	 /* --interference-limit, a share (>= 1: off) */
	unsigned attempt; /* 1-based: > 1 re-measures an interfered row */
			  /* --- end measurement method --- */
	/* --- the sweep's plan (schema.def's PLAN columns) --- */
	uint64_t grid_seed;    /* --seed: every rep's seed derives from it */
	unsigned repeat;       /* --repeat */
	double precision;      /* --precision, a fraction; 0: off */
	unsigned max_repeat;   /* --max-repeat */
	unsigned max_attempts; /* 1 + --remeasure */
};

/* The map's parameter, or NULL when it has none. */
static inline const char *
config_param(const struct config *c)
{
	return c->impl.param[0] ? c->impl.param : NULL;
}

/* Does the configuration write to the map? */
bool config_writes(const struct config *c);
/* Can the map run it at all?  If not, why (one line). */
bool config_refused(const struct config *c, char *why, size_t len);
/* "syncmap read=90% threads=2 keys=1000 uniform rep=1", for messages. */
void config_label(const struct config *c, char *buf, size_t len);
/*
 * The seed of repetition `rep` of a grid seeded with `seed`.  Every map
 * of a repetition gets it: common random numbers, so that maps are
 * compared on the same prefill and the same operation streams.
 */
uint64_t config_rep_seed(uint64_t seed, unsigned rep);
/* "none" or "keys". */
const char *config_sizing_name(enum sizing s);

#endif /* MAPBENCH_CONFIG_H */

/*
 * Synthetic workloads: an operation mix (weights per operation kind) and a
 * key distribution, with their text forms.  Shared by the harness and by
 * anything else that describes a synthetic workload (lincheck, bench/).
 */
#ifndef MAPBENCH_MIX_H
#define MAPBENCH_MIX_H

#include <stddef.h>

#include "workloads.h"

#ifdef __cplusplus
extern "C" {
#endif

enum dist_kind { DIST_UNIFORM, DIST_ZIPF, DIST_CHURN };

struct dist {
	enum dist_kind kind;
	double theta; /* zipf only */
};

/* A mix: weights (percent, may be fractional) per operation kind. */
struct mix {
	double w[WL_NOPS];
};

/* "uniform", "churn", "zipf" (theta 0.99) or "zipf:THETA": 0 or -1. */
int parse_dist(const char *s, struct dist *d);
/* The text parse_dist() reads back to the same distribution. */
void dist_format(const struct dist *d, char *buf, size_t len);
/* "load=90,store=5,delete=5" (or ';'), normalised to percent: 0 or -1. */
int parse_mix(const char *s, struct mix *m);
/* read_pct loads, the rest split evenly between store and delete. */
void mix_from_read(struct mix *m, int read_pct);
/* Canonical text: "load=99;store=0.5;delete=0.5". */
void mix_format(const struct mix *m, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* MAPBENCH_MIX_H */

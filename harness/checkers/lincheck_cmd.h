/*
 * The parts of `mapbench lincheck` (lincheck.h's lc_main), between its
 * files: the options and the command (lincheck_cmd.c), running each map's
 * histories in a child process (lincheck_run.c) and the text and JSON
 * reports (lincheck_print.c).  Not for other callers.
 */
#ifndef MAPBENCH_LINCHECK_CMD_H
#define MAPBENCH_LINCHECK_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "lincheck.h"

#define LC_MAX_IMPLS 64
/*
 * A history (of more than one thread) in which fewer key operations than
 * this overlapped another thread's operation on the same key is
 * `unknown`: its threads barely met, so it tested next to nothing.
 */
#define LC_MIN_OVERLAP 20
/*
 * A history under LC_MIN_OVERLAP is recorded again (the same operations,
 * another interleaving) up to this many times in all before it counts as
 * unknown: on a loaded machine threads often run one after the other.
 */
#define LC_MAX_ATTEMPTS 20
/* The defaults where lincheck_record.c's lc_config_default differs. */
#define LC_DEFAULT_OPS	     2000
#define LC_DEFAULT_HISTORIES 20

struct lc_impl {
	const struct map_ops *ops;
	const char *param; /* NULL: none */
	char label[128];   /* "name" or "name:param" */
};

struct lc_opts {
	struct lc_config c;
	struct lc_impl impl[LC_MAX_IMPLS];
	unsigned nimpl;
	unsigned histories;
	double budget_ms;
	double timeout_s; /* per map */
	bool unknown_fails, json, mix_given, keys_given;
};

struct lc_result {
	struct lc_report r;
	unsigned histories;
	unsigned low_overlap;	    /* histories under LC_MIN_OVERLAP */
	unsigned low_overlap_first; /* the first of them */
	unsigned attempts;	    /* recordings, retries included */
	double rec_ns_op, unrec_ns_op;
	int error;
};

/* What a map's child sends back, before its section of the report. */
struct lc_sum {
	uint32_t magic;
	int32_t error;
	uint32_t violation, unknown, low_overlap, histories;
	uint64_t len; /* bytes of report that follow */
};
#define LC_SUM_MAGIC 0x6c634d42u

/* Set by the first SIGINT/SIGTERM while lincheck runs (proc_catch_stop). */
extern volatile sig_atomic_t lc_interrupted;

/* lincheck_run.c */
/* The mix without the operations the map declares it cannot do. */
void lc_drop_limited(const struct lc_impl *im, struct lc_config *c);
/* The configuration of history i (the default schedule alternates). */
void lc_history_config(const struct lc_opts *o, unsigned i,
		       struct lc_config *c);
/*
 * Run one map's histories in a child with a time bound.  On success
 * *sum and *report (malloc'ed: the map's text section or JSON object)
 * are the child's; else *why says how the child ended and 1 is returned.
 */
int lc_run_child(const struct lc_opts *o, const struct lc_impl *im,
		 struct lc_sum *sum, char **report, char *why, size_t whylen);

/* lincheck_print.c */
/* The text report's opening lines: the clock, the options, the mix. */
void lc_print_header(const struct lc_opts *o, const struct lc_clock_info *ci);
/* One map's section of the text report. */
void lc_print_map(FILE *out, const struct lc_opts *o, const struct lc_impl *im,
		  const struct lc_result *rs);
/* One map's object of the JSON report. */
json_t *lc_map_json(const struct lc_opts *o, const struct lc_impl *im,
		    const struct lc_result *rs);
/* The JSON report's root object, without "maps" and "verdict". */
json_t *lc_root_json(const struct lc_opts *o, const struct lc_clock_info *ci);

#endif /* MAPBENCH_LINCHECK_CMD_H */

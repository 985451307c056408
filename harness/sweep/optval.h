/*
 * Option values (prefix optval_), shared by run's and sweep's option table
 * (options.c) and by `mapbench check`: each either returns what it parsed
 * or reports bad input the command line's way, one line on stderr naming
 * the option, the value and what is accepted, and exit status 2 (before
 * anything runs or is written).  The parsers that return bool or -1
 * leave the message to their caller.
 */
#ifndef MAPBENCH_OPTVAL_H
#define MAPBENCH_OPTVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <getopt.h>

#include "opts.h"

/* Bad input: "mapbench: OPT: invalid value 'VAL'; accepted: ...", exit 2. */
_Noreturn void optval_bad(const char *opt, const char *val,
			  const char *accepted);

/*
 * Split `s` at commas into at most MAX_LIST items (malloc'ed, freed by
 * optval_list_free); an empty item or a longer list is bad input.
 */
int optval_list_split(const char *opt, const char *s, char ***items,
		      const char *accepted);
void optval_list_free(char **v, int n);
/*
 * A comma-separated list of decimal integers in [lo, hi] (k/M/G suffixes
 * if `suffix`), duplicates dropped, into v[]; returns the count.
 */
int optval_u64_list(const char *opt, const char *arg, uint64_t lo, uint64_t hi,
		    bool suffix, const char *acc, uint64_t v[MAX_LIST]);
/* One integer in [lo, hi] (num_parse_u64), or bad input naming `opt`. */
uint64_t optval_u64(const char *opt, const char *arg, uint64_t lo, uint64_t hi,
		    bool suffix, const char *acc);

/* "200ms", "1s", "2.5s", "1m", "1h", "500us" (1 ms..1 h); false if not. */
bool optval_duration(const char *s, double *out);
/* A percentage in [lo, hi] (decimals allowed), as a fraction. */
bool optval_pct(const char *arg, double lo, double hi, double *out);
/* The same, or "off" as `off`; anything else is bad input naming `opt`. */
double optval_pct_or_off(const char *opt, const char *arg, double lo, double hi,
			 double off, const char *acc);

/* The index of `arg` in names[] (NULL-terminated), or bad input. */
int optval_choice(const char *opt, const char *arg, const char *const *names,
		  const char *acc);
/* A directory path: not empty, or bad input naming `opt`. */
const char *optval_path(const char *opt, const char *arg);

/*
 * Resolve "name" or "name:param" to a map, checking that the map accepts
 * the parameter (by creating a small one).  0, or -1 with a message in
 * `why`.
 */
int optval_impl_spec(const char *s, struct impl_spec *out, char *why,
		     size_t len);

/* Load the plugin at `path` (once); a bad library is one line and exit 2. */
void optval_load_lib(const char *path);
/*
 * Load every --impl-lib PATH (or --impl-lib=PATH) of argv before anything
 * resolves map names.  A scan for this one option, not a parser: the
 * command's getopt_long parser reads every option afterwards.
 */
void optval_load_libs(int argc, char **argv);

/*
 * getopt_long over argv[1..argc) in order, for a command that takes
 * positional arguments among its options (plot DIR, list): with "-", an
 * argument that is not an option comes back as 1, in optarg, where it
 * stands; *word is the argument getopt_long was at, for the message;
 * "--" comes back as '?' (none of these commands takes it).  Set
 * optind = 1 and opterr = 0 before the first call.
 */
int optval_next(int argc, char **argv, const struct option *lo,
		const char **word);

#endif /* MAPBENCH_OPTVAL_H */

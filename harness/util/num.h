/*
 * Numbers as every command's options document them (prefix num_): decimal
 * only, checked against a range; true or false, the message is the
 * caller's (it names the option and what is accepted).
 */
#ifndef MAPBENCH_NUM_H
#define MAPBENCH_NUM_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A decimal integer in [lo, hi]: digits only (a leading 0 is not octal,
 * no sign, no hex), optionally with a k/M/G (x1000) suffix when `suffix`.
 * false when `s` is not one, overflows, or is out of range.
 */
bool num_parse_u64(const char *s, uint64_t lo, uint64_t hi, bool suffix,
		   uint64_t *out);

/*
 * A decimal number as the options document it: digits, at most one '.',
 * an optional exponent (1e3); no sign, no hex (0x10), inf, nan or blank.
 * false when `s` is not one or is out of double's range.
 */
bool num_parse_decimal(const char *s, double *out);

#endif /* MAPBENCH_NUM_H */

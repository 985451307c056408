/*
 * Numbers as the options of every command document them (num.h): decimal
 * only (a leading zero is not octal, no hex, no sign, no inf or nan),
 * checked against a range.  The parsers say true or false and leave the
 * message to their caller, which names the option and what it accepts.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

bool
num_parse_u64(const char *s, uint64_t lo, uint64_t hi, bool suffix,
	      uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	if (suffix && *end) {
		uint64_t mul = 1;

		switch (*end) {
		case 'k':
		case 'K':
			mul = 1000;
			break;
		case 'm':
		case 'M':
			mul = 1000000;
			break;
		case 'g':
		case 'G':
			mul = 1000000000;
			break;
		default:
			return false;
		}
		if (v > UINT64_MAX / mul)
			return false;
		v *= mul;
		end++;
	}
	if (*end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool
num_parse_decimal(const char *s, double *out)
{
	size_t n = strspn(s, "0123456789.");
	char *end;
	double v;

	/* Digits and '.', then at most an exponent: e, a sign, digits. */
	if (n == 0)
		return false;
	if (s[n] == 'e' || s[n] == 'E') {
		size_t e = n + 1 + (s[n + 1] == '+' || s[n + 1] == '-');
		size_t d = strspn(s + e, "0123456789");

		if (d == 0 || s[e + d] != '\0')
			return false;
	} else if (s[n] != '\0') {
		return false;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v))
		return false;
	*out = v;
	return true;
}

/*
 * The values of command-line options (optval.h): lists, durations,
 * percentages, map names and plugins, parsed for options.c's table and
 * for `mapbench check`.  Bad input is the command line's: one line naming
 * the option, the value and what is accepted (optval_bad), exit status 2,
 * before anything runs or is written.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"
#include "optval.h"
#include "plugin.h"
#include "proc.h"

_Noreturn void
optval_bad(const char *opt, const char *val, const char *accepted)
{
	if (val)
		fprintf(stderr,
			"mapbench: %s: invalid value '%s'; accepted: %s\n", opt,
			val, accepted);
	else
		fprintf(stderr, "mapbench: %s: %s\n", opt, accepted);
	exit(2);
}

/*
 * Split `s` at commas into at most MAX_LIST items (malloc'ed, freed by
 * optval_list_free).  Empty items and longer lists are refused.
 */
int
optval_list_split(const char *opt, const char *s, char ***items,
		  const char *accepted)
{
	char **v = calloc(MAX_LIST, sizeof(char *));
	int n = 0;

	if (v == NULL)
		optval_bad(opt, NULL, "out of memory");
	for (const char *p = s;;) {
		const char *q = strchr(p, ',');
		size_t len = q ? (size_t)(q - p) : strlen(p);

		if (len == 0)
			optval_bad(opt, s, accepted);
		if (n == MAX_LIST) {
			char acc[512];

			snprintf(acc, sizeof(acc), "at most %d values: %s",
				 MAX_LIST, accepted);
			optval_bad(opt, s, acc);
		}
		v[n] = strndup(p, len);
		if (v[n++] == NULL)
			optval_bad(opt, NULL, "out of memory");
		if (!q)
			break;
		p = q + 1;
	}
	*items = v;
	return n;
}

void
optval_list_free(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "200ms", "1s", "2.5s", "1m", "1h", "500us"; a bare number is seconds. */
bool
optval_duration(const char *s, double *out)
{
	char num[64];
	const char *end;
	size_t n = strspn(s, "0123456789.eE+-");
	double v, mul = 1;

	/* The number before the unit is decimal (no hex, inf or nan). */
	if (n == 0 || n >= sizeof(num))
		return false;
	memcpy(num, s, n);
	num[n] = '\0';
	if (!num_parse_decimal(num, &v))
		return false;
	end = s + n;
	if (strcmp(end, "ms") == 0)
		mul = 1e-3;
	else if (strcmp(end, "us") == 0)
		mul = 1e-6;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		mul = 60;
	else if (strcmp(end, "h") == 0)
		mul = 3600;
	else if (*end && strcmp(end, "s") != 0)
		return false;
	v *= mul;
	if (!(v >= 1e-3 && v <= 3600))
		return false;
	*out = v;
	return true;
}

/* Map names and parameters: letters, digits and _ - . = + only. */
static bool
name_chars_ok(const char *s)
{
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("_-.=+", *s))
			return false;
	return true;
}

int
optval_impl_spec(const char *s, struct impl_spec *out, char *why, size_t len)
{
	const char *colon = strchr(s, ':');
	size_t nlen = colon ? (size_t)(colon - s) : strlen(s);
	char name[96];
	struct map *m;

	memset(out, 0, sizeof(*out));
	if (nlen == 0 || nlen >= sizeof(name) ||
	    strlen(s) >= sizeof(out->name) ||
	    (colon && strlen(colon + 1) >= sizeof(out->param))) {
		snprintf(why, len, "a map name, optionally with :PARAM");
		return -1;
	}
	memcpy(name, s, nlen);
	name[nlen] = '\0';
	out->ops = map_find(name);
	if (out->ops == NULL) {
		size_t n = 0;

		const struct map_ops *ops;

		n += (size_t)snprintf(why + n, len - n, "one of ");
		for (size_t j = 0; (ops = map_nth(j)) != NULL && n < len; j++)
			n += (size_t)snprintf(why + n, len - n, "%s, ",
					      ops->name);
		if (n < len)
			snprintf(why + n, len - n, "or all (comma separated)");
		return -1;
	}
	snprintf(out->name, sizeof(out->name), "%s", s);
	if (!colon)
		return 0;
	snprintf(out->param, sizeof(out->param), "%s", colon + 1);
	if (out->ops->create_param == NULL) {
		snprintf(why, len, "%s takes no parameter", name);
		return -1;
	}
	if (!out->param[0] || !name_chars_ok(out->param)) {
		snprintf(why, len, "%s:PARAM with PARAM %s", name,
			 out->ops->param_help ? out->ops->param_help
					      : "as `mapbench list` says");
		return -1;
	}
	/* Only the map knows its parameters: ask it for a small one. */
	m = out->ops->create_param(16, out->param);
	if (m == NULL) {
		snprintf(why, len, "%s:PARAM with PARAM %s%s", name,
			 out->ops->param_help ? out->ops->param_help
					      : "as `mapbench list` says",
			 errno == ENOMEM ? " (out of memory)" : "");
		return -1;
	}
	out->ops->destroy(m);
	return 0;
}

void
optval_load_lib(const char *path)
{
	char err[1024];
	size_t n;
	const struct map_plugin *p = map_plugins(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].path, path) == 0)
			return; /* given twice */
	if (!path[0])
		optval_bad("--impl-lib", path, "the path of a plugin (.so)");
	/* A constructor that calls exit() must not end us with 0. */
	proc_guard("a constructor of the --impl-lib plugin");
	if (map_plugin_load(path, err, sizeof(err))) {
		proc_guard(NULL);
		fprintf(stderr, "mapbench: --impl-lib: %s\n", err);
		exit(2);
	}
	proc_guard(NULL);
}

void
optval_load_libs(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--impl-lib") == 0 && i + 1 < argc)
			optval_load_lib(argv[++i]);
		else if (strncmp(argv[i], "--impl-lib=", 11) == 0)
			optval_load_lib(argv[i] + 11);
	}
}

/*
 * A comma-separated list of decimal integers in [lo, hi] (k/M/G suffixes
 * if `suffix`), duplicates dropped, into v[]; returns the count.
 */
int
optval_u64_list(const char *opt, const char *arg, uint64_t lo, uint64_t hi,
		bool suffix, const char *acc, uint64_t v[MAX_LIST])
{
	char **items;
	int n = optval_list_split(opt, arg, &items, acc), m = 0;
	uint64_t x;

	for (int i = 0; i < n; i++) {
		bool dup = false;

		if (!num_parse_u64(items[i], lo, hi, suffix, &x))
			optval_bad(opt, items[i], acc);
		for (int k = 0; k < m; k++)
			dup |= v[k] == x;
		if (!dup)
			v[m++] = x;
	}
	optval_list_free(items, n);
	return m;
}

/* A percentage 0..100 (decimals allowed), as a fraction. */
bool
optval_pct(const char *arg, double lo, double hi, double *out)
{
	double v;

	if (!num_parse_decimal(arg, &v) || !(v >= lo && v <= hi))
		return false;
	*out = v / 100;
	return true;
}

uint64_t
optval_u64(const char *opt, const char *arg, uint64_t lo, uint64_t hi,
	   bool suffix, const char *acc)
{
	uint64_t v;

	if (!num_parse_u64(arg, lo, hi, suffix, &v))
		optval_bad(opt, arg, acc);
	return v;
}

double
optval_pct_or_off(const char *opt, const char *arg, double lo, double hi,
		  double off, const char *acc)
{
	double v;

	if (strcmp(arg, "off") == 0)
		return off;
	if (!optval_pct(arg, lo, hi, &v))
		optval_bad(opt, arg, acc);
	return v;
}

int
optval_choice(const char *opt, const char *arg, const char *const *names,
	      const char *acc)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(arg, names[i]) == 0)
			return i;
	optval_bad(opt, arg, acc);
}

const char *
optval_path(const char *opt, const char *arg)
{
	if (!arg[0])
		optval_bad(opt, arg, "a directory path");
	return arg;
}

int
optval_next(int argc, char **argv, const struct option *lo, const char **word)
{
	int at = optind, c = getopt_long(argc, argv, "-", lo, NULL);

	*word = at < argc ? argv[at] : NULL;
	return c == -1 && at < argc ? '?' : c;
}

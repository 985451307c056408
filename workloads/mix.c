/* Mixes and key distributions: parsing and canonical text (mix.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mix.h"

int
parse_dist(const char *s, struct dist *d)
{
	char *end;

	if (strcmp(s, "uniform") == 0) {
		d->kind = DIST_UNIFORM;
		return 0;
	}
	if (strcmp(s, "churn") == 0) {
		d->kind = DIST_CHURN;
		return 0;
	}
	if (strcmp(s, "zipf") == 0) {
		d->kind = DIST_ZIPF;
		d->theta = 0.99;
		return 0;
	}
	if (strncmp(s, "zipf:", 5) == 0 && s[5]) {
		d->kind = DIST_ZIPF;
		d->theta = strtod(s + 5, &end);
		if (*end || !(d->theta > 0 && d->theta < 1))
			return -1;
		return 0;
	}
	return -1;
}

void
dist_format(const struct dist *d, char *buf, size_t len)
{
	switch (d->kind) {
	case DIST_UNIFORM:
		snprintf(buf, len, "uniform");
		break;
	case DIST_CHURN:
		snprintf(buf, len, "churn");
		break;
	case DIST_ZIPF:
		/* The shortest text that reads back to the same theta. */
		for (int prec = 6; prec <= 17; prec++) {
			snprintf(buf, len, "zipf:%.*g", prec, d->theta);
			if (strtod(buf + 5, NULL) == d->theta)
				break;
		}
		break;
	}
}

static const struct {
	const char *name;
	enum wl_op op;
} mix_names[] = {
	{"load", WL_LOAD},
	{"store", WL_STORE},
	{"delete", WL_DELETE},
	{"load_or_store", WL_LOAD_OR_STORE},
	{"load_and_delete", WL_LOAD_AND_DELETE},
	{"swap", WL_SWAP},
	{"cas", WL_CAS},
	{"compare_and_swap", WL_CAS},
	{"cad", WL_CAD},
	{"compare_and_delete", WL_CAD},
	{"range", WL_RANGE},
	{"clear", WL_CLEAR},
};

/*
 * "load=90,store=5,delete=5" (or ';'): each operation at most once, no
 * empty items, weights >= 0 and not all 0, normalised to percent.
 */
int
parse_mix(const char *s, struct mix *m)
{
	bool seen[WL_NOPS] = {false};
	double total = 0;
	const char *p = s;

	memset(m, 0, sizeof(*m));
	for (;;) {
		size_t len = strcspn(p, ",;"), i, nlen;
		const char *eq = memchr(p, '=', len);
		char num[64], *end;
		double w;

		if (eq == NULL)
			return -1;
		nlen = (size_t)(eq - p);
		for (i = 0; i < sizeof(mix_names) / sizeof(mix_names[0]); i++)
			if (strlen(mix_names[i].name) == nlen &&
			    strncmp(p, mix_names[i].name, nlen) == 0)
				break;
		if (i == sizeof(mix_names) / sizeof(mix_names[0]) ||
		    seen[mix_names[i].op])
			return -1;
		seen[mix_names[i].op] = true;
		if (len - nlen - 1 == 0 || len - nlen - 1 >= sizeof(num))
			return -1;
		memcpy(num, eq + 1, len - nlen - 1);
		num[len - nlen - 1] = '\0';
		w = strtod(num, &end);
		if (*end || !(w >= 0 && w <= 1e9))
			return -1;
		m->w[mix_names[i].op] = w;
		total += w;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	if (!(total > 0))
		return -1;
	for (int k = 0; k < WL_NOPS; k++)
		m->w[k] = m->w[k] * 100 / total;
	return 0;
}

void
mix_from_read(struct mix *m, int read_pct)
{
	memset(m, 0, sizeof(*m));
	m->w[WL_LOAD] = read_pct;
	m->w[WL_STORE] = (100 - read_pct) / 2.0;
	m->w[WL_DELETE] = (100 - read_pct) / 2.0;
}

/*
 * Canonical text: "load=99;store=0.5;delete=0.5" (no empty weights).
 * Semicolons, so that the CSV field needs no quoting and cut/awk work.
 */
void
mix_format(const struct mix *m, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int k = 0; k < WL_NOPS && n < len; k++)
		if (m->w[k] > 0)
			n += (size_t)snprintf(buf + n, len - n, "%s%s=%g",
					      n ? ";" : "", wl_op_names[k],
					      m->w[k]);
}

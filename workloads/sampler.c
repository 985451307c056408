/* Key samplers: the parts that run once per configuration (sampler.h). */
#include <math.h>
#include <stdlib.h>

#include "sampler.h"

uint64_t
sampler_gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

uint64_t
zipf_rank_key(const struct zipf *z, uint64_t rank)
{
	return (uint64_t)(((unsigned __int128)rank * z->mult) % z->n);
}

double
zipf_rank_prob(const struct zipf *z, uint64_t rank)
{
	double h = 0;

	/* Sum smallest first: the total is then exact to a few ulps. */
	for (uint64_t i = z->n; i >= 1; i--)
		h += pow((double)i, -z->theta);
	return pow((double)(rank + 1), -z->theta) / h;
}

/*
 * Vose's construction.  Column weights are scaled so that their mean is
 * 1 (w_k = n p_k); small columns (w < 1) keep themselves with
 * probability w and are topped up from a large one, which loses 1 - w.
 * The work lists are two stacks in one array of n indices.
 */
int
zipf_init(struct zipf *z, uint64_t n, double theta)
{
	double *w, h = 0;
	uint32_t *stack;
	size_t ns = 0, nl;

	z->cell = NULL;
	if (n == 0 || n > (UINT64_C(1) << 32))
		return -1;
	z->n = n;
	z->theta = theta;
	z->mult = UINT64_C(0x9e3779b97f4a7c15) % n;
	if (z->mult == 0)
		z->mult = 1;
	while (sampler_gcd(z->mult, n) != 1)
		z->mult++;
	w = malloc(n * sizeof(*w));
	stack = malloc(n * sizeof(*stack));
	z->cell = malloc(n * sizeof(*z->cell));
	if (!w || !stack || !z->cell) {
		free(w);
		free(stack);
		free(z->cell);
		z->cell = NULL;
		return -1;
	}
	for (uint64_t i = n; i >= 1; i--)
		h += pow((double)i, -theta);
	for (uint64_t r = 0; r < n; r++)
		w[zipf_rank_key(z, r)] =
			pow((double)(r + 1), -theta) / h * (double)n;
	/* Small ones from the bottom of `stack`, large ones from the top. */
	nl = n;
	for (uint64_t k = 0; k < n; k++)
		if (w[k] < 1)
			stack[ns++] = (uint32_t)k;
		else
			stack[--nl] = (uint32_t)k;
	while (ns > 0 && nl < n) {
		uint32_t s = stack[--ns], l = stack[nl];

		z->cell[s].thr = (uint32_t)(w[s] * 4294967296.0);
		z->cell[s].alias = l;
		w[l] -= 1 - w[s];
		if (w[l] < 1) { /* l becomes small: move it across */
			nl++;
			stack[ns++] = l;
		}
	}
	/* What is left is 1 up to rounding: always keep itself. */
	while (ns > 0) {
		uint32_t s = stack[--ns];

		z->cell[s].thr = UINT32_MAX;
		z->cell[s].alias = s;
	}
	while (nl < n) {
		uint32_t l = stack[nl++];

		z->cell[l].thr = UINT32_MAX;
		z->cell[l].alias = l;
	}
	free(w);
	free(stack);
	return 0;
}

void
zipf_free(struct zipf *z)
{
	free(z->cell);
	z->cell = NULL;
}

uint64_t
geometric_gap(uint64_t *s, double mean)
{
	double u;

	if (mean <= 1)
		return 1;
	/* u in (0, 1]: never log(0). */
	u = (double)((rng_next(s) >> 11) + 1) * 0x1p-53;
	return 1 + (uint64_t)(log(u) / log1p(-1 / mean));
}

/* Key samplers: the parts that run once per configuration (sampler.h). */
#include <math.h>

#include "sampler.h"

static uint64_t
gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

void
zipf_init(struct zipf *z, uint64_t n, double theta)
{
	/* zeta(n) is O(n): keep the last one, sweeps reuse it. */
	static uint64_t cached_n;
	static double cached_theta, cached_zetan;
	double zeta2 = 1 + pow(0.5, theta);

	z->n = n;
	z->theta = theta;
	if (cached_n != n || cached_theta != theta) {
		double s = 0;

		for (uint64_t i = 1; i <= n; i++)
			s += pow((double)i, -theta);
		cached_n = n;
		cached_theta = theta;
		cached_zetan = s;
	}
	z->zetan = cached_zetan;
	z->alpha = 1 / (1 - theta);
	z->eta = (1 - pow(2.0 / (double)n, 1 - theta)) / (1 - zeta2 / z->zetan);
	z->half_pow_theta = pow(0.5, theta);
	z->mult = UINT64_C(0x9e3779b97f4a7c15) % n;
	if (z->mult == 0)
		z->mult = 1;
	while (gcd(z->mult, n) != 1)
		z->mult++;
}

/* The grid and the schedule (grid.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grid.h"

static void
add_config(const struct opts *o, struct config *c, struct config *out,
	   size_t *n)
{
	c->ops = c->impl.ops;
	c->prefill_pct = c->wl ? 0 : o->prefill_pct;
	if (c->dist.kind == DIST_CHURN)
		c->prefill_pct = 100;
	c->duration = o->duration;
	c->pin = o->pin;
	c->latency_sample = o->latency_sample;
	c->rep = 0;
	c->seed = 0;
	c->ops_per_thread = o->ops_per_thread;
	c->settle = o->settle;
	c->sizing = o->sizing;
	c->isolate = o->isolate;
	c->row_timeout =
		o->row_timeout > 0 ? o->row_timeout : 10 * o->duration + 60;
	c->interf_limit = o->interf_limit;
	c->attempt = 1;
	c->grid_seed = o->seed;
	c->repeat = o->repeat;
	c->precision = o->precision;
	c->max_repeat = o->max_repeat;
	c->max_attempts = o->max_attempts;
	if (out)
		out[*n] = *c;
	(*n)++;
}

/* The synthetic configurations of one map. */
static void
expand_mixes(const struct opts *o, struct config *c, struct config *cs,
	     size_t *n)
{
	for (int t = 0; t < o->n_threads; t++)
		for (int r = 0; r < (o->have_mix ? 1 : o->n_reads); r++)
			for (int k = 0; k < o->n_keys; k++)
				for (int d = 0; d < o->n_dists; d++) {
					c->threads = o->threads[t];
					c->read_pct =
						o->have_mix ? -1 : o->reads[r];
					if (o->have_mix)
						c->mix = o->mix;
					else
						mix_from_read(&c->mix,
							      o->reads[r]);
					mix_format(&c->mix, c->mix_str,
						   sizeof(c->mix_str));
					c->keys = o->keys[k];
					c->dist = o->dists[d];
					add_config(o, c, cs, n);
				}
}

size_t
grid_expand(const struct opts *o, struct config **out)
{
	size_t n = 0;
	struct config c, *cs = NULL;

	for (int pass = 0; pass < 2; pass++) {
		n = 0;
		for (int i = 0; i < o->n_impls; i++) {
			memset(&c, 0, sizeof(c));
			c.impl = o->impls[i];
			if (!o->n_workloads) {
				expand_mixes(o, &c, cs, &n);
				continue;
			}
			for (int w = 0; w < o->n_workloads; w++)
				for (int t = 0; t < o->n_threads; t++) {
					c.wl = o->workloads[w];
					c.threads = o->threads[t];
					c.read_pct = -1;
					mix_from_read(&c.mix, 100);
					c.mix_str[0] = '\0';
					c.keys = 0;
					add_config(o, &c, cs, &n);
				}
		}
		if (!pass) {
			cs = calloc(n ? n : 1, sizeof(*cs));
			if (!cs) {
				fprintf(stderr, "mapbench: out of memory\n");
				exit(1);
			}
		}
	}
	*out = cs;
	return n;
}

size_t
grid_schedule(const struct config *grid, size_t n, unsigned repeat,
	      uint64_t seed, bool (*skip)(const struct config *, void *),
	      void *arg, struct config **out)
{
	struct config *order = calloc(n * repeat + 1, sizeof(*order));
	size_t n_order = 0;

	if (!order) {
		fprintf(stderr, "mapbench: out of memory\n");
		exit(1);
	}
	for (unsigned rep = 1; rep <= repeat; rep++) {
		/* Common random numbers: one seed for every map of a rep. */
		uint64_t s = config_rep_seed(seed, rep), shuffle = s;
		size_t first = n_order;
		char why[256];

		for (size_t i = 0; i < n; i++) {
			struct config c = grid[i];

			if (config_refused(&c, why, sizeof(why)))
				continue;
			c.rep = rep;
			c.seed = s;
			c.attempt = 1;
			if (skip && skip(&c, arg))
				continue;
			order[n_order++] = c;
		}
		/* Fisher-Yates over this repetition's configurations. */
		for (size_t i = n_order - first; i > 1; i--) {
			size_t j;
			struct config t;

			shuffle = config_rep_seed(shuffle, (unsigned)i);
			j = (size_t)(((unsigned __int128)shuffle * i) >> 64);
			t = order[first + i - 1];
			order[first + i - 1] = order[first + j];
			order[first + j] = t;
		}
	}
	*out = order;
	return n_order;
}

size_t
grid_report_refused(const struct config *cs, size_t n, unsigned repeat)
{
	size_t total = 0;
	char why[256];

	for (size_t i = 0; i < n; i++) {
		size_t cnt = 0;
		bool first = true;

		if (!config_refused(&cs[i], why, sizeof(why)))
			continue;
		total++;
		for (size_t j = 0; j < i && first; j++)
			if (cs[j].ops == cs[i].ops &&
			    config_refused(&cs[j], why, sizeof(why)))
				first = false;
		if (!first)
			continue;
		for (size_t j = i; j < n; j++)
			if (cs[j].ops == cs[i].ops &&
			    config_refused(&cs[j], why, sizeof(why)))
				cnt++;
		config_refused(&cs[i], why, sizeof(why));
		fprintf(stderr,
			"mapbench: not running %zu configuration%s of %s "
			"(x%u reps): %s\n",
			cnt, cnt == 1 ? "" : "s", cs[i].impl.name, repeat, why);
	}
	return total * repeat;
}

void
grid_report_oversubscribed(const struct opts *o, unsigned ncpus)
{
	unsigned max = 0;

	for (int i = 0; i < o->n_threads; i++)
		if (o->threads[i] > max)
			max = o->threads[i];
	if (ncpus && max > ncpus)
		fprintf(stderr,
			"mapbench: oversubscribed: up to %u threads on %u "
			"CPUs (such rows have oversubscribed=1)\n",
			max, ncpus);
}

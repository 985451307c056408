/*
 * Result rows: the CSV columns (the contract of results.csv), the aligned
 * table of `mapbench run`, JSON, and the per-configuration summaries
 * (median, min-max, coefficient of variation over the repetitions).
 *
 * A field an impl cannot have is empty (NA), never 0: map_stats counters
 * for impls without stats, hits of operations that report none, latency
 * when sampling is off, bytes per key when nothing is live.
 */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mapbench.h"

#define FIELD 256

static const char *const base_columns[] = {
	"impl",	      "workload", "threads",	    "read_pct",	 "mix",
	"keys",	      "dist",	  "prefill_pct",    "rep",	 "seed",
	"duration_s", "pinned",	  "oversubscribed", "ncpus",	 "seconds",
	"ops",	      "iters",	  "mops",	    "ns_per_op",
};

static const char *const tail_columns[] = {
	"promotions",
	"dirty_rebuilds",
	"entries_copied",
	"misses",
	"locked_ops",
	"resizes",
	"promotions_per_mop",
	"dirty_rebuilds_per_mop",
	"entries_copied_per_op",
	"locked_ops_per_op",
	"lat_samples",
	"timer_ns",
	"p50_ns",
	"p99_ns",
	"p999_ns",
	"max_ns",
	"live_keys",
	"bytes_per_key",
	"peak_rss_kb",
};

/* The measurement method and the row's status (issue 7). */
static const char *const method_columns[] = {
	"status",	  "failed_ops",
	"ops_per_thread", "warmup",
	"sizing",	  "isolated",
	"cpu_seconds",	  "mops_per_cpu_s",
	"clock",	  "clock_res_ns",
	"lat_unresolved", "ctx_switches",
	"cpu_migrations", "instructions",
	"cache_misses",	  "bytes_per_key_settled",
	"isolate_ms",
};

#define N_BASE	 (sizeof(base_columns) / sizeof(base_columns[0]))
#define N_TAIL	 (sizeof(tail_columns) / sizeof(tail_columns[0]))
#define N_METHOD (sizeof(method_columns) / sizeof(method_columns[0]))
#define NCOLS	 (N_BASE + 2 * WL_NOPS + N_TAIL + N_METHOD)

static char op_columns[2 * WL_NOPS][40];
static const char *all_columns[NCOLS];

const char *const *
column_names(size_t *n)
{
	if (!all_columns[0]) {
		size_t j = 0;

		for (size_t i = 0; i < N_BASE; i++)
			all_columns[j++] = base_columns[i];
		for (int k = 0; k < WL_NOPS; k++) {
			snprintf(op_columns[2 * k], 40, "%s_ops",
				 wl_op_names[k]);
			snprintf(op_columns[2 * k + 1], 40, "%s_hits",
				 wl_op_names[k]);
			all_columns[j++] = op_columns[2 * k];
			all_columns[j++] = op_columns[2 * k + 1];
		}
		for (size_t i = 0; i < N_TAIL; i++)
			all_columns[j++] = tail_columns[i];
		for (size_t i = 0; i < N_METHOD; i++)
			all_columns[j++] = method_columns[i];
	}
	*n = NCOLS;
	return all_columns;
}

static void
fmt_u64(char *f, uint64_t v)
{
	snprintf(f, FIELD, "%llu", (unsigned long long)v);
}

static void
fmt_dbl(char *f, double v)
{
	snprintf(f, FIELD, "%.6g", v);
}

static bool
row_ok(const struct result *r)
{
	return !r->status[0] || strcmp(r->status, "ok") == 0;
}

/* The method columns of a row, from f[0] on (method_columns). */
static void
method_fields(const struct config *c, const struct result *r, char f[][FIELD])
{
	size_t j = 0;
	static const char *const lat[] = {"p50", "p99", "p999", "max"};

	snprintf(f[j++], FIELD, "%s", r->status[0] ? r->status : "ok");
	fmt_u64(f[j++], r->failed_ops);
	if (c->ops_per_thread)
		fmt_u64(f[j], c->ops_per_thread);
	j++;
	snprintf(f[j++], FIELD, "%s", c->settle ? "store+range" : "store");
	snprintf(f[j++], FIELD, "%s", sizing_name(c->sizing));
	fmt_u64(f[j++], c->isolate);
	fmt_dbl(f[j++], r->cpu_seconds);
	if (r->cpu_seconds > 0)
		fmt_dbl(f[j], (double)r->ops / r->cpu_seconds / 1e6);
	j++;
	snprintf(f[j++], FIELD, "%s", r->clock);
	fmt_dbl(f[j++], r->clock_res_ns);
	for (int b = 0; b < 4; b++)
		if (r->unresolved & (1u << b))
			snprintf(f[j] + strlen(f[j]), FIELD - strlen(f[j]),
				 "%s%s", f[j][0] ? ";" : "", lat[b]);
	j++;
	for (int k = 0; k < 4; k++) {
		if (r->perf[k] >= 0)
			fmt_u64(f[j], (uint64_t)r->perf[k]);
		j++;
	}
	if (r->bytes_per_key_settled >= 0)
		snprintf(f[j], FIELD, "%.1f", r->bytes_per_key_settled);
	j++;
	if (c->isolate)
		fmt_dbl(f[j], r->isolate_ms);
}

/* Every CSV field of a row, as text ("" = NA). */
static void
fields_of(const struct config *c, const struct result *r, char f[][FIELD])
{
	size_t j = 0;
	double mops = r->seconds > 0 ? (double)r->ops / r->seconds / 1e6 : 0;
	double mop = (double)r->ops / 1e6;

	memset(f, 0, NCOLS * FIELD);
	snprintf(f[j++], FIELD, "%s", c->ops->name);
	snprintf(f[j++], FIELD, "%s",
		 c->wl		    ? c->wl->name
		 : c->read_pct >= 0 ? "rw"
				    : "mix");
	fmt_u64(f[j++], c->threads);
	if (c->read_pct >= 0)
		fmt_u64(f[j], (uint64_t)c->read_pct);
	j++;
	snprintf(f[j++], FIELD, "%s", c->mix_str);
	if (!c->wl)
		fmt_u64(f[j], c->keys);
	j++;
	if (!c->wl)
		dist_format(&c->dist, f[j], FIELD);
	j++;
	fmt_u64(f[j++], (uint64_t)c->prefill_pct);
	fmt_u64(f[j++], c->rep);
	fmt_u64(f[j++], c->seed);
	fmt_dbl(f[j++], c->duration);
	fmt_u64(f[j++], r->pinned);
	fmt_u64(f[j++], r->oversubscribed);
	fmt_u64(f[j++], r->ncpus);
	snprintf(f[j++], FIELD, "%.9f", r->seconds);
	fmt_u64(f[j++], r->ops);
	fmt_u64(f[j++], r->iters);
	/* mops to full precision, so that mops == ops / seconds / 1e6. */
	snprintf(f[j++], FIELD, "%.9g", mops);
	if (r->ops)
		fmt_dbl(f[j], r->seconds * c->threads * 1e9 / (double)r->ops);
	j++;
	for (int k = 0; k < WL_NOPS; k++) {
		fmt_u64(f[j++], r->op_count[k]);
		/* store and clear report nothing to count as a hit; nor do
		 * Go's Delete and Range as the workloads issue them */
		if (k != WL_STORE && k != WL_CLEAR &&
		    !(c->wl && (k == WL_DELETE || k == WL_RANGE)))
			fmt_u64(f[j], r->op_hits[k]);
		j++;
	}
	if (r->have_stats) {
		/* A counter the map does not keep stays empty (NA). */
		const struct map_stats *s = &r->stats;

#define STAT(bit, v)                                                           \
	do {                                                                   \
		if (s->have & (bit))                                           \
			fmt_u64(f[j], (v));                                    \
		j++;                                                           \
	} while (0)
		STAT(MAP_STAT_PROMOTIONS, s->promotions);
		STAT(MAP_STAT_DIRTY_REBUILDS, s->dirty_rebuilds);
		STAT(MAP_STAT_ENTRIES_COPIED, s->entries_copied);
		STAT(MAP_STAT_MISSES, s->misses);
		STAT(MAP_STAT_LOCKED_OPS, s->locked_ops);
		STAT(MAP_STAT_RESIZES, s->resizes);
#undef STAT
		if (r->ops && (s->have & MAP_STAT_PROMOTIONS))
			fmt_dbl(f[j], (double)s->promotions / mop);
		if (r->ops && (s->have & MAP_STAT_DIRTY_REBUILDS))
			fmt_dbl(f[j + 1], (double)s->dirty_rebuilds / mop);
		if (r->ops && (s->have & MAP_STAT_ENTRIES_COPIED))
			fmt_dbl(f[j + 2],
				(double)s->entries_copied / (double)r->ops);
		if (r->ops && (s->have & MAP_STAT_LOCKED_OPS))
			fmt_dbl(f[j + 3],
				(double)s->locked_ops / (double)r->ops);
	}
	j = N_BASE + 2 * WL_NOPS + 10;
	fmt_u64(f[j++], r->lat_samples);
	fmt_dbl(f[j++], r->timer_ns);
	if (r->lat_samples) {
		/* Below the clock's resolution: NA, never 0. */
		if (!(r->unresolved & LAT_P50))
			fmt_dbl(f[j], r->p50_ns);
		if (!(r->unresolved & LAT_P99))
			fmt_dbl(f[j + 1], r->p99_ns);
		if (!(r->unresolved & LAT_P999))
			fmt_dbl(f[j + 2], r->p999_ns);
		if (!(r->unresolved & LAT_MAX))
			fmt_dbl(f[j + 3], r->max_ns);
	}
	j += 4;
	fmt_u64(f[j++], r->live_keys);
	if (r->bytes_per_key >= 0)
		snprintf(f[j], FIELD, "%.1f", r->bytes_per_key);
	j++;
	snprintf(f[j++], FIELD, "%ld", r->peak_rss_kb);
	method_fields(c, r, f + j);
}

static void
csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n")) {
		fputc('"', f);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', f);
			fputc(*s, f);
		}
		fputc('"', f);
	} else {
		fputs(s, f);
	}
}

void
csv_write_header(FILE *f)
{
	size_t n;
	const char *const *cols = column_names(&n);

	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		fputs(cols[i], f);
	}
	fputc('\n', f);
}

void
csv_write_row(FILE *f, const struct config *c, const struct result *r)
{
	static char fs[NCOLS][FIELD];

	fields_of(c, r, fs);
	for (size_t i = 0; i < NCOLS; i++) {
		if (i)
			fputc(',', f);
		csv_field(f, fs[i]);
	}
	fputc('\n', f);
}

void
json_print(FILE *f, const struct config *cs, const struct result *rs,
	   const bool *done, size_t n)
{
	static char fs[NCOLS][FIELD];
	size_t ncols;
	const char *const *cols = column_names(&ncols);
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o;

		if (!done[i])
			continue;
		o = json_object();
		fields_of(&cs[i], &rs[i], fs);
		for (size_t k = 0; k < ncols; k++) {
			char *end;
			double v;

			if (!fs[k][0]) {
				json_object_set_new(o, cols[k], json_null());
				continue;
			}
			v = strtod(fs[k], &end);
			/* The seed as text: a double would round it. */
			if (*end || k < 2 || k == 4 || k == 6 ||
			    strcmp(cols[k], "seed") == 0)
				json_object_set_new(o, cols[k],
						    json_string(fs[k]));
			else if (v == floor(v) && fabs(v) < 9e15 &&
				 !strpbrk(fs[k], ".eE"))
				json_object_set_new(
					o, cols[k],
					json_integer((json_int_t)v));
			else
				json_object_set_new(o, cols[k], json_real(v));
		}
		json_array_append_new(arr, o);
	}
	json_dumpf(arr, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(arr);
}

/* The aligned table: a subset of the columns people read. */
enum { TCOLS = 16 };

static const char *const table_head[TCOLS] = {
	"impl",	   "workload", "threads",   "read%",	 "keys",  "dist",
	"rep",	   "Mops/s",   "ns/op",	    "hit%",	 "p50ns", "p99ns",
	"p99.9ns", "maxns",    "promo/Mop", "locked/op",
};

static void
table_cells(const struct config *c, const struct result *r, char cell[][48])
{
	uint64_t hits = 0, reads = 0;
	double mops = r->seconds > 0 ? (double)r->ops / r->seconds / 1e6 : 0;

	for (int k = 0; k < WL_NOPS; k++) {
		if (k == WL_STORE || k == WL_CLEAR || k == WL_RANGE)
			continue;
		hits += r->op_hits[k];
		reads += r->op_count[k];
	}
	snprintf(cell[0], 48, "%s", c->ops->name);
	snprintf(cell[1], 48, "%s",
		 c->wl		    ? c->wl->name
		 : c->read_pct >= 0 ? "rw"
				    : "mix");
	snprintf(cell[2], 48, "%u%s", c->threads, r->oversubscribed ? "*" : "");
	if (c->read_pct >= 0)
		snprintf(cell[3], 48, "%d", c->read_pct);
	else
		snprintf(cell[3], 48, "-");
	if (c->wl)
		snprintf(cell[4], 48, "-");
	else
		snprintf(cell[4], 48, "%llu", (unsigned long long)c->keys);
	if (c->wl)
		snprintf(cell[5], 48, "-");
	else
		dist_format(&c->dist, cell[5], 48);
	snprintf(cell[6], 48, "%u", c->rep);
	/* A row that is not ok shows its status instead of a rate. */
	if (row_ok(r))
		snprintf(cell[7], 48, "%.2f", mops);
	else
		snprintf(cell[7], 48, "%s", r->status);
	snprintf(cell[8], 48, "%.1f",
		 r->ops ? r->seconds * c->threads * 1e9 / (double)r->ops : 0);
	if (reads)
		snprintf(cell[9], 48, "%.1f",
			 100.0 * (double)hits / (double)reads);
	else
		snprintf(cell[9], 48, "-");
	if (r->lat_samples) {
		const double q[4] = {r->p50_ns, r->p99_ns, r->p999_ns,
				     r->max_ns};

		/* Below the clock's resolution: "<" that bound, not a 0. */
		for (int b = 0; b < 4; b++)
			if (r->unresolved & (1u << b))
				snprintf(cell[10 + b], 48, "<%.0f",
					 2 * r->clock_res_ns);
			else
				snprintf(cell[10 + b], 48, "%.0f", q[b]);
	} else {
		for (int i = 10; i < 14; i++)
			snprintf(cell[i], 48, "-");
	}
	snprintf(cell[14], 48, "NA");
	snprintf(cell[15], 48, "NA");
	if (r->have_stats && r->ops && (r->stats.have & MAP_STAT_PROMOTIONS))
		snprintf(cell[14], 48, "%.3g",
			 (double)r->stats.promotions / ((double)r->ops / 1e6));
	if (r->have_stats && r->ops && (r->stats.have & MAP_STAT_LOCKED_OPS))
		snprintf(cell[15], 48, "%.3g",
			 (double)r->stats.locked_ops / (double)r->ops);
}

static void
print_aligned(FILE *f, char (*cells)[TCOLS][48], size_t rows,
	      const char *const *head, int ncols)
{
	size_t w[TCOLS] = {0};

	for (int k = 0; k < ncols; k++)
		w[k] = strlen(head[k]);
	for (size_t i = 0; i < rows; i++)
		for (int k = 0; k < ncols; k++)
			if (strlen(cells[i][k]) > w[k])
				w[k] = strlen(cells[i][k]);
	for (int k = 0; k < ncols; k++)
		fprintf(f, k < 2 || k == 5 ? "%-*s%s" : "%*s%s", (int)w[k],
			head[k], k + 1 < ncols ? "  " : "\n");
	for (size_t i = 0; i < rows; i++)
		for (int k = 0; k < ncols; k++)
			fprintf(f, k < 2 || k == 5 ? "%-*s%s" : "%*s%s",
				(int)w[k], cells[i][k],
				k + 1 < ncols ? "  " : "\n");
}

void
table_print(FILE *f, const struct config *cs, const struct result *rs,
	    const bool *done, size_t n)
{
	char(*cells)[TCOLS][48] = calloc(n ? n : 1, sizeof(*cells));
	size_t rows = 0;
	bool over = false;

	if (!cells)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!done[i])
			continue;
		table_cells(&cs[i], &rs[i], cells[rows++]);
		over |= rs[i].oversubscribed;
	}
	print_aligned(f, cells, rows, table_head, TCOLS);
	if (over)
		fprintf(f,
			"* oversubscribed: more threads than the %u CPUs "
			"allowed\n",
			driver_ncpus());
	free(cells);
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Same configuration, repetitions aside? */
static bool
same_config(const struct config *a, const struct config *b)
{
	return a->ops == b->ops && a->wl == b->wl && a->threads == b->threads &&
	       a->read_pct == b->read_pct &&
	       strcmp(a->mix_str, b->mix_str) == 0 && a->keys == b->keys &&
	       a->dist.kind == b->dist.kind && a->dist.theta == b->dist.theta;
}

/* Median, min-max and cv of mops per configuration, when repeated. */
void
summary_print(FILE *f, const struct config *cs, const struct result *rs,
	      const bool *done, size_t n)
{
	static const char *const head[] = {
		"impl", "workload", "threads",	     "read%",	"keys",
		"dist", "reps",	    "median Mops/s", "min-max", "cv%"};
	char(*cells)[TCOLS][48] = calloc(n ? n : 1, sizeof(*cells));
	bool *seen = calloc(n ? n : 1, sizeof(bool));
	double *v = calloc(n ? n : 1, sizeof(double));
	size_t rows = 0, left_out = 0;

	if (!cells || !seen || !v)
		goto out;
	for (size_t i = 0; i < n; i++) {
		size_t m = 0;
		double sum = 0, sq = 0, mean, med;
		char tmp[TCOLS][48];

		if (!done[i] || seen[i])
			continue;
		if (!row_ok(&rs[i])) {
			left_out++;
			continue;
		}
		for (size_t j = i; j < n; j++) {
			if (!done[j] || seen[j] || !same_config(&cs[i], &cs[j]))
				continue;
			if (!row_ok(&rs[j])) {
				left_out += !seen[j];
				seen[j] = true;
				continue;
			}
			seen[j] = true;
			v[m] = rs[j].seconds > 0
				       ? (double)rs[j].ops / rs[j].seconds / 1e6
				       : 0;
			sum += v[m];
			m++;
		}
		qsort(v, m, sizeof(double), cmp_dbl);
		mean = sum / (double)m;
		for (size_t j = 0; j < m; j++)
			sq += (v[j] - mean) * (v[j] - mean);
		med = m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
		table_cells(&cs[i], &rs[i], tmp);
		memcpy(cells[rows], tmp, sizeof(tmp[0]) * 6);
		snprintf(cells[rows][6], 48, "%zu", m);
		snprintf(cells[rows][7], 48, "%.2f", med);
		snprintf(cells[rows][8], 48, "%.2f-%.2f", v[0], v[m - 1]);
		snprintf(cells[rows][9], 48, "%.1f",
			 mean > 0 && m > 1
				 ? 100 * sqrt(sq / (double)(m - 1)) / mean
				 : 0);
		rows++;
	}
	fprintf(f, "\nsummary over repetitions (status ok only):\n");
	print_aligned(f, cells, rows, head, 10);
	if (left_out)
		fprintf(f, "left out %zu rows whose status is not ok\n",
			left_out);
out:
	free(cells);
	free(seen);
	free(v);
}

/*
 * A row's identity for --resume: the first nine columns (impl, workload,
 * threads, read_pct, mix, keys, dist, prefill_pct, rep) joined by '|'.
 */
void
config_key(const struct config *c, char *buf, size_t len)
{
	static char fs[NCOLS][FIELD];
	struct result r;
	size_t n = 0;

	memset(&r, 0, sizeof(r));
	fields_of(c, &r, fs);
	buf[0] = '\0';
	for (int i = 0; i < N_KEY_COLUMNS && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "|" : "",
				      fs[i]);
}

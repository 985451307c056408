/* figures: the table of figures (see figures.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "figures.h"
#include "map.h"
#include "registry.h"

const struct figure_def figure_table[] = {
	{"heatmap_", "heatmap.gp",
	 "who wins where: median throughput relative to a reference map",
	 "One row per configuration (threads, read %), one column per map. "
	 "A cell holds the map's median Mops/s divided by the median of "
	 "the reference map in the same row; the reference's own cell holds "
	 "its median in Mops/s. Above 1 (blue) the map is faster than the "
	 "reference, below 1 (orange) slower; the colour saturates at 4x and "
	 "1/4x. A grey cell is a difference that is not significant (exact "
	 "two-sided Mann-Whitney test of the repetitions, alpha 0.05), or "
	 "one that no test can call with so few repetitions (the title "
	 "says which). A framed cell is the fastest map of its row; controls "
	 "and oversubscribed rows (more threads than CPUs) are never "
	 "framed.",
	 "ratio", "mops"},
	{"throughput_reads_", "throughput_reads.gp", "throughput vs read %",
	 "Throughput (Mops/s, log scale, higher is faster) against the "
	 "share of reads at one thread count (the title says which): one "
	 "panel per map, its medians in its colour with the other maps in "
	 "light grey behind it, so each panel reads as this map against the "
	 "field. The axis spans the medians; a bar that leaves it is "
	 "clipped and its end marked with a small triangle. Bars: the 95% "
	 "interval of the median where the repetitions allow one (6 or "
	 "more), else min-max, as the title says. Open markers: more "
	 "threads than CPUs (oversubscribed). The dashed grey line is the "
	 "null map, the harness's own ceiling.",
	 "95% interval|min-max|null", "mops"},
	{"throughput_threads_", "throughput_threads.gp",
	 "throughput vs threads",
	 "Throughput (Mops/s, log scale, higher is faster) against the "
	 "number of threads, one panel per read percentage, one line per "
	 "map (median of the repetitions; the maps' markers and colours are "
	 "named above the panels). The axis spans the medians; a bar that "
	 "leaves it is clipped and its end marked with a small triangle. "
	 "Bars: the 95% interval of the median where the repetitions allow "
	 "one (6 or more), else min-max, as the title says. The shaded "
	 "region has more threads than CPUs (oversubscribed, open markers). "
	 "The dashed grey line is the null map, the harness's own ceiling.",
	 "95% interval|min-max|null", "mops"},
	{"latency_", "latency.gp", "latency percentiles per op",
	 "Sampled latency of single operations (ns, log scale, lower is "
	 "better) as a percentile distribution: x is 1/(1-q) on a log axis "
	 "(p50 at 2, p99 at 100, p99.9 at 1000; max, not a percentile, at "
	 "the right edge), one line per map through the medians over the "
	 "repetitions of p50, p99, p99.9 and max, one panel per read "
	 "percentage, at the most threads that are not oversubscribed. A "
	 "percentile a row lacks (NA) is left out with its segments. Values "
	 "near the timer's resolution carry little information.",
	 "p50|p99|p99.9|max", "p50 p99 p999 max"},
	{"memory_", "memory.gp", "memory per live key",
	 "Bytes per live key (lower is better): the allocator's bytes after "
	 "the run, deferred frees settled, divided by the keys live at the "
	 "end, at the fewest threads run. One panel per key count, each "
	 "with its own axis; a bar per map: the median, over the read "
	 "percentages, of the configurations' medians (its value printed "
	 "above it); the whisker spans the lowest and highest of those "
	 "medians, so a long whisker means the figure depends on the mix.",
	 "min-max", "bpk"},
	{"promotion_", "promotion.gp", "promotion counters vs read %",
	 "For each map that keeps the counters: promotions (dirty -> read) "
	 "and dirty rebuilds (read -> dirty) per million ops, the fraction "
	 "of ops that took the lock, and the throughput, against the share "
	 "of reads, one line per thread count (median, bars min-max). "
	 "Zeros cannot be drawn on the log axes; the notes count them.",
	 "promotions|dirty rebuilds|ops that took the lock|throughput|"
	 "min-max",
	 "promo rebuild locked mops"},
	{NULL, NULL, NULL, NULL, NULL, NULL},
};

const char figure_timeline_caption[] =
	"Throughput of one row through its window (Mops/s per slice, all "
	"workers) and the workers' CPU share (dashed). Drawn for rows whose "
	"end differs from their start by more than 20% in operations per "
	"CPU-second (mapbench timeline; the number is the row's line in "
	"results.csv).";

const struct figure_def *
figure_find(const char *name)
{
	for (const struct figure_def *f = figure_table; f->prefix; f++)
		if (!strncmp(name, f->prefix, strlen(f->prefix)))
			return f;
	return NULL;
}

size_t
figure_rank(const char *name)
{
	size_t i;

	for (i = 0; figure_table[i].prefix; i++)
		if (!strncmp(name, figure_table[i].prefix,
			     strlen(figure_table[i].prefix)))
			break;
	return i;
}

const struct figure_map_style_def figure_map_styles[] = {
	{"syncmap", "#1f77b4", 7},
	{"rwlock", "#d62728", 5},
	{"lfht", "#2ca02c", 9},
	{"hashtrie", "#9467bd", 11},
	{"striped", "#ff7f0e", 13},
	{"striped_mx", "#bcbd22", 7},
	{"clht", "#8c564b", 15},
	{"ckht", "#e377c2", 5},
	{"unsync", "#17becf", 13},
	{"null", "#7f7f7f", 7},
	{"go:sync.Map", "#1f77b4", 9},
	{"go:RWMutexMap", "#d62728", 9},
	{NULL, NULL, 0},
};

/* hues and darknesses none of the fixed styles uses */
const char *const figure_reserved_palette[8] = {
	"#393b79", "#637939", "#e7ba52", "#843c39",
	"#7b4173", "#000000", "#9c9ede", "#004d40",
};

void
figure_map_style(const char *name, const char **colour, int *pt)
{
	static const int pts[] = {7, 5, 9, 11, 13, 15};
	char base[104];
	uint32_t h = 2166136261u;

	for (int i = 0; figure_map_styles[i].name; i++)
		if (!strcmp(figure_map_styles[i].name, name)) {
			*colour = figure_map_styles[i].colour;
			*pt = figure_map_styles[i].pt;
			return;
		}
	/* a parameter keeps its map's style: striped:64 is striped */
	snprintf(base, sizeof(base), "%.*s", (int)strcspn(name, ":"), name);
	for (int i = 0; figure_map_styles[i].name; i++)
		if (!strcmp(figure_map_styles[i].name, base)) {
			*colour = figure_map_styles[i].colour;
			*pt = figure_map_styles[i].pt;
			return;
		}
	for (const char *s = name; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	*colour = figure_reserved_palette[h % 8];
	*pt = pts[(h / 8) % 6];
}

size_t
figure_map_rank(const char *name)
{
	size_t i;

	for (i = 0; map_registry[i]; i++)
		if (!strcmp(map_registry[i]->name, name))
			break;
	return i;
}

bool
figure_is_control(const char *impl)
{
	const struct map_ops *ops = map_find(impl);

	return ops && (ops->flags & (MAP_CONTROL | MAP_NOT_THREAD_SAFE));
}

const struct figure_metric figure_metrics[] = {
	{"mops", "mops"},
	{"p50_ns", "p50"},
	{"p99_ns", "p99"},
	{"p999_ns", "p999"},
	{"max_ns", "max"},
	{"bytes_per_key", "bpk"},
	{"promotions_per_mop", "promo"},
	{"dirty_rebuilds_per_mop", "rebuild"},
	{"locked_ops_per_op", "locked"},
	{NULL, NULL},
};

const char *
figure_metric_csv(const char *name)
{
	for (size_t i = 0; figure_metrics[i].csv; i++)
		if (strcmp(figure_metrics[i].tsv, name) == 0)
			return figure_metrics[i].csv;
	return name;
}

bool
figure_listed(const char *list, const char *name, size_t len)
{
	for (const char *p = list; p && *p;) {
		size_t w = strcspn(p, " ");

		if (w == len && !strncmp(p, name, len))
			return true;
		p += w + (p[w] == ' ');
	}
	return false;
}

void
figure_dist_tag(const char *dist, char *tag, size_t len)
{
	size_t j = 0;

	for (const char *p = dist; *p && j + 1 < len; p++)
		if (*p != ':')
			tag[j++] = *p;
	tag[j] = '\0';
}

# (5) Bytes per live key per impl (jemalloc stats.allocated after the run,
# deferred frees settled, over the keys live at the end), vs read ratio,
# one panel per key count, at the fewest threads (where every impl runs).  Median, bars min-max.
nk = words(keys)
cols = (nk < 3 ? nk : 3)
rows = int((nk + cols - 1) / cols)
W = 560 * cols
H = 360 * rows + 50
load gpdir.'/common.gp'
t = word(threads, 1)
set output sprintf('%s/memory_%s.%s', dir, tag, fmt)
set multiplot layout rows, cols title sprintf('%s: memory per live key, %s thread(s), %s (median, bars: min-max)', run, t, dist)
set xlabel 'reads (% of ops)'
set ylabel 'bytes per live key (B)'
set xrange [-0.4 : words(reads) - 0.6]
set yrange [0 : *]
do for [ki = 1:nk] {
	k = word(keys, ki)
	set title sprintf('%s keys', k)
	plot for [i = 1:words(impls)] sprintf('%s/tr_%s_k%s_t%s_%s.dat', dir, tag, k, t, word(impls, i)) \
		using 1:6:7:8:xtic(2) with yerrorlines lt i title word(impls, i)
}
unset multiplot

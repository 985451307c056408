# (1) Throughput vs threads: one panel per read ratio, a line per impl,
# median over repetitions with min-max bars.  One image per key count.
nr = words(reads)
cols = (nr < 3 ? nr : 3)
rows = int((nr + cols - 1) / cols)
W = 520 * cols
H = 340 * rows + 50
load gpdir.'/common.gp'

set xlabel 'threads'
set ylabel 'throughput (Mops/s, all threads)'
set logscale y
set logscale x 2
tmin = word(threads, 1) + 0
tmax = word(threads, words(threads)) + 0
set xrange [tmin / 1.3 : tmax * 1.3]
xt = 'set xtics ('
do for [i = 1:words(threads)] {
	xt = xt . sprintf('"%s" %s%s', word(threads, i), word(threads, i), i < words(threads) ? ', ' : ')')
}
eval xt

do for [ki = 1:words(keys)] {
	k = word(keys, ki)
	set output sprintf('%s/throughput_threads_%s_k%s.%s', dir, tag, k, fmt)
	set multiplot layout rows, cols title sprintf('%s: throughput vs threads, %s keys, %s (median of repetitions, bars: min-max)', run, k, dist)
	do for [ri = 1:nr] {
		r = word(reads, ri)
		set title sprintf('%s%% reads', r)
		plot for [i = 1:words(impls)] sprintf('%s/tt_%s_k%s_r%s_%s.dat', dir, tag, k, r, word(impls, i)) \
			using 1:2:3:4 with yerrorlines lt i title word(impls, i)
	}
	unset multiplot
}

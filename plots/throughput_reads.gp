# (2) Throughput vs read ratio: one panel per thread count, a line per
# impl, median with min-max bars.  One image per key count.
nt = words(threads)
cols = (nt < 3 ? nt : 3)
rows = int((nt + cols - 1) / cols)
W = 520 * cols
H = 340 * rows + 50
load gpdir.'/common.gp'

set xlabel 'reads (% of ops; the rest split between store and delete)'
set ylabel 'throughput (Mops/s, all threads)'
set logscale y
set xrange [-0.4 : words(reads) - 0.6]

do for [ki = 1:words(keys)] {
	k = word(keys, ki)
	set output sprintf('%s/throughput_reads_%s_k%s.%s', dir, tag, k, fmt)
	set multiplot layout rows, cols title sprintf('%s: throughput vs read ratio, %s keys, %s (median, bars: min-max)', run, k, dist)
	do for [ti = 1:nt] {
		t = word(threads, ti)
		set title sprintf('%s thread%s', t, t eq '1' ? '' : 's')
		plot for [i = 1:words(impls)] sprintf('%s/tr_%s_k%s_t%s_%s.dat', dir, tag, k, t, word(impls, i)) \
			using 1:3:4:5:xtic(2) with yerrorlines lt i title word(impls, i)
	}
	unset multiplot
}

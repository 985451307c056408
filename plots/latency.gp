# (4) Latency percentiles per impl (sampled ops, timer cost subtracted),
# one panel per read ratio, at the most threads each impl ran with
# (an impl marked (1t) ran only single-threaded there).  One image per
# key count.  Medians over repetitions.
nr = words(reads)
cols = (nr < 3 ? nr : 3)
rows = int((nr + cols - 1) / cols)
W = 520 * cols
H = 340 * rows + 50
load gpdir.'/common.gp'
set logscale y
set ylabel 'latency per op (ns; below 1 drawn at 1)'
set xrange [-0.5 : words(impls) - 0.5]
set xtics rotate by -30
set linetype 11 lc rgb '#1f77b4' pt 7 ps 1
set linetype 12 lc rgb '#2ca02c' pt 5 ps 1
set linetype 13 lc rgb '#ff7f0e' pt 9 ps 1.1
set linetype 14 lc rgb '#d62728' pt 11 ps 1.1
do for [ki = 1:words(keys)] {
	k = word(keys, ki)
	set output sprintf('%s/latency_%s_k%s.%s', dir, tag, k, fmt)
	set multiplot layout rows, cols title sprintf('%s: latency percentiles, %s keys, %s threads (or fewer: (1t)), %s', run, k, word(threads, words(threads)), dist)
	do for [ri = 1:nr] {
		r = word(reads, ri)
		set title sprintf('%s%% reads', r)
		fn = sprintf('%s/lat_%s_k%s_r%s.dat', dir, tag, k, r)
		plot fn using ($1 - 0.15):(flo($4, 1)):xtic(2) with points lt 11 title 'p50', \
			'' using ($1 - 0.05):(flo($5, 1)) with points lt 12 title 'p99', \
			'' using ($1 + 0.05):(flo($6, 1)) with points lt 13 title 'p99.9', \
			'' using ($1 + 0.15):(flo($7, 1)) with points lt 14 title 'max'
	}
	unset multiplot
}

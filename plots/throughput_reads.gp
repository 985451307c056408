# Throughput against read %: one panel per thread count, one line per
# map, median over repetitions with min-max bars; null dashed grey (the
# axes are scaled to the real maps).  Open markers: oversubscribed.
np = words(panels)
CW = 470; CH = 330
load 'common.gp'
nx = words(xs)
ni = words(impls)
set multiplot layout rows, cols title sprintf('%s: %s, %s keys, %s (median of repetitions, %s)%s', run, ftitle, k, dist, barsname, notes) noenhanced
set xlabel 'reads (% of ops; the rest store and delete)'
set ylabel 'throughput (Mops/s, all threads)'
set logscale y
set format y '10^{%L}'
set yrange [ymin + 0 : ymax + 0]
set xrange [-0.5 : nx - 0.5]
xt = ''
do for [i = 1:nx] { xt = xt . sprintf('%s"%s" %d', i > 1 ? ', ' : '', word(xs, i), i - 1) }
eval 'set xtics (' . xt . ')'
x(t) = (strcol(C_THREADS) eq t ? idx(xs, strcol(C_READ)) : NaN)
nullplot = hasnull + 0 ? ", summary skip 1 using (sel('null', k) ? x(t) : NaN):(pos(column(M_MOPS))) with lines lc rgb '#7f7f7f' dt 2 lw 2 notitle" : ''
do for [p = 1:np] {
	t = word(panels, p)
	# a thread count is oversubscribed in every row or in none
	ov = (ncpus + 0 > 0 && t + 0 > ncpus + 0)
	set title sprintf('%s thread%s%s', t, t eq '1' ? '' : 's', ov ? ' (oversubscribed: open markers)' : '')
	plot for [i = 1:ni] summary skip 1 \
		using (sel(word(impls, i), k) ? x(t) : NaN):(pos(column(M_MOPS))) \
		with lines lw 2 lc rgb word(colours, i) notitle, \
	     for [i = 1:ni] summary skip 1 \
		using (sel(word(impls, i), k) ? x(t) : NaN):(pos(column(M_MOPS))):(low(column(M_MOPS + BLO))):(pos(column(M_MOPS + BHI))) \
		with yerrorbars lc rgb word(colours, i) pt (word(pts, i) - ov) ps 0.9 + 0.2 * ov notitle \
	     @nullplot
}
nullkey = hasnull + 0 ? ", keyentry with lines lc rgb '#7f7f7f' dt 2 lw 2 title 'null (reference)'" : ''
eval legend
plot NaN notitle, for [i = 1:ni] keyentry with linespoints lw 2 lc rgb word(colours, i) pt (word(pts, i) + 0) title word(impls, i) @nullkey
unset multiplot

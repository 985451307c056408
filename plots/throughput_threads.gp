# Throughput against threads: one panel per read %, one line per map
# (the legend above the panels),
# median over repetitions with min-max bars; null dashed grey (the axes
# are scaled to the real maps).  More threads than CPUs: shaded, open
# markers.
np = words(panels)
nolegend = 1
CW = 400; CH = 300
load 'common.gp'
H = H + 30
if (fmt eq 'svg') {
	set terminal svg size W,H fixed enhanced font 'Helvetica,12' background rgb 'white'
} else {
	set terminal pngcairo size W,H enhanced font 'Helvetica,10' background rgb 'white'
}
set output out
nx = words(xs)
ni = words(impls)
set multiplot layout rows, cols title sprintf('%s: %s, %s keys, %s (median of repetitions, %s)%s', run, ftitle, k, dist, barsname, notes . "\n\n") noenhanced
set xlabel 'threads'
set ylabel 'throughput (Mops/s, all threads)'
set logscale y
set mytics 10
set format y '10^{%L}'
set yrange [ymin + 0 : ymax + 0]
set logscale x 2
tmin = word(xs, 1) + 0
tmax = word(xs, nx) + 0
set xrange [tmin / 1.4 : tmax * 1.4]
xt = ''
do for [i = 1:nx] { xt = xt . sprintf('%s"%s" %s', i > 1 ? ', ' : '', word(xs, i), word(xs, i)) }
eval 'set xtics (' . xt . ')'
if (ncpus + 0 > 0) {
	set object 1 rect from (ncpus + 0) * 1.3, graph 0 to graph 1, graph 1 behind fc rgb '#ececec' fs solid noborder
	set label 1 'oversubscribed' at graph 0.98, graph 0.04 right textcolor rgb '#707070'
}
x(r) = (strcol(C_READ) eq r ? column(C_THREADS) : NaN)
nullplot = hasnull + 0 ? ", summary skip 1 using (sel('null', k) ? x(r) : NaN):(pos(column(M_MOPS))) with lines lc rgb '#7f7f7f' dt 2 lw 2 notitle" : ''
overplot = ncpus + 0 > 0 ? ", for [i = 1:ni] summary skip 1 using (sel(word(impls, i), k) && column(C_OVER) == 1 ? x(r) : NaN):(pos(column(M_MOPS))):(low(column(M_MOPS + BLO))):(pos(column(M_MOPS + BHI))) with yerrorbars lc rgb word(colours, i) pt (word(pts, i) - 1) ps 1.1 notitle" : ''
do for [p = 1:np] {
	r = word(panels, p)
	set title sprintf('%s%% reads', r)
	if (p == 1) { eval toplegend }
	plot for [i = 1:ni] summary skip 1 \
		using (sel(word(impls, i), k) ? x(r) : NaN):(pos(column(M_MOPS))) \
		with lines lw 2 lc rgb word(colours, i) notitle, \
	     for [i = 1:ni] summary skip 1 \
		using (sel(word(impls, i), k) && column(C_OVER) == 0 ? x(r) : NaN):(pos(column(M_MOPS))):(low(column(M_MOPS + BLO))):(pos(column(M_MOPS + BHI))) \
		with yerrorbars lc rgb word(colours, i) pt (word(pts, i) + 0) ps 0.9 notitle \
	     @overplot @nullplot, \
	     for [i = 1:ni] summary skip 1 \
		using (sel(word(impls, i), k) ? x(r) : NaN):(under(column(M_MOPS + BLO))) \
		with points lc rgb word(colours, i) pt 11 ps 0.8 notitle, \
	     for [i = 1:ni] summary skip 1 \
		using (sel(word(impls, i), k) ? x(r) : NaN):(over(column(M_MOPS + BHI))) \
		with points lc rgb word(colours, i) pt 9 ps 0.8 notitle
	if (p == 1) { eval untoplegend }
}
unset multiplot

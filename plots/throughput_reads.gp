# Throughput against read % at t threads as small multiples: one panel
# per map (its name the panel's title), the map's medians in its colour
# with error bars, every other map in light grey behind it, null dashed
# grey.  The y-range is the medians' (shared by the panels); a bar that
# leaves it is clipped and its end marked with a small triangle on the
# axis.  Open markers: oversubscribed (more threads than CPUs).
np = words(impls)
nolegend = 1
if (!exists('cols')) { cols = (np <= 3 ? np : np == 4 ? 2 : 3) }
CW = 400; CH = 250
load 'common.gp'
nx = words(xs)
ni = words(impls)
ov = (ncpus + 0 > 0 && t + 0 > ncpus + 0)
set multiplot layout rows, cols title sprintf('%s: %s, %s keys, %s thread%s%s, %s (median of repetitions; grey: the other maps; %s)%s', run, ftitle, k, t, t eq '1' ? '' : 's', ov ? ' (oversubscribed)' : '', dist, barsname, notes) noenhanced
set xlabel 'reads (% of ops)' offset 0, 0.5
set ylabel 'Mops/s (all threads)' offset 1, 0
set logscale y
set format y '10^{%L}'
set mytics 10
set yrange [ymin + 0 : ymax + 0]
set xrange [-0.3 : nx - 0.7]
xt = ''
do for [i = 1:nx] { xt = xt . sprintf('%s"%s" %d', i > 1 ? ', ' : '', word(xs, i), i - 1) }
eval 'set xtics (' . xt . ')'
set grid xtics ytics mytics lc rgb '#ececec' lw 1, lc rgb '#f6f6f6' lw 1
x(m) = (strcol(C_IMPL) eq m && strcol(C_DIST) eq dist && strcol(C_KEYS) eq k && strcol(C_THREADS) eq t ? idx(xs, strcol(C_READ)) : NaN)
nullplot = hasnull + 0 ? ", summary skip 1 using (x('null')):(pos(column(M_MOPS))) with lines lc rgb '#9a9a9a' dt 2 lw 1.5 notitle" : ''
do for [p = 1:ni] {
	m = word(impls, p)
	set title m noenhanced textcolor rgb word(colours, p) font ',13'
	plot for [i = 1:ni] summary skip 1 \
		using (i == p ? NaN : x(word(impls, i))):(pos(column(M_MOPS))) \
		with lines lw 1.2 lc rgb '#d4d4d4' notitle \
	     @nullplot, \
	     summary skip 1 using (x(m)):(pos(column(M_MOPS))) \
		with lines lw 2.5 lc rgb word(colours, p) notitle, \
	     summary skip 1 using (x(m)):(pos(column(M_MOPS))):(low(column(M_MOPS + BLO))):(pos(column(M_MOPS + BHI))) \
		with yerrorbars lc rgb word(colours, p) pt (word(pts, p) - ov) ps 1.0 notitle, \
	     summary skip 1 using (x(m)):(under(column(M_MOPS + BLO))) \
		with points lc rgb word(colours, p) pt 11 ps 0.8 notitle, \
	     summary skip 1 using (x(m)):(over(column(M_MOPS + BHI))) \
		with points lc rgb word(colours, p) pt 9 ps 0.8 notitle
}
unset multiplot

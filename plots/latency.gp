# Latency as a percentile distribution, the HdrHistogram way: x is
# 1/(1-q) on a log axis (p50 at 2, p99 at 100, p99.9 at 1000), y the
# latency per op (ns, log); max is not a percentile and is drawn at the
# right edge, past p99.9.  One panel per read %, a line per map (the
# medians over repetitions of each percentile), at t threads, the most
# that are not oversubscribed.  A percentile a row does not have (NA) is
# left out and its segments with it.  The legend is above the panels.
np = words(panels)
nolegend = 1
CW = 400; CH = 300
load 'common.gp'
ni = words(impls)
H = H + 30
if (fmt eq 'svg') {
	set terminal svg size W,H fixed enhanced font 'Helvetica,12' background rgb 'white'
} else {
	set terminal pngcairo size W,H enhanced font 'Helvetica,10' background rgb 'white'
}
set output out
keyrows = "\n\n"
set multiplot layout rows, cols title sprintf('%s: %s, %s keys, %s thread%s, %s (medians of repetitions; x: 1/(1-q), log)%s%s', run, ftitle, k, t, t eq '1' ? '' : 's', dist, notes, keyrows) noenhanced
set xlabel 'percentile'
set ylabel 'latency per op (ns)'
set logscale xy
set format y '10^{%L}'
set mytics 10
set yrange [ymin + 0 : ymax + 0]
set xrange [1.6 : 16000]
set xtics ('p50' 2, 'p90' 10, 'p99' 100, 'p99.9' 1000, 'max' 10000) nomirror
set grid xtics ytics mytics lc rgb '#e6e6e6' lw 1, lc rgb '#f4f4f4' lw 1
qx(j) = (j == 1 ? 2 : j == 2 ? 100 : j == 3 ? 1000 : 10000)
pcol(j) = (j == 1 ? M_P50 : j == 2 ? M_P99 : j == 3 ? M_P999 : M_MAX)
here(m, r) = (sel(m, k) && strcol(C_THREADS) eq t && strcol(C_READ) eq r)
unset key
do for [p = 1:np] {
	r = word(panels, p)
	set title sprintf('%s%% reads', r)
	if (p == 1) { eval toplegend }
	plot for [i = 1:ni] for [j = 1:3] summary skip 1 \
		using (here(word(impls, i), r) ? qx(j) : NaN):(pos(column(pcol(j)))):(qx(j + 1) - qx(j)):(pos(column(pcol(j + 1))) - pos(column(pcol(j)))) \
		with vectors nohead lw 1.8 lc rgb word(colours, i) notitle, \
	     for [i = 1:ni] for [j = 1:4] summary skip 1 \
		using (here(word(impls, i), r) ? qx(j) : NaN):(pos(column(pcol(j)))) \
		with points lc rgb word(colours, i) pt (word(pts, i) + 0) ps 0.9 notitle
	if (p == 1) { eval untoplegend }
}
unset multiplot

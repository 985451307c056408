# Latency percentiles per map (sampled ops, the timer's cost subtracted;
# medians over repetitions) at t threads, the most that are not
# oversubscribed: one panel per read %.  Colours are the maps', marker
# shapes the percentiles.
np = words(panels)
CW = 400; CH = 300
load 'common.gp'
ni = words(impls)
set multiplot layout rows, cols title sprintf('%s: %s, %s keys, %s thread%s, %s (medians of repetitions)%s', run, ftitle, k, t, t eq '1' ? '' : 's', dist, notes) noenhanced
set ylabel 'latency per op (ns)'
set logscale y
set format y '10^{%L}'
set yrange [ymin + 0 : ymax + 0]
set xrange [-0.6 : ni - 0.4]
set xtics rotate by 30 right noenhanced
xt = ''
do for [i = 1:ni] { xt = xt . sprintf('%s"%s" %d', i > 1 ? ', ' : '', word(impls, i), i - 1) }
eval 'set xtics (' . xt . ')'
pname = 'p50 p99 p99.9 max'
ppt = '6 4 8 12'
pcol(j) = (j == 1 ? M_P50 : j == 2 ? M_P99 : j == 3 ? M_P999 : M_MAX)
off(j) = (j - 2.5) * 0.16
do for [p = 1:np] {
	r = word(panels, p)
	set title sprintf('%s%% reads', r)
	plot for [i = 1:ni] for [j = 1:4] summary skip 1 \
		using (sel(word(impls, i), k) && strcol(C_THREADS) eq t && strcol(C_READ) eq r ? i - 1 + off(j) : NaN):(pos(column(pcol(j)))) \
		with points lc rgb word(colours, i) pt (word(ppt, j) + 1) ps 1.1 notitle
}
eval legend
plot NaN notitle, for [j = 1:4] keyentry with points lc rgb 'black' pt (word(ppt, j) + 1) ps 1.1 title word(pname, j)
unset multiplot

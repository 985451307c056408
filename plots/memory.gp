# Bytes per live key (allocator's bytes after the run, deferred frees
# settled, over the keys live at the end) against read %, at t threads
# (the fewest run): one panel per key count, one line per map; median
# with min-max bars.
np = words(panels)
CW = 470; CH = 330
load 'common.gp'
nx = words(xs)
ni = words(impls)
set multiplot layout rows, cols title sprintf('%s: %s, %s thread%s, %s (median of repetitions, %s)%s', run, ftitle, t, t eq '1' ? '' : 's', dist, barsname, notes) noenhanced
set xlabel 'reads (% of ops)'
set ylabel 'bytes per live key (B)'
set yrange [ymin + 0 : ymax + 0]
set xrange [-0.5 : nx - 0.5]
xt = ''
do for [i = 1:nx] { xt = xt . sprintf('%s"%s" %d', i > 1 ? ', ' : '', word(xs, i), i - 1) }
eval 'set xtics (' . xt . ')'
x(kk) = (strcol(C_KEYS) eq kk && strcol(C_THREADS) eq t && strcol(C_DIST) eq dist ? idx(xs, strcol(C_READ)) : NaN)
do for [p = 1:np] {
	kk = word(panels, p)
	set title sprintf('%s keys', kk)
	plot for [i = 1:ni] summary skip 1 \
		using (strcol(C_IMPL) eq word(impls, i) ? x(kk) : NaN):(column(M_BPK)):(column(M_BPK + BLO)):(column(M_BPK + BHI)) \
		with yerrorlines lw 2 lc rgb word(colours, i) pt (word(pts, i) + 0) ps 0.9 notitle
}
eval legend
plot NaN notitle, for [i = 1:ni] keyentry with linespoints lw 2 lc rgb word(colours, i) pt (word(pts, i) + 0) title word(impls, i)
unset multiplot

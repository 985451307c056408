# The promotion counters of every map that keeps them (rimpl, rkeys: one
# row of panels per map and key count): promotions (dirty -> read) and
# dirty rebuilds (read -> dirty) per million ops, the fraction of ops
# that took the lock, and the map's throughput; against read %, a line
# per thread count; median with min-max bars.  Zeros cannot be drawn on
# a log axis: they are counted in the notes; a panel whose values are
# all 0 is drawn on a linear axis.
nr = words(rimpl)
np = 5 * nr - 1
cols = 5
CW = 270; CH = 250
load 'common.gp'
nx = words(xs)
nt = words(ts)
array tcol[6] = ['#1b9e77', '#d95f02', '#7570b3', '#e7298a', '#66a61e', '#a6761d']
tc(i) = tcol[(i - 1) % 6 + 1]
tov(i) = (ncpus + 0 > 0 && word(ts, i) + 0 > ncpus + 0)
set multiplot layout rows, cols title sprintf('%s: %s, %s (median of repetitions, bars: min-max)%s', run, ftitle, dist, notes) noenhanced
set xlabel 'reads (% of ops)'
set xrange [-0.5 : nx - 0.5]
xt = ''
do for [i = 1:nx] { xt = xt . sprintf('%s"%s" %d', i > 1 ? ', ' : '', word(xs, i), i - 1) }
eval 'set xtics (' . xt . ')'
mcol(j) = (j == 1 ? M_PROMO : j == 2 ? M_REBUILD : j == 3 ? M_LOCKED : M_MOPS)
mname(j) = (j == 1 ? 'promotions (dirty -> read)' : j == 2 ? 'dirty rebuilds (read -> dirty)' : j == 3 ? 'ops that took the lock' : 'throughput')
munit(j) = (j == 1 ? 'per million ops' : j == 2 ? 'per million ops' : j == 3 ? 'fraction of ops' : 'Mops/s (all threads)')
do for [ri = 1:nr] {
	m = word(rimpl, ri)
	kk = word(rkeys, ri)
	do for [j = 1:4] {
		lo = value(sprintf('ymin%d', j)) + 0
		hi = value(sprintf('ymax%d', j)) + 0
		set title sprintf('%s, %s keys: %s', m, kk, mname(j)) noenhanced
		set ylabel munit(j)
		if (hi > 0) {
			set logscale y
			set format y '10^{%L}'
			set yrange [lo : hi]
			ymin = lo
			f(v) = pos(v)
		} else {
			unset logscale y
			set format y '%g'
			set yrange [-0.1 : 1]
			ymin = 0
			f(v) = v
		}
		c = mcol(j)
		plot for [i = 1:nt] summary skip 1 \
			using (sel(m, kk) && strcol(C_THREADS) eq word(ts, i) ? idx(xs, strcol(C_READ)) : NaN):(f(column(c))):(hi > 0 ? low(column(c + 1)) : column(c + 1)):(f(column(c + 2))) \
			with yerrorlines lw 2 dt 1 + tov(i) lc rgb tc(i) pt (tov(i) ? 6 : 7) ps 0.8 notitle
	}
	if (ri == 1) {
		eval legend
		plot NaN notitle, for [i = 1:nt] keyentry with linespoints lw 2 dt 1 + tov(i) lc rgb tc(i) pt (tov(i) ? 6 : 7) \
			title sprintf('%s thread%s%s', word(ts, i), word(ts, i) eq '1' ? '' : 's', tov(i) ? ' (oversubscribed)' : '')
		set border 3
		set xtics nomirror
		set ytics nomirror
		set grid xtics ytics
		set xrange [-0.5 : nx - 0.5]
		eval 'set xtics (' . xt . ')'
		set xlabel 'reads (% of ops)'
		unset key
	} else {
		set multiplot next
	}
}
unset multiplot

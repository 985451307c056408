# (3) syncmap's promotion frequency vs read ratio, one row of panels per
# key count: promotions and dirty rebuilds per million ops (a panel each), the fraction
# of ops that took the mutex, and syncmap's throughput alongside.  A line
# per thread count; median with min-max bars.
if (strstrt(' '.impls.' ', ' syncmap ') == 0) { exit }
nk = words(keys)
nt = words(threads)
W = 1900
H = 360 * nk + 50
load gpdir.'/common.gp'
set output sprintf('%s/promotion_%s.%s', dir, tag, fmt)
set multiplot layout nk, 4 title sprintf('%s: syncmap promotion frequency vs read ratio, %s (median, bars: min-max)', run, dist)
set xlabel 'reads (% of ops)'
set xrange [-0.4 : words(reads) - 0.6]
f(k, t) = sprintf('%s/promo_%s_k%s_t%s.dat', dir, tag, k, t)
do for [ki = 1:nk] {
	k = word(keys, ki)
	set logscale y
	set title sprintf('%s keys: promotions (dirty -> read)', k)
	set ylabel 'promotions per million ops (0 drawn at 0.001)'
	plot for [ti = 1:nt] f(k, word(threads, ti)) using 1:(flo($3, 1e-3)):(flo($4, 1e-3)):(flo($5, 1e-3)):xtic(2) \
			with yerrorlines lt ti title sprintf('%s thr', word(threads, ti))
	set title sprintf('%s keys: dirty rebuilds (read -> dirty)', k)
	set ylabel 'rebuilds per million ops (0 drawn at 0.001)'
	plot for [ti = 1:nt] f(k, word(threads, ti)) using 1:(flo($6, 1e-3)):(flo($7, 1e-3)):(flo($8, 1e-3)):xtic(2) \
			with yerrorlines lt ti title sprintf('%s thr', word(threads, ti))
	set title sprintf('%s keys: ops that took the mutex', k)
	set ylabel 'fraction of ops (0 drawn at 1e-7)'
	plot for [ti = 1:nt] f(k, word(threads, ti)) using 1:(flo($9, 1e-7)):(flo($10, 1e-7)):(flo($11, 1e-7)):xtic(2) \
			with yerrorlines lt ti title sprintf('%s thr', word(threads, ti))
	set title sprintf('%s keys: syncmap throughput', k)
	set ylabel 'throughput (Mops/s, all threads)'
	plot for [ti = 1:nt] f(k, word(threads, ti)) using 1:12:13:14:xtic(2) \
			with yerrorlines lt ti title sprintf('%s thr', word(threads, ti))
	unset logscale y
}
unset multiplot

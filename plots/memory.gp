# Bytes per live key (allocator's bytes after the run, deferred frees
# settled, over the keys live at the end) as bars, at t threads (the
# fewest run): one panel per key count, each with its own axis, a bar per
# map.  The C side gives, per panel p, valP (the median over the read
# percentages of the configurations' medians), vloP and vhiP (the lowest
# and highest of those medians: the whisker) and ymaxP; '-' is no value.
np = words(panels)
nolegend = 1
CW = 400; CH = 320
load 'common.gp'
ni = words(impls)
num(s) = (s eq '-' ? NaN : s + 0)
set multiplot layout rows, cols title sprintf('%s: %s, %s thread%s, %s (bar: median over the read %% values of the medians; whisker: their min-max)%s', run, ftitle, t, t eq '1' ? '' : 's', dist, notes) noenhanced
set ylabel 'bytes per live key (B)'
set xrange [-0.6 : ni - 0.4]
set xtics rotate by 35 right noenhanced scale 0
xt = ''
do for [i = 1:ni] { xt = xt . sprintf('%s"%s" %d', i > 1 ? ', ' : '', word(impls, i), i - 1) }
eval 'set xtics (' . xt . ')'
set grid noxtics ytics
set style fill solid 0.85 noborder
set boxwidth 0.7
set samples 2
do for [p = 1:np] {
	vals = value(sprintf('val%d', p))
	vlo = value(sprintf('vlo%d', p))
	vhi = value(sprintf('vhi%d', p))
	set yrange [0 : value(sprintf('ymax%d', p)) + 0]
	set title sprintf('%s keys', word(panels, p))
	plot for [i = 1:ni] '+' every ::0::0 using (i - 1):(num(word(vals, i))) \
		with boxes lc rgb word(colours, i) notitle, \
	     for [i = 1:ni] '+' every ::0::0 using (i - 1):(num(word(vals, i))):(num(word(vlo, i))):(num(word(vhi, i))) \
		with yerrorbars lc rgb '#333333' lw 1.2 ps 0 notitle, \
	     for [i = 1:ni] '+' every ::0::0 using (i - 1):(num(word(vhi, i))):(sprintf('%.0f', num(word(vals, i)))) \
		with labels offset 0, 0.8 font ',10' notitle
}
unset multiplot

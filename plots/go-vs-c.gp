# Go's sync.Map workloads: C maps beside Go maps, ns/op on a log scale, one
# panel per thread count.  Data from bench/go/compare (bench/compare.sh):
#
#	gnuplot -e "datadir='results/go-vs-c/plot'; outdir='plots/go-vs-c'" \
#		plots/go-vs-c.gp
#
# Writes outdir/go-vs-c.{svg,png} (bars: median, whiskers: min-max over the
# repetitions) and outdir/syncmap-ratio.{svg,png} (C syncmap median over Go
# sync.Map median, per workload and thread count).
if (!exists("datadir")) datadir = 'results/go-vs-c/plot'
if (!exists("outdir")) outdir = 'plots/go-vs-c'

# Read the lists and count the workloads with gnuplot itself: no shell
# ever sees datadir.
maps = ''
threads = ''
nwl = 0
set datafile separator "\t"
set table $discard
plot datadir."/maps.txt" using (maps = strcol(1), 0):(0) with table
plot datadir."/threads.txt" using (threads = strcol(1), 0):(0) with table
set datafile separator whitespace
plot datadir."/t".word(threads, 1).".dat" using (nwl = nwl + 1, 0):(0) with table
unset table
undefine $discard
nmaps = words(maps)
nc = 0
do for [m = 1:nmaps] { if (strstrt(word(maps, m), 'go:') != 1) { nc = m } }
nthreads = words(threads)

set datafile missing "?"
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set logscale y
set grid ytics mytics
set ylabel "ns/op (log scale; lower is faster)"
set xtics rotate by 35 right noenhanced font ",9" nomirror
set xlabel "workload (Go's Benchmark<name>)" noenhanced
set key outside right top vertical noenhanced
set yrange [0.1:*]
# Each map in its colour of every other figure (map-colours.gp); a Go
# map (go:NAME) has its C counterpart's colour, hatched.
# (beside this script, wherever gnuplot is started from)
here = ''
do for [i = 1:strlen(ARG0)] { if (ARG0[i:i] eq '/') { here = ARG0[1:i] } }
load here.'map-colours.gp'
isgo(m) = (strstrt(m, 'go:') == 1)

do for [fmt in "svg png"] {
	if (fmt eq "svg") {
		set terminal svg size 1800, 520 * nthreads dynamic \
			font "Helvetica,11" background "white"
	} else {
		set terminal pngcairo size 1800, 520 * nthreads \
			font "Helvetica,10" background "white"
	}
	set output outdir."/go-vs-c.".fmt
	set multiplot layout nthreads, 1 \
		title "Go's sync.Map benchmark workloads: C maps vs Go maps (median, min–max whiskers)"
	do for [ti = 1:nthreads] {
		t = word(threads, ti)
		set title sprintf("%s thread(s) (C threads / GOMAXPROCS)", t)
		# the C maps come first in maps.txt, then the Go maps
		plot for [m = 1:nc] datadir."/t".t.".dat" \
			using 3*m-1:3*m:3*m+1:xtic(1) \
			title word(maps, m) lc rgb mapcolour(word(maps, m), m), \
		     for [m = nc + 1:nmaps] datadir."/t".t.".dat" \
			using 3*m-1:3*m:3*m+1:xtic(1) \
			title word(maps, m) lc rgb mapcolour(word(maps, m), m) \
			fs pattern 4 border
	}
	unset multiplot
	set output
}

# syncmap / Go sync.Map: one point per workload and thread count.
unset logscale y
set logscale y 2
set yrange [*:*]
set xrange [-0.5:nwl - 0.5]
set ylabel "C syncmap ns/op ÷ Go sync.Map ns/op (log2; < 1: C faster)"
set key inside left top
set style data points
array tcol[4] = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a"]
do for [fmt in "svg png"] {
	if (fmt eq "svg") {
		set terminal svg size 1400, 600 dynamic font "Helvetica,11" \
			background "white"
	} else {
		set terminal pngcairo size 1400, 600 font "Helvetica,10" \
			background "white"
	}
	set output outdir."/syncmap-ratio.".fmt
	set title "C syncmap relative to Go's sync.Map, per workload"
	# The first series only names the workloads and keeps 0.5..2 in view.
	plot datadir."/ratio.dat" using 0:(2):xtic(1) notitle ps 0, \
		datadir."/ratio.dat" using 0:(0.5) notitle ps 0, \
		1 notitle with lines lw 2 dt 2 lc rgb "black", \
		for [ti = 1:nthreads] datadir."/ratio.dat" \
		using ($0 + (ti - (nthreads + 1) / 2.0) * 0.15):ti+1 \
		title word(threads, ti)." thread(s)" with points pt 7 ps 1.6 \
		lc rgb tcol[(ti - 1) % 4 + 1]
	set output
}

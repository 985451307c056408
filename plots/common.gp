# Shared by the figure scripts of `mapbench plot`, which runs each one as
#	gnuplot -e "summary='...'; out='...'; fmt='svg'; ..." SCRIPT.gp
# in this directory.  The values come as gnuplot strings; the C side has
# checked them and decided what is drawn:
#   summary  <sweep>/summary.tsv: one row per configuration, tab-separated,
#            a header line, NaN where a map does not keep a metric
#   out      the image to write        fmt     svg | png
#   run      the sweep's name          dist    the key distribution
#   panels   the panels with data (thread counts, read %, key counts)
#   impls, colours, pts   the maps drawn, their colours and (filled) point
#            types, assigned by name: the same in every figure
#   ymin, ymax   the y-range shared by all panels of the figure
#   ftitle   the figure's title (harness/figures/figures.c)
#   bars     ci | minmax: what the error bars show
#   note1..noteN, nnotes, rowsnote   notes printed under the title
# Set np (the number of panels) and CW, CH (a cell's size in pixels)
# before loading this file.

# Columns of summary.tsv (harness/figures/plot.c writes them in this order).
C_IMPL = 1; C_DIST = 2; C_KEYS = 3; C_THREADS = 4; C_READ = 5
C_REPS = 6; C_OVER = 7; C_NCPUS = 8; C_NOTOK = 9
# metric NAME: NAME_med at column M_NAME, NAME_min at +1, NAME_max at +2,
# the 95% interval of the median NAME_lo at +3, NAME_hi at +4 (NA when
# there are fewer than 6 values), NAME_n at +5
M_MOPS = 10; M_P50 = 16; M_P99 = 22; M_P999 = 28; M_MAX = 34
M_BPK = 40; M_PROMO = 46; M_REBUILD = 52; M_LOCKED = 58
# Error bars: bars = 'ci' (every point drawn has a 95% interval) or
# 'minmax'; BLO, BHI are the offsets of their columns from M_NAME.
if (!exists('bars')) { bars = 'minmax' }
BLO = (bars eq 'ci' ? 3 : 1); BHI = BLO + 1
barsname = (bars eq 'ci' ? 'bars: 95% interval of the median' : 'bars: min-max (fewer than 6 repetitions: no 95% interval)')
if (!exists('ftitle')) { ftitle = '' }

# A layout with one cell more than the panels, for the figure's legend
# (none when the script sets nolegend: its panels name their series).
if (!exists('np')) { np = 1 }
cells = np + (exists('nolegend') ? 0 : 1)
# at most 3 columns: a figure about 1200 px wide is shown at its size
if (!exists('cols')) { cols = (cells <= 3 ? cells : cells == 4 ? 2 : 3) }
rows = int((cells + cols - 1) / cols)

# Title lines: the figure's, then its notes.
notes = ''
nlines = 0
if (exists('nnotes')) {
	do for [i = 1:nnotes] {
		notes = notes . "\n" . value(sprintf('note%d', i))
		nlines = nlines + 1
	}
}
if (exists('rowsnote') && rowsnote ne '') {
	notes = notes . "\n" . rowsnote
	nlines = nlines + 1
}

W = CW * cols
H = CH * rows + 40 + 18 * nlines

if (fmt eq 'svg') {
	set terminal svg size W,H fixed enhanced font 'Helvetica,12' background rgb 'white'
} else {
	set terminal pngcairo size W,H enhanced font 'Helvetica,10' background rgb 'white'
}
set output out
set datafile separator '\t'
# Rows of other series are NaN: missing, so a series' line runs on.
set datafile missing NaN
set border 3
set tics nomirror
set grid xtics ytics lc rgb '#e0e0e0' lw 1
set key noenhanced
set bars 0.5

# Only positive values exist on a log axis: the rest is not drawn.
pos(x) = (x > 0 ? x : NaN)
# A bar's low end below the axis is drawn to the axis floor.
low(x) = (x > 0 ? x : ymin)
# A bar end outside the y-range: its mark on the axis (a small triangle).
under(v) = (v < ymin + 0 ? (ymin + 0) * 1.12 : NaN)
over(v) = (v > ymax + 0 ? (ymax + 0) / 1.12 : NaN)
# This row is map m at key count kk of this figure's dist.
sel(m, kk) = (strcol(C_IMPL) eq m && strcol(C_DIST) eq dist && strcol(C_KEYS) eq kk)
# The 0-based position of word w in a space-separated list.
idx(list, w) = words(substr(' '.list.' ', 1, strstrt(' '.list.' ', ' '.w.' ')))

# Turn the next cell into a legend: no axes, only key entries.
legend = 'unset title; unset xlabel; unset ylabel; unset logscale; unset grid; unset object; unset label; unset border; unset tics; set xrange [0:1]; set yrange [0:1]; set key center center vertical noenhanced box lc rgb "#c0c0c0" samplen 2.5 spacing 1.2'

# A legend above the panels, one row: each map's marker in its colour
# and its name, as screen labels (eval toplegend before the first panel,
# eval untoplegend after it).  The title must leave a blank line for it.
legstep(n) = (n <= 6 ? 0.14 : 0.98 / n)
legx(i, n) = 0.5 + (i - (n + 1) / 2.0) * legstep(n) - 0.03
legy = 0
toplegend = 'legy = 1 - (24.0 + 18 * (nlines + 1)) / H; do for [i = 1:words(impls)] { eval sprintf("set label %d \"%s\" at screen %.4f, screen %.4f left noenhanced point pt %s lc rgb \"%s\" ps 1.1 offset 1.2, 0", 900 + i, word(impls, i), legx(i, words(impls)), legy, word(pts, i), word(colours, i)) }'
untoplegend = 'do for [i = 1:words(impls)] { eval sprintf("unset label %d", 900 + i) }'

# Shared settings of the mapbench plots.  Every script is run by
# `mapbench plot` with these variables (gnuplot -e):
#   gpdir  this directory           fmt      svg | png
#   dir    where .dat files are and images go
#   run    the sweep's name         dist/tag the key distribution (tag: file-safe)
#   impls, reads, threads, keys     space-separated lists present in the data
# Set W and H (pixels) before loading this file.
if (fmt eq 'svg') {
	set terminal svg size W,H dynamic font 'Helvetica,12' background rgb 'white'
} else {
	set terminal pngcairo size W,H font 'Helvetica,10' background rgb 'white'
}
set termoption noenhanced
set datafile missing 'NaN'
set border 3
set tics nomirror
set grid xtics ytics mytics lc rgb '#e0e0e0' lw 1
set key outside right top vertical samplen 2.5 spacing 1.0
set bars 0.6
# One colour per impl, the same in every figure.
set linetype 1 lc rgb '#1f77b4' lw 2 pt 7 ps 0.7
set linetype 2 lc rgb '#d62728' lw 2 pt 5 ps 0.7
set linetype 3 lc rgb '#2ca02c' lw 2 pt 9 ps 0.8
set linetype 4 lc rgb '#9467bd' lw 2 pt 11 ps 0.8
set linetype 5 lc rgb '#7f7f7f' lw 2 pt 13 ps 0.8
set linetype 6 lc rgb '#ff7f0e' lw 2 pt 3 ps 0.8
set linetype 7 lc rgb '#8c564b' lw 2 pt 4 ps 0.8
set linetype 8 lc rgb '#17becf' lw 2 pt 6 ps 0.8
# Log axes cannot show 0: such values are drawn on the floor (said in labels).
flo(x, f) = (x > f ? x : f)

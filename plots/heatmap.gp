# Who wins where: one row per configuration (threads, read %), one column
# per map; each cell filled with the colour plot.c chose (fill_rgb: the
# ratio to the reference on a diverging scale, grey when not
# significant) and labelled with the ratio (the reference cell: its
# median in Mops/s); the fastest map of the row framed.  Reads heat
# (<sweep>/heatmap.tsv); the C side gives nrow, ncol and the tick lists
# xt (maps) and yt (configurations).
np = 0
cols = 1
CW = 170 + 92 * (ncol + 0)
CH = 90 + 30 * (nrow + 0)
load 'common.gp'
# heatmap.tsv's columns
H_DIST = 1; H_KEYS = 2; H_ROW = 8; H_COL = 9; H_STATUS = 16; H_BEST = 17
H_FILL = 20; H_TEXT = 21; ratio_label = 22
set title sprintf('%s%s', htitle, notes) noenhanced
unset key
unset grid
set border 0
set xrange [-0.5 : ncol - 0.5]
set yrange [nrow - 0.5 : -0.5]
unset xtics
set x2range [-0.5 : ncol - 0.5]
eval 'set x2tics (' . xt . ') scale 0 noenhanced'
eval 'set ytics (' . yt . ') scale 0 noenhanced'
set tmargin 4 + nlines
here(f) = (strcol(H_DIST) eq dist && strcol(H_KEYS) eq k ? column(f) : NaN)
plot heat skip 1 using (here(H_COL)):(column(H_ROW)):(0.49):(0.49):(column(H_FILL)) \
	with boxxyerror fs solid 1.0 noborder lc rgb variable, \
     heat skip 1 using (here(H_COL)):(column(H_ROW)):(strcol(ratio_label)):(column(H_TEXT)) \
	with labels font ',11' tc rgb variable noenhanced, \
     heat skip 1 using (column(H_BEST) == 1 ? here(H_COL) : NaN):(column(H_ROW)):(0.47):(0.47) \
	with boxxyerror fs empty lc rgb '#111111' lw 2.5

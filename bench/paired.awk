# Per cell of a sweep's results.csv, for each pair "A-vs-B" of -v pairs
# (space separated; goX.Y stands for go:sync.Map-goX.Y): the ratios B/A of
# the metric over the repetitions both sides measured, paired by
# repetition (in a sweep both sides of a cell run back to back in every
# repetition), their minimum, median and maximum, how many are above and
# below 1, and an exact two-sided sign test of "B/A is as likely above 1
# as below" (ties left out).  Options (-v):
#   pairs      the pairs, required
#   cells      the columns naming a cell ("workload threads")
#   metric     the column compared (ns_per_op)
#   placement  1: split each cell by where the host ran the first two
#              workers' vCPUs in both sides' rows (c2c_ns and
#              c2c_after_ns, before and after each row's window):
#              `together` all four probes under 120 ns, `apart` all at
#              or over, `moved` otherwise, `-` with one thread or no
#              probe.  On the development guest a line moves in 28-80 ns
#              between vCPUs close together and 150-260 ns apart
#              (docs/PRECISION.md); cache-line-bound figures of the two
#              differ by up to 2x, so pairs are only compared within one.
# Called by bench/go/versions.sh and bench/clht-lb/measure.sh; tested by
# tests/harness/paired.sh.
BEGIN {
	if (cells == "") cells = "workload threads"
	if (metric == "") metric = "ns_per_op"
	ncc = split(cells, cc, " ")
}
NR == 1 {
	for (i = 1; i <= NF; i++) h[$i] = i
	for (i = 1; i <= ncc; i++)
		if (!(cc[i] in h)) { print "paired.awk: no column " cc[i] > "/dev/stderr"; exit 2 }
	if (!(metric in h)) { print "paired.awk: no column " metric > "/dev/stderr"; exit 2 }
	if (placement && (!("c2c_ns" in h) || !("c2c_after_ns" in h))) { print "paired.awk: no c2c_ns, c2c_after_ns columns" > "/dev/stderr"; exit 2 }
	next
}
function probes() {
	if (!placement || !("threads" in h) || $h["threads"] < 2 || $h["c2c_ns"] == "" || $h["c2c_after_ns"] == "") return ""
	return $h["c2c_ns"] " " $h["c2c_after_ns"]
}
$h["status"] == "ok" && $h[metric] != "" {
	cell = $h[cc[1]]
	for (i = 2; i <= ncc; i++) cell = cell SUBSEP $h[cc[i]]
	val[$h["impl"], cell, $h["rep"]] = $h[metric]
	c2c[$h["impl"], cell, $h["rep"]] = probes()
	if (!(cell in seen)) { seen[cell] = 1; cells_[++nc] = cell }
	if (!($h["rep"] in rseen)) { rseen[$h["rep"]] = 1; reps[++nr] = $h["rep"] }
}
function choose(n, k,   r, i) { r = 1; for (i = 1; i <= k; i++) r = r * (n - k + i) / i; return r }
# The placement of a pair of rows: both rows' probes (see the header).
function place(pa, pb,   p, np, i, lo, hi) {
	if (pa == "" || pb == "") return "-"
	np = split(pa " " pb, p, " "); lo = 0; hi = 0
	for (i = 1; i <= np; i++) if (p[i] + 0 < 120) lo++; else hi++
	return hi == 0 ? "together" : lo == 0 ? "apart" : "moved"
}
END {
	if (ncc == 0 || NR == 0) exit
	hdr = "pair"
	for (i = 1; i <= ncc; i++) hdr = hdr "," cc[i]
	if (placement) hdr = hdr ",placement"
	print hdr ",n,min,median,max,above,below,p_sign"
	np = split(pairs, pl, " ")
	nclass = placement ? 4 : 1
	split("together apart moved -", classes, " ")
	for (q = 1; q <= np; q++) {
		name = pl[q]; split(name, ab, "-vs-")
		a = ab[1]; b = ab[2]
		if (a ~ /^go[0-9]/) a = "go:sync.Map-" a
		if (b ~ /^go[0-9]/) b = "go:sync.Map-" b
		for (c = 1; c <= nc; c++) for (k = 1; k <= nclass; k++) {
			cell = cells_[c]
			n = 0; above = 0; below = 0
			for (r = 1; r <= nr; r++) {
				ka = a SUBSEP cell SUBSEP reps[r]
				kb = b SUBSEP cell SUBSEP reps[r]
				if (!(ka in val) || !(kb in val) || val[ka] <= 0) continue
				if (placement && place(c2c[ka], c2c[kb]) != classes[k]) continue
				x[++n] = val[kb] / val[ka]
				if (x[n] > 1) above++
				else if (x[n] < 1) below++
			}
			if (n == 0) continue
			for (i = 2; i <= n; i++)	# insertion sort, n is small
				for (j = i; j > 1 && x[j - 1] > x[j]; j--) { y = x[j]; x[j] = x[j - 1]; x[j - 1] = y }
			med = n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
			m = above + below; kk = above < below ? above : below; tail = 0
			for (i = 0; i <= kk; i++) tail += choose(m, i)
			pv = m ? 2 * tail / 2 ^ m : 1
			if (pv > 1) pv = 1
			out = name
			split(cell, cv, SUBSEP)
			for (i = 1; i <= ncc; i++) out = out "," cv[i]
			if (placement) out = out "," classes[k]
			printf "%s,%d,%.6g,%.6g,%.6g,%d,%d,%.4g\n", out, n, x[1], med, x[n], above, below, pv
		}
	}
}

# Per cell of a bench/compare.sh sweep (results.csv: impl, workload,
# threads, rep, status, ns_per_op), for each pair "A-vs-B" of -v pairs
# (space separated; goX.Y stands for go:sync.Map-goX.Y): the ratios B/A of
# the repetitions both sides measured, paired by repetition, their
# minimum, median and maximum, how many are above and below 1, and an
# exact two-sided sign test of "B/A is as likely above 1 as below" (ties
# left out).  Called by bench/go/versions.sh; tested by
# tests/harness/paired.sh.
NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
$h["status"] == "ok" && $h["ns_per_op"] != "" {
	ns[$h["impl"], $h["workload"], $h["threads"], $h["rep"]] = $h["ns_per_op"]
	if (!(($h["workload"], $h["threads"]) in seen)) {
		seen[$h["workload"], $h["threads"]] = 1
		cells[++nc] = $h["workload"] SUBSEP $h["threads"]
	}
	if (!($h["rep"] in rseen)) { rseen[$h["rep"]] = 1; reps[++nr] = $h["rep"] }
}
function choose(n, k,   r, i) { r = 1; for (i = 1; i <= k; i++) r = r * (n - k + i) / i; return r }
END {
	print "pair,workload,threads,n,min,median,max,above,below,p_sign"
	np = split(pairs, pl, " ")
	for (q = 1; q <= np; q++) {
		name = pl[q]; split(name, ab, "-vs-")
		a = ab[1]; b = ab[2]
		if (a ~ /^go[0-9]/) a = "go:sync.Map-" a
		if (b ~ /^go[0-9]/) b = "go:sync.Map-" b
		for (c = 1; c <= nc; c++) {
			split(cells[c], ct, SUBSEP); w = ct[1]; t = ct[2]
			n = 0; above = 0; below = 0
			for (r = 1; r <= nr; r++) {
				ka = a SUBSEP w SUBSEP t SUBSEP reps[r]
				kb = b SUBSEP w SUBSEP t SUBSEP reps[r]
				if (!(ka in ns) || !(kb in ns) || ns[ka] <= 0) continue
				x[++n] = ns[kb] / ns[ka]
				if (x[n] > 1) above++
				else if (x[n] < 1) below++
			}
			if (n == 0) continue
			for (i = 2; i <= n; i++)	# insertion sort, n is small
				for (j = i; j > 1 && x[j - 1] > x[j]; j--) { y = x[j]; x[j] = x[j - 1]; x[j - 1] = y }
			med = n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
			m = above + below; k = above < below ? above : below; tail = 0
			for (i = 0; i <= k; i++) tail += choose(m, i)
			pv = m ? 2 * tail / 2 ^ m : 1
			if (pv > 1) pv = 1
			printf "%s,%s,%s,%d,%.6g,%.6g,%.6g,%d,%d,%.4g\n", name, w, t, n, x[1], med, x[n], above, below, pv
		}
	}
}

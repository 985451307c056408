#!/bin/sh
# The README's tables from a measure.sh output: for each placement class
# (one thread; two, vCPUs together; two, apart), one Markdown table of
# ratios of medians (Mops per CPU-second, MAP / BASE) for each pair of
# COLUMNS, one row per key count and mix.
#	bench/clht-lb/table.sh MAPBENCH OUT [MAP:BASE,...]
# COLUMNS default: clht against the hashed references, clht_id against
# the ones indexing as published, clht against CLHT-LB as published and
# against clht_base.  A cell: the ratio, `*` significant (Mann-Whitney
# p < 0.05), `~` not, `†` unstable (a side's repetitions spread over half
# its median: not compared) and then, in parentheses, MAP's median over
# BASE's best repetition (a floor under the ratio that no mode of BASE
# reaches past), `—` a side has no row in that class.  Only `ok` rows.
# The row's label gives the repetitions of the first pair (MAP, BASE).
# Bad arguments: one line, exit 2.
set -eu
case ${1:-} in -h | --help) sed -n '2,15s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -eq 2 ] || [ $# -eq 3 ] || { echo "table.sh: want MAPBENCH OUT [MAP:BASE,...] (see --help)" >&2; exit 2; }
mb=$1 out=$2
cols=${3:-clht:clht_lb_res_hu,clht:clht_lb_res_h,clht_id:clht_lb_res_u,clht_id:clht_lb_res,clht:clht_lb_res,clht:clht_base}
[ -x "$mb" ] || { echo "table.sh: $mb: not an executable" >&2; exit 2; }
[ -d "$out/by-placement" ] || { echo "table.sh: $out: no by-placement/ (not a measure.sh output)" >&2; exit 2; }
case $cols in *[!A-Za-z0-9_:,]* | "") echo "table.sh: $cols: want MAP:BASE[,MAP:BASE...]" >&2; exit 2 ;; esac
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for cls in one together apart; do
	for mix in rw los90 los50; do
		d=$out/by-placement/$mix-$cls
		[ -f "$d/results.csv" ] || continue
		# Each map's best repetition per configuration (compare gives
		# the medians).
		awk -F, -v pre="$cls,$mix,S," '
		NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
		$h["status"] == "ok" {
			k = $h["impl"] "," $h["keys"] "," $h["read_pct"]
			v = $h["mops_per_cpu_s"] + 0
			if (!(k in best) || v > best[k]) best[k] = v
		}
		END { for (k in best) print pre k "," best[k] }' "$d/results.csv" >>"$tmp"
		i=0
		for pair in $(echo "$cols" | tr ',' ' '); do
			i=$((i + 1))
			# A failed compare (a map without rows here) leaves cells empty.
			"$mb" compare --format csv --metric mops_per_cpu_s \
				--impl "${pair#*:},${pair%%:*}" "$d" 2>/dev/null |
				sed "s/^/$cls,$mix,$i,/" >>"$tmp" || true
		done
	done
done
awk -F, -v cols="$cols" '
function label(mix, rd, keys) {
	k = keys == 1000 ? "1,000" : keys == 1000000 ? "1,000,000" : keys
	if (mix == "rw")
		w = rd == 100 ? "100% (loads only)" : rd "% Store/Delete"
	else
		w = (mix == "los90" ? "90" : "50") "% LoadOrStore/Delete"
	return k ", " w
}
BEGIN {
	ncol = split(cols, col, ",")
	nclass = split("one together apart", class, " ")
	title["one"] = "1 thread"
	title["together"] = "2 threads, vCPUs together"
	title["apart"] = "2 threads, vCPUs apart"
}
$4 == "group" { for (i = 1; i <= NF; i++) h[$i] = i; next }
$3 == "S" { best[$1, $2, $4, $5, $6] = $7; next }
{
	cls = $1; mix = $2; c = $3
	key = cls SUBSEP label(mix, $h["read_pct"], $h["keys"])
	if (!(key in seen)) {
		# Rows by key count, then loads only, Store, LoadOrStore mixes.
		seen[key] = $h["keys"] * 1000 + (mix == "rw" ? 200 - $h["read_pct"] : mix == "los90" ? 300 : 400)
		r = ++nrow[cls]
		for (; r > 1 && seen[order[cls, r - 1]] > seen[key]; r--)
			order[cls, r] = order[cls, r - 1]
		order[cls, r] = key
	}
	if ($h["input"] == "A") { nA[key, c] = $h["n"]; next }
	nB[key, c] = $h["n"]
	note = $h["note"]
	mark = note ~ /unstable/ ? "†" : $h["significant"] == "true" ? "*" : "~"
	cell[key, c] = $h["ratio"] == "" ? "—" : sprintf("%.2f%s", $h["ratio"], mark)
	if (mark == "†") {
		split(col[c], p, ":")
		b = best[cls, mix, p[2], $h["keys"], $h["read_pct"]]
		if (b > 0)
			cell[key, c] = cell[key, c] sprintf(" (%.2f)", $h["median"] / b)
	}
}
END {
	for (k = 1; k <= nclass; k++) {
		cls = class[k]
		if (!nrow[cls]) continue
		split(col[1], p, ":")
		printf "**%s** (repetitions: %s, %s)\n\n| keys, loads, writes |", title[cls], p[1], p[2]
		for (c = 1; c <= ncol; c++) { split(col[c], p, ":"); printf " %s / %s |", p[1], p[2] }
		printf "\n|---|"
		for (c = 1; c <= ncol; c++) printf "---|"
		printf "\n"
		for (r = 1; r <= nrow[cls]; r++) {
			key = order[cls, r]
			split(key, kp, SUBSEP)
			printf "| %s (%s, %s) |", kp[2], nB[key, 1] == "" ? 0 : nB[key, 1], nA[key, 1] == "" ? 0 : nA[key, 1]
			for (c = 1; c <= ncol; c++)
				printf " %s |", (key, c) in cell ? cell[key, c] : "—"
			printf "\n"
		}
		printf "\n"
	}
}' "$tmp"

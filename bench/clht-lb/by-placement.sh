#!/bin/sh
# Split a mapbench sweep by where the host ran the first two workers'
# vCPUs, and compare clht with each original within each placement.
#	bench/clht-lb/by-placement.sh MAPBENCH SWEEP_DIR OUT_PREFIX [IMPLS]
# A sweep runs its rows in random order, so each row is classed by its
# own core-to-core probes (c2c_ns, c2c_after_ns: before and after its
# window): `one` (one thread), `together` (both probes under 120 ns),
# `apart` (both at or over), else moved (left out).  Writes
# OUT_PREFIX-CLASS/ (the class's rows, the sweep's meta.json: a sweep
# for `mapbench compare`) and in it MAP-vs-BASE.txt, `mapbench compare`
# of MAP against BASE for each pair of pairs.txt whose maps IMPLS
# (default: clht and the four CLHT-LBs of build.sh) both names.  Bad
# arguments: one line, exit 2.
set -eu
case ${1:-} in -h | --help) sed -n '2,13s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -eq 3 ] || [ $# -eq 4 ] || { echo "by-placement.sh: want MAPBENCH SWEEP_DIR OUT_PREFIX [IMPLS] (see --help)" >&2; exit 2; }
mb=$1 sweep=$2 prefix=$3 impls=${4:-clht,clht_lb_res,clht_lb_res_h,clht_lb_res_u,clht_lb_res_hu}
[ -x "$mb" ] || { echo "by-placement.sh: $mb: not an executable" >&2; exit 2; }
[ -f "$sweep/results.csv" ] && [ -f "$sweep/meta.json" ] ||
	{ echo "by-placement.sh: $sweep: no results.csv and meta.json (not a sweep)" >&2; exit 2; }
for cls in one together apart; do
	d=$prefix-$cls
	mkdir -p "$d"
	cp "$sweep/meta.json" "$d/"
	awk -F, -v cls="$cls" '
	NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; print; next }
	{
		a = $h["c2c_ns"]; b = $h["c2c_after_ns"]
		c = $h["threads"] < 2 ? "one" : a == "" || b == "" ? "moved" : \
		    a + 0 < 120 && b + 0 < 120 ? "together" : \
		    a + 0 >= 120 && b + 0 >= 120 ? "apart" : "moved"
		if (c == cls) print
	}' "$sweep/results.csv" >"$d/results.csv"
	"$(dirname "$0")/compare-pairs.sh" "$mb" "$d" "$impls" "$d/"
done

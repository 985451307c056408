#!/bin/sh
# The project's clht against the original CLHT-LB in the same mapbench
# sweeps, per CPU-second (mops_per_cpu_s), each sweep's own interleaving:
# 1,000 / 1,000,000 keys x 1 / 2 threads x three mixes:
#   rw     --read 100,90,50 (loads, and Store / Delete half and half)
#   los90  load=90,load_or_store=5,delete=5    insert-if-absent on both
#   los50  load=50,load_or_store=25,delete=25  sides (CLHT's put)
#	bench/clht-lb/measure.sh MAPBENCH PLUGIN_DIR OUT [IMPLS [SWEEP_OPTION...]]
# PLUGIN_DIR holds build.sh's clht_lb_res*.so (and variants.sh's plugins
# when IMPLS names them); IMPLS defaults to clht,clht_lb_res,clht_lb_res_h;
# SWEEP_OPTIONs go to every sweep (e.g. --duration 1s).  Writes
# OUT/{rw,los90,los50} (sweeps), OUT/MIX-MAP-vs-BASE.txt (`mapbench
# compare` of each pair of pairs.txt in IMPLS, over all rows: at 2
# threads that mixes placements) and OUT/by-placement/MIX-CLASS/ (the
# rows of one placement of the vCPUs and their comparisons:
# by-placement.sh).
# A sweep with rows not ok (exit 1) is kept; any other failure stops here.
set -eu
case ${1:-} in -h | --help) sed -n '2,17s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -ge 3 ] || { echo "measure.sh: want MAPBENCH PLUGIN_DIR OUT [IMPLS [SWEEP_OPTION...]] (see --help)" >&2; exit 2; }
mb=$1 lib=$2 out=$3 impls=${4:-clht,clht_lb_res,clht_lb_res_h}
shift 3
[ $# -eq 0 ] || shift
[ -x "$mb" ] || { echo "measure.sh: $mb: not an executable" >&2; exit 2; }
libs=
for so in "$lib"/*.so; do
	[ -f "$so" ] && libs="$libs --impl-lib $so"
done
[ -n "$libs" ] || { echo "measure.sh: $lib: no plugin (*.so); run build.sh" >&2; exit 2; }
mkdir -p "$out"
for mix in rw los90 los50; do
	case $mix in
	rw) m="--read 100,90,50" ;;
	los90) m="--mix load=90,load_or_store=5,delete=5" ;;
	los50) m="--mix load=50,load_or_store=25,delete=25" ;;
	esac
	# shellcheck disable=SC2086 # word splitting of $libs and $m is intended
	rc=0
	"$mb" sweep $libs --impl "$impls" --keys 1000,1000000 $m --threads 1,2 \
		--no-plot "$@" --out "$out/$mix" >"$out/$mix.log" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
		echo "measure.sh: the $mix sweep failed (exit $rc):" >&2
		tail -n 3 "$out/$mix.log" >&2
		exit 2
	fi
	"$(dirname "$0")/compare-pairs.sh" "$mb" "$out/$mix" "$impls" "$out/$mix-"
done
# By placement: each class of rows a sweep of its own, compared within.
for mix in rw los90 los50; do
	[ -f "$out/$mix/results.csv" ] || continue
	"$(dirname "$0")/by-placement.sh" "$mb" "$out/$mix" "$out/by-placement/$mix" "$impls"
done

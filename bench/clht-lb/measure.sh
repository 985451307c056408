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
# OUT/{rw,los90,los50} (sweeps), OUT/MIX-vs-BASE.txt (`mapbench compare`
# of clht against each original) and OUT/paired.csv (bench/paired.awk:
# clht / each original and variant / hashed original, per repetition, by
# placement of the vCPUs).  A sweep that fails (exit 1: rows not ok) is
# kept.
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
	"$mb" sweep $libs --impl "$impls" --keys 1000,1000000 $m --threads 1,2 \
		--no-plot "$@" --out "$out/$mix" >"$out/$mix.log" 2>&1 || true
	for base in clht_lb_res clht_lb_res_h; do
		case ",$impls," in *",$base,"*) ;; *) continue ;; esac
		"$mb" compare --impl "$base,clht" --metric mops_per_cpu_s \
			"$out/$mix" >"$out/$mix-vs-$base.txt" || true
	done
done
# Paired by repetition and placement: clht against each original, every
# other map against the hashed original (bench/paired.awk).
pairs=
for x in $(echo "$impls" | tr , ' '); do
	case $x in
	clht_lb_res | clht_lb_res_h) ;;
	clht) for base in clht_lb_res clht_lb_res_h clht_lb_res_hu; do
		case ",$impls," in *",$base,"*) pairs="$pairs $base-vs-clht" ;; esac
	done ;;
	*) case ",$impls," in *,clht_lb_res_h,*) pairs="$pairs clht_lb_res_h-vs-$x" ;; esac ;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)
first=1
for mix in rw los90 los50; do
	[ -f "$out/$mix/results.csv" ] || continue
	awk -F, -v pairs="$pairs" -v cells="workload keys read_pct mix threads" \
		-v metric=mops_per_cpu_s -v placement=1 -f "$here/../paired.awk" \
		"$out/$mix/results.csv" | if [ $first = 1 ]; then cat; else tail -n +2; fi
	first=0
done >"$out/paired.csv"

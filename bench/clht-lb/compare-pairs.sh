#!/bin/sh
# `mapbench compare` of MAP against BASE, per CPU-second, for each pair of
# pairs.txt whose maps IMPLS both names, within the sweep DIR: written to
# PREFIXMAP-vs-BASE.txt (with compare's message when it fails).  Used by
# measure.sh and by-placement.sh.
#	bench/clht-lb/compare-pairs.sh MAPBENCH DIR IMPLS PREFIX
set -eu
case ${1:-} in -h | --help) sed -n '2,6s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -eq 4 ] || { echo "compare-pairs.sh: want MAPBENCH DIR IMPLS PREFIX (see --help)" >&2; exit 2; }
mb=$1 dir=$2 impls=$3 prefix=$4
grep -v '^#' "$(dirname "$0")/pairs.txt" | while read -r map base; do
	case ",$impls," in *",$map,"*) ;; *) continue ;; esac
	case ",$impls," in *",$base,"*) ;; *) continue ;; esac
	"$mb" compare --impl "$base,$map" --metric mops_per_cpu_s \
		"$dir" >"$prefix$map-vs-$base.txt" 2>&1 || true
done

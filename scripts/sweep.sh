#!/bin/sh
# The README's first command: install what is missing, build, run the
# default sweep and draw its plots.
#
#   scripts/sweep.sh [--name NAME] [mapbench sweep options...]
#
# Results go to results/NAME/ (results.csv, meta.json, summary.tsv),
# plots to results/NAME/plots/ (*.svg, *.png); NAME is "default" unless
# given, a plain directory name (no '/', not empty, '.' or '..').  Options
# are mapbench's (build/harness/mapbench --help), e.g. --quick for a
# smoke run, --resume to finish an interrupted sweep.
set -eu
cd "$(dirname "$0")/.."

name=default
case ${1:-} in
-h | --help)
	sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
	[ -x build/harness/mapbench ] && build/harness/mapbench sweep --help
	exit 0
	;;
esac
case ${1:-} in
--name)
	[ $# -ge 2 ] || { echo "sweep.sh: --name needs a value" >&2; exit 2; }
	name=$2
	shift 2
	;;
--name=*)
	name=${1#--name=}
	shift
	;;
esac
case $name in
'' | . | .. | */* | -*)
	echo "sweep.sh: --name '$name': want a plain directory name under results/" >&2
	exit 2
	;;
esac
out=""
for a in "$@"; do
	case $a in
	--out | --out=*) out=given ;;
	esac
done

sh scripts/setup.sh

set +e
if [ -n "$out" ]; then
	build/harness/mapbench sweep "$@"
else
	build/harness/mapbench sweep --out "results/$name" "$@"
fi
rc=$?
set -e
# mapbench itself reports the plots it drew (and only those).
if [ -z "$out" ] && [ -s "results/$name/results.csv" ]; then
	echo "sweep.sh: results: results/$name/results.csv (+ meta.json)"
fi
exit $rc

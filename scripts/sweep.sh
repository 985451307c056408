#!/bin/sh
# The README's first command: install what is missing, build, run the
# default sweep and draw its plots.
#
#   scripts/sweep.sh [--name NAME] [mapbench sweep options...]
#
# Results go to results/NAME/ (results.csv, meta.json), plots to
# plots/NAME/ (*.svg, *.png); NAME is "default" unless given.  Options
# are mapbench's (build/harness/mapbench --help), e.g. --quick for a
# smoke run, --resume to finish an interrupted sweep.
set -eu
cd "$(dirname "$0")/.."

name=default
if [ "${1:-}" = "--name" ]; then
	[ $# -ge 2 ] || { echo "sweep.sh: --name needs a value" >&2; exit 2; }
	name=$2
	shift 2
fi
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
if [ -z "$out" ]; then
	if [ -s "results/$name/results.csv" ]; then
		echo "sweep.sh: results: results/$name/results.csv (+ meta.json)"
		ls plots/"$name"/*.svg >/dev/null 2>&1 &&
			echo "sweep.sh: plots:   plots/$name/*.svg and *.png"
	fi
fi
exit $rc

#!/bin/sh
# Screenshot a sweep's report page (PLOTDIR/index.html, written by
# `mapbench plot`) with headless Chromium, as a reader at 1400 px sees it:
#	scripts/screenshot-report.sh PLOTDIR [OUT.png] [WIDTH] [HEIGHT]
# OUT defaults to PLOTDIR/report-WIDTH.png, WIDTH to 1400, HEIGHT to 9000
# (the whole page down to the figures; Chromium crops at HEIGHT).
# Needs chromium (Debian: apt-get install chromium; scripts/setup.sh
# installs it); nothing is fetched from the network (the page has no
# script and no remote resource).
set -eu
if [ $# -lt 1 ] || [ $# -gt 4 ]; then
	echo "usage: scripts/screenshot-report.sh PLOTDIR [OUT.png] [WIDTH] [HEIGHT]" >&2
	exit 2
fi
dir=$1
width=${3:-1400}
height=${4:-9000}
out=${2:-$dir/report-$width.png}
case $width$height in
*[!0-9]*) echo "screenshot-report: WIDTH and HEIGHT are pixel counts, got '$width' '$height'" >&2; exit 2 ;;
esac
if [ ! -f "$dir/index.html" ]; then
	echo "screenshot-report: no $dir/index.html (run: mapbench plot SWEEPDIR)" >&2
	exit 2
fi
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "screenshot-report: chromium is not installed; install it with: apt-get install chromium" >&2
	exit 3
fi
page=$(cd "$dir" && pwd)/index.html
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT INT TERM
rm -f "$out"
timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
	--disable-background-networking --disable-component-update \
	--disable-sync --no-first-run --hide-scrollbars \
	--user-data-dir="$profile" --window-size="$width,$height" \
	--screenshot="$out" "file://$page" >/dev/null 2>&1 || true
if [ ! -s "$out" ]; then
	echo "screenshot-report: chromium wrote no screenshot to $out" >&2
	exit 1
fi
echo "$out"

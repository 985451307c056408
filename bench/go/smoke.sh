#!/bin/sh
# ctest gopeer_smoke: build the Go peer into DIR and run two workloads with
# a tiny benchtime; exit 77 (skipped) when no Go toolchain is installed.
#	smoke.sh DIR
set -eu
out=${1:?usage: smoke.sh DIR}
if ! command -v go >/dev/null 2>&1; then
	echo "gopeer_smoke: SKIPPED: no go on PATH (apt-get install golang-go)"
	exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
# No network, no toolchain downloads; caches under DIR unless already set.
export GOCACHE="${GOCACHE:-$out/gocache}" GOPATH="${GOPATH:-$out/gopath}"
export GOPROXY=off GOTOOLCHAIN=local
(cd "$here" && go build -o "$out/gopeer" .)
"$out/gopeer" -workloads LoadMostlyHits,SwapMostlyMisses -threads 1,2 \
	-reps 1 -benchtime 2000x >"$out/smoke.csv"
cat "$out/smoke.csv"
# 1 header + 2 workloads x 3 maps x 2 thread counts.
awk -F, '
NR == 1 { next }
{ rows++ }
$1 == "LoadMostlyHits" && ($5 != "ok" || $7 + 0 <= 0) { bad = "LoadMostlyHits not measured: " $0 }
$1 == "SwapMostlyMisses" && $5 != "ok" && $5 != "unsupported" { bad = "bad status: " $0 }
END {
	if (rows != 12) bad = bad " rows=" rows " (want 12)"
	if (bad != "") { print "gopeer_smoke: " bad; exit 1 }
	print "gopeer_smoke: OK"
}' "$out/smoke.csv"

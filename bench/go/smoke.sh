#!/bin/sh
# ctest gopeer_smoke: build the Go peer into DIR with the toolchain
# gotool.sh picks (Go 1.23 when installed), check that the reference maps
# agree with a plain map on every operation (go test, Go 1.23+), and run
# three workloads with a tiny benchtime; exit 77 (skipped) when no Go
# toolchain is installed.
#	smoke.sh DIR
set -eu
out=${1:?usage: smoke.sh DIR}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/gotool.sh"
if ! go_pick gopeer_smoke; then
	echo "gopeer_smoke: SKIPPED: no Go toolchain (apt-get install golang-1.23-go, or golang-go)"
	exit 77
fi
echo "gopeer_smoke: $GO ($GO_VERSION)"
mkdir -p "$out"
# No network, no toolchain downloads; caches under DIR unless already set.
export GOCACHE="${GOCACHE:-$out/gocache}" GOPATH="${GOPATH:-$out/gopath}"
export GOPROXY=off GOTOOLCHAIN=local
(cd "$here" && "$GO" build -o "$out/gopeer" . && "$GO" test -count=1 .)
"$out/gopeer" -workloads LoadMostlyHits,SwapMostlyMisses,Clear -threads 1,2 \
	-reps 1 -benchtime 2000x >"$out/smoke.csv"
cat "$out/smoke.csv"
# With Go 1.23 every row must be measured; older Go marks what it lacks.
full=0
case $GO_VERSION in go1.2[3-9]* | go1.[3-9][0-9]* | go[2-9]*) full=1 ;; esac
# 1 header + 3 workloads x 3 maps x 2 thread counts.
awk -F, -v full=$full -v ver="$GO_VERSION" '
NR == 1 { next }
{ rows++ }
$8 != ver { bad = "go_version " $8 " != " ver }
$1 == "LoadMostlyHits" && ($5 != "ok" || $7 + 0 <= 0) { bad = "LoadMostlyHits not measured: " $0 }
full && ($5 != "ok" || $7 + 0 <= 0) { bad = "not measured on " ver ": " $0 }
!full && $5 != "ok" && $5 != "unsupported" { bad = "bad status: " $0 }
END {
	if (rows != 18) bad = bad " rows=" rows " (want 18)"
	if (bad != "") { print "gopeer_smoke: " bad; exit 1 }
	print "gopeer_smoke: OK"
}' "$out/smoke.csv"

#!/bin/sh
# ctest gocompare_quick: bench/compare.sh --quick against Go 1.23 and Go
# 1.24 (a real, short, interleaved run: 2 workloads, 1 rep, 1 and 2
# threads), and checks what it measured and wrote: Go 1.24 ran its
# BenchmarkMap<W> benchmarks, Go 1.23 its Benchmark<W> ones, each row says
# its release, versions.md holds every pair's medians -- the ones in Go's
# own output -- with its unit, and the core-to-core probe ran before and
# after each pair (a number where two CPUs are allowed).  Exit 77 (skipped) when Go 1.23 or Go 1.24 is
# not here.
#	quick.sh MAPBENCH SOURCE_DIR BUILD_DIR
set -u
mb=$1 src=$2 build=$3
# fail() and the harness tests' environment (MAPBENCH_INTERFERENCE_LIMIT=off).
. "$src/tests/harness/lib.sh"
GOTOOL_ROOT=$src
. "$src/bench/go/gotool.sh"
for v in 1.23 1.24; do
	if ! go_pick gocompare_quick $v; then
		echo "gocompare_quick: SKIPPED: no Go $v here (Go 1.24: sh bench/go/fetch_go124.sh, or scripts/setup.sh; Go 1.23: golang-1.23-go from bookworm-backports)"
		exit 77
	fi
done
out=$build/bench/gocompare-quick
rm -rf "$out"
mkdir -p "$out"
export GOCACHE="${GOCACHE:-$build/bench/gocache}" GOPROXY=off GOTOOLCHAIN=local
sh "$src/bench/compare.sh" --quick --go 1.23,1.24 --threads 1,2 --out "$out/r" \
	--plots "$out/p" --mapbench "$mb" --build "$build" >"$out/log" 2>&1
rc=$?
[ "$rc" -eq 0 ] || { cat "$out/log" >&2; echo "FAIL: compare.sh --quick: exit $rc" >&2; exit 1; }
rd=$out/r/raw/rep-1
v=$out/r/versions
for w in LoadMostlyHits SwapMostlyMisses; do
	grep -q "^BenchmarkMap$w/\*sync\.Map " "$rd/go-1.24-$w.txt" ||
		fail "Go 1.24 did not run BenchmarkMap$w/*sync.Map"
	grep -q "^Benchmark$w/\*sync\.Map " "$rd/go-1.23-$w.txt" ||
		fail "Go 1.23 did not run Benchmark$w/*sync.Map"
	awk -F, 'NR > 1 && $2 == "sync.Map" && $5 == "ok" && $8 ~ /^go1\.24\./ { ok = 1 } END { exit !ok }' \
		"$rd/gostd-1.24-$w.csv" || fail "gostd-1.24-$w.csv: no ok go1.24 sync.Map row"
	awk -F, 'NR > 1 && $2 == "sync.Map" && $5 == "ok" && $8 ~ /^go1\.23\./ { ok = 1 } END { exit !ok }' \
		"$rd/gopeer-$w.csv" || fail "gopeer-$w.csv: no ok go1.23 sync.Map row"
	# versions.md's Go cells are Go's own ns/op (one rep: the median)
	for gv in 1.23 1.24; do
		ns=$(awk -v w="$w" '$1 ~ ("^Benchmark(Map)?" w "/\\*sync\\.Map$") && $4 == "ns/op" { printf "%.4g", $3 }' "$rd/go-$gv-$w.txt")
		[ -n "$ns" ] || { fail "no ns/op for $w in go-$gv-$w.txt"; continue; }
		col=3
		[ "$gv" = 1.23 ] || col=7
		got=$(awk -F' [|] ' -v w="$w" -v c=$col '$1 == "| " w && $2 == 1 { print $c; exit }' "$v/versions.md")
		[ "$got" = "$ns" ] || fail "versions.md: Go $gv $w: '$got', Go printed $ns"
	done
done
for p in go1.23-vs-syncmap go1.24-vs-hashtrie go1.23-vs-go1.24 syncmap-vs-hashtrie; do
	[ -s "$v/$p.csv" ] || fail "missing $v/$p.csv"
	# one repetition: one pair per cell, which no sign test can call
	awk -F, -v p="$p" '$1 == p && $4 == 1 && $10 == 1 { n++ } END { exit n != 4 }' "$v/paired.csv" ||
		fail "paired.csv: want 4 cells of $p with one pair and p = 1"
done
grep -q '^Unit: \*\*ns/op\*\* = wall-clock ns per loop iteration' "$v/versions.md" ||
	fail "versions.md does not state its unit"
# every table row has a number in each ns/op cell
grep '^| [A-Z]' "$v/versions.md" | grep -q '| — |' && fail "versions.md: a cell not measured: $(grep '| — |' "$v/versions.md" | head -1)"
[ "$(grep -c '^| [A-Z]' "$v/versions.md")" -eq 8 ] || fail "versions.md: want 8 rows (2 workloads x 2 threads x 2 tables)"
# the core-to-core probe, before and after each pair
for w in LoadMostlyHits SwapMostlyMisses; do
	[ "$(awk '$1 == "before" || $1 == "after" { n++ } END { print n + 0 }' "$rd/c2c-$w.txt" 2>/dev/null)" -eq 2 ] ||
		fail "c2c-$w.txt: want a before and an after probe"
done
grep -q '^## Placement' "$v/versions.md" || fail "versions.md: no Placement section"
if [ "$(nproc)" -ge 2 ]; then
	awk '($1 == "before" || $1 == "after") && $2 !~ /^[0-9.]+$/ { bad = 1 } END { exit bad }' "$rd"/c2c-*.txt ||
		fail "c2c: a probe gave no number on two CPUs: $(cat "$rd"/c2c-*.txt | tr '\n' ' ')"
	grep -q '^Core-to-core probe of the two CPUs' "$v/versions.md" ||
		fail "versions.md: no core-to-core figures"
fi
[ "$fails" -eq 0 ] || { cat "$out/log" >&2; exit 1; }
echo "gocompare_quick: OK"

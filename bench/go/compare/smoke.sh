#!/bin/sh
# ctest gocompare_smoke: bench/compare.sh --from the committed Go-vs-C
# measurements (results/go-vs-c: no benchmark is run), so the whole
# pipeline -- Go reshaping, mapbench compare's statistics, markdown, plots
# -- is exercised; plus the Go tool's unit test.  Exit 77 (skipped) when
# no Go toolchain is installed.
#	smoke.sh MAPBENCH SOURCE_DIR BUILD_DIR
set -u
mb=$1 src=$2 build=$3
# fail() and the harness tests' environment (MAPBENCH_INTERFERENCE_LIMIT=off).
. "$src/tests/harness/lib.sh"
if ! command -v go >/dev/null 2>&1; then
	echo "gocompare_smoke: SKIPPED: no go on PATH (apt-get install golang-go)"
	exit 77
fi
out=$build/bench/gocompare-smoke
rm -rf "$out"
mkdir -p "$out"
export GOCACHE="${GOCACHE:-$build/bench/gocache}" GOPROXY=off GOTOOLCHAIN=local
(cd "$src/bench/go" && go test ./compare) || fail "go test ./compare"
sh "$src/bench/compare.sh" --from "$src/results/go-vs-c" --out "$out/r" \
	--plots "$out/p" --mapbench "$mb" --build "$build" ||
	fail "compare.sh --from: exit $?"
md=$out/r/comparison.md
for f in "$md" "$out/r/comparison.csv" "$out/r/comparison.txt" \
	"$out/p/go-vs-c.svg" "$out/p/syncmap-ratio.svg" "$out/p/ratios.svg" \
	"$out/p/index.html"; do
	[ -s "$f" ] || fail "missing $f"
done
nwl=$(awk -F, 'NR > 1 { print $2 }' "$out/r/sweep/results.csv" | sort -u | wc -l)
nt=$(grep -c '^## [0-9]* thread(s)' "$md")
[ "$nt" -ge 1 ] || fail "no per-thread tables"
rows=$(grep -c '^| [A-Z][A-Za-z]* |' "$md")
[ "$rows" -ge $((nwl * nt)) ] || fail "$rows table rows, want >= $nwl x $nt"
# every ratio cell is marked significant (*) or not (~)
sed '/^## syncmap counters/,$d' "$md" | grep '^| [A-Z]' | awk -F'|' '
	NF > 8 { for (i = NF - 4; i < NF; i++) if ($i !~ /^ *$/ && $i !~ /^ [0-9.]+[*~] $/) { print "bad ratio cell: " $i; exit 1 } }' ||
	fail "unmarked ratio cells"
# the markdown's syncmap ratio is mapbench compare's
want=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$h["workload"] == "LoadMostlyHits" && $h["threads"] == 1 && $h["name"] == "syncmap" { printf "%.2f", $h["ratio"] }' "$out/r/comparison.csv")
grep -q "^| LoadMostlyHits |.* | $want[*~] |" "$md" ||
	fail "md ratio is not compare's ($want)"
[ "$fails" -eq 0 ] || exit 1
echo "gocompare_smoke: OK"

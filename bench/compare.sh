#!/bin/sh
# Go vs C on Go's sync.Map benchmark workloads, on this machine, in one go:
# gbench (C maps, Google Benchmark) and gopeer (Go's sync.Map and the
# RWMutexMap / DeepCopyMap reference maps) with the same workloads, thread
# counts and repetitions, then a table and plots.
#
#	bench/compare.sh [--reps N] [--threads 1,2,4] [--workloads A,B]
#	                 [--min-time SECONDS] [--benchtime GO_BENCHTIME]
#	                 [--build DIR] [--out DIR] [--plots DIR]
#
# Writes OUT (default results/go-vs-c): gbench.json, gopeer.csv,
# comparison.csv, comparison.md, meta.json, plot/*.dat; and PLOTS (default
# plots/go-vs-c): go-vs-c.{svg,png}, syncmap-ratio.{svg,png}.
set -eu

reps=5 threads=1,2,4 workloads= min_time=0.5 benchtime=1s
build=build out=results/go-vs-c plots=plots/go-vs-c

usage() {
	sed -n '2,14s/^# \{0,1\}//p' "$0" >&2
	exit 2
}
need_arg() { [ $# -ge 2 ] || { echo "compare: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
	case $1 in
	--reps) need_arg "$@"; reps=$2; shift 2 ;;
	--threads) need_arg "$@"; threads=$2; shift 2 ;;
	--workloads) need_arg "$@"; workloads=$2; shift 2 ;;
	--min-time) need_arg "$@"; min_time=$2; shift 2 ;;
	--benchtime) need_arg "$@"; benchtime=$2; shift 2 ;;
	--build) need_arg "$@"; build=$2; shift 2 ;;
	--out) need_arg "$@"; out=$2; shift 2 ;;
	--plots) need_arg "$@"; plots=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "compare: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done
# Every argument is checked before anything is built, run or written:
# one line, exit 2.  Only string tests here: no `[ -ge ]` on user text.
die() { echo "compare: $*" >&2; exit 2; }
# a decimal count from 1 to 999999, no sign, no leading zero
is_count() {
	case $1 in '' | *[!0-9]* | 0*) return 1 ;; esac
	[ ${#1} -le 6 ]
}
# a positive decimal number: digits, at most one '.', not all zeros
is_positive() {
	case $1 in '' | *[!0-9.]* | .* | *. | *.*.*) return 1 ;; esac
	case $1 in *[1-9]*) return 0 ;; esac
	return 1
}
# no quote or control character: the path is given to gnuplot below
is_plain_path() {
	[ -n "$1" ] || return 1
	case $1 in *\'* | *[[:cntrl:]]*) return 1 ;; esac
}
is_count "$reps" || die "--reps takes a count from 1 (got '$reps')"
case $threads in
'' | ,* | *, | *,,* | *[!0-9,]*) die "--threads takes counts like 1,2,4 (got '$threads')" ;;
esac
for t in $(echo "$threads" | tr , ' '); do
	is_count "$t" || die "--threads: '$t' is not a thread count from 1"
done
case $benchtime in
*x) is_count "${benchtime%x}" || die "--benchtime: '$benchtime': want Go's form, e.g. 1s, 500ms or 1000x" ;;
*ns | *us | *ms) is_positive "${benchtime%??}" || die "--benchtime: '$benchtime': want Go's form, e.g. 1s, 500ms or 1000x" ;;
*s | *m | *h) is_positive "${benchtime%?}" || die "--benchtime: '$benchtime': want Go's form, e.g. 1s, 500ms or 1000x" ;;
*) die "--benchtime: '$benchtime': want Go's form, e.g. 1s, 500ms or 1000x" ;;
esac
is_positive "$min_time" || die "--min-time takes seconds > 0, e.g. 0.5 (got '$min_time')"
# Go's sync.Map benchmark workloads (map_bench_test.go), as in
# harness/workloads.c and bench/go.
known=" LoadMostlyHits LoadMostlyMisses LoadOrStoreBalanced LoadOrStoreUnique
 LoadOrStoreCollision LoadAndDeleteBalanced LoadAndDeleteUnique
 LoadAndDeleteCollision Range AdversarialAlloc AdversarialDelete
 DeleteCollision SwapCollision SwapMostlyHits SwapMostlyMisses
 CompareAndSwapCollision CompareAndSwapNoExistingKey
 CompareAndSwapValueNotEqual CompareAndSwapMostlyHits
 CompareAndSwapMostlyMisses CompareAndDeleteCollision
 CompareAndDeleteMostlyHits CompareAndDeleteMostlyMisses Clear "
if [ -n "$workloads" ]; then
	case $workloads in
	,* | *, | *,,* | *[!A-Za-z,]*) die "--workloads takes names like LoadMostlyHits,Range (got '$workloads')" ;;
	esac
	for w in $(echo "$workloads" | tr , ' '); do
		case $known in
		*" $w "* | *" $w
"*) ;;
		*) die "--workloads: unknown workload '$w'" ;;
		esac
	done
fi
is_plain_path "$build" || die "--build: the path is empty or holds a quote or control character"
is_plain_path "$out" || die "--out: the path is empty or holds a quote or control character"
is_plain_path "$plots" || die "--plots: the path is empty or holds a quote or control character"

cd "$(dirname "$0")/.."
root=$(pwd)
# Below, the build directory is used as "$root/$build" as well as
# "$build": an absolute one is made relative to the root, so both name
# the same place (and the Go binaries run are the ones just built).
case $build in /*) build=$(realpath -m --relative-to="$root" "$build") ;; esac
for tool in go:golang-go gnuplot:gnuplot-nox cmake:cmake; do
	if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
		echo "compare: ${tool%%:*} not found: apt-get install ${tool#*:}" >&2
		exit 2
	fi
done

mkdir -p "$out" "$plots"
out=$(cd "$out" && pwd) plots=$(cd "$plots" && pwd)
cmdline="bench/compare.sh --reps $reps --threads $threads --min-time $min_time --benchtime $benchtime${workloads:+ --workloads $workloads}"

echo "compare: building gbench in $build" >&2
[ -f "$build/CMakeCache.txt" ] ||
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target gbench -j"$(nproc)" >/dev/null

gocache=$root/$build/bench/gocache
mkdir -p "$gocache"
export GOCACHE="${GOCACHE:-$gocache}" GOPROXY=off GOTOOLCHAIN=local
echo "compare: building the Go peer with $(go version)" >&2
(cd bench/go && go build -o "$root/$build/bench/gopeer" . &&
	go build -o "$root/$build/bench/gocompare" ./compare)

filter=.
if [ -n "$workloads" ]; then
	filter="^BM_($(echo "$workloads" | tr , '|'))/"
fi
echo "compare: C side: gbench, $reps reps, threads $threads" >&2
"$build/bench/gbench" --threads="$threads" --benchmark_filter="$filter" \
	--benchmark_repetitions="$reps" --benchmark_min_time="$min_time" \
	--benchmark_out="$out/gbench.json" --benchmark_out_format=json \
	>"$out/gbench.txt"
echo "compare: Go side: gopeer, $reps reps, GOMAXPROCS $threads" >&2
"$build/bench/gopeer" -threads "$threads" -reps "$reps" \
	-benchtime "$benchtime" -workloads "${workloads:-all}" \
	>"$out/gopeer.csv"

"$build/bench/gocompare" -gbench "$out/gbench.json" -gopeer "$out/gopeer.csv" \
	-out "$out" -cmd "$cmdline"
gnuplot -e "datadir='$out/plot'; outdir='$plots'" plots/go-vs-c.gp
echo "compare: wrote $out/comparison.md, $out/comparison.csv, $plots/*.svg, *.png" >&2

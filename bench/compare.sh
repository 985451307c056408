#!/bin/sh
# Go vs C on Go's sync.Map benchmark workloads, on this machine, in one go:
# gbench (C maps, Google Benchmark) and gopeer (Go's sync.Map and the
# RWMutexMap / DeepCopyMap reference maps) with the same workloads, thread
# counts and repetitions, then a table and plots.  The statistics are
# `mapbench compare`'s (harness/stats.c): the two sides become one
# sweep-like directory OUT/sweep with an impl per map, compared with
# --impl go:sync.Map,... --metric ns_per_op.
#
#	bench/compare.sh [--reps N] [--threads 1,2,4] [--workloads A,B]
#	                 [--min-time SECONDS] [--benchtime GO_BENCHTIME]
#	                 [--build DIR] [--out DIR] [--plots DIR]
#	                 [--from DIR] [--mapbench PATH]
#
# --from DIR reuses DIR/gbench.json and DIR/gopeer.csv (no measuring):
# tables and plots again from an earlier run.
# Writes OUT (default results/go-vs-c): gbench.json, gopeer.csv, sweep/,
# comparison.{txt,csv,md}, counters/*.csv, meta.json, plot/*.dat; and
# PLOTS (default plots/go-vs-c): go-vs-c.{svg,png}, syncmap-ratio.{svg,png},
# ratios.svg and index.html (mapbench compare --plot/--html).
set -eu

reps=5 threads=1,2,4 workloads= min_time=0.5 benchtime=1s
build=build out=results/go-vs-c plots=plots/go-vs-c from= mapbench=
goref=go:sync.Map

usage() {
	sed -n '2,22s/^# \{0,1\}//p' "$0" >&2
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
	--from) need_arg "$@"; from=$2; shift 2 ;;
	--mapbench) need_arg "$@"; mapbench=$2; shift 2 ;;
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

if [ -n "$from" ] &&
	{ [ ! -f "$from/gbench.json" ] || [ ! -f "$from/gopeer.csv" ]; }; then
	echo "compare: --from $from: needs gbench.json and gopeer.csv there" >&2
	exit 2
fi
[ -z "$from" ] || from=$(cd "$from" && pwd)
[ -z "$mapbench" ] || mapbench=$(cd "$(dirname "$mapbench")" && pwd)/$(basename "$mapbench")

cd "$(dirname "$0")/.."
root=$(pwd)
case $build in /*) ;; *) build=$root/$build ;; esac
for tool in gnuplot:gnuplot-nox cmake:cmake; do
	if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
		echo "compare: ${tool%%:*} not found: apt-get install ${tool#*:}" >&2
		exit 2
	fi
done

. bench/go/gotool.sh
go_pick compare || {
	echo "compare: no Go toolchain: apt-get install -t bookworm-backports golang-1.23-go (scripts/setup.sh, as root)" >&2
	exit 2
}

mkdir -p "$out" "$plots"
out=$(cd "$out" && pwd) plots=$(cd "$plots" && pwd)
cmdline="bench/compare.sh --reps $reps --threads $threads --min-time $min_time --benchtime $benchtime${workloads:+ --workloads $workloads}"

if [ -z "$from" ] || [ -z "$mapbench" ]; then
	echo "compare: building gbench and mapbench in $build" >&2
	[ -f "$build/CMakeCache.txt" ] ||
		cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" --target gbench mapbench -j"$(nproc)" >/dev/null
fi
mapbench=${mapbench:-$build/harness/mapbench}

gocache=$build/bench/gocache
mkdir -p "$gocache" "$build/bench"
export GOCACHE="${GOCACHE:-$gocache}" GOPROXY=off GOTOOLCHAIN=local
echo "compare: building the Go peer with $GO ($GO_VERSION)" >&2
(cd bench/go && "$GO" build -o "$build/bench/gopeer" . &&
	"$GO" build -o "$build/bench/gocompare" ./compare)

if [ -n "$from" ]; then
	cmdline=$(sed -n 's/^ *"command": "\(.*\)",$/\1/p' "$from/meta.json" 2>/dev/null || true)
	cmdline=${cmdline:-bench/compare.sh --from $from}
	[ "$from" = "$out" ] || cp "$from/gbench.json" "$from/gopeer.csv" "$out/"
	[ ! -f "$from/gbench.txt" ] || [ "$from" = "$out" ] ||
		cp "$from/gbench.txt" "$out/"
else
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
fi

# One sweep-like directory, then mapbench compare's statistics.
impls=$("$build/bench/gocompare" -tosweep -gbench "$out/gbench.json" \
	-gopeer "$out/gopeer.csv" -out "$out" -cmd "$cmdline")
"$mapbench" compare --impl "$impls" --metric ns_per_op "$out/sweep" \
	>"$out/comparison.txt"
"$mapbench" compare --impl "$impls" --metric ns_per_op --format csv \
	"$out/sweep" >"$out/comparison.csv"
mkdir -p "$out/counters"
for cn in promotions dirty_rebuilds entries_copied misses locked_ops map_ops; do
	"$mapbench" compare --impl "$goref,syncmap" --metric "${cn}_per_op" \
		--format csv "$out/sweep" >"$out/counters/$cn.csv"
done
"$build/bench/gocompare" -report -out "$out" -cmd "$cmdline"
gnuplot -e "datadir='$out/plot'; outdir='$plots'" plots/go-vs-c.gp
"$mapbench" compare --impl "$impls" --metric ns_per_op \
	--plot "$plots/ratios.svg" --html "$plots/index.html" "$out/sweep" >/dev/null
echo "compare: wrote $out/comparison.{md,txt,csv}, $plots/*.svg, *.png, index.html" >&2

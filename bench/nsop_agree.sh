#!/bin/sh
# Does "ns/op" mean the same in every tool of this project (issue 20)?
# Runs, interleaved at 1 thread, Go's LoadMostlyHits and SwapMostlyMisses
# workloads in:
#	gbench          syncmap (Google Benchmark: wall ns / iterations)
#	mapbench run    syncmap (--workload W: ns_per_op = wall_ns_per_iter)
#	gopeer          Go's sync.Map (bench/go, testing.Benchmark)
#	go test sync    Go's sync.Map (Go's own Benchmark<W>)
# and prints each tool's median ns/op (wall-clock ns per loop iteration of
# all threads together, Go's ns/op) with the ratios of the tools that run
# the same map: mapbench / gbench on syncmap, gopeer / go test on Go's
# sync.Map.  The Go peer runs Go's own sync.Map, not the C maps (bench/go
# has no cgo bridge), so its agreement is checked against Go's own
# benchmark of that map; C against Go is shown for context, not checked.
# gbench and mapbench also give CPU ns per iteration, which a loaded
# machine disturbs less than wall time, but over different scopes: the
# timing thread's CPU time in gbench, the whole process's in mapbench
# (with liburcu's call_rcu thread, which frees what syncmap retires: on
# SwapMostlyMisses that is most of the difference).  Not checked.
# Every tool's whole process runs on one CPU, the first this script may
# use (taskset), so a map's helper threads (liburcu's call_rcu thread, Go's
# collector) share the benchmark's CPU in every tool and ns/op includes
# the work they do for it.  Pinning only the benchmark thread was not
# enough: gbench's call_rcu thread, started by its pinned thread, inherited
# that CPU, while mapbench's, started by its unpinned main thread, ran on
# the other (quiet: SwapMostlyMisses mapbench/gbench 0.717, wall 232.8 vs
# 324.8 ns with mapbench's process CPU 303.9 ns per iteration).  On a
# virtual machine one vCPU can run the same
# loop ~1.4x slower than the other (measured here, loaded: LoadMostlyHits
# 6.0-7.4 thread-CPU ns per iteration on CPU 0, 4.1-4.6 on CPU 1, both
# tools alike), so an unpinned tool's ns/op is a draw of where the
# kernel put it.  Both sides run the same 75.3 instructions per iteration
# (callgrind); gbench's quiet reference runs show the draw's two modes,
# 4.0 and 5.3-5.6 ns with CPU time equal to wall time.
#
#	bench/nsop_agree.sh [--reps N] [--duration SECONDS] [--build DIR]
#	                    [--tolerance PCT]
#
# Defaults: 5 repetitions of 1 second per tool and workload, build/, 15%.
# The order of the tools rotates with each repetition.  Exit 0 when every
# checked ratio of medians is within +-PCT% of 1, 1 when one is not, 2 on
# bad input.  Go's side is left out, with a note, when Go 1.23 is not here.
set -eu
reps=5 duration=1 build=build tol=15
die() { echo "nsop_agree: $*" >&2; exit 2; }
need_arg() { [ $# -ge 2 ] || die "$1 needs a value"; }
while [ $# -gt 0 ]; do
	case $1 in
	--reps) need_arg "$@"; reps=$2; shift 2 ;;
	--duration) need_arg "$@"; duration=$2; shift 2 ;;
	--build) need_arg "$@"; build=$2; shift 2 ;;
	--tolerance) need_arg "$@"; tol=$2; shift 2 ;;
	-h | --help) sed -n '2,35s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
	*) die "unknown option '$1' (see --help)" ;;
	esac
done
case $reps in '' | *[!0-9]* | 0*) die "--reps takes a count from 1 to 999 (got '$reps')" ;; esac
[ ${#reps} -le 3 ] || die "--reps takes a count from 1 to 999 (got '$reps')"
case $duration in
'' | *[!0-9.]* | .* | *. | *.*.*) die "--duration takes seconds > 0, e.g. 1 or 0.5 (got '$duration')" ;;
*[1-9]*) ;;
*) die "--duration takes seconds > 0, e.g. 1 or 0.5 (got '$duration')" ;;
esac
case $tol in '' | *[!0-9]* | 0*) die "--tolerance takes a whole percent from 1 to 99 (got '$tol')" ;; esac
[ ${#tol} -le 2 ] || die "--tolerance takes a whole percent from 1 to 99 (got '$tol')"
[ -n "$build" ] || die "--build: empty path"

cd "$(dirname "$0")/.."
root=$(pwd)
case $build in /*) ;; *) build=$root/$build ;; esac
echo "nsop_agree: building gbench and mapbench in $build" >&2
[ -f "$build/CMakeCache.txt" ] ||
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target gbench mapbench -j2 >/dev/null
GOTOOL_ROOT=$root
. bench/go/gotool.sh
have_go=0
if go_pick nsop_agree 1.23; then
	export GOCACHE="${GOCACHE:-$build/bench/gocache}" GOPROXY=off GOTOOLCHAIN=local
	echo "nsop_agree: building gopeer and Go's sync benchmarks with $GO ($GO_VERSION)" >&2
	(cd bench/go && "$GO" build -o "$build/bench/gopeer" .)
	"$GO" test -c -o "$build/bench/sync-go1.23.test" sync
	have_go=1
else
	echo "nsop_agree: note: no Go 1.23 here: gopeer and go test sync left out" >&2
fi

# The first CPU this process may use, where mapbench pins its worker.
cpu0=$(taskset -pc $$ | sed 's/.*: *//; s/[^0-9].*//')
case $cpu0 in '' | *[!0-9]*) die "cannot read this process's CPUs with taskset" ;; esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nsop_agree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
raw=$tmp/raw.csv # tool,workload,rep,wall_ns_per_iter,cpu_ns_per_iter
: >"$raw"
gb() { # W REP
	taskset -c "$cpu0" "$build/bench/gbench" --pin --threads=1 --benchmark_filter="^BM_$1/syncmap/" \
		--benchmark_min_time="$duration" --benchmark_format=json \
		2>/dev/null >"$tmp/gb.json"
	# real_time and cpu_time per iteration, ns (time_unit "ns")
	awk -v w="$1" -v r="$2" -F: '
	/"time_unit"/ && !/"ns"/ { bad = 1 }
	/"real_time"/ { gsub(/[ ,]/, "", $2); rt = $2 }
	/"cpu_time"/ { gsub(/[ ,]/, "", $2); ct = $2 }
	END { if (bad || rt == "") exit 1; printf "gbench,%s,%s,%s,%s\n", w, r, rt, ct }' \
		"$tmp/gb.json" >>"$raw"
}
mb() { # W REP
	MAPBENCH_INTERFERENCE_LIMIT=off taskset -c "$cpu0" \
		"$build/harness/mapbench" run \
		--workload "$1" --impl syncmap --threads 1 \
		--duration "${duration}s" --repeat 1 --format csv \
		2>/dev/null >"$tmp/mb.csv"
	awk -F, -v r="$2" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	{ printf "mapbench,%s,%s,%s,%.6g\n", $h["workload"], r,
		$h["wall_ns_per_iter"], $h["cpu_seconds"] * 1e9 / $h["iters"] }' \
		"$tmp/mb.csv" >>"$raw"
}
gp() { # W REP
	[ "$have_go" = 1 ] || return 0
	taskset -c "$cpu0" "$build/bench/gopeer" -workloads "$1" -maps sync.Map -threads 1 \
		-reps 1 -benchtime "${duration}s" >"$tmp/gp.csv"
	awk -F, -v r="$2" 'NR > 1 && $5 == "ok" { printf "gopeer,%s,%s,%s,\n", $1, r, $7 }' \
		"$tmp/gp.csv" >>"$raw"
}
gt() { # W REP
	[ "$have_go" = 1 ] || return 0
	taskset -c "$cpu0" "$build/bench/sync-go1.23.test" -test.run '^$' \
		-test.bench "^Benchmark$1\$/^\\*sync\\.Map\$" -test.cpu 1 \
		-test.count 1 -test.benchtime "${duration}s" >"$tmp/gt.txt"
	awk -v w="$1" -v r="$2" '$1 == "Benchmark" w "/*sync.Map" && $4 == "ns/op" { printf "gotest,%s,%s,%s,\n", w, r, $3 }' \
		"$tmp/gt.txt" >>"$raw"
}
r=1
while [ "$r" -le "$reps" ]; do
	for w in LoadMostlyHits SwapMostlyMisses; do
		case $((r % 4)) in
		1) order="gb mb gp gt" ;;
		2) order="mb gp gt gb" ;;
		3) order="gp gt gb mb" ;;
		0) order="gt gb mb gp" ;;
		esac
		echo "nsop_agree: rep $r/$reps $w ($order)" >&2
		for t in $order; do $t "$w" "$r"; done
	done
	r=$((r + 1))
done
if [ -n "${NSOP_AGREE_RAW:-}" ]; then cp "$raw" "$NSOP_AGREE_RAW"; fi

# Medians, ratios, verdict.
awk -F, -v tol="$tol" -v reps="$reps" -v dur="$duration" '
function median(tool, w, col,   n, i, j, t, a) {
	n = 0
	for (i = 1; i <= reps; i++)
		if ((tool, w, i, col) in v && v[tool, w, i, col] != "") a[++n] = v[tool, w, i, col] + 0
	if (n == 0) return ""
	for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function f(x) { return x == "" ? "-" : sprintf("%.4g", x) }
function check(name, a, b,   q) {
	if (a == "" || b == "") { printf "  %-44s -\n", name; return }
	q = a / b
	ok = q >= 1 - tol / 100 && q <= 1 + tol / 100
	if (!ok) bad++
	printf "  %-44s %.3f  %s\n", name, q, ok ? "agree" : "DISAGREE"
}
{ v[$1, $2, $3, 4] = $4; v[$1, $2, $3, 5] = $5 }
END {
	printf "ns/op = wall-clock ns per loop iteration of all threads (Go'"'"'s ns/op); 1 thread, median of %d interleaved runs of %ss each\n\n", reps, dur
	printf "%-17s %13s %13s %13s %13s %13s %13s\n", "workload", "gbench", "mapbench", "gopeer", "go test", "gbench", "mapbench"
	printf "%-17s %13s %13s %13s %13s %13s %13s\n", "", "syncmap", "syncmap", "Go sync.Map", "Go sync.Map", "thread CPU", "process CPU"
	printf "%-17s %13s %13s %13s %13s %13s %13s\n", "", "wall ns/op", "wall ns/op", "wall ns/op", "wall ns/op", "ns/iter", "ns/iter"
	split("LoadMostlyHits SwapMostlyMisses", ws, " ")
	for (k = 1; k <= 2; k++) {
		w = ws[k]
		printf "%-17s %13s %13s %13s %13s %13s %13s\n", w, f(median("gbench", w, 4)),
			f(median("mapbench", w, 4)), f(median("gopeer", w, 4)), f(median("gotest", w, 4)),
			f(median("gbench", w, 5)), f(median("mapbench", w, 5))
	}
	printf "\nratios of medians (checked: within +-%d%%)\n", tol
	for (k = 1; k <= 2; k++) {
		w = ws[k]
		print w
		check("mapbench / gbench, syncmap, wall ns/op", median("mapbench", w, 4), median("gbench", w, 4))
		check("gopeer / go test, Go sync.Map, wall ns/op", median("gopeer", w, 4), median("gotest", w, 4))
		if (median("gbench", w, 4) != "" && median("gotest", w, 4) != "")
			printf "  %-44s %.3f  (context, not checked)\n", "Go sync.Map / syncmap (go test / gbench)", median("gotest", w, 4) / median("gbench", w, 4)
	}
	exit bad > 0
}' "$raw"

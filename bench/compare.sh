#!/bin/sh
# Go vs C on Go's sync.Map benchmark workloads, on this machine, in one go:
# gbench (C maps, Google Benchmark) and Go's own benchmarks of its sync
# package (`go test sync -bench`: sync.Map and the RWMutexMap / DeepCopyMap
# reference maps), for each Go release asked for, with the same workloads,
# thread counts and repetitions, then tables and plots.  The statistics are
# `mapbench compare`'s (harness/util/stats.c): the two sides become one
# sweep-like directory OUT/sweep with an impl per map, compared with
# --impl go:sync.Map,... --metric ns_per_op.
#
#	bench/compare.sh [--go 1.23,1.24] [--reps N] [--threads 1,2,4]
#	                 [--workloads A,B] [--impls syncmap,null|all]
#	                 [--min-time SECONDS] [--benchtime GO_BENCHTIME]
#	                 [--build DIR] [--out DIR] [--plots DIR]
#	                 [--from DIR] [--mapbench PATH] [--no-pin] [--quick]
#
# --go: the Go releases to compare against, in order (default 1.23,1.24,
# those installed or fetched: bench/go/gotool.sh; Go 1.24 comes from
# bench/go/fetch_go124.sh).  The first one is "Go" in the Go-vs-C table
# (its sync.Map, RWMutexMap and DeepCopyMap); every one's sync.Map goes
# into OUT/versions (bench/go/versions.sh): syncmap vs Go 1.23's sync.Map,
# hashtrie vs Go 1.24's (the hash-trie), and old vs new in both languages
# (Go 1.23 vs 1.24, syncmap vs hashtrie).  Go's benchmarks are named
# Benchmark<Workload> up to Go 1.23 and BenchmarkMap<Workload> from 1.24;
# each release's own test binary is asked which it has.
# --quick: a test run (--reps 1 --threads 1 --workloads
# LoadMostlyHits,SwapMostlyMisses --impls syncmap,hashtrie --min-time 0.05
# --benchtime 50ms unless given): numbers too short to publish.
#
# C and Go are measured interleaved, so that drift hits both alike: for
# each rep, for each workload, one gbench run (the --impls C maps, default
# syncmap,rwlock,lfht,hashtrie,null and the library maps boostcfm, tbbhash,
# cuckoo, cdsfeldman that this build has; all: every map gbench has) and
# one run of each Go release's sync benchmark, C first on odd reps and Go
# first on even ones (the Go releases in reverse order then).
# Placement: each thread count is measured on its own CPU set, the first
# T of the CPUs this script may use (taskset), the whole process of both
# sides confined to it: gbench (with --pin: thread k on the k-th CPU) and
# Go's test binary (-test.cpu T), with their helper threads (liburcu's
# call_rcu thread, hashtrie's reclaimer, Go's collector) on the same CPUs
# as the benchmark, never on a CPU the other side does not get.  So a
# 1-thread cell runs both languages on one and the same CPU (on a guest
# whose vCPUs run at different speeds, otherwise a draw).  --no-pin runs
# every process unconfined, gbench unpinned (as before this option).
# --from DIR reuses DIR/raw/ (or an older run's DIR/gbench.json and
# DIR/gopeer.csv) without measuring: tables and plots again, e.g. after an
# interrupted run or a failed table step (compare.sh prints the command).
# Writes OUT (default results/go-vs-c): raw/rep-N/{gbench-W.json,
# gbench-W.txt,gopeer-W.csv (the first Go release), gostd-V-W.csv (the
# others), go-V-W.txt (Go's output), c2c-W.txt (the core-to-core probe
# before and after the pair)} and raw/plan.txt, sweep/, versions/,
# comparison.{txt,csv,md}, counters/*.csv, meta.json, plot/*.dat; and
# PLOTS (default plots/go-vs-c): go-vs-c.{svg,png}, syncmap-ratio.{svg,png},
# ratios.svg and index.html (mapbench compare --plot/--html).
set -eu

reps=5 threads=1,2,4 workloads= min_time=0.5 benchtime=1s
cimpls=syncmap,rwlock,lfht,hashtrie,null
# The library maps in the default list when gbench has them (a build
# without a library lacks its map: `mapbench list` says which).
libimpls="boostcfm tbbhash cuckoo cdsfeldman"
default_impls=1
build=build out=results/go-vs-c plots=plots/go-vs-c from= mapbench=
goref=go:sync.Map
go_versions= quick=0 given= pin=1

# --help: the comment above on stdout, exit 0 (1 when it cannot be written).
usage() {
	sed -n '2,54s/^# \{0,1\}//p' "$0" || exit 1
	exit 0
}
need_arg() { [ $# -ge 2 ] || { echo "compare: $1 needs a value" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
	case $1 in
	--go) need_arg "$@"; go_versions=$2; given="$given go"; shift 2 ;;
	--quick) quick=1; shift ;;
	--no-pin) pin=0; shift ;;
	--reps) need_arg "$@"; reps=$2; given="$given reps"; shift 2 ;;
	--threads) need_arg "$@"; threads=$2; given="$given threads"; shift 2 ;;
	--workloads) need_arg "$@"; workloads=$2; given="$given workloads"; shift 2 ;;
	--impls) need_arg "$@"; cimpls=$2; default_impls=0; given="$given cimpls"; shift 2 ;;
	--min-time) need_arg "$@"; min_time=$2; given="$given min_time"; shift 2 ;;
	--benchtime) need_arg "$@"; benchtime=$2; given="$given benchtime"; shift 2 ;;
	--build) need_arg "$@"; build=$2; shift 2 ;;
	--out) need_arg "$@"; out=$2; shift 2 ;;
	--plots) need_arg "$@"; plots=$2; shift 2 ;;
	--from) need_arg "$@"; from=$2; shift 2 ;;
	--mapbench) need_arg "$@"; mapbench=$2; shift 2 ;;
	-h | --help) usage ;;
	*) echo "compare: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done
if [ "$quick" = 1 ]; then
	for o in reps:1 threads:1 workloads:LoadMostlyHits,SwapMostlyMisses \
		cimpls:syncmap,hashtrie min_time:0.05 benchtime:50ms; do
		case " $given " in *" ${o%%:*} "*) continue ;; esac
		eval "${o%%:*}=\${o#*:}"
		[ "${o%%:*}" != cimpls ] || default_impls=0
	done
fi
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
	# gbench's limit, checked here before anything is built (D23)
	[ "$t" -le 1024 ] || die "--threads: '$t' is over 1024 (gbench's limit)"
done
case $benchtime in
*x) is_count "${benchtime%x}" || die "--benchtime: '$benchtime': want Go's form, e.g. 1s, 500ms or 1000x" ;;
*ns | *us | *ms) is_positive "${benchtime%??}" || die "--benchtime: '$benchtime': want Go's form, e.g. 1s, 500ms or 1000x" ;;
*s | *m | *h) is_positive "${benchtime%?}" || die "--benchtime: '$benchtime': want Go's form, e.g. 1s, 500ms or 1000x" ;;
*) die "--benchtime: '$benchtime': want Go's form, e.g. 1s, 500ms or 1000x" ;;
esac
is_positive "$min_time" || die "--min-time takes seconds > 0, e.g. 0.5 (got '$min_time')"
case " $given " in *" go "*) [ -n "$go_versions" ] || die "--go: empty; want Go releases like 1.23,1.24" ;; esac
case ${go_versions:-1.23} in
*[!0-9.,]*) die "--go: a character other than digits, '.' and ','; want Go releases like 1.23,1.24" ;;
,* | *, | *,,*) die "--go takes Go releases like 1.23,1.24 (got '$go_versions')" ;;
esac
for v in $(echo "${go_versions:-1.23}" | tr , ' '); do
	case $v in
	1.23 | 1.24) ;;
	*) die "--go: '$v' is not a Go release this script measures; want 1.23 and/or 1.24, e.g. --go 1.23,1.24" ;;
	esac
done
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
# C map names: checked for form here, against gbench's list once built
want_impls="want map names of a-z, 0-9 and _ like syncmap,null, or all"
[ ${#cimpls} -le 512 ] || die "--impls: the list is over 512 characters; $want_impls"
case $cimpls in
'') die "--impls: empty; $want_impls" ;;
*[!a-z0-9_,]*) die "--impls: a character other than a-z, 0-9, _ and ','; $want_impls" ;;
,* | *, | *,,*) die "--impls: empty item in '$cimpls'; $want_impls" ;;
esac
for m in $(echo "$cimpls" | tr , ' '); do
	[ ${#m} -le 32 ] || die "--impls: '$m' is over 32 characters; $want_impls"
done
is_plain_path "$build" || die "--build: the path is empty or holds a quote or control character"
is_plain_path "$out" || die "--out: the path is empty or holds a quote or control character"
is_plain_path "$plots" || die "--plots: the path is empty or holds a quote or control character"

# --from: an interleaved run (DIR/raw/) or an older one (DIR/gbench.json
# and DIR/gopeer.csv, every C run then every Go run)
from_raw=
if [ -n "$from" ]; then
	if [ -d "$from/raw" ]; then
		from_raw=1
	elif [ ! -f "$from/gbench.json" ] || [ ! -f "$from/gopeer.csv" ]; then
		echo "compare: --from $from: needs raw/ or gbench.json and gopeer.csv there" >&2
		exit 2
	fi
fi
[ -z "$from" ] || from=$(cd "$from" && pwd)
# A given mapbench must be there before anything runs (D23).
if [ -n "$mapbench" ] && { [ ! -f "$mapbench" ] || [ ! -x "$mapbench" ]; }; then
	die "--mapbench: '$mapbench' is not an executable file"
fi
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

GOTOOL_ROOT=$root
. bench/go/gotool.sh
go_pick compare || {
	echo "compare: no Go toolchain: apt-get install -t bookworm-backports golang-1.23-go (scripts/setup.sh, as root)" >&2
	exit 2
}
# The Go releases measured: each one's go command in GO_<1_23>.  Asked
# for by --go: each must be there; by default: those that are.
run_go_versions=
if [ -z "$from" ]; then
	for v in $(echo "${go_versions:-1.23,1.24}" | tr , ' '); do
		if go_pick compare "$v"; then
			case " $run_go_versions " in *" $v "*) continue ;; esac
			run_go_versions="$run_go_versions $v"
			eval "GO_$(echo "$v" | tr . _)=\$GO GOV_$(echo "$v" | tr . _)=\$GO_VERSION"
			echo "compare: Go $v: $GO ($GO_VERSION)" >&2
		elif [ -n "$go_versions" ]; then
			if [ "$v" = 1.24 ]; then
				die "--go 1.24: no Go 1.24 here: bench/go/fetch_go124.sh fetches Debian trixie's into build/go-1.24 (scripts/setup.sh runs it), or set MAPBENCH_GO124 to a go 1.24 command"
			fi
			die "--go 1.23: no Go 1.23 here: apt-get install -t bookworm-backports golang-1.23-go (scripts/setup.sh, as root), or set MAPBENCH_GO123"
		else
			echo "compare: note: no Go $v here; comparing without it (bench/go/fetch_go124.sh fetches Go 1.24)" >&2
		fi
	done
	[ -n "$run_go_versions" ] || die "--go: none of ${go_versions:-1.23,1.24} is installed"
	go_pick compare 2>/dev/null # GO: the peer's Go again, for the Go tools
	run_go_versions=${run_go_versions# }
fi

cmdline="bench/compare.sh --go $(echo "$run_go_versions" | tr ' ' ,) --reps $reps --threads $threads --impls $cimpls --min-time $min_time --benchtime $benchtime${workloads:+ --workloads $workloads}$( [ "$pin" = 1 ] || echo ' --no-pin')"

if [ -z "$from" ] || [ -z "$mapbench" ]; then
	echo "compare: building gbench and mapbench in $build" >&2
	[ -f "$build/CMakeCache.txt" ] ||
		cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" --target gbench mapbench -j"$(nproc)" >/dev/null
fi
given_mapbench=$mapbench
mapbench=${mapbench:-$build/harness/mapbench}

gocache=$build/bench/gocache
mkdir -p "$gocache" "$build/bench"
export GOCACHE="${GOCACHE:-$gocache}" GOPROXY=off GOTOOLCHAIN=local
echo "compare: building the Go tools with $GO ($GO_VERSION)" >&2
(cd bench/go && "$GO" build -o "$build/bench/gocompare" ./compare)
# Each Go release's own sync test binary, and its benchmarks' prefix.
for v in $run_go_versions; do
	eval "gocmd=\$GO_$(echo "$v" | tr . _)"
	echo "compare: building Go $v's sync benchmarks ($gocmd test -c sync)" >&2
	"$gocmd" test -c -o "$build/bench/sync-go$v.test" sync
	if "$build/bench/sync-go$v.test" -test.list '^BenchmarkMapLoadMostlyHits$' |
		grep -q '^BenchmarkMapLoadMostlyHits$'; then
		eval "PFX_$(echo "$v" | tr . _)=BenchmarkMap"
	elif "$build/bench/sync-go$v.test" -test.list '^BenchmarkLoadMostlyHits$' |
		grep -q '^BenchmarkLoadMostlyHits$'; then
		eval "PFX_$(echo "$v" | tr . _)=Benchmark"
	else
		echo "compare: Go $v's sync package has neither BenchmarkMapLoadMostlyHits nor BenchmarkLoadMostlyHits" >&2
		exit 1
	fi
done

# The C maps: each a map gbench has, duplicates dropped, registry order
# for all.  Checked before anything is measured or written.
run_impls=
if [ -z "$from" ]; then
	gb_impls=$("$build/bench/gbench" --threads=1 --benchmark_list_tests |
		sed -n 's|^BM_[A-Za-z]*/\([a-z0-9_]*\)/.*|\1|p' | awk '!seen[$0]++' |
		tr '\n' ' ')
	[ -n "$gb_impls" ] || die "--impls: $build/bench/gbench lists no benchmarks"
	[ "$cimpls" != all ] || cimpls=$(echo $gb_impls | tr ' ' ,)
	if [ "$default_impls" = 1 ]; then
		for m in $libimpls; do
			case " $gb_impls" in
			*" $m "*) cimpls=$cimpls,$m ;;
			esac
		done
		cmdline=$(printf '%s\n' "$cmdline" |
			sed "s|--impls [^ ]*|--impls $cimpls|")
	fi
	for m in $(echo "$cimpls" | tr , ' '); do
		case " $gb_impls" in
		*" $m "*) ;;
		*) die "--impls: unknown map '$m'; gbench has: ${gb_impls% }" ;;
		esac
		case ",$run_impls," in
		*",$m,"*) ;;
		*) run_impls=${run_impls:+$run_impls,}$m ;;
		esac
	done
fi

mkdir -p "$out" "$plots"
out=$(cd "$out" && pwd) plots=$(cd "$plots" && pwd)

# If measuring is stopped or a later step fails, say how to get the
# tables from what was measured, without measuring again.
phase=
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
on_exit() {
	[ "$1" -ne 0 ] && [ -n "$phase" ] || return 0
	redo="$(sq "$root/bench/compare.sh") --from $(sq "$out") --out $(sq "$out") --plots $(sq "$plots") --build $(sq "$build")"
	[ -z "$given_mapbench" ] || redo="$redo --mapbench $(sq "$given_mapbench")"
	if [ "$phase" = measure ]; then
		rm -f "$out"/raw/rep-*/.*.tmp
		echo "compare: stopped while measuring (exit $1); what was measured is in $out/raw; tables from it (incomplete reps are reported):" >&2
	else
		echo "compare: tables or plots failed (exit $1); the measurements are kept in $out/raw; redo the tables and plots without measuring:" >&2
	fi
	echo "  $redo" >&2
}
trap 'rc=$?; trap - EXIT; on_exit "$rc"; exit "$rc"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The CPU sets: with pinning, thread count T runs on the first T CPUs of
# this script's own (all of them when T is larger: oversubscribed); one
# group "T:CPULIST" per thread count.  Without, one group "THREADS:" for
# every thread count at once, unconfined.
cpus_of() { # the CPUs this process may use, one per line
	taskset -pc $$ | sed 's/.*: *//' | tr , '\n' | while IFS=- read -r a b; do
		case $a$b in '' | *[!0-9]*) exit 1 ;; esac
		seq "$a" "${b:-$a}"
	done
}
if [ "$pin" = 1 ] && [ -z "$from" ]; then
	allowed=$(cpus_of) && [ -n "$allowed" ] ||
		die "cannot read this process's CPUs with taskset (--no-pin runs unconfined)"
	groups=
	for t in $(echo "$threads" | tr , ' '); do
		groups="$groups $t:$(echo "$allowed" | head -n "$t" | paste -sd, -)"
	done
else
	groups="$threads:"
fi
# CPULIST COMMAND...: COMMAND confined to CPULIST, or unconfined
on_cpus() {
	c=$1
	shift
	if [ -n "$c" ]; then taskset -c "$c" "$@"; else "$@"; fi
}
# The core-to-core probe (docs/PRECISION.md): on a guest the host decides
# where the vCPUs run, and 2-thread cells move with it.  Before and after
# each workload's pair of runs, `mapbench run` of the null map on the first
# two CPUs of the first group that has two (20 ms, 2 pinned threads) gives
# c2c_ns, the ns per one-way cache-line transfer between them: NA when no
# group has two CPUs or with --no-pin (threads float: nothing to probe).
c2c_cpus=
for g in $groups; do
	case ${g#*:} in *,*) c2c_cpus=$(echo "${g#*:}" | cut -d, -f1,2); break ;; esac
done
probe_c2c() { # -> ns on stdout, or NA
	[ -n "$c2c_cpus" ] || { echo NA; return 0; }
	taskset -c "$c2c_cpus" "$mapbench" run --impl null --threads 2 \
		--keys 1000 --read 100 --duration 20ms --repeat 1 --no-isolate \
		--interference-limit off --format csv 2>/dev/null | awk -F, '
	NR == 1 { n = NF; for (i = 1; i <= NF; i++) h[$i] = i; next }
	NR == 2 && NF == n && ("c2c_ns" in h) { v = $h["c2c_ns"] }
	END { print (v ~ /^[0-9.]+$/ ? v : "NA") }' || echo NA
}
# Each file is written under a temporary name and renamed when complete.
# gbench's console output (its context on stderr too) goes to the .txt;
# one gbench run per CPU group, their JSON reports merged into one.
run_c() { # REPDIR WORKLOAD
	d=$1 w=$2
	shift 2 # "$@": the reports of the CPU groups, merged below
	: >"$d/.gbench-$w.txt.tmp"
	for g in $groups; do
		gt=${g%%:*} gc=${g#*:}
		if ! on_cpus "$gc" "$build/bench/gbench" --threads="$gt" \
			${gc:+--pin} \
			--benchmark_filter="^BM_$w/($(echo "$run_impls" | tr , '|'))/" \
			--benchmark_repetitions=1 --benchmark_min_time="$min_time" \
			--benchmark_out="$d/.gbench-$w.$gt.json.tmp" --benchmark_out_format=json \
			>>"$d/.gbench-$w.txt.tmp" 2>&1; then
			cat "$d/.gbench-$w.txt.tmp" >&2
			echo "compare: gbench failed on $w" >&2
			exit 1
		fi
		set -- "$@" "$d/.gbench-$w.$gt.json.tmp"
	done
	"$build/bench/gocompare" -merge "$d/.gbench-$w.json.tmp" "$@"
	rm -f "$@"
	mv "$d/.gbench-$w.txt.tmp" "$d/gbench-$w.txt"
	mv "$d/.gbench-$w.json.tmp" "$d/gbench-$w.json"
}
# One Go release's `go test sync -bench` of one workload, its output kept
# (go-V-W.txt) and turned into gopeer's CSV: the first release's three
# maps as gopeer-W.csv (the Go-vs-C table's), the others' sync.Map as
# gostd-V-W.csv.  ns/op is Go's: wall ns over all goroutines' iterations.
run_go_v() { # REPDIR WORKLOAD VERSION
	vv=$(echo "$3" | tr . _)
	eval "pfx=\$PFX_$vv"
	if [ "$3" = "${run_go_versions%% *}" ]; then
		csv=gopeer-$2.csv
		subs='^\*sync(_test)?\.(Map|RWMutexMap|DeepCopyMap)$'
	else
		csv=gostd-$3-$2.csv
		subs='^\*sync\.Map$'
	fi
	: >"$1/.go-$3-$2.txt.tmp"
	for g in $groups; do
		if ! on_cpus "${g#*:}" "$build/bench/sync-go$3.test" -test.run '^$' \
			-test.bench "^$pfx$2\$/$subs" -test.cpu "${g%%:*}" \
			-test.count 1 -test.benchtime "$benchtime" \
			>>"$1/.go-$3-$2.txt.tmp" 2>&1; then
			cat "$1/.go-$3-$2.txt.tmp" >&2
			echo "compare: Go $3's sync benchmark failed on $2" >&2
			exit 1
		fi
	done
	mv "$1/.go-$3-$2.txt.tmp" "$1/go-$3-$2.txt"
	eval "gv=\$GOV_$vv"
	# A map Go skips (DeepCopyMap on its quadratic workloads) has no
	# line: a "skipped" row, as gopeer wrote.
	awk -v w="$2" -v pfx="$pfx" -v gv="$gv" -v threads="$threads" \
		-v maps="$(case $csv in gopeer-*) echo sync.Map,RWMutexMap,DeepCopyMap ;; *) echo sync.Map ;; esac)" '
	BEGIN { print "workload,map,threads,rep,status,iterations,ns_per_op,go_version,note" }
	$1 ~ ("^" pfx w "/") && $4 == "ns/op" {
		split($1, part, "/"); m = part[2]; t = 1
		if (match(m, /-[0-9]+$/)) { t = substr(m, RSTART + 1); m = substr(m, 1, RSTART - 1) }
		sub(/^\*sync_test\./, "", m)
		sub(/^\*/, "", m)
		printf "%s,%s,%d,0,ok,%d,%s,%s,\"\"\n", w, m, t, $2, $3, gv
		seen[m, t + 0] = 1
		ok++
	}
	END {
		if (!ok) exit 1
		nm = split(maps, ms, ","); nt = split(threads, ts, ",")
		for (i = 1; i <= nm; i++)
			for (j = 1; j <= nt; j++)
				if (!((ms[i], ts[j] + 0) in seen))
					printf "%s,%s,%d,0,skipped,0,,%s,\"not run by Go'"'"'s benchmark (DeepCopyMap is quadratic there)\"\n", w, ms[i], ts[j], gv
	}' "$1/go-$3-$2.txt" >"$1/.$csv.tmp" || {
		cat "$1/go-$3-$2.txt" >&2
		echo "compare: no ns/op in Go $3's output for $2 (above)" >&2
		exit 1
	}
	mv "$1/.$csv.tmp" "$1/$csv"
}
run_go() { # REPDIR WORKLOAD [reverse]
	vs=$run_go_versions
	[ -z "${3:-}" ] || vs=$(echo "$vs" | tr ' ' '\n' | sed -n '1!G;h;$p')
	for v in $vs; do
		run_go_v "$1" "$2" "$v"
	done
}

if [ -n "$from" ]; then
	cmdline=$(sed -n 's/^ *"command": "\(.*\)",$/\1/p' "$from/meta.json" 2>/dev/null || true)
	[ -n "$cmdline" ] || [ -z "$from_raw" ] ||
		cmdline=$(sed -n 's/^command //p' "$from/raw/plan.txt" 2>/dev/null || true)
	cmdline=${cmdline:-bench/compare.sh --from $from}
	# OUT ends up holding one form of measurements: the one copied
	if [ "$from" = "$out" ]; then
		:
	elif [ -n "$from_raw" ]; then
		rm -rf "$out/raw"
		rm -f "$out/gbench.json" "$out/gopeer.csv" "$out/gbench.txt"
		cp -R "$from/raw" "$out/raw"
	else
		rm -rf "$out/raw"
		cp "$from/gbench.json" "$from/gopeer.csv" "$out/"
		[ ! -f "$from/gbench.txt" ] || cp "$from/gbench.txt" "$out/"
	fi
else
	from_raw=1
	raw=$out/raw
	rm -rf "$raw"
	rm -f "$out/gbench.json" "$out/gopeer.csv" "$out/gbench.txt"
	mkdir -p "$raw"
	wl_list=$(echo ${workloads:-$known} | tr , ' ')
	order="interleaved by workload; C first on odd reps, Go first on even (Go releases in reverse)"
	if [ "$pin" = 1 ]; then
		placement="each thread count T on CPUs (taskset, both sides, whole processes; gbench --pin):$groups; core-to-core probe (raw/rep-N/c2c-W.txt) on CPUs ${c2c_cpus:-none} before and after each pair"
	else
		placement="unconfined, gbench unpinned (--no-pin)"
	fi
	printf 'reps %s\nthreads %s\nimpls %s\ngo %s\nworkloads %s\norder %s\nplacement %s\ncommand %s\n' \
		"$reps" "$threads" "$run_impls" "$run_go_versions" "$wl_list" \
		"$order" "$placement" "$cmdline" >"$raw/.plan.txt.tmp"
	mv "$raw/.plan.txt.tmp" "$raw/plan.txt"
	echo "compare: measuring $reps reps, threads $threads, C maps $run_impls and Go $run_go_versions, $order" >&2
	phase=measure
	r=1
	while [ "$r" -le "$reps" ]; do
		mkdir -p "$raw/rep-$r"
		for w in $wl_list; do
			c2c_before=$(probe_c2c)
			if [ $((r % 2)) -eq 1 ]; then
				echo "compare: rep $r/$reps $w (C first)" >&2
				run_c "$raw/rep-$r" "$w"
				run_go "$raw/rep-$r" "$w"
			else
				echo "compare: rep $r/$reps $w (Go first)" >&2
				run_go "$raw/rep-$r" "$w" reverse
				run_c "$raw/rep-$r" "$w"
			fi
			printf 'before %s\nafter %s\n' "$c2c_before" "$(probe_c2c)" \
				>"$raw/rep-$r/.c2c-$w.txt.tmp"
			mv "$raw/rep-$r/.c2c-$w.txt.tmp" "$raw/rep-$r/c2c-$w.txt"
		done
		r=$((r + 1))
	done
	phase=tables
fi

# One sweep-like directory, then mapbench compare's statistics.
if [ -n "$from_raw" ]; then
	impls=$("$build/bench/gocompare" -tosweep -raw "$out/raw" -out "$out" \
		-cmd "$cmdline")
else
	impls=$("$build/bench/gocompare" -tosweep -gbench "$out/gbench.json" \
		-gopeer "$out/gopeer.csv" -out "$out" -cmd "$cmdline")
fi
"$mapbench" compare --impl "$impls" --metric ns_per_op "$out/sweep" \
	>"$out/comparison.txt"
"$mapbench" compare --impl "$impls" --metric ns_per_op --format csv \
	"$out/sweep" >"$out/comparison.csv"
# syncmap's counters, when syncmap is among the C maps
rm -rf "$out/counters"
mkdir -p "$out/counters"
case ",$impls," in
*,syncmap,*)
	for cn in promotions dirty_rebuilds entries_copied misses locked_ops map_ops; do
		"$mapbench" compare --impl "$goref,syncmap" --metric "${cn}_per_op" \
			--format csv "$out/sweep" >"$out/counters/$cn.csv"
	done ;;
esac
"$build/bench/gocompare" -report -out "$out" -cmd "$cmdline"
gnuplot -e "datadir='$out/plot'; outdir='$plots'" plots/go-vs-c.gp
"$mapbench" compare --impl "$impls" --metric ns_per_op \
	--plot "$plots/ratios.svg" --html "$plots/index.html" "$out/sweep" >/dev/null
# Go's releases against each other and against their C ports
sh bench/go/versions.sh "$out" "$build/bench/gocompare" "$mapbench" "$cmdline"
echo "compare: wrote $out/comparison.{md,txt,csv}, $out/versions/versions.md, $plots/*.svg, *.png, index.html" >&2

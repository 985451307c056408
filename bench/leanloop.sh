#!/bin/sh
# mapbench's loads against the leanest loop (bench/leanloop.c) over the
# same vtable call: 1 thread, 100% loads, interleaved repetitions; prints
# each side's Mops per CPU-second and their ratio (issue 20: within 10%).
# leanloop runs on the CPU mapbench pins its worker to (the first one
# this process may use): on a virtual machine two vCPUs can differ in
# speed by tens of percent, and a ratio across them measures the host.
#
#	bench/leanloop.sh [--build DIR] [--impls clht,syncmap,unsync]
#	                  [--keys 1000] [--seconds 1] [--reps 3]
set -eu
build=build impls=clht,syncmap,unsync keys=1000 seconds=1 reps=3
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || { echo "leanloop.sh: $1 needs a value" >&2; exit 2; }
	case $1 in
	--build) build=$2 ;;
	--impls) impls=$2 ;;
	--keys) keys=$2 ;;
	--seconds) seconds=$2 ;;
	--reps) reps=$2 ;;
	*) echo "leanloop.sh: unknown option '$1'" >&2; exit 2 ;;
	esac
	shift 2
done
mb=$build/harness/mapbench
ll=$build/harness/leanloop
[ -x "$mb" ] && [ -x "$ll" ] || { echo "leanloop.sh: build $mb and $ll first" >&2; exit 2; }
cpu0=$(taskset -pc $$ | sed 's/.*: *//; s/[^0-9].*//')
case $cpu0 in '' | *[!0-9]*) echo "leanloop.sh: cannot read this process's CPUs with taskset" >&2; exit 2 ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "impl rep mapbench_mops_per_cpu_s leanloop_mops_per_cpu_s mapbench/leanloop mapbench_status"
for impl in $(echo "$impls" | tr ',' ' '); do
	r=1
	while [ "$r" -le "$reps" ]; do
		# Exit 1 is a row that is not ok (its status is printed).
		rc=0
		"$mb" run --impl "$impl" --threads 1 --read 100 --keys "$keys" \
			--duration "${seconds}s" --latency-sample 0 --no-isolate \
			--format csv >"$tmp/mb.csv" 2>"$tmp/mb.err" || rc=$?
		[ "$rc" -le 1 ] || { cat "$tmp/mb.err" >&2; exit 1; }
		col=$(head -1 "$tmp/mb.csv" | tr ',' '\n' | grep -nx mops_per_cpu_s | cut -d: -f1)
		a=$(sed -n 2p "$tmp/mb.csv" | cut -d, -f"$col")
		col=$(head -1 "$tmp/mb.csv" | tr ',' '\n' | grep -nx status | cut -d: -f1)
		st=$(sed -n 2p "$tmp/mb.csv" | cut -d, -f"$col")
		b=$(taskset -c "$cpu0" "$ll" --impl "$impl" --keys "$keys" --seconds "$seconds" |
			tr ' ' '\n' | sed -n 's/^mops_per_cpu_s=//p')
		awk -v i="$impl" -v r="$r" -v a="$a" -v b="$b" -v s="$st" \
			'BEGIN { printf "%s %d %.2f %.2f %.3f %s\n", i, r, a, b, a / b, s }'
		r=$((r + 1))
	done
done

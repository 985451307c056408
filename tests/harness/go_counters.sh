# Go's workloads on syncmap in one thread: the promotion counters behave
# as Go's sync.Map does.
. "$(dirname "$0")/lib.sh"

csv="$TMP/go.csv"
"$MB" run --impl syncmap --threads 1 --duration 200ms --latency-sample 0 \
	--workload SwapMostlyMisses,LoadMostlyHits,LoadMostlyMisses,AdversarialAlloc \
	--format csv >"$csv" 2>"$TMP/stderr" || fail "run: $(cat "$TMP/stderr")"
get() { # get WORKLOAD COLUMN
	awk -F, -v w="$1" -v c="$(csv_col "$csv" "$2")" \
		'$2 == w { print $c }' "$csv"
}
it=$(get SwapMostlyMisses iters)
pr=$(get SwapMostlyMisses promotions)
echo "SwapMostlyMisses: $pr promotions in $it iterations"
awk -v p="$pr" -v i="$it" 'BEGIN { r = p / i; exit !(i > 1000 && r > 0.5 && r < 1.5) }' ||
	fail "SwapMostlyMisses: promotions per iteration not about 1 ($pr / $it)"
lk=$(get LoadMostlyHits locked_ops)
it=$(get LoadMostlyHits iters)
echo "LoadMostlyHits: $lk locked ops in $it iterations"
[ "$it" -gt 1000 ] || fail "LoadMostlyHits ran $it iterations"
[ "$lk" -eq 0 ] || fail "LoadMostlyHits took the lock $lk times"
lk=$(get LoadMostlyMisses locked_ops)
[ "$lk" -eq 0 ] || fail "LoadMostlyMisses took the lock $lk times"
h=$(get LoadMostlyHits load_hits)
o=$(get LoadMostlyHits load_ops)
awk -v h="$h" -v o="$o" 'BEGIN { exit !(h / o > 0.9) }' ||
	fail "LoadMostlyHits: hits $h of $o loads"
pr=$(get AdversarialAlloc promotions)
[ "$pr" -gt 0 ] || fail "AdversarialAlloc never promoted"
finish

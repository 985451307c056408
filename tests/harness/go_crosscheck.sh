# Go's sync.Map and the C port count the same events on Go's workloads in
# one thread: promotions, dirty rebuilds, entries copied and misses.  The
# Go side is the peer's -counters mode (bench/go, Go 1.23 only: it reads
# sync.Map's unexported state after every call, without changing Go).
# Neither side can run an exact iteration count here (gbench and the
# harness run for a duration), so each workload is compared in the form
# its structure makes independent of the count:
#   total  the events happen a fixed number of times after priming
#          (e.g. LoadOrStoreCollision promotes once): totals equal;
#   rate   the events recur with the loop's period (1024 or 1): rates
#          per iteration equal to within the period's rounding.
# Workloads whose events depend on the count itself are left out:
# AdversarialAlloc, AdversarialDelete, the *Unique ones, and SwapMostlyHits
# (a miss per 1024 iterations, so a promotion about every million).  Skipped (77) without Go 1.23.
. "$(dirname "$0")/lib.sh"
. "$SRC/bench/go/gotool.sh"
if ! go_pick go_crosscheck 2>/dev/null ||
	! case $GO_VERSION in go1.23 | go1.23.*) true ;; *) false ;; esac; then
	echo "go_crosscheck: SKIPPED: needs Go 1.23 (golang-1.23-go)"
	exit 77
fi
CHECKS="LoadMostlyHits:rate LoadMostlyMisses:rate LoadOrStoreCollision:total
LoadAndDeleteCollision:rate DeleteCollision:total SwapCollision:total
SwapMostlyMisses:rate CompareAndSwapCollision:total
CompareAndSwapNoExistingKey:rate CompareAndSwapValueNotEqual:total
CompareAndSwapMostlyMisses:rate CompareAndDeleteCollision:total
CompareAndDeleteMostlyMisses:rate LoadAndDeleteBalanced:rate
LoadOrStoreBalanced:total Range:total Clear:total"
wls=$(for c in $CHECKS; do printf '%s,' "${c%%:*}"; done)
wls=${wls%,}

# The build directory's Go cache (as bench/compare.sh's): warm after once.
if [ -z "${GOCACHE:-}" ]; then
	GOCACHE=$(cd "$(dirname "$MB")/.." && pwd)/bench/gocache
	mkdir -p "$GOCACHE"
fi
export GOCACHE
export GOPATH="${GOPATH:-$TMP/gopath}"
export GOPROXY=off GOTOOLCHAIN=local
(cd "$SRC/bench/go" && "$GO" build -o "$TMP/gopeer" .) ||
	fail "building the Go peer"
"$TMP/gopeer" -counters -workloads "$wls" -benchtime 20000x \
	>"$TMP/go.csv" 2>"$TMP/go.err" || fail "gopeer -counters: $(cat "$TMP/go.err")"
"$MB" run --impl syncmap --threads 1 --duration 50ms --latency-sample 0 \
	--workload "$wls" --format csv >"$TMP/c.csv" 2>"$TMP/c.err" ||
	fail "mapbench run: $(cat "$TMP/c.err")"

# get FILE WORKLOAD-COLUMN WORKLOAD COLUMN
get() {
	awk -F, -v wc="$(csv_col "$1" "$2")" -v w="$3" -v c="$(csv_col "$1" "$4")" \
		'$wc == w { print $c; exit }' "$1"
}
for c in $CHECKS; do
	w=${c%%:*} kind=${c#*:}
	gn=$(get "$TMP/go.csv" workload "$w" iterations)
	cn=$(get "$TMP/c.csv" workload "$w" iters)
	[ -n "$gn" ] && [ -n "$cn" ] || { fail "$w: no row"; continue; }
	for col in promotions dirty_rebuilds entries_copied misses; do
		g=$(get "$TMP/go.csv" workload "$w" $col)
		cv=$(get "$TMP/c.csv" workload "$w" $col)
		echo "$w $col: Go $g in $gn iterations, C $cv in $cn ($kind)"
		# rate: the events spread evenly over each period, so
		# either count is off its exact rate by a few events at most
		# (the period cut at the end, the first iteration's).
		awk -v k="$kind" -v g="$g" -v gn="$gn" -v c="$cv" -v cn="$cn" 'BEGIN {
			if (k == "total") exit !(g == c)
			d = g / gn - c / cn
			if (d < 0) d = -d
			exit !(d <= 3 / gn + 3 / cn)
		}' || fail "$w: $col differs: Go $g / $gn iterations, C $cv / $cn ($kind)"
	done
done
finish

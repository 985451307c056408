# The measurement method (issue 7): paired streams, statuses, memory in
# the window's state, time-bounded stop, churn weights, isolation.
. "$(dirname "$0")/lib.sh"

# get CSV IMPL COLUMN: the column of the first row of IMPL
get() {
	awk -F, -v i="$2" -v c="$(csv_col "$1" "$3")" \
		'NR > 1 && $1 == i { print $c; exit }' "$1"
}

# 1. Common random numbers: one thread, a fixed op count, every map that
# stores (all but the controls) sees the same prefill and the same op
# stream, so every count and hit count is identical.
impls=$("$MB" list 2>/dev/null | awk '/^(implementations|maps)[ :]/ { on = 1; next }
	/^$/ { on = 0 } on && /^  [^ ]/ && !/\[control/ { print $1 }' | paste -sd, -)
[ -n "$impls" ] || fail "no impls listed"
for dist in uniform zipf churn; do
	csv="$TMP/paired-$dist.csv"
	"$MB" run --impl "$impls" --threads 1 --ops 30000 --keys 2000 \
		--mix load=70,store=10,delete=10,load_or_store=5,swap=5 \
		--dist "$dist" --format csv >"$csv" 2>"$TMP/stderr" ||
		{ [ "$dist" = churn ] || fail "paired $dist: $(cat "$TMP/stderr")"; }
	[ "$dist" = churn ] && {
		"$MB" run --impl "$impls" --threads 1 --ops 30000 \
			--keys 2000 --mix load=80,store=10,delete=10 \
			--dist churn --format csv >"$csv" 2>"$TMP/stderr" ||
			fail "paired churn: $(cat "$TMP/stderr")"
	}
	n=$(($(wc -l <"$csv") - 1))
	[ "$n" -ge 3 ] || fail "paired $dist: $n rows"
	for col in ops load_ops load_hits store_ops delete_hits \
		load_or_store_hits swap_hits live_keys; do
		[ -n "$(csv_col "$csv" $col)" ] || continue
		v=$(awk -F, -v c="$(csv_col "$csv" $col)" 'NR > 1 { print $c }' \
			"$csv" | sort -u | wc -l)
		[ "$v" -eq 1 ] || fail "paired $dist: $col differs across impls: $(
			awk -F, -v c="$(csv_col "$csv" $col)" 'NR > 1 { printf "%s=%s ", $1, $c }' "$csv")"
	done
	ops=$(get "$csv" syncmap ops)
	[ "$ops" = 30000 ] || fail "paired $dist: --ops 30000 ran $ops"
done

# 1b. Loads only at 1,000 keys take their keys from a ring drawn before
# the window (worker.c, key_ring_fill): still the same keys for every map
# (identical hit counts, also at two threads: each worker its own ring),
# uniform over the whole key space (half of it prefilled: ~50% hits).
for thr in 1 2; do
	csv="$TMP/ring-$thr.csv"
	"$MB" run --impl "$impls" --threads $thr --ops 200000 --keys 1000 \
		--read 100 --format csv >"$csv" 2>"$TMP/stderr" ||
		fail "loads-only ring: $(cat "$TMP/stderr")"
	v=$(awk -F, -v c="$(csv_col "$csv" load_hits)" 'NR > 1 { print $c }' \
		"$csv" | sort -u)
	[ "$(echo "$v" | wc -l)" -eq 1 ] ||
		fail "loads-only ring, $thr threads: load_hits differ: $(echo $v)"
	awk -v h="$v" -v n=$((200000 * thr)) \
		'BEGIN { exit !(h > 0.45 * n && h < 0.55 * n) }' ||
		fail "loads-only ring, $thr threads: $v hits of $((200000 * thr)) loads, not ~50%"
done

# 2. A map whose writes fail: prefill failure -> oom, no figures;
# a failed write in the window -> counted, and the row is not ok.
csv="$TMP/oom.csv"
MAPBENCH_FAIL_ALLOC_PREFILL=100 "$MB" run --impl syncmap,lfht --threads 1 \
	--keys 1000 --prefill 100 --ops 1000 --format csv >"$csv" 2>/dev/null
for i in syncmap lfht; do
	s=$(get "$csv" $i status)
	[ "$s" = oom ] || fail "prefill allocation failure: $i status '$s'"
done
csv="$TMP/failwin.csv"
MAPBENCH_FAIL_ALLOC_WINDOW=1 "$MB" run --impl syncmap --threads 1 \
	--keys 100000 --prefill 0 --read 0 --ops 2000 --format csv \
	>"$csv" 2>/dev/null
s=$(get "$csv" syncmap status)
f=$(get "$csv" syncmap failed_ops)
[ "$s" = failed_ops ] && [ "$f" -ge 1 ] ||
	fail "window allocation failure: status '$s' failed_ops '$f'"
csv="$TMP/okwin.csv"
"$MB" run --impl syncmap --threads 1 --keys 100000 --prefill 0 --read 0 \
	--ops 2000 --format csv >"$csv" 2>/dev/null
[ "$(get "$csv" syncmap status)" = ok ] || fail "clean run not ok"

# 3. Memory in the state the window left: syncmap at 90% reads sits with
# a dirty map beside its read map (about twice the bytes per key of the
# promoted state at 100% reads); a Range before the reading would hide it.
csv="$TMP/mem.csv"
"$MB" run --impl syncmap --threads 1 --keys 20000 --prefill 100 \
	--read 100,90 --ops 200000 --format csv >"$csv" 2>/dev/null
b100=$(awk -F, -v c="$(csv_col "$csv" bytes_per_key)" \
	-v r="$(csv_col "$csv" read_pct)" 'NR > 1 && $r == 100 { print $c }' "$csv")
b90=$(awk -F, -v c="$(csv_col "$csv" bytes_per_key)" \
	-v r="$(csv_col "$csv" read_pct)" 'NR > 1 && $r == 90 { print $c }' "$csv")
s90=$(awk -F, -v c="$(csv_col "$csv" bytes_per_key_settled)" \
	-v r="$(csv_col "$csv" read_pct)" 'NR > 1 && $r == 90 { print $c }' "$csv")
echo "syncmap bytes/key: 100% reads $b100, 90% reads $b90 (after a Range $s90)"
if [ -n "$b90" ]; then # empty without jemalloc (sanitizer builds)
	awk -v a="$b90" -v b="$b100" 'BEGIN { exit !(a > 1.6 * b) }' ||
		fail "90% reads $b90 B/key not clearly above 100% reads $b100"
	awk -v a="$b90" -v b="$s90" 'BEGIN { exit !(a > 1.2 * b) }' ||
		fail "90% reads $b90 B/key not above its promoted state $s90"
fi

# 4. Stop by time as well as by op count: Range over 500k live keys.
csv="$TMP/range.csv"
"$MB" run --impl rwlock --threads 1 --keys 1000000 --mix range=1 \
	--duration 100ms --latency-sample 0 --format csv >"$csv" 2>/dev/null
sec=$(get "$csv" rwlock seconds)
echo "range over 1M keys, 100 ms: window $sec s"
awk -v s="$sec" 'BEGIN { exit !(s > 0.09 && s < 1.5) }' ||
	fail "range window $sec s for a 100 ms duration"

# 5. Churn honours the mix: no deletes when the mix has none.
csv="$TMP/churn.csv"
"$MB" run --impl syncmap --threads 1 --keys 1000 --dist churn \
	--mix load=50,store=50 --ops 20000 --format csv >"$csv" 2>/dev/null
d=$(get "$csv" syncmap delete_ops)
st=$(get "$csv" syncmap store_ops)
[ "$d" = 0 ] && [ "$st" -gt 9000 ] ||
	fail "churn load=50,store=50 ran $d deletes and $st stores"

# 6. Isolation: a crash and a hang become rows with a status.
csv="$TMP/crash.csv"
# SIGABRT: sanitizers turn a SIGSEGV into exit(1) but let an abort kill.
MAPBENCH_TEST_CHILD_SIGNAL=6 "$MB" run --impl rwlock --threads 1 \
	--ops 1000 --isolate --format csv >"$csv" 2>/dev/null
s=$(get "$csv" rwlock status)
[ "$s" = crashed:SIGABRT ] || fail "crashed child: status '$s'"
csv="$TMP/timeout.csv"
"$MB" run --impl rwlock --threads 1 --ops 1000000000000 --isolate \
	--row-timeout 1s --format csv >"$csv" 2>/dev/null
s=$(get "$csv" rwlock status)
[ "$s" = timeout ] || fail "hung child: status '$s'"
csv="$TMP/iso.csv"
"$MB" run --impl rwlock --threads 1 --ops 1000 --isolate --format csv \
	>"$csv" 2>/dev/null
[ "$(get "$csv" rwlock status)" = ok ] || fail "isolated row not ok"
[ "$(get "$csv" rwlock isolated)" = 1 ] || fail "isolated row says isolated=0"

# 7. A stopped process stretches the window: flagged, not ok.
csv="$TMP/stretch.csv"
"$MB" run --impl rwlock --threads 1 --duration 1s --latency-sample 0 --no-isolate \
	--keys 100 --format csv >"$csv" 2>/dev/null &
pid=$!
sleep 0.6
kill -STOP $pid
sleep 2
kill -CONT $pid
wait $pid
s=$(get "$csv" rwlock status)
[ "$s" = stretched ] || fail "SIGSTOP for 2 s in a 1 s window: status '$s'"

# 8. The seed exactly: JSON carries it as a string equal to the CSV's.
"$MB" run --impl rwlock --threads 1 --ops 100 --seed 18446744073709551615 \
	--format json >"$TMP/seed.json" 2>/dev/null
"$MB" run --impl rwlock --threads 1 --ops 100 --seed 18446744073709551615 \
	--format csv >"$TMP/seed.csv" 2>/dev/null
sc=$(get "$TMP/seed.csv" rwlock seed)
grep -q "\"seed\": \"$sc\"" "$TMP/seed.json" || fail "JSON seed is not \"$sc\""

# 9. The first estimate follows --ops (D26): 300M ops a thread at about
# 200 ns is a minute a row, whatever --duration says.
timeout -s INT 5 "$MB" sweep --impl null --threads 1 --read 100 --keys 100 \
	--repeat 1 --ops 300000000 --duration 10ms --out "$TMP/eta" --no-plot \
	>/dev/null 2>"$TMP/eta.err"
grep -q "1 configurations x 1 reps, about 1m00s" "$TMP/eta.err" ||
	fail "the estimate ignores --ops: $(head -3 "$TMP/eta.err")"

finish

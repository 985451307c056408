# A quick sweep: the CSV's columns and sanity, meta.json, the plots.
. "$(dirname "$0")/lib.sh"

out="$TMP/quick"
"$MB" sweep --quick --duration 30ms --repeat 2 --out "$out" \
	--plot-dir "$TMP/plots" >"$TMP/stdout" 2>"$TMP/stderr"
rc=$?
[ "$rc" -eq 0 ] || fail "sweep --quick: exit $rc: $(tail -3 "$TMP/stderr")"
csv="$out/results.csv"
[ -s "$csv" ] || fail "no $csv"
[ -s "$out/meta.json" ] || fail "no meta.json"
for k in cpu_model kernel compiler git_commit membarrier seed command_line \
	jemalloc liburcu date; do
	grep -q "\"$k\"" "$out/meta.json" || fail "meta.json lacks $k"
done
for c in impl workload threads read_pct keys dist prefill_pct rep seconds ops \
	mops load_ops load_hits store_ops delete_ops delete_hits promotions \
	dirty_rebuilds entries_copied misses locked_ops promotions_per_mop \
	dirty_rebuilds_per_mop entries_copied_per_op locked_ops_per_op \
	p50_ns p99_ns p999_ns max_ns bytes_per_key peak_rss_kb oversubscribed; do
	[ -n "$(csv_col "$csv" $c)" ] || fail "results.csv lacks column $c"
done
# quick grid: every map x 2 threads x 3 reads x 2 keys x 2 reps, minus
# the not-thread-safe maps with writers on 2 threads (2 reads x 2 keys x
# 2 reps), counted from the registry
set -- $(registry_counts)
want=$((24 * $1 - 8 * $2))
rows=$(($(wc -l <"$csv") - 1))
[ "$rows" -eq "$want" ] || fail "want $want rows ($1 maps, $2 unsafe), got $rows"
grep -q "not running.*unsync" "$TMP/stderr" || fail "unsync refusal not said"
# bytes per key needs jemalloc (sanitizer builds have none)
jem=0
grep -q '"allocator": "jemalloc"' "$out/meta.json" && jem=1
awk -F, -v jem=$jem -v ci="$(csv_col "$csv" impl)" -v co="$(csv_col "$csv" ops)" \
	-v cs="$(csv_col "$csv" seconds)" -v cm="$(csv_col "$csv" mops)" \
	-v cp="$(csv_col "$csv" promotions)" -v cl="$(csv_col "$csv" locked_ops)" \
	-v ct="$(csv_col "$csv" threads)" -v cr="$(csv_col "$csv" read_pct)" \
	-v cb="$(csv_col "$csv" bytes_per_key)" -v c5="$(csv_col "$csv" p50_ns)" \
	-v cu="$(csv_col "$csv" lat_unresolved)" \
	-v cn="$(csv_col "$csv" lat_samples)" -v cst="$(csv_col "$csv" status)" '
NR == 1 { next }
{
	if ($co <= 0) { print "ops <= 0: " $0; bad++ }
	if ($cs <= 0) { print "seconds <= 0: " $0; bad++ }
	want = $co / $cs / 1e6
	if ($cm - want > 1e-6 * want || want - $cm > 1e-6 * want) {
		print "mops != ops/seconds: " $cm " vs " want; bad++
	}
	if ($ci == "syncmap" && ($cp == "" || $cl == "")) { print "counters missing: " $0; bad++ }
	if ($ci == "lfht" && ($cp != "" || $cl != "")) { print "counters not NA on " $ci; bad++ }
	if ($cp != "" && $cr == 90) sync90 += $cp
	if ($ci == "unsync" && $ct > 1 && $cr < 100) { print "unsync ran with writers"; bad++ }
	if (jem && $ci != "null" && $cb == "") { print "no bytes_per_key: " $ci; bad++ }
	if (jem && $ci != "null" && ($cb < 8 || $cb > 4096)) { print "bytes_per_key " $cb; bad++ }
	if ($cst != "ok") { print "status not ok: " $0; bad++ }
	# p50 is NA without samples, or below the clock resolution
	if ($cn > 0 && $c5 == "" && $cu !~ /p50/) { print "no p50 with samples: " $0; bad++ }
	if ($cn == 0 && $c5 != "") { print "p50 without samples: " $0; bad++ }
	if ($cn == 0) nolat++
}
END {
	if (sync90 <= 0) { print "no map that counts promotions promoted at 90% reads"; bad++ }
	if (nolat > NR / 4) { print nolat " of " NR " rows have no latency"; bad++ }
	exit bad != 0
}' "$csv" || fail "row sanity"
# no duplicate rows
dups=$(row_keys "$csv" | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] || fail "$dups duplicate rows"
if command -v gnuplot >/dev/null 2>&1; then
	for f in throughput_threads_uniform_k1000 throughput_threads_uniform_k100000 \
		throughput_reads_uniform_k1000_t1 heatmap_uniform_k1000 promotion_uniform \
		latency_uniform_k1000 memory_uniform; do
		for e in svg png; do
			[ -s "$TMP/plots/$f.$e" ] || fail "no plot $f.$e"
		done
	done
else
	echo "gnuplot missing: plots not checked" >&2
fi
# Without gnuplot: the results stay, and the message says how to install it.
sum=$(cksum <"$csv")
PATH=/nonexistent "$MB" plot "$out" --plot-dir "$TMP/np" 2>"$TMP/np.err"
[ $? -ne 0 ] || fail "plot without gnuplot: exit 0"
grep -q "apt-get install gnuplot-nox" "$TMP/np.err" || fail "no install hint"
[ "$(cksum <"$csv")" = "$sum" ] || fail "plot without gnuplot changed results"
# run's machine formats
"$MB" run --impl syncmap --threads 1 --read 90 --duration 20ms --format csv \
	>"$TMP/run.csv" 2>/dev/null || fail "run --format csv"
[ "$(wc -l <"$TMP/run.csv")" -eq 2 ] || fail "run csv: want header + 1 row"
"$MB" run --impl syncmap --threads 1 --read 90 --duration 20ms --format json \
	>"$TMP/run.json" 2>/dev/null || fail "run --format json"
grep -q '"promotions_per_mop"' "$TMP/run.json" || fail "run json lacks fields"
finish

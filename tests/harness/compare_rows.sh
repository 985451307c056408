# compare counts repetitions, not rows: duplicated ok rows are said and
# dropped, a re-measured row is not a duplicate, a second header line is
# an error with its line number, meta.json's "schema" is checked, missing
# identity columns are named, the same sweep twice is said.
#	sh compare_rows.sh MAPBENCH SOURCE_DIR
. "$(dirname "$0")/lib.sh"

# sweep DIR FACTOR REPS: two configurations, REPS repetitions each.
sweep() {
	mkdir -p "$1"
	awk -v f="$2" -v reps="$3" 'BEGIN {
		print "impl,workload,threads,read_pct,keys,dist,prefill_pct,rep,duration_s,mops,status"
		for (r = 1; r <= reps; r++)
		for (t = 1; t <= 2; t++)
			printf "syncmap,rw,%d,90,1000,uniform,50,%d,0.5,%.4f,ok\n",
			    t, r, 10 * t * f * (1 + r / 1000)
	}' >"$1/results.csv"
	echo '{"schema": 2}' >"$1/meta.json"
}
# dup DIR N: DIR's rows appended N-1 more times (one header)
dup() {
	rows=$(tail -n +2 "$1/results.csv")
	i=1
	while [ "$i" -lt "$2" ]; do
		printf '%s\n' "$rows" >>"$1/results.csv"
		i=$((i + 1))
	done
}
# nfield FILE INPUT THREADS: the n column of compare's CSV
nfield() {
	awk -F, -v inp="$2" -v t="$3" '
	NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$h["input"] == inp && $h["threads"] == t { print $h["n"] }' "$1"
}

# 1. Two real repetitions repeated 5 times: n = 2, not 10; said; the
# --threshold gate refuses 2 + 2 (no p can reach 0.05) instead of calling
# a 3% difference significant on 10 + 10.
sweep "$TMP/A" 1 2
sweep "$TMP/B" 0.97 2
dup "$TMP/A" 5
dup "$TMP/B" 5
"$MB" compare --format csv --threshold 1 "$TMP/A" "$TMP/B" >/dev/null \
	2>"$TMP/gate.err"
rc=$?
[ "$rc" -eq 2 ] || fail "duplicated rows: --threshold exit $rc, want 2 (n=2+2 cannot reach p<0.05)"
grep -q "needs at least 4 per side" "$TMP/gate.err" ||
	fail "duplicated rows: the gate's refusal: $(cat "$TMP/gate.err")"
"$MB" compare --format csv "$TMP/A" "$TMP/B" >"$TMP/ab.csv" 2>"$TMP/ab.err" ||
	fail "duplicated rows: compare exit $?"
[ "$(nfield "$TMP/ab.csv" A 1)" = 2 ] ||
	fail "duplicated rows: n=$(nfield "$TMP/ab.csv" A 1), want 2"
grep -q "16 ok rows repeat the configuration and rep of an earlier ok row (the first on line 6, as line 2)" \
	"$TMP/ab.err" || fail "duplicates not said: $(cat "$TMP/ab.err")"

# 2. A re-measurement (interfered, then ok, same rep) is one repetition
# and not a duplicate; two ok rows of one rep are.
sweep "$TMP/M" 1 3
sed -i '2s/,ok$/,interfered/' "$TMP/M/results.csv"
sed -n 2p "$TMP/M/results.csv" | sed 's/,interfered$/,ok/' >>"$TMP/M/results.csv"
"$MB" compare --format csv "$TMP/M" "$TMP/A" >"$TMP/m.csv" 2>"$TMP/m.err" ||
	fail "re-measured rows: exit $?"
grep -q "M/results.csv: .* repeat the configuration" "$TMP/m.err" &&
	fail "a re-measurement called a duplicate: $(cat "$TMP/m.err")"
[ "$(nfield "$TMP/m.csv" A 1)" = 3 ] ||
	fail "re-measured rows: n=$(nfield "$TMP/m.csv" A 1), want 3"

# 3. A second header line: exit 2, its line number, nothing on stdout.
sweep "$TMP/H" 1 2
cat "$TMP/H/results.csv" "$TMP/H/results.csv" >"$TMP/H/x" &&
	mv "$TMP/H/x" "$TMP/H/results.csv"
"$MB" compare "$TMP/H" "$TMP/A" >"$TMP/h.out" 2>"$TMP/h.err"
rc=$?
[ "$rc" -eq 2 ] || fail "second header: exit $rc, want 2"
grep -q "results.csv:6: a second header line" "$TMP/h.err" ||
	fail "second header: $(cat "$TMP/h.err")"
[ ! -s "$TMP/h.out" ] || fail "second header: wrote to stdout"

# 4. meta.json's "schema": another number, or not a number, is refused.
for v in 7 0 '"2"'; do
	sweep "$TMP/S" 1 2
	echo "{\"schema\": $v}" >"$TMP/S/meta.json"
	"$MB" compare "$TMP/S" "$TMP/A" >/dev/null 2>"$TMP/s.err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "schema $v: exit $rc, want 2"
	grep -q "\"schema\" is $v; this mapbench reads sweeps of schema 1 to" \
		"$TMP/s.err" || fail "schema $v: $(cat "$TMP/s.err")"
done

# 5. Missing identity columns are named; the same sweep twice is said.
"$MB" compare "$TMP/A" "$TMP/A" >/dev/null 2>"$TMP/aa.err" ||
	fail "A A: exit $?"
# (the schema's identity and method columns, in schema.def's order)
grep -q "has no column mix, latency_sample, ops_per_thread, warmup, sizing, isolated, pin, interference_limit_pct:" \
	"$TMP/aa.err" || fail "missing columns not named: $(cat "$TMP/aa.err")"
grep -q "is the same results.csv as" "$TMP/aa.err" ||
	fail "the same sweep twice not said"
# 6. plot reads rows the same way (csvread.c): duplicates said and left
# out, a second header line skipped with its line number.
"$MB" sweep --impl rwlock --threads 1 --read 90,100 --keys 1000 \
	--duration 10ms --repeat 2 --out "$TMP/P" --no-plot >/dev/null 2>&1 ||
	fail "the sweep for plot"
cp "$TMP/P/summary.tsv" /dev/null 2>/dev/null
"$MB" plot "$TMP/P" >/dev/null 2>"$TMP/p0.err"
cp "$TMP/P/summary.tsv" "$TMP/summary0.tsv" 2>/dev/null || fail "no summary.tsv"
tail -n +2 "$TMP/P/results.csv" >"$TMP/rows"
cat "$TMP/rows" "$TMP/rows" >>"$TMP/P/results.csv"
"$MB" plot "$TMP/P" >/dev/null 2>"$TMP/p.err"
grep -q "8 ok rows repeat the configuration and rep of an earlier ok row (the first on line 6, as line 2)" \
	"$TMP/p.err" || fail "plot: duplicates not said: $(cat "$TMP/p.err")"
cmp -s "$TMP/P/summary.tsv" "$TMP/summary0.tsv" ||
	fail "plot: duplicated rows changed summary.tsv"
head -1 "$TMP/P/results.csv" >>"$TMP/P/results.csv"
"$MB" plot "$TMP/P" >/dev/null 2>"$TMP/p.err"
grep -q "results.csv:14: line skipped: a second header line" "$TMP/p.err" ||
	fail "plot: second header not said: $(cat "$TMP/p.err")"
finish

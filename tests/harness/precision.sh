# Precision (issue 19): what compare concludes from sweeps whose
# distributions are known, a real sweep cut by 10% fails the regression
# gate, interference is measured and marked, --resume refuses a sweep
# measured another way.
#	sh precision.sh MAPBENCH SOURCE_DIR
. "$(dirname "$0")/lib.sh"

# synth DIR SEED FACTOR CV: 100 configurations x 5 repetitions, mops
# lognormal around 10 * FACTOR with coefficient CV (awk's own generator,
# seeded: the same file every run on one awk).
synth() {
	mkdir -p "$1"
	awk -v seed="$2" -v f="$3" -v cv="$4" 'BEGIN {
		srand(seed)
		print "impl,workload,threads,read_pct,keys,dist,prefill_pct,rep,duration_s,mops,status"
		for (r = 1; r <= 5; r++)
		for (k = 1; k <= 100; k++) {
			u1 = rand(); u2 = rand()
			if (u1 < 1e-12) u1 = 1e-12
			z = sqrt(-2 * log(u1)) * cos(6.283185307 * u2)
			printf "null,rw,1,50,%d,uniform,50,%d,0.1,%.6f,ok\n", k, r, 10 * f * exp(cv * z)
		}
	}' >"$1/results.csv"
	echo '{"tool": "mapbench", "machine": {"cpu_model": "synthetic"}}' >"$1/meta.json"
}

# nsig FILE: rows of compare's CSV called significant
nsig() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$h["significant"] == "true" { n++ } END { print n + 0 }' "$1"
}

# 1. A/A: the same distribution twice.  At alpha 0.05 about 3 of 100 are
# called different (5 vs 5: the exact test's level is 0.032); more than
# 10 would be a broken test.
synth "$TMP/A" 1 1 0.05
synth "$TMP/A2" 2 1 0.05
"$MB" compare --format csv "$TMP/A" "$TMP/A2" >"$TMP/aa.csv" ||
	fail "A/A compare: exit $?"
n=$(nsig "$TMP/aa.csv")
[ "$n" -le 10 ] || fail "A/A: $n of 100 configurations called different"
"$MB" compare --threshold 10 "$TMP/A" "$TMP/A2" >/dev/null 2>&1 ||
	fail "A/A: --threshold 10 fails"

# 2. Power: a 10% shift with 3% scatter is found nearly everywhere, and
# the gate fails on it.
synth "$TMP/L" 3 1 0.03
synth "$TMP/L9" 4 0.9 0.03
"$MB" compare --format csv "$TMP/L" "$TMP/L9" >"$TMP/p.csv"
n=$(nsig "$TMP/p.csv")
[ "$n" -ge 90 ] || fail "power: a 10% shift found in $n of 100"
"$MB" compare --threshold 5 "$TMP/L" "$TMP/L9" >/dev/null 2>&1
[ $? -eq 1 ] || fail "power: -10% passes --threshold 5"
# the geomean line carries its interval and says the change is real
"$MB" compare "$TMP/L" "$TMP/L9" >"$TMP/p.txt"
grep -Eq '^geomean \(100\) .*-10\.[0-9]% \[-1[01]\.[0-9]%, -(9|10)\.[0-9]%\] \*' "$TMP/p.txt" ||
	fail "geomean line: $(grep geomean "$TMP/p.txt")"
"$MB" compare "$TMP/A" "$TMP/A2" >"$TMP/aa.txt"
grep -q '^geomean (100) .* ~' "$TMP/aa.txt" ||
	fail "A/A geomean marked significant: $(grep geomean "$TMP/aa.txt")"

# 3. Two modes in one side's repetitions: unstable, not compared.
mkdir -p "$TMP/U"
cp "$TMP/L/meta.json" "$TMP/U/"
awk -F, 'NR > 1 && $5 == 1 { $10 = ($8 % 2 ? 10 : 20) } 1' OFS=, \
	"$TMP/L/results.csv" >"$TMP/U/results.csv"
"$MB" compare --format csv "$TMP/L" "$TMP/U" >"$TMP/u.csv"
grep -q ',unstable$' "$TMP/u.csv" || fail "two modes not marked unstable"
"$MB" compare "$TMP/L" "$TMP/U" >"$TMP/u.txt"
grep -q 'unstable' "$TMP/u.txt" || fail "text: unstable not said"

# 4. A real sweep, and a copy of it with every throughput cut by 10%:
# --threshold 5 fails on it, an untouched copy passes.
"$MB" sweep --impl null,rwlock --threads 1 --read 100,50 --keys 1000 \
	--repeat 5 --duration 20ms --latency-sample 0 --out "$TMP/R" \
	--no-plot >/dev/null 2>"$TMP/r.err" || fail "sweep: $(cat "$TMP/r.err")"
for d in R10 Rsame; do
	mkdir -p "$TMP/$d"
	cp "$TMP/R/meta.json" "$TMP/$d/"
done
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "mops") c = i; print; next }
	{ $c = sprintf("%.9g", $c * 0.9); print }' OFS=, "$TMP/R/results.csv" \
	>"$TMP/R10/results.csv"
cp "$TMP/R/results.csv" "$TMP/Rsame/results.csv"
"$MB" compare --threshold 5 "$TMP/R" "$TMP/R10" >"$TMP/g.out" 2>"$TMP/g.err"
rc=$?
# Where the real repetitions scatter less than 10% ([min, max] within
# +-5% of the median) a 10% cut separates them and the gate must fail.
# On a machine busy enough to scatter them more (ctest -j, other
# tenants), compare must not call it: every such row says ~ or unstable.
"$MB" compare --format csv "$TMP/R" "$TMP/Rsame" >"$TMP/rr.csv"
wide=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$h["input"] == "A" && ($h["ci_hi"] - $h["ci_lo"]) > 0.095 * $h["median"] { n++ }
	END { print n + 0 }' "$TMP/rr.csv")
if [ "$wide" -eq 0 ]; then
	[ "$rc" -eq 1 ] || fail "a -10% copy passes --threshold 5: $(cat "$TMP/g.err")"
else
	echo "note: $wide configurations scatter over 10% here; the gate's strict check needs a quieter machine" >&2
	[ "$rc" -eq 1 ] || grep -q 'geomean (2) .* -10\.0%' "$TMP/g.out" ||
		fail "a -10% copy: neither failed nor shown: $(cat "$TMP/g.out")"
fi
"$MB" compare --threshold 5 "$TMP/R" "$TMP/Rsame" >/dev/null 2>&1 ||
	fail "an identical copy fails --threshold 5"

# 5. The interference columns are in every row, with values where the
# kernel has them; "off" marks nothing.
csv=$TMP/R/results.csv
for c in attempt started_unix interference_limit_pct foreign_cpu_pct \
	steal_pct cpu_pressure_pct runq_wait_pct vol_csw invol_csw; do
	[ -n "$(csv_col "$csv" "$c")" ] || fail "column $c missing"
done
if [ -r /proc/stat ]; then
	i=$(csv_col "$csv" foreign_cpu_pct)
	[ -n "$(tail -n +2 "$csv" | cut -d, -f"$i" | grep -v '^$' | head -1)" ] ||
		fail "foreign_cpu_pct NA on a kernel with /proc/stat"
fi

# 6. A busy loop on every CPU the workers use: rows are marked
# interfered (not ok), measured again (attempt 2), and the sweep says so
# and exits 1.  With --interference-limit off the same rows are ok.
busy_pids=""
busy() {
	for cpu in $(seq 0 $(($(nproc) - 1))); do
		# bounded even if this script is killed before its trap runs
		timeout 120 taskset -c "$cpu" sh -c 'while :; do :; done' &
		busy_pids="$busy_pids $!"
	done
}
unbusy() {
	# shellcheck disable=SC2086 # a list of pids
	[ -n "$busy_pids" ] && kill $busy_pids 2>/dev/null
	wait 2>/dev/null
	busy_pids=""
}
trap 'unbusy; rm -rf "$TMP"' EXIT
if command -v taskset >/dev/null 2>&1; then
	busy
	sleep 0.2
	env -u MAPBENCH_INTERFERENCE_LIMIT "$MB" sweep --impl rwlock --threads 1 \
		--read 100 --keys 1000 --repeat 2 --duration 50ms \
		--latency-sample 0 --interference-limit 10 --out "$TMP/I" \
		--no-plot >/dev/null 2>"$TMP/i.err"
	rc=$?
	unbusy
	csv=$TMP/I/results.csv
	st=$(csv_col "$csv" status)
	at=$(csv_col "$csv" attempt)
	fo=$(csv_col "$csv" foreign_cpu_pct)
	[ "$rc" -eq 1 ] || fail "loaded sweep: exit $rc, want 1"
	tail -n +2 "$csv" | cut -d, -f"$st" | grep -q '^interfered$' ||
		fail "loaded sweep: no row marked interfered"
	tail -n +2 "$csv" | cut -d, -f"$at" | grep -q '^2$' ||
		fail "loaded sweep: no row measured again"
	awk -F, -v s="$st" -v f="$fo" 'NR > 1 && $s == "interfered" && $f <= 10 { bad = 1 }
		END { exit bad }' "$csv" ||
		fail "a row marked interfered with foreign_cpu_pct <= 10"
	grep -q 'interference: .* rows this run were marked interfered' \
		"$TMP/i.err" || fail "loaded sweep: not reported: $(cat "$TMP/i.err")"
	busy
	sleep 0.2
	"$MB" sweep --impl rwlock --threads 1 --read 100 --keys 1000 \
		--repeat 2 --duration 50ms --latency-sample 0 \
		--interference-limit off --out "$TMP/I2" --no-plot \
		>/dev/null 2>&1 || fail "--interference-limit off: exit $?"
	unbusy
	tail -n +2 "$TMP/I2/results.csv" | cut -d, -f"$st" | grep -vq '^ok$' &&
		fail "--interference-limit off: rows not ok"
fi

# 6b. The CPU-speed probe: rows of repetition 3 report a probe twice as
# slow (MAPBENCH_TEST_PROBE_SLOW=3).  Once the sweep has 20 probes to
# judge by, such rows are interfered and measured again (attempt 2, whose
# probe is normal).  The limit is
# high (60%) so that another process on a loaded test machine does not
# mark rows by foreign CPU.
env -u MAPBENCH_INTERFERENCE_LIMIT MAPBENCH_TEST_PROBE_SLOW=3 "$MB" sweep \
	--impl rwlock,null --threads 1 --read 100,90,50,0 --keys 1000 \
	--repeat 5 --precision off --duration 10ms --latency-sample 0 \
	--interference-limit 60 --out "$TMP/P" --no-plot >/dev/null 2>"$TMP/p.err"
csv=$TMP/P/results.csv
st=$(csv_col "$csv" status)
at=$(csv_col "$csv" attempt)
rp=$(csv_col "$csv" rep)
pr=$(csv_col "$csv" probe_ns)
[ -n "$pr" ] || fail "column probe_ns missing"
awk -F, -v p="$pr" 'NR > 1 && !($p > 0) { bad = 1 } END { exit bad }' "$csv" ||
	fail "a row without a probe"
n=$(awk -F, -v s="$st" -v a="$at" -v r="$rp" \
	'NR > 21 && $r == 3 && $a == 1 && $s == "interfered" { n++ } END { print n + 0 }' "$csv")
[ "$n" -ge 1 ] || fail "probe: no slow row marked interfered: $(cat "$TMP/p.err")"
awk -F, -v s="$st" -v a="$at" -v r="$rp" \
	'NR > 21 && $r == 3 && $a == 1 && $s != "interfered" { bad = 1 } END { exit bad }' "$csv" ||
	fail "probe: a slow row after the first 20 not marked"
# (Rows of other repetitions may be marked too: ctest runs tests side by
# side, and other tests slow those rows' probes and take their CPU; under
# ctest -j2 half of them were.  So no bound on them is asserted here.)
# Every marked row is measured again: an attempt 2 of the same
# configuration and repetition follows it.  Its status is not asserted:
# under ctest -j2 a neighbouring test may interfere with it too (CI, stop
# 20: none of the attempt-2 rows was ok), and --remeasure's default of 3
# attempts then runs a third.
im=$(csv_col "$csv" impl)
rd=$(csv_col "$csv" read_pct)
awk -F, -v s="$st" -v a="$at" -v r="$rp" -v i="$im" -v d="$rd" '
	NR > 1 && $r == 3 && $a == 1 && $s == "interfered" { want[$i "/" $d] = 1 }
	NR > 1 && $r == 3 && $a == 2 { got[$i "/" $d] = 1 }
	END { for (k in want) if (!(k in got)) { print k; bad = 1 }; exit bad }' \
	"$csv" >"$TMP/p.miss" ||
	fail "probe: marked rows not measured again: $(tr '\n' ' ' <"$TMP/p.miss")"

# 7. --resume refuses a sweep measured another way, naming the option.
small="--impl null --threads 1 --read 100 --keys 1000 --repeat 1 --duration 10ms --latency-sample 0 --no-plot"
# shellcheck disable=SC2086 # word splitting of $small is intended
"$MB" sweep $small --out "$TMP/S" >/dev/null 2>&1 || fail "small sweep"
for extra in "--settle" "--sizing keys" "--no-isolate" "--ops 1000" \
	"--interference-limit 20" "--repeat 1 --precision 5 --max-repeat 3"; do
	# shellcheck disable=SC2086
	"$MB" sweep $small $extra --out "$TMP/S" --resume >/dev/null \
		2>"$TMP/s.err"
	rc=$?
	opt=$(echo "$extra" | sed 's/^--\([a-z-]*\).*/\1/')
	[ "$rc" -eq 2 ] || fail "resume with $extra: exit $rc, want 2"
	grep -q -- "--" "$TMP/s.err" || fail "resume with $extra: no message"
	[ "$opt" = repeat ] && opt=precision
	[ "$opt" = no-isolate ] && opt=isolate
	grep -q -- "options differ from the sweep in .*--$opt (" "$TMP/s.err" ||
		fail "resume with $extra: $(cat "$TMP/s.err")"
done

# 8. Bad values: exit 2 and one line naming the option.
for bad in "--precision 0" "--precision x" "--max-repeat 0" \
	"--interference-limit 100" "--remeasure -1"; do
	# shellcheck disable=SC2086
	"$MB" sweep $small $bad --out "$TMP/bad" >/dev/null 2>"$TMP/b.err"
	[ $? -eq 2 ] || fail "$bad: want exit 2"
	[ "$(wc -l <"$TMP/b.err")" -eq 1 ] || fail "$bad: $(cat "$TMP/b.err")"
	[ -e "$TMP/bad" ] && fail "$bad: wrote $TMP/bad"
done
# shellcheck disable=SC2086
"$MB" sweep $small --max-repeat 4 --out "$TMP/bad" >/dev/null 2>"$TMP/b.err"
[ $? -eq 2 ] || fail "--max-repeat without --precision: want exit 2"
# shellcheck disable=SC2086
MAPBENCH_INTERFERENCE_LIMIT=lots "$MB" sweep $small --out "$TMP/bad" \
	>/dev/null 2>"$TMP/b.err"
[ $? -eq 2 ] && grep -q MAPBENCH_INTERFERENCE_LIMIT "$TMP/b.err" ||
	fail "a bad MAPBENCH_INTERFERENCE_LIMIT is not refused"

# 9. The core-to-core probe: NA at 1 thread and unpinned, a time in ns
# (both edges) for 2 pinned threads, and the sweep's closing line says
# the range.  Needs two allowed CPUs.
if [ "$(taskset -pc $$ 2>/dev/null | sed 's/.*: *//' | tr , '\n' |
	awk -F- '{ n += ($2 == "" ? 1 : $2 - $1 + 1) } END { print n + 0 }')" -ge 2 ]; then
	"$MB" sweep --impl null --threads 1,2 --read 100 --keys 1000 \
		--repeat 1 --duration 10ms --latency-sample 0 \
		--interference-limit off --out "$TMP/C" --no-plot >/dev/null 2>"$TMP/c.err" ||
		fail "c2c sweep: $(cat "$TMP/c.err")"
	csv=$TMP/C/results.csv
	th=$(csv_col "$csv" threads)
	for col in c2c_ns c2c_after_ns; do
		k=$(csv_col "$csv" "$col")
		[ -n "$k" ] || fail "column $col missing"
		awk -F, -v k="$k" -v t="$th" 'NR > 1 && $t == 1 && $k != "" { bad = 1 }
			NR > 1 && $t == 2 && !($k > 5 && $k < 100000) { bad = 1 }
			END { exit bad }' "$csv" ||
			fail "$col: want NA at 1 thread, ns at 2: $(cut -d, -f"$th,$k" "$csv" | tr '\n' ' ')"
	done
	grep -q "cache line took [0-9]* to [0-9]* ns" "$TMP/c.err" ||
		fail "no core-to-core line: $(cat "$TMP/c.err")"
	"$MB" sweep --impl null --threads 2 --read 100 --keys 1000 --no-pin \
		--repeat 1 --duration 10ms --latency-sample 0 \
		--interference-limit off --out "$TMP/C2" --no-plot >/dev/null 2>&1 ||
		fail "unpinned c2c sweep"
	k=$(csv_col "$TMP/C2/results.csv" c2c_ns)
	awk -F, -v k="$k" 'NR > 1 && $k != "" { bad = 1 } END { exit bad }' \
		"$TMP/C2/results.csv" || fail "c2c_ns measured with unpinned workers"
	# The closing line warns when the probes span two placements: more
	# than 1.5x apart and by more than 60 ns (MAPBENCH_TEST_C2C sets
	# each repetition's probes).
	for case in "30,70 same" "180,260 same" "70,200 moved" "40,400 moved"; do
		vals=${case% *} want=${case#* }
		rm -rf "$TMP/C3"
		MAPBENCH_TEST_C2C=$vals "$MB" sweep --impl null --threads 2 --read 100 \
			--keys 1000 --repeat 2 --precision off --duration 10ms \
			--latency-sample 0 --interference-limit off --out "$TMP/C3" \
			--no-plot >/dev/null 2>"$TMP/c3.err" ||
			{ fail "c2c $vals sweep: $(cat "$TMP/c3.err")"; continue; }
		k=$(csv_col "$TMP/C3/results.csv" c2c_ns)
		r=$(csv_col "$TMP/C3/results.csv" rep)
		got=$(awk -F, -v k="$k" -v r="$r" 'NR > 1 { v[$r] = $k + 0 } END { print v[1] "," v[2] }' \
			"$TMP/C3/results.csv")
		[ "$got" = "$vals" ] || fail "MAPBENCH_TEST_C2C=$vals: rows recorded $got"
		if grep -q "warning: a cache line took" "$TMP/c3.err"; then got=moved; else got=same; fi
		[ "$got" = "$want" ] || fail "c2c $vals: want $want, the closing lines say: $(grep -i 'cache line' "$TMP/c3.err")"
	done
fi

finish

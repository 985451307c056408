# mapbench compare on synthetic sweeps with known answers:
#	sh compare.sh MAPBENCH SOURCE_DIR [REPORT_PAGE]
# A 20% difference must be significant with a ratio of 1.20, identical
# inputs must not be; 3+ inputs merge; partial overlap is listed;
# --threshold sets the exit status; bad input exits 2 writing nothing.
. "$(dirname "$0")/lib.sh"

# sweep DIR FACTOR REPS [DURATION] [EXTRA_AWK]: a results.csv where every
# configuration's mops is BASE * FACTOR with +-1% deterministic jitter.
sweep() {
	dir=$1 factor=$2 reps=$3 dur=${4:-0.5} status=${5:-}
	mkdir -p "$dir"
	awk -v f="$factor" -v reps="$reps" -v dur="$dur" -v st="$status" 'BEGIN {
		printf "impl,workload,threads,read_pct,keys,dist,prefill_pct,rep,duration_s,mops,ns_per_op%s\n", st != "" ? ",status" : ""
		n = split("syncmap rwlock", impls, " ")
		for (r = 1; r <= reps; r++)
		for (i = 1; i <= n; i++)
		for (t = 1; t <= 2; t++)
		for (rd = 90; rd <= 100; rd += 10) {
			base = (i == 1 ? 40 : 10) * t * (rd == 100 ? 2 : 1)
			m = base * f * (1 + ((r * 7) % 5 - 2) / 200)
			s = ""
			if (st != "")
				s = (st == "some" && r == 1 && i == 2 && t == 1 && rd == 90) ? ",error" : ",ok"
			printf "%s,rw,%d,%d,1000,uniform,50,%d,%s,%.6f,%.6f%s\n", impls[i], t, rd, r, dur, m, 1000 / m, s
		}
	}' >"$dir/results.csv"
	cat >"$dir/meta.json" <<JSON
{"tool": "mapbench", "date": "2026-11-30T00:00:00+0000",
 "command_line": ["mapbench", "sweep", "--out", "$dir"],
 "machine": {"cpu_model": "Test CPU <$factor>", "cpus_online": 8, "kernel": "6.1.0"},
 "build": {"compiler": "12.2.0", "build_type": "RelWithDebInfo", "cflags": "-O2", "liburcu": "0.13.2", "git_commit": "0123456789abcdef", "git_dirty": false}}
JSON
}

sweep "$TMP/A" 1 5
sweep "$TMP/A2" 1 5
sweep "$TMP/B" 1.2 5
sweep "$TMP/C" 0.9 5
sweep "$TMP/R3" 1.2 3
sweep "$TMP/R3a" 1 3

# csvfield FILE GROUP THREADS READ INPUT COLUMN: one value of compare's CSV
csvfield() {
	awk -F, -v g="$2" -v t="$3" -v r="$4" -v inp="$5" -v col="$6" '
	NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$h["group"] == g && $h["threads"] == t && $h["read_pct"] == r &&
	    $h["input"] == inp { print $h[col] }' "$1"
}

# nsig FILE: how many rows of compare's CSV are significant
nsig() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$h["significant"] == "true" { n++ } END { print n + 0 }' "$1"
}

# 1. A known 20% difference: significant, ratio 1.20, p = 2/252.
"$MB" compare --format csv "$TMP/A" "$TMP/B" >"$TMP/ab.csv" ||
	fail "compare A B: exit $?"
ratio=$(csvfield "$TMP/ab.csv" syncmap 2 90 B ratio)
awk -v x="$ratio" 'BEGIN { exit !(x > 1.19 && x < 1.21) }' ||
	fail "20%: ratio '$ratio', want ~1.20"
[ "$(csvfield "$TMP/ab.csv" syncmap 2 90 B significant)" = true ] ||
	fail "20%: not significant"
p=$(csvfield "$TMP/ab.csv" rwlock 1 100 B p)
awk -v x="$p" 'BEGIN { exit !(x > 0.0079 && x < 0.0080) }' ||
	fail "20%: p '$p', want 0.00794"
lo=$(csvfield "$TMP/ab.csv" syncmap 1 100 B ratio_lo)
hi=$(csvfield "$TMP/ab.csv" syncmap 1 100 B ratio_hi)
awk -v l="$lo" -v h="$hi" 'BEGIN { exit !(l > 1.15 && l < 1.2 && h > 1.2 && h < 1.25) }' ||
	fail "20%: ratio interval [$lo, $hi]"
[ "$(nsig "$TMP/ab.csv")" -eq 8 ] ||
	fail "20%: want all 8 configurations significant"
"$MB" compare "$TMP/A" "$TMP/B" >"$TMP/ab.txt" || fail "text: exit $?"
grep -q '+20.0% \[' "$TMP/ab.txt" || fail "text: no +20.0% cell"
grep -q 'better' "$TMP/ab.txt" || fail "text: mops should say better"
grep -q '^geomean (4) .*+20.0%' "$TMP/ab.txt" || fail "text: geomean row"
grep -q 'Test CPU <1.2>' "$TMP/ab.txt" || fail "text: machine of B"
grep -q 'warning' "$TMP/ab.txt" && fail "text: warning for equal methods"

# 2. Identical inputs: nothing significant, p = 1.
"$MB" compare --format csv "$TMP/A" "$TMP/A2" >"$TMP/aa.csv" ||
	fail "compare A A2: exit $?"
[ "$(nsig "$TMP/aa.csv")" -eq 0 ] || fail "identical inputs: significant"
[ "$(csvfield "$TMP/aa.csv" syncmap 1 90 B p)" = 1 ] ||
	fail "identical: p != 1"
"$MB" compare "$TMP/A" "$TMP/A2" | grep -q '~ (p=1.000 n=5+5)' ||
	fail "identical: no ~ cell"

# 3. Too few repetitions: 3 vs 3 can never reach 0.05, and says so.
"$MB" compare "$TMP/R3a" "$TMP/R3" >"$TMP/r3.txt"
grep -q '~ (p=0.100 n=3+3)' "$TMP/r3.txt" || fail "3v3: no ~ p=0.100"
grep -q 'too few repetitions.*smallest possible p is 0.100' "$TMP/r3.txt" ||
	fail "3v3: the reason is not given"
grep -q 'only 75% confidence' "$TMP/r3.txt" || fail "3v3: median CI note"

# 4. Three inputs merge (one sweep per machine): columns A B C.
"$MB" compare --format csv "$TMP/A" "$TMP/B" "$TMP/C" >"$TMP/abc.csv" ||
	fail "compare A B C: exit $?"
ratio=$(csvfield "$TMP/abc.csv" rwlock 2 100 C ratio)
awk -v x="$ratio" 'BEGIN { exit !(x > 0.89 && x < 0.91) }' ||
	fail "merge: C ratio '$ratio', want 0.90"
[ "$(awk -F, 'NR > 1' "$TMP/abc.csv" | wc -l)" -eq 24 ] ||
	fail "merge: want 8 configurations x 3 inputs"
"$MB" compare "$TMP/A" "$TMP/B" "$TMP/C" >"$TMP/abc.txt"
grep -q 'vs A.*vs A' "$TMP/abc.txt" || fail "merge: two vs-A columns"
"$MB" compare --format json "$TMP/A" "$TMP/B" "$TMP/C" >"$TMP/abc.json" ||
	fail "json: exit $?"
grep -q '"significant": true' "$TMP/abc.json" || fail "json: no significant"
[ "$(grep -c '"label": "[ABC]"' "$TMP/abc.json")" -eq 3 ] || fail "json: inputs"

# 5. Partial overlap: listed with a count, not dropped silently.
sweep "$TMP/D" 1 5
awk -F, 'NR == 1 || !($1 == "rwlock" && $3 == 2 && $4 == 90)' \
	"$TMP/A/results.csv" >"$TMP/D/results.csv"
awk -F, -v OFS=, '$1 == "syncmap" && $3 == 2 { $3 = 4; print }' \
	"$TMP/A/results.csv" >>"$TMP/D/results.csv"
"$MB" compare "$TMP/A" "$TMP/D" >"$TMP/ad.txt" || fail "partial: exit $?"
grep -q '3 configuration(s) are not in every input' "$TMP/ad.txt" ||
	fail "partial: count (want 3)"
grep -q 'rwlock threads=2 read_pct=90 .*(only in A)' "$TMP/ad.txt" ||
	fail "partial: the missing one is not named"
grep -q 'syncmap threads=4 .*(only in B)' "$TMP/ad.txt" ||
	fail "partial: the extra one is not named"

# 6. --threshold: exit 1 only for a significant regression past PCT.
"$MB" compare --threshold 10 "$TMP/A" "$TMP/B" >/dev/null 2>&1
[ $? -eq 0 ] || fail "threshold: B is faster, want exit 0"
"$MB" compare --threshold 10 "$TMP/B" "$TMP/A" >/dev/null 2>"$TMP/err"
[ $? -eq 1 ] || fail "threshold: A is 17% slower than B, want exit 1"
grep -q 'significantly worse' "$TMP/err" || fail "threshold: no message"
"$MB" compare --threshold 20 "$TMP/B" "$TMP/A" >/dev/null 2>&1
[ $? -eq 0 ] || fail "threshold 20: -16.7% is within, want exit 0"
"$MB" compare --threshold 0 "$TMP/A" "$TMP/A2" >/dev/null 2>&1
[ $? -eq 0 ] || fail "threshold: identical, want exit 0"
# 3 vs 3 repetitions can never reach p < 0.05: a gate that cannot see is
# refused (exit 2, nothing on stdout), saying how many are needed.
"$MB" compare --threshold 0 "$TMP/R3" "$TMP/R3a" >"$TMP/out" 2>"$TMP/err"
[ $? -eq 2 ] || fail "threshold: 3 reps cannot be significant, want exit 2"
[ -s "$TMP/out" ] && fail "threshold refused, but something was printed"
grep -q 'needs at least 4 per side' "$TMP/err" ||
	fail "threshold refusal does not say how many repetitions: $(cat "$TMP/err")"
# lower is better for ns_per_op: B has 1/1.2 of A's ns/op
"$MB" compare --metric ns_per_op --threshold 10 "$TMP/A" "$TMP/B" >/dev/null 2>&1
[ $? -eq 0 ] || fail "threshold ns_per_op: B is faster, want exit 0"
"$MB" compare --metric ns_per_op --threshold 10 "$TMP/B" "$TMP/A" >/dev/null 2>&1
[ $? -eq 1 ] || fail "threshold ns_per_op: A is slower, want exit 1"
# E is 5% slower than A: past a 2% threshold, within a 10% one, both ways
sweep "$TMP/E" 0.952381 5
for m in mops ns_per_op; do
	"$MB" compare --metric $m --threshold 10 "$TMP/A" "$TMP/E" >/dev/null 2>&1
	[ $? -eq 0 ] || fail "threshold $m: 5% worse is within 10%, want exit 0"
	"$MB" compare --metric $m --threshold 2 "$TMP/A" "$TMP/E" >/dev/null 2>&1
	[ $? -eq 1 ] || fail "threshold $m: 5% worse is past 2%, want exit 1"
done
"$MB" compare --metric ns_per_op "$TMP/A" "$TMP/B" | grep -q -- '-16.7% .* better' ||
	fail "ns_per_op: lower should read better"

# 7. --impl within one sweep; status column; methods that differ.
"$MB" compare --impl syncmap,rwlock --format csv "$TMP/A" >"$TMP/impl.csv" ||
	fail "--impl: exit $?"
ratio=$(csvfield "$TMP/impl.csv" "" 1 90 B ratio)
awk -v x="$ratio" 'BEGIN { exit !(x > 0.24 && x < 0.26) }' ||
	fail "--impl: rwlock/syncmap ratio '$ratio', want 0.25"
sweep "$TMP/S" 1 5 1 some
"$MB" compare "$TMP/A" "$TMP/S" >"$TMP/s.txt" || fail "status: exit $?"
grep -q 'B: .*1 not ok excluded' "$TMP/s.txt" || fail "status: not counted"
grep -q 'warning: the inputs were measured differently: .*duration_s' "$TMP/s.txt" ||
	fail "methods: duration 0.5 vs 1 not warned"
grep -q 'only in' "$TMP/s.txt" && fail "methods: duration_s split the configurations"

# 8. --html and --plot.
"$MB" compare --html "$TMP/cmp.html" "$TMP/A" "$TMP/B" >/dev/null ||
	fail "--html: exit $?"
grep -q '<table class=summary>' "$TMP/cmp.html" || fail "--html: no table"
grep -q 'Test CPU &lt;1.2&gt;' "$TMP/cmp.html" || fail "--html: not escaped"
if command -v gnuplot >/dev/null 2>&1; then
	"$MB" compare --plot "$TMP/cmp.svg" "$TMP/A" "$TMP/B" "$TMP/C" >/dev/null ||
		fail "--plot: exit $?"
	grep -q '<svg' "$TMP/cmp.svg" || fail "--plot: no svg"
	ls "$TMP" | grep -q 'tmp' && fail "--plot: temporary files left"
fi
PATH=/nonexistent "$MB" compare --plot "$TMP/nognuplot.svg" "$TMP/A" "$TMP/B" \
	>"$TMP/out" 2>"$TMP/err"
[ $? -eq 3 ] || fail "no gnuplot: want exit 3"
grep -q 'geomean' "$TMP/out" || fail "no gnuplot: results not printed"
[ -e "$TMP/nognuplot.svg" ] && fail "no gnuplot: wrote a plot"

# 9. Bad input: exit 2, one line, nothing on stdout, no file written.
bad() {
	rm -f "$TMP/bad.html" "$TMP/bad.svg"
	"$MB" compare --html "$TMP/bad.html" --plot "$TMP/bad.svg" "$@" \
		>"$TMP/stdout" 2>"$TMP/stderr"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$*: exit $rc, want 2"
	[ "$(wc -l <"$TMP/stderr")" -eq 1 ] ||
		fail "$*: want one line: $(cat "$TMP/stderr")"
	[ ! -s "$TMP/stdout" ] || fail "$*: wrote to stdout"
	[ ! -e "$TMP/bad.html" ] && [ ! -e "$TMP/bad.svg" ] ||
		fail "$*: wrote a file"
}
mkdir -p "$TMP/nul" "$TMP/short" "$TMP/nan" "$TMP/cut"
printf 'impl,threads,mops\nsyncmap,1,2\0\n' >"$TMP/nul/results.csv"
printf 'impl,threads,mops\nsyncmap,1,2\nsyncmap,1\n' >"$TMP/short/results.csv"
printf 'impl,threads,mops\nsyncmap,1,fast\n' >"$TMP/nan/results.csv"
printf 'impl,threads,mops\nsyncmap,1,2' >"$TMP/cut/results.csv"
bad "$TMP/A" "$TMP/nul"
grep -q 'results.csv:2: .*NUL byte' "$TMP/stderr" || fail "NUL: no line number"
bad "$TMP/A" "$TMP/short"
grep -q 'results.csv:3: 2 fields where the header has 3' "$TMP/stderr" ||
	fail "short row: no line number"
bad "$TMP/A" "$TMP/nan"
grep -q ':2: mops .fast. is not a number' "$TMP/stderr" || fail "nan: message"
bad "$TMP/A" "$TMP/cut"
bad "$TMP/A" "$TMP/nosuchdir"
bad "$TMP/A"
bad --metric nosuch "$TMP/A" "$TMP/B"
bad --metric rep --threshold 5 "$TMP/A" "$TMP/B"
bad --alpha 2 "$TMP/A" "$TMP/B"
bad --format xml "$TMP/A" "$TMP/B"
bad --impl syncmap,nosuch "$TMP/A"
bad --impl syncmap,rwlock "$TMP/A" "$TMP/B"
bad --bogus "$TMP/A" "$TMP/B"
# D18: decimal numbers only, a measured column, an SVG name for the SVG
bad --threshold 0x10 "$TMP/A" "$TMP/B"
grep -q "'0x10' is not a decimal number" "$TMP/stderr" || fail "0x10: $(cat "$TMP/stderr")"
bad --threshold inf "$TMP/A" "$TMP/B"
bad --alpha 0x0.1p0 "$TMP/A" "$TMP/B"
bad --metric seed "$TMP/A" "$TMP/B"
grep -q "'seed' is not a measurement" "$TMP/stderr" || fail "seed: $(cat "$TMP/stderr")"
bad --metric threads "$TMP/A" "$TMP/B"
rm -f "$TMP/x.png"
"$MB" compare --plot "$TMP/x.png" "$TMP/A" "$TMP/B" >"$TMP/stdout" 2>"$TMP/stderr"
[ $? -eq 2 ] || fail "--plot x.png: want exit 2"
grep -q "'.*x.png': the figure is SVG; give a file name ending in .svg" "$TMP/stderr" ||
	fail "--plot x.png: $(cat "$TMP/stderr")"
[ ! -e "$TMP/x.png" ] || fail "--plot x.png: wrote it"
# KEEP=DIR keeps the inputs and outputs for a look.
[ -z "${KEEP:-}" ] || cp -r "$TMP" "$KEEP"
finish

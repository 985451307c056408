# mapbench plot against hostile and awkward results: no shell ever sees
# a field or a path, every bad line is reported with its number, FIFOs
# and directories are refused at once, write errors leave nothing
# behind, partial sweeps plot, and what is reported is what was written.
. "$(dirname "$0")/lib.sh"

command -v gnuplot >/dev/null 2>&1 || { echo "gnuplot missing: skipped"; exit 0; }
REF=$SRC/results/reference/results.csv
HDR=$(head -1 "$REF")
# (the template: the reference's first ok syncmap row, which has latencies)
TPL=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$h["impl"] == "syncmap" && $h["status"] == "ok" && $h["p99_ns"] != "" { print; exit }' "$REF")

# row IMPL THREADS READ KEYS MOPS [COLUMN=VALUE...]: a results.csv row
# made from a real one, dist uniform.
row() {
	awk -F, -v OFS=, -v hdr="$HDR" -v tpl="$TPL" -v args="$*" 'BEGIN {
		n = split(hdr, h, ","); split(tpl, t, ",")
		for (i = 1; i <= n; i++) ix[h[i]] = i
		na = split(args, a, " ")
		t[ix["impl"]] = a[1]; t[ix["threads"]] = a[2]
		t[ix["read_pct"]] = a[3]; t[ix["keys"]] = a[4]
		t[ix["mops"]] = a[5]; t[ix["dist"]] = "uniform"
		for (j = 6; j <= na; j++) {
			split(a[j], kv, "=")
			if (!(kv[1] in ix)) { print "no column " kv[1] >"/dev/stderr"; exit 1 }
			t[ix[kv[1]]] = kv[2]
		}
		s = t[1]; for (i = 2; i <= n; i++) s = s OFS t[i]; print s
	}'
}
# a small valid sweep in DIR
mksweep() {
	mkdir -p "$1"
	{
		echo "$HDR"
		for m in syncmap rwlock null; do
			for t in 1 2 4; do
				ov=0; [ "$t" -gt 2 ] && ov=1
				for r in 0 90 100; do
					row $m $t $r 1000 $((t * 10 + r / 10)) oversubscribed=$ov
				done
			done
		done
	} >"$1/results.csv"
}
# plot DIR [ARGS]: run in $TMP/cwd, output in $TMP/o, $TMP/e; sets rc
plot() {
	mkdir -p "$TMP/cwd"
	(cd "$TMP/cwd" && timeout 120 "$MB" plot "$@") >"$TMP/o" 2>"$TMP/e"
	rc=$?
}
pwned() {
	[ -z "$(find "$TMP" "$SRC" -maxdepth 3 -name 'PWNED*' 2>/dev/null)" ] ||
		fail "$1: a shell ran data (PWNED exists)"
}

# 1. data never reaches a shell: a dist and an impl with command
# substitutions and quotes are refused with their line numbers.
S=$TMP/inj
mksweep "$S"
row syncmap 1 50 1000 5 >>"$S/results.csv"
sed -i '5s/,uniform,/,uniform$(touch PWNED),/' "$S/results.csv"
sed -i "7s/^syncmap,/sync'map\"\`touch PWNED2\`,/" "$S/results.csv"
row syncmap 1 50 1000 5 | sed 's/^syncmap,/"a'"'"'b$(touch PWNED4)",/' >>"$S/results.csv"
plot "$S"
[ "$rc" -eq 1 ] || fail "injection: exit $rc, want 1"
grep -q "results.csv:5: column dist: invalid value 'uniform\$(touch PWNED)'" "$TMP/e" ||
	fail "injection: dist not reported with its line: $(cat "$TMP/e")"
grep -q "results.csv:7: line skipped: a quote inside an unquoted field" "$TMP/e" ||
	fail "injection: line 7 not reported"
grep -q "results.csv:30: column impl: invalid value 'a'b\$(touch PWNED4)'" "$TMP/e" ||
	fail "injection: impl not reported: $(cat "$TMP/e")"
[ -s "$S/plots/throughput_reads_uniform_k1000_t1.png" ] || fail "injection: the valid rows were not plotted"
pwned injection

# 2. paths with quotes, $ and spaces, for the sweep and --plot-dir
S="$TMP/it's \$(touch PWNED) \"q\""
mksweep "$S"
P="$TMP/out '\$(touch PWNED3)' \"x\" \\"
plot "$S" --plot-dir "$P"
[ "$rc" -eq 0 ] || fail "odd paths: exit $rc: $(cat "$TMP/e")"
[ -s "$P/throughput_threads_uniform_k1000.svg" ] || fail "odd paths: no image in --plot-dir"
[ -s "$S/summary.tsv" ] || fail "odd paths: no summary.tsv"
pwned "odd paths"

# 3. the default plot directory is the sweep's; no .dat files; the log
# has no absolute paths; the report names exactly the images written
S=$TMP/def
mksweep "$S"
plot "$S"
[ "$rc" -eq 0 ] || fail "default: exit $rc: $(cat "$TMP/e")"
[ -d "$S/plots" ] || fail "default: no $S/plots"
[ -z "$(find "$S" -name '*.dat')" ] || fail "default: .dat files written"
[ "$(ls "$S/plots" | grep -v '^index\.html$' | grep -cv '\.\(svg\|png\)$')" -eq 0 ] || fail "default: plots/ holds more than images and index.html"
grep -q "$TMP" "$S/gnuplot.log" && fail "default: gnuplot.log holds absolute paths"
names=$(sed -n 's/^plots: .*(.svg and .png): //p' "$TMP/o" | tr ' ' '\n' | sort)
files=$(ls "$S/plots" | grep -v '^index\.html$' | sed 's/\.\(svg\|png\)$//' | sort -u)
[ -n "$names" ] && [ "$names" = "$files" ] || fail "default: report '$names' is not what was written '$files'"
# summary.tsv: one row per configuration
[ "$(($(wc -l <"$S/summary.tsv") - 1))" -eq 27 ] || fail "default: summary.tsv rows"

# 4. stale images: a figure that cannot be drawn any more is removed
echo stale >"$S/plots/latency_uniform_k1000.png"
echo stale >"$S/plots/throughput_reads_uniform_k5.png"
sed -i 's/^\(\([^,]*,\)\{52\}\)[^,]*/\10/' "$S/results.csv" # p50_ns: 0
grep -q ',0,[0-9.]*,[0-9.]*,[0-9.]*,[0-9]*,[0-9.]*,[0-9]*$' "$S/results.csv" || true
awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i ~ /^(p50|p99|p999|max)_ns$/) c[i] = 1; print; next }
	{ for (i in c) $i = ""; print }' "$S/results.csv" >"$TMP/x" && mv "$TMP/x" "$S/results.csv"
plot "$S"
[ "$rc" -eq 0 ] || fail "stale: exit $rc: $(cat "$TMP/e")"
[ ! -e "$S/plots/latency_uniform_k1000.png" ] || fail "stale: an old latency image stayed"
grep -q "latency_uniform_k1000 not drawn: no latency samples" "$TMP/e" || fail "stale: skipped figure not said: $(cat "$TMP/e")"
grep -q latency "$TMP/o" && fail "stale: reported an image not drawn"

# 5. a FIFO or a directory as results.csv: exit 2 at once
S=$TMP/fifo
mkdir -p "$S" && mkfifo "$S/results.csv"
plot "$S"
[ "$rc" -eq 2 ] || fail "fifo: exit $rc, want 2"
grep -q "not a regular file" "$TMP/e" || fail "fifo: $(cat "$TMP/e")"
S=$TMP/dir
mkdir -p "$S/results.csv"
plot "$S"
[ "$rc" -eq 2 ] || fail "directory: exit $rc, want 2"
[ ! -e "$S/plots" ] && [ ! -e "$S/summary.tsv" ] || fail "directory: wrote something"

# 6. a NUL byte, a wrong field count, a merged line: reported with line
# numbers, skipped; the lines after them are read
S=$TMP/nul
mksweep "$S"
printf 'syncmap,rw,1,50,x\0y\n' >>"$S/results.csv"
echo "syncmap,rw,1,50" >>"$S/results.csv"
row rwlock 1 50 1000 7 >>"$S/results.csv"
n=$(wc -l <"$S/results.csv")
plot "$S"
[ "$rc" -eq 1 ] || fail "nul: exit $rc, want 1"
grep -q "results.csv:$((n - 2)): line skipped: it holds a NUL byte" "$TMP/e" || fail "nul: not reported: $(cat "$TMP/e")"
grep -q "results.csv:$((n - 1)): line skipped: 4 fields where the header has" "$TMP/e" || fail "nul: short line not reported"
grep -q "^rwlock	uniform	1000	1	50	" "$S/summary.tsv" || fail "nul: the row after the NUL was lost"

# 7. 70 thread counts, 101 read ratios, long keys: sized by the data
S=$TMP/big
mkdir -p "$S"
{
	echo "$HDR"
	t=1; while [ $t -le 70 ]; do row lfht $t 50 123456789012345 $t; t=$((t + 1)); done
	r=0; while [ $r -le 100 ]; do row lfht 1 $r 123456789012345 $((r + 1)); r=$((r + 1)); done
	k=1; while [ $k -le 12 ]; do row lfht 1 50 $((k * 1000003)) 3; k=$((k + 1)); done
} >"$S/results.csv"
plot "$S"
[ "$rc" -eq 0 ] || fail "big: exit $rc: $(cat "$TMP/e")"
[ -s "$S/plots/throughput_threads_uniform_k123456789012345.png" ] || fail "big: no image"

# 8. a write error (file size limit): no summary, no temporary file
S=$TMP/full
mksweep "$S"
(trap '' XFSZ; ulimit -f 2; cd "$TMP/cwd" && "$MB" plot "$S") >"$TMP/o" 2>"$TMP/e"
rc=$?
[ "$rc" -eq 1 ] || fail "write error: exit $rc, want 1"
grep -q "cannot write .*summary.tsv" "$TMP/e" || fail "write error: not said: $(cat "$TMP/e")"
[ -z "$(ls "$S" | grep summary)" ] || fail "write error: left $(ls "$S")"
[ ! -e "$S/plots" ] || fail "write error: drew plots"

# 9. rows whose status is not ok are left out and counted; Go rows and
# an empty sweep are not errors
S=$TMP/status
mkdir -p "$S"
{
	echo "$HDR"
	row syncmap 1 50 1000 5 status=ok
	row syncmap 1 50 1000 999 status=timeout
} >"$S/results.csv"
plot "$S"
[ "$rc" -eq 0 ] || fail "status: exit $rc: $(cat "$TMP/e")"
grep -q "1 row whose status is not ok left out" "$TMP/e" || fail "status: not counted"
grep -q "^syncmap	uniform	1000	1	50	1	" "$S/summary.tsv" || fail "status: the failed row was aggregated"
S=$TMP/go
mkdir -p "$S"
{ echo "$HDR"; row syncmap 1 50 1000 5 | sed 's/,rw,/,LoadMostlyHits,/'; } >"$S/results.csv"
plot "$S"
[ "$rc" -eq 0 ] || fail "go rows: exit $rc"
grep -q "nothing to plot" "$TMP/e" || fail "go rows: no message"

# 10. styles by name: lfht alone is still green, not the first colour;
# oversubscribed points and null are marked; latency is taken at the
# most threads that are not oversubscribed
S=$TMP/style
mkdir -p "$S"
{
	echo "$HDR"
	for t in 1 2 4; do
		ov=0; [ "$t" -gt 2 ] && ov=1
		row lfht $t 50 1000 $t oversubscribed=$ov
		row null $t 50 1000 $((t * 1000)) oversubscribed=$ov
	done
} >"$S/results.csv"
plot "$S"
[ "$rc" -eq 0 ] || fail "style: exit $rc: $(cat "$TMP/e")"
f=$S/plots/throughput_threads_uniform_k1000.svg
grep -q "rgb( 44, 160,  44)" "$f" || fail "style: lfht is not green"
grep -q "rgb( 31, 119, 180)" "$f" && fail "style: lfht took the first colour"
grep -q "oversubscribed" "$f" || fail "style: oversubscription not marked"
grep -q "null (no-op map, the harness ceiling): 1e+03-4e+03 Mops/s, above this axis" "$f" ||
	fail "style: null scaled the axis"
grep -q "2 threads" "$S/plots/latency_uniform_k1000.svg" || fail "style: latency not at 2 threads"

# 11. a figure gnuplot cannot draw: said with gnuplot's own message,
# its images removed, the other figures drawn and reported
S=$TMP/gpfail
mksweep "$S"
cp -r "$SRC/plots" "$TMP/gp"
echo "this is not gnuplot" >>"$TMP/gp/memory.gp"
mkdir -p "$S/plots" && echo stale >"$S/plots/memory_uniform.png"
echo stale >"$S/plots/throughput_reads_uniform_k5.svg" # not drawn any more
MAPBENCH_PLOTS=$TMP/gp plot "$S"
[ "$rc" -eq 1 ] || fail "gnuplot failure: exit $rc, want 1"
grep -q 'failed to draw memory_uniform.svg (memory.gp): "memory.gp" line [0-9]*: invalid command' "$TMP/e" ||
	fail "gnuplot failure: gnuplot's message not shown: $(cat "$TMP/e")"
[ ! -e "$S/plots/memory_uniform.svg" ] && [ ! -e "$S/plots/memory_uniform.png" ] ||
	fail "gnuplot failure: an image of the failed figure stayed"
[ -s "$S/plots/throughput_reads_uniform_k1000_t1.png" ] || fail "gnuplot failure: other figures not drawn"
grep -q memory "$TMP/o" && fail "gnuplot failure: reported the failed figure"
# D16: a figure not drawn any more is removed even when another failed,
# so that the page does not show it
[ ! -e "$S/plots/throughput_reads_uniform_k5.svg" ] ||
	fail "gnuplot failure: a stale image stayed"
grep -q "throughput_reads_uniform_k5" "$S/plots/index.html" &&
	fail "gnuplot failure: the page shows a stale image"

# 12. who wins where: with 5 repetitions a clear difference is
# significant and coloured, an equal one grey; with 3 nothing can be
# significant ("small"); an oversubscribed row has no best; a --baseline
# the sweep does not hold is refused before anything is written.
# reps IMPL THREADS MOPS...: one row per value (rep 1, 2, ...)
reps() {
	m=$1 t=$2; shift 2
	ov=0; [ "$t" -gt 2 ] && ov=1
	i=1
	for v in "$@"; do
		row "$m" "$t" "${R:-50}" 1000 "$v" oversubscribed=$ov rep=$i
		i=$((i + 1))
	done
}
S=$TMP/heat
mkdir -p "$S"
{
	echo "$HDR"
	reps rwlock 1 10 10.5 11 9.5 9.8
	reps syncmap 1 20 21 22 19 19.5
	reps lfht 1 10.1 9.9 10.3 10.4 9.8
	reps rwlock 4 10 10.5 11 9.5 10.2
	reps syncmap 4 20 21 22 19 20.5
	reps rwlock 2 10 11 12
	reps syncmap 2 20 21 22
} >"$S/results.csv"
plot "$S"
[ "$rc" -eq 0 ] || fail "heat: exit $rc: $(cat "$TMP/e")"
H=$S/heatmap.tsv
cell() { awk -F'\t' -v m="$1" -v t="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) ix[$i] = i; next }
	$ix["impl"] == m && $ix["threads"] == t { print $ix[c] }' "$H"; }
[ "$(cell syncmap 1 status)" = sig ] || fail "heat: 2x with 5 reps is not significant: $(cell syncmap 1 status)"
[ "$(cell syncmap 1 ratio)" = 2 ] || fail "heat: ratio $(cell syncmap 1 ratio), want 2"
[ "$(cell syncmap 1 best)" = 1 ] || fail "heat: the fastest map of a row is not best"
[ "$(cell syncmap 1 fill)" != "#ececec" ] || fail "heat: a significant cell is grey"
[ "$(cell lfht 1 status)" = ns ] || fail "heat: an equal map is $(cell lfht 1 status), want ns"
[ "$(cell lfht 1 fill)" = "#ececec" ] || fail "heat: a non-significant cell is not grey"
[ "$(cell rwlock 1 status)" = ref ] || fail "heat: the baseline is not the reference"
[ "$(cell syncmap 2 status)" = small ] || fail "heat: 3 vs 3 is $(cell syncmap 2 status), want small"
[ "$(cell syncmap 4 best)" = 0 ] || fail "heat: an oversubscribed row has a best"
grep -q "n too small: with 3 vs 3 repetitions" "$S/plots/heatmap_uniform_k1000.svg" ||
	fail "heat: the figure does not say n too small"
grep -q 'class="num best" style="background:#' "$S/plots/index.html" || fail "heat: no coloured best cell on the page"
grep -q "n too small" "$S/plots/index.html" || fail "heat: the page does not say n too small"
plot "$S" --baseline best
[ "$rc" -eq 0 ] || fail "heat best: exit $rc"
[ "$(cell syncmap 1 status)" = ref ] && [ "$(cell rwlock 1 ratio)" = 0.5 ] ||
	fail "heat best: syncmap is not the reference ($(cell rwlock 1 ratio))"
rm -f "$S/summary.tsv" "$H"
plot "$S" --baseline nosuch
[ "$rc" -eq 2 ] || fail "bad baseline: exit $rc, want 2"
grep -q "baseline 'nosuch': no such map in .*; give one of: syncmap rwlock lfht, or best" "$TMP/e" ||
	fail "bad baseline: message: $(cat "$TMP/e")"
[ ! -e "$S/summary.tsv" ] && [ ! -e "$H" ] || fail "bad baseline: wrote a table"

# 13. summary.tsv: the median's 95% interval from order statistics
# (9 values: [x(2), x(8)]; 5 values: none, NA), n, rows not ok counted
S=$TMP/ci
mkdir -p "$S"
{
	echo "$HDR"
	reps rwlock 1 5 1 9 2 8 3 7 4 6
	reps syncmap 1 1 2 3 4 5
	row syncmap 1 50 1000 99 status=interfered rep=6
	R=90 reps rwlock 1 5 1 9 2 8 3 7 4 6
} >"$S/results.csv"
plot "$S"
[ "$rc" -eq 0 ] || fail "ci: exit $rc: $(cat "$TMP/e")"
sumcol() { awk -F'\t' -v m="$1" -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) ix[$i] = i; next }
	$ix["impl"] == m && $ix["read_pct"] == 50 { print $ix[c] }' "$S/summary.tsv"; }
[ "$(sumcol rwlock mops_med) $(sumcol rwlock mops_lo) $(sumcol rwlock mops_hi) $(sumcol rwlock mops_n)" = "5 2 8 9" ] ||
	fail "ci: rwlock $(sumcol rwlock mops_med) [$(sumcol rwlock mops_lo), $(sumcol rwlock mops_hi)] n $(sumcol rwlock mops_n), want 5 [2, 8] n 9"
[ "$(sumcol syncmap mops_lo) $(sumcol syncmap mops_hi) $(sumcol syncmap mops_n)" = "NA NA 5" ] ||
	fail "ci: 5 values have an interval: $(sumcol syncmap mops_lo)"
[ "$(sumcol syncmap not_ok) $(sumcol syncmap reps) $(sumcol syncmap mops_max)" = "1 5 5" ] ||
	fail "ci: the interfered row: not_ok $(sumcol syncmap not_ok) reps $(sumcol syncmap reps) max $(sumcol syncmap mops_max)"
# bars: min-max while one map has fewer than 6 values, else the interval
grep -q "bars: min-max (fewer than 6 repetitions" "$S/plots/throughput_reads_uniform_k1000_t1.svg" ||
	fail "ci: the bars are not said to be min-max"
sed -i '/^syncmap,/d' "$S/results.csv"
plot "$S"
grep -q "bars: 95% interval of the median" "$S/plots/throughput_reads_uniform_k1000_t1.svg" ||
	fail "ci: the bars are not the 95% interval"
# 14. impossible values (D17): a negative throughput or latency is a bad
# line with its number, not a point; the valid rows still plot
S=$TMP/neg
mksweep "$S"
row syncmap 1 50 1000 -5 >>"$S/results.csv"
n1=$(wc -l <"$S/results.csv")
row rwlock 1 50 1000 5 p99_ns=-1 >>"$S/results.csv"
n2=$(wc -l <"$S/results.csv")
plot "$S"
[ "$rc" -eq 1 ] || fail "negative: exit $rc, want 1"
grep -q "results.csv:$n1: column mops: invalid value '-5' (want a decimal number >= 0 or nothing)" "$TMP/e" ||
	fail "negative mops not refused: $(cat "$TMP/e")"
grep -q "results.csv:$n2: column p99_ns: invalid value '-1'" "$TMP/e" ||
	fail "negative p99_ns not refused: $(cat "$TMP/e")"
grep -q "^syncmap	uniform	1000	1	50	" "$S/summary.tsv" &&
	fail "negative: the bad row was aggregated"

# 15. a full disk while drawing (D31): the message names the cause
# (ENOSPC), not a line of gnuplot.log left by another figure.  Needs a
# small tmpfs: root and unshare -m, else skipped (said).
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	S=$TMP/fullsrc
	mksweep "$S"
	mkdir -p "$TMP/mnt"
	rm -f "$TMP/full.rc"
	unshare -m sh -c '
		mount -t tmpfs -o size=256k tmpfs "$1" || exit 9
		cp -r "$2" "$1/sw" || exit 9
		dd if=/dev/zero of="$1/fill" bs=4k 2>/dev/null
		truncate -s -40k "$1/fill"
		cd "$3/cwd" && "$4" plot "$1/sw" >/dev/null 2>"$3/full.err"
		echo $? >"$3/full.rc"' sh "$TMP/mnt" "$S" "$TMP" "$MB"
	[ "$(cat "$TMP/full.rc" 2>/dev/null)" = 1 ] ||
		fail "full disk: exit $(cat "$TMP/full.rc" 2>/dev/null), want 1: $(head -3 "$TMP/full.err")"
	# Which write meets the full disk first depends on the files' sizes:
	# a table (summary.tsv, heatmap.tsv) or a figure; either says ENOSPC.
	grep -Eq "(gnuplot failed to draw .*: .*/plots|cannot write .*\.tsv): No space left on device" "$TMP/full.err" ||
		fail "full disk: ENOSPC not said: $(head -3 "$TMP/full.err")"
	grep -q 'failed to draw [^:]*: "' "$TMP/full.err" &&
		fail "full disk: a gnuplot.log line quoted: $(grep -m1 'failed to draw [^:]*: "' "$TMP/full.err")"
else
	echo "plot: SKIPPED the full-disk check (needs root and unshare -m)"
fi
finish

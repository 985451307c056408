# The throughput timeline and its drift flag (issue 20): a map that slows
# down in the middle of the window drifts, the same map without the
# slowdown does not; every row has a timeline whose points agree with its
# Mops/s; mapbench timeline draws the rows that drift.
. "$(dirname "$0")/lib.sh"

cc -O2 -shared -fPIC -I"$SRC/impls" "$SRC/tests/harness/slowmap.c" \
	-o "$TMP/slowmap.so" || { fail "build slowmap.so"; finish; }

# cell FILE NAME: column NAME of the first row
cell() {
	i=$(csv_col "$1" "$2")
	[ -n "$i" ] || { echo "no column $2" >&2; return 1; }
	sed -n 2p "$1" | cut -d, -f"$i"
}

run() { # run OUT [ENV=V]: one 400 ms row of slowmap, 100% loads
	out=$1
	shift
	env "$@" "$MB" run --impl-lib "$TMP/slowmap.so" --impl slowmap \
		--threads 1 --read 100 --keys 1000 --duration 400ms \
		--latency-sample 0 --format csv >"$out" 2>"$TMP/err" ||
		fail "run $*: $(cat "$TMP/err")"
}

# On a busy machine a window can lose a quarter's CPU to other processes
# (drift is NA then) or run on a shared core: each case gets three tries.

# The loads spin 20 us from 150 ms on: the last quarter is far slower.
for try in 1 2 3; do
	run "$TMP/slow.csv" MAPBENCH_SLOWMAP_AFTER_MS=150 \
		MAPBENCH_SLOWMAP_SPIN_NS=20000
	[ "$(cell "$TMP/slow.csv" drift)" = 1 ] &&
		awk -v d="$(cell "$TMP/slow.csv" drift_pct)" \
			'BEGIN { exit !(d < -20) }' && break
done
[ "$(cell "$TMP/slow.csv" drift)" = 1 ] ||
	fail "slowdown at 150 ms: drift $(cell "$TMP/slow.csv" drift), want 1"
awk -v d="$(cell "$TMP/slow.csv" drift_pct)" 'BEGIN { exit !(d < -20) }' ||
	fail "slowdown: drift_pct $(cell "$TMP/slow.csv" drift_pct), want < -20"

# Steady: no drift.
for try in 1 2 3; do
	run "$TMP/steady.csv"
	[ "$(cell "$TMP/steady.csv" drift)" = 0 ] && break
done
[ "$(cell "$TMP/steady.csv" drift)" = 0 ] ||
	fail "steady map: drift $(cell "$TMP/steady.csv" drift) ($(cell "$TMP/steady.csv" drift_pct)%), want 0"

# The timeline: 10 ms slices, about 40 of them (up to 60 when a busy
# machine stretches the window), averaging to the row's
# Mops/s (within 10%: the slices leave out the last partial one).
for f in slow steady; do
	tl=$(cell "$TMP/$f.csv" timeline_mops)
	sl=$(cell "$TMP/$f.csv" timeline_slice_ms)
	mops=$(cell "$TMP/$f.csv" mops)
	[ "$sl" = 10 ] || fail "$f: timeline_slice_ms $sl, want 10"
	echo "$tl" | awk -F';' -v m="$mops" '
		{ for (i = 1; i <= NF; i++) s += $i; mean = s / NF }
		END { exit !(NF >= 30 && NF <= 60 && mean > 0.9 * m && mean < 1.1 * m) }' ||
		fail "$f: timeline of $(echo "$tl" | awk -F';' '{print NF}') points does not match mops $mops: $tl"
done

# Latency sampling adapts to a slow map: 15,000 loads of 20 us each at
# the default 1 in 1,000 would give about 15 samples; the row samples
# densely enough for its p99 and p99.9.
MAPBENCH_SLOWMAP_AFTER_MS=0 MAPBENCH_SLOWMAP_SPIN_NS=20000 \
	"$MB" run --impl-lib "$TMP/slowmap.so" --impl slowmap --threads 1 \
	--read 100 --keys 1000 --ops 15000 --format csv >"$TMP/lat.csv" \
	2>"$TMP/err" || fail "run --ops: $(cat "$TMP/err")"
n=$(cell "$TMP/lat.csv" lat_samples)
[ "$n" -ge 10000 ] || fail "slow map: $n latency samples, want >= 10000"
[ -n "$(cell "$TMP/lat.csv" p999_ns)" ] || fail "slow map: no p99.9"
[ -z "$(cell "$TMP/lat.csv" lat_too_few)" ] ||
	fail "slow map: lat_too_few $(cell "$TMP/lat.csv" lat_too_few)"

# A map still busy after the prefill: the row says "unsettled", records
# the wait, and the summary leaves it out; a settled one is ok.
MAPBENCH_SLOWMAP_UNSETTLED=1 "$MB" run --impl-lib "$TMP/slowmap.so" \
	--impl slowmap --threads 1 --read 100 --keys 1000 --duration 50ms \
	--format csv >"$TMP/uns.csv" 2>/dev/null
[ $? -eq 1 ] || fail "unsettled row: want exit 1 (a row not ok)"
[ "$(cell "$TMP/uns.csv" status)" = unsettled ] ||
	fail "status $(cell "$TMP/uns.csv" status), want unsettled"
[ -n "$(cell "$TMP/uns.csv" settle_s)" ] || fail "unsettled: no settle_s"
MAPBENCH_SLOWMAP_UNSETTLED=1 "$MB" run --impl-lib "$TMP/slowmap.so" \
	--impl slowmap --threads 1 --read 100 --keys 1000 --duration 50ms \
	--repeat 2 >"$TMP/uns.txt" 2>/dev/null
grep -q '(2 rows not ok left out)' "$TMP/uns.txt" ||
	fail "summary does not leave the unsettled rows out: $(cat "$TMP/uns.txt")"
[ "$(cell "$TMP/steady.csv" status)" = ok ] || fail "settled row not ok"
[ -n "$(cell "$TMP/steady.csv" settle_s)" ] || fail "settled: no settle_s"
"$MB" run --impl unsync --threads 1 --read 100 --keys 1000 --duration 20ms \
	--format csv >"$TMP/ns.csv" 2>/dev/null || fail "run unsync"
[ -z "$(cell "$TMP/ns.csv" settle_s)" ] ||
	fail "a map without a settle hook: settle_s $(cell "$TMP/ns.csv" settle_s), want NA"

# mapbench timeline: a figure for the row that drifts, none for the other.
if command -v gnuplot >/dev/null 2>&1; then
	mkdir -p "$TMP/sw"
	cat "$TMP/slow.csv" >"$TMP/sw/results.csv"
	# the steady row as repetition 2 (the same configuration's rep 1
	# twice would be a duplicate, left out)
	awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "rep") r = i; next }
		{ $r = 2; print }' "$TMP/steady.csv" >>"$TMP/sw/results.csv"
	"$MB" timeline "$TMP/sw" >"$TMP/tl.out" 2>&1 ||
		fail "mapbench timeline: $(cat "$TMP/tl.out")"
	[ -s "$TMP/sw/plots/timeline-2.svg" ] || fail "no figure for the drifting row"
	[ ! -e "$TMP/sw/plots/timeline-3.svg" ] || fail "a figure for the steady row"
	"$MB" timeline "$TMP/sw" --all >/dev/null 2>&1 ||
		fail "mapbench timeline --all"
	[ -s "$TMP/sw/plots/timeline-3.svg" ] || fail "--all: no figure for the steady row"
	# In a sweep, the page lists the figure.
	MAPBENCH_SLOWMAP_AFTER_MS=150 MAPBENCH_SLOWMAP_SPIN_NS=20000 \
		"$MB" sweep --impl-lib "$TMP/slowmap.so" --impl slowmap \
		--threads 1 --read 100 --keys 1000 --duration 400ms \
		--latency-sample 0 --out "$TMP/sw2" --no-plot >/dev/null 2>&1 ||
		fail "sweep of slowmap"
	if [ "$(cell "$TMP/sw2/results.csv" drift)" = 1 ]; then
		"$MB" timeline "$TMP/sw2" >/dev/null 2>&1 ||
			fail "mapbench timeline of a sweep"
		grep -q 'timeline-2.svg' "$TMP/sw2/plots/index.html" ||
			fail "index.html does not show timeline-2.svg"
	fi
	# A sweep draws the timelines of its drifting rows itself (mapbench
	# plot at its end) and its page links them; a steady sweep has none,
	# and plot removes a timeline figure of a row that no longer drifts.
	# sweep_drift OUT WANT [ENV=V...]: a 1-row sweep of slowmap with its
	# plot, up to three tries until its row's drift is WANT
	sweep_drift() {
		out=$1 want=$2
		shift 2
		for try in 1 2 3; do
			rm -rf "$out"
			env "$@" "$MB" sweep --impl-lib "$TMP/slowmap.so" \
				--impl slowmap --threads 1 --read 100 --keys 1000 \
				--duration 400ms --repeat 1 --latency-sample 0 \
				--out "$out" >"$out.out" 2>&1 ||
				fail "sweep of slowmap $*: $(tail -3 "$out.out")"
			[ "$(cell "$out/results.csv" drift)" = "$want" ] && return
		done
		fail "sweep of slowmap $*: drift not $want in 3 tries"
	}
	sweep_drift "$TMP/sw3" 1 MAPBENCH_SLOWMAP_AFTER_MS=150 \
		MAPBENCH_SLOWMAP_SPIN_NS=20000
	grep -q '<img loading=lazy src="timeline-2.svg"' "$TMP/sw3/plots/index.html" ||
		fail "a sweep with a drifting row: index.html does not show timeline-2.svg"
	[ -s "$TMP/sw3/plots/timeline-2.svg" ] ||
		fail "a sweep with a drifting row: no timeline-2.svg"
	grep -q '^timelines: .*timeline-2$' "$TMP/sw3.out" ||
		fail "plot does not report the timeline figure: $(cat "$TMP/sw3.out")"
	[ -z "$(ls "$TMP/sw3/plots" | grep -v '^index\.html$' | grep -v '\.\(svg\|png\)$')" ] ||
		fail "plot left more than images in plots/: $(ls "$TMP/sw3/plots")"
	sweep_drift "$TMP/sw4" 0
	grep -q 'timeline-' "$TMP/sw4/plots/index.html" &&
		fail "a steady sweep: index.html shows a timeline figure"
	"$MB" timeline "$TMP/sw4" --all >/dev/null 2>&1 &&
		[ -s "$TMP/sw4/plots/timeline-2.svg" ] ||
		fail "timeline --all of the steady sweep"
	"$MB" plot "$TMP/sw4" >/dev/null 2>&1 || fail "plot of the steady sweep"
	[ ! -e "$TMP/sw4/plots/timeline-2.svg" ] ||
		fail "plot kept the timeline figure of a row that does not drift"
	grep -q 'timeline-' "$TMP/sw4/plots/index.html" &&
		fail "a steady sweep re-plotted: index.html shows a timeline figure"
	# plot draws at most 24 timelines (those that drift most) and says
	# how many rows drift: 30 repetitions of the slowing row, repetition
	# r with the second half of its timeline scaled by 1 + r/100, so that
	# the later a repetition the less it drifts: lines 2-25 drawn, 26-31
	# not.
	mkdir -p "$TMP/sw5"
	cp "$TMP/sw3/meta.json" "$TMP/sw5/"
	awk -F, -v c="$(csv_col "$TMP/sw3/results.csv" rep)" \
		-v t="$(csv_col "$TMP/sw3/results.csv" timeline_mops)" 'BEGIN { OFS = "," }
		NR == 1 { print; next }
		NR == 2 { tl = $t
			for (r = 1; r <= 30; r++) {
				n = split(tl, v, ";")
				s = ""
				for (i = 1; i <= n; i++)
					s = s (i > 1 ? ";" : "") (i > n / 2 ? v[i] * (1 + r / 100) : v[i])
				$c = r; $t = s; print
			} }' \
		"$TMP/sw3/results.csv" >"$TMP/sw5/results.csv"
	"$MB" plot "$TMP/sw5" >"$TMP/sw5.out" 2>&1 ||
		fail "plot of 30 drifting rows: $(tail -3 "$TMP/sw5.out")"
	n=$(ls "$TMP/sw5/plots" | grep -c '^timeline-.*\.svg$')
	[ "$n" -eq 24 ] || fail "plot of 30 drifting rows drew $n timelines, want 24"
	grep -q '^timelines: .* 24 figures (.svg) of the 30 rows that drift' "$TMP/sw5.out" ||
		fail "plot does not say it drew 24 of 30: $(grep timelines "$TMP/sw5.out")"
	[ -e "$TMP/sw5/plots/timeline-2.svg" ] && [ -e "$TMP/sw5/plots/timeline-25.svg" ] &&
		[ ! -e "$TMP/sw5/plots/timeline-26.svg" ] && [ ! -e "$TMP/sw5/plots/timeline-31.svg" ] ||
		fail "plot did not keep the 24 that drift most: $(ls "$TMP/sw5/plots" | grep timeline | tr '\n' ' ')"
fi
# The settle hook also runs at each doubling of the prefill from 65,536
# stores (so that a map whose growth stalled, as lfht's can, is put right
# before the prefill turns quadratic): 65,536 keys fully prefilled settle
# twice (the checkpoint and the end), 1,000 keys once.  The map is
# quiesced once before the window (its deferred frees run then, not in the
# window); the counters are read before the quiesces that follow it.
for k in 65536:2 1000:1; do
	"$MB" run --impl-lib "$TMP/slowmap.so" --impl slowmap --threads 1 \
		--read 100 --keys "${k%%:*}" --prefill 100 --duration 10ms \
		--latency-sample 0 --format csv >"$TMP/settle.csv" 2>"$TMP/err" ||
		fail "run with ${k%%:*} keys: $(cat "$TMP/err")"
	got="$(cell "$TMP/settle.csv" own_settle_calls) $(cell "$TMP/settle.csv" own_quiesce_calls)"
	[ "$got" = "${k#*:} 1" ] ||
		fail "${k%%:*} keys prefilled: own_settle_calls own_quiesce_calls '$got', want ${k#*:} 1"
done
# A cell that is not a timeline: exit 2, one message naming the line,
# nothing written.
mkdir -p "$TMP/bad"
printf 'impl,timeline_mops,timeline_cpu,timeline_slice_ms\nx,1;2;abc,1;1;1,10\n' \
	>"$TMP/bad/results.csv"
"$MB" timeline "$TMP/bad" >/dev/null 2>"$TMP/bad.err"
[ $? -eq 2 ] || fail "timeline of a bad cell: want exit 2"
grep -q 'results.csv:2: timeline_mops' "$TMP/bad.err" ||
	fail "bad cell not named: $(cat "$TMP/bad.err")"
[ ! -e "$TMP/bad/plots" ] || fail "bad input: plots written"
"$MB" timeline "$TMP/nowhere" >/dev/null 2>&1
[ $? -eq 2 ] || fail "timeline of a missing sweep: want exit 2"
"$MB" timeline >/dev/null 2>&1
[ $? -eq 2 ] || fail "timeline without a directory: want exit 2"
finish

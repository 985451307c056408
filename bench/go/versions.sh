#!/bin/sh
# Go's releases against each other and against their C ports, from a
# bench/compare.sh run's raw measurements (called by compare.sh):
#	bench/go/versions.sh OUT GOCOMPARE MAPBENCH COMMAND
# OUT/raw/rep-N/ holds gbench-W.json, gopeer-W.csv (the first Go release)
# and gostd-V-W.csv (the others).  Every release's sync.Map becomes an impl
# go:sync.Map-goV beside the C maps in OUT/versions/sweep (gocompare
# -tosweep); `mapbench compare` gives the statistics of four pairs, where
# both sides were measured:
#	go:sync.Map-go1.23 vs syncmap    the classic design and its C port
#	go:sync.Map-go1.24 vs hashtrie   the hash-trie and its C port
#	go:sync.Map-go1.23 vs go:sync.Map-go1.24   old vs new in Go
#	syncmap vs hashtrie                          old vs new in C
# into OUT/versions/PAIR.{csv,txt}, and OUT/versions/versions.md: the
# tables, the old-vs-new directions of both languages side by side, and
# the core-to-core probes of the run (OUT/versions/c2c.csv).
set -eu
[ $# -eq 4 ] || { echo "usage: versions.sh OUT GOCOMPARE MAPBENCH COMMAND" >&2; exit 2; }
out=$1 gocompare=$2 mapbench=$3 cmd=$4
vdir=$out/versions
if [ ! -d "$out/raw" ]; then
	echo "versions: $out has no raw/ (a run older than interleaving): no versions tables" >&2
	exit 0
fi
rm -rf "$vdir"
mkdir -p "$vdir/raw"
[ ! -f "$out/raw/plan.txt" ] || cp "$out/raw/plan.txt" "$vdir/raw/plan.txt"
for rd in "$out"/raw/rep-*; do
	[ -d "$rd" ] || continue
	n=${rd##*/}
	mkdir -p "$vdir/raw/$n"
	for gb in "$rd"/gbench-*.json; do
		[ -f "$gb" ] || continue
		w=${gb##*/gbench-}
		w=${w%.json}
		cp "$gb" "$vdir/raw/$n/"
		# every release's sync.Map, named by its release (go1.23.5 ->
		# sync.Map-go1.23); the first file's header
		set -- "$rd/gopeer-$w.csv"
		for f in "$rd"/gostd-*-"$w".csv; do
			[ ! -f "$f" ] || set -- "$@" "$f"
		done
		[ -f "$1" ] || continue
		awk -F, -v OFS=, 'FNR == 1 { if (NR == 1) print; next }
		$2 == "sync.Map" {
			v = $8
			if (match(v, /^go[0-9]+\.[0-9]+/)) v = substr(v, 1, RLENGTH)
			$2 = "sync.Map-" v
			print
		}' "$@" >"$vdir/raw/$n/gopeer-$w.csv"
	done
done
"$gocompare" -tosweep -raw "$vdir/raw" -out "$vdir" -cmd "$cmd" >/dev/null
have=$(awk -F, 'NR > 1 { print $1 }' "$vdir/sweep/results.csv" | sort -u | tr '\n' ' ')
has() { case " $have" in *" $1 "*) return 0 ;; esac; return 1; }
pairs=
for p in go:sync.Map-go1.23,syncmap go:sync.Map-go1.24,hashtrie \
	go:sync.Map-go1.23,go:sync.Map-go1.24 syncmap,hashtrie; do
	has "${p%,*}" && has "${p#*,}" || continue
	name=$(echo "$p" | sed 's/go:sync\.Map-go/go/g; s/,/-vs-/')
	"$mapbench" compare --impl "$p" --metric ns_per_op "$vdir/sweep" \
		>"$vdir/$name.txt"
	"$mapbench" compare --impl "$p" --metric ns_per_op --format csv \
		"$vdir/sweep" >"$vdir/$name.csv"
	pairs="$pairs $name"
done
if [ -z "$pairs" ]; then
	echo "versions: no pair measured (needs syncmap or hashtrie and a Go release's sync.Map): no versions.md" >&2
	exit 0
fi
reps=$(awk -F, 'NR > 1 { print $4 }' "$vdir/sweep/results.csv" | sort -u | wc -l)
# Paired by repetition (both sides of a pair ran back to back): see
# paired.awk.  -> paired.csv
awk -F, -v pairs="$pairs" -f "$(dirname "$0")/paired.awk" \
	"$vdir/sweep/results.csv" >"$vdir/paired.csv"
# The tables: every cell a median ns/op; ratios marked * (significant,
# Mann-Whitney U p < 0.05 over the repetitions) or ~ (not).
awk -F, -v reps="$reps" -v cmd="$cmd" -v pairs="$pairs" '
function cell(p, w, t, side) { return ((p, w, t, side) in med) ? med[p, w, t, side] : "" }
function num(x) { return x == "" ? "—" : sprintf("%.4g", x) }
function rat(p, w, t,   r) {
	if (!((p, w, t) in ratio) || ratio[p, w, t] == "") return "—"
	return sprintf("%.2f%s", ratio[p, w, t], sig[p, w, t] == "true" ? "*" : "~")
}
function inv(p, w, t) {
	if (!((p, w, t) in ratio) || ratio[p, w, t] == "" || ratio[p, w, t] == 0) return "—"
	return sprintf("%.2f%s", 1 / ratio[p, w, t], sig[p, w, t] == "true" ? "*" : "~")
}
# The per-repetition range of the ratio of a pair (inverted for Go ÷ C), marked
# † where the paired sign test finds it on one side of 1 (p < 0.05)
function prange(p, w, t, invert,   lo, hi) {
	if (!((p, w, t) in pn)) return "—"
	lo = invert ? 1 / pmax[p, w, t] : pmin[p, w, t]
	hi = invert ? 1 / pmin[p, w, t] : pmax[p, w, t]
	return sprintf("%.2f–%.2f%s", lo, hi, psig[p, w, t] < 0.05 ? "†" : "")
}
# -1: new faster, 1: new slower (paired sign test p < 0.05), 0: not
# significant or absent
function dir(p, w, t) {
	if (!((p, w, t) in pn) || psig[p, w, t] >= 0.05) return 0
	return pmed[p, w, t] < 1 ? -1 : 1
}
FNR == 1 {
	p = FILENAME; sub(/.*\//, "", p); sub(/\.csv$/, "", p)
	for (i = 1; i <= NF; i++) h[$i] = i
	next
}
p == "paired" {
	pn[$1, $2, $3] = $4; pmin[$1, $2, $3] = $5; pmed[$1, $2, $3] = $6
	pmax[$1, $2, $3] = $7
	psig[$1, $2, $3] = $10
	next
}
{
	w = $h["workload"]; t = $h["threads"]
	if (!((w, t) in seen)) { seen[w, t] = 1; keys[++nk] = w SUBSEP t }
	med[p, w, t, $h["input"]] = $h["median"]
	if ($h["input"] == "B") { ratio[p, w, t] = $h["ratio"]; sig[p, w, t] = $h["significant"] }
}
END {
	print "# Go 1.23 and Go 1.24 against their C ports, and old vs new in both languages\n"
	print "Unit: **ns/op** = wall-clock ns per loop iteration of all threads together (Go'"'"'s ns/op, `b.RunParallel`; gbench'"'"'s time), median over " reps " repetition(s); lower is better. Ratios are of medians; `*`: `mapbench compare` finds the difference significant (two-sided Mann-Whitney U, p < 0.05), `~`: it does not (with fewer than 4 repetitions per side it cannot). `—`: not measured. Go rows are Go'"'"'s own `go test sync -bench` (Benchmark<Workload> in Go 1.23, BenchmarkMap<Workload> in Go 1.24), C rows gbench, interleaved workload by workload.\n"
	print "**Per rep** (paired): both sides of a cell ran back to back in every repetition, so a disturbance of the machine that lasts seconds slows both; the column gives the lowest and highest of the per-repetition ratios, `†` where an exact two-sided sign test puts them on one side of 1 (p < 0.05; 6 of 6 repetitions on one side give p = 0.031). The unpaired test can call such a cell `~` when a disturbance moved a whole repetition ([paired.csv](paired.csv)).\n"
	if (cmd != "") print "Command: `" cmd "`\n"
	print "## The C ports against their Go originals\n"
	print "syncmap ports Go 1.23'"'"'s sync.Map (two maps and a mutex), hashtrie Go 1.24'"'"'s (the HashTrieMap). Go ÷ C > 1: the port is faster.\n"
	print "| workload | threads | Go 1.23 sync.Map ns/op | syncmap ns/op | Go ÷ C | per rep | Go 1.24 sync.Map ns/op | hashtrie ns/op | Go ÷ C | per rep |"
	print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	a = "go1.23-vs-syncmap"; b = "go1.24-vs-hashtrie"
	for (k = 1; k <= nk; k++) {
		split(keys[k], kt, SUBSEP); w = kt[1]; t = kt[2]
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", w, t,
			num(cell(a, w, t, "A")), num(cell(a, w, t, "B")), inv(a, w, t),
			prange(a, w, t, 1),
			num(cell(b, w, t, "A")), num(cell(b, w, t, "B")), inv(b, w, t),
			prange(b, w, t, 1)
	}
	print "\n## Old vs new, in Go and in C\n"
	print "new ÷ old < 1: the new design (the hash-trie) is faster. Direction: `same` when both languages move the same way significantly (the paired sign test, `†`), `opposite` when they move opposite ways significantly, `~` otherwise.\n"
	print "| workload | threads | Go 1.23 ns/op | Go 1.24 ns/op | Go 1.24 ÷ 1.23 | per rep | syncmap ns/op | hashtrie ns/op | hashtrie ÷ syncmap | per rep | direction |"
	print "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
	g = "go1.23-vs-go1.24"; c = "syncmap-vs-hashtrie"
	for (k = 1; k <= nk; k++) {
		split(keys[k], kt, SUBSEP); w = kt[1]; t = kt[2]
		dg = dir(g, w, t); dc = dir(c, w, t)
		d = "~"
		if (dg != 0 && dc != 0) {
			d = dg == dc ? "same" : "opposite"
			d = d (dc < 0 ? " (C: new faster)" : " (C: new slower)")
			n[d ~ /^same/ ? "same" : "opposite"]++
		} else n["~"]++
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", w, t,
			num(cell(g, w, t, "A")), num(cell(g, w, t, "B")), rat(g, w, t),
			prange(g, w, t, 0),
			num(cell(c, w, t, "A")), num(cell(c, w, t, "B")), rat(c, w, t),
			prange(c, w, t, 0), d
	}
	printf "\nDirections: %d same, %d opposite, %d not significant in one language or both (of %d).\n",
		n["same"], n["opposite"], n["~"], nk
}' "$vdir/paired.csv" $(for p in $pairs; do echo "$vdir/$p.csv"; done) >"$vdir/versions.md"
# Where the host ran the two CPUs of the 2-thread cells: compare.sh's
# core-to-core probe before and after each workload's pair of runs
# (raw/rep-N/c2c-W.txt) -> c2c.csv and a paragraph of versions.md.
echo "rep,workload,c2c_before_ns,c2c_after_ns" >"$vdir/c2c.csv"
for f in "$out"/raw/rep-*/c2c-*.txt; do
	[ -f "$f" ] || continue
	r=${f%/*}
	r=${r##*/rep-}
	w=${f##*/c2c-}
	w=${w%.txt}
	awk -v r="$r" -v w="$w" '$1 == "before" { b = $2 } $1 == "after" { a = $2 }
	END { printf "%s,%s,%s,%s\n", r, w, b, a }' "$f" >>"$vdir/c2c.csv"
done
awk -F, 'NR == 1 { next }
# two placements, as the sweep judges them (docs/PRECISION.md)
function apart(x, y) { return (x > 1.5 * y || y > 1.5 * x) && (x - y > 60 || y - x > 60) }
{
	n++
	for (i = 3; i <= 4; i++)
		if ($i ~ /^[0-9.]+$/) {
			v = $i + 0; k++
			if (k == 1 || v < lo) lo = v
			if (k == 1 || v > hi) hi = v
		}
	if ($3 ~ /^[0-9.]+$/ && $4 ~ /^[0-9.]+$/ && apart($3 + 0, $4 + 0)) {
		m++
		moved = moved (moved == "" ? "" : ", ") $2 " rep " $1 " (" $3 " -> " $4 ")"
	}
}
END {
	print "\n## Placement\n"
	if (n == 0) {
		print "No core-to-core probe in this run (a run before compare.sh recorded one, or --no-pin)."
		exit
	}
	if (k == 0) {
		print "No 2-CPU group in this run: no core-to-core probe ([c2c.csv](c2c.csv))."
		exit
	}
	printf "Core-to-core probe of the two CPUs of the 2-thread cells, before and after each workload'"'"'s pair of runs ([c2c.csv](c2c.csv); docs/PRECISION.md): %.0f to %.0f ns per one-way cache-line transfer over the run.", lo, hi
	if (apart(lo, hi))
		printf " **The host moved the CPUs during the run** (more than 1.5x and 60 ns apart): 2-thread cells measured at different placements compare the placements as much as the maps."
	if (m > 0)
		printf " %d of %d pairs ran across a move (before and after more than 1.5x and 60 ns apart): %s.", m, n, moved
	else
		printf " No pair ran across a move (before and after within 1.5x or 60 ns in all %d).", n
	print ""
}' "$vdir/c2c.csv" >>"$vdir/versions.md"
echo "versions: wrote $vdir/versions.md (pairs:$pairs)" >&2

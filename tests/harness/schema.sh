# The readers of results.csv follow the schema (`mapbench list columns`):
# compare warns on a difference in every method column, the report page's
# Method section shows every method option and its value from meta.json's
# grid, plot refuses to pool rows of one figure configuration measured
# two ways, and the map's own counters are own_* columns compare can use.
#	sh schema.sh MAPBENCH SOURCE_DIR REPORT_PAGE
. "$(dirname "$0")/lib.sh"
RP=$3

methods=$(schema_cols method)
[ "$(echo "$methods" | wc -l)" -ge 8 ] ||
	fail "the schema lists few method columns: $methods"
for c in duration_s ops_per_thread warmup sizing isolated pin \
	interference_limit_pct latency_sample; do
	echo "$methods" | grep -qx "$c" || fail "no method column $c"
done

A="$TMP/A"
"$MB" sweep --impl rwlock,hashtrie --threads 1 --read 90 --keys 1000 \
	--ops 2000 --repeat 2 --out "$A" --no-plot >/dev/null 2>"$TMP/e" ||
	fail "sweep A: $(cat "$TMP/e")"

# 1. compare: no warning between equal methods; a warning naming each
# method column whose value differs (B: A with that column changed).
cp -r "$A" "$TMP/A2"
"$MB" compare "$A" "$TMP/A2" >"$TMP/aa.txt" 2>&1 || fail "compare A A2: exit $?"
grep -q "measured differently" "$TMP/aa.txt" &&
	fail "compare warned on equal methods: $(cat "$TMP/aa.txt")"
for c in $methods; do
	i=$(csv_col "$A/results.csv" "$c")
	rm -rf "$TMP/B"
	cp -r "$A" "$TMP/B"
	awk -F, -v OFS=, -v i="$i" 'NR > 1 { $i = $i "9" } { print }' \
		"$A/results.csv" >"$TMP/B/results.csv"
	"$MB" compare "$A" "$TMP/B" >"$TMP/ab.txt" 2>&1 ||
		fail "compare with $c changed: exit $?"
	grep -q "warning: the inputs were measured differently: .*$c (" \
		"$TMP/ab.txt" || fail "compare: no warning for $c: $(cat "$TMP/ab.txt")"
	grep -q "only in" "$TMP/ab.txt" &&
		fail "compare: $c split the configurations"
done

# 2. The map's own counters: own_* columns (NA for a map without them),
# described in meta.json, comparable.
head -1 "$A/results.csv" | tr ',' '\n' | grep -qx own_restarts ||
	fail "no own_restarts column (hashtrie's counter)"
head -1 "$A/results.csv" | grep -q map_counters &&
	fail "the packed map_counters column is still written"
i=$(csv_col "$A/results.csv" own_restarts)
im=$(csv_col "$A/results.csv" impl)
awk -F, -v i="$i" -v im="$im" 'NR > 1 && $im == "rwlock" && $i != "" { bad = 1 }
	NR > 1 && $im == "hashtrie" && $i !~ /^[0-9]+$/ { bad = 1 }
	END { exit bad }' "$A/results.csv" ||
	fail "own_restarts: not NA for rwlock or not an integer for hashtrie"
grep -q '"column": "own_restarts"' "$A/meta.json" ||
	fail "meta.json does not describe own_restarts"
"$MB" compare --metric own_restarts --format csv "$A" "$TMP/A2" \
	>"$TMP/own.csv" 2>"$TMP/e" || fail "compare --metric own_restarts: $(cat "$TMP/e")"
# hashtrie's rows have 2 repetitions and a median; rwlock's have none
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	$h["group"] == "hashtrie" && $h["n"] == 2 && $h["median"] ~ /^[0-9.]+$/ { ht++ }
	$h["group"] == "rwlock" && $h["n"] != 0 { bad++ }
	END { exit !(ht == 2 && !bad) }' "$TMP/own.csv" ||
	fail "compare --metric own_restarts: $(cat "$TMP/own.csv")"

# 3. The report page's Method section: every method option and column,
# with the values the sweep used.
if ! command -v gnuplot >/dev/null 2>&1; then
	echo "gnuplot missing: the page and plot checks are skipped"
	finish
fi
"$MB" plot "$A" >/dev/null 2>"$TMP/e" || fail "plot A: $(cat "$TMP/e")"
mkdir -p "$TMP/pages"
"$RP" "$A" "$TMP/pages" || fail "report_page: exit $?"
sed -n '/<h2 id=method>/,$p' "$TMP/pages/index.html" >"$TMP/method.html"
"$MB" list columns | awk -F'\t' 'NR > 1 && $4 == "method" { print $1, $5 }' |
	while read -r col opt; do
		grep -q -- "<tr><th>$opt</th><td>$col (method)</td><td>" \
			"$TMP/method.html" || echo "$col"
	done >"$TMP/missing"
[ -s "$TMP/missing" ] && fail "Method section lacks: $(cat "$TMP/missing")"
grep -q '<tr><th>--settle</th><td>warmup (method)</td><td>store</td>' \
	"$TMP/method.html" || fail "Method section: --settle's value"
grep -q '<tr><th>--ops</th><td>ops_per_thread (method)</td><td>2000</td>' \
	"$TMP/method.html" || fail "Method section: --ops's value"

# 4. plot refuses rows of one configuration measured two ways.
for c in warmup sizing; do
	rm -rf "$TMP/M"
	mkdir "$TMP/M"
	cp "$A/meta.json" "$TMP/M/"
	i=$(csv_col "$A/results.csv" "$c")
	r=$(csv_col "$A/results.csv" rep)
	awk -F, -v OFS=, -v i="$i" -v r="$r" 'NR == 1 { print; next }
		{ print; $i = $i "9"; $r = $r + 10; print }' \
		"$A/results.csv" >"$TMP/M/results.csv"
	"$MB" plot "$TMP/M" >/dev/null 2>"$TMP/e"
	rc=$?
	[ "$rc" -eq 2 ] || fail "plot of mixed $c: exit $rc, want 2"
	grep -q "differ in $c (" "$TMP/e" || fail "plot of mixed $c: $(cat "$TMP/e")"
done
finish

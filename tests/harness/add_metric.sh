# Adding a metric is one declaration: mapbench_testcol is mapbench with
# one line more in harness/sweep/schema.def (test_half_mops, half of mops,
# under MAPBENCH_TEST_COLUMN) and its getter; nothing else knows it.  The
# metric must appear in results.csv, summary.tsv, compare and the report
# page.
#	sh add_metric.sh MAPBENCH_TESTCOL SOURCE_DIR
. "$(dirname "$0")/lib.sh"

"$MB" list columns | grep -q "^test_half_mops	Mops/s	number	metric	" ||
	fail "list columns: no test_half_mops metric"
sw() {
	"$MB" sweep --impl rwlock --threads 1 --read 90,100 --keys 1000 \
		--ops 2000 --repeat 2 --out "$1" "$2" >/dev/null 2>"$TMP/e"
}
sw "$TMP/A" --no-plot || fail "sweep: $(cat "$TMP/e")"
cp -r "$TMP/A" "$TMP/B"

# results.csv: the column, half of mops in every row.
t=$(csv_col "$TMP/A/results.csv" test_half_mops)
m=$(csv_col "$TMP/A/results.csv" mops)
[ -n "$t" ] || fail "results.csv: no test_half_mops column"
awk -F, -v t="$t" -v m="$m" 'NR > 1 { n++; d = $t * 2 - $m
	if (d < 0) d = -d; if (d > 1e-6 * $m) bad++ }
	END { exit !(n > 0 && !bad) }' "$TMP/A/results.csv" ||
	fail "results.csv: test_half_mops is not mops / 2"

# compare: it can be the metric, and knows higher is better.
"$MB" compare --metric test_half_mops "$TMP/A" "$TMP/B" >"$TMP/c.txt" \
	2>"$TMP/e" || fail "compare --metric test_half_mops: $(cat "$TMP/e")"
grep -q "metric: test_half_mops (higher is better)" "$TMP/c.txt" ||
	fail "compare: $(head -3 "$TMP/c.txt")"

if ! command -v gnuplot >/dev/null 2>&1; then
	echo "gnuplot missing: summary.tsv and the page are not checked"
	finish
fi
"$MB" plot "$TMP/A" >/dev/null 2>"$TMP/e" || fail "plot: $(cat "$TMP/e")"
# summary.tsv: its median beside mops's, half of it.
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i
		if (!h["test_half_mops_med"]) exit 1; next }
	$h["mops_n"] > 0 { n++; d = $h["test_half_mops_med"] * 2 - $h["mops_med"]
		if (d < 0) d = -d; if (d > 1e-4 * $h["mops_med"]) bad++ }
	END { exit !(n > 0 && !bad) }' "$TMP/A/summary.tsv" ||
	fail "summary.tsv: test_half_mops_med missing or not mops_med / 2"
# the report page: a row of "Every metric" with its unit and direction.
grep -q "<tr><th>test_half_mops</th><td>Mops/s</td><td>higher</td>" \
	"$TMP/A/plots/index.html" || fail "report page: no test_half_mops row"
finish

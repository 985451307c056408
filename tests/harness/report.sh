# The sweep report page (report_write_sweep) on the reference sweep, its
# tables (summary.tsv, heatmap.tsv) and figures, rendered by headless
# Chromium where it is installed:
#	sh report.sh MAPBENCH SOURCE_DIR REPORT_PAGE
# Screenshots go to $SHOTS (default: the current directory):
# report-laptop.png, report-phone.png, compare-page.png.
# Exit 77 (skipped) when chromium is missing, after the checks that do not
# need it.
. "$(dirname "$0")/lib.sh"
RP=$3
SHOTS=${SHOTS:-$(pwd)}

mkdir -p "$TMP/sweep" "$TMP/plots"
cp "$SRC/results/reference/results.csv" "$SRC/results/reference/meta.json" \
	"$SRC/results/reference/summary.tsv" "$SRC/results/reference/heatmap.tsv" \
	"$TMP/sweep/"
cp "$SRC"/results/reference/plots/*.svg "$TMP/plots/"
# A name to escape, an unknown prefix, and a row whose status is not ok
# naming a map to escape.
cp "$TMP/plots/memory_uniform.svg" "$TMP/plots/odd name & <x>.svg"
# (results.csv has a status column: the last row is copied with the map
# renamed and the status set to error)
st=$(head -1 "$TMP/sweep/results.csv" | tr ',' '\n' | grep -nx status | cut -d: -f1)
[ -n "$st" ] || fail "the reference results.csv has no status column"
# (its rows that are not ok, interfered ones, are left out first)
awk -F, -v st="$st" 'NR == 1 || $st == "ok"' "$TMP/sweep/results.csv" >"$TMP/r.csv" &&
	mv "$TMP/r.csv" "$TMP/sweep/results.csv"
awk -F, -v OFS=, -v st="$st" '{ print; last = $0 }
	END { $0 = last; $1 = "<b>evil</b>"; $st = "error"; print }' \
	"$TMP/sweep/results.csv" >"$TMP/r.csv" &&
	mv "$TMP/r.csv" "$TMP/sweep/results.csv"

"$RP" "$TMP/sweep" "$TMP/plots" || fail "report_page: exit $?"
page=$TMP/plots/index.html
[ -s "$page" ] || fail "no index.html"
grep -q '<table class=summary' "$page" || fail "no summary table"
grep -q 'class="num best"' "$page" || fail "no best cell highlighted"
grep -q '&lt;b&gt;evil&lt;/b&gt;' "$page" || fail "map name not escaped"
grep -q '<b>evil' "$page" && fail "raw markup from the csv"
grep -q '1 row not <code>ok</code>.*error 1 (&lt;b&gt;evil&lt;/b&gt;)' "$page" || fail "non-ok row not counted"
# the order: who wins where, then the figures (throughput first), the
# summary, the machine, the method from meta.json's grid
order=$(grep -o 'id=wins\|id=figures\|id=summary-h\|id=machine\|id=method' "$page" | tr '\n' ' ')
[ "$order" = "id=wins id=figures id=summary-h id=machine id=method " ] || fail "sections in the order '$order'"
first=$(grep -o '<img loading=lazy src="[a-z_]*' "$page" | head -1 | sed 's/.*src="//')
[ "$first" = throughput_reads_uniform_k ] || fail "the first figure is $first, not throughput"
grep -q '<table class=heat>' "$page" || fail "no heatmap table"
grep -q '<th>--latency-sample</th><td>latency_sample (method)</td><td>1000</td>' "$page" ||
	fail "the Method has no grid"
grep -q '<th>--impl</th><td>impl</td><td>syncmap, rwlock, ' "$page" ||
	fail "the grid's lists are not listed"
# maps in registry order in the summary, whatever order the rows ran in
hdr=$(grep -m1 '<table class=summary>' "$page" | sed 's/<th[^>]*>/ /g; s/<[^>]*>//g' | tr -s ' ')
case "$hdr" in " configuration syncmap rwlock lfht hashtrie striped"*) ;; *) fail "summary columns: $hdr" ;; esac
# a sweep whose rows are all ok says nothing about rows not ok
sed -i '$d' "$TMP/sweep/results.csv"
"$RP" "$TMP/sweep" "$TMP/plots" || fail "report_page: exit $?"
grep -q 'class=warn>[0-9]* rows\? not' "$page" && fail "rows not ok said when there are none"
cpu=$(sed -n 's/.*"cpu_model": "\([^"]*\)".*/\1/p' "$TMP/sweep/meta.json" | head -1)
[ -n "$cpu" ] && grep -qF "$cpu" "$page" || fail "no machine ($cpu)"
grep -q 'src="odd%20name%20%26%20%3Cx%3E.svg"' "$page" ||
	fail "odd file name not URL-escaped"
grep -q 'Throughput (Mops/s, log scale' "$page" || fail "no caption for throughput"
grep -q 'its title and axes say' "$page" || fail "no generic caption"
grep -qi '<script\|http://\|https://' "$page" && fail "not self-contained"
# every image the page references exists
n=0
for src in $(grep -o 'src="[^"]*"' "$page" | sed 's/^src="//; s/"$//'); do
	f=$(echo "$src" | awk '
	function hex(h) { return index("0123456789ABCDEF", substr(h, 1, 1)) * 16 - 16 + index("0123456789ABCDEF", substr(h, 2, 1)) - 1 }
	{
		out = ""
		while (match($0, /%[0-9A-F][0-9A-F]/)) {
			out = out substr($0, 1, RSTART - 1) sprintf("%c", hex(substr($0, RSTART + 1, 2)))
			$0 = substr($0, RSTART + 3)
		}
		print out $0
	}')
	[ -f "$TMP/plots/$f" ] || fail "missing image $f"
	n=$((n + 1))
done
# the heatmaps are the coloured tables, linked as figures
h=$(grep -c 'href="heatmap_[a-z0-9_]*\.svg"' "$page")
[ "$h" -gt 0 ] && [ "$((n + h))" -eq "$(ls "$TMP/plots"/*.svg | wc -l)" ] ||
	fail "$n images and $h heatmaps referenced, $(ls "$TMP/plots"/*.svg | wc -l) svg files"
# A line of results.csv that cannot be read (plot skipped it, its number
# said) does not cost the page (D15): it is made, and says so.
cp "$page" "$TMP/before.html"
cp "$TMP/sweep/results.csv" "$TMP/good.csv"
printf 'impl,mops\nsyncmap\n' >"$TMP/sweep/results.csv"
"$RP" "$TMP/sweep" "$TMP/plots" 2>"$TMP/err"
[ $? -eq 0 ] || fail "bad csv line: the page was not made: $(cat "$TMP/err")"
grep -q 'results.csv:2' "$TMP/err" || fail "bad csv: no line number"
grep -q 'class="warn">results.csv could not be read whole (.*results.csv:2: ' "$page" ||
	fail "bad csv: the page does not say it"
grep -q '<img loading=lazy' "$page" || fail "bad csv: the page lost its figures"
ls -a "$TMP/plots" | grep -q tmp && fail "temporary file left"
# Bad input the page cannot be made without (meta.json not JSON): exit 2,
# and the earlier page is removed, not left to show another state (D15).
cp "$TMP/good.csv" "$TMP/sweep/results.csv"
cp "$TMP/sweep/meta.json" "$TMP/meta.json"
echo '{"cut' >"$TMP/sweep/meta.json"
"$RP" "$TMP/sweep" "$TMP/plots" 2>"$TMP/err"
[ $? -eq 2 ] || fail "bad meta.json: want exit 2"
[ ! -e "$page" ] || fail "bad meta.json: the earlier page stayed"
grep -q "index.html removed: it showed an earlier state of the sweep" "$TMP/err" ||
	fail "bad meta.json: removal not said: $(cat "$TMP/err")"
ls -a "$TMP/plots" | grep -q tmp && fail "temporary file left"
cp "$TMP/meta.json" "$TMP/sweep/meta.json"
"$RP" "$TMP/sweep" "$TMP/plots" 2>"$TMP/err" || fail "page again: $(cat "$TMP/err")"

if ! command -v chromium >/dev/null 2>&1; then
	[ "$fails" -eq 0 ] || finish
	echo "report: SKIPPED the browser checks: no chromium (apt-get install chromium)"
	exit 77
fi
# Chromium: the page loads, the summary is in the DOM, no resource fails.
chrome() {
	timeout 120 chromium --headless --disable-gpu --no-sandbox \
		--user-data-dir="$TMP/chrome" --enable-logging=stderr --v=0 "$@"
}
chrome --dump-dom "file://$page" >"$TMP/dom.html" 2>"$TMP/chrome.log" ||
	fail "chromium --dump-dom: exit $?"
grep -q '<table class="summary"' "$TMP/dom.html" || fail "dom: no summary table"
grep -q '<figure>' "$TMP/dom.html" || fail "dom: no figures"
grep -q 'ERR_FILE_NOT_FOUND\|Failed to load resource' "$TMP/chrome.log" &&
	fail "chromium could not load a resource: $(grep -m1 ERR_ "$TMP/chrome.log")"
for shot in laptop:1366,2400 phone:390,2400; do
	out="$SHOTS/report-${shot%%:*}.png"
	rm -f "$out"
	chrome --hide-scrollbars --screenshot="$out" \
		--window-size="${shot#*:}" "file://$page" >/dev/null 2>&1
	[ -s "$out" ] || fail "no screenshot $out"
done
finish

# The library maps' declared limits, as the tools honour them (skipped,
# exit 77, when this build lacks tbbhash or cdsfeldman):
# list names what a map cannot do; a multi-threaded workload that needs a
# declared operation is refused with the reason; check and lincheck say
# what they left out; a map allocating outside malloc (tbbhash:tbbmalloc)
# has bytes_per_key NA while its std::allocator twin has a figure.
. "$(dirname "$0")/lib.sh"

"$MB" list >"$TMP/list" || fail "list"
grep -q "^  tbbhash " "$TMP/list" && grep -q "^  cdsfeldman " "$TMP/list" ||
	{ echo "tbbhash or cdsfeldman not built: skipped"; exit 77; }
grep -q "cannot: range is not safe with concurrent writers" "$TMP/list" ||
	fail "list does not say what tbbhash cannot do"
grep -q "^  tbbhash .*oneTBB 20[0-9][0-9]\.[0-9]" "$TMP/list" ||
	fail "list does not give oneTBB's version"

# Refused with writers and 2 threads; the locked variant runs.
"$MB" run --impl tbbhash --workload AdversarialDelete --threads 2 \
	--duration 20ms >"$TMP/ref.out" 2>&1
grep -q "tbbhash declares that range is not safe with concurrent writers" \
	"$TMP/ref.out" || fail "no refusal for tbbhash: $(cat "$TMP/ref.out")"
"$MB" run --impl tbbhash:locked --workload AdversarialDelete --threads 2 \
	--duration 20ms --format csv >"$TMP/locked.csv" 2>/dev/null ||
	fail "tbbhash:locked AdversarialDelete"
grep -q "^tbbhash:locked," "$TMP/locked.csv" || fail "no tbbhash:locked row"
"$MB" run --impl cdsfeldman --workload CompareAndSwapCollision --threads 2 \
	--duration 20ms >"$TMP/cas.out" 2>&1
grep -q "compare_and_swap is not atomic" "$TMP/cas.out" ||
	fail "no refusal for cdsfeldman's CAS: $(cat "$TMP/cas.out")"

# check and lincheck say what they skip.
"$MB" check --impl cdsfeldman --suite concurrency,lincheck --scale 0.1 \
	>"$TMP/check.out" 2>&1 || fail "check cdsfeldman: $(tail -5 "$TMP/check.out")"
grep -q "skip   concurrency/cas_counters" "$TMP/check.out" &&
	grep -q "declared, skipped: compare_and_swap is not atomic" "$TMP/check.out" &&
	grep -q "declared, lincheck not checked: compare_and_swap, compare_and_delete, clear" \
		"$TMP/check.out" || fail "check does not say what it skipped: $(cat "$TMP/check.out")"
"$MB" lincheck --impl tbbhash --histories 2 >"$TMP/lc.out" 2>&1 ||
	fail "lincheck tbbhash: $(tail -3 "$TMP/lc.out")"
grep -q "declared: not checked: range, clear" "$TMP/lc.out" ||
	fail "lincheck does not say what it left out"
grep -q "replay: .*--mix .*range" "$TMP/lc.out" &&
	fail "lincheck's replay command runs range on tbbhash"

# Memory: NA where the harness cannot see the allocator (a sweep, for
# meta.json's allocator: without jemalloc every figure is NA anyway).
"$MB" sweep --impl tbbhash:tbbmalloc,tbbhash --threads 1 --read 90 \
	--keys 20000 --duration 20ms --out "$TMP/mem" --no-plot >/dev/null 2>&1 ||
	fail "sweep tbbhash:tbbmalloc"
csv="$TMP/mem/results.csv"
cb=$(csv_col "$csv" bytes_per_key)
awk -F, -v c="$cb" '$1 == "tbbhash:tbbmalloc" && $c != "" { exit 1 }' "$csv" ||
	fail "tbbhash:tbbmalloc has a bytes_per_key figure"
if grep -q '"allocator": "jemalloc"' "$TMP/mem/meta.json"; then
	awk -F, -v c="$cb" '$1 == "tbbhash" && ($c == "" || $c < 8) { exit 1 }' \
		"$csv" || fail "tbbhash (std::allocator) lacks a bytes_per_key figure"
fi
finish

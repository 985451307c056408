# --resume continues the same grid and method only: every option the
# schema says sets an identity, method or plan column (`mapbench list
# columns`), changed, is refused (exit 2, the option named, nothing
# appended); the same options resume.  An option listed there without a
# value below fails the test, so a new one cannot be forgotten.
#	sh resume_method.sh MAPBENCH SOURCE_DIR
. "$(dirname "$0")/lib.sh"

S="$TMP/s"
BASE="--impl rwlock --threads 1 --ops 2000 --repeat 2 --precision 50
	--max-repeat 3 --out $S --no-plot"
MIX="--read 90 --keys 1000" # what is run: replaced by --workload and --mix
# other OPTION: arguments that change what OPTION sets from BASE's value
# (with MIX unless they replace it)
other() {
	case $1 in
	--workload | --mix) ;;
	*) printf '%s ' "$MIX" ;;
	esac
	case $1 in
	--impl) echo "--impl syncmap" ;;
	--workload) echo "--workload LoadMostlyHits" ;;
	--threads) echo "--threads 2" ;;
	--read) echo "--read 50" ;;
	--mix) echo "--mix load=80,store=20 --keys 1000" ;;
	--keys) echo "--keys 2000" ;;
	--dist) echo "--dist zipf:0.9" ;;
	--prefill) echo "--prefill 20" ;;
	--duration) echo "--duration 0.02" ;;
	--latency-sample) echo "--latency-sample 100" ;;
	--ops) echo "--ops 3000" ;;
	--settle) echo "--settle" ;;
	--sizing) echo "--sizing keys" ;;
	--isolate) echo "--no-isolate" ;;
	--pin) echo "--no-pin" ;;
	--interference-limit) echo "--interference-limit 33" ;;
	--seed) echo "--seed 7" ;;
	--repeat) echo "--repeat 3" ;;
	--precision) echo "--precision 40" ;;
	--max-repeat) echo "--max-repeat 4" ;;
	--remeasure) echo "--remeasure 0" ;;
	*) return 1 ;;
	esac
}
opts=$("$MB" list columns | awk -F'\t' '
	NR > 1 && ($4 == "identity" || $4 == "method" || $4 == "plan") {
		print $5 }')
# The ones the issue named must be among them.
for o in --settle --sizing --ops --isolate --duration --interference-limit \
	--precision --pin --latency-sample --seed --repeat; do
	echo "$opts" | grep -qx -- "$o" || fail "the schema lists no $o"
done

# shellcheck disable=SC2086
"$MB" sweep $BASE $MIX >/dev/null 2>"$TMP/e" ||
	fail "the first sweep: $(cat "$TMP/e")"
n=$(wc -l <"$S/results.csv")
tried=0
for o in $opts; do
	if ! extra=$(other "$o"); then
		fail "$o sets a column of the grid: give it a value in other()"
		continue
	fi
	# shellcheck disable=SC2086
	"$MB" sweep $BASE --resume $extra >/dev/null 2>"$TMP/e"
	rc=$?
	[ "$rc" -eq 2 ] || fail "--resume with $extra: exit $rc, want 2"
	grep -q -- "--resume: options differ from the sweep in .*$o (" "$TMP/e" ||
		fail "--resume with $extra: $(cat "$TMP/e")"
	[ "$(wc -l <"$S/results.csv")" -eq "$n" ] ||
		fail "--resume with $extra appended rows"
	tried=$((tried + 1))
done
[ "$tried" -ge 20 ] || fail "only $tried options tried"
# shellcheck disable=SC2086
"$MB" sweep $BASE $MIX --resume >/dev/null 2>"$TMP/e" ||
	fail "--resume with the same options: $(cat "$TMP/e")"

# A sweep of another results schema is refused, naming both.
sed -i 's/"schema": 5/"schema": 3/' "$S/meta.json"
# shellcheck disable=SC2086
"$MB" sweep $BASE $MIX --resume >/dev/null 2>"$TMP/e"
rc=$?
[ "$rc" -eq 2 ] || fail "--resume of schema 3: exit $rc, want 2"
grep -q "results schema 3, this one writes 5" "$TMP/e" ||
	fail "--resume of schema 3: $(cat "$TMP/e")"
finish

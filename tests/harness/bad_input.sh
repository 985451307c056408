# Every bad option value: exit status 2, one message naming the option,
# and no result file.
. "$(dirname "$0")/lib.sh"

# expect OPTION-NAME-IN-MESSAGE ARGS...
expect() {
	opt=$1
	shift
	out="$TMP/out"
	rm -rf "$out"
	"$MB" "$@" >"$TMP/stdout" 2>"$TMP/stderr"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$*: exit $rc, want 2"
	grep -q -- "$opt" "$TMP/stderr" ||
		fail "$*: message does not name $opt: $(cat "$TMP/stderr")"
	[ "$(wc -l <"$TMP/stderr")" -le 2 ] ||
		fail "$*: more than one message: $(cat "$TMP/stderr")"
	[ ! -e "$out" ] || fail "$*: wrote $out"
	[ ! -s "$TMP/stdout" ] || fail "$*: wrote to stdout"
}

for cmd in run sweep; do
	o="--out $TMP/out"
	[ "$cmd" = run ] && o=""
	expect --read $cmd $o --read 150
	expect --read $cmd $o --read 50,abc
	expect --read $cmd $o --read -1
	expect --threads $cmd $o --threads 0
	expect --threads $cmd $o --threads 1,,2
	expect --keys $cmd $o --keys 0
	expect --keys $cmd $o --keys 12x
	expect --impl $cmd $o --impl nosuchmap
	expect --duration $cmd $o --duration soon
	expect --duration $cmd $o --duration 0s
	# Decimal, as documented: no hex float, inf or nan (D27).
	expect --duration $cmd $o --duration 0x1p-3
	expect --duration $cmd $o --duration 0x1p-3s
	expect --duration $cmd $o --duration infs
	# One spelling per map: striped:064 is not a second striped:64 (D27).
	expect --impl $cmd $o --impl striped:064
	expect --dist $cmd $o --dist zipf:1.5
	expect --dist $cmd $o --dist gaussian
	expect --mix $cmd $o --mix load=abc
	expect --mix $cmd $o --mix fly=10
	expect --mix $cmd $o --mix load=50 --read 90
	expect --prefill $cmd $o --prefill 101
	expect --repeat $cmd $o --repeat 0
	expect --seed $cmd $o --seed -5
	expect --latency-sample $cmd $o --latency-sample x
	expect --format $cmd $o --format xml
	expect --workload $cmd $o --workload NoSuchWorkload
	expect --workload $cmd $o --workload LoadMostlyHits --read 90
	expect "unknown option" $cmd $o --bogus
	expect "needs a value" $cmd $o --read
done
expect "unknown command" frobnicate
expect --precision sweep --out "$TMP/out" --precision 0x10
expect --scale check --impl rwlock --scale 0x1p-2
expect --timeout check --impl rwlock --timeout 0x10
expect --timeout lincheck --impl rwlock --timeout 0x10
expect --budget-ms lincheck --impl rwlock --budget-ms nan
expect --out run --out "$TMP/out"
# An unwritable --out is refused before any run.
expect --out sweep --out /proc/mapbench-no/such/dir --duration 10ms
if [ "$(id -u)" != 0 ]; then
	mkdir "$TMP/ro" && chmod 555 "$TMP/ro"
	expect --out sweep --out "$TMP/ro/x" --duration 10ms
fi
# An existing sweep is not overwritten without --resume.
mkdir -p "$TMP/old" && echo "impl" >"$TMP/old/results.csv"
"$MB" sweep --out "$TMP/old" --quick >/dev/null 2>"$TMP/stderr"
[ $? -eq 2 ] || fail "sweep over existing results: want exit 2"
grep -q -- --resume "$TMP/stderr" || fail "existing results: no hint of --resume"
[ "$(cat "$TMP/old/results.csv")" = impl ] || fail "existing results changed"
finish

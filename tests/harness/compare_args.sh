# bench/compare.sh checks every argument before it builds, runs or
# writes anything: a bad one is one line, exit 2, and nothing on disk.
. "$(dirname "$0")/lib.sh"

C=$SRC/bench/compare.sh
SH=$(command -v sh)
# A PATH with the few tools compare.sh needs to check its arguments (and
# stand-ins for gnuplot and cmake), and a Go that does not run: arguments
# that pass stop at "no Go toolchain", before any work.
mkdir -p "$TMP/bin"
for t in dirname tr realpath sed grep cat; do
	ln -s "$(command -v $t)" "$TMP/bin/$t"
done
for t in gnuplot cmake; do ln -s /bin/true "$TMP/bin/$t"; done
export MAPBENCH_GO="$TMP/no-such-go"

# bad OPTION-IN-MESSAGE ARGS...
bad() {
	opt=$1
	shift
	rm -rf "$TMP/out" "$TMP/plots"
	PATH=$TMP/bin "$SH" "$C" --out "$TMP/out" --plots "$TMP/plots" "$@" \
		>"$TMP/stdout" 2>"$TMP/stderr"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$*: exit $rc, want 2"
	grep -q -- "$opt" "$TMP/stderr" || fail "$*: message does not name $opt: $(cat "$TMP/stderr")"
	[ "$(wc -l <"$TMP/stderr")" -eq 1 ] || fail "$*: not one line: $(cat "$TMP/stderr")"
	grep -q "not found\|Illegal\|unexpected" "$TMP/stderr" && fail "$*: $(cat "$TMP/stderr")"
	[ ! -e "$TMP/out" ] && [ ! -e "$TMP/plots" ] || fail "$*: wrote files"
}
bad --threads --threads 1,,2
bad --threads --threads ,1
bad --threads --threads 1,
bad --threads --threads 01
bad --threads --threads 0
bad --threads --threads abc
bad --threads --threads ""
bad --threads --threads 99999999999999999999
bad --threads --threads 1025
bad --mapbench --mapbench /nonexistent/mapbench
bad --mapbench --mapbench "$TMP"
bad --reps --reps 0
bad --reps --reps -1
bad --reps --reps 1x
bad --benchtime --benchtime xyz
bad --benchtime --benchtime 0s
bad --benchtime --benchtime 1
bad --benchtime --benchtime 1.2.3s
bad --benchtime --benchtime 0x
bad --benchtime --benchtime "1s;id"
bad --min-time --min-time -1
bad --min-time --min-time 0
bad --min-time --min-time abc
bad --min-time --min-time .
bad --workloads --workloads NoSuch
bad --workloads --workloads Range,
bad --workloads --workloads "Range|Clear"
bad --workloads --workloads 'Range$(touch PWNED)'
bad --impls --impls ""
bad --impls --impls syncmap,,null
bad --impls --impls ,syncmap
bad --impls --impls syncmap,
bad --impls --impls SyncMap
bad --impls --impls "sync-map"
bad --impls --impls 'syncmap|null'
bad --impls --impls 'syncmap$(touch PWNED)'
bad --impls --impls "$(printf 'sync\nmap')"
bad --impls --impls "$(printf 'x%.0s' $(seq 33))"
bad --impls --impls "$(printf 'syncmap,%.0s' $(seq 80))null"
bad --out --out "a'b"
bad --plots --plots "$(printf 'a\nb')"
bad --build --build ""
bad --go --go 1.25
bad --go --go 1.2
bad --go --go ""
bad --go --go 1.23,
bad --go --go ,1.24
bad --go --go '1.23;id'
bad --go --go "$(printf '1.23\n1.24')"
bad "needs a value" --threads
bad "unknown option" --nosuch
[ ! -e PWNED ] && [ ! -e "$SRC/PWNED" ] || fail "a shell ran an argument"

# good arguments get past the checks (to "no Go toolchain")
good() {
	rm -rf "$TMP/out"
	PATH=$TMP/bin "$SH" "$C" --out "$TMP/out" "$@" >"$TMP/stdout" 2>"$TMP/stderr"
	grep -q "compare: no Go toolchain" "$TMP/stderr" ||
		fail "$*: refused: $(cat "$TMP/stderr")"
}
good --threads 1,2,16 --reps 3
good --benchtime 1.5s --min-time 0.25
good --benchtime 500ms
good --benchtime 1000x
good --workloads LoadMostlyHits,Range,CompareAndDeleteMostlyMisses
good --build "$TMP/abs build"
good --impls syncmap,null,syncmap
good --impls all
good --impls "$(printf 'x%.0s' $(seq 32))"

# the workload list agrees with the workloads the harness defines
for w in $(sed -n '/^known="/,/"$/p' "$C" | tr -d '"' | sed 's/known=//'); do
	grep -rqs "\"$w\"" "$SRC/harness" "$SRC/workloads" ||
		fail "compare.sh knows a workload the harness does not: $w"
done
# --help answers on stdout with exit 0, and exit 1 when it cannot write.
sh "$C" --help >"$TMP/h.out" 2>"$TMP/h.err" || fail "--help: exit $?"
grep -q 'bench/compare.sh \[--go' "$TMP/h.out" || fail "--help: no usage on stdout"
if [ -w /dev/full ]; then
	sh "$C" --help >/dev/full 2>/dev/null && fail "--help >/dev/full: exit 0"
fi
finish

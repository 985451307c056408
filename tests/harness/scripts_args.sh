# scripts/test.sh answers --help and refuses arguments without starting
# the pipeline (D21).
#	sh scripts_args.sh MAPBENCH SOURCE_DIR
. "$(dirname "$0")/lib.sh"

sh "$SRC/scripts/test.sh" --help >"$TMP/h.out" 2>"$TMP/h.err"
rc=$?
[ "$rc" -eq 0 ] || fail "test.sh --help: exit $rc"
grep -q "^usage: scripts/test.sh" "$TMP/h.out" || fail "test.sh --help: no usage"
grep -q "==> test.sh" "$TMP/h.out" "$TMP/h.err" && fail "test.sh --help started a stage"
sh "$SRC/scripts/test.sh" --bogus >"$TMP/b.out" 2>"$TMP/b.err"
rc=$?
[ "$rc" -eq 2 ] || fail "test.sh --bogus: exit $rc, want 2"
grep -q "==> test.sh" "$TMP/b.out" "$TMP/b.err" && fail "test.sh --bogus started a stage"
finish

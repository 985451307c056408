# --resume continues the same method only: another --ops, --settle,
# --sizing or --no-isolate is refused (exit 2, nothing appended), the
# same options resume.
#	sh resume_method.sh MAPBENCH SOURCE_DIR
. "$(dirname "$0")/lib.sh"

S="$TMP/s"
sw() {
	"$MB" sweep --impl rwlock --threads 1 --read 90 --keys 1000 \
		--ops 2000 --out "$S" --no-plot "$@" >/dev/null 2>"$TMP/e"
}
sw || fail "the first sweep: $(cat "$TMP/e")"
n=$(wc -l <"$S/results.csv")
for extra in "--ops 3000" "--settle" "--sizing keys" "--no-isolate"; do
	# shellcheck disable=SC2086
	"$MB" sweep --impl rwlock --threads 1 --read 90 --keys 1000 \
		--ops 2000 --out "$S" --no-plot --resume $extra >/dev/null \
		2>"$TMP/e"
	rc=$?
	[ "$rc" -eq 2 ] || fail "--resume with $extra: exit $rc, want 2"
	grep -q "differs from the sweep" "$TMP/e" ||
		fail "--resume with $extra: $(cat "$TMP/e")"
	[ "$(wc -l <"$S/results.csv")" -eq "$n" ] ||
		fail "--resume with $extra appended rows"
done
sw --resume || fail "--resume with the same options: $(cat "$TMP/e")"
finish

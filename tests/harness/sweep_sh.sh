# scripts/sweep.sh refuses a --name that is not a plain directory name
# (an empty one wrote into results/ itself) before it installs, builds
# or runs anything.  Run on a copy whose setup and mapbench are stubs.
. "$(dirname "$0")/lib.sh"

R=$TMP/repo
mkdir -p "$R/scripts" "$R/build/harness"
cp "$SRC/scripts/sweep.sh" "$R/scripts/"
printf '#!/bin/sh\necho setup >>"%s/calls"\n' "$TMP" >"$R/scripts/setup.sh"
printf '#!/bin/sh\necho "mapbench $*" >>"%s/calls"\n' "$TMP" >"$R/build/harness/mapbench"
chmod +x "$R/build/harness/mapbench"
for n in "" . .. a/b /abs -x; do
	rm -f "$TMP/calls"
	sh "$R/scripts/sweep.sh" --name "$n" --quick >"$TMP/o" 2>"$TMP/e"
	rc=$?
	[ "$rc" -eq 2 ] || fail "--name '$n': exit $rc, want 2"
	[ "$(wc -l <"$TMP/e")" -eq 1 ] || fail "--name '$n': $(cat "$TMP/e")"
	[ ! -e "$TMP/calls" ] || fail "--name '$n': ran $(cat "$TMP/calls")"
done
rm -f "$TMP/calls"
sh "$R/scripts/sweep.sh" --name "my run" --quick >"$TMP/o" 2>"$TMP/e" ||
	fail "--name 'my run': exit $?: $(cat "$TMP/e")"
grep -qx "mapbench sweep --out results/my run --quick" "$TMP/calls" ||
	fail "--name 'my run': ran $(cat "$TMP/calls")"
# --help answers without installing or building (it ran setup.sh first).
for h in --help -h; do
	rm -f "$TMP/calls"
	sh "$R/scripts/sweep.sh" $h >"$TMP/o" 2>"$TMP/e" || fail "$h: exit $?"
	grep -q 'scripts/sweep.sh \[--name NAME\]' "$TMP/o" ||
		fail "$h: no usage line: $(cat "$TMP/o")"
	! grep -q setup "$TMP/calls" 2>/dev/null || fail "$h: ran setup.sh"
done
finish

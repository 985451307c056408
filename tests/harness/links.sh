# Nothing outside the sweep directory is touched through a link planted in
# it (result directories are shared and committed): gnuplot.log, plots/,
# a file in plots/, .lock, meta.json.tmp, plots/.index.html.tmp.
#	sh links.sh MAPBENCH SOURCE_DIR
. "$(dirname "$0")/lib.sh"

S="$TMP/s"
V="$TMP/victim"
sweep() {
	"$MB" sweep --impl rwlock --threads 1 --read 90 --keys 1000 \
		--duration 10ms "$@"
}
sweep --out "$S" --no-plot >/dev/null 2>&1 || fail "the base sweep"
victim() { printf 'keep me\n' >"$V"; }
intact() { [ "$(cat "$V" 2>/dev/null)" = "keep me" ] || fail "$1: the victim was written"; }

# gnuplot.log -> victim: plot does not truncate it.
victim
ln -s "$V" "$S/gnuplot.log"
"$MB" plot "$S" >/dev/null 2>"$TMP/e"
[ $? -ne 0 ] || fail "plot through a gnuplot.log link: exit 0"
intact "gnuplot.log link"
rm -f "$S/gnuplot.log"

# plots -> elsewhere: refused, exit 2, elsewhere untouched.
mkdir -p "$TMP/elsewhere"
rm -rf "$S/plots"
ln -s "$TMP/elsewhere" "$S/plots"
"$MB" plot "$S" >/dev/null 2>"$TMP/e"
rc=$?
[ "$rc" -eq 2 ] || fail "plot into a plots link: exit $rc, want 2"
grep -q "a symbolic link, not a directory: refused" "$TMP/e" ||
	fail "plots link: $(cat "$TMP/e")"
[ -z "$(ls -A "$TMP/elsewhere")" ] || fail "plot wrote through the plots link"
# ... and a sweep with such plots/ is refused before it runs.
rm -f "$S/results.csv"
sweep --out "$S" >/dev/null 2>"$TMP/e"
rc=$?
[ "$rc" -eq 2 ] || fail "sweep with a plots link: exit $rc, want 2"
[ ! -e "$S/results.csv" ] || fail "sweep with a plots link ran"
rm -f "$S/plots"

# A link inside plots/ (a figure, the page's temporary file): refused.
sweep --out "$S" --no-plot >/dev/null 2>&1 || fail "sweep again"
mkdir -p "$S/plots"
victim
ln -s "$V" "$S/plots/.index.html.tmp"
"$MB" plot "$S" >/dev/null 2>"$TMP/e"
rc=$?
[ "$rc" -eq 2 ] || fail "plot with a link in plots/: exit $rc, want 2"
grep -q "plots/.index.html.tmp: a symbolic link: refused" "$TMP/e" ||
	fail "link in plots/: $(cat "$TMP/e")"
intact "plots/.index.html.tmp link"
rm -f "$S/plots/.index.html.tmp"

# .lock -> a path: refused, the path not created.
rm -f "$S/.lock"
ln -s "$TMP/created-by-lock" "$S/.lock"
sweep --out "$S" --resume --no-plot >/dev/null 2>"$TMP/e"
rc=$?
[ "$rc" -eq 2 ] || fail "sweep with a .lock link: exit $rc, want 2"
[ ! -e "$TMP/created-by-lock" ] || fail ".lock link: its target was created"
grep -q "\.lock: a symbolic link: refused" "$TMP/e" || fail ".lock: $(cat "$TMP/e")"
rm -f "$S/.lock"

# meta.json.tmp -> victim: the resume writes meta.json, not the victim.
victim
ln -s "$V" "$S/meta.json.tmp"
sweep --out "$S" --resume --no-plot >/dev/null 2>"$TMP/e" ||
	fail "resume with a meta.json.tmp link: $(cat "$TMP/e")"
intact "meta.json.tmp link"
[ -f "$S/meta.json" ] && [ ! -L "$S/meta.json" ] || fail "meta.json not a file"
# A --plot-dir that cannot be written is found before the sweep runs.
printf 'x' >"$TMP/afile"
"$MB" sweep --impl rwlock --threads 1 --read 90 --keys 1000 --duration 10ms \
	--out "$TMP/pd" --plot-dir "$TMP/afile/plots" >/dev/null 2>"$TMP/e"
rc=$?
[ "$rc" -eq 2 ] || fail "unwritable --plot-dir: exit $rc, want 2"
[ ! -s "$TMP/pd/results.csv" ] || fail "unwritable --plot-dir: the sweep ran"
grep -q "plot-dir: .*afile/plots: " "$TMP/e" ||
	fail "unwritable --plot-dir: $(cat "$TMP/e")"
finish

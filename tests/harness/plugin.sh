# Plugins: install into a temporary prefix, build the example plugin with
# pkg-config against it, check it (passes), check a broken variant (fails
# naming the concurrency check), and refuse every bad library with exit 2
# and nothing written.
. "$(dirname "$0")/lib.sh"

BUILD=$(dirname "$(dirname "$MB")")
PFX="$TMP/prefix"
cmake --install "$BUILD" --prefix "$PFX" >/dev/null ||
	{ fail "cmake --install"; finish; }
M="$PFX/bin/mapbench"
[ -f "$PFX/include/mapbench/map.h" ] || fail "no installed map.h"
export PKG_CONFIG_PATH="$PFX/lib/pkgconfig"
cflags=$(pkg-config --cflags mapbench) || fail "pkg-config mapbench"
EX="$SRC/examples/chainmap/chainmap.c"
so() { # so NAME [-DFLAG...]: build a variant of the example
	n=$1
	shift
	cc -O2 -shared -fPIC $cflags "$@" "$EX" -o "$TMP/$n.so" -lpthread ||
		fail "build $n"
}
so good
# The example's own Makefile, as docs/PLUGINS.md shows it.
mkdir -p "$TMP/ex" && cp "$SRC/examples/chainmap/chainmap.c" \
	"$SRC/examples/chainmap/Makefile" "$TMP/ex/" || fail "copy example"
make -s -C "$TMP/ex" >/dev/null 2>"$TMP/make.err" ||
	fail "make of the example: $(cat "$TMP/make.err")"
[ -s "$TMP/ex/chainmap.so" ] || fail "the Makefile built no chainmap.so"
# ... and with the path as a make variable, the form its comment gives
# first (GNU Make before 4.4 does not export it to $(shell); D22).
make -s -C "$TMP/ex" clean >/dev/null 2>&1
env -u PKG_CONFIG_PATH make -s -C "$TMP/ex" PKG_CONFIG_PATH="$PFX/lib/pkgconfig" \
	>/dev/null 2>"$TMP/make.err" ||
	fail "make PKG_CONFIG_PATH=...: $(cat "$TMP/make.err")"
[ -s "$TMP/ex/chainmap.so" ] || fail "make PKG_CONFIG_PATH=... built no chainmap.so"

"$M" list --impl-lib "$TMP/good.so" | grep -q "chainmap.*\[plugin\]" ||
	fail "list does not show the plugin"
"$M" check --impl chainmap --impl-lib "$TMP/good.so" --scale 0.1 \
	>"$TMP/check.out" 2>&1 || fail "check of the example: $(tail -5 "$TMP/check.out")"

so broken -DCHAINMAP_BROKEN_LOS
"$M" check --impl chainmap --impl-lib "$TMP/broken.so" --suite concurrency \
	--scale 0.3 >"$TMP/broken.out" 2>&1
[ $? -eq 1 ] || fail "check of a broken load_or_store: want exit 1"
grep -q "FAIL.*load_or_store_race" "$TMP/broken.out" ||
	fail "broken load_or_store not named: $(cat "$TMP/broken.out")"

# A plugin map sweeps and plots beside a built-in one.
"$M" sweep --impl-lib "$TMP/good.so" --impl chainmap,rwlock --threads 1 \
	--read 90 --keys 1000 --duration 20ms --out "$TMP/sw" --no-plot \
	>/dev/null 2>"$TMP/sw.err" || fail "sweep with a plugin: $(cat "$TMP/sw.err")"
grep -q '"fnv1a64"' "$TMP/sw/meta.json" || fail "meta.json lacks the plugin"
grep -q '^chainmap,' "$TMP/sw/results.csv" || fail "no chainmap rows"

# A plugin that crashes costs its own rows only: each row runs in its own
# process, the built-in map's rows are ok, the plugin's say how it died,
# and the sweep finishes with exit 1 (rows not ok).
so crash -DCHAINMAP_CRASH
"$M" sweep --impl-lib "$TMP/crash.so" --impl chainmap,rwlock --threads 1 \
	--read 90 --keys 10000 --prefill 100 --duration 20ms --repeat 2 \
	--out "$TMP/cr" --no-plot >/dev/null 2>"$TMP/cr.err"
rc=$?
[ "$rc" -eq 1 ] || fail "sweep with a crashing plugin: exit $rc, want 1"
st=$(csv_col "$TMP/cr/results.csv" status)
[ "$(awk -F, -v c="$st" '$1 == "rwlock" && $c == "ok"' \
	"$TMP/cr/results.csv" | wc -l)" -eq 2 ] || fail "rwlock rows not ok"
[ "$(awk -F, -v c="$st" '$1 == "chainmap" && $c == "crashed:SIGSEGV"' \
	"$TMP/cr/results.csv" | wc -l)" -eq 2 ] ||
	fail "chainmap rows do not say crashed:SIGSEGV: $(cat "$TMP/cr/results.csv")"
"$M" check --impl chainmap --impl-lib "$TMP/crash.so" --suite conformance \
	--scale 0.1 >"$TMP/crc.out" 2>&1
[ $? -eq 1 ] || fail "check of a crashing plugin: want exit 1"
grep -Eq "crashed: SEGV|Segmentation fault" "$TMP/crc.out" ||
	fail "check does not report the crash"

# Bad libraries: exit 2, one line naming the library, nothing written.
printf 'int nothing_here;\n' >"$TMP/empty.c"
cc -shared -fPIC "$TMP/empty.c" -o "$TMP/nosym.so" || fail "build nosym"
so clash '-DCHAINMAP_NAME="rwlock"'
so abi -DCHAINMAP_ABI=999
so nocas -DCHAINMAP_NO_CAS
for lib in "$TMP/missing.so" "$TMP/nosym.so" "$TMP/clash.so" \
	"$TMP/abi.so" "$TMP/nocas.so"; do
	rm -rf "$TMP/bad"
	"$M" sweep --impl-lib "$lib" --out "$TMP/bad" --quick >/dev/null \
		2>"$TMP/bad.err"
	rc=$?
	[ "$rc" -eq 2 ] || fail "$lib: exit $rc, want 2"
	[ "$(wc -l <"$TMP/bad.err")" -eq 1 ] ||
		fail "$lib: not one line: $(cat "$TMP/bad.err")"
	grep -q "$lib" "$TMP/bad.err" || fail "$lib: message does not name it"
	[ ! -e "$TMP/bad" ] || fail "$lib: wrote $TMP/bad"
done
grep -q "ABI version 999" "$TMP/bad.err" 2>/dev/null || true
"$M" list --impl-lib "$TMP/abi.so" >/dev/null 2>"$TMP/abi.err"
grep -q "ABI version 999" "$TMP/abi.err" || fail "ABI mismatch not explained"
"$M" list --impl-lib "$TMP/nocas.so" >/dev/null 2>"$TMP/nocas.err"
grep -q "compare_and_swap" "$TMP/nocas.err" || fail "missing op not named"
"$M" list --impl-lib "$TMP/clash.so" >/dev/null 2>"$TMP/clash.err"
grep -q "clashes" "$TMP/clash.err" || fail "clash not explained"
finish

# A C++ plugin: install into a temporary prefix, build examples/cxxmap with
# its Makefile (pkg-config, as docs/PLUGINS.md shows), list and check it (the
# check includes conformance/nested_enter, which enters every known map,
# plugins included: cxxmap aborts on an operation from a thread that is not
# inside thread_enter), and refuse the same plugin built without the
# header's extern "C" declarations with a message naming C++ linkage.
. "$(dirname "$0")/lib.sh"

command -v c++ >/dev/null || { echo "no C++ compiler: skipped"; exit 77; }
BUILD=$(dirname "$(dirname "$MB")")
PFX="$TMP/prefix"
cmake --install "$BUILD" --prefix "$PFX" >/dev/null ||
	{ fail "cmake --install"; finish; }
M="$PFX/bin/mapbench"
export PKG_CONFIG_PATH="$PFX/lib/pkgconfig"
mkdir -p "$TMP/ex" && cp "$SRC/examples/cxxmap/cxxmap.cc" \
	"$SRC/examples/cxxmap/Makefile" "$TMP/ex/" || fail "copy example"
make -s -C "$TMP/ex" >/dev/null 2>"$TMP/make.err" ||
	fail "make of the C++ example: $(cat "$TMP/make.err")"
[ -s "$TMP/ex/cxxmap.so" ] || { fail "the Makefile built no cxxmap.so"; finish; }
nm -D --defined-only "$TMP/ex/cxxmap.so" | grep -q " mapbench_abi_version$" ||
	fail "cxxmap.so does not export mapbench_abi_version under its C name"

"$M" list --impl-lib "$TMP/ex/cxxmap.so" | grep -q "^  cxxmap .*\[plugin\]" ||
	fail "list does not show the C++ plugin"
"$M" check --impl cxxmap --impl-lib "$TMP/ex/cxxmap.so" --scale 0.1 \
	>"$TMP/check.out" 2>&1 || fail "check of the C++ example: $(tail -5 "$TMP/check.out")"
grep -q "pass   conformance/nested_enter" "$TMP/check.out" ||
	fail "nested_enter did not pass on the plugin: $(cat "$TMP/check.out")"

# Without the header's extern "C" declarations the symbols are internal.
c++ -std=c++17 -O1 -shared -fPIC $(pkg-config --cflags mapbench) \
	-DCXXMAP_NO_EXTERN_C "$TMP/ex/cxxmap.cc" -o "$TMP/noext.so" ||
	fail "build noext"
"$M" list --impl-lib "$TMP/noext.so" >/dev/null 2>"$TMP/noext.err"
rc=$?
[ "$rc" -eq 2 ] || fail "a plugin exporting nothing: exit $rc, want 2"
grep -q 'extern "C"' "$TMP/noext.err" ||
	fail "the loader's message does not mention C++ linkage: $(cat "$TMP/noext.err")"
finish

# scripts/check-layers.sh against mutated copies of harness/: a clean copy
# passes; an include cycle, a dependency the layer table forbids, a
# header of tests/, a module without a layer and a file in another
# layer's folder each fail with their message.
#	sh layers.sh MAPBENCH SOURCE_DIR (MAPBENCH unused: lib.sh's calling
#	convention)
. "$(dirname "$0")/lib.sh"
CHECK=$SRC/scripts/check-layers.sh
# fresh: a copy of the tree's harness/ and tests/ headers in $TMP/t
fresh() {
	rm -rf "$TMP/t"
	mkdir -p "$TMP/t/tests"
	cp -R "$SRC/harness" "$TMP/t/harness"
	find "$SRC/tests" -name '*.h' -exec cp {} "$TMP/t/tests/" \;
}
# where NAME: the path of harness file NAME in the copy
where() {
	find "$TMP/t/harness" -name "$1" | head -1
}
# expect_fail WHAT PATTERN: the check exits 1 and says PATTERN
expect_fail() {
	sh "$CHECK" "$TMP/t" >"$TMP/out" 2>&1
	rc=$?
	[ "$rc" -eq 1 ] || fail "$1: exit $rc, want 1: $(cat "$TMP/out")"
	grep -q "$2" "$TMP/out" || fail "$1: no '$2' in: $(cat "$TMP/out")"
}

sh "$CHECK" "$SRC" >"$TMP/out" 2>&1 || fail "the tree itself: $(cat "$TMP/out")"
fresh
sh "$CHECK" "$TMP/t" >"$TMP/out" 2>&1 || fail "a clean copy: $(cat "$TMP/out")"

# 1. A cycle inside one layer (plot.c already includes report.h).
fresh
echo '#include "plot.h"' >>"$(where report.c)"
expect_fail "cycle" "include cycle: .*plot.*report"

# 2. A dependency against the table: the driver reaching up to figures.
fresh
echo '#include "plot.h"' >>"$(where driver.c)"
expect_fail "upward include" "layer measure may not use layer figures"

# 3. A header that only tests/ has.
fresh
echo '/* test only */' >"$TMP/t/tests/only_in_tests.h"
echo '#include "only_in_tests.h"' >>"$(where sweep.c)"
expect_fail "tests header" "a header of tests/"

# 4. A module the table does not place.
fresh
echo 'int x;' >"$(dirname "$(where driver.c)")/newmodule.c"
expect_fail "no layer" "module newmodule has no layer"

# 5. A file in the folder of another layer.
fresh
mkdir -p "$TMP/t/harness/figures"
mv "$(where driver.c)" "$TMP/t/harness/figures/driver.c"
expect_fail "wrong folder" "in folder figures/ but layers.txt puts driver in layer measure"

finish

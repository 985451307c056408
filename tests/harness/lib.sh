# Shared by the harness tests: sh TEST.sh MAPBENCH SOURCE_DIR
set -u
MB=$1
SRC=$2
# Tests share the machine with each other (ctest -j): rows must not be
# marked interfered by the test next door.  interference.sh tests the rule.
MAPBENCH_INTERFERENCE_LIMIT=off
export MAPBENCH_INTERFERENCE_LIMIT
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mapbench-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}
finish() {
	if [ "$fails" -ne 0 ]; then
		echo "$fails failure(s)" >&2
		exit 1
	fi
	echo "ok"
	exit 0
}
# csv_col FILE NAME: the 1-based index of column NAME
csv_col() {
	head -1 "$1" | tr ',' '\n' | grep -nx "$2" | cut -d: -f1
}
# schema_cols ROLE...: the columns of those roles (`mapbench list columns`)
schema_cols() {
	"$MB" list columns | awk -F'\t' -v roles=" $* " \
		'NR > 1 && index(roles, " " $4 " ") { print $1 }'
}
# row_keys FILE: each row's identity (the schema's identity and method
# columns and rep), one line per row, for duplicate checks.
row_keys() {
	cols=""
	for c in $(schema_cols identity method repetition); do
		i=$(csv_col "$1" "$c")
		[ -n "$i" ] || { echo "row_keys: no column $c" >&2; return 1; }
		cols="$cols${cols:+,}$i"
	done
	tail -n +2 "$1" | cut -d, -f"$cols"
}
# registry_counts: "MAPS UNSAFE CONTROLS" from `mapbench list`.
registry_counts() {
	"$MB" list | awk '
		/^maps/ { on = 1; next }
		/^$/ { on = 0 }
		on && /^  [a-z][a-z0-9_-]* +not built:/ { next }
		on && /^  [a-z]/ { n++ }
		on && /^  [a-z].*\[not thread-safe/ { u++ }
		on && /^  [a-z].*\[control/ { c++ }
		END { print n + 0, u + 0, c + 0 }'
}

# Shared by the harness tests: sh TEST.sh MAPBENCH SOURCE_DIR
set -u
MB=$1
SRC=$2
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

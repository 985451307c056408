#!/bin/sh
# Move the harness's files into one sub-folder per layer of
# harness/layers.txt (util/, measure/, sweep/, figures/, analysis/,
# checkers/, cli/) with `git mv`, and rewrite the paths that name them:
# the bare source names in harness/CMakeLists.txt, and "harness/FILE" in
# every other tracked text file (CMake, scripts, docs, comments).  The
# include path (harness/CMakeLists.txt's MB_HARNESS_INCLUDE) follows the
# folders by itself, so no #include line changes.
#
# Idempotent: a file already in its folder is left alone; a second run
# changes nothing.  Refuses (exit 2) outside a git work tree, with a
# harness file no layer names, or when a destination is taken.  Commits
# nothing: the moves are staged, the rewritten paths left in the work
# tree to review:
#
#   scripts/harness-layout.sh && scripts/check-layers.sh && git diff &&
#   cmake --build build && ctest --test-dir build && git commit -a
set -u
case "${1-}" in
'') ;;
-h | --help)
	sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p;}' "$0"
	exit 0
	;;
*)
	echo "harness-layout.sh: unexpected '$1'; it takes no arguments" >&2
	exit 2
	;;
esac
cd "$(dirname "$0")/.." || exit 2
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	echo "harness-layout.sh: $(pwd) is not a git work tree" >&2
	exit 2
fi
TABLE=harness/layers.txt
[ -f "$TABLE" ] || {
	echo "harness-layout.sh: no $TABLE" >&2
	exit 2
}

# layer_of MODULE: its layer in the table, or nothing
layer_of() {
	awk -v m="$1" '!/^[[:space:]]*(#|$)/ {
		for (i = 3; i <= NF; i++) if ($i == m) { print $1; exit } }' "$TABLE"
}

# 1. Every top-level harness source has a layer, and no destination is taken.
moves=""
for f in harness/*.c harness/*.h; do
	[ -e "$f" ] || continue
	name=${f#harness/}
	m=${name%.[ch]}
	l=$(layer_of "$m")
	if [ -z "$l" ]; then
		echo "harness-layout.sh: $f: module $m has no layer in $TABLE: add it there first" >&2
		exit 2
	fi
	if [ -e "harness/$l/$name" ]; then
		echo "harness-layout.sh: harness/$l/$name exists already: cannot move $f there" >&2
		exit 2
	fi
	moves="$moves $l/$name"
done

# 2. Move.
for lf in $moves; do
	mkdir -p "harness/${lf%/*}"
	git mv "harness/${lf#*/}" "harness/$lf" || exit 1
done

# 3. Paths.  perl: the one tool here with look-behind; in place, per file.
for lf in $moves; do
	name=${lf#*/}
	case $name in
	*.c)
		# bare source names in the harness's CMake lists
		perl -pi -e "s#(?<![\\w/.\$-])\Q$name\E(?![\\w.])#$lf#g" \
			harness/CMakeLists.txt
		;;
	esac
	# "harness/NAME" anywhere else it is written
	git grep -lI -F "harness/$name" -- ':!harness/layers.txt' |
		while IFS= read -r t; do
			perl -pi -e "s#(?<!tests/)harness/\Q$name\E(?![\\w.])#harness/$lf#g" "$t"
		done
done
# The fuzz target compiles csvread.c by itself: its header's folder.
csvdir=$(layer_of csvread)
if [ -f tests/fuzz/CMakeLists.txt ] && [ -n "$csvdir" ]; then
	perl -pi -e "s#\\\$\\{PROJECT_SOURCE_DIR\\}/harness\\)#\\\${PROJECT_SOURCE_DIR}/harness/$csvdir)#g" \
		tests/fuzz/CMakeLists.txt
fi
# A rewritten path can push a C comment past the column limit.
if command -v clang-format >/dev/null 2>&1; then
	git diff --name-only -- '*.c' '*.h' '*.cc' | while IFS= read -r t; do
		clang-format -i "$t"
	done
fi
n=$(echo "$moves" | wc -w)
echo "harness-layout.sh: $n files moved (staged), paths rewritten (not staged); nothing committed"

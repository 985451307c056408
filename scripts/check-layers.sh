#!/bin/sh
# The harness's include graph against its layer table (harness/layers.txt):
# every `#include "..."` of a harness file that names another harness
# module must go to the same layer or to one the table allows; the graph
# of modules must have no cycle; no harness file may include a header
# that exists only under tests/ (the shipped program does not depend on
# its tests); every module must have a layer, and a file in a sub-folder
# harness/DIR/ must belong to layer DIR.  Prints each violation and exits
# 1, or prints one "ok" line and exits 0.  Bad usage: exit 2.
#
#   scripts/check-layers.sh [ROOT]     ROOT: the source tree (default: ..)
#
# A module is a file name without .c or .h (driver.c and driver.h are
# module driver); a #include is matched by its last path component, so
# the check reads the tree the same before and after the harness's files
# move into sub-folders (scripts/harness-layout.sh).
set -u
case "${1-}" in
-h | --help)
	sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p;}' "$0"
	exit 0
	;;
esac
if [ $# -gt 1 ]; then
	echo "check-layers.sh: one argument at most (the source tree), got $#" >&2
	exit 2
fi
ROOT=${1:-$(dirname "$0")/..}
TABLE=$ROOT/harness/layers.txt
if [ ! -d "$ROOT/harness" ] || [ ! -f "$TABLE" ]; then
	echo "check-layers.sh: $ROOT has no harness/ with a layers.txt: give the source tree" >&2
	exit 2
fi

# One line per file: "F<TAB>path" then one "I<TAB>path<TAB>included" per
# quoted include; tests/ headers as "T<TAB>name".
{
	find "$ROOT/harness" -type f \( -name '*.c' -o -name '*.h' \) |
		LC_ALL=C sort | while IFS= read -r f; do
		printf 'F\t%s\n' "${f#"$ROOT"/}"
		sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f" |
			while IFS= read -r inc; do
				printf 'I\t%s\t%s\n' "${f#"$ROOT"/}" "$inc"
			done
	done
	if [ -d "$ROOT/tests" ]; then
		find "$ROOT/tests" -type f -name '*.h' | while IFS= read -r f; do
			printf 'T\t%s\n' "${f##*/}"
		done
	fi
} | LC_ALL=C awk -F '\t' -v table="$TABLE" '
function base(p) { sub(/.*\//, "", p); return p }
function module(p) { p = base(p); sub(/\.[ch]$/, "", p); return p }
function folder(p) {	# "harness/DIR/x.c" -> DIR, "harness/x.c" -> ""
	sub(/^harness\//, "", p)
	return p ~ /\// ? substr(p, 1, index(p, "/") - 1) : ""
}
function bad(msg) { print "check-layers: " msg; nbad++ }
function dfs(m,    i, j, n, k, cyc) {
	state[m] = 1
	stack[++depth] = m
	n = nout[m]
	for (i = 1; i <= n; i++) {
		k = out[m, i]
		if (state[k] == 1) {
			cyc = k
			for (j = depth; j >= 1 && stack[j] != k; j--)
				cyc = stack[j] " -> " cyc
			cyc = k " -> " cyc
			bad("include cycle: " cyc " (" why[m, k] ")")
		} else if (state[k] == 0)
			dfs(k)
	}
	depth--
	state[m] = 2
}
BEGIN {
	while ((getline line < table) > 0) {
		if (line ~ /^[[:space:]]*(#|$)/)
			continue
		n = split(line, w, /[[:space:]]+/)
		if (n < 3) {
			print "check-layers: " table ": a layer without modules: " line
			exit 2
		}
		layer[w[1]] = 1
		allow[w[1]] = w[2]
		for (i = 3; i <= n; i++) {
			if (w[i] in home) {
				print "check-layers: " table ": module " w[i] " in two layers"
				exit 2
			}
			home[w[i]] = w[1]
		}
	}
	close(table)
}
$1 == "F" { files[$2] = 1; mods[module($2)] = 1; next }
$1 == "T" { testh[$2] = 1; next }
$1 == "I" { inc[++ninc] = $2 "\t" $3; next }
END {
	for (f in files) {
		m = module(f)
		if (!(m in home)) {
			bad(f ": module " m " has no layer in harness/layers.txt")
			continue
		}
		d = folder(f)
		if (d != "" && d != home[m])
			bad(f ": in folder " d "/ but layers.txt puts " m " in layer " home[m])
	}
	for (i = 1; i <= ninc; i++) {
		split(inc[i], w, "\t")
		f = w[1]; h = base(w[2]); m = module(f); k = module(h)
		if (!(k in mods)) {
			if (h in testh)
				bad(f ": includes " w[2] ", a header of tests/ (the program must not depend on its tests)")
			continue
		}
		if (k == m || !(m in home) || !(k in home))
			continue
		if (!((m, k) in edge)) {
			edge[m, k] = 1
			nedge++
			out[m, ++nout[m]] = k
			why[m, k] = f " includes " w[2]
		}
		lm = home[m]; lk = home[k]
		if (lm == lk || allow[lm] == "*")
			continue
		ok = 0
		n = split(allow[lm], a, ",")
		for (j = 1; j <= n; j++)
			if (a[j] == lk)
				ok = 1
		if (!ok)
			bad(f ": includes " w[2] ": layer " lm " may not use layer " lk " (layers.txt: " lm " may include " allow[lm] ")")
	}
	# modules in a fixed order, so that the output is reproducible
	nm = 0
	for (m in mods)
		order[++nm] = m
	for (i = 2; i <= nm; i++)
		for (j = i; j > 1 && order[j - 1] > order[j]; j--) {
			t = order[j]; order[j] = order[j - 1]; order[j - 1] = t
		}
	for (i = 1; i <= nm; i++)
		if (state[order[i]] == 0)
			dfs(order[i])
	if (nbad) {
		print "check-layers: " nbad " violation(s) of harness/layers.txt"
		exit 1
	}
	print "check-layers: ok (" nm " modules, " nedge + 0 " dependencies, no cycle)"
}'

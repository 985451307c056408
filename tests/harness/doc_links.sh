# Every relative link of the README, docs/*.md and results/*/README.md
# reaches a file or folder of the tree, and every #anchor a heading of the
# Markdown file it names (GitHub's rule: lower case, punctuation but '-'
# and '_' dropped, spaces to '-').  Links inside ``` blocks are examples,
# not links, and are skipped; so are links with a scheme (https:, ...).
#	sh doc_links.sh MAPBENCH SOURCE_DIR
. "$(dirname "$0")/lib.sh"

cd "$SRC" || { fail "no source dir $SRC"; finish; }

# anchors FILE: the anchor of every heading of FILE, one a line.
anchors() {
	awk '/^```/ { code = !code; next }
		!code && /^#+ / { sub(/^#+ +/, ""); h = tolower($0)
			gsub(/[^a-z0-9_ -]/, "", h); gsub(/ /, "-", h); print h }' "$1"
}

# links FILE: every link target of FILE outside code blocks, one a line.
links() {
	awk '/^```/ { code = !code; next }
		!code { s = $0
			while (match(s, /\]\([^) ]+\)/)) {
				print substr(s, RSTART + 2, RLENGTH - 3)
				s = substr(s, RSTART + RLENGTH) } }' "$1"
}

n=0
for f in README.md docs/*.md results/*/README.md; do
	[ -f "$f" ] || continue
	dir=$(dirname "$f")
	for l in $(links "$f"); do
		case $l in
		*:*) continue ;;
		esac
		n=$((n + 1))
		path=${l%%#*}
		if [ -n "$path" ]; then
			target="$dir/$path"
		else
			target=$f
		fi
		if [ ! -e "$target" ]; then
			fail "$f: link to $l: no such file"
			continue
		fi
		case $l in
		*#*)
			a=${l#*#}
			case $target in
			*.md) anchors "$target" | grep -qx -- "$a" ||
				fail "$f: link to $l: no heading with that anchor in $target" ;;
			*) fail "$f: link to $l: an anchor into a file that is not Markdown" ;;
			esac
			;;
		esac
	done
done
[ "$n" -gt 20 ] || fail "only $n links found: the link reader is broken"
finish

# scripts/setup.sh takes bookworm-backports' archive URI from the machine's
# own bookworm sources (one-line and deb822 formats), never from a host
# written in the repository: `setup.sh --bookworm-uri` against fake
# /etc/apt trees (MAPBENCH_APT_ETC).
. "$(dirname "$0")/lib.sh"

S="$SRC/scripts/setup.sh"
uri() { MAPBENCH_APT_ETC="$TMP/$1" sh "$S" --bookworm-uri 2>/dev/null; }
# deb822's field name through a variable: the fixtures below name only
# reserved .example hosts, and no line of the repository reads like an
# archive source.
F=URIs

# One-line format, with options, after a deb-src line and a comment.
mkdir -p "$TMP/a/sources.list.d"
cat >"$TMP/a/sources.list" <<'X'
# deb http://wrong.example/debian bookworm main
deb-src http://src.example/debian bookworm main
deb [arch=amd64 signed-by=/k.gpg] http://mirror-a.example/debian bookworm main
X
[ "$(uri a)" = "http://mirror-a.example/debian" ] || fail "one-line: got '$(uri a)'"

# deb822: a commented URI, the security suite first, several suites.
mkdir -p "$TMP/b/sources.list.d"
cat >"$TMP/b/sources.list.d/debian.sources" <<X
Types: deb
$F: http://security.example/debian-security
Suites: bookworm-security
Components: main

Types: deb
# http://snapshot.example/archive/debian/20250101T000000Z
$F: http://mirror-b.example/debian
Suites: bookworm bookworm-updates
Components: main
X
[ "$(uri b)" = "http://mirror-b.example/debian" ] || fail "deb822: got '$(uri b)'"

# A disabled stanza and no bookworm suite at all: nothing.
mkdir -p "$TMP/c/sources.list.d"
cat >"$TMP/c/sources.list.d/x.sources" <<X
Types: deb
$F: http://off.example/debian
Suites: bookworm
Enabled: no
X
printf 'deb http://other.example/debian trixie main\n' >"$TMP/c/sources.list"
[ -z "$(uri c)" ] || fail "no enabled bookworm suite: got '$(uri c)'"

# bench/go/fetch_go124.sh's private apt source: suite trixie at the same
# URI, signed by the archive keyring; no bookworm source, no line.
fs() { MAPBENCH_APT_ETC="$TMP/$1" sh "$SRC/bench/go/fetch_go124.sh" --sources 2>/dev/null; }
want="deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror-b.example/debian trixie main"
[ "$(fs b)" = "$want" ] || fail "fetch_go124 --sources: got '$(fs b)', want '$want'"
[ "$(fs a)" = "${want%%http*}http://mirror-a.example/debian trixie main" ] ||
	fail "fetch_go124 --sources (one-line): got '$(fs a)'"
fs c >/dev/null && fail "fetch_go124 --sources without a bookworm source: exit 0"

# The source it writes takes its URI from that function, not a literal.
grep -n "$F: [a-z]" "$S" >"$TMP/lit" &&
	fail "setup.sh writes a literal archive URI: $(cat "$TMP/lit")"
grep -n "trixie main" "$SRC/bench/go/fetch_go124.sh" | grep -v '%s trixie' >"$TMP/lit" &&
	fail "fetch_go124.sh writes a literal archive URI: $(cat "$TMP/lit")"
finish

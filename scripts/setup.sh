#!/bin/sh
# Install what mapbench needs (Debian bookworm, as root) and build it into
# build/, fetching Go 1.24 into build/go-1.24 (below).  Sourced by
# scripts/test.sh and scripts/sweep.sh; safe to re-run.
#
# Two things come from bookworm-backports: Go 1.23 (golang-1.23-go, the
# last release with the classic sync.Map, for the Go peer in bench/go) and
# Boost 1.83 (libboost1.83-dev, for the boostcfm map: concurrent_flat_map
# is Boost 1.83+; bookworm has 1.74).  As root, when that suite is not
# configured yet, this adds it the Debian way (a deb822 file in
# /etc/apt/sources.list.d, signed by the Debian archive keyring) and says
# so on stderr.  Its archive URI is the one this machine already uses for
# bookworm (/etc/apt/sources.list, sources.list.d/*.list and *.sources),
# so a machine with a local mirror keeps using it; this repository names
# no archive host.  Without root, or off bookworm, a missing backport is
# only reported: the Go peer then falls back to the golang-go on PATH,
# and boostcfm is not built (`mapbench list` says so).  The other library
# maps (tbbhash, cuckoo, cdsfeldman) come from bookworm itself.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
liburcu-dev libjemalloc-dev libbenchmark-dev libcmocka-dev libjansson-dev
gnuplot-nox golang-go valgrind git libck-dev chromium libtbb-dev
libcuckoo-dev libcds-dev"
GO123=golang-1.23-go
BOOST=libboost1.83-dev
BACKPORTED="$GO123 $BOOST"
# MAPBENCH_APT_ETC: another /etc/apt, for the test of bookworm_uri.
APT_ETC=${MAPBENCH_APT_ETC:-/etc/apt}
BACKPORTS=$APT_ETC/sources.list.d/bookworm-backports.sources

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

# Is a bookworm-backports suite configured, in either source format?
have_backports() {
	grep -Eqs '^[^#]*bookworm-backports' "$APT_ETC/sources.list" \
		"$APT_ETC"/sources.list.d/*.list "$APT_ETC"/sources.list.d/*.sources
}

codename() {
	(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
}

missing=""
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
# bookworm_uri: the archive URI of the configured bookworm suite.
. scripts/debian_uri.sh

# setup.sh --bookworm-uri: print the URI it would use, change nothing.
if [ "${1:-}" = "--bookworm-uri" ]; then
	bookworm_uri | head -1
	exit 0
fi

want_bp=""
for p in $BACKPORTED; do
	installed "$p" && continue
	if [ "$(codename)" != bookworm ]; then
		echo "setup: not Debian bookworm: install $p's equivalent" \
			"yourself (Go 1.23: bench/go falls back to the go on" \
			"PATH; Boost 1.83+: boostcfm is not built)" >&2
	elif [ "$(id -u)" != 0 ]; then
		echo "setup: $p (from bookworm-backports) is missing; as root:" \
			"apt-get install -t bookworm-backports $p" >&2
	else
		want_bp="$want_bp $p"
	fi
done
if [ -n "$missing" ] && [ "$(id -u)" != 0 ]; then
	echo "setup: missing packages:$missing" >&2
	echo "setup: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
if [ -n "$want_bp" ] && ! have_backports; then
	uri=$(bookworm_uri | head -1)
	if [ -z "$uri" ]; then
		echo "setup: no configured bookworm suite to take an archive" \
			"URI from; add bookworm-backports yourself to install" \
			"$want_bp" >&2
		want_bp=""
	else
		echo "setup: adding bookworm-backports ($uri, the URI of the" \
			"configured bookworm suite) for$want_bp: $BACKPORTS" >&2
		cat >"$BACKPORTS.tmp" <<SOURCES
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
		mv "$BACKPORTS.tmp" "$BACKPORTS"
	fi
fi
if [ -n "$missing" ] || [ -n "$want_bp" ]; then
	apt-get update -qq
fi
if [ -n "$missing" ]; then
	echo "setup: installing$missing" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if [ -n "$want_bp" ]; then
	echo "setup: installing$want_bp from bookworm-backports" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		-t bookworm-backports $want_bp >/dev/null
fi

# Go 1.24 (its sync.Map is the hash-trie that hashtrie ports, for
# bench/compare.sh): Debian trixie's golang-1.24-go and golang-1.24-src,
# fetched with a private apt configuration and unpacked into build/go-1.24
# (bench/go/fetch_go124.sh); nothing is installed, the machine stays
# bookworm.  Without it, bench/compare.sh compares with Go 1.23 only.
if [ -x /usr/lib/go-1.24/bin/go ]; then
	:
elif ! sh bench/go/fetch_go124.sh >/dev/null; then
	echo "setup: Go 1.24 not fetched (above); bench/compare.sh will compare with Go 1.23 only" >&2
fi

# MAPBENCH_WERROR=ON (scripts/test.sh): warnings are errors.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DMAPBENCH_WERROR="${MAPBENCH_WERROR:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"

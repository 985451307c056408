#!/bin/sh
# Install what mapbench needs (Debian bookworm, as root) and build it into
# build/.  Sourced by scripts/test.sh and scripts/sweep.sh; safe to re-run.
#
# The Go peer (bench/go) wants Go 1.23, the last release with the classic
# sync.Map: Debian packages it as golang-1.23-go in bookworm-backports.
# As root, when that suite is not configured yet, this adds it the Debian
# way (a deb822 file in /etc/apt/sources.list.d, signed by the Debian
# archive keyring) and says so on stderr.  Without root, or off bookworm,
# a missing Go 1.23 is only reported: the peer then falls back to the
# golang-go on PATH and marks the workloads that Go cannot run.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
liburcu-dev libjemalloc-dev libbenchmark-dev libcmocka-dev libjansson-dev
gnuplot-nox golang-go valgrind git libck-dev chromium"
GO123=golang-1.23-go
BACKPORTS=/etc/apt/sources.list.d/bookworm-backports.sources

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

# Is a bookworm-backports suite configured, in either source format?
have_backports() {
	grep -Eqs '^[^#]*bookworm-backports' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}

codename() {
	(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
}

missing=""
for p in $PKGS; do
	installed "$p" || missing="$missing $p"
done
want_go=0
if ! installed "$GO123"; then
	if [ "$(codename)" != bookworm ]; then
		echo "setup: not Debian bookworm: install Go 1.23 yourself" \
			"(bench/go falls back to the go on PATH)" >&2
	elif [ "$(id -u)" != 0 ]; then
		echo "setup: $GO123 (Go 1.23, for the Go peer) is missing; as" \
			"root: apt-get install -t bookworm-backports $GO123" \
			"(bench/go falls back to the go on PATH)" >&2
	else
		want_go=1
	fi
fi
if [ -n "$missing" ] && [ "$(id -u)" != 0 ]; then
	echo "setup: missing packages:$missing" >&2
	echo "setup: run as root, or: sudo apt-get install$missing" >&2
	exit 1
fi
if [ "$want_go" = 1 ] && ! have_backports; then
	echo "setup: adding Debian's bookworm-backports suite for $GO123:" \
		"$BACKPORTS" >&2
	cat >"$BACKPORTS.tmp" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
	mv "$BACKPORTS.tmp" "$BACKPORTS"
fi
if [ -n "$missing" ] || [ "$want_go" = 1 ]; then
	apt-get update -qq
fi
if [ -n "$missing" ]; then
	echo "setup: installing$missing" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
if [ "$want_go" = 1 ]; then
	echo "setup: installing $GO123 from bookworm-backports" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		-t bookworm-backports "$GO123" >/dev/null
fi

# MAPBENCH_WERROR=ON (scripts/test.sh): warnings are errors.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DMAPBENCH_WERROR="${MAPBENCH_WERROR:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"

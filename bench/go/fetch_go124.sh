#!/bin/sh
# Fetch Go 1.24 (Debian trixie's golang-1.24-go and golang-1.24-src) into a
# project-local directory without touching the machine's apt: a private
# apt configuration (sources, lists, cache, an empty dpkg status, all under
# DIR/apt) whose one source is suite trixie at the archive URI of the
# machine's own bookworm source (scripts/debian_uri.sh), `apt-get download`
# (signatures and hashes checked as apt always does), then `dpkg -x` into
# DIR/root.  Nothing is installed; the machine stays pure bookworm.
#
#	bench/go/fetch_go124.sh [DIR]      (default: build/go-1.24)
#	bench/go/fetch_go124.sh --sources  (print the private apt source line
#	                                    it would use; change nothing)
#
# Prints the go command (DIR/root/usr/lib/go-1.24/bin/go) on success.
# Exit 0 when that command runs (already fetched or fetched now), 1 when
# it could not be fetched (why, on stderr), 2 on bad use.  Root is not
# needed.  Safe to re-run: an existing, working Go 1.24 is kept.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
# MAPBENCH_APT_ETC: another /etc/apt (tests/harness/setup_uri.sh).
APT_ETC=${MAPBENCH_APT_ETC:-/etc/apt}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
. "$root/scripts/debian_uri.sh"
# The one source: suite trixie at the machine's own bookworm archive URI.
sources_line() {
	uri=$(bookworm_uri | head -1)
	[ -n "$uri" ] || return 1
	printf 'deb [signed-by=%s] %s trixie main\n' "$keyring" "$uri"
}
if [ "${1:-}" = --sources ]; then
	sources_line || {
		echo "fetch_go124: no configured Debian bookworm source in $APT_ETC" >&2
		exit 1
	}
	exit 0
fi
case $# in
0) dir=$root/build/go-1.24 ;;
1) [ -n "$1" ] || { echo "fetch_go124: DIR is empty; want a directory path" >&2; exit 2; }
   dir=$1 ;;
*) echo "fetch_go124: too many arguments; usage: fetch_go124.sh [DIR]" >&2; exit 2 ;;
esac
PKGS="golang-1.24-go golang-1.24-src"
GOCMD=usr/lib/go-1.24/bin/go

works() { GOTOOLCHAIN=local "$1" version >/dev/null 2>&1; }

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
if works "$dir/root/$GOCMD"; then
	echo "$dir/root/$GOCMD"
	exit 0
fi
for t in apt-get dpkg; do
	command -v $t >/dev/null 2>&1 || {
		echo "fetch_go124: $t not found: Go 1.24 is fetched from Debian trixie with apt-get download and dpkg -x" >&2
		exit 1
	}
done
if ! line=$(sources_line); then
	echo "fetch_go124: no configured Debian bookworm source ($APT_ETC) to take an archive URI from; install Go 1.24 yourself and set MAPBENCH_GO124 to its go command" >&2
	exit 1
fi
[ -r "$keyring" ] || {
	echo "fetch_go124: $keyring missing: apt-get install debian-archive-keyring" >&2
	exit 1
}

apt=$dir/apt
rm -rf "$apt" "$dir/debs" "$dir/.root.tmp"
mkdir -p "$apt/sources.list.d" "$apt/preferences.d" "$apt/lists/partial" \
	"$apt/cache/archives/partial" "$dir/debs"
: >"$apt/status"
printf '%s\n' "$line" >"$apt/sources.list"
# Everything apt reads or writes for this is under $apt; the machine's
# apt.conf.d stays in effect (a proxy configured there is used).
set -- -q -o "Dir::Etc::sourcelist=$apt/sources.list" \
	-o "Dir::Etc::sourceparts=$apt/sources.list.d" \
	-o "Dir::Etc::preferences=$apt/preferences" \
	-o "Dir::Etc::preferencesparts=$apt/preferences.d" \
	-o "Dir::State=$apt" -o "Dir::State::lists=$apt/lists" \
	-o "Dir::State::status=$apt/status" \
	-o "Dir::Cache=$apt/cache" -o "Dir::Cache::archives=$apt/cache/archives" \
	-o "Dir::Cache::pkgcache=" -o "Dir::Cache::srcpkgcache=" \
	-o "APT::Sandbox::User=$(id -un)"
echo "fetch_go124: $PKGS from '$line' (the machine's bookworm URI, suite trixie), private apt state in $apt" >&2
if ! apt-get "$@" update >"$apt/update.log" 2>&1; then
	cat "$apt/update.log" >&2
	echo "fetch_go124: apt-get update of the private trixie source failed (log above)" >&2
	exit 1
fi
if ! (cd "$dir/debs" && apt-get "$@" download $PKGS) >"$apt/download.log" 2>&1; then
	cat "$apt/download.log" >&2
	echo "fetch_go124: apt-get download $PKGS failed (log above)" >&2
	exit 1
fi
mkdir -p "$dir/.root.tmp"
for deb in "$dir"/debs/*.deb; do
	dpkg -x "$deb" "$dir/.root.tmp"
done
rm -rf "$dir/root"
mv "$dir/.root.tmp" "$dir/root"
if ! works "$dir/root/$GOCMD"; then
	echo "fetch_go124: $dir/root/$GOCMD does not run after unpacking $(cd "$dir/debs" && echo *.deb)" >&2
	exit 1
fi
echo "fetch_go124: $(GOTOOLCHAIN=local "$dir/root/$GOCMD" version) in $dir/root/usr/lib/go-1.24" >&2
echo "$dir/root/$GOCMD"

#!/bin/sh
# Install what mapbench needs (Debian bookworm, as root) and build it into
# build/.  Sourced by scripts/test.sh and scripts/sweep.sh; safe to re-run.
set -eu
cd "$(dirname "$0")/.."

PKGS="build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
liburcu-dev libjemalloc-dev libbenchmark-dev libcmocka-dev libjansson-dev
gnuplot-nox golang-go valgrind git libck-dev"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "setup: missing packages:$missing" >&2
		echo "setup: run as root, or: sudo apt-get install$missing" >&2
		exit 1
	fi
	echo "setup: installing$missing" >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

# MAPBENCH_WERROR=ON (scripts/test.sh): warnings are errors.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DMAPBENCH_WERROR="${MAPBENCH_WERROR:-OFF}" >/dev/null
cmake --build build -j"$(nproc)"

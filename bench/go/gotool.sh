# Sourced by bench/compare.sh and bench/go/smoke.sh: choose the Go
# toolchain that builds the peer.  go_pick WHO sets GO (the go command) and
# GO_VERSION (e.g. go1.23.5), or returns 1 when there is no Go at all.
#
# Preference: $MAPBENCH_GO (must work if set), then Go 1.23 from Debian's
# bookworm-backports (golang-1.23-go: /usr/lib/go-1.23/bin/go), then the
# `go` on PATH.  Go 1.23 is the last release whose sync.Map is the classic
# two-map design that syncmap ports, and the first with every method the
# 24 workloads call.  Any other version is used only with a warning on
# stderr saying what that costs: older releases lack Swap, CompareAndSwap
# and CompareAndDelete (Go 1.20) or Clear (Go 1.23), whose workloads the
# peer then reports as "unsupported"; Go 1.24 and later replaced sync.Map
# with a hash-trie (GOEXPERIMENT=nosynchashtriemap brings the classic one
# back there).
GO_123=/usr/lib/go-1.23/bin/go

go_pick() {
	GO=
	if [ -n "${MAPBENCH_GO:-}" ]; then
		if ! "$MAPBENCH_GO" version >/dev/null 2>&1; then
			echo "$1: MAPBENCH_GO=$MAPBENCH_GO does not run" >&2
			return 1
		fi
		GO=$MAPBENCH_GO
	elif [ -x "$GO_123" ]; then
		GO=$GO_123
	elif command -v go >/dev/null 2>&1; then
		GO=$(command -v go)
	else
		return 1
	fi
	GO_VERSION=$(GOTOOLCHAIN=local "$GO" env GOVERSION 2>/dev/null) ||
		GO_VERSION=unknown
	case $GO_VERSION in
	go1.23 | go1.23.*) ;;
	go1.2[4-9]* | go1.[3-9][0-9]* | go[2-9]*)
		echo "$1: WARNING: $GO ($GO_VERSION) is newer than Go 1.23: its" \
			"sync.Map is the hash-trie, not the classic design syncmap" \
			"ports (set GOEXPERIMENT=nosynchashtriemap for that one)." >&2 ;;
	*)
		echo "$1: WARNING: using $GO ($GO_VERSION), not Go 1.23" \
			"($GO_123): workloads that need newer sync.Map methods" \
			"(Swap, CompareAndSwap, CompareAndDelete: Go 1.20; Clear:" \
			"Go 1.23) are marked unsupported.  Install golang-1.23-go" \
			"from bookworm-backports (scripts/setup.sh does, as root)." >&2 ;;
	esac
	return 0
}

# Sourced by bench/compare.sh, bench/nsop_agree.sh and bench/go/smoke.sh:
# choose the Go toolchain that builds the peer or runs Go's own sync
# benchmarks.  Set GOTOOL_ROOT to the repository root before sourcing
# (default: the current directory).
#
# go_pick WHO sets GO (the go command) and GO_VERSION (e.g. go1.23.5), or
# returns 1 when there is no Go at all.  Preference: $MAPBENCH_GO (must
# work if set), then Go 1.23 from Debian's bookworm-backports
# (golang-1.23-go: /usr/lib/go-1.23/bin/go), then the `go` on PATH.  Go
# 1.23 is the last release whose sync.Map is the classic two-map design
# that syncmap ports, and the first with every method the 24 workloads
# call.  Any other version is used only with a warning on stderr saying
# what that costs: older releases lack Swap, CompareAndSwap and
# CompareAndDelete (Go 1.20) or Clear (Go 1.23), whose workloads the peer
# then reports as "unsupported"; Go 1.24 and later replaced sync.Map with
# a hash-trie (GOEXPERIMENT=nosynchashtriemap brings the classic one back
# there).
#
# go_pick WHO VERSION (1.23 or 1.24) picks that release or returns 1 (with
# no message: the caller says what is missing).  1.23: $MAPBENCH_GO123,
# /usr/lib/go-1.23/bin/go, or a go on PATH that is 1.23.  1.24:
# $MAPBENCH_GO124, the copy bench/go/fetch_go124.sh unpacks
# (GOTOOL_ROOT/build/go-1.24, Debian trixie's golang-1.24-go, never
# installed), /usr/lib/go-1.24/bin/go, or a go on PATH that is 1.24.
# go_fetch 1.24 runs bench/go/fetch_go124.sh (network: the machine's own
# Debian archive) and then picks it.
GO_123=/usr/lib/go-1.23/bin/go

# go_version_of CMD: CMD's GOVERSION, or nothing when it does not run
go_version_of() {
	GOTOOLCHAIN=local "$1" env GOVERSION 2>/dev/null
}

go_pick_version() { # WHO VERSION
	_root=${GOTOOL_ROOT:-.}
	case $2 in
	1.23) set -- "$1" "$2" "${MAPBENCH_GO123:-}" "$GO_123" ;;
	1.24) set -- "$1" "$2" "${MAPBENCH_GO124:-}" \
		"$_root/build/go-1.24/root/usr/lib/go-1.24/bin/go" \
		/usr/lib/go-1.24/bin/go ;;
	*)
		echo "$1: Go version '$2' is not one this project measures; want 1.23 or 1.24" >&2
		return 2 ;;
	esac
	_want=$2
	shift 2
	for _c in "$@" "$(command -v go 2>/dev/null || true)"; do
		[ -n "$_c" ] || continue
		_v=$(go_version_of "$_c") || continue
		case $_v in
		"go$_want" | "go$_want".*)
			GO=$_c GO_VERSION=$_v
			return 0 ;;
		esac
	done
	return 1
}

go_pick() {
	GO=
	if [ $# -ge 2 ]; then
		go_pick_version "$1" "$2"
		return
	fi
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
	GO_VERSION=$(go_version_of "$GO") || GO_VERSION=unknown
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

# go_fetch WHO 1.24: fetch Debian trixie's Go 1.24 into
# GOTOOL_ROOT/build/go-1.24 unless some Go 1.24 is already there to pick;
# then pick it.
go_fetch() {
	[ "${2:-}" = 1.24 ] || {
		echo "$1: only Go 1.24 is fetched (Go 1.23 comes from bookworm-backports: scripts/setup.sh)" >&2
		return 2
	}
	go_pick_version "$1" 1.24 && return 0
	sh "${GOTOOL_ROOT:-.}/bench/go/fetch_go124.sh" >/dev/null || return 1
	go_pick_version "$1" 1.24
}

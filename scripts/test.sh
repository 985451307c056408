#!/bin/sh
# The test command (README): build, then run every test suite, then the
# correctness suites again under ASan+UBSan (with LeakSanitizer), TSan and
# valgrind memcheck.  Stops at the first failing stage with a non-zero
# exit; the last line is always "test.sh: N passed, N failed".
#
#   stage        build dir    what runs
#   setup        build/       scripts/setup.sh: packages (as root), build
#                             with -Werror
#   format       -            clang-format --dry-run over every C/C++ file
#   ctest        build/       every registered test (tests/, harness, ...)
#   asan         build-asan/  tests/ suites (label mapbench), ASan+UBSan+LSan
#   tsan         build-tsan/  the multithreaded suites (label concurrency)
#   valgrind     build/       the suites labelled valgrind, under memcheck
#
# Which tests run in which stage comes from their ctest labels
# (tests/CMakeLists.txt), not from a list here.
#
# Sanitizer and valgrind runs use a smaller MAPBENCH_TEST_SCALE (fewer
# iterations, shorter timed runs).  Set MAPBENCH_TEST_SCALE to scale the
# plain ctest stage too.
set -u
# No arguments: anything given (--help included) is answered, not run.
case "${1-}" in
'') ;;
-h | --help)
	sed -n '2,/^set -u/{/^set -u/d;s/^# \{0,1\}//;p;}' "$0"
	echo "usage: scripts/test.sh (no arguments): every stage, in order"
	exit 0
	;;
*)
	echo "scripts/test.sh: unexpected '$1'; it takes no arguments (see scripts/test.sh --help)" >&2
	exit 2
	;;
esac
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=$(nproc 2>/dev/null || echo 2)

passed=0
failed=0

summary() {
	echo "test.sh: $passed passed, $failed failed"
}

# stage NAME COMMAND...: run one stage; on failure, stop here.
stage() {
	name=$1
	shift
	echo "==> test.sh: $name" >&2
	start=$(date +%s)
	if "$@"; then
		passed=$((passed + 1))
		echo "==> test.sh: $name passed ($(($(date +%s) - start)) s)" >&2
	else
		failed=$((failed + 1))
		echo "==> test.sh: $name FAILED" >&2
		summary
		exit 1
	fi
}

setup() {
	MAPBENCH_WERROR=ON sh scripts/setup.sh </dev/null
}

# Every tracked C, C++ and header file is formatted as .clang-format says.
format() {
	if ! command -v clang-format >/dev/null 2>&1; then
		echo "test.sh: clang-format missing (apt-get install" \
			"clang-format)" >&2
		return 1
	fi
	git ls-files '*.c' '*.h' '*.cc' | xargs clang-format --dry-run \
		--Werror
}

plain_ctest() {
	ctest --test-dir build --output-on-failure -j"$JOBS"
}

# A sanitizer build of the tests/ suites only.
sanitizer_build() {
	cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DMAPBENCH_WERROR=ON -DMAPBENCH_SANITIZE="$2" >/dev/null &&
		cmake --build "$1" -j"$JOBS" --target suites
}

asan() {
	sanitizer_build build-asan address &&
		MAPBENCH_TEST_SCALE=0.3 \
		ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1 \
		LSAN_OPTIONS=report_objects=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir build-asan --output-on-failure -j"$JOBS" \
			-L '^mapbench$'
}

tsan() {
	sanitizer_build build-tsan thread &&
		MAPBENCH_TEST_SCALE=0.5 \
		TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$ROOT/tests/tsan.supp" \
		ctest --test-dir build-tsan --output-on-failure \
			-L '^concurrency$'
}

# valgrind memcheck of every test labelled valgrind, from build/, with
# the command and environment ctest would give it (jemalloc: its malloc
# must be the one valgrind replaces).  One line per test from ctest -N -V:
# NAME<TAB>COMMAND<TAB>VAR=VALUE ...
valgrind_tests() {
	ctest --test-dir build -N -V -L '^valgrind$' | awk '
		/^[0-9]+: Test command: / { n = $1; sub(":", "", n)
			cmd[n] = $0; sub(/^[0-9]+: Test command: /, "", cmd[n]) }
		/^[0-9]+:  [A-Z_]+=/ { n = $1; sub(":", "", n)
			v = $0; sub(/^[0-9]+:  /, "", v); env[n] = env[n] " " v }
		/^ *Test +#[0-9]+: / { n = $0; sub(/^ *Test +#/, "", n)
			name = n; sub(/^[0-9]+: /, "", name); sub(/:.*/, "", n)
			printf "%s\t%s\t%s\n", name, cmd[n], env[n] }'
}

memcheck() {
	list=$(valgrind_tests)
	[ -n "$list" ] || return 1
	echo "$list" | while IFS='	' read -r name cmd vars; do
		echo "==> test.sh: valgrind $name" >&2
		# shellcheck disable=SC2086 # VAR=VALUE words, no spaces in them
		env MAPBENCH_TEST_SCALE=0.05 $vars valgrind -q \
			--error-exitcode=1 --leak-check=full \
			--show-leak-kinds=definite,indirect \
			--errors-for-leak-kinds=definite,indirect \
			--soname-synonyms=somalloc='*jemalloc*' "$cmd"
		rc=$?
		# 77: nothing applies to that map (ctest's SKIP_RETURN_CODE)
		[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || exit 1
	done
}

stage setup setup
stage format format
stage ctest plain_ctest
stage asan asan
stage tsan tsan
stage valgrind memcheck
summary

#!/bin/sh
# The test command (README): build, then run every test suite, then the
# correctness suites again under ASan+UBSan (with LeakSanitizer), TSan and
# valgrind memcheck.  Stops at the first failing stage with a non-zero
# exit; the last line is always "test.sh: N passed, N failed".
#
#   stage        build dir    what runs
#   setup        build/       scripts/setup.sh: packages (as root), build
#   ctest        build/       every registered test (tests/, harness, ...)
#   asan         build-asan/  tests/ suites (label mapbench), ASan+UBSan+LSan
#   tsan         build-tsan/  the multithreaded suites (label concurrency)
#   valgrind-*   build/       table, conformance, alloc_fail under memcheck
#
# Sanitizer and valgrind runs use a smaller MAPBENCH_TEST_SCALE (fewer
# iterations, shorter timed runs).  Set MAPBENCH_TEST_SCALE to scale the
# plain ctest stage too.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=$(nproc 2>/dev/null || echo 2)
TESTS="test_table test_conformance test_alloc_fail test_syncmap_counters test_memory
test_concurrency test_lincheck"

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
	sh scripts/setup.sh </dev/null
}

plain_ctest() {
	ctest --test-dir build --output-on-failure -j"$JOBS"
}

# A sanitizer build of the tests/ suites only.
sanitizer_build() {
	cmake -S . -B "$1" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DMAPBENCH_SANITIZE="$2" >/dev/null &&
		cmake --build "$1" -j"$JOBS" --target $TESTS
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

# valgrind memcheck of one suite from build/ (jemalloc: its malloc must
# be the one valgrind replaces).
memcheck() {
	MAPBENCH_TEST_SCALE=0.05 valgrind -q --error-exitcode=1 \
		--leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect \
		--soname-synonyms=somalloc='*jemalloc*' \
		"build/tests/test_$1"
}

stage setup setup
stage ctest plain_ctest
stage asan asan
stage tsan tsan
stage valgrind-table memcheck table
stage valgrind-conformance memcheck conformance
stage valgrind-alloc_fail memcheck alloc_fail
summary

# gbench's own argument edge cases (D24): --impl-lib never takes the next
# option as its path, a filter that runs nothing (or does not compile) is
# exit 2, and a report that cannot be written is exit 1, not 0; --pin
# pins over the CPUs the process may use.
#	sh gbench_args.sh GBENCH
G=$1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
"$G" --impl-lib --threads=1 >/dev/null 2>"${TMPDIR:-/tmp}/gb.$$"
[ $? -eq 2 ] || fail "--impl-lib --threads=1: want exit 2"
grep -q "gbench: --impl-lib needs the path of a plugin (.so); got '--threads=1'" \
	"${TMPDIR:-/tmp}/gb.$$" || fail "--impl-lib: $(cat "${TMPDIR:-/tmp}/gb.$$")"
"$G" --impl-lib >/dev/null 2>&1
[ $? -eq 2 ] || fail "--impl-lib alone: want exit 2"
"$G" --threads=1 --benchmark_filter='(' >/dev/null 2>&1
[ $? -eq 2 ] || fail "--benchmark_filter='(': want exit 2"
"$G" --threads=1 --benchmark_filter='^NoSuch' >/dev/null 2>&1
[ $? -eq 2 ] || fail "a filter matching nothing: want exit 2"
if [ -w /dev/full ]; then
	"$G" --threads=1 --benchmark_filter='^BM_LoadMostlyHits/null/' \
		--benchmark_min_time=0.001 >/dev/full 2>"${TMPDIR:-/tmp}/gb.$$"
	[ $? -eq 1 ] || fail ">/dev/full: want exit 1"
	grep -q "gbench: cannot write the report" "${TMPDIR:-/tmp}/gb.$$" ||
		fail ">/dev/full: not said"
fi
"$G" --threads=1 --benchmark_filter='^BM_LoadMostlyHits/null/' \
	--benchmark_min_time=0.001 >/dev/null 2>&1 || fail "a plain run: exit $?"
# --pin: the CPUs pinned over are the ones the process may use (said in
# the report's context); without it, "off".
cpu=$(taskset -pc $$ | sed 's/.*: *//; s/[^0-9].*//')
taskset -c "$cpu" "$G" --pin --threads=1 --benchmark_filter='^BM_LoadMostlyHits/null/' \
	--benchmark_min_time=0.001 --benchmark_format=json >"${TMPDIR:-/tmp}/gb.$$" 2>/dev/null ||
	fail "--pin: exit $?"
grep -q "\"mapbench_pin_cpus\": \"$cpu\"" "${TMPDIR:-/tmp}/gb.$$" ||
	fail "--pin under taskset -c $cpu: context says $(grep pin_cpus "${TMPDIR:-/tmp}/gb.$$")"
"$G" --threads=1 --benchmark_filter='^BM_LoadMostlyHits/null/' \
	--benchmark_min_time=0.001 --benchmark_format=json >"${TMPDIR:-/tmp}/gb.$$" 2>/dev/null
grep -q '"mapbench_pin_cpus": "off"' "${TMPDIR:-/tmp}/gb.$$" ||
	fail "no --pin: context does not say off"
rm -f "${TMPDIR:-/tmp}/gb.$$"
[ "$fails" -eq 0 ] && echo ok
exit "$fails"

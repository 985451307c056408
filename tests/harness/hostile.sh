# Hostile maps (tests/harness/hostile.c): a map that calls exit(0), aborts,
# hangs or prints fails every command with a message, costs only its own
# verdict, and leaves no process behind.
# sh hostile.sh MAPBENCH SOURCE_DIR HOSTILE_SO
. "$(dirname "$0")/lib.sh"
SO=$3
L="--impl-lib $SO"
# alive PID: the process runs (a zombie waiting for init does not count)
alive() {
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $st in Z*) return 1 ;; esac
	return 0
}
# wait_kids PID: PID's children, once it has some (at most 20 s)
wait_kids() {
	i=0
	while [ "$i" -lt 200 ]; do
		k=$(pgrep -P "$1")
		[ -n "$k" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	sleep 1 # the child is in its row or test
	pgrep -P "$1"
}

# check: a test whose child exits 0 without reporting is a failure.
for m in hx_exit_create hx_exit_op; do
	"$MB" check $L --impl "$m" --suite conformance --scale 0.05 \
		>"$TMP/c.out" 2>&1
	rc=$?
	[ "$rc" -eq 1 ] || fail "check $m: exit $rc, want 1"
	grep -q "passed, 0 failed" "$TMP/c.out" && fail "check $m: no failure"
	grep -q "ended with exit status [0-9]* before the test returned" \
		"$TMP/c.out" || fail "check $m: no message: $(tail -3 "$TMP/c.out")"
done
"$MB" check $L --impl hx_ok --suite conformance --scale 0.05 >"$TMP/c.out" 2>&1 ||
	fail "check hx_ok: $(tail -3 "$TMP/c.out")"
# A plugin with thread hooks passes nested_enter (its hooks nest too).
"$MB" check $L --impl hx_hooks --suite conformance --scale 0.05 \
	>"$TMP/c.out" 2>&1 || fail "check hx_hooks: $(grep -A3 FAIL "$TMP/c.out")"
# The plugin's constructor ends the process: said, exit status not 0.
HX_CTOR_EXIT=1 "$MB" check $L --impl hx_ok >"$TMP/c.out" 2>&1
rc=$?
[ "$rc" -ne 0 ] || fail "check with an exiting constructor: exit 0"
grep -q "called exit()" "$TMP/c.out" ||
	fail "exiting constructor not said: $(cat "$TMP/c.out")"
# ... in every command that loads plugins, and a sweep writes nothing.
for c in "lincheck --impl hx_ok --histories 2" \
	"run --impl hx_ok --threads 1 --keys 1000 --duration 20ms" \
	"sweep --impl hx_ok --threads 1 --read 90 --keys 1000 --duration 20ms --out $TMP/ctor --no-plot"; do
	# shellcheck disable=SC2086
	HX_CTOR_EXIT=1 "$MB" ${c%% *} $L ${c#* } >"$TMP/c.out" 2>&1
	rc=$?
	[ "$rc" -eq 1 ] || fail "${c%% *} with an exiting constructor: exit $rc, want 1"
	grep -q "a constructor of the --impl-lib plugin called exit()" "$TMP/c.out" ||
		fail "${c%% *}: exiting constructor not said: $(cat "$TMP/c.out")"
done
[ ! -e "$TMP/ctor" ] || fail "sweep with an exiting constructor wrote $TMP/ctor"

# A plugin's summary with a newline and ESC reaches the terminal as '?'.
"$MB" list $L >"$TMP/list.out" 2>&1 || fail "list with the plugin"
grep -q "^FORGED" "$TMP/list.out" && fail "list: a plugin forged a line"
grep -q "$(printf '\033')" "$TMP/list.out" && fail "list: an ESC got through"
grep -q "hx_hooks?FORGED LINE ?\[2J" "$TMP/list.out" ||
	fail "list: summary not shown: $(grep hx_hooks "$TMP/list.out")"

# An empty selection checks nothing: bad input.
for a in "--impl=" "--impl=," "--impl=rwlock --suite=" "--impl=rwlock --suite=,"; do
	# shellcheck disable=SC2086
	"$MB" check $a >"$TMP/e.out" 2>&1
	rc=$?
	[ "$rc" -eq 2 ] || fail "check $a: exit $rc, want 2"
done

# run: each row in its own process; an exiting map is a row not ok, exit 1.
for m in hx_exit_create hx_exit_op; do
	"$MB" run $L --impl "$m" --threads 1 --keys 1000 --duration 20ms \
		--format csv >"$TMP/r.out" 2>"$TMP/r.err"
	rc=$?
	[ "$rc" -eq 1 ] || fail "run $m: exit $rc, want 1"
	grep -q "ended with exit status [0-9]* before the row was measured" \
		"$TMP/r.err" || fail "run $m: no message: $(cat "$TMP/r.err")"
	st=$(csv_col "$TMP/r.out" status)
	[ "$(tail -n +2 "$TMP/r.out" | cut -d, -f"$st")" = error ] ||
		fail "run $m: status not error: $(cat "$TMP/r.out")"
done
"$MB" run $L --impl hx_exit_op --no-isolate --threads 1 --keys 1000 \
	--duration 20ms >"$TMP/r.out" 2>"$TMP/r.err"
rc=$?
[ "$rc" -eq 1 ] || fail "run --no-isolate hx_exit_op: exit $rc, want 1"
grep -q "called exit()" "$TMP/r.err" ||
	fail "run --no-isolate: no message: $(cat "$TMP/r.err")"
# A map that prints on stdout does not corrupt the CSV.
"$MB" run $L --impl hx_print,rwlock --threads 1 --keys 1000 --duration 20ms \
	--format csv >"$TMP/p.out" 2>/dev/null || fail "run hx_print"
grep -q "hello" "$TMP/p.out" && fail "a map's stdout reached run's CSV"
[ "$(wc -l <"$TMP/p.out")" -eq 3 ] || fail "run hx_print: not 3 lines"
# --row-timeout holds in run: a hanging map is a timeout row.
"$MB" run $L --impl hx_hang_op --threads 1 --keys 1000 --duration 20ms \
	--row-timeout 2s --format csv >"$TMP/h.out" 2>/dev/null
rc=$?
[ "$rc" -eq 1 ] || fail "run hx_hang_op: exit $rc, want 1"
grep -q ",timeout," "$TMP/h.out" || fail "run hx_hang_op: no timeout row"

# D10: an event counter that went down over the window is not a wrapped
# 2^64 delta: the row's map counters are NA (empty) and it is said.
"$MB" run $L --impl hx_backcount --threads 1 --read 50 --keys 1000 \
	--duration 20ms --format csv >"$TMP/b.out" 2>"$TMP/b.err"
grep -q "hx_backcount: its event counter promotions went down over the window ([0-9]* -> [0-9]*): the map's counters of this row are NA" \
	"$TMP/b.err" || fail "a counter going down not said: $(cat "$TMP/b.err")"
for c in promotions promotions_per_mop map_counters; do
	i=$(csv_col "$TMP/b.out" $c)
	[ -z "$(tail -n +2 "$TMP/b.out" | cut -d, -f"$i")" ] ||
		fail "hx_backcount: $c is not NA: $(cat "$TMP/b.out")"
done

# sweep: the exiting map's rows are error, the others ok.
"$MB" sweep $L --impl hx_exit_op,rwlock --threads 1 --read 90 --keys 1000 \
	--duration 20ms --out "$TMP/sw" --no-plot >/dev/null 2>"$TMP/sw.err"
rc=$?
[ "$rc" -eq 1 ] || fail "sweep hx_exit_op: exit $rc, want 1"
st=$(csv_col "$TMP/sw/results.csv" status)
awk -F, -v c="$st" '$1 == "hx_exit_op" && $c != "error" { bad = 1 }
	$1 == "rwlock" && $c != "ok" { bad = 1 } END { exit bad }' \
	"$TMP/sw/results.csv" || fail "sweep statuses: $(cat "$TMP/sw/results.csv")"

# No orphans: a sweep whose row hangs, killed by SIGKILL, leaves no row
# process and no lock (the resume is not refused).
"$MB" sweep $L --impl hx_hang_op --threads 1 --read 90 --keys 1000 \
	--duration 20ms --out "$TMP/hang" --no-plot >/dev/null 2>&1 &
pid=$!
kids=$(wait_kids "$pid")
[ -n "$kids" ] || fail "no row child under the sweep"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
sleep 1
for k in $kids; do
	alive "$k" && {
		fail "row child $k outlived its sweep"
		kill -KILL "$k"
	}
done
# One SIGINT: the row is abandoned at once, not after its timeout.
"$MB" sweep $L --impl hx_hang_op --threads 1 --read 90 --keys 1000 \
	--duration 20ms --out "$TMP/hang2" --no-plot >/dev/null 2>&1 &
pid=$!
kids=$(wait_kids "$pid")
kill -INT "$pid"
t0=$(date +%s)
wait "$pid"
rc=$?
[ $(($(date +%s) - t0)) -le 5 ] || fail "one SIGINT waited for the row"
[ "$rc" -eq 130 ] || fail "sweep after SIGINT: exit $rc, want 130"
for k in $kids; do
	alive "$k" && {
		fail "row child $k outlived SIGINT"
		kill -KILL "$k"
	}
done
"$MB" sweep $L --impl rwlock --threads 1 --read 90 --keys 1000 \
	--duration 20ms --out "$TMP/hang2" --no-plot --resume >/dev/null \
	2>"$TMP/res.err" && fail "resume with another grid accepted"
grep -q "another mapbench sweep" "$TMP/res.err" &&
	fail "the lock outlived the sweep: $(cat "$TMP/res.err")"

# check: SIGKILL to mapbench leaves no test child; SIGINT ends it with 130.
"$MB" check $L --impl hx_hang_op --suite conformance >/dev/null 2>&1 &
pid=$!
kids=$(wait_kids "$pid")
[ -n "$kids" ] || fail "no test child under check"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
sleep 1
for k in $kids; do
	alive "$k" && {
		fail "test child $k outlived check"
		kill -KILL "$k"
	}
done
"$MB" check $L --impl hx_hang_op --suite conformance >"$TMP/ci.out" 2>&1 &
pid=$!
kids=$(wait_kids "$pid")
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "check after SIGINT: exit $rc, want 130"
grep -q "check: interrupted" "$TMP/ci.out" || fail "check: interrupted not said"
sleep 1
for k in $kids; do
	alive "$k" && {
		fail "test child $k outlived SIGINT"
		kill -KILL "$k"
	}
done
# lincheck: each map in its own process; an exiting, aborting or hanging
# map costs its own verdict, said; the others keep theirs.
"$MB" lincheck $L --impl hx_exit_op,rwlock,hx_abort_op,hx_exit_create \
	--histories 2 >"$TMP/l.out" 2>"$TMP/l.err"
rc=$?
[ "$rc" -eq 1 ] || fail "lincheck with exiting maps: exit $rc, want 1"
grep -q "^hx_exit_op: error: its process ended with exit status [0-9]* before it reported" \
	"$TMP/l.out" || fail "lincheck hx_exit_op: $(cat "$TMP/l.out")"
grep -q "^hx_exit_create: error: its process ended with exit status [0-9]*" \
	"$TMP/l.out" || fail "lincheck hx_exit_create not said"
grep -q "^hx_abort_op: error: crashed: SIGABRT" "$TMP/l.out" ||
	fail "lincheck hx_abort_op not said"
grep -q "^rwlock: 2 histories" "$TMP/l.out" || fail "lincheck: rwlock's verdict lost"
grep -q "^lincheck: error$" "$TMP/l.out" || fail "lincheck: verdict not error"
"$MB" lincheck $L --impl hx_hang_op,rwlock --histories 2 --ops 300 --timeout 5 \
	>"$TMP/l.out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "lincheck hx_hang_op: exit $rc, want 1"
grep -q "^hx_hang_op: error: timed out after 5 s" "$TMP/l.out" ||
	fail "lincheck hx_hang_op: $(cat "$TMP/l.out")"
grep -q "^rwlock: 2 histories" "$TMP/l.out" || fail "lincheck: rwlock after a hang"
# Ctrl-C: the map in progress is stopped, the verdicts so far printed, 130.
"$MB" lincheck $L --impl rwlock,hx_hang_op --histories 2 --ops 300 \
	>"$TMP/li.out" 2>&1 &
pid=$!
# Once rwlock's verdict is out and the hanging map runs.
i=0
while [ "$i" -lt 600 ] && ! grep -q "^rwlock: " "$TMP/li.out"; do
	sleep 0.1
	i=$((i + 1))
done
kids=$(wait_kids "$pid")
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" -eq 130 ] || fail "lincheck after SIGINT: exit $rc, want 130"
grep -q "^rwlock: 2 histories" "$TMP/li.out" || fail "lincheck SIGINT: rwlock lost"
grep -q "^lincheck: interrupted$" "$TMP/li.out" || fail "lincheck: interrupted not said"
sleep 1
for k in $kids; do
	alive "$k" && {
		fail "lincheck child $k outlived SIGINT"
		kill -KILL "$k"
	}
done
# Bad values are echoed; hex is not a decimal.
"$MB" lincheck --impl rwlock --threads 0 >/dev/null 2>"$TMP/b.err"
[ $? -eq 2 ] || fail "lincheck --threads 0: not exit 2"
grep -q "\-\-threads: '0' is not accepted" "$TMP/b.err" ||
	fail "lincheck --threads 0: $(cat "$TMP/b.err")"
"$MB" lincheck --impl rwlock --ops 0x10 >/dev/null 2>&1
[ $? -eq 2 ] || fail "lincheck --ops 0x10 accepted"
# The resume command printed after an interrupt pastes back into a shell.
"$MB" sweep --impl rwlock --threads 1 --read 90 --keys 1000 \
	--duration 300ms --repeat 4 --out "$TMP/int sw" --no-plot \
	>/dev/null 2>"$TMP/int.err" &
pid=$!
# Interrupt once a row is written (the sweep is past its start-up).
i=0
while [ "$i" -lt 200 ] && ! [ "$(wc -l <"$TMP/int sw/results.csv" 2>/dev/null)" -ge 2 ] 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
kill -INT "$pid"
wait "$pid"
line=$(sed -n '/to finish, run:/{n;p;}' "$TMP/int.err")
[ -n "$line" ] || fail "no resume command: $(cat "$TMP/int.err")"
sh -c "$line" >/dev/null 2>"$TMP/res2.err" ||
	fail "the printed resume command failed: $line: $(cat "$TMP/res2.err")"
[ "$(tail -n +2 "$TMP/int sw/results.csv" | wc -l)" -eq 4 ] ||
	fail "the resumed sweep has not 4 rows"
finish

# Issue 8's harness items: locks, resume identity, duplicates, exact seeds,
# write errors, exit statuses, decimal integers, signals, memory checks.
. "$(dirname "$0")/lib.sh"

small="--impl null --threads 1 --keys 1000 --duration 10ms --no-plot"

# 4. Two sweeps never write one directory: the second exits 2 naming it.
"$MB" sweep --impl null --threads 1 --read 100,90,50,0 --keys 1000 \
	--repeat 20 --duration 100ms --no-plot --out "$TMP/lk" \
	>/dev/null 2>&1 &
pid=$!
i=0
while [ ! -s "$TMP/lk/results.csv" ] && [ $i -lt 300 ]; do
	sleep 0.05
	i=$((i + 1))
done
"$MB" sweep $small --out "$TMP/lk" --resume >/dev/null 2>"$TMP/lk.err"
rc=$?
[ "$rc" -eq 2 ] || fail "second sweep on a locked directory: exit $rc"
grep -q "another mapbench sweep" "$TMP/lk.err" ||
	fail "no lock message: $(cat "$TMP/lk.err")"
grep -q "$TMP/lk" "$TMP/lk.err" || fail "lock message does not name the dir"
kill -TERM $pid
wait $pid
rc=$?
# 13. SIGTERM keeps the rows and exits 143.
[ "$rc" -eq 143 ] || fail "SIGTERM: exit $rc, want 143"

# 5. A resume with another grid is refused, naming the option.
"$MB" sweep $small --read 100 --out "$TMP/g" >/dev/null 2>&1 ||
	fail "small sweep"
sum=$(cksum <"$TMP/g/results.csv")
"$MB" sweep $small --read 90 --out "$TMP/g" --resume >/dev/null 2>"$TMP/g.err"
[ $? -eq 2 ] || fail "resume with another --read: want exit 2"
grep -q -- "--read" "$TMP/g.err" || fail "resume mismatch does not name --read"
"$MB" sweep $small --read 100 --duration 20ms --out "$TMP/g" --resume \
	>/dev/null 2>"$TMP/g.err"
[ $? -eq 2 ] || fail "resume with another --duration: want exit 2"
grep -q -- "--duration" "$TMP/g.err" || fail "mismatch does not name --duration"
[ "$(cksum <"$TMP/g/results.csv")" = "$sum" ] || fail "refused resume wrote rows"

# 6. Duplicate values make one set of rows; thetas read back exactly.
"$MB" run --impl null,null --read 100,100 --dist zipf:0.99,zipf:0.9900001 \
	--threads 1 --duration 10ms --format csv >"$TMP/d.csv" 2>/dev/null ||
	fail "run with duplicates"
[ $(($(wc -l <"$TMP/d.csv") - 1)) -eq 2 ] ||
	fail "duplicates: want 2 rows, got $(($(wc -l <"$TMP/d.csv") - 1))"
[ -z "$(row_keys "$TMP/d.csv" | sort | uniq -d)" ] || fail "duplicate keys"
"$MB" run --impl null --dist zipf:0.9999999999 --threads 1 --duration 10ms \
	--format csv >"$TMP/z.csv" 2>/dev/null || fail "zipf:0.9999999999"
d=$(cut -d, -f"$(csv_col "$TMP/z.csv" dist)" "$TMP/z.csv" | tail -1)
[ "$d" = "zipf:0.9999999999" ] || fail "theta recorded as $d"
"$MB" run --impl null --dist "$d" --threads 1 --duration 10ms \
	>/dev/null 2>&1 || fail "recorded dist $d is refused by --dist"

# 9. Seeds exactly, in meta.json and JSON rows.
"$MB" sweep $small --read 100 --seed 18446744073709551615 --out "$TMP/s" \
	>/dev/null 2>&1 || fail "sweep with the largest seed"
grep -q '"seed": "18446744073709551615"' "$TMP/s/meta.json" ||
	fail "meta.json seed not exact: $(grep seed "$TMP/s/meta.json")"
"$MB" run --impl null --threads 1 --duration 10ms --seed 0xffffffffffffffff \
	--format json >"$TMP/s.json" 2>/dev/null || fail "run --seed 0x..."
grep -q '"seed": "[0-9]*"' "$TMP/s.json" || fail "JSON seed is not a string"

# 10. Write errors on stdout are failures.
if [ -w /dev/full ]; then
	"$MB" run $(echo "$small" | sed 's/--no-plot//') --format csv \
		>/dev/full 2>/dev/null && fail "run >/dev/full: exit 0"
	"$MB" list >/dev/full 2>/dev/null && fail "list >/dev/full: exit 0"
	"$MB" run --help >/dev/full 2>/dev/null && fail "--help >/dev/full: exit 0"
fi

# 11. Nothing to run: exit 2, nothing written.
"$MB" sweep --impl unsync --threads 2 --read 50 --out "$TMP/n" \
	>/dev/null 2>"$TMP/n.err"
[ $? -eq 2 ] || fail "all-refused grid: want exit 2"
[ ! -e "$TMP/n" ] || fail "all-refused grid wrote $TMP/n"

# 12. Decimal, never octal.
"$MB" run --impl null --read 050 --threads 010 --keys 010k --duration 10ms \
	--format csv >"$TMP/o.csv" 2>/dev/null || fail "leading zeros refused"
r=$(tail -1 "$TMP/o.csv" | cut -d, -f"$(csv_col "$TMP/o.csv" read_pct)")
t=$(tail -1 "$TMP/o.csv" | cut -d, -f"$(csv_col "$TMP/o.csv" threads)")
k=$(tail -1 "$TMP/o.csv" | cut -d, -f"$(csv_col "$TMP/o.csv" keys)")
[ "$r/$t/$k" = "50/10/10000" ] || fail "leading zeros read as $r/$t/$k"

# 13. Ctrl-C during a long prefill is honoured.
"$MB" run --impl rwlock --threads 1 --keys 5M --prefill 100 --duration 1s \
	>/dev/null 2>&1 &
pid=$!
sleep 0.3
t0=$(date +%s)
kill -INT $pid
wait $pid
rc=$?
[ "$rc" -eq 130 ] || fail "Ctrl-C in prefill: exit $rc, want 130"
[ $(($(date +%s) - t0)) -le 3 ] || fail "Ctrl-C in prefill took too long"

# 14. A grid that cannot fit is refused before it runs.
"$MB" run --impl null --keys 1000G >/dev/null 2>&1
[ $? -eq 2 ] || fail "--keys 1000G accepted"
"$MB" sweep --impl rwlock --keys 1G --threads 1 --out "$TMP/big" \
	>/dev/null 2>"$TMP/big.err"
if [ $? -eq 2 ]; then
	grep -q "GB" "$TMP/big.err" || fail "memory refusal gives no figure"
	[ ! -e "$TMP/big" ] || fail "memory refusal wrote $TMP/big"
fi

# 3. results.csv that is a directory or a FIFO: refused, nothing written.
mkdir -p "$TMP/dir/results.csv"
"$MB" sweep $small --out "$TMP/dir" >/dev/null 2>&1
[ $? -eq 2 ] || fail "results.csv directory: want exit 2"
[ ! -e "$TMP/dir/meta.json" ] || fail "meta.json written next to a bad csv"
mkdir -p "$TMP/fifo" && mkfifo "$TMP/fifo/results.csv"
timeout 10 "$MB" sweep $small --out "$TMP/fifo" --resume >/dev/null 2>&1
[ $? -eq 2 ] || fail "results.csv FIFO on resume: want exit 2 (not a hang)"

# 16. The resume hint quotes paths that need it.
sp="$TMP/with space"
"$MB" sweep --impl null --threads 1 --read 100,90,50 --keys 1000 --repeat 30 \
	--duration 50ms --no-plot --out "$sp" >/dev/null 2>"$TMP/q.err" &
pid=$!
i=0
while [ ! -s "$sp/results.csv" ] && [ $i -lt 300 ]; do
	sleep 0.05
	i=$((i + 1))
done
kill -INT $pid
wait $pid
grep -q "'$sp'" "$TMP/q.err" || fail "resume hint does not quote: $(cat "$TMP/q.err")"
# options that do not apply are refused
"$MB" run --no-plot >/dev/null 2>&1
[ $? -eq 2 ] || fail "run --no-plot accepted"
finish

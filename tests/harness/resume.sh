# An interrupted sweep keeps its finished rows and resumes to completion
# with no duplicate rows.
. "$(dirname "$0")/lib.sh"

out="$TMP/r"
set -- sweep --impl syncmap,rwlock,null --threads 1,2 --read 100,50 \
	--keys 1000 --repeat 3 --duration 100ms --no-plot --out "$out"
"$MB" "$@" >"$TMP/stdout1" 2>"$TMP/stderr1" &
pid=$!
# Wait for a few rows, then Ctrl-C.
i=0
while [ $i -lt 600 ]; do
	n=0
	[ -f "$out/results.csv" ] && n=$(($(wc -l <"$out/results.csv") - 1))
	[ "$n" -ge 3 ] && break
	sleep 0.1
	i=$((i + 1))
done
kill -INT $pid
wait $pid
rc=$?
[ "$rc" -eq 130 ] || fail "interrupted sweep: exit $rc, want 130"
grep -q -- "--resume" "$TMP/stderr1" || fail "no resume hint: $(cat "$TMP/stderr1")"
n1=$(($(wc -l <"$out/results.csv") - 1))
[ "$n1" -ge 1 ] && [ "$n1" -lt 36 ] || fail "rows after interrupt: $n1"
tail -c 1 "$out/results.csv" | od -c | grep -q '\\n' || fail "partial row kept"
# A torn last row (a crash mid-write) is dropped on resume.
printf 'syncmap,rw,1' >>"$out/results.csv"
"$MB" "$@" --resume >"$TMP/stdout2" 2>"$TMP/stderr2"
rc=$?
[ "$rc" -eq 0 ] || fail "resume: exit $rc: $(tail -3 "$TMP/stderr2")"
n2=$(($(wc -l <"$out/results.csv") - 1))
[ "$n2" -eq 36 ] || fail "after resume: $n2 rows, want 36"
dups=$(row_keys "$out/results.csv" | sort | uniq -d | wc -l)
[ "$dups" -eq 0 ] || fail "$dups duplicate rows after resume"
grep -q '"resumed"' "$out/meta.json" || fail "meta.json does not record the resume"
# Resuming a finished sweep runs nothing.
"$MB" "$@" --resume >/dev/null 2>"$TMP/stderr3" || fail "resume of a finished sweep"
n3=$(($(wc -l <"$out/results.csv") - 1))
[ "$n3" -eq 36 ] || fail "resume of a finished sweep added rows"
finish

# bench/go/paired.awk: per-repetition ratios and the exact sign test that
# bench/go/versions.sh puts beside its unpaired statistics.
. "$(dirname "$0")/lib.sh"
awk_=$SRC/bench/go/paired.awk
# rows: impl workload threads rep status ns_per_op
row() { echo "$1,$2,$3,$4,$5,$6,0,0"; }
{
	echo "impl,workload,threads,rep,status,ns_per_op,misses_per_op,note"
	# W/1: every repetition B = 2 A (the machine twice as slow in rep 3)
	for r in 1 2 3 4 5 6; do
		a=10
		[ "$r" -ne 3 ] || a=20
		row a W 1 "$r" ok "$a"
		row b W 1 "$r" ok "$((a * 2))"
	done
	# W/2: five repetitions B = A / 2, one B = 2 A
	for r in 1 2 3 4 5 6; do
		row a W 2 "$r" ok 8
		if [ "$r" -eq 4 ]; then row b W 2 "$r" ok 16; else row b W 2 "$r" ok 4; fi
	done
	# X/1: rep 2 of b interfered, rep 6 of both missing: ratios 1 2 3 4
	n=0
	for r in 1 2 3 4 5 6; do
		[ "$r" -eq 6 ] || row a X 1 "$r" ok 10
		if [ "$r" -eq 2 ]; then row b X 1 "$r" interfered 5; else
			n=$((n + 1))
			[ "$r" -eq 6 ] || row b X 1 "$r" ok "$((n * 10))"
		fi
	done
	# Z/1: an odd count, out of order: ratios 3 1 2
	for r in 1 2 3; do
		row a Z 1 "$r" ok 10
		row b Z 1 "$r" ok "$(echo "$r" | awk '{ print $1 == 1 ? 30 : $1 == 2 ? 10 : 20 }')"
	done
	# Y/1: a tie in every repetition; a Go release's name
	for r in 1 2 3; do
		row "go:sync.Map-go1.24" Y 1 "$r" ok 7
		row hashtrie Y 1 "$r" ok 7
	done
} >"$TMP/results.csv"
awk -F, -v pairs="a-vs-b go1.24-vs-hashtrie" -f "$awk_" "$TMP/results.csv" \
	>"$TMP/paired.csv" || fail "paired.awk failed"
want() { # PAIR WORKLOAD THREADS EXPECTED(n,min,median,max,above,below,p)
	got=$(awk -F, -v p="$1" -v w="$2" -v t="$3" \
		'$1 == p && $2 == w && $3 == t { print $4 "," $5 "," $6 "," $7 "," $8 "," $9 "," $10 }' \
		"$TMP/paired.csv")
	[ "$got" = "$4" ] || fail "$1 $2/$3: '$got', want '$4'"
}
[ "$(head -1 "$TMP/paired.csv")" = "pair,workload,threads,n,min,median,max,above,below,p_sign" ] ||
	fail "header: $(head -1 "$TMP/paired.csv")"
want a-vs-b W 1 "6,2,2,2,6,0,0.03125"
want a-vs-b W 2 "6,0.5,0.5,2,1,5,0.2188"
want a-vs-b X 1 "4,1,2.5,4,3,0,0.25"
want a-vs-b Z 1 "3,1,2,3,2,0,0.5"
want go1.24-vs-hashtrie Y 1 "3,1,1,1,0,0,1"
[ "$(grep -c '^a-vs-b,Y,' "$TMP/paired.csv")" -eq 0 ] || fail "a cell a pair did not measure has a row"
finish

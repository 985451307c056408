#!/bin/sh
# Build the original CLHT-LB with resizing (LPD-EPFL/CLHT: src/clht_lb_res.c
# and src/clht_gc.c, unmodified, with CLHT's own flags) as four mapbench
# plugins: OUT/clht_lb_res.so (CLHT indexing by the key's bits),
# OUT/clht_lb_res_h.so (keys hashed first; plugin.c says how),
# OUT/clht_lb_res_hu.so (hashed, and Store an in-place upsert written in
# plugin.c in CLHT's manner: CLHT's put of a present key only reads) and
# OUT/clht_lb_res_u.so (that upsert, indexing as published).
#	bench/clht-lb/build.sh CLHT_DIR SSPFD_DIR OUT
# CLHT_DIR: a source tree of github.com/LPD-EPFL/CLHT; SSPFD_DIR: one of
# github.com/trigonak/sspfd (CLHT's utils.h includes sspfd.h).  Neither is
# in this repository or in Debian: get them by other means.  ssmem is
# replaced by ssmem.h / ssmem_shim.c here (CLHT-LB calls it at resizes
# only).  Bad arguments: one line, exit 2.
set -eu
case ${1:-} in -h | --help) sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -eq 3 ] || { echo "build.sh: want CLHT_DIR SSPFD_DIR OUT (see --help)" >&2; exit 2; }
clht=$1 sspfd=$2 out=$3
[ -f "$clht/src/clht_lb_res.c" ] || { echo "build.sh: $clht/src/clht_lb_res.c: not a CLHT source tree" >&2; exit 2; }
[ -f "$sspfd/sspfd.h" ] || { echo "build.sh: $sspfd/sspfd.h: not an sspfd source tree" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
impls=$here/../../impls
mkdir -p "$out"
# CLHT's Makefile, default platform: -O3 -D_GNU_SOURCE -DADD_PADDING -DDEFAULT
CF="-O3 -D_GNU_SOURCE -DADD_PADDING -DDEFAULT -fPIC"
INC="-I$here -I$clht/include -I$clht/external/include -I$sspfd -I$impls/common"
gcc $CF -fvisibility=hidden -w $INC -c "$clht/src/clht_lb_res.c" -o "$out/clht_lb_res.o"
gcc $CF -fvisibility=hidden -w $INC -c "$clht/src/clht_gc.c" -o "$out/clht_gc.o"
gcc $CF -fvisibility=hidden -Wall $INC -c "$here/ssmem_shim.c" -o "$out/ssmem_shim.o"
for v in clht_lb_res clht_lb_res_h clht_lb_res_u clht_lb_res_hu; do
	case $v in
	clht_lb_res) def= ;;
	clht_lb_res_h) def=-DCLHT_LB_HASHED_KEYS ;;
	clht_lb_res_u) def=-DCLHT_LB_UPSERT ;;
	clht_lb_res_hu) def="-DCLHT_LB_HASHED_KEYS -DCLHT_LB_UPSERT" ;;
	esac
	gcc $CF $def -Wall $INC -I"$impls" -c "$here/plugin.c" -o "$out/$v-plugin.o"
	gcc -shared -Wl,-Bsymbolic -o "$out/$v.so" "$out/$v-plugin.o" \
		"$out/clht_lb_res.o" "$out/clht_gc.o" "$out/ssmem_shim.o" -lpthread -lm
	echo "$out/$v.so"
done

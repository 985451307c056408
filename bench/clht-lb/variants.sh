#!/bin/sh
# Two experiments on the project's clht, built as plugins from
# impls/clht/clht.c with one change each (not maps of this project):
#   OUT/clht_plain.so  the stores that linearise a change are release
#                      stores, as CLHT's, not seq_cst (`xchg`): not
#                      linearizable in real time (MAPS.md#clht);
#   OUT/clht_id.so     CLHT's indexing by the key's bits instead of the
#                      project's hash.
#	bench/clht-lb/variants.sh OUT
# TLS is initial-exec, as in the executable: a plugin's default model
# calls __tls_get_addr on every access (made them 1.4x slower).
set -eu
case ${1:-} in -h | --help) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -eq 1 ] || { echo "variants.sh: want OUT (see --help)" >&2; exit 2; }
out=$1
here=$(cd "$(dirname "$0")" && pwd)
impls=$here/../../impls
mkdir -p "$out"
for v in clht_plain clht_id; do
	case $v in
	clht_plain) sed 's/memory_order_seq_cst);/memory_order_release);/' ;;
	clht_id) sed 's|^#include "map.h"$|#include "map.h"\n#define map_hash64(x) ((uint64_t)(x))|' ;;
	esac <"$impls/clht/clht.c" |
		sed 's/^const struct map_ops clht_ops = {/static const struct map_ops clht_ops = {/; s/^\t\.name = "clht",/\t.name = "'"$v"'",/' >"$out/$v.c"
	printf '\nconst uint32_t mapbench_abi_version = MAPBENCH_ABI_VERSION;\nconst struct map_ops *const mapbench_maps[] = {&clht_ops, NULL};\n' >>"$out/$v.c"
	gcc -O2 -g -fPIC -ftls-model=initial-exec -shared -D_GNU_SOURCE \
		-I"$impls" -I"$impls/common" -o "$out/$v.so" "$out/$v.c" \
		"$impls/common/rcu.c" "$impls/common/alloc.c" -lurcu-memb -lpthread
	echo "$out/$v.so"
done

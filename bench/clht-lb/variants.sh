#!/bin/sh
# Experiments on the project's clht, built as plugins from
# impls/clht/clht.c with one change each (not maps of this project):
#   OUT/clht_plain.so  the stores that linearise a change are release
#                      stores, as CLHT's, not seq_cst (`xchg`): not
#                      linearizable in real time (MAPS.md#clht);
#   OUT/clht_id.so     CLHT's indexing by the key's bits instead of the
#                      project's hash;
#   OUT/clht_ins.so    Store is insert-if-absent, as CLHT's put (a Store
#                      of a present key changes nothing): not the
#                      contract, the cost of its upsert;
#   OUT/clht_base.so   with REV: clht.c as it was at git revision REV
#                      (e.g. a989aaa, urcu-memb read sections), to
#                      measure a change in one sweep beside the new one.
#	bench/clht-lb/variants.sh OUT [REV]
# TLS is initial-exec, as in the executable: a plugin's default model
# calls __tls_get_addr on every access (made them 1.4x slower).
set -eu
case ${1:-} in -h | --help) sed -n '2,18s/^# \{0,1\}//p' "$0"; exit 0 ;; esac
[ $# -eq 1 ] || [ $# -eq 2 ] || { echo "variants.sh: want OUT [REV] (see --help)" >&2; exit 2; }
out=$1 rev=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
impls=$here/../../impls
if [ -n "$rev" ] && ! git -C "$here" rev-parse --verify --quiet "$rev^{commit}" >/dev/null; then
	echo "variants.sh: $rev: not a git revision of this repository" >&2
	exit 2
fi
mkdir -p "$out"
for v in clht_plain clht_id clht_ins ${rev:+clht_base}; do
	# want: the lines each edit must change (0: no check)
	case $v in
	clht_plain) want=2 && sed 's/\(&b->val\[i\], v, \)memory_order_seq_cst/\1memory_order_release/; s/\(&tail->next, nb, \)memory_order_seq_cst/\1memory_order_release/' <"$impls/clht/clht.c" ;;
	clht_id) want=1 && sed 's|^#include "map.h"$|#include "map.h"\n#define map_hash64(x) ((uint64_t)(x))|' <"$impls/clht/clht.c" ;;
	clht_ins) want=2 && sed 's|^#include "map.h"$|#include "map.h"\nstatic int clht_load_or_store(struct map *, uint64_t, void *, void **);|; /^clht_store(/,/^}/s|clht_put(m, key, value, false, \&prev)|clht_load_or_store(m, key, value, \&prev)|' <"$impls/clht/clht.c" ;;
	clht_base) want=0 && git -C "$here" show "$rev:impls/clht/clht.c" ;;
	esac >"$out/$v.src"
	# An edit that no longer matches clht.c would build clht itself.
	if [ "$want" -gt 0 ] && [ "$(diff "$impls/clht/clht.c" "$out/$v.src" | grep -c '^>')" -ne "$want" ]; then
		echo "variants.sh: $v: its edit no longer applies to impls/clht/clht.c (update this script)" >&2
		exit 1
	fi
	sed 's/^const struct map_ops clht_ops = {/static const struct map_ops clht_ops = {/; s/^\t\.name = "clht",/\t.name = "'"$v"'",/' <"$out/$v.src" >"$out/$v.c"
	printf '\nconst uint32_t mapbench_abi_version = MAPBENCH_ABI_VERSION;\nconst struct map_ops *const mapbench_maps[] = {&clht_ops, NULL};\n' >>"$out/$v.c"
	gcc -O2 -g -fPIC -ftls-model=initial-exec -shared -D_GNU_SOURCE \
		-I"$impls" -I"$impls/common" -o "$out/$v.so" "$out/$v.c" \
		"$impls/common/rcu.c" "$impls/common/alloc.c" -lurcu-memb -lpthread
	echo "$out/$v.so"
done

/*
 * libcds 2.3.3's FeldmanHashSet frees its array nodes with a size other
 * than the one they were allocated with.  Under sized deallocation
 * (g++'s default from C++14) that size reaches jemalloc's sdallocx,
 * which trusts it and files the block in the wrong size class: later
 * allocations then overlap live blocks, and the process crashes or
 * corrupts memory.  impls/cdsfeldman/map.cmake compiles cdsfeldman.cc
 * with -fno-sized-deallocation; this test shows the bug when that flag
 * is removed (cmake -DMAPBENCH_CDS_SIZED_DEALLOC=-fsized-deallocation):
 * it builds and tears down maps deep in array nodes, and in between
 * fills blocks of the array nodes' size classes with a pattern it checks
 * after every round (an overlap shows as a changed pattern, or a crash).
 * Under ASan the mismatch is reported as new-delete-type-mismatch.
 */
#include "testutil.h"

#define ROUNDS 40
#define BLOCKS 512

static void
array_nodes_freed_right(void **state)
{
	const struct map_ops *ops = map_find("cdsfeldman");
	unsigned char *blk[BLOCKS];
	size_t sz[BLOCKS];

	assert_non_null(ops);
	map_ops_thread_enter(ops);
	for (int i = 0; i < BLOCKS; i++) {
		/* Around an array node's size: 16 slots x 8 bytes + header. */
		sz[i] = 96 + (size_t)(i % 8) * 32;
		blk[i] = malloc(sz[i]);
		assert_non_null(blk[i]);
		memset(blk[i], i & 0xff, sz[i]);
	}
	for (int r = 0; r < ROUNDS; r++) {
		struct map *m = ops->create(0);
		uint64_t n = scaled(20000, 4000);

		assert_non_null(m);
		/* Keys equal in their low byte: every one goes down levels. */
		for (uint64_t k = 0; k < n; k++)
			assert_int_equal(ops->store(m, (k << 8) | (uint64_t)r,
						    INTVAL(k)),
					 0);
		ops->clear(m);
		for (uint64_t k = 0; k < n; k += 3)
			assert_int_equal(ops->store(m, k * 0x10001, INTVAL(k)),
					 0);
		ops->destroy(m);
		for (int i = r % 2; i < BLOCKS; i += 2) {
			for (size_t j = 0; j < sz[i]; j++)
				if (blk[i][j] != (unsigned char)(i & 0xff))
					fail_msg("round %d: block %d byte %zu "
						 "overwritten",
						 r, i, j);
			free(blk[i]);
			blk[i] = malloc(sz[i]);
			assert_non_null(blk[i]);
			memset(blk[i], i & 0xff, sz[i]);
		}
	}
	for (int i = 0; i < BLOCKS; i++)
		free(blk[i]);
	map_ops_thread_exit(ops);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(array_nodes_freed_right),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

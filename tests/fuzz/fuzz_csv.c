/*
 * libFuzzer target for the results.csv reader (harness/sweep/csvread.c): any
 * bytes must parse without a crash, leak or overflow, and what comes
 * back must keep the reader's promises: every row has the header's
 * number of fields, no field holds a newline, rows keep their file order
 * and line numbers, and a row plus the bad lines never exceed the lines
 * of the input.  Built with clang -fsanitize=fuzzer when MAPBENCH_FUZZ
 * is on; replay.c runs the same function over the corpus in every build.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x)                                                               \
	do {                                                                   \
		if (!(x))                                                      \
			abort();                                               \
	} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long partial;
	size_t lines = 0;
	struct csv *c =
		csv_parse((const char *)data, size, "fuzz", NULL, &partial);

	if (!c)
		return 0; /* out of memory only */
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	CHECK(partial == -1 || (partial >= 0 && (size_t)partial <= size));
	CHECK(partial == -1 || !memchr(data + partial, '\n', size - partial));
	if (!c->head) {
		CHECK(c->nrows == 0);
	} else {
		CHECK(c->ncols >= 1);
		CHECK(c->nrows + c->nbad + 1 <= lines);
		for (int k = 0; k < c->ncols; k++) {
			CHECK(!strchr(c->head[k], '\n'));
			CHECK(csv_col(c, c->head[k]) <= k);
		}
	}
	for (size_t i = 0; i < c->nrows; i++) {
		CHECK(c->line[i] >= 2 && (size_t)c->line[i] <= lines);
		CHECK(i == 0 || c->line[i] > c->line[i - 1]);
		for (int k = 0; k < c->ncols; k++) {
			const char *f = c->rows[i][k];

			CHECK(f >= c->text && f <= c->text + size);
			CHECK(!strchr(f, '\n'));
		}
	}
	csv_free(c);
	return 0;
}

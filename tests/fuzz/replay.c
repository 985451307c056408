/*
 * Runs the fuzz targets' entry point over files given on the command
 * line (the corpus): the normal build checks every corpus input without
 * clang or libFuzzer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf = NULL;
		size_t len = 0, cap = 0, n;

		if (!f) {
			perror(argv[i]);
			return 2;
		}
		do {
			if (len == cap) {
				unsigned char *nb;

				cap = cap ? 2 * cap : 4096;
				nb = realloc(buf, cap);
				if (!nb) {
					perror("realloc");
					return 2;
				}
				buf = nb;
			}
			n = fread(buf + len, 1, cap - len, f);
			len += n;
		} while (n > 0);
		if (ferror(f)) {
			perror(argv[i]);
			return 2;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
	}
	printf("%d input(s) replayed\n", argc - 1);
	return 0;
}

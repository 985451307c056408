/* xalloc (xalloc.h): allocate or end the command. */
#include <stdio.h>
#include <stdlib.h>

#include "xalloc.h"

void *
xalloc_calloc(size_t n, size_t size, const char *who)
{
	void *p = calloc(n ? n : 1, size);

	if (p == NULL) {
		if (who)
			fprintf(stderr, "mapbench: %s: out of memory\n", who);
		else
			fprintf(stderr, "mapbench: out of memory\n");
		exit(1);
	}
	return p;
}

/*
 * compare_html: `mapbench compare --html FILE.html`, the comparison as a
 * self-contained page.
 */
#ifndef MAPBENCH_COMPARE_HTML_H
#define MAPBENCH_COMPARE_HTML_H

#include <stdio.h>

#include <jansson.h>

#include "compare_data.h"

/* Write c->html whole (aside, then renamed): 0, or 1 (said). */
int compare_write_html(struct cmp *c);

#endif /* MAPBENCH_COMPARE_HTML_H */

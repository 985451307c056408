/* compare_html: see compare_html.c. */
#ifndef MAPBENCH_COMPARE_HTML_H
#define MAPBENCH_COMPARE_HTML_H

#include <stdio.h>

#include <jansson.h>

#include "compare_data.h"

int compare_write_html(struct cmp *c);

#endif /* MAPBENCH_COMPARE_HTML_H */

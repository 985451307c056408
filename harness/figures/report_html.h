/*
 * report_html: the frame of mapbench's self-contained HTML pages (the
 * sweep's page and compare --html) and the escaping every string from a
 * file gets on its way out (see report_html.c).
 */
#ifndef MAPBENCH_REPORT_HTML_H
#define MAPBENCH_REPORT_HTML_H

#include <stddef.h>
#include <stdio.h>

/* <!doctype html> ... <body>, with the inline CSS, titled `title`. */
void report_html_begin(FILE *f, const char *title);
/* The foot and </html>. */
void report_html_end(FILE *f);
/* Text from a file, escaped for HTML text and attribute values. */
void report_html_escape(FILE *f, const char *s);
/* A relative or absolute file path as a URL (percent-encoded, escaped). */
void report_html_escape_url(FILE *f, const char *path);

/* x with `sig` significant figures and no exponent ("NA" for NaN). */
void report_sig(char *buf, size_t len, double x, int sig);
/* x to 3 significant figures, "&ndash;" for NaN. */
void report_put_sig(FILE *f, double x);

#endif /* MAPBENCH_REPORT_HTML_H */

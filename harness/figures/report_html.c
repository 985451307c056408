/*
 * report_html: the frame every page of mapbench shares (the sweep's page,
 * report.c, and compare --html): the head with its inline CSS, the foot,
 * escaping of text and of file names as URLs, and numbers to a given
 * count of significant figures.  Pages are self-contained: no script,
 * nothing fetched from the network.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "report_html.h"

void
report_html_escape(FILE *f, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
}

void
report_html_escape_url(FILE *f, const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			fputc(*p, f);
		else
			fprintf(f, "%%%02X", *p);
}

void
report_html_begin(FILE *f, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
	      "<meta name=viewport content=\"width=device-width, "
	      "initial-scale=1\">\n<title>",
	      f);
	report_html_escape(f, title);
	fputs("</title>\n<style>\n"
	      "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',"
	      "sans-serif;color:#222;max-width:1280px;margin:0 auto;"
	      "padding:0 14px 40px}\n"
	      "h1{font-size:1.5em;margin:.8em 0 .3em}"
	      "h2{font-size:1.2em;margin:1.4em 0 .4em;border-bottom:1px solid "
	      "#ccc}\n"
	      ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;"
	      "margin:.4em 0}\n"
	      "table{border-collapse:collapse;font-size:13px}\n"
	      "th,td{padding:3px 8px;border-bottom:1px solid #e2e2e2;"
	      "text-align:left;white-space:nowrap;vertical-align:top}\n"
	      "th{background:#f4f4f4}\n"
	      "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
	      "td.best{background:#d8f0d8;font-weight:600}\n"
	      "table.heat td{min-width:4.2em;text-align:center}\n"
	      "table.heat td.best{outline:2px solid #111;outline-offset:-3px;"
	      "font-weight:600}\n"
	      "table.heat th,table.summary th{font-weight:600}\n"
	      ".ci{display:block;font-size:11px;color:#666}\n"
	      "h3{font-size:1.05em;margin:1.1em 0 .3em}\n"
	      "details{margin:.3em 0 0}summary{cursor:pointer;color:#245}\n"
	      ".control{font-style:italic;color:#666}\n"
	      "table.kv td{white-space:normal;word-break:break-word}\n"
	      "table.summary td:first-child,table.summary th:first-child{"
	      "position:sticky;left:0;background:#fff;z-index:1}\n"
	      "table.summary th:first-child{background:#f4f4f4}\n"
	      ".better{color:#13692b}.worse{color:#b00020}.same{color:#777}\n"
	      "tr.geo td{font-weight:600;border-top:2px solid #999}\n"
	      ".warn{background:#fff4ce;padding:6px 10px;border-radius:4px}\n"
	      ".note{color:#555;font-size:.9em}\n"
	      "code{font-size:.92em;background:#f4f4f4;padding:1px 4px;"
	      "word-break:break-all}\n"
	      "figure{margin:1.2em 0 2em}\n"
	      "figure img{display:block;max-width:100%;height:auto;"
	      "border:1px solid #ddd}\n"
	      "figcaption{font-size:.92em;color:#333;margin-top:.4em;"
	      "max-width:60em}\n"
	      "figcaption b{font-family:monospace}\n"
	      "@media (max-width:640px){body{font-size:14px;padding:0 8px}"
	      "th,td{padding:2px 5px}h1{font-size:1.25em}"
	      "table.summary td:first-child{white-space:normal;"
	      "min-width:8em;max-width:11em}}\n"
	      "</style>\n</head>\n<body>\n",
	      f);
}

void
report_html_end(FILE *f)
{
	fputs("<p class=note>Written by <code>mapbench</code>; "
	      "self-contained: no scripts, nothing from the network.</p>\n"
	      "</body>\n</html>\n",
	      f);
}

void
report_sig(char *buf, size_t len, double x, int sig)
{
	int mag, dec;

	if (isnan(x)) {
		snprintf(buf, len, "NA");
		return;
	}
	if (x == 0) {
		snprintf(buf, len, "0");
		return;
	}
	/* the magnitude after rounding: 9.995 to 3 figures is 10.0 */
	{
		char e[48];

		snprintf(e, sizeof(e), "%.*e", sig - 1, x);
		mag = atoi(strchr(e, 'e') + 1);
	}
	dec = sig - 1 - mag;
	if (dec < 0)
		dec = 0;
	snprintf(buf, len, "%.*f", dec, x);
}

void
report_put_sig(FILE *f, double x)
{
	char buf[64];

	if (isnan(x)) {
		fputs("&ndash;", f);
		return;
	}
	report_sig(buf, sizeof(buf), x, 3);
	fputs(buf, f);
}

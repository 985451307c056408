/*
 * plotgp: how `mapbench plot` hands a figure to gnuplot.  Values reach
 * gnuplot as -e assignments of single-quoted strings (a quote doubled,
 * control characters refused), built in a growing buffer; a figure is
 * drawn as SVG and PNG by one script of plots/ through gnuplot_run, and
 * one that fails leaves no image and says why (gnuplot's last line, or a
 * full disk).  Also the helpers every figure shares: log ranges, each
 * map's colour and marker (figures.h), the notes under a legend.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sys/statvfs.h>

#include "figures.h"
#include "gnuplot.h"
#include "plotdata.h"
#include "plotgp.h"

/* ---- gnuplot ------------------------------------------------------- */

void
plotgp_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->bad)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? 2 * b->cap : 1024;
		char *np;

		while (nc < b->len + n + 1)
			nc *= 2;
		np = realloc(b->p, nc);
		if (!np) {
			b->bad = true;
			return;
		}
		b->p = np;
		b->cap = nc;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

bool
plotgp_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

/*
 * name='value'; with the value as a gnuplot single-quoted string, in
 * which only a quote is special (written twice).  Control characters
 * cannot be given this way and make the buffer bad.
 */
void
plotgp_set(struct sbuf *b, const char *name, const char *value)
{
	if (plotgp_has_control(value)) {
		b->bad = true;
		return;
	}
	plotgp_add(b, name, strlen(name));
	plotgp_add(b, "='", 2);
	for (const char *s = value; *s; s++) {
		if (*s == '\'')
			plotgp_add(b, "''", 2);
		else
			plotgp_add(b, s, 1);
	}
	plotgp_add(b, "';", 2);
}

/* A number as gnuplot reads a string back: no exponent. */
void
plotgp_num(struct sbuf *b, const char *name, double v)
{
	char buf[512];

	snprintf(buf, sizeof(buf), v >= 1 ? "%.3f" : "%.15f", v);
	plotgp_set(b, name, buf);
}

/* fmt and ap as a malloc'ed string (*n: its length), or NULL: b bad. */
static char *
vfmt(struct sbuf *b, int *n, const char *fmt, va_list ap)
{
	char *v;

	*n = vasprintf(&v, fmt, ap);
	if (*n < 0) {
		b->bad = true;
		return NULL;
	}
	return v;
}

void
plotgp_setf(struct sbuf *b, const char *name, const char *fmt, ...)
{
	char *v;
	va_list ap;
	int n;

	va_start(ap, fmt);
	v = vfmt(b, &n, fmt, ap);
	va_end(ap);
	if (v)
		plotgp_set(b, name, v);
	free(v);
}

/* A space-separated list being built for gnuplot's word(). */
void
plotgp_list_add(struct sbuf *l, const char *fmt, ...)
{
	char *v;
	va_list ap;
	int n;

	va_start(ap, fmt);
	v = vfmt(l, &n, fmt, ap);
	va_end(ap);
	if (!v)
		return;
	if (l->len)
		plotgp_add(l, " ", 1);
	plotgp_add(l, v, (size_t)n);
	free(v);
}

/* Is the file system holding `dir` full (for an unprivileged writer)? */
static bool
fs_full(const char *dir)
{
	struct statvfs v;

	return statvfs(dir, &v) == 0 && v.f_bavail == 0;
}

/* The last non-empty line gnuplot wrote since `from`, for the message. */
static void
last_log_line(int fd, off_t from, char *buf, size_t len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	ssize_t n;
	char *p;

	buf[0] = '\0';
	if (end <= from)
		return;
	if (end - from > (off_t)len - 1)
		from = end - (off_t)len + 1;
	n = pread(fd, buf, len - 1, from);
	if (n <= 0)
		return;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	p = strrchr(buf, '\n');
	if (p)
		memmove(buf, p + 1, strlen(p + 1) + 1);
	for (p = buf; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
}

static void
remove_outputs(const struct ctx *x, const char *name)
{
	static const char *const fmts[] = {"svg", "png"};

	for (int i = 0; i < 2; i++) {
		char *p;

		if (asprintf(&p, "%s/%s.%s", x->outdir, name, fmts[i]) < 0)
			continue;
		unlink(p);
		free(p);
	}
}

/*
 * Draw figure `name` with `script` for SVG and PNG; `vars` holds the
 * figure's own assignments.  A figure that fails leaves no image.
 */
void
plotgp_draw(struct ctx *x, const char *script, const char *name,
	    struct sbuf *vars)
{
	static const char *const fmts[] = {"svg", "png"};
	struct sbuf all = {0};

	remove_outputs(x, name);
	for (int i = 0; i < 2; i++) {
		char head[512], msg[400], *out = NULL;
		struct stat st;
		off_t at;
		int rc, werr;

		all.len = 0;
		if (all.p)
			all.p[0] = '\0';
		all.bad = false;
		plotgp_set(&all, "summary", x->summary);
		plotgp_setf(&all, "out", "%s/%s.%s", x->outdir, name, fmts[i]);
		plotgp_set(&all, "fmt", fmts[i]);
		plotgp_set(&all, "run", x->run);
		plotgp_set(&all, "rowsnote", x->note_rows);
		if (figure_find(name))
			plotgp_set(&all, "ftitle", figure_find(name)->title);
		plotgp_add(&all, vars->p ? vars->p : "", vars->len);
		if (all.bad || vars->bad) {
			fprintf(stderr, "mapbench: plot: %s: out of memory\n",
				name);
			x->failed++;
			break;
		}
		snprintf(head, sizeof(head), "## %s.%s (%s)\n", name, fmts[i],
			 script);
		/* gnuplot's lines start after our header (D31). */
		werr = write(x->logfd, head, strlen(head)) < 0 ? errno : 0;
		at = lseek(x->logfd, 0, SEEK_END);
		rc = gnuplot_run(x->gpdir, all.p, script, x->logfd);
		if (asprintf(&out, "%s/%s.%s", x->outdir, name, fmts[i]) < 0)
			out = NULL;
		/* On a full disk the image may be cut short: not drawn. */
		if (rc == 0 && out && !stat(out, &st) && st.st_size > 0 &&
		    !fs_full(x->outdir)) {
			free(out);
			continue;
		}
		free(out);
		last_log_line(x->logfd, at < 0 ? 0 : at, msg, sizeof(msg));
		/*
		 * A full disk: gnuplot's own lines (if it could write any)
		 * are its consequences; say the cause.
		 */
		if (werr == ENOSPC || werr == EDQUOT || fs_full(x->outdir))
			snprintf(msg, sizeof(msg), "%s: %s", x->outdir,
				 strerror(werr == EDQUOT ? EDQUOT : ENOSPC));
		else if (werr)
			snprintf(msg, sizeof(msg), "%s: %s", x->log_path,
				 strerror(werr));
		fprintf(stderr,
			"mapbench: plot: gnuplot failed to draw %s.%s (%s): "
			"%s; see %s\n",
			name, fmts[i], script,
			rc == 127 ? strerror(errno)
			: msg[0]  ? msg
				  : "no image written",
			x->log_path);
		remove_outputs(x, name);
		x->failed++;
		free(all.p);
		return;
	}
	free(all.p);
	if (!all.bad && !vars->bad) {
		x->drawn++;
		plotgp_list_add(&x->written, "%s", name);
	}
}

void
plotgp_skip(struct ctx *x, const char *name, const char *why)
{
	remove_outputs(x, name);
	fprintf(stderr, "mapbench: plot: %s not drawn: %s\n", name, why);
	x->skipped++;
}

/* ---- figures ------------------------------------------------------- */

bool
plotgp_have(const struct cfg *c, enum metric m)
{
	return c->s[m].n > 0;
}

/* Extend [lo, hi] by the positive values of metric m of c. */
void
plotgp_range_pos(const struct cfg *c, enum metric m, double *lo, double *hi,
		 int *zeros)
{
	if (!plotgp_have(c, m))
		return;
	if (c->s[m].med <= 0 && zeros)
		(*zeros)++;
	if (c->s[m].min > 0 && c->s[m].min < *lo)
		*lo = c->s[m].min;
	if (c->s[m].med > 0 && c->s[m].med < *lo)
		*lo = c->s[m].med;
	if (c->s[m].max > *hi)
		*hi = c->s[m].max;
}

/* A log axis from decade to decade, so at least two ticks are labelled. */
void
plotgp_log_range(struct sbuf *v, double lo, double hi)
{
	double a = pow(10, floor(log10(lo))), b = pow(10, ceil(log10(hi)));

	if (b <= a)
		b = a * 10;
	plotgp_num(v, "ymin", a);
	plotgp_num(v, "ymax", b);
}

void
plotgp_styles(struct sbuf *v, struct sbuf *impls)
{
	struct sbuf colours = {0}, pts = {0};
	char *save = impls->p ? strdup(impls->p) : strdup("");
	char *tok, *sp;

	for (tok = save ? strtok_r(save, " ", &sp) : NULL; tok;
	     tok = strtok_r(NULL, " ", &sp)) {
		const char *c;
		int pt;

		figure_map_style(tok, &c, &pt);
		plotgp_list_add(&colours, "%s", c);
		plotgp_list_add(&pts, "%d", pt);
	}
	plotgp_set(v, "impls", impls->p ? impls->p : "");
	plotgp_set(v, "colours", colours.p ? colours.p : "");
	plotgp_set(v, "pts", pts.p ? pts.p : "");
	if (!save || colours.bad || pts.bad || impls->bad)
		v->bad = true;
	free(save);
	free(colours.p);
	free(pts.p);
}

void
plotgp_note(struct notes *nt, const char *fmt, ...)
{
	char *s, name[16];
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		va_end(ap);
		nt->v->bad = true;
		return;
	}
	va_end(ap);
	snprintf(name, sizeof(name), "note%d", ++nt->n);
	plotgp_set(nt->v, name, s);
	free(s);
}

void
plotgp_notes_end(struct notes *nt)
{
	plotgp_setf(nt->v, "nnotes", "%d", nt->n);
}

bool
plotdata_is_null(const char *impl)
{
	return !strcmp(impl, "null");
}

/*
 * The sweep's output directory (outdir.h): results.csv, meta.json, the
 * lock that keeps two sweeps out of one directory, and plots/.  Every
 * check is made before the first write, so that bad input leaves nothing
 * half written; --resume reads the rows back after checking that the
 * grid is the one the directory holds; a row is appended with one write()
 * and fsync'ed, and a failed write cuts the file back to its last row.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csvread.h"
#include "fsutil.h"
#include "num.h"
#include "outdir.h"
#include "schema_write.h"
#include "sysinfo.h"

static char *
path_join(const char *dir, const char *name)
{
	char *p;

	if (asprintf(&p, "%s/%s", dir, name) < 0) {
		fprintf(stderr, "mapbench: out of memory\n");
		exit(1);
	}
	return p;
}

_Noreturn static void
bad_out(const char *path, const char *what, int err)
{
	fprintf(stderr, "mapbench: --out: %s: %s%s%s\n", path, what,
		err ? ": " : "", err ? strerror(err) : "");
	exit(2);
}

/*
 * Make the directory, take its lock, and check results.csv is a regular
 * file (or absent) before anything is written.
 */
void
outdir_open(const struct opts *o, struct outdir *d)
{
	struct stat st;
	int err;

	d->dir = (char *)o->out;
	d->csv = path_join(o->out, "results.csv");
	d->meta = path_join(o->out, "meta.json");
	d->lock = path_join(o->out, ".lock");
	d->plots =
		o->plot_dir ? (char *)o->plot_dir : path_join(o->out, "plots");
	err = fs_mkdir_p(o->out);
	if (err)
		bad_out(o->out, "cannot create the directory", -err);
	if (stat(o->out, &st) || !S_ISDIR(st.st_mode))
		bad_out(o->out, "not a directory", 0);
	/* No file of the directory is reached through a link. */
	d->lock_fd =
		open(d->lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666);
	if (d->lock_fd < 0 && errno == ELOOP)
		bad_out(d->lock, "a symbolic link: refused", 0);
	if (d->lock_fd < 0)
		bad_out(o->out, "cannot write the directory", errno);
	if (fstat(d->lock_fd, &st) || !S_ISREG(st.st_mode))
		bad_out(d->lock, "not a regular file", 0);
	if (flock(d->lock_fd, LOCK_EX | LOCK_NB)) {
		if (errno == EWOULDBLOCK)
			bad_out(o->out,
				"another mapbench sweep is writing this "
				"directory; wait for it or choose another "
				"--out",
				0);
		bad_out(o->out, "cannot lock the directory", errno);
	}
	if (lstat(d->csv, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			bad_out(d->csv, "not a regular file", 0);
		if (!o->resume) {
			fprintf(stderr,
				"mapbench: --out: '%s' already has results; "
				"pass --resume to continue it, or choose "
				"another --out\n",
				o->out);
			exit(2);
		}
	} else if (errno != ENOENT) {
		bad_out(d->csv, "cannot read", errno);
	}
	if (lstat(d->meta, &st) == 0 && !S_ISREG(st.st_mode))
		bad_out(d->meta, "not a regular file", 0);
	/* The plots' directory: found bad now, not after the sweep. */
	if (!o->no_plot) {
		char why[4200];

		if (fs_dir_check_real(d->plots, why, sizeof(why))) {
			fprintf(stderr, "mapbench: %s: %s\n",
				o->plot_dir ? "--plot-dir" : "--out", why);
			exit(2);
		}
		err = fs_mkdir_p(d->plots);
		if (err || access(d->plots, W_OK)) {
			fprintf(stderr,
				"mapbench: %s: %s: cannot write the plots' "
				"directory: %s\n",
				o->plot_dir ? "--plot-dir" : "--out", d->plots,
				strerror(err ? -err : errno));
			exit(2);
		}
	}
}

/* What outdir_open allocated (the lock stays held until exit). */
void
outdir_free(const struct opts *o, struct outdir *d)
{
	free(d->csv);
	free(d->meta);
	free(d->lock);
	if (!o->plot_dir)
		free(d->plots);
	memset(d, 0, sizeof(*d));
	d->lock_fd = -1;
}

/*
 * --resume continues the same grid only: every ID, METHOD and PLAN column
 * of the schema (meta.json's "grid", schema_grid_json) and the plugin
 * libraries must be as they were.
 */
void
outdir_check_grid(const struct config *grid, size_t n, const struct outdir *d)
{
	json_error_t jerr;
	json_t *meta = json_load_file(d->meta, 0, &jerr), *now, *then, *v;
	const char *key;
	char diff[2048];
	size_t len = 0;

	if (!meta) {
		fprintf(stderr,
			"mapbench: --resume: %s: cannot read it (%s); it "
			"records the grid a resume must match\n",
			d->meta, jerr.text);
		exit(2);
	}
	then = json_object_get(meta, "grid");
	if (!json_is_object(then) ||
	    !json_equal(json_object_get(then, "schema"),
			json_object_get(meta, "schema")) ||
	    json_integer_value(json_object_get(meta, "schema")) !=
		    SCHEMA_VERSION) {
		fprintf(stderr,
			"mapbench: --resume: %s was written by another "
			"mapbench (results schema %lld, this one writes %d); "
			"choose another --out\n",
			d->meta,
			(long long)json_integer_value(
				json_object_get(meta, "schema")),
			SCHEMA_VERSION);
		exit(2);
	}
	now = sysinfo_grid_identity(grid, n);
	json_object_foreach(now, key, v)
	{
		const struct column *col = schema_find(key);
		json_t *was = json_object_get(then, key);
		char *x, *y;

		if (json_equal(v, was) || len + 1 >= sizeof(diff))
			continue;
		x = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		y = was ? json_dumps(was, JSON_COMPACT | JSON_ENCODE_ANY)
			: NULL;
		len += (size_t)snprintf(diff + len, sizeof(diff) - len,
					"%s%s (%s: now %s, then %s)",
					len ? "; " : "",
					col && col->opt ? col->opt : key, key,
					x ? x : "?", y ? y : "none");
		free(x);
		free(y);
	}
	if (len) {
		fprintf(stderr,
			"mapbench: --resume: options differ from the sweep in "
			"%s: %s; resume with the same options or choose "
			"another --out\n",
			d->dir, diff);
		json_decref(now);
		json_decref(meta);
		exit(2);
	}
	json_decref(now);
	json_decref(meta);
}

/* The grid's configuration keys, sorted, for matching rows read back. */
struct cfg_key {
	char *key;
	size_t idx;
};

static int
cmp_key(const void *a, const void *b)
{
	return strcmp(((const struct cfg_key *)a)->key,
		      ((const struct cfg_key *)b)->key);
}

/*
 * Feed every row of results.csv to the schedule (resume).  Checks the
 * header is this schema's and cuts a partial last row off the file.
 * Rows of configurations outside this grid cannot exist (the grid was
 * checked); a row that matches none is reported and ignored.
 */
size_t
outdir_load_done(const char *csv, const struct config *grid, size_t n,
		 struct sched *s)
{
	long partial;
	struct csv *c = csv_load(csv, &partial);
	struct cfg_key *keys;
	int rep_col, att_col, st_col, mops_col;
	size_t loaded = 0, stray = 0;

	if (!c)
		return 0;
	if (!c->head) {
		csv_free(c);
		return 0;
	}
	if (!schema_header_is((const char *const *)c->head, (size_t)c->ncols))
		goto mismatch;
	if (partial >= 0) {
		fprintf(stderr,
			"mapbench: %s: dropping a partial last row (an "
			"interrupted write)\n",
			csv);
		if (truncate(csv, partial)) {
			fprintf(stderr, "mapbench: truncate %s: %s\n", csv,
				strerror(errno));
			exit(1);
		}
	}
	rep_col = csv_col(c, "rep");
	att_col = csv_col(c, "attempt");
	st_col = csv_col(c, "status");
	mops_col = csv_col(c, "mops");
	keys = calloc(n + 1, sizeof(*keys));
	if (!keys) {
		fprintf(stderr, "mapbench: out of memory\n");
		exit(1);
	}
	for (size_t i = 0; i < n; i++) {
		char buf[2048];

		schema_config_key(&grid[i], buf, sizeof(buf));
		keys[i].key = strdup(buf);
		keys[i].idx = i;
		if (!keys[i].key) {
			fprintf(stderr, "mapbench: out of memory\n");
			exit(1);
		}
	}
	qsort(keys, n, sizeof(*keys), cmp_key);
	for (size_t i = 0; i < c->nrows; i++) {
		char buf[2048];
		struct cfg_key k = {buf, 0}, *hit;
		char **row = c->rows[i];
		uint64_t rep, att;

		if (schema_config_key_cells((const char *const *)c->head,
					    (const char *const *)row,
					    (size_t)c->ncols, buf, sizeof(buf)))
			goto mismatch;
		hit = bsearch(&k, keys, n, sizeof(*keys), cmp_key);
		if (!hit ||
		    !num_parse_u64(row[rep_col], 1, 1000, false, &rep) ||
		    !num_parse_u64(row[att_col], 1, 1000, false, &att)) {
			stray++;
			continue;
		}
		sched_record(s, hit->idx, (unsigned)rep, (unsigned)att,
			     row[st_col], strtod(row[mops_col], NULL));
		loaded++;
	}
	if (stray)
		fprintf(stderr,
			"mapbench: --resume: %s: %zu rows match no "
			"configuration of this grid; ignored\n",
			csv, stray);
	for (size_t i = 0; i < n; i++)
		free(keys[i].key);
	free(keys);
	csv_free(c);
	return loaded;
mismatch:
	fprintf(stderr,
		"mapbench: --resume: %s has other columns than this mapbench "
		"writes; choose another --out\n",
		csv);
	exit(2);
}

/* Print the command that finishes this sweep. */
void
outdir_resume_hint(int argc, char **argv)
{
	/* argv[0] as it was run: the line pastes back into a shell. */
	fprintf(stderr, "mapbench: to finish, run:\n  ");
	for (int i = 0; i < argc; i++)
		if (i == 0 || strcmp(argv[i], "--resume")) {
			if (i)
				fputc(' ', stderr);
			fs_print_shell_word(stderr, argv[i]);
		}
	fprintf(stderr, " --resume\n");
}

/*
 * Append one row with a single write, then fsync.  On failure the file
 * is cut back to `good` (its last complete row).  0 or -errno.
 */
int
outdir_append_row(int fd, off_t good, const struct config *c,
		  const struct result *r, bool header)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	int err = 0;

	if (m == NULL)
		return -errno;
	if ((header && schema_csv_header(m)) || schema_csv_row(m, c, r) ||
	    fclose(m)) {
		free(buf);
		return -ENOMEM;
	}
	err = fs_write_all(fd, buf, len);
	if (!err && fsync(fd))
		err = -errno;
	free(buf);
	if (err && ftruncate(fd, good) == 0)
		fsync(fd);
	return err;
}

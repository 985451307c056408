/*
 * The meta.json record of where and how a sweep ran: the machine, the
 * build, the plugins and the grid's identity.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/membarrier.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#ifdef MAPBENCH_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#endif

#include "fsutil.h"
#include "gitinfo.h"
#include "plugin.h"
#include "procmem.h"
#include "schema_write.h"
#include "sysinfo.h"

#ifndef MAPBENCH_URCU_VERSION
#define MAPBENCH_URCU_VERSION "unknown"
#endif
#ifndef MAPBENCH_BUILD_TYPE
#define MAPBENCH_BUILD_TYPE "unknown"
#endif
#ifndef MAPBENCH_CFLAGS
#define MAPBENCH_CFLAGS "unknown"
#endif
#ifndef MAPBENCH_GIT_COMMIT
#define MAPBENCH_GIT_COMMIT ""
#endif
#ifndef MAPBENCH_GIT_DIRTY
#define MAPBENCH_GIT_DIRTY "unknown"
#endif

static void
cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, len, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon) {
			colon += 2;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, len, "%s", colon);
			break;
		}
	}
	fclose(f);
}

static json_t *
membarrier_status(void)
{
	long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0);
	json_t *o = json_object();

	json_object_set_new(o, "available", json_boolean(cmds > 0));
	if (cmds > 0) {
		json_object_set_new(o, "shared",
				    json_boolean(cmds & MEMBARRIER_CMD_SHARED));
		json_object_set_new(
			o, "private_expedited",
			json_boolean(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED));
	} else {
		json_object_set_new(o, "error", json_string(strerror(errno)));
	}
	json_object_set_new(o, "urcu_flavour", json_string("memb"));
	return o;
}

static json_t *
string_list(char *items[], size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(items[i]));
	return a;
}

static json_t *
u64_string(uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return json_string(buf);
}

/* The loaded plugins: path, checksum, size, maps. */
static json_t *
plugins_json(void)
{
	size_t n;
	const struct map_plugin *p = map_plugins(&n);
	json_t *a = json_array();
	char buf[32];

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "path", json_string(p[i].path));
		snprintf(buf, sizeof(buf), "%016llx",
			 (unsigned long long)p[i].checksum);
		json_object_set_new(o, "fnv1a64", json_string(buf));
		json_object_set_new(o, "size", u64_string(p[i].size));
		json_object_set_new(o, "maps", json_integer(p[i].n_maps));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *
sysinfo_grid_identity(const struct config *grid, size_t n)
{
	json_t *j = json_object(), *cols = schema_grid_json(grid, n);

	json_object_set_new(j, "schema", json_integer(SCHEMA_VERSION));
	json_object_update(j, cols);
	json_decref(cols);
	json_object_set_new(j, "impl-lib", plugins_json());
	return j;
}

/* meta.json's "machine": where the sweep ran. */
static json_t *
machine_json(unsigned ncpus)
{
	char buf[1024];
	struct utsname u;
	json_t *j = json_object();

	cpu_model(buf, sizeof(buf));
	json_object_set_new(j, "cpu_model", json_string(buf));
	json_object_set_new(j, "cpus_online",
			    json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(j, "cpus_allowed", json_integer(ncpus));
	if (uname(&u) == 0) {
		json_object_set_new(j, "kernel", json_string(u.release));
		json_object_set_new(j, "arch", json_string(u.machine));
		json_object_set_new(j, "hostname", json_string(u.nodename));
	}
	json_object_set_new(j, "mem_available_bytes",
			    u64_string(procmem_available()));
	json_object_set_new(j, "membarrier", membarrier_status());
	return j;
}

/* meta.json's "build": what was built, captured when it was built. */
static json_t *
build_json(void)
{
	json_t *j = json_object();

	json_object_set_new(j, "compiler", json_string(__VERSION__));
	json_object_set_new(j, "build_type", json_string(MAPBENCH_BUILD_TYPE));
	json_object_set_new(j, "cflags", json_string(MAPBENCH_CFLAGS));
#ifdef NDEBUG
	json_object_set_new(j, "asserts", json_false());
#else
	json_object_set_new(j, "asserts", json_true());
#endif
	json_object_set_new(j, "liburcu", json_string(MAPBENCH_URCU_VERSION));
	json_object_set_new(j, "jansson", json_string(JANSSON_VERSION));
#ifdef MAPBENCH_HAVE_JEMALLOC
	{
		const char *v = NULL;
		size_t len = sizeof(v);

		mallctl("version", &v, &len, NULL, 0);
		json_object_set_new(j, "allocator", json_string("jemalloc"));
		json_object_set_new(j, "jemalloc", json_string(v ? v : "?"));
	}
#else
	json_object_set_new(j, "allocator", json_string("libc (no jemalloc)"));
	json_object_set_new(j, "jemalloc", json_null());
#endif
	/* Captured when the program was built, not read from the tree now. */
	json_object_set_new(j, "git_commit",
			    MAPBENCH_GIT_COMMIT[0]
				    ? json_string(MAPBENCH_GIT_COMMIT)
				    : json_null());
	if (strcmp(MAPBENCH_GIT_DIRTY, "1") == 0)
		json_object_set_new(j, "git_dirty", json_true());
	else if (strcmp(MAPBENCH_GIT_DIRTY, "0") == 0)
		json_object_set_new(j, "git_dirty", json_false());
	else
		json_object_set_new(j, "git_dirty", json_string("unknown"));
	return j;
}

/*
 * Write `meta` (a reference taken) to `path` through a new temporary
 * file renamed over it: 0 or -errno, the temporary file removed.
 */
static int
write_json_file(const char *path, json_t *meta)
{
	char tmp[4096];
	int err, fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	/* A new file: never through a link planted as meta.json.tmp. */
	fd = fs_create_new(tmp);
	errno = 0;
	err = fd < 0 ? -1
		     : json_dumpfd(meta, fd,
				   JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (fd >= 0 && (close(fd) || err))
		err = -1;
	json_decref(meta);
	if (err) {
		err = errno ? -errno : -EIO;
		unlink(tmp);
		return err;
	}
	if (rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
		return err;
	}
	return 0;
}

int
sysinfo_write_meta(const char *path, const struct opts *o,
		   const struct config *grid, size_t n, int argc, char **argv,
		   bool resumed, unsigned ncpus)
{
	char date[64];
	time_t now = time(NULL);
	json_t *meta = NULL, *j, *cmd;

	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S%z", localtime(&now));
	cmd = string_list(argv, (size_t)argc);
	if (resumed) {
		meta = json_load_file(path, 0, NULL);
		if (meta && json_is_object(meta)) {
			json_t *r = json_object_get(meta, "resumed");

			if (!json_is_array(r)) {
				r = json_array();
				json_object_set_new(meta, "resumed", r);
			}
			j = json_object();
			json_object_set_new(j, "date", json_string(date));
			json_object_set_new(j, "command_line", cmd);
			json_array_append_new(r, j);
			return write_json_file(path, meta);
		}
		json_decref(meta);
	}
	meta = json_object();
	json_object_set_new(meta, "tool", json_string("mapbench"));
	json_object_set_new(meta, "schema", json_integer(SCHEMA_VERSION));
	json_object_set_new(meta, "date", json_string(date));
	json_object_set_new(meta, "command_line", cmd);
	/* As a string: a JSON number would round a 64-bit seed. */
	json_object_set_new(meta, "seed", u64_string(o->seed));
	json_object_set_new(meta, "grid", sysinfo_grid_identity(grid, n));
	json_object_set_new(meta, "counters", schema_counters_json(grid, n));
	json_object_set_new(meta, "plugins", plugins_json());
	json_object_set_new(meta, "quick", json_boolean(o->quick));

	json_object_set_new(meta, "machine", machine_json(ncpus));
	json_object_set_new(meta, "build", build_json());
	return write_json_file(path, meta);
}

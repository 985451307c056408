/*
 * gnuplot: the one place mapbench starts gnuplot (plot, compare --plot,
 * timeline).  An argument vector, never a shell; data reach gnuplot in
 * files or as -e assignments the caller has made safe.
 */
#ifndef MAPBENCH_GNUPLOT_H
#define MAPBENCH_GNUPLOT_H

/*
 * Run `gnuplot -e VARS SCRIPT` (`gnuplot SCRIPT` when vars is NULL;
 * `gnuplot --version` when script is NULL too) in directory cwd (NULL:
 * the current one), stdin from /dev/null, stdout and stderr to logfd
 * (-1: inherited).  Returns gnuplot's exit status, 127 when it cannot be
 * started (errno says why: ENOENT, not installed), or -1.
 */
int gnuplot_run(const char *cwd, const char *vars, const char *script,
		int logfd);

/* Is gnuplot installed and runnable? */
int gnuplot_available(void);

#endif /* MAPBENCH_GNUPLOT_H */

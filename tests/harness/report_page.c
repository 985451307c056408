/*
 * report_page SWEEP_DIR PLOT_DIR: write PLOT_DIR/index.html with
 * report_write_sweep() (the page `mapbench plot` writes), for the tests.
 */
#include <stdio.h>

#include "report.h"

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: report_page SWEEP_DIR PLOT_DIR\n");
		return 2;
	}
	return report_write_sweep(argv[1], argv[2], stderr);
}

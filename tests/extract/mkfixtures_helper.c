// SPDX-License-Identifier: GPL-2.0
/* mkfixtures_helper DIR: write the extraction test files into DIR (the fuzz seed corpus). */
#include <stdio.h>
#include <sys/stat.h>

#include "extract/fixtures.h"

int main(int argc, char **argv)
{
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: mkfixtures_helper DIR\n");
		return 2;
	}
	mkdir(argv[1], 0755);
	rc = fx_make_all(argv[1]);
	if (rc) {
		fprintf(stderr, "mkfixtures_helper: cannot write the files into %s: %s\n", argv[1],
			strerror(-rc));
		return 1;
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* pdfbomb_helper OUT MIB: write the PDF inflation bomb (tests/extract/pdfbomb.h). */
#include <stdio.h>
#include <stdlib.h>

#include "extract/pdfbomb.h"

int main(int argc, char **argv)
{
	long mib = argc == 3 ? strtol(argv[2], NULL, 10) : 0;

	if (mib < 1 || mib > 4096) {
		fprintf(stderr, "Usage: pdfbomb_helper OUT MIB (1-4096)\n");
		return 2;
	}
	if (fx_pdf_bomb(argv[1], mib)) {
		fprintf(stderr, "pdfbomb_helper: cannot write %s\n", argv[1]);
		return 1;
	}
	return 0;
}

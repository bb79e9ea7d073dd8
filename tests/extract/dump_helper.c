// SPDX-License-Identifier: GPL-2.0
/*
 * dump_helper FILE...: print what extraction gives for each file: the text on stdout, then a
 * result line "# mime kind status bytes text_bytes error" on stderr. For debugging and for
 * measuring (PDG_DUMP_QUIET=1 drops the text).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract/extract.h"

static int print_sink(void *ctx, const char *text, size_t len)
{
	if (!ctx)
		fwrite(text, 1, len, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	void *quiet = getenv("PDG_DUMP_QUIET") ? (void *)1 : NULL;
	struct extract_result res;
	int i, fd, rc, ret = 0;

	for (i = 1; i < argc; i++) {
		fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "dump_helper: cannot open %s: %s\n", argv[i], strerror(errno));
			ret = 1;
			continue;
		}
		rc = extract_fd(fd, NULL, print_sink, quiet, &res);
		close(fd);
		fflush(stdout);
		fprintf(stderr, "# %s: rc=%d mime=%s kind=%s status=%d bytes=%llu text=%llu error=%s\n",
			argv[i], rc, res.mime, res.kind, res.status, (unsigned long long)res.bytes,
			(unsigned long long)res.text_bytes, res.error);
	}
	return ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for text extraction: the input is a file's content. Checks the contract's
 * promises besides not crashing: every chunk is valid UTF-8 on its own, the text limit holds,
 * and the result's status and strings are sane.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "extract/extract.h"
#include "lib/utf8.h"

struct fuzz_sink {
	uint64_t total;
};

static int fuzz_sink(void *ctx, const char *text, size_t len)
{
	struct fuzz_sink *s = ctx;

	if (utf8_valid_len((const uint8_t *)text, len) != len)
		abort();
	s->total += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* small limits: a fuzzer's input is small, and every iteration must stay fast */
	struct extract_limits lim = {
		.max_file_bytes = 1 << 20,
		.max_text_bytes = 1 << 20,
		.max_member_bytes = 4 << 20,
		.max_entries = 200,
		.max_depth = 4,
		.max_ratio = 100,
		.max_ms = 2000,
	};
	static int fd = -1;
	struct extract_result res;
	struct fuzz_sink s = { 0 };

	if (fd < 0)
		fd = memfd_create("extract-fuzz", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	if (extract_fd(fd, &lim, fuzz_sink, &s, &res))
		abort();
	if (res.status < EXTRACT_OK || res.status > EXTRACT_CANCELLED || s.total != res.text_bytes ||
	    res.text_bytes > lim.max_text_bytes || res.bytes != size ||
	    !memchr(res.mime, 0, sizeof(res.mime)) || !memchr(res.kind, 0, sizeof(res.kind)) ||
	    !memchr(res.error, 0, sizeof(res.error)) ||
	    (res.status != EXTRACT_OK && res.status != EXTRACT_STOPPED && !res.error[0]))
		abort();
	return 0;
}

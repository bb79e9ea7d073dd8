/* SPDX-License-Identifier: GPL-2.0 */
/* What the extraction tests share: a sink that collects text, and a temporary directory. */
#ifndef PDGUARD_TEST_EXTRACT_H
#define PDGUARD_TEST_EXTRACT_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract/extract.h"
#include "extract/sink.h"
#include "lib/utf8.h"

struct collect {
	char *buf;
	size_t len;
	size_t cap;
	size_t max_chunk;
	int calls;
	int stop_after;		/* return 1 on this call */
	int fail_with;		/* return this -errno on the first call */
	unsigned int sleep_ms;	/* per call */
	bool bad_utf8;		/* a chunk was not valid UTF-8 on its own */
	size_t keep_max;	/* text kept, 0 for 256 MiB; the rest is only counted */
	size_t total;		/* bytes received */
};

/* Keeps the text up to keep_max: enough for any test, bounded for the hostile ones. */
static inline int collect_sink(void *ctx, const char *text, size_t len)
{
	struct collect *c = ctx;

	size_t keep_max = c->keep_max ? c->keep_max : 256u << 20;

	c->calls++;
	c->total += len;
	if (utf8_valid_len((const uint8_t *)text, len) != len)
		c->bad_utf8 = true;
	if (len > c->max_chunk)
		c->max_chunk = len;
	if (c->len < keep_max) {
		size_t k = len < keep_max - c->len ? len : keep_max - c->len;

		if (c->len + k + 1 > c->cap) {
			size_t cap = (c->len + k + 1) * 2;
			char *b = realloc(c->buf, cap);

			if (!b)
				return -ENOMEM;
			c->buf = b;
			c->cap = cap;
		}
		memcpy(c->buf + c->len, text, k);
		c->len += k;
		c->buf[c->len] = '\0';
	}
	if (c->sleep_ms)
		usleep(c->sleep_ms * 1000);
	if (c->fail_with)
		return c->fail_with;
	if (c->stop_after && c->calls >= c->stop_after)
		return 1;
	return 0;
}

static inline const char *collected(const struct collect *c)
{
	return c->buf ? c->buf : "";
}

static inline void collect_free(struct collect *c)
{
	free(c->buf);
	memset(c, 0, sizeof(*c));
}

/* Extract @path into @c. Return: what extract_fd() returns, or -errno from open(). */
static inline int extract_path(const char *path, const struct extract_limits *lim,
			       struct collect *c, struct extract_result *res)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	rc = extract_fd(fd, lim, collect_sink, c, res);
	close(fd);
	return rc;
}

static inline int count_of(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static inline bool starts_with(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Remove a flat directory of test files. */
static inline void rm_dir(const char *dir)
{
	char path[4096];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

#endif /* PDGUARD_TEST_EXTRACT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Small additions to kselftest_harness.h shared by pdguard's tests. */
#ifndef PDGUARD_TEST_H
#define PDGUARD_TEST_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"

/*
 * Path of @rel inside the build directory (e.g. "pdguard", "pdguard.ko"), found from this test
 * program's own location build/tests/<area>/<name>, so tests run from any directory.
 */
static inline int pdg_build_path(char *buf, size_t len, const char *rel)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *s;

	if (n < 0)
		return -1;
	exe[n] = '\0';
	s = strstr(exe, "/tests/");
	if (!s)
		return -1;
	*s = '\0';
	return snprintf(buf, len, "%s/%s", exe, rel) < (int)len ? 0 : -1;
}

/* A fixed-seed xorshift generator: random test inputs that are the same on every run. */
static inline uint64_t pdg_rand(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

/* system() for tests: the exit status, or -1 when the command did not run. */
static inline int pdg_system(const char *cmd)
{
	int st = system(cmd);

	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* pdg_system() of a formatted command. */
static inline int pdg_system_f(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int pdg_system_f(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return pdg_system(cmd);
}

/*
 * A new file /tmp/pdg-TAG-XXXXXX holding @text; its name into @path (at least 64 bytes: the
 * caller unlinks it). Return: 0 or -errno.
 */
static inline int pdg_write_tmp(char *path, const char *tag, const char *text)
{
	size_t n = strlen(text);
	int fd;

	snprintf(path, 64, "/tmp/pdg-%s-XXXXXX", tag);
	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	if (write(fd, text, n) != (ssize_t)n) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

/* Lines of the file @path that contain @needle; -1 when it cannot be read. */
static inline int pdg_count_lines(const char *path, const char *needle)
{
	char line[8192];
	int n = 0;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

/*
 * Debian 6.1's harness still runs a test body after FIXTURE_SETUP called SKIP() (newer harnesses
 * return early). Start every TEST_F whose setup may skip with this.
 */
#define RETURN_IF_SETUP_SKIPPED()		\
	do {					\
		if (_metadata->skip)		\
			return;			\
	} while (0)

#endif /* PDGUARD_TEST_H */

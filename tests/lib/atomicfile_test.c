// SPDX-License-Identifier: GPL-2.0
/*
 * Whole files or nothing: a replaced file is the new one, and a temporary someone left under
 * our name (a file or a hard link to another file, in a directory others may write, such as
 * node-exporter's textfile directory) is neither truncated nor published.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pdg_test.h"
#include "lib/atomicfile.h"

FIXTURE(af) {
	char dir[64];
	char path[128];
	char tmp[160];
	char victim[128];
};

FIXTURE_SETUP(af)
{
	strcpy(self->dir, "/tmp/pdg-atomicfile-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/pdguard.prom", self->dir);
	snprintf(self->tmp, sizeof(self->tmp), "%s.tmp.%d", self->path, (int)getpid());
	snprintf(self->victim, sizeof(self->victim), "%s/victim", self->dir);
}

FIXTURE_TEARDOWN(af)
{
	pdg_system_f("rm -rf '%s'", self->dir);
}

static int put(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

static int slurp(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return -errno;
	n = fread(buf, 1, len - 1, f);
	buf[n] = '\0';
	fclose(f);
	return 0;
}

TEST_F(af, replaces_the_file_whole)
{
	struct atomic_file a;
	char buf[64];
	struct stat st;

	ASSERT_EQ(0, put(self->path, "old\n"));
	ASSERT_EQ(0, atomic_file_open(&a, self->path, 0644));
	fputs("new\n", a.f);
	ASSERT_EQ(0, atomic_file_commit(&a));
	ASSERT_EQ(0, slurp(self->path, buf, sizeof(buf)));
	EXPECT_STREQ("new\n", buf);
	EXPECT_EQ(-1, stat(self->tmp, &st));
}

TEST_F(af, the_volatile_commit_replaces_it_too)
{
	struct atomic_file a;
	char buf[64];
	struct stat st;

	ASSERT_EQ(0, put(self->path, "old\n"));
	ASSERT_EQ(0, atomic_file_open(&a, self->path, 0600));
	fputs("counters\n", a.f);
	ASSERT_EQ(0, atomic_file_commit_volatile(&a));
	ASSERT_EQ(0, slurp(self->path, buf, sizeof(buf)));
	EXPECT_STREQ("counters\n", buf);
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600, st.st_mode & 07777);
	EXPECT_EQ(-1, stat(self->tmp, &st));
}

TEST_F(af, a_hard_link_left_under_our_name_is_not_truncated)
{
	struct atomic_file a;
	char buf[64];

	ASSERT_EQ(0, put(self->victim, "precious\n"));
	ASSERT_EQ(0, link(self->victim, self->tmp));
	ASSERT_EQ(0, atomic_file_open(&a, self->path, 0644));
	fputs("metrics\n", a.f);
	ASSERT_EQ(0, atomic_file_commit(&a));
	ASSERT_EQ(0, slurp(self->victim, buf, sizeof(buf)));
	EXPECT_STREQ("precious\n", buf);
	ASSERT_EQ(0, slurp(self->path, buf, sizeof(buf)));
	EXPECT_STREQ("metrics\n", buf);
}

TEST_F(af, a_symlink_left_under_our_name_is_not_followed)
{
	struct atomic_file a;
	char buf[64];

	ASSERT_EQ(0, put(self->victim, "precious\n"));
	ASSERT_EQ(0, symlink(self->victim, self->tmp));
	ASSERT_EQ(0, atomic_file_open(&a, self->path, 0600));
	fputs("x\n", a.f);
	ASSERT_EQ(0, atomic_file_commit(&a));
	ASSERT_EQ(0, slurp(self->victim, buf, sizeof(buf)));
	EXPECT_STREQ("precious\n", buf);
}

TEST_HARNESS_MAIN

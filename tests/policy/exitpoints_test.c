// SPDX-License-Identifier: GPL-2.0
/*
 * Exit-point packages resolved to executables, against a fake dpkg database: an ELF program of
 * the package's file list counts; a script, a shared library, a directory, a missing file and a
 * non-executable file do not; NAME:ARCH.list is read too; a package with no list is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy/config.h"
#include "pdg_test.h"
#include "policy/exitpoints.h"

FIXTURE(ep) {
	char dir[64];
	char info[128];
};

static void put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, mode);
}

static bool has(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

FIXTURE_SETUP(ep)
{
	char cmd[512], list[2048], p[256];

	strcpy(self->dir, "/tmp/pdg-exitpoints-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->info, sizeof(self->info), "%s/info", self->dir);
	ASSERT_EQ(0, mkdir(self->info, 0755));
	/* the package's files: a real ELF program (a copy of /usr/bin/true), a script, a library, a
	 * plain data file, a directory */
	snprintf(cmd, sizeof(cmd), "cp \"$(readlink -f /usr/bin/true)\" %s/messenger && "
		 "cp %s/messenger %s/libmsg.so.1 && cp %s/messenger %s/data.bin && "
		 "chmod 644 %s/data.bin && mkdir %s/share",
		 self->dir, self->dir, self->dir, self->dir, self->dir, self->dir, self->dir);
	ASSERT_EQ(0, pdg_system(cmd));
	snprintf(p, sizeof(p), "%s/messenger-wrapper", self->dir);
	put(p, "#!/bin/sh\nexec messenger \"$@\"\n", 0755);
	snprintf(list, sizeof(list), "/.\n%s/messenger\n%s/messenger-wrapper\n%s/libmsg.so.1\n"
		 "%s/data.bin\n%s/share\n%s/gone\n", self->dir, self->dir, self->dir, self->dir,
		 self->dir, self->dir);
	snprintf(p, sizeof(p), "%s/msgr.list", self->info);
	put(p, list, 0644);
	/* a package installed for one architecture: NAME:ARCH.list */
	snprintf(cmd, sizeof(cmd), "cp %s/messenger %s/mailer", self->dir, self->dir);
	ASSERT_EQ(0, pdg_system(cmd));
	snprintf(list, sizeof(list), "%s/mailer\n", self->dir);
	snprintf(p, sizeof(p), "%s/mail:amd64.list", self->info);
	put(p, list, 0644);
	/* a package whose name starts like another's: its list is not read for it */
	snprintf(list, sizeof(list), "%s/messenger\n", self->dir);
	snprintf(p, sizeof(p), "%s/mail-extra.list", self->info);
	put(p, list, 0644);
}

FIXTURE_TEARDOWN(ep)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	pdg_system(cmd);
}

TEST_F(ep, packages_give_their_elf_programs)
{
	struct strlist out = { 0 }, missing = { 0 };
	struct config cfg;
	char p[256];

	config_defaults(&cfg);
	ASSERT_EQ(0, strlist_add(&cfg.exit_exes, "/opt/custom/app"));
	ASSERT_EQ(0, strlist_add(&cfg.exit_packages, "msgr"));
	ASSERT_EQ(0, strlist_add(&cfg.exit_packages, "mail"));
	ASSERT_EQ(0, strlist_add(&cfg.exit_packages, "not-installed"));
	ASSERT_EQ(0, exitpoints_resolve(&cfg, self->info, &out, &missing));
	/* the exe as written, the ELF program of msgr, the one of mail:amd64 */
	EXPECT_EQ(3, out.n);
	EXPECT_TRUE(has(&out, "/opt/custom/app"));
	snprintf(p, sizeof(p), "%s/messenger", self->dir);
	EXPECT_TRUE(has(&out, p));
	snprintf(p, sizeof(p), "%s/mailer", self->dir);
	EXPECT_TRUE(has(&out, p));
	snprintf(p, sizeof(p), "%s/messenger-wrapper", self->dir);
	EXPECT_FALSE(has(&out, p));
	snprintf(p, sizeof(p), "%s/libmsg.so.1", self->dir);
	EXPECT_FALSE(has(&out, p));
	snprintf(p, sizeof(p), "%s/data.bin", self->dir);
	EXPECT_FALSE(has(&out, p));
	ASSERT_EQ(1, missing.n);
	EXPECT_STREQ("not-installed", missing.v[0]);
	strlist_free(&out);
	strlist_free(&missing);
	config_free(&cfg);
}

TEST(real_dpkg_database_gives_coreutils_cat)
{
	struct strlist out = { 0 };
	struct config cfg;

	if (access("/var/lib/dpkg/info/coreutils.list", R_OK))
		SKIP(return, "no dpkg database here");
	config_defaults(&cfg);
	ASSERT_EQ(0, strlist_add(&cfg.exit_packages, "coreutils"));
	ASSERT_EQ(0, exitpoints_resolve(&cfg, EXITPOINTS_DPKG_INFO, &out, NULL));
	EXPECT_TRUE(has(&out, "/usr/bin/cat") || has(&out, "/bin/cat"));
	strlist_free(&out);
	config_free(&cfg);
}

TEST_HARNESS_MAIN

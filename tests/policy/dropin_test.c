// SPDX-License-Identifier: GPL-2.0
/*
 * Policy drop-ins (FILE.d/NAME.conf): read after the policy in byte order, the last single value
 * wins, repeatable keys add up and an empty value empties them, errors name the drop-in and its
 * line, unsafe drop-ins are refused, and `config dump --origins` names every value's file:line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "policy/config.h"
#include "pdg_test.h"

static int put(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

FIXTURE(dropin) {
	char dir[64];		/* holds policy.conf and policy.conf.d/ */
	char conf[128];
	char dropins[128];
	struct config cfg;
	struct config_errors errs;
};

FIXTURE_SETUP(dropin)
{
	strcpy(self->dir, "/tmp/pdg-dropin-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->conf, sizeof(self->conf), "%s/policy.conf", self->dir);
	snprintf(self->dropins, sizeof(self->dropins), "%s/policy.conf.d", self->dir);
	ASSERT_EQ(0, put(self->dir, "policy.conf",
			 "[agent]\nmode = audit\nscan = /srv/a\nscan = /srv/b\nlog_keep = 5\n"
			 "[zone cloud]\npath = ~/Dropbox\n"
			 "[role hr]\ngroup = hr\nread = basic personnel\n"));
	ASSERT_EQ(0, mkdir(self->dropins, 0755));
	memset(&self->cfg, 0, sizeof(self->cfg));
	memset(&self->errs, 0, sizeof(self->errs));
}

FIXTURE_TEARDOWN(dropin)
{
	char cmd[128];

	config_errors_free(&self->errs);
	config_free(&self->cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	pdg_system(cmd);
}

TEST_F(dropin, no_directory_is_no_dropins)
{
	ASSERT_EQ(0, rmdir(self->dropins));
	ASSERT_EQ(0, config_load(self->conf, &self->cfg, &self->errs));
	EXPECT_EQ(1, self->cfg.files.n);
	EXPECT_EQ(2, self->cfg.scan.n);
}

TEST_F(dropin, read_in_byte_order_last_value_wins)
{
	/* "B" sorts before "a" in the C locale whatever LANG says; 20 after 10 */
	ASSERT_EQ(0, put(self->dropins, "20-late.conf", "[agent]\nmode = audit\nlog_keep = 9\n"));
	ASSERT_EQ(0, put(self->dropins, "10-early.conf", "[agent]\nmode = enforce\nlog_keep = 7\n"));
	ASSERT_EQ(0, put(self->dropins, "a-last.conf", "[agent]\nmode = enforce\n"));
	ASSERT_EQ(0, put(self->dropins, "B-first.conf", "[agent]\nlog_keep = 3\n"));
	ASSERT_EQ(0, config_load(self->conf, &self->cfg, &self->errs));
	ASSERT_EQ(5, self->cfg.files.n);
	EXPECT_STREQ(self->conf, self->cfg.files.v[0]);
	EXPECT_NE(NULL, strstr(self->cfg.files.v[1], "/10-early.conf"));
	EXPECT_NE(NULL, strstr(self->cfg.files.v[2], "/20-late.conf"));
	EXPECT_NE(NULL, strstr(self->cfg.files.v[3], "/B-first.conf"));
	EXPECT_NE(NULL, strstr(self->cfg.files.v[4], "/a-last.conf"));
	EXPECT_EQ(PDGUARD_MODE_ENFORCE, self->cfg.mode);	/* a-last.conf */
	EXPECT_EQ(3, self->cfg.log_keep);			/* B-first.conf, after 20-late */
}

TEST_F(dropin, only_conf_files_are_read)
{
	ASSERT_EQ(0, put(self->dropins, "10-x.conf.dpkg-old", "[agent]\nmode = enforce\n"));
	ASSERT_EQ(0, put(self->dropins, "10-x.conf~", "[agent]\nmode = enforce\n"));
	ASSERT_EQ(0, put(self->dropins, ".10-x.conf.swp", "[agent]\nmode = enforce\n"));
	ASSERT_EQ(0, put(self->dropins, ".hidden.conf", "[agent]\nmode = enforce\n"));
	ASSERT_EQ(0, put(self->dropins, "README", "not a policy\n"));
	ASSERT_EQ(0, config_load(self->conf, &self->cfg, &self->errs));
	EXPECT_EQ(1, self->cfg.files.n);
	EXPECT_EQ(PDGUARD_MODE_AUDIT, self->cfg.mode);
}

TEST_F(dropin, lists_add_up_and_an_empty_value_resets)
{
	ASSERT_EQ(0, put(self->dropins, "10-add.conf",
			 "[agent]\nscan = /srv/c\n[zone cloud]\npath = ~/MEGA\n"
			 "[role hr]\ngroup = hr-kz\nread = financial\n"));
	ASSERT_EQ(0, put(self->dropins, "20-reset.conf",
			 "[agent]\nscan =\nscan = /srv/only\n[zone cloud]\npath =\n"
			 "[role hr]\nread =\nread = basic\n"
			 "[role auditors]\ngroup = audit\nread = all\n"));
	ASSERT_EQ(0, config_load(self->conf, &self->cfg, &self->errs));
	ASSERT_EQ(1, self->cfg.scan.n);
	EXPECT_STREQ("/srv/only", self->cfg.scan.v[0]);
	EXPECT_EQ(0, self->cfg.cloud_paths.n);
	ASSERT_EQ(2, self->cfg.nroles);
	ASSERT_EQ(2, self->cfg.roles[0].groups.n);		/* the policy's and 10-add's */
	EXPECT_STREQ("hr-kz", self->cfg.roles[0].groups.v[1]);
	EXPECT_EQ(PDGUARD_CAT_BASIC, self->cfg.roles[0].read);	/* reset, then basic */
	EXPECT_STREQ("auditors", self->cfg.roles[1].name);	/* a new section */
	EXPECT_EQ(PDGUARD_CAT_ALL, self->cfg.roles[1].read);
}

TEST_F(dropin, errors_name_the_dropin_and_its_line)
{
	char bad[PATH_MAX];

	ASSERT_EQ(0, put(self->dropins, "10-good.conf", "[agent]\nmode = enforce\n"));
	ASSERT_EQ(0, put(self->dropins, "20-bad.conf",
			 "; tuning\n[agent]\nlog_keep = 0\n[role hr]\nread = salary\n"));
	ASSERT_EQ(0, put(self->dropins, "30-nosection.conf", "mode = audit\n"));
	EXPECT_EQ(-EINVAL, config_load(self->conf, &self->cfg, &self->errs));
	ASSERT_EQ(3, self->errs.n);
	snprintf(bad, sizeof(bad), "%s/20-bad.conf", self->dropins);
	EXPECT_STREQ(bad, self->errs.v[0].file);
	EXPECT_EQ(3, self->errs.v[0].line);
	EXPECT_STREQ("log_keep = 0: a number of files from 1 to 1000 is allowed",
		     self->errs.v[0].msg);
	EXPECT_STREQ(bad, self->errs.v[1].file);
	EXPECT_EQ(5, self->errs.v[1].line);
	snprintf(bad, sizeof(bad), "%s/30-nosection.conf", self->dropins);
	EXPECT_STREQ(bad, self->errs.v[2].file);
	EXPECT_EQ(1, self->errs.v[2].line);
	EXPECT_STREQ("'mode' is outside any section: put it under [agent]", self->errs.v[2].msg);
}

TEST_F(dropin, unsafe_dropins_are_refused)
{
	char path[PATH_MAX];

	ASSERT_EQ(0, put(self->dropins, "10-open.conf", "[agent]\nmode = enforce\n"));
	snprintf(path, sizeof(path), "%s/10-open.conf", self->dropins);
	ASSERT_EQ(0, chmod(path, 0666));
	EXPECT_EQ(-EINVAL, config_load(self->conf, &self->cfg, &self->errs));
	ASSERT_EQ(1, self->errs.n);
	EXPECT_STREQ("the file is writable by every user: a drop-in must be writable only by root "
		     "(chmod o-w)", self->errs.v[0].msg);
	EXPECT_EQ(PDGUARD_MODE_AUDIT, self->cfg.mode);		/* not read */
	config_errors_free(&self->errs);
	config_free(&self->cfg);

	ASSERT_EQ(0, chmod(path, 0644));
	ASSERT_EQ(0, chmod(self->dropins, 0777));
	EXPECT_EQ(-EINVAL, config_load(self->conf, &self->cfg, &self->errs));
	ASSERT_EQ(1, self->errs.n);
	EXPECT_STREQ(self->dropins, self->errs.v[0].file);
	EXPECT_STREQ("the directory is writable by every user: a drop-in must be writable only by "
		     "root (chmod o-w)", self->errs.v[0].msg);
	config_errors_free(&self->errs);
	config_free(&self->cfg);

	/* group-writable (only root's group may) and another user's: needs root to set up */
	ASSERT_EQ(0, chmod(self->dropins, 0755));
	if (geteuid())
		goto not_root;
	ASSERT_EQ(0, chown(path, 0, 100));
	ASSERT_EQ(0, chmod(path, 0664));
	EXPECT_EQ(-EINVAL, config_load(self->conf, &self->cfg, &self->errs));
	ASSERT_EQ(1, self->errs.n);
	EXPECT_STREQ("the file is writable by group 100: a drop-in must be writable only by root "
		     "(chmod g-w)", self->errs.v[0].msg);
	config_errors_free(&self->errs);
	config_free(&self->cfg);
	ASSERT_EQ(0, chmod(path, 0644));
	ASSERT_EQ(0, chown(path, 65534, 0));
	EXPECT_EQ(-EINVAL, config_load(self->conf, &self->cfg, &self->errs));
	ASSERT_EQ(1, self->errs.n);
	EXPECT_STREQ("the file belongs to uid 65534: a drop-in must belong to root",
		     self->errs.v[0].msg);
	config_errors_free(&self->errs);
	config_free(&self->cfg);
	ASSERT_EQ(0, chown(path, 0, 0));
	ASSERT_EQ(0, config_load(self->conf, &self->cfg, &self->errs));
	config_free(&self->cfg);
not_root:

	/* a directory named like a drop-in, and FILE.d that is not a directory */
	ASSERT_EQ(0, chmod(self->dropins, 0755));
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, mkdir(path, 0755));
	EXPECT_EQ(-EINVAL, config_load(self->conf, &self->cfg, &self->errs));
	ASSERT_EQ(1, self->errs.n);
	EXPECT_STREQ("not a regular file: a drop-in is a policy file named *.conf",
		     self->errs.v[0].msg);
	config_errors_free(&self->errs);
	config_free(&self->cfg);
	ASSERT_EQ(0, rmdir(path));
	ASSERT_EQ(0, rmdir(self->dropins));
	ASSERT_EQ(0, put(self->dir, "policy.conf.d", "x\n"));
	EXPECT_EQ(-EINVAL, config_load(self->conf, &self->cfg, &self->errs));
	ASSERT_EQ(1, self->errs.n);
	EXPECT_STREQ("cannot read the drop-in directory: Not a directory (FILE.d must be a "
		     "directory of *.conf files)", self->errs.v[0].msg);
}

TEST_F(dropin, rules_layers_and_their_reset)
{
	/* the first rules line replaces the built-in default; more lines add layers */
	ASSERT_EQ(0, put(self->dropins, "10-rules.conf",
			 "[agent]\nrules = /usr/share/pdguard/rules.d\nrules = /etc/pdguard/rules.d\n"));
	ASSERT_EQ(0, config_load(self->conf, &self->cfg, &self->errs));
	ASSERT_EQ(2, self->cfg.rules.n);
	EXPECT_STREQ("/usr/share/pdguard/rules.d", self->cfg.rules.v[0]);
	EXPECT_STREQ("/etc/pdguard/rules.d", self->cfg.rules.v[1]);
	config_free(&self->cfg);

	ASSERT_EQ(0, put(self->dropins, "20-one.conf", "[agent]\nrules =\nrules = /srv/rules\n"));
	ASSERT_EQ(0, config_load(self->conf, &self->cfg, &self->errs));
	ASSERT_EQ(1, self->cfg.rules.n);
	EXPECT_STREQ("/srv/rules", self->cfg.rules.v[0]);
	config_free(&self->cfg);

	ASSERT_EQ(0, put(self->dropins, "30-none.conf", "[agent]\n\nrules =\n"));
	EXPECT_EQ(-EINVAL, config_load(self->conf, &self->cfg, &self->errs));
	ASSERT_EQ(1, self->errs.n);
	EXPECT_EQ(3, self->errs.v[0].line);
	EXPECT_NE(NULL, strstr(self->errs.v[0].file, "/30-none.conf"));
	EXPECT_STREQ("rules = (empty) and no rules = DIR after it: name at least one rules "
		     "directory", self->errs.v[0].msg);
}

TEST_F(dropin, origins_name_file_and_line)
{
	char want[PATH_MAX + 16];

	ASSERT_EQ(0, put(self->dropins, "10-x.conf", "[agent]\n\nmode = enforce\n"
			 "[role hr]\nread = financial\n"));
	ASSERT_EQ(0, config_load(self->conf, &self->cfg, &self->errs));
	snprintf(want, sizeof(want), "%s/10-x.conf:3", self->dropins);
	EXPECT_STREQ(want, config_origin(&self->cfg, "agent.mode"));
	snprintf(want, sizeof(want), "%s:5", self->conf);
	EXPECT_STREQ(want, config_origin(&self->cfg, "agent.log_keep"));
	EXPECT_EQ(NULL, config_origin(&self->cfg, "agent.driver"));	/* the default */
	/* read adds up: both lines are named */
	snprintf(want, sizeof(want), "%s:10 %s/10-x.conf:5", self->conf, self->dropins);
	EXPECT_STREQ(want, config_origin(&self->cfg, "role hr.read"));
	snprintf(want, sizeof(want), "%s:4", self->conf);
	EXPECT_STREQ(want, self->cfg.scan.from[1]);
}

/* `config dump` loads back as the same policy, with or without --origins */
TEST_F(dropin, dump_cli)
{
	char pd[PATH_MAX];

	ASSERT_EQ(0, pdg_build_path(pd, sizeof(pd), "pdguard"));
	ASSERT_EQ(0, put(self->dropins, "10-x.conf",
			 "[agent]\nmode = enforce\nscan =\nscan = /srv/z\n[role hr]\nuser = ann\n"));
	EXPECT_EQ(0, pdg_system_f("cd '%s' && '%s' config dump policy.conf >plain.out && "
				  "'%s' config dump --origins policy.conf >origins.out",
				  self->dir, pd, pd));
	/* the drop-in's lines are named; defaults say so */
	EXPECT_EQ(0, pdg_system_f("cd '%s' && grep -qx 'mode = enforce ; policy.conf.d/10-x.conf:2' "
				  "origins.out && grep -qx 'scan = /srv/z ; policy.conf.d/10-x.conf:4' "
				  "origins.out && grep -qx 'user = ann ; policy.conf.d/10-x.conf:6' "
				  "origins.out && grep -qx 'driver = auto ; default' origins.out && "
				  "grep -qx ';   policy.conf.d/10-x.conf' origins.out && "
				  "! grep -q '/srv/a' origins.out", self->dir));
	/* both dumps load back (no drop-ins beside them) as the same effective policy */
	EXPECT_EQ(0, pdg_system_f("cd '%s' && '%s' config dump origins.out >again.out && "
				  "cmp -s plain.out again.out && ! grep -q ';' plain.out",
				  self->dir, pd));
	EXPECT_EQ(0, pdg_system_f("cd '%s' && '%s' config check policy.conf | "
				  "grep -qx '  drop-in policy.conf.d/10-x.conf'", self->dir, pd));
	EXPECT_EQ(64, pdg_system_f("'%s' config dump --bogus '%s' 2>/dev/null", pd, self->conf));
}

TEST_F(dropin, mode_cli_names_the_dropin_that_sets_the_mode)
{
	char pd[PATH_MAX];

	ASSERT_EQ(0, pdg_build_path(pd, sizeof(pd), "pdguard"));
	ASSERT_EQ(0, put(self->dropins, "50-mode.conf", "[agent]\nmode = enforce\n"));
	EXPECT_EQ(0, pdg_system_f("'%s' mode audit --config '%s' 2>&1 | grep -q 'the mode is set "
				  "by the drop-in %s/50-mode.conf:2, read after %s: change it there'",
				  pd, self->conf, self->dropins, self->conf));
	EXPECT_EQ(0, pdg_system_f("grep -qx 'mode = audit' '%s'", self->conf));	/* untouched */
	EXPECT_EQ(0, pdg_system_f("'%s' mode enforce --config '%s' >/dev/null", pd, self->conf));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * config_set_mode(): the policy's mode line is rewritten and nothing else; a policy with errors,
 * or one the change would break, is left exactly as it was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "policy/modefile.h"
#include "pdg_test.h"

#define HEAD "; pdguard policy\n"

static const struct {
	const char *name;
	const char *before;
	int mode;
	int ret;
	const char *after;	/* NULL: unchanged */
	const char *err;	/* part of the message, for failures */
} cases[] = {
	{ "value and inline comment", HEAD "[agent]\nmode = audit   ; rollout first\nlog = /x/e\n",
	  PDGUARD_MODE_ENFORCE, 0,
	  HEAD "[agent]\nmode = enforce   ; rollout first\nlog = /x/e\n", NULL },
	{ "no spaces", "[agent]\nmode=enforce\n", PDGUARD_MODE_AUDIT, 0, "[agent]\nmode=audit\n",
	  NULL },
	{ "no mode line: added to [agent]", "[agent]\nlog = /x/e\n[zone usb]\nremovable = no\n",
	  PDGUARD_MODE_ENFORCE, 0,
	  "[agent]\nlog = /x/e\nmode = enforce\n[zone usb]\nremovable = no\n", NULL },
	{ "no [agent] section: added", "[zone usb]\nremovable = no\n", PDGUARD_MODE_ENFORCE, 0,
	  "[zone usb]\nremovable = no\n\n[agent]\nmode = enforce\n", NULL },
	{ "the sections after [agent] are kept", "[agent]\nmode = audit\n[zone usb]\n"
	  "removable = no\n", PDGUARD_MODE_ENFORCE, 0,
	  "[agent]\nmode = enforce\n[zone usb]\nremovable = no\n", NULL },
	{ "repeated mode lines: one is left", "[agent]\nmode = audit\nmode = audit\n",
	  PDGUARD_MODE_ENFORCE, 0, "[agent]\nmode = enforce\n", NULL },
	{ "last line without a newline", "[agent]\nmode = audit", PDGUARD_MODE_ENFORCE, 0,
	  "[agent]\nmode = enforce\n", NULL },
	{ "same mode: unchanged", "[agent]\nmode = audit ; x\n", PDGUARD_MODE_AUDIT, 0,
	  "[agent]\nmode = audit ; x\n", NULL },
	{ "a broken policy is refused and kept", "[agent]\nmode = audit\ndriver = turbo\n",
	  PDGUARD_MODE_ENFORCE, -EINVAL, NULL, ":3: driver = turbo" },
	{ "an unknown mode value is refused", "[agent]\nmode = sometimes\n", PDGUARD_MODE_ENFORCE,
	  -EINVAL, NULL, "mode = sometimes" },
};

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

TEST(rewrites_the_mode_line_only)
{
	char dir[] = "/tmp/pdg-modefile-XXXXXX", path[64], err[512];
	size_t i;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/policy.conf", dir);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		FILE *f = fopen(path, "w");
		struct stat st;
		int old = -1;
		char *now;

		TH_LOG("case: %s", cases[i].name);
		ASSERT_NE(NULL, f);
		fputs(cases[i].before, f);
		fclose(f);
		ASSERT_EQ(0, chmod(path, 0640));
		err[0] = '\0';
		EXPECT_EQ(cases[i].ret, config_set_mode(path, cases[i].mode, &old, err,
							 sizeof(err)));
		now = slurp(path);
		ASSERT_NE(NULL, now);
		EXPECT_STREQ(cases[i].after ? cases[i].after : cases[i].before, now);
		if (cases[i].err)
			EXPECT_NE(NULL, strstr(err, cases[i].err)) TH_LOG("message: %s", err);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_EQ(0640, st.st_mode & 07777);
	}
	unlink(path);
	EXPECT_EQ(0, rmdir(dir));
}

TEST(missing_policy)
{
	char err[512];
	int old;

	EXPECT_EQ(-ENOENT, config_set_mode("/nonexistent/policy.conf", PDGUARD_MODE_AUDIT, &old,
					   err, sizeof(err)));
}
TEST_HARNESS_MAIN

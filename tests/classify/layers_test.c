// SPDX-License-Identifier: GPL-2.0
/*
 * Layered rule directories (shipped, then local): a local rule of the same name replaces the
 * shipped one and changes what is found, `enabled = no` alone switches a shipped rule off, the
 * same name twice within one layer is still an error, and each rule says where it came from.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify/classify.h"
#include "classify/rules.h"
#include "pdg_test.h"

static int put(const char *dir, const char *name, const char *text)
{
	char path[256];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

#define SHIPPED_RULES                                                                              \
	"[family num-words]\nwords = номер, number\n"                                              \
	"[rule num]\ncategory = basic\npattern = (?<![0-9])[0-9]{6}(?![0-9])\n"                    \
	"context = @num-words\nwithout-context = medium\n"                                         \
	"[rule code]\ncategory = financial\npattern = KZ-[0-9]{4}\n"

FIXTURE(layers) {
	char top[64];
	char shipped[96];
	char local[96];
	const char *dirs[2];
	struct rules *rs;
	struct rules_errors errs;
};

FIXTURE_SETUP(layers)
{
	strcpy(self->top, "/tmp/pdg-layers-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->top));
	snprintf(self->shipped, sizeof(self->shipped), "%s/shipped", self->top);
	snprintf(self->local, sizeof(self->local), "%s/local", self->top);
	ASSERT_EQ(0, mkdir(self->shipped, 0755));
	ASSERT_EQ(0, mkdir(self->local, 0755));
	ASSERT_EQ(0, put(self->shipped, "40-num.conf", SHIPPED_RULES));
	self->dirs[0] = self->shipped;
	self->dirs[1] = self->local;
	self->rs = NULL;
	memset(&self->errs, 0, sizeof(self->errs));
}

FIXTURE_TEARDOWN(layers)
{
	rules_free(self->rs);
	rules_errors_free(&self->errs);
	pdg_system_f("rm -rf '%s'", self->top);
}

static const struct rule *find_rule(const struct rules *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nrules; i++)
		if (!strcmp(rs->rules[i].name, name))
			return &rs->rules[i];
	return NULL;
}

/* The categories @text is found to hold with @rs, or -1 when the rules do not compile. */
static int found(struct rules *rs, const char *text, char *names, size_t len)
{
	struct classify_report rep;
	struct classify_ctx *ctx = NULL;
	struct classifier *c = NULL;
	char err[256];
	size_t i, used = 0;
	int cats = -1;

	names[0] = '\0';
	if (classifier_new(rs, &c, err, sizeof(err)) || classify_ctx_new(c, &ctx))
		goto out;
	if (classify_buffer(ctx, text, strlen(text), CONF_LOW, &rep))
		goto out;
	cats = rep.categories;
	for (i = 0; i < rep.nfindings && used < len; i++)
		if (!rep.findings[i].family)
			used += snprintf(names + used, len - used, "%s%s", used ? "," : "",
					 rep.findings[i].name);
out:
	classify_ctx_free(ctx);
	classifier_free(c);
	return cats;
}

static const char doc[] = "номер 123456 и код KZ-1234\n";

TEST_F(layers, an_empty_local_layer_changes_nothing)
{
	char names[128];

	ASSERT_EQ(0, rules_load_layers_all(self->dirs, 2, &self->rs, &self->errs));
	EXPECT_EQ(2, self->rs->nrules);
	EXPECT_EQ((1 << PDG_CAT_BASIC) | (1 << PDG_CAT_FINANCIAL),
		  found(self->rs, doc, names, sizeof(names)));
	EXPECT_STREQ("num,code", names);
}

TEST_F(layers, a_local_rule_overrides_the_shipped_one)
{
	char names[128], want[256];
	const struct rule *r;

	/* same name, now medical and requiring 7 digits: the shipped definition is gone */
	ASSERT_EQ(0, put(self->local, "50-local.conf",
			 "; local tuning\n[rule num]\ncategory = medical\n"
			 "pattern = (?<![0-9])[0-9]{6}(?![0-9])\ncontext = @num-words\n"));
	ASSERT_EQ(0, rules_load_layers_all(self->dirs, 2, &self->rs, &self->errs));
	ASSERT_EQ(2, self->rs->nrules);
	r = find_rule(self->rs, "num");
	ASSERT_NE(NULL, r);
	snprintf(want, sizeof(want), "%s/50-local.conf", self->local);
	EXPECT_STREQ(want, r->file);
	EXPECT_EQ(2, r->line);
	snprintf(want, sizeof(want), "%s/40-num.conf:3", self->shipped);
	EXPECT_STREQ(want, r->overrides);
	EXPECT_EQ((1 << PDG_CAT_MEDICAL) | (1 << PDG_CAT_FINANCIAL),
		  found(self->rs, doc, names, sizeof(names)));
	/* a family of the same name is replaced the same way */
	rules_free(self->rs);
	ASSERT_EQ(0, put(self->local, "10-words.conf", "[family num-words]\nwords = шифр\n"));
	ASSERT_EQ(0, rules_load_layers_all(self->dirs, 2, &self->rs, &self->errs));
	EXPECT_EQ(1 << PDG_CAT_FINANCIAL, found(self->rs, doc, names, sizeof(names)));
	EXPECT_STREQ("code", names);	/* "номер" is no context word any more */
}

TEST_F(layers, enabled_no_alone_disables_a_shipped_rule)
{
	char names[128], want[256];

	/* a description may say why */
	ASSERT_EQ(0, put(self->local, "50-off.conf",
			 "[rule num]\ndescription = too noisy on our order forms\nenabled = no\n"));
	ASSERT_EQ(0, rules_load_layers_all(self->dirs, 2, &self->rs, &self->errs));
	ASSERT_EQ(1, self->rs->nrules);
	EXPECT_EQ(NULL, find_rule(self->rs, "num"));
	ASSERT_EQ(1, self->rs->ndisabled);
	EXPECT_STREQ("num", self->rs->disabled[0].name);
	EXPECT_EQ(1, self->rs->disabled[0].line);
	snprintf(want, sizeof(want), "%s/40-num.conf:3", self->shipped);
	EXPECT_STREQ(want, self->rs->disabled[0].was);
	EXPECT_EQ(1 << PDG_CAT_FINANCIAL, found(self->rs, doc, names, sizeof(names)));
	EXPECT_STREQ("code", names);
}

TEST_F(layers, disabling_an_unknown_rule_is_noted_not_an_error)
{
	ASSERT_EQ(0, put(self->local, "50-off.conf", "[rule gone-in-the-upgrade]\nenabled = no\n"));
	ASSERT_EQ(0, rules_load_layers_all(self->dirs, 2, &self->rs, &self->errs));
	EXPECT_EQ(2, self->rs->nrules);
	ASSERT_EQ(1, self->rs->ndisabled);
	EXPECT_EQ(NULL, self->rs->disabled[0].was);
}

TEST_F(layers, same_name_within_one_layer_is_an_error)
{
	char want[512];

	ASSERT_EQ(0, put(self->local, "50-a.conf", "[rule num]\nenabled = no\n"));
	ASSERT_EQ(0, put(self->local, "60-b.conf",
			 "[rule extra]\ncategory = basic\npattern = X[0-9]{3}\n"
			 "[rule extra]\ncategory = basic\npattern = Y[0-9]{3}\n"
			 "[rule num]\nenabled = no\n"));
	EXPECT_EQ(-EINVAL, rules_load_layers_all(self->dirs, 2, &self->rs, &self->errs));
	ASSERT_EQ(2, self->errs.n);
	snprintf(want, sizeof(want), "%s/60-b.conf:4: rule 'extra' already defined at "
		 "%s/60-b.conf:1", self->local, self->local);
	EXPECT_STREQ(want, self->errs.msg[0]);
	snprintf(want, sizeof(want), "%s/60-b.conf:7: rule 'num' already disabled at "
		 "%s/50-a.conf:1", self->local, self->local);
	EXPECT_STREQ(want, self->errs.msg[1]);
	/* in the shipped layer too, as in one directory */
	rules_free(self->rs);
	rules_errors_free(&self->errs);
	ASSERT_EQ(0, put(self->shipped, "50-dup.conf",
			 "[rule code]\ncategory = basic\npattern = Q[0-9]{3}\n"));
	EXPECT_EQ(-EINVAL, rules_load_layers_all(self->dirs, 2, &self->rs, &self->errs));
	ASSERT_LE(1, self->errs.n);
	snprintf(want, sizeof(want), "%s/50-dup.conf:1: rule 'code' already defined at "
		 "%s/40-num.conf:8", self->shipped, self->shipped);
	EXPECT_STREQ(want, self->errs.msg[0]);
}

TEST_F(layers, a_broken_override_keeps_the_shipped_rule)
{
	const struct rule *r;
	char want[512];

	ASSERT_EQ(0, put(self->local, "50-bad.conf", "[rule num]\ncategory = salary\n"
			 "pattern = [0-9]{6}\n"));
	EXPECT_EQ(-EINVAL, rules_load_layers_all(self->dirs, 2, &self->rs, &self->errs));
	ASSERT_EQ(1, self->errs.n);
	snprintf(want, sizeof(want), "%s/50-bad.conf:2: bad category 'salary' (expected basic, "
		 "personnel, financial, medical or biometric)", self->local);
	EXPECT_STREQ(want, self->errs.msg[0]);
	r = find_rule(self->rs, "num");
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, r->layer);
	EXPECT_EQ(NULL, r->overrides);
}

TEST_F(layers, a_family_cannot_replace_a_rule)
{
	char want[512];

	ASSERT_EQ(0, put(self->local, "50-x.conf", "[family num]\nwords = a, b\n"));
	EXPECT_EQ(-EINVAL, rules_load_layers_all(self->dirs, 2, &self->rs, &self->errs));
	ASSERT_EQ(1, self->errs.n);
	snprintf(want, sizeof(want), "%s/50-x.conf:1: family 'num' already defined at "
		 "%s/40-num.conf:3 (a later directory may replace a rule only with a rule)",
		 self->local, self->shipped);
	EXPECT_STREQ(want, self->errs.msg[0]);
}

TEST_F(layers, enabled_no_alone_in_the_first_layer_is_an_incomplete_rule)
{
	char want[512];

	ASSERT_EQ(0, put(self->shipped, "50-off.conf", "[rule other]\nenabled = no\n"));
	EXPECT_EQ(-EINVAL, rules_load_layers_all(self->dirs, 2, &self->rs, &self->errs));
	ASSERT_EQ(1, self->errs.n);
	snprintf(want, sizeof(want), "%s/50-off.conf:1: [rule other] has no pattern",
		 self->shipped);
	EXPECT_STREQ(want, self->errs.msg[0]);
	EXPECT_EQ(0, self->rs->ndisabled);
}

TEST_F(layers, every_layer_must_exist)
{
	const char *dirs[2] = { self->shipped, "/nonexistent/pdguard/rules.d" };

	EXPECT_EQ(-ENOENT, rules_load_layers_all(dirs, 2, &self->rs, &self->errs));
	ASSERT_EQ(1, self->errs.n);
	EXPECT_STREQ("/nonexistent/pdguard/rules.d: cannot read the rules directory: No such file "
		     "or directory", self->errs.msg[0]);
}

/* The CLI: rules check names each rule's file, the override and the disabled rule. */
TEST_F(layers, rules_check_and_list_show_origins)
{
	char pd[PATH_MAX];

	ASSERT_EQ(0, pdg_build_path(pd, sizeof(pd), "pdguard"));
	ASSERT_EQ(0, put(self->local, "50-local.conf",
			 "[rule code]\ncategory = financial\npattern = KZ-[0-9]{5}\n"
			 "[rule num]\nenabled = no\n"));
	EXPECT_EQ(0, pdg_system_f("'%s' rules check '%s' '%s' >'%s/check.out'", pd, self->shipped,
				  self->local, self->top));
	EXPECT_EQ(0, pdg_system_f("cd '%s' && grep -qx \"from: rule 'code': %s/50-local.conf:1\" "
				  "check.out && grep -qx \"override: rule 'code': %s/50-local.conf:1 "
				  "replaces %s/40-num.conf:8\" check.out && grep -qx \"disabled: rule "
				  "'num': by %s/50-local.conf:4 (defined at %s/40-num.conf:3)\" "
				  "check.out && grep -q '^%s + %s: 2 files, 1 rule, ' check.out",
				  self->top, self->local, self->local, self->shipped, self->local,
				  self->shipped, self->shipped, self->local));
	EXPECT_EQ(0, pdg_system_f("'%s' rules list '%s' '%s' | grep -q '^off    num  .*disabled "
				  "by %s/50-local.conf:4, defined at %s/40-num.conf:3$'", pd,
				  self->shipped, self->local, self->local, self->shipped));
	/* one directory works as before: same name twice there is an error (exit 1) */
	ASSERT_EQ(0, put(self->shipped, "60-dup.conf", "[rule num]\nenabled = no\n"));
	EXPECT_EQ(1, pdg_system_f("'%s' rules check '%s' 2>'%s/err.out' >/dev/null", pd,
				  self->shipped, self->top));
	EXPECT_EQ(0, pdg_system_f("grep -q \"60-dup.conf:1: rule 'num' already defined at "
				  "%s/40-num.conf:3\" '%s/err.out'", self->shipped, self->top));
}

TEST_HARNESS_MAIN

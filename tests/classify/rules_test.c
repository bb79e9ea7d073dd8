// SPDX-License-Identifier: GPL-2.0
/*
 * Rule files: the shipped set is valid; every kind of mistake gets its exact "file:line: reason";
 * one bad file never disables the others.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify/classify.h"
#include "pdg_test.h"
#include "classify/rules.h"

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

TEST(shipped_rules_are_valid)
{
	struct rules_errors errs = { 0 };
	struct classifier *c = NULL;
	struct rules *rs = NULL;
	char dir[PATH_MAX], err[256];
	size_t i, n;

	ASSERT_EQ(0, pdg_build_path(dir, sizeof(dir), "../policies/rules.d"));
	i = rules_load(dir, &rs, &errs);
	for (i = 0; i < errs.n; i++)
		TH_LOG("%s", errs.msg[i]);
	ASSERT_EQ(0, errs.n);
	ASSERT_NE(NULL, rs);
	EXPECT_LE(6, rs->nrules);
	EXPECT_LE(8, rs->nfamilies);
	ASSERT_EQ(0, classifier_new(rs, &c, err, sizeof(err)));
	classifier_notes(c, &n);
	EXPECT_EQ(0, n); /* every shipped rule runs in the one Hyperscan pass */
	classifier_free(c);
	rules_free(rs);
}

FIXTURE(bad)
{
	char dir[64];
	char path[128];
};

FIXTURE_VARIANT(bad)
{
	const char *text;
	int line;
	const char *msg; /* "{path}" stands for the file's path */
	size_t rules_left;
};

FIXTURE_SETUP(bad)
{
	strcpy(self->dir, "/tmp/pdg-rules-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/50-test.conf", self->dir);
	ASSERT_EQ(0, write_file(self->path, variant->text));
}

FIXTURE_TEARDOWN(bad)
{
	unlink(self->path);
	rmdir(self->dir);
}

#define RULE_HEAD "[rule t]\ncategory = basic\n"

/* clang-format off */
FIXTURE_VARIANT_ADD(bad, unknown_key) {
	RULE_HEAD "pattern = [0-9]{12}\npatern = x\n", 4, "unknown key 'patern' in [rule t]", 0
};
FIXTURE_VARIANT_ADD(bad, bad_category) {
	"[rule t]\ncategory = financal\npattern = x\n", 2,
	"bad category 'financal' (expected basic, personnel, financial, medical or biometric)", 0
};
FIXTURE_VARIANT_ADD(bad, bad_validator) {
	RULE_HEAD "pattern = [0-9]{12}\nvalidator = inn\n", 4,
	"unknown validator 'inn' (expected none, iin, bin, iban_kz, luhn, card, phone_kz, mrz, "
	"person_name)", 0
};
FIXTURE_VARIANT_ADD(bad, bad_gate) {
	RULE_HEAD "pattern = x\ngate = capital\n", 4,
	"unknown gate 'capital' (expected none or capitals)", 0
};
/* people are counted up to 16 (struct rstate): a higher threshold could never be reached */
FIXTURE_VARIANT_ADD(bad, min_people_over_16) {
	RULE_HEAD "pattern = x\nmin-people = 17\n", 4,
	"'min-people': expected a number from 1 to 16, got '17'", 0
};
FIXTURE_VARIANT_ADD(bad, bad_mask) {
	RULE_HEAD "pattern = x\nmask = names\n", 4,
	"unknown mask 'names' (expected generic, iin, card, iban, phone, all, mrz or name)", 0
};
FIXTURE_VARIANT_ADD(bad, pcre2_error_with_offset) {
	RULE_HEAD "pattern = ([0-9]{12}\n", 3,
	"pattern error at offset 10: missing closing parenthesis", 0
};
/* the offset is within the line that holds the mistake, for a pattern split over lines */
FIXTURE_VARIANT_ADD(bad, pcre2_error_second_line) {
	RULE_HEAD "pattern = (?<![0-9])\npattern = [0-9]{12\npattern = (?![0-9]))\n", 5,
	"pattern error at offset 9: unmatched closing parenthesis", 0
};
FIXTURE_VARIANT_ADD(bad, missing_pattern) {
	"# comment\n[rule t]\ncategory = basic\nvalidator = iin\n", 2, "[rule t] has no pattern", 0
};
FIXTURE_VARIANT_ADD(bad, missing_category) {
	"[rule t]\npattern = x[0-9]\n", 1,
	"[rule t] has no category (basic, personnel, financial, medical or biometric)", 0
};
FIXTURE_VARIANT_ADD(bad, unbounded_pattern) {
	RULE_HEAD "pattern = [0-9]+\n", 3,
	"pattern can match more than 256 bytes: bound every repeat ({1,20}, not + or *)", 0
};
FIXTURE_VARIANT_ADD(bad, empty_match) {
	RULE_HEAD "pattern = [0-9]{0,3}\n", 3, "pattern can match an empty string", 0
};
FIXTURE_VARIANT_ADD(bad, bad_confidence) {
	RULE_HEAD "pattern = x\nconfidence = certain\n", 4,
	"'confidence': bad confidence 'certain' (expected high, medium or low)", 0
};
FIXTURE_VARIANT_ADD(bad, bad_number) {
	RULE_HEAD "pattern = x\nwindow = wide\n", 4,
	"'window': expected a number from 1 to 2000, got 'wide'", 0
};
FIXTURE_VARIANT_ADD(bad, twice) {
	RULE_HEAD "pattern = x\nwindow = 10\n\nwindow = 20\n", 6,
	"'window' given twice (first on line 4)", 0
};
FIXTURE_VARIANT_ADD(bad, unknown_family) {
	RULE_HEAD "pattern = x\ncontext = ИИН, @nosuch\n", 4,
	"unknown family '@nosuch' in [rule t]", 0
};
FIXTURE_VARIANT_ADD(bad, unknown_section) {
	"[rules t]\ncategory = basic\n", 1,
	"unknown section [rules] (expected [rule NAME] or [family NAME])", 0
};
FIXTURE_VARIANT_ADD(bad, no_equals) {
	RULE_HEAD "pattern x\n", 3, "expected 'key = value' or '[section]'", 0
};
FIXTURE_VARIANT_ADD(bad, key_outside_section) {
	"pattern = x\n", 1, "'pattern' outside a section (start with [rule NAME] or [family NAME])",
	0
};
FIXTURE_VARIANT_ADD(bad, family_without_words) {
	"[family f]\ncategory = medical\n", 1, "[family f] has no words", 0
};
FIXTURE_VARIANT_ADD(bad, star_inside_word) {
	"[family f]\nwords = ok, о*клад\n", 2, "'words': '*' may only end a word ('о*клад')", 0
};
FIXTURE_VARIANT_ADD(bad, long_line) {
	RULE_HEAD "pattern = [0-9]{12}[0-9]{12}[0-9]{12}[0-9]{12}[0-9]{12}[0-9]{12}[0-9]{12}"
	"[0-9]{12}[0-9]{12}[0-9]{12}[0-9]{12}[0-9]{12}[0-9]{12}[0-9]{12}[0-9]{12}[0-9]{12}"
	"[0-9]{12}[0-9]{12}[0-9]{12}[0-9]{12}[0-9]{12}\n", 3,
	"line is 199 characters long, libinih reads at most 198: split it over several "
	"'pattern =' or 'words =' lines", 0
};
FIXTURE_VARIANT_ADD(bad, duplicate_rule) {
	RULE_HEAD "pattern = x\n[rule t]\n", 4, "rule 't' already defined at {path}:1", 1
};
/* clang-format on */

TEST_F(bad, exact_message)
{
	struct rules_errors errs = { 0 };
	struct rules *rs = NULL;
	char want[512], msg[256];
	size_t i;

	const char *at = strstr(variant->msg, "{path}");

	if (at)
		snprintf(msg, sizeof(msg), "%.*s%s%s", (int)(at - variant->msg), variant->msg,
			 self->path, at + 6);
	else
		snprintf(msg, sizeof(msg), "%s", variant->msg);
	snprintf(want, sizeof(want), "%s:%d: %s", self->path, variant->line, msg);
	EXPECT_EQ(-EINVAL, rules_load(self->dir, &rs, &errs));
	for (i = 0; i < errs.n; i++)
		TH_LOG("got: %s", errs.msg[i]);
	ASSERT_LE(1, errs.n);
	EXPECT_STREQ(want, errs.msg[0]);
	EXPECT_EQ(variant->rules_left, rs ? rs->nrules : 0); /* the bad rule is dropped */
	rules_free(rs);
	rules_errors_free(&errs);
}

FIXTURE(dir)
{
	char dir[64];
};

FIXTURE_SETUP(dir)
{
	strcpy(self->dir, "/tmp/pdg-rules-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
}

FIXTURE_TEARDOWN(dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	pdg_system(cmd);
}

static int put(const char *dir, const char *name, const char *text)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return write_file(path, text);
}

TEST_F(dir, one_bad_file_leaves_the_others)
{
	struct rules_errors errs = { 0 };
	struct rules *rs = NULL;

	ASSERT_EQ(0, put(self->dir, "10-good.conf",
			 "[family w]\nwords = ИИН\n[rule a]\ncategory = basic\npattern = a[0-9]\n"
			 "context = @w\n"));
	ASSERT_EQ(0, put(self->dir, "20-bad.conf",
			 "[rule b]\ncategory = basic\npattern = (\n[rule c]\ncategory = medical\n"
			 "pattern = c[0-9]\n"));
	ASSERT_EQ(0, put(self->dir, "30-good.conf",
			 "[rule d]\ncategory = financial\npattern = d[0-9]\n"));
	/* not *.conf: ignored, as package managers and editors leave such files */
	ASSERT_EQ(0, put(self->dir, "40-x.conf.dpkg-old", "garbage\n"));
	EXPECT_EQ(-EINVAL, rules_load(self->dir, &rs, &errs));
	ASSERT_EQ(1, errs.n);
	ASSERT_NE(NULL, rs);
	ASSERT_EQ(3, rs->nrules);
	EXPECT_STREQ("a", rs->rules[0].name);
	EXPECT_STREQ("c", rs->rules[1].name); /* the good rule of the bad file stays */
	EXPECT_STREQ("d", rs->rules[2].name);
	EXPECT_EQ(1, rs->rules[0].ncontext);
	EXPECT_EQ(CONF_REJECT, rs->rules[0].without_context);
	rules_free(rs);
	rules_errors_free(&errs);
}

TEST_F(dir, pattern_lines_are_joined_and_comments_cut)
{
	struct rules_errors errs = { 0 };
	struct rules *rs = NULL;

	/* "; x" is an inline comment for libinih; ';' without a space before it is not */
	ASSERT_EQ(0, put(self->dir, "10-a.conf",
			 "[rule a]\ncategory = basic\npattern = (?<![0-9])  ; the start\n"
			 "pattern = [0-9]{3};\n  pattern = \\x3b\nwords_are = no\n"));
	EXPECT_EQ(-EINVAL, rules_load(self->dir, &rs, &errs));
	ASSERT_EQ(1, errs.n); /* the unknown key, on its own line */
	ASSERT_EQ(0, rs->nrules);
	rules_free(rs);
	rules_errors_free(&errs);

	ASSERT_EQ(0, put(self->dir, "10-a.conf",
			 "[rule a]\ncategory = basic\npattern = (?<![0-9])  ; the start\n"
			 "pattern = [0-9]{3};\n  pattern = \\x3b\n"));
	EXPECT_EQ(0, rules_load(self->dir, &rs, &errs));
	ASSERT_EQ(1, rs->nrules);
	EXPECT_STREQ("(?<![0-9])[0-9]{3};pattern = \\x3b", rs->rules[0].pattern);
	rules_free(rs);
	rules_errors_free(&errs);
}

TEST_F(dir, words_case_and_endings)
{
	struct rules_errors errs = { 0 };
	struct rules *rs = NULL;

	ASSERT_EQ(0, put(self->dir, "10-a.conf",
			 "[family f]\ncategory = financial\nmin-words = 3\n"
			 "words = ИИН, оклад*, Kaspi Gold, ЖСН ,, жеке куәлік*\n"));
	EXPECT_EQ(0, rules_load(self->dir, &rs, &errs));
	ASSERT_EQ(1, rs->nfamilies);
	ASSERT_EQ(5, rs->nwords);
	EXPECT_STREQ("ИИН", rs->words[0].text);
	EXPECT_EQ(RULE_WORD_CASE, rs->words[0].flags);
	EXPECT_STREQ("оклад", rs->words[1].text);
	EXPECT_EQ(RULE_WORD_PREFIX, rs->words[1].flags);
	EXPECT_EQ(0, rs->words[2].flags);
	EXPECT_STREQ("жеке куәлік", rs->words[4].text);
	EXPECT_EQ(3, rs->families[0].min_words);
	EXPECT_EQ(PDG_CAT_FINANCIAL, rs->families[0].category);
	rules_free(rs);
	rules_errors_free(&errs);
}

/* A pattern Hyperscan refuses runs as its own PCRE2 pass: said by rules check, still exact. */
TEST_F(dir, pcre2_only_rule)
{
	struct rules_errors errs = { 0 };
	const struct classifier_note *notes;
	struct classify_report rep;
	struct classify_ctx *ctx = NULL;
	struct classifier *c = NULL;
	struct rules *rs = NULL;
	char err[256], *text;
	size_t n, len = 3 * 1024 * 1024 + 5, i, want = 0;

	ASSERT_EQ(0, put(self->dir, "10-a.conf",
			 "[rule sub]\ncategory = basic\npattern = T(a|b)(?1)[0-9]{3}\n"
			 "[rule plain]\ncategory = basic\npattern = Q[0-9]{3}\n"));
	ASSERT_EQ(0, rules_load(self->dir, &rs, &errs));
	ASSERT_EQ(0, classifier_new(rs, &c, err, sizeof(err)));
	notes = classifier_notes(c, &n);
	ASSERT_EQ(1, n);
	EXPECT_STREQ("sub", notes[0].rule);
	EXPECT_STREQ("Hyperscan cannot compile it (Subpattern reference unsupported at index 6.): "
		     "it runs as a separate PCRE2 pass (slower)",
		     notes[0].text);
	text = malloc(len);
	ASSERT_NE(NULL, text);
	memset(text, '.', len);
	/* every 4099 bytes, so some straddle the 1 MiB blocks */
	for (i = 10; i + 6 < len; i += 4099, want++)
		memcpy(text + i, i % 2 ? "Tab123" : "Tba456", 6);
	ASSERT_EQ(0, classify_ctx_new(c, &ctx));
	ASSERT_EQ(0, classify_buffer(ctx, text, len, CONF_LOW, &rep));
	ASSERT_EQ(1, rep.nfindings);
	EXPECT_STREQ("sub", rep.findings[0].name);
	EXPECT_EQ(want, rep.findings[0].count);
	free(text);
	classify_ctx_free(ctx);
	classifier_free(c);
	rules_free(rs);
	rules_errors_free(&errs);
}

TEST(missing_directory)
{
	struct rules_errors errs = { 0 };
	struct rules *rs = NULL;

	EXPECT_EQ(-ENOENT, rules_load("/nonexistent/rules.d", &rs, &errs));
	ASSERT_EQ(1, errs.n);
	EXPECT_STREQ("/nonexistent/rules.d: cannot read the rules directory: No such file or "
		     "directory",
		     errs.msg[0]);
	EXPECT_EQ(NULL, rs);
	rules_errors_free(&errs);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/* The one vocabulary: categories both ways, and every reason worded from the one table. */
#include <errno.h>
#include <string.h>

#include <uapi/pdguard.h>

#include "pdg_test.h"
#include "lib/utf8.h"
#include "lib/vocab.h"

TEST(categories_round_trip)
{
	char buf[128], bad[32];
	uint32_t cats;
	int i;

	for (i = 0; i < PDG_CAT_COUNT; i++)
		EXPECT_EQ(i, vocab_category_find(vocab_category_name(i)));
	EXPECT_EQ(-1, vocab_category_find("salary"));
	EXPECT_STREQ("none", vocab_category_name(PDG_CAT_COUNT));

	vocab_categories_format(PDGUARD_CAT_ALL, ",", "none", buf, sizeof(buf));
	EXPECT_STREQ("basic,personnel,financial,medical,biometric", buf);
	vocab_categories_format(0, " ", "none", buf, sizeof(buf));
	EXPECT_STREQ("none", buf);
	vocab_categories_format(PDGUARD_CAT_MEDICAL | PDGUARD_CAT_BASIC, " ", "", buf, sizeof(buf));
	EXPECT_STREQ("basic medical", buf);

	EXPECT_EQ(0, vocab_categories_parse("basic, medical  financial", &cats, bad, sizeof(bad)));
	EXPECT_EQ(PDGUARD_CAT_BASIC | PDGUARD_CAT_MEDICAL | PDGUARD_CAT_FINANCIAL, cats);
	EXPECT_EQ(-EINVAL, vocab_categories_parse("basic salary", &cats, bad, sizeof(bad)));
	EXPECT_STREQ("salary", bad);
}

TEST(category_list_truncates_safely)
{
	char buf[12];

	EXPECT_EQ(sizeof(buf) - 1,
		  vocab_categories_format(PDGUARD_CAT_ALL, ",", "none", buf, sizeof(buf)));
	EXPECT_EQ(sizeof(buf) - 1, strlen(buf));
}

TEST(every_reason_has_words)
{
	struct reason_args a = { .cats = PDGUARD_CAT_MEDICAL, .roles = "hr", .zone = "usb",
				 .client = "/usr/bin/dropbox" };
	char buf[256];
	unsigned int r;

	for (r = 1; r < __PDGUARD_REASON_MAX; r++) {
		vocab_reason_format(buf, sizeof(buf), r, &a);
		EXPECT_NE(0, strlen(buf)) TH_LOG("reason %u has no text", r);
		EXPECT_EQ(NULL, strchr(buf, '%')) TH_LOG("reason %u: %s", r, buf);
	}
	vocab_reason_format(buf, sizeof(buf), PDGUARD_REASON_ROLE, &a);
	EXPECT_STREQ("role hr may not read medical", buf);
	a.roles = NULL;
	vocab_reason_format(buf, sizeof(buf), PDGUARD_REASON_ROLE, &a);
	EXPECT_STREQ("no role of this user may read medical", buf);
	a.note = "removed after the fact";
	vocab_reason_format(buf, sizeof(buf), PDGUARD_REASON_ZONE_WRITE_AFTER, &a);
	EXPECT_STREQ("a process tainted with medical wrote a file on a usb zone; removed after the "
		     "fact", buf);
	{
		char want[32];

		snprintf(want, sizeof(want), "reason %u", (unsigned int)__PDGUARD_REASON_MAX);
		vocab_reason_format(buf, sizeof(buf), __PDGUARD_REASON_MAX, &a);
		EXPECT_STREQ(want, buf);
	}
	/* a short buffer is cut, never overrun */
	vocab_reason_format(buf, 10, PDGUARD_REASON_TAINT_TO_ZONE, &a);
	EXPECT_EQ(9, strlen(buf));
}

TEST(names_of_the_abi_enums)
{
	EXPECT_STREQ("would-deny", vocab_decision_name(PDGUARD_DECISION_WOULD_DENY));
	EXPECT_STREQ("unknown", vocab_decision_name(__PDGUARD_DECISION_MAX));
	EXPECT_STREQ("rename", vocab_op_name(PDGUARD_OP_RENAME));
	EXPECT_STREQ("unpin", vocab_op_name(PDGUARD_OP_UNPIN));
	EXPECT_STREQ("prctl", vocab_op_name(PDGUARD_OP_PRCTL));
	EXPECT_STREQ("unknown", vocab_op_name(__PDGUARD_OP_MAX));
	EXPECT_STREQ("usb", vocab_zone_name(PDGUARD_ZONE_USB));
	EXPECT_EQ(NULL, vocab_zone_name(PDGUARD_ZONE_NONE));
	EXPECT_STREQ("derived", vocab_level_name(PDGUARD_LEVEL_DERIVED));
}

/* The one definition of valid UTF-8, on the forms that matter: overlong, surrogates, range. */
TEST(utf8_sequences)
{
	static const struct {
		const char *s;
		size_t len;
	} cases[] = {
		{ "a", 1 },		{ "\xd0\x98", 2 },	   { "\xe2\x82\xac", 3 },
		{ "\xf0\x9f\x98\x80", 4 }, { "\xc0\xaf", 0 },	   { "\xe0\x80\xaf", 0 },
		{ "\xed\xa0\x80", 0 },	{ "\xf4\x90\x80\x80", 0 }, { "\xff", 0 },
		{ "\xd0", 0 },		{ "\x80", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		EXPECT_EQ(cases[i].len, utf8_seq_len((const uint8_t *)cases[i].s,
						     strlen(cases[i].s))) TH_LOG("case %zu", i);
	EXPECT_EQ(0, utf8_seq_len((const uint8_t *)"\xd0\x98", 1));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The employee's notice without a bus: the language a process reads in, the file name shown,
 * the words in en/ru/kk from the built catalogues (build/locale), and the rate limiter.
 */
#include <libintl.h>
#include <locale.h>

#include <uapi/pdguard.h>

#include "notice/notice.h"
#include "pdg_test.h"

#define ENV(s) s, sizeof(s) - 1

TEST(language_of_a_locale_value)
{
	EXPECT_STREQ("ru", notice_language_of("ru_RU.UTF-8"));
	EXPECT_STREQ("kk", notice_language_of("kk_KZ.UTF-8"));
	EXPECT_STREQ("kk", notice_language_of("kk"));
	EXPECT_STREQ("en", notice_language_of("en_US.UTF-8@euro"));
	/* a LANGUAGE list: the first we have */
	EXPECT_STREQ("kk", notice_language_of("de:kk:ru"));
	EXPECT_EQ(NULL, notice_language_of("C"));
	EXPECT_EQ(NULL, notice_language_of("C.UTF-8"));
	EXPECT_EQ(NULL, notice_language_of("rus"));
	EXPECT_EQ(NULL, notice_language_of("kky_XX"));
	EXPECT_EQ(NULL, notice_language_of(""));
}

TEST(language_of_a_process_environment)
{
	/* gettext's order: LC_ALL over LC_MESSAGES over LANG */
	EXPECT_STREQ("ru", notice_language_from_environ(ENV("HOME=/h\0LANG=ru_RU.UTF-8\0")));
	EXPECT_STREQ("kk", notice_language_from_environ(
		ENV("LANG=ru_RU.UTF-8\0LC_MESSAGES=kk_KZ.UTF-8\0")));
	EXPECT_STREQ("en", notice_language_from_environ(
		ENV("LC_MESSAGES=kk_KZ.UTF-8\0LC_ALL=en_GB.UTF-8\0LANG=ru_RU.UTF-8\0")));
	/* LANGUAGE wins over the locale, but only when the locale is not C */
	EXPECT_STREQ("kk", notice_language_from_environ(ENV("LANG=ru_RU.UTF-8\0LANGUAGE=kk:ru\0")));
	EXPECT_EQ(NULL, notice_language_from_environ(ENV("LANG=C\0LANGUAGE=kk\0")));
	EXPECT_EQ(NULL, notice_language_from_environ(ENV("LANGUAGE=kk\0")));
	/* a variable that merely ends like one, or has no value */
	EXPECT_EQ(NULL, notice_language_from_environ(ENV("XLANG=ru_RU.UTF-8\0LANG=\0")));
	/* a last variable without its NUL, as a truncated read leaves it */
	EXPECT_STREQ("ru", notice_language_from_environ(ENV("A=b\0LANG=ru")));
	EXPECT_EQ(NULL, notice_language_from_environ(ENV("")));
}

TEST(file_name_is_the_base_name_made_safe)
{
	char buf[NOTICE_NAME_MAX * 4 + 4], longname[400];
	int i;

	notice_file_name("/srv/hr/Иванов_зарплата.xlsx", buf, sizeof(buf));
	EXPECT_STREQ("Иванов_зарплата.xlsx", buf);
	notice_file_name("plain.csv", buf, sizeof(buf));
	EXPECT_STREQ("plain.csv", buf);
	/* a control character (a forged second line) and broken UTF-8 are shown as '?' */
	notice_file_name("/x/a\nWhom to ask: evil\x1b[1m\xff.txt", buf, sizeof(buf));
	EXPECT_STREQ("a?Whom to ask: evil?[1m?.txt", buf);
	/* long names are cut at a character boundary, with an ellipsis */
	for (i = 0; i < 100; i++)
		memcpy(longname + 2 * i, "ж", 2);
	longname[200] = '\0';
	notice_file_name(longname, buf, sizeof(buf));
	EXPECT_EQ(NOTICE_NAME_MAX * 2 + 3, strlen(buf));
	EXPECT_EQ(0, strcmp(buf + NOTICE_NAME_MAX * 2, "…"));
	/* a small buffer: cut whole characters, still terminated */
	notice_file_name("/d/жжжж", buf, 6);
	EXPECT_STREQ("жж", buf);
}

FIXTURE(words)
{
	char title[256];
	char body[2048];
};

FIXTURE_VARIANT(words)
{
	const char *lang;
	struct notice_msg m;
	const char *title;
	const char *body;
};

FIXTURE_SETUP(words)
{
	char dir[PATH_MAX];

	ASSERT_EQ(0, pdg_build_path(dir, sizeof(dir), "locale"));
	ASSERT_EQ(0, access(dir, R_OK)) TH_LOG("no catalogues in %s: run make", dir);
	ASSERT_EQ(0, setenv("LANGUAGE", variant->lang, 1));
	ASSERT_NE(NULL, setlocale(LC_ALL, "C.UTF-8"));
	bindtextdomain(NOTICE_DOMAIN, dir);
	bind_textdomain_codeset(NOTICE_DOMAIN, "UTF-8");
}

FIXTURE_TEARDOWN(words)
{
}

FIXTURE_VARIANT_ADD(words, en_role) {
	"en", { "/srv/hr/staff.xlsx", PDGUARD_REASON_ROLE, NULL,
		PDGUARD_CAT_PERSONNEL | PDGUARD_CAT_MEDICAL, "InfoSec, ext. 1234", false },
	"Personal data: access refused",
	"File: staff.xlsx\nWhy: your role may not open personal data of these kinds: personnel, "
	"medical.\nWhom to ask: InfoSec, ext. 1234"
};
FIXTURE_VARIANT_ADD(words, ru_role) {
	"ru", { "/srv/hr/Иванов_зарплата.xlsx", PDGUARD_REASON_ROLE, NULL, PDGUARD_CAT_FINANCIAL,
		"Отдел ИБ, доб. 1234", false },
	"Персональные данные: доступ запрещён",
	"Файл: Иванов_зарплата.xlsx\nПричина: вашей роли не разрешено открывать персональные "
	"данные таких видов: финансовые.\nКуда обращаться: Отдел ИБ, доб. 1234"
};
FIXTURE_VARIANT_ADD(words, kk_usb) {
	"kk", { "/home/u/a.csv", PDGUARD_REASON_TAINT_TO_ZONE, "usb", PDGUARD_CAT_BASIC,
		"АҚ бөлімі", false },
	"Дербес деректер: қол жеткізуге тыйым салынды",
	"Файл: a.csv\nСебебі: дербес деректерді ашқан бағдарламаға USB-жинақтауышқа жазуға тыйым "
	"салынған.\nХабарласу үшін: АҚ бөлімі"
};
FIXTURE_VARIANT_ADD(words, ru_cloud_move_audit_no_contact) {
	"ru", { "/home/u/Dropbox/b.pdf", PDGUARD_REASON_MOVED_TO_ZONE, "cloud", PDGUARD_CAT_BASIC,
		NULL, true },
	"Персональные данные: этот доступ будет запрещён, когда защита вступит в силу",
	"Файл: b.pdf\nПричина: файл с персональными данными нельзя переносить в папку облачной "
	"синхронизации."
};
FIXTURE_VARIANT_ADD(words, en_other) {
	"en", { "/x/y", PDGUARD_REASON_NONE, NULL, 0, "", false },
	"Personal data: access refused",
	"File: y\nWhy: the personal data policy does not allow this."
};
FIXTURE_VARIANT_ADD(words, kk_sync_client) {
	"kk", { "/x/y.doc", PDGUARD_REASON_SYNC_CLIENT, NULL, PDGUARD_CAT_BASIC, "", false },
	"Дербес деректер: қол жеткізуге тыйым салынды",
	"Файл: y.doc\nСебебі: бұлттық синхрондау бағдарламаларына дербес деректерді оқуға тыйым "
	"салынған."
};

TEST_F(words, in_the_language_asked)
{
	notice_format(&variant->m, self->title, sizeof(self->title), self->body,
		      sizeof(self->body));
	EXPECT_STREQ(variant->title, self->title);
	EXPECT_STREQ(variant->body, self->body);
}

TEST(reason_names_fold_the_drivers_reasons)
{
	EXPECT_STREQ("role", notice_reason_name(PDGUARD_REASON_ROLE));
	EXPECT_STREQ("role", notice_reason_name(PDGUARD_REASON_PD_READ));
	EXPECT_STREQ("to-zone", notice_reason_name(PDGUARD_REASON_ZONE_WRITE_AFTER));
	EXPECT_STREQ("moved-to-zone", notice_reason_name(PDGUARD_REASON_LABELLED_TO_ZONE));
	EXPECT_STREQ("other", notice_reason_name(PDGUARD_REASON_XATTR));
	EXPECT_STREQ("other", notice_reason_name(9999));
	EXPECT_EQ(PDGUARD_REASON_SYNC_CLIENT, notice_reason_find("sync-client"));
	EXPECT_EQ(-1, notice_reason_find("Role"));
}

TEST(limit_one_per_file_and_n_per_minute)
{
	struct notice_limit *l;
	unsigned int sup = 99, told = 0;
	int64_t t = 1000000;
	int i;

	ASSERT_EQ(-EINVAL, notice_limit_new(&l, 0, 60));
	ASSERT_EQ(0, notice_limit_new(&l, 3, 60));
	/* the same file again within the interval: held back */
	EXPECT_TRUE(notice_limit_take(l, 1001, 7, t, &sup));
	EXPECT_EQ(0, sup);
	EXPECT_FALSE(notice_limit_take(l, 1001, 7, t + 59999, NULL));
	/* a burst of 50 files within a second: 3 a minute, counting the first */
	for (i = 0; i < 50; i++)
		told += notice_limit_take(l, 1001, 100 + i, t + 1 + i * 20, i ? NULL : &sup);
	EXPECT_EQ(2, told);
	EXPECT_EQ(1, sup);	/* the file held back before it */
	/* another user has a budget of their own */
	EXPECT_TRUE(notice_limit_take(l, 1002, 7, t + 2000, NULL));
	/* a minute after the first: one more may go, and says how many were held back */
	EXPECT_TRUE(notice_limit_take(l, 1001, 500, t + 60000, &sup));
	EXPECT_EQ(48, sup);
	EXPECT_FALSE(notice_limit_take(l, 1001, 501, t + 60000, NULL));
	/* the first file, after its interval, when the minute has room */
	EXPECT_TRUE(notice_limit_take(l, 1001, 7, t + 121000, &sup));
	EXPECT_EQ(1, sup);
	notice_limit_free(l);
}

TEST(limit_memory_is_bounded)
{
	struct notice_limit *l;
	uint32_t u;

	ASSERT_EQ(0, notice_limit_new(&l, 1, 3600));
	EXPECT_TRUE(notice_limit_take(l, 1, 1, 0, NULL));
	/* more users than slots: the least recently told is forgotten, nothing else breaks */
	for (u = 2; u < 2 + NOTICE_LIMIT_USERS; u++)
		EXPECT_TRUE(notice_limit_take(l, u, 1, 10 + u, NULL));
	/* user 1 was forgotten: told again although within its minute */
	EXPECT_TRUE(notice_limit_take(l, 1, 1, 20000, NULL));
	/* the most recent ones are remembered */
	EXPECT_FALSE(notice_limit_take(l, 1 + NOTICE_LIMIT_USERS, 2, 20001, NULL));
	notice_limit_free(l);
}

TEST(limit_files_table_is_bounded)
{
	struct notice_limit *l;
	int i;

	ASSERT_EQ(0, notice_limit_new(&l, 60, 3600));
	/* more files than remembered per user, each told once */
	for (i = 0; i < NOTICE_LIMIT_FILES + 4; i++)
		EXPECT_TRUE(notice_limit_take(l, 5, i, i * 61000, NULL));
	/* the newest is remembered; the oldest made room */
	EXPECT_FALSE(notice_limit_take(l, 5, NOTICE_LIMIT_FILES + 3, 2000000, NULL));
	EXPECT_TRUE(notice_limit_take(l, 5, 0, 2000000, NULL));
	notice_limit_free(l);
}

TEST_HARNESS_MAIN

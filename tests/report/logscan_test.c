// SPDX-License-Identifier: GPL-2.0
/*
 * The reports' log pass: lines written by the agent's own writer parse back to what was written
 * (escapes, raw bytes, categories, extras); damaged lines are refused, not misread; the counts
 * of one pass (days, users, grant uses, the review's hours and distinct files) match the events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/pdguard.h>

#include "log/events.h"
#include "policy/grants.h"
#include "report/logscan.h"
#include "pdg_test.h"

FIXTURE(scan) {
	char dir[64];
	char path[128];
};

FIXTURE_SETUP(scan)
{
	strcpy(self->dir, "/tmp/pdg-logscan-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/events.jsonl", self->dir);
}

FIXTURE_TEARDOWN(scan)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	pdg_system(cmd);
}

/* The last line of @path into @buf. */
static int last_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int n = 0;

	if (!f)
		return -errno;
	while (fgets(buf, (int)len, f))
		n++;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return n;
}

static const uint64_t T0 = 1780000000ULL * 1000000000ULL;	/* 2026-05-28T20:26:40Z */

static struct event pd_open(uint32_t uid, const char *path, const char *decision, uint64_t ts)
{
	struct event ev = event_make("open", decision, "role hr may read basic personnel");

	ev.ts_ns = ts;
	ev.uid = uid;
	ev.pid = 42;
	ev.comm = "cat";
	ev.path = path;
	ev.label = "pd";
	ev.categories = PDGUARD_CAT_BASIC | PDGUARD_CAT_MEDICAL;
	ev.driver = "fanotify";
	return ev;
}

TEST_F(scan, a_line_parses_back_to_what_was_written)
{
	/* a file name with a quote, a backslash, Cyrillic, a raw byte that is not UTF-8, and a tab */
	const char name[] = "/srv/\"q\"\\Приказ\xff\t.txt";
	struct eventlog *log;
	struct lev ev;
	char line[4096];
	struct event e = pd_open(4242, name, "deny", T0);

	e.zone = "usb";
	e.extra = "\"alert\":\"mass-export\",\"count\":501,\"threshold\":500,\"x\":{\"a\":[1,\"}\"]}";
	ASSERT_EQ(0, eventlog_open(&log, self->path));
	ASSERT_EQ(0, eventlog_write(log, &e));
	eventlog_close(log);
	ASSERT_EQ(1, last_line(self->path, line, sizeof(line)));
	ASSERT_EQ(0, lev_parse(line, strlen(line), &ev));
	EXPECT_STREQ("open", ev.op);
	EXPECT_STREQ("deny", ev.decision);
	EXPECT_STREQ(name, ev.path);
	EXPECT_STREQ("usb", ev.zone);
	EXPECT_STREQ("pd", ev.label);
	EXPECT_STREQ("mass-export", ev.alert);
	EXPECT_EQ(4242, ev.uid);
	EXPECT_EQ(1, (long)ev.seq);
	EXPECT_EQ(501, ev.count);
	EXPECT_EQ(500, ev.threshold);
	EXPECT_EQ(PDGUARD_CAT_BASIC | PDGUARD_CAT_MEDICAL, ev.cats);
	EXPECT_EQ((time_t)(T0 / 1000000000ULL), ev.ts);
	EXPECT_TRUE(lev_is_pd_read(&ev));
	EXPECT_TRUE(lev_is_copy(&ev));
}

TEST(damaged_lines_are_refused)
{
	static const char *const bad[] = {
		"",
		"not json",
		"{\"ts\":\"2026-05-28T20:26:40.000Z\",\"op\":\"open\"",		/* cut */
		"{\"ts\":\"2026-05-28T20:26:40.000Z\",\"op\":\"ope",		/* cut in a string */
		"{\"op\":\"open\"}",						/* no time */
		"{\"ts\":\"yesterday\",\"op\":\"open\"}",
		"{\"ts\":\"2026-05-28T20:26:40Z\",\"op\":\"open\",\"path\":\"\\u12\"}",
		"{\"ts\":\"2026-05-28T20:26:40Z\",\"seq\":x}",
	};
	char buf[256];
	struct lev ev;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf), "%s", bad[i]);
		EXPECT_EQ(-EBADMSG, lev_parse(buf, strlen(buf), &ev)) {
			TH_LOG("accepted: %s", bad[i]);
		}
	}
	snprintf(buf, sizeof(buf), "{\"ts\":\"2026-05-28T20:26:40Z\",\"op\":\"open\",\"uid\":null,"
		 "\"path\":\"a\\ud83d\\ude00b\"}");
	ASSERT_EQ(0, lev_parse(buf, strlen(buf), &ev));
	EXPECT_EQ(-1, ev.uid);
	EXPECT_STREQ("a\xf0\x9f\x98\x80" "b", ev.path);
}

TEST_F(scan, one_pass_counts_days_users_grant_uses_and_the_review)
{
	struct grant g = { .id = 7, .uid = 5001, .categories = PDGUARD_CAT_BASIC,
			   .created = (time_t)(T0 / 1000000000ULL), .user = "acc", .by = "boss",
			   .approver = "chief", .reason = "week" };
	struct eventlog *log;
	struct logscan s;
	char p[64];
	int i;

	g.until = g.created + 7 * 86400;
	ASSERT_EQ(0, eventlog_open(&log, self->path));
	ASSERT_EQ(0, grants_log(log, "grant-add", &g, "boss"));
	/* day 1: 7 granted reads of 6 distinct files in one hour, a refusal; day 2: one read */
	for (i = 0; i < 7; i++) {
		struct event e;

		snprintf(p, sizeof(p), "/srv/f%d", i % 6);
		e = pd_open(5001, p, "allow", T0 + (uint64_t)(60 + i) * 1000000000ULL);
		e.reason = "granted: basic (role none)";
		ASSERT_EQ(0, eventlog_write(log, &e));
	}
	{
		struct event e = pd_open(5001, "/srv/x", "deny", T0 + 100ULL * 1000000000ULL);
		struct event late = pd_open(5002, "/srv/y", "allow",
					    T0 + 86400ULL * 1000000000ULL);

		ASSERT_EQ(0, eventlog_write(log, &e));
		ASSERT_EQ(0, eventlog_write(log, &late));
	}
	eventlog_close(log);

	logscan_init(&s);
	s.review = true;
	s.rv_uid = 5001;
	s.rv_from = g.created;
	s.rv_to = g.until;
	ASSERT_EQ(0, logscan_file(&s, self->path));
	EXPECT_EQ(10, (long)s.lines);
	EXPECT_EQ(0, (long)s.bad_lines);
	ASSERT_EQ(1, (long)s.ngrants);
	EXPECT_EQ(7, (long)s.grants[0].uses);
	EXPECT_STREQ("chief", s.grants[0].approver);
	/* the grant's own event is written now (a third day), its reads in May */
	ASSERT_EQ(3, (long)s.ndays);
	EXPECT_EQ(7, (long)s.days[0].pd_opens);
	EXPECT_EQ(1, (long)s.days[0].denials);
	EXPECT_EQ(1, (long)s.days[1].pd_opens);
	EXPECT_EQ(8, (long)s.rv_total);
	EXPECT_EQ(7, (long)s.rv_opens);
	EXPECT_EQ(1, (long)s.rv_refused);
	ASSERT_EQ(1, (long)s.nhours);
	EXPECT_EQ(6, (long)s.hours[0].distinct);
	EXPECT_EQ(7, (long)s.hours[0].opens);
	logscan_free(&s);

	/* --since after day 1 and --until before now: only day 2 counts; the grant is state */
	logscan_init(&s);
	s.since = g.created + 86400;
	s.until = g.created + 2 * 86400;
	ASSERT_EQ(0, logscan_file(&s, self->path));
	EXPECT_EQ(1, (long)s.ndays);
	EXPECT_EQ(1, (long)s.ngrants);
	EXPECT_EQ(1, (long)s.events_in_range);
	logscan_free(&s);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/* Grants: time parsing, the file (atomic, 0600, reloaded on change), expiry with a fake clock. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "policy/grants.h"
#include "pdg_test.h"

#define NOW 1767225600	/* 2026-01-01T00:00:00Z */

static const struct {
	const char *in;
	int ok;
	time_t want;	/* UTC; -1: not checked */
} times[] = {
	{ "+90s", 1, NOW + 90 },
	{ "+30m", 1, NOW + 1800 },
	{ "+2h", 1, NOW + 7200 },
	{ "+7d", 1, NOW + 7 * 86400 },
	{ "+2w", 1, NOW + 14 * 86400 },
	{ "2026-01-08", 1, NOW + 7 * 86400 + 86399 },	/* TZ=UTC: the end of that day */
	{ "2026-01-08T18:00", 1, NOW + 7 * 86400 + 18 * 3600 },
	{ "2026-01-08 18:00:30", 1, NOW + 7 * 86400 + 18 * 3600 + 30 },
	{ "2026-01-08T18:00:00Z", 1, NOW + 7 * 86400 + 18 * 3600 },
	{ "2026-01-08T18:00:00+05:00", 1, NOW + 7 * 86400 + 13 * 3600 },
	{ "+0d", 0, -1 },
	{ "+5y", 0, -1 },
	{ "7d", 0, -1 },
	{ "2026-02-30", 0, -1 },
	{ "2026-13-01", 0, -1 },
	{ "tomorrow", 0, -1 },
	{ "", 0, -1 },
};

TEST(parse_time)
{
	size_t i;
	time_t t;

	setenv("TZ", "UTC", 1);
	tzset();
	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		int ret = grants_parse_time(times[i].in, NOW, &t);

		EXPECT_EQ(times[i].ok ? 0 : -EINVAL, ret) TH_LOG("%s", times[i].in);
		if (times[i].ok && times[i].want != -1)
			EXPECT_EQ(times[i].want, t) TH_LOG("%s", times[i].in);
	}
}

FIXTURE(file) {
	char dir[64];
	struct grants *g;
};

FIXTURE_SETUP(file)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/pdg-grants-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	strcat(self->dir, "/state");	/* does not exist yet: the first grant creates it */
	ASSERT_EQ(0, grants_open(&self->g, self->dir));
}

FIXTURE_TEARDOWN(file)
{
	char cmd[128];

	grants_close(self->g);
	snprintf(cmd, sizeof(cmd), "rm -rf %.*s", (int)(strlen(self->dir) - 6), self->dir);
	pdg_system(cmd);
}

TEST_F(file, add_allow_expire_once)
{
	struct grant gr = { .uid = 5001, .user = "alice", .categories = PDGUARD_CAT_FINANCIAL,
			    .until = NOW + 100, .by = "root", .approver = "Chief accountant",
			    .reason = "client database, ticket 42 %and spaces" };
	struct grant *v;
	struct grants *again;
	struct stat st;
	char path[128];
	unsigned int id;
	int n;

	ASSERT_EQ(-EINVAL, grants_add(self->g, &gr, NOW + 100, &id));	/* not in the future */
	ASSERT_EQ(0, grants_add(self->g, &gr, NOW, &id));
	EXPECT_EQ(1, id);
	snprintf(path, sizeof(path), "%s/grants", self->dir);
	ASSERT_EQ(0, stat(path, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
	EXPECT_EQ(PDGUARD_CAT_FINANCIAL, grants_allowed(self->g, 5001, NOW + 99));
	EXPECT_EQ(0, grants_allowed(self->g, 5001, NOW + 100));
	EXPECT_EQ(0, grants_allowed(self->g, 5002, NOW + 1));

	/* another reader (the daemon) sees it, strings intact */
	ASSERT_EQ(0, grants_open(&again, self->dir));
	n = grants_list(again, false, NOW + 1, &v);
	ASSERT_EQ(1, n);
	EXPECT_STREQ("client database, ticket 42 %and spaces", v[0].reason);
	EXPECT_STREQ("Chief accountant", v[0].approver);
	grants_free_array(v, n);

	EXPECT_EQ(0, grants_take_expired(again, NOW + 99, &v));
	n = grants_take_expired(again, NOW + 100, &v);
	ASSERT_EQ(1, n);
	EXPECT_EQ(1, v[0].id);
	grants_free_array(v, n);
	EXPECT_EQ(0, grants_take_expired(again, NOW + 200, &v));
	grants_close(again);
	/* reported once, also after a restart */
	ASSERT_EQ(0, grants_open(&again, self->dir));
	EXPECT_EQ(0, grants_take_expired(again, NOW + 300, &v));
	EXPECT_EQ(0, grants_list(again, false, NOW + 300, &v));
	grants_free_array(v, 0);
	EXPECT_EQ(1, grants_list(again, true, NOW + 300, &v));
	grants_free_array(v, 1);
	grants_close(again);
}

TEST_F(file, revoke_counts_at_once_and_is_not_an_expiry)
{
	struct grant gr = { .uid = 5001, .user = "alice", .categories = PDGUARD_CAT_MEDICAL,
			    .until = NOW + 1000, .by = "root", .approver = "a", .reason = "r" };
	struct grant out, *v;
	struct grants *daemon;
	unsigned int id;

	ASSERT_EQ(0, grants_open(&daemon, self->dir));
	ASSERT_EQ(0, grants_add(self->g, &gr, NOW, &id));
	sleep(1);	/* the reader checks the file at most once a second */
	EXPECT_EQ(PDGUARD_CAT_MEDICAL, grants_allowed(daemon, 5001, NOW + 1));
	ASSERT_EQ(0, grants_revoke(self->g, id, NOW + 2, &out));
	EXPECT_EQ(NOW + 2, out.revoked);
	grant_free(&out);
	EXPECT_EQ(-EALREADY, grants_revoke(self->g, id, NOW + 3, NULL));
	EXPECT_EQ(-ENOENT, grants_revoke(self->g, 99, NOW + 3, NULL));
	EXPECT_EQ(1, grants_reload(daemon));
	EXPECT_EQ(0, grants_allowed(daemon, 5001, NOW + 3));
	EXPECT_EQ(0, grants_take_expired(daemon, NOW + 2000, &v));
	grants_close(daemon);
}

TEST_F(file, damaged_file_is_refused)
{
	char path[128];
	struct grants *g2;
	FILE *f;

	mkdir(self->dir, 0700);
	snprintf(path, sizeof(path), "%s/grants", self->dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("pdguard-grants 1\nnext 2\ngrant 1 oops\n", f);
	fclose(f);
	EXPECT_EQ(-EBADMSG, grants_open(&g2, self->dir));
}

TEST_F(file, export_grants)
{
	struct grant by_path = { .uid = 5001, .user = "alice", .categories = PDGUARD_CAT_ALL,
				 .export = true, .zones = GRANT_ZONE_USB, .zone_path = "",
				 .path = "/srv/payroll", .until = NOW + 3600, .by = "root",
				 .approver = "A B", .approver2 = "C", .reason = "bank 1" };
	struct grant by_cat = { .uid = 7000, .group = true, .user = "treasury",
				.categories = PDGUARD_CAT_FINANCIAL, .export = true,
				.zones = GRANT_ZONE_USB | GRANT_ZONE_CLOUD,
				.zone_path = "/media/bank", .path = "", .until = NOW + 3600,
				.by = "root", .approver = "A", .reason = "r" };
	gid_t gids[] = { 100, 7000 };
	struct export_ask q = { .uid = 5001, .gids = gids, .ngids = 2,
				.cats = PDGUARD_CAT_FINANCIAL, .zone = GRANT_ZONE_USB,
				.dest = "/media/bank/x.csv", .approvers = 1 };
	struct export_match m;
	struct grants *again;
	unsigned int id1, id2, ids[4];
	char zone[64];

	ASSERT_EQ(0, grants_add(self->g, &by_path, NOW, &id1));
	ASSERT_EQ(0, grants_add(self->g, &by_cat, NOW, &id2));
	/* an export grant never widens reads */
	EXPECT_EQ(0, grants_allowed(self->g, 5001, NOW));
	/* read back from the file, every field */
	ASSERT_EQ(0, grants_open(&again, self->dir));
	ASSERT_EQ(2, (int)again->n);
	EXPECT_TRUE(again->v[0].export);
	EXPECT_FALSE(again->v[0].group);
	EXPECT_STREQ("/srv/payroll", again->v[0].path);
	EXPECT_STREQ("C", again->v[0].approver2);
	EXPECT_STREQ("bank 1", again->v[0].reason);
	EXPECT_TRUE(again->v[1].group);
	EXPECT_EQ(7000, (int)again->v[1].uid);
	grants_format_zone(&again->v[1], zone, sizeof(zone));
	EXPECT_STREQ("usb,cloud:/media/bank", zone);
	grants_close(again);
	/* by category: the group's grant, for a file under its zone folder only */
	EXPECT_TRUE(grants_export_match(self->g, &q, NOW, &m));
	EXPECT_EQ(1, m.n);
	EXPECT_EQ(id2, m.ids[0]);
	q.dest = "/media/other/x.csv";
	EXPECT_FALSE(grants_export_match(self->g, &q, NOW, &m));
	q.dest = "/media/bank/x.csv";
	q.ngids = 1;				/* not in the group */
	EXPECT_FALSE(grants_export_match(self->g, &q, NOW, &m));
	q.ngids = 2;
	q.approvers = 2;			/* given with one approver */
	EXPECT_FALSE(grants_export_match(self->g, &q, NOW, &m));
	q.approvers = 1;
	EXPECT_FALSE(grants_export_match(self->g, &q, NOW + 3600, &m));	/* ended */
	/* by path: the sources of a file, then the grant for the export */
	EXPECT_EQ(1, grants_export_sources(self->g, &q, "/srv/payroll/06.xlsx", NOW - 60, NOW,
					   ids, 4));
	EXPECT_EQ(id1, ids[0]);
	EXPECT_EQ(0, grants_export_sources(self->g, &q, "/srv/payroll-old/06.xlsx", NOW - 60, NOW,
					   ids, 4));
	/* changed after the grant was given: not the file that was approved */
	EXPECT_EQ(0, grants_export_sources(self->g, &q, "/srv/payroll/06.xlsx", NOW + 1, NOW + 2,
					   ids, 4));
	q.cats = PDGUARD_CAT_BASIC | PDGUARD_CAT_FINANCIAL;
	EXPECT_TRUE(grants_export_by_ids(self->g, &id1, 1, &q, NOW, &m));
	EXPECT_STREQ("A B", m.approver);
	EXPECT_STREQ("C", m.approver2);
	q.zone = GRANT_ZONE_CLOUD;		/* a usb grant */
	EXPECT_FALSE(grants_export_by_ids(self->g, &id1, 1, &q, NOW, &m));
	q.zone = GRANT_ZONE_USB;
	q.uid = 5002;				/* another user */
	EXPECT_FALSE(grants_export_by_ids(self->g, &id1, 1, &q, NOW, &m));
}

TEST(parse_zone)
{
	unsigned int z;
	char *p;

	EXPECT_EQ(0, grants_parse_zone("usb", &z, &p));
	EXPECT_EQ(GRANT_ZONE_USB, z);
	EXPECT_STREQ("", p);
	free(p);
	EXPECT_EQ(0, grants_parse_zone("cloud:/home/a/Dropbox/", &z, &p));
	EXPECT_EQ(GRANT_ZONE_CLOUD, z);
	EXPECT_STREQ("/home/a/Dropbox", p);
	free(p);
	EXPECT_EQ(0, grants_parse_zone("any", &z, &p));
	EXPECT_EQ(GRANT_ZONE_USB | GRANT_ZONE_CLOUD, z);
	free(p);
	EXPECT_EQ(-EINVAL, grants_parse_zone("usb:media", &z, &p));
	EXPECT_EQ(-EINVAL, grants_parse_zone("ftp", &z, &p));
	EXPECT_EQ(-EINVAL, grants_parse_zone("any:/x", &z, &p));
}

TEST_HARNESS_MAIN

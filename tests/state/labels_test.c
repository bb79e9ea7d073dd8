// SPDX-License-Identifier: GPL-2.0
/*
 * The labelling module: the labelling policy as tables, the one writer (attribute, state, event)
 * on a real file, and what the drivers read from the state.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "pdg_test.h"
#include "log/events.h"
#include "state/labels.h"
#include "state/state.h"

#define B PDGUARD_CAT_BASIC
#define F PDGUARD_CAT_FINANCIAL
#define M PDGUARD_CAT_MEDICAL

TEST(after_scan_policy)
{
	static const struct {
		bool have_x;
		uint8_t x_level, x_flags;
		uint32_t x_cats;
		bool pd;
		uint32_t cats;
		uint8_t want_level;
		uint32_t want_cats;
	} t[] = {
		/* classification decides when the file has no label */
		{ false, 0, 0, 0, true, B | F, PDGUARD_LEVEL_PD, B | F },
		{ false, 0, 0, 0, false, 0, PDGUARD_LEVEL_NONE, 0 },
		/* a PD file that no longer holds PD is no longer PD */
		{ true, PDGUARD_LEVEL_PD, 0, B, false, 0, PDGUARD_LEVEL_NONE, 0 },
		/* derived stays derived until the file is PD itself */
		{ true, PDGUARD_LEVEL_DERIVED, 0, M, false, 0, PDGUARD_LEVEL_DERIVED, M },
		{ true, PDGUARD_LEVEL_DERIVED, 0, M, true, B, PDGUARD_LEVEL_PD, B },
		/* an administrator's label wins over classification */
		{ true, PDGUARD_LEVEL_PD, PDGUARD_LABEL_MANUAL, F, false, 0, PDGUARD_LEVEL_PD, F },
		{ true, PDGUARD_LEVEL_NONE, PDGUARD_LABEL_MANUAL, 0, true, B, PDGUARD_LEVEL_NONE, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pdguard_label_xattr x = { .level = t[i].x_level, .flags = t[i].x_flags,
						 .categories = t[i].x_cats };
		uint32_t cats = 0xdead;
		uint8_t level = 0xff;

		labels_after_scan(t[i].have_x ? &x : NULL, t[i].pd, t[i].cats, &level, &cats);
		EXPECT_EQ(t[i].want_level, level) TH_LOG("case %zu", i);
		EXPECT_EQ(t[i].want_cats, cats) TH_LOG("case %zu", i);
	}
}

TEST(derive_policy)
{
	static const struct {
		uint8_t level;
		uint32_t cats, taint;
		bool changed;
		uint8_t want_level;
		uint32_t want_cats;
	} t[] = {
		{ PDGUARD_LEVEL_NONE, 0, B, true, PDGUARD_LEVEL_DERIVED, B },
		/* categories of an unlabelled file do not count */
		{ PDGUARD_LEVEL_NONE, F, B, true, PDGUARD_LEVEL_DERIVED, B },
		{ PDGUARD_LEVEL_DERIVED, B, B, false, PDGUARD_LEVEL_DERIVED, B },
		{ PDGUARD_LEVEL_DERIVED, B, M, true, PDGUARD_LEVEL_DERIVED, B | M },
		/* a PD file stays PD and gains what was written into it */
		{ PDGUARD_LEVEL_PD, F, B, true, PDGUARD_LEVEL_PD, B | F },
		{ PDGUARD_LEVEL_PD, B | F, B, false, PDGUARD_LEVEL_PD, B | F },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t level = t[i].level;
		uint32_t cats = t[i].cats;

		EXPECT_EQ(t[i].changed, labels_derive(&level, &cats, t[i].taint)) TH_LOG("%zu", i);
		EXPECT_EQ(t[i].want_level, level) TH_LOG("case %zu", i);
		EXPECT_EQ(t[i].want_cats, cats) TH_LOG("case %zu", i);
	}
}

FIXTURE(rec) {
	char dir[64], path[96], log[96];
	struct state st;
	struct eventlog *el;
};

FIXTURE_SETUP(rec)
{
	int fd;

	strcpy(self->dir, "/tmp/pdg-labels-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/payroll.csv", self->dir);
	snprintf(self->log, sizeof(self->log), "%s/log/events.jsonl", self->dir);
	fd = open(self->path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ(4, write(fd, "data", 4));
	close(fd);
	ASSERT_EQ(0, state_init(&self->st));
	ASSERT_EQ(0, eventlog_open(&self->el, self->log));
}

FIXTURE_TEARDOWN(rec)
{
	char cmd[128];

	eventlog_close(self->el);
	state_free(&self->st);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	pdg_system(cmd);
}

/* One writer: the attribute, the state and one event; a repeat changes nothing and logs nothing. */
TEST_F(rec, record_writes_attribute_state_and_event)
{
	struct label_record r = { .path = self->path, .fd = -1, .level = PDGUARD_LEVEL_PD,
				  .categories = B | F, .write_xattr = true,
				  .reason = "classified as PD by iin" };
	struct pdguard_label_xattr x;
	struct label_entry e;
	int xerr;

	ASSERT_EQ(0, lstat(self->path, &r.st));
	ASSERT_EQ(1, labels_record(&self->st, self->el, &r, &xerr));
	if (xerr == -ENOTSUP || xerr == -EPERM)
		SKIP(return, "this filesystem or user cannot hold security.* attributes");
	ASSERT_EQ(0, xerr);
	ASSERT_EQ(0, labels_get(self->path, &x));
	EXPECT_EQ(PDGUARD_LEVEL_PD, x.level);
	EXPECT_EQ(B | F, x.categories);
	ASSERT_EQ(0, state_label_get(&self->st, r.st.st_dev, r.st.st_ino, &e));
	EXPECT_EQ(B | F, e.categories);
	/* the state holds the file as it is after the attribute was written (its ctime) */
	{
		struct stat now;

		ASSERT_EQ(0, lstat(self->path, &now));
		EXPECT_EQ((int64_t)now.st_ctim.tv_sec * 1000000000LL + now.st_ctim.tv_nsec,
			  e.ctime_ns);
	}
	r.write_xattr = false;
	ASSERT_EQ(0, labels_record(&self->st, self->el, &r, &xerr));
	eventlog_sync(self->el);
	EXPECT_EQ(1, pdg_count_lines(self->log, "\"op\":\"label\""));
	EXPECT_EQ(1, pdg_count_lines(self->log, "classified as PD by iin"));
}

/* Through a descriptor, and an event that names who caused the label. */
TEST_F(rec, record_by_descriptor_names_the_cause)
{
	struct event cause = event_make("write", "info", NULL);
	struct label_record r = { .path = self->path, .level = PDGUARD_LEVEL_DERIVED,
				  .categories = M, .write_xattr = true, .cause = &cause,
				  .reason = "written by a process tainted with medical" };
	struct pdguard_label_xattr x;
	int xerr;

	cause.uid = 4242;
	cause.pid = 77;
	cause.comm = "cp";
	cause.driver = "fanotify";
	r.fd = open(self->path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, r.fd);
	ASSERT_EQ(0, fstat(r.fd, &r.st));
	ASSERT_EQ(1, labels_record(&self->st, self->el, &r, &xerr));
	close(r.fd);
	if (xerr == -ENOTSUP || xerr == -EPERM)
		SKIP(return, "this filesystem or user cannot hold security.* attributes");
	ASSERT_EQ(0, labels_get(self->path, &x));
	EXPECT_EQ(PDGUARD_LEVEL_DERIVED, x.level);
	eventlog_sync(self->el);
	EXPECT_EQ(1, pdg_count_lines(self->log, "\"comm\":\"cp\""));
	EXPECT_EQ(1, pdg_count_lines(self->log, "\"label\":\"derived\""));
	EXPECT_EQ(1, pdg_count_lines(self->log, "\"driver\":\"fanotify\""));
}

/* A file that was never PD and still is not leaves no event. */
TEST_F(rec, clean_file_is_not_logged)
{
	struct label_record r = { .path = self->path, .fd = -1, .level = PDGUARD_LEVEL_NONE,
				  .reason = "classified: no PD" };
	int xerr;

	ASSERT_EQ(0, lstat(self->path, &r.st));
	ASSERT_EQ(1, labels_record(&self->st, self->el, &r, &xerr));
	eventlog_sync(self->el);
	EXPECT_EQ(0, pdg_count_lines(self->log, "\"op\":\"label\""));
}

static void count_each(void *ctx, const struct label_entry *e)
{
	(*(int *)ctx)++;
}

/* What the drivers read: zones by device and folder, labels with PD, the mode. */
TEST(lookups_for_the_drivers)
{
	struct zone z[2] = {
		{ .kind = ZONE_USB, .dev = 7, .path = "/media/stick" },
		{ .kind = ZONE_CLOUD, .dev = 9, .ino = 5, .path = "/home/a/Dropbox" },
	};
	struct label_entry e = { .dev = 9, .ino = 11, .level = PDGUARD_LEVEL_PD, .categories = B };
	struct zone *copy;
	struct state st;
	char folder[64];
	bool need;
	size_t n;
	int count = 0;

	ASSERT_EQ(0, state_init(&st));
	st.zones.v = z;
	st.zones.n = 2;
	st.mode = PDGUARD_MODE_AUDIT;
	EXPECT_EQ(PDGUARD_MODE_AUDIT, state_mode(&st));
	EXPECT_EQ(PDGUARD_ZONE_USB, state_zone_of(&st, 7, NULL, &need));
	EXPECT_FALSE(need);
	EXPECT_EQ(PDGUARD_ZONE_NONE, state_zone_of(&st, 9, NULL, &need));
	EXPECT_TRUE(need);
	EXPECT_EQ(PDGUARD_ZONE_CLOUD, state_zone_of(&st, 9, "/home/a/Dropbox/x.csv", &need));
	/* a sibling whose name starts like the folder is not in it */
	EXPECT_EQ(PDGUARD_ZONE_NONE, state_zone_of(&st, 9, "/home/a/Dropbox2/x.csv", &need));
	EXPECT_EQ(PDGUARD_ZONE_NONE, state_zone_of(&st, 8, NULL, &need));
	EXPECT_FALSE(need);
	EXPECT_EQ(0, state_cloud_folder(&st, "/home/a/Dropbox/sub/x", folder, sizeof(folder)));
	EXPECT_STREQ("/home/a/Dropbox", folder);
	EXPECT_EQ(-ENOENT, state_cloud_folder(&st, "/home/a/x", folder, sizeof(folder)));
	ASSERT_EQ(0, state_zones_copy(&st, &copy, &n));
	ASSERT_EQ(2, n);
	EXPECT_STREQ("/home/a/Dropbox", copy[1].path);
	EXPECT_NE(z[1].path, copy[1].path);
	state_zones_release(copy, n);

	ASSERT_EQ(1, state_label_put(&st, &e));
	e.ino = 12;
	e.level = PDGUARD_LEVEL_NONE;
	e.categories = 0;
	ASSERT_EQ(1, state_label_put(&st, &e));
	state_labels_each(&st, count_each, &count);
	EXPECT_EQ(1, count);
	st.zones.v = NULL;
	st.zones.n = 0;
	state_free(&st);
}

TEST_HARNESS_MAIN

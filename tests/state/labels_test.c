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
#include <time.h>
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
/* Write @text to a new file at @path (replacing whatever was there). */
static int rewrite(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/*
 * A PD entry is applied to its file and to nothing else: not to a new file that got the old
 * one's inode number (ext4 hands a freed number to the next file), not to a changed version.
 */
TEST_F(rec, lookup_applies_a_label_only_to_its_file)
{
	struct label_record r = { .path = self->path, .fd = -1, .level = PDGUARD_LEVEL_PD,
				  .categories = B | F, .write_xattr = false, .reason = "test" };
	struct label_entry e;
	struct stat now;
	int xerr, i, ret;

	ASSERT_EQ(0, lstat(self->path, &r.st));
	ASSERT_EQ(1, labels_record(&self->st, self->el, &r, &xerr));
	ASSERT_EQ(0, labels_lookup(&self->st, self->el, -1, self->path, &e));
	EXPECT_EQ(B | F, e.categories);
	EXPECT_EQ(1, e.verified);

	/* delete and re-create until the inode number is reused (or give up: then it differs) */
	for (i = 0; i < 50; i++) {
		ASSERT_EQ(0, unlink(self->path));
		ASSERT_EQ(0, rewrite(self->path, "plain notes\n"));
		ASSERT_EQ(0, lstat(self->path, &now));
		if (now.st_ino == r.st.st_ino)
			break;
	}
	ret = labels_lookup(&self->st, self->el, -1, self->path, &e);
	if (now.st_ino != r.st.st_ino) {
		EXPECT_EQ(-ENOENT, ret);
		SKIP(return, "this filesystem did not reuse the inode number in 50 tries");
	}
	/* the same (dev, ino), another file: never the old label; dropped and logged */
	EXPECT_EQ(-ESTALE, ret);
	EXPECT_EQ(-ENOENT, state_label_get(&self->st, now.st_dev, now.st_ino, &e));
	EXPECT_EQ(1, state_stale_count(&self->st));
	eventlog_sync(self->el);
	EXPECT_EQ(1, pdg_count_lines(self->log, "\"op\":\"label-stale\""));
}

TEST_F(rec, lookup_leaves_a_changed_file_to_its_attribute)
{
	struct label_record r = { .path = self->path, .fd = -1, .level = PDGUARD_LEVEL_PD,
				  .categories = B, .write_xattr = false, .reason = "test" };
	struct label_entry e;
	struct timespec nap = { 0, 20 * 1000 * 1000 };
	int xerr, fd;

	ASSERT_EQ(0, lstat(self->path, &r.st));
	ASSERT_EQ(1, labels_record(&self->st, self->el, &r, &xerr));
	nanosleep(&nap, NULL);
	ASSERT_EQ(0, chmod(self->path, 0640));	/* a new ctime: another version */
	fd = open(self->path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-ESTALE, labels_lookup(&self->st, self->el, fd, NULL, &e));
	close(fd);
	EXPECT_EQ(-ENOENT, labels_lookup(&self->st, self->el, -1, self->path, &e));
}

/* An entry from a format-1 cache (no identity) counts only when the file's attribute agrees. */
TEST_F(rec, unverified_entry_needs_the_attribute)
{
	struct label_entry e = { 0 }, got;
	struct stat now;

	ASSERT_EQ(0, lstat(self->path, &now));
	e.dev = now.st_dev;
	e.ino = now.st_ino;
	e.size = now.st_size;
	e.mtime_ns = timespec_ns(&now.st_mtim);
	e.ctime_ns = timespec_ns(&now.st_ctim);
	e.level = PDGUARD_LEVEL_NONE;
	ASSERT_LE(0, state_label_put(&self->st, &e));
	/* it says "no PD" and the file has no label: agreed, and verified from now on */
	ASSERT_EQ(0, labels_lookup(&self->st, self->el, -1, self->path, &got));
	EXPECT_EQ(1, got.verified);
	/* it says PD but the file's attribute does not: dropped */
	ASSERT_EQ(0, state_label_del(&self->st, e.dev, e.ino));
	e.level = PDGUARD_LEVEL_PD;
	e.categories = F;
	ASSERT_LE(0, state_label_put(&self->st, &e));
	EXPECT_EQ(-ESTALE, labels_lookup(&self->st, self->el, -1, self->path, &got));
	EXPECT_EQ(-ENOENT, state_label_get(&self->st, e.dev, e.ino, &got));
}

TEST(lookups_for_the_drivers)
{
	struct zone z[2] = {
		{ .kind = ZONE_USB, .dev = 7, .path = "/media/stick" },
		{ .kind = ZONE_CLOUD, .dev = 9, .ino = 5, .path = "/home/a/Dropbox" },
	};
	struct label_entry e = { .dev = 9, .ino = 11, .level = PDGUARD_LEVEL_PD, .categories = B,
				 .verified = 1 };
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
	/* a PD label from an old cache, not yet checked against its file: not for the drivers */
	e.ino = 13;
	e.level = PDGUARD_LEVEL_PD;
	e.categories = F;
	e.verified = 0;
	ASSERT_EQ(1, state_label_put(&st, &e));
	state_labels_each(&st, count_each, &count);
	EXPECT_EQ(1, count);
	st.zones.v = NULL;
	st.zones.n = 0;
	state_free(&st);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * A torn last line (a power cut between the file's size and its data reaching the disk) is
 * repaired by the next writer and logged as log-repair, never a reason to refuse the log: the torn
 * bytes are kept, the chain (and the seals) go on, and `log verify` accepts the torn line only
 * with the repair line that names its length and SHA-256 right after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "log/events.h"
#include "log/seal.h"
#include "pdg_test.h"

#define EVENTS 5

static int write_events(const char *path, int n)
{
	struct eventlog *log;
	int i, ret;

	ret = eventlog_open(&log, path);
	if (ret)
		return ret;
	for (i = 0; i < n && !ret; i++) {
		struct event ev = event_agent("label", "info", "label set by the administrator");

		ev.path = "/srv/hr/employee-7.docx";
		ret = eventlog_write(log, &ev);
	}
	eventlog_close(log);
	return ret;
}

static size_t file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_size;
}

static int append_bytes(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, buf, len);
	close(fd);
	return w == (ssize_t)len ? 0 : -EIO;
}

/* The first half of a real line: what a power cut leaves of a line half on disk. */
static int tear_half_line(const char *path, size_t *torn)
{
	char buf[4096];
	FILE *f = fopen(path, "re");
	size_t n;

	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		return -EIO;
	}
	fclose(f);
	n = strlen(buf) / 2;
	*torn = n;
	return append_bytes(path, buf, n);
}

/* A run of zeros: blocks the file system allocated whose data never came. */
static int tear_zeros(const char *path, size_t n, size_t *torn)
{
	char *z = calloc(1, n);
	int ret;

	if (!z)
		return -ENOMEM;
	ret = append_bytes(path, z, n);
	free(z);
	*torn = n;
	return ret;
}

FIXTURE(torn) {
	char dir[64];
	char path[128];
};

FIXTURE_VARIANT(torn) {
	const char *name;
	int events_before;	/* whole lines before the tear */
	int kind;		/* 0 half a line, 1 zeros, 2 the last newline lost */
	size_t zeros;
};

FIXTURE_VARIANT_ADD(torn, half_line) { .events_before = EVENTS, .kind = 0 };
FIXTURE_VARIANT_ADD(torn, zeros) { .events_before = EVENTS, .kind = 1, .zeros = 4096 };
/* longer than the longest line the writer reads back at once */
FIXTURE_VARIANT_ADD(torn, zeros_longer_than_a_line) {
	.events_before = EVENTS, .kind = 1, .zeros = 200000 };
FIXTURE_VARIANT_ADD(torn, newline_lost) { .events_before = EVENTS, .kind = 2 };
FIXTURE_VARIANT_ADD(torn, only_line_torn) { .events_before = 0, .kind = 1, .zeros = 300 };

FIXTURE_SETUP(torn)
{
	strcpy(self->dir, "/tmp/pdg-torn-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/events.jsonl", self->dir);
}

FIXTURE_TEARDOWN(torn)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	pdg_system(cmd);
}

/* Tear the log as the variant says; @torn: the torn bytes the repair must name (0: none). */
static int tear(const char *path, const FIXTURE_VARIANT(torn) *v, size_t *torn)
{
	size_t size;

	if (v->events_before) {
		int ret = write_events(path, v->events_before);

		if (ret)
			return ret;
	} else {
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0)
			return -errno;
		close(fd);
	}
	switch (v->kind) {
	case 0:
		return tear_half_line(path, torn);
	case 1:
		return tear_zeros(path, v->zeros, torn);
	default:
		size = file_size(path);
		*torn = 0;
		return truncate(path, size - 1) ? -errno : 0;
	}
}

TEST_F(torn, is_repaired_logged_and_verifies)
{
	uint64_t lines, bad;
	size_t torn = 0;
	char want[64], last[65];
	int whole = variant->kind == 2;

	ASSERT_EQ(0, tear(self->path, variant, &torn));
	/* before any writer has repaired it, the log is not intact, and says where */
	EXPECT_EQ(-EBADMSG, eventlog_verify(self->path, NULL, &lines, &bad, last));
	EXPECT_EQ(variant->events_before + !whole, bad);

	/* the next writer opens it, repairs it and goes on */
	ASSERT_EQ(0, write_events(self->path, 2));
	EXPECT_EQ(1, pdg_count_lines(self->path, "\"op\":\"log-repair\",\"decision\":\"alert\""));
	snprintf(want, sizeof(want), "\"torn_bytes\":%zu,", torn);
	EXPECT_EQ(1, pdg_count_lines(self->path, want));
	EXPECT_EQ(whole ? 0 : 1, pdg_count_lines(self->path, "\"torn_sha256\":\""));
	ASSERT_EQ(0, eventlog_verify(self->path, NULL, &lines, &bad, last));
	/* the torn line (kept), the repair line and the two new events */
	EXPECT_EQ(variant->events_before + !whole + 1 + 2, lines);

	/* a second open finds nothing to repair */
	ASSERT_EQ(0, write_events(self->path, 1));
	EXPECT_EQ(1, pdg_count_lines(self->path, "\"op\":\"log-repair\""));
	ASSERT_EQ(0, eventlog_verify(self->path, NULL, &lines, &bad, last));
}

TEST_F(torn, an_edit_of_the_kept_bytes_is_found)
{
	uint64_t lines, bad;
	size_t torn = 0, size;
	char last[65], c;
	int fd;

	ASSERT_EQ(0, tear(self->path, variant, &torn));
	size = file_size(self->path);
	ASSERT_EQ(0, write_events(self->path, 1));
	/*
	 * change the last torn byte, which the repair line's SHA-256 covers (a line that only
	 * lost its newline is a chained line again: its own hash covers it)
	 */
	fd = open(self->path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(1, pread(fd, &c, 1, size - 1));
	c ^= 1;
	ASSERT_EQ(1, pwrite(fd, &c, 1, size - 1));
	close(fd);
	EXPECT_EQ(-EBADMSG, eventlog_verify(self->path, NULL, &lines, &bad, last));
	EXPECT_EQ(variant->events_before + (variant->kind != 2), bad);
}

TEST(garbage_not_followed_by_its_repair_is_broken)
{
	char dir[] = "/tmp/pdg-torn-XXXXXX", path[64], cmd[128], last[65];
	uint64_t lines, bad;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	ASSERT_EQ(0, write_events(path, 3));
	/* a line of junk before line 3, with no repair line after it: not a torn line */
	snprintf(cmd, sizeof(cmd), "sed -i '3i not an event' '%s'", path);
	ASSERT_EQ(0, pdg_system(cmd));
	EXPECT_EQ(-EBADMSG, eventlog_verify(path, NULL, &lines, &bad, last));
	EXPECT_EQ(3, bad);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	pdg_system(cmd);
}

TEST(a_torn_tail_after_a_line_that_is_no_event_is_refused)
{
	char dir[] = "/tmp/pdg-torn-XXXXXX", path[64], cmd[64];
	struct eventlog *log;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	ASSERT_EQ(0, write_events(path, 2));
	ASSERT_EQ(0, append_bytes(path, "{\"edited\":true}\n{\"ts\":\"20", 25));
	/* the chain cannot be resumed from a line that is no event: still an error, no repair */
	EXPECT_EQ(-EBADMSG, eventlog_open(&log, path));
	EXPECT_EQ(0, pdg_count_lines(path, "log-repair"));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	pdg_system(cmd);
}

TEST(a_sealed_log_stays_sealed_through_a_repair)
{
	char dir[] = "/tmp/pdg-torn-XXXXXX", path[64], key[96], cmd[64], last[65];
	struct seal_key k0;
	struct seal_check sc;
	struct eventlog *log;
	struct event ev;
	uint64_t lines, bad;
	size_t torn;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	snprintf(key, sizeof(key), "%s/" SEAL_KEY_FILE, dir);
	/* epochs of 10 s from 1000 s ago: a seal is due at the first write */
	ASSERT_EQ(0, seal_key_new(&k0, 10, time(NULL) - 1000));
	ASSERT_EQ(0, seal_key_save(key, &k0));
	ASSERT_EQ(0, eventlog_open(&log, path));
	ASSERT_EQ(0, eventlog_seal_attach(log, key));
	ev = event_agent("test", "info", "before the power cut");
	ASSERT_EQ(0, eventlog_write(log, &ev));
	eventlog_close(log);
	ASSERT_EQ(0, tear_half_line(path, &torn));

	ASSERT_EQ(0, eventlog_open(&log, path));
	ASSERT_EQ(0, eventlog_seal_attach(log, key));
	ev = event_agent("test", "info", "after the repair");
	ASSERT_EQ(0, eventlog_write(log, &ev));
	eventlog_close(log);
	seal_check_init(&sc, &k0);
	ASSERT_EQ(0, eventlog_verify_sealed(path, NULL, &sc, &lines, &bad, last));
	EXPECT_EQ(1, sc.nseals);
	EXPECT_EQ(5, lines);	/* seal, event, torn, log-repair, event */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	pdg_system(cmd);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/* The event log's hash chain: intact logs verify, every kind of tampering is found at its line. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "log/events.h"
#include "pdg_test.h"

FIXTURE(log) {
	char dir[64];
	char path[128];
};

FIXTURE_SETUP(log)
{
	strcpy(self->dir, "/tmp/pdg-eventlog-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/log/events.jsonl", self->dir);
}

FIXTURE_TEARDOWN(log)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	pdg_system(cmd);
}

static int write_events(const char *path, int n, int first)
{
	struct eventlog *log;
	char p[64];
	int i, ret;

	ret = eventlog_open(&log, path);
	if (ret)
		return ret;
	for (i = 0; i < n && !ret; i++) {
		struct event ev = {
			.op = "open", .decision = i % 3 ? "allow" : "deny",
			.reason = "role accounting may not read personnel", .uid = 1000 + i,
			.pid = 4242, .comm = "cat", .exe = "/usr/bin/cat", .path = p,
			.label = "pd", .categories = PDGUARD_CAT_PERSONNEL | PDGUARD_CAT_BASIC,
			.driver = "fanotify",
		};

		snprintf(p, sizeof(p), "/srv/hr/employee-%d.docx", first + i);
		ret = eventlog_write(log, &ev);
	}
	eventlog_close(log);
	return ret;
}

/* Rewrite the file through @edit, which gets all lines and returns the new count. */
static void rewrite(const char *path, int (*edit)(char **lines, int n))
{
	char *lines[256], buf[8192];
	FILE *f = fopen(path, "r");
	int n = 0, i;

	while (n < 256 && fgets(buf, sizeof(buf), f))
		lines[n++] = strdup(buf);
	fclose(f);
	n = edit(lines, n);
	f = fopen(path, "w");
	for (i = 0; i < n; i++)
		fputs(lines[i], f);
	fclose(f);
}

static int edit_line5(char **l, int n)
{
	char *s = strstr(l[4], "employee-");

	s[9] = s[9] == '9' ? '8' : '9';	/* one character of the path */
	return n;
}

static int delete_line5(char **l, int n)
{
	memmove(&l[4], &l[5], (n - 5) * sizeof(*l));
	return n - 1;
}

static int swap_lines_5_6(char **l, int n)
{
	char *t = l[4];

	l[4] = l[5];
	l[5] = t;
	return n;
}

static int delete_first(char **l, int n)
{
	memmove(&l[0], &l[1], (n - 1) * sizeof(*l));
	return n - 1;
}

static int flip_decision_line3(char **l, int n)
{
	char *s = strstr(l[2], "\"decision\":\"deny\"");

	if (s)
		memcpy(s + 12, "allow\",", 7);	/* deny" -> allo..: any change will do */
	else
		l[2][10] ^= 1;
	return n;
}

TEST_F(log, intact_log_verifies_and_resumes)
{
	uint64_t lines, bad;
	char last[65];
	struct stat st;

	ASSERT_EQ(0, write_events(self->path, 10, 0));
	ASSERT_EQ(0, write_events(self->path, 5, 10));	/* reopen: the chain goes on */
	ASSERT_EQ(0, eventlog_verify(self->path, NULL, &lines, &bad, last));
	EXPECT_EQ(15, lines);
	EXPECT_EQ(64, strlen(last));
	ASSERT_EQ(0, stat(self->path, &st));
	EXPECT_EQ(0600, st.st_mode & 0777);
}

static int observed;

static void count_observed(void *ctx, const struct event *ev)
{
	observed++;
}

/* A logger's burst: one lock of the file, the same chain as one write at a time. */
TEST_F(log, a_burst_written_at_once_chains_like_single_writes)
{
	struct event evs[EVENTLOG_BATCH_MAX + 1];
	struct eventlog *log;
	uint64_t lines, bad;
	char p[EVENTLOG_BATCH_MAX][64];
	int i;

	ASSERT_EQ(0, write_events(self->path, 3, 0));
	ASSERT_EQ(0, eventlog_open(&log, self->path));
	eventlog_set_observer(log, count_observed, NULL);
	for (i = 0; i <= EVENTLOG_BATCH_MAX; i++) {
		evs[i] = (struct event){ .op = "open", .decision = "allow", .reason = "role hr",
					 .uid = 1000, .pid = 77, .comm = "cp", .exe = "/usr/bin/cp",
					 .label = "pd", .categories = PDGUARD_CAT_BASIC,
					 .driver = "fanotify" };
		if (i < EVENTLOG_BATCH_MAX) {
			snprintf(p[i], sizeof(p[i]), "/srv/hr/burst-%d.csv", i);
			evs[i].path = p[i];
		}
	}
	observed = 0;
	EXPECT_EQ(-EINVAL, eventlog_write_many(log, evs, EVENTLOG_BATCH_MAX + 1));
	EXPECT_EQ(0, observed);
	EXPECT_EQ(EVENTLOG_BATCH_MAX, eventlog_write_many(log, evs, EVENTLOG_BATCH_MAX));
	EXPECT_EQ(EVENTLOG_BATCH_MAX, observed);
	EXPECT_EQ(0, eventlog_write_many(log, evs, 0));
	eventlog_close(log);
	ASSERT_EQ(0, write_events(self->path, 2, 3));	/* and single writes go on after it */
	ASSERT_EQ(0, eventlog_verify(self->path, NULL, &lines, &bad, NULL));
	EXPECT_EQ(3 + EVENTLOG_BATCH_MAX + 2, lines);
	/* in order: the burst's last path just before the single writes */
	ASSERT_EQ(0, pdg_system_f("grep -n burst-63.csv %s | grep -q '^%d:'", self->path,
				3 + EVENTLOG_BATCH_MAX));
}

TEST_F(log, rotated_files_verify_as_one_chain)
{
	char p1[160], p2[160], last[65];
	struct eventlog *log;
	uint64_t lines, bad;
	struct event ev = { .op = "open", .decision = "allow", .driver = "agent" };

	ASSERT_EQ(0, eventlog_open(&log, self->path));
	ASSERT_EQ(0, eventlog_write(log, &ev));
	ASSERT_EQ(0, eventlog_rotate(log, 2));
	ASSERT_EQ(0, eventlog_write(log, &ev));
	ASSERT_EQ(0, eventlog_rotate(log, 2));
	ASSERT_EQ(0, eventlog_write(log, &ev));
	eventlog_close(log);
	snprintf(p1, sizeof(p1), "%s.1", self->path);
	snprintf(p2, sizeof(p2), "%s.2", self->path);
	/* oldest first, one chain */
	ASSERT_EQ(0, eventlog_verify(p2, NULL, &lines, &bad, last));
	EXPECT_EQ(1, lines);
	ASSERT_EQ(0, eventlog_verify(p1, last, &lines, &bad, last));
	EXPECT_EQ(2, lines);
	ASSERT_EQ(0, eventlog_verify(self->path, last, &lines, &bad, last));
	EXPECT_EQ(2, lines);
	/* the newest alone starts with its rotate line, so it verifies too */
	EXPECT_EQ(0, eventlog_verify(self->path, NULL, &lines, &bad, NULL));
	/* but not after the wrong predecessor */
	ASSERT_EQ(0, eventlog_verify(p2, NULL, &lines, &bad, last));
	EXPECT_EQ(-EBADMSG, eventlog_verify(self->path, last, &lines, &bad, NULL));
	EXPECT_EQ(1, bad);
}

TEST_F(log, two_processes_writing_keep_one_chain)
{
	uint64_t lines, bad;
	pid_t pid[2];
	int i, status;

	/* the daemon and a CLI command (grant add, label set) append to the same log */
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_GE(pid[i], 0);
		if (pid[i] == 0)
			_exit(write_events(self->path, 500, i * 1000) ? 1 : 0);
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		ASSERT_EQ(0, WEXITSTATUS(status));
	}
	ASSERT_EQ(0, eventlog_verify(self->path, NULL, &lines, &bad, NULL));
	EXPECT_EQ(1000, lines);
}

TEST_F(log, every_line_has_the_contract_fields)
{
	static const char *const fields[] = {
		"\"ts\":", "\"host\":", "\"seq\":", "\"op\":", "\"decision\":", "\"reason\":",
		"\"uid\":", "\"user\":", "\"pid\":", "\"comm\":", "\"exe\":", "\"path\":",
		"\"target\":", "\"label\":", "\"categories\":[\"basic\",\"personnel\"]",
		"\"zone\":", "\"driver\":", "\"hash\":",
	};
	char buf[8192];
	size_t i;
	FILE *f;

	ASSERT_EQ(0, write_events(self->path, 1, 0));
	f = fopen(self->path, "r");
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		EXPECT_NE(NULL, strstr(buf, fields[i])) TH_LOG("missing %s in %s", fields[i], buf);
}

/* No full path from the kernel: the line says null and names what the kernel gave, no fake path. */
TEST_F(log, unresolved_path_is_named_not_faked)
{
	struct event ev = event_make("rename", "deny", "a file labelled financial may not be "
				     "moved into a usb zone");
	struct eventlog *log;
	char buf[8192];
	FILE *f;

	ev.file_name = "salary.csv";
	ev.file_dev = makedev(8, 1);
	ev.file_ino = 12;
	ev.target_name = "copy.csv";
	ev.target_dir_dev = makedev(259, 3);
	ev.target_dir_ino = 2;
	ev.driver = "bpf-lsm";
	ASSERT_EQ(0, eventlog_open(&log, self->path));
	ASSERT_EQ(0, eventlog_write(log, &ev));
	/* resolved: the path alone, the kernel's names are not repeated */
	ev.path = "/srv/hr/salary.csv";
	ev.target = "/media/stick/copy.csv";
	ASSERT_EQ(0, eventlog_write(log, &ev));
	eventlog_close(log);
	f = fopen(self->path, "r");
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	EXPECT_NE(NULL, strstr(buf, "\"path\":null,\"target\":null,")) TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, ",\"file_name\":\"salary.csv\",\"file_dev\":\"8:1\","
			       "\"file_ino\":12,\"target_name\":\"copy.csv\","
			       "\"target_dir_dev\":\"259:3\",\"target_dir_ino\":2,")) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, "(dev"));
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "\"path\":\"/srv/hr/salary.csv\"")) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, "file_name")) TH_LOG("%s", buf);
	EXPECT_EQ(NULL, strstr(buf, "target_name")) TH_LOG("%s", buf);
}

FIXTURE_VARIANT(tamper) {
	int (*edit)(char **lines, int n);
	uint64_t bad_line;
};

FIXTURE(tamper) {
	char dir[64];
	char path[128];
};

FIXTURE_SETUP(tamper)
{
	strcpy(self->dir, "/tmp/pdg-eventlog-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/events.jsonl", self->dir);
	ASSERT_EQ(0, write_events(self->path, 10, 0));
}

FIXTURE_TEARDOWN(tamper)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	pdg_system(cmd);
}

FIXTURE_VARIANT_ADD(tamper, edited) { .edit = edit_line5, .bad_line = 5 };
FIXTURE_VARIANT_ADD(tamper, deleted) { .edit = delete_line5, .bad_line = 5 };
FIXTURE_VARIANT_ADD(tamper, reordered) { .edit = swap_lines_5_6, .bad_line = 5 };
FIXTURE_VARIANT_ADD(tamper, first_deleted) { .edit = delete_first, .bad_line = 1 };
FIXTURE_VARIANT_ADD(tamper, decision_flipped) { .edit = flip_decision_line3, .bad_line = 3 };

TEST_F(tamper, is_found_at_its_line)
{
	char cmd[2 * PATH_MAX + 600], pd[PATH_MAX];
	uint64_t lines, bad;

	rewrite(self->path, variant->edit);
	ASSERT_EQ(-EBADMSG, eventlog_verify(self->path, NULL, &lines, &bad, NULL));
	EXPECT_EQ(variant->bad_line, bad);
	/* the CLI says the same, with exit status 1 */
	ASSERT_EQ(0, pdg_build_path(pd, sizeof(pd), "pdguard"));
	snprintf(cmd, sizeof(cmd), "'%s' log verify '%s' >'%s.out'; test $? -eq 1 && "
		 "grep -q ':%llu: BROKEN' '%s.out'", pd, self->path, self->path,
		 (unsigned long long)variant->bad_line, self->path);
	EXPECT_EQ(0, pdg_system(cmd));
}

/*
 * One writer for every JSON string: controls escaped, UTF-8 kept, and a byte that is not UTF-8
 * (a file name in CP1251, say) kept recoverable as \udcXX rather than replaced, so the audit log
 * names the very file that was touched.
 */
TEST(json_strings_are_escaped_and_invalid_bytes_recoverable)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	json_put_string(f, "a\"b\\c\n\x01 \xd0\x98\xd0\x98\xd0\x9d \xff\xfe\xc0\xaf \xed\xa0\x80 end");
	fclose(f);
	EXPECT_STREQ("\"a\\\"b\\\\c\\n\\u0001 ИИН \\udcff\\udcfe\\udcc0\\udcaf "
		     "\\udced\\udca0\\udc80 end\"", buf);
	free(buf);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The fanotify driver on this machine's kernel, driven directly (state, policy, event log,
 * grants; dispatch in a thread, as the daemon will). Every test runs in a private mount
 * namespace with its own tmpfs mounts: "shares" (a scan root), "usb" (declared a USB zone), and
 * a home with a Dropbox folder; marks go only on those. Test users pdgt-hr, pdgt-acc, pdgt-it
 * are created for each test and removed in teardown; commands run as them through setpriv.
 * Nothing is timed: where the outcome comes later (an event, an expiry), a bounded loop waits
 * for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "drivers/driver.h"
#include "policy/alerts.h"
#include "policy/grants.h"
#include "state/labels.h"
#include "pdg_test.h"

static const char *const users[] = { "pdgt-hr", "pdgt-acc", "pdgt-it" };

struct env {
	char root[64];
	char shares[128], usb[128], home[128], cloud[128], work[128], log[128], conf[128];
	struct config cfg;
	struct state st;
	struct eventlog *log_h;
	struct grants *grants;
	struct alerts *alerts;
	struct driver *drv;
	pthread_t dispatcher;
	volatile int stop;
	bool started;
};

static void *dispatch_loop(void *arg)
{
	struct env *e = arg;
	struct pollfd pfd = { .fd = driver_fanotify_ops.fd(e->drv), .events = POLLIN };

	while (!e->stop)
		if (poll(&pfd, 1, 50) > 0)
			driver_fanotify_ops.dispatch(e->drv);
	return NULL;
}

/* Run @cmd as @user in its own session (own process group), output discarded. */
static int as(const char *user, const char *cmd)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "setsid -w setpriv --reuid=%s --regid=%s --init-groups -- "
		 "sh -c '%s' >/dev/null 2>&1", user, user, cmd);
	return pdg_system(buf);
}

/* Lines of the event log holding every one of the strings (NULL-terminated). */
static int log_count(const struct env *e, ...)
{
	char *line = NULL;
	size_t cap = 0;
	int n = 0;
	FILE *f = fopen(e->log, "re");
	va_list ap;

	if (!f)
		return 0;
	while (getline(&line, &cap, f) > 0) {
		const char *s;
		bool all = true;

		va_start(ap, e);
		while ((s = va_arg(ap, const char *)))
			all = all && strstr(line, s);
		va_end(ap);
		n += all;
	}
	free(line);
	fclose(f);
	return n;
}

/* Wait (bounded: 10 s) until the log has at least @want such lines; the count. */
#define WAIT_LOG(e, want, ...)							\
	({									\
		int __n = 0, __i;						\
		for (__i = 0; __i < 1000; __i++) {				\
			__n = log_count(e, __VA_ARGS__, NULL);			\
			if (__n >= (want))					\
				break;						\
			usleep(10000);						\
		}								\
		__n;								\
	})

static int label_file(struct env *e, const char *path, uint8_t level, uint32_t cats)
{
	struct label_entry le = { 0 };
	struct stat st;
	int ret;

	if (stat(path, &st))
		return -errno;
	ret = labels_set(path, level, cats, PDGUARD_LABEL_MANUAL);
	if (ret)
		return ret;
	le.dev = st.st_dev;
	le.ino = st.st_ino;
	le.size = st.st_size;
	le.level = level;
	le.categories = cats;
	state_label_put(&e->st, &le);
	return e->drv ? driver_fanotify_ops.label(e->drv, &le, path) : 0;
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0) {
		close(fd);
		return -errno;
	}
	fchmod(fd, mode);
	close(fd);
	return 0;
}

static void remove_users(void)
{
	char cmd[256];
	size_t i;

	for (i = 0; i < 3; i++) {
		/* userdel refuses a user with a live process: those go first */
		snprintf(cmd, sizeof(cmd), "for i in 1 2 3 4 5 6 7 8 9 10; do pkill -KILL -u %s; "
			 "userdel %s && break; sleep 0.1; done >/dev/null 2>&1; groupdel %s "
			 ">/dev/null 2>&1", users[i], users[i], users[i]);
		pdg_system(cmd);
	}
}

static int make_users(const char *home)
{
	char cmd[512];
	size_t i;

	remove_users();	/* left over from an interrupted run */
	for (i = 0; i < 3; i++) {
		snprintf(cmd, sizeof(cmd), "groupadd %s && useradd -M -N -g %s -d %s/%s "
			 "-s /usr/sbin/nologin %s", users[i], users[i], home, users[i], users[i]);
		if (pdg_system(cmd))
			return -1;
	}
	return 0;
}

static int setup_env(struct env *e, bool audit, bool fail_open, unsigned int timeout_ms)
{
	struct config_errors errs = { 0 };
	char buf[4096], path[256];
	FILE *f;

	snprintf(e->root, sizeof(e->root), "/tmp/pdg-fan-XXXXXX");
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return -1;
	if (!mkdtemp(e->root) || mount("pdg-fan", e->root, "tmpfs", 0, "size=64m,mode=0755"))
		return -1;
	snprintf(e->shares, sizeof(e->shares), "%s/shares", e->root);
	snprintf(e->usb, sizeof(e->usb), "%s/usb", e->root);
	snprintf(e->home, sizeof(e->home), "%s/home", e->root);
	snprintf(e->cloud, sizeof(e->cloud), "%s/home/pdgt-hr/Dropbox", e->root);
	snprintf(e->work, sizeof(e->work), "%s/shares/work", e->root);
	snprintf(e->log, sizeof(e->log), "%s/log/events.jsonl", e->root);
	snprintf(e->conf, sizeof(e->conf), "%s/pdguard.conf", e->root);
	mkdir(e->shares, 0755);
	mkdir(e->usb, 01777);
	mkdir(e->home, 0755);
	if (mount("pdg-shares", e->shares, "tmpfs", 0, "size=64m,mode=0755") ||
	    mount("pdg-usb", e->usb, "tmpfs", 0, "size=16m,mode=1777"))
		return -1;
	/* mkdir's mode goes through the umask: chmod says what the users may do */
	mkdir(e->work, 0);
	chmod(e->work, 01777);
	snprintf(path, sizeof(path), "%s/pdgt-hr", e->home);
	mkdir(path, 0);
	chmod(path, 0777);
	mkdir(e->cloud, 0);
	chmod(e->cloud, 0777);
	snprintf(path, sizeof(path), "%s/pdgt-hr/bin", e->home);
	mkdir(path, 0755);
	/* a program of its own (cat with a tail): clients are known by content, and cat is cat */
	snprintf(buf, sizeof(buf), "cp /bin/cat %s/fakesync && printf 'fake sync client' >>"
		 " %s/fakesync", path, path);
	if (pdg_system(buf))
		return -1;
	if (make_users(e->home))
		return -1;

	f = fopen(e->conf, "we");
	if (!f)
		return -1;
	fprintf(f, "[agent]\nmode = %s\ndriver = fanotify\nlog = %s\nstate = %s/state\n"
		"scan = %s\nfail = %s\ndecision_timeout_ms = %u\n"
		"[zone usb]\nremovable = no\npath = %s\n"
		"[zone cloud]\npath = %s\nclient = ~/bin/fakesync\n"
		"[role hr]\ngroup = pdgt-hr\nread = basic personnel\n"
		"[role accounting]\ngroup = pdgt-acc\nread = basic financial\n",
		audit ? "audit" : "enforce", e->log, e->root, e->shares, fail_open ? "open" : "closed",
		timeout_ms, e->usb, e->cloud);
	fclose(f);
	if (config_load(e->conf, &e->cfg, &errs)) {
		config_errors_free(&errs);
		return -1;
	}
	if (state_init(&e->st) || zones_scan(&e->cfg, &e->st.zones, NULL, NULL))
		return -1;
	e->st.mode = e->cfg.mode;
	e->st.cfg = &e->cfg;
	if (eventlog_open(&e->log_h, e->log))
		return -1;
	snprintf(path, sizeof(path), "%s/state", e->root);
	if (grants_open(&e->grants, path))
		return -1;

	/* the files, labelled before the driver starts (found by its start-up walk) */
	snprintf(path, sizeof(path), "%s/staff.csv", e->shares);
	if (write_file(path, "ФИО;ИИН;должность\n", 0644) ||
	    label_file(e, path, PDGUARD_LEVEL_PD, PDGUARD_CAT_PERSONNEL | PDGUARD_CAT_BASIC))
		return -1;
	snprintf(path, sizeof(path), "%s/salary.csv", e->shares);
	if (write_file(path, "ИИН;оклад\n", 0644) ||
	    label_file(e, path, PDGUARD_LEVEL_PD, PDGUARD_CAT_FINANCIAL))
		return -1;
	snprintf(path, sizeof(path), "%s/readme.txt", e->shares);
	if (write_file(path, "nothing personal\n", 0644))
		return -1;
	return 0;
}

static int start_driver(struct env *e)
{
	struct driver_env denv = { .st = &e->st, .cfg = &e->cfg, .log = e->log_h,
				   .agent_pid = getpid() };

	/* as the daemon does: grants through the state, alerts from what is logged */
	e->st.grants = e->grants;
	if (alerts_new(&e->alerts, &e->cfg, e->log_h, NULL, NULL))
		return -1;
	eventlog_set_observer(e->log_h, alerts_observe, e->alerts);

	if (driver_fanotify_ops.start(&denv, &e->drv))
		return -1;
	e->started = true;
	return pthread_create(&e->dispatcher, NULL, dispatch_loop, e) ? -1 : 0;
}

static void teardown_env(struct env *e)
{
	if (e->started) {
		e->stop = 1;
		pthread_join(e->dispatcher, NULL);
	}
	if (e->drv)
		driver_fanotify_ops.stop(e->drv);
	e->drv = NULL;
	if (e->log_h)
		eventlog_close(e->log_h);
	alerts_free(e->alerts);
	grants_close(e->grants);
	remove_users();
	if (e->root[0] && strcmp(e->root, "/tmp/pdg-fan-XXXXXX")) {
		umount2(e->usb, MNT_DETACH);
		umount2(e->shares, MNT_DETACH);
		umount2(e->root, MNT_DETACH);
		rmdir(e->root);
	}
}

FIXTURE(fan) {
	struct env e;
};

FIXTURE_SETUP(fan)
{
	memset(&self->e, 0, sizeof(self->e));
	if (geteuid() != 0)
		SKIP(return, "needs root (fanotify permission events, mounts, test users)");
	if (system("command -v setpriv useradd setsid >/dev/null 2>&1"))
		SKIP(return, "needs setpriv, setsid and useradd (util-linux, passwd)");
	ASSERT_EQ(0, setup_env(&self->e, false, true, 2000));
	ASSERT_EQ(0, start_driver(&self->e));
}

FIXTURE_TEARDOWN(fan)
{
	teardown_env(&self->e);
}

TEST_F(fan, hr_reads_personnel_file)
{
	char cmd[512];

	RETURN_IF_SETUP_SKIPPED();
	snprintf(cmd, sizeof(cmd), "cat %s/staff.csv", self->e.shares);
	EXPECT_EQ(0, as("pdgt-hr", cmd));
	EXPECT_EQ(1, WAIT_LOG(&self->e, 1, "\"decision\":\"allow\"", "\"user\":\"pdgt-hr\"",
			      "staff.csv", "\"driver\":\"fanotify\"", "role hr may read"));
	/* an unlabelled file on the same share is never asked about */
	snprintf(cmd, sizeof(cmd), "cat %s/readme.txt", self->e.shares);
	EXPECT_EQ(0, as("pdgt-it", cmd));
}

TEST_F(fan, accounting_and_it_are_refused)
{
	char cmd[512];

	RETURN_IF_SETUP_SKIPPED();
	snprintf(cmd, sizeof(cmd), "cat %s/staff.csv 2>&1 | grep -q \"Operation not permitted\"",
		 self->e.shares);
	EXPECT_EQ(0, as("pdgt-acc", cmd));
	EXPECT_EQ(0, as("pdgt-it", cmd));
	snprintf(cmd, sizeof(cmd), "cat %s/salary.csv", self->e.shares);
	EXPECT_EQ(0, as("pdgt-acc", cmd));
	EXPECT_NE(0, as("pdgt-hr", cmd));
	EXPECT_EQ(1, WAIT_LOG(&self->e, 1, "\"decision\":\"deny\"", "\"user\":\"pdgt-acc\"",
			      "staff.csv", "role accounting may not read personnel"));
	EXPECT_EQ(1, WAIT_LOG(&self->e, 1, "\"decision\":\"deny\"", "\"user\":\"pdgt-it\"",
			      "no role of this user may read"));
	{	/* the events from the responder and the logger form one intact chain */
		uint64_t lines = 0, bad = 0;

		EXPECT_EQ(0, eventlog_verify(self->e.log, NULL, &lines, &bad, NULL));
		EXPECT_LE(4, lines);
	}
}

TEST_F(fan, grant_lets_read_until_it_expires)
{
	struct grant gr = { .categories = PDGUARD_CAT_PERSONNEL, .user = "pdgt-acc",
			    .by = "test", .approver = "HR head", .reason = "audit of contracts" };
	char cmd[512];
	time_t now = time(NULL);
	unsigned int id;
	int i, rc = 0;

	RETURN_IF_SETUP_SKIPPED();
	snprintf(cmd, sizeof(cmd), "cat %s/staff.csv", self->e.shares);
	ASSERT_NE(0, as("pdgt-acc", cmd));
	{
		struct passwd *pw = getpwnam("pdgt-acc");

		ASSERT_NE(NULL, pw);
		gr.uid = pw->pw_uid;
	}
	gr.until = now + 3;
	ASSERT_EQ(0, grants_add(self->e.grants, &gr, now, &id));
	EXPECT_EQ(0, as("pdgt-acc", cmd));
	EXPECT_EQ(1, WAIT_LOG(&self->e, 1, "\"decision\":\"allow\"", "\"user\":\"pdgt-acc\"",
			      "granted: "));
	/* the grant ends: refused again, with no restart and no reload by anyone */
	for (i = 0; i < 100; i++) {
		rc = as("pdgt-acc", cmd);
		if (rc)
			break;
		usleep(100000);
	}
	EXPECT_NE(0, rc);
	EXPECT_GE(time(NULL), gr.until);
}

TEST_F(fan, copies_to_usb_and_cloud_are_refused)
{
	char cmd[1024], path[256];
	struct stat st;

	RETURN_IF_SETUP_SKIPPED();
	/* hr may read the file, not take it away */
	snprintf(cmd, sizeof(cmd), "cp %s/staff.csv %s/", self->e.shares, self->e.usb);
	EXPECT_NE(0, as("pdgt-hr", cmd));
	snprintf(path, sizeof(path), "%s/staff.csv", self->e.usb);
	EXPECT_TRUE(stat(path, &st) || st.st_size == 0);
	snprintf(cmd, sizeof(cmd), "cp %s/staff.csv %s/", self->e.shares, self->e.cloud);
	EXPECT_NE(0, as("pdgt-hr", cmd));
	snprintf(path, sizeof(path), "%s/staff.csv", self->e.cloud);
	EXPECT_TRUE(stat(path, &st) || st.st_size == 0);
	EXPECT_LE(1, WAIT_LOG(&self->e, 1, "\"decision\":\"deny\"", "\"zone\":\"usb\"",
			      "may not open files on a usb zone", "\"comm\":\"cp\""));
	EXPECT_LE(1, WAIT_LOG(&self->e, 1, "\"decision\":\"deny\"", "\"zone\":\"cloud\""));
	/* an unlabelled file goes to the stick as before */
	snprintf(cmd, sizeof(cmd), "cp %s/readme.txt %s/", self->e.shares, self->e.usb);
	EXPECT_EQ(0, as("pdgt-hr", cmd));
}

TEST_F(fan, derived_copy_through_tmp_is_refused)
{
	char cmd[1024], path[256];
	struct stat st;

	RETURN_IF_SETUP_SKIPPED();
	snprintf(cmd, sizeof(cmd), "cat %s/staff.csv > %s/x", self->e.shares, self->e.work);
	ASSERT_EQ(0, as("pdgt-hr", cmd));
	snprintf(cmd, sizeof(cmd), "cp %s/x %s/x", self->e.work, self->e.usb);
	EXPECT_NE(0, as("pdgt-hr", cmd));
	snprintf(path, sizeof(path), "%s/x", self->e.usb);
	EXPECT_TRUE(stat(path, &st) || st.st_size == 0);
	EXPECT_LE(1, WAIT_LOG(&self->e, 1, "\"op\":\"label\"", "label derived"));
	/* the derived file is PD for role gating too */
	snprintf(cmd, sizeof(cmd), "cat %s/x", self->e.work);
	EXPECT_NE(0, as("pdgt-it", cmd));
}

TEST_F(fan, pipeline_to_usb_is_caught)
{
	char cmd[1024], path[256];
	struct stat st;
	int i;

	RETURN_IF_SETUP_SKIPPED();
	/* tee may open its output before cat reads: refused at open, or removed at close */
	snprintf(cmd, sizeof(cmd), "cat %s/staff.csv | tee %s/y", self->e.shares, self->e.usb);
	as("pdgt-hr", cmd);
	snprintf(path, sizeof(path), "%s/y", self->e.usb);
	for (i = 0; i < 500; i++) {
		if (stat(path, &st) || st.st_size == 0)
			break;
		usleep(10000);
	}
	EXPECT_TRUE(stat(path, &st) || st.st_size == 0);
	EXPECT_LE(1, WAIT_LOG(&self->e, 1, "\"decision\":\"deny\"", "\"zone\":\"usb\""));
}

/*
 * A permission event carries no open flags: the driver reads them from the blocked opener.
 * Overwriting a PD file (`printf ... > file`) reads nothing, so the shell stays free to copy
 * an unlabelled file to the stick; the same shell after reading the file is refused.
 */
TEST_F(fan, write_only_open_does_not_taint)
{
	char cmd[1024], path[256];

	RETURN_IF_SETUP_SKIPPED();
	snprintf(path, sizeof(path), "%s/staff.csv", self->e.shares);
	ASSERT_EQ(0, chmod(path, 0666));
	snprintf(cmd, sizeof(cmd), "printf \"replaced\\n\" > %s && printf more >> %s && "
		 "cp %s/readme.txt %s/a.txt", path, path, self->e.shares, self->e.usb);
	EXPECT_EQ(0, as("pdgt-hr", cmd));
	EXPECT_LE(1, WAIT_LOG(&self->e, 1, "\"user\":\"pdgt-hr\"", "staff.csv",
			      "opened write-only: nothing is read or carried"));
	snprintf(cmd, sizeof(cmd), "read x < %s; cp %s/readme.txt %s/b.txt", path,
		 self->e.shares, self->e.usb);
	EXPECT_NE(0, as("pdgt-hr", cmd));
	EXPECT_LE(1, WAIT_LOG(&self->e, 1, "\"decision\":\"deny\"", "\"zone\":\"usb\"",
			      "b.txt"));
}

TEST_F(fan, sync_client_is_refused_pd)
{
	char cmd[512];

	RETURN_IF_SETUP_SKIPPED();
	/* hr may read the file, but not through the sync program */
	snprintf(cmd, sizeof(cmd), "%s/pdgt-hr/bin/fakesync %s/staff.csv", self->e.home,
		 self->e.shares);
	EXPECT_NE(0, as("pdgt-hr", cmd));
	EXPECT_EQ(1, WAIT_LOG(&self->e, 1, "\"decision\":\"deny\"", "sync client"));
	snprintf(cmd, sizeof(cmd), "%s/pdgt-hr/bin/fakesync %s/readme.txt", self->e.home,
		 self->e.shares);
	EXPECT_EQ(0, as("pdgt-hr", cmd));
}

TEST_F(fan, rename_into_cloud_is_quarantined)
{
	char src[256], dst[256], q[256], cmd[600];
	struct stat st;
	int i;

	RETURN_IF_SETUP_SKIPPED();
	/* same filesystem as the Dropbox folder: a rename, which no open() sees */
	snprintf(src, sizeof(src), "%s/pdgt-hr/list.csv", self->e.home);
	ASSERT_EQ(0, write_file(src, "ИИН\n", 0644));
	ASSERT_EQ(0, label_file(&self->e, src, PDGUARD_LEVEL_PD, PDGUARD_CAT_BASIC));
	snprintf(dst, sizeof(dst), "%s/list.csv", self->e.cloud);
	snprintf(cmd, sizeof(cmd), "mv %s %s", src, dst);
	ASSERT_EQ(0, pdg_system(cmd));
	for (i = 0; i < 500 && !stat(dst, &st); i++)
		usleep(10000);
	EXPECT_NE(0, stat(dst, &st));
	snprintf(q, sizeof(q), "%s/pdgt-hr/.pdguard-quarantine", self->e.home);
	EXPECT_EQ(0, stat(q, &st));
	EXPECT_EQ(1, WAIT_LOG(&self->e, 1, "\"op\":\"rename\"", "moved to quarantine",
			      ".pdguard-quarantine"));
}

TEST_F(fan, mass_export_of_600_files_raises_one_alert)
{
	char path[256], cmd[512];
	int i;

	RETURN_IF_SETUP_SKIPPED();
	snprintf(path, sizeof(path), "%s/export", self->e.shares);
	ASSERT_EQ(0, mkdir(path, 0755));
	for (i = 0; i < 600; i++) {
		snprintf(path, sizeof(path), "%s/export/p%03d.csv", self->e.shares, i);
		ASSERT_EQ(0, write_file(path, "ИИН\n", 0644));
		ASSERT_EQ(0, label_file(&self->e, path, PDGUARD_LEVEL_PD, PDGUARD_CAT_PERSONNEL));
	}
	/* each file was marked as it was labelled: the label op carries its path */
	snprintf(cmd, sizeof(cmd), "cat %s/export/*.csv", self->e.shares);
	ASSERT_EQ(0, as("pdgt-hr", cmd));
	ASSERT_EQ(600, WAIT_LOG(&self->e, 600, "\"decision\":\"allow\"", "/export/p"));
	EXPECT_EQ(1, log_count(&self->e, "\"op\":\"alert\"", "\"alert\":\"mass-export\"", NULL));
	EXPECT_EQ(1, log_count(&self->e, "\"op\":\"alert\"", "\"count\":501",
			       "\"threshold\":500", "\"window\":3600",
			       "\"first_file\":", "p000.csv", "\"last_file\":", "p500.csv",
			       "\"first_time\":", "\"last_time\":", NULL));
}

TEST_F(fan, agent_own_reads_are_never_blocked)
{
	char path[256], buf[64];
	int fd;

	RETURN_IF_SETUP_SKIPPED();
	/* the decision path is stuck (state locked); the agent's own open goes through */
	pthread_mutex_lock(&self->e.st.lock);
	snprintf(path, sizeof(path), "%s/staff.csv", self->e.shares);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	pthread_mutex_unlock(&self->e.st.lock);
	ASSERT_LE(0, fd);
	EXPECT_LT(0, read(fd, buf, sizeof(buf)));
	close(fd);
}

/* Audit mode needs its own set-up. */
FIXTURE(audit) {
	struct env e;
};

FIXTURE_SETUP(audit)
{
	memset(&self->e, 0, sizeof(self->e));
	if (geteuid() != 0)
		SKIP(return, "needs root (fanotify permission events, mounts, test users)");
	if (system("command -v setpriv useradd setsid >/dev/null 2>&1"))
		SKIP(return, "needs setpriv, setsid and useradd (util-linux, passwd)");
	ASSERT_EQ(0, setup_env(&self->e, true, true, 2000));
	ASSERT_EQ(0, start_driver(&self->e));
}

FIXTURE_TEARDOWN(audit)
{
	teardown_env(&self->e);
}

TEST_F(audit, logs_would_deny_and_refuses_nothing)
{
	char cmd[512], path[256];
	struct stat st;

	RETURN_IF_SETUP_SKIPPED();
	snprintf(cmd, sizeof(cmd), "cat %s/staff.csv", self->e.shares);
	EXPECT_EQ(0, as("pdgt-acc", cmd));
	snprintf(cmd, sizeof(cmd), "cp %s/staff.csv %s/", self->e.shares, self->e.usb);
	EXPECT_EQ(0, as("pdgt-hr", cmd));
	snprintf(path, sizeof(path), "%s/staff.csv", self->e.usb);
	EXPECT_EQ(0, stat(path, &st));
	EXPECT_LT(0, st.st_size);
	EXPECT_EQ(1, WAIT_LOG(&self->e, 1, "\"decision\":\"would-deny\"", "\"user\":\"pdgt-acc\"",
			      "role accounting may not read"));
	EXPECT_LE(1, WAIT_LOG(&self->e, 1, "\"decision\":\"would-deny\"", "\"zone\":\"usb\""));
	EXPECT_EQ(0, log_count(&self->e, "\"decision\":\"deny\"", NULL));
}

/* A stuck decision path, answered per [agent] fail = open | closed. */
FIXTURE(watchdog) {
	struct env e;
};

FIXTURE_VARIANT(watchdog) {
	bool fail_open;
};

FIXTURE_VARIANT_ADD(watchdog, fail_open) { .fail_open = true };
FIXTURE_VARIANT_ADD(watchdog, fail_closed) { .fail_open = false };

FIXTURE_SETUP(watchdog)
{
	memset(&self->e, 0, sizeof(self->e));
	if (geteuid() != 0)
		SKIP(return, "needs root (fanotify permission events, mounts, test users)");
	if (system("command -v setpriv useradd setsid >/dev/null 2>&1"))
		SKIP(return, "needs setpriv, setsid and useradd (util-linux, passwd)");
	ASSERT_EQ(0, setup_env(&self->e, false, variant->fail_open, 200));
	ASSERT_EQ(0, start_driver(&self->e));
}

FIXTURE_TEARDOWN(watchdog)
{
	teardown_env(&self->e);
}

TEST_F(watchdog, stuck_decision_is_answered_within_the_timeout)
{
	char cmd[512];
	int rc;

	RETURN_IF_SETUP_SKIPPED();
	snprintf(cmd, sizeof(cmd), "cat %s/staff.csv", self->e.shares);
	/* hold the state: the responder blocks in its first label lookup; the open must still
	 * be answered (the harness's timeout would catch a hang) */
	pthread_mutex_lock(&self->e.st.lock);
	rc = as("pdgt-hr", cmd);
	pthread_mutex_unlock(&self->e.st.lock);
	if (variant->fail_open) {
		EXPECT_EQ(0, rc);
	} else {
		EXPECT_NE(0, rc);
	}
	EXPECT_LE(1, WAIT_LOG(&self->e, 1, "\"op\":\"watchdog\"",
			      variant->fail_open ? "fail = open" : "fail = closed"));
	/* and the driver decides normally again afterwards */
	EXPECT_EQ(0, as("pdgt-hr", cmd));
	EXPECT_NE(0, as("pdgt-it", cmd));
}

TEST_HARNESS_MAIN

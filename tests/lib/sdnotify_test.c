// SPDX-License-Identifier: GPL-2.0
/*
 * The sd_notify client: what it sends is what a service manager receives, on a path socket and
 * an abstract one; outside systemd it is silent; a bad socket name is an error, not a crash.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/sdnotify.h"
#include "pdg_test.h"

FIXTURE(manager) {
	char dir[64];
	char name[128];		/* as $NOTIFY_SOCKET spells it */
	int fd;
};

FIXTURE_VARIANT(manager) {
	int abstract;
};

FIXTURE_VARIANT_ADD(manager, path) { .abstract = 0 };
FIXTURE_VARIANT_ADD(manager, abstract) { .abstract = 1 };

/* A stand-in for systemd: a datagram socket bound where $NOTIFY_SOCKET says. */
FIXTURE_SETUP(manager)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 5 };
	socklen_t len;

	strcpy(self->dir, "/tmp/pdg-sdnotify-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	if (variant->abstract)
		snprintf(self->name, sizeof(self->name), "@pdg-sdnotify-test-%d", (int)getpid());
	else
		snprintf(self->name, sizeof(self->name), "%s/notify", self->dir);
	self->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->fd);
	strcpy(sa.sun_path, self->name);
	len = offsetof(struct sockaddr_un, sun_path) + strlen(self->name);
	if (variant->abstract)
		sa.sun_path[0] = '\0';
	else
		len++;
	ASSERT_EQ(0, bind(self->fd, (struct sockaddr *)&sa, len));
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	ASSERT_EQ(0, setenv("NOTIFY_SOCKET", self->name, 1));
}

FIXTURE_TEARDOWN(manager)
{
	char p[160];

	close(self->fd);
	snprintf(p, sizeof(p), "%s/notify", self->dir);
	unlink(p);
	rmdir(self->dir);
	unsetenv("NOTIFY_SOCKET");
}

static int received(int fd, char *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len - 1, 0);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

TEST_F(manager, ready_and_status_arrive_as_sent)
{
	char buf[4200];

	ASSERT_EQ(1, sdnotify("READY=1\nSTATUS=first scan: 0 files read"));
	ASSERT_EQ(0, received(self->fd, buf, sizeof(buf)));
	EXPECT_STREQ("READY=1\nSTATUS=first scan: 0 files read", buf);

	ASSERT_EQ(1, sdnotifyf("STATUS=first scan: %u files read, %u with PD", 1200U, 7U));
	ASSERT_EQ(0, received(self->fd, buf, sizeof(buf)));
	EXPECT_STREQ("STATUS=first scan: 1200 files read, 7 with PD", buf);

	ASSERT_EQ(1, sdnotify("WATCHDOG=1"));
	ASSERT_EQ(0, received(self->fd, buf, sizeof(buf)));
	EXPECT_STREQ("WATCHDOG=1", buf);
}

TEST_F(manager, a_long_status_is_cut_not_overflowed)
{
	char big[6000], buf[6000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ASSERT_EQ(1, sdnotifyf("STATUS=%s", big));
	ASSERT_EQ(0, received(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(4095, strlen(buf));
	EXPECT_EQ(0, strncmp(buf, "STATUS=xxx", 10));
}

TEST_F(manager, a_manager_gone_is_an_error)
{
	close(self->fd);
	self->fd = -1;
	if (!variant->abstract) {
		char p[160];

		snprintf(p, sizeof(p), "%s/notify", self->dir);
		unlink(p);
		EXPECT_EQ(-ENOENT, sdnotify("READY=1"));
	} else {
		EXPECT_EQ(-ECONNREFUSED, sdnotify("READY=1"));
	}
}

TEST(outside_systemd_nothing_is_sent)
{
	unsetenv("NOTIFY_SOCKET");
	EXPECT_EQ(0, sdnotify("READY=1"));
	ASSERT_EQ(0, setenv("NOTIFY_SOCKET", "", 1));
	EXPECT_EQ(0, sdnotify("READY=1"));
	unsetenv("NOTIFY_SOCKET");
}

TEST(a_socket_name_neither_absolute_nor_abstract_is_refused)
{
	char longname[200];

	ASSERT_EQ(0, setenv("NOTIFY_SOCKET", "run/systemd/notify", 1));
	EXPECT_EQ(-EINVAL, sdnotify("READY=1"));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[0] = '/';
	longname[sizeof(longname) - 1] = '\0';
	ASSERT_EQ(0, setenv("NOTIFY_SOCKET", longname, 1));
	EXPECT_EQ(-EINVAL, sdnotify("READY=1"));
	unsetenv("NOTIFY_SOCKET");
}

TEST(watchdog_interval_is_ours_only)
{
	char pid[32];

	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
	EXPECT_EQ(0, sdnotify_watchdog_usec());
	ASSERT_EQ(0, setenv("WATCHDOG_USEC", "30000000", 1));
	EXPECT_EQ(30000000ULL, sdnotify_watchdog_usec());
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	ASSERT_EQ(0, setenv("WATCHDOG_PID", pid, 1));
	EXPECT_EQ(30000000ULL, sdnotify_watchdog_usec());
	/* meant for another process (our parent, say): not ours to ping */
	snprintf(pid, sizeof(pid), "%d", (int)getppid());
	ASSERT_EQ(0, setenv("WATCHDOG_PID", pid, 1));
	EXPECT_EQ(0, sdnotify_watchdog_usec());
	unsetenv("WATCHDOG_PID");
	ASSERT_EQ(0, setenv("WATCHDOG_USEC", "30s", 1));
	EXPECT_EQ(0, sdnotify_watchdog_usec());
	unsetenv("WATCHDOG_USEC");
}

TEST_HARNESS_MAIN

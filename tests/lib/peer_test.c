// SPDX-License-Identifier: GPL-2.0
/*
 * The client a server process serves, from copies of /proc/PID/fd and /proc/PID/net/tcp{,6}:
 * an accepted connection (its local port listens) names the peer; a connection the process
 * opened itself, or another process's socket, does not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pdg_test.h"
#include "lib/peer.h"

#define HDR "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
/* 0.0.0.0:445 listening; 127.0.0.1:445 <- 127.0.0.1:40000 (inode 111); an outgoing
 * 127.0.0.1:50000 -> 10.1.2.3:389 (inode 222); someone else's accepted socket (inode 333) */
#define TCP HDR \
	"   0: 00000000:01BD 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 100 1 0 100 0 0 10 0\n" \
	"   1: 0100007F:01BD 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 111 1 0 20 4 30 10 -1\n" \
	"   2: 0100007F:C350 0302010A:0185 01 00000000:00000000 00:00000000 00000000     0        0 222 1 0 20 4 30 10 -1\n" \
	"   3: 0100007F:01BD 0500000A:9C41 01 00000000:00000000 00:00000000 00000000     0        0 333 1 0 20 4 30 10 -1\n"
/* [::]:8445 listening; ::ffff:192.168.1.20 -> 8445 (inode 444); 2001:db8::9 -> 8445 (555) */
#define TCP6 HDR \
	"   0: 00000000000000000000000000000000:20FD 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 400 1 0 100 0 0 10 0\n" \
	"   1: 0000000000000000FFFF00000100007F:20FD 0000000000000000FFFF00001401A8C0:D431 01 00000000:00000000 00:00000000 00000000     0        0 444 1 0 20 4 30 10 -1\n" \
	"   2: 00000000000000000000000001000000:20FD B80D0120000000000000000009000000:D432 01 00000000:00000000 00:00000000 00000000     0        0 555 1 0 20 4 30 10 -1\n"

FIXTURE(peer) {
	char dir[64], fd[96], net[96];
};

FIXTURE_SETUP(peer)
{
	char path[160];
	FILE *f;

	strcpy(self->dir, "/tmp/pdg-peer-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->fd, sizeof(self->fd), "%s/fd", self->dir);
	snprintf(self->net, sizeof(self->net), "%s/net", self->dir);
	ASSERT_EQ(0, mkdir(self->fd, 0700));
	ASSERT_EQ(0, mkdir(self->net, 0700));
	snprintf(path, sizeof(path), "%s/tcp", self->net);
	ASSERT_NE(NULL, f = fopen(path, "w"));
	fputs(TCP, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/tcp6", self->net);
	ASSERT_NE(NULL, f = fopen(path, "w"));
	fputs(TCP6, f);
	fclose(f);
	/* every process has these: not sockets */
	snprintf(path, sizeof(path), "%s/0", self->fd);
	ASSERT_EQ(0, symlink("/dev/null", path));
	snprintf(path, sizeof(path), "%s/1", self->fd);
	ASSERT_EQ(0, symlink("pipe:[111]", path));
}

FIXTURE_TEARDOWN(peer)
{
	pdg_system_f("rm -rf '%s'", self->dir);
}

/* Give the fake process descriptor @n on socket @ino. */
static int give(const char *fd_dir, int n, unsigned long long ino)
{
	char path[128], target[64];

	snprintf(path, sizeof(path), "%s/%d", fd_dir, n);
	snprintf(target, sizeof(target), "socket:[%llu]", ino);
	return symlink(target, path) ? -errno : 0;
}

TEST_F(peer, no_socket_no_client)
{
	char addr[PEER_ADDR_LEN];
	uint16_t port;

	EXPECT_EQ(-ENOENT, peer_scan(self->fd, self->net, addr, &port));
}

TEST_F(peer, accepted_ipv4)
{
	char addr[PEER_ADDR_LEN];
	uint16_t port = 0;

	ASSERT_EQ(0, give(self->fd, 3, 100));	/* the listener itself is no client */
	ASSERT_EQ(0, give(self->fd, 4, 111));
	ASSERT_EQ(0, peer_scan(self->fd, self->net, addr, &port));
	EXPECT_STREQ("127.0.0.1", addr);
	EXPECT_EQ(40000, port);
}

TEST_F(peer, own_outgoing_connection_is_no_client)
{
	char addr[PEER_ADDR_LEN];
	uint16_t port;

	/* 127.0.0.1:50000 has no listener: this process is the client (an LDAP lookup) */
	ASSERT_EQ(0, give(self->fd, 3, 222));
	EXPECT_EQ(-ENOENT, peer_scan(self->fd, self->net, addr, &port));
}

TEST_F(peer, ipv4_mapped)
{
	char addr[PEER_ADDR_LEN];
	uint16_t port = 0;

	ASSERT_EQ(0, give(self->fd, 3, 444));
	ASSERT_EQ(0, peer_scan(self->fd, self->net, addr, &port));
	EXPECT_STREQ("192.168.1.20", addr);
	EXPECT_EQ(0xD431, port);
}

TEST_F(peer, ipv6)
{
	char addr[PEER_ADDR_LEN];
	uint16_t port = 0;

	ASSERT_EQ(0, give(self->fd, 5, 555));
	ASSERT_EQ(0, peer_scan(self->fd, self->net, addr, &port));
	EXPECT_STREQ("2001:db8::9", addr);
	EXPECT_EQ(0xD432, port);
}

TEST_F(peer, gone_process)
{
	char addr[PEER_ADDR_LEN], nofd[128];
	uint16_t port;

	snprintf(nofd, sizeof(nofd), "%s/none", self->dir);
	EXPECT_EQ(-ESRCH, peer_scan(nofd, self->net, addr, &port));
}

TEST_HARNESS_MAIN

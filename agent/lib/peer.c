// SPDX-License-Identifier: GPL-2.0
/*
 * A process's remote client through /proc (peer.h). The TCP tables print each socket as
 * "sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...", addresses as the kernel's
 * 32-bit words in hex (%08X of the network-order word, so the value is the word's bytes as this
 * host stores them) and ports as host-order %04X.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/peer.h"

#define MAX_SOCKETS 1024	/* a process's socket inodes looked at */
#define MAX_LISTEN 256		/* listening ports remembered per namespace */
#define MAX_CAND 32		/* established sockets of the process */
#define CACHE_SLOTS 64

#define TCP_ESTABLISHED 0x01
#define TCP_LISTEN 0x0a

struct cand {
	unsigned int lport, rport;
	char addr[PEER_ADDR_LEN];
};

struct scan {
	unsigned long long *inos;
	size_t nino;
	unsigned int listen[MAX_LISTEN];
	size_t nlisten;
	struct cand cand[MAX_CAND];
	size_t ncand;
};

static int cmp_ino(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a, y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

/* The socket inodes among @fd_dir's links, sorted. Return: how many, or -errno. */
static int socket_inodes(const char *fd_dir, unsigned long long *inos, size_t max)
{
	DIR *d = opendir(fd_dir);
	struct dirent *de;
	char link[64];
	size_t n = 0;
	ssize_t len;

	if (!d)
		return errno == ENOENT ? -ESRCH : -errno;
	while (n < max && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		len = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);
		if (len <= 8)
			continue;
		link[len] = '\0';
		if (strncmp(link, "socket:[", 8))
			continue;
		inos[n++] = strtoull(link + 8, NULL, 10);
	}
	closedir(d);
	qsort(inos, n, sizeof(*inos), cmp_ino);
	return (int)n;
}

/* The address @hex (8 hex digits for IPv4, 32 for IPv6) as text. Return: 0 or -EINVAL. */
static int addr_text(const char *hex, char out[PEER_ADDR_LEN])
{
	size_t len = strlen(hex);
	char word[9];
	uint32_t w[4];
	int i;

	if (len == 8) {
		struct in_addr a = { .s_addr = (uint32_t)strtoul(hex, NULL, 16) };

		return inet_ntop(AF_INET, &a, out, PEER_ADDR_LEN) ? 0 : -EINVAL;
	}
	if (len != 32)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		memcpy(word, hex + i * 8, 8);
		word[8] = '\0';
		w[i] = (uint32_t)strtoul(word, NULL, 16);
	}
	if (!w[0] && !w[1] && w[2] == htonl(0xffff)) {
		struct in_addr a = { .s_addr = w[3] };

		return inet_ntop(AF_INET, &a, out, PEER_ADDR_LEN) ? 0 : -EINVAL;
	}
	{
		struct in6_addr a6;

		memcpy(&a6, w, sizeof(a6));
		return inet_ntop(AF_INET6, &a6, out, PEER_ADDR_LEN) ? 0 : -EINVAL;
	}
}

/* Read one TCP table: its listening ports, and the process's established sockets. */
static int scan_table(const char *path, struct scan *s)
{
	FILE *f = fopen(path, "re");
	char line[512], laddr[40], raddr[40];
	unsigned int lport, rport, st;
	unsigned long long ino;

	if (!f)
		return errno == ENOENT ? 0 : -errno;	/* no IPv6 in this kernel */
	if (!fgets(line, sizeof(line), f)) {	/* the header */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " %*s %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %*s %*s %*s %*u %*u %llu",
			   laddr, &lport, raddr, &rport, &st, &ino) != 6)
			continue;
		if (st == TCP_LISTEN) {
			if (s->nlisten < MAX_LISTEN)
				s->listen[s->nlisten++] = lport;
		} else if (st == TCP_ESTABLISHED && s->ncand < MAX_CAND && ino &&
			   bsearch(&ino, s->inos, s->nino, sizeof(ino), cmp_ino) &&
			   !addr_text(raddr, s->cand[s->ncand].addr)) {
			s->cand[s->ncand].lport = lport;
			s->cand[s->ncand].rport = rport;
			s->ncand++;
		}
	}
	fclose(f);
	return 0;
}

int peer_scan(const char *fd_dir, const char *net_dir, char addr[PEER_ADDR_LEN], uint16_t *port)
{
	struct scan s = { 0 };
	char path[4096];
	size_t i, j;
	int ret;

	s.inos = malloc(sizeof(*s.inos) * MAX_SOCKETS);
	if (!s.inos)
		return -ENOMEM;
	ret = socket_inodes(fd_dir, s.inos, MAX_SOCKETS);
	if (ret <= 0) {
		free(s.inos);
		return ret < 0 ? ret : -ENOENT;
	}
	s.nino = (size_t)ret;
	snprintf(path, sizeof(path), "%s/tcp", net_dir);
	ret = scan_table(path, &s);
	snprintf(path, sizeof(path), "%s/tcp6", net_dir);
	if (!ret)
		ret = scan_table(path, &s);
	free(s.inos);
	if (ret)
		return ret;
	ret = -ENOENT;
	for (i = 0; i < s.ncand && ret; i++)
		for (j = 0; j < s.nlisten; j++)
			if (s.listen[j] == s.cand[i].lport) {
				snprintf(addr, PEER_ADDR_LEN, "%s", s.cand[i].addr);
				*port = (uint16_t)s.cand[i].rport;
				ret = 0;
				break;
			}
	return ret;
}

/* @pid's parent and start time (clock ticks since boot) from /proc/PID/stat. */
static int proc_stat(pid_t pid, pid_t *ppid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd, parent;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the name may hold spaces and parentheses */
	if (!p || sscanf(p + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu", &parent, start) != 2)
		return -EINVAL;
	*ppid = parent;
	return 0;
}

struct peer_ent {
	pid_t pid;
	unsigned long long start;
	uint64_t until_ns;
	int ret;
	uint16_t port;
	char addr[PEER_ADDR_LEN];
};

static struct peer_ent cache[CACHE_SLOTS];
static unsigned int cache_next;
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The uncached walk: @pid, then its ancestors up to PEER_ANCESTORS, each in its own netns. */
static int walk(pid_t pid, char addr[PEER_ADDR_LEN], uint16_t *port)
{
	char fd_dir[64], net_dir[64];
	unsigned long long start;
	pid_t ppid;
	int i, ret;

	for (i = 0; i <= PEER_ANCESTORS && pid > 1; i++) {
		snprintf(fd_dir, sizeof(fd_dir), "/proc/%d/fd", (int)pid);
		snprintf(net_dir, sizeof(net_dir), "/proc/%d/net", (int)pid);
		ret = peer_scan(fd_dir, net_dir, addr, port);
		if (!ret)
			return 0;
		if (ret != -ENOENT)	/* an ancestor we cannot read (gone, not ours) ends the walk */
			return i ? -ENOENT : ret;
		if (proc_stat(pid, &ppid, &start))
			break;
		pid = ppid;
	}
	return -ENOENT;
}

int peer_of_process(pid_t pid, char addr[PEER_ADDR_LEN], uint16_t *port)
{
	unsigned long long start;
	uint64_t now = mono_ns();
	struct peer_ent *e = NULL;
	pid_t ppid;
	unsigned int i;
	int ret;

	ret = proc_stat(pid, &ppid, &start);
	if (ret)
		return ret;
	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < CACHE_SLOTS; i++)
		if (cache[i].pid == pid && cache[i].start == start && cache[i].until_ns > now) {
			e = &cache[i];
			break;
		}
	if (e) {
		ret = e->ret;
		snprintf(addr, PEER_ADDR_LEN, "%s", e->addr);
		*port = e->port;
		pthread_mutex_unlock(&cache_lock);
		return ret;
	}
	pthread_mutex_unlock(&cache_lock);

	addr[0] = '\0';
	*port = 0;
	ret = walk(pid, addr, port);
	if (ret && ret != -ENOENT)
		return ret;	/* a failure to read is not remembered as "no client" */
	pthread_mutex_lock(&cache_lock);
	e = &cache[cache_next++ % CACHE_SLOTS];
	e->pid = pid;
	e->start = start;
	e->until_ns = now + PEER_CACHE_S * 1000000000ULL;
	e->ret = ret;
	e->port = *port;
	snprintf(e->addr, sizeof(e->addr), "%s", addr);
	pthread_mutex_unlock(&cache_lock);
	return ret;
}

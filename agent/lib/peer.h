/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The remote client a process serves: for an smbd child, the address of the workstation whose
 * request opened the file; for an sftp-server, its sshd parent's peer. Found in /proc after a
 * decision, for the event (never on a decision's path): the process's socket inodes
 * (/proc/PID/fd) matched against the TCP tables of its own network namespace
 * (/proc/PID/net/tcp, tcp6). A connection counts only when it is ESTABLISHED and its local
 * port has a LISTEN socket in that namespace: the server side of an accepted connection, not
 * a connection the process opened itself. The answer is cached per process (pid and start
 * time) for PEER_CACHE_S seconds, so a burst of opens by one server child reads /proc once.
 */
#ifndef PDGUARD_PEER_H
#define PDGUARD_PEER_H

#include <stdint.h>
#include <sys/types.h>

#define PEER_ADDR_LEN 46	/* INET6_ADDRSTRLEN */
#define PEER_ANCESTORS 2	/* the process, then up to this many ancestors */
#define PEER_CACHE_S 5

/**
 * peer_of_process() - the client of the accepted TCP connection @pid, its parent or its
 * grandparent holds (the nearest first)
 * @addr: receives the address as text, an IPv4-mapped IPv6 address as IPv4
 * @port: receives the client's port
 * Return: 0 found; -ENOENT when none of them serves an accepted TCP connection; -ESRCH when
 * @pid is gone; other -errno when /proc could not be read. Thread-safe.
 */
int peer_of_process(pid_t pid, char addr[PEER_ADDR_LEN], uint16_t *port);

/*
 * The same without the cache and for @pid alone, reading the TCP tables from @net_dir (a
 * /proc/PID/net directory, or a test's copy) and @pid's sockets from @fd_dir: what the tests
 * drive. Return: as peer_of_process().
 */
int peer_scan(const char *fd_dir, const char *net_dir, char addr[PEER_ADDR_LEN], uint16_t *port);

#endif /* PDGUARD_PEER_H */

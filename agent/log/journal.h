/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The copy of every event outside the log file: to journald as structured fields (its native
 * protocol, one datagram an event, no libsystemd), or to syslog where there is no journald.
 */
#ifndef PDGUARD_JOURNAL_H
#define PDGUARD_JOURNAL_H

#include <stddef.h>

#include "log/events.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* Which sink this machine offers: journald's socket first, then /dev/log. */
enum journal_sink journal_probe(void);

/**
 * journal_format() - the native-protocol datagram for one event
 * @ev: the event; @line: its log line (JSON, without the newline), sent as PDGUARD_JSON so the
 *      chain can be checked from the journal; @seq, @hash: the line's; @user: the uid's name
 * @buf: receives the datagram (malloc'ed; the caller frees it)
 *
 * KEY=value lines; a value holding a newline uses the protocol's binary form (KEY, newline,
 * 64-bit little-endian length, value, newline). Fields that are null in the event are left out.
 * Return: 0 or -ENOMEM.
 */
int journal_format(const struct event *ev, const char *line, size_t line_len,
		   unsigned long long seq, const char *hash, const char *host, const char *user,
		   char **buf, size_t *len);

/*
 * Send one datagram to journald at @sock_path. Return: 0 or -errno (a failure is counted by the
 * caller; the log file has the event either way).
 */
int journal_send(int *fd, const char *sock_path, const char *buf, size_t len);

#endif /* PDGUARD_JOURNAL_H */

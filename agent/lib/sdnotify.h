/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The systemd notification protocol, client side: one datagram of "KEY=value" lines to the
 * AF_UNIX socket named by $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace). Written
 * here rather than linking libsystemd for three messages (READY=1, STATUS=..., WATCHDOG=1).
 * Outside systemd (no $NOTIFY_SOCKET) every call is a no-op, so `pdguard run` in a terminal
 * behaves the same.
 */
#ifndef PDGUARD_SDNOTIFY_H
#define PDGUARD_SDNOTIFY_H

#include <stdint.h>

/**
 * sdnotify() - send @state (e.g. "READY=1\nSTATUS=scanning") to the service manager
 * Return: 1 when sent, 0 when there is no manager to tell ($NOTIFY_SOCKET unset or empty),
 * -errno when the socket is named but the message could not be sent (-EINVAL for a name that
 * is neither absolute nor abstract, or too long for a socket address).
 */
int sdnotify(const char *state);
/* The same, from a printf format; the message is cut at 4 KiB. */
int sdnotifyf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/**
 * sdnotify_watchdog_usec() - the watchdog interval systemd expects pings within
 * Return: $WATCHDOG_USEC when it is set for this process ($WATCHDOG_PID unset or ours), else 0.
 */
uint64_t sdnotify_watchdog_usec(void);

#endif /* PDGUARD_SDNOTIFY_H */

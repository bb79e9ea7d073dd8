/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the daemon tells its service manager (systemd, Type=notify): ready once enforcement is
 * up, the first scan's progress as the unit's status line, watchdog pings from the main loop.
 * Outside systemd every call does nothing (lib/sdnotify.h).
 */
#ifndef PDGUARD_SERVICE_H
#define PDGUARD_SERVICE_H

#include <stdatomic.h>

/* The daemon's first-scan counters, read (never written) by the progress reporter. */
struct svc_counters {
	const atomic_ulong *scanned, *unchanged, *pd_files, *errors;
};

/*
 * READY=1: the driver runs and the policy is in force, so `systemctl start` returns now rather
 * than after a first scan that may take hours; the first scan's progress follows as STATUS=.
 */
void svc_ready(const char *mode, const char *driver);
/**
 * svc_scan_begin() - report the first scan's progress until svc_scan_end()
 *
 * A thread sends STATUS= every few seconds, and WATCHDOG=1 while files keep being classified:
 * the main loop, which pings otherwise, is not running yet. A scan that stops making progress
 * (a hung network file system, say) stops the pings, and systemd's watchdog restarts the agent.
 * Return: 0, or -errno when the thread cannot start (then only the final status is sent).
 */
int svc_scan_begin(const struct svc_counters *c);
/* Stop the reporter and put the first scan's totals in the status line. */
void svc_scan_end(const struct svc_counters *c);
/* WATCHDOG=1, when systemd asked for pings; the main loop calls it every second. */
void svc_watchdog(void);
/* STOPPING=1, with @why as the status. */
void svc_stopping(const char *why);

#endif /* PDGUARD_SERVICE_H */

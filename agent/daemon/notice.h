/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The employee's notice of a denial, from the daemon's side: the log's observer hands every
 * deny (and would-deny, when the policy asks) here; a worker thread tells the user on their
 * desktop, through a short-lived child that is the user, or writes the notice into the log for
 * the helpdesk when they have no session bus (docs/notice.md).
 */
#ifndef PDGUARD_DAEMON_NOTICE_H
#define PDGUARD_DAEMON_NOTICE_H

#include <stdint.h>

struct config;
struct event;
struct eventlog;
struct notifier;

/* Start the worker; the policy's [notice] section is copied (notifier_policy() on reload). */
int notifier_new(struct notifier **out, const struct config *cfg, struct eventlog *log);
void notifier_policy(struct notifier *n, const struct config *cfg);
/*
 * One event from the log's observer: never blocks on the bus or a child (the drivers' threads
 * call it); a denial that may be told is queued, one over the rate limit only counted.
 */
void notifier_observe(struct notifier *n, const struct event *ev);
/* Notices shown, logged for the helpdesk, failed, held back by the limit, dropped (queue full). */
void notifier_counters(struct notifier *n, uint64_t v[5]);
/* Stop the worker (a notice under way finishes within its timeout) and free. NULL is fine. */
void notifier_free(struct notifier *n);

#endif /* PDGUARD_DAEMON_NOTICE_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Events: the logger thread hashes and writes what the responder decided, so an opener never
 * waits for the disk; informational events (start, overflow, watchdog) are written at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/fanotify/internal.h"

/* Write one event: the logger thread, never the responder. The daemon's alerts hear of it. */
static void write_event(struct driver *d, struct verdict *v)
{
	char exe[PATH_MAX];
	struct event ev = event_make(v->op ? v->op : "open", v->decision, v->reason);

	fan_proc_exe(v->p.pid, exe, sizeof(exe));
	ev.uid = v->p.have_uid ? v->p.uid : (uint32_t)-1;
	ev.pid = v->p.pid;
	ev.comm = v->p.comm[0] ? v->p.comm : NULL;
	ev.exe = exe;
	ev.path = v->path[0] ? v->path : NULL;
	ev.target = v->target[0] ? v->target : NULL;
	ev.label = v->label;
	ev.categories = v->cats;
	ev.zone = v->zone;
	ev.driver = "fanotify";
	ev.pd_access = v->pd_read || v->deny;
	ev.dev = v->dev;
	ev.ino = v->ino;
	ev.reason_code = v->why;
	if (d->env.log)
		eventlog_write(d->env.log, &ev);
}

/*
 * Queue an event for the logger thread: the responder answers the next request while the event
 * is hashed and written. A full queue makes the responder wait (events are never dropped); the
 * watchdog answers requests meanwhile.
 */
void fan_emit(struct driver *d, struct verdict *v)
{
	struct verdict *copy = malloc(sizeof(*copy));

	v->decision = !v->deny ? "allow" : fan_audit_mode(d) ? "would-deny" : "deny";
	if (!v->deny)
		d->n_allow++;
	else if (fan_audit_mode(d))
		d->n_would++;
	else
		d->n_deny++;
	if (!copy) {
		write_event(d, v);
		return;
	}
	*copy = *v;
	pthread_mutex_lock(&d->qlock);
	while (d->qn == LOGQ && !d->qstop)
		pthread_cond_wait(&d->qspace, &d->qlock);
	d->q[(d->qhead + d->qn++) % LOGQ] = copy;
	pthread_cond_signal(&d->qready);
	pthread_mutex_unlock(&d->qlock);
}

void *fan_logger_main(void *arg)
{
	struct driver *d = arg;
	struct verdict *v;

	for (;;) {
		pthread_mutex_lock(&d->qlock);
		while (!d->qn && !d->qstop)
			pthread_cond_wait(&d->qready, &d->qlock);
		if (!d->qn) {
			pthread_mutex_unlock(&d->qlock);
			break;
		}
		v = d->q[d->qhead];
		d->qhead = (d->qhead + 1) % LOGQ;
		d->qn--;
		pthread_cond_signal(&d->qspace);
		pthread_mutex_unlock(&d->qlock);
		write_event(d, v);
		free(v);
	}
	return NULL;
}

void fan_emit_info(struct driver *d, const char *op, const char *reason, pid_t pid)
{
	struct proc_info p = { 0 };
	struct event ev = event_make(op, "info", reason);

	ev.pid = pid;
	ev.driver = "fanotify";

	if (pid > 0 && !fan_proc_stat(pid, &p)) {
		ev.comm = p.comm;
		if (!fan_proc_uid(pid, &p))
			ev.uid = p.uid;
	}
	if (d->env.log)
		eventlog_write(d->env.log, &ev);
}

void fan_overflow(struct driver *d, const char *group)
{
	char reason[160];

	d->n_overflow++;
	if (!strcmp(group, "permission"))
		snprintf(reason, sizeof(reason), "fanotify permission requests beyond the driver's "
			 "table were answered %s (fail = %s)", d->cfg->fail_open ? "allow" : "deny",
			 d->cfg->fail_open ? "open" : "closed");
	else
		snprintf(reason, sizeof(reason), "fanotify %s queue overflowed: events were lost "
			 "(derived labels or after-the-fact checks may be missing)", group);
	fan_emit_info(d, "overflow", reason, 0);
}

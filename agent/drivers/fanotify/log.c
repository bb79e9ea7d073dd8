// SPDX-License-Identifier: GPL-2.0
/*
 * Events: the logger thread hashes and writes what the responder decided, so an opener never
 * waits for the disk; informational events (start, overflow, watchdog) are written at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/json.h"

#include "drivers/fanotify/internal.h"

/*
 * The event's members beyond the common ones, into v->extra: what let an export out
 * ("export_by": role, grant, service), the grant and its approvers, a service account. Empty
 * when none, or when they do not fit (the event is still written).
 */
static void verdict_extra(struct verdict *v)
{
	FILE *f;
	int i;

	v->extra[0] = '\0';
	if (!v->export_by && !v->service[0])
		return;
	f = fmemopen(v->extra, sizeof(v->extra), "w");
	if (!f)
		return;
	if (v->export_by)
		fprintf(f, "\"export_by\":\"%s\",", v->export_by);
	if (v->ngrants) {
		fprintf(f, "\"grant\":%u,", v->grants[0]);
		if (v->ngrants > 1) {
			fputs("\"grants\":[", f);
			for (i = 0; i < v->ngrants; i++)
				fprintf(f, "%s%u", i ? "," : "", v->grants[i]);
			fputs("],", f);
		}
		fputs("\"approver\":", f);
		json_put_string(f, v->approver);
		fputc(',', f);
		if (v->approver2[0]) {
			fputs("\"approver2\":", f);
			json_put_string(f, v->approver2);
			fputc(',', f);
		}
	}
	if (v->service[0]) {
		fputs("\"service\":", f);
		json_put_string(f, v->service);
		fputc(',', f);
	}
	/* a full buffer is not written whole: better no members than broken JSON */
	if (fflush(f) || ftell(f) >= (long)sizeof(v->extra) - 1) {
		fclose(f);
		v->extra[0] = '\0';
		return;
	}
	fclose(f);
	i = (int)strlen(v->extra);
	if (i && v->extra[i - 1] == ',')
		v->extra[i - 1] = '\0';	/* the writer puts the comma before them */
}

/* The event of @v (@exe: PATH_MAX bytes for its executable). */
static struct event verdict_event(struct verdict *v, char *exe)
{
	struct event ev = event_make(v->op ? v->op : "open", v->decision, v->reason);

	if (v->exe[0])
		snprintf(exe, PATH_MAX, "%s", v->exe);
	else
		fan_proc_exe(v->p.pid, exe, PATH_MAX);
	ev.uid = v->p.have_uid ? v->p.uid : (uint32_t)-1;
	ev.pid = v->p.pid;
	ev.comm = v->p.comm[0] ? v->p.comm : NULL;
	ev.exe = exe[0] ? exe : NULL;	/* the process may be gone by now */
	ev.path = v->path[0] ? v->path : NULL;
	ev.target = v->target[0] ? v->target : NULL;
	ev.label = v->label;
	ev.categories = v->cats;
	ev.zone = v->zone;
	ev.driver = "fanotify";
	ev.pd_access = v->pd_read || v->deny;
	ev.dev = v->dev;
	ev.ino = v->ino;
	ev.extra = v->extra[0] ? v->extra : NULL;
	ev.reason_code = v->why;
	ev.client = v->client[0] ? v->client : NULL;
	ev.client_port = v->client_port;
	return ev;
}

/* Write one event now (no memory to queue it). The daemon's alerts hear of it. */
static void write_event(struct driver *d, struct verdict *v)
{
	char exe[PATH_MAX];
	struct event ev = verdict_event(v, exe);

	if (d->env.log)
		eventlog_write(d->env.log, &ev);
}

/* @v into @dst: the fields and what the strings hold, not their whole buffers. */
static void verdict_copy(struct verdict *dst, const struct verdict *v)
{
	memcpy(dst, v, offsetof(struct verdict, reason));
#define COPY_STR(f) (memcpy(dst->f, v->f, strnlen(v->f, sizeof(v->f) - 1) + 1), \
		     dst->f[sizeof(dst->f) - 1] = '\0')
	COPY_STR(reason);
	COPY_STR(path);
	COPY_STR(target);
	COPY_STR(exe);
	COPY_STR(extra);
#undef COPY_STR
}

/*
 * Queue an event for the logger thread: the responder answers the next request while the event
 * is hashed and written. A full queue makes the responder wait (events are never dropped); the
 * watchdog answers requests meanwhile. Only the first event into an empty queue wakes the
 * logger: the rest of a burst is written with it.
 */
void fan_emit(struct driver *d, struct verdict *v)
{
	struct verdict *copy = NULL;

	pthread_mutex_lock(&d->qlock);
	if (d->nvfree)
		copy = d->vfree[--d->nvfree];
	pthread_mutex_unlock(&d->qlock);
	if (!copy)
		copy = malloc(sizeof(*copy));
	v->decision = !v->deny ? "allow" : fan_audit_mode(d) ? "would-deny" : "deny";
	verdict_extra(v);
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
	verdict_copy(copy, v);
	pthread_mutex_lock(&d->qlock);
	while (d->qn == LOGQ && !d->qstop)
		pthread_cond_wait(&d->qspace, &d->qlock);
	d->q[(d->qhead + d->qn++) % LOGQ] = copy;
	if (d->qn == 1)
		pthread_cond_signal(&d->qready);
	pthread_mutex_unlock(&d->qlock);
}

/* How long the logger lets a burst gather once woken: one lock and wake-up for many events. */
#define LOG_GATHER_NS	2000000LL

void *fan_logger_main(void *arg)
{
	struct driver *d = arg;
	struct verdict *batch[EVENTLOG_BATCH_MAX];
	struct event evs[EVENTLOG_BATCH_MAX];
	char (*exes)[PATH_MAX] = malloc(sizeof(*exes) * EVENTLOG_BATCH_MAX);
	struct timespec until;
	size_t i, k;

	for (;;) {
		pthread_mutex_lock(&d->qlock);
		while (!d->qn && !d->qstop)
			pthread_cond_wait(&d->qready, &d->qlock);
		if (!d->qn) {
			pthread_mutex_unlock(&d->qlock);
			break;
		}
		if (!d->qstop && d->qn < EVENTLOG_BATCH_MAX) {
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += LOG_GATHER_NS;
			if (until.tv_nsec >= 1000000000L) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000L;
			}
			/* woken early only by the stop */
			pthread_cond_timedwait(&d->qready, &d->qlock, &until);
		}
		k = exes ? (d->qn < EVENTLOG_BATCH_MAX ? d->qn : EVENTLOG_BATCH_MAX) : 1;
		for (i = 0; i < k; i++) {
			batch[i] = d->q[d->qhead];
			d->qhead = (d->qhead + 1) % LOGQ;
		}
		d->qn -= k;
		pthread_cond_broadcast(&d->qspace);
		pthread_mutex_unlock(&d->qlock);
		if (!exes) {
			write_event(d, batch[0]);
		} else {
			for (i = 0; i < k; i++)
				evs[i] = verdict_event(batch[i], exes[i]);
			if (d->env.log)
				eventlog_write_many(d->env.log, evs, k);
		}
		pthread_mutex_lock(&d->qlock);
		for (i = 0; i < k; i++) {
			if (d->nvfree < VFREE)
				d->vfree[d->nvfree++] = batch[i];
			else
				free(batch[i]);
		}
		pthread_mutex_unlock(&d->qlock);
	}
	free(exes);
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

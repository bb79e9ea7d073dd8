// SPDX-License-Identifier: GPL-2.0
/*
 * The fanotify driver's ops table (drivers/driver.h): start the groups and threads, follow label
 * and policy changes, describe, stop. internal.h tells the threads and why none hangs an open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/fanotify/internal.h"

static int fan_probe(char *why, size_t whylen, char *hint, size_t hintlen)
{
	int fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY | O_CLOEXEC);
	int err = errno;

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (err == EPERM) {
		snprintf(why, whylen, "fanotify permission events need CAP_SYS_ADMIN");
		snprintf(hint, hintlen, "run the agent as root (the systemd unit does)");
		return -EPERM;
	}
	snprintf(why, whylen, "this kernel refuses fanotify permission events: %s",
		 strerror(err));
	snprintf(hint, hintlen, "a kernel built with CONFIG_FANOTIFY_ACCESS_PERMISSIONS=y is "
		 "needed (Debian's is)");
	return -err;
}

static void fan_stop(struct driver *d);

static int fan_start(const struct driver_env *env, struct driver **out)
{
	struct driver *d;
	char reason[160];
	int ret;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->taints = calloc(TAINT_MIN, sizeof(*d->taints));
	if (!d->taints) {
		free(d);
		return -ENOMEM;
	}
	d->taint_cap = TAINT_MIN;
	d->env = *env;
	d->cfg = env->cfg;
	for (size_t i = 0; i < PROC_CACHE; i++)
		d->procs[i].fd = d->procs[i].dirfd = -1;
	d->ns_per_tick = 1000000000ULL / (sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100);
	d->perm_fd = d->notif_fd = d->fid_fd = d->stop_fd = d->note_fd = -1;
	pthread_mutex_init(&d->plock, NULL);
	pthread_mutex_init(&d->lock, NULL);
	pthread_mutex_init(&d->qlock, NULL);
	pthread_mutex_init(&d->nlock, NULL);
	pthread_cond_init(&d->nspace, NULL);
	pthread_cond_init(&d->qready, NULL);
	pthread_cond_init(&d->qspace, NULL);
	/*
	 * An unlimited queue: past a limited queue's length the kernel answers a permission
	 * request "allow" itself, unseen; unlimited, every request waits for our answer
	 */
	d->perm_fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK |
				   FAN_UNLIMITED_QUEUE, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	/*
	 * Unlimited too: close-writes are watched on every filesystem, and a limited queue drops
	 * what a burst (a tar, a build) pushes past 16384 events: a lost close-write of a tainted
	 * writer is a copy of PD left without its derived label
	 */
	d->notif_fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK |
				    FAN_UNLIMITED_QUEUE, O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	/* renames into cloud folders; kernels before 5.9 lack it, and then say so */
	d->fid_fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK |
				  FAN_UNLIMITED_QUEUE | FAN_REPORT_DFID_NAME, O_RDONLY | O_CLOEXEC);
	d->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->note_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->perm_fd < 0 || d->notif_fd < 0 || d->stop_fd < 0 || d->note_fd < 0) {
		ret = -errno;
		goto fail;
	}
	fan_resolve_clients(d);
	/* threads before marks: a marked file must never wait for a responder not yet there */
	ret = -pthread_create(&d->responder, NULL, fan_responder_main, d);
	if (ret)
		goto fail;
	d->nthreads = 1;
	ret = -pthread_create(&d->watchdog, NULL, fan_watchdog_main, d);
	if (ret)
		goto fail;
	d->nthreads = 2;
	ret = -pthread_create(&d->logger, NULL, fan_logger_main, d);
	if (ret)
		goto fail;
	d->nthreads = 3;
	ret = -pthread_create(&d->labeller, NULL, fan_labeller_main, d);
	if (ret)
		goto fail;
	d->nthreads = 4;
	ret = fan_mark_zones(d);
	if (ret)
		goto fail;
	fan_walk_roots(d);
	fan_marks_restore(d);
	/* our marks are in place: a dead agent's keeper may stop refusing, ours takes its place */
	fan_keeper_takeover(d);
	fan_keeper_start(d);
	snprintf(reason, sizeof(reason), "fanotify driver started: %zu PD files and %zu zone "
		 "folders or mounts marked, mode %s, fail = %s", d->nmarks, d->nzmarks,
		 fan_audit_mode(d) ? "audit" : "enforce", d->cfg->fail_open ? "open" : "closed");
	fan_emit_info(d, "agent", reason, getpid());
	d->started = true;
	*out = d;
	return 0;
fail:
	fan_stop(d);
	return ret;
}

static int fan_label(struct driver *d, const struct label_entry *e, const char *path)
{
	if (e->level == PDGUARD_LEVEL_NONE || !e->categories) {
		pthread_mutex_lock(&d->lock);
		fan_unmark_file(d, e->dev, e->ino);
		pthread_mutex_unlock(&d->lock);
		return 0;
	}
	/* where the daemon found it; no path (a caller that does not know) leaves it unmarked,
	 * as does a file renamed since: its next change brings it back with its new path */
	return path ? fan_mark_path(d, path, e->dev, e->ino) : -ENOENT;
}

static int fan_policy(struct driver *d, const struct config *cfg)
{
	int ret;

	pthread_mutex_lock(&d->lock);
	d->cfg = cfg;
	memset(d->roles, 0, sizeof(d->roles));
	fan_resolve_clients(d);
	d->zgen++;
	fan_marks_save(d);
	pthread_mutex_unlock(&d->lock);
	/* the new marks first, then off with what is no longer wanted: no moment unmarked */
	ret = fan_mark_zones(d);
	pthread_mutex_lock(&d->lock);
	fan_zone_marks_prune(d, false);
	pthread_mutex_unlock(&d->lock);
	return ret;
}

/* Labels are marked when they arrive: the daemon has nothing to poll for this driver. */
static int fan_fd(struct driver *d)
{
	return -1;
}

static int fan_dispatch(struct driver *d)
{
	return 0;
}

static size_t fan_exit_points(const struct driver *d)
{
	size_t i, n = 0;

	for (i = 0; i < d->nclients; i++)
		n += d->clients[i].exit_point;
	return n;
}

static void fan_describe(struct driver *d, FILE *f)
{
	fprintf(f,
		"driver fanotify: permission events answered by the agent (pid %d)\n"
		"  enforces at open(): role gating of PD files (%zu marked), sync clients refused PD,\n"
		"  exit-point programs (%zu of %zu programs known) opening PD only under a grant,\n"
		"  processes that read PD refused files on USB and cloud zones (%zu marks), derived\n"
		"  labels for files such processes write; renames into cloud folders are moved to\n"
		"  quarantine after the fact%s\n"
		"  cannot: check reads/writes after open, mmap, renames before they happen; it adds\n"
		"  userspace latency to marked opens; if the agent dies, its marks go with it and\n"
		"  nothing is enforced until it restarts, unless fail = closed: then a keeper\n"
		"  process refuses what the marks cover until then (docs/fanotify.md)\n"
		"  mode %s, fail = %s, decision timeout %u ms; requests %llu, allowed %llu, denied "
		"%llu, would-deny %llu, own %llu, watchdog %llu, overflows %llu, derived %llu, "
		"quarantined %llu, label writes failed %llu, answers refused by the kernel %llu, "
		"taint slots %zu, taints lost for memory %llu\n",
		(int)d->env.agent_pid, d->nmarks, fan_exit_points(d), d->nclients, d->nzmarks,
		d->fid_fd < 0 ? " (not on this kernel: no FAN_REPORT_DFID_NAME)" : "",
		fan_audit_mode(d) ? "audit" : "enforce", d->cfg->fail_open ? "open" : "closed",
		d->cfg->decision_timeout_ms, (unsigned long long)d->n_requests,
		(unsigned long long)d->n_allow, (unsigned long long)d->n_deny,
		(unsigned long long)d->n_would, (unsigned long long)d->n_own,
		(unsigned long long)d->n_watchdog, (unsigned long long)d->n_overflow,
		(unsigned long long)d->n_derived, (unsigned long long)d->n_moved,
		(unsigned long long)d->n_label_failed, (unsigned long long)d->n_answer_failed,
		d->taint_cap, (unsigned long long)d->n_taint_lost);
}

static void fan_stats(struct driver *d, struct driver_stats *s)
{
	size_t i, n = 0;

	pthread_mutex_lock(&d->plock);
	for (i = 0; i < MAX_PENDING; i++)
		n += d->pend[i].used;
	pthread_mutex_unlock(&d->plock);
	s->pending = n;
	pthread_mutex_lock(&d->qlock);
	s->log_queue = d->qn;
	pthread_mutex_unlock(&d->qlock);
	s->requests = d->n_requests;
	s->overflows = d->n_overflow;
	s->watchdog = d->n_watchdog;
	s->answers_refused = d->n_answer_failed;
	s->have = DRIVER_STAT_REQUESTS | DRIVER_STAT_PENDING | DRIVER_STAT_LOG_QUEUE |
		  DRIVER_STAT_OVERFLOWS | DRIVER_STAT_WATCHDOG | DRIVER_STAT_ANSWERS_REFUSED;
}

static void fan_stop(struct driver *d)
{
	size_t i;

	if (!d)
		return;
	/* a clean stop: the keeper goes first, having answered nothing */
	fan_keeper_stop(d);
	d->stopping = true;
	/* should the wake-up fail, the threads see d->stopping within their poll timeout */
	if (d->stop_fd >= 0)
		fan_wake(d->stop_fd);
	if (d->nthreads > 0)
		pthread_join(d->responder, NULL);
	if (d->nthreads > 1)
		pthread_join(d->watchdog, NULL);
	if (d->nthreads > 3) {
		/* the responder notes nothing more: the labeller writes what it noted, and goes */
		d->nstop = true;
		pthread_mutex_lock(&d->nlock);
		pthread_cond_broadcast(&d->nspace);
		pthread_mutex_unlock(&d->nlock);
		fan_wake(d->note_fd);
		pthread_join(d->labeller, NULL);
	}
	if (d->nthreads > 2) {
		/* what was decided is logged before the driver goes */
		pthread_mutex_lock(&d->qlock);
		d->qstop = true;
		pthread_cond_broadcast(&d->qready);
		pthread_cond_broadcast(&d->qspace);
		pthread_mutex_unlock(&d->qlock);
		pthread_join(d->logger, NULL);
	}
	if (d->perm_fd >= 0) {
		pthread_mutex_lock(&d->lock);
		if (d->started)
			fan_marks_save(d);
		pthread_mutex_unlock(&d->lock);
		fan_zone_marks_prune(d, true);
		/* closing the group answers allow to whatever is still pending, and drops the
		 * marks: from here on nothing is enforced by this driver */
		close(d->perm_fd);
	}
	if (d->notif_fd >= 0)
		close(d->notif_fd);
	if (d->fid_fd >= 0)
		close(d->fid_fd);
	if (d->stop_fd >= 0)
		close(d->stop_fd);
	if (d->note_fd >= 0)
		close(d->note_fd);
	for (i = 0; i < MAX_PENDING; i++)
		if (d->pend[i].used)
			close(d->pend[i].fd);
	fan_proc_cache_close(d);
	for (i = 0; i < d->nvfree; i++)
		free(d->vfree[i]);
	for (i = 0; i < d->nnotes; i++) {
		close(d->notes[i]->fd);
		free(d->notes[i]);
	}
	for (i = 0; i < d->nmarks; i++)
		free(d->marks[i].path);
	free(d->marks);
	free(d->taints);
	pthread_mutex_destroy(&d->plock);
	pthread_mutex_destroy(&d->lock);
	pthread_mutex_destroy(&d->qlock);
	pthread_mutex_destroy(&d->nlock);
	pthread_cond_destroy(&d->qready);
	pthread_cond_destroy(&d->qspace);
	pthread_cond_destroy(&d->nspace);
	free(d);
}

const struct driver_ops driver_fanotify_ops = {
	.name = "fanotify",
	.probe = fan_probe,
	.start = fan_start,
	.label = fan_label,
	.policy = fan_policy,
	.fd = fan_fd,
	.dispatch = fan_dispatch,
	.describe = fan_describe,
	.stats = fan_stats,
	.stop = fan_stop,
};

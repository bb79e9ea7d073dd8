// SPDX-License-Identifier: GPL-2.0
/*
 * Permission requests: read, decide, answer, log. The responder decides; the watchdog answers
 * what it does not answer in time (per [agent] fail = open|closed).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/vocab.h"
#include "state/fileid.h"
#include "state/labels.h"

#include "drivers/fanotify/internal.h"

/* Write one response; the caller holds d->plock (so none is answered twice). */
static int respond(struct driver *d, int fd, bool allow)
{
	struct fanotify_response r = { .fd = fd, .response = allow ? FAN_ALLOW : FAN_DENY };
	ssize_t n = write(d->perm_fd, &r, sizeof(r));

	if (n == sizeof(r))
		return 0;
	d->n_answer_failed++;
	return n < 0 ? -errno : -EIO;
}

/*
 * The kernel refused an answer: the request is no longer pending there (its opener went, or
 * the group is closing), so nobody waits; said in the log all the same, as it should not happen.
 */
static void answer_failed(struct driver *d, pid_t pid, int err)
{
	char reason[160];

	snprintf(reason, sizeof(reason), "the answer to this open could not be written: %s",
		 strerror(-err));
	fan_emit_info(d, "open", reason, pid);
}

/* Write the answer unless the watchdog did. Return: 1 when ours was the answer, 0, -errno. */
static int answer(struct driver *d, struct pending *p, bool allow)
{
	int ret = 0;

	pthread_mutex_lock(&d->plock);
	if (!p->answered) {
		p->answered = true;
		ret = respond(d, p->fd, allow);
		ret = ret ? ret : 1;
	}
	pthread_mutex_unlock(&d->plock);
	if (ret < 0)
		answer_failed(d, p->pid, ret);
	return ret;
}

static struct pending *pend_add(struct driver *d, int fd, pid_t pid, uint64_t deadline)
{
	struct pending *p = NULL;
	size_t i;

	pthread_mutex_lock(&d->plock);
	for (i = 0; i < MAX_PENDING && !p; i++)
		if (!d->pend[i].used)
			p = &d->pend[i];
	if (p)
		*p = (struct pending){ .used = true, .fd = fd, .pid = pid, .deadline_ns = deadline };
	pthread_mutex_unlock(&d->plock);
	return p;
}

static void pend_done(struct driver *d, struct pending *p)
{
	pthread_mutex_lock(&d->plock);
	close(p->fd);
	p->used = false;
	pthread_mutex_unlock(&d->plock);
}

/* Roles of @uid, cached: NSS (SSSD, winbind) may be slow, a decision must not be. */
const struct role_cached *fan_role(struct driver *d, uid_t uid)
{
	uint64_t now = fan_now_ns(CLOCK_MONOTONIC);
	struct role_cached *r, *victim = &d->roles[0];
	const struct config_service *svc;
	const struct config *cfg;
	size_t i;

	for (i = 0; i < ROLE_CACHE; i++) {
		r = &d->roles[i];
		if (r->used && r->uid == uid && now - r->at_ns < ROLE_TTL_NS)
			return r;
		if (!r->used || r->at_ns < victim->at_ns)
			victim = r;
	}
	victim->used = true;
	victim->uid = uid;
	victim->at_ns = now;
	victim->cats = state_user_roles(d->env.st, uid, victim->roles, sizeof(victim->roles));
	cfg = state_policy(d->env.st);
	victim->export = cfg ? roles_uid_export(cfg, uid, NULL, 0) : 0;
	victim->cfg = cfg;
	victim->nscoped = cfg && roles_any_scoped(cfg) ?
				  roles_uid_scoped(cfg, uid, victim->scoped, ROLE_SCOPED) : 0;
	svc = cfg ? roles_uid_service(cfg, uid) : NULL;
	victim->svc = svc != NULL;
	victim->svc_read = svc ? svc->read : 0;
	victim->svc_taint = !svc || svc->taint;
	snprintf(victim->service, sizeof(victim->service), "%s", svc ? svc->name : "");
	return victim;
}

static uint32_t role_cats(struct driver *d, uid_t uid, char *roles, size_t len)
{
	const struct role_cached *r = fan_role(d, uid);

	snprintf(roles, len, "%s", r->roles);
	return r->cats;
}

/* Labelled files among the descriptors @pid holds (opened before the file got its label). */
uint32_t fan_open_fd_cats(struct driver *d, pid_t pid, const struct export_ask *q,
			  const unsigned int *ids, int nids)
{
	char target[PATH_MAX];
	unsigned int own[4];
	uint32_t fcats;
	ssize_t tn;
	int i, j, k;
	char dir[64], path[320];
	struct label_entry e;
	struct dirent *de;
	struct stat st;
	uint32_t cats = 0;
	int n = 0;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	dp = opendir(dir);
	if (!dp)
		return 0;
	while ((de = readdir(dp)) && n++ < MAX_FDS_CHECKED) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		/* stat follows the descriptor's link without opening the file */
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		/* the notes before the state: a note leaves after the state has its label */
		fcats = fan_noted_cats(d, st.st_dev, st.st_ino);
		if (!labels_lookup(d->env.st, d->env.log, -1, path, &e) &&
		    e.level != PDGUARD_LEVEL_NONE)
			fcats |= e.categories;
		if (!fcats || !q) {
			cats |= fcats;
			continue;
		}
		/* an export by a path grant: a file it holds counts unless that grant covers it */
		tn = readlink(path, target, sizeof(target) - 1);
		target[tn > 0 ? tn : 0] = '\0';
		k = state_export_sources(d->env.st, q, target, st.st_ctim.tv_sec, own, 4);
		for (i = 0; i < k; i++)
			for (j = 0; j < nids; j++)
				if (own[i] == ids[j])
					goto covered;
		cats |= fcats;
covered:;
	}
	closedir(dp);
	return cats;
}

/*
 * Whether @p's descriptors must be looked through for labelled files it opened before they were
 * marked. Not when it started after the newest mark (every labelled file it opened since came
 * through a permission event), nor when it was looked through after the newest mark, unless a
 * noted file is not marked yet. Records the look it asks for, timed before it is made, so a
 * mark added meanwhile asks again. Takes d->lock.
 */
static bool fd_scan_needed(struct driver *d, const struct proc_info *p)
{
	uint64_t now = fan_now_ns(CLOCK_BOOTTIME);
	bool need = true;
	size_t i;

	if (!p->have_stat)
		return true;
	if (fan_notes_pending(d))
		return true;
	pthread_mutex_lock(&d->lock);
	if (p->start * d->ns_per_tick > d->last_mark_boot_ns) {
		need = false;
	} else {
		i = (size_t)p->pid % FD_SCANS;
		need = !(d->fdscans[i].pid == p->pid && d->fdscans[i].start == p->start &&
			 d->fdscans[i].at_boot_ns > d->last_mark_boot_ns);
		if (need) {
			d->fdscans[i].pid = p->pid;
			d->fdscans[i].start = p->start;
			d->fdscans[i].at_boot_ns = now;
		}
	}
	pthread_mutex_unlock(&d->lock);
	return need;
}

/*
 * What @r's roles with place = let it read in the file @fd: by the file's path, looked up only
 * when its other roles and grants fall short (a file opened by another name, a bind mount or a
 * hard link elsewhere, is judged by the name the kernel gives the descriptor).
 */
static uint32_t scoped_cats(struct driver *d, const struct role_cached *r, uid_t uid, int fd,
			    struct verdict *v)
{
	const struct config *cfg = state_policy(d->env.st);

	if (!r->nscoped || !cfg)
		return 0;
	if (!v->path[0])
		fan_fd_path(fd, v->path, sizeof(v->path));
	if (!v->path[0])
		return 0;
	if (r->cfg == cfg && r->nscoped <= ROLE_SCOPED)
		return roles_scoped_read(cfg, r->scoped, r->nscoped, v->path);
	/* the policy changed since, or too many roles to keep: ask afresh */
	return roles_uid_categories_at(cfg, uid, v->path, NULL, 0);
}

/* Why @v's PD read is allowed or refused (roles, grants, sync clients); sets v->deny. */
static unsigned int read_reason(struct driver *d, struct verdict *v, int fd, uint32_t cats,
				char *roles, size_t rlen, struct reason_args *ra)
{
	uint32_t allowed, granted;
	const struct role_cached *r;
	bool exit_point;

	ra->client = fan_sync_client(d, v->p.pid, &exit_point);
	allowed = role_cats(d, v->p.uid, roles, rlen);
	granted = state_user_grants(d->env.st, v->p.uid, time(NULL));
	ra->roles = roles;
	ra->cats = cats;
	r = fan_role(d, v->p.uid);
	if (v->p.have_uid && r->svc)
		allowed |= r->svc_read;
	if (ra->client && !exit_point) {
		v->deny = true;
		return PDGUARD_REASON_SYNC_CLIENT;
	}
	if (!v->p.have_uid) {
		v->deny = true;
		if (v->p.have_stat && v->p.kthread)
			ra->note = "a kernel thread serving a remote user (nfsd): this driver cannot "
				   "tell which";
		return PDGUARD_REASON_UNKNOWN_USER;
	}
	if (ra->client) {
		/* an exit point (a messenger, a mail client): the user's grants, not roles */
		if (cats & ~granted) {
			v->deny = true;
			ra->cats = cats & ~granted;
			return PDGUARD_REASON_EXIT_POINT;
		}
		return PDGUARD_REASON_GRANT;
	}
	if (cats & ~(allowed | granted) && r->nscoped)
		allowed |= scoped_cats(d, r, v->p.uid, fd, v);
	if (cats & ~(allowed | granted)) {
		v->deny = true;
		ra->cats = cats & ~(allowed | granted);
		if (r->nscoped)
			ra->note = "roles with place = read only under their folders";
		return PDGUARD_REASON_ROLE;
	}
	if (r->svc) {
		/* a service account: each use is an event naming it */
		snprintf(v->service, sizeof(v->service), "%s", r->service);
		ra->roles = v->service;
		if (!r->svc_taint)
			ra->note = "taint = no: what it reads is not carried";
		return PDGUARD_REASON_SERVICE;
	}
	return cats & ~allowed ? PDGUARD_REASON_GRANT : PDGUARD_REASON_PD_READ;
}

/*
 * A zone opener at one end of a pipeline: the taint of whoever holds its pipes (`cat pd |
 * setsid tee /usb/x`, whatever their session or group). It is also remembered, so a peer that
 * reads PD later taints it then (taint.c). The look through /proc is made at every zone open of
 * a process that holds pipes: a process may take new pipes after its first zone open (`exec 4<
 * <(cat pd)` in a shell that already wrote the stick), and those carry data as well.
 */
static uint32_t pipe_peer_cats(struct driver *d, const struct proc_info *p)
{
	uint64_t pipes[FAN_MAX_PIPES];
	pid_t peers[64];
	uint32_t cats = 0;
	int n, k, i, slot = -1;

	/* the pipes it reads from: what a tainted writer put there flows to the zone file */
	n = fan_proc_pipes_cached(d, p->pid, false, pipes, FAN_MAX_PIPES);
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < ZONE_WRITERS && slot < 0; i++)
		if (d->zwriters[i].used && d->zwriters[i].pid == p->pid &&
		    d->zwriters[i].start == p->start)
			slot = i;
	if (!n) {
		if (slot >= 0)
			d->zwriters[slot].used = false;	/* holds none now */
		pthread_mutex_unlock(&d->lock);
		return 0;
	}
	pthread_mutex_unlock(&d->lock);
	k = fan_pipe_holders(pipes, n, p->pid, peers, 64);
	pthread_mutex_lock(&d->lock);
	cats = fan_pipes_taint(d, pipes, n);
	for (i = 0; i < k; i++) {
		struct proc_info q = { 0 };

		if (!fan_proc_stat(peers[i], &q))
			cats |= fan_taint_of(d, &q, false);
	}
	if (slot < 0 || !d->zwriters[slot].used || d->zwriters[slot].pid != p->pid)
		slot = (int)(d->next_zwriter++ % ZONE_WRITERS);
	d->zwriters[slot].used = true;
	d->zwriters[slot].pid = p->pid;
	d->zwriters[slot].start = p->start;
	d->zwriters[slot].npipes = n;
	memcpy(d->zwriters[slot].pipes, pipes, (size_t)n * sizeof(pipes[0]));
	d->any_zwriter = true;
	pthread_mutex_unlock(&d->lock);
	return cats;
}

/*
 * The policy for one open. Fills @v; v->deny says what the policy wants. It reads the state,
 * the notes, /proc and the event's descriptor, and writes nothing but the taint table.
 */
static void decide(struct driver *d, int fd, pid_t pid, struct verdict *v)
{
	struct reason_args ra = { 0 };
	struct pdguard_label_xattr x;
	struct label_entry e;
	struct file_id id;
	struct stat st;
	unsigned int reason;
	uint32_t cats, noted, tcats;
	uint8_t level = PDGUARD_LEVEL_NONE;
	char roles[128];

	v->p.pid = pid;
	/* one statx: the type, and the identity a cached label must match */
	if (fileid_of_fd(fd, &id, &st) || !S_ISREG(st.st_mode))
		return;
	v->dev = st.st_dev;
	v->ino = st.st_ino;
	/* the notes before the state: a note leaves after the state has its label */
	noted = fan_noted_cats(d, st.st_dev, st.st_ino);
	cats = 0;
	/* the state's label only while it is for this file; else the file's own attribute */
	if (!labels_lookup_id(d->env.st, d->env.log, fd, NULL, &id, &e)) {
		level = e.level;
		cats = e.categories;
	} else if (!labels_get_fd(fd, &x)) {
		level = x.level;
		cats = x.categories;
	}
	if (level == PDGUARD_LEVEL_NONE)
		cats = 0;
	cats |= noted;
	/* the path is for the log, resolved after the answer, unless a zone needs it */
	v->zone = fan_zone_of(d, st.st_dev, fd, v->path, sizeof(v->path));
	if (!cats && !v->zone)
		return;		/* a file no longer labelled; its mark goes with the next label() */
	if (v->zone)
		fan_drain_notif(d);	/* `cat pd > /tmp/x; cp /tmp/x /usb/`: note /tmp/x first */
	fan_proc_opener(d, pid, &v->p);
	/*
	 * A kernel thread (nfsd, ksmbd) opens for a remote user with credentials it took on for
	 * that request; /proc shows the thread's own, root's. Taken as the user, root's roles
	 * would decide every client's read. The user is unknown here: a PD read is refused
	 * (would-deny in audit mode). The BPF LSM driver sees the client's user and decides by
	 * it (docs/file-servers.md, "NFS").
	 */
	if (v->p.have_stat && v->p.kthread)
		v->p.have_uid = false;
	pthread_mutex_lock(&d->lock);
	if (cats) {
		v->log = true;
		v->pd_read = true;
		v->label = "pd";
		v->cats = cats;
		reason = read_reason(d, v, fd, cats, roles, sizeof(roles), &ra);
		/* what is read is carried: audit mode too, the read does happen; a write-only
		 * open (`echo new > pd.csv`) reads nothing; nor does a service account's with
		 * taint = no carry it */
		if (!fan_taint_covers(d, &v->p, cats) && fan_write_only_open(&v->p)) {
			v->pd_read = false;
			ra.note = "opened write-only: nothing is read or carried";
		} else if (v->service[0] && !fan_role(d, v->p.uid)->svc_taint) {
			/* not carried: ra.note says so */
		} else if (!v->deny || fan_audit_mode(d)) {
			unsigned int ids[4];
			int nids;

			fan_taint_add(d, &v->p, cats);
			/* which path export grants cover what it read, for a later export (the
			 * path is read here only while such grants exist) */
			nids = 0;
			if (state_export_any_path(d->env.st)) {
				if (!v->path[0])
					fan_fd_path(fd, v->path, sizeof(v->path));
				nids = fan_export_sources(d, v, st.st_ctim.tv_sec, ids, 4);
			}
			fan_taint_source(d, &v->p, ids, nids);
		}
		vocab_reason_format(v->reason, sizeof(v->reason), reason, &ra);
		v->why = reason;
	}
	if (v->zone && v->p.have_stat) {
		struct taint *o = &d->openers[d->next_opener++ % 256];

		*o = (struct taint){ .used = true, .pid = pid, .pgid = v->p.pgid,
				     .start = v->p.start };
	}
	if (v->zone && !v->deny) {
		struct fan_export_ask *ask = NULL;
		uint32_t t_pipe = 0;
		int exp;

		tcats = d->any_taint ? fan_taint_of(d, &v->p, false) : 0;
		pthread_mutex_unlock(&d->lock);
		/* a process started after the newest mark saw every labelled file it opened through
		 * a permission event, unless a noted file is not marked yet: its descriptors hold
		 * nothing we do not know of */
		if (fd_scan_needed(d, &v->p))
			tcats |= fan_open_fd_cats(d, pid, NULL, NULL, 0);
		if (!tcats && v->p.have_stat)
			tcats |= t_pipe = pipe_peer_cats(d, &v->p);
		pthread_mutex_lock(&d->lock);
		if (tcats) {
			struct reason_args za = { .cats = tcats, .zone = v->zone };

			if (!v->p.have_uid)
				fan_proc_uid(pid, &v->p);
			v->log = true;
			v->cats |= tcats;
			v->label = cats ? "pd" : "none";
			/* an approved way out: a role's export, an export grant, a service;
			 * they may be limited to a folder of the zone, so the path is needed */
			if (!v->path[0])
				fan_fd_path(fd, v->path, sizeof(v->path));
			exp = fan_export_judge(d, v, tcats, t_pipe, false, &ask);
			if (exp == FAN_EXPORT_FDS) {
				pthread_mutex_unlock(&d->lock);
				exp = fan_export_fds(d, v, ask) ? FAN_EXPORT_YES : FAN_EXPORT_NO;
				pthread_mutex_lock(&d->lock);
			}
			free(ask);
			if (exp == FAN_EXPORT_YES) {
				fan_export_allowed(d, v, tcats);
			} else {
				v->deny = true;
				vocab_reason_format(v->reason, sizeof(v->reason),
						    PDGUARD_REASON_TAINT_TO_ZONE, &za);
				v->why = PDGUARD_REASON_TAINT_TO_ZONE;
			}
		}
	}
	pthread_mutex_unlock(&d->lock);
}

static void handle_perm(struct driver *d)
{
	char buf[EVBUF] __attribute__((aligned(8)));
	struct pending *pend[EVBUF / sizeof(struct fanotify_event_metadata)];
	struct fanotify_event_metadata *m;
	uint64_t deadline;
	size_t k, np, free_slots = 0, want;
	ssize_t n;

	/*
	 * Read no more requests than there are free slots: the rest wait in the kernel's queue for
	 * a decision, rather than being answered unread. A permission event is a fixed-size record,
	 * and a read returns whole records only.
	 */
	pthread_mutex_lock(&d->plock);
	for (k = 0; k < MAX_PENDING; k++)
		free_slots += !d->pend[k].used;
	pthread_mutex_unlock(&d->plock);
	want = free_slots * sizeof(struct fanotify_event_metadata);
	if (!want)
		return;
	n = read(d->perm_fd, buf, want < sizeof(buf) ? want : sizeof(buf));
	if (n <= 0)
		return;
	deadline = fan_now_ns(CLOCK_MONOTONIC) + (uint64_t)d->cfg->decision_timeout_ms * 1000000ULL;
	/* first pass: the agent's own opens go through at once, the rest wait with a deadline */
	np = 0;
	for (m = (void *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
		struct pending *p;

		if (m->vers != FANOTIFY_METADATA_VERSION)
			continue;
		if (m->mask & FAN_Q_OVERFLOW) {
			fan_overflow(d, "permission");
			continue;
		}
		if (m->fd < 0)
			continue;
		d->n_requests++;
		p = pend_add(d, m->fd, m->pid, deadline);
		if (!p) {
			/* cannot happen (no more were read than slots were free); if it does, the
			 * fail policy answers and it is an event */
			int ret;

			fan_overflow(d, "permission");
			pthread_mutex_lock(&d->plock);
			ret = respond(d, m->fd, m->pid == d->env.agent_pid || d->cfg->fail_open);
			pthread_mutex_unlock(&d->plock);
			close(m->fd);
			if (ret)
				answer_failed(d, m->pid, ret);
			continue;
		}
		if (m->pid == d->env.agent_pid) {
			d->n_own++;
			answer(d, p, true);
			pend_done(d, p);
			continue;
		}
		pend[np++] = p;
	}
	for (k = 0; k < np; k++) {
		struct verdict v;
		int ours;

		fan_verdict_init(&v);
		d->busy_since_ns = fan_now_ns(CLOCK_MONOTONIC);
		decide(d, pend[k]->fd, pend[k]->pid, &v);
		ours = answer(d, pend[k], !v.deny || fan_audit_mode(d));
		d->busy_since_ns = 0;
		/* the opener goes on; its name and program are only for the log, read now while
		 * it has likely not exited (the logger writes a burst a moment later) */
		if (v.log && ours > 0) {
			if (!v.path[0])
				fan_fd_path(pend[k]->fd, v.path, sizeof(v.path));
			fan_proc_exe_cached(d, v.p.pid, v.exe, sizeof(v.exe));
			/* a file server's client: only a server's process is looked up (the
			 * socket tables are read once per process and PEER_CACHE_S) */
			if (!fan_server_process(d, &v.p) ||
			    peer_of_process(v.p.pid, v.client, &v.client_port))
				v.client[0] = '\0';
		}
		pend_done(d, pend[k]);
		/* answered first, logged after: the opener does not wait for our disk */
		if (v.log && ours > 0)
			fan_emit(d, &v);
	}
}

void *fan_responder_main(void *arg)
{
	struct driver *d = arg;
	struct pollfd pfd[3] = {
		{ .fd = d->perm_fd, .events = POLLIN },
		{ .fd = d->notif_fd, .events = POLLIN },
		{ .fd = d->stop_fd, .events = POLLIN },
	};

	while (!d->stopping) {
		if (poll(pfd, 3, 1000) < 0 && errno != EINTR)
			break;
		if (pfd[2].revents || d->stopping)
			break;
		/* requests first: notifications never make an opener wait */
		if (pfd[0].revents & POLLIN)
			handle_perm(d);
		if (pfd[1].revents & POLLIN)
			fan_drain_notif(d);
	}
	return NULL;
}

/* Answer what the responder did not answer in time; take over reading when it is stuck. */
void *fan_watchdog_main(void *arg)
{
	struct driver *d = arg;
	struct pollfd pfd = { .fd = d->stop_fd, .events = POLLIN };
	pid_t late[64];
	int nlate, interval, failed, err;
	size_t i;

	for (;;) {
		uint64_t now, timeout_ns = (uint64_t)d->cfg->decision_timeout_ms * 1000000ULL;
		bool fail_open = d->cfg->fail_open;
		uint64_t busy;

		interval = d->cfg->decision_timeout_ms / 4;
		interval = interval < 2 ? 2 : interval > 250 ? 250 : interval;
		if (poll(&pfd, 1, interval) > 0 || d->stopping)
			break;
		now = fan_now_ns(CLOCK_MONOTONIC);
		nlate = failed = err = 0;
		pthread_mutex_lock(&d->plock);
		for (i = 0; i < MAX_PENDING; i++) {
			struct pending *p = &d->pend[i];
			int ret;

			if (!p->used || p->answered || now < p->deadline_ns)
				continue;
			p->answered = true;
			ret = respond(d, p->fd, fail_open);
			if (ret) {
				failed++;
				err = ret;
			}
			if (nlate < 64)
				late[nlate++] = p->pid;
		}
		busy = d->busy_since_ns;
		if (busy && now > busy && now - busy > timeout_ns) {
			char buf[EVBUF] __attribute__((aligned(8)));
			struct fanotify_event_metadata *m;
			ssize_t n;

			/* the responder is stuck: nobody reads new requests unless we do */
			while ((n = read(d->perm_fd, buf, sizeof(buf))) > 0) {
				for (m = (void *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
					int ret;

					if (m->fd < 0)
						continue;
					ret = respond(d, m->fd, m->pid == d->env.agent_pid ||
						      fail_open);
					if (ret) {
						failed++;
						err = ret;
					}
					close(m->fd);
					if (m->pid != d->env.agent_pid && nlate < 64)
						late[nlate++] = m->pid;
				}
			}
		}
		pthread_mutex_unlock(&d->plock);
		if (failed)
			answer_failed(d, 0, err);
		for (i = 0; i < (size_t)nlate; i++) {
			char reason[160];

			d->n_watchdog++;
			snprintf(reason, sizeof(reason), "no decision within %u ms: answered %s by the "
				 "watchdog (fail = %s)", d->cfg->decision_timeout_ms,
				 fail_open ? "allow" : "deny", fail_open ? "open" : "closed");
			fan_emit_info(d, "watchdog", reason, late[i]);
		}
	}
	return NULL;
}

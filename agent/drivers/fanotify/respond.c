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

#include "policy/grants.h"

#include "drivers/fanotify/internal.h"

/* Write the answer unless the watchdog did. Return: true when ours was the answer. */
static bool answer(struct driver *d, struct pending *p, bool allow)
{
	struct fanotify_response r = { .fd = p->fd, .response = allow ? FAN_ALLOW : FAN_DENY };
	bool ours = false;

	pthread_mutex_lock(&d->plock);
	if (!p->answered) {
		p->answered = true;
		ours = write(d->perm_fd, &r, sizeof(r)) == sizeof(r);
	}
	pthread_mutex_unlock(&d->plock);
	return ours;
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

static uint32_t role_cats(struct driver *d, uid_t uid, char *roles, size_t len)
{
	uint64_t now = fan_now_ns(CLOCK_MONOTONIC);
	struct role_cached *r, *victim = &d->roles[0];
	size_t i;

	for (i = 0; i < ROLE_CACHE; i++) {
		r = &d->roles[i];
		if (r->used && r->uid == uid && now - r->at_ns < ROLE_TTL_NS) {
			snprintf(roles, len, "%s", r->roles);
			return r->cats;
		}
		if (!r->used || r->at_ns < victim->at_ns)
			victim = r;
	}
	victim->used = true;
	victim->uid = uid;
	victim->at_ns = now;
	victim->cats = state_role_categories(d->cfg, uid, victim->roles, sizeof(victim->roles));
	snprintf(roles, len, "%s", victim->roles);
	return victim->cats;
}

/* Labelled files among the descriptors @pid holds (opened before the file got its label). */
static uint32_t open_fd_cats(struct driver *d, pid_t pid)
{
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
		if (!state_label_get(d->env.st, st.st_dev, st.st_ino, &e) &&
		    e.level != PDGUARD_LEVEL_NONE)
			cats |= e.categories;
	}
	closedir(dp);
	return cats;
}

/* The policy for one open. Fills @v; v->deny says what the policy wants. */
static void decide(struct driver *d, int fd, pid_t pid, struct verdict *v)
{
	char roles[128], words[128], miss[128];
	const char *client;
	struct label_entry e;
	struct stat st;
	uint32_t cats = 0, allowed, granted, tcats;
	uint8_t level = PDGUARD_LEVEL_NONE;

	v->p.pid = pid;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return;
	v->dev = st.st_dev;
	v->ino = st.st_ino;
	if (!state_label_get(d->env.st, st.st_dev, st.st_ino, &e)) {
		level = e.level;
		cats = e.categories;
	} else {
		fan_fd_label(fd, &level, &cats);
	}
	if (level == PDGUARD_LEVEL_NONE)
		cats = 0;
	if (cats)
		fan_fd_path(fd, v->path, sizeof(v->path));
	v->zone = fan_zone_of(d, st.st_dev, fd, v->path, sizeof(v->path));
	if (!cats && !v->zone)
		return;		/* a file no longer labelled; its mark goes with the next label() */
	if (v->zone)
		fan_drain_notif(d);	/* `cat pd > /tmp/x; cp /tmp/x /usb/`: label /tmp/x first */
	fan_proc_stat(pid, &v->p);
	if (cats)
		fan_proc_uid(pid, &v->p);
	pthread_mutex_lock(&d->lock);
	if (cats) {
		v->log = true;
		v->pd_read = true;
		v->label = "pd";
		v->cats = cats;
		fan_cats_words(cats, words, sizeof(words));
		client = fan_sync_client(d, pid);
		allowed = role_cats(d, v->p.uid, roles, sizeof(roles));
		granted = grants_allowed(d->env.grants, v->p.uid, time(NULL));
		if (client) {
			v->deny = true;
			snprintf(v->reason, sizeof(v->reason), "sync client %s may not read PD (%s)",
				 client, words);
		} else if (!v->p.have_uid) {
			v->deny = true;
			snprintf(v->reason, sizeof(v->reason), "the opener's user is unknown");
		} else if (cats & ~(allowed | granted)) {
			v->deny = true;
			fan_cats_words(cats & ~(allowed | granted), miss, sizeof(miss));
			if (roles[0])
				snprintf(v->reason, sizeof(v->reason), "role %s may not read %s",
					 roles, miss);
			else
				snprintf(v->reason, sizeof(v->reason), "no role of this user may "
					 "read %s", miss);
		} else if (cats & ~allowed) {
			snprintf(v->reason, sizeof(v->reason), "granted: %s (role %s)", words,
				 roles[0] ? roles : "none");
		} else {
			snprintf(v->reason, sizeof(v->reason), "role %s may read %s", roles, words);
		}
		/* what is read is carried: audit mode too, the read does happen; a write-only
		 * open (`echo new > pd.csv`) reads nothing */
		if (!fan_taint_covers(d, &v->p, cats) && fan_write_only_open(&v->p)) {
			v->pd_read = false;
			strncat(v->reason, "; opened write-only: nothing is read or carried",
				sizeof(v->reason) - strlen(v->reason) - 1);
		} else if (!v->deny || fan_audit_mode(d)) {
			fan_taint_add(d, &v->p, cats);
		}
	}
	if (v->zone && v->p.have_stat) {
		struct taint *o = &d->openers[d->next_opener++ % 256];

		*o = (struct taint){ .used = true, .pid = pid, .pgid = v->p.pgid,
				     .start = v->p.start };
	}
	if (v->zone && !v->deny) {
		tcats = d->any_taint ? fan_taint_of(d, &v->p, false) : 0;
		pthread_mutex_unlock(&d->lock);
		/* a process started after the newest mark saw every labelled file it opened through
		 * a permission event: its descriptors hold nothing we do not know of */
		if (!v->p.have_stat || v->p.start * d->ns_per_tick <= d->last_mark_boot_ns)
			tcats |= open_fd_cats(d, pid);
		pthread_mutex_lock(&d->lock);
		if (tcats) {
			if (!v->path[0])
				fan_fd_path(fd, v->path, sizeof(v->path));
			if (!v->p.have_uid)
				fan_proc_uid(pid, &v->p);
			v->deny = true;
			v->log = true;
			v->cats |= tcats;
			v->label = cats ? "pd" : "none";
			fan_cats_words(tcats, words, sizeof(words));
			snprintf(v->reason, sizeof(v->reason), "a process that read PD (%s) may not "
				 "open files on a %s zone", words, v->zone);
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
	ssize_t n;
	size_t k, np;

	n = read(d->perm_fd, buf, sizeof(buf));
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
			/* more requests than slots: answer by the fail policy, never wait */
			struct fanotify_response r = { .fd = m->fd, .response =
				m->pid == d->env.agent_pid || d->cfg->fail_open ? FAN_ALLOW : FAN_DENY };

			pthread_mutex_lock(&d->plock);
			write(d->perm_fd, &r, sizeof(r));
			pthread_mutex_unlock(&d->plock);
			close(m->fd);
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
		struct verdict v = { 0 };
		bool ours;

		d->busy_since_ns = fan_now_ns(CLOCK_MONOTONIC);
		decide(d, pend[k]->fd, pend[k]->pid, &v);
		ours = answer(d, pend[k], !v.deny || fan_audit_mode(d));
		d->busy_since_ns = 0;
		pend_done(d, pend[k]);
		/* answered first, logged after: the opener does not wait for our disk */
		if (v.log && ours)
			fan_emit(d, &v);
	}
}

void *fan_responder_main(void *arg)
{
	struct driver *d = arg;
	struct pollfd pfd[4] = {
		{ .fd = d->perm_fd, .events = POLLIN },
		{ .fd = d->notif_fd, .events = POLLIN },
		{ .fd = d->fid_fd, .events = POLLIN },
		{ .fd = d->stop_fd, .events = POLLIN },
	};

	while (!d->stopping) {
		if (poll(pfd, 4, 1000) < 0 && errno != EINTR)
			break;
		if (pfd[3].revents || d->stopping)
			break;
		/* requests first: notifications never make an opener wait */
		if (pfd[0].revents & POLLIN)
			handle_perm(d);
		if (pfd[1].revents & POLLIN)
			fan_drain_notif(d);
		if (pfd[2].revents & POLLIN)
			fan_drain_fid(d);
	}
	return NULL;
}

/* Answer what the responder did not answer in time; take over reading when it is stuck. */
void *fan_watchdog_main(void *arg)
{
	struct driver *d = arg;
	struct pollfd pfd = { .fd = d->stop_fd, .events = POLLIN };
	pid_t late[64];
	int nlate, interval;
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
		nlate = 0;
		pthread_mutex_lock(&d->plock);
		for (i = 0; i < MAX_PENDING; i++) {
			struct pending *p = &d->pend[i];
			struct fanotify_response r;

			if (!p->used || p->answered || now < p->deadline_ns)
				continue;
			r.fd = p->fd;
			r.response = fail_open ? FAN_ALLOW : FAN_DENY;
			p->answered = true;
			write(d->perm_fd, &r, sizeof(r));
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
					struct fanotify_response r = { .fd = m->fd };

					if (m->fd < 0)
						continue;
					r.response = m->pid == d->env.agent_pid || fail_open ?
						     FAN_ALLOW : FAN_DENY;
					write(d->perm_fd, &r, sizeof(r));
					close(m->fd);
					if (m->pid != d->env.agent_pid && nlate < 64)
						late[nlate++] = m->pid;
				}
			}
		}
		pthread_mutex_unlock(&d->plock);
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

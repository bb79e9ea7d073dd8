// SPDX-License-Identifier: GPL-2.0
/*
 * Notifications, seen after the fact: files closed after writing (derived labels, zone files
 * written by a tainted process) and renames into cloud folders (quarantine).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/vocab.h"
#include "state/labels.h"

#include "drivers/fanotify/internal.h"

/* Is @path one of the agent's own records: under the log's directory or the state directory? */
static bool agent_record(const struct config *cfg, const char *path)
{
	const char *dirs[2] = { cfg->log, cfg->state };
	size_t i, n;

	for (i = 0; i < 2; i++) {
		const char *slash = i == 0 ? strrchr(dirs[i], '/') : NULL;

		n = slash ? (size_t)(slash - dirs[i]) : strlen(dirs[i]);
		if (n && !strncmp(path, dirs[i], n) && (path[n] == '/' || path[n] == '\0'))
			return true;
	}
	return false;
}

/*
 * A zone file written by a tainted process that may export what it carries (a role's export,
 * an export grant, a service): it stays. Judged again with what the writer carries now (it may
 * have read other PD since the open, or its grant may have ended). Its open was logged as the
 * export when the process was tainted then; else (it read PD after opening the file) this
 * write is the export's event.
 */
static bool zone_write_exported(struct driver *d, struct verdict *v, uint32_t tcats)
{
	struct fan_export_ask *ask = NULL;
	bool seen;
	uid_t uid;
	int exp;

	pthread_mutex_lock(&d->lock);
	seen = fan_export_seen(d, v->p.pid, v->dev, v->ino, &uid);
	/* the writer exited before its close was read: the uid it opened the zone file with, or
	 * read PD with */
	if (!v->p.have_uid && (seen || fan_taint_uid(d, &v->p, &uid))) {
		v->p.uid = uid;
		v->p.have_uid = true;
	}
	exp = fan_export_judge(d, v, tcats, 0, true, &ask);
	pthread_mutex_unlock(&d->lock);
	if (exp == FAN_EXPORT_FDS)
		exp = fan_export_fds(d, v, ask) ? FAN_EXPORT_YES : FAN_EXPORT_NO;
	free(ask);
	if (exp != FAN_EXPORT_YES)
		return false;
	if (seen)
		return true;
	pthread_mutex_lock(&d->lock);
	fan_export_allowed(d, v, tcats);
	pthread_mutex_unlock(&d->lock);
	v->log = true;
	v->label = "pd";
	fan_emit(d, v);
	return true;
}

/*
 * A file server's process ([servers]) writes for its clients into the shares, which are scan
 * roots, and for itself elsewhere (smbd's tdb files, its log): only the former may be a copy of
 * what it served. Return: false when @v is a server's write outside the scan roots.
 */
static bool server_share_write(struct driver *d, const struct verdict *v)
{
	bool server;

	pthread_mutex_lock(&d->lock);
	server = fan_taint_server(d, &v->p, true);
	pthread_mutex_unlock(&d->lock);
	return !server || config_under_scan(d->cfg, v->path);
}

/*
 * A close-write, read by the responder: what the file becomes is noted (in memory, nothing is
 * written here) for the labeller. Return: true when the note took the event's descriptor.
 */
static bool note_close_write(struct driver *d, const struct fanotify_event_metadata *m)
{
	struct verdict v = { .op = "write", .label = "pd" };
	struct pdguard_label_xattr x;
	struct label_entry cur;
	struct noted *n;
	struct stat st;
	uint32_t tcats, old = 0;
	uint8_t level = PDGUARD_LEVEL_NONE;

	/* every filesystem is watched: a close by nobody tainted costs no more than this */
	if (!d->any_taint || m->pid == d->env.agent_pid || fstat(m->fd, &st) ||
	    !S_ISREG(st.st_mode))
		return false;
	v.p.pid = m->pid;
	fan_proc_stat(m->pid, &v.p);	/* may have exited: then its taint is taken by pid */
	fan_proc_uid(m->pid, &v.p);
	pthread_mutex_lock(&d->lock);
	tcats = fan_taint_of(d, &v.p, true);
	pthread_mutex_unlock(&d->lock);
	if (!tcats)
		return false;
	v.dev = st.st_dev;
	v.ino = st.st_ino;
	v.cats = tcats;
	fan_fd_path(m->fd, v.path, sizeof(v.path));
	/* the event log, grants and cache are the agent's records, whoever appended to them */
	if (agent_record(d->cfg, v.path))
		return false;
	v.zone = fan_zone_of(d, st.st_dev, m->fd, v.path, sizeof(v.path));
	if (v.zone && zone_write_exported(d, &v, tcats))
		return false;
	if (!v.zone && !server_share_write(d, &v))
		return false;
	if (!v.zone) {
		/* read the note table before the state: a note leaves the table after the state
		 * has its label, so one of the two always holds it */
		old = fan_noted_cats(d, st.st_dev, st.st_ino);
		level = old ? PDGUARD_LEVEL_DERIVED : PDGUARD_LEVEL_NONE;
		if (!labels_lookup(d->env.st, d->env.log, m->fd, NULL, &cur)) {
			if (cur.level != PDGUARD_LEVEL_NONE) {
				level = cur.level;
				old |= cur.categories;
			}
		} else if (!old && !labels_get_fd(m->fd, &x)) {
			level = x.level;		/* known from the xattr only */
			old = x.categories;
		}
		/* the labelling policy says whether this write changes the label at all */
		if (!labels_derive(&level, &old, tcats))
			return false;
	}
	n = malloc(sizeof(*n));
	if (!n)
		return false;
	*n = (struct noted){ .fd = m->fd, .zone_write = v.zone != NULL, .tcats = tcats, .v = v };
	pthread_mutex_lock(&d->nlock);
	/* the labeller frees room; it needs neither d->lock nor the state lock from us */
	while (d->nnotes == NOTEQ && !d->nstop)
		pthread_cond_wait(&d->nspace, &d->nlock);
	if (d->nnotes == NOTEQ) {
		pthread_mutex_unlock(&d->nlock);
		free(n);
		return false;
	}
	n->seq = d->note_seq++;
	d->notes[d->nnotes++] = n;
	pthread_mutex_unlock(&d->nlock);
	fan_wake(d->note_fd);
	return true;
}

uint32_t fan_noted_cats(struct driver *d, dev_t dev, ino_t ino)
{
	uint32_t cats = 0;
	size_t i;

	pthread_mutex_lock(&d->nlock);
	for (i = 0; i < d->nnotes; i++) {
		const struct noted *n = d->notes[i];

		if (!n->zone_write && n->v.dev == dev && n->v.ino == ino)
			cats |= n->tcats;
	}
	pthread_mutex_unlock(&d->nlock);
	return cats;
}

bool fan_notes_pending(struct driver *d)
{
	bool any;

	pthread_mutex_lock(&d->nlock);
	any = d->nnotes > 0;
	pthread_mutex_unlock(&d->nlock);
	return any;
}

/*
 * Read every queued close-write (non-blocking) into notes: the responder calls it before a zone
 * decision, so a file written a moment ago counts as labelled. It only reads.
 */
void fan_drain_notif(struct driver *d)
{
	char buf[EVBUF] __attribute__((aligned(8)));
	struct fanotify_event_metadata *m;
	ssize_t n;

	while ((n = read(d->notif_fd, buf, sizeof(buf))) > 0) {
		for (m = (void *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			bool taken = false;

			if (m->vers != FANOTIFY_METADATA_VERSION)
				continue;
			if (m->mask & FAN_Q_OVERFLOW)
				fan_overflow(d, "notification");
			else if (m->fd >= 0 && (m->mask & FAN_CLOSE_WRITE))
				taken = note_close_write(d, m);
			if (m->fd >= 0 && !taken)
				close(m->fd);
		}
	}
}

/*
 * Empty the file the event's descriptor names, whatever names it has now: a second link made
 * while it was open (`ln a b`) must not keep the data. Through /proc/self/fd, the very inode.
 */
static int empty_inode(int fd)
{
	char self[64];
	int wfd;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	wfd = open(self, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (wfd < 0)
		return -errno;
	close(wfd);
	return 0;
}

/* The labeller: a zone file written by a tainted process is emptied and removed (enforce). */
static void write_zone_file(struct driver *d, struct noted *n)
{
	struct reason_args ra = { .cats = n->tcats, .zone = n->v.zone,
				  .note = "seen after the fact" };
	struct verdict *v = &n->v;
	struct stat now;

	/* the open was not refused (the writer opened it before it read PD): undo now */
	v->deny = true;
	v->log = true;
	if (!fan_audit_mode(d) && !empty_inode(n->fd)) {
		ra.note = "emptied after the fact (every name of it)";
		if (!lstat(v->path, &now) && now.st_ino == v->ino && now.st_dev == v->dev &&
		    !unlink(v->path))
			ra.note = "emptied and removed after the fact (every name of it)";
	}
	vocab_reason_format(v->reason, sizeof(v->reason), PDGUARD_REASON_ZONE_WRITE_AFTER, &ra);
	v->why = PDGUARD_REASON_ZONE_WRITE_AFTER;
	fan_emit(d, v);
}

/* A derived label only half applied: an event, and a counter for `pdguard status`. */
static void label_trouble(struct driver *d, const char *path, uint32_t cats, const char *what,
			  int err)
{
	char reason[256];
	struct event ev;

	d->n_label_failed++;
	snprintf(reason, sizeof(reason), "%s (%s)", what, strerror(-err));
	ev = event_agent("label", "info", reason);
	ev.path = path;
	ev.label = vocab_level_name(PDGUARD_LEVEL_PD);
	ev.categories = cats;
	ev.driver = "fanotify";
	if (d->env.log)
		eventlog_write(d->env.log, &ev);
}

/*
 * The labeller: the derived label, written by the labelling module through the event's
 * descriptor (the file is not opened again, nor another one labelled), then marked.
 */
static void write_derived(struct driver *d, struct noted *n)
{
	struct reason_args ra = { .cats = n->tcats };
	struct verdict *v = &n->v;
	struct event cause = event_make("label", "info", NULL);
	struct label_record r = { .fd = n->fd, .path = v->path, .cause = &cause };
	struct pdguard_label_xattr x;
	struct label_entry cur;
	char exe[PATH_MAX];
	int ret, xerr;

	if (fstat(n->fd, &r.st))
		return;
	/* the state again: a classification may have labelled it since it was noted */
	r.level = PDGUARD_LEVEL_NONE;
	if (!labels_lookup(d->env.st, d->env.log, n->fd, NULL, &cur)) {
		r.level = cur.level;
		r.categories = cur.categories;
	} else if (!labels_get_fd(n->fd, &x)) {
		r.level = x.level;
		r.categories = x.categories;
	}
	if (!labels_derive(&r.level, &r.categories, n->tcats))
		return;
	r.write_xattr = true;
	vocab_reason_format(v->reason, sizeof(v->reason), PDGUARD_REASON_DERIVED, &ra);
	r.reason = v->reason;
	fan_proc_exe(v->p.pid, exe, sizeof(exe));
	cause.uid = v->p.have_uid ? v->p.uid : (uint32_t)-1;
	cause.pid = v->p.pid;
	cause.comm = v->p.comm[0] ? v->p.comm : NULL;
	cause.exe = exe[0] ? exe : NULL;
	cause.driver = "fanotify";
	labels_record(d->env.st, d->env.log, &r, &xerr);
	if (xerr)
		label_trouble(d, v->path, r.categories, "the derived label could not be written to "
			      "the file: it holds in the agent's state only", xerr);
	pthread_mutex_lock(&d->lock);
	ret = fan_mark_file(d, n->fd, v->path, r.st.st_dev, r.st.st_ino);
	pthread_mutex_unlock(&d->lock);
	if (ret)
		label_trouble(d, v->path, r.categories, "the derived file could not be marked: its "
			      "opens are not checked", ret);
	d->n_derived++;
}

/* The oldest note, marked busy (it stays visible to decisions until written); NULL: none. */
static struct noted *note_next(struct driver *d)
{
	struct noted *n = NULL;
	size_t i;

	pthread_mutex_lock(&d->nlock);
	for (i = 0; i < d->nnotes; i++)
		if (!d->notes[i]->busy && (!n || d->notes[i]->seq < n->seq))
			n = d->notes[i];
	if (n)
		n->busy = true;
	pthread_mutex_unlock(&d->nlock);
	return n;
}

static void note_done(struct driver *d, struct noted *n)
{
	size_t i;

	pthread_mutex_lock(&d->nlock);
	for (i = 0; i < d->nnotes; i++)
		if (d->notes[i] == n) {
			d->notes[i] = d->notes[--d->nnotes];
			break;
		}
	pthread_cond_signal(&d->nspace);
	pthread_mutex_unlock(&d->nlock);
	close(n->fd);
	free(n);
}

static void write_notes(struct driver *d)
{
	struct noted *n;

	while ((n = note_next(d))) {
		if (n->zone_write)
			write_zone_file(d, n);
		else
			write_derived(d, n);
		note_done(d, n);
	}
}

/* Cloud zone that holds @dirpath; its parent gets the quarantine. */
static int quarantine_dir(struct driver *d, const char *dirpath, char *q, size_t len)
{
	char folder[PATH_MAX];
	const char *slash;
	int ret;

	ret = state_cloud_folder(d->env.st, dirpath, folder, sizeof(folder));
	if (ret)
		return ret;
	slash = strrchr(folder, '/');
	if ((size_t)snprintf(q, len, "%.*s/.pdguard-quarantine", slash ? (int)(slash - folder) : 0,
			     folder) >= len)
		return -ENAMETOOLONG;
	if (mkdir(q, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

static void fid_event(struct driver *d, const struct fanotify_event_metadata *m)
{
	const struct fanotify_event_info_fid *fid = (const void *)(m + 1);
	const struct file_handle *fh;
	struct verdict v = { .op = "rename", .zone = "cloud", .label = "pd" };
	struct pdguard_label_xattr lx;
	struct label_entry e;
	struct reason_args ra = { .zone = "cloud", .note = "seen after the fact" };
	char dirpath[PATH_MAX], xpath[PATH_MAX + 300], qdir[PATH_MAX];
	const char *name;
	struct stat st;
	bool too_long;
	int dirfd = -1;
	size_t i;

	if (m->event_len < sizeof(*m) + sizeof(*fid) ||
	    fid->hdr.info_type != FAN_EVENT_INFO_TYPE_DFID_NAME)
		return;
	fh = (const void *)fid->handle;
	name = (const char *)fh->f_handle + fh->handle_bytes;
	pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->nzmarks && dirfd < 0; i++)
		if (d->zmarks[i].pathfd >= 0)
			dirfd = open_by_handle_at(d->zmarks[i].pathfd, (struct file_handle *)fh,
						  O_PATH | O_CLOEXEC);
	pthread_mutex_unlock(&d->lock);
	if (dirfd < 0)
		return;
	fan_fd_path(dirfd, dirpath, sizeof(dirpath));
	/* a path too long to hold is still logged, cut; a file is still moved by dirfd + name */
	too_long = (size_t)snprintf(v.path, sizeof(v.path), "%s/%s", dirpath, name) >=
		   sizeof(v.path);
	if ((m->mask & FAN_ONDIR) && (m->mask & (FAN_CREATE | FAN_MOVED_TO))) {
		/* a new subdirectory of a cloud folder: watched like its parent (by its path) */
		if (!too_long)
			fan_zone_mark_add(d, v.path, 0, CLOUD_PERM, CLOUD_NOTIF, CLOUD_FID);
		close(dirfd);
		return;
	}
	if (!(m->mask & FAN_MOVED_TO) || fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) ||
	    !S_ISREG(st.st_mode)) {
		close(dirfd);
		return;
	}
	v.dev = st.st_dev;
	v.ino = st.st_ino;
	if ((size_t)snprintf(xpath, sizeof(xpath), "/proc/self/fd/%d/%s", dirfd, name) >=
	    sizeof(xpath))
		xpath[0] = '\0';
	if (xpath[0] && !labels_lookup(d->env.st, d->env.log, -1, xpath, &e)) {
		if (e.level != PDGUARD_LEVEL_NONE)
			v.cats = e.categories;
	} else if (xpath[0] && !labels_get(xpath, &lx) && lx.level != PDGUARD_LEVEL_NONE) {
		v.cats = lx.categories;
	}
	v.p.pid = m->pid;
	fan_proc_stat(m->pid, &v.p);
	fan_proc_uid(m->pid, &v.p);
	if (!v.cats || m->pid == d->env.agent_pid) {
		close(dirfd);
		return;
	}
	v.deny = true;
	if (!fan_audit_mode(d) && !quarantine_dir(d, dirpath, qdir, sizeof(qdir)) &&
	    (size_t)snprintf(v.target, sizeof(v.target), "%s/%s.%ld", qdir, name,
			     (long)time(NULL)) < sizeof(v.target) &&
	    !renameat(dirfd, name, AT_FDCWD, v.target)) {
		d->n_moved++;
		ra.note = "moved to quarantine";
	} else {
		v.target[0] = '\0';
	}
	ra.cats = v.cats;
	vocab_reason_format(v.reason, sizeof(v.reason), PDGUARD_REASON_MOVED_TO_ZONE, &ra);
	v.why = PDGUARD_REASON_MOVED_TO_ZONE;
	close(dirfd);
	fan_emit(d, &v);
}

static void drain_fid(struct driver *d)
{
	char buf[EVBUF] __attribute__((aligned(8)));
	struct fanotify_event_metadata *m;
	ssize_t n;

	while ((n = read(d->fid_fd, buf, sizeof(buf))) > 0) {
		for (m = (void *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			if (m->vers != FANOTIFY_METADATA_VERSION)
				continue;
			if (m->mask & FAN_Q_OVERFLOW)
				fan_overflow(d, "rename");
			else
				fid_event(d, m);
		}
	}
}

/* The labeller thread: every write the notifications call for, away from the responder. */
void *fan_labeller_main(void *arg)
{
	struct driver *d = arg;
	struct pollfd pfd[2] = {
		{ .fd = d->note_fd, .events = POLLIN },
		{ .fd = d->fid_fd, .events = POLLIN },
	};

	/* not on stop_fd: the responder may note more until it stops (fan_stop sets nstop then),
	 * and what it noted is written before the driver goes */
	while (!d->nstop) {
		if (poll(pfd, 2, 1000) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN)
			fan_unwake(d->note_fd);
		/* every second too: a lost wake-up delays a label, never loses it */
		write_notes(d);
		if (pfd[1].revents & POLLIN)
			drain_fid(d);
	}
	write_notes(d);
	return NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Notifications, seen after the fact: files closed after writing (derived labels, zone files
 * written by a tainted process) and renames into cloud folders (quarantine).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

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

static void close_write(struct driver *d, const struct fanotify_event_metadata *m)
{
	struct verdict v = { .op = "write", .label = "pd" };
	struct label_entry e, cur;
	char words[128];
	struct stat st;
	uint32_t tcats, old = 0;
	uint8_t level = PDGUARD_LEVEL_NONE;

	if (m->pid == d->env.agent_pid || fstat(m->fd, &st) || !S_ISREG(st.st_mode))
		return;
	v.p.pid = m->pid;
	fan_proc_stat(m->pid, &v.p);	/* may have exited: then its taint is taken by pid */
	fan_proc_uid(m->pid, &v.p);
	pthread_mutex_lock(&d->lock);
	tcats = fan_taint_of(d, &v.p, true);
	pthread_mutex_unlock(&d->lock);
	if (!tcats)
		return;
	v.dev = st.st_dev;
	v.ino = st.st_ino;
	v.cats = tcats;
	fan_fd_path(m->fd, v.path, sizeof(v.path));
	/* the event log, grants and cache are the agent's records, whoever appended to them */
	if (agent_record(d->cfg, v.path))
		return;
	fan_cats_words(tcats, words, sizeof(words));
	v.zone = fan_zone_of(d, st.st_dev, m->fd, v.path, sizeof(v.path));
	if (v.zone) {
		/* the open was not refused (the writer opened it before it read PD): undo now */
		struct stat now;

		v.deny = true;
		v.log = true;
		if (!fan_audit_mode(d) && !lstat(v.path, &now) && now.st_ino == st.st_ino &&
		    now.st_dev == st.st_dev && !unlink(v.path))
			snprintf(v.reason, sizeof(v.reason), "a process tainted with %s wrote a "
				 "file on a %s zone: removed after the fact", words, v.zone);
		else
			snprintf(v.reason, sizeof(v.reason), "a process tainted with %s wrote a "
				 "file on a %s zone (seen after the fact)", words, v.zone);
		fan_emit(d, &v);
		return;
	}
	if (!state_label_get(d->env.st, st.st_dev, st.st_ino, &cur)) {
		level = cur.level;
		old = cur.categories;
	} else if (!fan_fd_label(m->fd, &level, &old)) {
		/* known from the xattr only */
	}
	if (level != PDGUARD_LEVEL_NONE && (old & tcats) == tcats)
		return;
	memset(&e, 0, sizeof(e));
	e.dev = st.st_dev;
	e.ino = st.st_ino;
	e.size = st.st_size;
	e.mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	e.ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
	e.level = level == PDGUARD_LEVEL_PD ? PDGUARD_LEVEL_PD : PDGUARD_LEVEL_DERIVED;
	e.categories = (level != PDGUARD_LEVEL_NONE ? old : 0) | tcats;
	{
		struct pdguard_label_xattr x = {
			.magic = PDGUARD_LABEL_MAGIC, .version = PDGUARD_LABEL_VERSION,
			.level = e.level, .categories = htole32(e.categories),
			.classified_at = htole64((uint64_t)time(NULL)),
		};

		/* through the event's descriptor: the file is not opened again */
		fsetxattr(m->fd, PDGUARD_XATTR_NAME, &x, sizeof(x), 0);
	}
	state_label_put(d->env.st, &e);
	pthread_mutex_lock(&d->lock);
	fan_mark_file(d, m->fd, v.path, st.st_dev, st.st_ino);
	pthread_mutex_unlock(&d->lock);
	d->n_derived++;
	v.op = "label";
	v.cats = e.categories;
	snprintf(v.reason, sizeof(v.reason), "written by a process tainted with %s: label derived",
		 words);
	{
		char exe[PATH_MAX];
		struct event ev = {
			.op = "label", .decision = "info", .reason = v.reason,
			.uid = v.p.have_uid ? v.p.uid : (uint32_t)-1, .pid = v.p.pid,
			.comm = v.p.comm[0] ? v.p.comm : NULL, .exe = exe, .path = v.path,
			.label = "pd", .categories = e.categories, .zone = NULL,
			.driver = "fanotify",
		};

		fan_proc_exe(v.p.pid, exe, sizeof(exe));
		if (d->env.log)
			eventlog_write(d->env.log, &ev);
	}
}

/* Read every queued close-write (non-blocking): derived labels before a zone decision. */
void fan_drain_notif(struct driver *d)
{
	char buf[EVBUF] __attribute__((aligned(8)));
	struct fanotify_event_metadata *m;
	ssize_t n;

	while ((n = read(d->notif_fd, buf, sizeof(buf))) > 0) {
		for (m = (void *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			if (m->vers != FANOTIFY_METADATA_VERSION)
				continue;
			if (m->mask & FAN_Q_OVERFLOW)
				fan_overflow(d, "notification");
			else if (m->fd >= 0 && (m->mask & FAN_CLOSE_WRITE))
				close_write(d, m);
			if (m->fd >= 0)
				close(m->fd);
		}
	}
}

/* Cloud zone that holds @dirpath; its parent gets the quarantine. */
static int quarantine_dir(struct driver *d, const char *dirpath, char *q, size_t len)
{
	struct state *st = d->env.st;
	int ret = -ENOENT;
	size_t i, n;

	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->zones.n && ret; i++) {
		const struct zone *z = &st->zones.v[i];
		const char *slash;

		n = strlen(z->path);
		if (z->kind != ZONE_CLOUD || strncmp(dirpath, z->path, n) ||
		    (dirpath[n] && dirpath[n] != '/'))
			continue;
		slash = strrchr(z->path, '/');
		snprintf(q, len, "%.*s/.pdguard-quarantine", slash ? (int)(slash - z->path) : 0,
			 z->path);
		ret = 0;
	}
	pthread_mutex_unlock(&st->lock);
	if (!ret && mkdir(q, 0700) && errno != EEXIST)
		ret = -errno;
	return ret;
}

static void fid_event(struct driver *d, const struct fanotify_event_metadata *m)
{
	const struct fanotify_event_info_fid *fid = (const void *)(m + 1);
	const struct file_handle *fh;
	struct verdict v = { .op = "rename", .zone = "cloud", .label = "pd" };
	struct pdguard_label_xattr lx;
	struct label_entry e;
	char dirpath[PATH_MAX], xpath[PATH_MAX + 300], qdir[PATH_MAX], words[128];
	const char *name;
	struct stat st;
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
	snprintf(v.path, sizeof(v.path), "%s/%s", dirpath, name);
	if ((m->mask & FAN_ONDIR) && (m->mask & (FAN_CREATE | FAN_MOVED_TO))) {
		/* a new subdirectory of a cloud folder: watched like its parent */
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
	snprintf(xpath, sizeof(xpath), "/proc/self/fd/%d/%s", dirfd, name);
	if (!state_label_get(d->env.st, st.st_dev, st.st_ino, &e) && e.level != PDGUARD_LEVEL_NONE)
		v.cats = e.categories;
	else if (!labels_get(xpath, &lx) && lx.level != PDGUARD_LEVEL_NONE)
		v.cats = lx.categories;
	v.p.pid = m->pid;
	fan_proc_stat(m->pid, &v.p);
	fan_proc_uid(m->pid, &v.p);
	if (!v.cats || m->pid == d->env.agent_pid) {
		close(dirfd);
		return;
	}
	v.deny = true;
	fan_cats_words(v.cats, words, sizeof(words));
	if (!fan_audit_mode(d) && !quarantine_dir(d, dirpath, qdir, sizeof(qdir))) {
		snprintf(v.target, sizeof(v.target), "%s/%s.%ld", qdir, name, (long)time(NULL));
		if (!renameat(dirfd, name, AT_FDCWD, v.target)) {
			d->n_moved++;
			snprintf(v.reason, sizeof(v.reason), "a PD file (%s) was renamed into a cloud "
				 "folder: moved to quarantine after the fact", words);
		} else {
			v.target[0] = '\0';
		}
	}
	if (!v.reason[0])
		snprintf(v.reason, sizeof(v.reason), "a PD file (%s) was renamed into a cloud "
			 "folder (seen after the fact)", words);
	close(dirfd);
	fan_emit(d, &v);
}

void fan_drain_fid(struct driver *d)
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

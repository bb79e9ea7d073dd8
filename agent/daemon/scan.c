// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's classification: the workers' job (read, classify, label one file), the first
 * scan of the scan roots, stoppable by a signal, and the watcher that queues changed files.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "classify/workq.h"
#include "daemon/internal.h"
#include "drivers/driver.h"
#include "extract/remember.h"
#include "lib/vocab.h"
#include "log/events.h"
#include "policy/config.h"
#include "state/labels.h"

static struct daemon *walk_daemon;	/* nftw() has no user argument */

/*
 * Two change events for one file can reach two workers at once; the one that read the older
 * content must not write its label last. Workers take the stripe of the file's inode for the
 * whole read-classify-label step, so one file is labelled by one worker at a time.
 */
#define FILE_STRIPES 64
static pthread_mutex_t file_stripes[FILE_STRIPES] = {
	[0 ... FILE_STRIPES - 1] = PTHREAD_MUTEX_INITIALIZER,
};

/* ---- the classification queue ---- */

static void queue_push(struct daemon *d, const char *path)
{
	if (d->q && workq_push(d->q, path) == -ENOMEM)
		log_info(d, "scan-error", "out of memory: the file was not classified", path, NULL);
}

void queue_drain(struct daemon *d)
{
	if (d->q)
		workq_drain(d->q);
}

static void describe_findings(const struct classify_report *rep, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < rep->nfindings && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%s", off ? "," : "",
				rep->findings[i].name);
}

static void label_file_locked(struct daemon *d, struct classify_ctx *ctx, const char *path);

/*
 * Remember a file that hit an extraction limit as it is now, after its label was recorded: a
 * label attribute written changes the ctime. Only if its content is what was read (same size and
 * mtime), so that a version nobody read is not passed over at the next start.
 */
static void remember_overrun(struct daemon *d, const char *path, const struct stat *read_st)
{
	struct stat now;

	if (lstat(path, &now) || now.st_dev != read_st->st_dev ||
	    now.st_ino != read_st->st_ino || now.st_size != read_st->st_size ||
	    now.st_mtim.tv_sec != read_st->st_mtim.tv_sec ||
	    now.st_mtim.tv_nsec != read_st->st_mtim.tv_nsec)
		return;
	if (remember_add(d->overruns, &now))
		log_info(d, "scan-error", "cannot remember a file over a limit", path, NULL);
}

/*
 * Give a label to the driver. A full labels map loses the entry, not the label: the file keeps
 * its attribute (read in the kernel where the module's kfuncs or the kernel's own are there),
 * the agent keeps going, and the loss is counted and alerted once per burst.
 */
static void push_label(struct daemon *d, const struct label_entry *e, const char *path)
{
	int ret = d->dops->label(d->drv, e, path);
	char reason[256], extra[96];
	bool first;

	if (ret != -E2BIG && ret != -ENOSPC)
		return;
	pthread_mutex_lock(&d->full_lock);
	first = burst_hit(&d->labels_full, time(NULL));
	snprintf(extra, sizeof(extra), "\"count\":%llu",
		 (unsigned long long)d->labels_full.total);
	pthread_mutex_unlock(&d->full_lock);
	if (!first)
		return;
	snprintf(reason, sizeof(reason), "the kernel's labels map is full: this and further labels "
		 "are enforced only where the kernel reads the files' label attributes (pdguard "
		 "status counts them)");
	{
		struct event ev = event_agent("label-table-full", "alert", reason);

		ev.path = path;
		ev.label = vocab_level_name(e->level);
		ev.categories = e->categories;
		ev.extra = extra;
		eventlog_write(d->log, &ev);
	}
}

/* Classify one file and record its label: on the file, in the state, to the driver, in the log. */
static void label_file(struct daemon *d, struct classify_ctx *ctx, const char *path)
{
	struct stat st;
	pthread_mutex_t *m;

	if (lstat(path, &st) || !S_ISREG(st.st_mode))
		return;
	m = &file_stripes[(st.st_ino ^ st.st_dev) % FILE_STRIPES];
	pthread_mutex_lock(m);
	label_file_locked(d, ctx, path);
	pthread_mutex_unlock(m);
}

static void label_file_locked(struct daemon *d, struct classify_ctx *ctx, const char *path)
{
	struct label_record r = { .path = path, .fd = -1 };
	struct pdguard_label_xattr x;
	struct label_entry old;
	struct scan_result res;
	char reason[512], rules[256], unread[48];
	bool have_x, was_verified, overrun = false;
	int ret, xerr;

	if (lstat(path, &r.st) || !S_ISREG(r.st.st_mode))
		return;
	/* known and unchanged: the same file (identity) in the same version, its label agreeing */
	was_verified = !state_label_get(&d->st, r.st.st_dev, r.st.st_ino, &old) && old.verified;
	if (!labels_lookup(&d->st, d->log, -1, path, &old) && label_entry_current(&old, &r.st)) {
		atomic_fetch_add(&d->unchanged, 1);
		/* a label from the cache, now checked: the kernel's map may have it */
		if (!was_verified && old.level != PDGUARD_LEVEL_NONE && d->drv && d->dops->label)
			push_label(d, &old, path);
		return;
	}
	have_x = !labels_get(path, &x);
	if (have_x && (x.flags & PDGUARD_LABEL_MANUAL)) {
		/* an administrator's label wins over classification until cleared */
		labels_after_scan(&x, false, 0, &r.level, &r.categories);
		snprintf(reason, sizeof(reason), "label set by an administrator");
	} else if (remember_has(d->overruns, &r.st)) {
		/* a bomb costs its limits once per version of the file, not at every start */
		atomic_fetch_add(&d->remembered, 1);
		atomic_fetch_add(&d->unknown, 1);
		log_info(d, "scan-unknown", "limit exceeded before on this version of the file: "
			 "not read again until it changes", path, "\"unread\":\"limit\"");
		/* what reading it again would give: unknown, as the policy says */
		labels_after_scan(have_x ? &x : NULL, !d->cfg->unknown_none, PDGUARD_CAT_ALL,
				  &r.level, &r.categories);
		r.flags = PDGUARD_LABEL_UNKNOWN;
		snprintf(reason, sizeof(reason), "unknown (limit: exceeded before on this version of "
			 "the file): unknown = %s", d->cfg->unknown_none ? "none" : "pd");
		r.write_xattr = !have_x || x.level != r.level || x.categories != r.categories ||
				(x.flags & PDGUARD_LABEL_UNKNOWN) != r.flags;
	} else {
		ret = scanner_scan_path(&d->sc, ctx, path, &res);
		/* stopping: what was cut short is neither a result nor an error */
		if (extract_cancelled())
			return;
		atomic_fetch_add(&d->scanned, 1);
		if (ret)
			return;
		if (!res.st.st_mode) {
			/* not even opened (gone, or a race): keep what was known, say why */
			atomic_fetch_add(&d->errors, 1);
			log_info(d, "scan-error", res.error, path, NULL);
			return;
		}
		r.st = res.st;
		if (res.label == SCAN_LABEL_UNKNOWN) {
			overrun = res.unread == EXTRACT_UNREAD_LIMIT;
			/*
			 * Not read whole and no PD in what was: never "clean". The policy's
			 * "unknown =" decides, and the label says it is unknown, so the kernel
			 * enforces it from the attribute without knowing the policy.
			 */
			atomic_fetch_add(&d->unknown, 1);
			unread[0] = '\0';
			if (*extract_unread_name(res.unread))
				snprintf(unread, sizeof(unread), "\"unread\":\"%s\"",
					 extract_unread_name(res.unread));
			log_info(d, "scan-unknown", res.error, path, unread);
			labels_after_scan(have_x ? &x : NULL, !d->cfg->unknown_none,
					  PDGUARD_CAT_ALL, &r.level, &r.categories);
			r.flags = PDGUARD_LABEL_UNKNOWN;
			snprintf(reason, sizeof(reason), "unknown (%s: %s): unknown = %s",
				 extract_unread_name(res.unread), res.error,
				 d->cfg->unknown_none ? "none" : "pd");
		} else {
			labels_after_scan(have_x ? &x : NULL, res.pd, res.categories, &r.level,
					  &r.categories);
			describe_findings(&res.report, rules, sizeof(rules));
			snprintf(reason, sizeof(reason), "%s%s%s", res.pd ? "classified as PD by " :
				 "classified: no PD", res.pd ? rules : "",
				 res.error[0] ? " (partial)" : "");
		}
		r.write_xattr = !have_x || x.level != r.level || x.categories != r.categories ||
				(x.flags & PDGUARD_LABEL_UNKNOWN) != r.flags;
	}
	r.reason = reason;
	if (r.level != PDGUARD_LEVEL_NONE)
		atomic_fetch_add(&d->pd_files, 1);
	ret = labels_record(&d->st, d->log, &r, &xerr);
	if (xerr && xerr != -ENOTSUP)
		log_info(d, "label-error", strerror(-xerr), path, NULL);
	if (ret == 1 && d->drv && d->dops->label) {
		struct label_entry e;

		if (!state_label_get(&d->st, r.st.st_dev, r.st.st_ino, &e))
			push_label(d, &e, path);
	}
	if (overrun)
		remember_overrun(d, path, &res.st);
}

/* A worker's job: one file (no context: out of memory, the file waits for its next change). */
void label_job(void *arg, struct classify_ctx *ctx, const char *path)
{
	if (ctx && !extract_cancelled())
		label_file(arg, ctx, path);
}

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (extract_cancelled())
		return FTW_STOP;
	if (type == FTW_F && S_ISREG(st->st_mode))
		queue_push(walk_daemon, path);
	return 0;
}

static void scan_roots(struct daemon *d)
{
	size_t i;

	walk_daemon = d;
	for (i = 0; i < d->cfg->scan.n && !extract_cancelled(); i++)
		if (nftw(d->cfg->scan.v[i], walk_one, 32, FTW_PHYS | FTW_ACTIONRETVAL) == -1)
			fprintf(stderr, "pdguard run: cannot walk '%s': %s\n", d->cfg->scan.v[i],
				strerror(errno));
	queue_drain(d);
}

/*
 * The first scan runs before the main loop reads signals: this thread reads them meanwhile.
 * SIGTERM or SIGINT cancels the extractions under way (a PDF bomb's sandboxed reader is
 * killed) and stops the walk; SIGHUP is kept for after the scan.
 */
struct scan_guard {
	pthread_t thread;
	struct daemon *d;	/* its counters are published while the main loop waits */
	int sfd;
	int done_fd;		/* readable when the scan is over */
	int signo;		/* the stop signal received, 0 if none */
	bool hup;
	struct signalfd_siginfo hup_si;	/* who sent the last SIGHUP (a mode change names them) */
};

static void *scan_guard_fn(void *arg)
{
	struct scan_guard *g = arg;
	struct pollfd pfd[2] = {
		{ .fd = g->sfd, .events = POLLIN },
		{ .fd = g->done_fd, .events = POLLIN },
	};
	struct signalfd_siginfo si;

	while (!g->signo) {
		int n = poll(pfd, 2, HEARTBEAT_S * 1000);

		if (n < 0 && errno != EINTR)
			break;
		if (n == 0) {
			stats_publish(g->d);
			continue;
		}
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN) || read(g->sfd, &si, sizeof(si)) != sizeof(si))
			continue;
		if (si.ssi_signo == SIGHUP) {
			g->hup = true;
			g->hup_si = si;
		} else {
			g->signo = si.ssi_signo;
			extract_cancel();
		}
	}
	return NULL;
}

/* The first scan, stoppable by a signal. Return: the stop signal, or 0. */
int first_scan(struct daemon *d, int sfd)
{
	struct scan_guard g = { .sfd = sfd, .d = d };
	int p[2];
	bool guarded;

	guarded = sfd >= 0 && !pipe2(p, O_CLOEXEC);
	if (guarded) {
		g.done_fd = p[0];
		if (pthread_create(&g.thread, NULL, scan_guard_fn, &g)) {
			close(p[0]);
			close(p[1]);
			guarded = false;
		}
	}
	scan_roots(d);
	if (guarded) {
		if (write(p[1], "", 1) < 0)
			pthread_cancel(g.thread);
		pthread_join(g.thread, NULL);
		close(p[0]);
		close(p[1]);
		if (g.hup && !g.signo)
			reload(d, &g.hup_si);
	}
	return g.signo;
}

/* ---- watching for changed files ---- */

/*
 * A notification-only group (never a permission event: nothing can wait on us here), one
 * filesystem mark per scan root, FAN_CLOSE_WRITE: a file that was written is classified again
 * (config_under_scan() keeps the scan roots' files). A filesystem mark, not a mount mark: a
 * mount mark sees only writes through that one mount, so it misses bind mounts and, under the
 * hardened unit (whose ProtectSystem= gives the agent a mount namespace of its own), every
 * write on the host.
 */
int watch_start(struct daemon *d)
{
	size_t i;

	d->watch_fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK,
				    O_RDONLY | O_LARGEFILE | O_CLOEXEC | O_NOATIME);
	if (d->watch_fd < 0)
		return -errno;
	for (i = 0; i < d->cfg->scan.n; i++)
		if (fanotify_mark(d->watch_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, FAN_CLOSE_WRITE,
				  AT_FDCWD, d->cfg->scan.v[i]))
			fprintf(stderr, "pdguard run: cannot watch '%s' for changes: %s\n",
				d->cfg->scan.v[i], strerror(errno));
	return 0;
}

void watch_dispatch(struct daemon *d)
{
	char buf[8192] __attribute__((aligned(8))), link[64], path[PATH_MAX];
	struct fanotify_event_metadata *m;
	ssize_t len, n;

	while ((len = read(d->watch_fd, buf, sizeof(buf))) > 0) {
		for (m = (void *)buf; FAN_EVENT_OK(m, len); m = FAN_EVENT_NEXT(m, len)) {
			if (m->mask & FAN_Q_OVERFLOW) {
				log_info(d, "overflow", "file-change notifications were lost: "
					 "rescanning the scan roots", NULL, NULL);
				continue;
			}
			if (m->fd < 0)
				continue;
			snprintf(link, sizeof(link), "/proc/self/fd/%d", m->fd);
			n = readlink(link, path, sizeof(path) - 1);
			close(m->fd);
			if (m->pid == getpid() || n <= 0)
				continue;
			path[n] = '\0';
			if (config_under_scan(d->cfg, path))
				queue_push(d, path);
		}
	}
}

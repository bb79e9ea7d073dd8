// SPDX-License-Identifier: GPL-2.0
/*
 * The agent daemon: policy, labels, zones, a driver, the event log.
 *
 * One main thread owns the loop (signals, a 1 s timer, mount-table changes, file-change
 * notifications, the driver's descriptor); worker threads classify files from a bounded queue.
 * Classification and zone detection write into the state; the driver reads it. The agent's own
 * file accesses go through the kernel like anybody's: the driver lets them through by pid.
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
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "policy/config.h"
#include "daemon/burst.h"
#include "daemon/daemon.h"
#include "daemon/runfile.h"
#include "daemon/stats.h"
#include "drivers/driver.h"
#include "lib/vocab.h"
#include "log/events.h"
#include "log/journal.h"
#include "log/siem.h"
#include "log/seal.h"
#include "policy/alerts.h"
#include "daemon/notice.h"
#include "policy/grants.h"
#include "state/labels.h"
#include "drivers/kmod/netlink.h"
#include "classify/scanner.h"
#include "extract/remember.h"
#include "daemon/service.h"
#include "state/state.h"
#include "classify/workq.h"
#include "policy/zones.h"

#define QUEUE_CAP 4096
#define HEARTBEAT_S 5
#define CACHE_SAVE_S 60


struct daemon {
	const struct daemon_opts *opts;
	struct config *cfg;
	struct state st;
	struct eventlog *log;
	struct scanner sc;
	const struct driver_ops *dops;
	struct driver *drv;
	struct netlink_conn *kmod;
	struct grants *grants;
	struct alerts *alerts;
	struct notifier *notice;	/* the employee's notice of a denial (daemon/notice.c) */
	uint64_t policy_gen;

	struct workq *q;

	atomic_ulong scanned, unchanged, pd_files, errors, unknown, remembered;
	struct remember *overruns;	/* files that hit an extraction limit (remember.h) */
	int watch_fd;
	int mount_fd;
	bool alive_marked;		/* STATE/agent.alive is ours to remove at a clean stop */
	char cache_path[PATH_MAX];
	uint64_t saved_gen;

	pthread_mutex_t full_lock;
	struct burst labels_full;	/* labels the kernel's map had no room for */
	struct agent_run run;		/* what STATE/agent.run says */
	struct stats_counter evcount;	/* events written, by op and decision */
	atomic_bool scan_done;		/* the first scan is over */
	pthread_mutex_t stats_lock;	/* one writer of STATE/agent.stats at a time */
	int kmod_mode;			/* the module's mode as last read, -1 unknown */
	struct timespec cfg_ctime;	/* the policy file's ctime when it was read at start */
	/*
	 * Policies replaced by a reload. Drivers' threads, workers and the alerter may still hold
	 * a pointer into one, so none is freed before the agent stops.
	 */
	struct config **retired;
	size_t nretired;
};

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

static void log_info(struct daemon *d, const char *op, const char *reason, const char *path,
		     const char *extra);

/*
 * STATE/agent.alive exists while an agent runs: found at start, it says the last one never
 * reached its clean stop (killed with SIGKILL, crashed, power lost), which is an alert —
 * the pinned programs went on enforcing, but nobody logged their events meanwhile.
 */
#define ALIVE_FILE "agent.alive"

static void alive_mark(struct daemon *d)
{
	char path[PATH_MAX], old[64] = "";
	ssize_t n;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/" ALIVE_FILE, d->cfg->state) >= sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		n = read(fd, old, sizeof(old) - 1);
		old[n > 0 ? n : 0] = '\0';
		old[strcspn(old, "\n")] = '\0';
		close(fd);
		struct event ev = event_agent("agent-unclean-stop", "alert",
					      "the previous agent did not stop cleanly (killed, "
					      "crashed or power lost): its events since are missing");
		char extra[128];

		snprintf(extra, sizeof(extra), "\"alert\":\"agent-stopped\",\"previous_pid\":\"%.16s\"",
			 old);
		ev.path = path;
		ev.extra = extra;
		eventlog_write(d->log, &ev);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	dprintf(fd, "%d\n", (int)getpid());
	close(fd);
	d->alive_marked = true;
}

static void alive_clear(struct daemon *d)
{
	char path[PATH_MAX];

	if (d->alive_marked &&
	    (size_t)snprintf(path, sizeof(path), "%s/" ALIVE_FILE, d->cfg->state) < sizeof(path))
		unlink(path);
}

static void log_info(struct daemon *d, const char *op, const char *reason, const char *path,
		     const char *extra)
{
	struct event ev = event_agent(op, "info", reason);

	ev.path = path;
	ev.extra = extra;
	if (eventlog_write(d->log, &ev))
		fprintf(stderr, "pdguard run: cannot write to the event log: %s\n",
			strerror(errno));
}

/* ---- the classification queue ---- */

static void queue_push(struct daemon *d, const char *path)
{
	if (d->q && workq_push(d->q, path) == -ENOMEM)
		log_info(d, "scan-error", "out of memory: the file was not classified", path, NULL);
}

static void queue_drain(struct daemon *d)
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
static void label_job(void *arg, struct classify_ctx *ctx, const char *path)
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
static void reload(struct daemon *d, const struct signalfd_siginfo *si);
static void stats_publish(struct daemon *d);

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
static int first_scan(struct daemon *d, int sfd)
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
static int watch_start(struct daemon *d)
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

static void watch_dispatch(struct daemon *d)
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

/* ---- zones ---- */

static void zones_refresh(struct daemon *d, bool report)
{
	struct zones fresh;
	size_t i, j;
	char reason[PATH_MAX + 200];

	if (zones_scan(d->cfg, &fresh, NULL, NULL))
		return;
	pthread_mutex_lock(&d->st.lock);
	for (i = 0; report && i < fresh.n; i++) {
		for (j = 0; j < d->st.zones.n; j++)
			if (fresh.v[i].dev == d->st.zones.v[j].dev &&
			    fresh.v[i].ino == d->st.zones.v[j].ino)
				break;
		if (j == d->st.zones.n) {
			snprintf(reason, sizeof(reason), "new %s zone: %s",
				 zone_kind_name(fresh.v[i].kind), fresh.v[i].why);
			log_info(d, "zone-add", reason, fresh.v[i].path, NULL);
			printf("zone added: %s %s (%s)\n", zone_kind_name(fresh.v[i].kind),
			       fresh.v[i].path, fresh.v[i].why);
		}
	}
	for (j = 0; report && j < d->st.zones.n; j++) {
		for (i = 0; i < fresh.n; i++)
			if (fresh.v[i].dev == d->st.zones.v[j].dev &&
			    fresh.v[i].ino == d->st.zones.v[j].ino)
				break;
		if (i == fresh.n) {
			log_info(d, "zone-remove", "zone gone (unmounted or removed)",
				 d->st.zones.v[j].path, NULL);
			printf("zone removed: %s %s\n", zone_kind_name(d->st.zones.v[j].kind),
			       d->st.zones.v[j].path);
		}
	}
	zones_free(&d->st.zones);
	d->st.zones = fresh;
	d->st.generation++;
	pthread_mutex_unlock(&d->st.lock);
	if (d->drv && d->dops->policy)
		d->dops->policy(d->drv, d->cfg);
	fflush(stdout);
}

/* ---- start-up: drivers and the screen that says what is enforced ---- */

static void pick_driver(struct daemon *d, FILE *out)
{
	static const int kinds[] = { DRIVER_BPF_LSM, DRIVER_FMOD_RET, DRIVER_FANOTIFY };
	const struct driver_ops *cands[] = {
		&driver_bpf_lsm_ops, &driver_fmod_ret_ops, &driver_fanotify_ops,
	};
	char why[256], hint[256], bpf_hint[256] = "";
	size_t i;

	fprintf(out, "  drivers:\n");
	for (i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		const struct driver_ops *ops = cands[i];
		struct driver_env env = {
			.st = &d->st, .cfg = d->cfg, .log = d->log,
			.agent_pid = getpid(), .keeper = true,
		};

		if (d->drv) {
			fprintf(out, "    %-9s not needed (a stronger driver runs)\n", ops->name);
			continue;
		}
		if (d->cfg->driver != DRIVER_AUTO && d->cfg->driver != kinds[i]) {
			fprintf(out, "    %-9s not chosen (the policy names another driver)\n",
				ops->name);
			continue;
		}
		why[0] = hint[0] = '\0';
		if (ops->probe && ops->probe(why, sizeof(why), hint, sizeof(hint))) {
			fprintf(out, "    %-9s unavailable: %s\n", ops->name, why);
			if (i < 2 && hint[0])
				snprintf(bpf_hint, sizeof(bpf_hint), "%s", hint);
			continue;
		}
		if (ops->start(&env, &d->drv)) {
			fprintf(out, "    %-9s failed to start (see above)\n", ops->name);
			d->drv = NULL;
			continue;
		}
		d->dops = ops;
		fprintf(out, "    %-9s in use\n", ops->name);
	}
	if (d->drv && d->dops->describe)
		d->dops->describe(d->drv, out);
	if (!d->drv) {
		fprintf(out, "  ENFORCEMENT: none. Files are labelled and the log is kept, but no "
			"access is decided.\n");
		fprintf(out, "  Hint: %s\n", bpf_hint[0] ? bpf_hint :
			"set driver = auto, or a driver this kernel offers");
	} else if (d->dops == &driver_fanotify_ops && bpf_hint[0]) {
		/* the loader's hint for this case recommends fanotify, which already runs */
		fprintf(out, "  Hint: decisions in the kernel (writes, renames, mmap, and enforcement "
			"that survives the agent) need\n        the BPF drivers: %s\n",
			strstr(bpf_hint, "fanotify") ? "this kernel refuses BPF trampoline programs; "
			"a stock Debian 12 kernel allows them (bpf is in its LSM list)" : bpf_hint);
	}
}

static void print_screen(struct daemon *d, size_t cached)
{
	size_t i, usb = 0, cloud = 0;

	printf("pdguard starting: policy %s, mode %s\n", d->opts->config,
	       d->cfg->mode == PDGUARD_MODE_ENFORCE ? "enforce" :
	       "audit (nothing is refused; would-deny events show what enforce would refuse)");
	for (i = 1; i < d->cfg->files.n; i++)
		printf("  policy drop-in: %s\n", d->cfg->files.v[i]);
	if (d->opts->once)
		printf("  drivers: not started (--once: classify, label and exit)\n");
	else
		pick_driver(d, stdout);
	printf("  kernel module: %s\n", d->kmod ? "loaded (heartbeats sent)" :
	       "not loaded (optional: docs/kmod.md)");
	for (i = 0; i < d->st.zones.n; i++) {
		const struct zone *z = &d->st.zones.v[i];

		if (z->kind == ZONE_USB)
			usb++;
		else
			cloud++;
		printf("  zone %-5s %s (%s)\n", zone_kind_name(z->kind), z->path, z->why);
	}
	if (!usb)
		printf("  zone usb   none mounted now; %s are noticed when mounted\n",
		       d->cfg->usb_removable ? "removable and USB disks" : "declared mount points");
	if (!cloud)
		printf("  zone cloud none found in users' homes\n");
	printf("  engine: %s\n", classifier_engine_note(d->sc.classifier));
	printf("  rules: %zu from", d->sc.rules->nrules);
	for (i = 0; i < d->cfg->rules.n; i++)
		printf("%s%s", i ? " + " : " ", d->cfg->rules.v[i]);
	if (d->sc.errors.n)
		printf(" (%zu problem%s: run 'pdguard rules check')", d->sc.errors.n,
		       d->sc.errors.n == 1 ? "" : "s");
	printf("\n  log: %s\n", d->cfg->log);
	for (i = 0; i < d->cfg->scan.n; i++)
		printf("  scan: %s\n", d->cfg->scan.v[i]);
	if (cached)
		printf("  labels: %zu files known from the cache; only changed files are read\n",
		       cached);
	fflush(stdout);
}

/*
 * Seal the log when the state directory holds a sealing key (pdguard log setup-keys); say once
 * whether it is sealed, so an inspector's question has its answer in the log.
 */
/* The ECS/OCSF copy the policy asks for (siem_format), at start and at every reload. */
static void siem_attach(struct eventlog *log, const struct config *cfg)
{
	char path[PATH_MAX];
	int ret = config_siem_path(cfg, path, sizeof(path));

	if (!ret)
		ret = eventlog_set_siem(log, cfg->siem_format, path);
	if (ret)
		fprintf(stderr, "pdguard run: cannot write the %s copy of the log to %s: %s\n",
			siem_format_name(cfg->siem_format), path, strerror(-ret));
}

static void seal_attach(struct daemon *d)
{
	char key[PATH_MAX];
	int ret;

	if ((size_t)snprintf(key, sizeof(key), "%s/" SEAL_KEY_FILE, d->cfg->state) >= sizeof(key))
		return;
	ret = eventlog_seal_attach(d->log, key);
	if (ret == -ENOENT)
		log_info(d, "log-seal", "the log is not sealed: root could rewrite it unseen "
			 "(pdguard log setup-keys starts sealing)", NULL, NULL);
	else if (ret)
		log_info(d, "log-seal", "the sealing key cannot be used: the log is not sealed",
			 key, NULL);
	else
		log_info(d, "log-seal", "the log is sealed every epoch", key, NULL);
}

/* ---- one mode: the policy's, applied to the module and the maps ---- */

static const char *mode_name(int mode)
{
	return mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit";
}

/* Rewrite STATE/agent.run with what is true now (pdguard status, pdguard mode read it). */
static void run_publish(struct daemon *d)
{
	int ret;

	if (d->opts->once)
		return;
	pthread_mutex_lock(&d->full_lock);
	d->run.labels_full = d->labels_full.total;
	pthread_mutex_unlock(&d->full_lock);
	d->run.labels_stale = state_stale_count(&d->st);
	d->run.mode = d->cfg->mode;
	d->run.policy_gen = d->policy_gen;
	ret = runfile_write(d->cfg->state, &d->run);
	if (ret)
		fprintf(stderr, "pdguard run: cannot write %s/" RUNFILE_NAME ": %s\n",
			d->cfg->state, strerror(-ret));
}

/* Publish the counters `pdguard status` shows when they moved. */
static void run_counters(struct daemon *d)
{
	uint64_t full;

	if (d->opts->once)
		return;
	pthread_mutex_lock(&d->full_lock);
	full = d->labels_full.total;
	pthread_mutex_unlock(&d->full_lock);
	if (full != d->run.labels_full || state_stale_count(&d->st) != d->run.labels_stale)
		run_publish(d);
}

/*
 * Rewrite STATE/agent.stats (`pdguard stats`): every counter since start. Called from the main
 * loop every HEARTBEAT_S, and from the first scan's guard thread while the loop is not running.
 */
static void stats_publish(struct daemon *d)
{
	struct agent_stats *s;
	int ret;

	if (d->opts->once || !d->run.started)
		return;
	s = calloc(1, sizeof(*s));
	if (!s)
		return;
	s->started = d->run.started;
	s->updated = time(NULL);
	snprintf(s->engine, sizeof(s->engine), "%s",
		 classify_engine_name(classifier_engine(d->sc.classifier)));
	eventlog_counters(d->log, &s->events_written, &s->events_failed);
	stats_counter_copy(&d->evcount, s);
	if (d->drv && d->dops->stats)
		d->dops->stats(d->drv, &s->drv);
	s->labels = state_count_labels(&d->st);
	s->labels_pd = state_count_pd(&d->st);
	pthread_mutex_lock(&d->full_lock);
	s->labels_full = d->labels_full.total;
	pthread_mutex_unlock(&d->full_lock);
	s->labels_stale = state_stale_count(&d->st);
	s->scan_read = atomic_load(&d->scanned);
	s->scan_unchanged = atomic_load(&d->unchanged);
	s->scan_pd = atomic_load(&d->pd_files);
	s->scan_unknown = atomic_load(&d->unknown);
	s->scan_errors = atomic_load(&d->errors);
	s->scan_over_limit = atomic_load(&d->remembered);
	s->scan_done = atomic_load(&d->scan_done);
	pthread_mutex_lock(&d->stats_lock);
	ret = stats_write(d->cfg->state, s);
	pthread_mutex_unlock(&d->stats_lock);
	if (ret)
		fprintf(stderr, "pdguard run: cannot write %s/" STATS_NAME ": %s\n",
			d->cfg->state, strerror(-ret));
	free(s);
}

/*
 * The log's observer: every event every driver writes is counted, then feeds the alerts and
 * the employee's notices (each once they exist).
 */
static void daemon_observe(void *ctx, const struct event *ev)
{
	struct daemon *d = ctx;

	stats_count(&d->evcount, ev->op, ev->decision);
	if (d->alerts)
		alerts_observe(d->alerts, ev);
	if (d->notice)
		notifier_observe(d->notice, ev);
}

/*
 * Set the module's mode to the policy's, over the agent's own netlink socket, and read back what
 * the module and the driver's maps hold. Called at start and after every reload; the maps took
 * the mode already through the driver's policy().
 */
static void mode_apply(struct daemon *d)
{
	char errmsg[NETLINK_ERRMSG_MAX] = "";
	struct kmod_status ks;
	int want = d->cfg->mode, got, ret;

	if (!d->kmod && netlink_open(&d->kmod))
		d->kmod = NULL;
	if (d->kmod) {
		ret = netlink_set_mode(d->kmod, want, &ks, errmsg);
		if (ret) {
			char reason[400];

			snprintf(reason, sizeof(reason), "the kernel module refused mode %s: %s%s%s",
				 mode_name(want), strerror(-ret), errmsg[0] ? ": " : "", errmsg);
			log_info(d, "mode-error", reason, NULL, NULL);
			fprintf(stderr, "pdguard run: %s\n", reason);
			snprintf(d->run.kmod_mode, sizeof(d->run.kmod_mode), "error");
			d->kmod_mode = -1;
		} else {
			snprintf(d->run.kmod_mode, sizeof(d->run.kmod_mode), "%s",
				 netlink_mode_name(ks.mode));
			d->kmod_mode = ks.mode;
		}
	} else {
		snprintf(d->run.kmod_mode, sizeof(d->run.kmod_mode), "none");
		d->kmod_mode = -1;
	}
	got = d->drv && d->dops->mode ? d->dops->mode(d->drv) : -ENOTSUP;
	snprintf(d->run.maps_mode, sizeof(d->run.maps_mode), "%s",
		 got == -ENOTSUP ? "none" : got < 0 ? "error" : mode_name(got));
	run_publish(d);
}

/*
 * The module's or the maps' mode moved away from the policy's without the policy changing
 * (a raw netlink or bpftool write): put the policy's back and raise an alert.
 */
static void mode_check(struct daemon *d)
{
	int want = d->cfg->mode, kmod = -1, maps;
	struct kmod_status ks;
	char reason[300];

	if (d->kmod && !netlink_get_status(d->kmod, &ks))
		kmod = ks.mode;
	maps = d->drv && d->dops->mode ? d->dops->mode(d->drv) : -ENOTSUP;
	if ((kmod < 0 || kmod == want) && (maps < 0 || maps == want))
		return;
	snprintf(reason, sizeof(reason), "the %s mode was changed to %s outside the policy "
		 "(mode = %s); the policy's mode is set again",
		 kmod >= 0 && kmod != want ? "kernel module's" : "BPF maps'",
		 mode_name(kmod >= 0 && kmod != want ? kmod : maps), mode_name(want));
	{
		struct event ev = event_agent("mode-drift", "alert", reason);

		ev.path = d->opts->config;
		if (eventlog_write(d->log, &ev))
			fprintf(stderr, "pdguard run: %s\n", reason);
	}
	if (maps >= 0 && maps != want && d->dops->policy)
		d->dops->policy(d->drv, d->cfg);
	mode_apply(d);
}

/* Who sent the signal that changed the mode: uid, pid, comm and exe (read while it waits). */
static void log_mode_change(struct daemon *d, int old, int now, const struct signalfd_siginfo *si)
{
	char exe[PATH_MAX] = "", comm[32] = "", link[64], reason[300], extra[96];
	struct event ev;
	ssize_t n;
	FILE *f;

	snprintf(reason, sizeof(reason), "mode changed from %s to %s by the policy file; the "
		 "kernel module and the BPF maps follow it", mode_name(old), mode_name(now));
	ev = event_agent("mode-change", "alert", reason);
	if (si) {
		ev.uid = si->ssi_uid;
		ev.pid = (int32_t)si->ssi_pid;
		snprintf(link, sizeof(link), "/proc/%u/exe", si->ssi_pid);
		n = readlink(link, exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		ev.exe = exe[0] ? exe : NULL;
		snprintf(link, sizeof(link), "/proc/%u/comm", si->ssi_pid);
		f = fopen(link, "re");
		if (f && fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		if (f)
			fclose(f);
		ev.comm = comm[0] ? comm : NULL;
	}
	ev.path = d->opts->config;
	snprintf(extra, sizeof(extra), "\"old_mode\":\"%s\",\"new_mode\":\"%s\"",
		 mode_name(old), mode_name(now));
	ev.extra = extra;
	eventlog_write(d->log, &ev);
}

/* ---- policy reload ---- */

static bool strlist_same(const struct strlist *a, const struct strlist *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

/*
 * A setting the running agent cannot take without a restart, changed in @fresh: its key in
 * @key (where it was set, when the policy says), or false. The log, the state directory, the
 * driver and the rules are opened once at start; a reload that half-applied them would say
 * "reloaded" while the old ones go on, so such a policy is refused whole.
 */
static bool needs_restart(const struct config *old, const struct config *fresh, char *key,
			  size_t len)
{
	static const char *const names[] = { "log", "state", "driver", "engine", "rules" };
	const char *origin;
	int which = -1;

	if (strcmp(old->log, fresh->log))
		which = 0;
	else if (strcmp(old->state, fresh->state))
		which = 1;
	else if (old->driver != fresh->driver)
		which = 2;
	else if (old->engine != fresh->engine)
		which = 3;
	else if (!strlist_same(&old->rules, &fresh->rules))
		which = 4;
	if (which < 0)
		return false;
	origin = which < 4 ? config_origin(fresh, which == 0 ? "agent.log" : which == 1 ?
					   "agent.state" : which == 2 ? "agent.driver" :
					   "agent.engine") : NULL;
	snprintf(key, len, "%s%s%s", names[which], origin ? " at " : "", origin ? origin : "");
	return true;
}

/* The log's directory belongs to a group other than root's: a log_group gave it. */
static bool log_dir_grouped(const char *log)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", log);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return false;
	*slash = '\0';
	return !lstat(dir, &st) && S_ISDIR(st.st_mode) && st.st_gid != 0;
}

/*
 * Who may read the event log: the policy's log_group (0640 files, a 0750 directory), else root
 * alone. Applied at start when the policy names a group (or names none while the directory still
 * has one: the group was taken out of the policy), and at a reload that changes it; the change
 * is logged.
 */
static void log_group_apply(struct daemon *d, const struct config *old)
{
	const char *now = d->cfg->log_group, *was = old ? old->log_group : NULL;
	char reason[300];
	int ret;

	if (!now && !was && (old || !log_dir_grouped(d->cfg->log)))
		return;
	if (old && now && was && !strcmp(now, was) && old->log_gid == d->cfg->log_gid)
		return;
	ret = eventlog_set_group(d->log, now ? d->cfg->log_gid : (gid_t)-1);
	if (ret < 0) {
		snprintf(reason, sizeof(reason), "cannot give the event log to group %s: %s; it "
			 "stays as it was", now ? now : "root", strerror(-ret));
		fprintf(stderr, "pdguard run: %s\n", reason);
		log_info(d, "log-group", reason, d->cfg->log, NULL);
		return;
	}
	if (now)
		snprintf(reason, sizeof(reason), "the event log is readable by group %s%s", now,
			 ret == 1 ? " (its directory holds other files and was left as it is: "
			 "members need a way into it)" : "");
	else
		snprintf(reason, sizeof(reason), "the event log is readable by root only");
	if (ret == 1)
		fprintf(stderr, "pdguard run: %s\n", reason);
	log_info(d, "log-group", reason, d->cfg->log, NULL);
}

/*
 * A new policy refused, whole: said on stderr and in the log ("new policy refused, the running
 * one is kept: @why"), freed, and published as an answer (`pdguard mode` stops waiting).
 */
static void reload_refuse(struct daemon *d, struct config *fresh, const char *why)
{
	char reason[700];

	snprintf(reason, sizeof(reason), "new policy refused, the running one is kept: %s", why);
	fprintf(stderr, "pdguard run: %s\n", reason);
	log_info(d, "policy-reload", reason, d->opts->config, NULL);
	config_free(fresh);
	free(fresh);
	d->policy_gen++;
	run_publish(d);
}

static void reload(struct daemon *d, const struct signalfd_siginfo *si)
{
	struct config_errors errs = { 0 };
	struct config *fresh = calloc(1, sizeof(*fresh));
	struct config *old, **retired;
	char reason[600], key[300];

	if (!fresh)
		return;
	if (config_load(d->opts->config, fresh, &errs)) {
		size_t i;

		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s:%u: %s\n", errs.v[i].file, errs.v[i].line,
				errs.v[i].msg);
		snprintf(reason, sizeof(reason), "%s:%u: %s",
			 errs.n ? errs.v[0].file : d->opts->config, errs.n ? errs.v[0].line : 0,
			 errs.n ? errs.v[0].msg : "cannot read");
		config_errors_free(&errs);
		reload_refuse(d, fresh, reason);
		return;
	}
	old = d->cfg;
	if (needs_restart(old, fresh, key, sizeof(key))) {
		snprintf(reason, sizeof(reason), "%s changed, which takes effect only when the agent "
			 "starts; restart it (systemctl restart pdguard) to apply the new policy",
			 key);
		reload_refuse(d, fresh, reason);
		return;
	}
	retired = realloc(d->retired, (d->nretired + 1) * sizeof(*retired));
	if (!retired) {
		reload_refuse(d, fresh, "out of memory");
		return;
	}
	d->retired = retired;
	pthread_mutex_lock(&d->st.lock);
	d->cfg = fresh;
	d->st.cfg = fresh;
	d->st.mode = fresh->mode;
	d->st.generation++;
	pthread_mutex_unlock(&d->st.lock);
	d->policy_gen++;
	alerts_policy(d->alerts, fresh);
	siem_attach(d->log, fresh);
	notifier_policy(d->notice, fresh);
	seal_attach(d);
	log_group_apply(d, old);
	zones_refresh(d, true);		/* tells the driver too */
	snprintf(reason, sizeof(reason), "policy reloaded (generation %llu), mode %s",
		 (unsigned long long)d->policy_gen, fresh->mode ? "enforce" : "audit");
	log_info(d, "policy-reload", reason, d->opts->config, NULL);
	if (old->mode != fresh->mode)
		log_mode_change(d, old->mode, fresh->mode, si);
	mode_apply(d);		/* publishes the new generation once module and maps have it */
	printf("%s\n", reason);
	fflush(stdout);
	d->retired[d->nretired++] = old;	/* threads may still read it: freed at stop */
}

/* The live log past log_max_mb: rotated (checked every HEARTBEAT_S, one stat). */
static void log_rotate_check(struct daemon *d)
{
	struct stat st;

	if (!stat(d->cfg->log, &st) && (uint64_t)st.st_size > (uint64_t)d->cfg->log_max_mb << 20) {
		int ret = eventlog_rotate(d->log, d->cfg->log_keep);

		if (ret)
			fprintf(stderr, "pdguard run: cannot rotate the event log: %s\n",
				strerror(-ret));
	}
}

static void log_housekeeping(struct daemon *d, time_t now)
{
	struct stat st;

	/* retention: rotated files older than the policy's days go (the newest file never does) */
	for (unsigned int i = 1; i <= d->cfg->log_keep + 1; i++) {
		char old[PATH_MAX + 16];

		snprintf(old, sizeof(old), "%s.%u", d->cfg->log, i);
		if (!stat(old, &st) &&
		    st.st_mtime < now - (time_t)d->cfg->retention_days * 86400 && !unlink(old))
			log_info(d, "log-expire", "rotated event log older than retention_days removed",
				 old, NULL);
	}
	if (d->st.generation != d->saved_gen && d->cache_path[0]) {
		if (!state_cache_save(&d->st, d->cache_path))
			d->saved_gen = d->st.generation;
	}
}

/* ---- main ---- */

static int daemon_start(struct daemon *d, size_t *cached)
{
	struct config_errors errs = { 0 };
	char err[256], path[PATH_MAX];
	size_t i, dropped = 0;
	struct stat cst;
	int ret;

	d->cfg = calloc(1, sizeof(*d->cfg));
	if (!d->cfg)
		return -ENOMEM;
	if (!stat(d->opts->config, &cst))
		d->cfg_ctime = cst.st_ctim;
	ret = config_load(d->opts->config, d->cfg, &errs);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "%s:%u: %s\n", errs.v[i].file, errs.v[i].line, errs.v[i].msg);
	config_errors_free(&errs);
	if (ret) {
		fprintf(stderr, "pdguard run: the policy '%s' has errors; nothing was started\n",
			d->opts->config);
		fprintf(stderr, "Hint: fix them, check with 'pdguard config check %s'\n",
			d->opts->config);
		return ret;
	}
	ret = state_init(&d->st);
	if (ret)
		return ret;
	d->st.cfg = d->cfg;
	d->st.mode = d->cfg->mode;
	ret = eventlog_open(&d->log, d->cfg->log);
	if (ret) {
		fprintf(stderr, "pdguard run: cannot open the event log '%s': %s\n", d->cfg->log,
			strerror(-ret));
		/* a torn last line is repaired by eventlog_open(): this is a whole line edited */
		if (ret == -EBADMSG)
			fprintf(stderr, "Hint: its last whole line is not an event; check it with "
				"'pdguard log verify %s' and move it aside to start a new chain\n",
				d->cfg->log);
		return ret;
	}
	if (eventlog_set_syslog(d->log, true) == JOURNAL_NONE)
		fprintf(stderr, "pdguard run: warning: neither journald (%s) nor syslog (/dev/log) "
			"is listening: events go to %s only, and lines cut from its end are on "
			"record nowhere else\n", JOURNAL_SOCKET, d->cfg->log);
	siem_attach(d->log, d->cfg);
	/* counted from the first event on; the alerts join when they exist (below) */
	eventlog_set_observer(d->log, daemon_observe, d);
	seal_attach(d);
	log_group_apply(d, NULL);
	/* enum config_engine has enum classify_engine's values */
	classify_set_engine(d->opts->engine >= 0 ? d->opts->engine : d->cfg->engine);
	ret = scanner_open(&d->sc, (const char *const *)d->cfg->rules.v, d->cfg->rules.n, err,
			   sizeof(err));
	if (ret) {
		fprintf(stderr, "pdguard run: %s\n", err);
		fprintf(stderr, "Hint: check the rules with 'pdguard rules check");
		for (i = 0; i < d->cfg->rules.n; i++)
			fprintf(stderr, " %s", d->cfg->rules.v[i]);
		fprintf(stderr, "'\n");
		return ret;
	}
	if (mkdir(d->cfg->state, 0700) && errno != EEXIST) {
		fprintf(stderr, "pdguard run: cannot create the state directory '%s': %s\n",
			d->cfg->state, strerror(errno));
		return -errno;
	}
	ret = grants_open(&d->grants, d->cfg->state);
	if (ret) {
		/* a damaged grants file is left alone for the administrator: run without grants */
		fprintf(stderr, "pdguard run: cannot read the grants in '%s': %s; no grant counts "
			"until it is fixed\n", d->cfg->state, strerror(-ret));
		d->grants = NULL;
	}
	d->st.grants = d->grants;
	/* every driver's PD accesses reach the alerts through the log they write */
	ret = alerts_new(&d->alerts, d->cfg, d->log, NULL, NULL);
	if (ret)
		return ret;
	ret = notifier_new(&d->notice, d->cfg, d->log);
	if (ret) {
		fprintf(stderr, "pdguard run: cannot start the employee notices: %s\n",
			strerror(-ret));
		return ret;
	}
	snprintf(d->cache_path, sizeof(d->cache_path), "%s/labels.cache", d->cfg->state);
	ret = state_cache_load(&d->st, d->cache_path, cached, &dropped);
	if (ret)
		fprintf(stderr, "pdguard run: the label cache is damaged (%s): classifying "
			"everything again\n", strerror(-ret));
	if (dropped) {
		char reason[200];

		snprintf(reason, sizeof(reason), "%zu cached labels no longer named the same file "
			 "(replaced, removed or changed since) and were dropped, not applied",
			 dropped);
		log_info(d, "label-stale", reason, d->cache_path, NULL);
	}
	d->saved_gen = d->st.generation;
	snprintf(path, sizeof(path), "%s/overruns", d->cfg->state);
	ret = remember_open(&d->overruns, path);
	if (ret)
		fprintf(stderr, "pdguard run: cannot read the list of files over a limit '%s': %s; "
			"they are read again\n", path, strerror(-ret));
	if (netlink_open(&d->kmod))
		d->kmod = NULL;
	zones_refresh(d, false);
	return 0;
}

/* Log each grant that ran out, once; enforcement has already stopped honouring it. */
static void grants_tick(struct daemon *d, time_t now)
{
	struct grant *v = NULL;
	bool changed;
	int n, i;

	if (!d->grants)
		return;
	changed = grants_reload(d->grants) == 1;
	n = grants_take_expired(d->grants, now, &v);
	for (i = 0; i < n; i++)
		grants_log(d->log, "grant-expire", &v[i], "pdguard");
	if (n > 0)
		grants_free_array(v, n);
	/* a driver that keeps grants in the kernel is told of new and revoked ones */
	if ((changed || n > 0) && d->drv && d->dops->policy)
		d->dops->policy(d->drv, d->cfg);
}

static void send_heartbeat(struct daemon *d)
{
	bool fresh = !d->kmod;

	if (!d->kmod && netlink_open(&d->kmod))
		d->kmod = NULL;
	if (d->kmod && netlink_heartbeat(d->kmod, getpid(), d->policy_gen)) {
		netlink_close(d->kmod);	/* unloaded since: reopen next time */
		d->kmod = NULL;
		snprintf(d->run.kmod_mode, sizeof(d->run.kmod_mode), "none");
		run_publish(d);
		return;
	}
	if (fresh && d->kmod)
		mode_apply(d);		/* loaded since: it takes the policy's mode */
	else
		mode_check(d);
}

int daemon_run(const struct daemon_opts *opts)
{
	struct daemon *d = calloc(1, sizeof(*d));
	struct itimerspec tick = { { 1, 0 }, { 1, 0 } };
	struct pollfd pfd[5];
	sigset_t mask;
	size_t cached = 0;
	time_t last_hb = 0, last_save = 0;
	int sfd = -1, tfd = -1, rc = 2, stop_signo;
	char extra[160];

	if (!d)
		return 2;
	d->opts = opts;
	d->watch_fd = d->mount_fd = -1;
	d->policy_gen = 1;
	d->kmod_mode = -1;
	pthread_mutex_init(&d->full_lock, NULL);
	pthread_mutex_init(&d->stats_lock, NULL);
	stats_counter_init(&d->evcount);
	if (geteuid() != 0) {
		fprintf(stderr, "pdguard run: needs root (labels, fanotify and the kernel drivers "
			"are root-only)\n");
		free(d);
		return 2;
	}
	if (daemon_start(d, &cached))
		goto out;

	/* signals through a descriptor, so the loop has one place to handle them */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);	/* before the workers: they inherit it */
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	if (workq_start(&d->q, d->sc.classifier, sysconf(_SC_NPROCESSORS_ONLN), QUEUE_CAP,
			label_job, d)) {
		fprintf(stderr, "pdguard run: cannot start the classification threads\n");
		goto out;
	}

	print_screen(d, cached);
	d->run.pid = getpid();
	d->run.pid_start = runfile_pid_start(d->run.pid);
	d->run.started = time(NULL);
	snprintf(d->run.driver, sizeof(d->run.driver), "%s", d->drv ? d->dops->name : "none");
	if (!realpath(opts->config, d->run.config))
		snprintf(d->run.config, sizeof(d->run.config), "%s", opts->config);
	snprintf(extra, sizeof(extra), "\"mode\":\"%s\",\"policy_generation\":%llu",
		 d->cfg->mode ? "enforce" : "audit", (unsigned long long)d->policy_gen);
	log_info(d, "agent-start", "pdguard started", opts->config, extra);
	alive_mark(d);
	stats_publish(d);
	if (d->drv && d->dops->policy)
		d->dops->policy(d->drv, d->cfg);
	if (!opts->once) {
		struct stat cst;

		mode_apply(d);
		/*
		 * `pdguard mode` that ran between our reading the policy and agent.run appearing
		 * found no agent to tell: the changed policy is read again, as if it had sent SIGHUP.
		 */
		if (!stat(opts->config, &cst) &&
		    (cst.st_ctim.tv_sec != d->cfg_ctime.tv_sec ||
		     cst.st_ctim.tv_nsec != d->cfg_ctime.tv_nsec))
			kill(getpid(), SIGHUP);
	}

	if (!opts->once && watch_start(d))
		fprintf(stderr, "pdguard run: cannot watch for changed files: %s\n", strerror(errno));
	/* systemd (Type=notify): ready now that the driver enforces; the scan's progress follows */
	{
		struct svc_counters sc = { &d->scanned, &d->unchanged, &d->pd_files, &d->errors };

		if (!opts->once)
			svc_ready(d->cfg->mode ? "enforce" : "audit", d->drv ? d->dops->name : NULL);
		svc_scan_begin(&sc);
		stop_signo = first_scan(d, sfd);
		svc_scan_end(&sc);
	}
	if (!stop_signo) {
		atomic_store(&d->scan_done, true);
		stats_publish(d);
	}
	if (stop_signo) {
		printf("stopping on signal %d during the initial scan\n", stop_signo);
		fflush(stdout);
		rc = 0;
		goto stop;
	}
	printf("initial scan: %lu files read, %lu unchanged, %lu with PD, %lu unknown (not read "
	       "whole: unknown = %s), %lu errors\n",
	       atomic_load(&d->scanned), atomic_load(&d->unchanged), atomic_load(&d->pd_files),
	       atomic_load(&d->unknown), d->cfg->unknown_none ? "none" : "pd",
	       atomic_load(&d->errors));
	if (atomic_load(&d->remembered))
		printf("  %lu of the unknown: over a limit before, not read again until changed\n",
		       atomic_load(&d->remembered));
	fflush(stdout);
	state_cache_save(&d->st, d->cache_path);
	d->saved_gen = d->st.generation;
	rc = 0;
	if (opts->once)
		goto out;

	d->mount_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	timerfd_settime(tfd, 0, &tick, NULL);
	for (;;) {
		int n = 0, drv_fd = d->drv && d->dops->fd ? d->dops->fd(d->drv) : -1;
		struct signalfd_siginfo si;

		pfd[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = tfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d->mount_fd, .events = POLLPRI };
		pfd[n++] = (struct pollfd){ .fd = d->watch_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = drv_fd, .events = POLLIN };
		if (poll(pfd, n, -1) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				reload(d, &si);
			} else {
				printf("stopping on signal %u\n", si.ssi_signo);
				break;
			}
		}
		if (pfd[1].revents & POLLIN) {
			uint64_t ticks;
			time_t now = time(NULL);

			if (read(tfd, &ticks, sizeof(ticks)) < 0)
				ticks = 0;
			svc_watchdog();
			grants_tick(d, now);
			eventlog_seal_tick(d->log);
			eventlog_sync(d->log);
			if (now - last_hb >= HEARTBEAT_S) {
				send_heartbeat(d);
				run_counters(d);
				stats_publish(d);
				log_rotate_check(d);
				last_hb = now;
			}
			if (now - last_save >= CACHE_SAVE_S) {
				log_housekeeping(d, now);
				last_save = now;
			}
		}
		if (pfd[2].revents & (POLLPRI | POLLERR))
			zones_refresh(d, true);
		if (pfd[3].revents & POLLIN)
			watch_dispatch(d);
		if (drv_fd >= 0 && pfd[4].revents & POLLIN)
			d->dops->dispatch(d->drv);
	}
stop:
	/* files closed after writing just before the stop are labelled before the cache is saved */
	if (d->watch_fd >= 0)
		watch_dispatch(d);
	queue_drain(d);
	state_cache_save(&d->st, d->cache_path);
	d->saved_gen = d->st.generation;
out:
	svc_stopping(rc ? "pdguard could not start" : "pdguard stopping");
	if (d->log)
		log_info(d, "agent-stop", rc ? "pdguard could not start" : "pdguard stopped",
			 opts->config, NULL);
	alive_clear(d);
	workq_stop(d->q);
	if (d->drv) {
		d->dops->stop(d->drv);
		/* a driver's last labels (a derived file closed as we stopped) are kept too */
		if (!rc && !opts->once && d->cache_path[0] &&
		    d->st.generation != d->saved_gen)
			state_cache_save(&d->st, d->cache_path);
	}
	if (d->watch_fd >= 0)
		close(d->watch_fd);
	if (d->mount_fd >= 0)
		close(d->mount_fd);
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	netlink_close(d->kmod);
	if (d->cfg && !opts->once && d->run.pid == getpid()) {
		stats_remove(d->cfg->state);
		runfile_remove(d->cfg->state);
	}
	if (d->grants)
		grants_close(d->grants);
	/* the log's observers are the alerter and the notices: unhook them before they go */
	if (d->log)
		eventlog_set_observer(d->log, NULL, NULL);
	notifier_free(d->notice);
	alerts_free(d->alerts);
	eventlog_close(d->log);
	if (d->sc.rules)
		scanner_close(&d->sc);
	if (d->st.labels)
		state_free(&d->st);
	remember_close(d->overruns);
	if (d->cfg) {
		config_free(d->cfg);
		free(d->cfg);
	}
	for (size_t k = 0; k < d->nretired; k++) {
		config_free(d->retired[k]);
		free(d->retired[k]);
	}
	free(d->retired);
	stats_counter_destroy(&d->evcount);
	pthread_mutex_destroy(&d->stats_lock);
	free(d);
	return rc;
}

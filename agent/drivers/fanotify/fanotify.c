// SPDX-License-Identifier: GPL-2.0
/*
 * The fanotify driver: permission events answered by the agent, for kernels that refuse BPF LSM
 * and fmod_ret programs (docs/fanotify.md says what it guarantees less than they do).
 *
 * Three fanotify groups:
 *  perm   FAN_CLASS_CONTENT, FAN_OPEN_PERM on PD-labelled files (inode marks), USB zone mounts
 *         (mount marks) and cloud folders (directory marks with FAN_EVENT_ON_CHILD, every
 *         subdirectory). Never on "/" or a whole system filesystem: an open outside these marks
 *         never waits for us.
 *  notif  FAN_CLOSE_WRITE on the scan roots' mounts, separate temp mounts, zones: a file written
 *         by a tainted process gets a derived label (and a perm mark); a zone file written by
 *         one is removed after the fact.
 *  fid    FAN_REPORT_DFID_NAME, FAN_MOVED_TO | FAN_CREATE on cloud folders: a PD file renamed
 *         into one is moved to quarantine after the fact; new subdirectories get marks.
 *
 * Threads, and why nothing here can hang an open() for long:
 *  - the responder reads all three groups; an event of the agent's own process is allowed before
 *    anything else is looked at; it answers before it logs; it reads only /proc and the event's
 *    own descriptor (fstat, fgetxattr), never opens a marked file, so it never waits for itself;
 *  - the watchdog answers (per [agent] fail = open|closed) every request not answered within
 *    decision_timeout_ms, and when the responder is stuck it reads and answers new requests
 *    itself; each such answer is an event;
 *  - the daemon's thread calls label/policy/dispatch, which never answer requests, so a daemon
 *    busy classifying (and opening PD files, answered at once as the agent's) cannot block them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "policy/alerts.h"
#include "drivers/driver.h"
#include "policy/grants.h"
#include "state/labels.h"

#define MAX_PENDING	1024		/* requests read and not yet answered */
#define TAINT_MAX	4096		/* tainted processes remembered */
#define ANCESTOR_DEPTH	8		/* parents checked for an inherited taint */
#define MAX_FDS_CHECKED	1024		/* descriptors of an opener looked at */
#define ROLE_CACHE	64
#define ROLE_TTL_NS	(30ULL * 1000000000ULL)
#define MAX_CLIENTS	64
#define MAX_ZONE_MARKS	4096
#define EVBUF		(64 * 1024)
#define LOGQ		4096		/* events queued for the logger thread */

struct pending {
	int fd;
	pid_t pid;
	uint64_t deadline_ns;
	bool used, answered;
};

struct taint {
	pid_t pid;
	pid_t ppid;
	pid_t pgid;
	uint64_t start;			/* /proc/PID/stat starttime: survives pid reuse */
	uint64_t pgid_start;		/* the group leader's, when the taint was recorded */
	uint64_t since_ns;
	uint32_t cats;
	bool used;
};

struct mark {
	dev_t dev;
	ino_t ino;
	char *path;
};

struct zone_mark {
	char *path;
	unsigned int flags;		/* FAN_MARK_MOUNT or 0 (inode) */
	uint64_t perm, notif, fid;	/* masks added in each group */
	int pathfd;			/* O_PATH, for open_by_handle_at (fid marks), else -1 */
};

struct role_cached {
	bool used;
	uid_t uid;
	uint32_t cats;
	uint64_t at_ns;
	char roles[128];
};

struct proc_info {
	pid_t pid, ppid, pgid;
	uint64_t start;
	unsigned int threads;
	uid_t uid;
	char comm[64];
	bool have_stat, have_uid;
};

struct driver {
	struct driver_env env;
	const struct config *cfg;
	int perm_fd, notif_fd, fid_fd, stop_fd, work_fd;
	pthread_t responder, watchdog, logger;
	int nthreads;
	/* events on their way to the log (logger thread) */
	pthread_mutex_t qlock;
	pthread_cond_t qready, qspace;
	struct verdict *q[LOGQ];
	size_t qhead, qn;
	bool qstop;
	atomic_bool stopping;
	/* pending requests, and every write of a response (so none is answered twice) */
	pthread_mutex_t plock;
	struct pending pend[MAX_PENDING];
	_Atomic uint64_t busy_since_ns;
	/* the responder holds it while deciding; policy() and label() to change what it reads */
	pthread_mutex_t lock;
	struct mark *marks;
	size_t nmarks, capmarks;
	struct zone_mark zmarks[MAX_ZONE_MARKS];
	size_t nzmarks;
	struct taint taints[TAINT_MAX];
	struct { dev_t dev; ino_t ino; char path[256]; } clients[MAX_CLIENTS];
	size_t nclients;
	struct role_cached roles[ROLE_CACHE];
	struct { dev_t dev; ino_t ino; } *todo;	/* labels waiting for a path to mark */
	size_t ntodo, captodo;
	bool any_taint;			/* once set, zone opens look for inherited taint */
	uint64_t last_mark_boot_ns;	/* CLOCK_BOOTTIME of the newest PD-file mark */
	uint64_t ns_per_tick;		/* /proc starttime unit */
	struct taint openers[256];	/* recent zone openers: pgid of a writer that exited */
	size_t next_opener;
	struct alerts *alerts;
	/* counters */
	_Atomic uint64_t n_allow, n_deny, n_would, n_overflow, n_watchdog, n_derived, n_moved,
		n_own, n_requests;
};

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---------------------------------------------------------------- /proc, read only */

static ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

/* pid, comm, ppid, pgid, starttime from /proc/PID/stat (comm may hold spaces and parens). */
static int proc_stat(pid_t pid, struct proc_info *p)
{
	char path[64], buf[1024], *open_p, *close_p, *s;
	unsigned long long start;
	unsigned int threads = 0;
	int ppid, pgid, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -ESRCH;
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p)
		return -EBADMSG;
	snprintf(p->comm, sizeof(p->comm), "%.*s", (int)(close_p - open_p - 1), open_p + 1);
	s = close_p + 2;
	if (sscanf(s, "%*c %d %d", &ppid, &pgid) != 2)
		return -EBADMSG;
	/* num_threads is field 20, starttime 22; after ')' we are at field 3 */
	for (i = 3; i < 22 && s; i++) {
		s = strchr(s, ' ');
		if (s)
			s++;
		if (i == 19 && s && sscanf(s, "%u", &threads) != 1)
			return -EBADMSG;
	}
	if (!s || sscanf(s, "%llu", &start) != 1)
		return -EBADMSG;
	p->threads = threads;
	p->pid = pid;
	p->ppid = ppid;
	p->pgid = pgid;
	p->start = start;
	p->have_stat = true;
	return 0;
}

static uint64_t proc_start(pid_t pid)
{
	struct proc_info p = { 0 };

	return proc_stat(pid, &p) ? 0 : p.start;
}

/*
 * The user: /proc/PID's owner is the task's effective uid (one stat, where reading the status
 * file costs several µs); root-owned entries (root, or a non-dumpable task) are checked in
 * /proc/PID/status for the fs uid, what file access checks use.
 */
static int proc_uid(pid_t pid, struct proc_info *p)
{
	char path[64], buf[2048], *s;
	unsigned int r, e, sv, fs;
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	if (!stat(path, &st) && st.st_uid != 0) {
		p->uid = st.st_uid;
		p->have_uid = true;
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -ESRCH;
	s = strstr(buf, "\nUid:");
	if (!s || sscanf(s + 5, "%u %u %u %u", &r, &e, &sv, &fs) != 4)
		return -EBADMSG;
	p->uid = fs;
	p->have_uid = true;
	return 0;
}

static void proc_exe(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
}

static void fd_path(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/* The label xattr read through the event's own descriptor: no open, no event. */
static int fd_label(int fd, uint8_t *level, uint32_t *cats)
{
	struct pdguard_label_xattr v;
	ssize_t n = fgetxattr(fd, PDGUARD_XATTR_NAME, &v, sizeof(v));

	if (n != sizeof(v) || v.magic != PDGUARD_LABEL_MAGIC || v.version != PDGUARD_LABEL_VERSION ||
	    v.level >= __PDGUARD_LEVEL_MAX)
		return -ENODATA;
	*level = v.level;
	*cats = le32toh(v.categories) & PDGUARD_CAT_ALL;
	return 0;
}

/*
 * Whether the opener asked for write-only access. A permission event carries no open flags, so
 * they are read from /proc/PID/syscall: the opener is blocked inside open() until we answer, and
 * its syscall number and arguments there are the registers it entered with (a tracer cannot
 * change them while it waits: it is in no ptrace stop). Only a positive answer changes anything
 * (a write-only open does not carry what the file holds), so every case that cannot be read with
 * certainty says no: several threads (the file shows the main thread's syscall: which one
 * opened?), openat2 (its flags live in memory the process can change), io_uring and any other
 * way in. The numbers are this architecture's: a 32-bit opener's compat numbers match none of
 * them, so it counts as a reader. One small /proc read, only for opens of PD files by a process
 * not yet tainted by them.
 */
static bool write_only_open(const struct proc_info *p)
{
	char path[64], buf[256];
	unsigned long nr, a[3];

	if (!p->have_stat || p->threads != 1)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)p->pid);
	if (read_small(path, buf, sizeof(buf)) <= 0 ||
	    sscanf(buf, "%lu %lx %lx %lx", &nr, &a[0], &a[1], &a[2]) != 4)
		return false;	/* "running", or "-1 ..." (not in a syscall) */
	switch (nr) {
#ifdef SYS_open
	case SYS_open:
		return (a[1] & O_ACCMODE) == O_WRONLY;
#endif
#ifdef SYS_creat
	case SYS_creat:
		return true;
#endif
	case SYS_openat:
		return (a[2] & O_ACCMODE) == O_WRONLY;
	default:
		return false;
	}
}

/* ---------------------------------------------------------------- taint */

#define TAINT_PROBE 8

/* Taints live at pid % TAINT_MAX, or in the next TAINT_PROBE - 1 slots. */
static struct taint *taint_find(struct driver *d, pid_t pid)
{
	size_t i, h = (size_t)pid % TAINT_MAX;

	for (i = 0; i < TAINT_PROBE; i++) {
		struct taint *t = &d->taints[(h + i) % TAINT_MAX];

		if (t->used && t->pid == pid)
			return t;
	}
	return NULL;
}

/* Whether @p already carries every category in @cats itself. Caller holds d->lock. */
static bool taint_covers(struct driver *d, const struct proc_info *p, uint32_t cats)
{
	const struct taint *t = taint_find(d, p->pid);

	return t && t->start == p->start && (t->cats & cats) == cats;
}

/* Caller holds d->lock. */
static void taint_add(struct driver *d, const struct proc_info *p, uint32_t cats)
{
	struct taint *t = taint_find(d, p->pid), *victim = NULL;
	size_t i, h = (size_t)p->pid % TAINT_MAX;

	if (t && t->start == p->start) {
		t->cats |= cats;
		return;
	}
	for (i = 0; !t && i < TAINT_PROBE; i++) {
		struct taint *c = &d->taints[(h + i) % TAINT_MAX];

		if (!c->used)
			t = c;
		else if (!victim || c->since_ns < victim->since_ns)
			victim = c;
	}
	/* full around this pid: the oldest taint there goes (a process long exited, mostly) */
	t = t ? t : victim;
	d->any_taint = true;
	*t = (struct taint){ .used = true, .pid = p->pid, .ppid = p->ppid, .pgid = p->pgid,
			     .start = p->start,
			     .pgid_start = p->pgid == p->pid ? p->start : proc_start(p->pgid),
			     .since_ns = now_ns(CLOCK_MONOTONIC), .cats = cats };
}

/*
 * Taint of @p: its own, its ancestors' (inherited across fork; up to ANCESTOR_DEPTH), and its
 * process group's while the group's leader lives (a pipeline `cat pd | tee /usb/x`).
 * @dead_ok: the process itself may have exited (a close-write seen after the writer exited).
 * Caller holds d->lock.
 */
static uint32_t taint_of(struct driver *d, const struct proc_info *p, bool dead_ok)
{
	struct proc_info a = *p;
	uint32_t cats = 0;
	struct taint *t;
	pid_t pgid;
	size_t i;
	int depth;

	t = taint_find(d, p->pid);
	if (t && (p->have_stat ? t->start == p->start : dead_ok))
		cats |= t->cats;
	if (!p->have_stat && dead_ok) {
		/* exited: a shell whose child read PD wrote the redirected output (`sh -c 'cat pd
		 * > x'` closes x in sh after cat), or the leader of a tainted group */
		for (i = 0; i < TAINT_MAX; i++) {
			t = &d->taints[i];
			if (t->used && (t->ppid == p->pid || t->pgid == p->pid))
				cats |= t->cats;
		}
		/* its group is known if it opened a zone file (a pipeline's writer) */
		for (i = 0; i < 256; i++)
			if (d->openers[i].used && d->openers[i].pid == p->pid) {
				a.pgid = d->openers[i].pgid;
				a.have_stat = true;
				a.ppid = 0;
			}
		if (!a.have_stat)
			return cats;
	} else if (!p->have_stat) {
		return cats;
	}
	pgid = a.pgid;
	for (depth = 0; depth < ANCESTOR_DEPTH && a.ppid > 1; depth++) {
		pid_t pp = a.ppid;

		if (pp == d->env.agent_pid || proc_stat(pp, &a))
			break;
		t = taint_find(d, pp);
		if (t && t->start == a.start)
			cats |= t->cats;
	}
	a.pgid = pgid;
	if (a.pgid > 1 && a.pgid != d->env.agent_pid) {
		uint64_t leader = 0;
		bool looked = false;

		for (i = 0; i < TAINT_MAX; i++) {
			t = &d->taints[i];
			if (!t->used || t->pgid != a.pgid || (t->cats & ~cats) == 0)
				continue;
			if (!looked) {
				leader = proc_start(a.pgid);
				looked = true;
			}
			/* a group whose leader exited keeps its taint for writers seen afterwards */
			if ((leader && leader == t->pgid_start) || (!leader && dead_ok))
				cats |= t->cats;
		}
	}
	return cats;
}

/* ---------------------------------------------------------------- marks of PD files */

static struct mark *mark_find(struct driver *d, dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < d->nmarks; i++)
		if (d->marks[i].dev == dev && d->marks[i].ino == ino)
			return &d->marks[i];
	return NULL;
}

/* Put a perm mark on the file open as @fd (or at @path when @fd < 0). Caller holds d->lock. */
static int mark_file(struct driver *d, int fd, const char *path, dev_t dev, ino_t ino)
{
	struct mark *m = mark_find(d, dev, ino);
	int ret;

	if (fd >= 0)
		ret = fanotify_mark(d->perm_fd, FAN_MARK_ADD, FAN_OPEN_PERM, fd, NULL);
	else
		ret = fanotify_mark(d->perm_fd, FAN_MARK_ADD | FAN_MARK_DONT_FOLLOW, FAN_OPEN_PERM,
				    AT_FDCWD, path);
	if (ret)
		return -errno;
	d->last_mark_boot_ns = now_ns(CLOCK_BOOTTIME);
	if (m) {
		free(m->path);
		m->path = strdup(path);
		return 0;
	}
	if (d->nmarks == d->capmarks) {
		size_t cap = d->capmarks ? d->capmarks * 2 : 256;
		struct mark *v = realloc(d->marks, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		d->marks = v;
		d->capmarks = cap;
	}
	d->marks[d->nmarks++] = (struct mark){ .dev = dev, .ino = ino, .path = strdup(path) };
	return 0;
}

static void unmark_file(struct driver *d, dev_t dev, ino_t ino)
{
	struct mark *m = mark_find(d, dev, ino);
	struct stat st;

	if (!m)
		return;
	/* by path, checked to be the same inode: a renamed file keeps a harmless mark */
	if (m->path && !lstat(m->path, &st) && st.st_dev == dev && st.st_ino == ino)
		fanotify_mark(d->perm_fd, FAN_MARK_REMOVE | FAN_MARK_DONT_FOLLOW, FAN_OPEN_PERM,
			      AT_FDCWD, m->path);
	free(m->path);
	*m = d->marks[--d->nmarks];
}

static bool todo_has(struct driver *d, dev_t dev, ino_t ino, size_t *at)
{
	size_t i;

	for (i = 0; i < d->ntodo; i++)
		if (d->todo[i].dev == dev && d->todo[i].ino == ino) {
			if (at)
				*at = i;
			return true;
		}
	return false;
}

/* The walk that finds paths for labels (nftw has no context pointer; one walk at a time). */
static struct driver *walk_driver;
static bool walk_all;

static int walk_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	struct driver *d = walk_driver;
	struct label_entry e;
	uint8_t level = 0;
	uint32_t cats = 0;
	size_t at;

	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	/* the lock per file, not per walk: the responder decides between two files */
	pthread_mutex_lock(&d->lock);
	if (todo_has(d, st->st_dev, st->st_ino, &at)) {
		mark_file(d, -1, path, st->st_dev, st->st_ino);
		d->todo[at] = d->todo[--d->ntodo];
		pthread_mutex_unlock(&d->lock);
		return d->ntodo || !walk_all ? 0 : 1;
	}
	pthread_mutex_unlock(&d->lock);
	if (!walk_all)
		return 0;
	/* the start-up walk: what the state knows, else the file's own label */
	if (!state_label_get(d->env.st, st->st_dev, st->st_ino, &e)) {
		level = e.level;
		cats = e.categories;
	} else {
		struct pdguard_label_xattr v;

		if (!labels_get(path, &v)) {
			level = v.level;
			cats = v.categories;
		}
	}
	if (level != PDGUARD_LEVEL_NONE && cats) {
		pthread_mutex_lock(&d->lock);
		mark_file(d, -1, path, st->st_dev, st->st_ino);
		pthread_mutex_unlock(&d->lock);
	}
	return 0;
}

/* Walk the scan roots, marking queued labels (@all: every labelled file, at start). */
static void walk_roots(struct driver *d, bool all)
{
	static pthread_mutex_t walk_lock = PTHREAD_MUTEX_INITIALIZER;
	size_t i;

	pthread_mutex_lock(&walk_lock);
	walk_driver = d;
	walk_all = all;
	for (i = 0; i < d->cfg->scan.n; i++)
		if (nftw(d->cfg->scan.v[i], walk_one, 32, FTW_PHYS | FTW_MOUNT) == 1)
			break;
	walk_driver = NULL;
	pthread_mutex_unlock(&walk_lock);
}

/* ---------------------------------------------------------------- zones and clients */

static int zone_mark_add(struct driver *d, const char *path, unsigned int flags, uint64_t perm,
			 uint64_t notif, uint64_t fid)
{
	struct zone_mark *z;
	int ret = 0, pathfd;
	size_t i;

	pthread_mutex_lock(&d->lock);
	for (i = 0; i < d->nzmarks; i++)
		if (!strcmp(d->zmarks[i].path, path) && d->zmarks[i].flags == flags)
			goto out;
	ret = -ENOSPC;
	if (d->nzmarks == MAX_ZONE_MARKS)
		goto out;
	ret = 0;
	/* open_by_handle_at needs a real descriptor on the filesystem (not O_PATH); opened before
	 * the marks, and directories are marked without FAN_ONDIR: no event for this open */
	pathfd = fid ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (perm && fanotify_mark(d->perm_fd, FAN_MARK_ADD | flags, perm, AT_FDCWD, path)) {
		ret = -errno;
		if (pathfd >= 0)
			close(pathfd);
		goto out;
	}
	/* the notification groups only help (derived labels, after-the-fact checks): best effort */
	if (notif)
		fanotify_mark(d->notif_fd, FAN_MARK_ADD | flags, notif, AT_FDCWD, path);
	if (fid && d->fid_fd >= 0)
		fanotify_mark(d->fid_fd, FAN_MARK_ADD | flags, fid, AT_FDCWD, path);
	z = &d->zmarks[d->nzmarks++];
	*z = (struct zone_mark){ .path = strdup(path), .flags = flags, .perm = perm,
				 .notif = notif, .fid = fid, .pathfd = pathfd };
out:
	pthread_mutex_unlock(&d->lock);
	return ret;
}

static void zone_marks_clear(struct driver *d)
{
	size_t i;

	for (i = 0; i < d->nzmarks; i++) {
		struct zone_mark *z = &d->zmarks[i];

		if (z->perm)
			fanotify_mark(d->perm_fd, FAN_MARK_REMOVE | z->flags, z->perm, AT_FDCWD,
				      z->path);
		if (z->notif)
			fanotify_mark(d->notif_fd, FAN_MARK_REMOVE | z->flags, z->notif, AT_FDCWD,
				      z->path);
		if (z->fid && d->fid_fd >= 0)
			fanotify_mark(d->fid_fd, FAN_MARK_REMOVE | z->flags, z->fid, AT_FDCWD,
				      z->path);
		if (z->pathfd >= 0)
			close(z->pathfd);
		free(z->path);
	}
	d->nzmarks = 0;
}

#define CLOUD_PERM	(FAN_OPEN_PERM | FAN_EVENT_ON_CHILD)
#define CLOUD_NOTIF	(FAN_CLOSE_WRITE | FAN_EVENT_ON_CHILD)
#define CLOUD_FID	(FAN_MOVED_TO | FAN_CREATE | FAN_ONDIR)

static struct driver *cloud_driver;

static int cloud_dir(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	if (type == FTW_D)
		zone_mark_add(cloud_driver, path, 0, CLOUD_PERM, CLOUD_NOTIF, CLOUD_FID);
	return 0;
}

/* Is @path a mount point (its own filesystem or bind mount)? */
static bool own_mount(const char *path)
{
	struct stat a, b;
	char parent[PATH_MAX];

	snprintf(parent, sizeof(parent), "%s/..", path);
	return !stat(path, &a) && !stat(parent, &b) && (a.st_dev != b.st_dev || a.st_ino == b.st_ino);
}

/* Marks for the zones in the state, and close-write watches where derived labels are made. */
static int mark_zones(struct driver *d)
{
	static const char *const tmps[] = { "/tmp", "/var/tmp", "/dev/shm" };
	static pthread_mutex_t cloud_lock = PTHREAD_MUTEX_INITIALIZER;
	struct state *st = d->env.st;
	struct zone *zv = NULL;
	size_t i, n;
	int ret = 0;

	pthread_mutex_lock(&st->lock);
	n = st->zones.n;
	zv = calloc(n + 1, sizeof(*zv));
	for (i = 0; zv && i < n; i++) {
		zv[i] = st->zones.v[i];
		zv[i].path = strdup(st->zones.v[i].path);
	}
	pthread_mutex_unlock(&st->lock);
	if (!zv)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!zv[i].path)
			continue;
		if (zv[i].kind == ZONE_USB) {
			int r = zone_mark_add(d, zv[i].path, FAN_MARK_MOUNT, FAN_OPEN_PERM,
					      FAN_CLOSE_WRITE, 0);

			ret = ret ? ret : r;
		} else {
			pthread_mutex_lock(&cloud_lock);
			cloud_driver = d;
			nftw(zv[i].path, cloud_dir, 16, FTW_PHYS | FTW_MOUNT);
			pthread_mutex_unlock(&cloud_lock);
		}
		free(zv[i].path);
	}
	free(zv);
	/* derived labels: files written on the scan roots' mounts and on separate temp mounts
	 * (notification only: a close never waits for us) */
	for (i = 0; i < d->cfg->scan.n; i++)
		zone_mark_add(d, d->cfg->scan.v[i], FAN_MARK_MOUNT, 0, FAN_CLOSE_WRITE, 0);
	for (i = 0; i < sizeof(tmps) / sizeof(tmps[0]); i++)
		if (own_mount(tmps[i]))
			zone_mark_add(d, tmps[i], FAN_MARK_MOUNT, 0, FAN_CLOSE_WRITE, 0);
	return ret;
}

/* Sync clients by executable (dev, ino): a renamed or linked copy is the same program. */
static void resolve_clients(struct driver *d)
{
	struct passwd *pw;
	struct stat st;
	char path[PATH_MAX];
	size_t i;

	d->nclients = 0;
	for (i = 0; i < d->cfg->cloud_clients.n; i++) {
		const char *c = d->cfg->cloud_clients.v[i];

		if (c[0] == '/') {
			if (!stat(c, &st) && d->nclients < MAX_CLIENTS) {
				d->clients[d->nclients].dev = st.st_dev;
				d->clients[d->nclients].ino = st.st_ino;
				snprintf(d->clients[d->nclients++].path, 256, "%s", c);
			}
			continue;
		}
		setpwent();
		while ((pw = getpwent()) && d->nclients < MAX_CLIENTS) {
			if (!pw->pw_dir || pw->pw_dir[0] != '/' || !strcmp(pw->pw_dir, "/"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", pw->pw_dir, c + 2);
			if (stat(path, &st))
				continue;
			d->clients[d->nclients].dev = st.st_dev;
			d->clients[d->nclients].ino = st.st_ino;
			snprintf(d->clients[d->nclients++].path, 256, "%s", path);
		}
		endpwent();
	}
}

static const char *sync_client(struct driver *d, pid_t pid)
{
	char path[64];
	struct stat st;
	size_t i;

	if (!d->nclients)
		return NULL;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	if (stat(path, &st))
		return NULL;
	for (i = 0; i < d->nclients; i++)
		if (d->clients[i].dev == st.st_dev && d->clients[i].ino == st.st_ino)
			return d->clients[i].path;
	return NULL;
}

/* Roles of @uid, cached: NSS (SSSD, winbind) may be slow, a decision must not be. */
static uint32_t role_cats(struct driver *d, uid_t uid, char *roles, size_t len)
{
	uint64_t now = now_ns(CLOCK_MONOTONIC);
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

/* ---------------------------------------------------------------- events */

static bool audit_mode(struct driver *d)
{
	return d->env.st->mode == PDGUARD_MODE_AUDIT;
}

struct verdict {
	const char *decision;	/* set when queued */
	bool deny;		/* by policy; audit mode answers allow and logs would-deny */
	bool log;
	bool pd_read;		/* feed alerts */
	const char *op;
	const char *zone;
	const char *label;
	uint32_t cats;
	dev_t dev;
	ino_t ino;
	struct proc_info p;
	char reason[512];
	char path[PATH_MAX];
	char target[PATH_MAX];
};

/* Write one event and feed the alerts: the logger thread, never the responder. */
static void write_event(struct driver *d, struct verdict *v)
{
	char exe[PATH_MAX];
	struct event ev = {
		.op = v->op ? v->op : "open", .decision = v->decision, .reason = v->reason,
		.uid = v->p.have_uid ? v->p.uid : (uint32_t)-1, .pid = v->p.pid,
		.comm = v->p.comm[0] ? v->p.comm : NULL, .exe = exe,
		.path = v->path[0] ? v->path : NULL, .target = v->target[0] ? v->target : NULL,
		.label = v->label, .categories = v->cats, .zone = v->zone, .driver = "fanotify",
	};

	proc_exe(v->p.pid, exe, sizeof(exe));
	if (d->env.log)
		eventlog_write(d->env.log, &ev);
	if (d->alerts && (v->pd_read || v->deny)) {
		struct alert_access x = {
			.ts_ns = now_ns(CLOCK_REALTIME), .uid = ev.uid, .pid = v->p.pid,
			.comm = ev.comm, .exe = exe, .dev = v->dev, .ino = v->ino, .path = ev.path,
			.categories = v->cats, .decision = v->decision, .driver = "fanotify",
		};

		alerts_feed(d->alerts, &x);
	}
}

/*
 * Queue an event for the logger thread: the responder answers the next request while the event
 * is hashed and written. A full queue makes the responder wait (events are never dropped); the
 * watchdog answers requests meanwhile.
 */
static void emit(struct driver *d, struct verdict *v)
{
	struct verdict *copy = malloc(sizeof(*copy));

	v->decision = !v->deny ? "allow" : audit_mode(d) ? "would-deny" : "deny";
	if (!v->deny)
		d->n_allow++;
	else if (audit_mode(d))
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

static void *logger_main(void *arg)
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

static void emit_info(struct driver *d, const char *op, const char *reason, pid_t pid)
{
	struct proc_info p = { 0 };
	struct event ev = { .op = op, .decision = "info", .reason = reason, .uid = (uint32_t)-1,
			    .pid = pid, .driver = "fanotify" };

	if (pid > 0 && !proc_stat(pid, &p)) {
		ev.comm = p.comm;
		if (!proc_uid(pid, &p))
			ev.uid = p.uid;
	}
	if (d->env.log)
		eventlog_write(d->env.log, &ev);
}

static void cats_words(uint32_t cats, char *buf, size_t len)
{
	char *s;

	config_format_categories(cats, buf, len);
	for (s = buf; *s; s++)
		if (*s == ' ')
			*s = ',';
}

/*
 * Which zone holds the file open as @fd on @dev: "usb", "cloud" or NULL. The path (in @path,
 * filled when empty) is looked at only when a cloud folder lies on the same filesystem.
 */
static const char *zone_of(struct driver *d, dev_t dev, int fd, char *path, size_t len)
{
	struct state *st = d->env.st;
	const char *z = NULL;
	bool cloud_here = false;
	size_t i, n;

	pthread_mutex_lock(&st->lock);
	if (zones_find_usb(&st->zones, dev))
		z = "usb";
	for (i = 0; !z && i < st->zones.n; i++)
		cloud_here |= st->zones.v[i].kind == ZONE_CLOUD && st->zones.v[i].dev == dev;
	pthread_mutex_unlock(&st->lock);
	if (z || !cloud_here)
		return z;
	if (!path[0] && fd >= 0)
		fd_path(fd, path, len);
	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->zones.n && !z; i++) {
		const struct zone *zn = &st->zones.v[i];

		n = strlen(zn->path);
		if (zn->kind == ZONE_CLOUD && zn->dev == dev && !strncmp(path, zn->path, n) &&
		    path[n] == '/')
			z = "cloud";
	}
	pthread_mutex_unlock(&st->lock);
	return z;
}

/* ---------------------------------------------------------------- notifications */


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
	proc_stat(m->pid, &v.p);	/* may have exited: then its taint is taken by pid */
	proc_uid(m->pid, &v.p);
	pthread_mutex_lock(&d->lock);
	tcats = taint_of(d, &v.p, true);
	pthread_mutex_unlock(&d->lock);
	if (!tcats)
		return;
	v.dev = st.st_dev;
	v.ino = st.st_ino;
	v.cats = tcats;
	fd_path(m->fd, v.path, sizeof(v.path));
	/* the event log, grants and cache are the agent's records, whoever appended to them */
	if (agent_record(d->cfg, v.path))
		return;
	cats_words(tcats, words, sizeof(words));
	v.zone = zone_of(d, st.st_dev, m->fd, v.path, sizeof(v.path));
	if (v.zone) {
		/* the open was not refused (the writer opened it before it read PD): undo now */
		struct stat now;

		v.deny = true;
		v.log = true;
		if (!audit_mode(d) && !lstat(v.path, &now) && now.st_ino == st.st_ino &&
		    now.st_dev == st.st_dev && !unlink(v.path))
			snprintf(v.reason, sizeof(v.reason), "a process tainted with %s wrote a "
				 "file on a %s zone: removed after the fact", words, v.zone);
		else
			snprintf(v.reason, sizeof(v.reason), "a process tainted with %s wrote a "
				 "file on a %s zone (seen after the fact)", words, v.zone);
		emit(d, &v);
		return;
	}
	if (!state_label_get(d->env.st, st.st_dev, st.st_ino, &cur)) {
		level = cur.level;
		old = cur.categories;
	} else if (!fd_label(m->fd, &level, &old)) {
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
	mark_file(d, m->fd, v.path, st.st_dev, st.st_ino);
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

		proc_exe(v.p.pid, exe, sizeof(exe));
		if (d->env.log)
			eventlog_write(d->env.log, &ev);
	}
}

static void overflow(struct driver *d, const char *group)
{
	char reason[160];

	d->n_overflow++;
	snprintf(reason, sizeof(reason), "fanotify %s queue overflowed: events were lost (%s)",
		 group, !strcmp(group, "permission") ? "requests beyond the queue were allowed" :
		 "derived labels or after-the-fact checks may be missing");
	emit_info(d, "overflow", reason, 0);
}

/* Read every queued close-write (non-blocking): derived labels before a zone decision. */
static void drain_notif(struct driver *d)
{
	char buf[EVBUF] __attribute__((aligned(8)));
	struct fanotify_event_metadata *m;
	ssize_t n;

	while ((n = read(d->notif_fd, buf, sizeof(buf))) > 0) {
		for (m = (void *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			if (m->vers != FANOTIFY_METADATA_VERSION)
				continue;
			if (m->mask & FAN_Q_OVERFLOW)
				overflow(d, "notification");
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
	fd_path(dirfd, dirpath, sizeof(dirpath));
	snprintf(v.path, sizeof(v.path), "%s/%s", dirpath, name);
	if ((m->mask & FAN_ONDIR) && (m->mask & (FAN_CREATE | FAN_MOVED_TO))) {
		/* a new subdirectory of a cloud folder: watched like its parent */
		zone_mark_add(d, v.path, 0, CLOUD_PERM, CLOUD_NOTIF, CLOUD_FID);
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
	proc_stat(m->pid, &v.p);
	proc_uid(m->pid, &v.p);
	if (!v.cats || m->pid == d->env.agent_pid) {
		close(dirfd);
		return;
	}
	v.deny = true;
	cats_words(v.cats, words, sizeof(words));
	if (!audit_mode(d) && !quarantine_dir(d, dirpath, qdir, sizeof(qdir))) {
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
	emit(d, &v);
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
				overflow(d, "rename");
			else
				fid_event(d, m);
		}
	}
}

/* ---------------------------------------------------------------- permission requests */

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
		fd_label(fd, &level, &cats);
	}
	if (level == PDGUARD_LEVEL_NONE)
		cats = 0;
	if (cats)
		fd_path(fd, v->path, sizeof(v->path));
	v->zone = zone_of(d, st.st_dev, fd, v->path, sizeof(v->path));
	if (!cats && !v->zone)
		return;		/* a file no longer labelled; its mark goes with the next label() */
	if (v->zone)
		drain_notif(d);	/* `cat pd > /tmp/x; cp /tmp/x /usb/`: label /tmp/x first */
	proc_stat(pid, &v->p);
	if (cats)
		proc_uid(pid, &v->p);
	pthread_mutex_lock(&d->lock);
	if (cats) {
		v->log = true;
		v->pd_read = true;
		v->label = "pd";
		v->cats = cats;
		cats_words(cats, words, sizeof(words));
		client = sync_client(d, pid);
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
			cats_words(cats & ~(allowed | granted), miss, sizeof(miss));
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
		if (!taint_covers(d, &v->p, cats) && write_only_open(&v->p)) {
			v->pd_read = false;
			strncat(v->reason, "; opened write-only: nothing is read or carried",
				sizeof(v->reason) - strlen(v->reason) - 1);
		} else if (!v->deny || audit_mode(d)) {
			taint_add(d, &v->p, cats);
		}
	}
	if (v->zone && v->p.have_stat) {
		struct taint *o = &d->openers[d->next_opener++ % 256];

		*o = (struct taint){ .used = true, .pid = pid, .pgid = v->p.pgid,
				     .start = v->p.start };
	}
	if (v->zone && !v->deny) {
		tcats = d->any_taint ? taint_of(d, &v->p, false) : 0;
		pthread_mutex_unlock(&d->lock);
		/* a process started after the newest mark saw every labelled file it opened through
		 * a permission event: its descriptors hold nothing we do not know of */
		if (!v->p.have_stat || v->p.start * d->ns_per_tick <= d->last_mark_boot_ns)
			tcats |= open_fd_cats(d, pid);
		pthread_mutex_lock(&d->lock);
		if (tcats) {
			if (!v->path[0])
				fd_path(fd, v->path, sizeof(v->path));
			if (!v->p.have_uid)
				proc_uid(pid, &v->p);
			v->deny = true;
			v->log = true;
			v->cats |= tcats;
			v->label = cats ? "pd" : "none";
			cats_words(tcats, words, sizeof(words));
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
	deadline = now_ns(CLOCK_MONOTONIC) + (uint64_t)d->cfg->decision_timeout_ms * 1000000ULL;
	/* first pass: the agent's own opens go through at once, the rest wait with a deadline */
	np = 0;
	for (m = (void *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
		struct pending *p;

		if (m->vers != FANOTIFY_METADATA_VERSION)
			continue;
		if (m->mask & FAN_Q_OVERFLOW) {
			overflow(d, "permission");
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

		d->busy_since_ns = now_ns(CLOCK_MONOTONIC);
		decide(d, pend[k]->fd, pend[k]->pid, &v);
		ours = answer(d, pend[k], !v.deny || audit_mode(d));
		d->busy_since_ns = 0;
		pend_done(d, pend[k]);
		/* answered first, logged after: the opener does not wait for our disk */
		if (v.log && ours)
			emit(d, &v);
	}
}

static void *responder_main(void *arg)
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
			drain_notif(d);
		if (pfd[2].revents & POLLIN)
			drain_fid(d);
	}
	return NULL;
}

/* Answer what the responder did not answer in time; take over reading when it is stuck. */
static void *watchdog_main(void *arg)
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
		now = now_ns(CLOCK_MONOTONIC);
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
			emit_info(d, "watchdog", reason, late[i]);
		}
	}
	return NULL;
}

/* ---------------------------------------------------------------- ops */

static int fan_probe(char *why, size_t whylen, char *hint, size_t hintlen)
{
	int fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno == EPERM) {
		snprintf(why, whylen, "fanotify permission events need CAP_SYS_ADMIN");
		snprintf(hint, hintlen, "run the agent as root (the systemd unit does)");
		return -EPERM;
	}
	snprintf(why, whylen, "this kernel refuses fanotify permission events: %s",
		 strerror(errno));
	snprintf(hint, hintlen, "a kernel built with CONFIG_FANOTIFY_ACCESS_PERMISSIONS=y is "
		 "needed (Debian's is)");
	return -errno;
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
	d->env = *env;
	d->cfg = env->cfg;
	d->ns_per_tick = 1000000000ULL / (sysconf(_SC_CLK_TCK) > 0 ? sysconf(_SC_CLK_TCK) : 100);
	d->perm_fd = d->notif_fd = d->fid_fd = d->stop_fd = d->work_fd = -1;
	pthread_mutex_init(&d->plock, NULL);
	pthread_mutex_init(&d->lock, NULL);
	pthread_mutex_init(&d->qlock, NULL);
	pthread_cond_init(&d->qready, NULL);
	pthread_cond_init(&d->qspace, NULL);
	d->perm_fd = fanotify_init(FAN_CLASS_CONTENT | FAN_CLOEXEC | FAN_NONBLOCK,
				   O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	d->notif_fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK,
				    O_RDONLY | O_LARGEFILE | O_CLOEXEC);
	/* renames into cloud folders; kernels before 5.9 lack it, and then say so */
	d->fid_fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK |
				  FAN_REPORT_DFID_NAME, O_RDONLY | O_CLOEXEC);
	d->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->work_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->perm_fd < 0 || d->notif_fd < 0 || d->stop_fd < 0 || d->work_fd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = alerts_new(&d->alerts, d->cfg, env->log, NULL, NULL);
	if (ret)
		goto fail;
	resolve_clients(d);
	/* threads before marks: a marked file must never wait for a responder not yet there */
	ret = -pthread_create(&d->responder, NULL, responder_main, d);
	if (ret)
		goto fail;
	d->nthreads = 1;
	ret = -pthread_create(&d->watchdog, NULL, watchdog_main, d);
	if (ret)
		goto fail;
	d->nthreads = 2;
	ret = -pthread_create(&d->logger, NULL, logger_main, d);
	if (ret)
		goto fail;
	d->nthreads = 3;
	ret = mark_zones(d);
	if (ret)
		goto fail;
	walk_roots(d, true);
	snprintf(reason, sizeof(reason), "fanotify driver started: %zu PD files and %zu zone "
		 "folders or mounts marked, mode %s, fail = %s", d->nmarks, d->nzmarks,
		 audit_mode(d) ? "audit" : "enforce", d->cfg->fail_open ? "open" : "closed");
	emit_info(d, "agent", reason, getpid());
	*out = d;
	return 0;
fail:
	fan_stop(d);
	return ret;
}

static int fan_label(struct driver *d, const struct label_entry *e, const char *path)
{
	uint64_t one = 1;
	size_t at;

	pthread_mutex_lock(&d->lock);
	if (e->level == PDGUARD_LEVEL_NONE || !e->categories) {
		unmark_file(d, e->dev, e->ino);
		if (todo_has(d, e->dev, e->ino, &at))
			d->todo[at] = d->todo[--d->ntodo];
	} else if (!mark_find(d, e->dev, e->ino) && !todo_has(d, e->dev, e->ino, NULL)) {
		if (d->ntodo == d->captodo) {
			size_t cap = d->captodo ? d->captodo * 2 : 64;
			void *v = realloc(d->todo, cap * sizeof(*d->todo));

			if (!v) {
				pthread_mutex_unlock(&d->lock);
				return -ENOMEM;
			}
			d->todo = v;
			d->captodo = cap;
		}
		d->todo[d->ntodo].dev = e->dev;
		d->todo[d->ntodo++].ino = e->ino;
		/* the daemon's dispatch() finds the path and marks it */
		write(d->work_fd, &one, sizeof(one));
	}
	pthread_mutex_unlock(&d->lock);
	return 0;
}

static int fan_policy(struct driver *d, const struct config *cfg)
{
	pthread_mutex_lock(&d->lock);
	d->cfg = cfg;
	memset(d->roles, 0, sizeof(d->roles));
	resolve_clients(d);
	zone_marks_clear(d);
	pthread_mutex_unlock(&d->lock);
	alerts_policy(d->alerts, cfg);
	return mark_zones(d);
}

static int fan_fd(struct driver *d)
{
	return d->work_fd;
}

static int fan_dispatch(struct driver *d)
{
	uint64_t v;
	size_t n;

	read(d->work_fd, &v, sizeof(v));
	pthread_mutex_lock(&d->lock);
	n = d->ntodo;
	pthread_mutex_unlock(&d->lock);
	if (n)
		walk_roots(d, false);
	return 0;
}

static void fan_describe(struct driver *d, FILE *f)
{
	fprintf(f,
		"driver fanotify: permission events answered by the agent (pid %d)\n"
		"  enforces at open(): role gating of PD files (%zu marked), sync clients refused PD,\n"
		"  processes that read PD refused files on USB and cloud zones (%zu marks), derived\n"
		"  labels for files such processes write; renames into cloud folders are moved to\n"
		"  quarantine after the fact%s\n"
		"  cannot: check reads/writes after open, mmap, renames before they happen; it adds\n"
		"  userspace latency to marked opens; if the agent dies, its marks go with it and\n"
		"  nothing is enforced until it restarts (docs/fanotify.md)\n"
		"  mode %s, fail = %s, decision timeout %u ms; requests %llu, allowed %llu, denied "
		"%llu, would-deny %llu, own %llu, watchdog %llu, overflows %llu, derived %llu, "
		"quarantined %llu\n",
		(int)d->env.agent_pid, d->nmarks, d->nzmarks,
		d->fid_fd < 0 ? " (not on this kernel: no FAN_REPORT_DFID_NAME)" : "",
		audit_mode(d) ? "audit" : "enforce", d->cfg->fail_open ? "open" : "closed",
		d->cfg->decision_timeout_ms, (unsigned long long)d->n_requests,
		(unsigned long long)d->n_allow, (unsigned long long)d->n_deny,
		(unsigned long long)d->n_would, (unsigned long long)d->n_own,
		(unsigned long long)d->n_watchdog, (unsigned long long)d->n_overflow,
		(unsigned long long)d->n_derived, (unsigned long long)d->n_moved);
}

static void fan_stop(struct driver *d)
{
	uint64_t one = 1;
	size_t i;

	if (!d)
		return;
	d->stopping = true;
	if (d->stop_fd >= 0)
		write(d->stop_fd, &one, sizeof(one));
	if (d->nthreads > 0)
		pthread_join(d->responder, NULL);
	if (d->nthreads > 1)
		pthread_join(d->watchdog, NULL);
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
		zone_marks_clear(d);
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
	if (d->work_fd >= 0)
		close(d->work_fd);
	for (i = 0; i < MAX_PENDING; i++)
		if (d->pend[i].used)
			close(d->pend[i].fd);
	for (i = 0; i < d->nmarks; i++)
		free(d->marks[i].path);
	free(d->marks);
	free(d->todo);
	alerts_free(d->alerts);
	pthread_mutex_destroy(&d->plock);
	pthread_mutex_destroy(&d->lock);
	pthread_mutex_destroy(&d->qlock);
	pthread_cond_destroy(&d->qready);
	pthread_cond_destroy(&d->qspace);
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
	.stop = fan_stop,
};

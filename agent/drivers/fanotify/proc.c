// SPDX-License-Identifier: GPL-2.0
/*
 * What /proc says about the process behind a fanotify event, and what the event's own descriptor
 * says about its file. Read only: nothing here opens a file other than under /proc, so the
 * responder never waits for a permission event of its own.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "drivers/fanotify/internal.h"

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
int fan_proc_stat(pid_t pid, struct proc_info *p)
{
	char path[64], buf[1024], *open_p, *close_p, *s;
	unsigned long long start;
	unsigned int threads = 0, flags;
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
	if (sscanf(s, "%*c %d %d %*d %*d %*d %u", &ppid, &pgid, &flags) != 3)
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
	p->kthread = flags & PF_KTHREAD;
	p->pid = pid;
	p->ppid = ppid;
	p->pgid = pgid;
	p->start = start;
	p->have_stat = true;
	return 0;
}

uint64_t fan_proc_start(pid_t pid)
{
	struct proc_info p = { 0 };

	return fan_proc_stat(pid, &p) ? 0 : p.start;
}

/*
 * The user: /proc/PID's owner is the task's effective uid (one stat, where reading the status
 * file costs several µs); root-owned entries (root, or a non-dumpable task) are checked in
 * /proc/PID/status for the fs uid, what file access checks use.
 */
int fan_proc_uid(pid_t pid, struct proc_info *p)
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

int fan_proc_ids(pid_t pid, uid_t *ruid, uid_t *suid)
{
	char path[64], buf[2048], *s;
	unsigned int r, e, sv;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return -ESRCH;
	s = strstr(buf, "\nUid:");
	if (!s || sscanf(s + 5, "%u %u %u", &r, &e, &sv) != 3)
		return -EBADMSG;
	*ruid = r;
	*suid = sv;
	return 0;
}

/* The fields of /proc/PID/status an opener's decision uses. Return: 0 or -EBADMSG. */
static int parse_status(const char *buf, struct proc_info *p)
{
	unsigned int r, e, sv, fs, threads;
	const char *s;
	int ppid, pgid;
	size_t n;

	s = strstr(buf, "\nUid:");
	if (!s || sscanf(s + 5, "%u %u %u %u", &r, &e, &sv, &fs) != 4)
		return -EBADMSG;
	if (!(s = strstr(buf, "\nPPid:")) || sscanf(s + 6, "%d", &ppid) != 1)
		return -EBADMSG;
	/* the group as seen from our namespace: NSpgid's first number */
	if (!(s = strstr(buf, "\nNSpgid:")) || sscanf(s + 8, "%d", &pgid) != 1)
		return -EBADMSG;
	if (!(s = strstr(buf, "\nThreads:")) || sscanf(s + 9, "%u", &threads) != 1)
		return -EBADMSG;
	if (strncmp(buf, "Name:\t", 6))
		return -EBADMSG;
	n = strcspn(buf + 6, "\n");
	snprintf(p->comm, sizeof(p->comm), "%.*s", (int)n, buf + 6);
	p->ppid = ppid;
	p->pgid = pgid;
	p->threads = threads;
	p->uid = fs;
	p->have_uid = true;
	return 0;
}

static void proc_slot_close(struct driver *d, size_t i)
{
	if (d->procs[i].fd >= 0)
		close(d->procs[i].fd);
	if (d->procs[i].dirfd >= 0)
		close(d->procs[i].dirfd);
	d->procs[i].fd = d->procs[i].dirfd = -1;
}

void fan_proc_cache_close(struct driver *d)
{
	size_t i;

	for (i = 0; i < PROC_CACHE; i++)
		proc_slot_close(d, i);
}

/*
 * An opener's current uid, group, parent and threads in one pread of its /proc/PID/status,
 * kept open across its requests (a process opening many files pays one system call, not
 * seven). The start time, which does not change, comes from /proc/PID/stat when the slot is
 * filled; the slot's descriptor is opened first, so a number given to another process between
 * the two reads makes the first pread fail rather than pair one process's start with another's
 * status. Anything unexpected falls back to reading /proc afresh.
 */
int fan_proc_opener(struct driver *d, pid_t pid, struct proc_info *p)
{
	size_t i = (size_t)pid % PROC_CACHE;
	char path[64], buf[4096];
	struct proc_info q = { 0 };
	ssize_t n;
	int fd, dirfd;

	if (d->procs[i].fd >= 0 && d->procs[i].pid == pid) {
		n = pread(d->procs[i].fd, buf, sizeof(buf) - 1, 0);
		if (n > 0) {
			buf[n] = '\0';
			if (!parse_status(buf, p)) {
				p->pid = pid;
				p->start = d->procs[i].start;
				p->kthread = d->procs[i].kthread;
				p->have_stat = true;
				return 0;
			}
		}
	}
	/* empty, another process's, or gone: fill the slot again */
	proc_slot_close(d, i);
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = dirfd >= 0 ? openat(dirfd, "status", O_RDONLY | O_CLOEXEC) : -1;
	if (fd >= 0 && !fan_proc_stat(pid, &q) &&
	    (n = pread(fd, buf, sizeof(buf) - 1, 0)) > 0) {
		buf[n] = '\0';
		if (!parse_status(buf, &q)) {
			*p = q;
			d->procs[i].pid = pid;
			d->procs[i].start = q.start;
			d->procs[i].kthread = q.kthread;
			d->procs[i].fd = fd;
			d->procs[i].dirfd = dirfd;
			return 0;
		}
	}
	if (fd >= 0)
		close(fd);
	if (dirfd >= 0)
		close(dirfd);
	fan_proc_stat(pid, p);
	return fan_proc_uid(pid, p);
}

void fan_proc_exe(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/* The executable of @pid through the /proc/PID its status was just read from, if cached. */
void fan_proc_exe_cached(struct driver *d, pid_t pid, char *buf, size_t len)
{
	size_t i = (size_t)pid % PROC_CACHE;
	ssize_t n = -1;

	if (d->procs[i].dirfd >= 0 && d->procs[i].pid == pid)
		n = readlinkat(d->procs[i].dirfd, "exe", buf, len - 1);
	if (n <= 0) {
		fan_proc_exe(pid, buf, len);
		return;
	}
	buf[n] = '\0';
}

/*
 * This process's /proc/PID/fd, kept open: a descriptor's path is then one lookup, not a walk
 * through /proc/self. A forked child (the keeper) must not use its parent's: dropped there.
 */
static atomic_int self_fd_dir = -1;
static pthread_once_t self_fd_once = PTHREAD_ONCE_INIT;

static void self_fd_forget(void)
{
	int fd = atomic_exchange(&self_fd_dir, -1);

	if (fd >= 0)
		close(fd);
}

static void self_fd_open(void)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)getpid());
	atomic_store(&self_fd_dir, open(path, O_PATH | O_DIRECTORY | O_CLOEXEC));
	pthread_atfork(NULL, NULL, self_fd_forget);
}

void fan_fd_path(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n = -1;
	int dfd;

	pthread_once(&self_fd_once, self_fd_open);
	dfd = atomic_load(&self_fd_dir);
	if (dfd >= 0) {
		snprintf(path, sizeof(path), "%d", fd);
		n = readlinkat(dfd, path, buf, len - 1);
	}
	if (n <= 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, buf, len - 1);
	}
	buf[n > 0 ? n : 0] = '\0';
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
bool fan_write_only_open(const struct proc_info *p)
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

/* The access mode of @pid's descriptor @fd (O_RDONLY, O_WRONLY, O_RDWR), or -1. */
static int fd_accmode(pid_t pid, const char *fd)
{
	char path[320], buf[256], *f;
	ssize_t k;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", (int)pid, fd);
	k = read_small(path, buf, sizeof(buf));
	if (k <= 0)
		return -1;
	f = strstr(buf, "flags:");
	return f ? (int)(strtoul(f + 6, NULL, 8) & O_ACCMODE) : -1;
}

/* How a /proc/PID/fd entry was opened, from the link's own mode (u+r read, u+w write). */
static int fd_link_accmode(int dfd, const char *name)
{
	struct stat st;
	bool r, w;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISLNK(st.st_mode))
		return -1;
	r = st.st_mode & S_IRUSR;
	w = st.st_mode & S_IWUSR;
	return r && w ? O_RDWR : w ? O_WRONLY : r ? O_RDONLY : -1;
}

struct dirent64_raw {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

/* The pipes in @dfd, @pid's /proc/PID/fd (closed here). */
static int pipes_in(int dfd, pid_t pid, bool writing, uint64_t *out, int max)
{
	char link[64], buf[16384] __attribute__((aligned(8)));
	unsigned long long ino;
	int n = 0, i, acc;
	long nr, off;

	if (dfd < 0)
		return 0;
	while (n < max && (nr = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < nr && n < max; ) {
			struct dirent64_raw *de = (void *)(buf + off);
			ssize_t k;

			if (!de->d_reclen)
				break;
			off += de->d_reclen;
			if (de->d_name[0] == '.')
				continue;
			k = readlinkat(dfd, de->d_name, link, sizeof(link) - 1);
			if (k <= 0)
				continue;
			link[k] = '\0';
			if (sscanf(link, "pipe:[%llu]", &ino) != 1)
				continue;
			/* data flows from a write end into a read end: only the wanted end counts;
			 * fdinfo says it when the link went meanwhile */
			acc = fd_link_accmode(dfd, de->d_name);
			if (acc < 0)
				acc = fd_accmode(pid, de->d_name);
			if (acc < 0 || (acc != O_RDWR && (acc == O_WRONLY) != writing))
				continue;
			for (i = 0; i < n && out[i] != ino; i++)
				;
			if (i == n)
				out[n++] = ino;
		}
		/*
		 * procfs fills the buffer until the next entry does not fit (an entry here is under
		 * 64 bytes): this much room left means the list has ended, and the call that would
		 * say so is saved
		 */
		if (sizeof(buf) - (size_t)nr >= 1024)
			break;
	}
	close(dfd);
	return n;
}

int fan_proc_pipes(pid_t pid, bool writing, uint64_t *out, int max)
{
	char dir[64];

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	return pipes_in(open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), pid, writing, out, max);
}

/* fan_proc_pipes() of an opener whose /proc/PID the cache holds (one lookup, not a walk). */
int fan_proc_pipes_cached(struct driver *d, pid_t pid, bool writing, uint64_t *out, int max)
{
	size_t i = (size_t)pid % PROC_CACHE;

	if (d->procs[i].dirfd < 0 || d->procs[i].pid != pid)
		return fan_proc_pipes(pid, writing, out, max);
	return pipes_in(openat(d->procs[i].dirfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC), pid,
			writing, out, max);
}

int fan_pipe_holders(const uint64_t *pipes, int npipes, pid_t except, pid_t *out, int max)
{
	uint64_t theirs[FAN_MAX_PIPES];
	struct dirent *de;
	int n = 0, k, i, j;
	DIR *dp;

	if (!npipes)
		return 0;
	dp = opendir("/proc");
	if (!dp)
		return 0;
	while (n < max && (de = readdir(dp))) {
		pid_t pid = (pid_t)atoi(de->d_name);

		if (pid <= 0 || pid == except)
			continue;
		k = fan_proc_pipes(pid, true, theirs, FAN_MAX_PIPES);
		for (i = 0; i < k; i++)
			for (j = 0; j < npipes; j++)
				if (theirs[i] == pipes[j])
					goto holds;
		continue;
holds:
		out[n++] = pid;
	}
	closedir(dp);
	return n;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF drivers (bpf/pdguard.bpf.c through agent/drivers/bpf/loader.c), hook by hook and against the
 * bypass checklist, in whichever attach mode the kernel offers (BPF LSM, or fmod_ret when bpf
 * is not in lsm=): `make test` boots the Debian 6.1 VM twice to cover both.
 *
 * Each test has its own tmpfs mounts under a private /tmp directory, its own uids (no role
 * outside them) and its own policy: the policy cannot reach anything else. The programs are
 * loaded once, by this program's own process before the harness forks the tests (see "the
 * programs" below), never pinned (except the pin test's own, which it unpins), and detach when
 * that process exits, however it exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <linux/io_uring.h>
#include <sys/syscall.h>

#include "pdg_test.h"
#include "drivers/bpf/loader.h"

#define HR_UID 20001	/* role by uid: basic, personnel */
#define HR_GID 20101
#define ACC_UID 20002	/* role by gid: financial */
#define ACC_GID 20102
#define IT_UID 20003	/* no role: runs systems, reads no PD */
#define IT_GID 20103

#define MARKER "870412300123,Seitkali Aigerim,personnel"

/* ---- the programs ----------------------------------------------------------------------- */

/*
 * Loaded, verified and attached once per run, in the harness's process, before it forks the
 * tests: under TCG one load took ~25 s on 6.12 (the verifier), and a load per test was most of
 * the VM's time. Each test's process inherits the session and starts it afresh with its own
 * policy (pdg_bpf_reset: every policy and state map emptied first, as a new load would have
 * them), so no test sees another's labels, roles, grants or taint. The first load's outcome is
 * kept and reported by every test's setup.
 */
static struct pdg_bpf *shared;
static struct pdg_bpf_probe shared_probe;
static int shared_probe_ret = -1;
static int shared_ret = -ENOENT;
static struct pdg_bpf_error shared_err;
static char shared_log[4096];

__attribute__((constructor)) static void shared_load(void)
{
	struct pdg_bpf_opts o = { .mode = PDGUARD_MODE_ENFORCE };

	if (geteuid() != 0)
		return;
	shared_probe_ret = pdg_bpf_probe(&shared_probe);
	if (shared_probe_ret)
		return;
	shared_ret = pdg_bpf_start(&shared, &o, &shared_err);
	snprintf(shared_log, sizeof(shared_log), "%s", pdg_bpf_last_log());
}

/* This test's policy on the shared programs: *@b is the session, for this process only. */
static int start(struct pdg_bpf **b, const struct pdg_bpf_opts *o, struct pdg_bpf_error *err)
{
	*b = NULL;
	if (!shared) {
		*err = shared_err;
		return shared_ret ? shared_ret : -ENOENT;
	}
	*b = shared;
	return pdg_bpf_reset(shared, o, err);
}

/* ---- helpers ------------------------------------------------------------------------------ */

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	if (n < 0)
		return -errno;
	return chmod(path, mode) ? -errno : 0;
}

/* Whether @path exists and holds the PD marker (a copy that got through). */
static bool has_marker(const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return strstr(buf, MARKER) != NULL;
}

static void become(uid_t uid, gid_t gid)
{
	if (setgroups(0, NULL) || setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
		_exit(120);
}

/* Run @fn(@arg) in a child as @uid/@gid; its -errno comes back (0 on success). */
static int as_user(uid_t uid, gid_t gid, int (*fn)(void *), void *arg)
{
	int status, ret;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		become(uid, gid);
		ret = fn(arg);
		_exit(ret < 0 ? (-ret & 0xff) : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status))
		return -EINTR;
	return -WEXITSTATUS(status);
}

/* Run a shell command as @uid/@gid; its exit status. */
static int sh_as(uid_t uid, gid_t gid, const char *fmt, ...)
{
	char cmd[2048];
	int status;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		become(uid, gid);
		dup2(null, 1);
		dup2(null, 2);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

struct seen {
	char op[16];
	char decision[16];
	char path[400];
	char reason[160];
	char zone[24];
	uint32_t uid;
};

struct evbuf {
	struct seen e[128];
	int n;
};

static int collect(void *ctx, const struct event *ev, const struct pdguard_event *raw)
{
	struct evbuf *b = ctx;
	struct seen *s;

	if (b->n >= (int)(sizeof(b->e) / sizeof(b->e[0])))
		return 0;
	s = &b->e[b->n++];
	snprintf(s->op, sizeof(s->op), "%s", ev->op);
	snprintf(s->decision, sizeof(s->decision), "%s", ev->decision);
	/* a hook without bpf_d_path gives the name alone (the agent resolves it, not this test) */
	snprintf(s->path, sizeof(s->path), "%s",
		 ev->path ? ev->path : ev->file_name ? ev->file_name : "");
	snprintf(s->reason, sizeof(s->reason), "%s", ev->reason ? ev->reason : "");
	snprintf(s->zone, sizeof(s->zone), "%s", ev->zone ? ev->zone : "");
	s->uid = ev->uid;
	return 0;
}

/* ---- the fixture: data, usb and cloud tmpfs mounts, labels, roles ------------------------ */

FIXTURE(pdg) {
	char dir[64];
	char data[96], usb[96], cloudfs[96], cloud[128], alias[96];
	char pd[160], med[160], fin[160], plain[160], local_pd[160], synccat[160];
	int nmounts;
	struct pdg_bpf *b;
	struct evbuf ev;
	enum pdguard_bpf_driver driver;
};

static int mount_tmpfs(const char *path)
{
	if (mkdir(path, 0777) && errno != EEXIST)
		return -errno;
	return mount("pdg", path, "tmpfs", 0, "mode=0777,size=32m") ? -errno : 0;
}

static void drain(FIXTURE_DATA(pdg) *self)
{
	self->ev.n = 0;
	pdg_bpf_poll(self->b, 0, collect, &self->ev);
	self->ev.n = 0;
}

/* An event with this op and decision whose path contains @name. */
static bool saw(FIXTURE_DATA(pdg) *self, const char *op, const char *decision, const char *name)
{
	int i;

	pdg_bpf_poll(self->b, 0, collect, &self->ev);
	for (i = 0; i < self->ev.n; i++) {
		struct seen *s = &self->ev.e[i];

		if (!strcmp(s->op, op) && !strcmp(s->decision, decision) &&
		    (!name || strstr(s->path, name)))
			return true;
	}
	return false;
}

/* An event with this decision whose path contains @name and whose reason reads @reason. */
static bool saw_reason(FIXTURE_DATA(pdg) *self, const char *decision, const char *name,
		       const char *reason)
{
	int i;

	pdg_bpf_poll(self->b, 0, collect, &self->ev);
	for (i = 0; i < self->ev.n; i++) {
		struct seen *s = &self->ev.e[i];

		if (!strcmp(s->decision, decision) && strstr(s->path, name) &&
		    !strcmp(s->reason, reason))
			return true;
	}
	return false;
}

/* The daemon names roles through policy/roles.c; the fixture's roles by uid. */
static void role_names(void *ctx, uint32_t uid, char *names, size_t len)
{
	snprintf(names, len, "%s", uid == HR_UID ? "hr" : uid == ACC_UID ? "accounting" : "");
}

static void dump_events(struct __test_metadata *_metadata, FIXTURE_DATA(pdg) *self)
{
	int i;

	for (i = 0; i < self->ev.n; i++)
		TH_LOG("event: %s %s %s [%s] zone=%s uid=%u", self->ev.e[i].op,
		       self->ev.e[i].decision, self->ev.e[i].path, self->ev.e[i].reason,
		       self->ev.e[i].zone, self->ev.e[i].uid);
}

FIXTURE_SETUP(pdg)
{
	static const struct pdg_bpf_role roles[] = {
		{ .id = HR_UID, .read_cats = PDGUARD_CAT_BASIC | PDGUARD_CAT_PERSONNEL },
		{ .id = ACC_GID, .group = true, .read_cats = PDGUARD_CAT_FINANCIAL },
	};
	struct pdg_bpf_zone zones[2];
	struct pdg_bpf_label labels[4];
	const char *sync[1];
	struct pdg_bpf_opts o = {};
	struct pdg_bpf_error err;
	char cmd[512];
	int ret;

	if (geteuid() != 0)
		SKIP(return, "needs root");
	if (shared_probe_ret)
		SKIP(return, "no BPF driver on this kernel: %s / %s (%s)", shared_probe.lsm_why,
		     shared_probe.fmod_ret_why, shared_probe.hint);
	self->driver = shared_probe.best;
	/*
	 * The previous test's policy goes before this test makes its files: in fmod_ret mode labels
	 * are kept by (device, inode), and a new tmpfs may reuse the device and inode numbers of the
	 * last test's labelled file.
	 */
	ASSERT_EQ(0, start(&self->b, &(struct pdg_bpf_opts){ .mode = PDGUARD_MODE_ENFORCE,
							 .agent_tgid = getpid() }, &err))
		TH_LOG("%s (%s)\n%s", err.msg, err.hint, shared_log);

	strcpy(self->dir, "/tmp/pdg-bpf-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	chmod(self->dir, 0755);
	snprintf(self->data, sizeof(self->data), "%s/data", self->dir);
	snprintf(self->usb, sizeof(self->usb), "%s/usb", self->dir);
	snprintf(self->cloudfs, sizeof(self->cloudfs), "%s/home", self->dir);
	snprintf(self->cloud, sizeof(self->cloud), "%s/Dropbox", self->cloudfs);
	snprintf(self->alias, sizeof(self->alias), "%s/alias", self->dir);
	ASSERT_EQ(0, mount_tmpfs(self->data));
	self->nmounts++;
	ASSERT_EQ(0, mount_tmpfs(self->usb));
	self->nmounts++;
	ASSERT_EQ(0, mount_tmpfs(self->cloudfs));
	self->nmounts++;
	ASSERT_EQ(0, mkdir(self->cloud, 0777));
	chmod(self->cloud, 0777);

	snprintf(self->pd, sizeof(self->pd), "%s/personnel.csv", self->data);
	snprintf(self->med, sizeof(self->med), "%s/medical.csv", self->data);
	snprintf(self->fin, sizeof(self->fin), "%s/salaries.csv", self->data);
	snprintf(self->plain, sizeof(self->plain), "%s/plain.txt", self->data);
	snprintf(self->local_pd, sizeof(self->local_pd), "%s/staff.csv", self->cloudfs);
	snprintf(self->synccat, sizeof(self->synccat), "%s/synccat", self->data);
	ASSERT_EQ(0, write_file(self->pd, MARKER "\n", 0644));
	ASSERT_EQ(0, write_file(self->med, MARKER ",medical\n", 0644));
	ASSERT_EQ(0, write_file(self->fin, MARKER ",salary\n", 0644));
	ASSERT_EQ(0, write_file(self->plain, "nothing personal\n", 0644));
	ASSERT_EQ(0, write_file(self->local_pd, MARKER "\n", 0666));
	snprintf(cmd, sizeof(cmd), "cp /bin/cat %s && chmod 755 %s", self->synccat,
		 self->synccat);
	ASSERT_EQ(0, system(cmd));

	zones[0] = (struct pdg_bpf_zone){ PDGUARD_ZONE_USB, self->usb };
	zones[1] = (struct pdg_bpf_zone){ PDGUARD_ZONE_CLOUD, self->cloud };
	labels[0] = (struct pdg_bpf_label){ self->pd, PDGUARD_CAT_PERSONNEL | PDGUARD_CAT_BASIC };
	labels[1] = (struct pdg_bpf_label){ self->med, PDGUARD_CAT_MEDICAL };
	labels[2] = (struct pdg_bpf_label){ self->fin, PDGUARD_CAT_FINANCIAL };
	labels[3] = (struct pdg_bpf_label){ self->local_pd, PDGUARD_CAT_PERSONNEL };
	sync[0] = self->synccat;
	o.mode = PDGUARD_MODE_ENFORCE;
	o.agent_tgid = getpid();
	o.roles = roles;
	o.n_roles = 2;
	o.zones = zones;
	o.n_zones = 2;
	o.labels = labels;
	o.n_labels = 4;
	o.sync_clients = sync;
	o.n_sync_clients = 1;
	ret = start(&self->b, &o, &err);
	ASSERT_EQ(0, ret) TH_LOG("%s (%s)\n%s", err.msg, err.hint, shared_log);
	pdg_bpf_set_roles_cb(self->b, role_names, NULL);
	drain(self);
}

FIXTURE_TEARDOWN(pdg)
{
	/* the shared session stays loaded: the next test resets it */
	self->b = NULL;
	if (self->dir[0]) {
		umount2(self->alias, MNT_DETACH);
		if (self->nmounts > 2)
			umount2(self->cloudfs, MNT_DETACH);
		if (self->nmounts > 1)
			umount2(self->usb, MNT_DETACH);
		if (self->nmounts > 0)
			umount2(self->data, MNT_DETACH);
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
		if (system(cmd))
			TH_LOG("cleanup failed: %s", cmd);
	}
}

/* ---- actions run as a test user -------------------------------------------------------- */

struct op {
	const char *a, *b;
	int flags;
};

static int do_open(void *arg)
{
	struct op *o = arg;
	int fd = open(o->a, o->flags | O_CLOEXEC, 0666);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int read_all(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return 0;
}

/* Read @a (PD), then create @b. */
static int read_then_create(void *arg)
{
	struct op *o = arg;
	int fd, ret = read_all(o->a);

	if (ret)
		return ret == -EPERM ? -EACCES : ret;	/* not the answer under test */
	fd = open(o->b, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Open @b for writing first (untainted), then read @a, then write. */
static int open_read_write(void *arg)
{
	struct op *o = arg;
	int fd = open(o->b, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666), ret;

	if (fd < 0)
		return -ENOTRECOVERABLE;
	ret = read_all(o->a);
	if (ret)
		return -EACCES;
	ret = write(fd, MARKER, strlen(MARKER)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* Open @b read-write first, read @a, then map @b shared and writable (o->flags: MAP_*). */
static int open_read_mmap(void *arg)
{
	struct op *o = arg;
	int fd = open(o->b, O_RDWR | O_CREAT | O_CLOEXEC, 0666), ret = 0;
	void *p;

	if (fd < 0 || ftruncate(fd, 4096))
		return -ENOTRECOVERABLE;
	if (read_all(o->a))
		return -EACCES;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, o->flags, fd, 0);
	if (p == MAP_FAILED)
		ret = -errno;
	else
		munmap(p, 4096);
	close(fd);
	return ret;
}

/* Map @b shared read-only first, read @a, then mprotect to writable. */
static int open_read_mprotect(void *arg)
{
	struct op *o = arg;
	int fd = open(o->b, O_RDWR | O_CREAT | O_CLOEXEC, 0666), ret = 0;
	void *p;

	if (fd < 0 || ftruncate(fd, 4096))
		return -ENOTRECOVERABLE;
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -ENOTRECOVERABLE;
	if (read_all(o->a))
		return -EACCES;
	if (mprotect(p, 4096, PROT_READ | PROT_WRITE))
		ret = -errno;
	munmap(p, 4096);
	close(fd);
	return ret;
}

/* Open @b first, then copy @a into it in the kernel (o->flags: 0 sendfile, 1 copy_file_range,
 * 2 splice through a pipe). */
static int kernel_copy(void *arg)
{
	struct op *o = arg;
	int out = open(o->b, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666), in, p[2];
	ssize_t n = -1;

	if (out < 0)
		return -ENOTRECOVERABLE;
	in = open(o->a, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -EACCES;
	switch (o->flags) {
	case 0:
		n = sendfile(out, in, NULL, 4096);
		break;
	case 1:
		n = copy_file_range(in, NULL, out, NULL, 4096, 0);
		break;
	case 2:
		if (pipe(p))
			return -ENOTRECOVERABLE;
		n = splice(in, NULL, p[1], NULL, 4096, 0);
		if (n > 0)
			n = splice(p[0], NULL, out, NULL, n, 0);
		break;
	}
	return n < 0 ? -errno : 0;
}

/* O_PATH descriptor, then a real open through /proc/self/fd. */
static int opath_reopen(void *arg)
{
	struct op *o = arg;
	char p[64];
	int fd = open(o->a, O_PATH | O_CLOEXEC);

	if (fd < 0)
		return -ENOTRECOVERABLE;
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int by_handle(void *arg)
{
	struct op *o = arg;
	struct {
		struct file_handle fh;
		unsigned char buf[128];
	} h;
	int mnt, mount_fd, fd;

	h.fh.handle_bytes = sizeof(h.buf);
	if (name_to_handle_at(AT_FDCWD, o->a, &h.fh, &mnt, 0))
		return -ENOTRECOVERABLE;
	mount_fd = open(o->b, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mount_fd < 0)
		return -ENOTRECOVERABLE;
	fd = open_by_handle_at(mount_fd, &h.fh, O_RDONLY);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static int setxattr_label(void *arg)
{
	struct op *o = arg;
	const char v[16] = { PDGUARD_LABEL_MAGIC, PDGUARD_LABEL_VERSION, 0 };

	if (o->flags)
		return removexattr(o->a, PDGUARD_XATTR_NAME) ? -errno : 0;
	return setxattr(o->a, PDGUARD_XATTR_NAME, v, sizeof(v), 0) ? -errno : 0;
}


/*
 * io_uring without liburing: one ring, one request at a time. @op IORING_OP_WRITE on @fd, or
 * IORING_OP_OPENAT of @path. Returns the completion's result (fd, bytes or -errno).
 */
static int uring_one(int op, int fd, const char *path, const void *buf, unsigned int len,
		     int flags)
{
	struct io_uring_params p = { 0 };
	struct io_uring_sqe *sqes, *sqe;
	struct io_uring_cqe *cqes;
	unsigned int *sq_tail, *sq_array, *cq_head, *cq_tail, *sq_mask, *cq_mask, tail, idx;
	void *sq, *cq;
	int ring, ret;

	ring = syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0)
		return -ENOSYS;
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned int),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
	sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED)
		return -ENOSYS;
	sq_tail = (unsigned int *)((char *)sq + p.sq_off.tail);
	sq_mask = (unsigned int *)((char *)sq + p.sq_off.ring_mask);
	sq_array = (unsigned int *)((char *)sq + p.sq_off.array);
	cq_head = (unsigned int *)((char *)cq + p.cq_off.head);
	cq_tail = (unsigned int *)((char *)cq + p.cq_off.tail);
	cq_mask = (unsigned int *)((char *)cq + p.cq_off.ring_mask);
	cqes = (struct io_uring_cqe *)((char *)cq + p.cq_off.cqes);

	tail = *sq_tail;
	idx = tail & *sq_mask;
	sqe = &sqes[idx];
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = op;
	if (op == IORING_OP_OPENAT) {
		sqe->fd = AT_FDCWD;
		sqe->addr = (unsigned long)path;
		sqe->open_flags = flags;
		sqe->len = 0666;
	} else {
		sqe->fd = fd;
		sqe->addr = (unsigned long)buf;
		sqe->len = len;
		sqe->off = 0;
	}
	sq_array[idx] = idx;
	__atomic_store_n(sq_tail, tail + 1, __ATOMIC_RELEASE);
	ret = syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
	if (ret < 0)
		return -ENOSYS;
	if (__atomic_load_n(cq_tail, __ATOMIC_ACQUIRE) == *cq_head)
		return -ENOSYS;
	ret = cqes[*cq_head & *cq_mask].res;
	__atomic_store_n(cq_head, *cq_head + 1, __ATOMIC_RELEASE);
	close(ring);
	return ret;
}

/* Open @b first, read @a (PD), then write @b through io_uring (o->flags 0), or open @b
 * through io_uring after reading (o->flags 1). */
static int uring_copy(void *arg)
{
	struct op *o = arg;
	int fd = -1, ret;

	if (!o->flags) {
		fd = open(o->b, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0)
			return -ENOTRECOVERABLE;
	}
	if (read_all(o->a))
		return -EACCES;
	if (o->flags) {
		ret = uring_one(IORING_OP_OPENAT, -1, o->b, NULL, 0, O_WRONLY | O_CREAT);
		return ret < 0 ? ret : 0;
	}
	ret = uring_one(IORING_OP_WRITE, fd, NULL, MARKER, strlen(MARKER), 0);
	return ret < 0 ? ret : 0;
}

/* ---- role gating: file_open ------------------------------------------------------------- */

TEST_F_TIMEOUT(pdg, hr_opens_personnel_file, 120)
{
	struct op o = { self->pd, NULL, O_RDONLY };

	RETURN_IF_SETUP_SKIPPED();
	TH_LOG("driver: %s", pdg_bpf_driver_name(self->driver));
	EXPECT_EQ(0, as_user(HR_UID, HR_GID, do_open, &o));
	EXPECT_TRUE(saw(self, "open", "allow", "personnel.csv"));
}

TEST_F_TIMEOUT(pdg, accounting_refused_personnel_file, 120)
{
	struct op o = { self->pd, NULL, O_RDONLY }, f = { self->fin, NULL, O_RDONLY };

	RETURN_IF_SETUP_SKIPPED();
	EXPECT_EQ(-EPERM, as_user(ACC_UID, ACC_GID, do_open, &o));
	EXPECT_TRUE(saw(self, "open", "deny", "/data/personnel.csv"));
	/* the role by gid reads its own category */
	EXPECT_EQ(0, as_user(ACC_UID, ACC_GID, do_open, &f));
	dump_events(_metadata, self);
}

TEST_F_TIMEOUT(pdg, it_refused_personnel_file_but_reads_unlabelled, 120)
{
	struct op o = { self->pd, NULL, O_RDONLY }, p = { self->plain, NULL, O_RDONLY };

	RETURN_IF_SETUP_SKIPPED();
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	EXPECT_EQ(0, as_user(IT_UID, IT_GID, do_open, &p));
	/* HR's role does not cover medical */
	o.a = self->med;
	EXPECT_EQ(-EPERM, as_user(HR_UID, HR_GID, do_open, &o));
	EXPECT_TRUE(saw(self, "open", "deny", "medical.csv"));
	/* reasons read as every driver's (lib/vocab.c) */
	EXPECT_TRUE(saw_reason(self, "deny", "medical.csv", "role hr may not read medical"));
	EXPECT_TRUE(saw_reason(self, "deny", "personnel.csv",
			       "no role of this user may read basic,personnel"));
	dump_events(_metadata, self);
}

TEST_F_TIMEOUT(pdg, grant_opens_then_expires, 120)
{
	struct op o = { self->pd, NULL, O_RDONLY };
	struct timespec now;

	RETURN_IF_SETUP_SKIPPED();
	clock_gettime(CLOCK_REALTIME, &now);
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	ASSERT_EQ(0, pdg_bpf_grant_add(self->b, IT_UID, PDGUARD_CAT_PERSONNEL | PDGUARD_CAT_BASIC,
				       (now.tv_sec + 1) * 1000000000ull + now.tv_nsec));
	EXPECT_EQ(0, as_user(IT_UID, IT_GID, do_open, &o));
	usleep(1200 * 1000);
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	ASSERT_EQ(0, pdg_bpf_grant_add(self->b, IT_UID, PDGUARD_CAT_PERSONNEL | PDGUARD_CAT_BASIC,
				       (now.tv_sec + 3600) * 1000000000ull));
	EXPECT_EQ(0, as_user(IT_UID, IT_GID, do_open, &o));
	ASSERT_EQ(0, pdg_bpf_grant_remove(self->b, IT_UID, PDGUARD_CAT_ALL));
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
}

TEST_F_TIMEOUT(pdg, role_and_label_changes_at_run_time, 120)
{
	struct pdg_bpf_role r = { .id = IT_UID, .read_cats = PDGUARD_CAT_ALL };
	struct op o = { self->plain, NULL, O_RDONLY };

	RETURN_IF_SETUP_SKIPPED();
	ASSERT_EQ(0, pdg_bpf_label_set(self->b, self->plain, PDGUARD_CAT_MEDICAL));
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	ASSERT_EQ(0, pdg_bpf_role_set(self->b, &r));
	EXPECT_EQ(0, as_user(IT_UID, IT_GID, do_open, &o));
	ASSERT_EQ(0, pdg_bpf_role_remove(self->b, IT_UID, false));
	ASSERT_EQ(0, pdg_bpf_label_remove(self->b, self->plain));
	EXPECT_EQ(0, as_user(IT_UID, IT_GID, do_open, &o));
}

/*
 * Roles scoped by place: IT_UID's role reads basic and personnel under the Almaty branch's
 * folder only; the accounting group's scoped role reads personnel under Astana's. The nearest
 * place folder decides, found by a walk up from the file (here three folders deep).
 */
TEST_F_TIMEOUT(pdg, role_scoped_to_place_reads_there_only, 120)
{
	char almaty[128], astana[128], deep[160], a_pd[200], b_pd[200], a_med[200];
	const char *places[2] = { almaty, astana };
	struct pdg_bpf_role_place rp[2] = {
		{ .id = IT_UID, .place = 0,
		  .read_cats = PDGUARD_CAT_BASIC | PDGUARD_CAT_PERSONNEL },
		{ .id = ACC_GID, .group = true, .place = 1, .read_cats = PDGUARD_CAT_PERSONNEL },
	};
	struct op o = { a_pd, NULL, O_RDONLY };

	RETURN_IF_SETUP_SKIPPED();
	snprintf(almaty, sizeof(almaty), "%s/almaty", self->data);
	snprintf(astana, sizeof(astana), "%s/astana", self->data);
	snprintf(deep, sizeof(deep), "%s/hr/2026/q4", almaty);
	ASSERT_EQ(0, sh_as(0, 0, "mkdir -p %s %s && chmod -R 755 %s %s", deep, astana, almaty,
			   astana));
	snprintf(a_pd, sizeof(a_pd), "%s/staff.csv", deep);
	snprintf(a_med, sizeof(a_med), "%s/sick-leave.csv", deep);
	snprintf(b_pd, sizeof(b_pd), "%s/staff.csv", astana);
	ASSERT_EQ(0, write_file(a_pd, MARKER "\n", 0644));
	ASSERT_EQ(0, write_file(a_med, MARKER ",medical\n", 0644));
	ASSERT_EQ(0, write_file(b_pd, MARKER "\n", 0644));
	ASSERT_EQ(0, pdg_bpf_label_set(self->b, a_pd, PDGUARD_CAT_BASIC | PDGUARD_CAT_PERSONNEL));
	ASSERT_EQ(0, pdg_bpf_label_set(self->b, a_med, PDGUARD_CAT_MEDICAL));
	ASSERT_EQ(0, pdg_bpf_label_set(self->b, b_pd, PDGUARD_CAT_BASIC | PDGUARD_CAT_PERSONNEL));
	/* before the places are known, the scoped role reads nothing */
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	ASSERT_EQ(0, pdg_bpf_places_set(self->b, places, 2));
	ASSERT_EQ(0, pdg_bpf_role_places_set(self->b, rp, 2));
	drain(self);
	/* its branch's file three folders down: read */
	EXPECT_EQ(0, as_user(IT_UID, IT_GID, do_open, &o));
	EXPECT_TRUE(saw(self, "open", "allow", "staff.csv"));
	/* the other branch's: refused */
	o.a = b_pd;
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	EXPECT_TRUE(saw(self, "open", "deny", "staff.csv"));
	/* a category its scoped role does not name, in its own branch: refused */
	o.a = a_med;
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	/* a scoped role by group: accounting's unscoped role reads financial, its scoped one
	 * personnel at Astana; the file's basic is in neither, until the scoped role names it */
	o.a = b_pd;
	EXPECT_EQ(-EPERM, as_user(ACC_UID, ACC_GID, do_open, &o));
	rp[1].read_cats |= PDGUARD_CAT_BASIC;
	ASSERT_EQ(0, pdg_bpf_role_places_set(self->b, rp, 2));
	EXPECT_EQ(0, as_user(ACC_UID, ACC_GID, do_open, &o));
	o.a = a_pd;
	EXPECT_EQ(-EPERM, as_user(ACC_UID, ACC_GID, do_open, &o));
	/* the unscoped role still reads its own category everywhere */
	o.a = self->fin;
	EXPECT_EQ(0, as_user(ACC_UID, ACC_GID, do_open, &o));
	/* places taken away: the scoped role reads nothing again */
	ASSERT_EQ(0, pdg_bpf_places_set(self->b, places, 0));
	o.a = a_pd;
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	dump_events(_metadata, self);
}

TEST_F_TIMEOUT(pdg, sync_client_refused_pd, 120)
{
	RETURN_IF_SETUP_SKIPPED();
	/* HR may read the file, but not through the sync client's executable */
	EXPECT_NE(0, sh_as(HR_UID, HR_GID, "%s %s", self->synccat, self->pd));
	EXPECT_EQ(0, sh_as(HR_UID, HR_GID, "%s %s", self->synccat, self->plain));
	EXPECT_EQ(0, sh_as(HR_UID, HR_GID, "cat %s", self->pd));
}

TEST_F_TIMEOUT(pdg, exit_point_opens_pd_only_under_a_grant, 120)
{
	char app[300], ld[300], cmd[700];
	struct timespec now;

	RETURN_IF_SETUP_SKIPPED();
	/* a messenger, here a copy of cat: HR's role reads the file, but not through it */
	snprintf(app, sizeof(app), "%s/messenger", self->data);
	snprintf(cmd, sizeof(cmd), "cp /bin/cat %s && chmod 755 %s", app, app);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, pdg_bpf_exit_point_add(self->b, app));
	EXPECT_NE(0, sh_as(HR_UID, HR_GID, "%s %s", app, self->pd));
	EXPECT_TRUE(saw(self, "open", "deny", "personnel.csv"));
	EXPECT_EQ(0, sh_as(HR_UID, HR_GID, "%s %s", app, self->plain));
	EXPECT_EQ(0, sh_as(HR_UID, HR_GID, "cat %s", self->pd));
	/* a grant of the user's lets it through, for the categories granted only */
	clock_gettime(CLOCK_REALTIME, &now);
	ASSERT_EQ(0, pdg_bpf_grant_add(self->b, HR_UID, PDGUARD_CAT_PERSONNEL | PDGUARD_CAT_BASIC,
				       (now.tv_sec + 3600) * 1000000000ull));
	EXPECT_EQ(0, sh_as(HR_UID, HR_GID, "%s %s", app, self->pd));
	ASSERT_EQ(0, pdg_bpf_grant_remove(self->b, HR_UID, PDGUARD_CAT_ALL));
	EXPECT_NE(0, sh_as(HR_UID, HR_GID, "%s %s", app, self->pd));
	/* started through the dynamic loader the executable is the loader: the agent lists the
	 * loader with the exit points (drivers/bpf/driver.c), so PD needs a grant there too
	 * (a copy on the test's tmpfs here: the guest's own loader is on a 9p/overlay root, whose
	 * executed file is the 9p inode, not the one stat() shows) */
	snprintf(ld, sizeof(ld), "%s/ld.so", self->data);
	snprintf(cmd, sizeof(cmd), "cp /lib64/ld-linux-x86-64.so.2 %s && chmod 755 %s", ld, ld);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, pdg_bpf_exit_point_add(self->b, ld));
	EXPECT_NE(0, sh_as(HR_UID, HR_GID, "%s %s %s", ld, app, self->pd));
	EXPECT_EQ(0, sh_as(HR_UID, HR_GID, "%s /bin/cat %s", ld, self->plain));
	dump_events(_metadata, self);
}

/* ---- taint and zones: inode_create, file_open, file_permission ---------------------------- */

TEST_F_TIMEOUT(pdg, tainted_create_on_usb_refused, 120)
{
	char dst[300];
	struct op o = { self->pd, dst, 0 }, p = { self->plain, dst, 0 };

	RETURN_IF_SETUP_SKIPPED();
	snprintf(dst, sizeof(dst), "%s/copy.csv", self->usb);
	EXPECT_EQ(-EPERM, as_user(HR_UID, HR_GID, read_then_create, &o));
	EXPECT_TRUE(saw(self, "create", "deny", "copy.csv"));
	/* an untainted process may use the stick */
	EXPECT_EQ(0, as_user(HR_UID, HR_GID, read_then_create, &p));
	dump_events(_metadata, self);
}

TEST_F_TIMEOUT(pdg, tainted_open_for_write_on_usb_refused, 120)
{
	char dst[200];
	struct op o = { self->pd, dst, 0 };

	RETURN_IF_SETUP_SKIPPED();
	snprintf(dst, sizeof(dst), "%s/existing.csv", self->usb);
	ASSERT_EQ(0, write_file(dst, "x\n", 0666));
	EXPECT_EQ(-EPERM, as_user(HR_UID, HR_GID, read_then_create, &o));
	EXPECT_TRUE(saw(self, "open", "deny", "existing.csv"));
}

TEST_F_TIMEOUT(pdg, write_after_taint_refused, 120)
{
	char dst[200];
	struct op o = { self->pd, dst, 0 };

	RETURN_IF_SETUP_SKIPPED();
	snprintf(dst, sizeof(dst), "%s/opened-early.csv", self->usb);
	EXPECT_EQ(-EPERM, as_user(HR_UID, HR_GID, open_read_write, &o));
	EXPECT_FALSE(has_marker(dst));
	EXPECT_TRUE(saw(self, "write", "deny", "opened-early.csv"));
}

TEST_F_TIMEOUT(pdg, cloud_folder_refused_elsewhere_allowed, 120)
{
	char dst[300], deep[200], ok[200];
	struct op o = { self->pd, dst, 0 };

	RETURN_IF_SETUP_SKIPPED();
	snprintf(deep, sizeof(deep), "%s/a/b/c", self->cloud);
	ASSERT_EQ(0, sh_as(0, 0, "mkdir -p %s && chmod -R 777 %s", deep, self->cloud));
	snprintf(dst, sizeof(dst), "%s/copy.csv", deep);
	EXPECT_EQ(-EPERM, as_user(HR_UID, HR_GID, read_then_create, &o));
	EXPECT_TRUE(saw(self, "create", "deny", "copy.csv"));
	/* the same filesystem outside the folder */
	snprintf(ok, sizeof(ok), "%s/not-synced.csv", self->cloudfs);
	o.b = ok;
	EXPECT_EQ(0, as_user(HR_UID, HR_GID, read_then_create, &o));
}

TEST_F_TIMEOUT(pdg, derived_label_catches_second_hop, 120)
{
	char tmp[200];
	struct op o = { tmp, NULL, O_RDONLY };

	RETURN_IF_SETUP_SKIPPED();
	snprintf(tmp, sizeof(tmp), "%s/x", self->data);
	/* cat pd.csv > x: x gets a derived label at the first write */
	ASSERT_EQ(0, sh_as(HR_UID, HR_GID, "cat %s > %s", self->pd, tmp));
	EXPECT_TRUE(has_marker(tmp));
	EXPECT_TRUE(saw(self, "label", "info", "x"));
	/* a fresh process copying x to the stick is refused: reading x taints it */
	EXPECT_NE(0, sh_as(HR_UID, HR_GID, "cp %s %s/", tmp, self->usb));
	EXPECT_FALSE(access(self->usb, F_OK) == 0 && has_marker(strcat(strcpy((char[256]){ 0 },
							     self->usb), "/x")));
	/* and the derived file is PD for role gating too */
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	dump_events(_metadata, self);
}

TEST_F_TIMEOUT(pdg, server_process_writes_no_derived_label, 120)
{
	char srv[200], x_srv[200], x_plain[200], x_user[200], cmd[700];
	struct op o = { x_srv, NULL, O_RDONLY };
	struct timespec now;

	RETURN_IF_SETUP_SKIPPED();
	/* a file server's program (a copy of cp), listed as [servers] exe */
	snprintf(srv, sizeof(srv), "%s/srvcp", self->data);
	snprintf(x_srv, sizeof(x_srv), "%s/by-server", self->data);
	snprintf(x_plain, sizeof(x_plain), "%s/by-cp", self->data);
	snprintf(x_user, sizeof(x_user), "%s/by-user", self->data);
	snprintf(cmd, sizeof(cmd), "cp /bin/cp %s && chmod 755 %s && chmod 777 %s", srv, srv,
		 self->data);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, pdg_bpf_server_add(self->b, srv));
	/* root reads PD under a grant (it has no role here) */
	clock_gettime(CLOCK_REALTIME, &now);
	ASSERT_EQ(0, pdg_bpf_grant_add(self->b, 0, PDGUARD_CAT_ALL,
				       (now.tv_sec + 3600) * 1000000000ull));
	/* started by root, the server's copy gets no derived label: IT opens it */
	snprintf(cmd, sizeof(cmd), "%s %s %s", srv, self->pd, x_srv);
	ASSERT_EQ(0, system(cmd));
	EXPECT_TRUE(has_marker(x_srv));
	EXPECT_EQ(0, as_user(IT_UID, IT_GID, do_open, &o));
	/* control: the plain cp's copy is labelled derived, refused to IT */
	snprintf(cmd, sizeof(cmd), "cp %s %s", self->pd, x_plain);
	ASSERT_EQ(0, system(cmd));
	o.a = x_plain;
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	/* the same program run by an ordinary user is no server: its copy is labelled */
	EXPECT_EQ(0, sh_as(HR_UID, HR_GID, "%s %s %s", srv, self->pd, x_user));
	o.a = x_user;
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	dump_events(_metadata, self);
}

/* ---- rename, link: path_rename, path_link ------------------------------------------------- */

TEST_F_TIMEOUT(pdg, rename_and_link_into_cloud_refused, 120)
{
	char dst[200], plain[200];

	RETURN_IF_SETUP_SKIPPED();
	snprintf(dst, sizeof(dst), "%s/staff.csv", self->cloud);
	EXPECT_NE(0, sh_as(HR_UID, HR_GID, "mv %s %s", self->local_pd, dst));
	EXPECT_EQ(0, access(self->local_pd, F_OK));
	EXPECT_TRUE(saw(self, "rename", "deny", "staff.csv"));
	EXPECT_NE(0, sh_as(HR_UID, HR_GID, "ln %s %s", self->local_pd, dst));
	EXPECT_TRUE(saw(self, "link", "deny", "staff.csv"));
	EXPECT_NE(0, access(dst, F_OK));
	/* an unlabelled file moves in freely */
	snprintf(plain, sizeof(plain), "%s/plain.txt", self->cloudfs);
	ASSERT_EQ(0, write_file(plain, "hello\n", 0666));
	EXPECT_EQ(0, sh_as(HR_UID, HR_GID, "mv %s %s/", plain, self->cloud));
}

TEST_F_TIMEOUT(pdg, hard_link_and_symlink_keep_the_label, 120)
{
	char hl[200], sl[200];
	struct op o = { hl, NULL, O_RDONLY };

	RETURN_IF_SETUP_SKIPPED();
	snprintf(hl, sizeof(hl), "%s/innocent-name.txt", self->data);
	snprintf(sl, sizeof(sl), "%s/link-to-pd", self->data);
	ASSERT_EQ(0, link(self->pd, hl));
	ASSERT_EQ(0, symlink(self->pd, sl));
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	o.a = sl;
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	EXPECT_NE(0, sh_as(HR_UID, HR_GID, "cp %s %s/", hl, self->usb));
}

/* ---- mmap_file, file_mprotect -------------------------------------------------------------- */

TEST_F_TIMEOUT(pdg, shared_writable_mapping_on_usb_refused, 120)
{
	char dst[200];
	struct op o = { self->pd, dst, MAP_SHARED };

	RETURN_IF_SETUP_SKIPPED();
	snprintf(dst, sizeof(dst), "%s/mapped", self->usb);
	ASSERT_EQ(0, write_file(dst, "", 0666));
	/* ftruncate in the helper is a write too: make the file big enough beforehand */
	ASSERT_EQ(0, truncate(dst, 4096));
	EXPECT_EQ(-EPERM, as_user(HR_UID, HR_GID, open_read_mmap, &o));
	EXPECT_TRUE(saw(self, "mmap", "deny", "mapped"));
	o.flags = MAP_PRIVATE;
	EXPECT_EQ(0, as_user(HR_UID, HR_GID, open_read_mmap, &o));
	EXPECT_EQ(-EPERM, as_user(HR_UID, HR_GID, open_read_mprotect, &o));
	EXPECT_TRUE(saw(self, "mprotect", "deny", "mapped"));
}

/* ---- inode_setxattr, inode_removexattr ---------------------------------------------------- */

TEST_F_TIMEOUT(pdg, label_xattr_only_by_agent, 120)
{
	struct op o = { self->pd, NULL, 0 };

	RETURN_IF_SETUP_SKIPPED();
	/* root, but not the agent */
	EXPECT_EQ(-EPERM, as_user(0, 0, setxattr_label, &o));
	EXPECT_TRUE(saw(self, "setxattr", "deny", "personnel.csv"));
	/* the agent (this process) may */
	EXPECT_EQ(0, setxattr_label(&o));
	o.flags = 1;
	EXPECT_EQ(-EPERM, as_user(0, 0, setxattr_label, &o));
	EXPECT_TRUE(saw(self, "removexattr", "deny", "personnel.csv"));
	EXPECT_EQ(0, setxattr_label(&o));
	/* other xattrs are not ours to guard (tmpfs on 6.1 has no user.*: trusted.*) */
	EXPECT_EQ(0, sh_as(0, 0, "python3 -c 'import os; os.setxattr(\"%s\", \"trusted.note\", "
			   "b\"x\")'", self->pd));
}

/* ---- task_alloc, pipes ------------------------------------------------------------------ */

TEST_F_TIMEOUT(pdg, children_inherit_taint, 120)
{
	RETURN_IF_SETUP_SKIPPED();
	/* the shell itself reads PD (read < file), then forks cp for an unlabelled file */
	EXPECT_NE(0, sh_as(HR_UID, HR_GID, "read x < %s; cp %s %s/", self->pd, self->plain,
			   self->usb));
	/* without the read, the same copy works */
	EXPECT_EQ(0, sh_as(HR_UID, HR_GID, "cp %s %s/plain2.txt", self->plain, self->usb));
	EXPECT_NE(0, sh_as(HR_UID, HR_GID, "read x < %s; sh -c 'echo $x > %s/y'", self->pd,
			   self->usb));
}

TEST_F_TIMEOUT(pdg, pipe_relay_refused, 120)
{
	char dst[200];

	RETURN_IF_SETUP_SKIPPED();
	snprintf(dst, sizeof(dst), "%s/relay.csv", self->usb);
	sh_as(HR_UID, HR_GID, "cat %s | tee %s", self->pd, dst);
	EXPECT_FALSE(has_marker(dst));
	EXPECT_TRUE(saw(self, "write", "deny", "relay.csv"));
	snprintf(dst, sizeof(dst), "%s/relay2.csv", self->usb);
	sh_as(HR_UID, HR_GID, "cat %s | cat > %s", self->pd, dst);
	EXPECT_FALSE(has_marker(dst));
	dump_events(_metadata, self);
}

/* ---- audit mode --------------------------------------------------------------------------- */

TEST_F_TIMEOUT(pdg, audit_mode_logs_would_deny_blocks_nothing, 120)
{
	struct op o = { self->pd, NULL, O_RDONLY };
	char dst[200];

	RETURN_IF_SETUP_SKIPPED();
	ASSERT_EQ(0, pdg_bpf_mode_set(self->b, PDGUARD_MODE_AUDIT));
	EXPECT_EQ(0, as_user(IT_UID, IT_GID, do_open, &o));
	EXPECT_TRUE(saw(self, "open", "would-deny", "personnel.csv"));
	snprintf(dst, sizeof(dst), "%s/audit-copy.csv", self->usb);
	EXPECT_EQ(0, sh_as(HR_UID, HR_GID, "cp %s %s", self->pd, dst));
	EXPECT_TRUE(has_marker(dst));
	EXPECT_TRUE(saw(self, "create", "would-deny", "audit-copy.csv"));
	EXPECT_FALSE(saw(self, "create", "deny", NULL));
	ASSERT_EQ(0, pdg_bpf_mode_set(self->b, PDGUARD_MODE_ENFORCE));
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
}

/* ---- counters ----------------------------------------------------------------------------- */

TEST_F_TIMEOUT(pdg, counters_count, 120)
{
	uint64_t c0[__PDGUARD_BPF_CNT_MAX], c[__PDGUARD_BPF_CNT_MAX];
	struct op o = { self->pd, NULL, O_RDONLY };

	RETURN_IF_SETUP_SKIPPED();
	/* the counters run for the programs' life (earlier tests' too): what this test adds */
	ASSERT_EQ(0, pdg_bpf_counters(self->b, c0));
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &o));
	EXPECT_EQ(0, as_user(HR_UID, HR_GID, do_open, &o));
	ASSERT_EQ(0, pdg_bpf_counters(self->b, c));
	EXPECT_GE(c[PDGUARD_BPF_CNT_DENY] - c0[PDGUARD_BPF_CNT_DENY], 1);
	EXPECT_GE(c[PDGUARD_BPF_CNT_ALLOW] - c0[PDGUARD_BPF_CNT_ALLOW], 1);
	EXPECT_GE(c[PDGUARD_BPF_CNT_TAINT] - c0[PDGUARD_BPF_CNT_TAINT], 1);
	EXPECT_EQ(0, c[PDGUARD_BPF_CNT_RB_DROP]);
}

/* ---- bypass checklist ----------------------------------------------------------------------- */

TEST_F_TIMEOUT(pdg, bypass_copy_tools, 120)
{
	static const char *const cmds[] = {
		"cp %s %s/cp.csv",
		"cat %s > %s/redir.csv",
		"dd if=%s of=%s/dd.csv",
		"mv %s %s/moved.csv",			/* across filesystems: copy + unlink */
		"tar cf %s/pd.tar %s",
		"/usr/bin/python3 -c 'import shutil,sys; shutil.copy(sys.argv[1], sys.argv[2])' %s "
		"%s/py.csv",
		"sh -c 'cat %s' > %s/sh-c.csv",
	};
	char copy[200];
	size_t i;

	RETURN_IF_SETUP_SKIPPED();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char cmd[512];
		int rc;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		if (strstr(cmds[i], "tar cf"))
			snprintf(cmd, sizeof(cmd), cmds[i], self->usb, self->pd);
		else
			snprintf(cmd, sizeof(cmd), cmds[i], self->pd, self->usb);
#pragma GCC diagnostic pop
		rc = sh_as(HR_UID, HR_GID, "%s", cmd);
		EXPECT_NE(0, rc) TH_LOG("not refused: %s", cmd);
	}
	/* nothing on the stick carries the PD */
	for (i = 0; i < 7; i++) {
		static const char *const names[] = { "cp.csv", "redir.csv", "dd.csv", "moved.csv",
						     "pd.tar", "py.csv", "sh-c.csv" };

		snprintf(copy, sizeof(copy), "%s/%s", self->usb, names[i]);
		EXPECT_FALSE(has_marker(copy)) TH_LOG("PD reached %s", copy);
	}
	EXPECT_EQ(0, access(self->pd, F_OK));	/* mv did not delete the source */
}

TEST_F_TIMEOUT(pdg, bypass_kernel_copies, 120)
{
	char dst[200];
	struct op o = { self->pd, dst, 0 };
	int i;

	RETURN_IF_SETUP_SKIPPED();
	for (i = 0; i < 3; i++) {
		snprintf(dst, sizeof(dst), "%s/kcopy%d", self->usb, i);
		o.a = self->pd;
		/* copy_file_range across filesystems is EXDEV on 6.1: within one, to the cloud */
		if (i == 1) {
			snprintf(dst, sizeof(dst), "%s/kcopy%d", self->cloud, i);
			o.a = self->local_pd;
		}
		o.flags = i;
		EXPECT_EQ(-EPERM, as_user(HR_UID, HR_GID, kernel_copy, &o))
			TH_LOG("%s got through", i == 0 ? "sendfile" : i == 1 ? "copy_file_range" :
								"splice");
		EXPECT_FALSE(has_marker(dst));
	}
}

TEST_F_TIMEOUT(pdg, bypass_opath_reopen_and_handle, 120)
{
	struct op o = { self->pd, NULL, 0 };

	RETURN_IF_SETUP_SKIPPED();
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, opath_reopen, &o));
	/* open_by_handle_at needs CAP_DAC_READ_SEARCH: root, who has no role here */
	o.b = self->data;
	EXPECT_EQ(-EPERM, as_user(0, 0, by_handle, &o));
}

TEST_F_TIMEOUT(pdg, bypass_fd_over_unix_socket, 120)
{
	int sv[2], status, fd = -1;
	pid_t tx, rx;

	RETURN_IF_SETUP_SKIPPED();
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	tx = fork();
	ASSERT_GE(tx, 0);
	if (tx == 0) {
		char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, c = 'x';
		struct iovec iov = { &c, 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

		become(HR_UID, HR_GID);
		fd = open(self->pd, O_RDONLY);
		if (fd < 0)
			_exit(1);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
		_exit(sendmsg(sv[0], &m, 0) == 1 ? 0 : 2);
	}
	rx = fork();
	ASSERT_GE(rx, 0);
	if (rx == 0) {
		char cbuf[CMSG_SPACE(sizeof(int))], c, buf[256];
		struct iovec iov = { &c, 1 };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf) };

		become(IT_UID, IT_GID);
		if (recvmsg(sv[1], &m, 0) != 1 || !CMSG_FIRSTHDR(&m))
			_exit(3);
		memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
		_exit(read(fd, buf, sizeof(buf)) < 0 && errno == EPERM ? 0 : 4);
	}
	waitpid(tx, &status, 0);
	EXPECT_EQ(0, WEXITSTATUS(status));
	waitpid(rx, &status, 0);
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("the receiver read PD its role may not read");
	EXPECT_TRUE(saw(self, "read", "deny", "personnel.csv"));
}

TEST_F_TIMEOUT(pdg, bypass_bind_mount_alias, 120)
{
	RETURN_IF_SETUP_SKIPPED();
	ASSERT_EQ(0, mkdir(self->alias, 0777));
	ASSERT_EQ(0, mount(self->usb, self->alias, NULL, MS_BIND, NULL));
	EXPECT_NE(0, sh_as(HR_UID, HR_GID, "cp %s %s/via-alias.csv", self->pd, self->alias));
	EXPECT_FALSE(has_marker(strcat(strcpy((char[256]){ 0 }, self->usb), "/via-alias.csv")));
}

TEST_F_TIMEOUT(pdg, bypass_deep_path_in_cloud_folder, 120)
{
	char deep[4096], dst[4200];
	struct op o = { self->pd, dst, 0 };
	int i, n;

	RETURN_IF_SETUP_SKIPPED();
	n = snprintf(deep, sizeof(deep), "%s", self->cloud);
	for (i = 0; i < PDGUARD_BPF_WALK_DEPTH + 8; i++)
		n += snprintf(deep + n, sizeof(deep) - n, "/d%d", i);
	ASSERT_EQ(0, sh_as(0, 0, "mkdir -p %s && chmod -R 777 %s", deep, self->cloud));
	snprintf(dst, sizeof(dst), "%s/deep.csv", deep);
	EXPECT_EQ(-EPERM, as_user(HR_UID, HR_GID, read_then_create, &o));
}

TEST_F_TIMEOUT(pdg, bypass_io_uring, 120)
{
	char dst[200];
	struct op o = { self->pd, dst, 0 };
	int ret;

	RETURN_IF_SETUP_SKIPPED();
	snprintf(dst, sizeof(dst), "%s/uring-write.csv", self->usb);
	ret = as_user(HR_UID, HR_GID, uring_copy, &o);
	if (ret == -ENOSYS)
		SKIP(return, "io_uring is not available");
	EXPECT_EQ(-EPERM, ret);
	EXPECT_FALSE(has_marker(dst));
	snprintf(dst, sizeof(dst), "%s/uring-open.csv", self->usb);
	o.flags = 1;
	EXPECT_EQ(-EPERM, as_user(HR_UID, HR_GID, uring_copy, &o));
	EXPECT_NE(0, access(dst, F_OK));
}

/* ---- pinning: enforcement survives the agent, a restart resumes, unpin ends it ----------- */

TEST_F_TIMEOUT(pdg, pins_survive_and_resume, 120)
{
	struct pdg_bpf_opts o = { .mode = PDGUARD_MODE_ENFORCE };
	struct op op = { self->pd, NULL, O_RDONLY };
	struct pdg_bpf_error err;
	struct pdg_bpf *b = NULL;
	char pins[96];
	uint32_t cats = 0;

	RETURN_IF_SETUP_SKIPPED();
	/* the shared programs with no policy decide nothing: this test's own programs, pinned in
	 * its own directory, do */
	ASSERT_EQ(0, pdg_bpf_reset(self->b, &(struct pdg_bpf_opts){ .mode = PDGUARD_MODE_ENFORCE },
				   &err)) TH_LOG("%s", err.msg);
	self->b = NULL;
	snprintf(pins, sizeof(pins), "/sys/fs/bpf/pdguard-test-%d", getpid());
	o.pin_dir = pins;
	o.agent_tgid = getpid();
	ASSERT_EQ(0, pdg_bpf_start(&b, &o, &err)) TH_LOG("%s", err.msg);
	EXPECT_FALSE(pdg_bpf_resumed(b));
	ASSERT_EQ(0, pdg_bpf_label_set(b, self->pd, PDGUARD_CAT_PERSONNEL));
	pdg_bpf_stop(b);
	b = NULL;
	/* no agent: still enforced */
	EXPECT_EQ(-EPERM, as_user(IT_UID, IT_GID, do_open, &op));
	/* a new agent resumes the maps: the label is still there */
	ASSERT_EQ(0, pdg_bpf_start(&b, &o, &err)) TH_LOG("%s", err.msg);
	EXPECT_TRUE(pdg_bpf_resumed(b));
	EXPECT_EQ(self->driver, pdg_bpf_driver(b));
	ASSERT_EQ(0, pdg_bpf_label_get(b, self->pd, &cats, NULL));
	EXPECT_EQ(PDGUARD_CAT_PERSONNEL, cats);
	/* explicit detach */
	EXPECT_EQ(0, pdg_bpf_unpin(pins));
	pdg_bpf_stop(b);
	/*
	 * 6.12 releases an unpinned link from a workqueue (6.1 at once): the programs may still
	 * be attached for a moment. Enforcement must end, not at an exact instant: up to 10 s.
	 */
	for (int i = 0; i < 200 && as_user(IT_UID, IT_GID, do_open, &op); i++)
		usleep(50 * 1000);
	EXPECT_EQ(0, as_user(IT_UID, IT_GID, do_open, &op));
	EXPECT_NE(0, access(pins, F_OK));
	/* teardown expects a handle */
	self->b = NULL;
}

/* ---- a stick with a real filesystem on a block device (loop), and its raw device ----------- */

FIXTURE(stick) {
	char dir[64], img[128], mnt[128], dev[64], pd[160];
	bool mounted, attached;
	struct pdg_bpf *b;
};

FIXTURE_VARIANT(stick) {
	const char *mkfs;
	bool real;	/* the VM's emulated USB stick (scripts/vm-run --usb IMG) */
};

FIXTURE_VARIANT_ADD(stick, usb_vfat) {
	.mkfs = "mkfs.vfat",
	.real = true,
};

FIXTURE_VARIANT_ADD(stick, vfat) {
	.mkfs = "mkfs.vfat",
};

FIXTURE_VARIANT_ADD(stick, ext4) {
	.mkfs = "mkfs.ext4 -q -E nodiscard,lazy_itable_init=0",
};

FIXTURE_SETUP(stick)
{
	static const struct pdg_bpf_role roles[] = {
		{ .id = HR_UID, .read_cats = PDGUARD_CAT_PERSONNEL },
		{ .id = 0, .read_cats = PDGUARD_CAT_PERSONNEL },	/* for the raw-device case */
	};
	struct pdg_bpf_zone zones[2];
	struct pdg_bpf_label label;
	struct pdg_bpf_opts o = {};
	struct pdg_bpf_error err;
	char cmd[512];
	FILE *f;

	if (geteuid() != 0)
		SKIP(return, "needs root");
	if (shared_probe_ret)
		SKIP(return, "no BPF driver on this kernel (%s)", shared_probe.hint);
	/* the previous test's policy goes first (see the pdg fixture) */
	ASSERT_EQ(0, start(&self->b, &(struct pdg_bpf_opts){ .mode = PDGUARD_MODE_ENFORCE,
							 .agent_tgid = getpid() }, &err))
		TH_LOG("%s\n%s", err.msg, shared_log);
	strcpy(self->dir, "/tmp/pdg-stick-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	chmod(self->dir, 0755);
	snprintf(self->img, sizeof(self->img), "%s/stick.img", self->dir);
	snprintf(self->mnt, sizeof(self->mnt), "%s/media", self->dir);
	snprintf(self->pd, sizeof(self->pd), "%s/personnel.csv", self->dir);
	ASSERT_EQ(0, write_file(self->pd, MARKER "\n", 0644));
	if (variant->real) {
		/* a removable disk on the USB bus, as the guest runner's --usb attaches it */
		f = popen("for d in /sys/block/sd*; do [ \"$(cat $d/removable 2>/dev/null)\" = 1 ] && "
			  "readlink -f $d | grep -q /usb && echo /dev/${d##*/} && break; done", "r");
		ASSERT_NE(NULL, f);
		if (!fgets(self->dev, sizeof(self->dev), f)) {
			pclose(f);
			SKIP(return, "no emulated USB stick (scripts/vm-run --usb IMG attaches one)");
		}
		pclose(f);
		self->dev[strcspn(self->dev, "\n")] = '\0';
	} else {
		snprintf(cmd, sizeof(cmd), "truncate -s 32M %s && losetup -f --show %s",
			 self->img, self->img);
		f = popen(cmd, "r");
		ASSERT_NE(NULL, f);
		if (!fgets(self->dev, sizeof(self->dev), f)) {
			pclose(f);
			SKIP(return, "no loop device (losetup failed)");
		}
		pclose(f);
		self->dev[strcspn(self->dev, "\n")] = '\0';
		self->attached = true;
	}
	snprintf(cmd, sizeof(cmd), "%s %s >/dev/null 2>&1", variant->mkfs, self->dev);
	ASSERT_EQ(0, system(cmd));
	ASSERT_EQ(0, mkdir(self->mnt, 0777));
	snprintf(cmd, sizeof(cmd), "mount %s %s %s && chmod 777 %s", self->dev,
		 strstr(variant->mkfs, "vfat") ? "-o umask=0" : "", self->mnt, self->mnt);
	ASSERT_EQ(0, system(cmd));
	self->mounted = true;

	zones[0] = (struct pdg_bpf_zone){ PDGUARD_ZONE_USB, self->mnt };
	zones[1] = (struct pdg_bpf_zone){ PDGUARD_ZONE_USB, self->dev };
	label = (struct pdg_bpf_label){ self->pd, PDGUARD_CAT_PERSONNEL };
	o.mode = PDGUARD_MODE_ENFORCE;
	o.agent_tgid = getpid();
	o.roles = roles;
	o.n_roles = 2;
	o.zones = zones;
	o.n_zones = 2;
	o.labels = &label;
	o.n_labels = 1;
	ASSERT_EQ(0, start(&self->b, &o, &err)) TH_LOG("%s\n%s", err.msg, shared_log);
}

FIXTURE_TEARDOWN(stick)
{
	char cmd[256];

	if (self->mounted)
		umount2(self->mnt, MNT_DETACH);
	if (self->attached) {
		snprintf(cmd, sizeof(cmd), "losetup -d %s", self->dev);
		if (system(cmd))
			TH_LOG("cleanup failed: %s", cmd);
	}
	if (self->dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
		if (system(cmd))
			TH_LOG("cleanup failed: %s", cmd);
	}
}

TEST_F_TIMEOUT(stick, copy_refused_plain_copy_allowed, 120)
{
	char dst[200];

	RETURN_IF_SETUP_SKIPPED();
	EXPECT_NE(0, sh_as(HR_UID, HR_GID, "cp %s %s/", self->pd, self->mnt));
	snprintf(dst, sizeof(dst), "%s/personnel.csv", self->mnt);
	EXPECT_FALSE(has_marker(dst));
	EXPECT_EQ(0, sh_as(HR_UID, HR_GID, "echo hello > %s/hello.txt", self->mnt));
}

TEST_F_TIMEOUT(stick, raw_block_device_write_refused, 120)
{
	RETURN_IF_SETUP_SKIPPED();
	/* root (not the agent) reads PD, then writes the stick's device */
	EXPECT_NE(0, sh_as(0, 0, "read x < %s; dd if=%s of=%s bs=512 count=1 seek=4096 "
			   "conv=notrunc", self->pd, self->pd, self->dev));
	/* untainted, the same write goes through (the test owns the device) */
	EXPECT_EQ(0, sh_as(0, 0, "dd if=/dev/zero of=%s bs=512 count=1 seek=60000 conv=notrunc",
			   self->dev));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Tamper protection (bpf/lib/guard.bpf.h): with the guard armed, a root process that is not the
 * agent cannot open, change, detach or unpin pdguard's maps, programs and links, unmount their
 * bpffs, trace the agent or take its descriptors, and each attempt is an event. The test
 * program is the agent (the guard is armed for its own executable); the attacker is
 * tests/bpf/guard_helper or a system tool (rm, mv, umount), running as root.
 *
 * Everything is private: a bpffs mounted under a private /tmp directory holds the pins, no
 * policy is pushed (no file anywhere is affected), and at exit the harness's process unpins (as
 * the agent) and unmounts, so nothing stays attached.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "pdg_test.h"
#include "drivers/bpf/loader.h"

struct seen {
	char op[16];
	char decision[16];
	char path[300];
	char reason[160];
};

struct evbuf {
	struct seen e[64];
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
	/* a full path where the hook had one, else the kernel's name of the pin */
	snprintf(s->path, sizeof(s->path), "%s",
		 ev->path ? ev->path : ev->file_name ? ev->file_name : "");
	snprintf(s->reason, sizeof(s->reason), "%s", ev->reason ? ev->reason : "");
	return 0;
}

FIXTURE(guard) {
	char dir[64], fs[96], pins[128], helper[PATH_MAX];
	char config_pin[200], link_pin[200];
	struct pdg_bpf *b;
	struct evbuf ev;
	__u32 map_id, prog_id, link_id;
};

static int helper(FIXTURE_DATA(guard) *self, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Run the helper with @fmt's arguments (as root, not the agent): its exit status. */
static int helper(FIXTURE_DATA(guard) *self, const char *fmt, ...)
{
	char cmd[PATH_MAX + 512];
	va_list ap;
	int n;

	n = snprintf(cmd, sizeof(cmd), "%s ", self->helper);
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	va_end(ap);
	return pdg_system(cmd);
}

/* A tamper event with this op whose path contains @name (NULL: any). */
static bool saw(FIXTURE_DATA(guard) *self, const char *op, const char *name)
{
	int i;

	pdg_bpf_poll(self->b, 0, collect, &self->ev);
	for (i = 0; i < self->ev.n; i++) {
		struct seen *s = &self->ev.e[i];

		if (!strcmp(s->op, op) && !strcmp(s->decision, "deny") &&
		    strstr(s->reason, "only the pdguard agent") && (!name || strstr(s->path, name)))
			return true;
	}
	return false;
}

static __u32 pin_info_id(const char *pin, bool link, __u32 *prog_id)
{
	struct bpf_link_info li = {};
	struct bpf_map_info mi = {};
	__u32 len, id = 0;
	int fd = bpf_obj_get(pin);

	if (fd < 0)
		return 0;
	if (link) {
		len = sizeof(li);
		if (!bpf_obj_get_info_by_fd(fd, &li, &len)) {
			id = li.id;
			*prog_id = li.prog_id;
		}
	} else {
		len = sizeof(mi);
		if (!bpf_obj_get_info_by_fd(fd, &mi, &len))
			id = mi.id;
	}
	close(fd);
	return id;
}

/*
 * The guarded programs are loaded once, by the harness's own process before it forks the tests
 * (one guarded load is ~25 s of verifier under TCG on 6.12), pinned in a bpffs of its own under
 * a private /tmp directory. Every test only tries what the guard refuses, so none changes what
 * the next one sees; the harness's process unpins and unmounts at exit.
 */
static struct {
	pid_t pid;
	char dir[64], fs[96], pins[128];
	bool mounted;
	struct pdg_bpf *b;
	int ret;
	struct pdg_bpf_error err;
	char log[4096];
} G = { .ret = -ENOENT };

__attribute__((constructor)) static void shared_load(void)
{
	struct pdg_bpf_opts o = { .mode = PDGUARD_MODE_ENFORCE, .guard = true };

	if (geteuid() != 0)
		return;
	G.pid = getpid();
	snprintf(G.dir, sizeof(G.dir), "/tmp/pdg-guard-XXXXXX");
	if (!mkdtemp(G.dir)) {
		G.ret = -errno;
		snprintf(G.err.msg, sizeof(G.err.msg), "mkdtemp: %s", strerror(errno));
		G.dir[0] = '\0';
		return;
	}
	snprintf(G.fs, sizeof(G.fs), "%s/bpf", G.dir);
	if (mkdir(G.fs, 0700) || mount("bpf", G.fs, "bpf", 0, "mode=0700")) {
		G.ret = -errno;
		snprintf(G.err.msg, sizeof(G.err.msg), "bpffs at %s: %s", G.fs, strerror(errno));
		return;
	}
	G.mounted = true;
	snprintf(G.pins, sizeof(G.pins), "%s/pdguard", G.fs);
	o.pin_dir = G.pins;
	o.agent_tgid = getpid();
	G.ret = pdg_bpf_start(&G.b, &o, &G.err);
	snprintf(G.log, sizeof(G.log), "%s", pdg_bpf_last_log());
}

__attribute__((destructor)) static void shared_unload(void)
{
	char cmd[200];

	/* the harness's process only (test processes end with _exit, but be sure) */
	if (!G.pid || getpid() != G.pid)
		return;
	pdg_bpf_stop(G.b);
	/* as the agent: allowed; then the bpffs goes, and with it whatever is left */
	if (G.ret == 0 && pdg_bpf_unpin(G.pins))
		fprintf(stderr, "# unpin %s: %s\n", G.pins, strerror(errno));
	if (G.mounted && umount2(G.fs, 0))
		fprintf(stderr, "# umount %s: %s\n", G.fs, strerror(errno));
	if (G.dir[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", G.dir);
		if (system(cmd))
			fprintf(stderr, "# cleanup failed: %s\n", cmd);
	}
}

FIXTURE_SETUP(guard)
{
	const char *link;

	if (geteuid() != 0)
		SKIP(return, "needs root (make test runs this in the VM)");
	ASSERT_EQ(0, pdg_build_path(self->helper, sizeof(self->helper),
				    "tests/bpf/guard_helper"));
	ASSERT_EQ(0, access(self->helper, X_OK)) TH_LOG("build the helpers: make tests");
	if (G.ret == -EPERM || G.ret == -EOPNOTSUPP)
		SKIP(return, "no BPF driver here: %s", G.err.msg);
	ASSERT_EQ(0, G.ret) TH_LOG("%s (%s)", G.err.msg, G.log);
	self->b = G.b;
	snprintf(self->dir, sizeof(self->dir), "%s", G.dir);
	snprintf(self->fs, sizeof(self->fs), "%s", G.fs);
	snprintf(self->pins, sizeof(self->pins), "%s", G.pins);
	ASSERT_TRUE(pdg_bpf_guarded(self->b));
	link = pdg_bpf_driver(self->b) == PDGUARD_DRIVER_BPF_LSM ? "link_pdguard_lsm_bpf" :
								   "link_pdguard_fmr_bpf";
	snprintf(self->config_pin, sizeof(self->config_pin), "%s/pdguard_config", self->pins);
	snprintf(self->link_pin, sizeof(self->link_pin), "%s/%s", self->pins, link);
	/* the agent (this program) keeps every access */
	self->map_id = pin_info_id(self->config_pin, false, NULL);
	self->link_id = pin_info_id(self->link_pin, true, &self->prog_id);
	ASSERT_NE(0, self->map_id);
	ASSERT_NE(0, self->link_id);
	ASSERT_NE(0, self->prog_id);
	/* what earlier tests caused is theirs */
	self->ev.n = 0;
	pdg_bpf_poll(self->b, 0, collect, &self->ev);
	self->ev.n = 0;
}

FIXTURE_TEARDOWN(guard)
{
	/* the shared programs stay for the next test; the harness's process removes them */
	self->b = NULL;
}

/* 120 s a test: the system tools they run (rm, mv, umount) start slowly under TCG. */
TEST_F_TIMEOUT(guard, agent_keeps_access, 120)
{
	struct pdguard_bpf_config c;

	RETURN_IF_SETUP_SKIPPED();
	ASSERT_EQ(0, pdg_bpf_config_get(self->b, &c));
	EXPECT_EQ(0, pdg_bpf_mode_set(self->b, PDGUARD_MODE_AUDIT));
	EXPECT_EQ(0, pdg_bpf_mode_set(self->b, PDGUARD_MODE_ENFORCE));
	EXPECT_FALSE(saw(self, "bpf", NULL));
}

TEST_F_TIMEOUT(guard, open_pinned_map_refused, 120)
{
	RETURN_IF_SETUP_SKIPPED();
	EXPECT_EQ(EPERM, helper(self, "objget %s", self->config_pin));
	EXPECT_TRUE(saw(self, "bpf", "pdguard_config"));
}

TEST_F_TIMEOUT(guard, open_by_id_refused, 120)
{
	RETURN_IF_SETUP_SKIPPED();
	EXPECT_EQ(EPERM, helper(self, "mapid %u", self->map_id));
	EXPECT_EQ(EPERM, helper(self, "progid %u", self->prog_id));
	EXPECT_EQ(EPERM, helper(self, "linkid %u", self->link_id));
	EXPECT_TRUE(saw(self, "bpf", NULL));
}

/* The guard's own maps are frozen: not even the agent can rewrite them. */
TEST_F_TIMEOUT(guard, guard_maps_frozen, 120)
{
	char pin[200];
	__u32 k = 0;
	char v[32] = { 0 };
	int fd;

	RETURN_IF_SETUP_SKIPPED();
	snprintf(pin, sizeof(pin), "%s/pdguard_guard", self->pins);
	fd = bpf_obj_get(pin);
	ASSERT_LE(0, fd);
	EXPECT_NE(0, bpf_map_update_elem(fd, &k, v, BPF_ANY));
	EXPECT_EQ(EPERM, errno);
	close(fd);
}

/* A descriptor that leaked to another program (inherited here) still cannot write. */
TEST_F_TIMEOUT(guard, update_through_leaked_fd_refused, 120)
{
	char arg[16];
	int fd, status;
	pid_t pid;

	RETURN_IF_SETUP_SKIPPED();
	fd = bpf_obj_get(self->config_pin);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		fcntl(fd, F_SETFD, 0);
		snprintf(arg, sizeof(arg), "%d", fd);
		execl(self->helper, "guard_helper", "update", arg, (char *)NULL);
		_exit(201);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(fd);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(EPERM, WEXITSTATUS(status));
	EXPECT_TRUE(saw(self, "bpf", NULL));
}

TEST_F_TIMEOUT(guard, link_detach_refused, 120)
{
	RETURN_IF_SETUP_SKIPPED();
	/* opening a link's pin gives nothing that could stop it: detach is refused */
	EXPECT_EQ(EPERM, helper(self, "linkdetach %s", self->link_pin));
	EXPECT_TRUE(saw(self, "bpf", NULL));
}

TEST_F_TIMEOUT(guard, unpin_refused, 120)
{
	char moved[200];

	RETURN_IF_SETUP_SKIPPED();
	snprintf(moved, sizeof(moved), "%s/moved", self->fs);
	EXPECT_NE(0, pdg_system_f("rm -f %s 2>/dev/null", self->link_pin));
	EXPECT_EQ(0, access(self->link_pin, F_OK));
	EXPECT_TRUE(saw(self, "unpin", "link_pdguard_"));
	EXPECT_NE(0, pdg_system_f("mv %s %s 2>/dev/null", self->config_pin, moved));
	EXPECT_EQ(0, access(self->config_pin, F_OK));
	EXPECT_NE(0, pdg_system_f("mv %s %s 2>/dev/null", self->pins, moved));
	EXPECT_NE(0, pdg_system_f("rm -rf %s 2>/dev/null", self->pins));
	EXPECT_EQ(0, access(self->config_pin, F_OK));
	EXPECT_TRUE(saw(self, "unpin", "pdguard_config"));
}

TEST_F_TIMEOUT(guard, umount_refused, 120)
{
	RETURN_IF_SETUP_SKIPPED();
	EXPECT_NE(0, pdg_system_f("umount %s 2>/dev/null", self->fs));
	EXPECT_NE(0, pdg_system_f("umount -l %s 2>/dev/null", self->fs));
	EXPECT_EQ(0, access(self->config_pin, F_OK));
	EXPECT_TRUE(saw(self, "umount", NULL));
}

TEST_F_TIMEOUT(guard, agent_not_traced, 120)
{
	RETURN_IF_SETUP_SKIPPED();
	EXPECT_EQ(EPERM, helper(self, "ptrace %d", (int)getpid()));
	EXPECT_TRUE(saw(self, "ptrace", NULL));
	/* nor its descriptors taken */
	int fd = bpf_obj_get(self->config_pin);

	ASSERT_LE(0, fd);
	EXPECT_EQ(EPERM, helper(self, "getfd %d %d", (int)getpid(), fd));
	close(fd);
	EXPECT_NE(0, pdg_system_f("readlink /proc/%d/fd/0 >/dev/null 2>&1", (int)getpid()));
	EXPECT_NE(0, pdg_system_f("cat /proc/%d/environ >/dev/null 2>&1", (int)getpid()));
}

TEST_F_TIMEOUT(guard, exe_cannot_be_forged, 120)
{
	char exe[PATH_MAX];
	ssize_t n;

	RETURN_IF_SETUP_SKIPPED();
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, n);
	exe[n] = '\0';
	/* PR_SET_MM_EXE_FILE would make the helper look like the agent's executable */
	EXPECT_EQ(EPERM, helper(self, "prctl %s", exe));
	EXPECT_TRUE(saw(self, "prctl", NULL));
}

TEST_HARNESS_MAIN

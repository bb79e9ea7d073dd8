// SPDX-License-Identifier: GPL-2.0
/*
 * pdguard.ko and its netlink control channel, tested through the agent's libnl client.
 *
 * Needs root and a kernel that loads modules: `make test` runs it inside the Debian 6.1 VM
 * (scripts/vm-run). Elsewhere every test is skipped with the reason. The guest boots with
 * oops=panic, so a kernel oops in the module fails the whole VM run, not just a test.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pdg_test.h"
#include "drivers/kmod/netlink.h"

/*
 * Path of the module built for the running kernel, found from the test binary
 * (build/tests/kmod/kmod_test): build/kmod/<release>/pdguard.ko (make kmod builds one per
 * kernel), else build/pdguard.ko.
 */
static int ko_path(char *buf, size_t len)
{
	const char *env = getenv("PDGUARD_KO");
	char exe[PATH_MAX - 128];
	struct utsname u;
	ssize_t n;
	char *s;

	if (env) {
		snprintf(buf, len, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return -errno;
	exe[n] = '\0';
	s = strstr(exe, "/tests/kmod/");
	if (!s)
		return -ENOENT;
	*s = '\0';
	if (!uname(&u)) {
		snprintf(buf, len, "%s/kmod/%s/pdguard.ko", exe, u.release);
		if (!access(buf, R_OK))
			return 0;
	}
	snprintf(buf, len, "%s/pdguard.ko", exe);
	return 0;
}

static int module_loaded(void)
{
	return access("/sys/module/pdguard", F_OK) == 0;
}

static int kmod_load(void)
{
	char path[PATH_MAX];
	int fd, ret;

	ret = ko_path(path, sizeof(path));
	if (ret)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static int kmod_unload(void)
{
	return syscall(SYS_delete_module, "pdguard", O_NONBLOCK) ? -errno : 0;
}

/* Why this environment cannot run these tests, or NULL when it can. */
static const char *cannot_run(void)
{
	char path[PATH_MAX];

	if (geteuid() != 0)
		return "needs root";
	if (access("/proc/modules", F_OK))
		return "this kernel cannot load modules (run through make test: it uses the VM)";
	if (ko_path(path, sizeof(path)) || access(path, R_OK))
		return "build/pdguard.ko is missing (make kmod)";
	return NULL;
}

FIXTURE(kmod) {
	struct netlink_conn *c;
};

FIXTURE_SETUP(kmod)
{
	const char *why = cannot_run();

	self->c = NULL;
	if (why)
		SKIP(return, "%s", why);
	if (module_loaded())
		ASSERT_EQ(0, kmod_unload());
	ASSERT_EQ(0, kmod_load());
	ASSERT_EQ(0, netlink_open(&self->c));
}

FIXTURE_TEARDOWN(kmod)
{
	netlink_close(self->c);
	if (module_loaded())
		EXPECT_EQ(0, kmod_unload());
}

TEST(guest_lsm_list_has_bpf)
{
	char buf[512] = "";
	FILE *f = fopen("/sys/kernel/security/lsm", "re");

	if (!f)
		SKIP(return, "securityfs not mounted at /sys/kernel/security");
	ASSERT_NE(NULL, fgets(buf, sizeof(buf), f));
	fclose(f);
	TH_LOG("lsm: %s", buf);
	ASSERT_NE(NULL, strstr(buf, "bpf"));
}

TEST_F(kmod, status_after_load)
{
	struct kmod_status st;

	RETURN_IF_SETUP_SKIPPED();
	ASSERT_EQ(0, netlink_get_status(self->c, &st));
	EXPECT_EQ(PDGUARD_ABI_MAJOR, st.abi_major);
	EXPECT_EQ(PDGUARD_ABI_MINOR, st.abi_minor);
	EXPECT_EQ(PDGUARD_MODE_AUDIT, st.mode);
	EXPECT_FALSE(st.have_heartbeat);
	EXPECT_EQ(0, st.agent_pid);
	/* this request itself is counted */
	EXPECT_EQ(1, st.cnt[PDGUARD_CNT_STATUS_REQUESTS]);
}

TEST_F(kmod, mode_round_trip)
{
	struct kmod_status st;

	RETURN_IF_SETUP_SKIPPED();
	ASSERT_EQ(0, netlink_set_mode(self->c, PDGUARD_MODE_ENFORCE, &st, NULL));
	EXPECT_EQ(PDGUARD_MODE_ENFORCE, st.mode);
	ASSERT_EQ(0, netlink_get_status(self->c, &st));
	EXPECT_EQ(PDGUARD_MODE_ENFORCE, st.mode);
	EXPECT_EQ(1, st.cnt[PDGUARD_CNT_MODE_CHANGES]);
	/* setting the same mode again is not a change */
	ASSERT_EQ(0, netlink_set_mode(self->c, PDGUARD_MODE_ENFORCE, &st, NULL));
	EXPECT_EQ(1, st.cnt[PDGUARD_CNT_MODE_CHANGES]);
	ASSERT_EQ(0, netlink_set_mode(self->c, PDGUARD_MODE_AUDIT, &st, NULL));
	EXPECT_EQ(PDGUARD_MODE_AUDIT, st.mode);
	EXPECT_EQ(2, st.cnt[PDGUARD_CNT_MODE_CHANGES]);
}

TEST_F(kmod, mode_change_is_multicast)
{
	struct netlink_conn *listener = NULL;
	struct kmod_status ev;

	RETURN_IF_SETUP_SKIPPED();
	ASSERT_EQ(0, netlink_open(&listener));
	ASSERT_EQ(0, netlink_subscribe_events(listener));
	ASSERT_EQ(0, netlink_set_mode(self->c, PDGUARD_MODE_ENFORCE, NULL, NULL));
	ASSERT_EQ(0, netlink_recv_event(listener, 5000, &ev));
	EXPECT_EQ(PDGUARD_MODE_ENFORCE, ev.mode);
	netlink_close(listener);
}

TEST_F(kmod, heartbeat_is_reported)
{
	struct kmod_status st;

	RETURN_IF_SETUP_SKIPPED();
	ASSERT_EQ(0, netlink_heartbeat(self->c, getpid(), 42));
	ASSERT_EQ(0, netlink_get_status(self->c, &st));
	EXPECT_TRUE(st.have_heartbeat);
	EXPECT_EQ((uint32_t)getpid(), st.agent_pid);
	EXPECT_EQ(42, st.policy_gen);
	EXPECT_LT(st.heartbeat_age_ms, 60000);
	EXPECT_EQ(1, st.cnt[PDGUARD_CNT_HEARTBEATS]);
}

/* The first heartbeat binds its socket: no other socket may then beat or set the mode. */
TEST_F(kmod, heartbeat_binds_the_agents_socket)
{
	char errmsg[NETLINK_ERRMSG_MAX] = "";
	struct netlink_conn *other = NULL;
	struct kmod_status st;

	RETURN_IF_SETUP_SKIPPED();
	ASSERT_EQ(0, netlink_open(&other));
	ASSERT_EQ(0, netlink_heartbeat(self->c, getpid(), 1));
	ASSERT_EQ(0, netlink_get_status(other, &st));
	EXPECT_EQ((uint32_t)getpid(), st.agent_pid);

	EXPECT_EQ(-EBUSY, netlink_heartbeat(other, getpid(), 2));
	EXPECT_EQ(-EPERM, netlink_set_mode(other, PDGUARD_MODE_ENFORCE, NULL, errmsg));
	EXPECT_STREQ("the agent holds the mode: change it through the agent", errmsg);
	ASSERT_EQ(0, netlink_get_status(other, &st));
	EXPECT_EQ(PDGUARD_MODE_AUDIT, st.mode);
	EXPECT_EQ(1, st.policy_gen);
	EXPECT_EQ(2, st.cnt[PDGUARD_CNT_NOT_AGENT]);

	/* the agent's own socket may */
	ASSERT_EQ(0, netlink_set_mode(self->c, PDGUARD_MODE_ENFORCE, &st, NULL));
	EXPECT_EQ(PDGUARD_MODE_ENFORCE, st.mode);

	/* the agent's socket closes (it stopped): another may bind */
	netlink_close(self->c);
	self->c = NULL;
	EXPECT_EQ(0, netlink_heartbeat(other, getpid(), 3));
	EXPECT_EQ(0, netlink_set_mode(other, PDGUARD_MODE_AUDIT, &st, NULL));
	EXPECT_EQ(3, st.policy_gen);
	netlink_close(other);
	ASSERT_EQ(0, netlink_open(&self->c));
}

/* A heartbeat speaks for its sender only. */
TEST_F(kmod, heartbeat_pid_is_the_senders)
{
	char errmsg[NETLINK_ERRMSG_MAX] = "";
	uint32_t pid = getpid() + 1;
	struct kmod_status st;

	RETURN_IF_SETUP_SKIPPED();
	EXPECT_EQ(-EPERM, netlink_send_raw(self->c, PDGUARD_CMD_HEARTBEAT, PDGUARD_GENL_VERSION,
					   (uint8_t[]){ 8, 0, PDGUARD_ATTR_AGENT_PID, 0,
							pid & 0xff, (pid >> 8) & 0xff,
							(pid >> 16) & 0xff, pid >> 24 }, 8, errmsg));
	EXPECT_STREQ("HEARTBEAT must carry its sender's own pid", errmsg);
	ASSERT_EQ(0, netlink_get_status(self->c, &st));
	EXPECT_FALSE(st.have_heartbeat);
	EXPECT_EQ(1, st.cnt[PDGUARD_CNT_NOT_AGENT]);
}

/* Run @fn as nobody (uid/gid 65534, no capabilities) in a child; return its exit code. */
static int as_nobody(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(100);
		_exit(fn());
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Exit codes: 0 as expected, 1..9 which step went wrong. */
static int unprivileged_client(void)
{
	struct netlink_conn *c;
	struct kmod_status st;

	if (netlink_open(&c))
		return 1;
	if (netlink_get_status(c, &st))		/* reading is open to everyone */
		return 2;
	if (netlink_set_mode(c, PDGUARD_MODE_ENFORCE, &st, NULL) != -EPERM)
		return 3;
	if (netlink_heartbeat(c, getpid(), 1) != -EPERM)
		return 4;
	netlink_close(c);
	return 0;
}

TEST_F(kmod, unprivileged_cannot_change_anything)
{
	struct kmod_status st;

	RETURN_IF_SETUP_SKIPPED();
	ASSERT_EQ(0, as_nobody(unprivileged_client));
	ASSERT_EQ(0, netlink_get_status(self->c, &st));
	EXPECT_EQ(PDGUARD_MODE_AUDIT, st.mode);
	EXPECT_FALSE(st.have_heartbeat);
}

/* Build one attribute into @buf; returns its aligned length. */
static size_t put_attr(void *buf, uint16_t type, const void *data, uint16_t len)
{
	struct nlattr *a = buf;

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)buf + NLA_HDRLEN, data, len);
	memset((char *)buf + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	return NLA_ALIGN(a->nla_len);
}

TEST_F(kmod, malformed_attributes_get_extack_messages)
{
	static const struct {
		const char *name;
		uint8_t cmd;
		uint16_t type;
		uint8_t data[8];
		uint16_t len;
		int err;
		const char *msg;
	} cases[] = {
		{ "mode out of range", PDGUARD_CMD_SET_MODE, PDGUARD_ATTR_MODE, { 7 }, 1, -ERANGE,
		  "integer out of range" },
		{ "mode too short", PDGUARD_CMD_SET_MODE, PDGUARD_ATTR_MODE, { 0 }, 0, -EINVAL,
		  "invalid attribute length" },
		{ "unknown attribute", PDGUARD_CMD_SET_MODE, 200, { 1 }, 1, -EINVAL,
		  "Unknown attribute type" },
		{ "attribute SET_MODE does not take", PDGUARD_CMD_SET_MODE,
		  PDGUARD_ATTR_ABI_MAJOR, { 1, 0, 0, 0 }, 4, -EINVAL, "Unsupported attribute" },
		{ "attribute on GET_STATUS", PDGUARD_CMD_GET_STATUS, PDGUARD_ATTR_MODE, { 1 }, 1,
		  -EINVAL, "Unknown attribute type" },
		{ "heartbeat pid 0", PDGUARD_CMD_HEARTBEAT, PDGUARD_ATTR_AGENT_PID, { 0 }, 4,
		  -ERANGE, "integer out of range" },
		{ "heartbeat pid too short", PDGUARD_CMD_HEARTBEAT, PDGUARD_ATTR_AGENT_PID,
		  { 1 }, 2, -EINVAL, "invalid attribute length" },
	};
	char errmsg[NETLINK_ERRMSG_MAX];
	uint8_t buf[64];
	struct kmod_status st;
	size_t i, n;

	RETURN_IF_SETUP_SKIPPED();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		n = put_attr(buf, cases[i].type, cases[i].data, cases[i].len);
		EXPECT_EQ(cases[i].err, netlink_send_raw(self->c, cases[i].cmd,
							 PDGUARD_GENL_VERSION, buf, n, errmsg)) {
			TH_LOG("case: %s", cases[i].name);
		}
		EXPECT_STREQ(cases[i].msg, errmsg) {
			TH_LOG("case: %s", cases[i].name);
		}
	}
	/* a command without its required attribute */
	EXPECT_EQ(-EINVAL, netlink_send_raw(self->c, PDGUARD_CMD_SET_MODE, PDGUARD_GENL_VERSION,
					    NULL, 0, errmsg));
	EXPECT_STREQ("SET_MODE needs PDGUARD_ATTR_MODE (0 audit, 1 enforce)", errmsg);
	EXPECT_EQ(-EINVAL, netlink_send_raw(self->c, PDGUARD_CMD_HEARTBEAT, PDGUARD_GENL_VERSION,
					    NULL, 0, errmsg));
	EXPECT_STREQ("HEARTBEAT needs PDGUARD_ATTR_AGENT_PID", errmsg);
	/* commands that do not exist */
	EXPECT_EQ(-EOPNOTSUPP, netlink_send_raw(self->c, PDGUARD_CMD_EVENT, PDGUARD_GENL_VERSION,
						NULL, 0, errmsg));
	EXPECT_EQ(-EOPNOTSUPP, netlink_send_raw(self->c, 250, PDGUARD_GENL_VERSION, NULL, 0,
						errmsg));
	/* nothing above changed the state */
	ASSERT_EQ(0, netlink_get_status(self->c, &st));
	EXPECT_EQ(PDGUARD_MODE_AUDIT, st.mode);
	EXPECT_FALSE(st.have_heartbeat);
}

/* A deterministic generator, so a failure can be replayed from the logged seed. */
static uint32_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

TEST_F_TIMEOUT(kmod, random_payloads_never_hurt, 300)
{
	const char *env = getenv("PDGUARD_FUZZ_ITERATIONS");
	int iterations = env ? atoi(env) : 3000;
	uint64_t seed = 0x9d9a5d0c1a2b3c4dULL;
	char errmsg[NETLINK_ERRMSG_MAX];
	uint8_t buf[512];
	struct kmod_status st;
	int i, accepted = 0;

	RETURN_IF_SETUP_SKIPPED();
	TH_LOG("seed %#llx, %d iterations", (unsigned long long)seed, iterations);
	for (i = 0; i < iterations; i++) {
		uint8_t cmd = rnd(&seed) % 6;
		size_t len = 0, want = rnd(&seed) % sizeof(buf);
		int ret;

		if (rnd(&seed) % 2) {
			/* raw junk, any length */
			for (len = 0; len < want; len++)
				buf[len] = rnd(&seed);
		} else {
			/* well-formed headers, hostile types and lengths */
			while (len + NLA_HDRLEN + 16 <= want) {
				uint8_t data[16];
				uint16_t dl = rnd(&seed) % sizeof(data), k;

				for (k = 0; k < dl; k++)
					data[k] = rnd(&seed);
				len += put_attr(buf + len, rnd(&seed) % 16, data, dl);
				if (rnd(&seed) % 8 == 0)	/* a lying length */
					((struct nlattr *)buf)->nla_len = rnd(&seed);
			}
		}
		ret = netlink_send_raw(self->c, cmd, rnd(&seed) % 3, buf, len, errmsg);
		ASSERT_TRUE(ret == 0 || ret == -EINVAL || ret == -EOPNOTSUPP || ret == -ERANGE ||
			    ret == -EMSGSIZE) {
			TH_LOG("iteration %d: cmd %u len %zu -> %d (%s)", i, cmd, len, ret,
			       errmsg);
		}
		accepted += ret == 0;
	}
	TH_LOG("%d of %d random requests were accepted", accepted, iterations);
	/* the module still answers, and its counters add up */
	ASSERT_EQ(0, netlink_get_status(self->c, &st));
	EXPECT_EQ(PDGUARD_ABI_MAJOR, st.abi_major);
}

TEST_F_TIMEOUT(kmod, load_unload_many_times, 300)
{
	const char *env = getenv("PDGUARD_LOAD_CYCLES");
	int cycles = env ? atoi(env) : 100;
	struct netlink_conn *c;
	struct kmod_status st;
	int i;

	RETURN_IF_SETUP_SKIPPED();
	/* the fixture loaded it once already */
	netlink_close(self->c);
	self->c = NULL;
	ASSERT_EQ(0, kmod_unload());
	for (i = 0; i < cycles; i++) {
		ASSERT_EQ(0, kmod_load()) TH_LOG("load #%d", i);
		ASSERT_EQ(0, netlink_open(&c));
		ASSERT_EQ(0, netlink_set_mode(c, i % 2, &st, NULL));
		ASSERT_EQ(0, netlink_heartbeat(c, getpid(), i));
		ASSERT_EQ(0, kmod_unload()) TH_LOG("unload #%d", i);
		/* the family is gone with the module, even for a socket opened before */
		ASSERT_NE(0, netlink_get_status(c, &st));
		netlink_close(c);
		ASSERT_EQ(-ENOENT, netlink_open(&c));
		ASSERT_FALSE(module_loaded());
	}
	TH_LOG("%d load/unload cycles", cycles);
}

TEST_HARNESS_MAIN

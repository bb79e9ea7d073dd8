// SPDX-License-Identifier: GPL-2.0
/*
 * The fail-closed keeper: with [agent] fail = closed, a second process that holds the permission
 * group open so that the agent's death (kill -9, a crash) does not close it. While the agent
 * lives the keeper only waits; once it is gone without a clean stop the keeper answers FAN_DENY
 * to every request of the dead agent's marks (zones, cloud folders, PD files: what pdguard
 * guards, nothing else) until a new agent has put up its own marks and stops it.
 *
 * Why exec and not a bare fork: a forked child is a copy of the agent's memory, and that holds
 * PD (extracted text, matches, paths). The keeper is the agent's own binary run again with the
 * hidden command `pdguard __keeper`, so it starts with nothing of the agent but four
 * descriptors, at fixed numbers:
 *   3  the permission group (the only way to answer its requests)
 *   4  a pidfd of the agent: readable once the agent's process has exited, whatever its thread
 *      that forked (PR_SET_PDEATHSIG would fire on that thread's exit, not the process's)
 *   5  the read end of a pipe: the agent writes 'q' on a clean stop, and the keeper exits
 *   6  STATE/fanotify.keeper, where it writes "PID DENIED" for the next agent to log
 * and stdin/stdout/stderr (the journal under systemd). The event log is hash-chained and
 * written by one agent at a time: the keeper writes to stderr only, and the next agent turns its
 * count into an `op:"keeper"` event.
 *
 * Requests the dead agent had read and not answered stay pending in the group, matched by the
 * descriptor number the agent was given; the keeper cannot know them, so it writes a FAN_DENY
 * for every number below its RLIMIT_NOFILE (the agent's, inherited): the kernel refuses the
 * numbers that match no pending request (ENOENT) and answers those that do (docs/fanotify.md,
 * "After kill -9").
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/fanotify/internal.h"

#define KEEPER_COMM	"pdguard-keeper"
#define KEEPER_SWEEP_MAX (1U << 20)	/* descriptor numbers tried for unanswered requests */
#define KEEPER_STOP_MS	2000

enum { K_PERM = 3, K_AGENT, K_QUIT, K_PIDFILE, K_FIRST_FREE };

static int keeper_path(const struct driver *d, char *buf, size_t len)
{
	return (size_t)snprintf(buf, len, "%s/" FAN_KEEPER_FILE, d->cfg->state) < len ? 0
									: -ENAMETOOLONG;
}

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Wait until the process of @pidfd has exited, at most @ms. 0 when it has. */
static int pidfd_wait(int pidfd, int ms)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, ms) == 1 ? 0 : -ETIMEDOUT;
}

/*
 * A keeper left by an agent that died: stop it now that our marks are in place (from here on
 * this agent answers), and log what it refused meanwhile. Called at the end of fan_start().
 */
void fan_keeper_takeover(struct driver *d)
{
	char path[PATH_MAX], comm[64], reason[256];
	unsigned long long denied = 0;
	int pid = 0, fd, pidfd;
	ssize_t n;
	FILE *f;

	if (keeper_path(d, path, sizeof(path)))
		return;
	f = fopen(path, "re");
	if (!f)
		return;
	if (fscanf(f, "%d %llu", &pid, &denied) < 1)
		pid = 0;
	fclose(f);
	if (pid <= 1)
		goto out;
	/* the pid is the keeper's only if its name says so (the number may have been reused) */
	snprintf(reason, sizeof(reason), "/proc/%d/comm", pid);
	fd = open(reason, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto out;
	n = read(fd, comm, sizeof(comm) - 1);
	close(fd);
	comm[n > 0 ? n : 0] = '\0';
	if (strcmp(comm, KEEPER_COMM "\n"))
		goto out;
	pidfd = pidfd_open_(pid);
	if (pidfd < 0)
		goto out;
	if (!kill(pid, SIGTERM) && pidfd_wait(pidfd, KEEPER_STOP_MS))
		kill(pid, SIGKILL);
	pidfd_wait(pidfd, KEEPER_STOP_MS);
	close(pidfd);
	/* its last count, written before it went */
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%*d %llu", &denied) != 1)
			denied = 0;
		fclose(f);
	}
	snprintf(reason, sizeof(reason), "the fail-closed keeper (pid %d) of an agent that ended "
		 "without a clean stop refused %llu opens until this agent's marks were in place; "
		 "stopped", pid, denied);
	fan_emit_info(d, "keeper", reason, 0);
out:
	unlink(path);
}

/*
 * Start this agent's keeper (fail = closed only). Its failure is logged and the agent runs on:
 * enforcement while it lives does not depend on it.
 */
void fan_keeper_start(struct driver *d)
{
	char path[PATH_MAX], buf[64], reason[PATH_MAX + 256];
	int quit[2] = { -1, -1 }, self = -1, pf = -1, err;
	pid_t pid;

	d->keeper_pid = -1;
	d->keeper_fd = -1;
	if (d->cfg->fail_open || !d->env.keeper)
		return;
	if (keeper_path(d, path, sizeof(path))) {
		err = ENAMETOOLONG;
		goto fail;
	}
	self = pidfd_open_(getpid());
	pf = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (self < 0 || pf < 0 || pipe2(quit, O_CLOEXEC)) {
		err = errno;
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		err = errno;
		goto fail;
	}
	if (pid == 0) {
		/* async-signal-safe calls only until exec: the agent has other threads. Each
		 * descriptor to a number above the targets first, then to its place. */
		int a = fcntl(d->perm_fd, F_DUPFD, 16), b = fcntl(self, F_DUPFD, 16),
		    c = fcntl(quit[0], F_DUPFD, 16), e = fcntl(pf, F_DUPFD, 16);
		char *argv[] = { "pdguard", "__keeper", NULL };

		if (a < 0 || b < 0 || c < 0 || e < 0 || dup2(a, K_PERM) < 0 ||
		    dup2(b, K_AGENT) < 0 || dup2(c, K_QUIT) < 0 || dup2(e, K_PIDFILE) < 0)
			_exit(126);
		close_range(K_FIRST_FREE, ~0U, 0);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	close(quit[0]);
	close(self);
	d->keeper_pid = pid;
	d->keeper_fd = quit[1];
	snprintf(buf, sizeof(buf), "%d 0\n", (int)pid);
	if (pwrite(pf, buf, strlen(buf), 0) < 0) {
		snprintf(reason, sizeof(reason), "the fail-closed keeper's pid file %s could not be "
			 "written: %s; a new agent will not find it", path, strerror(errno));
		fan_emit_info(d, "keeper", reason, pid);
	}
	close(pf);
	return;
fail:
	if (quit[0] >= 0) {
		close(quit[0]);
		close(quit[1]);
	}
	if (self >= 0)
		close(self);
	if (pf >= 0)
		close(pf);
	snprintf(reason, sizeof(reason), "the fail-closed keeper could not be started: %s; if "
		 "the agent dies uncleanly, the kernel allows what it guarded", strerror(err));
	fan_emit_info(d, "keeper", reason, 0);
}

/* A clean stop: the keeper exits without answering anything, and its pid file goes. */
void fan_keeper_stop(struct driver *d)
{
	char path[PATH_MAX];
	int status;

	if (d->keeper_pid <= 0)
		return;
	if (write(d->keeper_fd, "q", 1) != 1)
		kill(d->keeper_pid, SIGTERM);
	close(d->keeper_fd);
	while (waitpid(d->keeper_pid, &status, 0) < 0 && errno == EINTR)
		;
	d->keeper_pid = -1;
	d->keeper_fd = -1;
	if (!keeper_path(d, path, sizeof(path)))
		unlink(path);
}

static void keeper_say(const char *msg)
{
	ssize_t n = write(STDERR_FILENO, msg, strlen(msg));

	(void)n;
}

static void keeper_count(unsigned long long denied)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf), "%d %llu\n", (int)getpid(), denied);

	if (pwrite(K_PIDFILE, buf, n, 0) == n)
		n = ftruncate(K_PIDFILE, n);
}

static bool deny(int fd)
{
	struct fanotify_response r = { .fd = fd, .response = FAN_DENY };

	return write(K_PERM, &r, sizeof(r)) == sizeof(r);
}

/* `pdguard __keeper`, started by fan_keeper_start() only. */
int fanotify_keeper_main(void)
{
	char buf[EVBUF] __attribute__((aligned(8)));
	struct fanotify_event_metadata *m;
	unsigned long long denied = 0, swept = 0;
	struct pollfd p[2] = {
		{ .fd = K_AGENT, .events = POLLIN },
		{ .fd = K_QUIT, .events = POLLIN },
	};
	struct rlimit rl;
	char msg[256], c;
	unsigned int i, top;
	sigset_t none;
	uint64_t t0;
	ssize_t n;

	prctl(PR_SET_NAME, KEEPER_COMM);
	/* the agent's threads block its signals for its signalfd: exec kept that mask */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGTERM, SIG_DFL);
	n = readlink("/proc/self/fd/3", msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	if (strcmp(msg, "anon_inode:[fanotify]")) {
		keeper_say("pdguard __keeper: started by the agent only\n");
		return 2;
	}
	/* while the agent lives: wait for its exit or its word */
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (p[1].revents && read(K_QUIT, &c, 1) == 1 && c == 'q')
			return 0;
		if (p[0].revents)
			break;
		if (p[1].revents) {
			/* the pipe closed without a word: the agent is going; its pidfd says when */
			p[1].fd = -1;
		}
	}
	if (read(K_QUIT, &c, 1) == 1 && c == 'q')
		return 0;
	snprintf(msg, sizeof(msg), "pdguard keeper (pid %d): the agent ended without a clean "
		 "stop; refusing every open it guarded (fail = closed) until an agent starts\n",
		 (int)getpid());
	keeper_say(msg);
	keeper_count(0);
	/* requests the agent read and did not answer: tried by descriptor number */
	top = getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur > KEEPER_SWEEP_MAX ? KEEPER_SWEEP_MAX
									       : (unsigned int)rl.rlim_cur;
	t0 = fan_now_ns(CLOCK_MONOTONIC);
	for (i = 0; i < top; i++)
		swept += deny((int)i);
	denied += swept;
	keeper_count(denied);
	snprintf(msg, sizeof(msg), "pdguard keeper: %llu requests the agent had read were "
		 "answered deny (descriptors 0..%u tried in %llu us)\n", swept, top - 1,
		 (unsigned long long)(fan_now_ns(CLOCK_MONOTONIC) - t0) / 1000);
	keeper_say(msg);
	/* then every new request, until a new agent stops us with SIGTERM */
	p[0] = (struct pollfd){ .fd = K_PERM, .events = POLLIN };
	for (;;) {
		if (poll(p, 1, -1) < 0 && errno != EINTR)
			return 1;
		while ((n = read(K_PERM, buf, sizeof(buf))) > 0) {
			for (m = (void *)buf; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
				if (m->fd < 0)
					continue;
				denied += deny(m->fd);
				close(m->fd);
			}
			keeper_count(denied);
		}
	}
}

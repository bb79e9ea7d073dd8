// SPDX-License-Identifier: GPL-2.0
/*
 * A forked child for a library reader (sandbox.h). The child sends frames through a pipe: a
 * header (type, length) and up to FRAME_MAX bytes; the parent reads them with poll() in slices
 * of at most SLICE_MS, so a deadline or extract_cancel() is acted on within that time.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "extract/sandbox.h"

#define FRAME_MAX (60 * 1024)
#define SLICE_MS 100

enum frame_type { FR_TEXT = 1, FR_SEP, FR_PHOTO, FR_STATUS };

struct frame {
	uint32_t type;
	uint32_t len;
};

struct x_sandbox_out {
	int fd;
};

/* ---- the child's side ---- */

static int out_write(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int out_frame(struct x_sandbox_out *o, uint32_t type, const void *data, size_t len)
{
	struct frame f = { .type = type, .len = len };

	if (out_write(o->fd, &f, sizeof(f)))
		return -1;
	return len ? out_write(o->fd, data, len) : 0;
}

int x_sandbox_text(struct x_sandbox_out *o, const char *s, size_t n)
{
	while (n) {
		size_t k = n < FRAME_MAX ? n : FRAME_MAX;

		/* a frame ends on a character boundary, so none is split between two */
		if (k < n)
			while (k > FRAME_MAX - 4 && ((unsigned char)s[k] & 0xc0) == 0x80)
				k--;
		if (out_frame(o, FR_TEXT, s, k))
			return -1;
		s += k;
		n -= k;
	}
	return 0;
}

int x_sandbox_sep(struct x_sandbox_out *o)
{
	return out_frame(o, FR_SEP, NULL, 0);
}

int x_sandbox_photo(struct x_sandbox_out *o, const char *desc)
{
	return out_frame(o, FR_PHOTO, desc, strlen(desc));
}

int x_sandbox_status(struct x_sandbox_out *o, int status, const char *fmt, ...)
{
	char buf[sizeof(int) + 256];
	va_list ap;
	int n;

	memcpy(buf, &status, sizeof(int));
	va_start(ap, fmt);
	n = vsnprintf(buf + sizeof(int), sizeof(buf) - sizeof(int), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf) - sizeof(int))
		n = sizeof(buf) - sizeof(int) - 1;
	return out_frame(o, FR_STATUS, buf, sizeof(int) + n);
}

static void __attribute__((noreturn)) child(int fd, int out, int err, uint64_t as_bytes,
					    uint64_t ms, x_sandbox_fn fn, void *arg)
{
	struct rlimit cpu = { ms / 1000 + 1, ms / 1000 + 2 };
	struct rlimit as = { as_bytes, as_bytes };
	struct rlimit zero = { 0, 0 };
	struct x_sandbox_out o = { .fd = 1 };
	int in;

	/* dies with the parent, whatever the parent dies of */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGPIPE, SIG_DFL);
	/* out of 0-2 first, so that no dup2() below closes another's descriptor */
	fd = fcntl(fd, F_DUPFD, 3);
	out = fcntl(out, F_DUPFD, 3);
	/*
	 * stderr: how the library says why it aborts ("std::bad_alloc", "Out of memory"); never
	 * blocking, so a library that complains a lot loses words, not time.
	 */
	err = err >= 0 ? fcntl(err, F_DUPFD, 3) : open("/dev/null", O_WRONLY);
	if (fd < 0 || out < 0 || err < 0 || dup2(fd, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(err, 2) < 0)
		_exit(126);
	/* the agent's descriptors (fanotify, the log, sockets) are none of the reader's business */
	close_range(3, ~0U, 0);
	setrlimit(RLIMIT_CORE, &zero);
	setrlimit(RLIMIT_FSIZE, &zero);
	setrlimit(RLIMIT_CPU, &cpu);
	setrlimit(RLIMIT_AS, &as);
	in = fcntl(0, F_DUPFD_CLOEXEC, 3);
	if (in < 0)
		_exit(126);
	fn(&o, in, arg);
	/* no atexit handlers: they are the parent's, and its stdio buffers too */
	_exit(0);
}

/* ---- the parent's side ---- */

/* The address space this process has now, in bytes: what the child starts with. */
static uint64_t vm_bytes(void)
{
	unsigned long long pages = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%llu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return pages * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* The last bytes the child wrote to stderr. */
struct err_tail {
	int fd;
	size_t len;
	char buf[1024];
};

static void err_drain(struct err_tail *e)
{
	char tmp[4096];
	ssize_t n;

	while (e->fd >= 0 && (n = read(e->fd, tmp, sizeof(tmp))) > 0) {
		size_t k = (size_t)n < sizeof(e->buf) - 1 ? (size_t)n : sizeof(e->buf) - 1;

		if (e->len + k > sizeof(e->buf) - 1) {
			size_t drop = e->len + k - (sizeof(e->buf) - 1);

			memmove(e->buf, e->buf + drop, e->len - drop);
			e->len -= drop;
		}
		memcpy(e->buf + e->len, tmp + n - k, k);
		e->len += k;
		e->buf[e->len] = '\0';
	}
}

/* Read exactly @len bytes. Return: 1, 0 at the end of the child's output, -1 to stop. */
static int read_exact(struct xctx *x, int fd, struct err_tail *e, void *buf, size_t len)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = e->fd, .events = POLLIN },
	};
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		uint64_t left;
		int rc;

		if (x_halted(x))
			return -1;
		left = x_ms_left(x);
		rc = poll(pfd, e->fd >= 0 ? 2 : 1, left > SLICE_MS ? SLICE_MS : (int)left + 1);
		if (rc < 0 && errno != EINTR)
			return -1;
		if (rc <= 0)
			continue;
		if (pfd[1].revents)
			err_drain(e);
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -1;
		if (!n)
			return got ? -1 : 0;
		got += n;
	}
	return 1;
}

void x_sandbox_run(struct xctx *x, const char *what, const char *where, int fd, x_sandbox_fn fn,
		   void *arg)
{
	uint64_t budget = (uint64_t)x->lim.max_reader_mib * X_MIB;
	uint64_t start_rss, ms = x_ms_left(x);
	bool bad_frame = false, oom;
	struct rusage ru = { 0 };
	struct err_tail *e;
	struct frame f;
	char *buf;
	int p[2], ep[2], st = 0, rc;
	pid_t pid;

	if (x_halted(x))
		return;
	buf = malloc(FRAME_MAX + 1);
	e = calloc(1, sizeof(*e));
	if (!buf || !e || pipe2(p, O_CLOEXEC)) {
		x_status(x, EXTRACT_IO, "cannot run the %s: %s", what,
			 x_errstr(buf && e ? errno : ENOMEM));
		free(buf);
		free(e);
		return;
	}
	if (pipe2(ep, O_CLOEXEC | O_NONBLOCK))
		ep[0] = ep[1] = -1;
	e->fd = ep[0];
	getrusage(RUSAGE_SELF, &ru);
	start_rss = (uint64_t)ru.ru_maxrss * 1024;
	pid = fork();
	if (!pid)
		child(fd, p[1], ep[1], vm_bytes() + budget, ms, fn, arg);
	close(p[1]);
	if (ep[1] >= 0)
		close(ep[1]);
	if (pid < 0) {
		x_status(x, EXTRACT_IO, "cannot run the %s: %s", what, x_errstr(errno));
		close(p[0]);
		if (ep[0] >= 0)
			close(ep[0]);
		free(buf);
		free(e);
		return;
	}
	while ((rc = read_exact(x, p[0], e, &f, sizeof(f))) > 0) {
		if (f.len > FRAME_MAX || read_exact(x, p[0], e, buf, f.len) <= 0) {
			bad_frame = !x->stop;
			break;
		}
		buf[f.len] = '\0';
		if (f.type == FR_TEXT) {
			x_emit_bytes(x, (const uint8_t *)buf, f.len);
		} else if (f.type == FR_SEP) {
			x_emit_sep(x);
		} else if (f.type == FR_PHOTO) {
			x_photo(x, buf);
		} else if (f.type == FR_STATUS && f.len >= sizeof(int)) {
			int s;

			memcpy(&s, buf, sizeof(int));
			/* the child reports what it could not read; only those statuses */
			if (s != EXTRACT_ENCRYPTED && s != EXTRACT_UNSUPPORTED)
				s = EXTRACT_CORRUPT;
			x_status(x, s, "%s", buf + sizeof(int));
		} else {
			bad_frame = true;
			break;
		}
		if (x->stop)
			break;
	}
	close(p[0]);
	free(buf);
	/* stopped on this side (a limit, the deadline, cancel) or a bad frame: it is done */
	if (rc != 0 || x->stop || bad_frame)
		kill(pid, SIGKILL);
	while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
		;
	err_drain(e);
	if (e->fd >= 0)
		close(e->fd);
	/* libstdc++, poppler's gmem and GLib say so when an allocation fails, then abort */
	oom = strstr(e->buf, "bad_alloc") || strstr(e->buf, "Out of memory") ||
	      strstr(e->buf, "failed to allocate") ||
	      (uint64_t)ru.ru_maxrss * 1024 > start_rss + budget / 2;
	free(e);
	if (x->stop)
		return;
	if (WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) && oom)) {
		int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;

		if (sig == SIGXCPU || sig == SIGKILL)
			x_status(x, EXTRACT_LIMIT, "limit exceeded: CPU time over %llu s in the %s%s",
				 (unsigned long long)(ms / 1000 + 1), what, where);
		else if (oom)
			x_status(x, EXTRACT_LIMIT, "limit exceeded: memory over %u MiB in the %s%s",
				 x->lim.max_reader_mib, what, where);
		else
			x_status(x, EXTRACT_CORRUPT, "corrupt: the %s%s crashed (signal %d)", what,
				 where, sig);
	} else if (bad_frame || (WIFEXITED(st) && WEXITSTATUS(st))) {
		x_status(x, EXTRACT_CORRUPT, "corrupt: the %s%s failed (exit status %d)", what,
			 where, WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	}
}

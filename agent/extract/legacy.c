// SPDX-License-Identifier: GPL-2.0
/*
 * Legacy Office files (Word 97-2003 .doc, Excel .xls, PowerPoint .ppt) and RTF (Word's "Rich
 * Text", often named .doc) through Debian's catdoc package (catdoc, xls2csv, catppt). No
 * maintained C library in Debian reads these formats, and catdoc is small and old: it runs in a
 * child process with a CPU, memory and file-size rlimit and our deadline, so a hostile file can
 * hang or crash only the child. Without catdoc installed, these files are reported as
 * unsupported, with the package to install (RTF is then read as plain text).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "extract/readers.h"
#include "extract/sink.h"

/*
 * The file is the tool's standard input, named by path: xls2csv does not take "-", and all
 * three need to seek in the compound file (a reopened regular file or memfd can).
 */
#define STDIN_PATH "/proc/self/fd/0"

struct tool {
	const char *mime;
	const char *kind;
	const char *what;
	const char *path;
	const char *const argv[10];
};

static const struct tool tools[] = {
	{ "application/msword", "doc", "legacy Word document", "/usr/bin/catdoc",
	  { "catdoc", "-d", "utf-8", "-w", STDIN_PATH, NULL } },
	{ "application/vnd.ms-excel", "xls", "legacy Excel workbook", "/usr/bin/xls2csv",
	  { "xls2csv", "-d", "utf-8", "-q", "0", "-c", "\n", STDIN_PATH, NULL } },
	{ "application/vnd.ms-powerpoint", "ppt", "legacy PowerPoint presentation",
	  "/usr/bin/catppt", { "catppt", "-d", "utf-8", STDIN_PATH, NULL } },
	{ "text/rtf", "rtf", "RTF document", "/usr/bin/catdoc",
	  { "catdoc", "-d", "utf-8", "-w", STDIN_PATH, NULL } },
};

bool x_legacy_available(const char *mime)
{
	size_t i;

	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (!strcmp(mime, tools[i].mime))
			return !access(tools[i].path, X_OK);
	return false;
}

/* Output of the child, read with the deadline: poll never waits past it. */
struct pipe_stream {
	struct xstream s;
	struct xctx *x;
	int fd;
};

static ssize_t pipe_read(struct xstream *s, void *buf, size_t len)
{
	struct pipe_stream *ps = (struct pipe_stream *)s;
	struct pollfd pfd = { .fd = ps->fd, .events = POLLIN };
	ssize_t n;

	for (;;) {
		uint64_t left = x_ms_left(ps->x);
		int rc;

		if (x_halted(ps->x))
			return -1;
		rc = poll(&pfd, 1, left > 1000 ? 1000 : (int)left + 1);
		if (rc < 0 && errno != EINTR)
			return 0;
		if (rc <= 0)
			continue;
		n = read(ps->fd, buf, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		return n < 0 ? 0 : n;
	}
}

/*
 * xls2csv's output with one cell per line. A number cell prints as its digits, so an IIN typed
 * as a number in Excel lost its leading 0 when the person was born in 2000-2009: as for XLSX
 * (x_emit_number()), a line of exactly 11 digits is followed by the same with the 0 in front.
 * A line that might still become one waits for the next read.
 */
struct xls_stream {
	struct pipe_stream p;
	char in[64 * 1024 + 16];
	size_t carry;		/* bytes of an unfinished line kept at the start of in[] */
	bool mid_line;		/* in[0] is not the start of a line */
};

static bool eleven_digits(const char *s, size_t n)
{
	size_t i;

	if (n != 11)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static ssize_t xls_read(struct xstream *s, void *buf, size_t len)
{
	struct xls_stream *xs = (struct xls_stream *)s;
	char *out = buf, *nl;
	size_t want = sizeof(xs->in) - xs->carry, n, pos = 0, o = 0;
	ssize_t r;

	/* each 12 bytes in can become 25 out */
	if (want > len / 3)
		want = len / 3;
	r = pipe_read(&xs->p.s, xs->in + xs->carry, want);
	if (r < 0)
		return r;
	n = xs->carry + r;
	while ((nl = memchr(xs->in + pos, '\n', n - pos))) {
		size_t l = nl - (xs->in + pos);
		bool whole = !(pos == 0 && xs->mid_line);

		memcpy(out + o, xs->in + pos, l + 1);
		o += l + 1;
		if (whole && eleven_digits(xs->in + pos, l)) {
			out[o++] = '0';
			memcpy(out + o, xs->in + pos, l + 1);
			o += l + 1;
		}
		pos += l + 1;
		if (pos == n)
			break;
	}
	xs->mid_line = pos > 0 ? false : xs->mid_line;
	xs->carry = 0;
	if (pos < n) {
		size_t rest = n - pos;

		if (r > 0 && rest <= 11 && !(pos == 0 && xs->mid_line)) {
			memmove(xs->in, xs->in + pos, rest);
			xs->carry = rest;
		} else {
			memcpy(out + o, xs->in + pos, rest);
			o += rest;
			xs->mid_line = true;
		}
	}
	/* nothing to hand over yet, but more to come: read again rather than say end of file */
	if (!o && r > 0)
		return xls_read(s, buf, len);
	return o;
}

/* In the child, between fork and exec: async-signal-safe calls only. */
static void __attribute__((noreturn)) run_child(const struct tool *t, int in, int out,
						uint64_t ms)
{
	static char *const envp[] = { "PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL };
	struct rlimit cpu = { ms / 1000 + 1, ms / 1000 + 2 };
	struct rlimit mem = { 512 * X_MIB, 512 * X_MIB };
	struct rlimit fsz = { 0, 0 };
	int devnull;

	if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
		_exit(126);
	devnull = open("/dev/null", O_WRONLY);
	if (devnull >= 0 && devnull != 2)
		dup2(devnull, 2);
	/* the agent's other descriptors are none of the tool's business */
	close_range(3, ~0U, 0);
	lseek(0, 0, SEEK_SET);
	setrlimit(RLIMIT_CPU, &cpu);
	setrlimit(RLIMIT_AS, &mem);
	setrlimit(RLIMIT_FSIZE, &fsz);
	execve(t->path, (char *const *)t->argv, envp);
	_exit(127);
}

/* A descriptor of our own on the file, so the child's reading moves no offset of the caller's. */
static int reopen(int fd)
{
	char path[64];
	int in;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	in = open(path, O_RDONLY | O_CLOEXEC);
	return in >= 0 ? in : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

void x_legacy(struct xctx *x, int fd, const struct x_type *t, const char *name, bool top)
{
	struct x_type text = { .cls = XC_TEXT, .enc = XE_UTF8 };
	const struct tool *tool = NULL;
	char pname[128], where[160] = "";
	struct pipe_stream ps;
	int p[2], in, st = 0;
	size_t i;
	pid_t pid;

	if (name) {
		x_printable_name(pname, sizeof(pname), name);
		snprintf(where, sizeof(where), " (member '%s')", pname);
	}
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++)
		if (!strcmp(t->mime, tools[i].mime))
			tool = &tools[i];
	if (!tool) {
		if (strstr(t->mime, "encrypted"))
			x_status(x, EXTRACT_ENCRYPTED,
				 "encrypted: Office document%s, a password is needed",
				 where);
		else
			x_status(x, EXTRACT_UNSUPPORTED, "unsupported: OLE compound file (%s)%s",
				 t->mime, where);
		return;
	}
	if (top)
		snprintf(x->res->kind, sizeof(x->res->kind), "%s", tool->kind);
	if (access(tool->path, X_OK)) {
		x_status(x, EXTRACT_UNSUPPORTED, "unsupported: %s%s: install catdoc to read it",
			 tool->what, where);
		return;
	}
	in = reopen(fd);
	if (in < 0) {
		x_status(x, EXTRACT_IO, "read error: %s", x_errstr(errno));
		return;
	}
	if (pipe2(p, O_CLOEXEC)) {
		x_status(x, EXTRACT_IO, "cannot run %s: %s", tool->argv[0], x_errstr(errno));
		close(in);
		return;
	}
	pid = fork();
	if (!pid)
		run_child(tool, in, p[1], x_ms_left(x));
	close(p[1]);
	close(in);
	if (pid < 0) {
		x_status(x, EXTRACT_IO, "cannot run %s: %s", tool->argv[0], x_errstr(errno));
		close(p[0]);
		return;
	}
	ps = (struct pipe_stream){ .s.read = pipe_read, .x = x, .fd = p[0] };
	if (!strcmp(tool->kind, "xls")) {
		struct xls_stream *xs = calloc(1, sizeof(*xs));

		if (xs) {
			xs->p = ps;
			xs->p.s.read = xls_read;
			x_text_stream(x, &xs->p.s, &text);
			free(xs);
		} else {
			x_status(x, EXTRACT_IO, "out of memory");
		}
	} else {
		x_text_stream(x, &ps.s, &text);
	}
	close(p[0]);
	/* stopped early (a limit, the sink): the tool has nothing more to say */
	if (x->stop)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (x->stop)
		return;
	if (WIFSIGNALED(st))
		x_status(x, EXTRACT_CORRUPT, "corrupt: %s%s: %s killed by signal %d", tool->what,
			 where, tool->argv[0], WTERMSIG(st));
	else if (WIFEXITED(st) && WEXITSTATUS(st))
		x_status(x, EXTRACT_CORRUPT, "corrupt: %s%s: %s exited with status %d", tool->what,
			 where, tool->argv[0], WEXITSTATUS(st));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Telling the refused employee. The observer runs on whichever thread wrote the denial (the
 * fanotify logger, the BPF ring-buffer poller): it only asks the rate limiter, reads the
 * process's language and queues. One worker thread takes the queue: for each notice it forks a
 * child that drops to the user (setgroups, setgid, setuid) and executes `pdguard notice` with a
 * clean environment, the file's name on a pipe (never in argv, which every user's ps shows).
 * The child words the notice in the user's language and, when the user has a session bus,
 * shows it there. The worker bounds the child's life with the policy's timeout and kills it
 * after, so a hung bus costs one timeout, never a decision. Every notice is then one `notice`
 * event: shown, or the text in the event for the helpdesk.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "daemon/notice.h"
#include "lib/json.h"
#include "lib/vocab.h"
#include "log/events.h"
#include "notice/notice.h"
#include "policy/config.h"

#define QUEUE_CAP 64
#define ENVIRON_MAX 65536
/* what the child may say: the notice (title and body) and one error line */
#define OUT_MAX 4096

struct job {
	uint32_t uid;
	int32_t pid;
	bool audit;
	unsigned int reason;
	unsigned int suppressed;
	uint32_t cats;
	const char *zone;		/* a vocab constant */
	const char *lang;		/* a constant of notice_languages[] */
	char comm[32];
	char path[PATH_MAX];
};

struct notifier {
	pthread_mutex_t lock;
	pthread_cond_t ready;
	pthread_t thread;
	bool stop;
	struct eventlog *log;
	char exe[PATH_MAX];
	/* the policy's [notice], copied */
	bool enabled, audit;
	char contact[256];
	char language[4];
	char bus[PATH_MAX];
	unsigned int timeout_ms;
	struct notice_limit *limit;
	unsigned int per_minute, file_interval;
	struct job *q[QUEUE_CAP];
	unsigned int head, n;
	uint64_t shown, logged, failed, limited, dropped;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Called with the lock held. */
static int take_policy(struct notifier *n, const struct config *cfg)
{
	struct notice_limit *l = n->limit;
	int ret;

	n->enabled = cfg->notice_enabled;
	n->audit = cfg->notice_audit;
	snprintf(n->contact, sizeof(n->contact), "%s", cfg->notice_contact ? cfg->notice_contact : "");
	snprintf(n->language, sizeof(n->language), "%s", cfg->notice_language);
	snprintf(n->bus, sizeof(n->bus), "%s", cfg->notice_bus ? cfg->notice_bus : "");
	n->timeout_ms = cfg->notice_timeout_ms;
	if (!l || n->per_minute != cfg->notice_per_minute ||
	    n->file_interval != cfg->notice_file_interval_s) {
		ret = notice_limit_new(&l, cfg->notice_per_minute, cfg->notice_file_interval_s);
		if (ret)
			return ret;
		notice_limit_free(n->limit);
		n->limit = l;
		n->per_minute = cfg->notice_per_minute;
		n->file_interval = cfg->notice_file_interval_s;
	}
	return 0;
}

void notifier_policy(struct notifier *n, const struct config *cfg)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	take_policy(n, cfg);
	pthread_mutex_unlock(&n->lock);
}

/* The language the process reads its messages in, from its environment; NULL when unknown. */
static const char *process_language(int32_t pid)
{
	char path[64], *buf;
	const char *lang = NULL;
	ssize_t len = 0, r;
	int fd;

	if (pid <= 0)
		return NULL;
	snprintf(path, sizeof(path), "/proc/%d/environ", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(ENVIRON_MAX);
	if (buf) {
		while (len < ENVIRON_MAX && (r = read(fd, buf + len, ENVIRON_MAX - len)) > 0)
			len += r;
		/* only the locale variables are looked at, and only a constant comes back */
		lang = notice_language_from_environ(buf, len);
		free(buf);
	}
	close(fd);
	return lang;
}

static bool wanted(const struct notifier *n, const struct event *ev)
{
	if (!ev->decision || ev->uid == (uint32_t)-1)
		return false;
	/* refused attempts on pdguard itself are root's, and an alert's business */
	if (ev->reason_code == PDGUARD_REASON_TAMPER || ev->reason_code == PDGUARD_REASON_ADMIN)
		return false;
	if (!strcmp(ev->decision, "deny"))
		return true;
	return n->audit && !strcmp(ev->decision, "would-deny");
}

static uint64_t file_key(const struct event *ev)
{
	uint64_t h = 1469598103934665603ULL;
	const char *s;

	if (ev->ino)
		return ((uint64_t)ev->dev << 40) ^ (uint64_t)ev->ino;
	for (s = ev->path ? ev->path : ""; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ULL;
	return h;
}

void notifier_observe(struct notifier *n, const struct event *ev)
{
	unsigned int suppressed = 0;
	const char *lang;
	struct job *j;
	bool ok;

	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	if (!n->enabled || !wanted(n, ev)) {
		pthread_mutex_unlock(&n->lock);
		return;
	}
	ok = notice_limit_take(n->limit, ev->uid, file_key(ev), mono_ms(), &suppressed);
	if (!ok)
		n->limited++;
	pthread_mutex_unlock(&n->lock);
	if (!ok)
		return;
	j = calloc(1, sizeof(*j));
	if (!j)
		return;
	j->uid = ev->uid;
	j->pid = ev->pid;
	j->audit = !strcmp(ev->decision, "would-deny");
	j->reason = ev->reason_code;
	j->suppressed = suppressed;
	j->cats = ev->categories;
	j->zone = ev->zone && !strcmp(ev->zone, "usb") ? "usb" :
		  ev->zone && !strcmp(ev->zone, "cloud") ? "cloud" : NULL;
	snprintf(j->comm, sizeof(j->comm), "%s", ev->comm ? ev->comm : "");
	snprintf(j->path, sizeof(j->path), "%s", ev->path ? ev->path : "");
	lang = process_language(ev->pid);
	pthread_mutex_lock(&n->lock);
	j->lang = lang ? lang : notice_language_of(n->language);
	if (!j->lang)
		j->lang = "en";
	if (n->n == QUEUE_CAP || n->stop) {
		n->dropped++;
		pthread_mutex_unlock(&n->lock);
		free(j);
		return;
	}
	n->q[(n->head + n->n++) % QUEUE_CAP] = j;
	pthread_cond_signal(&n->ready);
	pthread_mutex_unlock(&n->lock);
}

/* A D-Bus address for a socket path: bytes outside [-0-9A-Za-z_/.\*] as %XX. */
static void bus_address(const char *path, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = snprintf(buf, len, "unix:path=");
	const unsigned char *s;

	for (s = (const unsigned char *)path; *s && o + 4 < len; s++) {
		if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= 'A' && *s <= 'Z') || strchr("-_/.\\*", *s)) {
			buf[o++] = *s;
		} else {
			buf[o++] = '%';
			buf[o++] = hex[*s >> 4];
			buf[o++] = hex[*s & 15];
		}
	}
	buf[o] = '\0';
}

/* The user's session bus socket, when there is one that is theirs; else "". */
static void session_bus(const char *tmpl, uint32_t uid, char *buf, size_t len)
{
	char path[PATH_MAX];
	const char *u = strstr(tmpl, "%u");
	struct stat st;

	if (u)
		snprintf(path, sizeof(path), "%.*s%u%s", (int)(u - tmpl), tmpl, uid, u + 2);
	else
		snprintf(path, sizeof(path), "%s", tmpl);
	buf[0] = '\0';
	/* a socket the user owns: what their own dbus-daemon or dbus-broker made */
	if (!tmpl[0] || lstat(path, &st) || !S_ISSOCK(st.st_mode) || st.st_uid != uid)
		return;
	bus_address(path, buf, len);
}

/* Read the child's output until both pipes close or @deadline (monotonic ms). */
static bool collect(int out, int err, char *obuf, size_t olen, char *ebuf, size_t elen,
		    int64_t deadline)
{
	struct pollfd p[2] = { { .fd = out, .events = POLLIN }, { .fd = err, .events = POLLIN } };
	size_t on = 0, en = 0;
	char scratch[512];
	ssize_t r;
	int i;

	while (p[0].fd >= 0 || p[1].fd >= 0) {
		int64_t left = deadline - mono_ms();

		if (left <= 0)
			return false;
		if (poll(p, 2, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		for (i = 0; i < 2; i++) {
			char *b = i ? ebuf : obuf;
			size_t *bn = i ? &en : &on, bl = i ? elen : olen;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (*bn + 1 < bl)
				r = read(p[i].fd, b + *bn, bl - 1 - *bn);
			else
				r = read(p[i].fd, scratch, sizeof(scratch));	/* more than we keep */
			if (r > 0 && *bn + 1 < bl)
				*bn += r;
			else if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
				p[i].fd = -1;
		}
	}
	obuf[on] = '\0';
	ebuf[en] = '\0';
	return true;
}

enum outcome { SHOWN, LOGGED, FAILED };

/*
 * Run `pdguard notice` as the user. Returns what became of it; @text gets the notice, @why a
 * failure's reason.
 */
static enum outcome run_child(struct notifier *n, const struct job *j, const char *contact,
			      const char *bus_tmpl, unsigned int timeout_ms, char *text,
			      size_t tlen, char *why, size_t wlen)
{
	char address[PATH_MAX * 3 + 16], cats[128], tmo[16], lang_env[32], err[512];
	const char *argv[24], *envp[] = { "LC_ALL=C.UTF-8", lang_env, "PATH=/usr/bin:/bin", NULL };
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, errp[2] = { -1, -1 };
	struct passwd pw, *pwp = NULL;
	char pwbuf[4096];
	gid_t gid = 65534;
	int argc = 0, status;
	bool done;
	pid_t pid;

	text[0] = why[0] = '\0';
	if (!getpwuid_r(j->uid, &pw, pwbuf, sizeof(pwbuf), &pwp) && pwp)
		gid = pw.pw_gid;
	session_bus(bus_tmpl, j->uid, address, sizeof(address));
	snprintf(lang_env, sizeof(lang_env), "LANGUAGE=%s", j->lang);
	snprintf(tmo, sizeof(tmo), "%u", timeout_ms);
	argv[argc++] = "pdguard";
	argv[argc++] = "notice";
	argv[argc++] = "--lang";
	argv[argc++] = j->lang;
	argv[argc++] = "--reason";
	argv[argc++] = notice_reason_name(j->reason);
	if (j->zone) {
		argv[argc++] = "--zone";
		argv[argc++] = j->zone;
	}
	if (j->cats) {
		vocab_categories_format(j->cats, ",", "none", cats, sizeof(cats));
		argv[argc++] = "--categories";
		argv[argc++] = cats;
	}
	if (contact[0]) {
		argv[argc++] = "--contact";
		argv[argc++] = contact;
	}
	if (j->audit)
		argv[argc++] = "--audit";
	if (address[0]) {
		argv[argc++] = "--send";
		argv[argc++] = address;
		argv[argc++] = "--timeout-ms";
		argv[argc++] = tmo;
	}
	argv[argc++] = "--";
	argv[argc++] = "-";
	argv[argc] = NULL;

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(errp, O_CLOEXEC)) {
		snprintf(why, wlen, "cannot make pipes: %s", strerror(errno));
		goto fail;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(why, wlen, "cannot fork: %s", strerror(errno));
		goto fail;
	}
	if (pid == 0) {
		/* async-signal-safe calls only until exec: the parent has other threads */
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || dup2(errp[1], 2) < 0)
			_exit(126);
		close_range(3, ~0U, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (setgroups(1, &gid) || setgid(gid) || setuid(j->uid) ||
		    (j->uid && setuid(0) == 0) || chdir("/"))
			_exit(126);
		execve(n->exe, (char *const *)argv, (char *const *)envp);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(errp[1]);
	/* the name never reaches argv; a pipe of 64 KiB takes it without blocking. A failed
	 * write leaves the child without a name: that is its error to report. */
	if (write(in[1], j->path, strlen(j->path)) >= 0)
		(void)!write(in[1], "\n", 1);
	close(in[1]);
	done = collect(out[0], errp[0], text, tlen, err, sizeof(err),
		       mono_ms() + timeout_ms + 2000);
	if (!done)
		kill(pid, SIGKILL);
	close(out[0]);
	close(errp[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!done) {
		snprintf(why, wlen, "no answer within %u ms: the notice process was stopped",
			 timeout_ms + 2000);
		return FAILED;
	}
	/* the notice as printed: "title\nbody\n"; the last newline is the printer's */
	if (text[0] && text[strlen(text) - 1] == '\n')
		text[strlen(text) - 1] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return address[0] ? SHOWN : LOGGED;
	err[strcspn(err, "\n")] = '\0';
	if (WIFEXITED(status) && WEXITSTATUS(status) >= 126)
		snprintf(why, wlen, "cannot run %.300s as uid %u", n->exe, j->uid);
	else
		snprintf(why, wlen, "%.400s", err[0] ? err : "the notice process failed");
	return FAILED;
fail:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (errp[i] >= 0)
			close(errp[i]);
	}
	return FAILED;
}

struct strbuf {
	char *s;
	size_t len, cap;
};

static void sb_put(void *ctx, const char *s, size_t n)
{
	struct strbuf *b = ctx;

	if (b->len + n >= b->cap)
		n = b->cap - 1 - b->len;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void log_notice(struct notifier *n, const struct job *j, enum outcome o, const char *text,
		       const char *why)
{
	static const char *const via[] = { "desktop", "log", "log" };
	char extra[6144], reason[700];
	struct strbuf b = { .s = extra, .cap = sizeof(extra) };
	struct event ev;
	int len;

	if (o == SHOWN)
		snprintf(reason, sizeof(reason), "the employee was shown a notice of the denial");
	else if (o == LOGGED)
		snprintf(reason, sizeof(reason), "no desktop session: the employee's notice is in "
			 "this event for the helpdesk");
	else
		snprintf(reason, sizeof(reason), "the notice could not be shown (%.500s); it is in this "
			 "event for the helpdesk", why);
	ev = event_make("notice", "info", reason);
	ev.uid = j->uid;
	ev.pid = j->pid;
	ev.comm = j->comm[0] ? j->comm : NULL;
	ev.path = j->path[0] ? j->path : NULL;
	ev.label = "pd";
	ev.categories = j->cats;
	ev.zone = j->zone;
	ev.driver = "agent";
	len = snprintf(extra, sizeof(extra), "\"notice\":");
	b.len = len;
	json_string(sb_put, &b, text);
	snprintf(extra + b.len, sizeof(extra) - b.len, ",\"language\":\"%s\",\"via\":\"%s\","
		 "\"suppressed\":%u", j->lang, via[o], j->suppressed);
	ev.extra = extra;
	if (n->log)
		eventlog_write(n->log, &ev);
}

static void *worker(void *arg)
{
	struct notifier *n = arg;
	char text[OUT_MAX], why[600], contact[256], bus[PATH_MAX];
	unsigned int timeout_ms;
	enum outcome o;
	struct job *j;

	for (;;) {
		pthread_mutex_lock(&n->lock);
		while (!n->n && !n->stop)
			pthread_cond_wait(&n->ready, &n->lock);
		if (n->stop) {
			pthread_mutex_unlock(&n->lock);
			break;
		}
		j = n->q[n->head];
		n->head = (n->head + 1) % QUEUE_CAP;
		n->n--;
		memcpy(contact, n->contact, sizeof(contact));
		memcpy(bus, n->bus, sizeof(bus));
		timeout_ms = n->timeout_ms;
		pthread_mutex_unlock(&n->lock);
		o = run_child(n, j, contact, bus, timeout_ms, text, sizeof(text), why, sizeof(why));
		log_notice(n, j, o, text, why);
		pthread_mutex_lock(&n->lock);
		if (o == SHOWN)
			n->shown++;
		else if (o == LOGGED)
			n->logged++;
		else
			n->failed++;
		pthread_mutex_unlock(&n->lock);
		free(j);
	}
	return NULL;
}

int notifier_new(struct notifier **out, const struct config *cfg, struct eventlog *log)
{
	struct notifier *n = calloc(1, sizeof(*n));
	ssize_t len;
	int ret;

	if (!n)
		return -ENOMEM;
	pthread_mutex_init(&n->lock, NULL);
	pthread_cond_init(&n->ready, NULL);
	n->log = log;
	/* the binary running now: the child executes the same pdguard, not a PATH lookup */
	len = readlink("/proc/self/exe", n->exe, sizeof(n->exe) - 1);
	if (len <= 0) {
		ret = -errno;
		goto fail;
	}
	n->exe[len] = '\0';
	ret = take_policy(n, cfg);
	if (ret)
		goto fail;
	{
		/* the worker takes no signal: SIGHUP and SIGTERM are the daemon's signalfd's, and
		 * the daemon may block them only after this thread exists */
		sigset_t all, old;

		sigfillset(&all);
		pthread_sigmask(SIG_BLOCK, &all, &old);
		ret = -pthread_create(&n->thread, NULL, worker, n);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (ret)
		goto fail;
	*out = n;
	return 0;
fail:
	notice_limit_free(n->limit);
	pthread_mutex_destroy(&n->lock);
	pthread_cond_destroy(&n->ready);
	free(n);
	return ret;
}

void notifier_counters(struct notifier *n, uint64_t v[5])
{
	pthread_mutex_lock(&n->lock);
	v[0] = n->shown;
	v[1] = n->logged;
	v[2] = n->failed;
	v[3] = n->limited;
	v[4] = n->dropped;
	pthread_mutex_unlock(&n->lock);
}

void notifier_free(struct notifier *n)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	n->stop = true;
	pthread_cond_signal(&n->ready);
	pthread_mutex_unlock(&n->lock);
	pthread_join(n->thread, NULL);
	while (n->n) {
		free(n->q[n->head]);
		n->head = (n->head + 1) % QUEUE_CAP;
		n->n--;
	}
	notice_limit_free(n->limit);
	pthread_mutex_destroy(&n->lock);
	pthread_cond_destroy(&n->ready);
	free(n);
}

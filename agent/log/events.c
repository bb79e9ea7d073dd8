// SPDX-License-Identifier: GPL-2.0
/*
 * The event log: JSON lines with a hash chain.
 *
 * Each line ends with  ,"prev":"<64 hex>","hash":"<64 hex>"}  where hash = SHA-256(prev || the
 * line's text before ,"hash":). prev is the hash of the line before, so editing a line breaks its
 * own hash, and deleting or reordering lines breaks the next line's prev. The first line of a file
 * names the last hash of the file before it (rotation carries the chain); a new chain starts from
 * 64 zeros. What a chain alone cannot show is a cut at the end: the daemon copies hashes to
 * syslog as an outside anchor (docs/eventlog.md).
 *
 * Lines are written with one write(2) each on an O_APPEND descriptor, under a lock, so a line is
 * never interleaved or half-buffered in our memory when the process dies.
 *
 * This file: the writer (the event constructors, a line formatted, chained, appended and
 * sealed; the observer). The chain read back (resume, torn-line repair, `log verify`) is in
 * chain.c, the journald/syslog/SIEM copies in copies.c, rotation and who may read the files in
 * files.c; log/internal.h is what they share.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "lib/vocab.h"
#include "log/events.h"
#include "log/internal.h"
#include "log/journal.h"
#include "log/seal.h"

static void put_opt_string(FILE *f, const char *key, const char *val)
{
	fprintf(f, ",\"%s\":", key);
	if (val)
		json_put_string(f, val);
	else
		fputs("null", f);
}

static void put_categories(FILE *f, uint32_t cats)
{
	fputs(",\"categories\":", f);
	vocab_categories_json(f, cats);
}

/* This process's executable, resolved once: an event says which binary acted. */
static char self_exe[PATH_MAX];
static pthread_once_t self_exe_once = PTHREAD_ONCE_INIT;

static void self_exe_resolve(void)
{
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof(self_exe) - 1);

	self_exe[n > 0 ? n : 0] = '\0';
}

struct event event_make(const char *op, const char *decision, const char *reason)
{
	return (struct event){ .op = op, .decision = decision, .reason = reason,
			       .uid = (uint32_t)-1 };
}

struct event event_agent(const char *op, const char *decision, const char *reason)
{
	struct event ev = event_make(op, decision, reason);

	pthread_once(&self_exe_once, self_exe_resolve);
	ev.uid = getuid();
	ev.pid = getpid();
	ev.comm = "pdguard";
	ev.exe = self_exe[0] ? self_exe : NULL;
	ev.driver = "agent";
	return ev;
}

/* The user name of @uid, or NULL when it has none; cached. Caller holds log->lock. */
const char *user_name(struct eventlog *log, uid_t uid)
{
	struct passwd pw, *pwp = NULL;
	char pwbuf[1024];
	time_t now = time(NULL);
	size_t i = uid % NAME_CACHE;

	if (log->names[i].at && log->names[i].uid == uid && now - log->names[i].at < NAME_CACHE_TTL)
		return log->names[i].known ? log->names[i].name : NULL;
	getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &pwp);
	log->names[i].uid = uid;
	log->names[i].at = now;
	log->names[i].known = pwp != NULL;
	if (pwp)
		snprintf(log->names[i].name, sizeof(log->names[i].name), "%s", pwp->pw_name);
	return pwp ? log->names[i].name : NULL;
}

/* The line's text up to (not including) ,"hash": — what the hash covers. */
static int format_body(struct eventlog *log, const struct event *ev, uint64_t seq, char **buf,
		       size_t *len, uint64_t *ts_ns)
{
	uint64_t ns = ev->ts_ns;
	char ts[64];
	struct timespec now;
	struct tm tm;
	time_t secs;
	FILE *f;

	if (!ns) {
		clock_gettime(CLOCK_REALTIME, &now);
		ns = (uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec;
	}
	*ts_ns = ns;
	secs = ns / 1000000000ULL;
	gmtime_r(&secs, &tm);
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned int)(ns % 1000000000ULL / 1000000));

	f = open_memstream(buf, len);
	if (!f)
		return -ENOMEM;
	fprintf(f, "{\"ts\":\"%s\"", ts);
	put_opt_string(f, "host", log->host);
	fprintf(f, ",\"seq\":%llu", (unsigned long long)seq);
	put_opt_string(f, "op", ev->op);
	put_opt_string(f, "decision", ev->decision);
	put_opt_string(f, "reason", ev->reason);
	if (ev->uid == (uint32_t)-1) {
		fputs(",\"uid\":null,\"user\":null", f);
	} else {
		fprintf(f, ",\"uid\":%u", ev->uid);
		put_opt_string(f, "user", user_name(log, ev->uid));
	}
	fprintf(f, ",\"pid\":%d", ev->pid);
	put_opt_string(f, "comm", ev->comm);
	put_opt_string(f, "exe", ev->exe);
	put_opt_string(f, "path", ev->path);
	put_opt_string(f, "target", ev->target);
	put_opt_string(f, "label", ev->label);
	put_categories(f, ev->categories);
	put_opt_string(f, "zone", ev->zone);
	put_opt_string(f, "driver", ev->driver);
	fprintf(f, ",\"v\":%d", EVENTS_SCHEMA_VERSION);
	/* no full path: say what the kernel named rather than make one up (docs/eventlog.md) */
	if (!ev->path && ev->file_ino) {
		if (ev->file_name)
			put_opt_string(f, "file_name", ev->file_name);
		fprintf(f, ",\"file_dev\":\"%u:%u\",\"file_ino\":%llu%s", major(ev->file_dev),
			minor(ev->file_dev), (unsigned long long)ev->file_ino,
			ev->file_new ? ",\"file_new\":true" : "");
	}
	if (!ev->target && ev->target_name && ev->target_dir_ino) {
		put_opt_string(f, "target_name", ev->target_name);
		fprintf(f, ",\"target_dir_dev\":\"%u:%u\",\"target_dir_ino\":%llu",
			major(ev->target_dir_dev), minor(ev->target_dir_dev),
			(unsigned long long)ev->target_dir_ino);
	}
	if (ev->client) {
		put_opt_string(f, "client", ev->client);
		if (ev->client_port)
			fprintf(f, ",\"client_port\":%u", (unsigned int)ev->client_port);
	}
	if (ev->extra && ev->extra[0])
		fprintf(f, ",%s", ev->extra);
	fprintf(f, ",\"prev\":\"%s\"", log->prev);
	if (fclose(f))
		return -ENOMEM;
	return 0;
}

int eventlog_open(struct eventlog **out, const char *path)
{
	struct eventlog *log;
	char dir[PATH_MAX], *slash;
	int ret;

	if (strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) && errno != EEXIST)
			return -errno;
	}
	log = calloc(1, sizeof(*log));
	if (!log)
		return -ENOMEM;
	strcpy(log->path, path);
	log->gid = (gid_t)-1;
	pthread_mutex_init(&log->lock, NULL);
	log->journal_fd = -1;
	log->siem_fd = -1;
	memcpy(log->prev, zero_hash, sizeof(log->prev));
	if (gethostname(log->host, sizeof(log->host) - 1))
		strcpy(log->host, "unknown");
	/* read-write: the chain resumes from the last line */
	log->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (log->fd < 0) {
		ret = -errno;
		free(log);
		return ret;
	}
	/* The log may have been created by someone else first: it must stay root-only (until
	 * eventlog_set_group() names a group that may read it). */
	ret = file_mode(log->fd, log->gid);
	if (ret)
		goto fail;
	/* another writer may be appending; and a torn line is repaired by one writer only */
	if (flock(log->fd, LOCK_EX)) {
		ret = -errno;
		goto fail;
	}
	ret = resume_chain(log);
	flock(log->fd, LOCK_UN);
	if (ret)
		goto fail;
	*out = log;
	return 0;
fail:
	close(log->fd);
	free(log);
	return ret;
}



/*
 * Append one line. The caller holds log->lock and the file's flock, and the chain is current;
 * @size is the file's size, advanced by the line.
 */
int append_locked(struct eventlog *log, const struct event *ev, off_t *size)
{
	char hash[HASH_HEX + 1], prev[HASH_HEX + 1];
	char *body = NULL, *line;
	size_t len = 0, total;
	uint64_t ts_ns = 0;
	ssize_t w;
	int ret;

	ret = format_body(log, ev, log->seq + 1, &body, &len, &ts_ns);
	if (!ret)
		ret = sha256_hex(log->prev, HASH_HEX, body, len, hash);
	if (ret)
		goto out;
	total = len + 9 + HASH_HEX + 3;
	line = realloc(body, total + 1);
	if (!line) {
		ret = -ENOMEM;
		goto out;
	}
	body = line;
	snprintf(line + len, total + 1 - len, ",\"hash\":\"%s\"}\n", hash);
	w = write(log->fd, line, total);
	if (w != (ssize_t)total) {
		ret = w < 0 ? -errno : -EIO;
		goto out;
	}
	log->seq++;
	memcpy(prev, log->prev, sizeof(prev));
	memcpy(log->prev, hash, sizeof(log->prev));
	*size += total;
	log->expect_size = *size;
	/* the copy outside the file: an anchor for the chain's end, in a root-only facility */
	if (log->sink == JOURNAL_SYSLOG)
		syslog(LOG_AUTHPRIV | LOG_INFO, "%.*s", (int)(total - 1), line);
	else if (log->sink == JOURNAL_JOURNALD)
		copy_to_journal(log, ev, line, total - 1, hash);
	if (log->siem_fd >= 0)
		copy_to_siem(log, ev, ts_ns, prev, hash);
out:
	if (ret)
		log->failed++;
	else
		log->written++;
	free(body);
	return ret;
}

/*
 * When the sealing epoch has ended, append the seal of the chain so far and step the key to
 * the current epoch (the old key is overwritten on disk). Caller holds both locks. A failure
 * is counted and reported by the next seal-error event, never a reason to drop the event.
 */
static int seal_if_due(struct eventlog *log, off_t *size)
{
	char mac[SEAL_MAC_HEX + 1], extra[128], reason[96], until[32];
	struct seal_key key;
	time_t now = time(NULL), end;
	uint64_t cur;
	struct tm tm;
	int ret;

	if (!log->seal_path[0])
		return 0;
	if (log->seal_interval && now < log->seal_t0 + (int64_t)(log->seal_epoch + 1) *
	    log->seal_interval)
		return 0;
	ret = seal_key_load(log->seal_path, &key);
	if (ret) {
		/* the key was removed or damaged: sealing has stopped, which is worth an alert */
		struct event ev = event_agent("log-seal", "alert", "the sealing key is gone or "
					      "damaged: the log is no longer sealed");

		ev.path = log->seal_path;
		append_locked(log, &ev, size);
		log->seal_failed++;
		log->seal_path[0] = '\0';
		return ret;
	}
	cur = seal_epoch_at(&key, now);
	if (key.epoch < cur) {
		struct event ev = event_agent("seal", "info", reason);

		/* the epoch that just ended: it covers every line so far, whenever it was written */
		seal_key_evolve(&key, cur - 1);
		seal_mac(&key, log->prev, mac);
		end = (time_t)seal_epoch_end(&key, key.epoch);
		gmtime_r(&end, &tm);
		strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
		snprintf(reason, sizeof(reason), "log sealed: every event until %s", until);
		snprintf(extra, sizeof(extra), "\"epoch\":%llu,\"seal\":\"%s\"",
			 (unsigned long long)key.epoch, mac);
		ev.extra = extra;
		ret = append_locked(log, &ev, size);
		seal_key_evolve(&key, cur);
		if (!ret)
			ret = seal_key_save(log->seal_path, &key);
		if (ret)
			log->seal_failed++;
	}
	log->seal_epoch = key.epoch;
	log->seal_t0 = key.t0;
	log->seal_interval = key.interval;
	memset(&key, 0, sizeof(key));
	return ret;
}

/*
 * Take both locks and make the chain current: another process may have appended, and someone
 * may have deleted the live file (then a new one continues the chain, and says so).
 */
static int lock_current(struct eventlog *log, off_t *size)
{
	bool deleted = false;
	struct stat st;
	int fd, ret;

	if (flock(log->fd, LOCK_EX))
		return -errno;
	if (fstat(log->fd, &st)) {
		ret = -errno;
		goto fail;
	}
	if (st.st_nlink == 0) {
		/* writing on would fill an inode nobody can see: start a file that continues */
		fd = open(log->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0) {
			ret = -errno;
			goto fail;
		}
		file_mode(fd, log->gid);	/* 0600 already: a failure leaves it root's */
		flock(log->fd, LOCK_UN);
		close(log->fd);
		log->fd = fd;
		if (flock(log->fd, LOCK_EX) || fstat(log->fd, &st))
			return -errno;
		deleted = st.st_size == 0;
		log->expect_size = st.st_size;
		if (st.st_size) {
			/* another writer already made the new file */
			ret = resume_chain(log);
			if (ret)
				goto fail;
		}
	}
	if (st.st_size != log->expect_size) {
		ret = resume_chain(log);
		if (ret)
			goto fail;
	}
	*size = log->expect_size;	/* the file's size, after a repair of a torn line too */
	if (deleted) {
		struct event gone = event_agent("log-missing", "alert", "the live event log was "
						"deleted: this file continues its chain");

		append_locked(log, &gone, size);
	}
	return 0;
fail:
	flock(log->fd, LOCK_UN);
	return ret;
}

int eventlog_write(struct eventlog *log, const struct event *ev)
{
	eventlog_observer_fn obs;
	void *obs_ctx;
	off_t size;
	int ret;

	pthread_mutex_lock(&log->lock);
	/*
	 * The daemon is the usual writer, but a CLI command (grant add, label set) may append while
	 * it runs: an exclusive flock serialises the processes, and a file that grew behind our
	 * back gives the chain's last hash and seq from its last line.
	 */
	ret = lock_current(log, &size);
	if (ret) {
		log->failed++;
		pthread_mutex_unlock(&log->lock);
		return ret;
	}
	seal_if_due(log, &size);
	ret = append_locked(log, ev, &size);
	flock(log->fd, LOCK_UN);
	obs = log->observer;
	obs_ctx = log->observer_ctx;
	pthread_mutex_unlock(&log->lock);
	if (!ret && obs)
		obs(obs_ctx, ev);
	return ret;
}

int eventlog_write_many(struct eventlog *log, const struct event *evs, size_t n)
{
	eventlog_observer_fn obs;
	void *obs_ctx;
	size_t i, done = 0;
	off_t size;
	int ret;

	if (!n)
		return 0;
	if (n > EVENTLOG_BATCH_MAX)
		return -EINVAL;
	pthread_mutex_lock(&log->lock);
	ret = lock_current(log, &size);
	if (ret) {
		log->failed += n;
		pthread_mutex_unlock(&log->lock);
		return ret;
	}
	bool ok[EVENTLOG_BATCH_MAX];

	for (i = 0; i < n; i++) {
		seal_if_due(log, &size);
		/* each failure is counted by append_locked(); the next line may still go */
		ok[i] = !append_locked(log, &evs[i], &size);
		done += ok[i];
	}
	flock(log->fd, LOCK_UN);
	obs = log->observer;
	obs_ctx = log->observer_ctx;
	pthread_mutex_unlock(&log->lock);
	for (i = 0; obs && i < n; i++)
		if (ok[i])
			obs(obs_ctx, &evs[i]);
	return done ? (int)done : -EIO;
}

void eventlog_set_observer(struct eventlog *log, eventlog_observer_fn fn, void *ctx)
{
	pthread_mutex_lock(&log->lock);
	log->observer = fn;
	log->observer_ctx = ctx;
	pthread_mutex_unlock(&log->lock);
}

int eventlog_seal_tick(struct eventlog *log)
{
	off_t size;
	int ret;

	pthread_mutex_lock(&log->lock);
	if (!log->seal_path[0]) {
		pthread_mutex_unlock(&log->lock);
		return 0;
	}
	ret = lock_current(log, &size);
	if (!ret) {
		ret = seal_if_due(log, &size);
		flock(log->fd, LOCK_UN);
	}
	pthread_mutex_unlock(&log->lock);
	return ret;
}

int eventlog_seal_attach(struct eventlog *log, const char *keyfile)
{
	struct seal_key key;
	int ret;

	if (strlen(keyfile) >= sizeof(log->seal_path))
		return -ENAMETOOLONG;
	ret = seal_key_load(keyfile, &key);
	if (ret)
		return ret;
	pthread_mutex_lock(&log->lock);
	strcpy(log->seal_path, keyfile);
	log->seal_epoch = key.epoch;
	log->seal_t0 = key.t0;
	log->seal_interval = key.interval;
	pthread_mutex_unlock(&log->lock);
	memset(&key, 0, sizeof(key));
	return 0;
}

int eventlog_sync(struct eventlog *log)
{
	int ret;

	pthread_mutex_lock(&log->lock);
	ret = fdatasync(log->fd) ? -errno : 0;
	pthread_mutex_unlock(&log->lock);
	return ret;
}

void eventlog_counters(const struct eventlog *log, uint64_t *written, uint64_t *failed)
{
	*written = log->written;
	*failed = log->failed;
}

void eventlog_close(struct eventlog *log)
{
	if (!log)
		return;
	fdatasync(log->fd);
	close(log->fd);
	if (log->journal_fd >= 0)
		close(log->journal_fd);
	if (log->siem_fd >= 0)
		close(log->siem_fd);
	pthread_mutex_destroy(&log->lock);
	free(log);
}

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
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/evp.h>
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
#include "log/journal.h"
#include "log/siem.h"
#include "log/seal.h"

#define HASH_HEX 64
#define LINE_MAX_BYTES (64 * 1024)

#define NAME_CACHE 64
#define NAME_CACHE_TTL 60	/* s: accounts get renamed; a minute-old name is fine */

struct eventlog {
	int fd;
	char path[PATH_MAX];
	pthread_mutex_t lock;
	uint64_t seq;
	char prev[HASH_HEX + 1];
	char host[256];
	uint64_t written, failed;
	off_t expect_size;	/* the file's size after our last line: another writer changes it */
	enum journal_sink sink;	/* the copy outside the file (log/journal.h) */
	int journal_fd;
	uint64_t sink_failed;
	/* the ECS/OCSF copy (log/siem.h): its own file, each record naming the native line */
	int siem_fmt;
	int siem_fd;
	char siem_path[PATH_MAX];
	uint64_t siem_failed;
	gid_t gid;		/* the group that may read the log ((gid_t)-1: none, root-only) */
	/* sealing (log/seal.h): the key file, and its epoch as last read (no key kept here) */
	char seal_path[PATH_MAX];
	uint64_t seal_epoch;
	int64_t seal_t0;
	uint32_t seal_interval;
	uint64_t seal_failed;
	eventlog_observer_fn observer;
	void *observer_ctx;
	/* uid -> user name: a lookup per event (NSS, maybe SSSD over the network) costs more
	 * than the rest of the event; under the lock, so no locking of its own */
	struct {
		uid_t uid;
		time_t at;
		bool known;
		char name[64];
	} names[NAME_CACHE];
};

static const char zero_hash[HASH_HEX + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

static int sha256_hex(const char *a, size_t alen, const char *b, size_t blen,
		      char out[HASH_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok, i;

	if (!ctx)
		return -ENOMEM;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) && EVP_DigestUpdate(ctx, a, alen) &&
	     EVP_DigestUpdate(ctx, b, blen) && EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok || mdlen != 32)
		return -EIO;
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[HASH_HEX] = '\0';
	return 0;
}

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
static const char *user_name(struct eventlog *log, uid_t uid)
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

/* Find the hash and prev of a complete line; -EBADMSG when the line is not a chained event. */
static int parse_chain_fields(const char *line, size_t len, size_t *body_len, char prev[HASH_HEX + 1],
			      char hash[HASH_HEX + 1], uint64_t *seq)
{
	static const char hkey[] = ",\"hash\":\"", pkey[] = ",\"prev\":\"";
	const char *h, *p, *s;
	size_t tail = sizeof(hkey) - 1 + HASH_HEX + 2;	/* ,"hash":"<64>"} */

	if (len < tail + sizeof(pkey) - 1 + HASH_HEX + 1 || line[0] != '{')
		return -EBADMSG;
	h = line + len - tail;
	if (memcmp(h, hkey, sizeof(hkey) - 1) || memcmp(line + len - 2, "\"}", 2))
		return -EBADMSG;
	memcpy(hash, h + sizeof(hkey) - 1, HASH_HEX);
	hash[HASH_HEX] = '\0';
	p = h - (sizeof(pkey) - 1 + HASH_HEX + 1);
	if (memcmp(p, pkey, sizeof(pkey) - 1) || p[sizeof(pkey) - 1 + HASH_HEX] != '"')
		return -EBADMSG;
	memcpy(prev, p + sizeof(pkey) - 1, HASH_HEX);
	prev[HASH_HEX] = '\0';
	*body_len = h - line;
	s = memmem(line, len, ",\"seq\":", 7);
	*seq = s ? strtoull(s + 7, NULL, 10) : 0;
	return 0;
}

/*
 * The chain fields of the complete line that ends just before @end (its '\n' at @end - 1), read
 * from at most the last LINE_MAX_BYTES; @start receives where that line begins.
 */
static int chain_of_line_before(int fd, off_t end, char prev[HASH_HEX + 1],
				char hash[HASH_HEX + 1], uint64_t *seq, off_t *start)
{
	size_t n = end < LINE_MAX_BYTES ? end : LINE_MAX_BYTES, body_len, i;
	off_t off = end - n;
	ssize_t r;
	char *buf;
	int ret;

	buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	r = pread(fd, buf, n, off);
	if (r != (ssize_t)n) {
		free(buf);
		return r < 0 ? -errno : -EIO;
	}
	for (i = n - 1; i > 0 && buf[i - 1] != '\n'; i--)
		;
	ret = parse_chain_fields(buf + i, n - 1 - i, &body_len, prev, hash, seq);
	free(buf);
	*start = off + i;
	return ret;
}

/*
 * A torn last line: the bytes after the last '\n' (a power cut caught a line half on disk, or
 * left a run of zeros the file system had allocated). Where the tail starts, and its SHA-256,
 * found by reading back from the end in blocks (a run of zeros may be longer than a line).
 */
static int torn_tail(int fd, off_t size, off_t *start, char sha[HASH_HEX + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[32];
	unsigned int mdlen = 0;
	char buf[65536];
	EVP_MD_CTX *ctx;
	off_t pos = size, off;
	ssize_t r;
	size_t i;
	int ret = 0;

	*start = 0;
	while (pos > 0) {
		size_t n = pos < (off_t)sizeof(buf) ? (size_t)pos : sizeof(buf);

		r = pread(fd, buf, n, pos - n);
		if (r != (ssize_t)n)
			return r < 0 ? -errno : -EIO;
		for (i = n; i > 0 && buf[i - 1] != '\n'; i--)
			;
		if (i > 0) {
			*start = pos - n + i;
			break;
		}
		pos -= n;
	}
	ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return -ENOMEM;
	}
	for (off = *start; off < size && !ret; off += r) {
		size_t n = size - off < (off_t)sizeof(buf) ? (size_t)(size - off) : sizeof(buf);

		r = pread(fd, buf, n, off);
		if (r <= 0)
			ret = r < 0 ? -errno : -EIO;
		else if (!EVP_DigestUpdate(ctx, buf, r))
			ret = -EIO;
	}
	if (!ret && (!EVP_DigestFinal_ex(ctx, md, &mdlen) || mdlen != 32))
		ret = -EIO;
	EVP_MD_CTX_free(ctx);
	if (ret)
		return ret;
	for (i = 0; i < 32; i++) {
		sha[2 * i] = hex[md[i] >> 4];
		sha[2 * i + 1] = hex[md[i] & 15];
	}
	sha[HASH_HEX] = '\0';
	return 0;
}

static int append_locked(struct eventlog *log, const struct event *ev, off_t *size);

/*
 * Repair a torn last line, so that a power cut is never a reason not to start. The torn bytes
 * stay where they are (they are evidence, and may hold most of an event), closed by a '\n'; the
 * next line is a log-repair alert chained to the last whole line, naming the torn bytes' length
 * and SHA-256. `log verify` accepts an unchained line only when such a line follows it and
 * matches, so the repair cannot hide an edit, and the chain (and seals) go on through it.
 * A tail that is a whole chained line which only lost its '\n' gets the '\n' back and goes on.
 * Caller holds the file's flock.
 */
static int repair_torn(struct eventlog *log, off_t size)
{
	char prev[HASH_HEX + 1], hash[HASH_HEX + 1], sha[HASH_HEX + 1], reason[160], extra[160];
	off_t start, line_start;
	uint64_t seq = 0, torn;
	bool whole = false;
	struct event ev;
	int ret;

	ret = torn_tail(log->fd, size, &start, sha);
	if (ret)
		return ret;
	torn = size - start;
	if (start > 0) {
		ret = chain_of_line_before(log->fd, start, prev, hash, &seq, &line_start);
		if (ret)
			return ret;	/* the line before is no event either: not a torn line */
	} else {
		memcpy(hash, zero_hash, sizeof(hash));
		seq = 0;
	}
	{
		/*
		 * a whole line that lost only its newline (the size reached the disk, not the
		 * last byte): does the tail parse as the event that follows the line before it?
		 */
		char *buf = torn < LINE_MAX_BYTES ? malloc(torn) : NULL;
		char p2[HASH_HEX + 1], h2[HASH_HEX + 1];
		size_t body_len;
		uint64_t seq2;

		if (buf && pread(log->fd, buf, torn, start) == (ssize_t)torn &&
		    !parse_chain_fields(buf, torn, &body_len, p2, h2, &seq2) &&
		    !strcmp(p2, hash) && seq2 == seq + 1) {
			char check[HASH_HEX + 1];

			whole = !sha256_hex(p2, HASH_HEX, buf, body_len, check) && !strcmp(check, h2);
			if (whole) {
				memcpy(hash, h2, sizeof(hash));
				seq = seq2;
			}
		}
		free(buf);
	}
	if (write(log->fd, "\n", 1) != 1)
		return -errno;
	size++;
	memcpy(log->prev, hash, sizeof(log->prev));
	log->seq = seq;
	log->expect_size = size;
	if (whole) {
		snprintf(reason, sizeof(reason), "the last line had lost its newline (power cut or "
			 "crash): the newline was restored");
		snprintf(extra, sizeof(extra), "\"torn_bytes\":0");
	} else {
		snprintf(reason, sizeof(reason), "the last line was torn (power cut or crash): its %llu "
			 "bytes are kept, unchained, before this line", (unsigned long long)torn);
		snprintf(extra, sizeof(extra), "\"torn_bytes\":%llu,\"torn_sha256\":\"%s\"",
			 (unsigned long long)torn, sha);
	}
	ev = event_agent("log-repair", "alert", reason);
	ev.path = log->path;
	ev.extra = extra;
	return append_locked(log, &ev, &size);
}

/* Resume seq and prev from the last line of an existing log; repair a torn last line. */
static int resume_chain(struct eventlog *log)
{
	char prev[HASH_HEX + 1], hash[HASH_HEX + 1], last;
	struct stat st;
	uint64_t seq;
	off_t start;
	ssize_t r;
	int ret;

	if (fstat(log->fd, &st))
		return -errno;
	log->expect_size = st.st_size;
	if (st.st_size == 0) {
		memcpy(log->prev, zero_hash, sizeof(log->prev));
		log->seq = 0;
		return 0;
	}
	r = pread(log->fd, &last, 1, st.st_size - 1);
	if (r != 1)
		return r < 0 ? -errno : -EIO;
	if (last != '\n')
		return repair_torn(log, st.st_size);
	ret = chain_of_line_before(log->fd, st.st_size, prev, hash, &seq, &start);
	if (ret)
		return ret;
	memcpy(log->prev, hash, sizeof(log->prev));
	log->seq = seq;
	return 0;
}

/*
 * A log file's owner and mode: root-only (0600), or readable by the policy's log group (0640,
 * group @gid). Only a regular file: `--log /dev/null` (or a FIFO to a collector) must not make
 * the device root-only, or the group's, for every user of the machine.
 */
static int file_mode(int fd, gid_t gid)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	if (gid != (gid_t)-1 && st.st_gid != gid && fchown(fd, -1, gid) && errno != EPERM)
		return -errno;
	if (fchmod(fd, gid == (gid_t)-1 ? 0600 : 0640) && errno != EPERM)
		return -errno;
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

/* The event as journald fields; a failure is counted, the file has the event either way. */
static void copy_to_journal(struct eventlog *log, const struct event *ev, const char *line,
			    size_t len, const char *hash)
{
	char *dgram = NULL;
	size_t dlen = 0;

	if (journal_format(ev, line, len, (unsigned long long)log->seq, hash, log->host,
			   ev->uid != (uint32_t)-1 ? user_name(log, ev->uid) : NULL, &dgram, &dlen) ||
	    journal_send(&log->journal_fd, JOURNAL_SOCKET, dgram, dlen))
		log->sink_failed++;
	free(dgram);
}

/*
 * The ECS/OCSF record of the line just written, to its own file: one write(2), as the native
 * line. A failure is counted (eventlog_counters()), the native log has the event either way.
 */
static void copy_to_siem(struct eventlog *log, const struct event *ev, uint64_t ts_ns,
			 const char *prev, const char *hash)
{
	struct siem_chain c = { .ts_ns = ts_ns, .seq = log->seq, .hash = hash, .prev = prev,
				.host = log->host };
	char *rec = NULL;
	size_t len = 0;

	if (ev->uid != (uint32_t)-1)
		c.user = user_name(log, ev->uid);
	if (siem_format_line(log->siem_fmt, ev, &c, &rec, &len) ||
	    write(log->siem_fd, rec, len) != (ssize_t)len)
		log->siem_failed++;
	free(rec);
}

int eventlog_set_siem(struct eventlog *log, int fmt, const char *path)
{
	int fd = -1, ret = 0;

	if (fmt != SIEM_NONE) {
		if (!path || strlen(path) >= sizeof(log->siem_path))
			return -EINVAL;
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return -errno;
	}
	pthread_mutex_lock(&log->lock);
	if (log->siem_fd >= 0)
		close(log->siem_fd);
	log->siem_fd = fd;
	log->siem_fmt = fmt;
	snprintf(log->siem_path, sizeof(log->siem_path), "%s", fd >= 0 ? path : "");
	pthread_mutex_unlock(&log->lock);
	return ret;
}

/*
 * Append one line. The caller holds log->lock and the file's flock, and the chain is current;
 * @size is the file's size, advanced by the line.
 */
static int append_locked(struct eventlog *log, const struct event *ev, off_t *size)
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

/* The SIEM file turns over with the native log, keeping as many. Caller holds log->lock. */
static void rotate_siem(struct eventlog *log, unsigned int keep)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	unsigned int i;
	int fd;

	for (i = keep; i > 0; i--) {
		snprintf(to, sizeof(to), "%s.%u", log->siem_path, i);
		if (i > 1)
			snprintf(from, sizeof(from), "%s.%u", log->siem_path, i - 1);
		else
			snprintf(from, sizeof(from), "%s", log->siem_path);
		rename(from, to);
	}
	fd = open(log->siem_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		log->siem_failed++;
		return;
	}
	close(log->siem_fd);
	log->siem_fd = fd;
}

int eventlog_rotate(struct eventlog *log, unsigned int keep)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16], extra[PATH_MAX + 32];
	const char *base;
	unsigned int i;
	int fd, ret;

	if (!keep)
		keep = 1;
	pthread_mutex_lock(&log->lock);
	/* events.jsonl.(keep-1) -> .keep ... events.jsonl -> .1; the oldest beyond keep is dropped */
	for (i = keep; i > 0; i--) {
		snprintf(to, sizeof(to), "%s.%u", log->path, i);
		if (i > 1)
			snprintf(from, sizeof(from), "%s.%u", log->path, i - 1);
		else
			snprintf(from, sizeof(from), "%s", log->path);
		if (rename(from, to) && errno != ENOENT) {
			ret = -errno;
			pthread_mutex_unlock(&log->lock);
			return ret;
		}
	}
	fd = open(log->path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		ret = -errno;
		pthread_mutex_unlock(&log->lock);
		return ret;
	}
	file_mode(fd, log->gid);	/* the new file as readable as the old: 0600 if this fails */
	fdatasync(log->fd);
	close(log->fd);
	log->fd = fd;
	log->expect_size = 0;
	if (log->siem_fd >= 0)
		rotate_siem(log, keep);
	pthread_mutex_unlock(&log->lock);

	/* the new file opens with the chain's continuation, so it cannot be cut from the front */
	base = strrchr(log->path, '/');
	base = base ? base + 1 : log->path;
	snprintf(extra, sizeof(extra), "\"continues\":\"%s.1\"", base);
	{
		struct event ev = event_agent("rotate", "info", "log rotated by size");

		ev.extra = extra;

		return eventlog_write(log, &ev);
	}
}

int eventlog_sync(struct eventlog *log)
{
	int ret;

	pthread_mutex_lock(&log->lock);
	ret = fdatasync(log->fd) ? -errno : 0;
	pthread_mutex_unlock(&log->lock);
	return ret;
}

/* Every name in @dir is the log's (@base, @base.N, ...): the directory is the log's own. */
static bool dir_is_logs(const char *dir, const char *base)
{
	size_t n = strlen(base);
	struct dirent *e;
	bool own = true;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (own && (e = readdir(d)))
		own = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		      !strncmp(e->d_name, base, n);
	closedir(d);
	return own;
}

/* @name is @base or @base.N (a rotated file). */
static bool is_rotated(const char *name, const char *base)
{
	size_t n = strlen(base);

	if (strncmp(name, base, n) || name[n] != '.' || !name[n + 1])
		return false;
	for (name += n + 1; *name; name++)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}

int eventlog_set_group(struct eventlog *log, gid_t gid)
{
	char dir[PATH_MAX], file[PATH_MAX + 256], *slash;
	const char *base;
	struct dirent *e;
	struct stat st;
	int ret, fd, shared = 0;
	DIR *d;

	pthread_mutex_lock(&log->lock);
	log->gid = gid;
	ret = file_mode(log->fd, gid);
	pthread_mutex_unlock(&log->lock);
	if (ret)
		return ret;
	strcpy(dir, log->path);
	slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	base = log->path + (slash - dir) + 1;
	if (slash == dir)
		strcpy(dir, "/");
	else
		*slash = '\0';
	/*
	 * The directory too, but only the log's own (root's, holding nothing else): a log in
	 * /var/log or /tmp must not change who may list them.
	 */
	if (lstat(dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || !strcmp(dir, "/") ||
	    !dir_is_logs(dir, base)) {
		shared = 1;
	} else {
		gid_t to = gid == (gid_t)-1 ? 0 : gid;

		if (st.st_gid != to && chown(dir, -1, to))
			return -errno;
		if (chmod(dir, gid == (gid_t)-1 ? 0700 : 0750))
			return -errno;
	}
	/* the rotated files, as readable as the live one */
	d = opendir(dir);
	if (!d)
		return shared;
	while ((e = readdir(d))) {
		if (!is_rotated(e->d_name, base) ||
		    (size_t)snprintf(file, sizeof(file), "%s/%s", dir, e->d_name) >= sizeof(file))
			continue;
		fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0)
			continue;
		file_mode(fd, gid);
		close(fd);
	}
	closedir(d);
	return shared;
}

enum journal_sink eventlog_set_syslog(struct eventlog *log, bool on)
{
	enum journal_sink sink = on ? journal_probe() : JOURNAL_NONE;

	pthread_mutex_lock(&log->lock);
	if (sink == JOURNAL_SYSLOG && log->sink != JOURNAL_SYSLOG)
		openlog("pdguard", LOG_PID | LOG_NDELAY, LOG_AUTHPRIV);
	log->sink = sink;
	pthread_mutex_unlock(&log->lock);
	return sink;
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

/*
 * Is @line the log-repair event for a torn line of @torn_len bytes with SHA-256 @torn_sha? Both
 * numbers are inside the hashed body, so they cannot be changed without breaking the chain.
 */
static bool torn_repair_matches(const char *line, size_t len, uint64_t torn_len,
				const char *torn_sha)
{
	static const char op[] = ",\"op\":\"log-repair\",", bk[] = ",\"torn_bytes\":",
			  sk[] = ",\"torn_sha256\":\"";
	const char *b, *h;

	if (!memmem(line, len, op, sizeof(op) - 1))
		return false;
	b = memmem(line, len, bk, sizeof(bk) - 1);
	h = memmem(line, len, sk, sizeof(sk) - 1);
	if (!b || !h || !torn_sha[0] || strtoull(b + sizeof(bk) - 1, NULL, 10) != torn_len)
		return false;
	h += sizeof(sk) - 1;
	return (size_t)(line + len - h) > HASH_HEX && !memcmp(h, torn_sha, HASH_HEX) &&
	       h[HASH_HEX] == '"';
}

int eventlog_verify(const char *path, const char *chain_from, uint64_t *lines, uint64_t *bad_line,
		    char last_hash[65])
{
	return eventlog_verify_sealed(path, chain_from, NULL, lines, bad_line, last_hash);
}

int eventlog_verify_sealed(const char *path, const char *chain_from, struct seal_check *sc,
			   uint64_t *lines, uint64_t *bad_line, char last_hash[65])
{
	static const char op_rotate[] = ",\"op\":\"rotate\",";
	static const char op_missing[] = ",\"op\":\"log-missing\",";
	char prev[HASH_HEX + 1], hash[HASH_HEX + 1], expect[HASH_HEX + 1], want_prev[HASH_HEX + 1];
	char torn_sha[HASH_HEX + 1];
	uint64_t n = 0, seq, last_seq = 0, torn_line = 0, torn_len = 0;
	size_t cap = 0, body_len;
	char *line = NULL;
	ssize_t len;
	int ret = 0;
	bool ok, parsed;
	FILE *f;

	*lines = 0;
	*bad_line = 0;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	snprintf(want_prev, sizeof(want_prev), "%s", chain_from ? chain_from : "");
	while ((len = getline(&line, &cap, f)) > 0) {
		n++;
		parsed = line[len - 1] == '\n' &&
			 !parse_chain_fields(line, len - 1, &body_len, prev, hash, &seq);
		ok = parsed && !sha256_hex(prev, HASH_HEX, line, body_len, expect) &&
		     !strcmp(expect, hash);
		/*
		 * a line that is no event at all may be the torn tail of a power cut, if the next
		 * line is the writer's log-repair naming exactly these bytes (repair_torn())
		 */
		if (!parsed && !torn_line) {
			torn_line = n;
			torn_len = len - (line[len - 1] == '\n');
			if (sha256_hex(line, torn_len, "", 0, torn_sha))
				torn_sha[0] = '\0';
			continue;
		}
		if (ok && torn_line)
			ok = torn_repair_matches(line, len - 1, torn_len, torn_sha);
		if (ok && want_prev[0])
			ok = !strcmp(prev, want_prev) && (!last_seq || seq == last_seq + 1);
		/*
		 * a file starts a chain (seq 1 from zeros) or continues one: after rotation, or
		 * when the live file was deleted and the writer started a new one
		 */
		else if (ok)
			ok = (seq == 1 && !strcmp(prev, zero_hash)) ||
			     memmem(line, len, op_rotate, sizeof(op_rotate) - 1) ||
			     memmem(line, len, op_missing, sizeof(op_missing) - 1);
		if (ok && sc)
			ok = !seal_check_line(sc, line, len - 1, prev);
		if (!ok) {
			ret = -EBADMSG;
			*bad_line = torn_line ? torn_line : n;
			break;
		}
		torn_line = 0;
		memcpy(want_prev, hash, sizeof(want_prev));
		last_seq = seq;
	}
	/* a torn line not yet repaired (no writer has opened the log since) is not intact */
	if (!ret && torn_line) {
		ret = -EBADMSG;
		*bad_line = torn_line;
	}
	if (!ret && ferror(f))
		ret = -EIO;
	if (last_hash)
		memcpy(last_hash, want_prev, HASH_HEX + 1);
	free(line);
	fclose(f);
	*lines = n;
	return ret;
}

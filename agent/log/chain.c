// SPDX-License-Identifier: GPL-2.0
/*
 * The event log's hash chain read back (log/events.c says what a line holds): where a writer
 * resumes the chain from the last line, the repair of a torn last line after a power cut, and
 * the verification of a whole file (`pdguard log verify`), seals included.
 */
#include <errno.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log/events.h"
#include "log/internal.h"
#include "log/seal.h"

const char zero_hash[HASH_HEX + 1] =
	"0000000000000000000000000000000000000000000000000000000000000000";

int sha256_hex(const char *a, size_t alen, const char *b, size_t blen,
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

/* Find the hash and prev of a complete line; -EBADMSG when the line is not a chained event. */
int parse_chain_fields(const char *line, size_t len, size_t *body_len, char prev[HASH_HEX + 1],
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
int resume_chain(struct eventlog *log)
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

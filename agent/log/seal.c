// SPDX-License-Identifier: GPL-2.0
/*
 * Forward-secure sealing (log/seal.h): key evolution, seals, and the verifier's walk.
 *
 * key(i+1) = SHA-256("pdguard seal evolve" || key(i)); seal(i) = HMAC-SHA-256(key(i),
 * "pdguard seal" || prev || ":" || i). The same construction as journald's sealing in spirit
 * (Bellare-Yee forward-secure MACs), kept this small so an auditor can check it by hand.
 */
#include <errno.h>
#include <inttypes.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "lib/atomicfile.h"
#include "log/seal.h"

/* An event is dated when it happened (a BPF record, an alert) and written a moment later. */
#define SLACK_S 30

static const char hexd[] = "0123456789abcdef";

static void to_hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexd[b[i] >> 4];
		out[2 * i + 1] = hexd[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int from_hex(const char *s, uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < 2 * n; i++) {
		const char *p = s[i] ? strchr(hexd, s[i]) : NULL;

		if (!p)
			return -EINVAL;
		if (i % 2)
			b[i / 2] |= (uint8_t)(p - hexd);
		else
			b[i / 2] = (uint8_t)((p - hexd) << 4);
	}
	return 0;
}

int seal_key_new(struct seal_key *out, uint32_t interval, time_t now)
{
	size_t got = 0;

	if (!interval)
		return -EINVAL;
	while (got < sizeof(out->k)) {
		ssize_t n = getrandom(out->k + got, sizeof(out->k) - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	out->epoch = 0;
	out->t0 = now;
	out->interval = interval;
	return 0;
}

int seal_key_load(const char *path, struct seal_key *out)
{
	char line[256], hex[65];
	unsigned long long epoch;
	long long t0;
	unsigned int interval;
	FILE *f = fopen(path, "re");
	int ret = 0;

	if (!f)
		return -errno;
	if (!fgets(line, sizeof(line), f) ||
	    sscanf(line, "pdguard-seal 1 epoch=%llu t0=%lld interval=%u key=%64s", &epoch, &t0,
		   &interval, hex) != 4 || strlen(hex) != 64 || !interval ||
	    from_hex(hex, out->k, sizeof(out->k)))
		ret = -EBADMSG;
	fclose(f);
	memset(line, 0, sizeof(line));
	memset(hex, 0, sizeof(hex));
	if (ret)
		return ret;
	out->epoch = epoch;
	out->t0 = t0;
	out->interval = interval;
	return 0;
}

int seal_key_save(const char *path, const struct seal_key *key)
{
	struct atomic_file a;
	char hex[65];
	int ret;

	ret = atomic_file_open(&a, path, 0600);
	if (ret)
		return ret;
	to_hex(key->k, sizeof(key->k), hex);
	fprintf(a.f, "pdguard-seal 1 epoch=%llu t0=%lld interval=%u key=%s\n",
		(unsigned long long)key->epoch, (long long)key->t0, key->interval, hex);
	memset(hex, 0, sizeof(hex));
	/* the old key's bytes go with the old file: rename replaces it whole */
	return atomic_file_commit(&a);
}

void seal_key_evolve(struct seal_key *key, uint64_t epoch)
{
	static const char tag[] = "pdguard seal evolve";
	uint8_t buf[sizeof(tag) - 1 + 32];
	unsigned int n;

	while (key->epoch < epoch) {
		memcpy(buf, tag, sizeof(tag) - 1);
		memcpy(buf + sizeof(tag) - 1, key->k, 32);
		n = 32;
		EVP_Digest(buf, sizeof(buf), key->k, &n, EVP_sha256(), NULL);
		key->epoch++;
	}
	memset(buf, 0, sizeof(buf));
}

uint64_t seal_epoch_at(const struct seal_key *key, time_t t)
{
	return t <= key->t0 ? 0 : (uint64_t)(t - key->t0) / key->interval;
}

int64_t seal_epoch_end(const struct seal_key *key, uint64_t e)
{
	return key->t0 + (int64_t)(e + 1) * key->interval;
}

void seal_mac(const struct seal_key *key, const char *prev, char out[SEAL_MAC_HEX + 1])
{
	uint8_t mac[32];
	unsigned int n = sizeof(mac);
	char msg[128];
	int len;

	len = snprintf(msg, sizeof(msg), "pdguard seal%.64s:%llu", prev,
		       (unsigned long long)key->epoch);
	HMAC(EVP_sha256(), key->k, sizeof(key->k), (const uint8_t *)msg, (size_t)len, mac, &n);
	to_hex(mac, sizeof(mac), out);
}

void seal_verkey_format(const struct seal_key *key0, char *buf, size_t len)
{
	char hex[65];

	to_hex(key0->k, sizeof(key0->k), hex);
	snprintf(buf, len, "%s-%lld-%u", hex, (long long)key0->t0, key0->interval);
	memset(hex, 0, sizeof(hex));
}

int seal_verkey_parse(const char *s, struct seal_key *key0)
{
	long long t0;
	unsigned int interval;
	char tail;

	if (strlen(s) < 66 || s[64] != '-' || from_hex(s, key0->k, sizeof(key0->k)) ||
	    sscanf(s + 65, "%lld-%u%c", &t0, &interval, &tail) != 2 || !interval)
		return -EINVAL;
	key0->epoch = 0;
	key0->t0 = t0;
	key0->interval = interval;
	return 0;
}

void seal_check_init(struct seal_check *c, const struct seal_key *key0)
{
	memset(c, 0, sizeof(*c));
	c->key = *key0;
	c->pending_min_ts = INT64_MAX;
	c->pending_max_ts = INT64_MIN;
}

/* The line's "ts" as Unix seconds, or -1. */
static int64_t line_ts(const char *line, size_t len)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, s;

	if (len < 30 || memcmp(line, "{\"ts\":\"", 7) ||
	    sscanf(line + 7, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

static int __attribute__((format(printf, 2, 3))) fail(struct seal_check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
	return -EBADMSG;
}

int seal_check_line(struct seal_check *c, const char *line, size_t len, const char *prev)
{
	static const char op[] = ",\"op\":\"seal\",", ek[] = ",\"epoch\":", sk[] = ",\"seal\":\"";
	const char *e, *s;
	char want[SEAL_MAC_HEX + 1];
	unsigned long long epoch;
	int64_t ts = line_ts(line, len);

	if (ts < 0)
		return fail(c, "the line has no time stamp");
	if (!memmem(line, len, op, sizeof(op) - 1)) {
		c->pending++;
		if (ts < c->pending_min_ts)
			c->pending_min_ts = ts;
		if (ts > c->pending_max_ts)
			c->pending_max_ts = ts;
		/* after a seal, nothing can claim to be older than the epoch that seal closed */
		if (c->nseals && ts < seal_epoch_end(&c->key, c->sealed) - SLACK_S)
			return fail(c, "an event dated before the end of sealed epoch %llu follows "
				    "its seal", (unsigned long long)c->sealed);
		return 0;
	}
	e = memmem(line, len, ek, sizeof(ek) - 1);
	s = memmem(line, len, sk, sizeof(sk) - 1);
	if (!e || !s || (size_t)(line + len - s) < sizeof(sk) - 1 + SEAL_MAC_HEX ||
	    sscanf(e + sizeof(ek) - 1, "%llu", &epoch) != 1)
		return fail(c, "a seal line without its epoch or seal");
	if (c->nseals && epoch <= c->sealed)
		return fail(c, "seal of epoch %llu after the seal of epoch %llu", epoch,
			    (unsigned long long)c->sealed);
	if (epoch < c->key.epoch)
		return fail(c, "seal of epoch %llu before the verification key's start",
			    epoch);
	seal_key_evolve(&c->key, epoch);
	seal_mac(&c->key, prev, want);
	if (memcmp(want, s + sizeof(sk) - 1, SEAL_MAC_HEX))
		return fail(c, "the seal of epoch %llu does not match: a line before it was "
			    "changed, removed or added", epoch);
	/* a seal is written once its epoch is over, and covers only lines written before that */
	if (ts < seal_epoch_end(&c->key, epoch) - SLACK_S)
		return fail(c, "the seal of epoch %llu is dated before its epoch ended", epoch);
	if (c->pending_max_ts != INT64_MIN &&
	    c->pending_max_ts > seal_epoch_end(&c->key, epoch) + SLACK_S)
		return fail(c, "the seal of epoch %llu covers events dated after its epoch",
			    epoch);
	if (!c->nseals)
		c->first = epoch;
	c->sealed = epoch;
	c->nseals++;
	c->pending = 0;
	c->pending_min_ts = INT64_MAX;
	c->pending_max_ts = INT64_MIN;
	return 0;
}

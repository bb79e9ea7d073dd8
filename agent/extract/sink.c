// SPDX-License-Identifier: GPL-2.0
/*
 * The sink side of extraction (sink.h): what every reader calls to hand text on, record why
 * extraction is short of complete, and check its limits.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract/sink.h"
#include "lib/utf8.h"

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */

uint64_t x_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Set from a signal handler: a lock-free atomic flag, read by every extraction's x_halted(). */
static volatile sig_atomic_t cancelled;

void extract_cancel(void)
{
	cancelled = 1;
}

bool extract_cancelled(void)
{
	return cancelled;
}

/*
 * Records why extraction is (or will be) short of complete. A limit, the sink, I/O errors and
 * cancelling end the whole extraction and win over a damaged, encrypted or unsupported part seen
 * before; an encrypted part wins over a damaged or unsupported one (it surely holds something
 * unread); otherwise the first reason stays, so the error names the first problem met.
 */
void x_status(struct xctx *x, int status, const char *fmt, ...)
{
	struct extract_result *res = x->res;
	bool fatal = status == EXTRACT_LIMIT || status == EXTRACT_STOPPED ||
		     status == EXTRACT_IO || status == EXTRACT_CANCELLED;
	va_list ap;

	if (x->stop)
		return;
	if (fatal)
		x->stop = true;
	else if (res->status != EXTRACT_OK &&
		 (status != EXTRACT_ENCRYPTED || res->status == EXTRACT_ENCRYPTED))
		return;
	res->status = status;
	va_start(ap, fmt);
	vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
}

/* True when extraction must end; checks the clock, so every loop calls it. */
bool x_halted(struct xctx *x)
{
	if (x->stop)
		return true;
	if (cancelled) {
		x_status(x, EXTRACT_CANCELLED, "cancelled: the agent is stopping");
		return true;
	}
	if (x_now_ns() > x->deadline_ns) {
		x_status(x, EXTRACT_LIMIT, "limit exceeded: time over %u ms", x->lim.max_ms);
		return true;
	}
	return false;
}

uint64_t x_ms_left(struct xctx *x)
{
	uint64_t now = x_now_ns();

	return now >= x->deadline_ns ? 0 : (x->deadline_ns - now) / 1000000ULL;
}

/* strerror() is not thread-safe; the descriptions themselves are constant. */
const char *x_errstr(int err)
{
	const char *s = strerrordesc_np(err);

	return s ? s : "unknown error";
}

static int x_sink(struct xctx *x, const char *s, size_t n)
{
	int rc;

	if (x->sink_done || !n)
		return x->sink_done ? -1 : 0;
	rc = x->sink(x->sink_ctx, s, n);
	if (rc == 0) {
		x->res->text_bytes += n;
		return x_halted(x) ? -1 : 0;
	}
	x->sink_done = true;
	if (rc > 0) {
		x->res->text_bytes += n;
		/* The sink's stop is final whatever was recorded: it asked, it got it. */
		x->stop = false;
		x->res->status = EXTRACT_OK;
		x_status(x, EXTRACT_STOPPED, "%s", "");
	} else {
		x->stop = false;
		x->res->status = EXTRACT_OK;
		x_status(x, EXTRACT_IO, "sink failed: %s", x_errstr(-rc));
	}
	return -1;
}

/* Length of the longest prefix of s[0..n) that does not end inside a UTF-8 character. */
static size_t utf8_cut(const char *s, size_t n, size_t want)
{
	if (want >= n)
		return n;
	while (want > 0 && ((unsigned char)s[want] & 0xc0) == 0x80)
		want--;
	return want;
}

/*
 * Queue valid UTF-8 for the sink. Enforces the text limit (text up to the limit is still given
 * to the sink) and never splits a character between two sink calls.
 * Return: 0, or -1 when extraction must stop.
 */
int x_emit(struct xctx *x, const char *s, size_t n)
{
	uint64_t room;
	bool over = false;

	if (x->stop)
		return -1;
	if (!n)
		return 0;
	room = x->lim.max_text_bytes - x->emitted;
	if (n > room) {
		n = utf8_cut(s, n, room);
		over = true;
	}
	x->emitted += n;
	if (n)
		x->last = s[n - 1];
	/* Big runs go to the sink as they are: no copy. */
	if (n >= X_OUT_BYTES) {
		if (x->out_len && x_sink(x, x->out, x->out_len))
			return -1;
		x->out_len = 0;
		if (x_sink(x, s, n))
			return -1;
		n = 0;
	}
	while (n) {
		size_t k = utf8_cut(s, n, X_OUT_BYTES - x->out_len);

		if (!k) {
			if (x_sink(x, x->out, x->out_len))
				return -1;
			x->out_len = 0;
			continue;
		}
		memcpy(x->out + x->out_len, s, k);
		x->out_len += k;
		s += k;
		n -= k;
	}
	if (over) {
		x_status(x, EXTRACT_LIMIT, "limit exceeded: text over %llu bytes",
			 (unsigned long long)x->lim.max_text_bytes);
		return -1;
	}
	return 0;
}

/* A boundary between document parts: one '\n', never a run of them. */
int x_emit_sep(struct xctx *x)
{
	if (!x->emitted || x->last == '\n')
		return x->stop ? -1 : 0;
	return x_emit(x, "\n", 1);
}

void x_boundary(struct xctx *x)
{
	if (!x->boundary || x->stop || x->sink_done || x->emitted == x->emitted_at_boundary)
		return;
	x_flush(x);
	if (x->sink_done)
		return;
	x->boundary(x->sink_ctx);
	x->emitted_at_boundary = x->emitted;
	x->last = '\n';	/* the next document starts on a line of its own */
}

/* Hand what is queued to the sink, unless the sink itself asked to stop or failed. */
void x_flush(struct xctx *x)
{
	if (x->out_len && !x->sink_done)
		x_sink(x, x->out, x->out_len);
	x->out_len = 0;
}

/*
 * Emit valid UTF-8 in which NUL bytes are not text: a run of them (padding, the zeros a crash
 * leaves in a log, a sparse file's holes) becomes one boundary, so the sink gets no noise.
 */
int x_emit_text(struct xctx *x, const char *s, size_t n)
{
	while (n) {
		const char *z = memchr(s, 0, n);
		size_t k = z ? (size_t)(z - s) : n;

		if (k && x_emit(x, s, k))
			return -1;
		if (!z)
			break;
		while (k < n && !s[k])
			k++;
		if (x_emit_sep(x))
			return -1;
		s += k;
		n -= k;
	}
	return 0;
}

/*
 * Emit bytes that should be UTF-8, replacing what is not. An incomplete character at the very end
 * is replaced too: callers that stream keep it back themselves (see utf8_block()).
 */
int x_emit_bytes(struct xctx *x, const uint8_t *s, size_t n)
{
	while (n) {
		size_t ok = utf8_valid_len(s, n);

		if (ok && x_emit_text(x, (const char *)s, ok))
			return -1;
		s += ok;
		n -= ok;
		if (!n)
			break;
		if (x_emit(x, REPLACEMENT, 3))
			return -1;
		s++;
		n--;
	}
	return 0;
}

/*
 * A numeric cell as text a person would read: Excel writes 900101300007 as "900101300007",
 * "9.00101300007E+11" or "900101300007.0" depending on the writer; all come out as the integer.
 * An 11-digit integer is followed by itself with a leading 0 on its own line: an IIN born in
 * 2000-2009 starts with 0, which Excel drops when the IIN was typed as a number.
 */
int x_emit_number(struct xctx *x, const char *s, size_t n)
{
	char dig[40], out[72];
	const char *d = dig;
	size_t nd = 0, i = 0, o = 0, k;
	long point = -1, exp = 0, intlen;
	bool neg = false;

	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (nd == sizeof(dig))
				goto verbatim;
			dig[nd++] = s[i];
		} else if (s[i] == '.' && point < 0) {
			point = nd;
		} else {
			break;
		}
	}
	if (!nd)
		goto verbatim;
	if (point < 0)
		point = nd;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		bool eneg = false;
		size_t start;

		i++;
		if (i < n && (s[i] == '-' || s[i] == '+'))
			eneg = s[i++] == '-';
		for (start = i; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (exp > 1000)
				goto verbatim;
			exp = exp * 10 + (s[i] - '0');
		}
		if (i == start)
			goto verbatim;
		if (eneg)
			exp = -exp;
	}
	if (i != n)
		goto verbatim;
	/* value = 0.d[0]d[1]... * 10^(point + exp), once leading zeros are gone */
	while (nd && *d == '0') {
		d++;
		nd--;
		point--;
	}
	intlen = point + exp;
	if (!nd) {
		out[o++] = '0';
		return x_emit(x, out, o);
	}
	if (intlen <= 0 || intlen > 30)
		goto verbatim;
	for (k = intlen; k < nd; k++)
		if (d[k] != '0')
			goto verbatim;
	if (neg)
		out[o++] = '-';
	for (k = 0; k < (size_t)intlen; k++)
		out[o++] = k < nd ? d[k] : '0';
	if (!neg && intlen == 11) {
		out[o++] = '\n';
		out[o++] = '0';
		memcpy(out + o, out, 11);
		o += 11;
	}
	return x_emit(x, out, o);
verbatim:
	return x_emit_bytes(x, (const uint8_t *)s, n);
}

void x_photo(struct xctx *x, const char *desc)
{
	if (!x->res->photos++)
		snprintf(x->res->photo, sizeof(x->res->photo), "%s", desc);
	if (x->picture)
		x->picture(x->sink_ctx, EXTRACT_PHOTO, desc);
}

/*
 * A member spooled to a file of its own (a nested archive, a PDF, a legacy document) is read as
 * the dispatcher reads a file: through the hook it set, so no reader calls up into it.
 */
void x_nested(struct xctx *x, int fd, uint64_t size, unsigned int depth, const char *name)
{
	x->nested(x, fd, size, depth, name);
}

/*
 * Copy a member name into an error message: control characters and quotes replaced, invalid
 * UTF-8 replaced, long names shortened in the middle so both ends stay readable.
 */
void x_printable_name(char *dst, size_t size, const char *name)
{
	const size_t keep = 40;
	size_t n = strlen(name), o = 0, i = 0;
	bool cut = false;

	if (!size)
		return;
	while (i < n && o + 8 < size) {
		unsigned char c = name[i];
		size_t len;

		if (!cut && n > 2 * keep + 3 && i >= keep) {
			memcpy(dst + o, "...", 3);
			o += 3;
			i = n - keep;
			while (i < n && ((unsigned char)name[i] & 0xc0) == 0x80)
				i++;
			cut = true;
			continue;
		}
		if (c < 0x20 || c == 0x7f || c == '\'') {
			dst[o++] = '?';
			i++;
			continue;
		}
		len = utf8_seq_len((const uint8_t *)name + i, n - i);
		if (!len) {
			dst[o++] = '?';
			i++;
			continue;
		}
		memcpy(dst + o, name + i, len);
		o += len;
		i += len;
	}
	dst[o] = '\0';
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Plain text: converted to UTF-8 from the encoding encoding.c detected, streamed block by block.
 */
#include <stdlib.h>
#include <string.h>

#include "extract/encoding.h"
#include "extract/readers.h"
#include "extract/sink.h"
#include "lib/utf8.h"

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD */

/* UTF-8 in blocks: returns how many bytes at the end to keep for the next block. */
static size_t utf8_block(struct xctx *x, const uint8_t *s, size_t n, bool eof)
{
	size_t tail = 0;

	if (!eof) {
		/* Keep back a character cut by the block boundary (at most 3 bytes). */
		size_t i = n;

		while (i > 0 && n - i < 3 && (s[i - 1] & 0xc0) == 0x80)
			i--;
		if (i > 0 && s[i - 1] >= 0xc0 && utf8_seq_cut(s + i - 1, n - i + 1))
			tail = n - i + 1;
	}
	x_emit_bytes(x, s, n - tail);
	return tail;
}

/* UTF-16: returns bytes kept back (an odd byte, a high surrogate waiting for its pair). */
static size_t utf16_block(struct xctx *x, const uint8_t *s, size_t n, bool be, bool eof)
{
	char out[X_SLICE * 2 + 8];
	size_t i = 0, o = 0;

	while (i + 2 <= n) {
		uint32_t u = be ? (s[i] << 8 | s[i + 1]) : (s[i + 1] << 8 | s[i]);

		if (u >= 0xd800 && u < 0xdc00) {
			uint32_t lo;

			if (i + 4 > n) {
				if (!eof)
					break;
				u = 0xfffd;
				i += 2;
			} else {
				lo = be ? (s[i + 2] << 8 | s[i + 3]) : (s[i + 3] << 8 | s[i + 2]);
				if (lo >= 0xdc00 && lo < 0xe000) {
					u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
					i += 4;
				} else {
					u = 0xfffd;
					i += 2;
				}
			}
		} else {
			if (u >= 0xdc00 && u < 0xe000)
				u = 0xfffd;
			i += 2;
		}
		o += x_put_utf8(out + o, u);
		if (o >= X_SLICE * 2) {
			if (x_emit_text(x, out, o))
				return 0;
			o = 0;
		}
	}
	if (eof && i < n) {
		memcpy(out + o, REPLACEMENT, 3);
		o += 3;
		i = n;
	}
	x_emit_text(x, out, o);
	return n - i;
}

/* Length of the text character at @s (ASCII printable, tab, or valid UTF-8), 0 if none. */
static size_t run_char(const uint8_t *s, size_t n)
{
	if ((s[0] >= 0x20 && s[0] < 0x7f) || s[0] == '\t')
		return 1;
	if (s[0] < 0xc2)
		return 0;
	return utf8_seq_len(s, n);
}

/*
 * Printable runs: once a run holds X_RUN_MIN characters its bytes go out as they come (so a run
 * longer than a block goes out in pieces) and a '\n' ends it; shorter runs between binary bytes
 * are dropped. What a block ends with and is not out yet (a short run, a character cut by the
 * block's end: at most 15 bytes) moves to the front for the next block.
 */
void x_strings_stream(struct xctx *x, struct xstream *s)
{
	uint8_t *buf = malloc(X_BLOCK_BYTES + 32);
	size_t keep = 0, scanned = 0, chars = 0;
	bool emitting = false;
	ssize_t n;

	if (!buf) {
		x_status(x, EXTRACT_IO, "out of memory");
		return;
	}
	for (;;) {
		size_t len, i, start = 0;
		bool eof;

		n = s->read(s, buf + keep, X_BLOCK_BYTES);
		if (n < 0)
			break;
		eof = n == 0;
		len = keep + n;
		i = scanned;
		while (i < len) {
			size_t c = run_char(buf + i, len - i);

			if (!c && !eof && buf[i] >= 0xc2 && utf8_seq_cut(buf + i, len - i))
				break; /* a character cut by the block: the next block has it */
			if (c) {
				i += c;
				if (++chars >= X_RUN_MIN)
					emitting = true;
				continue;
			}
			if (emitting) {
				x_emit_bytes(x, buf + start, i - start);
				x_emit_text(x, "\n", 1);
			}
			emitting = false;
			chars = 0;
			start = ++i;
		}
		if (emitting && i > start) {
			x_emit_bytes(x, buf + start, i - start);
			start = i;
		}
		if (eof) {
			if (emitting)
				x_emit_text(x, "\n", 1);
			break;
		}
		keep = len - start;
		scanned = i - start;
		if (x_halted(x))
			break;
		memmove(buf, buf + start, keep);
	}
	free(buf);
}

/*
 * Stream a text source to the sink in its detected encoding. Memory: one block, whatever the
 * size of the file.
 */
void x_text_stream(struct xctx *x, struct xstream *s, const struct x_type *t)
{
	uint8_t *buf = malloc(X_BLOCK_BYTES + 8);
	size_t keep = 0, skip = t->skip;
	ssize_t n;

	if (!buf) {
		x_status(x, EXTRACT_IO, "out of memory");
		return;
	}
	for (;;) {
		size_t len;
		bool eof;

		n = s->read(s, buf + keep, X_BLOCK_BYTES);
		if (n < 0)
			break;
		eof = n == 0;
		len = keep + n;
		keep = 0;
		if (skip) {
			size_t k = skip < len ? skip : len;

			memmove(buf, buf + k, len - k);
			len -= k;
			skip -= k;
		}
		switch (t->enc) {
		case XE_UTF8:
			keep = utf8_block(x, buf, len, eof);
			break;
		case XE_UTF16LE:
		case XE_UTF16BE:
			keep = utf16_block(x, buf, len, t->enc == XE_UTF16BE, eof);
			break;
		default:
			x_emit_single_byte(x, t->enc, buf, len);
			break;
		}
		if (eof || x_halted(x))
			break;
		if (keep)
			memmove(buf, buf + len - keep, keep);
	}
	free(buf);
}

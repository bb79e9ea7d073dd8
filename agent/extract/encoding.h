/* SPDX-License-Identifier: GPL-2.0 */
/* Text encodings: detection, and single-byte Cyrillic to UTF-8 (for text files and ZIP names). */
#ifndef PDGUARD_EXTRACT_ENCODING_H
#define PDGUARD_EXTRACT_ENCODING_H

#include "extract/sink.h"

/* Conversions go in slices of this many input bytes through a stack buffer. */
#define X_SLICE 8192

/* The encoding of text that starts with @head (a byte-order mark is noted in t->skip). */
void x_text_detect(const uint8_t *head, size_t len, struct x_type *t);
/* UTF-16 without a byte-order mark: sets *enc to which. */
bool x_looks_utf16(const uint8_t *head, size_t len, enum x_enc *enc);
/* @out has room for 3 * @n bytes; returns the bytes written (no NUL). */
size_t x_single_byte_to_utf8(enum x_enc enc, const uint8_t *s, size_t n, char *out);
int x_emit_single_byte(struct xctx *x, enum x_enc enc, const uint8_t *s, size_t n);

/* @cp as UTF-8 at @o (room for 4 bytes); returns its length. Inline: called per character. */
static inline size_t x_put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = 0xc0 | (cp >> 6);
		o[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = 0xe0 | (cp >> 12);
		o[1] = 0x80 | ((cp >> 6) & 0x3f);
		o[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	o[0] = 0xf0 | (cp >> 18);
	o[1] = 0x80 | ((cp >> 12) & 0x3f);
	o[2] = 0x80 | ((cp >> 6) & 0x3f);
	o[3] = 0x80 | (cp & 0x3f);
	return 4;
}

#endif /* PDGUARD_EXTRACT_ENCODING_H */

// SPDX-License-Identifier: GPL-2.0
/* UTF-8 sequences (lib/utf8.h). */
#include "lib/utf8.h"

/*
 * The one table. A lead byte gives the length and the range of the second byte, which is where
 * overlongs (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points past U+10FFFF
 * (F4 90..BF) show; later bytes are 80..BF. Returns the length, 0 when @s does not begin a valid
 * sequence, or -1 when its @n bytes do but the sequence needs more.
 */
static int seq_check(const uint8_t *s, size_t n)
{
	uint8_t c, lo = 0x80, hi = 0xbf;
	int len, i;

	if (!n)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		len = 2;
	} else if (c < 0xf0) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c < 0xf5) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < 2)
		return -1;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	return len;
}

size_t utf8_seq_len(const uint8_t *s, size_t n)
{
	int len = seq_check(s, n);

	return len > 0 ? (size_t)len : 0;
}

bool utf8_seq_cut(const uint8_t *s, size_t n)
{
	return seq_check(s, n) < 0;
}

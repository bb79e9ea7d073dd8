// SPDX-License-Identifier: GPL-2.0
/*
 * Text encodings (encoding.h): which one some bytes are in, and single-byte Cyrillic to UTF-8.
 *
 * Files from Kazakhstan's offices come as UTF-8 (with or without a BOM), UTF-16 (Windows
 * "Unicode" exports), CP1251 (1C and Excel CSV exports), KOI8-R and CP866 (old Unix and DOS
 * systems) and sometimes RK1048 (Kazakh Windows). Single-byte encodings cannot be told apart by
 * validity, so we score the candidates by how Russian and Kazakh the letters they decode to are.
 */
#include <iconv.h>
#include <pthread.h>
#include <string.h>

#include "extract/encoding.h"
#include "lib/utf8.h"

/* Single-byte encodings: one UTF-8 sequence per byte 0x80..0xff, built once from iconv. */
struct sb_table {
	const char *iconv_name;
	uint16_t cp[128];
};

static struct sb_table sb_tables[] = {
	[XE_CP1251] = { "CP1251" },
	[XE_KOI8R] = { "KOI8-R" },
	[XE_CP866] = { "CP866" },
	[XE_RK1048] = { "RK1048" },
};

static pthread_once_t sb_once = PTHREAD_ONCE_INIT;

/*
 * Letters only, for when glibc's gconv modules are missing: enough for detection and for the
 * text that matters (names, words), the rest decodes to U+FFFD.
 */
static void sb_fallback(enum x_enc enc, uint16_t *cp)
{
	/* KOI8-R orders letters by their Latin look-alikes: this is the lowercase row. */
	static const char koi8_lower[] = "юабцдефгхийклмнопярстужвьызшэщчъ";
	int b;

	for (b = 0; b < 128; b++)
		cp[b] = 0xfffd;
	switch (enc) {
	case XE_CP1251:
	case XE_RK1048:
		for (b = 0xc0; b <= 0xff; b++)
			cp[b - 0x80] = 0x410 + (b - 0xc0);
		cp[0xa8 - 0x80] = 0x401;
		cp[0xb8 - 0x80] = 0x451;
		break;
	case XE_KOI8R: {
		const unsigned char *p = (const unsigned char *)koi8_lower;

		for (b = 0; b < 32; b++) {
			/* decode the two-byte UTF-8 of the b-th letter of the row */
			uint16_t lower = ((p[2 * b] & 0x1f) << 6) | (p[2 * b + 1] & 0x3f);

			cp[0xc0 + b - 0x80] = lower;
			cp[0xe0 + b - 0x80] = lower == 0x451 ? 0x401 : lower - 0x20;
		}
		cp[0xa3 - 0x80] = 0x451;
		cp[0xb3 - 0x80] = 0x401;
		break;
	}
	case XE_CP866:
		for (b = 0x80; b <= 0xaf; b++)
			cp[b - 0x80] = 0x410 + (b - 0x80);
		for (b = 0xe0; b <= 0xef; b++)
			cp[b - 0x80] = 0x440 + (b - 0xe0);
		cp[0xf0 - 0x80] = 0x401;
		cp[0xf1 - 0x80] = 0x451;
		break;
	default:
		break;
	}
}

static void sb_init(void)
{
	size_t e;
	int b;

	for (e = 0; e < sizeof(sb_tables) / sizeof(sb_tables[0]); e++) {
		struct sb_table *t = &sb_tables[e];
		iconv_t cd;

		if (!t->iconv_name)
			continue;
		sb_fallback(e, t->cp);
		cd = iconv_open("UCS-2LE", t->iconv_name);
		if (cd == (iconv_t)-1)
			continue;
		for (b = 0x80; b <= 0xff; b++) {
			char in = (char)b, out[4], *ip = &in, *op = out;
			size_t il = 1, ol = sizeof(out);

			iconv(cd, NULL, NULL, NULL, NULL);
			if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1 && ol == 2)
				t->cp[b - 0x80] = (uint8_t)out[0] | ((uint8_t)out[1] << 8);
			else
				t->cp[b - 0x80] = 0xfffd;
		}
		iconv_close(cd);
	}
}

/* @out has room for 3 * @n bytes; returns the bytes written (no NUL). */
size_t x_single_byte_to_utf8(enum x_enc enc, const uint8_t *s, size_t n, char *out)
{
	const uint16_t *cp;
	size_t i, o = 0;

	pthread_once(&sb_once, sb_init);
	cp = sb_tables[enc].cp;
	for (i = 0; i < n; i++) {
		if (s[i] < 0x80)
			out[o++] = s[i];
		else
			o += x_put_utf8(out + o, cp[s[i] - 0x80]);
	}
	return o;
}

int x_emit_single_byte(struct xctx *x, enum x_enc enc, const uint8_t *s, size_t n)
{
	char out[X_SLICE * 3];

	while (n) {
		size_t k = n < X_SLICE ? n : X_SLICE;
		size_t o = x_single_byte_to_utf8(enc, s, k, out);

		if (x_emit_text(x, out, o))
			return -1;
		s += k;
		n -= k;
	}
	return 0;
}

/* Approximate letter frequencies (per mille) in Russian text, а..я, then ё. */
static const uint8_t ru_freq[33] = {
	80, 16, 45, 17, 30, 85, 9, 16, 74, 12, 35, 44, 32, 67, 110, 28,
	47, 55, 63, 26, 3, 10, 5, 14, 7, 4, 1, 19, 17, 3, 6, 20, 1,
};

/* Score of one character for the single-byte guess: common letters high, symbols negative. */
static int letter_score(uint16_t cp)
{
	if (cp >= 0x410 && cp <= 0x42f)
		return ru_freq[cp - 0x410];
	if (cp >= 0x430 && cp <= 0x44f)
		return ru_freq[cp - 0x430];
	if (cp == 0x401 || cp == 0x451)
		return ru_freq[32];
	switch (cp) {
	case 0x4d8: case 0x4d9:		/* ә */
	case 0x406: case 0x456:		/* і */
	case 0x49a: case 0x49b:		/* қ */
		return 20;
	case 0x492: case 0x493:		/* ғ */
	case 0x4a2: case 0x4a3:		/* ң */
	case 0x4e8: case 0x4e9:		/* ө */
	case 0x4b0: case 0x4b1:		/* ұ */
	case 0x4ae: case 0x4af:		/* ү */
		return 10;
	case 0x4ba: case 0x4bb:		/* һ */
		return 1;
	case 0xab: case 0xbb: case 0x2013: case 0x2014: case 0x2116:	/* « » – — № */
		return 0;
	}
	return -40;
}

/* Guess a single-byte Cyrillic encoding; XE_UTF8 when none looks like Cyrillic text. */
static enum x_enc guess_single_byte(const uint8_t *s, size_t n)
{
	static const enum x_enc cands[] = { XE_CP1251, XE_KOI8R, XE_CP866, XE_RK1048 };
	long best_score = 0;
	enum x_enc best = XE_UTF8;
	size_t c, i;

	pthread_once(&sb_once, sb_init);
	for (c = 0; c < sizeof(cands) / sizeof(cands[0]); c++) {
		const uint16_t *cp = sb_tables[cands[c]].cp;
		long score = 0;

		for (i = 0; i < n; i++)
			if (s[i] >= 0x80)
				score += letter_score(cp[s[i] - 0x80]);
		/* Ties go to the earlier candidate: CP1251 is by far the most common here. */
		if (score > best_score) {
			best_score = score;
			best = cands[c];
		}
	}
	return best;
}

/* UTF-16 without a byte-order mark: one byte of each pair is nearly always 0x00 or 0x04. */
bool x_looks_utf16(const uint8_t *s, size_t n, enum x_enc *enc)
{
	size_t pairs, i, le = 0, be = 0, zeros = 0;

	if (n > 4096)
		n = 4096;
	pairs = n / 2;
	if (pairs < 8)
		return false;
	for (i = 0; i < pairs; i++) {
		uint8_t a = s[2 * i], b = s[2 * i + 1];

		le += b == 0x00 || b == 0x04;
		be += a == 0x00 || a == 0x04;
		zeros += !a || !b;
	}
	if (!zeros)
		return false;
	if (le * 10 >= pairs * 8 && be * 10 <= pairs * 3) {
		*enc = XE_UTF16LE;
		return true;
	}
	if (be * 10 >= pairs * 8 && le * 10 <= pairs * 3) {
		*enc = XE_UTF16BE;
		return true;
	}
	return false;
}

/*
 * Is @s (after a UTF-16 byte-order mark) text in that byte order? Text is mostly letters of the
 * scripts we read, digits, spaces and punctuation; UTF-8 or single-byte text read as UTF-16
 * gives CJK, Hangul and other code units that office text does not hold. The mark is two bytes
 * anyone can put in front of a file: the content decides.
 */
static bool utf16_plausible(const uint8_t *s, size_t n, bool be)
{
	size_t units = 0, texty = 0, i;

	if (n > 4096)
		n = 4096;
	for (i = 0; i + 2 <= n; i += 2) {
		unsigned int u = be ? (s[i] << 8 | s[i + 1]) : (s[i + 1] << 8 | s[i]);

		units++;
		texty += u == '\t' || u == '\n' || u == '\r' || (u >= 0x20 && u < 0x7f) ||
			 (u >= 0xa0 && u < 0x250) || (u >= 0x370 && u < 0x530) ||
			 (u >= 0x2000 && u < 0x2070) || u == 0x20ac || u == 0x2116 ||
			 (u >= 0xd800 && u < 0xe000);
	}
	/* too short to tell: believe the mark */
	return units < 4 || texty * 10 >= units * 8;
}

/* Text without a byte-order mark (or after one that did not fit): its encoding. */
static void detect_unmarked(const uint8_t *s, size_t n, struct x_type *t);

void x_text_detect(const uint8_t *s, size_t n, struct x_type *t)
{
	t->skip = 0;
	if (n >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
		t->enc = XE_UTF8;
		t->skip = 3;
		return;
	}
	if (n >= 2 && ((s[0] == 0xff && s[1] == 0xfe) || (s[0] == 0xfe && s[1] == 0xff))) {
		bool be = s[0] == 0xfe;

		t->skip = 2;
		if (utf16_plausible(s + 2, n - 2, be)) {
			t->enc = be ? XE_UTF16BE : XE_UTF16LE;
			return;
		}
		/* a mark that does not match the content: read what follows as what it is */
		detect_unmarked(s + 2, n - 2, t);
		return;
	}
	detect_unmarked(s, n, t);
}

static void detect_unmarked(const uint8_t *s, size_t n, struct x_type *t)
{
	size_t i = 0, good = 0, bad = 0;

	if (x_looks_utf16(s, n, &t->enc))
		return;
	while (i < n) {
		i += utf8_valid_len(s + i, n - i);
		if (i >= n)
			break;
		if (utf8_seq_cut(s + i, n - i))
			break;		/* cut by the end of the sample */
		bad++;
		i++;
	}
	t->enc = XE_UTF8;
	if (!bad)
		return;
	/*
	 * Count valid multibyte characters: single-byte Cyrillic almost never forms one (its
	 * letters are not followed by 0x80-0xbf), so UTF-8 with some damage stays UTF-8.
	 */
	for (i = 0; i < n;) {
		size_t len = utf8_seq_len(s + i, n - i);

		if (len > 1)
			good++;
		i += len ? len : 1;
	}
	if (good >= bad)
		return;
	t->enc = guess_single_byte(s, n);
}

// SPDX-License-Identifier: GPL-2.0
/* Masking of found values: what is kept of each kind, and nothing more. */
#include <errno.h>
#include <string.h>

#include "classify/mask.h"

static const char *const style_names[__MASK_MAX] = {
	[MASK_GENERIC] = "generic", [MASK_IIN] = "iin", [MASK_CARD] = "card", [MASK_IBAN] = "iban",
	[MASK_PHONE] = "phone",	    [MASK_ALL] = "all", [MASK_MRZ] = "mrz",
	[MASK_NAME] = "name",
};

const char *mask_style_name(int style)
{
	if (style < 0 || style >= __MASK_MAX)
		return NULL;
	return style_names[style];
}

int mask_style_find(const char *name)
{
	int i;

	for (i = 0; i < __MASK_MAX; i++)
		if (!strcmp(style_names[i], name))
			return i;
	return -EINVAL;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum_ascii(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* The digits (or ASCII letters and digits) of @s, upper-cased, into @buf; returns the count. */
static size_t keep_chars(const char *s, size_t len, int letters, char *buf, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < len && n < cap; i++) {
		char c = s[i];

		if (is_digit(c) || (letters && is_alnum_ascii(c)))
			buf[n++] = (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
	}
	return n;
}

/* Copy @buf with positions [keep_head, n - keep_tail) starred, bounded by MASK_MAX. */
static void star_middle(const char *buf, size_t n, size_t head, size_t tail, char out[MASK_MAX])
{
	size_t i, o = 0;

	if (head + tail >= n)
		head = tail = 0;
	for (i = 0; i < n && o < MASK_MAX - 1; i++)
		out[o++] = (i < head || i >= n - tail) ? buf[i] : '*';
	out[o] = '\0';
}

static void mask_phone(const char *s, size_t len, char out[MASK_MAX])
{
	char d[32];
	size_t n = keep_chars(s, len, 0, d, sizeof(d));
	const char *num;

	/* +7 / 8 followed by 10 digits, or the 10 digits alone; anything else is starred whole */
	if (n == 11 && (d[0] == '7' || d[0] == '8'))
		num = d + 1;
	else if (n == 10 && d[0] == '7')
		num = d;
	else {
		star_middle(d, n, 0, 0, out);
		memset(out, '*', strlen(out));
		return;
	}
	memcpy(out, "+7 ", 3);
	memcpy(out + 3, num, 3);
	memcpy(out + 6, " *** ** ", 8);
	memcpy(out + 14, num + 8, 2);
	out[16] = '\0';
}

static void mask_generic(const char *s, size_t len, char out[MASK_MAX])
{
	size_t i, o = 0, digits = 0, seen = 0, chars = 0;

	for (i = 0; i < len; i++) {
		if (is_digit(s[i]))
			digits++;
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			chars++;
	}
	for (i = 0; i < len && o < MASK_MAX - 1; i++) {
		unsigned char c = s[i];

		if ((c & 0xc0) == 0x80)
			continue; /* one star per character, not per byte */
		if (is_digit(c)) {
			seen++;
			/* the last two digits of a long enough value help tell findings apart */
			out[o++] = (digits >= 8 && seen > digits - 2) ? c : '*';
		} else if (i == 0 && is_alnum_ascii(c) && chars >= 8) {
			out[o++] = c; /* a series letter (N of a passport) says what it is */
		} else if (c == ' ' || c == '-') {
			out[o++] = c;
		} else {
			out[o++] = '*';
		}
	}
	out[o] = '\0';
}

/*
 * An MRZ holds the number, the dates and the name: keep only the document code and the issuing
 * state (P<KAZ, I<UTO), which say what was found, and a fixed run of stars that tells nothing of
 * the length either.
 */
static void mask_mrz(const char *s, size_t len, char out[MASK_MAX])
{
	size_t i, n = 0;

	for (i = 0; i < len && n < 5; i++) {
		char c = s[i];

		if (!((c >= 'A' && c <= 'Z') || c == '<'))
			break;
		out[n++] = c;
	}
	if (n < 5 || len < 60)
		n = 0;
	memset(out + n, '*', 16);
	out[n + 16] = '\0';
}

/* A name: each word's first letter (UTF-8) and a fixed 3 stars, so the length tells nothing. */
static void mask_name(const char *s, size_t len, char out[MASK_MAX])
{
	size_t i = 0, o = 0;

	while (i < len && o + 8 < MASK_MAX) {
		size_t cl = 1;

		if (s[i] == ' ' || s[i] == '\t' || s[i] == '.' || s[i] == '-') {
			i++;
			continue;
		}
		while (i + cl < len && ((unsigned char)s[i + cl] & 0xc0) == 0x80)
			cl++;
		if (o)
			out[o++] = ' ';
		if (cl > 4)
			cl = 1;
		memcpy(out + o, s + i, cl);
		o += cl;
		memcpy(out + o, "***", 3);
		o += 3;
		/* to the next word */
		while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '.')
			i++;
	}
	out[o] = '\0';
}

void mask_value(int style, const char *s, size_t len, char out[MASK_MAX])
{
	char buf[MASK_MAX];
	size_t n;

	switch (style) {
	case MASK_IIN:
		n = keep_chars(s, len, 0, buf, sizeof(buf));
		star_middle(buf, n, n == 12 ? 6 : 0, 0, out);
		return;
	case MASK_CARD:
		n = keep_chars(s, len, 0, buf, sizeof(buf));
		star_middle(buf, n, n >= 13 ? 4 : 0, n >= 13 ? 4 : 0, out);
		return;
	case MASK_IBAN:
		n = keep_chars(s, len, 1, buf, sizeof(buf));
		star_middle(buf, n, n >= 15 ? 4 : 0, n >= 15 ? 2 : 0, out);
		return;
	case MASK_PHONE: mask_phone(s, len, out); return;
	case MASK_MRZ: mask_mrz(s, len, out); return;
	case MASK_NAME: mask_name(s, len, out); return;
	case MASK_ALL:
		n = keep_chars(s, len, 1, buf, sizeof(buf));
		star_middle(buf, n, 0, 0, out);
		memset(out, '*', strlen(out));
		return;
	default: mask_generic(s, len, out); return;
	}
}

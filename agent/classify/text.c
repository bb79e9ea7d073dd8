// SPDX-License-Identifier: GPL-2.0
/*
 * UTF-8 as keywords need it: code points in and out, and the case forms (lower, Title, UPPER)
 * each keyword is compiled in. Keywords are short and come from our own parser, already checked.
 */
#include "classify/internal.h"

/* Simple case mapping for the scripts keywords are written in: ASCII, Latin-1, Cyrillic. */
static unsigned int cp_lower(unsigned int cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xc0 && cp <= 0xde && cp != 0xd7))
		return cp + 32;
	if (cp >= 0x410 && cp <= 0x42f)
		return cp + 32;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 80;
	if (cp == 0x4c0)
		return 0x4cf;
	if (cp >= 0x4c1 && cp <= 0x4ce)
		return (cp & 1) ? cp + 1 : cp;
	if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48a && cp <= 0x4bf) ||
	    (cp >= 0x4d0 && cp <= 0x4ff))
		return (cp & 1) ? cp : cp + 1;
	return cp;
}

static unsigned int cp_upper(unsigned int cp)
{
	if ((cp >= 'a' && cp <= 'z') || (cp >= 0xe0 && cp <= 0xfe && cp != 0xf7))
		return cp - 32;
	if (cp >= 0x430 && cp <= 0x44f)
		return cp - 32;
	if (cp >= 0x450 && cp <= 0x45f)
		return cp - 80;
	if (cp == 0x4cf)
		return 0x4c0;
	if (cp >= 0x4c1 && cp <= 0x4ce)
		return (cp & 1) ? cp : cp - 1;
	if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48a && cp <= 0x4bf) ||
	    (cp >= 0x4d0 && cp <= 0x4ff))
		return (cp & 1) ? cp - 1 : cp;
	return cp;
}

static size_t utf8_put(unsigned int cp, char *out)
{
	if (cp < 0x80) {
		out[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = 0xc0 | (cp >> 6);
		out[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	out[0] = 0xe0 | (cp >> 12);
	out[1] = 0x80 | ((cp >> 6) & 0x3f);
	out[2] = 0x80 | (cp & 0x3f);
	return 3;
}

/* Next code point of NUL-terminated UTF-8 (words come from our own parser: short, checked). */
static unsigned int utf8_get(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned int cp;

	if (s[0] < 0x80) {
		*p += 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*p += 2;
		return ((s[0] & 0x1f) << 6) | (s[1] & 0x3f);
	}
	if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
		*p += 3;
		return ((s[0] & 0x0f) << 12) | ((s[1] & 0x3f) << 6) | (s[2] & 0x3f);
	}
	cp = s[0];
	*p += 1;
	return cp >= 0xf0 ? 0xfffd : cp;
}

/* @text in one of the case forms; @out holds 3 bytes per input byte. */
void text_case_variant(const char *text, int form, char *out)
{
	const unsigned char *p = (const unsigned char *)text;
	bool first = true;
	size_t o = 0;

	while (*p) {
		unsigned int cp = utf8_get(&p);

		if (form == CASE_LOWER || (form == CASE_TITLE && !first))
			cp = cp_lower(cp);
		else if (form == CASE_UPPER || form == CASE_TITLE)
			cp = cp_upper(cp);
		first = false;
		o += utf8_put(cp, out + o);
	}
	out[o] = '\0';
}

/* The key a keyword's letter is looked up by in the PCRE2 engine: lower case, ё as е. */
unsigned int text_fold_cp(unsigned int cp)
{
	cp = cp_lower(cp);
	return cp == 0x451 ? 0x435 : cp;
}

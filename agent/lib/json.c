// SPDX-License-Identifier: GPL-2.0
/* JSON strings (lib/json.h). */
#include <string.h>

#include "lib/json.h"
#include "lib/utf8.h"

void json_string(json_put_fn put, void *ctx, const char *str)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t left, n, run;
	char esc[8];

	/* no string is JSON's null, never a crash (an event without a full path has none) */
	if (!str) {
		put(ctx, "null", 4);
		return;
	}
	left = strlen(str);
	put(ctx, "\"", 1);
	while (left) {
		/* the common case: a run of printable ASCII goes out in one piece */
		for (run = 0; run < left && s[run] >= 0x20 && s[run] < 0x7f && s[run] != '"' &&
			      s[run] != '\\'; run++)
			;
		if (run) {
			put(ctx, (const char *)s, run);
			s += run;
			left -= run;
			continue;
		}
		n = 1;
		if (*s == '"' || *s == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*s;
			put(ctx, esc, 2);
		} else if (*s == '\n') {
			put(ctx, "\\n", 2);
		} else if (*s == '\t') {
			put(ctx, "\\t", 2);
		} else if (*s == '\r') {
			put(ctx, "\\r", 2);
		} else if (*s < 0x20 || *s == 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*s >> 4];
			esc[5] = hex[*s & 15];
			put(ctx, esc, 6);
		} else if ((n = utf8_seq_len(s, left))) {
			put(ctx, (const char *)s, n);
		} else {
			memcpy(esc, "\\udc", 4);
			esc[4] = hex[*s >> 4];
			esc[5] = hex[*s & 15];
			put(ctx, esc, 6);
			n = 1;
		}
		s += n;
		left -= n;
	}
	put(ctx, "\"", 1);
}

static void put_file(void *ctx, const char *s, size_t n)
{
	fwrite(s, 1, n, ctx);
}

void json_put_string(FILE *f, const char *s)
{
	json_string(put_file, f, s);
}

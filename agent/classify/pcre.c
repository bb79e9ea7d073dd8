// SPDX-License-Identifier: GPL-2.0
/*
 * The engine for CPUs Hyperscan cannot run on (it needs SSSE3 and x86), or when asked for
 * (`--engine pcre2`): the same rules with the same results, PCRE2 JIT alone.
 *
 * Rules: every rule walks the block as the rules Hyperscan refuses already do (pcre_pass() in
 * blocks.c): the leftmost matches one after another, which is what confirming Hyperscan's hits
 * finds. Supporting rules and keywords are looked for only in blocks with an identifier, as with
 * Hyperscan.
 *
 * Keywords: a pattern a keyword, its case forms as alternatives (as Hyperscan compiles them,
 * word_pattern() in engine.c, written for PCRE2 in byte mode). Scanning the block once per
 * keyword would cost hundreds of passes; instead one walk over the block folds the first two
 * letters at each character (lower case, ё as е), looks them up in a table of the keywords that
 * start so, and tries only those, anchored there. The fold only narrows the choice: the anchored
 * pattern decides, so "пАспорт" is no hit here either. Hyperscan reports a hit at every end of a
 * match; a keyword ending in "*" is reported at every end inside its ending, as there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/internal.h"

struct pbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void pb_add(struct pbuf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->s, cap);

		if (!p) {
			b->oom = true;
			return;
		}
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* Does @text end in "*" (an ending whose every length Hyperscan reports as a hit)? */
static bool ends_in_star(const char *text)
{
	size_t n = strlen(text);

	return n && text[n - 1] == '*';
}

/*
 * One case form as PCRE2 byte-mode pattern text: the same language as word_pattern() (engine.c)
 * gives Hyperscan in UTF-8 mode. A "*" that ends the text is group 1 (a branch-reset group
 * holds the forms). (The parser turns a trailing "*" into RULE_WORD_PREFIX, so it is rare.)
 */
static void form_pattern(struct pbuf *b, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	const char *last_star = ends_in_star(text) ? text + strlen(text) - 1 : NULL;
	char tmp[8];

	while (*p) {
		if (*p == ' ' || *p == '\t') {
			while (p[1] == ' ' || p[1] == '\t')
				p++;
			pb_add(b, "(?:[\\t\\n\\v\\f\\r ]|\\xc2\\xa0){1,3}");
			p++;
		} else if (*p == '*') {
			pb_add(b, (const char *)p == last_star ? "(" : "(?:");
			pb_add(b, "[a-zA-Z]|[\\xd0-\\xd3][\\x80-\\xbf]){0,6}");
			p++;
		} else if (*p == '-') {
			pb_add(b, "(?:-|\\xe2\\x80[\\x90-\\x95])");
			p++;
		} else if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			   (*p >= 'A' && *p <= 'Z')) {
			tmp[0] = (char)*p;
			tmp[1] = '\0';
			pb_add(b, tmp);
			p++;
		} else if (!memcmp(p, "\xd0\xb5", 2) || !memcmp(p, "\xd1\x91", 2)) {
			pb_add(b, "(?:\\xd0\\xb5|\\xd1\\x91)");
			p += 2;
		} else if (!memcmp(p, "\xd0\x95", 2) || !memcmp(p, "\xd0\x81", 2)) {
			pb_add(b, "(?:\\xd0\\x95|\\xd0\\x81)");
			p += 2;
		} else {
			snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
			pb_add(b, tmp);
			p++;
		}
	}
}

/* Next code point of @s (up to @end); invalid bytes stand for themselves. */
static unsigned int next_cp(const unsigned char *s, const unsigned char *end, size_t *n)
{
	if (s[0] < 0x80 || s + 1 >= end) {
		*n = 1;
		return s[0];
	}
	if ((s[0] & 0xe0) == 0xc0 && (s[1] & 0xc0) == 0x80) {
		*n = 2;
		return ((s[0] & 0x1fU) << 6) | (s[1] & 0x3fU);
	}
	if ((s[0] & 0xf0) == 0xe0 && s + 2 < end && (s[1] & 0xc0) == 0x80 &&
	    (s[2] & 0xc0) == 0x80) {
		*n = 3;
		return ((s[0] & 0x0fU) << 12) | ((s[1] & 0x3fU) << 6) | (s[2] & 0x3fU);
	}
	*n = 1;
	return s[0];
}

/* A letter of a keyword's key: not a space, an ending or a hyphen, which the patterns vary. */
static bool key_char(unsigned int cp)
{
	return cp && cp != ' ' && cp != '\t' && cp != '*' && cp != '-';
}

static uint32_t key2(unsigned int a, unsigned int b)
{
	return (a * 2654435761U ^ b * 40503U) % PW_BUCKETS;
}

static int bucket_add(struct pw_bucket *bk, uint32_t id)
{
	uint32_t *n;

	if (bk->n && bk->ids[bk->n - 1] == id)
		return 0; /* another case form of the same keyword */
	n = realloc(bk->ids, (bk->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	bk->ids = n;
	bk->ids[bk->n++] = id;
	return 0;
}

int pcre_words_compile(struct classifier *c, char *err, size_t errlen)
{
	char forms[__CASE_MAX][3 * 128 + 1];
	size_t i;
	int f, j;

	c->pw = calloc(c->nwords + 1, sizeof(*c->pw));
	c->pw2 = calloc(PW_BUCKETS, sizeof(*c->pw2));
	c->pw1 = calloc(PW_BUCKETS, sizeof(*c->pw1));
	if (!c->pw || !c->pw2 || !c->pw1)
		return -ENOMEM;
	for (i = 0; i < c->nwords; i++) {
		const struct rule_word *w = &c->rs->words[i];
		struct pbuf b = { 0 };
		PCRE2_SIZE off;
		int code, nf = 0;

		pb_add(&b, "(?|");
		for (f = 0; f < __CASE_MAX; f++) {
			const unsigned char *p;
			unsigned int a, d;
			size_t n;

			if (f && (w->flags & RULE_WORD_CASE))
				break;
			text_case_variant(w->text, f, forms[f]);
			for (j = 0; j < f; j++)
				if (!strcmp(forms[j], forms[f]))
					break;
			if (j < f)
				continue;
			if (nf++)
				pb_add(&b, "|");
			form_pattern(&b, forms[f]);
			p = (const unsigned char *)forms[f];
			c->pw_start[p[0]] = 1;
			a = next_cp(p, p + strlen(forms[f]), &n);
			d = next_cp(p + n, p + strlen(forms[f]), &n);
			if (key_char(a) && key_char(d)) {
				if (bucket_add(&c->pw2[key2(text_fold_cp(a), text_fold_cp(d))], i))
					return -ENOMEM;
			} else if (bucket_add(&c->pw1[text_fold_cp(a) % PW_BUCKETS], i)) {
				return -ENOMEM;
			}
		}
		pb_add(&b, ")");
		if (b.oom)
			return -ENOMEM;
		c->pw[i].tail = ends_in_star(w->text);
		{
			/* the letters every form starts with, folded (they fold alike) */
			const unsigned char *q = (const unsigned char *)w->text;
			const unsigned char *qe = q + strlen(w->text);
			size_t n;

			while (q < qe && c->pw[i].npre < PW_PREFIX) {
				unsigned int cp = next_cp(q, qe, &n);

				if (!key_char(cp) || cp > 0xffff)
					break;
				c->pw[i].pre[c->pw[i].npre++] = (uint16_t)text_fold_cp(cp);
				q += n;
			}
		}
		c->pw[i].re = pcre2_compile((PCRE2_SPTR)b.s, b.len, 0, &code, &off, NULL);
		free(b.s);
		if (!c->pw[i].re) {
			PCRE2_UCHAR msg[120];

			pcre2_get_error_message(code, msg, sizeof(msg));
			snprintf(err, errlen, "keyword '%s': PCRE2: %s", w->text, (char *)msg);
			return -EINVAL;
		}
		pcre2_jit_compile(c->pw[i].re, PCRE2_JIT_COMPLETE);
	}
	/* a Latin letter may start an upper or lower form: both bytes are in the table already */
	return 0;
}

void pcre_words_free(struct classifier *c)
{
	size_t i;

	if (c->pw)
		for (i = 0; i < c->nwords; i++)
			pcre2_code_free(c->pw[i].re);
	for (i = 0; c->pw2 && i < PW_BUCKETS; i++)
		free(c->pw2[i].ids);
	for (i = 0; c->pw1 && i < PW_BUCKETS; i++)
		free(c->pw1[i].ids);
	free(c->pw);
	free(c->pw2);
	free(c->pw1);
}

/* Keyword @w anchored at @pos: a hit at each end, as Hyperscan reports them. */
static int try_word(struct classify_ctx *ctx, uint32_t w, size_t pos)
{
	const struct pword *pw = &ctx->c->pw[w];
	const unsigned char *b = (const unsigned char *)ctx->buf, *end = b + ctx->scan_len;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ctx->md);
	size_t e, n, at = pos;
	int rc;

	/* most tries fail on a letter past the two the table looked at: no PCRE2 call then */
	for (unsigned int k = 0; k < pw->npre; k++) {
		if (at >= ctx->scan_len || text_fold_cp(next_cp(b + at, end, &n)) != pw->pre[k])
			return 0;
		at += n;
	}
	rc = pcre2_match(pw->re, (PCRE2_SPTR)ctx->buf, ctx->scan_len, pos, PCRE2_ANCHORED, ctx->md,
			 ctx->c->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc < 0)
		return ctx_fail(ctx, -EIO, "PCRE2 error %d in keyword '%s'", rc,
				ctx->c->rs->words[w].text);
	if (!pw->tail || rc < 2 || ov[2] == PCRE2_UNSET)
		return block_push_hit_checked(ctx, w, ov[0], ov[1]);
	/* every end inside the ending, shortest first */
	for (e = ov[2]; e <= ov[3]; e++) {
		if (e < ov[3] && ((unsigned char)ctx->buf[e] & 0xc0) == 0x80)
			continue;
		rc = block_push_hit_checked(ctx, w, ov[0], e);
		if (rc)
			return rc;
	}
	return 0;
}

int pcre_words_scan(struct classify_ctx *ctx)
{
	const struct classifier *c = ctx->c;
	const unsigned char *b = (const unsigned char *)ctx->buf;
	const unsigned char *end = b + ctx->scan_len;
	size_t pos = 0, n1, n2;
	uint32_t k;
	int ret;

	while (pos < ctx->scan_len) {
		unsigned int a, d;
		const struct pw_bucket *bk;

		if (!c->pw_start[b[pos]]) {
			pos++;
			continue;
		}
		a = text_fold_cp(next_cp(b + pos, end, &n1));
		bk = &c->pw1[a % PW_BUCKETS];
		for (k = 0; k < bk->n; k++) {
			ret = try_word(ctx, bk->ids[k], pos);
			if (ret)
				return ret;
		}
		if (pos + n1 < ctx->scan_len) {
			d = text_fold_cp(next_cp(b + pos + n1, end, &n2));
			bk = &c->pw2[key2(a, d)];
			for (k = 0; k < bk->n; k++) {
				ret = try_word(ctx, bk->ids[k], pos);
				if (ret)
					return ret;
			}
		}
		pos += n1;
	}
	return 0;
}

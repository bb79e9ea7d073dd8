// SPDX-License-Identifier: GPL-2.0
/*
 * Weighing one candidate once its block is scanned and every keyword hit of the block is known:
 * its validator's result, exclusion words and patterns near it, context words within its
 * window, and so the tier it counts at. Traces (`pdguard rules test`) are written here too.
 */
#include <stdio.h>

#include "classify/internal.h"

static size_t back_chars(const char *buf, size_t pos, unsigned int n)
{
	while (pos > 0 && n) {
		pos--;
		if (((unsigned char)buf[pos] & 0xc0) != 0x80)
			n--;
	}
	return pos;
}

static size_t fwd_chars(const char *buf, size_t pos, size_t len, unsigned int n)
{
	while (pos < len && n) {
		pos++;
		while (pos < len && ((unsigned char)buf[pos] & 0xc0) == 0x80)
			pos++;
		n--;
	}
	return pos;
}

/* First keyword hit ending at or after @pos (hits are sorted by end). */
static size_t hit_lower_bound(const struct classify_ctx *ctx, size_t pos)
{
	size_t lo = 0, hi = ctx->nhits;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ctx->hits[mid].e < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Characters in buf[from, to). */
static size_t count_chars(const char *buf, size_t from, size_t to, size_t stop)
{
	size_t n = 0;

	for (; from < to && n <= stop; from++)
		n += ((unsigned char)buf[from] & 0xc0) != 0x80;
	return n;
}

/*
 * A word of @bits within @win characters of [s, e)? Returns its index or -1. Hits are found by
 * byte distance (a character is 1-4 bytes), and only those of the right words get their
 * distance counted in characters.
 */
static long word_near(const struct classify_ctx *ctx, const uint64_t *bits, size_t s, size_t e,
		      unsigned int win)
{
	const struct classifier *c = ctx->c;
	size_t i, bytes = 4 * (size_t)win;

	for (i = hit_lower_bound(ctx, s > bytes ? s - bytes : 0); i < ctx->nhits; i++) {
		const struct kwhit *h = &ctx->hits[i];
		size_t ks = h->e > c->wlen[h->word] ? h->e - c->wlen[h->word] : 0;

		if (h->e > e + bytes + c->maxwlen)
			break;
		if (!(bits[h->word / 64] & (1ULL << (h->word % 64))))
			continue;
		if (h->e <= s) {
			if (count_chars(ctx->buf, h->e, s, win) <= win)
				return h->word;
		} else if (ks >= e) {
			if (count_chars(ctx->buf, e, ks, win) <= win)
				return h->word;
		} else {
			return h->word; /* overlaps the match */
		}
	}
	return -1;
}

/* Line and column of an absolute offset, for traces; offsets only grow. */
void weigh_trace_advance(struct classify_ctx *ctx, uint64_t abs)
{
	size_t i = ctx->tr_abs > ctx->base ? ctx->tr_abs - ctx->base : 0;
	size_t end = abs - ctx->base;

	if (abs <= ctx->tr_abs)
		return;
	for (; i < end && i < ctx->blen; i++) {
		unsigned char b = ctx->buf[i];

		if (b == '\n') {
			ctx->tr_line++;
			ctx->tr_col = 1;
		} else if ((b & 0xc0) != 0x80) {
			ctx->tr_col++;
		}
	}
	ctx->tr_abs = abs;
}

static void trace_cand(struct classify_ctx *ctx, const struct cand *cd, bool ok, bool context,
		       int tier, const char *reason)
{
	const struct crule *cr = &ctx->c->rules[cd->rule];
	struct classify_trace ev = {
		.kind = TRACE_CANDIDATE,
		.rule = cr->r->name,
		.offset = ctx->base + cd->vs,
		.accepted = ok,
		.context = context,
		.confidence = tier,
		.reason = reason,
	};

	weigh_trace_advance(ctx, ev.offset);
	ev.line = ctx->tr_line;
	ev.col = ctx->tr_col;
	mask_value(cr->r->mask, ctx->buf + cd->vs, cd->ve - cd->vs, ev.value);
	ctx->trace(ctx->trace_arg, &ev);
}

/* Remember who an accepted name is (min-people), up to RULE_MAX_PEOPLE distinct people. */
static void count_person(struct rstate *st, const char *s, size_t len)
{
	char key[128];
	size_t n = person_key(s, len, key, sizeof(key)), i;
	uint32_t h = 2166136261u; /* FNV-1a */

	if (!n)
		return;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	for (i = 0; i < st->npeople; i++)
		if (st->people[i] == h)
			return;
	if (st->npeople < RULE_MAX_PEOPLE)
		st->people[st->npeople++] = h;
}

void weigh_candidate(struct classify_ctx *ctx, const struct cand *cd)
{
	const struct crule *cr = &ctx->c->rules[cd->rule];
	const struct rule *r = cr->r;
	struct rstate *st = &ctx->rst[cd->rule];
	const char *why = NULL;
	long w;
	int ret = VALIDATE_OK, tier;
	bool ctxw;

	ret = cd->vres;
	why = cd->why;
	st->candidates++;
	/* a BIN is no evidence that the numbers around it are people's: count real passes only */
	if (ret == VALIDATE_OK)
		st->valid++;
	if (ret != VALIDATE_OK) {
		if (ctx->trace)
			trace_cand(ctx, cd, false, false, CONF_REJECT, why);
		return;
	}
	if (r->nexclude) {
		w = word_near(ctx, cr->excl_bits, cd->s, cd->e, r->exclude_window);
		if (w >= 0) {
			if (ctx->trace) {
				snprintf(ctx->reason, sizeof(ctx->reason),
					 "excluded by '%s' within %u chars",
					 ctx->c->rs->words[w].text, r->exclude_window);
				trace_cand(ctx, cd, false, false, CONF_REJECT, ctx->reason);
			}
			return;
		}
	}
	if (r->exclude_re) {
		size_t lo = back_chars(ctx->buf, cd->s, r->exclude_window);
		size_t hi = fwd_chars(ctx->buf, cd->e, ctx->scan_len, r->exclude_window);
		int rc = pcre2_match(r->exclude_re, (PCRE2_SPTR)ctx->buf + lo, hi - lo, 0, 0,
				     ctx->md, ctx->c->mctx);

		if (rc >= 0) {
			if (ctx->trace) {
				snprintf(ctx->reason, sizeof(ctx->reason),
					 "excluded by exclude-pattern within %u chars",
					 r->exclude_window);
				trace_cand(ctx, cd, false, false, CONF_REJECT, ctx->reason);
			}
			return;
		}
		if (rc != PCRE2_ERROR_NOMATCH) {
			ctx_pcre_fail(ctx, rc, r);
			return;
		}
	}
	w = r->ncontext ? word_near(ctx, cr->ctx_bits, cd->s, cd->e, r->window) : -1;
	ctxw = w >= 0;
	tier = (ctxw || !r->ncontext) ? r->confidence : r->without_context;
	if (tier == CONF_REJECT) {
		if (ctx->trace) {
			snprintf(ctx->reason, sizeof(ctx->reason),
				 "no context word within %u chars", r->window);
			trace_cand(ctx, cd, false, false, CONF_REJECT, ctx->reason);
		}
		return;
	}
	st->acc[ctxw][tier]++;
	if (r->min_people && tier >= ctx->min_conf)
		count_person(st, ctx->buf + cd->vs, cd->ve - cd->vs);
	if (tier > st->best[ctxw]) {
		st->best[ctxw] = tier;
		mask_value(r->mask, ctx->buf + cd->vs, cd->ve - cd->vs, st->sample[ctxw]);
	}
	if (ctx->trace) {
		if (ctxw)
			snprintf(ctx->reason, sizeof(ctx->reason), "context '%s' within %u chars",
				 ctx->c->rs->words[w].text, r->window);
		else if (r->ncontext)
			snprintf(ctx->reason, sizeof(ctx->reason),
				 "no context word within %u chars (counts as %s)", r->window,
				 confidence_name(tier));
		else
			snprintf(ctx->reason, sizeof(ctx->reason), "%s", "accepted");
		trace_cand(ctx, cd, true, ctxw, tier, ctx->reason);
	}
}

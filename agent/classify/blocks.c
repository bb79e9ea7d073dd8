// SPDX-License-Identifier: GPL-2.0
/*
 * Scanning text in blocks.
 *
 * Text is cut into blocks of BLOCK_SIZE bytes that overlap: each block keeps HEAD bytes of the
 * previous one in front (look-back for patterns and left context) and holds TAIL bytes back for
 * the next (right context). A match belongs to the block in whose "owned" part [own_lo, own_hi)
 * its end falls, so nothing is counted twice and every match sees its whole context window.
 * Hyperscan scans each block in block mode, in passes (enum rule_pass): the main rules over the
 * whole block, the digit-gated ones (dgate.h) around the runs of digits that can hold their
 * matches, the supporting ones and the keywords only in blocks that hold a valid identifier.
 * Candidates are confirmed during the scans and weighed after them, when every keyword of the
 * block is known.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "classify/internal.h"

#ifdef __x86_64__
#include <immintrin.h>
#endif

/* classify_set_gating(): the digit and capitals gates on (false: every block scanned whole) */
static bool gating = true;

static int push_cand(struct classify_ctx *ctx, uint32_t rule, size_t s, size_t e)
{
	const struct crule *cr = &ctx->c->rules[rule];
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ctx->md);
	struct cand *cd;

	if (ctx->ncands == ctx->capc) {
		size_t cap = ctx->capc ? ctx->capc * 2 : 1024;
		struct cand *n = realloc(ctx->cands, cap * sizeof(*n));

		if (!n)
			return ctx_fail(ctx, -ENOMEM, "out of memory");
		ctx->cands = n;
		ctx->capc = cap;
	}
	cd = &ctx->cands[ctx->ncands++];
	cd->rule = rule;
	cd->s = s;
	cd->e = e;
	cd->vs = s;
	cd->ve = e;
	if (cr->vgroup && ov[2 * cr->vgroup] != PCRE2_UNSET) {
		cd->vs = ov[2 * cr->vgroup];
		cd->ve = ov[2 * cr->vgroup + 1];
	}
	return 0;
}

/*
 * Hyperscan reported a possible match of rule @ri ending at @e. Let PCRE2 find the real matches
 * that end by @e, starting where the last confirmation stopped (or the longest match before @e).
 */
static int confirm(struct classify_ctx *ctx, uint32_t ri, size_t e)
{
	const struct crule *cr = &ctx->c->rules[ri];
	struct rstate *st = &ctx->rst[ri];
	uint64_t abs_e = ctx->base + e, from;
	size_t pos, subj;
	PCRE2_SIZE *ov;
	int rc;

	if (abs_e <= st->done)
		return 0;
	st->done = abs_e;
	from = abs_e > cr->maxw ? abs_e - cr->maxw : 0;
	if (st->next_start > from)
		from = st->next_start;
	if (from < ctx->base)
		from = ctx->base;
	pos = from - ctx->base;
	subj = e + LOOKAHEAD < ctx->scan_len ? e + LOOKAHEAD : ctx->scan_len;
	ov = pcre2_get_ovector_pointer(ctx->md);
	while (pos < e) {
		rc = pcre2_match(cr->re, (PCRE2_SPTR)ctx->buf, subj, pos, 0, ctx->md, ctx->c->mctx);
		if (rc == PCRE2_ERROR_NOMATCH) {
			/*
			 * Nothing starts in [pos, subj) and ends early enough for its lookahead to
			 * fit: later hits ending there need no PCRE2 call (a run of digits makes a
			 * hit at every position).
			 */
			uint64_t clear =
				ctx->base +
				(subj == ctx->scan_len && ctx->final ? subj : subj - AHEAD_MAX);

			if (clear > st->done)
				st->done = clear;
			break;
		}
		if (rc < 0)
			return ctx_pcre_fail(ctx, rc, cr->r);
		if (ov[1] > e) {
			/* ends later: its own hit will come, and PCRE2 must find it again then */
			st->next_start = ctx->base + ov[0];
			return 0;
		}
		rc = push_cand(ctx, ri, ov[0], ov[1]);
		if (rc)
			return rc;
		pos = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
		st->next_start = ctx->base + pos;
	}
	return 0;
}

static int push_hit(struct classify_ctx *ctx, uint32_t word, size_t e)
{
	struct kwhit *h;

	if (ctx->nhits == ctx->caph) {
		size_t cap = ctx->caph ? ctx->caph * 2 : 1024;
		struct kwhit *n = realloc(ctx->hits, cap * sizeof(*n));

		if (!n)
			return ctx_fail(ctx, -ENOMEM, "out of memory");
		ctx->hits = n;
		ctx->caph = cap;
	}
	if (ctx->nhits && ctx->hits[ctx->nhits - 1].e > e)
		ctx->hits_sorted = false;
	h = &ctx->hits[ctx->nhits++];
	h->word = word;
	h->e = e;
	ctx->seen[word / 64] |= 1ULL << (word % 64);
	return 0;
}

/* A keyword hit counts only as a whole word: "оклад" is not in "доклад". */
static bool hit_is_word(const struct classify_ctx *ctx, uint32_t w, size_t from, size_t to)
{
	const unsigned char *b = (const unsigned char *)ctx->buf;

	/*
	 * A block begins at an arbitrary character: a word found right at its start may be the
	 * tail of a longer one. The previous block saw it whole.
	 */
	if (from == 0 && !ctx->first)
		return false;
	if ((ctx->c->wedge[w] & WEDGE_LEFT) && is_letter_before(b, from))
		return false;
	if ((ctx->c->wedge[w] & WEDGE_RIGHT) && is_letter_at(b, ctx->scan_len, to))
		return false;
	return true;
}

/* A keyword matched buf[from, to): a hit if it is a whole word. */
int block_push_hit_checked(struct classify_ctx *ctx, uint32_t word, size_t from, size_t to)
{
	if (!hit_is_word(ctx, word, from, to))
		return 0;
	return push_hit(ctx, word, to);
}

static int on_word(unsigned int id, unsigned long long from, unsigned long long to,
		   unsigned int flags, void *arg)
{
	struct classify_ctx *ctx = arg;

	/* fixed-length words are compiled without start-of-match tracking: it is slower */
	if (!(ctx->c->wedge[id] & WEDGE_SOM))
		from = to >= ctx->c->wlen[id] ? to - ctx->c->wlen[id] : 0;
	return block_push_hit_checked(ctx, id, from, to) ? 1 : 0;
}

static int on_rule(unsigned int id, unsigned long long from, unsigned long long to_rel,
		   unsigned int flags, void *arg)
{
	struct classify_ctx *ctx = arg;
	const struct crule *cr = &ctx->c->rules[id];
	size_t to = ctx->scan_off + to_rel, e = to;

	if (cr->edge) {
		/* the hit ends one byte past the match, unless at the end of the text (\z) */
		if (to < ctx->scan_len || !ctx->final)
			e = to - 1;
		else if (!cr->exact)
			e = to; /* confirm() finds the match ending at or before it */
		else
			return confirm(ctx, id, to) ? 1 : 0; /* which of the two: let PCRE2 say */
	}
	if (e > ctx->own_hi)
		return 0; /* the next block owns it */
	if (cr->exact) {
		if (e < cr->exact)
			return 0;
		return push_cand(ctx, id, e - cr->exact, e) ? 1 : 0;
	}
	return confirm(ctx, id, e) ? 1 : 0;
}

/* A rule Hyperscan could not take: PCRE2 walks the block for it. */
static int pcre_pass(struct classify_ctx *ctx, uint32_t ri)
{
	const struct crule *cr = &ctx->c->rules[ri];
	struct rstate *st = &ctx->rst[ri];
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ctx->md);
	size_t pos = st->next_start > ctx->base ? st->next_start - ctx->base : 0;
	int rc;

	while (pos < ctx->own_hi) {
		rc = pcre2_match(cr->re, (PCRE2_SPTR)ctx->buf, ctx->scan_len, pos, 0, ctx->md,
				 ctx->c->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0)
			return ctx_pcre_fail(ctx, rc, cr->r);
		if (ov[1] > ctx->own_hi) {
			st->next_start = ctx->base + ov[0];
			return 0;
		}
		rc = push_cand(ctx, ri, ov[0], ov[1]);
		if (rc)
			return rc;
		pos = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
	}
	st->next_start = ctx->base + ctx->own_hi;
	return 0;
}

/*
 * The PCRE2 engine's gated rules: PCRE2 walks only the windows around runs of digits (as
 * Hyperscan scans them), or the whole block when the gate gave up. A match is made of a run's
 * bytes only, so it lies in a window; look-arounds see the whole buffer.
 */
static int pcre_pass_in(struct classify_ctx *ctx, uint32_t ri, const struct gwin *wins,
			size_t nwins, bool bounded)
{
	const struct crule *cr = &ctx->c->rules[ri];
	struct rstate *st = &ctx->rst[ri];
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ctx->md);
	size_t pos = st->next_start > ctx->base ? st->next_start - ctx->base : 0;
	int rc;

	for (size_t w = 0; w < nwins; w++) {
		size_t ws = wins[w].s, we = wins[w].e;

		if (we <= pos)
			continue;
		if (pos < ws)
			pos = ws;
		/*
		 * bounded: the search stops past the window's last possible match and the 16 bytes
		 * a lookahead may read, instead of running on to the next match of the block
		 */
		size_t slen = bounded && we + cr->maxw + 16 < ctx->scan_len ? we + cr->maxw + 16
									    : ctx->scan_len;

		while (pos < we && pos < ctx->own_hi) {
			rc = pcre2_match(cr->re, (PCRE2_SPTR)ctx->buf, slen, pos, 0, ctx->md,
					 ctx->c->mctx);
			if (rc == PCRE2_ERROR_NOMATCH)
				break;
			if (rc < 0)
				return ctx_pcre_fail(ctx, rc, cr->r);
			if (ov[0] >= we)
				break; /* a later window's: it is found from there */
			if (ov[1] > ctx->own_hi) {
				st->next_start = ctx->base + ov[0];
				return 0;
			}
			rc = push_cand(ctx, ri, ov[0], ov[1]);
			if (rc)
				return rc;
			pos = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
		}
		if (pos >= ctx->own_hi)
			break;
	}
	st->next_start = ctx->base + ctx->own_hi;
	return 0;
}

static int pcre_pass_windows(struct classify_ctx *ctx, uint32_t ri)
{
	return pcre_pass_in(ctx, ri, ctx->wins, ctx->nwins, false);
}

/* A capital letter at buf[i]: A-Z, А-Я, Ё, І, and the Kazakh Ә Ғ Қ Ң Ө Ұ Ү Һ (UTF-8). */
static bool cap_at(const unsigned char *b, size_t i, size_t len)
{
	unsigned char c = b[i], n = i + 1 < len ? b[i + 1] : 0;

	if (c >= 'A' && c <= 'Z')
		return true;
	if (c == 0xd0)
		return n == 0x81 || n == 0x86 || (n >= 0x90 && n <= 0xaf);
	if (c == 0xd2)
		return n == 0x92 || n == 0x9a || n == 0xa2 || n == 0xae || n == 0xb0 || n == 0xba;
	if (c == 0xd3)
		return n == 0x98 || n == 0xa8;
	return false;
}

/* A byte of a word of a name: a Latin letter, a Cyrillic letter's byte, '.', '-'. */
static bool name_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0x80 && c <= 0xbf) ||
	       (c >= 0xd0 && c <= 0xd3) || c == '.' || c == '-';
}

/* Longest word of a name the capitals gate looks back over, in bytes. */
#define CAPS_WORD 64

/*
 * A space (or the second byte of a no-break space, or an initial's dot) at b[j], a capital after
 * it: when the word before it starts with a capital, add a window from that word to RULE_MAX_WIDTH
 * past the space. Returns -ENOMEM when no window can be added.
 */
static int caps_junction(struct classify_ctx *ctx, const unsigned char *b, size_t len, size_t j,
			 size_t *bytes)
{
	size_t e, k;

	if (b[j] != ' ' && b[j] != '.' && !(b[j] == 0xa0 && j && b[j - 1] == 0xc2))
		return 0;
	if (!cap_at(b, j + 1, len))
		return 0;
	if (b[j] == '.') { /* "И.И.Иванов": an initial's dot, no space */
		e = j + 1;
	} else {
		e = b[j] == ' ' ? j : j - 1; /* the word ends before the space or no-break one */
		if (e && b[e - 1] == ' ')
			e--;
	}
	/* the letters before it (a word, a hyphenated name's last part, an initial) */
	for (k = e; k > 0 && e - k < CAPS_WORD;) {
		if (k >= 2 && b[k - 1] >= 0x80 && b[k - 1] <= 0xbf && b[k - 2] >= 0xd0 &&
		    b[k - 2] <= 0xd3)
			k -= 2;
		else if ((b[k - 1] >= 'A' && b[k - 1] <= 'Z') ||
			 (b[k - 1] >= 'a' && b[k - 1] <= 'z'))
			k--;
		else
			break;
	}
	if (k == e && !(e && b[e - 1] == '.'))
		return 0;
	if (k == e) { /* "А. Ахметов": the initial before the dot */
		k = e - 1;
		if (k >= 2 && b[k - 1] >= 0x80 && b[k - 1] <= 0xbf && b[k - 2] >= 0xd0)
			k -= 2;
		else if (k >= 1 && b[k - 1] >= 'A' && b[k - 1] <= 'Z')
			k--;
		else
			return 0;
	}
	if (!cap_at(b, k, len))
		return 0;
	/* the name may start earlier in the same token: "А.Н. Ахметов", "Ахмет-Ахметов Ерлан" */
	while (k > 0 && e - k < CAPS_WORD && name_byte(b[k - 1]))
		k--;
	e = j + 1 + RULE_MAX_WIDTH < len ? j + 1 + RULE_MAX_WIDTH : len;
	if (ctx->ncwins && k <= ctx->cwins[ctx->ncwins - 1].e) {
		*bytes += e - ctx->cwins[ctx->ncwins - 1].e;
		ctx->cwins[ctx->ncwins - 1].e = e;
		return 0;
	}
	if (ctx->ncwins == ctx->capcw) {
		size_t cap = ctx->capcw ? ctx->capcw * 2 : 256;
		struct gwin *n = realloc(ctx->cwins, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		ctx->cwins = n;
		ctx->capcw = cap;
	}
	ctx->cwins[ctx->ncwins].s = k;
	ctx->cwins[ctx->ncwins++].e = e;
	*bytes += e - k;
	return 0;
}

#ifdef __x86_64__
/*
 * 32 places at a time: a space, 0xa0 or a dot, then A-Z, or 0xd0 and a byte below 0xb0 (А-Я, Ё, І),
 * or 0xd2/0xd3 (the Kazakh capitals' first byte); caps_junction() checks each such place.
 * Ordinary text has a few per line: the loop costs about what reading the block does.
 */
__attribute__((target("avx2"))) static size_t
caps_avx2(struct classify_ctx *ctx, const unsigned char *b, size_t len, size_t *bytes, int *err)
{
	const __m256i sp = _mm256_set1_epi8(' '), nb = _mm256_set1_epi8((char)0xa0);
	const __m256i dot = _mm256_set1_epi8('.');
	const __m256i a1 = _mm256_set1_epi8('A' - 1), z1 = _mm256_set1_epi8('Z' + 1);
	const __m256i d0 = _mm256_set1_epi8((char)0xd0), d2 = _mm256_set1_epi8((char)0xd2);
	const __m256i d3 = _mm256_set1_epi8((char)0xd3), b0 = _mm256_set1_epi8((char)0xb0);
	size_t j;

	for (j = 1; j + 34 <= len; j += 32) {
		__m256i v0 = _mm256_loadu_si256((const __m256i *)(b + j));
		__m256i v1 = _mm256_loadu_si256((const __m256i *)(b + j + 1));
		__m256i v2 = _mm256_loadu_si256((const __m256i *)(b + j + 2));
		__m256i s = _mm256_or_si256(
			_mm256_or_si256(_mm256_cmpeq_epi8(v0, sp), _mm256_cmpeq_epi8(v0, nb)),
			_mm256_cmpeq_epi8(v0, dot));
		__m256i up = _mm256_and_si256(_mm256_cmpgt_epi8(v1, a1), _mm256_cmpgt_epi8(z1, v1));
		/* signed: a byte below -80 is 0x80-0xaf */
		__m256i cy = _mm256_and_si256(_mm256_cmpeq_epi8(v1, d0), _mm256_cmpgt_epi8(b0, v2));
		__m256i kz = _mm256_or_si256(_mm256_cmpeq_epi8(v1, d2), _mm256_cmpeq_epi8(v1, d3));
		unsigned int m = (unsigned int)_mm256_movemask_epi8(
			_mm256_and_si256(s, _mm256_or_si256(up, _mm256_or_si256(cy, kz))));

		while (m) {
			*err = caps_junction(ctx, b, len, j + (size_t)__builtin_ctz(m), bytes);
			if (*err)
				return j;
			m &= m - 1;
		}
	}
	return j;
}
#endif

/*
 * The capitals gate (gate = capitals): every name form the rule knows has a space followed by a
 * capital, after a word that starts with a capital ("Ахметов Айдар", "Ахметов А.", "А.Н.
 * Ахметов", "J. Smith"), or an initial's dot followed by a capital ("И.И.Иванов"). A sentence
 * starts after a lower-case word ("работ. Согласно"), so ordinary prose makes few windows. Returns
 * false when the windows would cover most of the block, or no memory is left for them: then the
 * block is scanned whole.
 */
static bool caps_windows(struct classify_ctx *ctx)
{
	const unsigned char *b = (const unsigned char *)ctx->buf;
	size_t len = ctx->scan_len, j = 1, bytes = 0;
	int err = 0;

	ctx->ncwins = 0;
	if (!gating)
		return false;
#ifdef __x86_64__
	if (dgate_vector())
		j = caps_avx2(ctx, b, len, &bytes, &err);
#endif
	for (; !err && j + 1 < len; j++)
		err = caps_junction(ctx, b, len, j, &bytes);
	return !err && bytes <= len / 2 + 1;
}

static int cmp_hits(const void *a, const void *b)
{
	const struct kwhit *x = a, *y = b;

	return (x->e > y->e) - (x->e < y->e);
}

static int cmp_cands(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->s != y->s)
		return (x->s > y->s) - (x->s < y->s);
	return (x->rule > y->rule) - (x->rule < y->rule);
}

/* Hyperscan over buf[off, off + len): hits are reported in buffer offsets (ctx->scan_off). */
static int scan_db(struct classify_ctx *ctx, const hs_database_t *db, size_t off, size_t len,
		   match_event_handler fn)
{
	hs_error_t hr;

	if (!db)
		return 0;
	ctx->scan_off = off;
	hr = hs_scan(db, ctx->buf + off, len, 0, ctx->scratch, fn, ctx);
	ctx->scan_off = 0;
	if (ctx->err)
		return ctx->err;
	if (hr != HS_SUCCESS)
		return ctx_fail(ctx, hr == HS_NOMEM ? -ENOMEM : -EIO, "Hyperscan scan error");
	return 0;
}

void classify_set_gating(bool on)
{
	gating = on;
}

/*
 * A run of digits and separators that can hold a gated rule's match: scan it with one byte
 * either side (the edges its patterns look at). A match consumes only bytes of the run, so no
 * match starts or ends at a window's edge, where Hyperscan would see the start or end of a text.
 * Returns 1 to give up windows (too many, or too much of the block: it is scanned whole).
 */
static int add_window(size_t s, size_t e, void *arg)
{
	struct classify_ctx *ctx = arg;
	struct gwin *w;

	s = s ? s - 1 : 0;
	e = e < ctx->scan_len ? e + 1 : e;
	if (ctx->nwins && s <= ctx->wins[ctx->nwins - 1].e + GATE_MERGE) {
		w = &ctx->wins[ctx->nwins - 1];
		ctx->win_bytes += e - w->e;
		w->e = e;
	} else {
		if (ctx->nwins == ctx->capw) {
			size_t cap = ctx->capw ? ctx->capw * 2 : 256;
			struct gwin *n = realloc(ctx->wins, cap * sizeof(*n));

			if (!n)
				return 1; /* no memory for windows: scan it all */
			ctx->wins = n;
			ctx->capw = cap;
		}
		w = &ctx->wins[ctx->nwins++];
		w->s = s;
		w->e = e;
		ctx->win_bytes += e - s;
	}
	return ctx->win_bytes > ctx->scan_len / 2 || ctx->nwins > ctx->scan_len / GATE_SPARSE;
}

/* The gated rules: only in windows around runs of digits that can hold their matches. */
static int scan_gated(struct classify_ctx *ctx)
{
	const hs_database_t *db = ctx->c->db_rules[PASS_GATED];
	size_t i;
	int ret;

	if (!db)
		return 0;
	ctx->nwins = 0;
	ctx->win_bytes = 0;
	if (!gating || !dgate_vector())
		return scan_db(ctx, db, 0, ctx->scan_len, on_rule);
	if (dgate_runs(&ctx->c->gate, (const unsigned char *)ctx->buf, ctx->scan_len, add_window,
		       ctx)) {
		ctx->gate_gave_up = true;
		return scan_db(ctx, db, 0, ctx->scan_len, on_rule);
	}
	for (i = 0; i < ctx->nwins; i++) {
		ret = scan_db(ctx, db, ctx->wins[i].s, ctx->wins[i].e - ctx->wins[i].s, on_rule);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Runs the validators of candidates [from, ncands): true if one is an identifier (a supporting
 * rule's candidate counts only in a trace, which explains everything).
 */
static bool validate_cands(struct classify_ctx *ctx, size_t from)
{
	bool found = false;

	for (size_t i = from; i < ctx->ncands; i++) {
		struct cand *cd = &ctx->cands[i];
		const struct rule *r = ctx->c->rules[cd->rule].r;

		cd->why = NULL;
		cd->vres = VALIDATE_OK;
		if (r->validator->fn)
			cd->vres = r->validator->fn(ctx->buf + cd->vs, cd->ve - cd->vs,
						    r->strictness, &cd->why);
		if (cd->vres == VALIDATE_OK && (!r->supporting || ctx->trace))
			found = true;
	}
	return found;
}

/* Scan the block in ctx->buf and weigh what it owns. */
int block_process(struct classify_ctx *ctx)
{
	const struct classifier *c = ctx->c;
	bool need_words = false, dense, pcre = c->engine == CLASSIFY_ENGINE_PCRE2, windows = false;
	bool caps = false, caps_done = false;
	size_t i, keep;
	int ret = 0;

	/* never hand Hyperscan (UTF-8 mode) half a character at the end of a block */
	ctx->scan_len = ctx->blen;
	if (!ctx->final) {
		while (ctx->scan_len > 0 &&
		       ((unsigned char)ctx->buf[ctx->scan_len - 1] & 0xc0) == 0x80)
			ctx->scan_len--;
		if (ctx->scan_len > 0 && (unsigned char)ctx->buf[ctx->scan_len - 1] >= 0xc0)
			ctx->scan_len--;
	}
	ctx->own_hi = ctx->final ? ctx->blen : ctx->scan_len - c->tail;
	ctx->ncands = 0;
	ctx->nhits = 0;
	ctx->hits_sorted = true;
	dense = ctx->dense && c->db_rules[PASS_ALL];
	ctx->gate_gave_up = false;
	if (ctx->scan_len && dense) {
		ret = scan_db(ctx, c->db_rules[PASS_ALL], 0, ctx->scan_len, on_rule);
		if (ret)
			return ret;
	} else if (ctx->scan_len) {
		ret = scan_db(ctx, c->db_rules[PASS_MAIN], 0, ctx->scan_len, on_rule);
		if (!ret)
			ret = scan_gated(ctx);
		if (ret)
			return ret;
	}
	if (pcre && ctx->scan_len) {
		ctx->nwins = 0;
		ctx->win_bytes = 0;
		windows = gating && dgate_vector() && c->gate.min_digits &&
			  !dgate_runs(&c->gate, (const unsigned char *)ctx->buf, ctx->scan_len,
				      add_window, ctx);
	}
	for (i = 0; i < c->nrules; i++) {
		if (c->rules[i].hs || (pcre && c->rules[i].pass == PASS_SUPPORT))
			continue;
		if (c->rules[i].r->gate_capitals) {
			if (!caps_done) {
				caps = caps_windows(ctx);
				caps_done = true;
			}
			ret = caps ? pcre_pass_in(ctx, i, ctx->cwins, ctx->ncwins, true)
				   : pcre_pass(ctx, i);
		} else if (windows && c->rules[i].pass == PASS_GATED)
			ret = pcre_pass_windows(ctx, i);
		else
			ret = pcre_pass(ctx, i);
		if (ret)
			return ret;
	}
	/*
	 * Validators first: keywords matter only around an identifier that can be one. Most
	 * blocks of most files hold none, and skip the keyword scan, the dearer of the two.
	 */
	need_words = validate_cands(ctx, 0);
	if (pcre && (need_words || ctx->trace)) {
		/* the PCRE2 engine (pcre.c): supporting rules and keywords as Hyperscan has them */
		size_t from = ctx->ncands;

		for (i = 0; i < c->nrules; i++) {
			if (c->rules[i].pass != PASS_SUPPORT)
				continue;
			ret = pcre_pass(ctx, i);
			if (ret)
				return ret;
		}
		if (validate_cands(ctx, from))
			need_words = true;
	}
	if (pcre && need_words) {
		ret = pcre_words_scan(ctx);
		if (ret)
			return ret;
	}
	/*
	 * A supporting rule (a diagnosis code) matters only in a block with an identifier: on its
	 * own it pays neither for its scan nor for the keyword scan. Traces always scan, to explain.
	 */
	if (!dense && ctx->scan_len && c->db_rules[PASS_SUPPORT] && (need_words || ctx->trace)) {
		size_t from = ctx->ncands;

		ret = scan_db(ctx, c->db_rules[PASS_SUPPORT], 0, ctx->scan_len, on_rule);
		if (ret)
			return ret;
		if (validate_cands(ctx, from))
			need_words = true;
	}
	if (need_words && c->db_words) {
		ret = scan_db(ctx, c->db_words, 0, ctx->scan_len, on_word);
		if (ret)
			return ret;
	}
	/* text dense with identifiers tends to go on: so scan the next block in one pass */
	ctx->dense = gating && need_words && (dense || ctx->gate_gave_up);
	if (!ctx->hits_sorted)
		qsort(ctx->hits, ctx->nhits, sizeof(*ctx->hits), cmp_hits);
	/* traces report line numbers, counted forwards: they want candidates in text order */
	if (ctx->trace && ctx->ncands > 1)
		qsort(ctx->cands, ctx->ncands, sizeof(*ctx->cands), cmp_cands);
	for (i = 0; i < ctx->ncands && !ctx->err; i++) {
		const struct cand *cd = &ctx->cands[i];

		if (!need_words && c->rules[cd->rule].r->supporting)
			continue; /* no identifier in this block: nothing for it to support */
		if (cd->e > ctx->own_lo || (ctx->first && cd->e == 0))
			weigh_candidate(ctx, cd);
	}
	if (ctx->err)
		return ctx->err;
	if (ctx->trace)
		weigh_trace_advance(ctx, ctx->base + ctx->own_hi);
	if (ctx->final)
		return 0;

	/* keep HEAD bytes before own_hi (from a character boundary) for the next block */
	keep = ctx->own_hi > c->head ? ctx->own_hi - c->head : 0;
	while (keep < ctx->own_hi && ((unsigned char)ctx->buf[keep] & 0xc0) == 0x80)
		keep++;
	memmove(ctx->buf, ctx->buf + keep, ctx->blen - keep);
	ctx->blen -= keep;
	ctx->base += keep;
	ctx->own_lo = ctx->own_hi - keep;
	if (keep)
		ctx->first = false;
	return 0;
}

int classify_feed(void *arg, const char *text, size_t len)
{
	struct classify_ctx *ctx = arg;
	int ret;

	if (ctx->err)
		return ctx->err;
	ctx->text_bytes += len;
	while (len) {
		size_t n = ctx->cap - ctx->blen;

		if (n > len)
			n = len;
		memcpy(ctx->buf + ctx->blen, text, n);
		ctx->blen += n;
		text += n;
		len -= n;
		if (ctx->blen == ctx->cap) {
			ret = block_process(ctx);
			if (ret)
				return ret;
		}
	}
	return 0;
}

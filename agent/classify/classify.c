// SPDX-License-Identifier: GPL-2.0
/*
 * The classification engine (see classify.h for the model).
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>

#include "classify/classify.h"
#include "classify/dgate.h"
#include "extract/extract.h"
#include "classify/hscache.h"

#define BLOCK_SIZE (1024 * 1024)
/* How far past a candidate PCRE2 is shown the text. */
#define LOOKAHEAD 64
/* How far a rule's lookahead may look past its match (docs/rules.md says so). */
#define AHEAD_MAX 16
/* PCRE2 limits for one confirmation on a small window: generous, but a runaway pattern stops. */
#define MATCH_LIMIT    200000
#define DEPTH_LIMIT    5000
#define HEAP_LIMIT_KIB 4096
#define WEDGE_LEFT     1U
#define WEDGE_RIGHT    2U
#define WEDGE_SOM      4U
/*
 * A rule is gated (scanned only around runs of digits, see dgate.h) when every match holds this
 * many digits: fewer, and dates and sums would open windows everywhere.
 */
#define GATE_MIN_DIGITS 8
/* Windows of the gated scan closer than this are scanned as one (a scan call has a cost). */
#define GATE_MERGE 256
/*
 * More windows than one per this many bytes, or windows over half the block, and the block is
 * scanned whole: that is what text dense with identifiers costs anyway, without the calls.
 */
#define GATE_SPARSE 2048

/* Which Hyperscan database a rule is in, and so where it is looked for. */
enum rule_pass {
	PASS_MAIN,    /* every block, whole */
	PASS_GATED,   /* only around runs of digits that can hold a match */
	PASS_SUPPORT, /* supporting rules: only in blocks where an identifier was found */
	/*
	 * Not a pass of its own: every rule in one database, for text dense with identifiers,
	 * where the gate finds windows everywhere and every block needs the supporting rules:
	 * one scan of the block is then cheaper than three.
	 */
	PASS_ALL,
	__PASS_MAX,
};

struct crule {
	const struct rule *r;
	pcre2_code *re;
	int vgroup;	     /* number of the (?<v>...) group giving the value, 0 for the match */
	unsigned int maxw;   /* longest match, bytes */
	bool hs;	     /* in the Hyperscan database; else a PCRE2 pass of its own */
	bool edge;	     /* Hyperscan's hit may end one byte past the match (see hs_form()) */
	unsigned int exact;  /* Hyperscan's hit is the match, this many bytes wide: no PCRE2 */
	unsigned char pass;  /* enum rule_pass */
	uint64_t *ctx_bits;  /* context words, a bit per word */
	uint64_t *excl_bits; /* exclusion words */
};

struct classifier {
	const struct rules *rs;
	hs_database_t *db_rules[__PASS_MAX]; /* the primary patterns, by pass, as prefilters */
	hs_database_t *db_words;	      /* every keyword in its case forms */
	struct dgate_scan gate;		      /* what the gated rules' matches are made of */
	struct crule *rules;
	size_t nrules;
	size_t nwords, bitwords;
	unsigned int *wlen;
	unsigned char *wedge; /* WEDGE_*: which ends of a word need a boundary check */
	unsigned int maxwlen;
	size_t head, tail;
	uint32_t max_groups;
	pcre2_match_context *mctx;
	struct classifier_note *notes;
	size_t nnotes;
};

struct cand {
	uint32_t rule;
	uint32_t s, e;	 /* the match, buffer offsets */
	uint32_t vs, ve; /* the value inside it */
	int vres;	 /* enum validate_result */
	const char *why; /* the validator's reason */
};

struct kwhit {
	uint32_t word;
	uint32_t e;
};

struct rstate {
	uint64_t next_start; /* absolute offset where PCRE2 looks for this rule's next match */
	uint64_t done;	     /* Hyperscan hits ending at or before this are handled */
	uint64_t candidates, valid;
	uint64_t acc[2][CONF_HIGH + 1]; /* accepted, [with context][tier] */
	int best[2];
	char sample[2][MASK_MAX];
};

struct classify_ctx {
	const struct classifier *c;
	hs_scratch_t *scratch;
	pcre2_match_data *md;
	char *buf;
	size_t cap, blen, scan_len, own_lo, own_hi;
	size_t scan_off; /* where in buf the text Hyperscan is scanning starts */
	struct gwin { size_t s, e; } *wins; /* the gated scan's windows in this block */
	size_t nwins, capw, win_bytes;
	bool gate_gave_up; /* this block: the gate found windows everywhere */
	bool dense;	   /* the next block: scan it with PASS_ALL */
	uint64_t base;
	bool first, final;
	struct cand *cands;
	size_t ncands, capc;
	struct kwhit *hits;
	size_t nhits, caph;
	bool hits_sorted;
	struct rstate *rst;
	uint64_t *seen;
	uint64_t text_bytes;
	int min_conf;
	classify_trace_fn trace;
	void *trace_arg;
	uint64_t tr_abs, tr_line, tr_col;
	int err;
	char errmsg[256];
	struct classify_finding *findings;
	size_t nfindings;
	/* the documents of one file so far (classify_next_document()), merged */
	struct classify_finding *acc;
	size_t nacc;
	bool acc_pd;
	unsigned int acc_categories;
	/* classify_picture(): pictures and biometric records of the current document */
	unsigned int photos, records;
	char photo[MASK_MAX], record[MASK_MAX];
	char reason[160];
};

/* ---- building ---------------------------------------------------------------------------- */

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *s, size_t n)
{
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
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Letters and digits of the scripts we read: ASCII, Latin-1 and extensions, Greek, Cyrillic. */
static bool is_letter_cp(unsigned int cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		       (cp >= 'A' && cp <= 'Z');
	return (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) ||
	       (cp >= 0x370 && cp <= 0x52f);
}

/* Is there a letter at @pos of @s (length @len)? */
static bool is_letter_at(const unsigned char *s, size_t len, size_t pos)
{
	if (pos >= len)
		return false;
	if (s[pos] < 0x80)
		return is_letter_cp(s[pos]);
	if ((s[pos] & 0xe0) == 0xc0 && pos + 1 < len)
		return is_letter_cp(((s[pos] & 0x1f) << 6) | (s[pos + 1] & 0x3f));
	return false;
}

/* Is the character ending just before @pos a letter? */
static bool is_letter_before(const unsigned char *s, size_t pos)
{
	size_t i = pos;

	if (!pos)
		return false;
	if (s[pos - 1] < 0x80)
		return is_letter_cp(s[pos - 1]);
	while (i > 0 && pos - i < 4 && (s[i - 1] & 0xc0) == 0x80)
		i--;
	if (i == 0)
		return false;
	return is_letter_at(s, pos, i - 1);
}

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

enum { CASE_ASIS, CASE_LOWER, CASE_TITLE, CASE_UPPER, __CASE_MAX };

/* @text in one of the case forms; @out holds 3 bytes per input byte. */
static void case_variant(const char *text, int form, char *out)
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

/*
 * One case form of a keyword as a Hyperscan pattern (UTF-8): any run of 1-3 spaces (or no-break
 * spaces, line breaks; \s alone would not take U+00A0 without UCP) between words, hyphen
 * variants for '-', е and ё alike (расчётный = расчетный), other characters literal. Case forms
 * are separate literals rather than Hyperscan's caseless Unicode mode, which is half as fast;
 * word boundaries are checked when a hit is reported (hit_is_word()), as Hyperscan has no \b for
 * Cyrillic. (The same patterns as bytes without HS_FLAG_UTF8 run 26% fewer instructions but no
 * faster: measured, not kept.)
 */
static char *word_pattern(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	struct sbuf b = { 0 };
	char tmp[8];

	while (*p) {
		if (*p == ' ' || *p == '\t') {
			while (p[1] == ' ' || p[1] == '\t')
				p++;
			sb_str(&b, "[\\t\\n\\v\\f\\r \\x{a0}]{1,3}");
			p++;
		} else if (*p == '*') {
			/* the ending of a word inside a phrase */
			sb_str(&b, "[\\x{400}-\\x{4ff}a-zA-Z]{0,6}");
			p++;
		} else if (*p == '-') {
			sb_str(&b, "[\\-\\x{2010}-\\x{2015}]");
			p++;
		} else if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
			   (*p >= 'A' && *p <= 'Z')) {
			sb_add(&b, (const char *)p, 1);
			p++;
		} else if (*p < 0x80) {
			snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
			sb_str(&b, tmp);
			p++;
		} else if (!memcmp(p, "\xd0\xb5", 2) || !memcmp(p, "\xd1\x91", 2)) {
			sb_str(&b, "[её]");
			p += 2;
		} else if (!memcmp(p, "\xd0\x95", 2) || !memcmp(p, "\xd0\x81", 2)) {
			sb_str(&b, "[ЕЁ]");
			p += 2;
		} else {
			size_t n = 1;

			while ((p[n] & 0xc0) == 0x80)
				n++;
			sb_add(&b, (const char *)p, n);
			p += n;
		}
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

static void __attribute__((format(printf, 3, 4)))
add_note(struct classifier *c, const struct rule *r, const char *fmt, ...)
{
	struct classifier_note *n = realloc(c->notes, (c->nnotes + 1) * sizeof(*n));
	va_list ap;

	if (!n)
		return;
	c->notes = n;
	n[c->nnotes].rule = r->name;
	va_start(ap, fmt);
	vsnprintf(n[c->nnotes].text, sizeof(n[c->nnotes].text), fmt, ap);
	va_end(ap);
	c->nnotes++;
}

const char *classifier_rule_scan(const struct classifier *c, size_t i, char *buf, size_t len)
{
	const struct crule *cr;
	unsigned int b;
	size_t k = 0;

	if (i >= c->nrules)
		return NULL;
	cr = &c->rules[i];
	if (!cr->hs)
		return "whole text, PCRE2";
	if (cr->pass == PASS_SUPPORT)
		return "only in blocks with an identifier (supporting)";
	if (cr->pass == PASS_MAIN)
		return "whole text";
	k = (size_t)snprintf(buf, len, "only around runs of %u+ digits with '",
			     c->gate.min_digits);
	for (b = 0; b < 128 && k + 8 < len; b++) {
		if (!(c->gate.set[b / 64] >> (b % 64) & 1) || (b >= '0' && b <= '9'))
			continue;
		k += (size_t)snprintf(buf + k, len - k, b < 32 || b == 127 ? "\\x%02x" : "%c", b);
	}
	snprintf(buf + k, k < len ? len - k : 0, "' between");
	return buf;
}

const struct classifier_note *classifier_notes(const struct classifier *c, size_t *n)
{
	*n = c->nnotes;
	return c->notes;
}

void classifier_free(struct classifier *c)
{
	size_t i;

	if (!c)
		return;
	for (int p = 0; p < __PASS_MAX; p++)
		hs_free_database(c->db_rules[p]);
	hs_free_database(c->db_words);
	for (i = 0; i < c->nrules; i++) {
		free(c->rules[i].ctx_bits);
		free(c->rules[i].excl_bits);
	}
	free(c->rules);
	free(c->wlen);
	free(c->wedge);
	pcre2_match_context_free(c->mctx);
	free(c->notes);
	free(c);
}

static uint64_t *bits_of(const uint32_t *idx, size_t n, size_t bitwords)
{
	uint64_t *bits = calloc(bitwords ? bitwords : 1, sizeof(*bits));
	size_t i;

	if (!bits)
		return NULL;
	for (i = 0; i < n; i++)
		bits[idx[i] / 64] |= 1ULL << (idx[i] % 64);
	return bits;
}

/* Length of a look-around "(?<![...])" / "(?![...])" at @p (no nested class), or 0. */
static size_t lookaround_len(const char *p, const char *open)
{
	size_t n = strlen(open), i;

	if (strncmp(p, open, n) || p[n] == ']' || p[n] == '^')
		return 0;
	for (i = n; p[i] && p[i] != ']'; i++)
		if (p[i] == '[' || (p[i] == '\\' && !p[++i]))
			return 0;
	return p[i] == ']' && p[i + 1] == ')' ? i + 2 : 0;
}

/* Is @ch in the class body @cls ("0-9A-Z+": characters and ranges, nothing else)? */
static bool in_class(const char *cls, size_t n, char ch)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (i + 2 < n && cls[i + 1] == '-') {
			if (ch >= cls[i] && ch <= cls[i + 2])
				return true;
			i += 2;
		} else if (cls[i] == ch) {
			return true;
		}
	}
	return false;
}

/*
 * Is @core made only of characters of the class @cls: ASCII letters and digits of it and "[cls]"
 * with a "{N}" count? Then no two matches overlap (each ends before a character outside the
 * class), and Hyperscan's hits are PCRE2's matches.
 */
static bool core_in_class(const char *core, const char *cls)
{
	size_t cl = strlen(cls);

	if (!cl || strpbrk(cls, "\\^[") || cls[0] == '-' || cls[cl - 1] == '-')
		return false;
	while (*core) {
		if (*core == '[') {
			if (strncmp(core + 1, cls, cl) || core[cl + 1] != ']')
				return false;
			core += cl + 2;
			if (*core == '{') {
				core++;
				while (*core >= '0' && *core <= '9')
					core++;
				if (*core++ != '}')
					return false;
			}
		} else if (((*core >= '0' && *core <= '9') || (*core >= 'A' && *core <= 'Z') ||
			    (*core >= 'a' && *core <= 'z')) && in_class(cls, cl, *core)) {
			core++;
		} else {
			return false;
		}
	}
	return true;
}

/*
 * Hyperscan has no look-arounds: as a prefilter it drops them, and a digit pattern then hits at
 * every position of a long number ([0-9]{9} five times in a 12-digit one, each hit a PCRE2
 * call). A leading "(?<![C])" and a trailing "(?![C])" become the classes they guard,
 * "(?:\A|[^C])" and "(?:[^C]|\z)", which Hyperscan can match: one hit per number, ending one
 * byte past the match (cr->edge). When what is left is plain characters and classes of one
 * fixed width, the hit is exact and PCRE2 is not needed at all (cr->exact).
 */
static char *hs_form(struct crule *cr)
{
	const char *pat = cr->r->pattern;
	size_t len = strlen(pat), lb, la = 0, k, bs;
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *cerr = NULL;
	struct sbuf b = { 0 };
	char *core, *cls;

	cr->edge = false;
	cr->exact = 0;
	lb = lookaround_len(pat, "(?<![");
	if (lb && strchr("*+?{", pat[lb]))
		lb = 0;
	for (k = lb; k + 4 < len; k++) {
		/* the last "(?![" that is not escaped and reaches the end */
		if (strncmp(pat + k, "(?![", 4))
			continue;
		for (bs = 0; k > bs && pat[k - bs - 1] == '\\'; bs++)
			;
		if (!(bs & 1) && lookaround_len(pat + k, "(?![") == len - k)
			la = len - k;
	}
	if (!lb && !la)
		return NULL;
	if (lb) {
		sb_str(&b, "(?:\\A|[^");
		sb_add(&b, pat + 5, lb - 7);
		sb_str(&b, "])");
	}
	sb_add(&b, pat + lb, len - lb - la);
	if (la) {
		sb_str(&b, "(?:[^");
		sb_add(&b, pat + len - la + 4, la - 6);
		sb_str(&b, "]|\\z)");
	}
	if (b.oom) {
		free(b.s);
		return NULL;
	}
	cr->edge = la != 0;
	/* exact: both guards, a plain core of one width (then Hyperscan's hit is the match) */
	core = strndup(pat + lb, len - lb - la);
	cls = la ? strndup(pat + len - la + 4, la - 6) : NULL;
	if (core && cls && lb && !cr->vgroup && core_in_class(core, cls) &&
	    hs_expression_info(core, 0, &info, &cerr) == HS_SUCCESS &&
	    info->min_width == info->max_width && info->max_width > 0 &&
	    !info->unordered_matches && !info->matches_at_eod)
		cr->exact = info->max_width;
	free(info);
	hs_free_compile_error(cerr);
	free(core);
	free(cls);
	return b.s;
}

/*
 * The primary patterns of one pass, in one database; rules Hyperscan refuses move to a PCRE2
 * pass of their own.
 */
static int compile_pass_db(struct classifier *c, int pass, char **forms, hs_database_t **db,
			   char *err, size_t errlen)
{
	const char **exprs = calloc(c->nrules + 1, sizeof(*exprs));
	unsigned int *flags = calloc(c->nrules + 1, sizeof(*flags));
	unsigned int *ids = calloc(c->nrules + 1, sizeof(*ids));
	bool plain = false;
	size_t i, k;
	int ret = 0;

	if (!exprs || !flags || !ids) {
		ret = -ENOMEM;
		goto out;
	}
	for (;;) {
		hs_compile_error_t *cerr = NULL;
		hs_error_t hr;

		for (i = 0, k = 0; i < c->nrules; i++) {
			struct crule *cr = &c->rules[i];

			if (!cr->hs || (pass != PASS_ALL && cr->pass != pass))
				continue;
			if (plain || !forms[i]) {
				cr->edge = false;
				cr->exact = 0;
			}
			exprs[k] = cr->edge ? forms[i] : cr->r->pattern;
			/* a superset of the PCRE2 pattern (lookarounds dropped): PCRE2 decides */
			flags[k] = cr->exact ? 0 : HS_FLAG_PREFILTER;
			ids[k++] = i;
		}
		if (!k)
			break;
		hr = hscache_compile_multi(exprs, flags, ids, k, db, &cerr);
		if (hr == HS_SUCCESS)
			break;
		if (pass == PASS_ALL) {
			/*
			 * Each rule compiled in its own pass, as it is now: if they do not go into
			 * one database, do without it (dense text is scanned in passes) rather than
			 * change how any rule's hits are read.
			 */
			hs_free_compile_error(cerr);
			*db = NULL;
			break;
		}
		if (cerr && cerr->expression >= 0) {
			struct crule *cr = &c->rules[ids[cerr->expression]];

			if (cr->edge && !plain) {
				/* the rewritten forms are an optimisation: retry without them */
				plain = true;
				hs_free_compile_error(cerr);
				continue;
			}

			cr->hs = false;
			add_note(c, cr->r,
				 "Hyperscan cannot compile it (%s): it runs as a separate "
				 "PCRE2 pass (slower)",
				 cerr->message);
			hs_free_compile_error(cerr);
			continue;
		}
		snprintf(err, errlen, "Hyperscan: %s", cerr ? cerr->message : "compile error");
		hs_free_compile_error(cerr);
		ret = hr == HS_NOMEM ? -ENOMEM : -EINVAL;
		goto out;
	}
out:
	free(exprs);
	free(flags);
	free(ids);
	return ret;
}

/*
 * Which pass each rule is in: a supporting rule (a diagnosis code) is looked for only where an
 * identifier was found; a rule made of digits and separators only around runs of them.
 */
static void assign_passes(struct classifier *c)
{
	dgate_scan_init(&c->gate);
	for (size_t i = 0; i < c->nrules; i++) {
		struct crule *cr = &c->rules[i];
		struct dgate d;
		bool plain_gap = true;

		cr->pass = PASS_MAIN;
		if (cr->r->supporting) {
			cr->pass = PASS_SUPPORT;
			continue;
		}
		if (!dgate_analyze(cr->r->pattern, &d) || d.min_digits < GATE_MIN_DIGITS)
			continue;
		/* letters or non-ASCII bytes as separators would join runs across words */
		for (unsigned int b = 0; b < 256 && plain_gap; b++)
			if ((d.gap[b / 64] >> (b % 64) & 1) &&
			    (b >= 0x80 || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z')))
				plain_gap = false;
		if (!plain_gap)
			continue;
		cr->pass = PASS_GATED;
		dgate_scan_add(&c->gate, &d);
	}
}

static int compile_rules_db(struct classifier *c, char *err, size_t errlen)
{
	char **forms = calloc(c->nrules + 1, sizeof(*forms));
	size_t i;
	int ret = 0, p;

	if (!forms)
		return -ENOMEM;
	assign_passes(c);
	for (i = 0; i < c->nrules; i++)
		forms[i] = hs_form(&c->rules[i]);
	for (i = 0; i < c->nrules; i++)
		if (forms[i])
			c->rules[i].maxw++; /* confirm() may be given the end one byte late */
	for (p = 0; p < __PASS_MAX && !ret; p++)
		ret = compile_pass_db(c, p, forms, &c->db_rules[p], err, errlen);
	for (i = 0; i < c->nrules; i++)
		free(forms[i]);
	free(forms);
	return ret;
}

/* Every case form of every keyword, in a second database (scanned only where it matters). */
static int compile_words_db(struct classifier *c, char *err, size_t errlen)
{
	size_t cap = c->nwords * __CASE_MAX + 1, k = 0, i, j;
	char **exprs = calloc(cap, sizeof(*exprs));
	unsigned int *flags = calloc(cap, sizeof(*flags));
	unsigned int *ids = calloc(cap, sizeof(*ids));
	char forms[__CASE_MAX][3 * 128 + 1];
	hs_compile_error_t *cerr = NULL;
	int ret = 0, f;

	if (!exprs || !flags || !ids) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < c->nwords; i++) {
		const struct rule_word *w = &c->rs->words[i];
		/* a phrase varies in length: Hyperscan must report where it starts */
		bool som = c->wedge[i] & WEDGE_SOM;

		for (f = 0; f < __CASE_MAX; f++) {
			if (f && (w->flags & RULE_WORD_CASE))
				break;
			case_variant(w->text, f, forms[f]);
			for (j = 0; j < (size_t)f; j++)
				if (!strcmp(forms[j], forms[f]))
					break;
			if (j < (size_t)f)
				continue;
			exprs[k] = word_pattern(forms[f]);
			if (!exprs[k]) {
				ret = -ENOMEM;
				goto out;
			}
			flags[k] = HS_FLAG_UTF8 | (som ? HS_FLAG_SOM_LEFTMOST : 0);
			ids[k++] = i;
		}
	}
	if (!k)
		goto out;
	if (hscache_compile_multi((const char *const *)exprs, flags, ids, k, &c->db_words,
				  &cerr) != HS_SUCCESS) {
		if (cerr && cerr->expression >= 0)
			snprintf(err, errlen, "keyword '%s': %s",
				 c->rs->words[ids[cerr->expression]].text, cerr->message);
		else
			snprintf(err, errlen, "Hyperscan: %s",
				 cerr ? cerr->message : "compile error");
		ret = -EINVAL;
	}
	hs_free_compile_error(cerr);
out:
	for (i = 0; i < k; i++)
		free(exprs[i]);
	free(exprs);
	free(flags);
	free(ids);
	return ret;
}

int classifier_new(const struct rules *rs, struct classifier **out, char *err, size_t errlen)
{
	struct classifier *c;
	unsigned int maxwin = 0;
	size_t i;
	int ret;

	snprintf(err, errlen, "out of memory");
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->rs = rs;
	c->nrules = rs->nrules;
	c->nwords = rs->nwords;
	c->bitwords = (rs->nwords + 63) / 64;
	c->rules = calloc(c->nrules + 1, sizeof(*c->rules));
	c->wlen = calloc(c->nwords + 1, sizeof(*c->wlen));
	c->wedge = calloc(c->nwords + 1, sizeof(*c->wedge));
	c->mctx = pcre2_match_context_create(NULL);
	if (!c->rules || !c->wlen || !c->wedge || !c->mctx) {
		ret = -ENOMEM;
		goto fail;
	}
	pcre2_set_match_limit(c->mctx, MATCH_LIMIT);
	pcre2_set_depth_limit(c->mctx, DEPTH_LIMIT);
	pcre2_set_heap_limit(c->mctx, HEAP_LIMIT_KIB);
	for (i = 0; i < c->nwords; i++) {
		const unsigned char *t = (const unsigned char *)rs->words[i].text;

		c->wlen[i] = strlen(rs->words[i].text);
		if (is_letter_at(t, c->wlen[i], 0))
			c->wedge[i] |= WEDGE_LEFT;
		if (!(rs->words[i].flags & RULE_WORD_PREFIX) && is_letter_before(t, c->wlen[i]))
			c->wedge[i] |= WEDGE_RIGHT;
		if (strpbrk(rs->words[i].text, " *-"))
			c->wedge[i] |= WEDGE_SOM;
		if (c->wlen[i] > c->maxwlen)
			c->maxwlen = c->wlen[i];
	}
	for (i = 0; i < c->nrules; i++) {
		struct crule *cr = &c->rules[i];
		const struct rule *r = &rs->rules[i];
		hs_expr_info_t *info = NULL;
		hs_compile_error_t *cerr = NULL;
		uint32_t groups = 0;
		int g;

		cr->r = r;
		cr->re = r->re;
		cr->hs = true;
		cr->maxw = RULE_MAX_WIDTH;
		if (hs_expression_info(r->pattern, HS_FLAG_PREFILTER, &info, &cerr) == HS_SUCCESS) {
			cr->maxw = info->max_width;
			free(info);
		}
		hs_free_compile_error(cerr);
		/* JIT is ten times faster; without it (no executable memory) PCRE2 interprets */
		pcre2_jit_compile(cr->re, PCRE2_JIT_COMPLETE);
		if (r->exclude_re)
			pcre2_jit_compile(r->exclude_re, PCRE2_JIT_COMPLETE);
		g = pcre2_substring_number_from_name(cr->re, (PCRE2_SPTR) "v");
		cr->vgroup = g > 0 ? g : 0;
		pcre2_pattern_info(cr->re, PCRE2_INFO_CAPTURECOUNT, &groups);
		if (groups > c->max_groups)
			c->max_groups = groups;
		if (r->exclude_re) {
			pcre2_pattern_info(r->exclude_re, PCRE2_INFO_CAPTURECOUNT, &groups);
			if (groups > c->max_groups)
				c->max_groups = groups;
		}
		cr->ctx_bits = bits_of(r->context, r->ncontext, c->bitwords);
		cr->excl_bits = bits_of(r->exclude, r->nexclude, c->bitwords);
		if (!cr->ctx_bits || !cr->excl_bits) {
			ret = -ENOMEM;
			goto fail;
		}
		if (r->window > maxwin)
			maxwin = r->window;
		if (r->exclude_window > maxwin)
			maxwin = r->exclude_window;
	}
	/* a character is at most 4 bytes: windows in bytes are 4x their length in characters */
	c->head = RULE_MAX_WIDTH + 4 * maxwin + c->maxwlen + LOOKAHEAD + 64;
	c->tail = 4 * maxwin + c->maxwlen + LOOKAHEAD + 64;
	ret = compile_rules_db(c, err, errlen);
	if (!ret)
		ret = compile_words_db(c, err, errlen);
	if (ret)
		goto fail;
	err[0] = '\0';
	*out = c;
	return 0;
fail:
	classifier_free(c);
	return ret;
}

/* ---- per-thread context ---------------------------------------------------------------- */

int classify_ctx_new(const struct classifier *c, struct classify_ctx **out)
{
	struct classify_ctx *ctx = calloc(1, sizeof(*ctx));

	if (!ctx)
		return -ENOMEM;
	ctx->c = c;
	ctx->cap = BLOCK_SIZE + c->head + c->tail;
	ctx->buf = malloc(ctx->cap);
	ctx->md = pcre2_match_data_create(c->max_groups + 1, NULL);
	ctx->rst = calloc(c->nrules + 1, sizeof(*ctx->rst));
	ctx->seen = calloc(c->bitwords + 1, sizeof(*ctx->seen));
	/* a finding per rule and per family, + the two of classify_picture() (+ 1 for none) */
	ctx->findings = calloc(c->nrules + c->rs->nfamilies + 3, sizeof(*ctx->findings));
	ctx->acc = calloc(c->nrules + c->rs->nfamilies + 3, sizeof(*ctx->acc));
	if (!ctx->buf || !ctx->md || !ctx->rst || !ctx->seen || !ctx->findings || !ctx->acc)
		goto fail;
	/* one scratch space sized for every database */
	for (int p = 0; p < __PASS_MAX; p++)
		if (c->db_rules[p] && hs_alloc_scratch(c->db_rules[p], &ctx->scratch) != HS_SUCCESS)
			goto fail;
	if (c->db_words && hs_alloc_scratch(c->db_words, &ctx->scratch) != HS_SUCCESS)
		goto fail;
	classify_begin(ctx, CONF_MEDIUM, NULL, NULL);
	*out = ctx;
	return 0;
fail:
	classify_ctx_free(ctx);
	return -ENOMEM;
}

void classify_ctx_free(struct classify_ctx *ctx)
{
	if (!ctx)
		return;
	hs_free_scratch(ctx->scratch);
	pcre2_match_data_free(ctx->md);
	free(ctx->buf);
	free(ctx->cands);
	free(ctx->hits);
	free(ctx->wins);
	free(ctx->rst);
	free(ctx->seen);
	free(ctx->findings);
	free(ctx->acc);
	free(ctx);
}

/* What one document's decision rests on, cleared for the next (text offsets run on). */
static void document_reset(struct classify_ctx *ctx)
{
	size_t i;

	ctx->blen = ctx->own_lo = 0;
	ctx->first = true;
	ctx->final = false;
	ctx->nfindings = 0;
	memset(ctx->rst, 0, ctx->c->nrules * sizeof(*ctx->rst));
	for (i = 0; i < ctx->c->nrules; i++)
		ctx->rst[i].best[0] = ctx->rst[i].best[1] = CONF_REJECT;
	memset(ctx->seen, 0, ctx->c->bitwords * sizeof(*ctx->seen));
	ctx->photos = ctx->records = 0;
}

void classify_begin(struct classify_ctx *ctx, int min_confidence, classify_trace_fn trace,
		    void *arg)
{
	ctx->base = 0;
	ctx->dense = false;
	ctx->text_bytes = 0;
	ctx->nacc = 0;
	ctx->acc_pd = false;
	ctx->acc_categories = 0;
	ctx->min_conf = min_confidence < CONF_LOW ? CONF_LOW : min_confidence;
	ctx->trace = trace;
	ctx->trace_arg = arg;
	ctx->tr_abs = 0;
	ctx->tr_line = 1;
	ctx->tr_col = 1;
	ctx->err = 0;
	ctx->errmsg[0] = '\0';
	document_reset(ctx);
}

const char *classify_error(const struct classify_ctx *ctx)
{
	return ctx->errmsg;
}

static int __attribute__((format(printf, 3, 4)))
fail(struct classify_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	if (!ctx->err) {
		ctx->err = err;
		va_start(ap, fmt);
		vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
		va_end(ap);
	}
	return err;
}

/* PCRE2's negative codes, translated where they happen: limits are "limit exceeded" results. */
static int pcre_fail(struct classify_ctx *ctx, int rc, const struct rule *r)
{
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		return fail(ctx, -E2BIG, "limit exceeded: PCRE2 match limit in rule '%s'", r->name);
	case PCRE2_ERROR_NOMEMORY:
		return fail(ctx, -ENOMEM, "out of memory matching rule '%s'", r->name);
	default: return fail(ctx, -EINVAL, "PCRE2 matching error in rule '%s'", r->name);
	}
}

static int push_cand(struct classify_ctx *ctx, uint32_t rule, size_t s, size_t e)
{
	const struct crule *cr = &ctx->c->rules[rule];
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(ctx->md);
	struct cand *cd;

	if (ctx->ncands == ctx->capc) {
		size_t cap = ctx->capc ? ctx->capc * 2 : 1024;
		struct cand *n = realloc(ctx->cands, cap * sizeof(*n));

		if (!n)
			return fail(ctx, -ENOMEM, "out of memory");
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
			return pcre_fail(ctx, rc, cr->r);
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
			return fail(ctx, -ENOMEM, "out of memory");
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

static int on_word(unsigned int id, unsigned long long from, unsigned long long to,
		   unsigned int flags, void *arg)
{
	struct classify_ctx *ctx = arg;

	/* fixed-length words are compiled without start-of-match tracking: it is slower */
	if (!(ctx->c->wedge[id] & WEDGE_SOM))
		from = to >= ctx->c->wlen[id] ? to - ctx->c->wlen[id] : 0;
	if (!hit_is_word(ctx, id, from, to))
		return 0;
	return push_hit(ctx, id, to) ? 1 : 0;
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
			return pcre_fail(ctx, rc, cr->r);
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

/* ---- weighing candidates ------------------------------------------------------------- */

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

/* Line and column of an absolute offset, for traces; offsets only grow. */
static void trace_advance(struct classify_ctx *ctx, uint64_t abs)
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

	trace_advance(ctx, ev.offset);
	ev.line = ctx->tr_line;
	ev.col = ctx->tr_col;
	mask_value(cr->r->mask, ctx->buf + cd->vs, cd->ve - cd->vs, ev.value);
	ctx->trace(ctx->trace_arg, &ev);
}

static void weigh(struct classify_ctx *ctx, const struct cand *cd)
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
			pcre_fail(ctx, rc, r);
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
		return fail(ctx, hr == HS_NOMEM ? -ENOMEM : -EIO, "Hyperscan scan error");
	return 0;
}

static bool gating = true;

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
static int process(struct classify_ctx *ctx)
{
	const struct classifier *c = ctx->c;
	bool need_words = false, dense;
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
	for (i = 0; i < c->nrules; i++) {
		if (c->rules[i].hs)
			continue;
		ret = pcre_pass(ctx, i);
		if (ret)
			return ret;
	}
	/*
	 * Validators first: keywords matter only around an identifier that can be one. Most
	 * blocks of most files hold none, and skip the keyword scan, the dearer of the two.
	 */
	need_words = validate_cands(ctx, 0);
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
			weigh(ctx, cd);
	}
	if (ctx->err)
		return ctx->err;
	if (ctx->trace)
		trace_advance(ctx, ctx->base + ctx->own_hi);
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
			ret = process(ctx);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/* ---- the verdict ----------------------------------------------------------------------- */

static void trace_verdict(struct classify_ctx *ctx, int kind, const char *name, bool ok, int tier,
			  const char *reason)
{
	struct classify_trace ev = {
		.kind = kind,
		.rule = name,
		.accepted = ok,
		.confidence = tier,
		.reason = reason,
	};

	if (ctx->trace)
		ctx->trace(ctx->trace_arg, &ev);
}

static void rule_verdict(struct classify_ctx *ctx, size_t ri, struct classify_report *rep,
			 bool supporting_pass)
{
	const struct rule *r = ctx->c->rules[ri].r;
	struct rstate *st = &ctx->rst[ri];
	struct classify_finding *f;
	bool use[2] = { true, true };
	uint64_t count = 0;
	int best = CONF_REJECT, t, k, from = -1;

	if (r->supporting != supporting_pass)
		return;
	if (!st->candidates)
		return;
	/* random numbers pass a check digit now and then; a real list passes it nearly always */
	if (r->min_ratio && st->valid * 100 < (uint64_t)r->min_ratio * st->candidates) {
		uint64_t noctx = 0;

		for (t = CONF_LOW; t <= CONF_HIGH; t++)
			noctx += st->acc[0][t];
		if (noctx) {
			use[0] = false;
			snprintf(ctx->reason, sizeof(ctx->reason),
				 "only %llu of %llu matches pass the %s check (%llu%% < min-ratio "
				 "%u%%): %llu without context not counted",
				 (unsigned long long)st->valid, (unsigned long long)st->candidates,
				 r->validator->name,
				 (unsigned long long)(st->valid * 100 / st->candidates),
				 r->min_ratio, (unsigned long long)noctx);
			trace_verdict(ctx, TRACE_RULE, r->name, false, CONF_REJECT, ctx->reason);
		}
	}
	for (k = 0; k < 2; k++) {
		if (!use[k])
			continue;
		for (t = ctx->min_conf; t <= CONF_HIGH; t++) {
			count += st->acc[k][t];
			if (st->acc[k][t] && t > best)
				best = t;
		}
		if (st->best[k] >= ctx->min_conf && (from < 0 || st->best[k] > st->best[from]))
			from = k;
	}
	if (!count)
		return;
	if (count < r->min_count) {
		snprintf(ctx->reason, sizeof(ctx->reason),
			 "below minimum count: %llu < min-count %u", (unsigned long long)count,
			 r->min_count);
		trace_verdict(ctx, TRACE_RULE, r->name, false, best, ctx->reason);
		return;
	}
	if (r->supporting && !rep->pd) {
		trace_verdict(ctx, TRACE_RULE, r->name, false, best,
			      "supporting rule: no identifier makes the document PD");
		return;
	}
	f = &ctx->findings[ctx->nfindings++];
	f->name = r->name;
	f->category = r->category;
	f->count = count;
	f->confidence = best;
	f->family = false;
	memcpy(f->sample, from >= 0 ? st->sample[from] : "", MASK_MAX);
	rep->categories |= 1U << r->category;
	if (!r->supporting)
		rep->pd = true;
	snprintf(ctx->reason, sizeof(ctx->reason), "reported: %llu match%s, confidence %s",
		 (unsigned long long)count, count == 1 ? "" : "es", confidence_name(best));
	trace_verdict(ctx, TRACE_RULE, r->name, true, best, ctx->reason);
}

static void family_verdict(struct classify_ctx *ctx, const struct rule_family *fam,
			   struct classify_report *rep)
{
	struct classify_finding *f;
	unsigned int n = 0;
	long first = -1;
	size_t i;

	if (fam->category < 0)
		return;
	for (i = 0; i < fam->nwords; i++) {
		uint32_t w = fam->words[i];

		if (ctx->seen[w / 64] & (1ULL << (w % 64))) {
			if (first < 0)
				first = w;
			n++;
		}
	}
	if (!n)
		return;
	if (n < fam->min_words || !rep->pd) {
		snprintf(ctx->reason, sizeof(ctx->reason),
			 n < fam->min_words ? "%u distinct word(s) < min-words %u"
					    : "%u distinct word(s), but no PD identifier in the "
					      "document (min-words %u)",
			 n, fam->min_words);
		trace_verdict(ctx, TRACE_FAMILY, fam->name, false, CONF_REJECT, ctx->reason);
		return;
	}
	f = &ctx->findings[ctx->nfindings++];
	f->name = fam->name;
	f->category = fam->category;
	f->count = n;
	f->confidence = CONF_MEDIUM;
	f->family = true;
	snprintf(f->sample, sizeof(f->sample), "%s", ctx->c->rs->words[first].text);
	rep->categories |= 1U << fam->category;
	snprintf(ctx->reason, sizeof(ctx->reason), "adds %s: %u distinct words, e.g. '%s'",
		 vocab_category_name(fam->category), n, f->sample);
	trace_verdict(ctx, TRACE_FAMILY, fam->name, true, CONF_MEDIUM, ctx->reason);
}

void classify_picture(void *arg, int kind, const char *what)
{
	struct classify_ctx *ctx = arg;

	if (kind == EXTRACT_BIOMETRIC_RECORD) {
		if (!ctx->records++)
			snprintf(ctx->record, sizeof(ctx->record), "%s", what);
	} else if (kind == EXTRACT_PHOTO) {
		if (!ctx->photos++)
			snprintf(ctx->photo, sizeof(ctx->photo), "%s", what);
	}
}

static void picture_finding(struct classify_ctx *ctx, struct classify_report *rep,
			    const char *name, unsigned int count, int confidence, const char *sample)
{
	struct classify_finding *f = &ctx->findings[ctx->nfindings++];

	memset(f, 0, sizeof(*f));
	f->name = name;
	f->category = PDG_CAT_BIOMETRIC;
	f->count = count;
	f->confidence = confidence;
	snprintf(f->sample, sizeof(f->sample), "%s", sample);
	rep->categories |= 1U << PDG_CAT_BIOMETRIC;
}

/* The document's pictures and biometric records (classify_picture()), after its text. */
static void picture_verdict(struct classify_ctx *ctx, struct classify_report *rep)
{
	if (ctx->records) {
		rep->pd = true;
		picture_finding(ctx, rep, "biometric-record", ctx->records, CONF_HIGH, ctx->record);
		snprintf(ctx->reason, sizeof(ctx->reason),
			 "%u biometric record(s) (%s): biometric personal data by itself",
			 ctx->records, ctx->record);
		trace_verdict(ctx, TRACE_RULE, "biometric-record", true, CONF_HIGH, ctx->reason);
	}
	if (!ctx->photos)
		return;
	if (rep->pd && (rep->categories & (1U << PDG_CAT_PERSONNEL))) {
		picture_finding(ctx, rep, "photo", ctx->photos, CONF_MEDIUM, ctx->photo);
		snprintf(ctx->reason, sizeof(ctx->reason),
			 "%u photo(s) of a person (%s) in a personnel record: adds biometric",
			 ctx->photos, ctx->photo);
		trace_verdict(ctx, TRACE_RULE, "photo", true, CONF_MEDIUM, ctx->reason);
	} else {
		snprintf(ctx->reason, sizeof(ctx->reason),
			 "%u photo(s) (%s), but not in a personnel record with PD: not counted",
			 ctx->photos, ctx->photo);
		trace_verdict(ctx, TRACE_RULE, "photo", false, CONF_REJECT, ctx->reason);
	}
}

/* Finish the current document: its verdicts, merged into the file's so far. */
static void document_end(struct classify_ctx *ctx)
{
	const struct rules *rs = ctx->c->rs;
	struct classify_report rep = { 0 };
	size_t i, k;

	if (!ctx->err) {
		ctx->final = true;
		process(ctx);
	}
	ctx->nfindings = 0;
	/* identifiers first: supporting rules and families only count in a document with PD */
	for (i = 0; i < ctx->c->nrules; i++)
		rule_verdict(ctx, i, &rep, false);
	for (i = 0; i < ctx->c->nrules; i++)
		rule_verdict(ctx, i, &rep, true);
	for (i = 0; i < rs->nfamilies; i++)
		family_verdict(ctx, &rs->families[i], &rep);
	picture_verdict(ctx, &rep);
	ctx->acc_pd |= rep.pd;
	ctx->acc_categories |= rep.categories;
	for (i = 0; i < ctx->nfindings; i++) {
		const struct classify_finding *f = &ctx->findings[i];

		for (k = 0; k < ctx->nacc && ctx->acc[k].name != f->name; k++)
			;
		if (k == ctx->nacc) {
			ctx->acc[ctx->nacc++] = *f;
			continue;
		}
		ctx->acc[k].count += f->count;
		if (f->confidence > ctx->acc[k].confidence) {
			ctx->acc[k].confidence = f->confidence;
			memcpy(ctx->acc[k].sample, f->sample, MASK_MAX);
		}
	}
}

void classify_next_document(void *arg)
{
	struct classify_ctx *ctx = arg;

	document_end(ctx);
	trace_verdict(ctx, TRACE_DOCUMENT, NULL, false, CONF_REJECT,
		      "end of a document (an archive member); the next one is weighed apart");
	/* the next document's text starts after all of this one's */
	ctx->base += ctx->blen;
	document_reset(ctx);
}

int classify_end(struct classify_ctx *ctx, struct classify_report *rep)
{
	document_end(ctx);
	memset(rep, 0, sizeof(*rep));
	rep->text_bytes = ctx->text_bytes;
	rep->pd = ctx->acc_pd;
	rep->categories = ctx->acc_categories;
	rep->findings = ctx->acc;
	rep->nfindings = ctx->nacc;
	return ctx->err;
}

int classify_buffer(struct classify_ctx *ctx, const char *text, size_t len, int min_confidence,
		    struct classify_report *rep)
{
	classify_begin(ctx, min_confidence, NULL, NULL);
	classify_feed(ctx, text, len);
	return classify_end(ctx, rep);
}

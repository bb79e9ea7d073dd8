/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the classification engine share; classify.h is the public API.
 *
 *   engine.c   compiles a rule set into Hyperscan databases (struct classifier)
 *   pcre.c     the engine without Hyperscan: keywords as PCRE2 patterns behind a prefilter
 *   text.c     UTF-8 decoding and encoding, case forms of keywords
 *   classify.c the per-thread context and a document's begin and end
 *   blocks.c   text cut into blocks, scanned in passes (with the digit gate) into candidates
 *   weigh.c    each candidate weighed: validator, exclusions, context words
 *   verdict.c  a document's findings, label and categories from the weighed candidates
 *   photo.c    pictures and biometric records of a document
 */
#ifndef PDGUARD_CLASSIFY_INTERNAL_H
#define PDGUARD_CLASSIFY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <hs/hs.h>
#include <pcre2.h>

#include "classify/classify.h"
#include "classify/dgate.h"

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

/* The PCRE2 engine's keywords (pcre.c): one pattern a keyword, every case form in it. */
#define PW_PREFIX 8
struct pword {
	pcre2_code *re;
	bool tail; /* ends in "*": group 1 is the ending, and every end in it is a hit */
	unsigned char npre;
	uint16_t pre[PW_PREFIX]; /* its first letters, folded: checked before PCRE2 is called */
};

/* Keywords by the folded code points they start with (pcre.c). */
#define PW_BUCKETS 4096
struct pw_bucket {
	uint32_t *ids;
	uint32_t n;
};

struct classifier {
	const struct rules *rs;
	int engine; /* enum classify_engine: CLASSIFY_ENGINE_HYPERSCAN or _PCRE2, never auto */
	char engine_note[160];
	struct pword *pw;		     /* PCRE2 engine: nwords patterns */
	struct pw_bucket *pw2, *pw1;	     /* by the first two letters; by the first only */
	unsigned char pw_start[256];	     /* bytes a keyword may start with */
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
	uint32_t people[RULE_MAX_PEOPLE]; /* hashes of person_key(), min-people rules */
	unsigned int npeople;
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
	struct gwin *cwins; /* the capitals gate's windows in this block (gate = capitals) */
	size_t ncwins, capcw;
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

enum { CASE_ASIS, CASE_LOWER, CASE_TITLE, CASE_UPPER, __CASE_MAX };

/*
 * Letters and digits of the scripts we read: ASCII, Latin-1 and extensions, Greek, Cyrillic.
 * Inline: blocks.c asks for every keyword hit of a scan, engine.c for every keyword.
 */
static inline bool is_letter_cp(unsigned int cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		       (cp >= 'A' && cp <= 'Z');
	return (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) ||
	       (cp >= 0x370 && cp <= 0x52f);
}

/* Is there a letter at @pos of @s (length @len)? */
static inline bool is_letter_at(const unsigned char *s, size_t len, size_t pos)
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
static inline bool is_letter_before(const unsigned char *s, size_t pos)
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

/* text.c: @text in one of the CASE_* forms; @out holds 3 bytes per input byte. */
void text_case_variant(const char *text, int form, char *out);
/* text.c: lower case, ё as е: what the PCRE2 engine's keyword prefilter compares */
unsigned int text_fold_cp(unsigned int cp);

/* classify.c: record the first failure of a document (its -errno is returned) */
int __attribute__((format(printf, 3, 4)))
ctx_fail(struct classify_ctx *ctx, int err, const char *fmt, ...);
int ctx_pcre_fail(struct classify_ctx *ctx, int rc, const struct rule *r);

/* blocks.c: scan the block in ctx->buf and weigh what it owns */
int block_process(struct classify_ctx *ctx);
int block_push_hit_checked(struct classify_ctx *ctx, uint32_t word, size_t from, size_t to);

/* pcre.c */
int pcre_words_compile(struct classifier *c, char *err, size_t errlen);
void pcre_words_free(struct classifier *c);
int pcre_words_scan(struct classify_ctx *ctx);

/* weigh.c */
void weigh_candidate(struct classify_ctx *ctx, const struct cand *cd);
void weigh_trace_advance(struct classify_ctx *ctx, uint64_t abs);

/* verdict.c */
void verdict_trace(struct classify_ctx *ctx, int kind, const char *name, bool ok, int tier,
		   const char *reason);
void verdict_document_end(struct classify_ctx *ctx);

/* photo.c */
void photo_verdict(struct classify_ctx *ctx, struct classify_report *rep);

#endif /* PDGUARD_CLASSIFY_INTERNAL_H */

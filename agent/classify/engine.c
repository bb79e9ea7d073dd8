// SPDX-License-Identifier: GPL-2.0
/*
 * Building a struct classifier: the rule set compiled into Hyperscan databases, one a pass
 * (enum rule_pass), plus one of every keyword in its case forms. Rules Hyperscan cannot take
 * run as PCRE2 passes of their own; the notes say which, for `rules check`.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/hscache.h"
#include "classify/internal.h"

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
	if (cr->r->gate_capitals)
		return "only around two capitalised words in a row (gate = capitals), PCRE2";
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
	pcre_words_free(c);
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
			text_case_variant(w->text, f, forms[f]);
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

static int engine_default = CLASSIFY_ENGINE_AUTO;

static const char *const engine_names[] = {
	[CLASSIFY_ENGINE_AUTO] = "auto",
	[CLASSIFY_ENGINE_HYPERSCAN] = "hyperscan",
	[CLASSIFY_ENGINE_PCRE2] = "pcre2",
};

int classify_engine_parse(const char *name)
{
	for (int i = 0; i < (int)(sizeof(engine_names) / sizeof(engine_names[0])); i++)
		if (!strcmp(name, engine_names[i]))
			return i;
	return -EINVAL;
}

const char *classify_engine_name(int engine)
{
	if (engine < 0 || engine > CLASSIFY_ENGINE_PCRE2)
		return "?";
	return engine_names[engine];
}

void classify_set_engine(int engine)
{
	engine_default = engine;
}

int classifier_engine(const struct classifier *c)
{
	return c->engine;
}

const char *classifier_engine_note(const struct classifier *c)
{
	return c->engine_note;
}

/*
 * Which engine: Hyperscan when asked for (or auto) and this CPU runs it; it needs x86 with
 * SSSE3, which QEMU's default CPU model and older CPUs lack. Never a reason not to classify.
 */
int classify_engine_resolve(int requested, char *note, size_t len)
{
	if (requested == CLASSIFY_ENGINE_PCRE2) {
		snprintf(note, len, "PCRE2 JIT (as asked)");
		return CLASSIFY_ENGINE_PCRE2;
	}
	if (hs_valid_platform() == HS_SUCCESS) {
		snprintf(note, len, "Hyperscan %s%s", hs_version(),
			 requested == CLASSIFY_ENGINE_AUTO ? " (auto)" : "");
		return CLASSIFY_ENGINE_HYPERSCAN;
	}
	snprintf(note, len, "PCRE2 JIT (Hyperscan cannot run on this CPU: it needs SSSE3)");
	return CLASSIFY_ENGINE_PCRE2;
}

static void pick_engine(struct classifier *c)
{
	c->engine = classify_engine_resolve(engine_default, c->engine_note, sizeof(c->engine_note));
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
	pick_engine(c);
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
		/* a capitals-gated rule is PCRE2's, on the gate's windows (blocks.c) */
		cr->hs = c->engine == CLASSIFY_ENGINE_HYPERSCAN && !r->gate_capitals;
		cr->maxw = RULE_MAX_WIDTH;
		if (cr->hs &&
		    hs_expression_info(r->pattern, HS_FLAG_PREFILTER, &info, &cerr) == HS_SUCCESS) {
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
	if (c->engine == CLASSIFY_ENGINE_PCRE2) {
		assign_passes(c); /* which rules are supporting: looked for where they matter */
		ret = pcre_words_compile(c, err, errlen);
	} else {
		ret = compile_rules_db(c, err, errlen);
		if (!ret)
			ret = compile_words_db(c, err, errlen);
	}
	if (ret)
		goto fail;
	err[0] = '\0';
	*out = c;
	return 0;
fail:
	classifier_free(c);
	return ret;
}

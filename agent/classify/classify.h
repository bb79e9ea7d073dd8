/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The classification engine: text in, findings and PD categories out.
 *
 * One Hyperscan pass over the text finds candidates of every rule's primary pattern (compiled as
 * prefilters) and every keyword of every family at once. Each candidate is then confirmed by
 * PCRE2 on a small window, checked by its validator, vetoed by exclusions, and weighed by the
 * context words around it. Document-level decisions come at the end: minimum counts, the share
 * of matches that pass the validator (random numbers rarely do), and keyword families that add
 * their category to a document that holds PD.
 *
 * Text is fed in chunks of any size; memory stays bounded (a 1 MiB block plus overlap).
 * A struct classifier is read-only once built and is shared by all threads; each thread has its
 * own struct classify_ctx.
 */
#ifndef PDGUARD_CLASSIFY_H
#define PDGUARD_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/mask.h"
#include "classify/rules.h"

struct classifier;
struct classify_ctx;

/**
 * struct classify_finding - one rule (or keyword family) that fired in a document
 * @name: the rule's or family's name
 * @category: enum pdg_category (lib/vocab.h)
 * @count: accepted matches at or above the minimum confidence (distinct words for a family)
 * @confidence: the highest tier reached
 * @sample: a masked example (for a family: one of its words, which is not PD)
 * @family: a keyword family's evidence rather than an identifier
 */
struct classify_finding {
	const char *name;
	int category;
	uint64_t count;
	int confidence;
	char sample[MASK_MAX];
	bool family;
};

/**
 * struct classify_report - the outcome for one document
 * @pd: the document holds personal data (label "pd")
 * @categories: bit n set for enum pdg_category n
 * @findings: valid until the next classify_begin() or classify_ctx_free()
 * @text_bytes: bytes of text classified
 */
struct classify_report {
	bool pd;
	unsigned int categories;
	struct classify_finding *findings;
	size_t nfindings;
	uint64_t text_bytes;
};

enum classify_trace_kind {
	TRACE_CANDIDATE, /* one match of a rule's pattern, accepted or rejected */
	TRACE_RULE,	 /* a rule's document-level verdict (ratio, minimum count) */
	TRACE_FAMILY,	 /* a keyword family found (or not) as document evidence */
	TRACE_DOCUMENT,	 /* the verdicts above close a document; another one follows */
};

/**
 * struct classify_trace - what `pdguard rules test` shows, one event at a time
 * @offset: byte offset of the match in the text; @line, @col: 1-based, col in characters
 * @value: the match, masked
 * @accepted: for a candidate: counted; for a rule: reported
 * @context: a context word was within the window
 * @confidence: the tier it was counted at
 * @reason: why it was rejected, or what made it count
 */
struct classify_trace {
	int kind;
	const char *rule;
	uint64_t offset;
	uint64_t line, col;
	char value[MASK_MAX];
	bool accepted;
	bool context;
	int confidence;
	const char *reason;
};

typedef void (*classify_trace_fn)(void *arg, const struct classify_trace *ev);

/**
 * struct classifier_note - a remark about how a rule is run, for `rules check`
 * @rule: the rule's name
 * @text: e.g. "Hyperscan cannot compile it (...): runs as a separate PCRE2 pass"
 */
struct classifier_note {
	const char *rule;
	char text[256];
};

/*
 * The matching engines: the same rules give the same results with either. Hyperscan scans many
 * patterns in one pass (x86 with SSSE3 only); PCRE2 JIT runs on every CPU (pcre.c says how).
 */
enum classify_engine {
	CLASSIFY_ENGINE_AUTO = 0, /* Hyperscan where this CPU runs it, else PCRE2 */
	CLASSIFY_ENGINE_HYPERSCAN,
	CLASSIFY_ENGINE_PCRE2,
};

/* "auto", "hyperscan", "pcre2" -> enum classify_engine, or -EINVAL. */
int classify_engine_parse(const char *name);
const char *classify_engine_name(int engine);
/*
 * The engine classifier_new() uses from now on in this process (default auto). Asking for
 * Hyperscan on a CPU it cannot run on is no error: PCRE2 runs, and classifier_engine_note()
 * says why.
 */
void classify_set_engine(int engine);
/*
 * The engine a classifier would run on this CPU for @requested (enum classify_engine), and in
 * @note why, e.g. "Hyperscan 5.4.0 2021-01-26 (auto)"; for `status`, without compiling rules.
 */
int classify_engine_resolve(int requested, char *note, size_t len);
/* The engine @c runs: CLASSIFY_ENGINE_HYPERSCAN or CLASSIFY_ENGINE_PCRE2. */
int classifier_engine(const struct classifier *c);
/* Why @c runs the engine it runs, e.g. "PCRE2 JIT (Hyperscan: this CPU lacks SSSE3)". */
const char *classifier_engine_note(const struct classifier *c);

/**
 * classifier_new() - compile a rule set
 * @rs: the rules (after rules_finish()); must outlive the classifier
 * @out: the classifier
 * @err: receives a one-line reason on failure
 *
 * Return: 0 or a -errno (-EINVAL when the rules cannot be compiled, -ENOMEM).
 */
int classifier_new(const struct rules *rs, struct classifier **out, char *err, size_t errlen);
void classifier_free(struct classifier *c);
/* Remarks about rules that run slower than the rest; *n receives the count. */
const struct classifier_note *classifier_notes(const struct classifier *c, size_t *n);

/*
 * Where rule @i is looked for, for `rules check`: "whole text", "only around runs of 9+ digits
 * with ' ()+-' between" (gated, see dgate.h), "only in blocks with an identifier (supporting)"
 * or "whole text, PCRE2". @buf (128 bytes is enough) may hold the text; NULL past the end.
 */
const char *classifier_rule_scan(const struct classifier *c, size_t i, char *buf, size_t len);

int classify_ctx_new(const struct classifier *c, struct classify_ctx **out);
void classify_ctx_free(struct classify_ctx *ctx);

/**
 * classify_begin() - start a document
 * @min_confidence: findings below this tier are not reported and do not make the document PD
 * @trace: called for each candidate and verdict when not NULL (slower: line numbers are counted)
 */
void classify_begin(struct classify_ctx *ctx, int min_confidence, classify_trace_fn trace,
		    void *arg);

/**
 * classify_feed() - text for the current document; an extract_sink_fn
 * @ctx: struct classify_ctx
 *
 * Return: 0, or a -errno (-E2BIG when a PCRE2 match limit was hit: the result is incomplete,
 * see classify_error()).
 */
int classify_feed(void *ctx, const char *text, size_t len);

/**
 * classify_end() - finish the document and fill @rep
 *
 * Return: 0 or a -errno as classify_feed(); @rep is filled either way.
 */
int classify_end(struct classify_ctx *ctx, struct classify_report *rep);

/**
 * classify_next_document() - the text fed from now on is another document of the same file
 * @ctx: a struct classify_ctx (void *: an extract_boundary_fn)
 *
 * Each member of an archive is a document of its own: its identifiers, their ratio of valid
 * check digits, context words and keyword families are weighed apart, so a log full of
 * 12-digit numbers beside a staff list does not dilute the list's IINs. classify_end() reports
 * the documents merged: PD when any is, categories united, each finding's counts added and its
 * best confidence (with that sample) kept.
 */
void classify_next_document(void *ctx);

/**
 * classify_picture() - a picture or a biometric record of the current document
 * @ctx: a struct classify_ctx (void *: an extract_picture_fn)
 * @kind: enum extract_picture (extract.h)
 * @what: its type, e.g. "image/jpeg 354x472" (the finding's sample)
 *
 * A biometric record (an ISO/IEC 19794 template or image, WSQ) is biometric personal data by
 * itself: its document is PD, category biometric, finding "biometric-record" (high). A photo of
 * a person is biometric in a personnel record: in a document that is PD and personnel, it adds
 * the biometric category, finding "photo" (medium); elsewhere (a newsletter, a letter) nothing.
 * Weighed per document, as everything else: a photo in one member of an archive does not make
 * a staff list in another biometric.
 */
void classify_picture(void *ctx, int kind, const char *what);

/* After a failure: one line saying what, e.g. "limit exceeded: PCRE2 match limit in rule 'x'". */
const char *classify_error(const struct classify_ctx *ctx);

/* Convenience for tests and small inputs: begin, feed all of @text, end. */
int classify_buffer(struct classify_ctx *ctx, const char *text, size_t len, int min_confidence,
		    struct classify_report *rep);

/*
 * Tests: false makes every block scan whole for the gated rules (the digit runs of dgate.h are
 * not looked for), to check that gating changes no result.
 */
void classify_set_gating(bool on);

#endif /* PDGUARD_CLASSIFY_H */

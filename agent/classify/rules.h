/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classification rules as data: policies/rules.d/NN-name.conf, read in name order.
 *
 * Two kinds of sections (the format, with examples, is docs/rules.md):
 *   [rule NAME]    a primary pattern (PCRE2) with a validator, context words, exclusions,
 *                  a minimum count, a category and a confidence tier;
 *   [family NAME]  a keyword family (payroll, medical...), used as context by rules
 *                  (context = @payroll) and as document-level evidence for its category.
 *
 * Directories can be layered (rules_load_layers()): a later layer's [rule NAME] or
 * [family NAME] replaces an earlier layer's of the same name, and a later layer's section that
 * holds nothing but `enabled = no` switches the earlier rule off. Two definitions of one name
 * within one layer are an error, as they are in a single directory.
 *
 * Loading never stops at the first problem: every error is collected as "file:line: reason", the
 * valid rules of every file are kept, and the caller decides what to do with both.
 */
#ifndef PDGUARD_RULES_H
#define PDGUARD_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "classify/validate.h"
#include "lib/vocab.h"

/*
 * PD categories are lib/vocab.h's (enum pdg_category, PDG_CAT_*): a rule's or family's category
 * is an index there.
 */

/* Confidence tiers; CONF_REJECT as "without-context" means context is required. */
enum confidence {
	CONF_REJECT = 0,
	CONF_LOW,
	CONF_MEDIUM,
	CONF_HIGH,
};

/* Longest text a primary pattern may match: bounds the look-back of every confirmation. */
#define RULE_MAX_WIDTH 256
/* Highest min-people: the distinct people a document is asked to name are counted up to it. */
#define RULE_MAX_PEOPLE 16
/* Longest context window, in characters. */
#define RULE_MAX_WINDOW 2000

/* Words written without lower-case letters (ИИН, СО) match only as written. */
#define RULE_WORD_CASE (1U << 0)
/* The word ended in '*': any ending (оклад* = оклада, окладом...). */
#define RULE_WORD_PREFIX (1U << 1)

/**
 * struct rule_word - one keyword, shared by every family and rule that lists it
 * @text: as written, without the trailing '*'
 * @flags: RULE_WORD_*
 */
struct rule_word {
	char *text;
	unsigned int flags;
};

/**
 * struct rule_family - a keyword family
 * @category: the category it adds to a document with PD findings, -1 for context only
 * @min_words: distinct words of the family a document must contain to count as evidence
 * @words: indices into rules->words
 */
struct rule_family {
	char *name;
	char *file;
	int line;
	int layer;		/* index of the directory it came from (rules_load_layers()) */
	bool shadowed;		/* a later layer replaced it; rules_finish() drops it */
	char *overrides;	/* "FILE:LINE" of the earlier layer's family it replaced, or NULL */
	char *description;
	int category;
	unsigned int min_words;
	uint32_t *words;
	size_t nwords;
};

/**
 * struct rule - one identifier rule
 * @pattern: the primary pattern, its `pattern =` lines concatenated
 * @re: @pattern compiled by PCRE2 (pcre2_code *); the classifier adds JIT
 * @exclude_re: the exclude-pattern compiled, or NULL
 * @confidence: tier of a match with a context word within @window (or of every match when the
 *              rule lists no context)
 * @without_context: tier of a match without one; CONF_REJECT when context is required
 * @context, @exclude: indices into rules->words
 * @window: characters each side of a match searched for context words
 * @exclude_window: characters each side searched for exclusion words and the exclude-pattern
 * @min_count: accepted matches a document needs before the rule reports anything
 * @min_people: distinct people (person_key()) the accepted matches must name, 0 = not counted
 * @min_ratio: percent of the pattern's matches that must pass the validator for matches without
 *             context to count (a file of random 12-digit numbers passes the IIN check ~10%)
 * @mask: enum mask_style of samples
 * @supporting: the rule adds its category but never makes a document PD alone
 * @gate_capitals: `gate = capitals`: looked for only around two capitalised words in a row (or a
 *                 word and an initial), which a byte loop finds, by PCRE2 alone
 */
struct rule {
	char *name;
	char *file;
	int line;
	int layer;		/* as in struct rule_family */
	bool shadowed;
	char *overrides;
	char *description;
	char *pattern;
	void *re;
	char *exclude_pattern;
	void *exclude_re;
	int category;
	int confidence;
	int without_context;
	const struct validator *validator;
	int strictness;
	unsigned int window;
	unsigned int exclude_window;
	uint32_t *context;
	size_t ncontext;
	uint32_t *exclude;
	size_t nexclude;
	unsigned int min_count;
	unsigned int min_people;
	unsigned int min_ratio;
	int mask;
	bool supporting;
	bool gate_capitals;
	bool enabled;
};

struct rule_ref;

/**
 * struct rule_disabled - a later layer's `[rule NAME]` with only `enabled = no`
 * @file, @line: the disabling section
 * @was: "FILE:LINE" of the definition it switched off, NULL when no earlier layer had one
 */
struct rule_disabled {
	char *name;
	char *file;
	int line;
	int layer;
	char *was;
};

/* The loaded rule set; only enabled, valid rules are in @rules (after rules_finish()). */
struct rules {
	struct rule *rules;
	size_t nrules;
	struct rule_family *families;
	size_t nfamilies;
	struct rule_word *words;
	size_t nwords;
	char **files;
	size_t nfiles;
	struct rule_disabled *disabled;
	size_t ndisabled;
	int layer;		/* the layer being loaded */
	/* private: @family references waiting for rules_finish() */
	struct rule_ref *refs;
	size_t nrefs;
};

/* Errors collected while loading, each "file:line: reason". */
struct rules_errors {
	char **msg;
	size_t n;
};

struct rules *rules_new(void);
void rules_free(struct rules *rs);

/**
 * rules_load_dir() - load every *.conf file of a directory, in name order
 * @rs: from rules_new()
 * @dir: the directory
 * @errs: receives one message per problem
 *
 * Return: 0 when the directory was read (look at @errs for bad rules), or a -errno when it
 * could not be (missing, not a directory, unreadable); that error is also in @errs.
 */
int rules_load_dir(struct rules *rs, const char *dir, struct rules_errors *errs);

/**
 * rules_load_layers() - load directories as layers, the later overriding the earlier by name
 * @dirs, @n: the directories, shipped first, local last
 *
 * Return: as rules_load_dir(); every directory must exist, but only the layers together need
 * *.conf files.
 */
int rules_load_layers(struct rules *rs, const char *const *dirs, size_t n,
		      struct rules_errors *errs);

/* One file; same contract. */
int rules_load_file(struct rules *rs, const char *path, struct rules_errors *errs);

/**
 * rules_load_buffer() - parse rule text held in memory
 * @name: the name messages give as the file
 */
int rules_load_buffer(struct rules *rs, const char *name, const char *buf, size_t len,
		      struct rules_errors *errs);

/**
 * rules_finish() - resolve @family references and drop what cannot work
 *
 * Call once after the last load. Rules that refer to an unknown family are reported and removed.
 */
int rules_finish(struct rules *rs, struct rules_errors *errs);

void rules_errors_free(struct rules_errors *errs);

/* Installed rules, used when they exist: the package's, then the administrator's overrides. */
#define RULES_DIR_SHIPPED "/usr/share/pdguard/rules.d"
#define RULES_DIR_INSTALLED "/etc/pdguard/rules.d"

/**
 * rules_default_dir() - where rules are read from when no directory is named
 *
 * RULES_DIR_INSTALLED when it exists, else policies/rules.d of the source tree the running
 * binary was built in (build/pdguard -> build/../policies/rules.d).
 * Return: 0, or -ENOENT when neither exists (@buf then holds the installed path).
 */
int rules_default_dir(char *buf, size_t len);

/**
 * rules_default_layers() - the layers read when no directory is named
 * @bufs: two buffers of @len bytes each
 * @dirs: receives up to two pointers into @bufs
 *
 * RULES_DIR_SHIPPED, then RULES_DIR_INSTALLED when it exists, when RULES_DIR_SHIPPED exists;
 * otherwise the one directory of rules_default_dir().
 * Return: the number of layers (1 or 2).
 */
size_t rules_default_layers(char bufs[2][4096], const char *dirs[2]);

/**
 * rules_load() - the usual sequence: load @dir (or the default), finish, collect errors
 * @rsp: receives the rule set (also on errors: the rules that are valid)
 *
 * Return: 0 when every file loaded cleanly, -EINVAL when some rules are bad (the rest are in
 * *rsp), another -errno when nothing could be loaded.
 */
int rules_load(const char *dir, struct rules **rsp, struct rules_errors *errs);

/* rules_load() of layered directories (@n 0: the default layers). */
int rules_load_layers_all(const char *const *dirs, size_t n, struct rules **rsp,
			  struct rules_errors *errs);

/* vocab_category_name(), kept under its old name for the CLI's callers. */
const char *confidence_name(int conf);
int confidence_find(const char *name);

#endif /* PDGUARD_RULES_H */

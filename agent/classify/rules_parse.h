/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the rule set's files share (rules.h is the public API): rules.c holds the set, rules_parse.c
 * reads a rule file into sections, rules_check.c checks a section before it joins the set.
 */
#ifndef PDGUARD_RULES_PARSE_H
#define PDGUARD_RULES_PARSE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "classify/mask.h"
#include "classify/rules.h"

/* Rule files are small; anything bigger is a mistake (a data file dropped into rules.d). */
#define RULES_FILE_MAX (1024 * 1024)
/* libinih 55's buffer is 200 bytes: 198 characters, the newline and the NUL. */
#define INI_LINE_MAX 200
#define WORD_MAX     100

struct rule_ref {
	size_t rule;  /* index into rs->rules */
	bool exclude; /* an exclusion (exclude = @x), not context */
	char *family;
	char *file;
	int line;
};

enum section_kind { SEC_NONE, SEC_RULE, SEC_FAMILY, SEC_BAD };

/* Where each part of a multi-line pattern came from, to point a PCRE2 offset at its line. */
struct pattern_part {
	size_t offset;
	int line;
};

#define MAX_KEYS 32

struct parse_state {
	struct rules *rs;
	struct rules_errors *errs;
	const char *file;
	const char *p, *end;
	int line;
	bool have_key; /* a key since the section began: indented lines continue it */

	enum section_kind kind;
	int sec_line;
	bool sec_error;
	long shadow;	  /* the earlier layer's rule or family (by kind) this section replaces, or -1 */
	struct rule rule;
	struct rule_family fam;
	struct pattern_part *parts, *xparts;
	size_t nparts, nxparts;
	struct rule_ref *refs; /* of the current section, .rule set at commit */
	size_t nrefs;
	struct {
		const char *key;
		int line;
	} seen[MAX_KEYS];
	size_t nseen;
};

/* rules.c: the set's storage and the errors collected */
void *rules_push(void **arr, size_t *n, size_t size);
int rules_add_index(uint32_t **arr, size_t *n, uint32_t v);
void rules_clear_rule(struct rule *r);
void rules_clear_family(struct rule_family *f);
void rules_clear_ref(struct rule_ref *r);
void rules_verr(struct rules_errors *errs, const char *file, int line, const char *fmt, va_list ap);
void __attribute__((format(printf, 4, 5)))
rules_err(struct rules_errors *errs, const char *file, int line, const char *fmt, ...);

/* rules_parse.c: an error in the current section, which will not be used */
void __attribute__((format(printf, 2, 3)))
rules_sec_err(struct parse_state *ps, const char *fmt, ...);

/* rules_check.c: the section just parsed, checked and added to the set */
void rules_commit_rule(struct parse_state *ps);
void rules_commit_family(struct parse_state *ps);

#endif /* PDGUARD_RULES_PARSE_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * A parsed section checked before it joins the rule set: its patterns compile (errors point at
 * the line of a multi-line pattern they are on) and a match has a bounded width.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs/hs.h>

#include "classify/rules_parse.h"

/* Line of the part of a multi-line pattern that holds @offset, and the offset within it. */
static int part_line(const struct pattern_part *parts, size_t n, size_t *offset)
{
	size_t i;

	for (i = n; i-- > 0;) {
		if (*offset >= parts[i].offset || i == 0) {
			*offset -= parts[i].offset;
			return parts[i].line;
		}
	}
	return 0;
}

/* Compile with PCRE2 in byte mode (the text is UTF-8, but [0-9] is what rules match). */
static void *compile_checked(struct parse_state *ps, const char *what, const char *pattern,
			     const struct pattern_part *parts, size_t nparts)
{
	PCRE2_SIZE off;
	int code;
	pcre2_code *re;

	re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		size_t o = off;
		int line = part_line(parts, nparts, &o);

		if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
			strcpy((char *)msg, "unknown error");
		rules_err(ps->errs, ps->file, line, "%s error at offset %zu: %s", what, o,
			  (char *)msg);
		ps->sec_error = true;
	}
	return re;
}

/*
 * Hyperscan tells us the widths a pattern can match; the engine confirms every candidate on a
 * window around it, so the width must be bounded. A pattern Hyperscan cannot take even as a
 * prefilter is fine: it runs as a separate PCRE2 pass (rules check says so).
 */
static void check_width(struct parse_state *ps, const struct rule *r)
{
	hs_expr_info_t *info = NULL;
	hs_compile_error_t *cerr = NULL;
	int line = ps->parts ? ps->parts[0].line : ps->sec_line;

	if (hs_expression_info(r->pattern, HS_FLAG_PREFILTER, &info, &cerr) != HS_SUCCESS) {
		hs_free_compile_error(cerr);
		return;
	}
	if (info->min_width == 0)
		rules_err(ps->errs, ps->file, line, "pattern can match an empty string");
	else if (info->max_width > RULE_MAX_WIDTH)
		rules_err(ps->errs, ps->file, line,
			  "pattern can match more than %d bytes: bound every repeat ({1,20}, not "
			  "+ or *)",
			  RULE_MAX_WIDTH);
	else {
		free(info);
		return;
	}
	free(info);
	ps->sec_error = true;
}

void rules_commit_rule(struct parse_state *ps)
{
	struct rule *r = &ps->rule, *slot;
	size_t i;

	ps->line = ps->sec_line;
	if (!r->pattern) {
		rules_sec_err(ps, "[rule %s] has no pattern", r->name);
		return;
	}
	if (r->category < 0) {
		rules_sec_err(ps,
			      "[rule %s] has no category (basic, personnel, financial, medical or "
			      "biometric)",
			      r->name);
		return;
	}
	r->re = compile_checked(ps, "pattern", r->pattern, ps->parts, ps->nparts);
	if (r->exclude_pattern)
		r->exclude_re = compile_checked(ps, "exclude-pattern", r->exclude_pattern,
						ps->xparts, ps->nxparts);
	if (ps->sec_error)
		return;
	check_width(ps, r);
	if (ps->sec_error)
		return;
	if (r->without_context < 0) {
		bool ctx = r->ncontext > 0;

		for (i = 0; i < ps->nrefs; i++)
			ctx |= !ps->refs[i].exclude;
		/* a rule that lists context words wants them, unless it says otherwise */
		r->without_context = ctx ? CONF_REJECT : r->confidence;
	}
	if (r->mask < 0)
		r->mask = r->validator->mask;
	slot = rules_push((void **)&ps->rs->rules, &ps->rs->nrules, sizeof(*slot));
	if (!slot) {
		rules_sec_err(ps, "out of memory");
		return;
	}
	*slot = *r;
	memset(r, 0, sizeof(*r));
	for (i = 0; i < ps->nrefs; i++) {
		struct rule_ref *ref =
			rules_push((void **)&ps->rs->refs, &ps->rs->nrefs, sizeof(*ref));

		if (!ref)
			break;
		*ref = ps->refs[i];
		ref->rule = ps->rs->nrules - 1;
		ps->refs[i].family = ps->refs[i].file = NULL;
	}
}

void rules_commit_family(struct parse_state *ps)
{
	struct rule_family *slot;

	ps->line = ps->sec_line;
	if (!ps->fam.nwords) {
		rules_sec_err(ps, "[family %s] has no words", ps->fam.name);
		return;
	}
	slot = rules_push((void **)&ps->rs->families, &ps->rs->nfamilies, sizeof(*slot));
	if (!slot) {
		rules_sec_err(ps, "out of memory");
		return;
	}
	*slot = ps->fam;
	memset(&ps->fam, 0, sizeof(ps->fam));
}

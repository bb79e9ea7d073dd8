// SPDX-License-Identifier: GPL-2.0
/*
 * A document's verdict: each rule's weighed candidates against its minimum count and ratio of
 * valid check digits, keyword families as evidence for their category, pictures; then the
 * document's findings merged into the file's.
 */
#include <stdio.h>
#include <string.h>

#include "classify/internal.h"

void verdict_trace(struct classify_ctx *ctx, int kind, const char *name, bool ok, int tier,
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
			verdict_trace(ctx, TRACE_RULE, r->name, false, CONF_REJECT, ctx->reason);
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
		verdict_trace(ctx, TRACE_RULE, r->name, false, best, ctx->reason);
		return;
	}
	if (st->npeople < r->min_people) {
		snprintf(ctx->reason, sizeof(ctx->reason),
			 "below minimum people: %u distinct < min-people %u (%llu accepted "
			 "matches)",
			 st->npeople, r->min_people, (unsigned long long)count);
		verdict_trace(ctx, TRACE_RULE, r->name, false, best, ctx->reason);
		return;
	}
	if (r->supporting && !rep->pd) {
		verdict_trace(ctx, TRACE_RULE, r->name, false, best,
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
	if (r->min_people)
		snprintf(ctx->reason, sizeof(ctx->reason),
			 "reported: %llu match%s, %s%u people, confidence %s",
			 (unsigned long long)count, count == 1 ? "" : "es",
			 st->npeople == RULE_MAX_PEOPLE ? "at least " : "", st->npeople,
			 confidence_name(best));
	else
		snprintf(ctx->reason, sizeof(ctx->reason), "reported: %llu match%s, confidence %s",
			 (unsigned long long)count, count == 1 ? "" : "es",
			 confidence_name(best));
	verdict_trace(ctx, TRACE_RULE, r->name, true, best, ctx->reason);
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
		verdict_trace(ctx, TRACE_FAMILY, fam->name, false, CONF_REJECT, ctx->reason);
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
	verdict_trace(ctx, TRACE_FAMILY, fam->name, true, CONF_MEDIUM, ctx->reason);
}

/* Finish the current document: its verdicts, merged into the file's so far. */
void verdict_document_end(struct classify_ctx *ctx)
{
	const struct rules *rs = ctx->c->rs;
	struct classify_report rep = { 0 };
	size_t i, k;

	if (!ctx->err) {
		ctx->final = true;
		block_process(ctx);
	}
	ctx->nfindings = 0;
	/* identifiers first: supporting rules and families only count in a document with PD */
	for (i = 0; i < ctx->c->nrules; i++)
		rule_verdict(ctx, i, &rep, false);
	for (i = 0; i < ctx->c->nrules; i++)
		rule_verdict(ctx, i, &rep, true);
	for (i = 0; i < rs->nfamilies; i++)
		family_verdict(ctx, &rs->families[i], &rep);
	photo_verdict(ctx, &rep);
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

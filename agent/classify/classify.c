// SPDX-License-Identifier: GPL-2.0
/*
 * The classification engine (see classify.h for the model, internal.h for its files): a thread's
 * context, and where a document begins, ends, and hands over to the next of the same file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/internal.h"

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
	free(ctx->cwins);
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

int __attribute__((format(printf, 3, 4)))
ctx_fail(struct classify_ctx *ctx, int err, const char *fmt, ...)
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
int ctx_pcre_fail(struct classify_ctx *ctx, int rc, const struct rule *r)
{
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		return ctx_fail(ctx, -E2BIG, "limit exceeded: PCRE2 match limit in rule '%s'",
				r->name);
	case PCRE2_ERROR_NOMEMORY:
		return ctx_fail(ctx, -ENOMEM, "out of memory matching rule '%s'", r->name);
	default: return ctx_fail(ctx, -EINVAL, "PCRE2 matching error in rule '%s'", r->name);
	}
}

void classify_next_document(void *arg)
{
	struct classify_ctx *ctx = arg;

	verdict_document_end(ctx);
	verdict_trace(ctx, TRACE_DOCUMENT, NULL, false, CONF_REJECT,
		      "end of a document (an archive member); the next one is weighed apart");
	/* the next document's text starts after all of this one's */
	ctx->base += ctx->blen;
	document_reset(ctx);
}

int classify_end(struct classify_ctx *ctx, struct classify_report *rep)
{
	verdict_document_end(ctx);
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

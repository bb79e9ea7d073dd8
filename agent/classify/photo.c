// SPDX-License-Identifier: GPL-2.0
/*
 * Pictures and biometric records the readers report (classify_picture() in classify.h says when
 * they count); weighed with the document's text, after it.
 */
#include <stdio.h>
#include <string.h>

#include "classify/internal.h"
#include "extract/extract.h"

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
void photo_verdict(struct classify_ctx *ctx, struct classify_report *rep)
{
	if (ctx->records) {
		rep->pd = true;
		picture_finding(ctx, rep, "biometric-record", ctx->records, CONF_HIGH, ctx->record);
		snprintf(ctx->reason, sizeof(ctx->reason),
			 "%u biometric record(s) (%s): biometric personal data by itself",
			 ctx->records, ctx->record);
		verdict_trace(ctx, TRACE_RULE, "biometric-record", true, CONF_HIGH, ctx->reason);
	}
	if (!ctx->photos)
		return;
	if (rep->pd && (rep->categories & (1U << PDG_CAT_PERSONNEL))) {
		picture_finding(ctx, rep, "photo", ctx->photos, CONF_MEDIUM, ctx->photo);
		snprintf(ctx->reason, sizeof(ctx->reason),
			 "%u photo(s) of a person (%s) in a personnel record: adds biometric",
			 ctx->photos, ctx->photo);
		verdict_trace(ctx, TRACE_RULE, "photo", true, CONF_MEDIUM, ctx->reason);
	} else {
		snprintf(ctx->reason, sizeof(ctx->reason),
			 "%u photo(s) (%s), but not in a personnel record with PD: not counted",
			 ctx->photos, ctx->photo);
		verdict_trace(ctx, TRACE_RULE, "photo", false, CONF_REJECT, ctx->reason);
	}
}

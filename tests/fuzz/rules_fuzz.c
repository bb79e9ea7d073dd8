// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for rule files and the engine. The input is parsed as a rule file (every
 * problem must be a "fuzz.conf:LINE: reason" message, every kept rule complete), then classified
 * as text by the shipped rules (made valid UTF-8 first, as extraction guarantees), checking that
 * a finding's sample is always masked.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

static struct rules *shipped;
static struct classifier *engine;
static struct classify_ctx *ctx;

static void setup(void)
{
	struct rules_errors errs = { 0 };
	char err[256];

	/* build/fuzz/... finds policies/rules.d of the tree, like build/pdguard does */
	if (rules_load(NULL, &shipped, &errs) ||
	    classifier_new(shipped, &engine, err, sizeof(err)) || classify_ctx_new(engine, &ctx))
		abort();
	rules_errors_free(&errs);
}

/* Replace what is not UTF-8 by '?': the engine's input contract. */
static char *as_utf8(const uint8_t *d, size_t n)
{
	char *s = malloc(n + 1);
	size_t i = 0, k;

	if (!s)
		abort();
	while (i < n) {
		size_t len = d[i] < 0x80	     ? 1
			     : (d[i] & 0xe0) == 0xc0 ? 2
			     : (d[i] & 0xf0) == 0xe0 ? 3
			     : (d[i] & 0xf8) == 0xf0 ? 4
						     : 0;
		bool ok = len && i + len <= n && !(len == 2 && d[i] < 0xc2);

		for (k = 1; ok && k < len; k++)
			ok = (d[i + k] & 0xc0) == 0x80;
		if (ok && len == 3) {
			unsigned int cp = ((d[i] & 0x0f) << 12) | ((d[i + 1] & 0x3f) << 6);

			ok = cp >= 0x800 && (cp < 0xd800 || cp > 0xdfff);
		}
		if (ok && len == 4) {
			unsigned int cp = ((d[i] & 0x07) << 18) | ((d[i + 1] & 0x3f) << 12);

			ok = cp >= 0x10000 && cp <= 0x10ffff;
		}
		if (!ok) {
			s[i++] = '?';
			continue;
		}
		memcpy(s + i, d + i, len);
		i += len;
	}
	s[n] = '\0';
	return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules_errors errs = { 0 };
	struct classify_report rep;
	struct rules *rs;
	size_t i;
	char *text;

	if (!engine)
		setup();
	rs = rules_new();
	if (!rs)
		return 0;
	rules_load_buffer(rs, "fuzz.conf", (const char *)data, size, &errs);
	rules_finish(rs, &errs);
	for (i = 0; i < errs.n; i++)
		if (strncmp(errs.msg[i], "fuzz.conf:", 10))
			abort();
	for (i = 0; i < rs->nrules; i++)
		if (!rs->rules[i].pattern || !rs->rules[i].re || !rs->rules[i].validator ||
		    rs->rules[i].category < 0 || rs->rules[i].category >= __PD_CATEGORY_MAX)
			abort();
	for (i = 0; i < rs->nwords; i++)
		if (!rs->words[i].text[0])
			abort();
	rules_free(rs);
	rules_errors_free(&errs);

	text = as_utf8(data, size);
	classify_buffer(ctx, text, size, CONF_LOW, &rep);
	for (i = 0; i < rep.nfindings; i++)
		if (!rep.findings[i].family && rep.findings[i].sample[0] &&
		    !strchr(rep.findings[i].sample, '*'))
			abort();
	free(text);
	return 0;
}

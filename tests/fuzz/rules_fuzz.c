// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for rule files and the engine. The input is parsed as a rule file (every
 * problem must be a "fuzz.conf:LINE: reason" message, every kept rule complete), then classified
 * as text by the shipped rules (made valid UTF-8 first, as extraction guarantees), checking that
 * a finding's sample is always masked. Each kept rule's pattern also goes through the digit-gate
 * analysis (dgate.h): when it proves something, every match PCRE2 finds in the input must bear
 * it out (only digits and the separators it named, at least the digits it counted).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "classify/classify.h"
#include "classify/dgate.h"

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

/* Every match of @re in @text consumes only what @d allows, and enough digits. */
static void check_gate(const struct rule *r, const uint8_t *text, size_t n)
{
	static pcre2_match_context *mc;
	pcre2_match_data *md;
	struct dgate d;
	size_t pos = 0, k;
	int rounds = 0;

	if (!dgate_analyze(r->pattern, &d))
		return;
	if (!mc) {
		mc = pcre2_match_context_create(NULL);
		if (!mc)
			abort();
		pcre2_set_match_limit(mc, 20000);
		pcre2_set_depth_limit(mc, 2000);
	}
	md = pcre2_match_data_create_from_pattern(r->re, NULL);
	if (!md)
		abort();
	while (pos <= n && rounds++ < 200) {
		PCRE2_SIZE *ov;
		unsigned int digits = 0;

		if (pcre2_match(r->re, text, n, pos, 0, md, mc) < 0)
			break;
		ov = pcre2_get_ovector_pointer(md);
		for (k = ov[0]; k < ov[1]; k++) {
			if (text[k] >= '0' && text[k] <= '9')
				digits++;
			else if (!(d.gap[text[k] / 64] >> (text[k] % 64) & 1))
				abort(); /* a byte the analysis said the pattern never consumes */
		}
		if (digits < d.min_digits)
			abort(); /* fewer digits than it proved every match holds */
		pos = ov[1] > ov[0] ? ov[1] : ov[1] + 1;
	}
	pcre2_match_data_free(md);
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
		    rs->rules[i].category < 0 || rs->rules[i].category >= PDG_CAT_COUNT)
			abort();
	for (i = 0; i < rs->nwords; i++)
		if (!rs->words[i].text[0])
			abort();
	for (i = 0; i < rs->nrules; i++)
		check_gate(&rs->rules[i], data, size);
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

// SPDX-License-Identifier: GPL-2.0
/*
 * Digit gates: what the analysis proves of a pattern (and where it must give up), and the
 * vector run finder against a byte-by-byte reference on random text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/dgate.h"
#include "pdg_test.h"

struct want {
	const char *pattern;
	bool ok;
	unsigned int digits;
	const char *gap; /* the non-digit bytes, in byte order */
};

static const struct want wants[] = {
	/* the shipped rules' shapes */
	{ "(?<![0-9])[0-9]{12}(?![0-9])", true, 12, "" },
	{ "(?<![0-9])[0-9]{4}(?:[ -]?[0-9]{4}){2}[ -]?[0-9]{1,7}(?![0-9])", true, 13, " -" },
	{ "(?<![0-9+])(?:\\+7|8(?=[ (-]|7[0-9]{2}[ )-]))[ -]?\\(?7[0-9]{2}\\)?[ -]?[0-9]{3}"
	  "[ -]?[0-9]{2}[ -]?[0-9]{2}(?![0-9])",
	  true, 11, " ()+-" },
	{ "(?<![0-9A-Za-z])(?<v>N[0-9]{8})(?![0-9])", true, 8, "N" },
	/* counting */
	{ "\\d{3}|\\d{2}x", true, 2, "x" },
	{ "(?:12|3)4", true, 2, "" },
	{ "[0-9]+ ?[0-9]*", true, 1, " " },
	{ "\\d{2,}?", true, 2, "" },
	{ "\\d{3,5}+", true, 3, "" },
	{ "(?P<x>\\d)(?'y'\\d)(?|\\d)(?>\\d)", true, 4, "" },
	{ "\\x{41}\\x30", true, 1, "A" },
	{ "[\\d]{3}\\.\\d", true, 4, "." },
	{ "^\\d{2}\\b\\d$", true, 3, "" },
	{ "[9-9]\\t", true, 1, "\t" },
	/* a class with anything but digits counts no digit */
	{ "[0-9 ]{12}", false, 0, "" },
	{ "[\\d\\-]{10}", false, 0, "" },
	{ "\\w{12}", false, 0, "" },
	/* no digits at all */
	{ "abc", false, 0, "" },
	{ "(?=\\d{5})x", false, 0, "" },
	/* what it does not know */
	{ "(?i)\\d{5}", false, 0, "" },
	{ "(\\d)\\1\\d", false, 0, "" },
	{ "\\p{Nd}{5}", false, 0, "" },
	{ "\\Q12\\E34", false, 0, "" },
	{ "(*UTF)\\d", false, 0, "" },
	{ "[[:digit:]]{4}", false, 0, "" },
	{ "\\d{,4}", false, 0, "" },
	{ "\\d{", false, 0, "" },
	{ "(\\d", false, 0, "" },
	{ "\\d)", false, 0, "" },
	{ "\\d\\", false, 0, "" },
	{ "\\d**", false, 0, "" },
	{ "(?#c)\\d", false, 0, "" },
};

static void gap_string(const struct dgate *d, char *out)
{
	unsigned int b;

	for (b = 0; b < 256; b++)
		if (d->gap[b / 64] >> (b % 64) & 1)
			*out++ = (char)b;
	*out = '\0';
}

TEST(analysis_table)
{
	size_t i;

	for (i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		const struct want *w = &wants[i];
		struct dgate d;
		char gap[257];
		bool ok = dgate_analyze(w->pattern, &d);

		gap_string(&d, gap);
		TH_LOG("%s: %s, %u digits, gap '%s'", w->pattern, ok ? "ok" : "no", d.min_digits,
		       gap);
		EXPECT_EQ(w->ok, ok);
		if (!ok || !w->ok)
			continue;
		EXPECT_EQ(w->digits, d.min_digits);
		EXPECT_STREQ(w->gap, gap);
	}
}

/* A negated class consumes everything but what it names. */
TEST(negated_class_gap)
{
	struct dgate d;

	ASSERT_TRUE(dgate_analyze("[^a]\\d{9}", &d));
	EXPECT_EQ(9, d.min_digits);
	EXPECT_FALSE(d.gap[1] >> ('a' - 64) & 1);
	EXPECT_TRUE(d.gap[1] >> ('b' - 64) & 1);
	EXPECT_TRUE(d.gap[3] >> 63 & 1);
}

struct runs {
	size_t s[8192], e[8192];
	size_t n, stop_after;
};

static int collect(size_t s, size_t e, void *arg)
{
	struct runs *r = arg;

	if (r->n < 8192) {
		r->s[r->n] = s;
		r->e[r->n] = e;
	}
	r->n++;
	return r->stop_after && r->n == r->stop_after ? 7 : 0;
}

/* The definition, byte by byte. */
static void reference(const struct dgate_scan *g, const unsigned char *s, size_t n, struct runs *r)
{
	size_t i = 0;

	while (i < n) {
		size_t st = i;
		unsigned int d = 0;

		while (i < n && (g->set[s[i] / 64] >> (s[i] % 64) & 1)) {
			d += s[i] >= '0' && s[i] <= '9';
			i++;
		}
		if (i > st && d >= g->min_digits)
			collect(st, i, r);
		if (i == st)
			i++;
	}
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
	return pdg_rand(&rng);
}

TEST(runs_match_the_reference)
{
	static const char alphabet[] = "0123456789 -()+.ab\n\xd0";
	static unsigned char buf[5000];
	struct runs *want = calloc(1, sizeof(*want)), *got = calloc(1, sizeof(*got));
	unsigned int round, level;
	size_t found = 0;

	ASSERT_NE(NULL, want);
	ASSERT_NE(NULL, got);
	for (round = 0; round < 3000; round++) {
		struct dgate_scan g;
		struct dgate d = { .min_digits = 1 + next_rand() % 80 };
		size_t n = next_rand() % sizeof(buf), i;
		/* mostly digits and separators, so that long runs come about */
		unsigned int skew = 10 + next_rand() % 12;

		if (next_rand() % 2)
			d.gap[0] |= 1ULL << ' ' | 1ULL << '-';
		if (next_rand() % 2)
			d.gap[0] |= 1ULL << '(' | 1ULL << ')' | 1ULL << '+';
		if (round % 50 == 0)
			d.gap[3] |= 1ULL << (0xd0 - 192); /* a non-ASCII separator: scalar only */
		dgate_scan_init(&g);
		dgate_scan_add(&g, &d);
		for (i = 0; i < n; i++)
			buf[i] = alphabet[next_rand() % skew];
		memset(want, 0, sizeof(*want));
		reference(&g, buf, n, want);
		found += want->n;
		for (level = 0; level < 2; level++) {
			memset(got, 0, sizeof(*got));
			dgate_set_simd(level ? -1 : 0);
			EXPECT_EQ(0, dgate_runs(&g, buf, n, collect, got));
			if (want->n != got->n)
				TH_LOG("round %u, level %u, n %zu, min %u", round, level, n,
				       g.min_digits);
			ASSERT_EQ(want->n, got->n);
			for (i = 0; i < want->n && i < 8192; i++) {
				ASSERT_EQ(want->s[i], got->s[i]);
				ASSERT_EQ(want->e[i], got->e[i]);
			}
			/* a callback's non-zero return stops the walk and is returned */
			if (want->n >= 2) {
				memset(got, 0, sizeof(*got));
				got->stop_after = 2;
				EXPECT_EQ(7, dgate_runs(&g, buf, n, collect, got));
				EXPECT_EQ(2, got->n);
			}
		}
	}
	dgate_set_simd(-1);
	TH_LOG("%zu runs found in 3000 random texts", found);
	EXPECT_GT(found, 10000);
	free(want);
	free(got);
}

TEST_HARNESS_MAIN

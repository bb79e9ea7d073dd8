/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Digit gates: where in a text a number-shaped rule can match at all.
 *
 * Most identifier rules (IIN, ID card, card and phone numbers) match only digits and a few
 * separators. dgate_analyze() reads such a pattern and proves two facts of every match it can
 * make: each byte it consumes is a digit or one of a small set of separator bytes, and it holds
 * at least N digits. Then every match lies inside a run of digits and separators that holds N
 * digits or more, and dgate_runs() finds those runs with vector instructions: text without them
 * (most of a business document: dates, sums, room numbers) need not be scanned for those rules.
 */
#ifndef PDGUARD_DGATE_H
#define PDGUARD_DGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dgate {
	uint64_t gap[4];	 /* the non-digit bytes a match may consume, a bit each */
	unsigned int min_digits; /* digits every match holds */
};

/*
 * Reads a PCRE2 pattern (compiled without options). Returns false when it cannot prove the two
 * facts: a construct it does not know (inline options, back-references, \p, verbs...), a match
 * without digits, or bytes it cannot bound.
 */
bool dgate_analyze(const char *pattern, struct dgate *out);

/* The gate of a set of rules: separators of them all, the fewest digits of any. */
struct dgate_scan {
	uint64_t set[4];	 /* digits and separators: the bytes a run is made of */
	unsigned int min_digits;
	unsigned char lo[16], hi[16]; /* the set as nibble tables, for the vector loop */
};

void dgate_scan_init(struct dgate_scan *g);
void dgate_scan_add(struct dgate_scan *g, const struct dgate *d);

typedef int (*dgate_run_fn)(size_t start, size_t end, void *arg);

/*
 * Calls @fn, in order, for every maximal run of bytes of the set in s[0, n) that holds at least
 * min_digits digits; stops early if @fn returns non-zero and returns that.
 */
int dgate_runs(const struct dgate_scan *g, const unsigned char *s, size_t n, dgate_run_fn fn,
	       void *arg);

/*
 * Whether dgate_runs() runs vector code here (AVX2). Without it, it walks byte by byte, slower
 * than scanning the text whole with Hyperscan: callers then skip the gate.
 */
bool dgate_vector(void);

/* Tests: 0 byte by byte only; anything else, AVX2 when the CPU has it (the default, -1). */
void dgate_set_simd(int level);

#endif

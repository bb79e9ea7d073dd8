// SPDX-License-Identifier: GPL-2.0
/*
 * Digit gates (see dgate.h): what a pattern's matches are made of, and where a text can hold one.
 *
 * The analysis walks the pattern's syntax once, as PCRE2 reads it without options (bytes, no
 * UTF, case-sensitive), and keeps two things per piece: the fewest digits any match of the piece
 * holds, and every non-digit byte the piece can consume. Look-arounds consume nothing and are
 * left out of both; anything it does not know makes it give up, which only costs speed (the rule
 * is then scanned everywhere).
 */
#include <string.h>
#ifdef __x86_64__
#include <immintrin.h>
#endif

#include "classify/dgate.h"

#define MAX_DEPTH  64
#define DIGITS_CAP (1U << 20)

struct px {
	const char *p;
	bool bad;
	uint64_t gap[4];
};

static void bit_set(uint64_t *s, unsigned int c)
{
	s[c / 64] |= 1ULL << (c % 64);
}

static bool bit_has(const uint64_t *s, unsigned int c)
{
	return s[c / 64] >> (c % 64) & 1;
}

static void set_range(uint64_t *s, unsigned int lo, unsigned int hi)
{
	for (; lo <= hi; lo++)
		bit_set(s, lo);
}

static void set_not(uint64_t *s)
{
	for (int i = 0; i < 4; i++)
		s[i] = ~s[i];
}

static unsigned int cap_add(unsigned int a, unsigned int b)
{
	return a + b > DIGITS_CAP ? DIGITS_CAP : a + b;
}

static unsigned int cap_mul(unsigned int a, unsigned int n)
{
	unsigned long long r = (unsigned long long)a * n;

	return r > DIGITS_CAP ? DIGITS_CAP : (unsigned int)r;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \x.. after the x: one byte value, or -1 */
static int hex_escape(struct px *x)
{
	int v = 0, d, n = 0;

	if (*x->p == '{') {
		x->p++;
		while ((d = hexval(*x->p)) >= 0 && v <= 0xff) {
			v = v * 16 + d;
			x->p++;
			n++;
		}
		if (*x->p != '}' || !n || v > 0xff)
			return -1;
		x->p++;
		return v;
	}
	while (n < 2 && (d = hexval(*x->p)) >= 0) {
		v = v * 16 + d;
		x->p++;
		n++;
	}
	return v; /* "\x" alone is NUL, as in PCRE2 */
}

/*
 * An escape after the backslash, as a set of bytes. Returns 1 for a set, 0 for a zero-width
 * assertion, -1 for what we do not handle.
 */
static int escape_set(struct px *x, uint64_t *set, bool in_class)
{
	char c = *x->p;
	int v;

	memset(set, 0, 4 * sizeof(*set));
	if (!c)
		return -1; /* a trailing backslash */
	x->p++;
	switch (c) {
	case 'd': case 'D':
		set_range(set, '0', '9');
		break;
	case 's': case 'S':
		set_range(set, '\t', '\r');
		bit_set(set, ' ');
		break;
	case 'w': case 'W':
		set_range(set, '0', '9');
		set_range(set, 'A', 'Z');
		set_range(set, 'a', 'z');
		bit_set(set, '_');
		break;
	case 'h': case 'H':
		bit_set(set, '\t');
		bit_set(set, ' ');
		bit_set(set, 0xa0);
		break;
	case 'v': case 'V':
		set_range(set, '\n', '\r');
		bit_set(set, 0x85);
		break;
	case 't': bit_set(set, '\t'); return 1;
	case 'n': bit_set(set, '\n'); return 1;
	case 'r': bit_set(set, '\r'); return 1;
	case 'f': bit_set(set, '\f'); return 1;
	case 'e': bit_set(set, 0x1b); return 1;
	case 'a': bit_set(set, 0x07); return 1;
	case 'x':
		v = hex_escape(x);
		if (v < 0)
			return -1;
		bit_set(set, (unsigned int)v);
		return 1;
	case 'b':
		if (in_class) {
			bit_set(set, '\b');
			return 1;
		}
		return 0;
	case 'B': case 'A': case 'z': case 'Z': case 'G':
		return in_class ? -1 : 0;
	default:
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
			return -1; /* back-references, \p, \Q, \K, \R, \X, octal... */
		bit_set(set, (unsigned char)c);
		return 1;
	}
	if (c >= 'A' && c <= 'Z')
		set_not(set);
	return 1;
}

/* A [...] class after the '[': its bytes, or false. */
static bool parse_class(struct px *x, uint64_t *set)
{
	bool neg = false, first = true;
	uint64_t e[4];
	int prev = -1;

	memset(set, 0, 4 * sizeof(*set));
	if (*x->p == '^') {
		neg = true;
		x->p++;
	}
	for (;;) {
		int c, r;

		if (!*x->p)
			return false;
		if (*x->p == ']' && !first)
			break;
		first = false;
		if (x->p[0] == '[' && (x->p[1] == ':' || x->p[1] == '.' || x->p[1] == '='))
			return false; /* POSIX classes: not needed by our rules */
		if (*x->p == '-' && prev >= 0 && x->p[1] != ']') {
			/* a range: prev-c */
			x->p++;
			if (*x->p == '\\') {
				x->p++;
				if (escape_set(x, e, true) != 1)
					return false;
				/* only a single-byte escape can end a range */
				for (c = 0, r = -1; c < 256; c++)
					if (bit_has(e, (unsigned int)c)) {
						if (r >= 0)
							return false;
						r = c;
					}
				c = r;
			} else {
				c = (unsigned char)*x->p++;
			}
			if (c < prev)
				return false;
			set_range(set, (unsigned int)prev, (unsigned int)c);
			prev = -1;
			continue;
		}
		if (*x->p == '\\') {
			const char *at = ++x->p;

			if (escape_set(x, e, true) != 1)
				return false;
			for (int i = 0; i < 4; i++)
				set[i] |= e[i];
			/* one byte may start a range; a class of them (\d, \s...) may not */
			prev = -1;
			if (!strchr("dDsSwWhHvV", *at))
				for (c = 0; c < 256; c++)
					if (bit_has(e, (unsigned int)c)) {
						prev = c;
						break;
					}
			continue;
		}
		prev = (unsigned char)*x->p++;
		bit_set(set, (unsigned int)prev);
	}
	x->p++; /* ']' */
	if (neg)
		set_not(set);
	return true;
}

/* A quantifier, if there is one: its least count (1 if none); false on a malformed one. */
static bool parse_quant(struct px *x, unsigned int *least)
{
	unsigned long n = 0;
	const char *q = x->p;

	*least = 1;
	switch (*q) {
	case '?': case '*':
		*least = 0;
		x->p++;
		break;
	case '+':
		x->p++;
		break;
	case '{':
		q++;
		if (*q < '0' || *q > '9')
			return false; /* "{,n}" or a literal brace: leave it to PCRE2 and give up */
		while (*q >= '0' && *q <= '9' && n <= DIGITS_CAP)
			n = n * 10 + (unsigned long)(*q++ - '0');
		if (*q == ',') {
			q++;
			while (*q >= '0' && *q <= '9')
				q++;
		}
		if (*q != '}')
			return false;
		x->p = q + 1;
		*least = n > DIGITS_CAP ? DIGITS_CAP : (unsigned int)n;
		break;
	default:
		return true;
	}
	if (*x->p == '?' || *x->p == '+')
		x->p++; /* lazy, possessive: the same strings */
	if (strchr("?*+{", *x->p) && *x->p)
		return false; /* PCRE2 would refuse it, or read it in a way we do not */
	return true;
}

static unsigned int parse_alt(struct px *x, int depth);

/* One atom and its quantifier: the fewest digits it adds. */
static unsigned int parse_atom(struct px *x, int depth)
{
	uint64_t set[4];
	unsigned int digits = 0, least;
	char c = *x->p;

	if (depth > MAX_DEPTH) {
		x->bad = true;
		return 0;
	}
	switch (c) {
	case '(':
		x->p++;
		if (*x->p == '*') {
			x->bad = true; /* verbs */
			return 0;
		}
		if (*x->p == '?') {
			const char *g = x->p + 1;

			if (*g == ':' || *g == '|' || *g == '>') {
				x->p = g + 1;
			} else if (*g == '=' || *g == '!' || (g[0] == '<' && (g[1] == '=' || g[1] == '!'))) {
				/* a look-around: parsed for its syntax, consumes nothing */
				uint64_t keep[4];

				memcpy(keep, x->gap, sizeof(keep));
				x->p = g + (*g == '<' ? 2 : 1);
				parse_alt(x, depth + 1);
				memcpy(x->gap, keep, sizeof(keep));
				goto close;
			} else if (*g == '<' || *g == '\'' || (g[0] == 'P' && g[1] == '<')) {
				char end = *g == '\'' ? '\'' : '>';

				g += g[0] == 'P' ? 2 : 1;
				while (*g && *g != end &&
				       ((*g >= '0' && *g <= '9') || (*g >= 'A' && *g <= 'Z') ||
					(*g >= 'a' && *g <= 'z') || *g == '_'))
					g++;
				if (*g != end) {
					x->bad = true;
					return 0;
				}
				x->p = g + 1;
			} else {
				x->bad = true; /* options, comments, conditions, recursion */
				return 0;
			}
		}
		digits = parse_alt(x, depth + 1);
close:
		if (*x->p != ')') {
			x->bad = true;
			return 0;
		}
		x->p++;
		break;
	case '[':
		x->p++;
		if (!parse_class(x, set)) {
			x->bad = true;
			return 0;
		}
		goto bytes;
	case '\\': {
		int k;

		x->p++;
		k = escape_set(x, set, false);
		if (k < 0) {
			x->bad = true;
			return 0;
		}
		if (k == 0)
			break; /* an assertion: consumes nothing */
		goto bytes;
	}
	case '.':
		x->p++;
		memset(set, 0xff, sizeof(set));
		set[0] &= ~(1ULL << '\n');
		goto bytes;
	case '^': case '$':
		x->p++;
		break;
	case '*': case '+': case '?': case '{': case ')': case '|': case '\0':
		x->bad = true;
		return 0;
	default:
		x->p++;
		memset(set, 0, sizeof(set));
		bit_set(set, (unsigned char)c);
bytes: {
		bool any = false, only_digits = true;

		for (unsigned int b = 0; b < 256; b++) {
			if (!bit_has(set, b))
				continue;
			any = true;
			if (b >= '0' && b <= '9')
				continue;
			only_digits = false;
			bit_set(x->gap, b);
		}
		if (!any) {
			x->bad = true; /* an empty class matches nothing: leave it to PCRE2 */
			return 0;
		}
		digits = only_digits ? 1 : 0;
	}
	}
	if (!parse_quant(x, &least)) {
		x->bad = true;
		return 0;
	}
	return cap_mul(digits, least);
}

/* Branches until ')' or the end: the fewest digits of any branch. */
static unsigned int parse_alt(struct px *x, int depth)
{
	unsigned int best = DIGITS_CAP, cur = 0;

	for (;;) {
		if (x->bad)
			return 0;
		if (!*x->p || *x->p == ')' || *x->p == '|') {
			if (cur < best)
				best = cur;
			cur = 0;
			if (*x->p != '|')
				return best;
			x->p++;
			continue;
		}
		cur = cap_add(cur, parse_atom(x, depth));
	}
}

bool dgate_analyze(const char *pattern, struct dgate *out)
{
	struct px x = { .p = pattern };
	unsigned int d;

	memset(out, 0, sizeof(*out));
	d = parse_alt(&x, 0);
	if (x.bad || *x.p) /* an unmatched ')' */
		return false;
	if (!d || d >= DIGITS_CAP)
		return false;
	memcpy(out->gap, x.gap, sizeof(out->gap));
	out->min_digits = d;
	return true;
}

/* ---- finding runs ------------------------------------------------------------------------ */

static int simd_level = -1;

void dgate_set_simd(int level)
{
	simd_level = level;
}

void dgate_scan_init(struct dgate_scan *g)
{
	memset(g, 0, sizeof(*g));
	set_range(g->set, '0', '9');
	g->min_digits = DIGITS_CAP;
}

void dgate_scan_add(struct dgate_scan *g, const struct dgate *d)
{
	unsigned int b;

	for (int i = 0; i < 4; i++)
		g->set[i] |= d->gap[i];
	if (d->min_digits < g->min_digits)
		g->min_digits = d->min_digits;
	/* nibble tables for ASCII members (the vector loop is used only when all are ASCII) */
	memset(g->lo, 0, sizeof(g->lo));
	for (b = 0; b < 16; b++)
		g->hi[b] = b < 8 ? (unsigned char)(1U << b) : 0;
	for (b = 0; b < 128; b++)
		if (bit_has(g->set, b))
			g->lo[b & 15] |= (unsigned char)(1U << (b >> 4));
}

static bool in_set(const struct dgate_scan *g, unsigned char c)
{
	return bit_has(g->set, c);
}

/* The run around @at (a byte of the set), not before @lo: report it if it has enough digits. */
static int one_run(const struct dgate_scan *g, const unsigned char *s, size_t n, size_t lo,
		   size_t at, size_t *end, dgate_run_fn fn, void *arg)
{
	size_t st = at, i;
	unsigned int d = 0;

	while (st > lo && in_set(g, s[st - 1]))
		st--;
	for (i = st; i < n && in_set(g, s[i]); i++)
		d += s[i] >= '0' && s[i] <= '9';
	*end = i;
	return d >= g->min_digits ? fn(st, i, arg) : 0;
}

static int runs_scalar(const struct dgate_scan *g, const unsigned char *s, size_t n, size_t i,
		       dgate_run_fn fn, void *arg)
{
	size_t end;
	int r;

	while (i < n) {
		if (!in_set(g, s[i])) {
			i++;
			continue;
		}
		r = one_run(g, s, n, i, i, &end, fn, arg);
		if (r)
			return r;
		i = end;
	}
	return 0;
}

#ifdef __x86_64__
/* A bit per byte of @v: in the set (the nibble tables), and a digit. */
__attribute__((target("avx2"))) static inline void masks32(__m256i v, __m256i tlo, __m256i thi,
							  uint32_t *set, uint32_t *digit)
{
	__m256i nib = _mm256_set1_epi8(0x0f);
	__m256i lo = _mm256_shuffle_epi8(tlo, _mm256_and_si256(v, nib));
	__m256i hi = _mm256_shuffle_epi8(thi, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib));
	__m256i z = _mm256_cmpeq_epi8(_mm256_and_si256(lo, hi), _mm256_setzero_si256());
	/* signed compares: bytes from 0x80 up are negative, never digits */
	__m256i d = _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8('0' - 1)),
				     _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), v));

	*set = ~(uint32_t)_mm256_movemask_epi8(z);
	*digit = (uint32_t)_mm256_movemask_epi8(d);
}

/*
 * 64 bytes at a time: a bit per byte of the set, then shift-and steps that leave a bit where a
 * run of at least min_digits bytes ends (a run holds at least as many bytes as digits). A run
 * that starts and ends inside the 64 bytes has its digits counted from the masks; one that
 * crosses their edges is walked byte by byte.
 */
__attribute__((target("avx2"))) static int runs_avx2(const struct dgate_scan *g,
						     const unsigned char *s, size_t n,
						     dgate_run_fn fn, void *arg)
{
	__m256i tlo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)g->lo));
	__m256i thi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)g->hi));
	unsigned int need = g->min_digits > 64 ? 64 : g->min_digits, shift[8], nst = 0, have = 1;
	uint64_t prev[8] = { 0 };
	size_t i = 0, lo = 0, end;
	int r;

	while (have < need) {
		shift[nst] = have < need - have ? have : need - have;
		have += shift[nst++];
	}
	while (i + 64 <= n) {
		uint32_t s0, d0, s1, d1;
		uint64_t m, dm, a, p;
		unsigned int k;

		masks32(_mm256_loadu_si256((const __m256i *)(s + i)), tlo, thi, &s0, &d0);
		masks32(_mm256_loadu_si256((const __m256i *)(s + i + 32)), tlo, thi, &s1, &d1);
		m = s0 | (uint64_t)s1 << 32;
		dm = d0 | (uint64_t)d1 << 32;
		a = m;
		for (k = 0; k < nst; k++) {
			p = prev[k];
			prev[k] = a;
			a &= a << shift[k] | p >> (64 - shift[k]);
		}
		while (a) {
			unsigned int at = (unsigned int)__builtin_ctzll(a), st, en;
			uint64_t below = ~m & ((1ULL << at) - 1);
			uint64_t above = at == 63 ? 0 : ~m & (~0ULL << (at + 1));
			uint64_t run;

			if (!below || !above)
				goto walk; /* it may cross the edges of these 64 bytes */
			st = 64 - (unsigned int)__builtin_clzll(below);
			en = (unsigned int)__builtin_ctzll(above);
			run = ((1ULL << en) - 1) & ~((1ULL << st) - 1);
			if ((unsigned int)__builtin_popcountll(dm & run) >= g->min_digits) {
				r = fn(i + st, i + en, arg);
				if (r)
					return r;
			}
			a &= ~run;
		}
		i += 64;
		continue;
walk:
		r = one_run(g, s, n, lo, i + (size_t)__builtin_ctzll(a), &end, fn, arg);
		if (r)
			return r;
		/* s[end] is not of the set: nothing carries over it */
		i = lo = end;
		memset(prev, 0, sizeof(prev));
	}
	/* the tail, from the start of a run still open */
	while (i > lo && in_set(g, s[i - 1]))
		i--;
	return runs_scalar(g, s, n, i, fn, arg);
}
#endif

bool dgate_vector(void)
{
#ifdef __x86_64__
	static int have_avx2 = -1;

	if (have_avx2 < 0)
		have_avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
	return have_avx2 && simd_level != 0;
#else
	return false;
#endif
}

int dgate_runs(const struct dgate_scan *g, const unsigned char *s, size_t n, dgate_run_fn fn,
	       void *arg)
{
#ifdef __x86_64__
	/* the nibble tables hold ASCII members only */
	if (dgate_vector() && !g->set[2] && !g->set[3])
		return runs_avx2(g, s, n, fn, arg);
#endif
	return runs_scalar(g, s, n, 0, fn, arg);
}

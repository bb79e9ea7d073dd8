// SPDX-License-Identifier: GPL-2.0
/* UTF-8 sequences (lib/utf8.h). */
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "lib/utf8.h"

/*
 * The one table. A lead byte gives the length and the range of the second byte, which is where
 * overlongs (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points past U+10FFFF
 * (F4 90..BF) show; later bytes are 80..BF. Returns the length, 0 when @s does not begin a valid
 * sequence, or -1 when its @n bytes do but the sequence needs more.
 */
static int seq_check(const uint8_t *s, size_t n)
{
	uint8_t c, lo = 0x80, hi = 0xbf;
	int len, i;

	if (!n)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		len = 2;
	} else if (c < 0xf0) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c < 0xf5) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < 2)
		return -1;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++) {
		if ((size_t)i >= n)
			return -1;
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	return len;
}

size_t utf8_seq_len(const uint8_t *s, size_t n)
{
	int len = seq_check(s, n);

	return len > 0 ? (size_t)len : 0;
}

bool utf8_seq_cut(const uint8_t *s, size_t n)
{
	return seq_check(s, n) < 0;
}

#ifdef __SSE2__
/* Back from @i to the lead byte of a character cut there (the bytes before @i are valid). */
static inline size_t utf8_boundary(const uint8_t *s, size_t i)
{
	if (s[i - 1] >= 0xc2 && s[i - 1] != 0xe0 && s[i - 1] != 0xed && s[i - 1] <= 0xef)
		return i - 1;
	if (s[i - 2] >= 0xe1 && s[i - 2] <= 0xef && s[i - 2] != 0xed)
		return i - 2;
	return i;
}

/* Bit k set when byte k of @v lies in [lo, lo + span] (unsigned). */
static inline int in_range(__m128i v, uint8_t lo, uint8_t span)
{
	__m128i t = _mm_sub_epi8(v, _mm_set1_epi8((char)lo));

	return _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8((char)span)), t));
}

/* Lead bytes of three-byte characters without extra rules on the next byte: E1..EC, EE..EF. */
static inline int lead3_mask(__m128i v)
{
	return in_range(v, 0xe1, 0x0e) & ~_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xed)));
}

/*
 * Sixteen bytes at a time while the text is ASCII, two-byte characters (all of Cyrillic,
 * Kazakh's letters included) and ordinary three-byte ones (№, dashes, quotes), the bulk of what
 * we read. Such a block is valid when every byte is ASCII, a lead byte (C2..DF, E1..EC, EE..EF)
 * or a continuation byte 80..BF, and the continuations are exactly the bytes one after a lead or
 * two after a three-byte lead. @i is a character boundary after at least two bytes. Returns
 * where the general decoder must go on: the start of the first block holding anything else (E0,
 * ED and four-byte leads, errors, the last 15 bytes), moved back to the lead byte of a character
 * cut there.
 */
static size_t utf8_fast_sse2(const uint8_t *s, size_t n, size_t i)
{
	const __m128i top2 = _mm_set1_epi8((char)0xc0), cont_bits = _mm_set1_epi8((char)0x80);

	while (i + 16 <= n) {
		__m128i cur = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i prev1 = _mm_loadu_si128((const __m128i *)(s + i - 1));
		__m128i prev2 = _mm_loadu_si128((const __m128i *)(s + i - 2));
		int high = _mm_movemask_epi8(cur), cont, lead, want;

		/* continuations owed to leads one and two bytes back */
		want = in_range(prev1, 0xc2, 0xdf - 0xc2) | lead3_mask(prev1) | lead3_mask(prev2);
		if (!high && !want) {
			i += 16;
			continue;
		}
		cont = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_and_si128(cur, top2), cont_bits));
		lead = in_range(cur, 0xc2, 0xdf - 0xc2) | lead3_mask(cur);
		if ((high & ~(cont | lead)) || cont != want)
			break;
		i += 16;
	}
	return utf8_boundary(s, i);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define UTF8_AVX2 1

/* The same, 32 bytes at a time, on CPUs with AVX2 (chosen at run time). */
__attribute__((target("avx2"))) static inline unsigned int in_range32(__m256i v, uint8_t lo,
								       uint8_t span)
{
	__m256i t = _mm256_sub_epi8(v, _mm256_set1_epi8((char)lo));

	return _mm256_movemask_epi8(
		_mm256_cmpeq_epi8(_mm256_min_epu8(t, _mm256_set1_epi8((char)span)), t));
}

__attribute__((target("avx2"))) static inline unsigned int lead3_mask32(__m256i v)
{
	return in_range32(v, 0xe1, 0x0e) &
	       ~_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8((char)0xed)));
}

__attribute__((target("avx2"))) static size_t utf8_fast_avx2(const uint8_t *s, size_t n,
							      size_t i)
{
	const __m256i top2 = _mm256_set1_epi8((char)0xc0), cont_bits = _mm256_set1_epi8((char)0x80);

	while (i + 32 <= n) {
		__m256i cur = _mm256_loadu_si256((const __m256i *)(s + i));
		__m256i prev1 = _mm256_loadu_si256((const __m256i *)(s + i - 1));
		__m256i prev2 = _mm256_loadu_si256((const __m256i *)(s + i - 2));
		unsigned int high = _mm256_movemask_epi8(cur), cont, lead, want;

		want = in_range32(prev1, 0xc2, 0xdf - 0xc2) | lead3_mask32(prev1) | lead3_mask32(prev2);
		if (!high && !want) {
			i += 32;
			continue;
		}
		cont = _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_and_si256(cur, top2), cont_bits));
		lead = in_range32(cur, 0xc2, 0xdf - 0xc2) | lead3_mask32(cur);
		if ((high & ~(cont | lead)) || cont != want)
			break;
		i += 32;
	}
	/* the rest, and a block that failed, in sixteens */
	return utf8_fast_sse2(s, n, utf8_boundary(s, i));
}
#endif

static int utf8_simd = -1;	/* 2: AVX2, 1: SSE2, 0: none (utf8_set_simd(), tests) */

void utf8_set_simd(int level)
{
	utf8_simd = level;
}

static size_t utf8_fast(const uint8_t *s, size_t n, size_t i)
{
	int level = __atomic_load_n(&utf8_simd, __ATOMIC_RELAXED);

	if (level < 0) {
		level = 1;
#ifdef UTF8_AVX2
		if (__builtin_cpu_supports("avx2"))
			level = 2;
#endif
		__atomic_store_n(&utf8_simd, level, __ATOMIC_RELAXED);
	}
#ifdef UTF8_AVX2
	if (level == 2)
		return utf8_fast_avx2(s, n, i);
#endif
	return level ? utf8_fast_sse2(s, n, i) : i;
}
#else
void utf8_set_simd(int level)
{
	(void)level;
}
#endif

/* Length of the longest prefix of s made of complete, valid UTF-8 characters. */
size_t utf8_valid_len(const uint8_t *s, size_t n)
{
	size_t i = 0, len;
#ifdef __SSE2__
	size_t slow_until = 2;	/* the fast path needs two bytes before it */
#endif

	while (i < n) {
#ifdef __SSE2__
		if (i >= slow_until) {
			size_t j = utf8_fast(s, n, i);

			/* no progress: the general decoder takes this block */
			slow_until = j > i ? j : i + 16;
			i = j;
			if (i >= n)
				break;
		}
#endif
		/* ASCII runs are the common case: eight bytes at a time. */
		while (i + 8 <= n) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (w & 0x8080808080808080ULL)
				break;
			i += 8;
		}
		if (i >= n)
			break;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		/* two-byte characters (all of Cyrillic) without the general decoder */
		if (s[i] >= 0xc2 && s[i] < 0xe0 && i + 1 < n && (s[i + 1] & 0xc0) == 0x80) {
			i += 2;
			continue;
		}
		len = utf8_seq_len(s + i, n - i);
		if (!len)
			break;
		i += len;
	}
	return i;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* UTF-8: the one definition of a valid sequence, used by extraction, the JSON writer and output. */
#ifndef PDGUARD_UTF8_H
#define PDGUARD_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/**
 * utf8_seq_len() - length of the valid UTF-8 sequence at @s (1..4), or 0 when it is not one
 * @n: bytes available at @s
 * Overlong forms, surrogates and code points above U+10FFFF are not valid.
 */
size_t utf8_seq_len(const uint8_t *s, size_t n);

/*
 * utf8_seq_cut() - do the @n bytes at @s begin a valid sequence that needs more bytes?
 * For readers of text in blocks: such a tail is kept for the next block, not replaced.
 */
bool utf8_seq_cut(const uint8_t *s, size_t n);

/*
 * utf8_valid_len() - length of the longest prefix of @s made of complete, valid characters
 * The same answer as utf8_seq_len() character by character, 16 or 32 bytes at a time where the
 * CPU has SSE2 or AVX2: extraction runs every byte of text through it.
 */
size_t utf8_valid_len(const uint8_t *s, size_t n);
/* Tests: 2 AVX2, 1 SSE2, 0 no vector fast path, -1 the best this CPU has (the default). */
void utf8_set_simd(int level);

#endif /* PDGUARD_UTF8_H */

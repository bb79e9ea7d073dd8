/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Masking: the only form in which a found value may leave the classifier. Output, logs, JSON and
 * `rules test` all print masked samples; the clear value never leaves the scanning thread.
 */
#ifndef PDGUARD_MASK_H
#define PDGUARD_MASK_H

#include <stddef.h>

enum mask_style {
	MASK_GENERIC = 0, /* keep a leading letter and the last 2 digits: N******78 */
	MASK_IIN,	  /* keep the first 6 digits (YYMMDD): 870412****** */
	MASK_CARD,	  /* keep the first 4 and last 4 digits: 4400********1234 */
	MASK_IBAN,	  /* keep KZ, the check digits and the last 2: KZ12**************34 */
	MASK_PHONE,	  /* keep the operator code and the last 2: +7 701 *** ** 67 */
	MASK_ALL,	  /* nothing kept, one '*' per character */
	MASK_MRZ,	  /* keep the document code and issuing state: P<KAZ**************** */
	MASK_NAME,	  /* the first letter of each word, then 3 stars: А*** А*** Н*** */
	__MASK_MAX,
};

/* Longest masked sample, NUL included. */
#define MASK_MAX 64

/* "generic", "iin", ...; NULL for an unknown style. */
const char *mask_style_name(int style);
/* enum mask_style for a name, or -EINVAL. */
int mask_style_find(const char *name);

/**
 * mask_value() - write the masked form of a value
 * @style: enum mask_style
 * @s: the value as matched (separators allowed)
 * @len: its length
 * @out: at least MASK_MAX bytes; always NUL-terminated
 *
 * Never writes more clear characters than the style keeps, whatever the input: a value too short
 * for its style is masked whole.
 */
void mask_value(int style, const char *s, size_t len, char out[MASK_MAX]);

#endif /* PDGUARD_MASK_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Validators for Kazakhstan identifiers and payment numbers. The facts they encode (and their
 * sources) are in docs/rules.md; the IIN check digit follows the IIN law (Z070000223).
 */
#include <string.h>

#include "classify/mask.h"
#include "classify/validate.h"

static const struct validator validators[] = {
	{ "none", NULL, MASK_GENERIC, "no check: everything the pattern matched is a candidate" },
	{ "iin", validate_iin, MASK_IIN,
	  "IIN: 12 digits, check digit (two weightings), date of birth and century when strict; "
	  "a BIN is refused as a company id" },
	{ "bin", validate_bin, MASK_IIN, "BIN: 12 digits, check digit, digit 5 is 4-6" },
	{ "iban_kz", validate_iban_kz, MASK_IBAN,
	  "KZ IBAN: KZ + 2 check digits + 3-digit bank code + 13 letters/digits, mod 97 = 1" },
	{ "luhn", validate_luhn, MASK_CARD, "13-19 digits passing the Luhn check" },
	{ "card", validate_card, MASK_CARD,
	  "payment card: Luhn and a known issuer prefix (Visa, Mastercard, Mir, UnionPay...)" },
	{ "phone_kz", validate_phone_kz, MASK_PHONE,
	  "Kazakh phone: +7/8 and 10 digits in 70x/747/77x mobile (strict = no: also 71x-72x "
	  "landline, 75x/76x)" },
};

const struct validator *validator_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(validators) / sizeof(validators[0]); i++)
		if (!strcmp(validators[i].name, name))
			return &validators[i];
	return NULL;
}

const struct validator *validator_list(size_t *n)
{
	*n = sizeof(validators) / sizeof(validators[0]);
	return validators;
}

static int refuse(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return VALIDATE_BAD;
}

/* Collect digit values; returns how many, or SIZE_MAX when a letter is among them. */
static size_t digits_of(const char *s, size_t len, unsigned char *d, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c >= '0' && c <= '9') {
			if (n == cap)
				return (size_t)-1;
			d[n++] = c - '0';
		} else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) {
			return (size_t)-1;
		}
	}
	return n;
}

int iin_check_digit(const unsigned char d[11])
{
	static const unsigned char w2[11] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2 };
	unsigned int i, sum = 0;

	for (i = 0; i < 11; i++)
		sum += d[i] * (i + 1);
	if (sum % 11 != 10)
		return sum % 11;
	/* 10 is not a digit: the law weighs the digits a second time, shifted by two */
	sum = 0;
	for (i = 0; i < 11; i++)
		sum += d[i] * w2[i];
	return sum % 11;
}

static int days_in_month(unsigned int year, unsigned int month)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	if (month < 1 || month > 12)
		return 0;
	return days[month - 1] + (month == 2 && leap);
}

/* The part IIN and BIN share: 12 digits and the check digit. */
static int check_12(const char *s, size_t len, unsigned char d[12], const char **why)
{
	int c;

	if (digits_of(s, len, d, 12) != 12)
		return refuse(why, "not 12 digits");
	c = iin_check_digit(d);
	if (c == 10)
		return refuse(why, "never issued (check digit would be 10)");
	if (c != d[11])
		return refuse(why, "wrong check digit");
	return VALIDATE_OK;
}

int validate_iin(const char *s, size_t len, int strictness, const char **why)
{
	unsigned char d[12];
	unsigned int yy, mm, dd, year;
	int ret;

	ret = check_12(s, len, d, why);
	if (ret)
		return ret;
	/* digit 5 is the tens of the day (0-3) in an IIN and the entity type (4-6) in a BIN */
	if (d[4] >= 4 && d[4] <= 6) {
		if (why)
			*why = "BIN (company id)";
		return VALIDATE_NOT_PD;
	}
	if (strictness == VALIDATE_LENIENT)
		return VALIDATE_OK;
	if (d[6] < 1 || d[6] > 6)
		return refuse(why, "century digit not 1-6");
	yy = d[0] * 10 + d[1];
	mm = d[2] * 10 + d[3];
	dd = d[4] * 10 + d[5];
	year = 1800 + 100 * ((d[6] - 1) / 2) + yy;
	if (mm < 1 || mm > 12 || dd < 1 || (int)dd > days_in_month(year, mm))
		return refuse(why, "impossible date of birth");
	return VALIDATE_OK;
}

int validate_bin(const char *s, size_t len, int strictness, const char **why)
{
	unsigned char d[12];
	unsigned int mm;
	int ret;

	ret = check_12(s, len, d, why);
	if (ret)
		return ret;
	if (d[4] < 4 || d[4] > 6)
		return refuse(why, "not a BIN (digit 5 is not 4-6)");
	if (strictness == VALIDATE_LENIENT)
		return VALIDATE_OK;
	mm = d[2] * 10 + d[3];
	if (mm < 1 || mm > 12)
		return refuse(why, "impossible registration month");
	if (d[5] > 3)
		return refuse(why, "unknown BIN division digit (digit 6 is not 0-3)");
	return VALIDATE_OK;
}

int validate_iban_kz(const char *s, size_t len, int strictness, const char **why)
{
	char v[24];
	size_t i, n = 0;
	unsigned int rem = 0;

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == ' ' || c == '-')
			continue;
		if (c >= 'a' && c <= 'z')
			c = c - 'a' + 'A';
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) || n == sizeof(v))
			return refuse(why, "not a 20-character KZ IBAN");
		v[n++] = c;
	}
	if (n != 20 || v[0] != 'K' || v[1] != 'Z')
		return refuse(why, "not a 20-character KZ IBAN");
	for (i = 2; i < 7; i++)
		if (v[i] < '0' || v[i] > '9')
			return refuse(why, "check digits or bank code not digits");
	/* ISO 13616: move the first four to the end, letters count as 10..35, mod 97 must be 1 */
	for (i = 0; i < 20; i++) {
		char c = v[(i + 4) % 20];

		if (c >= 'A')
			rem = (rem * 100 + (c - 'A' + 10)) % 97;
		else
			rem = (rem * 10 + (c - '0')) % 97;
	}
	if (rem != 1)
		return refuse(why, "wrong IBAN check digits (mod 97)");
	return VALIDATE_OK;
}

int validate_luhn(const char *s, size_t len, int strictness, const char **why)
{
	unsigned char d[20];
	size_t n = digits_of(s, len, d, sizeof(d)), i;
	unsigned int sum = 0;
	int same = 1;

	if (n < 13 || n > 19)
		return refuse(why, "not 13-19 digits");
	for (i = 0; i < n; i++) {
		unsigned int v = d[n - 1 - i];

		if (i % 2) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
		same &= d[i] == d[0];
	}
	if (same)
		return refuse(why, "one digit repeated");
	if (sum % 10)
		return refuse(why, "wrong Luhn check digit");
	return VALIDATE_OK;
}

/* First digits as a number, e.g. prefix(d, 4) of 4400... is 4400. */
static unsigned int prefix(const unsigned char *d, unsigned int k)
{
	unsigned int i, v = 0;

	for (i = 0; i < k; i++)
		v = v * 10 + d[i];
	return v;
}

int validate_card(const char *s, size_t len, int strictness, const char **why)
{
	unsigned char d[20];
	size_t n;
	unsigned int p2, p4, p6;
	int ret;

	ret = validate_luhn(s, len, strictness, why);
	if (ret)
		return ret;
	n = digits_of(s, len, d, sizeof(d));
	p2 = prefix(d, 2);
	p4 = prefix(d, 4);
	p6 = prefix(d, 6);
	if (d[0] == 4 && (n == 13 || n == 16 || n == 19))
		return VALIDATE_OK; /* Visa */
	if (n == 16 && ((p2 >= 51 && p2 <= 55) || (p6 >= 222100 && p6 <= 272099)))
		return VALIDATE_OK; /* Mastercard */
	if (n >= 16 && p4 >= 2200 && p4 <= 2204)
		return VALIDATE_OK; /* Mir */
	if (n == 15 && (p2 == 34 || p2 == 37))
		return VALIDATE_OK; /* American Express */
	if (n >= 16 && p2 == 62)
		return VALIDATE_OK; /* UnionPay */
	if (n >= 16 && p4 >= 3528 && p4 <= 3589)
		return VALIDATE_OK; /* JCB */
	if (n >= 12 && (p2 == 50 || (p2 >= 56 && p2 <= 69)))
		return VALIDATE_OK; /* Maestro, Discover and other 5x/6x issuers */
	if (n >= 14 && (p2 == 36 || p2 == 38 || (p4 >= 3000 && p4 <= 3059)))
		return VALIDATE_OK; /* Diners Club */
	return refuse(why, "no known card issuer prefix");
}

int validate_phone_kz(const char *s, size_t len, int strictness, const char **why)
{
	unsigned char d[12];
	size_t n = digits_of(s, len, d, sizeof(d));
	const unsigned char *num;

	if (n != 11 || (d[0] != 7 && d[0] != 8))
		return refuse(why, "not +7/8 and 10 digits");
	num = d + 1;
	if (num[0] != 7)
		return refuse(why, "not a Kazakh number (+7 3xx-9xx is Russia)");
	/* the +7 7xx zone is Kazakhstan's; these ranges are assigned */
	if (num[1] == 0 || num[1] == 7)
		return VALIDATE_OK; /* mobile operators */
	if (num[1] == 4)
		return num[2] == 7 ? VALIDATE_OK /* 747: Tele2/Altel mobile */
				   : refuse(why, "unassigned Kazakh range (74x other than 747)");
	if (num[1] == 3 || num[1] == 8 || num[1] == 9)
		return refuse(why, "unassigned Kazakh range (73x, 78x, 79x)");
	/*
	 * 71x (Astana and the north) and 72x (Almaty, the south) are landlines, 75x/76x newer
	 * fixed and service numbers: what a company's contact page lists. A person's number is a
	 * mobile; strict = no counts these too.
	 */
	if (strictness == VALIDATE_STRICT)
		return refuse(why, "landline or service range (71x, 72x, 75x, 76x): an "
				   "organisation's number, usually");
	return VALIDATE_OK;
}

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
	{ "mrz", validate_mrz, MASK_MRZ,
	  "ICAO 9303 machine-readable zone (TD3 passport, TD1 ID card): check digits of the "
	  "document number, birth and expiry dates, the composite; real dates when strict" },
	{ "person_name", validate_person_name, MASK_NAME,
	  "a person's name: a given name of the gazetteer with a surname (-ов, -ева, -ин, -ұлы, "
	  "listed), a patronymic, or initials; Cyrillic or Latin" },
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

/* ICAO 9303 character values: digits as themselves, A-Z 10..35, the filler '<' 0; -1 otherwise. */
static int mrz_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return c == '<' ? 0 : -1;
}

int mrz_check_digit(const char *s, size_t n)
{
	static const unsigned char w[3] = { 7, 3, 1 };
	unsigned int sum = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		int v = mrz_value(s[i]);

		if (v < 0)
			return -1;
		sum += v * w[i % 3];
	}
	return sum % 10;
}

/* Whether the character @c is the check digit of @n characters at @s. */
static bool mrz_digit_ok(const char *s, size_t n, char c)
{
	return c >= '0' && c <= '9' && mrz_check_digit(s, n) == c - '0';
}

/* YYMMDD with a month 01-12 and a day 01-31 (no century: the MRZ has none). */
static bool mrz_date_ok(const char *d)
{
	unsigned int mm = (d[2] - '0') * 10 + (d[3] - '0'), dd = (d[4] - '0') * 10 + (d[5] - '0');

	return mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31;
}

/* The fields both formats share: birth date and expiry with their check digits (line 2 layout). */
static int mrz_dates(const char *birth, const char *expiry, int strictness, const char **why)
{
	if (!mrz_digit_ok(birth, 6, birth[6]))
		return refuse(why, "wrong date of birth check digit");
	if (!mrz_digit_ok(expiry, 6, expiry[6]))
		return refuse(why, "wrong expiry date check digit");
	if (strictness == VALIDATE_STRICT && (!mrz_date_ok(birth) || !mrz_date_ok(expiry)))
		return refuse(why, "impossible date of birth or expiry");
	return VALIDATE_OK;
}

/*
 * TD3 (passport, 2 x 44). Line 2: document number 1-9, check 10, nationality 11-13, birth 14-19,
 * check 20, sex 21, expiry 22-27, check 28, personal number 29-42, check 43, composite 44 over
 * 1-10, 14-20 and 22-43.
 */
static int mrz_td3(const char *l1, int strictness, const char **why)
{
	const char *l2 = l1 + 44;
	char comp[39];
	size_t i;
	int ret;

	if (l1[0] != 'P')
		return refuse(why, "not a passport MRZ (TD3 starts with P)");
	if (!mrz_digit_ok(l2, 9, l2[9]))
		return refuse(why, "wrong document number check digit");
	ret = mrz_dates(l2 + 13, l2 + 21, strictness, why);
	if (ret)
		return ret;
	if (l2[42] == '<') {
		/* a filler check digit is allowed only for an empty personal number */
		for (i = 28; i < 42; i++)
			if (l2[i] != '<')
				return refuse(why, "wrong personal number check digit");
	} else if (!mrz_digit_ok(l2 + 28, 14, l2[42])) {
		return refuse(why, "wrong personal number check digit");
	}
	memcpy(comp, l2, 10);
	memcpy(comp + 10, l2 + 13, 7);
	memcpy(comp + 17, l2 + 21, 22);
	if (!mrz_digit_ok(comp, sizeof(comp), l2[43]))
		return refuse(why, "wrong composite check digit");
	return VALIDATE_OK;
}

/*
 * TD1 (ID card, 3 x 30). Line 1: document number 6-14, check 15 (a '<' there: the number goes on
 * in the optional data 16-30, its check digit the last character before the fillers); line 2:
 * birth 1-6, check 7, sex 8, expiry 9-14, check 15, nationality 16-18, composite 30 over line 1
 * 6-30 and line 2 1-7, 9-15, 19-29. Line 3 is the name.
 */
static int mrz_td1(const char *l1, int strictness, const char **why)
{
	const char *l2 = l1 + 30;
	char num[24], comp[25 + 7 + 7 + 11];
	size_t k;
	int ret;

	if (l1[0] != 'I' && l1[0] != 'A' && l1[0] != 'C')
		return refuse(why, "not an ID card MRZ (TD1 starts with I, A or C)");
	if (l1[14] != '<') {
		if (!mrz_digit_ok(l1 + 5, 9, l1[14]))
			return refuse(why, "wrong document number check digit");
	} else {
		for (k = 15; k < 30 && l1[k] != '<'; k++)
			;
		if (k < 17)
			return refuse(why, "wrong document number check digit");
		memcpy(num, l1 + 5, 9);
		memcpy(num + 9, l1 + 15, k - 16);
		if (!mrz_digit_ok(num, 9 + k - 16, l1[k - 1]))
			return refuse(why, "wrong document number check digit");
	}
	ret = mrz_dates(l2, l2 + 8, strictness, why);
	if (ret)
		return ret;
	memcpy(comp, l1 + 5, 25);
	memcpy(comp + 25, l2, 7);
	memcpy(comp + 32, l2 + 8, 7);
	memcpy(comp + 39, l2 + 18, 11);
	if (!mrz_digit_ok(comp, sizeof(comp), l2[29]))
		return refuse(why, "wrong composite check digit");
	return VALIDATE_OK;
}

int validate_mrz(const char *s, size_t len, int strictness, const char **why)
{
	char z[92];
	size_t i, n = 0;

	/* the lines as the pattern matched them; line breaks and spaces between them are dropped */
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c == '\n' || c == '\r' || c == ' ')
			continue;
		if (mrz_value(c) < 0 || n == sizeof(z))
			return refuse(why, "not a TD3 (2 x 44) or TD1 (3 x 30) MRZ");
		z[n++] = c;
	}
	if (n == 88)
		return mrz_td3(z, strictness, why);
	if (n == 90)
		return mrz_td1(z, strictness, why);
	return refuse(why, "not a TD3 (2 x 44) or TD1 (3 x 30) MRZ");
}

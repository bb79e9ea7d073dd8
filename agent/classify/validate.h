/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Validators: the checks a regular expression cannot do (check digits, dates, number ranges).
 *
 * A pattern only finds something shaped like an identifier; a validator decides whether it can be
 * one. Every validator takes the matched text as it appeared (spaces, dashes and brackets
 * included), keeps the characters it cares about, and answers with one of enum validate_result and,
 * when it refuses, a short reason for `pdguard rules test`. Validators are pure functions: no
 * allocation, no global state, safe from any thread.
 */
#ifndef PDGUARD_VALIDATE_H
#define PDGUARD_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

enum validate_result {
	VALIDATE_OK = 0, /* can be the identifier the rule looks for */
	VALIDATE_BAD,	 /* cannot: wrong check digit, impossible date, wrong length... */
	VALIDATE_NOT_PD, /* a valid identifier, but not of a person (a company's BIN) */
};

/*
 * Strictness: VALIDATE_STRICT checks everything that is known about the format (for an IIN: the
 * date of birth and the century digit as well as the check digit); VALIDATE_LENIENT only the
 * check digit, for numbers issued after the 2013 decree that decoupled IINs from the birth date.
 */
enum validate_strictness {
	VALIDATE_STRICT = 0,
	VALIDATE_LENIENT,
};

/**
 * typedef validate_fn - one validator
 * @s: the matched text (not NUL-terminated)
 * @len: its length in bytes
 * @strictness: enum validate_strictness
 * @why: receives a static reason string when the answer is not VALIDATE_OK (may be NULL)
 *
 * Return: enum validate_result.
 */
typedef int (*validate_fn)(const char *s, size_t len, int strictness, const char **why);

/**
 * struct validator - a validator by name, as rule files name it
 * @name: "iin", "bin", "iban_kz", "luhn", "card", "phone_kz", "mrz", "person_name", "none"
 * @fn: the check (NULL for "none": everything the pattern matched is accepted)
 * @mask: the default masking style for samples of this kind (enum mask_style)
 * @summary: one line for `pdguard rules --help` and docs
 */
struct validator {
	const char *name;
	validate_fn fn;
	int mask;
	const char *summary;
};

/* Look a validator up by name; NULL when there is none of that name. */
const struct validator *validator_find(const char *name);
/* The table, for listing in help texts; *n receives its length. */
const struct validator *validator_list(size_t *n);

int validate_iin(const char *s, size_t len, int strictness, const char **why);
int validate_bin(const char *s, size_t len, int strictness, const char **why);
int validate_iban_kz(const char *s, size_t len, int strictness, const char **why);
int validate_luhn(const char *s, size_t len, int strictness, const char **why);
int validate_card(const char *s, size_t len, int strictness, const char **why);
int validate_phone_kz(const char *s, size_t len, int strictness, const char **why);
int validate_mrz(const char *s, size_t len, int strictness, const char **why);
/* agent/classify/names.c: a given name of the gazetteer with a surname, patronymic or initials */
int validate_person_name(const char *s, size_t len, int strictness, const char **why);

/**
 * person_key() - who a name is, for counting people (min-people): the surname without a final
 * а/a (Ахметов = Ахметова, a genitive) and the first letter of the next word
 * @out, @cap: receives the key, NUL-terminated
 *
 * Return: the key's length, 0 when @s holds no word.
 */
size_t person_key(const char *s, size_t len, char *out, size_t cap);

/**
 * iin_check_digit() - the IIN/BIN check digit of the first 11 digits
 * @d: 11 digit values (0..9), not characters
 *
 * Return: 0..9, or 10 when both weightings give 10 (such a number is never issued).
 */
int iin_check_digit(const unsigned char d[11]);

/**
 * mrz_check_digit() - the ICAO 9303 check digit of a machine-readable zone field
 * @s: the field's characters: 0-9, A-Z, '<'
 * @n: how many
 *
 * Weights 7, 3, 1 repeating; a digit counts as itself, A-Z as 10..35, '<' as 0; the sum mod 10.
 *
 * Return: 0..9, or -1 when a character is none of those.
 */
int mrz_check_digit(const char *s, size_t n);

#endif /* PDGUARD_VALIDATE_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Validators: the worked examples of shared/notes/classification.md and the edges of every
 * format, each with the exact reason `pdguard rules test` prints.
 */
#include <string.h>

#include "classify/mask.h"
#include "pdg_test.h"
#include "classify/validate.h"

FIXTURE(validator)
{
	int unused;
};

FIXTURE_VARIANT(validator)
{
	const char *name;  /* validator */
	const char *value; /* as matched in the text */
	int strictness;
	int expect;	 /* enum validate_result */
	const char *why; /* NULL when accepted */
};

FIXTURE_SETUP(validator)
{
}

FIXTURE_TEARDOWN(validator)
{
}

/* person_name: the gazetteer's given names with a surname, patronymic or initials */
FIXTURE_VARIANT_ADD(validator, name_fio) {
	"person_name", "Ахметов Айдар Нурланович", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, name_kazakh_letters_and_uly) {
	"person_name", "Сейтқали Нұрлан Болатұлы", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, name_given_first) {
	"person_name", "Динара Сейткалиева", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, name_initials_after) {
	"person_name", "Касымова Е. С.", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, name_initials_before) {
	"person_name", "Е.С. Касымов", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, name_listed_surname) {
	"person_name", "Ким Ольга", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, name_latin_transliterated) {
	"person_name", "Zhanar Nurlanovna Omarova", VALIDATE_STRICT, VALIDATE_OK, NULL
};
/* another transliteration of Жанар and Нурлан: j for zh, u for ou */
FIXTURE_VARIANT_ADD(validator, name_latin_other_spelling) {
	"person_name", "Janar Omarova", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, name_english) {
	"person_name", "John Smith", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, name_position_before) {
	"person_name", "Бухгалтер Ахметов Айдар", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, name_two_common_words) {
	"person_name", "Отдел Кадров", VALIDATE_STRICT, VALIDATE_BAD,
	"no given name of the gazetteer next to the surname"
};
FIXTURE_VARIANT_ADD(validator, name_genitive_street) {
	"person_name", "Динмухамеда Кунаева", VALIDATE_STRICT, VALIDATE_BAD,
	"no given name of the gazetteer next to the surname"
};
FIXTURE_VARIANT_ADD(validator, name_given_alone_with_a_word) {
	"person_name", "Айдар Трейд", VALIDATE_STRICT, VALIDATE_BAD,
	"a given name without a surname or patronymic next to it"
};
FIXTURE_VARIANT_ADD(validator, name_given_name_with_initial) {
	"person_name", "Ирина А.", VALIDATE_STRICT, VALIDATE_BAD, "words not in a name's order"
};
FIXTURE_VARIANT_ADD(validator, name_one_word) {
	"person_name", "Ахметов", VALIDATE_STRICT, VALIDATE_BAD,
	"not a name: one word, or not words and initials"
};
FIXTURE_VARIANT_ADD(validator, name_title_case_heading) {
	"person_name", "Sales Manager", VALIDATE_STRICT, VALIDATE_BAD,
	"no given name of the gazetteer and no surname ending"
};

/* IIN: sum 40 -> 7 */
/* clang-format off */
FIXTURE_VARIANT_ADD(validator, iin_valid) {
	"iin", "900101300007", VALIDATE_STRICT, VALIDATE_OK, NULL
};
/* the first weighting gives 10, the second 3 */
FIXTURE_VARIANT_ADD(validator, iin_valid_second_pass) {
	"iin", "850520400003", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, iin_wrong_check_digit) {
	"iin", "900101300002", VALIDATE_STRICT, VALIDATE_BAD, "wrong check digit"
};
FIXTURE_VARIANT_ADD(validator, iin_30_february) {
	"iin", "900230300019", VALIDATE_STRICT, VALIDATE_BAD, "impossible date of birth"
};
FIXTURE_VARIANT_ADD(validator, iin_30_february_lenient) {
	"iin", "900230300019", VALIDATE_LENIENT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, iin_never_issued) {
	"iin", "900101300800", VALIDATE_STRICT, VALIDATE_BAD,
	"never issued (check digit would be 10)"
};
FIXTURE_VARIANT_ADD(validator, iin_century_zero) {
	"iin", "900101000008", VALIDATE_STRICT, VALIDATE_BAD, "century digit not 1-6"
};
FIXTURE_VARIANT_ADD(validator, iin_century_zero_lenient) {
	"iin", "900101000008", VALIDATE_LENIENT, VALIDATE_OK, NULL
};
/* 29 February of a leap year (2000, century digit 5) */
FIXTURE_VARIANT_ADD(validator, iin_leap_day) {
	"iin", "000229500008", VALIDATE_STRICT, VALIDATE_OK, NULL
};
/* 29 February 1900 did not exist (divisible by 100, not by 400) */
FIXTURE_VARIANT_ADD(validator, iin_not_leap_1900) {
	"iin", "000229300005", VALIDATE_STRICT, VALIDATE_BAD, "impossible date of birth"
};
FIXTURE_VARIANT_ADD(validator, iin_short) {
	"iin", "90010130000", VALIDATE_STRICT, VALIDATE_BAD, "not 12 digits"
};
/* digit 5 is 4: a company's BIN, valid but not personal data */
FIXTURE_VARIANT_ADD(validator, iin_is_bin) {
	"iin", "990440000018", VALIDATE_STRICT, VALIDATE_NOT_PD, "BIN (company id)"
};
FIXTURE_VARIANT_ADD(validator, bin_valid) {
	"bin", "990440000018", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, bin_is_iin) {
	"bin", "900101300007", VALIDATE_STRICT, VALIDATE_BAD, "not a BIN (digit 5 is not 4-6)"
};
FIXTURE_VARIANT_ADD(validator, iban_valid) {
	"iban_kz", "KZ86125KZT5004100100", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, iban_valid_spaced) {
	"iban_kz", "KZ86 125K ZT50 0410 0100", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, iban_wrong_check) {
	"iban_kz", "KZ87125KZT5004100100", VALIDATE_STRICT, VALIDATE_BAD,
	"wrong IBAN check digits (mod 97)"
};
FIXTURE_VARIANT_ADD(validator, iban_short) {
	"iban_kz", "KZ86125KZT500410010", VALIDATE_STRICT, VALIDATE_BAD,
	"not a 20-character KZ IBAN"
};
FIXTURE_VARIANT_ADD(validator, iban_not_kz) {
	"iban_kz", "DE89370400440532013000", VALIDATE_STRICT, VALIDATE_BAD,
	"not a 20-character KZ IBAN"
};
FIXTURE_VARIANT_ADD(validator, luhn_valid) {
	"luhn", "4400430112345670", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, luhn_wrong) {
	"luhn", "4400430112345671", VALIDATE_STRICT, VALIDATE_BAD, "wrong Luhn check digit"
};
FIXTURE_VARIANT_ADD(validator, luhn_short) {
	"luhn", "440043011234", VALIDATE_STRICT, VALIDATE_BAD, "not 13-19 digits"
};
FIXTURE_VARIANT_ADD(validator, luhn_zeros) {
	"luhn", "0000000000000000", VALIDATE_STRICT, VALIDATE_BAD, "one digit repeated"
};
FIXTURE_VARIANT_ADD(validator, card_visa_spaced) {
	"card", "4400 4301 1234 5670", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, card_mastercard) {
	"card", "5555555555554444", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, card_unknown_issuer) {
	"card", "9999999999999995", VALIDATE_STRICT, VALIDATE_BAD, "no known card issuer prefix"
};
FIXTURE_VARIANT_ADD(validator, phone_mobile) {
	"phone_kz", "+7 701 123 45 67", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, phone_landline_8) {
	"phone_kz", "8 (727) 250-12-34", VALIDATE_STRICT, VALIDATE_BAD,
	"landline or service range (71x, 72x, 75x, 76x): an organisation's number, usually"
};
FIXTURE_VARIANT_ADD(validator, phone_landline_lenient) {
	"phone_kz", "8 (727) 250-12-34", VALIDATE_LENIENT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, phone_service_lenient) {
	"phone_kz", "+7 760 123 45 67", VALIDATE_LENIENT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, phone_unassigned_lenient) {
	"phone_kz", "+7 790 123 45 67", VALIDATE_LENIENT, VALIDATE_BAD,
	"unassigned Kazakh range (73x, 78x, 79x)"
};
FIXTURE_VARIANT_ADD(validator, phone_russia) {
	"phone_kz", "+7 916 123 45 67", VALIDATE_STRICT, VALIDATE_BAD,
	"not a Kazakh number (+7 3xx-9xx is Russia)"
};
FIXTURE_VARIANT_ADD(validator, phone_unassigned) {
	"phone_kz", "+7 790 123 45 67", VALIDATE_STRICT, VALIDATE_BAD,
	"unassigned Kazakh range (73x, 78x, 79x)"
};
FIXTURE_VARIANT_ADD(validator, phone_747) {
	"phone_kz", "+7 747 123 45 67", VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, phone_741) {
	"phone_kz", "+7 741 123 45 67", VALIDATE_STRICT, VALIDATE_BAD,
	"unassigned Kazakh range (74x other than 747)"
};
FIXTURE_VARIANT_ADD(validator, phone_short) {
	"phone_kz", "+7 701 123 45 6", VALIDATE_STRICT, VALIDATE_BAD, "not +7/8 and 10 digits"
};
/*
 * MRZ (ICAO 9303): the specimens of Doc 9303 for the fictional state Utopia. TD3 (Part 4): the
 * passport of Anna Maria Eriksson, L898902C3, born 1974-08-12, expiring 2012-04-15; TD1 (Part 5):
 * her identity card D23145890, and the example of a 12-character document number whose check
 * digit follows it in the optional data. Then one wrong digit in each checked field.
 */
#define TD3_L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define TD1_L3 "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
FIXTURE_VARIANT_ADD(validator, mrz_td3_specimen) {
	"mrz", TD3_L1 "\nL898902C36UTO7408122F1204159ZE184226B<<<<<10", VALIDATE_STRICT,
	VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, mrz_td3_specimen_crlf) {
	"mrz", TD3_L1 "\r\nL898902C36UTO7408122F1204159ZE184226B<<<<<10", VALIDATE_STRICT,
	VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, mrz_td3_document_number) {
	"mrz", TD3_L1 "\nL898902C37UTO7408122F1204159ZE184226B<<<<<10", VALIDATE_STRICT,
	VALIDATE_BAD, "wrong document number check digit"
};
FIXTURE_VARIANT_ADD(validator, mrz_td3_number_changed) {
	"mrz", TD3_L1 "\nL898903C36UTO7408122F1204159ZE184226B<<<<<10", VALIDATE_STRICT,
	VALIDATE_BAD, "wrong document number check digit"
};
FIXTURE_VARIANT_ADD(validator, mrz_td3_birth) {
	"mrz", TD3_L1 "\nL898902C36UTO7408123F1204159ZE184226B<<<<<10", VALIDATE_STRICT,
	VALIDATE_BAD, "wrong date of birth check digit"
};
FIXTURE_VARIANT_ADD(validator, mrz_td3_expiry) {
	"mrz", TD3_L1 "\nL898902C36UTO7408122F1204158ZE184226B<<<<<10", VALIDATE_STRICT,
	VALIDATE_BAD, "wrong expiry date check digit"
};
FIXTURE_VARIANT_ADD(validator, mrz_td3_personal_number) {
	"mrz", TD3_L1 "\nL898902C36UTO7408122F1204159ZE184226B<<<<<20", VALIDATE_STRICT,
	VALIDATE_BAD, "wrong personal number check digit"
};
FIXTURE_VARIANT_ADD(validator, mrz_td3_composite) {
	"mrz", TD3_L1 "\nL898902C36UTO7408122F1204159ZE184226B<<<<<11", VALIDATE_STRICT,
	VALIDATE_BAD, "wrong composite check digit"
};
/* no personal number: its check digit may be a filler */
FIXTURE_VARIANT_ADD(validator, mrz_td3_no_personal_number) {
	"mrz", TD3_L1 "\nL898902C36UTO7408122F1204159<<<<<<<<<<<<<<<8", VALIDATE_STRICT,
	VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, mrz_td3_filler_check_digit) {
	"mrz", TD3_L1 "\nL898902C36UTO7408122F1204159ZE184226B<<<<<<0", VALIDATE_STRICT,
	VALIDATE_BAD, "wrong personal number check digit"
};
/* month 13 with a right check digit */
FIXTURE_VARIANT_ADD(validator, mrz_td3_month_13) {
	"mrz", TD3_L1 "\nL898902C36UTO7413128F1204159ZE184226B<<<<<10", VALIDATE_STRICT,
	VALIDATE_BAD, "impossible date of birth or expiry"
};
FIXTURE_VARIANT_ADD(validator, mrz_td3_month_13_lenient) {
	"mrz", TD3_L1 "\nL898902C36UTO7413128F1204159ZE184226B<<<<<10", VALIDATE_LENIENT,
	VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, mrz_td3_not_p) {
	"mrz", "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
	"L898902C36UTO7408122F1204159ZE184226B<<<<<10", VALIDATE_STRICT,
	VALIDATE_BAD, "not a passport MRZ (TD3 starts with P)"
};
FIXTURE_VARIANT_ADD(validator, mrz_td3_one_line) {
	"mrz", "L898902C36UTO7408122F1204159ZE184226B<<<<<10", VALIDATE_STRICT,
	VALIDATE_BAD, "not a TD3 (2 x 44) or TD1 (3 x 30) MRZ"
};
FIXTURE_VARIANT_ADD(validator, mrz_lower_case) {
	"mrz", "p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<\n"
	"L898902C36UTO7408122F1204159ZE184226B<<<<<10", VALIDATE_STRICT,
	VALIDATE_BAD, "not a TD3 (2 x 44) or TD1 (3 x 30) MRZ"
};
FIXTURE_VARIANT_ADD(validator, mrz_td1_specimen) {
	"mrz", "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n" TD1_L3,
	VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, mrz_td1_long_number) {
	"mrz", "I<UTOD23145890<7349<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n" TD1_L3,
	VALIDATE_STRICT, VALIDATE_OK, NULL
};
FIXTURE_VARIANT_ADD(validator, mrz_td1_long_number_wrong) {
	"mrz", "I<UTOD23145890<7348<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n" TD1_L3,
	VALIDATE_STRICT, VALIDATE_BAD, "wrong document number check digit"
};
FIXTURE_VARIANT_ADD(validator, mrz_td1_document_number) {
	"mrz", "I<UTOD231458908<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n" TD1_L3,
	VALIDATE_STRICT, VALIDATE_BAD, "wrong document number check digit"
};
FIXTURE_VARIANT_ADD(validator, mrz_td1_birth) {
	"mrz", "I<UTOD231458907<<<<<<<<<<<<<<<\n7408121F1204159UTO<<<<<<<<<<<6\n" TD1_L3,
	VALIDATE_STRICT, VALIDATE_BAD, "wrong date of birth check digit"
};
FIXTURE_VARIANT_ADD(validator, mrz_td1_expiry) {
	"mrz", "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204150UTO<<<<<<<<<<<6\n" TD1_L3,
	VALIDATE_STRICT, VALIDATE_BAD, "wrong expiry date check digit"
};
FIXTURE_VARIANT_ADD(validator, mrz_td1_composite) {
	"mrz", "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<5\n" TD1_L3,
	VALIDATE_STRICT, VALIDATE_BAD, "wrong composite check digit"
};
/* the composite covers the optional data too (an A there would add 10 x 3: no change) */
FIXTURE_VARIANT_ADD(validator, mrz_td1_optional_data_changed) {
	"mrz", "I<UTOD231458907B<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n" TD1_L3,
	VALIDATE_STRICT, VALIDATE_BAD, "wrong composite check digit"
};
FIXTURE_VARIANT_ADD(validator, mrz_td1_not_id) {
	"mrz", "P<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n" TD1_L3,
	VALIDATE_STRICT, VALIDATE_BAD, "not an ID card MRZ (TD1 starts with I, A or C)"
};
/* clang-format on */

TEST_F(validator, verdict)
{
	const struct validator *v = validator_find(variant->name);
	const char *why = NULL;

	ASSERT_NE(NULL, v);
	ASSERT_NE(NULL, v->fn);
	EXPECT_EQ(variant->expect,
		  v->fn(variant->value, strlen(variant->value), variant->strictness, &why));
	if (variant->why)
		EXPECT_STREQ(variant->why, why ? why : "(none)");
}

/* min-people counts people, not spellings: one person's full name and initials are one key */
TEST(person_key_merges_forms)
{
	char a[64], b[64], c[64];

	ASSERT_LT(0, person_key("Ахметов Айдар Нурланович", strlen("Ахметов Айдар Нурланович"), a,
				 sizeof(a)));
	ASSERT_LT(0, person_key("Ахметова А.Н.", strlen("Ахметова А.Н."), b, sizeof(b)));
	ASSERT_LT(0, person_key("Ахметов Ерлан", strlen("Ахметов Ерлан"), c, sizeof(c)));
	EXPECT_STREQ(a, b);
	EXPECT_STRNE(a, c);
	ASSERT_LT(0, person_key("Aidar Akhmetov", strlen("Aidar Akhmetov"), a, sizeof(a)));
	ASSERT_LT(0, person_key("Akhmetova A.", strlen("Akhmetova A."), b, sizeof(b)));
	EXPECT_STREQ(a, b);
}

TEST(check_digit_weightings)
{
	/* 90010130000: 9*1 + 1*4 + 3*7 + ... = 40 -> 7 */
	const unsigned char a[11] = { 9, 0, 0, 1, 0, 1, 3, 0, 0, 0, 0 };
	const unsigned char b[11] = { 8, 5, 0, 5, 2, 0, 4, 0, 0, 0, 0 };
	const unsigned char never[11] = { 9, 0, 0, 1, 0, 1, 3, 0, 0, 8, 0 };

	EXPECT_EQ(7, iin_check_digit(a));
	EXPECT_EQ(3, iin_check_digit(b));
	EXPECT_EQ(10, iin_check_digit(never));
}

TEST(mrz_check_digit_of_the_specimen)
{
	/* L898902C3: 21*7 + 8*3 + 9*1 + 8*7 + ... = 316, 6 as printed in the specimen */
	EXPECT_EQ(6, mrz_check_digit("L898902C3", 9));
	EXPECT_EQ(2, mrz_check_digit("740812", 6));
	EXPECT_EQ(0, mrz_check_digit("<<<<<<<<<", 9));
	EXPECT_EQ(-1, mrz_check_digit("L89890-C3", 9));
}

TEST(unknown_validator)
{
	EXPECT_EQ(NULL, validator_find("inn"));
	ASSERT_NE(NULL, validator_find("none"));
	EXPECT_EQ(NULL, validator_find("none")->fn);
}

FIXTURE(masking)
{
	int unused;
};

FIXTURE_VARIANT(masking)
{
	int style;
	const char *value;
	const char *masked;
};

FIXTURE_SETUP(masking)
{
}

FIXTURE_TEARDOWN(masking)
{
}

/* clang-format off */
FIXTURE_VARIANT_ADD(masking, iin) {
	MASK_IIN, "870412300001", "870412******"
};
FIXTURE_VARIANT_ADD(masking, card) {
	MASK_CARD, "4400 4301 1234 5670", "4400********5670"
};
FIXTURE_VARIANT_ADD(masking, iban) {
	MASK_IBAN, "KZ86125KZT5004100100", "KZ86**************00"
};
FIXTURE_VARIANT_ADD(masking, phone) {
	MASK_PHONE, "8 (701) 123-45-67", "+7 701 *** ** 67"
};
FIXTURE_VARIANT_ADD(masking, passport) {
	MASK_GENERIC, "N12345678", "N******78"
};
FIXTURE_VARIANT_ADD(masking, short_generic) {
	MASK_GENERIC, "J06.9", "*****"
};
FIXTURE_VARIANT_ADD(masking, iin_wrong_length) {
	MASK_IIN, "8704123000", "**********"
};
FIXTURE_VARIANT_ADD(masking, all) {
	MASK_ALL, "N12345678", "*********"
};
FIXTURE_VARIANT_ADD(masking, mrz_td3) {
	MASK_MRZ, TD3_L1 "\nL898902C36UTO7408122F1204159ZE184226B<<<<<10", "P<UTO****************"
};
FIXTURE_VARIANT_ADD(masking, mrz_td1) {
	MASK_MRZ, "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\n" TD1_L3,
	"I<UTO****************"
};
FIXTURE_VARIANT_ADD(masking, mrz_short) {
	MASK_MRZ, "P<UTOERIKSSON", "****************"
};
FIXTURE_VARIANT_ADD(masking, name) {
	MASK_NAME, "Ахметов Айдар Нурланович", "А*** А*** Н***"
};
FIXTURE_VARIANT_ADD(masking, name_initials) {
	MASK_NAME, "Smith J. R.", "S*** J*** R***"
};
/* clang-format on */

TEST_F(masking, keeps_only_what_the_style_keeps)
{
	char out[MASK_MAX];

	mask_value(variant->style, variant->value, strlen(variant->value), out);
	EXPECT_STREQ(variant->masked, out);
}

TEST_HARNESS_MAIN

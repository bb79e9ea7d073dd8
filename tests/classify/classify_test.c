// SPDX-License-Identifier: GPL-2.0
/*
 * The engine with the shipped rules, on text: what must be PD is, what only looks like it is
 * not, samples never leak a value, and block boundaries change nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <hs/hs.h>

#include "classify/classify.h"
#include "extract/extract.h"
#include "pdg_test.h"

struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->len + n + 1 > t->cap) {
		t->cap = (t->len + n + 1) * 2;
		t->s = realloc(t->s, t->cap);
	}
	memcpy(t->s + t->len, s, n + 1);
	t->len += n;
}

/* The IIN check digit, to build valid numbers from a date and a serial. */
static int check_digit(const char *d11)
{
	static const int w2[11] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2 };
	int i, s = 0;

	for (i = 0; i < 11; i++)
		s += (d11[i] - '0') * (i + 1);
	if (s % 11 != 10)
		return s % 11;
	for (s = 0, i = 0; i < 11; i++)
		s += (d11[i] - '0') * w2[i];
	return s % 11;
}

/* A valid IIN for person @n: born 1970-1999, dates all real. Returns 0 when @n gives a 10. */
static int make_iin(unsigned int n, char out[13])
{
	int c;

	snprintf(out, 13, "%02u%02u%02u%u%04u", 70 + n % 30, 1 + n % 12, 1 + n % 28, 3 + n % 2,
		 n % 10000);
	c = check_digit(out);
	if (c == 10)
		return 0;
	out[11] = '0' + c;
	out[12] = '\0';
	return 1;
}

/* @count valid IINs, of persons first, first + 1, ... (make_iin(n * @step)); their n in @nums. */
static void valid_iins(unsigned int first, unsigned int step, unsigned int count, char iins[][13],
		       unsigned int *nums)
{
	unsigned int n, k = 0;

	for (n = first; k < count; n++)
		if (make_iin(n * step, iins[k])) {
			if (nums)
				nums[k] = n;
			k++;
		}
}

static uint64_t rng = 88172645463325252ULL;

static uint64_t next_rand(void)
{
	return pdg_rand(&rng);
}

FIXTURE(engine)
{
	struct rules *rs;
	struct classifier *c;
	struct classify_ctx *ctx;
	struct classify_report rep;
	struct text t;
};

FIXTURE_SETUP(engine)
{
	struct rules_errors errs = { 0 };
	char dir[PATH_MAX], err[256];

	ASSERT_EQ(0, pdg_build_path(dir, sizeof(dir), "../policies/rules.d"));
	ASSERT_EQ(0, rules_load(dir, &self->rs, &errs));
	ASSERT_EQ(0, classifier_new(self->rs, &self->c, err, sizeof(err)));
	ASSERT_EQ(0, classify_ctx_new(self->c, &self->ctx));
	memset(&self->t, 0, sizeof(self->t));
}

FIXTURE_TEARDOWN(engine)
{
	classify_ctx_free(self->ctx);
	classifier_free(self->c);
	rules_free(self->rs);
	free(self->t.s);
}

static int run(struct __test_metadata *_metadata, FIXTURE_DATA(engine) * self, int min_conf)
{
	return classify_buffer(self->ctx, self->t.s, self->t.len, min_conf, &self->rep);
}

static const struct classify_finding *finding(const struct classify_report *rep, const char *name)
{
	size_t i;

	for (i = 0; i < rep->nfindings; i++)
		if (!strcmp(rep->findings[i].name, name))
			return &rep->findings[i];
	return NULL;
}

#define CAT(x) (1U << (x))

TEST_F(engine, personnel_list_is_pd)
{
	const struct classify_finding *f;
	char iin[4][13], line[256];
	unsigned int num[4], k;

	add(&self->t, "Список сотрудников отдела продаж на 01.03.2024\n\nТабельный номер;ФИО;ИИН;Должность\n");
	valid_iins(1, 7919, 4, iin, num);
	for (k = 0; k < 4; k++) {
		snprintf(line, sizeof(line), "%u;Иванов Иван Иванович;%s;менеджер\n", num[k], iin[k]);
		add(&self->t, line);
	}
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_TRUE(self->rep.pd);
	EXPECT_EQ(CAT(PDG_CAT_BASIC) | CAT(PDG_CAT_PERSONNEL), self->rep.categories);
	f = finding(&self->rep, "iin");
	ASSERT_NE(NULL, f);
	EXPECT_EQ(4, f->count);
	EXPECT_EQ(CONF_HIGH, f->confidence);
}

/* The phrase "Больничный лист" is found with a space or a no-break space (as Word types it). */
TEST_F(engine, payroll_with_iins_is_financial_and_sick_leave_medical_and_personnel)
{
	static const char *const gaps[] = { " ", "\xc2\xa0" };
	char iin[3][13], line[256];
	unsigned int k, g;

	valid_iins(100, 104729, 3, iin, NULL);
	for (g = 0; g < 2; g++) {
		self->t.len = 0;
		add(&self->t, "Расчётная ведомость за март\nФИО ИИН Оклад Начислено Удержано ОПВ ИПН\n");
		for (k = 0; k < 3; k++) {
			snprintf(line, sizeof(line), "Петров П. %s 350000 350000 35000 35000 31500\n",
				 iin[k]);
			add(&self->t, line);
		}
		snprintf(line, sizeof(line), "Больничный%sлист: Петров П., с 04.03 по 08.03\n", gaps[g]);
		add(&self->t, line);
		ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
		EXPECT_TRUE(self->rep.pd);
		/* a sick leave is personnel and medical data (the data map of shared/DESIGN.md) */
		EXPECT_EQ(CAT(PDG_CAT_BASIC) | CAT(PDG_CAT_FINANCIAL) | CAT(PDG_CAT_MEDICAL) |
				  CAT(PDG_CAT_PERSONNEL),
			  self->rep.categories);
		EXPECT_NE(NULL, finding(&self->rep, "payroll"));
		EXPECT_NE(NULL, finding(&self->rep, "medical"));
		EXPECT_NE(NULL, finding(&self->rep, "personnel-documents"));
	}
}

/*
 * The data map's document kinds: the name of an HR document makes a PD document personnel by
 * itself, a medical document's name medical; near-misses (a Kazakh word that starts like one, a
 * client's form, compulsory medical insurance on a payslip) add nothing. Each text holds one IIN.
 */
TEST_F(engine, document_kinds_add_personnel_and_medical)
{
	static const struct {
		const char *head, *tail; /* the text before and after the IIN */
		unsigned int cats;
	} cases[] = {
		{ "КАДРЛАР ЕСЕБІ ЖӨНІНДЕГІ ЖЕКЕ ПАРАҚ\nТегі, аты: Ахметов Айдар\nЖСН ", "\n",
		  CAT(PDG_CAT_BASIC) | CAT(PDG_CAT_PERSONNEL) },
		{ "Қызметкердің жеке ісі № 45\nЖСН: ", "\n",
		  CAT(PDG_CAT_BASIC) | CAT(PDG_CAT_PERSONNEL) },
		{ "Жеке кәсіпкер Ахметов А., ЖСН ", ", жеке іскерлік сапар туралы есеп\n",
		  CAT(PDG_CAT_BASIC) },
		{ "Лист временной нетрудоспособности № 123456\nПациент: Иванова Анна, ИИН ", "\n",
		  CAT(PDG_CAT_BASIC) | CAT(PDG_CAT_MEDICAL) | CAT(PDG_CAT_PERSONNEL) },
		{ "Түйіндеме\nАхметова Айгерім, ЖСН ", "\n",
		  CAT(PDG_CAT_BASIC) | CAT(PDG_CAT_PERSONNEL) },
		{ "Timesheet for March 2024\nNo. 17, Aidar Akhmetov, IIN ", ": 21 days\n",
		  CAT(PDG_CAT_BASIC) | CAT(PDG_CAT_PERSONNEL) },
		{ "ПРИКАЗ о применении дисциплинарного взыскания: объявить выговор "
		  "Петрову П., ИИН ", "\n", CAT(PDG_CAT_BASIC) | CAT(PDG_CAT_PERSONNEL) },
		{ "Анкета клиента банка\nФИО: Петров Петр, ИИН ", "\n", CAT(PDG_CAT_BASIC) },
		{ "Список застрахованных по договору ДМС\nПетров Петр, ИИН ",
		  ", полис ДМС-2024-000123\n", CAT(PDG_CAT_BASIC) | CAT(PDG_CAT_MEDICAL) },
		{ "Ерікті медициналық сақтандыру: Ахметов Айдар, ЖСН ", "\n",
		  CAT(PDG_CAT_BASIC) | CAT(PDG_CAT_MEDICAL) },
		{ "Расчётный листок: Петров П., ИИН ", ", оклад 300000, обязательное социальное "
		  "медицинское страхование 6000\n",
		  CAT(PDG_CAT_BASIC) | CAT(PDG_CAT_FINANCIAL) },
	};
	char iin[1][13], line[512];
	size_t i;

	valid_iins(3, 7919, 1, iin, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		self->t.len = 0;
		snprintf(line, sizeof(line), "%s%s%s", cases[i].head, iin[0], cases[i].tail);
		add(&self->t, line);
		ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
		EXPECT_TRUE(self->rep.pd) TH_LOG("case %zu", i);
		EXPECT_EQ(cases[i].cats, self->rep.categories) TH_LOG("case %zu: %s", i, line);
	}
}

/* Classify @parts as one file; a NULL part starts its next document. Return: classify_end()'s. */
static int classify_parts(struct classify_ctx *ctx, const struct text *const *parts, size_t n,
			  struct classify_report *rep)
{
	size_t i;
	int ret;

	classify_begin(ctx, CONF_MEDIUM, NULL, NULL);
	for (i = 0; i < n; i++) {
		if (!parts[i]) {
			classify_next_document(ctx);
			continue;
		}
		ret = classify_feed(ctx, parts[i]->s, parts[i]->len);
		if (ret)
			return ret;
	}
	return classify_end(ctx, rep);
}

/*
 * An archive's members are documents of their own: a log full of 12-digit numbers that fail the
 * check digit must not dilute a staff list's IINs (min-ratio) when both sit in one ZIP.
 */
TEST_F(engine, documents_of_one_file_are_weighed_apart)
{
	struct text log = { 0 }, staff = { 0 };
	char iin[6][13], line[256];
	unsigned int n, num[6];
	const struct classify_finding *f;

	for (n = 0; n < 400; n++) {
		snprintf(line, sizeof(line), "2024-03-01T10:%02u:00 txn=%012llu amount=%u\n", n % 60,
			 (unsigned long long)(next_rand() % 1000000000000ULL), 100 + n);
		add(&log, line);
	}
	add(&staff, "Табельный номер;ФИО;Должность\n");
	valid_iins(500, 7793, 6, iin, num);
	for (n = 0; n < 6; n++) {
		snprintf(line, sizeof(line), "%u;Иванов И.;%s;инженер\n", num[n], iin[n]);
		add(&staff, line);
	}
	const struct text *one[] = { &log, &staff }, *two[] = { &log, NULL, &staff },
			  *three[] = { &staff, NULL, &log, NULL, &staff };

	/* one document: the log's failures sink the ratio, the IINs without context do not count */
	ASSERT_EQ(0, classify_parts(self->ctx, one, 2, &self->rep));
	EXPECT_FALSE(self->rep.pd);
	/* two documents: the staff list is PD on its own, and so is the file */
	ASSERT_EQ(0, classify_parts(self->ctx, two, 3, &self->rep));
	EXPECT_TRUE(self->rep.pd);
	f = finding(&self->rep, "iin");
	ASSERT_NE(NULL, f);
	EXPECT_EQ(6, f->count);
	/* findings of several PD documents add up */
	ASSERT_EQ(0, classify_parts(self->ctx, three, 5, &self->rep));
	EXPECT_TRUE(self->rep.pd);
	f = finding(&self->rep, "iin");
	ASSERT_NE(NULL, f);
	EXPECT_EQ(12, f->count);
	free(log.s);
	free(staff.s);
}

TEST_F(engine, request_ids_are_not_pd)
{
	char line[128];
	int i;

	for (i = 0; i < 5000; i++) {
		snprintf(line, sizeof(line), "2024-03-01T10:00:%02d INFO handled %012llu in 5 ms\n",
			 i % 60, (unsigned long long)(next_rand() % 1000000000000ULL));
		add(&self->t, line);
	}
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_FALSE(self->rep.pd);
	EXPECT_EQ(0, self->rep.categories);
	EXPECT_EQ(0, self->rep.nfindings);
}

TEST_F(engine, invoice_numbers_are_not_pd)
{
	char line[128];
	int i;

	add(&self->t, "Реестр счетов-фактур за 2023 год\n");
	for (i = 0; i < 800; i++) {
		snprintf(line, sizeof(line),
			 "Счет-фактура № %012llu от 12.05.2023, сумма 15000.00\n",
			 (unsigned long long)(next_rand() % 1000000000000ULL));
		add(&self->t, line);
	}
	ASSERT_EQ(0, run(_metadata, self, CONF_LOW));
	EXPECT_FALSE(self->rep.pd);
}

TEST_F(engine, policy_text_naming_iin_and_salary_is_not_pd)
{
	add(&self->t,
	    "Положение о защите персональных данных.\n"
	    "1. Работодатель обрабатывает ИИН, паспортные данные, сведения об окладе, заработной "
	    "плате, начислениях и удержаниях (ИПН, ОПВ, ВОСМС), а также больничные листы.\n"
	    "2. Номер удостоверения личности и ИИН работника хранятся в отделе кадров.\n"
	    "3. Жалақы және еңбекақы туралы мәліметтер құпия болып табылады.\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_LOW));
	EXPECT_FALSE(self->rep.pd);
	EXPECT_EQ(0, self->rep.categories);
}

TEST_F(engine, company_requisites_are_not_pd)
{
	/* a BIN passes the check digit but is a company's number */
	add(&self->t, "ТОО «Ромашка», БИН 990440000018, ИИК KZ86125KZT5004100100\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_FALSE(self->rep.pd);
}

/*
 * A supply contract names the parties' BINs in its preamble and their accounts in the
 * requisites, far apart: the party and the legal form beside an account say whose it is. An
 * employee's account beside the name of a bank (a joint-stock company, "АО") is still PD.
 */
TEST_F(engine, contract_accounts_are_not_pd_an_employees_is)
{
	add(&self->t, "ДОГОВОР ПОСТАВКИ № 12/24\nТОО «Альфа Трейд», БИН 990440000018, в лице директора "
		      "Сейтказиева А.Б., именуемое в дальнейшем «Поставщик», и АО «Бета», в лице "
		      "директора Петрова И.С., именуемое в дальнейшем «Покупатель», заключили "
		      "настоящий договор о поставке оборудования на условиях, изложенных ниже, с "
		      "оплатой в течение десяти банковских дней с даты поставки.\n"
		      "Реквизиты сторон\nПоставщик: ТОО «Альфа Трейд», г. Алматы, пр. Абая 150\n"
		      "ИИК KZ86125KZT5004100100 в АО «Народный Банк Казахстана», БИК HSBKKZKX\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_LOW));
	EXPECT_FALSE(self->rep.pd);
	free(self->t.s);
	memset(&self->t, 0, sizeof(self->t));
	add(&self->t, "Заявление о перечислении заработной платы\nФИО: Иванов Иван Петрович\n"
		      "ИИК (IBAN): KZ86125KZT5004100100, АО «Народный Банк Казахстана», БИК HSBKKZKX\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_TRUE(self->rep.pd);
	ASSERT_NE(NULL, finding(&self->rep, "iban-kz"));
}

/*
 * A biometric record is PD by itself; a photo adds the biometric category to a personnel record
 * with PD, and nothing elsewhere.
 */
TEST_F(engine, biometric_records_and_photos)
{
	const struct classify_finding *f;

	classify_begin(self->ctx, CONF_MEDIUM, NULL, NULL);
	classify_picture(self->ctx, EXTRACT_BIOMETRIC_RECORD, "application/x-fingerprint-template");
	ASSERT_EQ(0, classify_end(self->ctx, &self->rep));
	EXPECT_TRUE(self->rep.pd);
	EXPECT_EQ(CAT(PDG_CAT_BIOMETRIC), self->rep.categories);
	f = finding(&self->rep, "biometric-record");
	ASSERT_NE(NULL, f);
	EXPECT_EQ(CONF_HIGH, f->confidence);
	EXPECT_STREQ("application/x-fingerprint-template", f->sample);

	/* a personnel card with a photo */
	add(&self->t, "Личная карточка работника, табельный номер 17\nИванов Иван, ИИН 900101300007, "
		      "должность бухгалтер, отдел кадров\n");
	classify_begin(self->ctx, CONF_MEDIUM, NULL, NULL);
	classify_feed(self->ctx, self->t.s, self->t.len);
	classify_picture(self->ctx, EXTRACT_PHOTO, "image/jpeg 354x472");
	classify_picture(self->ctx, EXTRACT_PHOTO, "image/jpeg 300x400");
	ASSERT_EQ(0, classify_end(self->ctx, &self->rep));
	EXPECT_TRUE(self->rep.pd);
	EXPECT_TRUE(self->rep.categories & CAT(PDG_CAT_BIOMETRIC));
	EXPECT_TRUE(self->rep.categories & CAT(PDG_CAT_PERSONNEL));
	f = finding(&self->rep, "photo");
	ASSERT_NE(NULL, f);
	EXPECT_EQ(2, f->count);
	EXPECT_STREQ("image/jpeg 354x472", f->sample);

	/* the same photo in a letter without PD, and in PD that is no personnel record */
	classify_begin(self->ctx, CONF_MEDIUM, NULL, NULL);
	classify_feed(self->ctx, "Поздравляем коллег с праздником!\n",
		      strlen("Поздравляем коллег с праздником!\n"));
	classify_picture(self->ctx, EXTRACT_PHOTO, "image/jpeg 354x472");
	ASSERT_EQ(0, classify_end(self->ctx, &self->rep));
	EXPECT_FALSE(self->rep.pd);
	EXPECT_EQ(0U, self->rep.categories);
	classify_begin(self->ctx, CONF_MEDIUM, NULL, NULL);
	classify_feed(self->ctx, "ИИН 900101300007\n", strlen("ИИН 900101300007\n"));
	classify_picture(self->ctx, EXTRACT_PHOTO, "image/jpeg 354x472");
	ASSERT_EQ(0, classify_end(self->ctx, &self->rep));
	EXPECT_TRUE(self->rep.pd);
	EXPECT_FALSE(self->rep.categories & CAT(PDG_CAT_BIOMETRIC));
	EXPECT_EQ(NULL, finding(&self->rep, "photo"));

	/* an archive: a staff card in one member, a newsletter's photo in the next */
	classify_begin(self->ctx, CONF_MEDIUM, NULL, NULL);
	classify_feed(self->ctx, self->t.s, self->t.len);
	classify_next_document(self->ctx);
	classify_feed(self->ctx, "Поздравляем коллег!\n", strlen("Поздравляем коллег!\n"));
	classify_picture(self->ctx, EXTRACT_PHOTO, "image/jpeg 354x472");
	ASSERT_EQ(0, classify_end(self->ctx, &self->rep));
	EXPECT_TRUE(self->rep.pd);
	EXPECT_TRUE(self->rep.categories & CAT(PDG_CAT_PERSONNEL));
	EXPECT_FALSE(self->rep.categories & CAT(PDG_CAT_BIOMETRIC));

	/* and classify_begin() forgets them */
	classify_begin(self->ctx, CONF_MEDIUM, NULL, NULL);
	ASSERT_EQ(0, classify_end(self->ctx, &self->rep));
	EXPECT_FALSE(self->rep.pd);
}

TEST_F(engine, passport_needs_context)
{
	static const struct {
		const char *text;
		const char *sample; /* NULL: not PD */
	} cases[] = {
		{ "Артикул N12345678, партия 5\n", NULL },
		{ "Паспорт гражданина РК N12345678 выдан МВД РК 01.02.2020\n", "N******78" },
		/* typed with a space after N, as forms often have it; an order number so typed is not */
		{ "Паспорт гражданина РК N 12345678, выдан МВД РК\n", "N ******78" },
		{ "Заказ N 12345678 от 01.02.2024, поставка 5 позиций\n", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct classify_finding *f;

		self->t.len = 0;
		add(&self->t, cases[i].text);
		/* what must not count, not even at low confidence */
		ASSERT_EQ(0, run(_metadata, self, cases[i].sample ? CONF_MEDIUM : CONF_LOW));
		f = finding(&self->rep, "passport-kz");
		if (!cases[i].sample) {
			EXPECT_FALSE(self->rep.pd) TH_LOG("%s", cases[i].text);
			continue;
		}
		EXPECT_TRUE(self->rep.pd) TH_LOG("%s", cases[i].text);
		ASSERT_NE(NULL, f);
		EXPECT_STREQ(cases[i].sample, f->sample);
	}
}

TEST_F(engine, id_card_needs_context)
{
	add(&self->t, "Остаток на складе: 012345678 единиц\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_LOW));
	EXPECT_FALSE(self->rep.pd);

	self->t.len = 0;
	add(&self->t, "Удостоверение личности № 012345678 выдано МВД РК\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_TRUE(self->rep.pd);
}

TEST_F(engine, diagnosis_alone_is_not_pd)
{
	char iin[13], line[128];

	add(&self->t, "Клинический протокол: диагноз J06.9 (МКБ-10), лечение симптоматическое\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_LOW));
	EXPECT_FALSE(self->rep.pd);

	ASSERT_EQ(1, make_iin(12345, iin));
	snprintf(line, sizeof(line), "Пациент ИИН %s\n", iin);
	add(&self->t, line);
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_TRUE(self->rep.pd);
	EXPECT_TRUE(self->rep.categories & CAT(PDG_CAT_MEDICAL));
}

TEST_F(engine, one_phone_on_a_letterhead_is_not_pd_a_list_is)
{
	add(&self->t, "ТОО «Ромашка», г. Алматы, тел.: +7 (727) 250-12-34\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_FALSE(self->rep.pd);

	add(&self->t, "Иванов, моб. +7 701 123 45 67\nПетров, моб. 8 777 765 43 21\n"
		      "Сидоров, тел. +7-705-111-22-33\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_TRUE(self->rep.pd);
	EXPECT_EQ(3, finding(&self->rep, "phone-kz")->count);
	EXPECT_STREQ("+7 701 *** ** 67", finding(&self->rep, "phone-kz")->sample);
}

/*
 * Names as evidence (60-names.conf): a list of people with positions and salaries is PD without
 * any identifier; names without such words, or fewer than min-people of them, are not.
 */
TEST_F(engine, names_with_salaries_are_pd)
{
	add(&self->t, "Штатная расстановка\nФИО\nДолжность\nОклад\nАхметов Айдар Нурланович\n"
		      "Бухгалтер\n350000\nСейткалиева Динара Маратовна\nИнженер\n420000\n"
		      "Петров С.И.\nВодитель\n280000\nАхметов А.Н.\nБухгалтер\n350000\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_TRUE(self->rep.pd);
	ASSERT_NE(NULL, finding(&self->rep, "person-name"));
	EXPECT_EQ(4, finding(&self->rep, "person-name")->count);
	EXPECT_EQ(CAT(PDG_CAT_BASIC), self->rep.categories & CAT(PDG_CAT_BASIC));
}

TEST_F(engine, names_without_evidence_or_too_few_are_not_pd)
{
	/* a list of names and nothing else said about them */
	add(&self->t, "Участники семинара\nАхметов Айдар Нурланович\nСейткалиева Динара Маратовна\n"
		      "Петров Сергей Иванович\nJohn Smith\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_FALSE(self->rep.pd);
	/* a contract's two directors, in full and by initials: two people, not four */
	free(self->t.s);
	memset(&self->t, 0, sizeof(self->t));
	add(&self->t, "Поставщик: в лице директора Ахметова Айдара Нурлановича, "
		      "должность: директор\n"
		      "Покупатель: в лице директора Петрова Сергея Ивановича, "
		      "должность: директор\n"
		      "Должность: директор ________ Ахметов А.Н.\n"
		      "Должность: директор ________ Петров С.И.\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_FALSE(self->rep.pd);
	/* streets and a publisher named after people, next to an address word */
	free(self->t.s);
	memset(&self->t, 0, sizeof(self->t));
	add(&self->t, "Адрес проживания: ул. К. Сатпаева, пр. Д. Кунаева, ул. А. Байтурсынова\n"
		      "Издательство Иванов И.И., Алматы\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_FALSE(self->rep.pd);
}

/* A company's contact page: its landlines, however many, are nobody's personal phone. */
TEST_F(engine, a_company_contact_page_is_not_pd)
{
	add(&self->t, "Контакты ТОО «Альфа Трейд»\nПриемная: тел. +7 (727) 250-10-20\n"
		      "Бухгалтерия: тел. +7 (727) 250-10-21\nОтдел продаж: тел. +7 (727) 250-10-22, "
		      "+7 (7172) 55-44-33\nСклад: тел. 8 (727) 250-10-24\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_LOW));
	EXPECT_FALSE(self->rep.pd);
}

TEST_F(engine, min_confidence_hides_weaker_findings)
{
	char iin[13];

	ASSERT_EQ(1, make_iin(4242, iin));
	add(&self->t, "Номер: ");
	add(&self->t, iin);
	add(&self->t, "\n");
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	EXPECT_TRUE(self->rep.pd); /* a valid IIN without context: medium */
	ASSERT_EQ(0, run(_metadata, self, CONF_HIGH));
	EXPECT_FALSE(self->rep.pd);
}

/* Samples are masked: no finding shows more than the style keeps, whatever the input. */
TEST_F(engine, samples_never_leak)
{
	char iin[13], line[256];
	size_t i, k, digits;
	unsigned int n;

	for (n = 1; n < 40; n++) {
		if (!make_iin(n * 31337, iin))
			continue;
		snprintf(line, sizeof(line),
			 "ИИН %s, паспорт N%08u, карта 4400 4301 1234 5670, IBAN "
			 "KZ86125KZT5004100100, моб. +7 701 123 45 %02u\n",
			 iin, n * 1234567 % 100000000, n % 100);
		add(&self->t, line);
	}
	ASSERT_EQ(0, run(_metadata, self, CONF_LOW));
	ASSERT_TRUE(self->rep.pd);
	EXPECT_LE(5, self->rep.nfindings);
	for (i = 0; i < self->rep.nfindings; i++) {
		const struct classify_finding *f = &self->rep.findings[i];

		if (f->family)
			continue;
		for (k = 0, digits = 0; f->sample[k]; k++)
			digits += f->sample[k] >= '0' && f->sample[k] <= '9';
		TH_LOG("%s: %s", f->name, f->sample);
		EXPECT_NE(NULL, strchr(f->sample, '*'));
		EXPECT_GE(8, digits); /* card 4+4, IIN 6, IBAN 2+2+2, phone 3+2+1, passport 2 */
		EXPECT_EQ(NULL, strstr(self->t.s, f->sample)); /* never a copy of the text */
	}
}

struct trace_log {
	char text[8192];
};

static void log_trace(void *arg, const struct classify_trace *ev)
{
	struct trace_log *l = arg;
	size_t n = strlen(l->text);

	snprintf(l->text + n, sizeof(l->text) - n, "%s|%llu:%llu|%s|%s|%s\n", ev->rule,
		 (unsigned long long)ev->line, (unsigned long long)ev->col, ev->value,
		 ev->kind == TRACE_CANDIDATE ? (ev->accepted ? "accepted" : "rejected") : "verdict",
		 ev->reason ? ev->reason : "");
}

TEST_F(engine, trace_says_why)
{
	struct trace_log *l = calloc(1, sizeof(*l));

	add(&self->t, "ИИН 900101300002\nИИН 900230300019\n\nИИН 900101300800\nБИН 990440000018\n"
		      "Паспорт N12345678\nраз два три четыре пять шесть семь восемь девять десять "
		      "одиннадцать двенадцать тринадцать четырнадцать: N87654321\n");
	classify_begin(self->ctx, CONF_MEDIUM, log_trace, l);
	classify_feed(self->ctx, self->t.s, self->t.len);
	ASSERT_EQ(0, classify_end(self->ctx, &self->rep));
	TH_LOG("%s", l->text);
	EXPECT_NE(NULL, strstr(l->text, "iin|1:5|900101******|rejected|wrong check digit\n"));
	EXPECT_NE(NULL, strstr(l->text, "iin|2:5|900230******|rejected|impossible date of birth"));
	EXPECT_NE(NULL, strstr(l->text, "iin|4:5|900101******|rejected|never issued"));
	EXPECT_NE(NULL, strstr(l->text, "iin|5:5|990440******|rejected|BIN (company id)"));
	EXPECT_NE(NULL, strstr(l->text, "passport-kz|6:9|N******78|accepted|context 'паспорт'"));
	EXPECT_NE(NULL,
		  strstr(l->text, "passport-kz|7:105|N******21|rejected|no context word within "
				  "100 chars"));
	free(l);
}

TEST_F(engine, names_trace_says_why)
{
	struct trace_log *l = calloc(1, sizeof(*l));

	add(&self->t, "Оклад: Ахметов Айдар\nОтдел Кадров\nСписок: Сейткалиева Динара\n");
	classify_begin(self->ctx, CONF_MEDIUM, log_trace, l);
	classify_feed(self->ctx, self->t.s, self->t.len);
	ASSERT_EQ(0, classify_end(self->ctx, &self->rep));
	TH_LOG("%s", l->text);
	EXPECT_NE(NULL, strstr(l->text, "person-name|1:8|А*** А***|accepted|context 'оклад'"));
	EXPECT_NE(NULL, strstr(l->text, "person-name|2:1|О*** К***|rejected|no given name"));
	EXPECT_NE(NULL, strstr(l->text, "below minimum people: 2 distinct < min-people 3"));
	EXPECT_FALSE(self->rep.pd);
	free(l);
}

/* The same text, fed in odd chunk sizes across several 1 MiB blocks, gives the same counts. */
TEST_F(engine, block_boundaries_change_nothing)
{
	struct classify_report one;
	char iin[13], line[160];
	uint64_t count_whole;
	unsigned int n = 0, added = 0;
	size_t off, step;

	while (self->t.len < 3 * 1024 * 1024 + 777) {
		if (make_iin(++n * 7, iin)) {
			snprintf(line, sizeof(line),
				 "Работник %u: ИИН %s; оклад 300000 тенге; "
				 "заполнитель текста до следующей записи.\n",
				 n, iin);
			added++;
		} else {
			snprintf(line, sizeof(line), "Пустая строка без номера %u\n", n);
		}
		add(&self->t, line);
	}
	ASSERT_EQ(0, run(_metadata, self, CONF_MEDIUM));
	ASSERT_NE(NULL, finding(&self->rep, "iin"));
	count_whole = finding(&self->rep, "iin")->count;
	EXPECT_EQ(added, count_whole);
	one = self->rep;
	for (step = 1; step < 70000; step = step * 7 + 3) {
		classify_begin(self->ctx, CONF_MEDIUM, NULL, NULL);
		for (off = 0; off < self->t.len; off += step)
			classify_feed(self->ctx, self->t.s + off,
				      off + step > self->t.len ? self->t.len - off : step);
		ASSERT_EQ(0, classify_end(self->ctx, &self->rep));
		ASSERT_NE(NULL, finding(&self->rep, "iin"));
		EXPECT_EQ(count_whole, finding(&self->rep, "iin")->count);
		EXPECT_EQ(one.categories, self->rep.categories);
	}
}

/* Every trace event, one line each, in a growing string. */
static void log_all(void *arg, const struct classify_trace *ev)
{
	struct text *t = arg;
	char line[512];

	snprintf(line, sizeof(line), "%d|%s|%llu|%s|%d|%d|%s\n", ev->kind, ev->rule,
		 (unsigned long long)ev->offset, ev->value, ev->accepted,
		 ev->confidence, ev->reason ? ev->reason : "");
	add(t, line);
}

/* The Luhn check digit of @d (digits only), to build valid card numbers. */
static int luhn_digit(const char *d)
{
	int sum = 0, n = strlen(d), i;

	for (i = n - 1; i >= 0; i--) {
		int v = d[i] - '0';

		if ((n - 1 - i) % 2 == 0) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return (10 - sum % 10) % 10;
}

/*
 * Digit-heavy text of every shape the rules look for, glued and separated at random: gating
 * (dgate.h) must find exactly the candidates a scan of every whole block finds.
 */
static void number_soup(struct text *t, size_t size, unsigned int sparse)
{
	static const char *const words[] = {
		"ИИН ",	  "паспорт ", "оклад ", "тел. ", "карта ", "диагноз ", "счет № ",
		"от ",	  "Invoice ", "IBAN ",	"ЖСН ", "N",	 "в связи с переходом на новую "
		"версию учетной системы резервное копирование будет выполнено в выходные ",
		"the quarterly report is due on Friday; please send your figures ",
		/* names, for the capitals gate (gate = capitals) */
		"Ахметов Айдар Нурланович ", "Иванов И.И. ", "И.И.Иванов ", "«Петрова Ольга» ",
		"Ахмет-Ахметов Ерлан ", "Сейтқали Нұрлан ", "J. Smith ", "Smith J.R. ",
		"Должность ",
	};
	static const char *const seps[] = { " ", "-", "(", ")", "+", ".", ",", "\n", "", "  ",
					    "\xc2\xa0", ":", "/", "№", "x" };
	char tok[256], iin[13], d[20];
	unsigned int n = 0;

	while (t->len < size) {
		unsigned int k = next_rand() % sparse, i;

		switch (k) {
		case 0: case 1: /* IINs, valid and not */
			if (!make_iin(++n * 13, iin))
				continue;
			if (k)
				iin[11] = '0' + (iin[11] - '0' + 1) % 10;
			snprintf(tok, sizeof(tok), "%s", iin);
			break;
		case 2: /* a card, Luhn-valid, grouped by space, dash or nothing */
			for (i = 0; i < 15; i++)
				d[i] = '0' + next_rand() % 10;
			d[0] = '4';
			d[15] = '\0';
			d[15] = '0' + luhn_digit(d);
			d[16] = '\0';
			if (next_rand() % 2)
				snprintf(tok, sizeof(tok), "%.4s%c%.4s%c%.4s%c%.4s", d,
					 " -"[next_rand() % 2], d + 4, " -"[next_rand() % 2], d + 8,
					 " -"[next_rand() % 2], d + 12);
			else
				snprintf(tok, sizeof(tok), "%s", d);
			break;
		case 3: /* phones */
			snprintf(tok, sizeof(tok),
				 next_rand() % 2 ? "+7 (7%02u) %03u-%02u-%02u" : "8 7%02u %03u %02u %02u",
				 (unsigned int)(next_rand() % 100), (unsigned int)(next_rand() % 1000),
				 (unsigned int)(next_rand() % 100), (unsigned int)(next_rand() % 100));
			break;
		case 4:
			snprintf(tok, sizeof(tok), "87%09llu",
				 (unsigned long long)(next_rand() % 1000000000));
			break;
		case 5: /* ID cards, passports, IBANs, diagnoses */
			snprintf(tok, sizeof(tok), "%09llu",
				 (unsigned long long)(next_rand() % 1000000000));
			break;
		case 6:
			snprintf(tok, sizeof(tok), "%s%08llu",
				 next_rand() % 2 ? "N" : "KZ12 3456 ",
				 (unsigned long long)(next_rand() % 100000000));
			break;
		case 7:
			snprintf(tok, sizeof(tok), "J%02u.%u", (unsigned int)(next_rand() % 100),
				 (unsigned int)(next_rand() % 10));
			break;
		case 8: /* what business text is full of: dates, sums, short numbers */
			snprintf(tok, sizeof(tok), "%02u.%02u.2024 %u %03u,%02u",
				 (unsigned int)(1 + next_rand() % 28),
				 (unsigned int)(1 + next_rand() % 12),
				 (unsigned int)(next_rand() % 1000), (unsigned int)(next_rand() % 1000),
				 (unsigned int)(next_rand() % 100));
			break;
		case 9:
			snprintf(tok, sizeof(tok), "%llu",
				 (unsigned long long)(next_rand() % 100000000000000ULL));
			break;
		default:
			snprintf(tok, sizeof(tok), "%s", words[next_rand() % 14]);
			break;
		}
		add(t, tok);
		add(t, seps[next_rand() % 15]);
	}
}

/*
 * @sparse: one token in @sparse is a number. 600: the gate's windows are used; 20: identifiers
 * everywhere, the gate gives up and the blocks after are scanned with every rule in one pass.
 */
static void compare_gating(struct __test_metadata *_metadata, FIXTURE_DATA(engine) * self,
			   unsigned int sparse)
{
	struct text on = { 0 }, off = { 0 }, sizes;
	struct classify_report a = { 0 };
	size_t i;

	number_soup(&self->t, 3 * 1024 * 1024 + 4321, sparse);
	for (i = 0; i < 2; i++) {
		struct text *log = i ? &off : &on;

		classify_set_gating(i == 0);
		classify_begin(self->ctx, CONF_LOW, log_all, log);
		classify_feed(self->ctx, self->t.s, self->t.len);
		ASSERT_EQ(0, classify_end(self->ctx, &self->rep));
		if (!i)
			a = self->rep;
	}
	/* without a trace the supporting rules are scanned only where needed: the same verdict */
	classify_set_gating(true);
	ASSERT_EQ(0, run(_metadata, self, CONF_LOW));
	classify_set_gating(false);
	memset(&sizes, 0, sizeof(sizes));
	for (i = 0; i < self->rep.nfindings; i++) {
		char line[256];

		snprintf(line, sizeof(line), "%s %llu %d\n", self->rep.findings[i].name,
			 (unsigned long long)self->rep.findings[i].count,
			 self->rep.findings[i].confidence);
		add(&sizes, line);
	}
	ASSERT_EQ(0, run(_metadata, self, CONF_LOW));
	classify_set_gating(true);
	for (i = 0; i < self->rep.nfindings; i++) {
		char line[256];

		snprintf(line, sizeof(line), "%s %llu %d\n", self->rep.findings[i].name,
			 (unsigned long long)self->rep.findings[i].count,
			 self->rep.findings[i].confidence);
		ASSERT_NE(NULL, sizes.s);
		EXPECT_NE(NULL, strstr(sizes.s, line));
	}
	TH_LOG("%zu bytes of trace, %zu findings, pd=%d", on.len, a.nfindings, a.pd);
	ASSERT_NE(NULL, on.s);
	ASSERT_NE(NULL, off.s);
	/* it found something of each kind, or the comparison says little */
	EXPECT_NE(NULL, strstr(on.s, "|iin|"));
	EXPECT_NE(NULL, strstr(on.s, "|payment-card|"));
	EXPECT_NE(NULL, strstr(on.s, "|phone-kz|"));
	EXPECT_NE(NULL, strstr(on.s, "|id-card-kz|"));
	EXPECT_NE(NULL, strstr(on.s, "|person-name|"));
	EXPECT_EQ(on.len, off.len);
	if (on.len != off.len || memcmp(on.s, off.s, on.len)) {
		EXPECT_TRUE(0); /* the traces differ */
		for (i = 0; i < on.len && i < off.len; i++)
			if (on.s[i] != off.s[i]) {
				TH_LOG("first difference at %zu: gated '%.200s' whole '%.200s'", i,
				       on.s + i, off.s + i);
				break;
			}
	}
	free(on.s);
	free(off.s);
	free(sizes.s);
}

TEST_F(engine, gating_changes_nothing)
{
	compare_gating(_metadata, self, 600);
}

TEST_F(engine, one_pass_on_dense_text_changes_nothing)
{
	compare_gating(_metadata, self, 20);
}

/*
 * The PCRE2 engine (pcre.c) against Hyperscan: the same trace, candidate by candidate, for text
 * dense with identifiers and for the keyword forms the two read differently if either is wrong:
 * case forms (and a mixed case that is no form), е/ё, no-break spaces and runs of spaces in
 * phrases, hyphen variants, word endings ("оклад*"), words inside longer words, words cut by a
 * block's edge.
 */
static void trace_with(struct __test_metadata *_metadata, FIXTURE_DATA(engine) * self, int engine,
		       const struct text *in, struct text *out)
{
	struct classifier *c = NULL;
	struct classify_ctx *ctx = NULL;
	struct classify_report rep;
	char err[256];

	classify_set_engine(engine);
	ASSERT_EQ(0, classifier_new(self->rs, &c, err, sizeof(err)));
	classify_set_engine(CLASSIFY_ENGINE_AUTO);
	ASSERT_EQ(engine, classifier_engine(c));
	ASSERT_EQ(0, classify_ctx_new(c, &ctx));
	classify_begin(ctx, CONF_LOW, log_all, out);
	classify_feed(ctx, in->s, in->len);
	ASSERT_EQ(0, classify_end(ctx, &rep));
	add(out, rep.pd ? "pd\n" : "none\n");
	classify_ctx_free(ctx);
	classifier_free(c);
}

TEST_F(engine, pcre2_finds_what_hyperscan_finds)
{
	static const char *const kw[] = {
		"ИИН ", "иин ", "Иин ", "иИн ", "ЖСН: ", "оклад ", "Оклад ", "ОКЛАДА ", "окладом ",
		"доклад ", "заработная плата ", "Заработная\xc2\xa0плата ", "заработная   плата ",
		"расчётный листок ", "расчетный листок ", "РАСЧЁТНЫЙ ЛИСТОК ", "пАспорт ",
		"удостоверение личности ", "Удостоверение  личности ", "жеке куәлік ",
		"ЖЕКЕ КУӘЛІК ", "счёт-фактура ", "счёт\xe2\x80\x94фактура ", "больничный лист ",
		"еңбекке уақытша жарамсыздық парағы ", "жалақы ", "Жалақысы ", "ОПВ ", "опв ",
		"diagnosis ", "Diagnosis ", "DIAGNOSIS ", "salary ", "Payroll ", "IBAN ", "р/с ",
		"тел. ", "+7 701 234 56 78 ",
	};
	struct text a = { 0 }, b = { 0 };
	size_t target;

	ASSERT_NE(CLASSIFY_ENGINE_PCRE2, classify_engine_parse("hyperscan"));
	ASSERT_EQ(-EINVAL, classify_engine_parse("grep"));
	number_soup(&self->t, 1024 * 1024 + 777, 40);
	target = self->t.len + 2 * 1024 * 1024;
	while (self->t.len < target) {
		char iin[13];

		add(&self->t, kw[next_rand() % (sizeof(kw) / sizeof(kw[0]))]);
		if (next_rand() % 4 == 0 && make_iin((unsigned int)next_rand() % 90000, iin)) {
			add(&self->t, iin);
			add(&self->t, next_rand() % 2 ? "\n" : " ");
		}
	}
	number_soup(&self->t, self->t.len + 1024 * 1024, 600);
	if (hs_valid_platform() != HS_SUCCESS)
		SKIP(return, "Hyperscan cannot run on this CPU: nothing to compare with");
	trace_with(_metadata, self, CLASSIFY_ENGINE_HYPERSCAN, &self->t, &a);
	trace_with(_metadata, self, CLASSIFY_ENGINE_PCRE2, &self->t, &b);
	ASSERT_NE(NULL, a.s);
	ASSERT_NE(NULL, b.s);
	TH_LOG("%zu bytes of text, %zu bytes of trace", self->t.len, a.len);
	/* context words were found and counted: the keyword scan is compared too */
	EXPECT_NE(NULL, strstr(a.s, "context"));
	EXPECT_EQ(a.len, b.len);
	if (a.len == b.len && memcmp(a.s, b.s, a.len)) {
		size_t i = 0;

		while (a.s[i] == b.s[i])
			i++;
		TH_LOG("first difference at %zu: '%.120s' vs '%.120s'", i, a.s + (i > 60 ? i - 60 : 0),
		       b.s + (i > 60 ? i - 60 : 0));
	}
	EXPECT_EQ(0, memcmp(a.s, b.s, a.len < b.len ? a.len : b.len));
	free(a.s);
	free(b.s);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Extraction of every supported format, from real files generated at run time (fixtures.h):
 * the text must hold what a person sees in the document, cell by cell, and nothing twice.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/stat.h>

#include "pdg_test.h"
#include "extract/fixtures.h"
#include "extract/extract_test.h"

FIXTURE(files) {
	char dir[64];
	char path[4200];
	struct collect c;
	struct extract_result res;
};

FIXTURE_SETUP(files)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/pdguard-extract-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	ASSERT_EQ(0, fx_make_all(self->dir));
	memset(&self->c, 0, sizeof(self->c));
}

FIXTURE_TEARDOWN(files)
{
	collect_free(&self->c);
	rm_dir(self->dir);
}

static const char *fx_path(struct _test_data_files *self, const char *name)
{
	snprintf(self->path, sizeof(self->path), "%s/%s", self->dir, name);
	return self->path;
}

/* Extract a fixture with default limits and check it went through whole. */
#define EXTRACT_OK_AS(name, want_kind)							\
	do {										\
		ASSERT_EQ(0, extract_path(fx_path(self, name), NULL, &self->c, &self->res)); \
		ASSERT_EQ(EXTRACT_OK, self->res.status) TH_LOG("error: %s", self->res.error); \
		EXPECT_STREQ(want_kind, self->res.kind);				\
		EXPECT_STREQ("", self->res.error);					\
		EXPECT_EQ(self->c.len, self->res.text_bytes);				\
		EXPECT_FALSE(self->c.bad_utf8);						\
	} while (0)

#define HAS(s) EXPECT_NE(NULL, strstr(collected(&self->c), s)) TH_LOG("no '%s' in:\n%s", s, collected(&self->c))
#define HAS_NOT(s) EXPECT_EQ(NULL, strstr(collected(&self->c), s)) TH_LOG("'%s' in:\n%s", s, collected(&self->c))

TEST_F(files, docx)
{
	EXTRACT_OK_AS("payroll.docx", "docx");
	EXPECT_STREQ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		     self->res.mime);
	HAS("Расчётный листок за март\n");
	/* runs of one paragraph join, table cells do not */
	HAS("Сотрудник: Иванов Иван Иванович\n");
	HAS("\nИИН\n900101300007\n123\n");
	HAS("Оклад\t250000\nУдержано & начислено\n");
	/* header, footer, footnotes and comments */
	HAS("Конфиденциально");
	HAS("ТОО Ромашка");
	HAS("Паспорт N12345678");
	HAS("Проверить ИИН 850520400003");
	/* mc:Fallback repeats the text box for old readers: counted once */
	EXPECT_EQ(1, count_of(collected(&self->c), "Текстовое поле"));
	/* the main part comes first */
	EXPECT_TRUE(starts_with(collected(&self->c), "Расчётный листок"));
}

TEST_F(files, xlsx_strings_and_numbers)
{
	EXTRACT_OK_AS("staff.xlsx", "xlsx");
	EXPECT_STREQ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		     self->res.mime);
	HAS("ФИО\nИИН\nИванов Иван\n");
	HAS("Петрова Анна\n");		/* rich text runs of one string */
	HAS_NOT("ペトロワ");			/* phonetic guide */
	HAS("\n900101300007\n");		/* a number cell */
	HAS("\n850520400003\n");		/* written as 8.50520400003E+11 */
	HAS("\n940817350013\n");		/* written as 940817350013.0 */
	HAS("\n50101500010\n050101500010\n");	/* 11 digits: the lost leading 0 restored */
	HAS("Алматы\n");			/* inline string */
	HAS("Итого по отделу\n");		/* formula's cached string */
	HAS("\n250000.5\n");
	HAS("\n1.5E-3");
	HAS_NOT("CONCAT");			/* formulas are not text */
	HAS_NOT("#DIV/0!");
	/* shared string indexes (0..4) and booleans are never emitted as numbers */
	HAS_NOT("\n0\n");
	HAS_NOT("\n1\n");
	HAS_NOT("\n4\n");
}

TEST_F(files, pptx_slides_in_order)
{
	const char *t, *one, *two, *ten;

	EXTRACT_OK_AS("slides.pptx", "pptx");
	t = collected(&self->c);
	one = strstr(t, "Слайд один");
	two = strstr(t, "Слайд два: Жанна Сапарова 880703400555");
	ten = strstr(t, "Слайд десять");
	ASSERT_NE(NULL, one);
	ASSERT_NE(NULL, two);
	ASSERT_NE(NULL, ten);
	EXPECT_TRUE(one < two && two < ten);
	HAS("Заметка докладчика");
}

TEST_F(files, odt)
{
	EXTRACT_OK_AS("order.odt", "odt");
	EXPECT_STREQ("application/vnd.oasis.opendocument.text", self->res.mime);
	HAS("Приказ о приёме\n");
	HAS("Принять Сидорова Петра\tИИН 920315400020\n");
	HAS("Оклад\n300000\n");
	HAS("Для служебного пользования");
}

TEST_F(files, ods_numeric_cells)
{
	EXTRACT_OK_AS("table.ods", "ods");
	EXPECT_STREQ("application/vnd.oasis.opendocument.spreadsheet", self->res.mime);
	HAS("Ким Ольга\n");
	HAS("31211600123\n031211600123\n");
	HAS("900101300007\n");
	HAS("150000.25");
	HAS_NOT("9.00101E+11");		/* the display text of a number is not read */
}

TEST_F(files, pdf_cyrillic)
{
	EXTRACT_OK_AS("certificate.pdf", "pdf");
	EXPECT_STREQ("application/pdf", self->res.mime);
	HAS("Справка с места работы");
	HAS("Выдана Нурланову Ержану, ИИН 870412450121");
	EXPECT_EQ(2, count_of(collected(&self->c), "Паспорт N12345678"));	/* two pages */
}

TEST_F(files, nested_zip)
{
	EXTRACT_OK_AS("nested.zip", "zip");
	EXPECT_STREQ("application/zip", self->res.mime);
	/* member names are text too, then each member by its content */
	HAS("docs/payroll.docx\n");
	HAS("Сотрудник: Иванов Иван Иванович");
	HAS("archive/inner.zip\ndeep/note.txt\nСидоров Пётр 920315400020\n");
	HAS("приказ.txt\nПриказ: уволить Ким Ольгу, ИИН 031211600123");
	HAS("finger.fmr\n");
}

TEST_F(files, cp1251_1c_export)
{
	EXTRACT_OK_AS("1c-export.csv", "text");
	EXPECT_TRUE(starts_with(collected(&self->c), "Табельный номер;ФИО;ИИН;Оклад\r\n"));
	HAS("0001;Иванов Иван Иванович;900101300007;250000");
	HAS("Ахметова Динара Сериковна;850520400003");
}

TEST_F(files, koi8r)
{
	EXTRACT_OK_AS("koi8.txt", "text");
	HAS("Ведомость начисления заработной платы\nГалиев Марат, ИИН 940817350013");
}

TEST_F(files, rk1048_kazakh)
{
	EXTRACT_OK_AS("kz1048.txt", "text");
	HAS("Жалақы есептелді: Әлиева Гүлнұр Серікқызы, ЖСН 850520400003");
	HAS("Ұсталды: ЖТС, МӘМСЖ");
}

TEST_F(files, utf16)
{
	static const char *const names[] = {
		"utf16le-bom.txt", "utf16le-nobom.txt", "utf16be-nobom.txt",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		collect_free(&self->c);
		EXTRACT_OK_AS(names[i], "text");
		EXPECT_STREQ(fx_utf16_text, collected(&self->c)) TH_LOG("%s", names[i]);
	}
}

TEST_F(files, utf8_bom_dropped)
{
	EXTRACT_OK_AS("utf8-bom.txt", "text");
	EXPECT_STREQ("Карта 4400 4301 2345 6789\n", collected(&self->c));
}

TEST_F(files, fingerprint_template)
{
	EXTRACT_OK_AS("finger.fmr", "biometric");
	EXPECT_STREQ("application/x-fingerprint-template", self->res.mime);
	EXPECT_EQ(0UL, self->res.text_bytes);
}

/*
 * Photos of people among a document's pictures: in office documents by their content (JPEG, 3x4),
 * not their names; in PDFs by where and how big they are drawn.
 */
TEST_F(files, photos_in_documents)
{
	static const struct {
		const char *file, *kind;
		unsigned int photos;
		const char *photo; /* the first one's description */
		const char *text;  /* and the text is read as before */
	} cases[] = {
		/* + a wide logo and a PNG */
		{ "card.odt", "odt", 1, "image/jpeg 354x472", "ИИН 900101300007" },
		{ "card.docx", "docx", 1, "image/jpeg 300x400", "Иванов Иван Иванович" }, /* .png */
		{ "payroll.docx", "docx", 0, "", NULL },
		{ "nested.zip", "zip", 0, "", NULL }, /* a JPEG member of a plain archive */
		{ "card.pdf", "pdf", 1, "PDF image 85x113 pt", "ИИН 900101300007" },
		{ "card-logo.pdf", "pdf", 0, "", NULL },
		{ "certificate.pdf", "pdf", 0, "", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		collect_free(&self->c);
		EXTRACT_OK_AS(cases[i].file, cases[i].kind);
		if (self->res.photos != cases[i].photos || strcmp(self->res.photo, cases[i].photo))
			TH_LOG("%s: %u photo(s), '%s'", cases[i].file, self->res.photos,
			       self->res.photo);
		EXPECT_EQ(cases[i].photos, self->res.photos);
		EXPECT_STREQ(cases[i].photo, self->res.photo);
		if (cases[i].text)
			HAS(cases[i].text);
	}
}

/*
 * A picture is only looked at: one over the member size limit (a 300 dpi photo), or one
 * that compresses a thousandfold (a blank BMP), is no reason to refuse the document's text.
 */
TEST_F(files, big_pictures_are_looked_at_not_refused)
{
	struct extract_limits lim;
	unsigned char *photo = malloc(200 * 1024), *blank = calloc(1, 4 * 1024 * 1024);
	size_t n, i;
	uint64_t r = 0x9e3779b97f4a7c15ULL;

	ASSERT_NE(NULL, photo);
	ASSERT_NE(NULL, blank);
	n = fx_jpeg_of(600, 800, photo);
	n -= 2; /* the EOI goes at the end, after incompressible scan data */
	for (i = n; i < 200 * 1024 - 2; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r ^= r << 17;
		photo[i] = (unsigned char)(r & 0x7f); /* never 0xff: no marker */
	}
	photo[i++] = 0xff;
	photo[i++] = 0xd9;
	memcpy(blank, "BM", 2);
	{
		const struct fx_member m[] = {
			FX_M("[Content_Types].xml", fx_docx_ct),
			FX_M("_rels/.rels", FX_RELS("word/document.xml")),
			FX_M("word/document.xml", fx_docx_document),
			FX_MLEN("word/media/image1.jpeg", photo, i),
			FX_MLEN("word/media/image2.bmp", blank, 4 * 1024 * 1024),
		};

		ASSERT_EQ(0, fx_zip(fx_path(self, "bigphoto.docx"), m, sizeof(m) / sizeof(m[0])));
	}
	extract_limits_default(&lim);
	lim.max_member_bytes = 64 * 1024;
	ASSERT_EQ(0, extract_path(fx_path(self, "bigphoto.docx"), &lim, &self->c, &self->res));
	EXPECT_EQ(EXTRACT_OK, self->res.status) TH_LOG("error: %s", self->res.error);
	EXPECT_EQ(1U, self->res.photos);
	EXPECT_STREQ("image/jpeg 600x800", self->res.photo);
	HAS("Сотрудник: Иванов Иван Иванович");
	free(photo);
	free(blank);
}

TEST_F(files, biometric_records_counted)
{
	EXTRACT_OK_AS("finger.fmr", "biometric");
	EXPECT_EQ(1U, self->res.templates);
	EXPECT_STREQ("application/x-fingerprint-template", self->res.template_mime);
	collect_free(&self->c);
	/* a member of an archive */
	EXTRACT_OK_AS("nested.zip", "zip");
	EXPECT_EQ(1U, self->res.templates);
	EXPECT_STREQ("application/x-fingerprint-template", self->res.template_mime);
}

TEST_F(files, image)
{
	EXTRACT_OK_AS("photo.jpg", "image");
	EXPECT_STREQ("image/jpeg", self->res.mime);
	EXPECT_EQ(0UL, self->res.text_bytes);
}

TEST_F(files, sink_stops)
{
	self->c.stop_after = 1;
	ASSERT_EQ(0, extract_path(fx_path(self, "payroll.docx"), NULL, &self->c, &self->res));
	EXPECT_EQ(EXTRACT_STOPPED, self->res.status);
	EXPECT_STREQ("", self->res.error);
	EXPECT_EQ(1, self->c.calls);
}

TEST_F(files, sink_fails)
{
	self->c.fail_with = -ENOSPC;
	ASSERT_EQ(0, extract_path(fx_path(self, "staff.xlsx"), NULL, &self->c, &self->res));
	EXPECT_EQ(EXTRACT_IO, self->res.status);
	EXPECT_STREQ("sink failed: No space left on device", self->res.error);
	EXPECT_EQ(1, self->c.calls);
}

TEST_F(files, text_limit)
{
	struct extract_limits lim = { .max_text_bytes = 100 };

	ASSERT_EQ(0, extract_path(fx_path(self, "payroll.docx"), &lim, &self->c, &self->res));
	EXPECT_EQ(EXTRACT_LIMIT, self->res.status);
	EXPECT_STREQ("limit exceeded: text over 100 bytes", self->res.error);
	EXPECT_GE(100UL, self->c.len);
	EXPECT_LT(90UL, self->c.len);	/* text up to the limit is still given */
	EXPECT_FALSE(self->c.bad_utf8);	/* and never cut inside a character */
	HAS("Расчётный листок");
}

/* Cyrillic text bigger than a block, so that block boundaries fall inside characters. */
static char *big_text(size_t size, size_t *len)
{
	static const char line[] = "Иванов Иван Иванович;900101300007;оклад 250000;ё\n";
	char *s = malloc(size + sizeof(line));
	size_t n = 0;

	while (n < size) {
		memcpy(s + n, line, sizeof(line) - 1);
		n += sizeof(line) - 1;
	}
	s[n] = '\0';
	*len = n;
	return s;
}

TEST_F(files, big_utf8_streams_exactly)
{
	size_t len;
	char *s = big_text(3 * X_BLOCK_BYTES + 12345, &len);

	ASSERT_EQ(0, fx_write(self->dir, "big.txt", s, len));
	EXTRACT_OK_AS("big.txt", "text");
	EXPECT_EQ(len, self->c.len);
	EXPECT_EQ(0, memcmp(s, collected(&self->c), len));
	EXPECT_GE((size_t)X_BLOCK_BYTES + 3, self->c.max_chunk);	/* a block and a cut character */
	free(s);
}

TEST_F(files, big_cp1251_and_utf16_stream_exactly)
{
	static const char *const encs[] = { "CP1251", "UTF-16LE", "UTF-16BE", "KOI8-R" };
	size_t len, elen, i;
	char *s = big_text(2 * X_BLOCK_BYTES + 777, &len), *e;

	for (i = 0; i < sizeof(encs) / sizeof(encs[0]); i++) {
		collect_free(&self->c);
		e = fx_iconv(encs[i], s, &elen);
		ASSERT_NE(NULL, e);
		ASSERT_EQ(0, fx_write(self->dir, "big.enc", e, elen));
		free(e);
		EXTRACT_OK_AS("big.enc", "text");
		EXPECT_EQ(len, self->c.len) TH_LOG("%s", encs[i]);
		EXPECT_EQ(0, memcmp(s, collected(&self->c), len)) TH_LOG("%s", encs[i]);
	}
	free(s);
}

TEST_F(files, file_limit_reads_the_start)
{
	struct extract_limits lim = { .max_file_bytes = 64 * 1024 };
	size_t len;
	char *s = big_text(1 << 20, &len);

	ASSERT_EQ(0, fx_write(self->dir, "big.txt", s, len));
	ASSERT_EQ(0, extract_path(fx_path(self, "big.txt"), &lim, &self->c, &self->res));
	EXPECT_EQ(EXTRACT_LIMIT, self->res.status);
	EXPECT_TRUE(starts_with(self->res.error, "limit exceeded: file size "));
	EXPECT_NE(NULL, strstr(self->res.error, " > 65536 bytes"));
	EXPECT_GE(64 * 1024UL, self->c.len);
	EXPECT_LT(60 * 1024UL, self->c.len);
	free(s);
}

TEST_F(files, bad_arguments)
{
	int p[2];

	EXPECT_EQ(-EINVAL, extract_fd(0, NULL, collect_sink, &self->c, NULL));
	EXPECT_EQ(-EBADF, extract_fd(999, NULL, collect_sink, &self->c, &self->res));
	EXPECT_EQ(EXTRACT_IO, self->res.status);
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-EINVAL, extract_fd(p[0], NULL, collect_sink, &self->c, &self->res));
	EXPECT_EQ(EXTRACT_UNSUPPORTED, self->res.status);
	EXPECT_STREQ("unsupported: not a regular file", self->res.error);
	close(p[0]);
	close(p[1]);
}

/* Scanning threads each extract their own files: same text as one thread alone. */
struct thread_job {
	const char *dir;
	const char *const *names;
	char *want[16];
	int failures;
};

static const char *const thread_files[] = {
	"payroll.docx", "staff.xlsx", "slides.pptx", "order.odt", "table.ods",
	"certificate.pdf", "nested.zip", "1c-export.csv", "koi8.txt", "utf16le-nobom.txt", NULL,
};

static void *thread_main(void *arg)
{
	struct thread_job *job = arg;
	struct extract_result res;
	char path[4096];
	int round, i;

	for (round = 0; round < 5; round++) {
		for (i = 0; job->names[i]; i++) {
			struct collect c = { 0 };

			snprintf(path, sizeof(path), "%s/%s", job->dir, job->names[i]);
			if (extract_path(path, NULL, &c, &res) || res.status != EXTRACT_OK ||
			    strcmp(collected(&c), job->want[i]))
				__atomic_fetch_add(&job->failures, 1, __ATOMIC_RELAXED);
			collect_free(&c);
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(files, threads, 60)
{
	struct thread_job job = { .dir = self->dir, .names = thread_files };
	pthread_t th[4];
	int i;

	for (i = 0; thread_files[i]; i++) {
		struct collect c = { 0 };

		ASSERT_EQ(0, extract_path(fx_path(self, thread_files[i]), NULL, &c, &self->res));
		ASSERT_EQ(EXTRACT_OK, self->res.status);
		job.want[i] = strdup(collected(&c));
		collect_free(&c);
	}
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, thread_main, &job));
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	EXPECT_EQ(0, job.failures);
	for (i = 0; thread_files[i]; i++)
		free(job.want[i]);
}

/*
 * The UTF-8 validator's vector fast path against the one-character decoder, on random mixes of
 * ASCII, Cyrillic, three- and four-byte characters and every kind of broken sequence, at every
 * alignment: the longest valid prefix must be the same.
 */
static size_t utf8_reference(const uint8_t *s, size_t n)
{
	size_t i = 0, len;

	while (i < n && (len = utf8_seq_len(s + i, n - i)) > 0)
		i += len;
	return i;
}

TEST(utf8_fast_path_matches_the_decoder)
{
	static const char *const pieces[] = {
		"a", "Zq 1", "\n", "\xd0\x98\xd0\x98\xd0\x9d", "\xd2\x9b", "\xd3\x99\xd1\x8b",
		"\xc2\xa0", "\xdf\xbf", "\xe2\x80\x94", "\xe2\x84\x96", "\xe2\x80\x9c",
		"\xe0\xa0\x80", "\xed\x9f\xbf", "\xef\xbf\xbf", "\xe1\x80\x80",
		"\xf0\x9f\x98\x80",
		/* broken: lone continuation, lone lead, overlong, surrogate, > U+10FFFF, junk */
		"\x80", "\xbf", "\xd0", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80",
		"\xf4\x90\x80\x80", "\xf5", "\xff", "\xe2\x82", "\xf0\x9f\x98", "\xe0\x9f\xbf",
		"\xe2", "\xe2\xc2\x80", "\xd0\xe2\x84\x96",
	};
	const size_t np = sizeof(pieces) / sizeof(pieces[0]);
	uint8_t buf[200];
	unsigned int seed = 12345, round, bad = 0;
	int level = 0;

	/* each vector width in turn (a CPU without AVX2 never takes that path in production) */
	for (round = 0; round < 300000; round++) {
		if (round % 100000 == 0) {
			level = round / 100000;
			if (level == 2 && !__builtin_cpu_supports("avx2"))
				level = 1;
			utf8_set_simd(level);
		}
		size_t n = 0, off = rand_r(&seed) % 3;
		/* mostly valid text: a broken piece in one buffer out of four */
		bool broken = rand_r(&seed) % 4 == 0;

		while (n < sizeof(buf) - 8) {
			size_t k = rand_r(&seed) % (broken ? np : 16), len = strlen(pieces[k]);

			if (!broken && k >= 15 && rand_r(&seed) % 8)
				k = rand_r(&seed) % 6, len = strlen(pieces[k]);
			memcpy(buf + n, pieces[k], len);
			n += len;
			if (rand_r(&seed) % 50 == 0)
				break;
		}
		if (off > n)
			off = n;
		if (utf8_valid_len(buf + off, n - off) != utf8_reference(buf + off, n - off) &&
		    bad++ < 5)
			TH_LOG("round %u (simd %d): %zu bytes from %zu: fast %zu, decoder %zu", round,
			       level, n - off, off, utf8_valid_len(buf + off, n - off),
			       utf8_reference(buf + off, n - off));
	}
	utf8_set_simd(-1);
	EXPECT_EQ(0U, bad);
}

TEST(limits_defaults)
{
	struct extract_limits lim;

	extract_limits_default(&lim);
	EXPECT_EQ(100ULL << 20, lim.max_file_bytes);
	EXPECT_EQ(64ULL << 20, lim.max_text_bytes);
	EXPECT_EQ(25ULL << 20, lim.max_member_bytes);
	EXPECT_EQ(10000U, lim.max_entries);
	EXPECT_EQ(8U, lim.max_depth);
	EXPECT_EQ(100U, lim.max_ratio);
	EXPECT_EQ(30000U, lim.max_ms);
}

TEST_HARNESS_MAIN

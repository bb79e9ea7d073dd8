// SPDX-License-Identifier: GPL-2.0
/*
 * The sandboxed PDF reader (agent/extract/sandbox.c) on the PDF inflation bomb of issue 14: a
 * Flate stream that inflates to hundreds of MiB ends on the reader's memory bound, with the
 * peak memory of the extraction and its reader asserted; the deadline and extract_cancel() kill
 * the reader; a bomb inside a ZIP is held the same way. Only outcomes and memory are asserted,
 * never how long anything took (benchmarks measure that: scripts/bench-bomb.sh).
 */
#include <stdio.h>
#include <sys/stat.h>

#include "pdg_test.h"
#include "extract/fixtures.h"
#include "extract/isolate.h"
#include "extract/pdfbomb.h"

FIXTURE(sandbox) {
	char dir[64];
	char bomb[4200];
	struct isolated r;
};

FIXTURE_SETUP(sandbox)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/pdguard-sandbox-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->bomb, sizeof(self->bomb), "%s/bomb.pdf", self->dir);
	/* 256 MiB of page content in a 260 KB file */
	ASSERT_EQ(0, fx_pdf_bomb(self->bomb, 256));
}

FIXTURE_TEARDOWN(sandbox)
{
	rm_dir(self->dir);
}

#define LOG_RESULT() TH_LOG("peak RSS %ld KiB, error '%s'", self->r.rss_kib, self->r.res.error)

TEST_F_TIMEOUT(sandbox, pdf_bomb_ends_on_the_memory_bound, 120)
{
	ASSERT_EQ(0, isolate_extract(self->bomb, NULL, 0, &self->r));
	LOG_RESULT();
	EXPECT_EQ(EXTRACT_LIMIT, self->r.res.status);
	EXPECT_STREQ("limit exceeded: memory over 256 MiB in the PDF reader", self->r.res.error);
	EXPECT_STREQ("pdf", self->r.res.kind);
	/* the reader's whole budget and the test process: far from the 1.07 GB of issue 14 */
	EXPECT_GT(256 * 1024, self->r.rss_kib);
}

TEST_F_TIMEOUT(sandbox, pdf_bomb_smaller_budget_smaller_peak, 120)
{
	struct extract_limits lim = { .max_reader_mib = 64 };

	ASSERT_EQ(0, isolate_extract(self->bomb, &lim, 0, &self->r));
	LOG_RESULT();
	EXPECT_EQ(EXTRACT_LIMIT, self->r.res.status);
	EXPECT_STREQ("limit exceeded: memory over 64 MiB in the PDF reader", self->r.res.error);
	EXPECT_GT(100 * 1024, self->r.rss_kib);
}

TEST_F_TIMEOUT(sandbox, pdf_bomb_in_a_zip, 120)
{
	char zip[4300];

	snprintf(zip, sizeof(zip), "%s/b.zip", self->dir);
	ASSERT_EQ(0, fx_zip_file(zip, self->bomb, "отчёт.pdf", 1));
	ASSERT_EQ(0, isolate_extract(zip, NULL, 0, &self->r));
	LOG_RESULT();
	EXPECT_EQ(EXTRACT_LIMIT, self->r.res.status);
	EXPECT_STREQ("limit exceeded: memory over 256 MiB in the PDF reader (member 'отчёт.pdf')",
		     self->r.res.error);
	EXPECT_GT(256 * 1024, self->r.rss_kib);
}

TEST_F_TIMEOUT(sandbox, deadline_kills_the_reader, 120)
{
	/* a budget too big to hit first: the deadline must end it, inside poppler's one page */
	struct extract_limits lim = { .max_reader_mib = 4096, .max_ms = 300 };

	ASSERT_EQ(0, isolate_extract(self->bomb, &lim, 0, &self->r));
	LOG_RESULT();
	EXPECT_EQ(EXTRACT_LIMIT, self->r.res.status);
	EXPECT_STREQ("limit exceeded: time over 300 ms", self->r.res.error);
}

TEST_F_TIMEOUT(sandbox, cancel_kills_the_reader, 120)
{
	struct extract_limits lim = { .max_reader_mib = 4096 };

	ASSERT_EQ(0, isolate_extract(self->bomb, &lim, 300, &self->r));
	LOG_RESULT();
	EXPECT_EQ(EXTRACT_CANCELLED, self->r.res.status);
	EXPECT_STREQ("cancelled: the agent is stopping", self->r.res.error);
}

TEST_F(sandbox, ordinary_pdf_text_and_photo_come_through)
{
	char pdf[4300];

	snprintf(pdf, sizeof(pdf), "%s/card.pdf", self->dir);
	ASSERT_EQ(0, fx_pdf_card(pdf, 85, 113));
	ASSERT_EQ(0, isolate_extract(pdf, NULL, 0, &self->r));
	EXPECT_EQ(EXTRACT_OK, self->r.res.status) LOG_RESULT();
	EXPECT_EQ(1, self->r.res.photos);
	EXPECT_NE(NULL, strstr(self->r.text, "Иванов")) TH_LOG("text: '%s'", self->r.text);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The compiled-rules cache: a second start loads what the first compiled and classifies the same;
 * a corrupt, truncated or foreign file is never handed to Hyperscan but compiled again and
 * replaced; a directory others can write is not used at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classify/classify.h"
#include "classify/hscache.h"
#include "pdg_test.h"

#define TEXT "Приказ о приеме. ИИН 900101300007, Иванов Иван, оклад 350000\n"

FIXTURE(cache)
{
	struct rules *rs;
	char dir[64];
};

FIXTURE_SETUP(cache)
{
	struct rules_errors errs = { 0 };
	char rules[PATH_MAX];

	ASSERT_EQ(0, pdg_build_path(rules, sizeof(rules), "../policies/rules.d"));
	ASSERT_EQ(0, rules_load(rules, &self->rs, &errs));
	snprintf(self->dir, sizeof(self->dir), "/tmp/pdg-hscache-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	setenv("PDGUARD_RULES_CACHE", self->dir, 1);
}

FIXTURE_TEARDOWN(cache)
{
	char cmd[128];

	unsetenv("PDGUARD_RULES_CACHE");
	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	pdg_system(cmd);
	rules_free(self->rs);
}

/* Compile (or load), classify TEXT; the label and how many findings; -1 on error. */
static int label_of(FIXTURE_DATA(cache) * self, size_t *nfindings)
{
	struct classifier *c = NULL;
	struct classify_ctx *ctx = NULL;
	struct classify_report rep;
	char err[256];
	int ret = -1;

	if (classifier_new(self->rs, &c, err, sizeof(err)) || classify_ctx_new(c, &ctx))
		goto out;
	if (classify_buffer(ctx, TEXT, strlen(TEXT), CONF_MEDIUM, &rep))
		goto out;
	ret = rep.pd ? 1 : 0;
	*nfindings = rep.nfindings;
out:
	classify_ctx_free(ctx);
	classifier_free(c);
	return ret;
}

/* The cache files in the directory; @mode gets the last one's permission bits. */
static int files_in(const char *dir, char names[][PATH_MAX], int max, mode_t *mode)
{
	struct dirent *e;
	struct stat st;
	int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "hs-", 3) && n < max) {
			snprintf(names[n], PATH_MAX, "%s/%s", dir, e->d_name);
			if (!stat(names[n], &st))
				*mode = st.st_mode & 07777;
			n++;
		}
	closedir(d);
	return n;
}

/* the shipped rules make five databases: the main, gated and supporting patterns, all of them, the keywords */
#define NDB 5UL

static void delta(const struct hscache_stats *a, struct hscache_stats *d)
{
	struct hscache_stats b;

	hscache_stats(&b);
	d->hits = b.hits - a->hits;
	d->misses = b.misses - a->misses;
	d->rejected = b.rejected - a->rejected;
}

TEST_F(cache, second_start_loads_what_the_first_compiled)
{
	struct hscache_stats s0, d;
	char names[8][PATH_MAX];
	size_t n1 = 0, n2 = 0;
	mode_t mode = 0;
	int l1, l2;

	hscache_stats(&s0);
	l1 = label_of(self, &n1);
	delta(&s0, &d);
	EXPECT_EQ(NDB, d.misses);
	EXPECT_EQ(0UL, d.hits);
	EXPECT_EQ(NDB, files_in(self->dir, names, 8, &mode));
	EXPECT_EQ(0600, mode);

	hscache_stats(&s0);
	l2 = label_of(self, &n2);
	delta(&s0, &d);
	EXPECT_EQ(NDB, d.hits);
	EXPECT_EQ(0UL, d.misses);
	EXPECT_EQ(1, l1);
	EXPECT_EQ(l1, l2);
	EXPECT_EQ(n1, n2);
}

TEST_F(cache, corrupt_truncated_or_foreign_files_are_compiled_again)
{
	struct hscache_stats s0, d;
	char names[8][PATH_MAX];
	size_t nf = 0;
	mode_t mode;
	FILE *f;
	int i, n;

	ASSERT_LE(0, label_of(self, &nf));
	n = files_in(self->dir, names, 8, &mode);
	ASSERT_EQ(NDB, n);
	/* one bit flipped deep in the first, the second cut short */
	f = fopen(names[0], "r+b");
	ASSERT_NE(NULL, f);
	fseek(f, 1000, SEEK_SET);
	i = fgetc(f);
	fseek(f, 1000, SEEK_SET);
	fputc(i ^ 0x10, f);
	fclose(f);
	ASSERT_EQ(0, truncate(names[1], 100));

	hscache_stats(&s0);
	EXPECT_EQ(1, label_of(self, &nf));
	delta(&s0, &d);
	EXPECT_EQ(2UL, d.rejected);
	EXPECT_EQ(2UL, d.misses);
	EXPECT_EQ(NDB - 2, d.hits);
	/* replaced: the next start loads them */
	hscache_stats(&s0);
	EXPECT_EQ(1, label_of(self, &nf));
	delta(&s0, &d);
	EXPECT_EQ(NDB, d.hits);

	/* a file of another user is not trusted, whatever it holds */
	if (geteuid() == 0) {
		ASSERT_EQ(0, chown(names[0], 65534, 65534));
		hscache_stats(&s0);
		EXPECT_EQ(1, label_of(self, &nf));
		delta(&s0, &d);
		EXPECT_EQ(1UL, d.rejected);
		EXPECT_EQ(NDB - 1, d.hits);
	}
}

TEST_F(cache, a_directory_others_can_write_is_not_used)
{
	struct hscache_stats s0, d;
	char names[8][PATH_MAX];
	size_t nf = 0;
	mode_t mode;

	ASSERT_EQ(0, chmod(self->dir, 0777));
	hscache_stats(&s0);
	EXPECT_EQ(1, label_of(self, &nf));
	EXPECT_EQ(1, label_of(self, &nf));
	delta(&s0, &d);
	EXPECT_EQ(0UL, d.hits);
	EXPECT_EQ(2 * NDB, d.misses);
	EXPECT_EQ(0, files_in(self->dir, names, 8, &mode));

	/* and "off" turns it off */
	ASSERT_EQ(0, chmod(self->dir, 0700));
	setenv("PDGUARD_RULES_CACHE", "off", 1);
	EXPECT_EQ(1, label_of(self, &nf));
	EXPECT_EQ(0, files_in(self->dir, names, 8, &mode));
}

TEST_HARNESS_MAIN

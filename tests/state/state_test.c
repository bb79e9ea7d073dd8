// SPDX-License-Identifier: GPL-2.0
/* The label table against a reference model, the label cache, and role lookup. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "pdg_test.h"
#include "policy/roles.h"
#include "state/labels.h"
#include "state/state.h"

#define N 20000

static uint64_t rnd(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 24;
}

TEST(labels_match_a_reference_model)
{
	static uint8_t ref[N];		/* 0 absent, else level + 1 */
	struct label_entry e, got;
	struct state st;
	uint64_t seed = 42;
	size_t i, present = 0;

	ASSERT_EQ(0, state_init(&st));
	for (i = 0; i < 200000; i++) {
		size_t k = rnd(&seed) % N;
		/* few devices, clustered inodes: the collisions a real tree makes */
		dev_t dev = k % 3;
		ino_t ino = k / 3 + 2;

		if (rnd(&seed) % 3 == 0) {
			int ret = state_label_del(&st, dev, ino);

			ASSERT_EQ(ref[k] ? 0 : -ENOENT, ret);
			present -= ref[k] != 0;
			ref[k] = 0;
		} else {
			memset(&e, 0, sizeof(e));
			e.dev = dev;
			e.ino = ino;
			e.level = rnd(&seed) % 3;
			e.categories = e.level ? PDGUARD_CAT_BASIC : 0;
			ASSERT_LE(0, state_label_put(&st, &e));
			present += ref[k] == 0;
			ref[k] = e.level + 1;
		}
	}
	ASSERT_EQ(present, st.nlabels);
	for (i = 0; i < N; i++) {
		int ret = state_label_get(&st, i % 3, i / 3 + 2, &got);

		if (ref[i]) {
			ASSERT_EQ(0, ret);
			ASSERT_EQ(ref[i] - 1, got.level);
		} else {
			ASSERT_EQ(-ENOENT, ret);
		}
	}
	state_free(&st);
}

TEST(put_reports_changes)
{
	struct label_entry e = { .dev = 1, .ino = 2, .level = PDGUARD_LEVEL_PD,
				 .categories = PDGUARD_CAT_FINANCIAL };
	struct state st;

	ASSERT_EQ(0, state_init(&st));
	EXPECT_EQ(1, state_label_put(&st, &e));
	e.size = 100;			/* same label, new size: not a change drivers need */
	EXPECT_EQ(0, state_label_put(&st, &e));
	e.categories |= PDGUARD_CAT_BASIC;
	EXPECT_EQ(1, state_label_put(&st, &e));
	EXPECT_EQ(1, state_count_pd(&st));
	state_free(&st);
}

/* Record a label for a real file, as the daemon does (identity and path included). */
static int record(struct state *st, const char *path, uint8_t level, uint32_t cats)
{
	struct label_record r = { .path = path, .fd = -1, .level = level, .categories = cats };
	int xerr;

	if (lstat(path, &r.st))
		return -errno;
	return labels_record(st, NULL, &r, &xerr);
}

static void make_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(cache_round_trip)
{
	char dir[] = "/tmp/pdg-cache-XXXXXX", path[128], cache[160];
	struct label_entry got;
	struct state a, b;
	size_t i, loaded, dropped;
	struct stat old;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(cache, sizeof(cache), "%s/labels.cache", dir);
	ASSERT_EQ(0, state_init(&a));
	for (i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "%s/f%zu", dir, i);
		make_file(path, "x");
		ASSERT_LE(0, record(&a, path, i % 2 ? PDGUARD_LEVEL_PD : PDGUARD_LEVEL_NONE,
				    i % 2 ? PDGUARD_CAT_MEDICAL : 0));
	}
	ASSERT_EQ(0, state_cache_save(&a, cache));
	ASSERT_EQ(0, state_init(&b));
	ASSERT_EQ(0, state_cache_load(&b, cache, &loaded, &dropped));
	EXPECT_EQ(200, loaded);
	EXPECT_EQ(0, dropped);
	snprintf(path, sizeof(path), "%s/f9", dir);
	ASSERT_EQ(0, lstat(path, &old));
	ASSERT_EQ(0, state_label_get(&b, old.st_dev, old.st_ino, &got));
	EXPECT_EQ(PDGUARD_LEVEL_PD, got.level);
	EXPECT_EQ(1, got.verified);
	EXPECT_EQ(100, state_count_pd(&b));
	state_free(&b);

	/* a file replaced (its inode number may well be reused) and one changed: both dropped */
	snprintf(path, sizeof(path), "%s/f1", dir);
	ASSERT_EQ(0, unlink(path));
	make_file(path, "x");
	snprintf(path, sizeof(path), "%s/f3", dir);
	ASSERT_EQ(0, chmod(path, 0600));
	ASSERT_EQ(0, state_init(&b));
	ASSERT_EQ(0, state_cache_load(&b, cache, &loaded, &dropped));
	EXPECT_EQ(198, loaded);
	EXPECT_EQ(2, dropped);
	EXPECT_EQ(2, b.stale);
	state_free(&b);

	/* a damaged cache is refused, not half-read as truth */
	ASSERT_EQ(0, truncate(cache, 10));
	ASSERT_EQ(0, state_init(&b));
	EXPECT_EQ(-EBADMSG, state_cache_load(&b, cache, &loaded, &dropped));
	state_free(&a);
	state_free(&b);
	/* a missing cache is an empty one */
	ASSERT_EQ(0, state_init(&b));
	EXPECT_EQ(0, state_cache_load(&b, "/nonexistent/cache", &loaded, &dropped));
	EXPECT_EQ(0, loaded);
	state_free(&b);
	for (i = 0; i < 200; i++) {
		snprintf(path, sizeof(path), "%s/f%zu", dir, i);
		unlink(path);
	}
	unlink(cache);
	rmdir(dir);
}

/*
 * A name and an inode from the kernel become a full path only when that path is the very file
 * now: where it was labelled, or under a scan root or zone; a renamed or unknown file stays
 * unresolved rather than get a wrong path.
 */
TEST(resolve_path_only_to_the_same_file)
{
	char dir[] = "/tmp/pdg-resolve-XXXXXX", a[128], b[128], out[256];
	struct stat sa, sd;
	struct config cfg;
	struct state st;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/salary.csv", dir);
	snprintf(b, sizeof(b), "%s/renamed.csv", dir);
	make_file(a, "x");
	ASSERT_EQ(0, lstat(a, &sa));
	ASSERT_EQ(0, lstat(dir, &sd));
	ASSERT_EQ(0, state_init(&st));
	ASSERT_LE(0, record(&st, a, PDGUARD_LEVEL_PD, PDGUARD_CAT_FINANCIAL));
	/* a labelled file: its path, whatever name the kernel gave */
	EXPECT_EQ(0, state_resolve_path(&st, sa.st_dev, sa.st_ino, NULL, false, out, sizeof(out)));
	EXPECT_STREQ(a, out);
	/* renamed: the labelled path is no longer it, and no root holds it by that name */
	ASSERT_EQ(0, rename(a, b));
	EXPECT_EQ(-ENOENT, state_resolve_path(&st, sa.st_dev, sa.st_ino, "renamed.csv", false, out,
					      sizeof(out)));
	EXPECT_STREQ("", out);
	/* ... until its directory is a scan root: then root/name, checked against the inode */
	config_defaults(&cfg);
	strlist_add(&cfg.scan, dir);
	st.cfg = &cfg;
	EXPECT_EQ(0, state_resolve_path(&st, sa.st_dev, sa.st_ino, "renamed.csv", false, out,
					sizeof(out)));
	EXPECT_STREQ(b, out);
	/* the wrong name, or a name with a slash, for that inode: nothing */
	EXPECT_EQ(-ENOENT, state_resolve_path(&st, sa.st_dev, sa.st_ino, "salary.csv", false, out,
					      sizeof(out)));
	EXPECT_EQ(-ENOENT, state_resolve_path(&st, sa.st_dev, sa.st_ino, "../renamed.csv", false,
					      out, sizeof(out)));
	/* a file being created in a known directory: directory/name */
	EXPECT_EQ(0, state_resolve_path(&st, sd.st_dev, sd.st_ino, "new.txt", true, out,
					sizeof(out)));
	snprintf(a, sizeof(a), "%s/new.txt", dir);
	EXPECT_STREQ(a, out);
	/* an inode the agent cannot place */
	EXPECT_EQ(-ENOENT, state_resolve_path(&st, sd.st_dev, sd.st_ino + 1000003, "new.txt", true,
					      out, sizeof(out)));
	EXPECT_EQ(-ENOENT, state_resolve_path(&st, sa.st_dev, 0, "renamed.csv", false, out,
					      sizeof(out)));
	st.cfg = NULL;
	state_free(&st);
	config_free(&cfg);
	unlink(b);
	rmdir(dir);
}

TEST(roles_by_user_and_group)
{
	struct config cfg;
	char names[128];

	config_defaults(&cfg);
	cfg.roles = calloc(3, sizeof(*cfg.roles));
	cfg.nroles = 3;
	cfg.roles[0].name = strdup("admins");
	strlist_add(&cfg.roles[0].groups, "root");
	cfg.roles[0].read = PDGUARD_CAT_BASIC;
	cfg.roles[1].name = strdup("named");
	strlist_add(&cfg.roles[1].users, "root");
	cfg.roles[1].read = PDGUARD_CAT_MEDICAL;
	cfg.roles[2].name = strdup("others");
	strlist_add(&cfg.roles[2].groups, "nogroup");
	cfg.roles[2].read = PDGUARD_CAT_FINANCIAL;
	EXPECT_EQ(PDGUARD_CAT_BASIC | PDGUARD_CAT_MEDICAL, roles_uid_categories(&cfg, 0, names,
										   sizeof(names)));
	EXPECT_STREQ("admins,named", names);
	/* an unknown uid has no role */
	EXPECT_EQ(0, roles_uid_categories(&cfg, 4000000, names, sizeof(names)));
	config_free(&cfg);
}

TEST_HARNESS_MAIN

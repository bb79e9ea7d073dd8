// SPDX-License-Identifier: GPL-2.0
/*
 * Roles scoped by place ([role NAME] place = FOLDER): the key's checks and messages, what
 * `config dump` shows, and what a user may read where (policy/roles.c), as the drivers ask it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "policy/config.h"
#include "policy/roles.h"
#include "pdg_test.h"

#define PERS (PDGUARD_CAT_BASIC | PDGUARD_CAT_PERSONNEL)

/* Root is in every role here, by user or by its group: the tests need no accounts of their own. */
static const char branches[] =
	"[role hr-almaty]\n"
	"user = root\n"
	"read = basic personnel\n"
	"place = /srv/shares/almaty/\n"
	"place = /srv//shares/shymkent//\n"
	"[role hr-head]\n"
	"group = nonexistent-group-pdg\n"
	"read = medical\n"
	"place = /srv/shares\n"
	"[role staff]\n"
	"group = root\n"
	"read = basic\n"
	"export = basic\n"
	"[role managers-sales]\n"
	"group = root\n"
	"read = financial\n"
	"export = financial\n"
	"place = /srv/shares/almaty/sales\n";

FIXTURE(pol) {
	char path[64];
	struct config cfg;
};

FIXTURE_SETUP(pol)
{
	struct config_errors errs = { 0 };
	size_t i;
	int ret;

	ASSERT_EQ(0, pdg_write_tmp(self->path, "places", branches));
	ret = config_load(self->path, &self->cfg, &errs);
	for (i = 0; i < errs.n; i++)
		TH_LOG("%s:%u: %s", errs.v[i].file, errs.v[i].line, errs.v[i].msg);
	config_errors_free(&errs);
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(pol)
{
	config_free(&self->cfg);
	unlink(self->path);
}

TEST_F(pol, places_are_parsed_and_normalised)
{
	ASSERT_EQ(4, self->cfg.nroles);
	ASSERT_EQ(2, self->cfg.roles[0].places.n);
	/* repeated and trailing '/' go: "under" is a prefix test on one spelling */
	EXPECT_STREQ("/srv/shares/almaty", self->cfg.roles[0].places.v[0]);
	EXPECT_STREQ("/srv/shares/shymkent", self->cfg.roles[0].places.v[1]);
	EXPECT_EQ(0, self->cfg.roles[2].places.n);
	EXPECT_TRUE(roles_any_scoped(&self->cfg));
}

TEST_F(pol, dump_shows_the_scope_and_loads_back)
{
	struct config_errors errs = { 0 };
	struct config again;
	char *buf = NULL, dumped[64];
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	config_dump(&self->cfg, f, CONFIG_DUMP_ORIGINS);
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "[role hr-almaty]\nuser = root"));
	EXPECT_NE(NULL, strstr(buf, "\nplace = /srv/shares/almaty ; "));
	EXPECT_NE(NULL, strstr(buf, "\nplace = /srv/shares/shymkent ; "));
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	ASSERT_NE(NULL, f);
	config_dump(&self->cfg, f, 0);
	fclose(f);
	ASSERT_EQ(0, pdg_write_tmp(dumped, "places", buf));
	free(buf);
	ASSERT_EQ(0, config_load(dumped, &again, &errs));
	ASSERT_EQ(4, again.nroles);
	ASSERT_EQ(2, again.roles[0].places.n);
	EXPECT_STREQ("/srv/shares/shymkent", again.roles[0].places.v[1]);
	EXPECT_EQ(1, again.roles[3].places.n);
	config_free(&again);
	unlink(dumped);
}

TEST(path_under_is_by_components)
{
	EXPECT_TRUE(roles_path_under("/srv/shares/almaty", "/srv/shares/almaty"));
	EXPECT_TRUE(roles_path_under("/srv/shares/almaty/hr/x.csv", "/srv/shares/almaty"));
	EXPECT_FALSE(roles_path_under("/srv/shares/almaty-old/x.csv", "/srv/shares/almaty"));
	EXPECT_FALSE(roles_path_under("/srv/shares/astana/x.csv", "/srv/shares/almaty"));
	EXPECT_FALSE(roles_path_under("/srv/shares", "/srv/shares/almaty"));
	EXPECT_TRUE(roles_path_under("/anything", "/"));
}

TEST_F(pol, scoped_role_reads_in_its_branch_only)
{
	const struct config *c = &self->cfg;
	char names[128];

	/* anywhere: the unscoped role's basic only */
	EXPECT_EQ(PDGUARD_CAT_BASIC, roles_uid_categories(c, 0, names, sizeof(names)));
	/* every role the user is in is named, scoped or not */
	EXPECT_STREQ("hr-almaty,staff,managers-sales", names);
	EXPECT_EQ(PERS, roles_uid_categories_at(c, 0, "/srv/shares/almaty/hr/t2.csv", NULL, 0));
	EXPECT_EQ(PERS, roles_uid_categories_at(c, 0, "/srv/shares/shymkent/t2.csv", NULL, 0));
	/* another branch, a look-alike folder, no path: the scoped role gives nothing */
	EXPECT_EQ(PDGUARD_CAT_BASIC,
		  roles_uid_categories_at(c, 0, "/srv/shares/astana/hr/t2.csv", NULL, 0));
	EXPECT_EQ(PDGUARD_CAT_BASIC,
		  roles_uid_categories_at(c, 0, "/srv/shares/almaty2/t2.csv", NULL, 0));
	EXPECT_EQ(PDGUARD_CAT_BASIC, roles_uid_categories_at(c, 0, NULL, NULL, 0));
	/* two scoped roles nest: the union applies in the inner folder */
	EXPECT_EQ(PERS | PDGUARD_CAT_FINANCIAL,
		  roles_uid_categories_at(c, 0, "/srv/shares/almaty/sales/q4.xlsx", NULL, 0));
	/* export = is not by place */
	EXPECT_EQ(PDGUARD_CAT_BASIC | PDGUARD_CAT_FINANCIAL, roles_uid_export(c, 0, NULL, 0));
	/* an unknown uid has no role anywhere */
	EXPECT_EQ(0, roles_uid_categories_at(c, 4000000, "/srv/shares/almaty/x", NULL, 0));
}

TEST_F(pol, cached_scoped_roles_give_the_same_answer)
{
	const struct config *c = &self->cfg;
	uint16_t idx[8];
	int n;

	n = roles_uid_scoped(c, 0, idx, 8);
	ASSERT_EQ(2, n);
	EXPECT_EQ(0, idx[0]);
	EXPECT_EQ(3, idx[1]);
	EXPECT_EQ(PERS, roles_scoped_read(c, idx, n, "/srv/shares/almaty/x.csv"));
	EXPECT_EQ(0, roles_scoped_read(c, idx, n, "/srv/shares/astana/x.csv"));
	EXPECT_EQ(PERS | PDGUARD_CAT_FINANCIAL,
		  roles_scoped_read(c, idx, n, "/srv/shares/almaty/sales/x.csv"));
}

/* What the kernel's maps get: places once each, and per id the nearest place's union. */
TEST_F(pol, kernel_tables_resolve_nesting_by_path)
{
	struct role_place_id *v;
	struct strlist places;
	struct role_id *ids;
	ssize_t n, i, k;
	uint32_t at[8] = { 0 };

	ASSERT_EQ(0, roles_places(&self->cfg, &places));
	ASSERT_EQ(4, places.n);
	EXPECT_STREQ("/srv/shares/almaty", places.v[0]);
	EXPECT_STREQ("/srv/shares/shymkent", places.v[1]);
	EXPECT_STREQ("/srv/shares", places.v[2]);
	EXPECT_STREQ("/srv/shares/almaty/sales", places.v[3]);
	n = roles_resolve_places(&self->cfg, &places, &v);
	ASSERT_GE(n, 1);
	/* root by uid (hr-almaty) and gid 0 (managers-sales); hr-head's group does not exist */
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, v[i].id);
		ASSERT_LT(v[i].place, 4);
		at[v[i].place + (v[i].group ? 4 : 0)] |= v[i].read;
	}
	EXPECT_EQ(PERS, at[0]);			/* uid 0 at almaty */
	EXPECT_EQ(PERS, at[1]);			/* uid 0 at shymkent */
	EXPECT_EQ(0, at[2]);			/* /srv/shares itself: not its place */
	EXPECT_EQ(PERS, at[3]);			/* almaty/sales lies in almaty */
	EXPECT_EQ(0, at[4] | at[5] | at[6]);	/* gid 0: sales only */
	EXPECT_EQ(PDGUARD_CAT_FINANCIAL, at[7]);
	free(v);
	strlist_free(&places);
	/* the unscoped maps carry the unscoped read, and every role's export */
	n = roles_resolve(&self->cfg, &ids);
	ASSERT_EQ(2, n);
	for (k = 0; k < n; k++) {
		if (ids[k].group) {
			EXPECT_EQ(PDGUARD_CAT_BASIC, ids[k].read);
			EXPECT_EQ(PDGUARD_CAT_BASIC | PDGUARD_CAT_FINANCIAL, ids[k].export);
		} else {
			EXPECT_EQ(0, ids[k].read);
		}
	}
	free(ids);
}

FIXTURE(badplace) {
	char path[64];
};

FIXTURE_VARIANT(badplace) {
	const char *text;
	unsigned int line;
	const char *msg;
};

FIXTURE_VARIANT_ADD(badplace, relative) {
	"[role hr]\ngroup = hr\nplace = srv/shares\n", 3,
	"place = srv/shares: an absolute folder without '.' or '..' is required"
};
FIXTURE_VARIANT_ADD(badplace, dotdot) {
	"[role hr]\ngroup = hr\nplace = /srv/shares/almaty/../astana\n", 3,
	"place = /srv/shares/almaty/../astana: an absolute folder without '.' or '..' is required"
};
FIXTURE_VARIANT_ADD(badplace, unknown_key) {
	"[role hr]\ngroup = hr\nplaces = /srv/shares\n", 3,
	"unknown key 'places' in [role hr]: allowed keys are group, user, read, export and place"
};

FIXTURE_SETUP(badplace)
{
	ASSERT_EQ(0, pdg_write_tmp(self->path, "places", variant->text));
}

FIXTURE_TEARDOWN(badplace)
{
	unlink(self->path);
}

TEST_F(badplace, gets_file_line_and_reason)
{
	struct config_errors errs = { 0 };
	struct config cfg;

	EXPECT_EQ(-EINVAL, config_load(self->path, &cfg, &errs));
	ASSERT_EQ(1, errs.n);
	EXPECT_EQ(variant->line, errs.v[0].line);
	EXPECT_STREQ(variant->msg, errs.v[0].msg);
	config_errors_free(&errs);
	config_free(&cfg);
}

/* A drop-in empties a role's places with `place =` (then it reads everywhere again). */
TEST(empty_place_unscopes)
{
	struct config_errors errs = { 0 };
	struct config cfg;
	char path[64];

	ASSERT_EQ(0, pdg_write_tmp(path, "places", "[role hr]\nuser = root\nread = personnel\n"
			       "place = /srv/a\n[role hr]\nplace =\n"));
	ASSERT_EQ(0, config_load(path, &cfg, &errs));
	EXPECT_EQ(0, cfg.roles[0].places.n);
	EXPECT_FALSE(roles_any_scoped(&cfg));
	EXPECT_EQ(PDGUARD_CAT_PERSONNEL, roles_uid_categories(&cfg, 0, NULL, 0));
	config_free(&cfg);
	unlink(path);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * STATE/agent.stats: what the agent writes is what `pdguard stats` reads back; an event op that
 * could carry a path or a name never becomes a label value; past STATS_OPS distinct ops, the
 * rest count as "other"; a damaged file is refused, not half-read.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pdg_test.h"
#include "daemon/stats.h"

FIXTURE(sf) {
	char dir[64];
	char path[128];
	struct stats_counter c;
	struct agent_stats *w, *r;
};

FIXTURE_SETUP(sf)
{
	strcpy(self->dir, "/tmp/pdg-stats-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/" STATS_NAME, self->dir);
	stats_counter_init(&self->c);
	self->w = calloc(1, sizeof(*self->w));
	self->r = calloc(1, sizeof(*self->r));
	ASSERT_NE(NULL, self->w);
	ASSERT_NE(NULL, self->r);
}

FIXTURE_TEARDOWN(sf)
{
	stats_counter_destroy(&self->c);
	free(self->w);
	free(self->r);
	pdg_system_f("rm -rf '%s'", self->dir);
}

static uint64_t count_of(const struct agent_stats *s, const char *op, int dec)
{
	unsigned int i;

	for (i = 0; i < s->nops; i++)
		if (!strcmp(s->ops[i].op, op))
			return s->ops[i].n[dec];
	return 0;
}

TEST_F(sf, round_trip)
{
	int i;

	for (i = 0; i < 3; i++)
		stats_count(&self->c, "open", "deny");
	stats_count(&self->c, "open", "allow");
	stats_count(&self->c, "agent-stopped", "alert");
	stats_count(&self->c, "open", "maybe");		/* not a decision: "other" */
	self->w->started = 1700000000;
	self->w->updated = 1700000005;
	strcpy(self->w->engine, "pcre2");
	self->w->events_written = 7;
	self->w->labels = 10;
	self->w->labels_pd = 4;
	self->w->scan_done = true;
	self->w->drv.have = DRIVER_STAT_RINGBUF_DROPS;
	self->w->drv.ringbuf_drops = 2;
	stats_counter_copy(&self->c, self->w);
	ASSERT_EQ(0, stats_write(self->dir, self->w));
	ASSERT_EQ(0, stats_read(self->dir, self->r));
	EXPECT_EQ(1700000000, self->r->started);
	EXPECT_EQ(1700000005, self->r->updated);
	EXPECT_STREQ("pcre2", self->r->engine);
	EXPECT_EQ(7, self->r->events_written);
	EXPECT_EQ(4, self->r->labels_pd);
	EXPECT_TRUE(self->r->scan_done);
	EXPECT_EQ(DRIVER_STAT_RINGBUF_DROPS, self->r->drv.have);
	EXPECT_EQ(2, self->r->drv.ringbuf_drops);
	EXPECT_EQ(3, count_of(self->r, "open", STATS_DEC_DENY));
	EXPECT_EQ(1, count_of(self->r, "open", STATS_DEC_ALLOW));
	EXPECT_EQ(1, count_of(self->r, "open", STATS_DEC_OTHER));
	EXPECT_EQ(1, count_of(self->r, "agent-stopped", STATS_DEC_ALERT));
}

TEST_F(sf, an_op_that_could_name_something_counts_as_other)
{
	stats_count(&self->c, "/home/ivanov/salary.xlsx", "deny");
	stats_count(&self->c, "Иванов", "deny");
	stats_count(&self->c, "open\"}", "deny");
	stats_count(&self->c, "", "deny");
	stats_count(&self->c, NULL, "deny");
	stats_count(&self->c, "an-op-name-far-longer-than-any-of-ours", "deny");
	stats_counter_copy(&self->c, self->w);
	self->w->started = self->w->updated = 1;
	ASSERT_EQ(1, self->w->nops);
	EXPECT_STREQ("other", self->w->ops[0].op);
	EXPECT_EQ(6, self->w->ops[0].n[STATS_DEC_DENY]);
	ASSERT_EQ(0, stats_write(self->dir, self->w));
	EXPECT_EQ(0, pdg_count_lines(self->path, "ivanov"));
	EXPECT_EQ(0, pdg_count_lines(self->path, "Иванов"));
	EXPECT_EQ(1, pdg_count_lines(self->path, "event.other.deny=6"));
}

TEST_F(sf, past_the_limit_ops_count_as_other)
{
	char op[32];
	int i;

	for (i = 0; i < STATS_OPS + 5; i++) {
		snprintf(op, sizeof(op), "op-%d", i);
		stats_count(&self->c, op, "info");
	}
	stats_counter_copy(&self->c, self->w);
	ASSERT_EQ(STATS_OPS + 1, self->w->nops);
	EXPECT_STREQ("other", self->w->ops[STATS_OPS].op);
	EXPECT_EQ(5, self->w->ops[STATS_OPS].n[STATS_DEC_INFO]);
	self->w->started = self->w->updated = 1;
	ASSERT_EQ(0, stats_write(self->dir, self->w));
	ASSERT_EQ(0, stats_read(self->dir, self->r));
	EXPECT_EQ(STATS_OPS + 1, self->r->nops);
	EXPECT_EQ(5, count_of(self->r, "other", STATS_DEC_INFO));
}

TEST_F(sf, a_damaged_file_is_refused)
{
	FILE *f;

	EXPECT_EQ(-ENOENT, stats_read(self->dir, self->r));
	f = fopen(self->path, "we");
	ASSERT_NE(NULL, f);
	fputs("format=1\nstarted=1\nupdated=x\n", f);
	fclose(f);
	EXPECT_EQ(-EBADMSG, stats_read(self->dir, self->r));
	f = fopen(self->path, "we");
	ASSERT_NE(NULL, f);
	fputs("format=1\nstarted=1\nupdated=2\nevent./etc/passwd.deny=1\n", f);
	fclose(f);
	EXPECT_EQ(-EBADMSG, stats_read(self->dir, self->r));
	f = fopen(self->path, "we");
	ASSERT_NE(NULL, f);
	fputs("format=2\nstarted=1\nupdated=2\n", f);
	fclose(f);
	EXPECT_EQ(-EBADMSG, stats_read(self->dir, self->r));
	/* a newer agent's counter is not ours to show, and no reason to refuse the rest */
	f = fopen(self->path, "we");
	ASSERT_NE(NULL, f);
	fputs("format=1\nstarted=1\nupdated=2\nfuture_counter=9\nevents_written=3\n", f);
	fclose(f);
	EXPECT_EQ(0, stats_read(self->dir, self->r));
	EXPECT_EQ(3, self->r->events_written);
}

TEST_HARNESS_MAIN

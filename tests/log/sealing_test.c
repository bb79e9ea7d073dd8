// SPDX-License-Identifier: GPL-2.0
/*
 * Sealing in the writer and the verifier, with keys whose epochs lie in the past (no waiting):
 * a due seal is written before the next event and the key steps on; every seal checks with the
 * verification key; a removed key and a deleted live log are alerts, and the chain goes on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pdg_test.h"
#include "log/events.h"
#include "log/seal.h"

FIXTURE(seal) {
	char dir[64], log[96], key[96];
	struct seal_key k0;
};

FIXTURE_SETUP(seal)
{
	strcpy(self->dir, "/tmp/pdg-sealing-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->log, sizeof(self->log), "%s/events.jsonl", self->dir);
	snprintf(self->key, sizeof(self->key), "%s/" SEAL_KEY_FILE, self->dir);
	/* epoch 0 began 1000 s ago and lasts 10 s: a seal is due at once */
	ASSERT_EQ(0, seal_key_new(&self->k0, 10, time(NULL) - 1000));
	ASSERT_EQ(0, seal_key_save(self->key, &self->k0));
}

FIXTURE_TEARDOWN(seal)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", self->dir);
	pdg_system(cmd);
}

static int write_one(struct eventlog *log, const char *reason)
{
	struct event ev = event_agent("test", "info", reason);

	return eventlog_write(log, &ev);
}

TEST_F(seal, due_seal_is_written_first_and_checks)
{
	struct eventlog *log;
	struct seal_key now;
	struct seal_check sc;
	uint64_t lines, bad;
	char last[65];

	ASSERT_EQ(0, eventlog_open(&log, self->log));
	ASSERT_EQ(0, eventlog_seal_attach(log, self->key));
	ASSERT_EQ(0, write_one(log, "first sealed"));
	ASSERT_EQ(0, write_one(log, "second"));
	eventlog_close(log);
	/*
	 * one seal before "first sealed", for the epoch that just ended (the writer was away for
	 * the epochs before it); the key is at the current epoch now
	 */
	EXPECT_EQ(1, pdg_count_lines(self->log, "\"op\":\"seal\""));
	{
		char want[48];

		snprintf(want, sizeof(want), "\"epoch\":%llu,",
			 (unsigned long long)seal_epoch_at(&self->k0, time(NULL)) - 1);
		EXPECT_EQ(1, pdg_count_lines(self->log, want));
	}
	ASSERT_EQ(0, seal_key_load(self->key, &now));
	EXPECT_EQ(seal_epoch_at(&now, time(NULL)), now.epoch);
	EXPECT_NE(0, memcmp(now.k, self->k0.k, sizeof(now.k)));

	seal_check_init(&sc, &self->k0);
	ASSERT_EQ(0, eventlog_verify_sealed(self->log, NULL, &sc, &lines, &bad, last));
	EXPECT_EQ(3, lines);
	EXPECT_EQ(1, sc.nseals);
	EXPECT_EQ(2, sc.pending);

	/* a wrong verification key finds the seal forged */
	{
		struct seal_key other = self->k0;

		other.k[0] ^= 1;
		seal_check_init(&sc, &other);
		EXPECT_EQ(-EBADMSG, eventlog_verify_sealed(self->log, NULL, &sc, &lines, &bad,
							   last));
		EXPECT_EQ(1, bad);
		EXPECT_NE(NULL, strstr(sc.why, "does not match"));
	}
}

TEST_F(seal, removed_key_is_an_alert)
{
	struct eventlog *log;

	ASSERT_EQ(0, eventlog_open(&log, self->log));
	ASSERT_EQ(0, eventlog_seal_attach(log, self->key));
	ASSERT_EQ(0, unlink(self->key));
	ASSERT_EQ(0, write_one(log, "after the key went"));
	ASSERT_EQ(0, write_one(log, "and another"));
	eventlog_close(log);
	EXPECT_EQ(1, pdg_count_lines(self->log, "\"op\":\"log-seal\",\"decision\":\"alert\""));
	EXPECT_EQ(1, pdg_count_lines(self->log, "and another"));
}

TEST_F(seal, deleted_live_log_is_an_alert_and_the_chain_goes_on)
{
	struct eventlog *log;
	uint64_t lines, bad;
	char last[65];

	ASSERT_EQ(0, eventlog_open(&log, self->log));
	ASSERT_EQ(0, write_one(log, "one"));
	ASSERT_EQ(0, unlink(self->log));
	ASSERT_EQ(0, write_one(log, "two"));
	eventlog_close(log);
	EXPECT_EQ(1, pdg_count_lines(self->log, "\"op\":\"log-missing\",\"decision\":\"alert\""));
	EXPECT_EQ(1, pdg_count_lines(self->log, "\"reason\":\"two\""));
	/* the new file continues the chain: it verifies on its own, starting from a continuation */
	EXPECT_EQ(0, eventlog_verify(self->log, NULL, &lines, &bad, last));
	EXPECT_EQ(2, lines);
}

/* The verifier's rules on hand-made lines: order of seals, and events dated into the past. */
TEST(seal_check_rules)
{
	struct seal_key k0, k;
	struct seal_check sc;
	char line[512], mac[SEAL_MAC_HEX + 1], ts[32];
	const char *prev = "1111111111111111111111111111111111111111111111111111111111111111";
	time_t t;
	struct tm tm;

	ASSERT_EQ(0, seal_key_new(&k0, 60, 1700000000));
	k = k0;
	seal_key_evolve(&k, 3);
	seal_mac(&k, prev, mac);
	t = (time_t)seal_epoch_end(&k0, 3) + 1;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	snprintf(line, sizeof(line), "{\"ts\":\"%s\",\"seq\":9,\"op\":\"seal\",\"decision\":\"info\","
		 "\"epoch\":3,\"seal\":\"%s\",\"prev\":\"%s\"", ts, mac, prev);
	seal_check_init(&sc, &k0);
	ASSERT_EQ(0, seal_check_line(&sc, line, strlen(line), prev));
	EXPECT_EQ(3, sc.sealed);
	/* the same seal again: epochs only go forward */
	EXPECT_EQ(-EBADMSG, seal_check_line(&sc, line, strlen(line), prev));
	EXPECT_NE(NULL, strstr(sc.why, "after the seal of epoch 3"));

	/* an event dated an hour before the sealed epoch ended, after its seal: inserted later */
	seal_check_init(&sc, &k0);
	ASSERT_EQ(0, seal_check_line(&sc, line, strlen(line), prev));
	t -= 3600;
	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	snprintf(line, sizeof(line), "{\"ts\":\"%s\",\"seq\":10,\"op\":\"open\"", ts);
	EXPECT_EQ(-EBADMSG, seal_check_line(&sc, line, strlen(line), prev));

	/* the verification key as text, both ways */
	{
		char text[160];
		struct seal_key back;

		seal_verkey_format(&k0, text, sizeof(text));
		ASSERT_EQ(0, seal_verkey_parse(text, &back));
		EXPECT_EQ(0, memcmp(back.k, k0.k, sizeof(back.k)));
		EXPECT_EQ(k0.t0, back.t0);
		EXPECT_EQ(k0.interval, back.interval);
		EXPECT_EQ(-EINVAL, seal_verkey_parse("abc-1-2", &back));
	}
}

TEST_HARNESS_MAIN

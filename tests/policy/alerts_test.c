// SPDX-License-Identifier: GPL-2.0
/*
 * Alerts against a fake clock: each case is a generated stream of accesses (time, user,
 * process, file, decision) and the alerts it must raise. No sleeping, no timing.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <uapi/pdguard.h>

#include "policy/alerts.h"
#include "pdg_test.h"

#define T0 1767225600ULL	/* 2026-01-01T00:00:00Z */
#define NS 1000000000ULL
#define MAX_SEEN 16

struct seen {
	int n;
	char what[MAX_SEEN][32];
	char extra[MAX_SEEN][1024];
	uint32_t uid[MAX_SEEN];
	char client[MAX_SEEN][48];
};

static void collect(void *ctx, const struct event *ev)
{
	struct seen *s = ctx;
	const char *w;

	if (s->n < MAX_SEEN) {
		snprintf(s->extra[s->n], sizeof(s->extra[0]), "%s", ev->extra ? ev->extra : "");
		w = strstr(s->extra[s->n], "\"alert\":\"");
		snprintf(s->what[s->n], sizeof(s->what[0]), "%.*s",
			 w ? (int)strcspn(w + 9, "\"") : 0, w ? w + 9 : "");
		s->uid[s->n] = ev->uid;
		snprintf(s->client[s->n], sizeof(s->client[0]), "%s", ev->client ? ev->client : "");
	}
	s->n++;
}

/*
 * A stream: @n accesses, the i-th at T0 + start + i * step_ms, by user uid0 + i % users, by
 * process pid0 + i % procs (or one per access when procs is 0), of file i % files.
 */
struct stream {
	unsigned int n, step_ms, users, procs, files;
	uint64_t start_s;
	const char *decision;
};

struct alert_case {
	const char *name;
	unsigned int mass_files, mass_window, deny_burst, deny_window;
	int work_start, work_end;	/* minutes, -1 for none */
	struct stream s[3];
	int alerts;			/* how many */
	const char *first;		/* the first one's kind */
	const char *evidence;		/* a string its extra must hold, or NULL */
};

static const struct alert_case cases[] = {
	{ "600 distinct files in a minute, default 500/3600: one alert", 0, 0, 0, 0, -1, -1,
	  { { 600, 100, 1, 1, 600, 0, "allow" } }, 1, "mass-export",
	  "\"scope\":\"user+process\",\"count\":501,\"threshold\":500,\"window\":3600,"
	  "\"first_file\":\"/srv/hr/f0.csv\",\"last_file\":\"/srv/hr/f500.csv\"" },
	{ "600 files by 600 processes of one user: one alert, by user", 0, 0, 0, 0, -1, -1,
	  { { 600, 100, 1, 0, 600, 0, "allow" } }, 1, "mass-export", "\"scope\":\"user\"" },
	{ "one file read 600 times: none", 0, 0, 0, 0, -1, -1,
	  { { 600, 100, 1, 1, 1, 0, "allow" } }, 0, NULL, NULL },
	{ "500 files: not more than the threshold", 0, 0, 0, 0, -1, -1,
	  { { 500, 100, 1, 1, 500, 0, "allow" } }, 0, NULL, NULL },
	{ "600 files over 6000 s (360 an hour): none", 0, 0, 0, 0, -1, -1,
	  { { 600, 10000, 1, 1, 600, 0, "allow" } }, 0, NULL, NULL },
	{ "two users, 300 each: none", 0, 0, 0, 0, -1, -1,
	  { { 600, 100, 2, 2, 600, 0, "allow" } }, 0, NULL, NULL },
	{ "a file a second for 8000 s: re-armed once a window has passed", 0, 0, 0, 0, -1, -1,
	  { { 8000, 1000, 1, 1, 100000, 0, "allow" } }, 3, "mass-export", NULL },
	{ "denied reads are not exports", 0, 0, 1000, 60, -1, -1,
	  { { 600, 100, 1, 1, 600, 0, "deny" } }, 0, NULL, NULL },
	{ "audit would-deny reads count as reads", 0, 0, 1000, 60, -1, -1,
	  { { 600, 100, 1, 1, 600, 0, "would-deny" } }, 1, "mass-export", NULL },
	{ "small threshold from the policy: 3 files in 10 s", 3, 10, 0, 0, -1, -1,
	  { { 4, 1000, 1, 1, 4, 0, "allow" } }, 1, "mass-export",
	  "\"count\":4,\"threshold\":3,\"window\":10" },
	{ "small threshold, files 4 s apart: the window slides, none", 3, 10, 0, 0, -1, -1,
	  { { 10, 4000, 1, 1, 10, 0, "allow" } }, 0, NULL, NULL },
	{ "20 denials in 30 s: one deny-burst", 0, 0, 20, 60, -1, -1,
	  { { 20, 1500, 1, 1, 5, 0, "deny" } }, 1, "deny-burst", "\"count\":20" },
	{ "19 denials: none", 0, 0, 20, 60, -1, -1,
	  { { 19, 1500, 1, 1, 5, 0, "deny" } }, 0, NULL, NULL },
	{ "60 denials in 30 s: still one", 0, 0, 20, 60, -1, -1,
	  { { 60, 500, 1, 1, 5, 0, "deny" } }, 1, "deny-burst", NULL },
	{ "20 denials over 200 s: none", 0, 0, 20, 60, -1, -1,
	  { { 20, 10000, 1, 1, 5, 0, "deny" } }, 0, NULL, NULL },
	{ "PD inside working hours: none", 0, 0, 0, 0, 9 * 60, 18 * 60,
	  { { 3, 600000, 1, 1, 3, 10 * 3600, "allow" } }, 0, NULL, NULL },
	{ "PD at 20:00, 20:10, 20:20 then 21:10: once per user per hour", 0, 0, 0, 0,
	  9 * 60, 18 * 60,
	  { { 3, 600000, 1, 1, 3, 20 * 3600, "allow" }, { 1, 1000, 1, 1, 1, 21 * 3600 + 600,
	  "allow" } }, 2, "off-hours", "\"first_file\":\"/srv/hr/f0.csv\"" },
	{ "two users off hours: one alert each", 0, 0, 0, 0, 9 * 60, 18 * 60,
	  { { 2, 1000, 2, 2, 2, 23 * 3600, "allow" } }, 2, "off-hours", NULL },
	{ "night shift 22:00-06:00: 23:00 is inside, 12:00 is not", 0, 0, 0, 0, 22 * 60, 6 * 60,
	  { { 1, 1000, 1, 1, 1, 23 * 3600, "allow" }, { 1, 1000, 1, 1, 1, 36 * 3600, "allow" } },
	  1, "off-hours", NULL },
};

static void run_case(struct __test_metadata *_metadata, const struct alert_case *c)
{
	struct config cfg;
	struct alerts *a;
	struct seen seen = { 0 };
	char path[64];
	size_t k;
	unsigned int i;

	config_defaults(&cfg);
	if (c->mass_files) {
		cfg.mass_export_files = c->mass_files;
		cfg.mass_export_window_s = c->mass_window;
	}
	if (c->deny_burst) {
		cfg.deny_burst = c->deny_burst;
		cfg.deny_burst_window_s = c->deny_window;
	}
	cfg.work_start_min = c->work_start;
	cfg.work_end_min = c->work_end;
	ASSERT_EQ(0, alerts_new(&a, &cfg, NULL, collect, &seen));
	for (k = 0; k < 3 && c->s[k].n; k++) {
		const struct stream *s = &c->s[k];

		for (i = 0; i < s->n; i++) {
			struct alert_access x = {
				.ts_ns = (T0 + s->start_s) * NS + (uint64_t)i * s->step_ms * 1000000ULL,
				.uid = 5000 + i % s->users,
				.pid = s->procs ? 100 + i % s->procs : 10000 + i,
				.comm = "cat", .dev = 42, .ino = 1000 + i % s->files,
				.path = path, .categories = PDGUARD_CAT_PERSONNEL,
				.decision = s->decision, .driver = "fanotify",
			};

			snprintf(path, sizeof(path), "/srv/hr/f%u.csv", i % s->files);
			ASSERT_LE(0, alerts_feed(a, &x));
		}
	}
	EXPECT_EQ(c->alerts, seen.n) TH_LOG("%s", c->name);
	EXPECT_EQ((uint64_t)c->alerts, alerts_count(a));
	if (c->first && seen.n)
		EXPECT_STREQ(c->first, seen.what[0]);
	if (c->evidence && seen.n)
		EXPECT_NE(NULL, strstr(seen.extra[0], c->evidence)) TH_LOG("%s: %s", c->name,
								     seen.extra[0]);
	if (seen.n)
		EXPECT_NE(NULL, strstr(seen.extra[0], "\"first_time\":\"2026-01-0"));
	alerts_free(a);
	config_free(&cfg);
}

TEST(alert_cases)
{
	size_t i;

	setenv("TZ", "UTC", 1);
	tzset();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TH_LOG("case %zu: %s", i, cases[i].name);
		run_case(_metadata, &cases[i]);
	}
}

/*
 * A file server's children: one connection each, so a client that reconnects comes back as
 * another process. @clients clients of one user share 600 reads, each read by a new pid.
 */
static void served(struct __test_metadata *_metadata, int clients, struct seen *seen)
{
	static const char *const addrs[] = { "10.0.0.7", "2001:db8::9" };
	struct config cfg;
	struct alerts *a;
	unsigned int i;
	char path[64];

	config_defaults(&cfg);
	ASSERT_EQ(0, alerts_new(&a, &cfg, NULL, collect, seen));
	for (i = 0; i < 600; i++) {
		struct alert_access x = {
			.ts_ns = T0 * NS + (uint64_t)i * 100000000ULL, .uid = 5000,
			.pid = 20000 + i, .comm = "smbd", .dev = 42, .ino = 1000 + i,
			.path = path, .categories = PDGUARD_CAT_PERSONNEL, .decision = "allow",
			.driver = "fanotify", .client = addrs[i % clients],
		};

		snprintf(path, sizeof(path), "/srv/hr/f%u.csv", i);
		ASSERT_LE(0, alerts_feed(a, &x));
	}
	alerts_free(a);
	config_free(&cfg);
}

/* One client, 600 files over many connections: one alert, counted and named per client. */
TEST(one_client_one_alert)
{
	struct seen seen = { 0 };

	served(_metadata, 1, &seen);
	ASSERT_EQ(1, seen.n);
	EXPECT_STREQ("mass-export", seen.what[0]);
	EXPECT_NE(NULL, strstr(seen.extra[0], "\"scope\":\"user+client\",\"count\":501"))
		TH_LOG("%s", seen.extra[0]);
	EXPECT_STREQ("10.0.0.7", seen.client[0]);
	EXPECT_EQ(5000, seen.uid[0]);
}

/* Two clients, 300 files each: the user's count alerts, and names no one client. */
TEST(two_clients_user_alert)
{
	struct seen seen = { 0 };

	served(_metadata, 2, &seen);
	ASSERT_EQ(1, seen.n);
	EXPECT_NE(NULL, strstr(seen.extra[0], "\"scope\":\"user\""))
		TH_LOG("%s", seen.extra[0]);
	EXPECT_STREQ("", seen.client[0]);
}

/* Many users and processes: memory stays bounded, old keys are forgotten, nothing breaks. */
TEST(bounded_keys)
{
	struct seen seen = { 0 };
	struct config cfg;
	struct alerts *a;
	unsigned int i;

	config_defaults(&cfg);
	cfg.mass_export_files = 5;
	cfg.mass_export_window_s = 60;
	ASSERT_EQ(0, alerts_new(&a, &cfg, NULL, collect, &seen));
	for (i = 0; i < 20000; i++) {
		struct alert_access x = {
			.ts_ns = T0 * NS + i * 1000000ULL, .uid = i, .pid = i, .comm = "x",
			.ino = i, .path = "/f", .decision = "allow", .driver = "fanotify",
		};

		ASSERT_LE(0, alerts_feed(a, &x));
	}
	EXPECT_EQ(0, seen.n);
	alerts_free(a);
	config_free(&cfg);
}

/* Tamper refusals, the agent's stop and a policy reload raise an alert each, whatever the PD. */
TEST(watched_events)
{
	struct seen seen = { 0 };
	struct config cfg;
	struct alerts *a;
	struct event ev;

	config_defaults(&cfg);
	ASSERT_EQ(0, alerts_new(&a, &cfg, NULL, collect, &seen));

	ev = event_make("unpin", "deny", "only the pdguard agent may touch ...");
	ev.ts_ns = T0 * NS;
	ev.pid = 700;
	alerts_observe(a, &ev);
	ASSERT_EQ(1, seen.n);
	EXPECT_STREQ("tamper", seen.what[0]);
	EXPECT_NE(NULL, strstr(seen.extra[0], "\"evidence_op\":\"unpin\""));
	/* the same process again within 10 s: logged as a deny, no second alert */
	ev.op = "bpf";
	ev.ts_ns = T0 * NS + 5 * NS;
	alerts_observe(a, &ev);
	EXPECT_EQ(1, seen.n);
	/* after the quiet time, or another process: alerts again */
	ev.ts_ns = T0 * NS + 16 * NS;
	alerts_observe(a, &ev);
	EXPECT_EQ(2, seen.n);
	ev.pid = 701;
	ev.op = "ptrace";
	alerts_observe(a, &ev);
	EXPECT_EQ(3, seen.n);

	/* an ordinary denial of a file is no tamper; the same op allowed is none either */
	ev = event_make("open", "deny", "no role of this user may read personnel");
	alerts_observe(a, &ev);
	ev = event_make("bpf", "allow", NULL);
	alerts_observe(a, &ev);
	EXPECT_EQ(3, seen.n);

	ev = event_make("agent-stop", "info", "pdguard stopped");
	alerts_observe(a, &ev);
	ASSERT_EQ(4, seen.n);
	EXPECT_STREQ("agent-stopped", seen.what[3]);
	ev = event_make("policy-reload", "info", "policy reloaded (generation 2), mode enforce");
	alerts_observe(a, &ev);
	ASSERT_EQ(5, seen.n);
	EXPECT_STREQ("policy-changed", seen.what[4]);
	EXPECT_EQ(5, alerts_count(a));
	alerts_free(a);
	config_free(&cfg);
}

TEST_HARNESS_MAIN

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One pass over the event log for every report: each line is parsed once, and what the three
 * reports need is counted as it goes (per day, per user, per grant, the mode's history, the
 * alerts, the grant review's hours). Memory depends on the days, users, grants and files the
 * reports ask about, never on the number of events: a log of millions of lines streams through.
 */
#ifndef PDGUARD_REPORT_LOGSCAN_H
#define PDGUARD_REPORT_LOGSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/**
 * struct lev - one event line, parsed; strings point into the scanner's line buffer
 * @uid: -1 when null; @cats: PDGUARD_CAT_* from "categories"
 * @grant, @count, @threshold: extra members of grant and alert events (-1 when absent)
 */
struct lev {
	time_t ts;
	uint64_t seq;
	const char *op, *decision, *reason, *user, *comm, *path, *target, *label, *zone, *driver;
	int64_t uid;
	uint32_t cats;
	const char *mode, *alert, *approver, *by, *grantee, *until, *created;
	int64_t grant, count, threshold;
};

/* Parse one JSON event line in place (@line is modified). Return: 0 or -EBADMSG. */
int lev_parse(char *line, size_t len, struct lev *ev);
/* "2026-05-12T21:03:11.204Z" -> Unix time; -1 when not such a time. */
time_t parse_utc(const char *s);

/* A string -> int64 map (open addressing), for file paths the datamap asks about. */
struct strmap {
	char **keys;
	int64_t *vals;
	size_t n, cap, max;
};
void strmap_init(struct strmap *m, size_t max);
void strmap_free(struct strmap *m);
/* The value slot of @key, added (with @init) when absent and @add; NULL when absent or full. */
int64_t *strmap_get(struct strmap *m, const char *key, bool add, int64_t init);

/* What happened on one day (UTC) */
struct day_count {
	int64_t day;		/* days since the epoch */
	uint64_t pd_opens, denials, would_deny, alerts, copies, refused_copies, events;
};

struct user_count {
	int64_t uid;
	char name[64];
	uint64_t pd_opens, denials, would_deny, alerts, copies;
	time_t last_pd;
};

/**
 * struct grant_seen - a grant as the log tells it
 * @added, @revoked, @expired: times of its events (0: none)
 * @uses: PD reads the grant allowed ("granted: ..." while it was in force); @last_use
 */
struct grant_seen {
	int64_t id;
	int64_t uid;
	char user[64], approver[128], by[64];
	uint32_t cats;
	time_t created, until, added, revoked, expired;
	uint64_t uses;
	time_t first_use, last_use;
};

struct mode_change {
	time_t ts;
	uint64_t seq;
	char mode[16];
	char op[24];
};

struct alert_seen {
	time_t ts;
	char kind[24], user[64], first[256], last[256];
	int64_t count, threshold;
};

/* One event of the grant review (the reviewed user, in the window). */
struct review_event {
	time_t ts;
	char op[16], decision[16], zone[16];
	char *path;
	uint32_t cats;
	char *reason;
};

/* One hour of the review: PD files opened, distinct, copies, refusals. */
struct review_hour {
	time_t hour;
	uint64_t opens, distinct, copies, refused;
};

/**
 * struct logscan - the options of the pass and everything it counts
 * @since, @until: only events in [since, until) are counted (0: open ends); the mode history,
 *                 grants and policy changes are read from the whole log (they are state)
 * @review, @rv_uid, @rv_from, @rv_to: the grant review's user and window
 * @files: filled with the paths of PD files opened: value = the last open (up to its max)
 * @labelled: filled with paths the log last labelled PD (or derived): value = that time
 */
struct logscan {
	time_t since, until;
	bool review;
	int64_t rv_uid;
	time_t rv_from, rv_to;
	size_t rv_limit;
	struct strmap *files;
	struct strmap *labelled;

	uint64_t lines, bad_lines, events_in_range;
	time_t first_ts, last_ts;
	struct day_count *days;
	size_t ndays;
	struct user_count *users;
	size_t nusers, users_cap;
	int32_t *user_slots;		/* uid hash -> index in @users, -1 empty */
	uint64_t users_dropped;
	struct grant_seen *grants;
	size_t ngrants;
	struct mode_change *modes;
	size_t nmodes;
	uint64_t modes_total;
	uint64_t policy_reloads, seals, agent_starts, agent_stops, overflows, watchdogs;
	time_t last_reload;
	char last_mode[16];
	time_t last_mode_ts;
	char drivers[4][16];
	uint64_t driver_events[4];
	uint64_t alerts_total, alerts_by_kind[4];
	struct alert_seen *alerts;
	size_t nalerts;
	uint64_t label_seal_missing;

	struct review_event *rv;
	size_t nrv;
	uint64_t rv_total, rv_opens, rv_copies, rv_refused, rv_alerts, rv_mass_alerts;
	struct review_hour *hours;
	size_t nhours;
	struct strmap rv_hour_files;
};

#define LOGSCAN_MAX_MODES 200
#define LOGSCAN_MAX_ALERTS 200
#define LOGSCAN_MAX_USERS 65536
#define LOGSCAN_MAX_GRANTS 100000

extern const char *const alert_kinds[4];

void logscan_init(struct logscan *s);
void logscan_free(struct logscan *s);
/*
 * Read @path (an event log file), counting into @s. Lines that are not events are counted in
 * @s->bad_lines and skipped (the chain check says where the log was damaged).
 * Return: 0 or -errno when the file cannot be read.
 */
int logscan_file(struct logscan *s, const char *path);
/* Is @ev a read of PD content (open/read/mmap/exec of a pd or derived file)? */
bool lev_is_pd_read(const struct lev *ev);
/* Is @ev a copy into a zone (usb, cloud) attempted? */
bool lev_is_copy(const struct lev *ev);

#endif /* PDGUARD_REPORT_LOGSCAN_H */

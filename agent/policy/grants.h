/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Grants: a PD category given to one user until a time, with an approver and a reason.
 *
 * Kept in one file in the agent's state directory (STATE/grants, mode 0600), replaced atomically
 * (temp file + fsync + rename) under a lock file, so the CLI (`pdguard grant`) and the daemon
 * can both change it. The daemon and the drivers read it through grants_allowed(), which reloads
 * the file when it changed. An expired grant stops counting at once (the check compares times);
 * grants_take_expired() hands each expiry out once so the daemon logs it once.
 */
#ifndef PDGUARD_GRANTS_H
#define PDGUARD_GRANTS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define GRANTS_FILE "grants"

/**
 * struct grant - one grant
 * @id: unique, increasing, never reused
 * @uid, @user: whom it is for
 * @categories: PDGUARD_CAT_* it adds to the user's roles
 * @created, @until: when it was given, when it ends (seconds since the epoch)
 * @revoked: when it was revoked, 0 if not
 * @expire_logged: its expiry was handed out by grants_take_expired()
 * @by: who gave it (SUDO_USER, else the login uid's name)
 * @approver, @reason: as given with --approver and --reason
 * @export: an export grant (`grant add --export`): it lets PD out to a zone and never widens
 *	reads; the fields below are for export grants only (empty strings, 0, false otherwise)
 * @group: @uid is a gid and @user a group name: every member of the group holds the grant
 * @zones: GRANT_ZONE_* kinds the export may go to
 * @zone_path: when not empty, only files under this folder of the zone (a named stick or
 *	cloud folder)
 * @path: when not empty, only PD read from this file or from files under this folder
 * @approver2: the second approver ([agent] export_approvers = 2)
 */
#define GRANT_ZONE_USB		(1U << 0)
#define GRANT_ZONE_CLOUD	(1U << 1)

struct grant {
	unsigned int id;
	uid_t uid;
	uint32_t categories;
	bool export;
	bool group;
	unsigned int zones;
	char *zone_path;
	char *path;
	char *approver2;
	time_t created;
	time_t until;
	time_t revoked;
	bool expire_logged;
	char *user;
	char *by;
	char *approver;
	char *reason;
};

/**
 * struct grants - the grants file, as last read
 * @lock: taken by every function below (they may be called from any thread)
 * @path: STATE/grants; @lockpath: STATE/grants.lock
 * @v, @n: the grants, oldest first
 * @next_id: id of the next grant added
 * @f_ino, @f_size, @f_mtime_ns: the file as last read (-1 ino: absent); a change reloads it
 * @checked: monotonic second of the last change check (at most one stat a second)
 */
struct grants {
	pthread_mutex_t lock;
	char *path;
	char *lockpath;
	struct grant *v;
	size_t n;
	unsigned int next_id;
	ino_t f_ino;
	off_t f_size;
	int64_t f_mtime_ns;
	time_t checked;
};

/**
 * grants_open() - read STATE_DIR/grants (a missing file is no grants)
 * Return: 0 or -errno (-EBADMSG: the file is damaged; it is left alone).
 */
int grants_open(struct grants **out, const char *state_dir);
void grants_close(struct grants *g);

/* Re-read the file if it changed since the last read. Return: 1 reloaded, 0 unchanged, -errno. */
int grants_reload(struct grants *g);

/*
 * PD categories granted to @uid at @now: read grants (not export ones) not revoked with
 * until > now. Checks (at most once
 * a second) whether the file changed, so a revoke or a new grant counts without a restart.
 */
uint32_t grants_allowed(struct grants *g, uid_t uid, time_t now);

/**
 * grants_add() - add a grant and save the file
 * @gr: uid, user, categories, until, by, approver, reason (id, created and revoked are set here)
 * @now: the time it is given; @gr->until must be later (else -EINVAL)
 * @id: receives the new grant's id
 */
int grants_add(struct grants *g, const struct grant *gr, time_t now, unsigned int *id);

/* Revoke grant @id at @now; copy it into @out (free with grant_free). -ENOENT, -EALREADY. */
int grants_revoke(struct grants *g, unsigned int id, time_t now, struct grant *out);

/**
 * grants_take_expired() - grants that ended (until <= @now, not revoked) and were not handed out
 * before; marks them in the file so each expiry is reported once, also across restarts
 * @out: receives a malloc'ed array of copies (free with grants_free_array), or NULL when none
 * Return: how many, or -errno.
 */
int grants_take_expired(struct grants *g, time_t now, struct grant **out);

/* Copies of every grant (@all) or only of those active at @now. Return: count or -errno. */
int grants_list(struct grants *g, bool all, time_t now, struct grant **out);

/**
 * struct export_ask - an export to be judged
 * @uid, @gids, @ngids: who exports (the user and every group it is in)
 * @cats: the PD categories it carries and the grants must cover
 * @zone: GRANT_ZONE_USB or GRANT_ZONE_CLOUD
 * @dest: the file written on the zone (its path), or NULL when unknown (then a grant limited to
 *	a zone path does not count)
 * @approvers: how many approvers the policy asks for (1 or 2); grants with fewer do not count
 */
struct export_ask {
	uid_t uid;
	const gid_t *gids;
	int ngids;
	uint32_t cats;
	unsigned int zone;
	const char *dest;
	unsigned int approvers;
};

#define EXPORT_MATCH_IDS 4

/**
 * struct export_match - the grants that let an export out
 * @cats: the categories they cover together
 * @ids, @n: the grants, in the order they were given
 * @approver, @approver2: of the first one
 */
struct export_match {
	uint32_t cats;
	unsigned int ids[EXPORT_MATCH_IDS];
	int n;
	char approver[128];
	char approver2[128];
};

/**
 * grants_export_match() - active export grants by category (no --path) that cover @q
 * Fills @m with the grants that count (m->cats may cover only part of q->cats).
 * Return: true when m->cats covers every category of q->cats.
 */
bool grants_export_match(struct grants *g, const struct export_ask *q, time_t now,
			 struct export_match *m);

/**
 * grants_export_sources() - active export grants with a --path that covers the file @src, for
 * the user and groups of @q (q->cats, zone and dest are not looked at; q->gids NULL: the
 * user's groups are looked up when a group's grant covers @src)
 * @changed: @src's ctime: a grant covers the file as it was when the grant was given, so one
 *	changed since, or within the same second (written, linked, renamed into the folder), is
 *	not covered
 * @ids: receives up to @max grant ids
 * Return: how many.
 */
int grants_export_sources(struct grants *g, const struct export_ask *q, const char *src,
			  time_t changed, time_t now, unsigned int *ids, int max);

/* Whether an export grant with a --path is active at @now (the file is checked for changes). */
bool grants_export_any_path(struct grants *g, time_t now);

/**
 * grants_export_by_ids() - whether one of the path grants @ids (from grants_export_sources())
 * is still active and covers @q (categories, zone, zone path); fills @m with it
 */
bool grants_export_by_ids(struct grants *g, const unsigned int *ids, int n,
			  const struct export_ask *q, time_t now, struct export_match *m);

/* "usb", "cloud", "usb cloud"; with ":PATH" when @gr has a zone path. */
void grants_format_zone(const struct grant *gr, char *buf, size_t len);
/* "usb", "cloud", "any", "usb:PATH", "cloud:PATH" -> @zones and @path (malloc'ed, "" if none). */
int grants_parse_zone(const char *s, unsigned int *zones, char **path);

void grant_free(struct grant *gr);
void grants_free_array(struct grant *v, size_t n);

/**
 * grants_parse_time() - "+7d", "+2h", "+30m", "+90s", "+1w", or ISO 8601: "2025-06-30",
 * "2025-06-30T18:00", "2025-06-30 18:00:00", with an optional "Z" or "+05:00"
 *
 * A date alone means the end of that day (23:59:59 local time): "until June 30" includes it.
 * Times without a zone are local. Return: 0 or -EINVAL.
 */
int grants_parse_time(const char *s, time_t now, time_t *out);

/* "2025-06-30T18:00:00Z" (UTC, as the event log writes times). */
void grants_format_time(time_t t, char *buf, size_t len);

struct eventlog;

/**
 * grants_log() - write a grant's change to the event log
 * @op: "grant-add", "grant-revoke" or "grant-expire"
 * @actor: who did it ("root", a SUDO_USER, "pdguard" for an expiry)
 *
 * The event's uid/user is the grantee (so one filter on the user shows her accesses and the
 * grants behind them), its reason the grant's reason; "grant", "grantee", "by", "approver",
 * "until" and "created" are extra members.
 */
int grants_log(struct eventlog *log, const char *op, const struct grant *gr, const char *actor);

#endif /* PDGUARD_GRANTS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The access review: who may read and export which PD category (the policy's roles resolved
 * through the groups the system gives each user — getgrouplist(), so SSSD and winbind groups
 * count — plus grants), what each did with it according to the log, grants that expired or were
 * never used; and the grant review: for one grant, or one user and a period, every PD file
 * opened, copied or refused, the counts per hour against the mass-export threshold, a verdict.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/pdguard.h>

#include "lib/vocab.h"
#include "policy/grants.h"
#include "policy/roles.h"
#include "report/report.h"

#define ACCESS_MAX_USERS 100000
#define ACCESS_MAX_GROUPS 256

static bool in_list(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], s))
			return true;
	return false;
}

static void cats_str(uint32_t cats, char *buf, size_t len)
{
	vocab_categories_format(cats, " ", "", buf, len);
}

/* Candidate users: named by roles, members of the roles' groups, grantees, users in the log. */
static void add_uid(uid_t **v, size_t *n, uid_t uid)
{
	size_t i;
	uid_t *nv;

	for (i = 0; i < *n; i++)
		if ((*v)[i] == uid)
			return;
	if (*n >= ACCESS_MAX_USERS)
		return;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return;
	*v = nv;
	nv[(*n)++] = uid;
}

static void collect_users(const struct report_ctx *c, const struct logscan *ls,
			  const struct grant *gv, int gn, uid_t **v, size_t *n)
{
	struct passwd *pw;
	struct group *gr;
	size_t r, i;
	char **m;

	for (r = 0; r < c->cfg.nroles; r++) {
		const struct config_role *role = &c->cfg.roles[r];

		for (i = 0; i < role->users.n; i++)
			if ((pw = getpwnam(role->users.v[i])))
				add_uid(v, n, pw->pw_uid);
		for (i = 0; i < role->groups.n; i++) {
			gr = getgrnam(role->groups.v[i]);
			if (!gr)
				continue;
			for (m = gr->gr_mem; *m; m++)
				if ((pw = getpwnam(*m)))
					add_uid(v, n, pw->pw_uid);
		}
	}
	/* users whose primary group is a role's group (not listed as members) */
	setpwent();
	while ((pw = getpwent())) {
		gr = getgrgid(pw->pw_gid);
		for (r = 0; gr && r < c->cfg.nroles; r++)
			if (in_list(&c->cfg.roles[r].groups, gr->gr_name))
				add_uid(v, n, pw->pw_uid);
	}
	endpwent();
	for (i = 0; i < (size_t)gn; i++)
		add_uid(v, n, gv[i].uid);
	for (i = 0; i < ls->nusers; i++)
		if (ls->users[i].uid >= 0)
			add_uid(v, n, (uid_t)ls->users[i].uid);
}

static int cmp_uid(const void *a, const void *b)
{
	uid_t x = *(const uid_t *)a, y = *(const uid_t *)b;

	return x < y ? -1 : x > y;
}

static const struct user_count *log_user(const struct logscan *ls, uid_t uid)
{
	size_t i;

	for (i = 0; i < ls->nusers; i++)
		if (ls->users[i].uid == (int64_t)uid)
			return &ls->users[i];
	return NULL;
}

static void users_section(const struct report_ctx *c, struct doc *d, const struct logscan *ls,
			  const struct grant *gv, int gn)
{
	static const char *const cols[] = { "user", "uid", "kind", "groups", "roles", "read",
					    "export", "granted", "effective_read", "pd_opens",
					    "denials", "would_deny", "copies", "last_pd_open",
					    "read_by_place" };
	char groups[1024], roles[512], cats[128], places[2048];
	uid_t *uids = NULL;
	size_t n = 0, i, r, off, roff, poff, k2;
	gid_t gl[ACCESS_MAX_GROUPS];
	struct section *s;
	struct cell *row;
	int ng, g, k;
	uint64_t with_pd = 0;

	collect_users(c, ls, gv, gn, &uids, &n);
	qsort(uids, n, sizeof(*uids), cmp_uid);
	s = doc_section(d, "users", cols, 15);
	for (i = 0; s && i < n; i++) {
		struct passwd *pw = getpwuid(uids[i]);
		const struct user_count *u = log_user(ls, uids[i]);
		uint32_t read = 0, exp = 0, granted = 0;
		bool svc, scoped = false;

		groups[0] = roles[0] = places[0] = '\0';
		off = roff = poff = 0;
		if (pw) {
			ng = ACCESS_MAX_GROUPS;
			if (getgrouplist(pw->pw_name, pw->pw_gid, gl, &ng) < 0)
				ng = ACCESS_MAX_GROUPS;
			for (g = 0; g < ng; g++) {
				struct group *gr = getgrgid(gl[g]);

				if (gr && off < sizeof(groups))
					off += snprintf(groups + off, sizeof(groups) - off, "%s%s",
							off ? " " : "", gr->gr_name);
			}
			for (r = 0; r < c->cfg.nroles; r++) {
				const struct config_role *role = &c->cfg.roles[r];
				bool member = in_list(&role->users, pw->pw_name);

				for (g = 0; !member && g < ng; g++) {
					struct group *gr = getgrgid(gl[g]);

					member = gr && in_list(&role->groups, gr->gr_name);
				}
				if (!member)
					continue;
				exp |= role->export;
				/* a scoped role reads under its places only: "read" is what holds
				 * everywhere, "read_by_place" the rest, place by place */
				if (!role->places.n)
					read |= role->read;
				else
					scoped = true;
				for (k2 = 0; role->read && k2 < role->places.n &&
				     poff < sizeof(places); k2++) {
					cats_str(role->read, cats, sizeof(cats));
					poff += snprintf(places + poff, sizeof(places) - poff,
							 "%s%s under %s", poff ? "; " : "", cats,
							 role->places.v[k2]);
				}
				if (roff < sizeof(roles))
					roff += snprintf(roles + roff, sizeof(roles) - roff, "%s%s",
							 roff ? " " : "", role->name);
			}
		}
		for (k = 0; k < gn; k++)
			if (!gv[k].export && gv[k].uid == uids[i] && !gv[k].revoked &&
			    gv[k].until > c->now)
				granted |= gv[k].categories;
		svc = pw && (pw->pw_uid < 1000 || strstr(pw->pw_shell, "nologin") ||
			     strstr(pw->pw_shell, "/false"));
		if (read | granted || scoped)
			with_pd++;
		row = doc_row(s);
		if (!row)
			continue;
		if (pw)
			cell_str(&row[0], pw->pw_name);
		else
			cell_str(&row[0], u && u->name[0] ? u->name : NULL);
		cell_int(&row[1], uids[i]);
		cell_str(&row[2], !pw ? "unknown" : !pw->pw_uid ? "root" :
			 svc ? "service" : "person");
		cell_str(&row[3], groups);
		cell_str(&row[4], roles);
		cats_str(read, cats, sizeof(cats));
		cell_str(&row[5], cats);
		cats_str(exp, cats, sizeof(cats));
		cell_str(&row[6], cats);
		cats_str(granted, cats, sizeof(cats));
		cell_str(&row[7], cats);
		cats_str(read | granted, cats, sizeof(cats));
		cell_str(&row[8], cats);
		cell_int(&row[9], u ? (int64_t)u->pd_opens : 0);
		cell_int(&row[10], u ? (int64_t)u->denials : 0);
		cell_int(&row[11], u ? (int64_t)u->would_deny : 0);
		cell_int(&row[12], u ? (int64_t)u->copies : 0);
		cell_time(&row[13], u ? u->last_pd : 0);
		cell_str(&row[14], places);
	}
	doc_sum_int(d, "users_listed", (int64_t)n);
	doc_sum_int(d, "users_who_may_read_pd", (int64_t)with_pd);
	free(uids);
}

static void roles_section(const struct report_ctx *c, struct doc *d)
{
	static const char *const cols[] = { "role", "groups", "users", "read", "export",
					    "places" };
	char buf[1024], cats[128];
	struct section *s = doc_section(d, "roles", cols, 6);
	struct cell *r;
	size_t i, k, off;

	for (i = 0; s && i < c->cfg.nroles; i++) {
		const struct config_role *role = &c->cfg.roles[i];

		if (!(r = doc_row(s)))
			continue;
		cell_str(&r[0], role->name);
		for (k = 0, off = 0, buf[0] = '\0'; k < role->groups.n && off < sizeof(buf); k++)
			off += snprintf(buf + off, sizeof(buf) - off, "%s%s", k ? " " : "",
					role->groups.v[k]);
		cell_str(&r[1], buf);
		for (k = 0, off = 0, buf[0] = '\0'; k < role->users.n && off < sizeof(buf); k++)
			off += snprintf(buf + off, sizeof(buf) - off, "%s%s", k ? " " : "",
					role->users.v[k]);
		cell_str(&r[2], buf);
		cats_str(role->read, cats, sizeof(cats));
		cell_str(&r[3], cats);
		cats_str(role->export, cats, sizeof(cats));
		cell_str(&r[4], cats);
		/* empty: the role reads everywhere; else its read holds under these only */
		for (k = 0, off = 0, buf[0] = '\0'; k < role->places.n && off < sizeof(buf); k++)
			off += snprintf(buf + off, sizeof(buf) - off, "%s%s", k ? " " : "",
					role->places.v[k]);
		cell_str(&r[5], buf);
	}
	doc_sum_int(d, "roles", (int64_t)c->cfg.nroles);
}

static const struct grant_seen *seen_grant(const struct logscan *ls, unsigned int id)
{
	size_t i;

	for (i = 0; i < ls->ngrants; i++)
		if (ls->grants[i].id == id)
			return &ls->grants[i];
	return NULL;
}

static void grants_section(const struct report_ctx *c, struct doc *d, const struct logscan *ls,
			   const struct grant *gv, int gn)
{
	static const char *const cols[] = { "id", "user", "categories", "created", "until",
					    "status", "approver", "granted_by", "reason", "uses",
					    "first_use", "last_use", "note" };
	uint64_t active = 0, expired = 0, revoked = 0, unused = 0;
	struct section *s = doc_section(d, "grants", cols, 13);
	char cats[128];
	struct cell *r;
	int i;

	if (s)
		s->chart = (struct chart){ CHART_HBAR, 0, { 9 }, 1, 0 };
	for (i = 0; i < gn; i++) {
		const struct grant *g = &gv[i];
		const struct grant_seen *gs = seen_grant(ls, g->id);
		const char *status = g->revoked ? "revoked" : g->until <= c->now ? "expired" :
						  "active";
		uint64_t uses = gs ? gs->uses : 0;
		const char *note = "";

		active += !strcmp(status, "active");
		expired += !strcmp(status, "expired");
		revoked += !strcmp(status, "revoked");
		if (!uses && strcmp(status, "active")) {
			unused++;
			note = "never used";
		} else if (!uses) {
			note = "not used yet";
		}
		if (!gs)
			note = "not in the log (rotated out or removed)";
		if (!s || !(r = doc_row(s)))
			continue;
		cell_int(&r[0], g->id);
		cell_str(&r[1], g->user);
		cats_str(g->categories, cats, sizeof(cats));
		cell_str(&r[2], cats);
		cell_time(&r[3], g->created);
		cell_time(&r[4], g->until);
		cell_str(&r[5], status);
		cell_str(&r[6], g->approver);
		cell_str(&r[7], g->by);
		cell_str(&r[8], g->reason);
		cell_int(&r[9], (int64_t)uses);
		cell_time(&r[10], gs ? gs->first_use : 0);
		cell_time(&r[11], gs ? gs->last_use : 0);
		cell_str(&r[12], note);
	}
	doc_sum_int(d, "grants_active", (int64_t)active);
	doc_sum_int(d, "grants_expired", (int64_t)expired);
	doc_sum_int(d, "grants_revoked", (int64_t)revoked);
	doc_sum_int(d, "grants_never_used", (int64_t)unused);
}

/* The review's sections and verdict, from what the pass collected. */
static void review_sections(const struct report_ctx *c, struct doc *d, const struct logscan *ls,
			    const char *who, unsigned int thr_hour)
{
	static const char *const hcols[] = { "hour", "pd_opens", "distinct_files", "copies",
					     "refused", "threshold" };
	static const char *const ecols[] = { "time", "op", "decision", "path", "categories",
					     "zone", "reason" };
	uint64_t max_distinct = 0;
	const char *verdict;
	char text[512], cats[128];
	struct section *s;
	struct cell *r;
	size_t i;

	s = doc_section(d, "review_hours", hcols, 6);
	if (s)
		s->chart = (struct chart){ CHART_TIME, 0, { 2, 3, 4 }, 3, thr_hour };
	for (i = 0; i < ls->nhours; i++) {
		const struct review_hour *h = &ls->hours[i];

		if (h->distinct > max_distinct)
			max_distinct = h->distinct;
		if (!s || !(r = doc_row(s)))
			continue;
		cell_time(&r[0], h->hour);
		cell_int(&r[1], (int64_t)h->opens);
		cell_int(&r[2], (int64_t)h->distinct);
		cell_int(&r[3], (int64_t)h->copies);
		cell_int(&r[4], (int64_t)h->refused);
		cell_int(&r[5], thr_hour);
	}
	s = doc_section(d, "review_events", ecols, 7);
	for (i = 0; s && i < ls->nrv; i++) {
		const struct review_event *e = &ls->rv[i];

		if (!(r = doc_row(s)))
			continue;
		cell_time(&r[0], e->ts);
		cell_str(&r[1], e->op);
		cell_str(&r[2], e->decision);
		cell_str(&r[3], e->path);
		cats_str(e->cats, cats, sizeof(cats));
		cell_str(&r[4], cats);
		cell_str(&r[5], e->zone[0] ? e->zone : NULL);
		cell_str(&r[6], e->reason);
	}
	if (s)
		s->total = ls->rv_total;

	if (ls->rv_mass_alerts || max_distinct > thr_hour) {
		verdict = "mass-export";
		snprintf(text, sizeof(text), "MASS EXPORT: %s read up to %llu distinct PD files in one "
			 "hour (threshold %u an hour) and %llu mass-export alert(s) were raised",
			 who, (unsigned long long)max_distinct, thr_hour,
			 (unsigned long long)ls->rv_mass_alerts);
	} else if (ls->rv_copies) {
		verdict = "copies";
		snprintf(text, sizeof(text), "NO MASS EXPORT, but %llu cop%s of PD to USB or cloud "
			 "zones went through: check them below", (unsigned long long)ls->rv_copies,
			 ls->rv_copies == 1 ? "y" : "ies");
	} else {
		verdict = "clean";
		snprintf(text, sizeof(text), "NO MASS EXPORT: at most %llu distinct PD files an hour "
			 "(threshold %u), no copy to USB or cloud zones, no mass-export alert",
			 (unsigned long long)max_distinct, thr_hour);
	}
	doc_sum_str(d, "review_user", who);
	doc_sum_time(d, "review_from", ls->rv_from);
	doc_sum_time(d, "review_to", ls->rv_to);
	doc_sum_int(d, "review_pd_opens", (int64_t)ls->rv_opens);
	doc_sum_int(d, "review_copies", (int64_t)ls->rv_copies);
	doc_sum_int(d, "review_refused", (int64_t)ls->rv_refused);
	doc_sum_int(d, "review_max_files_per_hour", (int64_t)max_distinct);
	doc_sum_int(d, "mass_export_threshold_per_hour", thr_hour);
	doc_sum_int(d, "review_alerts", (int64_t)ls->rv_alerts);
	doc_sum_str(d, "verdict", verdict);
	doc_sum_str(d, "verdict_text", text);
	(void)c;
}

int report_access(const struct report_ctx *c, struct doc *d)
{
	struct grants *g = NULL;
	struct grant *gv = NULL;
	struct logscan ls;
	struct passwd *pw;
	char who[96] = "";
	unsigned int thr_hour;
	int gn = 0, ret, i;

	ret = grants_open(&g, c->cfg.state);
	if (!ret) {
		gn = grants_list(g, true, c->now, &gv);
		if (gn < 0)
			gn = 0;
		grants_close(g);
	} else if (ret != -ENOENT) {
		return ret;
	}
	logscan_init(&ls);
	ls.since = c->since;
	ls.until = c->until;
	ls.rv_limit = c->limit;
	if (c->grant_id >= 0) {
		for (i = 0; i < gn && gv[i].id != (unsigned int)c->grant_id; i++)
			;
		if (i == gn) {
			grants_free_array(gv, gn);
			logscan_free(&ls);
			return -ENOENT;
		}
		ls.review = true;
		ls.rv_uid = gv[i].uid;
		ls.rv_from = c->since ? c->since : gv[i].created;
		ls.rv_to = c->until ? c->until :
			   gv[i].revoked && gv[i].revoked < gv[i].until ? gv[i].revoked :
			   gv[i].until < c->now ? gv[i].until : c->now + 1;
		snprintf(who, sizeof(who), "%s (grant %u)", gv[i].user, gv[i].id);
	} else if (c->user) {
		pw = getpwnam(c->user);
		if (!pw) {
			char *end;
			unsigned long v = strtoul(c->user, &end, 10);

			if (*end || end == c->user) {
				grants_free_array(gv, gn);
				logscan_free(&ls);
				return -ESRCH;
			}
			ls.rv_uid = (int64_t)v;
		} else {
			ls.rv_uid = pw->pw_uid;
		}
		ls.review = true;
		ls.rv_from = c->since ? c->since : c->now - 7 * 86400;
		ls.rv_to = c->until ? c->until : c->now + 1;
		snprintf(who, sizeof(who), "%s", c->user);
	}
	report_scan_log(c, &ls);
	roles_section(c, d);
	users_section(c, d, &ls, gv, gn);
	grants_section(c, d, &ls, gv, gn);
	if (ls.review) {
		unsigned int files = c->cfg.mass_export_files, win = c->cfg.mass_export_window_s;

		/* the policy's threshold is per window; an hour's share of it */
		thr_hour = win >= 3600 ? (unsigned int)((uint64_t)files * 3600 / win) : files;
		if (!thr_hour)
			thr_hour = 1;
		review_sections(c, d, &ls, who, thr_hour);
	}
	doc_sum_int(d, "log_events_counted", (int64_t)ls.events_in_range);
	grants_free_array(gv, gn);
	logscan_free(&ls);
	return 0;
}

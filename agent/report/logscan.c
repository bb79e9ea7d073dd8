// SPDX-License-Identifier: GPL-2.0
/* One streaming pass over the event log for the reports (report/logscan.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vocab.h"
#include "report/logscan.h"

const char *const alert_kinds[4] = { "mass-export", "off-hours", "deny-burst", "other" };

time_t parse_utc(const char *s)
{
	struct tm tm = { 0 };
	const char *end;

	if (!s)
		return -1;
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end)
		return -1;
	return timegm(&tm);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static long read_u4(const char *p)
{
	long v = 0;
	int i, h;

	for (i = 0; i < 4; i++) {
		h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static char *put_utf8(char *w, long cp)
{
	if (cp < 0x80) {
		*w++ = (char)cp;
	} else if (cp < 0x800) {
		*w++ = (char)(0xc0 | cp >> 6);
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*w++ = (char)(0xe0 | cp >> 12);
		*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	} else {
		*w++ = (char)(0xf0 | cp >> 18);
		*w++ = (char)(0x80 | (cp >> 12 & 0x3f));
		*w++ = (char)(0x80 | (cp >> 6 & 0x3f));
		*w++ = (char)(0x80 | (cp & 0x3f));
	}
	return w;
}

/*
 * A JSON string at *@pp (its opening quote), unescaped in place: the text is never longer than
 * its escaped form. \udcXX gives back the raw byte the writer escaped (lib/json.h).
 */
static char *parse_string(char **pp, const char *end)
{
	char *r = *pp + 1, *w = r, *start = r;
	long cp, lo;

	for (;;) {
		/* the common case: a run with nothing to unescape, moved only after an escape */
		char *q = r;

		while (q < end && *q != '"' && *q != '\\')
			q++;
		if (w != r)
			memmove(w, r, (size_t)(q - r));
		w += q - r;
		r = q;
		if (r >= end)
			return NULL;
		if (*r == '"')
			break;
		if (r + 1 >= end)
			return NULL;
		switch (r[1]) {
		case 'n': *w++ = '\n'; r += 2; continue;
		case 't': *w++ = '\t'; r += 2; continue;
		case 'r': *w++ = '\r'; r += 2; continue;
		case 'b': *w++ = '\b'; r += 2; continue;
		case 'f': *w++ = '\f'; r += 2; continue;
		case 'u': break;
		default: *w++ = r[1]; r += 2; continue;
		}
		if (r + 6 > end || (cp = read_u4(r + 2)) < 0)
			return NULL;
		r += 6;
		if (cp >= 0xdc80 && cp <= 0xdcff) {
			*w++ = (char)(cp & 0xff);
			continue;
		}
		if (cp >= 0xd800 && cp <= 0xdbff && r + 6 <= end && r[0] == '\\' && r[1] == 'u' &&
		    (lo = read_u4(r + 2)) >= 0xdc00 && lo <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			r += 6;
		}
		w = put_utf8(w, cp);
	}
	*w = '\0';
	*pp = r + 1;
	return start;
}

/* Skip any JSON value at *@pp, up to the comma or brace that ends it. */
static int skip_value(char **pp, const char *end)
{
	char *p = *pp;
	int depth = 0;

	while (p < end) {
		if (*p == '"') {
			if (!parse_string(&p, end))
				return -EBADMSG;
			continue;
		}
		if (*p == '{' || *p == '[') {
			depth++;
		} else if (*p == '}' || *p == ']') {
			if (!depth)
				break;
			depth--;
		} else if (*p == ',' && !depth) {
			break;
		}
		p++;
	}
	*pp = p;
	return 0;
}

static uint32_t parse_categories(char **pp, const char *end)
{
	char *p = *pp, *s;
	uint32_t cats = 0;
	int i;

	p++;
	while (p < end && *p != ']') {
		if (*p == '"') {
			s = parse_string(&p, end);
			if (!s)
				break;
			i = vocab_category_find(s);
			if (i >= 0)
				cats |= 1U << i;
			continue;
		}
		p++;
	}
	*pp = p < end ? p + 1 : p;
	return cats;
}

int lev_parse(char *line, size_t len, struct lev *ev)
{
	char *p = line, *end = line + len, *key, *v;
	int64_t num;

	memset(ev, 0, sizeof(*ev));
	ev->uid = ev->grant = ev->count = ev->threshold = -1;
	ev->ts = -1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p++ != '{')
		return -EBADMSG;
	while (p < end) {
		if (*p == '}')
			break;
		if (*p == ',' || *p == ' ') {
			p++;
			continue;
		}
		if (*p != '"' || !(key = parse_string(&p, end)))
			return -EBADMSG;
		if (p >= end || *p++ != ':')
			return -EBADMSG;
		if (*p == '"') {
			v = parse_string(&p, end);
			if (!v)
				return -EBADMSG;
			switch (key[0]) {
			case 'a':
				if (!strcmp(key, "alert"))
					ev->alert = v;
				else if (!strcmp(key, "approver"))
					ev->approver = v;
				break;
			case 'b': if (!strcmp(key, "by")) ev->by = v; break;
			case 'c':
				if (!strcmp(key, "comm"))
					ev->comm = v;
				else if (!strcmp(key, "created"))
					ev->created = v;
				break;
			case 'd':
				if (!strcmp(key, "decision"))
					ev->decision = v;
				else if (!strcmp(key, "driver"))
					ev->driver = v;
				break;
			case 'g': if (!strcmp(key, "grantee")) ev->grantee = v; break;
			case 'l': if (!strcmp(key, "label")) ev->label = v; break;
			case 'm': if (!strcmp(key, "mode")) ev->mode = v; break;
			case 'o': if (!strcmp(key, "op")) ev->op = v; break;
			case 'p': if (!strcmp(key, "path")) ev->path = v; break;
			case 'r': if (!strcmp(key, "reason")) ev->reason = v; break;
			case 't':
				if (!strcmp(key, "ts"))
					ev->ts = parse_utc(v);
				else if (!strcmp(key, "target"))
					ev->target = v;
				break;
			case 'u':
				if (!strcmp(key, "user"))
					ev->user = v;
				else if (!strcmp(key, "until"))
					ev->until = v;
				break;
			case 'z': if (!strcmp(key, "zone")) ev->zone = v; break;
			}
		} else if (*p == '[' && !strcmp(key, "categories")) {
			ev->cats = parse_categories(&p, end);
		} else if ((*p >= '0' && *p <= '9') || *p == '-') {
			num = strtoll(p, &v, 10);
			if (v == p)
				return -EBADMSG;
			if (!strcmp(key, "uid"))
				ev->uid = num;
			else if (!strcmp(key, "seq"))
				ev->seq = (uint64_t)num;
			else if (!strcmp(key, "grant"))
				ev->grant = num;
			else if (!strcmp(key, "count"))
				ev->count = num;
			else if (!strcmp(key, "threshold"))
				ev->threshold = num;
			p = v;
			if (skip_value(&p, end))
				return -EBADMSG;
		} else if (skip_value(&p, end)) {
			return -EBADMSG;
		}
	}
	/* a line cut short (a torn write) is not an event */
	if (p >= end || *p != '}')
		return -EBADMSG;
	return ev->op && ev->ts >= 0 ? 0 : -EBADMSG;
}

static bool is(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

bool lev_is_pd_read(const struct lev *ev)
{
	if (!is(ev->label, "pd") && !is(ev->label, "derived") && !ev->cats)
		return false;
	return is(ev->op, "open") || is(ev->op, "read") || is(ev->op, "mmap") ||
	       is(ev->op, "exec");
}

bool lev_is_copy(const struct lev *ev)
{
	return ev->zone && *ev->zone && ev->decision && !is(ev->op, "zone-add") &&
	       !is(ev->op, "zone-remove") &&
	       (is(ev->decision, "allow") || is(ev->decision, "deny") ||
		is(ev->decision, "would-deny"));
}

/* ---- a small string map ---- */

void strmap_init(struct strmap *m, size_t max)
{
	memset(m, 0, sizeof(*m));
	m->max = max;
}

void strmap_free(struct strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	strmap_init(m, m->max);
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static int strmap_grow(struct strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64, i, j;
	char **keys = calloc(cap, sizeof(*keys));
	int64_t *vals = calloc(cap, sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return -ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		j = hash_str(m->keys[i]) & (cap - 1);
		while (keys[j])
			j = (j + 1) & (cap - 1);
		keys[j] = m->keys[i];
		vals[j] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->cap = cap;
	return 0;
}

int64_t *strmap_get(struct strmap *m, const char *key, bool add, int64_t init)
{
	size_t j;

	if (m->cap) {
		j = hash_str(key) & (m->cap - 1);
		while (m->keys[j]) {
			if (!strcmp(m->keys[j], key))
				return &m->vals[j];
			j = (j + 1) & (m->cap - 1);
		}
	}
	if (!add || m->n >= m->max)
		return NULL;
	if ((m->n + 1) * 2 > m->cap && strmap_grow(m))
		return NULL;
	j = hash_str(key) & (m->cap - 1);
	while (m->keys[j])
		j = (j + 1) & (m->cap - 1);
	m->keys[j] = strdup(key);
	if (!m->keys[j])
		return NULL;
	m->vals[j] = init;
	m->n++;
	return &m->vals[j];
}

/* ---- the pass ---- */

void logscan_init(struct logscan *s)
{
	memset(s, 0, sizeof(*s));
	s->rv_uid = -1;
	s->rv_limit = 1000;
	strmap_init(&s->rv_hour_files, 1000000);
}

void logscan_free(struct logscan *s)
{
	size_t i;

	for (i = 0; i < s->nrv; i++) {
		free(s->rv[i].path);
		free(s->rv[i].reason);
	}
	free(s->rv);
	free(s->hours);
	free(s->days);
	free(s->users);
	free(s->user_slots);
	free(s->grants);
	free(s->modes);
	free(s->alerts);
	strmap_free(&s->rv_hour_files);
}

static struct day_count *day_of(struct logscan *s, time_t ts)
{
	int64_t day = ts / 86400;
	struct day_count *v;
	size_t i;

	/* the log is written in time order: the day is the last one, or close to it */
	for (i = s->ndays; i-- > 0;)
		if (s->days[i].day == day)
			return &s->days[i];
	v = realloc(s->days, (s->ndays + 1) * sizeof(*v));
	if (!v)
		return NULL;
	s->days = v;
	/* keep the days sorted */
	for (i = s->ndays; i > 0 && v[i - 1].day > day; i--)
		v[i] = v[i - 1];
	memset(&v[i], 0, sizeof(v[i]));
	v[i].day = day;
	s->ndays++;
	return &v[i];
}

#define USER_SLOTS (2 * LOGSCAN_MAX_USERS)	/* a power of two, twice the users at most */

static struct user_count *user_of(struct logscan *s, const struct lev *ev)
{
	size_t h;

	if (ev->uid < 0)
		return NULL;
	if (!s->user_slots) {
		s->user_slots = malloc(USER_SLOTS * sizeof(*s->user_slots));
		if (!s->user_slots)
			return NULL;
		memset(s->user_slots, 0xff, USER_SLOTS * sizeof(*s->user_slots));
	}
	h = ((uint64_t)ev->uid * 0x9e3779b97f4a7c15ULL >> 40) & (USER_SLOTS - 1);
	while (s->user_slots[h] >= 0) {
		if (s->users[s->user_slots[h]].uid == ev->uid)
			return &s->users[s->user_slots[h]];
		h = (h + 1) & (USER_SLOTS - 1);
	}
	if (s->nusers >= LOGSCAN_MAX_USERS) {
		s->users_dropped++;
		return NULL;
	}
	if (s->nusers == s->users_cap) {
		size_t cap = s->users_cap ? s->users_cap * 2 : 32;
		struct user_count *v = realloc(s->users, cap * sizeof(*v));

		if (!v)
			return NULL;
		s->users = v;
		s->users_cap = cap;
	}
	memset(&s->users[s->nusers], 0, sizeof(s->users[0]));
	s->users[s->nusers].uid = ev->uid;
	snprintf(s->users[s->nusers].name, sizeof(s->users[0].name), "%s",
		 ev->user ? ev->user : "");
	s->user_slots[h] = (int32_t)s->nusers;
	return &s->users[s->nusers++];
}

static struct grant_seen *grant_of(struct logscan *s, int64_t id, bool add)
{
	struct grant_seen *v;
	size_t i;

	for (i = s->ngrants; i-- > 0;)
		if (s->grants[i].id == id)
			return &s->grants[i];
	if (!add || s->ngrants >= LOGSCAN_MAX_GRANTS)
		return NULL;
	v = realloc(s->grants, (s->ngrants + 1) * sizeof(*v));
	if (!v)
		return NULL;
	s->grants = v;
	memset(&v[s->ngrants], 0, sizeof(v[0]));
	v[s->ngrants].id = id;
	return &v[s->ngrants++];
}

static void note_grant(struct logscan *s, const struct lev *ev)
{
	struct grant_seen *g;

	if (ev->grant < 0 || !(g = grant_of(s, ev->grant, true)))
		return;
	g->uid = ev->uid;
	snprintf(g->user, sizeof(g->user), "%s", ev->grantee ? ev->grantee :
		 ev->user ? ev->user : "");
	if (ev->approver)
		snprintf(g->approver, sizeof(g->approver), "%s", ev->approver);
	if (is(ev->op, "grant-add") && ev->by)
		snprintf(g->by, sizeof(g->by), "%s", ev->by);
	g->cats = ev->cats;
	if (ev->created)
		g->created = parse_utc(ev->created);
	if (ev->until)
		g->until = parse_utc(ev->until);
	if (is(ev->op, "grant-add"))
		g->added = ev->ts;
	else if (is(ev->op, "grant-revoke"))
		g->revoked = ev->ts;
	else if (is(ev->op, "grant-expire"))
		g->expired = ev->ts;
}

/* A read the log says a grant allowed: the newest grant of that user in force then. */
static void note_grant_use(struct logscan *s, const struct lev *ev)
{
	struct grant_seen *g;
	size_t i;

	for (i = s->ngrants; i-- > 0;) {
		g = &s->grants[i];
		if (g->uid != ev->uid || ev->ts < g->created || ev->ts >= g->until ||
		    (g->revoked && ev->ts >= g->revoked))
			continue;
		if (!g->uses++)
			g->first_use = ev->ts;
		g->last_use = ev->ts;
		return;
	}
}

static void note_mode(struct logscan *s, const struct lev *ev, const char *mode)
{
	struct mode_change *m;

	s->modes_total++;
	if (!strcmp(s->last_mode, mode))
		return;
	snprintf(s->last_mode, sizeof(s->last_mode), "%s", mode);
	s->last_mode_ts = ev->ts;
	if (s->nmodes >= LOGSCAN_MAX_MODES)
		return;
	m = realloc(s->modes, (s->nmodes + 1) * sizeof(*m));
	if (!m)
		return;
	s->modes = m;
	m = &m[s->nmodes++];
	m->ts = ev->ts;
	m->seq = ev->seq;
	snprintf(m->mode, sizeof(m->mode), "%s", mode);
	snprintf(m->op, sizeof(m->op), "%s", ev->op);
}

static void note_alert(struct logscan *s, const struct lev *ev)
{
	struct alert_seen *a;
	int k;

	s->alerts_total++;
	for (k = 0; k < 3 && !is(ev->alert, alert_kinds[k]); k++)
		;
	s->alerts_by_kind[k]++;
	if (s->nalerts >= LOGSCAN_MAX_ALERTS)
		return;
	a = realloc(s->alerts, (s->nalerts + 1) * sizeof(*a));
	if (!a)
		return;
	s->alerts = a;
	a = &a[s->nalerts++];
	memset(a, 0, sizeof(*a));
	a->ts = ev->ts;
	a->count = ev->count;
	a->threshold = ev->threshold;
	snprintf(a->kind, sizeof(a->kind), "%s", ev->alert ? ev->alert : "?");
	snprintf(a->user, sizeof(a->user), "%s", ev->user ? ev->user : "");
	/* first_file is not parsed: the last file is the event's path */
	snprintf(a->last, sizeof(a->last), "%s", ev->path ? ev->path : "");
}

static void note_driver(struct logscan *s, const char *drv)
{
	int i;

	if (!drv || !strcmp(drv, "agent"))
		return;
	for (i = 0; i < 4; i++) {
		if (!s->drivers[i][0])
			snprintf(s->drivers[i], sizeof(s->drivers[i]), "%s", drv);
		if (!strcmp(s->drivers[i], drv)) {
			s->driver_events[i]++;
			return;
		}
	}
}

static void note_review(struct logscan *s, const struct lev *ev, bool pd_read, bool copy)
{
	bool refused = is(ev->decision, "deny");
	time_t hour = ev->ts - ev->ts % 3600;
	struct review_hour *h = NULL;
	struct review_event *r;
	size_t i;

	if (is(ev->op, "alert")) {
		s->rv_alerts++;
		s->rv_mass_alerts += is(ev->alert, "mass-export");
	}
	if (!pd_read && !copy && !refused)
		return;
	s->rv_total++;
	s->rv_opens += pd_read && !refused;
	s->rv_copies += copy && !refused;
	s->rv_refused += refused;
	for (i = s->nhours; i-- > 0;)
		if (s->hours[i].hour == hour) {
			h = &s->hours[i];
			break;
		}
	if (!h) {
		h = realloc(s->hours, (s->nhours + 1) * sizeof(*h));
		if (!h)
			return;
		s->hours = h;
		h = &h[s->nhours++];
		memset(h, 0, sizeof(*h));
		h->hour = hour;
		/* distinct files are counted per hour; the log is in time order */
		strmap_free(&s->rv_hour_files);
	}
	if (pd_read && !refused) {
		h->opens++;
		if (ev->path && !strmap_get(&s->rv_hour_files, ev->path, false, 0) &&
		    strmap_get(&s->rv_hour_files, ev->path, true, 1))
			h->distinct++;
	}
	h->copies += copy && !refused;
	h->refused += refused;
	if (s->nrv >= s->rv_limit)
		return;
	r = realloc(s->rv, (s->nrv + 1) * sizeof(*r));
	if (!r)
		return;
	s->rv = r;
	r = &r[s->nrv++];
	memset(r, 0, sizeof(*r));
	r->ts = ev->ts;
	snprintf(r->op, sizeof(r->op), "%s", ev->op);
	snprintf(r->decision, sizeof(r->decision), "%s", ev->decision ? ev->decision : "");
	snprintf(r->zone, sizeof(r->zone), "%s", ev->zone ? ev->zone : "");
	r->path = ev->path ? strdup(ev->path) : NULL;
	r->reason = ev->reason ? strdup(ev->reason) : NULL;
	r->cats = ev->cats;
}

static void count_event(struct logscan *s, const struct lev *ev)
{
	bool pd_read, copy, in_range;
	struct day_count *d;
	struct user_count *u;
	int64_t *v;
	const char *m;

	if (!s->first_ts || ev->ts < s->first_ts)
		s->first_ts = ev->ts;
	if (ev->ts > s->last_ts)
		s->last_ts = ev->ts;

	/* state, from the whole log: grants, mode, policy, labels */
	if (!strncmp(ev->op, "grant-", 6))
		note_grant(s, ev);
	if (is(ev->op, "agent-start")) {
		s->agent_starts++;
		if (ev->mode)
			note_mode(s, ev, ev->mode);
	} else if (is(ev->op, "agent-stop")) {
		s->agent_stops++;
	} else if (is(ev->op, "policy-reload")) {
		s->policy_reloads++;
		s->last_reload = ev->ts;
		if (ev->reason && (m = strstr(ev->reason, "mode ")) &&
		    (!strncmp(m + 5, "audit", 5) || !strncmp(m + 5, "enforce", 7)))
			note_mode(s, ev, m[5] == 'a' ? "audit" : "enforce");
	} else if (is(ev->op, "seal")) {
		s->seals++;
	} else if (is(ev->op, "overflow")) {
		s->overflows++;
	} else if (is(ev->op, "watchdog")) {
		s->watchdogs++;
	} else if ((is(ev->op, "label") || is(ev->op, "label-set") || is(ev->op, "label-clear")) &&
		   ev->path && s->labelled) {
		bool pd = is(ev->label, "pd") || is(ev->label, "derived") ||
			  is(ev->label, "unknown");

		v = strmap_get(s->labelled, ev->path, pd, ev->ts);
		if (v)
			*v = pd ? ev->ts : 0;
	}

	pd_read = lev_is_pd_read(ev);
	copy = lev_is_copy(ev);
	if (pd_read && ev->reason && !strncmp(ev->reason, "granted", 7) &&
	    !is(ev->decision, "deny"))
		note_grant_use(s, ev);
	if (pd_read && ev->path && s->files && !is(ev->decision, "deny") &&
	    (v = strmap_get(s->files, ev->path, true, 0)) && ev->ts > *v)
		*v = ev->ts;
	if (s->review && ev->uid == s->rv_uid && ev->ts >= s->rv_from && ev->ts < s->rv_to)
		note_review(s, ev, pd_read, copy);

	in_range = (!s->since || ev->ts >= s->since) && (!s->until || ev->ts < s->until);
	if (!in_range)
		return;
	s->events_in_range++;
	note_driver(s, ev->driver);
	d = day_of(s, ev->ts);
	u = user_of(s, ev);
	if (!d)
		return;
	d->events++;
	if (pd_read && !is(ev->decision, "deny")) {
		d->pd_opens++;
		if (u) {
			u->pd_opens++;
			if (ev->ts > u->last_pd)
				u->last_pd = ev->ts;
		}
	}
	if (is(ev->decision, "deny")) {
		d->denials++;
		if (u)
			u->denials++;
	} else if (is(ev->decision, "would-deny")) {
		d->would_deny++;
		if (u)
			u->would_deny++;
	}
	if (copy) {
		if (is(ev->decision, "deny")) {
			d->refused_copies++;
		} else {
			d->copies++;
			if (u)
				u->copies++;
		}
	}
	if (is(ev->op, "alert")) {
		d->alerts++;
		if (u)
			u->alerts++;
		note_alert(s, ev);
	}
}

int logscan_file(struct logscan *s, const char *path)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	struct lev ev;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while ((len = getline(&line, &cap, f)) > 0) {
		s->lines++;
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (lev_parse(line, (size_t)len, &ev)) {
			s->bad_lines++;
			continue;
		}
		count_event(s, &ev);
	}
	free(line);
	len = ferror(f) ? -EIO : 0;
	fclose(f);
	return (int)len;
}

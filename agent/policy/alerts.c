// SPDX-License-Identifier: GPL-2.0
/*
 * Alerts over the stream of PD accesses (alerts.h). A key (a user or a process) holds a sliding
 * window of distinct files: a ring ordered by first read within the window, and a hash set of
 * the ring's file ids to recognise a file read again. Ring entries older than the window fall
 * off the head. The ring holds at most threshold + 1 entries: when it is full, the newest
 * threshold + 1 distinct reads all lie in the window, so "more than threshold" stays true, and
 * memory stays bounded whatever the rate.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/vocab.h"
#include "policy/alerts.h"

#define NS 1000000000ULL

/* KEY_PROCESS: a process (pid), or for a served client the pair (uid, client): client_key() */
enum { KEY_USER, KEY_PROCESS, KEY_KINDS };

struct file_ent {
	uint64_t id;
	uint64_t ts_ns;
	uint32_t cats;
	char *path;
};

/* A ring of entries with timestamps; distinct files when @set is used. */
struct window {
	struct file_ent *ring;
	size_t cap, head, n;
	uint64_t *set;		/* file ids in the ring; 0 marks an empty slot */
	size_t setcap;
};

struct key {
	bool used;
	uint64_t id;			/* uid, pid or client_key() */
	uint64_t last_ns;		/* for least-recently-active eviction */
	struct window files;		/* distinct PD files read */
	uint64_t quiet_until_ns;	/* mass-export re-arm */
	/* user keys only */
	struct window denials;
	uint64_t deny_quiet_until_ns;
	uint64_t offhours_last_ns;
	unsigned int offhours_count;
};

struct alerts {
	pthread_mutex_t lock;
	unsigned int mass_files, mass_window_s;
	int work_start, work_end;
	unsigned int deny_burst, deny_window_s;
	struct key keys[KEY_KINDS][ALERTS_MAX_KEYS];
	struct eventlog *log;
	alerts_sink_fn sink;
	void *ctx;
	uint64_t raised;
	/* tamper alerts: one per process per TAMPER_QUIET_S, so a loop cannot flood the log */
	pid_t tamper_pid;
	uint64_t tamper_last_ns;
};

#define TAMPER_QUIET_S 10

static void window_free(struct window *w)
{
	size_t i;

	for (i = 0; w->ring && i < w->n; i++)
		free(w->ring[(w->head + i) % w->cap].path);
	free(w->ring);
	free(w->set);
	memset(w, 0, sizeof(*w));
}

static int window_init(struct window *w, size_t cap, bool distinct)
{
	memset(w, 0, sizeof(*w));
	w->cap = cap;
	w->ring = calloc(cap, sizeof(*w->ring));
	if (distinct) {
		for (w->setcap = 16; w->setcap < cap * 2; w->setcap *= 2)
			;
		w->set = calloc(w->setcap, sizeof(*w->set));
	}
	if (!w->ring || (distinct && !w->set)) {
		window_free(w);
		return -ENOMEM;
	}
	return 0;
}

static size_t set_slot(const struct window *w, uint64_t id)
{
	uint64_t h = id * 0x9e3779b97f4a7c15ULL;

	return (h ^ (h >> 31)) & (w->setcap - 1);
}

static bool set_has(const struct window *w, uint64_t id)
{
	size_t i;

	for (i = set_slot(w, id); w->set[i]; i = (i + 1) & (w->setcap - 1))
		if (w->set[i] == id)
			return true;
	return false;
}

static void set_add(struct window *w, uint64_t id)
{
	size_t i;

	for (i = set_slot(w, id); w->set[i]; i = (i + 1) & (w->setcap - 1))
		if (w->set[i] == id)
			return;
	w->set[i] = id;
}

/* Backward-shift deletion: keeps probe chains whole without tombstones. */
static void set_del(struct window *w, uint64_t id)
{
	size_t mask = w->setcap - 1, i, j;

	for (i = set_slot(w, id); w->set[i] && w->set[i] != id; i = (i + 1) & mask)
		;
	if (!w->set[i])
		return;
	w->set[i] = 0;
	for (j = (i + 1) & mask; w->set[j]; j = (j + 1) & mask) {
		size_t home = set_slot(w, w->set[j]);

		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			w->set[i] = w->set[j];
			w->set[j] = 0;
			i = j;
		}
	}
}

static void window_pop(struct window *w)
{
	struct file_ent *e = &w->ring[w->head];

	if (w->set)
		set_del(w, e->id);
	free(e->path);
	e->path = NULL;
	w->head = (w->head + 1) % w->cap;
	w->n--;
}

/* Drop what is older than @span_ns before @now. */
static void window_expire(struct window *w, uint64_t now, uint64_t span_ns)
{
	while (w->n && w->ring[w->head].ts_ns + span_ns <= now)
		window_pop(w);
}

/* Add an entry (a distinct window ignores a file it already holds). Return: added. */
static bool window_push(struct window *w, uint64_t id, uint64_t now, uint32_t cats,
			const char *path)
{
	struct file_ent *e;

	if (w->set && set_has(w, id))
		return false;
	if (w->n == w->cap)
		window_pop(w);
	e = &w->ring[(w->head + w->n) % w->cap];
	e->id = id;
	e->ts_ns = now;
	e->cats = cats;
	e->path = strdup(path ? path : "");
	if (w->set)
		set_add(w, id);
	w->n++;
	return true;
}

static const struct file_ent *window_first(const struct window *w)
{
	return &w->ring[w->head];
}

static const struct file_ent *window_last(const struct window *w)
{
	return &w->ring[(w->head + w->n - 1) % w->cap];
}

static uint32_t window_cats(const struct window *w)
{
	uint32_t c = 0;
	size_t i;

	for (i = 0; i < w->n; i++)
		c |= w->ring[(w->head + i) % w->cap].cats;
	return c;
}

static void key_free(struct key *k)
{
	window_free(&k->files);
	window_free(&k->denials);
	memset(k, 0, sizeof(*k));
}

static void free_keys(struct alerts *a)
{
	int kind;
	size_t i;

	for (kind = 0; kind < KEY_KINDS; kind++)
		for (i = 0; i < ALERTS_MAX_KEYS; i++)
			key_free(&a->keys[kind][i]);
}

/* The key of @id, created (evicting the least recently active one) when new. */
static struct key *key_get(struct alerts *a, int kind, uint64_t id, uint64_t now)
{
	struct key *ks = a->keys[kind], *free_slot = NULL, *oldest = NULL;
	size_t i;

	for (i = 0; i < ALERTS_MAX_KEYS; i++) {
		if (ks[i].used && ks[i].id == id)
			return &ks[i];
		if (!ks[i].used && !free_slot)
			free_slot = &ks[i];
		if (ks[i].used && (!oldest || ks[i].last_ns < oldest->last_ns))
			oldest = &ks[i];
	}
	if (!free_slot) {
		key_free(oldest);
		free_slot = oldest;
	}
	if (window_init(&free_slot->files, a->mass_files + 1, true))
		return NULL;
	if (kind == KEY_USER && window_init(&free_slot->denials, a->deny_burst, false)) {
		window_free(&free_slot->files);
		return NULL;
	}
	free_slot->used = true;
	free_slot->id = id;
	free_slot->last_ns = now;
	return free_slot;
}

static void fmt_time(uint64_t ns, char *buf, size_t len)
{
	time_t s = ns / NS;
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned int)(ns % NS / 1000000));
}

/* Raise one alert: @what names it, the evidence (@count files of @w, or one access) goes in
 * the event's extra members. */
static void alert_raise(struct alerts *a, const struct alert_access *x, const char *what,
			const char *scope, const char *reason, unsigned int count,
			unsigned int threshold, unsigned int window_s, const char *first_path,
			uint64_t first_ns, const char *last_path, uint64_t last_ns, uint32_t cats)
{
	char t1[80], t2[80], *extra = NULL;
	size_t len = 0;
	FILE *f;
	struct event ev = event_make("alert", "alert", reason);

	ev.ts_ns = x->ts_ns;
	ev.uid = x->uid;
	ev.pid = x->pid;
	ev.comm = x->comm;
	ev.exe = x->exe;
	ev.path = last_path;
	ev.label = vocab_level_name(PDGUARD_LEVEL_PD);
	ev.categories = cats;
	ev.driver = x->driver;
	/* a count kept per client names it; a user's count over all clients does not */
	if (strstr(scope, "client"))
		ev.client = x->client;

	fmt_time(first_ns, t1, sizeof(t1));
	fmt_time(last_ns, t2, sizeof(t2));
	f = open_memstream(&extra, &len);
	if (f) {
		fprintf(f, "\"alert\":\"%s\",\"scope\":\"%s\",\"count\":%u,\"threshold\":%u,"
			"\"window\":%u,\"first_file\":", what, scope, count, threshold, window_s);
		json_put_string(f, first_path);
		fputs(",\"last_file\":", f);
		json_put_string(f, last_path);
		fprintf(f, ",\"first_time\":\"%s\",\"last_time\":\"%s\"", t1, t2);
		if (fclose(f)) {
			free(extra);
			extra = NULL;
		}
	}
	ev.extra = extra;
	if (a->sink)
		a->sink(a->ctx, &ev);
	else if (a->log)
		eventlog_write(a->log, &ev);
	free(extra);
	a->raised++;
}

/*
 * The process key of a user reading through a server for a remote client: FNV-1a over the
 * client's address and the uid, top bit set so that it never equals a pid. A collision only
 * merges two pairs' counts.
 */
static uint64_t client_key(uid_t uid, const char *client)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *s = (const unsigned char *)client;

	for (; *s; s++)
		h = (h ^ *s) * 0x100000001b3ULL;
	h = (h ^ uid) * 0x100000001b3ULL;
	return h | (1ULL << 63);
}

/* Mass export on one key; returns true when its count is over the threshold and it may alert. */
static bool mass_due(struct alerts *a, struct key *k, const struct alert_access *x)
{
	uint64_t id = (uint64_t)x->ino ^ ((uint64_t)x->dev * 0xff51afd7ed558ccdULL);

	id = id ? id : 1;	/* 0 marks an empty slot of the set */

	window_expire(&k->files, x->ts_ns, (uint64_t)a->mass_window_s * NS);
	window_push(&k->files, id, x->ts_ns, x->categories, x->path);
	return k->files.n > a->mass_files && x->ts_ns >= k->quiet_until_ns;
}

static int mass_alert(struct alerts *a, struct key *k, const struct alert_access *x,
		      const char *scope, const char *who)
{
	char reason[160];

	snprintf(reason, sizeof(reason), "mass export: more than %u PD files in %u s by %s",
		 a->mass_files, a->mass_window_s, who);
	alert_raise(a, x, "mass-export", scope, reason, k->files.n, a->mass_files,
		    a->mass_window_s, window_first(&k->files)->path, window_first(&k->files)->ts_ns,
		    window_last(&k->files)->path, window_last(&k->files)->ts_ns,
		    window_cats(&k->files));
	k->quiet_until_ns = x->ts_ns + (uint64_t)a->mass_window_s * NS;
	return 1;
}

static bool outside_hours(const struct alerts *a, uint64_t ns)
{
	time_t s = ns / NS;
	struct tm tm;
	int m;

	if (a->work_start < 0)
		return false;
	localtime_r(&s, &tm);
	m = tm.tm_hour * 60 + tm.tm_min;
	if (a->work_start <= a->work_end)
		return m < a->work_start || m >= a->work_end;
	return m < a->work_start && m >= a->work_end;	/* a night shift: 22:00-06:00 */
}

int alerts_feed(struct alerts *a, const struct alert_access *x)
{
	bool read = strcmp(x->decision, "deny") != 0;
	bool denied = strcmp(x->decision, "allow") != 0;
	struct key *u, *p;
	bool u_due = false, p_due = false;
	bool remote = x->client && x->client[0];
	char who[160], reason[160];
	int n = 0;

	pthread_mutex_lock(&a->lock);
	u = key_get(a, KEY_USER, x->uid, x->ts_ns);
	p = key_get(a, KEY_PROCESS, remote ? client_key(x->uid, x->client) : (uint64_t)x->pid,
		    x->ts_ns);
	if (!u || !p) {
		pthread_mutex_unlock(&a->lock);
		return -ENOMEM;
	}
	u->last_ns = p->last_ns = x->ts_ns;
	if (read) {
		u_due = mass_due(a, u, x);
		p_due = mass_due(a, p, x);
	}
	/* one burst, one alert: a process's burst is its user's too, unless the user's key is
	 * quiet after an alert of its own */
	if (u_due) {
		if (remote && p_due)
			snprintf(who, sizeof(who), "uid %u from %s", (unsigned int)x->uid, x->client);
		else
			snprintf(who, sizeof(who), "uid %u", (unsigned int)x->uid);
		n += mass_alert(a, u, x, !p_due ? "user" : remote ? "user+client" : "user+process",
				who);
		if (p_due)
			p->quiet_until_ns = u->quiet_until_ns;
	} else if (p_due && x->ts_ns >= u->quiet_until_ns) {
		if (remote)
			snprintf(who, sizeof(who), "uid %u from %s", (unsigned int)x->uid, x->client);
		else
			snprintf(who, sizeof(who), "process %d (%s)", (int)x->pid,
				 x->comm ? x->comm : "?");
		n += mass_alert(a, p, x, remote ? "client" : "process", who);
	} else if (p_due) {
		p->quiet_until_ns = u->quiet_until_ns;
	}

	if (outside_hours(a, x->ts_ns)) {
		u->offhours_count++;
		if (!u->offhours_last_ns || x->ts_ns >= u->offhours_last_ns + 3600 * NS) {
			snprintf(reason, sizeof(reason),
				 "PD opened outside working hours %02d:%02d-%02d:%02d",
				 a->work_start / 60, a->work_start % 60, a->work_end / 60,
				 a->work_end % 60);
			alert_raise(a, x, "off-hours", "user", reason, u->offhours_count, 0, 3600,
				    x->path, x->ts_ns, x->path, x->ts_ns, x->categories);
			u->offhours_last_ns = x->ts_ns;
			u->offhours_count = 0;
			n++;
		}
	}

	if (denied) {
		struct window *w = &u->denials;

		window_expire(w, x->ts_ns, (uint64_t)a->deny_window_s * NS);
		window_push(w, 0, x->ts_ns, x->categories, x->path);
		if (w->n >= a->deny_burst && x->ts_ns >= u->deny_quiet_until_ns) {
			snprintf(reason, sizeof(reason), "denial burst: %zu denials in %u s", w->n,
				 a->deny_window_s);
			alert_raise(a, x, "deny-burst", "user", reason, w->n, a->deny_burst,
				    a->deny_window_s, window_first(w)->path, window_first(w)->ts_ns,
				    window_last(w)->path, window_last(w)->ts_ns, window_cats(w));
			u->deny_quiet_until_ns = x->ts_ns + (uint64_t)a->deny_window_s * NS;
			n++;
		}
	}
	pthread_mutex_unlock(&a->lock);
	return n;
}

static void take_policy(struct alerts *a, const struct config *cfg)
{
	a->mass_files = cfg->mass_export_files ? cfg->mass_export_files : 500;
	a->mass_window_s = cfg->mass_export_window_s ? cfg->mass_export_window_s : 3600;
	a->work_start = cfg->work_start_min;
	a->work_end = cfg->work_end_min;
	a->deny_burst = cfg->deny_burst ? cfg->deny_burst : 20;
	a->deny_window_s = cfg->deny_burst_window_s ? cfg->deny_burst_window_s : 60;
}

int alerts_new(struct alerts **out, const struct config *cfg, struct eventlog *log,
	       alerts_sink_fn sink, void *ctx)
{
	struct alerts *a = calloc(1, sizeof(*a));

	*out = NULL;
	if (!a)
		return -ENOMEM;
	pthread_mutex_init(&a->lock, NULL);
	take_policy(a, cfg);
	a->log = log;
	a->sink = sink;
	a->ctx = ctx;
	*out = a;
	return 0;
}

void alerts_policy(struct alerts *a, const struct config *cfg)
{
	pthread_mutex_lock(&a->lock);
	/* windows are sized by the thresholds: start them again when those change */
	if (a->mass_files != cfg->mass_export_files || a->deny_burst != cfg->deny_burst)
		free_keys(a);
	take_policy(a, cfg);
	pthread_mutex_unlock(&a->lock);
}

/*
 * What an InfoSec engineer must hear of at once: a refused attempt on pdguard's own BPF
 * objects (ops of enum pdguard_op's tamper block, decision deny), the agent stopping, and the
 * policy changing. Return: the alert's name, or NULL.
 */
static const char *watched(const struct event *ev)
{
	static const char *const tamper_ops[] = { "bpf", "unpin", "ptrace", "umount", "prctl" };
	size_t i;

	if (!ev->op || !ev->decision)
		return NULL;
	if (!strcmp(ev->decision, "deny"))
		for (i = 0; i < sizeof(tamper_ops) / sizeof(tamper_ops[0]); i++)
			if (!strcmp(ev->op, tamper_ops[i]))
				return "tamper";
	if (!strcmp(ev->op, "agent-stop"))
		return "agent-stopped";
	if (!strcmp(ev->op, "policy-reload"))
		return "policy-changed";
	return NULL;
}

static void watched_alert(struct alerts *a, const struct event *ev, const char *what)
{
	char reason[512] = "", *extra = NULL;
	size_t len = 0;
	FILE *f;
	struct event al = event_make("alert", "alert", reason);
	uint64_t now = ev->ts_ns;
	struct timespec ts;

	if (!now) {
		clock_gettime(CLOCK_REALTIME, &ts);
		now = (uint64_t)ts.tv_sec * NS + (uint64_t)ts.tv_nsec;
	}
	pthread_mutex_lock(&a->lock);
	if (!strcmp(what, "tamper") && a->tamper_pid == ev->pid && a->tamper_last_ns &&
	    now - a->tamper_last_ns < TAMPER_QUIET_S * NS) {
		pthread_mutex_unlock(&a->lock);
		return;
	}
	if (!strcmp(what, "tamper")) {
		a->tamper_pid = ev->pid;
		a->tamper_last_ns = now;
	}
	a->raised++;
	pthread_mutex_unlock(&a->lock);

	snprintf(reason, sizeof(reason), "%s: %s", what, ev->reason ? ev->reason : ev->op);
	al.ts_ns = now;
	al.uid = ev->uid;
	al.pid = ev->pid;
	al.comm = ev->comm;
	al.exe = ev->exe;
	al.path = ev->path;
	al.driver = ev->driver;
	f = open_memstream(&extra, &len);
	if (f) {
		fprintf(f, "\"alert\":\"%s\",\"scope\":\"process\",\"count\":1,"
			"\"evidence_op\":", what);
		json_put_string(f, ev->op);
		if (fclose(f)) {
			free(extra);
			extra = NULL;
		}
	}
	al.extra = extra;
	if (a->sink)
		a->sink(a->ctx, &al);
	else if (a->log)
		eventlog_write(a->log, &al);
	free(extra);
}

void alerts_observe(void *ctx, const struct event *ev)
{
	struct alert_access x;
	struct timespec now;
	const char *what;

	if (!ctx)
		return;
	what = watched(ev);
	if (what) {
		watched_alert(ctx, ev, what);
		return;
	}
	if (!ev->pd_access)
		return;
	x = (struct alert_access){
		.ts_ns = ev->ts_ns, .uid = ev->uid, .pid = ev->pid, .comm = ev->comm,
		.exe = ev->exe, .dev = ev->dev, .ino = ev->ino, .path = ev->path,
		.categories = ev->categories, .decision = ev->decision, .driver = ev->driver,
		.client = ev->client,
	};
	if (!x.ts_ns) {
		clock_gettime(CLOCK_REALTIME, &now);
		x.ts_ns = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	}
	alerts_feed(ctx, &x);
}

uint64_t alerts_count(struct alerts *a)
{
	uint64_t n;

	pthread_mutex_lock(&a->lock);
	n = a->raised;
	pthread_mutex_unlock(&a->lock);
	return n;
}

void alerts_free(struct alerts *a)
{
	if (!a)
		return;
	free_keys(a);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

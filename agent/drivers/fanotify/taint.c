// SPDX-License-Identifier: GPL-2.0
/*
 * The taint table: which processes opened PD and so carry its categories. Keyed by pid and
 * /proc start time, so a reused pid inherits nothing; inherited by children and shared by a live
 * process group, except a file server's ([servers]: its own only, for a window after its last
 * PD read). Callers hold d->lock.
 */
#include <errno.h>
#include <stdlib.h>

#include "drivers/fanotify/internal.h"

#define TAINT_PROBE 8

/* Taints live at pid % taint_cap, or in the next TAINT_PROBE - 1 slots. */
static struct taint *taint_find(struct driver *d, pid_t pid)
{
	size_t i, h = (size_t)pid % d->taint_cap;

	for (i = 0; i < TAINT_PROBE; i++) {
		struct taint *t = &d->taints[(h + i) % d->taint_cap];

		if (t->used && t->pid == pid)
			return t;
	}
	return NULL;
}

/*
 * What @t carries now: a file server's process ([servers]) carries its taint for
 * server_taint_s after its newest PD read; a session that served PD an hour ago and now
 * writes a user's own file has nothing of it left in hand.
 */
static uint32_t taint_live(struct driver *d, const struct taint *t)
{
	if (t->server && fan_now_ns(CLOCK_MONOTONIC) - t->last_ns >
			 (uint64_t)d->cfg->server_taint_s * 1000000000ULL)
		return 0;
	return t->cats;
}

/* Whether @p already carries every category in @cats itself. Caller holds d->lock. */
bool fan_taint_covers(struct driver *d, const struct proc_info *p, uint32_t cats)
{
	const struct taint *t = taint_find(d, p->pid);

	return t && t->start == p->start && (taint_live(d, t) & cats) == cats;
}

bool fan_taint_server(struct driver *d, const struct proc_info *p, bool dead_ok)
{
	const struct taint *t = taint_find(d, p->pid);

	return t && t->server && (p->have_stat ? t->start == p->start : dead_ok);
}

static void taint_put(struct driver *d, const struct proc_info *p, uint32_t cats, bool own);

/*
 * A process that just got tainted may feed a pipeline whose other end already writes a zone
 * file (`setsid cat pd | tee /usb/x`: tee opened the file before cat read): that end carries
 * the taint too, so what it closes on the zone is undone. Caller holds d->lock.
 */
static void taint_pipe_peers(struct driver *d, const struct proc_info *p, uint32_t cats,
			     const uint64_t *pipes, int n)
{
	int i, j, k;

	for (i = 0; n && i < ZONE_WRITERS; i++) {
		struct proc_info w = { 0 };

		if (!d->zwriters[i].used || d->zwriters[i].pid == p->pid)
			continue;
		if (fan_proc_stat(d->zwriters[i].pid, &w) || w.start != d->zwriters[i].start) {
			d->zwriters[i].used = false;	/* gone */
			continue;
		}
		for (j = 0; j < n; j++)
			for (k = 0; k < d->zwriters[i].npipes; k++)
				if (pipes[j] == d->zwriters[i].pipes[k])
					goto peer;
		continue;
peer:
		taint_put(d, &w, cats, false);
	}
}

uint32_t fan_pipes_taint(struct driver *d, const uint64_t *pipes, int n)
{
	uint32_t cats = 0;
	size_t i;
	int j;

	for (i = 0; n && i < TAINTED_PIPES; i++)
		for (j = 0; j < n; j++)
			if (d->tpipes[i].ino == pipes[j])
				cats |= d->tpipes[i].cats;
	return cats;
}

/*
 * Caller holds d->lock. A process that holds pipes when it is tainted has its pipes remembered:
 * the other end may open a zone file after this one has exited.
 */
void fan_taint_add(struct driver *d, const struct proc_info *p, uint32_t cats)
{
	uint64_t pipes[FAN_MAX_PIPES];
	int n, j;

	/* a process that already carries these categories costs nothing more; a server's
	 * window starts again */
	if (fan_taint_covers(d, p, cats)) {
		struct taint *t = taint_find(d, p->pid);

		if (t->server)
			t->last_ns = fan_now_ns(CLOCK_MONOTONIC);
		return;
	}
	taint_put(d, p, cats, true);
	/* what it writes into a pipe flows to the reader at the other end */
	n = fan_proc_pipes(p->pid, true, pipes, FAN_MAX_PIPES);
	for (j = 0; j < n; j++) {
		size_t i = d->next_tpipe++ % TAINTED_PIPES;

		d->tpipes[i].ino = pipes[j];
		d->tpipes[i].cats = cats;
	}
	if (d->any_zwriter)
		taint_pipe_peers(d, p, cats, pipes, n);
}

/* A free slot for @pid, or one whose process has exited (pid + start time); NULL: all live. */
static struct taint *taint_slot(struct driver *d, pid_t pid, struct taint **oldest)
{
	size_t i, h = (size_t)pid % d->taint_cap;

	*oldest = NULL;
	/* a free slot first: /proc is read only when the window is full (this is an open path) */
	for (i = 0; i < TAINT_PROBE; i++)
		if (!d->taints[(h + i) % d->taint_cap].used)
			return &d->taints[(h + i) % d->taint_cap];
	for (i = 0; i < TAINT_PROBE; i++) {
		struct taint *c = &d->taints[(h + i) % d->taint_cap];

		if (fan_proc_start(c->pid) != c->start)
			return c;	/* its process is gone: the slot is free */
		if (!*oldest || c->since_ns < (*oldest)->since_ns)
			*oldest = c;
	}
	return NULL;
}

/*
 * Twice the slots, every taint moved over. Return: 0, or -ENOMEM (the table stays). A fork
 * flood makes it grow rather than push a live tainted process out.
 */
static int taint_grow(struct driver *d)
{
	size_t cap = d->taint_cap, i, j, h;
	struct taint *v = NULL;
	bool fits = false;

	/* every taint must land within TAINT_PROBE slots of its pid's, or taint_find misses it */
	while (!fits) {
		free(v);
		cap *= 2;
		if (cap > TAINT_LIMIT)
			return -ENOMEM;
		v = calloc(cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		fits = true;
		for (i = 0; i < d->taint_cap && fits; i++) {
			if (!d->taints[i].used)
				continue;
			h = (size_t)d->taints[i].pid % cap;
			for (j = 0; j < TAINT_PROBE && v[(h + j) % cap].used; j++)
				;
			if (j == TAINT_PROBE)
				fits = false;
			else
				v[(h + j) % cap] = d->taints[i];
		}
	}
	free(d->taints);
	d->taints = v;
	d->taint_cap = cap;
	return 0;
}

/* @own: read by @p itself (else it came through a pipe: no path grant can cover it). */
static void taint_put(struct driver *d, const struct proc_info *p, uint32_t cats, bool own)
{
	struct taint *t = taint_find(d, p->pid), *oldest;

	if (t && t->start == p->start) {
		if (t->server && !taint_live(d, t))
			t->cats = 0;	/* its window had closed: only this read counts */
		if (own)
			t->last_ns = fan_now_ns(CLOCK_MONOTONIC);
		t->cats |= cats;
		if (!own) {
			t->src_set = true;
			t->nsrc = 0;
		}
		return;
	}
	t = taint_slot(d, p->pid, &oldest);
	while (!t && !taint_grow(d))
		t = taint_slot(d, p->pid, &oldest);
	if (!t) {
		/* out of memory: the oldest goes, and that is counted (pdguard status) */
		t = oldest;
		d->n_taint_lost++;
	}
	d->any_taint = true;
	*t = (struct taint){ .used = true, .pid = p->pid, .ppid = p->ppid, .pgid = p->pgid,
			     .start = p->start,
			     .pgid_start = p->pgid == p->pid ? p->start : fan_proc_start(p->pgid),
			     .since_ns = fan_now_ns(CLOCK_MONOTONIC), .cats = cats,
			     .src_set = !own, .has_uid = p->have_uid, .uid = p->uid,
			     .server = own && fan_server_process(d, p) };
	t->last_ns = t->since_ns;
}

bool fan_taint_uid(struct driver *d, const struct proc_info *p, uid_t *uid)
{
	const struct taint *t = taint_find(d, p->pid);

	if (!t || !t->has_uid || (p->have_stat && t->start != p->start))
		return false;
	*uid = t->uid;
	return true;
}

void fan_taint_source(struct driver *d, const struct proc_info *p, const unsigned int *ids,
		      int n)
{
	struct taint *t = taint_find(d, p->pid);
	int i, j, k = 0;

	if (!t || t->start != p->start)
		return;
	if (!t->src_set) {
		t->src_set = true;
		for (i = 0; i < n && k < 4; i++)
			t->src[k++] = ids[i];
		t->nsrc = k;
		return;
	}
	/* every file it read must be covered by the same grant */
	for (i = 0; i < t->nsrc; i++)
		for (j = 0; j < n; j++)
			if (t->src[i] == ids[j]) {
				t->src[k++] = t->src[i];
				break;
			}
	t->nsrc = k;
}

uint32_t fan_taint_own(struct driver *d, const struct proc_info *p, bool dead_ok,
		       unsigned int *ids, int *n)
{
	const struct taint *t = taint_find(d, p->pid);
	int i;

	*n = 0;
	if (!t || !(p->have_stat ? t->start == p->start : dead_ok) || !taint_live(d, t))
		return 0;
	for (i = 0; t->src_set && i < t->nsrc; i++)
		ids[(*n)++] = t->src[i];
	return taint_live(d, t);
}

static uint32_t taint_of(struct driver *d, const struct proc_info *p, bool dead_ok, bool own);

/*
 * Taint of @p: its own, its ancestors' (inherited across fork; up to ANCESTOR_DEPTH), and its
 * process group's while the group's leader lives (a pipeline `cat pd | tee /usb/x`).
 * @dead_ok: the process itself may have exited (a close-write seen after the writer exited).
 * Caller holds d->lock.
 */
uint32_t fan_taint_of(struct driver *d, const struct proc_info *p, bool dead_ok)
{
	return taint_of(d, p, dead_ok, true);
}

uint32_t fan_taint_inherited(struct driver *d, const struct proc_info *p, bool dead_ok)
{
	return taint_of(d, p, dead_ok, false);
}

/* @own: with @p's own taint (else only what reaches it from its ancestors and group). */
static uint32_t taint_of(struct driver *d, const struct proc_info *p, bool dead_ok, bool own)
{
	struct proc_info a = *p;
	uint32_t cats = 0;
	struct taint *t, *self;
	pid_t pgid;
	size_t i;
	int depth;

	t = self = taint_find(d, p->pid);
	if (t && own && (p->have_stat ? t->start == p->start : dead_ok))
		cats |= taint_live(d, t);
	if (!p->have_stat && dead_ok) {
		/* exited: a shell whose child read PD wrote the redirected output (`sh -c 'cat pd
		 * > x'` closes x in sh after cat), or the leader of a tainted group */
		for (i = 0; i < d->taint_cap; i++) {
			t = &d->taints[i];
			if (t->used && !t->server && (own || t != self) &&
			    (t->ppid == p->pid || t->pgid == p->pid))
				cats |= t->cats;
		}
		/* its group is known if it opened a zone file (a pipeline's writer) */
		for (i = 0; i < 256; i++)
			if (d->openers[i].used && d->openers[i].pid == p->pid) {
				a.pgid = d->openers[i].pgid;
				a.have_stat = true;
				a.ppid = 0;
			}
		if (!a.have_stat)
			return cats;
	} else if (!p->have_stat) {
		return cats;
	}
	pgid = a.pgid;
	for (depth = 0; depth < ANCESTOR_DEPTH && a.ppid > 1; depth++) {
		pid_t pp = a.ppid;

		if (pp == d->env.agent_pid || fan_proc_stat(pp, &a))
			break;
		t = taint_find(d, pp);
		/* a server's children serve other clients: they inherit nothing of it */
		if (t && t->start == a.start && !t->server)
			cats |= t->cats;
	}
	a.pgid = pgid;
	if (a.pgid > 1 && a.pgid != d->env.agent_pid) {
		uint64_t leader = 0;
		bool looked = false;

		for (i = 0; i < d->taint_cap; i++) {
			t = &d->taints[i];
			/* smbd's children share smbd's group: one child's taint is its own */
			if (!t->used || t->server || t->pgid != a.pgid || (t->cats & ~cats) == 0 ||
			    (!own && t == self))
				continue;
			if (!looked) {
				leader = fan_proc_start(a.pgid);
				looked = true;
			}
			/* a group whose leader exited keeps its taint for writers seen afterwards */
			if ((leader && leader == t->pgid_start) || (!leader && dead_ok))
				cats |= t->cats;
		}
	}
	return cats;
}

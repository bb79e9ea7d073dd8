// SPDX-License-Identifier: GPL-2.0
/*
 * The taint table: which processes opened PD and so carry its categories. Keyed by pid and
 * /proc start time, so a reused pid inherits nothing; inherited by children and shared by a live
 * process group. Callers hold d->lock.
 */
#include <stdlib.h>

#include "drivers/fanotify/internal.h"

#define TAINT_PROBE 8

/* Taints live at pid % TAINT_MAX, or in the next TAINT_PROBE - 1 slots. */
static struct taint *taint_find(struct driver *d, pid_t pid)
{
	size_t i, h = (size_t)pid % TAINT_MAX;

	for (i = 0; i < TAINT_PROBE; i++) {
		struct taint *t = &d->taints[(h + i) % TAINT_MAX];

		if (t->used && t->pid == pid)
			return t;
	}
	return NULL;
}

/* Whether @p already carries every category in @cats itself. Caller holds d->lock. */
bool fan_taint_covers(struct driver *d, const struct proc_info *p, uint32_t cats)
{
	const struct taint *t = taint_find(d, p->pid);

	return t && t->start == p->start && (t->cats & cats) == cats;
}

static void taint_put(struct driver *d, const struct proc_info *p, uint32_t cats);

/*
 * A process that just got tainted may feed a pipeline whose other end already writes a zone
 * file (`setsid cat pd | tee /usb/x`: tee opened the file before cat read): that end carries
 * the taint too, so what it closes on the zone is undone. Caller holds d->lock.
 */
static void taint_pipe_peers(struct driver *d, const struct proc_info *p, uint32_t cats)
{
	uint64_t pipes[FAN_MAX_PIPES];
	int n, i, j, k;

	n = fan_proc_pipes(p->pid, pipes, FAN_MAX_PIPES);
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
		taint_put(d, &w, cats);
	}
}

/* Caller holds d->lock. */
void fan_taint_add(struct driver *d, const struct proc_info *p, uint32_t cats)
{
	taint_put(d, p, cats);
	if (d->any_zwriter)
		taint_pipe_peers(d, p, cats);
}

static void taint_put(struct driver *d, const struct proc_info *p, uint32_t cats)
{
	struct taint *t = taint_find(d, p->pid), *victim = NULL;
	size_t i, h = (size_t)p->pid % TAINT_MAX;

	if (t && t->start == p->start) {
		t->cats |= cats;
		return;
	}
	for (i = 0; !t && i < TAINT_PROBE; i++) {
		struct taint *c = &d->taints[(h + i) % TAINT_MAX];

		if (!c->used)
			t = c;
		else if (!victim || c->since_ns < victim->since_ns)
			victim = c;
	}
	/* full around this pid: the oldest taint there goes (a process long exited, mostly) */
	t = t ? t : victim;
	d->any_taint = true;
	*t = (struct taint){ .used = true, .pid = p->pid, .ppid = p->ppid, .pgid = p->pgid,
			     .start = p->start,
			     .pgid_start = p->pgid == p->pid ? p->start : fan_proc_start(p->pgid),
			     .since_ns = fan_now_ns(CLOCK_MONOTONIC), .cats = cats };
}

/*
 * Taint of @p: its own, its ancestors' (inherited across fork; up to ANCESTOR_DEPTH), and its
 * process group's while the group's leader lives (a pipeline `cat pd | tee /usb/x`).
 * @dead_ok: the process itself may have exited (a close-write seen after the writer exited).
 * Caller holds d->lock.
 */
uint32_t fan_taint_of(struct driver *d, const struct proc_info *p, bool dead_ok)
{
	struct proc_info a = *p;
	uint32_t cats = 0;
	struct taint *t;
	pid_t pgid;
	size_t i;
	int depth;

	t = taint_find(d, p->pid);
	if (t && (p->have_stat ? t->start == p->start : dead_ok))
		cats |= t->cats;
	if (!p->have_stat && dead_ok) {
		/* exited: a shell whose child read PD wrote the redirected output (`sh -c 'cat pd
		 * > x'` closes x in sh after cat), or the leader of a tainted group */
		for (i = 0; i < TAINT_MAX; i++) {
			t = &d->taints[i];
			if (t->used && (t->ppid == p->pid || t->pgid == p->pid))
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
		if (t && t->start == a.start)
			cats |= t->cats;
	}
	a.pgid = pgid;
	if (a.pgid > 1 && a.pgid != d->env.agent_pid) {
		uint64_t leader = 0;
		bool looked = false;

		for (i = 0; i < TAINT_MAX; i++) {
			t = &d->taints[i];
			if (!t->used || t->pgid != a.pgid || (t->cats & ~cats) == 0)
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

// SPDX-License-Identifier: GPL-2.0
/*
 * What the grants allow (policy/grants.c keeps them): the categories a user may read now, and
 * whether an export to a zone is covered by an export grant, by the user's or a group's, whole
 * or for the files under a granted folder. Each call first reads the file again if it changed.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "policy/grants.h"
#include "policy/grants_internal.h"
#include "policy/roles.h"

uint32_t grants_allowed(struct grants *g, uid_t uid, time_t now)
{
	struct timespec mono;
	uint32_t cats = 0;
	size_t i;

	if (!g)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &mono);
	pthread_mutex_lock(&g->lock);
	if (mono.tv_sec != g->checked) {
		g->checked = mono.tv_sec;
		/* a damaged file keeps what was read before: grants must not flap on a bad write */
		if (changed_locked(g))
			load_locked(g);
	}
	for (i = 0; i < g->n; i++)
		if (!g->v[i].export && g->v[i].uid == uid && !g->v[i].revoked &&
		    g->v[i].until > now)
			cats |= g->v[i].categories;
	pthread_mutex_unlock(&g->lock);
	return cats;
}

/* @path is @dir or inside it ("/" holds everything). */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '/' || path[n] == '\0');
}

/* Is the active export grant @gr for the user or one of the groups of @q? */
static bool export_holder(const struct grant *gr, const struct export_ask *q, time_t now)
{
	int i;

	if (!gr->export || gr->revoked || gr->until <= now)
		return false;
	if (!gr->group)
		return gr->uid == q->uid;
	for (i = 0; i < q->ngids; i++)
		if (q->gids[i] == gr->uid)
			return true;
	return false;
}

/* Does @gr (held by @q's user) let @q's export out, zone and approvers wise? */
static bool export_fits(const struct grant *gr, const struct export_ask *q)
{
	if (!(gr->zones & q->zone))
		return false;
	if (q->approvers > 1 && (!gr->approver2 || !*gr->approver2))
		return false;	/* given before the policy asked for two */
	if (gr->zone_path && *gr->zone_path && (!q->dest || !under(q->dest, gr->zone_path)))
		return false;
	return true;
}

static void match_add(struct export_match *m, const struct grant *gr)
{
	if (!m->n) {
		snprintf(m->approver, sizeof(m->approver), "%s", gr->approver ? gr->approver : "");
		snprintf(m->approver2, sizeof(m->approver2), "%s",
			 gr->approver2 ? gr->approver2 : "");
	}
	if (m->n < EXPORT_MATCH_IDS)
		m->ids[m->n++] = gr->id;
	m->cats |= gr->categories;
}

/*
 * Reload the file if it changed. Unlike grants_allowed() (at most one stat a second, on every PD
 * read) export decisions look every time: one stat, and an export grant counts from the first
 * copy after `grant add` returns. A damaged file keeps what was read before. Caller holds
 * g->lock.
 */
static void refresh_locked(struct grants *g)
{
	if (changed_locked(g))
		load_locked(g);
}

bool grants_export_match(struct grants *g, const struct export_ask *q, time_t now,
			 struct export_match *m)
{
	size_t i;

	memset(m, 0, sizeof(*m));
	if (!g)
		return !q->cats;
	pthread_mutex_lock(&g->lock);
	refresh_locked(g);
	for (i = 0; i < g->n && (q->cats & ~m->cats); i++) {
		const struct grant *gr = &g->v[i];

		/* a grant that adds nothing the export still needs is not named in the event */
		if (gr->path && *gr->path)
			continue;
		if (!export_holder(gr, q, now) || !export_fits(gr, q) ||
		    !(gr->categories & q->cats & ~m->cats))
			continue;
		match_add(m, gr);
	}
	pthread_mutex_unlock(&g->lock);
	return !(q->cats & ~m->cats);
}

int grants_export_sources(struct grants *g, const struct export_ask *q, const char *src,
			  time_t changed, time_t now, unsigned int *ids, int max)
{
	struct export_ask qq = *q;
	gid_t gids[256];
	size_t i;
	int n = 0;

	if (!g || !src || src[0] != '/')
		return 0;
	pthread_mutex_lock(&g->lock);
	refresh_locked(g);
	for (i = 0; i < g->n && n < max; i++) {
		const struct grant *gr = &g->v[i];

		/* the grant covers its files as they were when it was given: a file changed since
		 * (PD appended, a link or a rename into the folder) could hold anything. Times are
		 * seconds: a change within the grant's own second counts as after it */
		if (!gr->path || !*gr->path || !under(src, gr->path) || changed >= gr->created)
			continue;
		/* no groups given: asked of NSS only when a group's grant would count */
		if (gr->group && !qq.gids) {
			qq.ngids = roles_uid_groups(q->uid, gids, 256);
			qq.gids = gids;
		}
		if (export_holder(gr, &qq, now))
			ids[n++] = gr->id;
	}
	pthread_mutex_unlock(&g->lock);
	return n;
}

bool grants_export_any_path(struct grants *g, time_t now)
{
	bool any = false;
	size_t i;

	pthread_mutex_lock(&g->lock);
	refresh_locked(g);
	for (i = 0; i < g->n && !any; i++)
		any = g->v[i].export && g->v[i].path && *g->v[i].path && !g->v[i].revoked &&
		      g->v[i].until > now;
	pthread_mutex_unlock(&g->lock);
	return any;
}

bool grants_export_by_ids(struct grants *g, const unsigned int *ids, int n,
			  const struct export_ask *q, time_t now, struct export_match *m)
{
	bool ok = false;
	size_t i;
	int k;

	memset(m, 0, sizeof(*m));
	if (!g)
		return false;
	pthread_mutex_lock(&g->lock);
	refresh_locked(g);
	for (k = 0; k < n && !ok; k++)
		for (i = 0; i < g->n; i++) {
			const struct grant *gr = &g->v[i];

			if (gr->id != ids[k])
				continue;
			/* the whole export under one grant: its file and its categories */
			if (export_holder(gr, q, now) && export_fits(gr, q) &&
			    !(q->cats & ~gr->categories)) {
				match_add(m, gr);
				ok = true;
			}
			break;
		}
	pthread_mutex_unlock(&g->lock);
	return ok;
}

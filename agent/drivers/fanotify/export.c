// SPDX-License-Identifier: GPL-2.0
/*
 * Approved export: PD that a process carries may go to a zone file when the user's roles may
 * export those categories (`export =`), when an export grant covers it (`pdguard grant add
 * --export`), or when the account is a [service] whose `export =` names that zone folder. Every
 * such open is an "allow" event naming what let it out.
 *
 * A grant by category covers that PD wherever it was read. A grant by --path covers only PD the
 * process read itself from that file or folder: the taint table keeps, per process, the path
 * grants that cover every PD file it read (taint.c); PD that reached it from a parent, its
 * process group or a pipe, or a labelled file it holds open that the grant does not cover,
 * is not let out under it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vocab.h"

#include "drivers/fanotify/internal.h"

#define EXPORT_GROUPS 256

struct fan_export_ask {
	struct export_ask q;
	gid_t gids[EXPORT_GROUPS];
	unsigned int ids[4];		/* the path grants covering what it read itself */
	int nids;
	uint32_t residual;		/* what only a path grant can let out */
	struct export_match m;		/* the category grants that let the rest out */
};

static unsigned int zone_kind(const char *zone)
{
	if (!zone)
		return 0;
	if (!strcmp(zone, "usb"))
		return GRANT_ZONE_USB;
	if (!strcmp(zone, "cloud"))
		return GRANT_ZONE_CLOUD;
	return 0;
}

/* The [service] named @name lets its accounts write to @dest on a zone of @kind. */
static bool service_covers(const struct config *cfg, const char *name, unsigned int kind,
			   const char *dest)
{
	unsigned int zones;
	bool ok = false;
	char *folder;
	size_t i, k, n;

	for (i = 0; i < cfg->nservices && !ok; i++) {
		const struct config_service *sv = &cfg->services[i];

		if (strcmp(sv->name, name))
			continue;
		for (k = 0; k < sv->export.n && !ok; k++) {
			if (grants_parse_zone(sv->export.v[k], &zones, &folder))
				continue;
			n = strlen(folder);
			ok = (zones & kind) && n && dest[0] && !strncmp(dest, folder, n) &&
			     (dest[n] == '/' || (n == 1 && folder[0] == '/'));
			free(folder);
		}
	}
	return ok;
}

static void take_match(struct verdict *v, const struct export_match *m)
{
	int i;

	if (!v->ngrants) {
		snprintf(v->approver, sizeof(v->approver), "%s", m->approver);
		snprintf(v->approver2, sizeof(v->approver2), "%s", m->approver2);
	}
	for (i = 0; i < m->n && v->ngrants < 4; i++)
		v->grants[v->ngrants++] = m->ids[i];
}

int fan_export_judge(struct driver *d, struct verdict *v, uint32_t tcats, uint32_t t_pipe,
		     bool dead_ok, struct fan_export_ask **ask)
{
	unsigned int kind = zone_kind(v->zone);
	const struct role_cached *r;
	const struct config *cfg;
	struct fan_export_ask *a;
	uint32_t residual, own, others;

	*ask = NULL;
	if (!kind || !v->p.have_uid)
		return FAN_EXPORT_NO;
	cfg = state_policy(d->env.st);
	if (!cfg)
		return FAN_EXPORT_NO;
	r = fan_role(d, v->p.uid);
	if (r->svc && service_covers(cfg, r->service, kind, v->path)) {
		v->export_by = "service";
		snprintf(v->service, sizeof(v->service), "%s", r->service);
		return FAN_EXPORT_YES;
	}
	residual = tcats & ~r->export;
	if (!residual) {
		v->export_by = "role";
		return FAN_EXPORT_YES;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return FAN_EXPORT_NO;
	a->q.uid = v->p.uid;
	a->q.ngids = roles_uid_groups(v->p.uid, a->gids, EXPORT_GROUPS);
	a->q.gids = a->gids;
	a->q.zone = kind;
	a->q.dest = v->path[0] ? v->path : NULL;
	a->q.approvers = cfg->export_approvers;
	a->q.cats = residual;
	if (state_export_match(d->env.st, &a->q, time(NULL), &a->m)) {
		v->export_by = "grant";
		take_match(v, &a->m);
		free(a);
		return FAN_EXPORT_YES;
	}
	residual &= ~a->m.cats;
	/* the rest only under a path grant, and only if this process read it itself */
	own = fan_taint_own(d, &v->p, dead_ok, a->ids, &a->nids);
	others = fan_taint_inherited(d, &v->p, dead_ok) | t_pipe;
	if (!a->nids || (residual & ~own) || (residual & others)) {
		free(a);
		return FAN_EXPORT_NO;
	}
	a->residual = residual;
	*ask = a;
	return FAN_EXPORT_FDS;
}

bool fan_export_fds(struct driver *d, struct verdict *v, struct fan_export_ask *a)
{
	struct export_match m;

	a->q.cats = a->residual;
	if (!state_export_by_ids(d->env.st, a->ids, a->nids, &a->q, time(NULL), &m))
		return false;
	/* a labelled file it holds open (inherited, or opened before its label) and the grant
	 * does not cover could be what it writes */
	if (v->p.have_stat &&
	    (fan_open_fd_cats(d, v->p.pid, &a->q, m.ids, m.n) & a->residual))
		return false;
	v->export_by = "grant";
	take_match(v, &a->m);
	take_match(v, &m);
	return true;
}

void fan_export_allowed(struct driver *d, struct verdict *v, uint32_t tcats)
{
	struct reason_args ra = { .cats = tcats, .zone = v->zone };
	char note[512];
	size_t i;

	if (v->export_by && !strcmp(v->export_by, "service")) {
		snprintf(note, sizeof(note), "service account %s may export there", v->service);
	} else if (v->export_by && !strcmp(v->export_by, "grant")) {
		i = (size_t)snprintf(note, sizeof(note), "by grant %u", v->grants[0]);
		if (v->approver[0] && i < sizeof(note))
			i += (size_t)snprintf(note + i, sizeof(note) - i, ", approved by %s%s%s",
					      v->approver, v->approver2[0] ? " and " : "",
					      v->approver2);
	} else {
		snprintf(note, sizeof(note), "by the export = of the user's roles");
	}
	ra.note = note;
	vocab_reason_format(v->reason, sizeof(v->reason), PDGUARD_REASON_EXPORT, &ra);
	i = d->next_exported++ % (sizeof(d->exported) / sizeof(d->exported[0]));
	d->exported[i].pid = v->p.pid;
	d->exported[i].uid = v->p.uid;
	d->exported[i].dev = v->dev;
	d->exported[i].ino = v->ino;
}

bool fan_export_seen(struct driver *d, pid_t pid, dev_t dev, ino_t ino, uid_t *uid)
{
	size_t i;

	for (i = 0; i < sizeof(d->exported) / sizeof(d->exported[0]); i++)
		if (d->exported[i].pid == pid && d->exported[i].dev == dev &&
		    d->exported[i].ino == ino) {
			*uid = d->exported[i].uid;
			return true;
		}
	return false;
}

int fan_export_sources(struct driver *d, const struct verdict *v, time_t changed,
		       unsigned int *ids, int max)
{
	struct export_ask q = { .uid = v->p.uid };

	/* gids are looked up by the grants only when a group's path grant would count */
	if (!v->p.have_uid || !v->path[0])
		return 0;
	return state_export_sources(d->env.st, &q, v->path, changed, ids, max);
}

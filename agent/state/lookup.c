// SPDX-License-Identifier: GPL-2.0
/*
 * What the drivers read from the state. The state's fields are the daemon's to write; a driver
 * asks here, so the locking and the layout of labels and zones stay in one layer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <uapi/pdguard.h>

#include "state/state.h"

const struct config *state_policy(struct state *st)
{
	const struct config *cfg;

	pthread_mutex_lock(&st->lock);
	cfg = st->cfg;
	pthread_mutex_unlock(&st->lock);
	return cfg;
}

uint32_t state_user_roles(struct state *st, uid_t uid, char *names, size_t len)
{
	const struct config *cfg = state_policy(st);

	if (!cfg) {
		if (names && len)
			names[0] = '\0';
		return 0;
	}
	return roles_uid_categories(cfg, uid, names, len);
}

uint32_t state_user_grants(struct state *st, uid_t uid, time_t now)
{
	return st->grants ? grants_allowed(st->grants, uid, now) : 0;
}

int state_grants_active(struct state *st, time_t now, struct grant **out)
{
	*out = NULL;
	return st->grants ? grants_list(st->grants, false, now, out) : 0;
}

bool state_export_match(struct state *st, const struct export_ask *q, time_t now,
			struct export_match *m)
{
	if (st->grants)
		return grants_export_match(st->grants, q, now, m);
	memset(m, 0, sizeof(*m));
	return !q->cats;
}

int state_export_sources(struct state *st, const struct export_ask *q, const char *src,
			 time_t changed, unsigned int *ids, int max)
{
	return st->grants ? grants_export_sources(st->grants, q, src, changed, time(NULL), ids,
						  max) : 0;
}

bool state_export_any_path(struct state *st)
{
	return st->grants && grants_export_any_path(st->grants, time(NULL));
}

bool state_export_by_ids(struct state *st, const unsigned int *ids, int n,
			 const struct export_ask *q, time_t now, struct export_match *m)
{
	if (st->grants)
		return grants_export_by_ids(st->grants, ids, n, q, now, m);
	memset(m, 0, sizeof(*m));
	return false;
}

ssize_t state_role_ids(struct state *st, struct role_id **out)
{
	const struct config *cfg = state_policy(st);

	*out = NULL;
	return cfg ? roles_resolve(cfg, out) : 0;
}

ssize_t state_role_places(struct state *st, struct strlist *places, struct role_place_id **out)
{
	const struct config *cfg = state_policy(st);
	ssize_t n;

	*out = NULL;
	memset(places, 0, sizeof(*places));
	if (!cfg)
		return 0;
	if (roles_places(cfg, places))
		return -ENOMEM;
	n = roles_resolve_places(cfg, places, out);
	if (n < 0)
		strlist_free(places);
	return n;
}

int state_mode(struct state *st)
{
	int mode;

	pthread_mutex_lock(&st->lock);
	mode = st->mode;
	pthread_mutex_unlock(&st->lock);
	return mode;
}

void state_labels_each(struct state *st, void (*fn)(void *ctx, const struct label_entry *e),
		       void *ctx)
{
	size_t i;

	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->cap; i++)
		if (st->labels[i].used && st->labels[i].verified &&
		    st->labels[i].level != PDGUARD_LEVEL_NONE)
			fn(ctx, &st->labels[i]);
	pthread_mutex_unlock(&st->lock);
}

/* Is @path inside the folder @dir (not the folder itself)? */
static bool inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return !strncmp(path, dir, n) && path[n] == '/';
}

unsigned int state_zone_of(struct state *st, dev_t dev, const char *path, bool *need_path)
{
	unsigned int zone = PDGUARD_ZONE_NONE;
	size_t i;

	if (need_path)
		*need_path = false;
	pthread_mutex_lock(&st->lock);
	if (zones_find_usb(&st->zones, dev))
		zone = PDGUARD_ZONE_USB;
	for (i = 0; zone == PDGUARD_ZONE_NONE && i < st->zones.n; i++) {
		const struct zone *z = &st->zones.v[i];

		if (z->kind != ZONE_CLOUD || z->dev != dev)
			continue;
		if (!path) {
			if (need_path)
				*need_path = true;
			break;
		}
		if (inside(path, z->path))
			zone = PDGUARD_ZONE_CLOUD;
	}
	pthread_mutex_unlock(&st->lock);
	return zone;
}

int state_cloud_folder(struct state *st, const char *path, char *folder, size_t len)
{
	int ret = -ENOENT;
	size_t i;

	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->zones.n && ret; i++) {
		const struct zone *z = &st->zones.v[i];

		if (z->kind == ZONE_CLOUD && (inside(path, z->path) || !strcmp(path, z->path)))
			ret = (size_t)snprintf(folder, len, "%s", z->path) < len ? 0 : -ENAMETOOLONG;
	}
	pthread_mutex_unlock(&st->lock);
	return ret;
}

void state_zones_release(struct zone *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].path);
		free(v[i].why);
	}
	free(v);
}

int state_zones_copy(struct state *st, struct zone **out, size_t *n)
{
	struct zone *v;
	size_t i, k;

	pthread_mutex_lock(&st->lock);
	k = st->zones.n;
	v = calloc(k ? k : 1, sizeof(*v));
	for (i = 0; v && i < k; i++) {
		v[i] = st->zones.v[i];
		v[i].path = strdup(st->zones.v[i].path);
		v[i].why = st->zones.v[i].why ? strdup(st->zones.v[i].why) : NULL;
		if (!v[i].path || (st->zones.v[i].why && !v[i].why)) {
			state_zones_release(v, i + 1);
			v = NULL;
		}
	}
	pthread_mutex_unlock(&st->lock);
	if (!v)
		return -ENOMEM;
	*out = v;
	*n = k;
	return 0;
}

/* Is @path the file (@dev, @ino) now? */
static bool path_is(const char *path, dev_t dev, uint64_t ino)
{
	struct stat sb;

	return !lstat(path, &sb) && sb.st_dev == dev && (uint64_t)sb.st_ino == ino;
}

/* @dir, or @dir/@name, into @out when it is (@dev, @ino): 0, else -ENOENT. */
static int try_candidate(const char *dir, const char *name, bool in_dir, dev_t dev, uint64_t ino,
			 char *out, size_t len)
{
	size_t n;

	if (in_dir) {
		if (!path_is(dir, dev, ino) || !name || !name[0] || strchr(name, '/'))
			return -ENOENT;
	} else if (!name || !name[0] || strchr(name, '/')) {
		return -ENOENT;
	}
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if ((size_t)snprintf(out, len, "%.*s/%s", (int)n, n == 1 && dir[0] == '/' ? "" : dir,
			     name) >= len)
		return -ENOENT;
	return in_dir || path_is(out, dev, ino) ? 0 : -ENOENT;
}

int state_resolve_path(struct state *st, dev_t dev, uint64_t ino, const char *name, bool in_dir,
		       char *out, size_t len)
{
	const struct config *cfg;
	struct zone *z = NULL;
	size_t nz = 0, i;
	int ret = -ENOENT;

	if (!ino || !len)
		return -ENOENT;
	/* a labelled file: where the agent labelled it, if it is still there */
	if (!in_dir && !state_label_path(st, dev, (ino_t)ino, out, len) &&
	    path_is(out, dev, ino))
		return 0;
	/* the zones' and the scan roots' own directories: a file copied onto a stick's root */
	if (!state_zones_copy(st, &z, &nz)) {
		for (i = 0; ret && i < nz; i++)
			ret = try_candidate(z[i].path, name, in_dir, dev, ino, out, len);
		state_zones_release(z, nz);
	}
	cfg = state_policy(st);
	for (i = 0; ret && cfg && i < cfg->scan.n; i++)
		ret = try_candidate(cfg->scan.v[i], name, in_dir, dev, ino, out, len);
	if (ret && len)
		out[0] = '\0';
	return ret;
}

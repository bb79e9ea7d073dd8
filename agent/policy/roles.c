// SPDX-License-Identifier: GPL-2.0
/* Role resolution (policy/roles.h): names to ids for the kernel's maps, a uid to its roles. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/roles.h"

/*
 * An id for @name, or -ENOENT when this system does not know it. The buffer grows on ERANGE:
 * a directory group's member list easily outgrows a fixed one.
 */
static int name_to_id(const char *name, bool group, uint32_t *id)
{
	size_t len = 4096;
	char *buf = NULL, *nb;
	int ret;

	for (;;) {
		nb = realloc(buf, len);
		if (!nb) {
			ret = -ENOMEM;
			break;
		}
		buf = nb;
		if (group) {
			struct group gr, *grp = NULL;

			ret = getgrnam_r(name, &gr, buf, len, &grp);
			if (!ret && grp)
				*id = grp->gr_gid;
			else if (!ret)
				ret = ENOENT;
		} else {
			struct passwd pw, *pwp = NULL;

			ret = getpwnam_r(name, &pw, buf, len, &pwp);
			if (!ret && pwp)
				*id = pwp->pw_uid;
			else if (!ret)
				ret = ENOENT;
		}
		if (ret != ERANGE || len >= (1U << 20)) {
			ret = -ret;
			break;
		}
		len *= 2;
	}
	free(buf);
	return ret;
}

/*
 * The id of @role's member @i (its groups first, then its users) into @id and @group. Return: 0,
 * -ENOMEM, or another -errno when the name is unknown here (nobody can hold it).
 */
static int role_member_id(const struct config_role *role, size_t i, uint32_t *id, bool *group)
{
	*group = i < role->groups.n;
	return name_to_id(*group ? role->groups.v[i] : role->users.v[i - role->groups.n], *group,
			  id);
}

ssize_t roles_resolve(const struct config *cfg, struct role_id **out)
{
	struct role_id *v = NULL, *nv;
	size_t n = 0, r, i, k;
	uint32_t id;

	for (r = 0; r < cfg->nroles; r++) {
		const struct config_role *role = &cfg->roles[r];

		for (i = 0; i < role->groups.n + role->users.n; i++) {
			bool group;
			int ret = role_member_id(role, i, &id, &group);

			if (ret == -ENOMEM) {
				free(v);
				return ret;
			}
			if (ret)
				continue;	/* unknown here: nobody can hold it */
			for (k = 0; k < n; k++)
				if (v[k].id == id && v[k].group == group)
					break;
			if (k == n) {
				nv = realloc(v, (n + 1) * sizeof(*v));
				if (!nv) {
					free(v);
					return -ENOMEM;
				}
				v = nv;
				v[n++] = (struct role_id){ .id = id, .group = group };
			}
			/* a scoped role's read is by place: roles_resolve_places() */
			if (!role->places.n)
				v[k].read |= role->read;
			v[k].export |= role->export;
		}
	}
	/* a service account's read = works as a role's (its taint = and export = are decided by
	 * the fanotify driver alone) */
	for (r = 0; r < cfg->nservices; r++) {
		const struct config_service *sv = &cfg->services[r];

		for (i = 0; i < sv->users.n; i++) {
			int ret = name_to_id(sv->users.v[i], false, &id);

			if (ret == -ENOMEM) {
				free(v);
				return ret;
			}
			if (ret)
				continue;
			for (k = 0; k < n; k++)
				if (v[k].id == id && !v[k].group)
					break;
			if (k == n) {
				nv = realloc(v, (n + 1) * sizeof(*v));
				if (!nv) {
					free(v);
					return -ENOMEM;
				}
				v = nv;
				v[n++] = (struct role_id){ .id = id };
			}
			v[k].read |= sv->read;
		}
	}
	*out = v;
	return n;
}

static bool in_list(const struct strlist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->v[i], name))
			return true;
	return false;
}

/*
 * The roles @uid is in, by index into cfg->roles, into @idx (up to @max). Groups come from
 * getgrouplist(), so AD groups from SSSD/winbind count. Return: how many (may exceed @max).
 */
static int uid_role_members(const struct config *cfg, uid_t uid, size_t *idx, int max)
{
	char buf[4096], gbuf[4096];
	struct passwd pw, *pwp = NULL;
	gid_t groups[256];
	int ngroups = 256, i, n = 0;
	size_t r;

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &pwp) || !pwp)
		return 0;
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &ngroups) < 0)
		ngroups = 256;	/* more groups than room: the first 256 were filled */
	for (r = 0; r < cfg->nroles; r++) {
		const struct config_role *role = &cfg->roles[r];
		bool member = in_list(&role->users, pw.pw_name);

		for (i = 0; !member && i < ngroups; i++) {
			struct group gr, *grp = NULL;

			if (!getgrgid_r(groups[i], &gr, gbuf, sizeof(gbuf), &grp) && grp)
				member = in_list(&role->groups, grp->gr_name);
		}
		if (!member)
			continue;
		if (n < max)
			idx[n] = r;
		n++;
	}
	return n;
}

bool roles_path_under(const char *path, const char *place)
{
	size_t n = strlen(place);

	if (n == 1 && place[0] == '/')
		return path[0] == '/';
	return !strncmp(path, place, n) && (path[n] == '/' || !path[n]);
}

/* Whether one of @role's places is @path or holds it (an unscoped role holds everything). */
static bool role_holds(const struct config_role *role, const char *path)
{
	size_t i;

	if (!role->places.n)
		return true;
	for (i = 0; path && i < role->places.n; i++)
		if (roles_path_under(path, role->places.v[i]))
			return true;
	return false;
}

/*
 * Read (@export false) or export categories of @uid's roles; @names as roles_uid_categories.
 * A scoped role's read counts at @path only (NULL: nowhere); its export is not by place.
 */
static uint32_t uid_roles(const struct config *cfg, uid_t uid, bool export, const char *path,
			  char *names, size_t len)
{
	size_t idx[ROLES_MAX_MEMBER], off = 0;
	int n, i;
	uint32_t cats = 0;

	if (names && len)
		names[0] = '\0';
	n = uid_role_members(cfg, uid, idx, ROLES_MAX_MEMBER);
	for (i = 0; i < n && i < ROLES_MAX_MEMBER; i++) {
		const struct config_role *role = &cfg->roles[idx[i]];

		if (export)
			cats |= role->export;
		else if (role_holds(role, path))
			cats |= role->read;
		if (names && off < len)
			off += snprintf(names + off, len - off, "%s%s", off ? "," : "", role->name);
	}
	return cats;
}

uint32_t roles_uid_categories(const struct config *cfg, uid_t uid, char *names, size_t len)
{
	return uid_roles(cfg, uid, false, NULL, names, len);
}

uint32_t roles_uid_categories_at(const struct config *cfg, uid_t uid, const char *path,
				 char *names, size_t len)
{
	return uid_roles(cfg, uid, false, path, names, len);
}

int roles_uid_scoped(const struct config *cfg, uid_t uid, uint16_t *idx, int max)
{
	size_t all[ROLES_MAX_MEMBER];
	int n, i, k = 0;

	n = uid_role_members(cfg, uid, all, ROLES_MAX_MEMBER);
	if (n > ROLES_MAX_MEMBER)
		return n;
	for (i = 0; i < n; i++) {
		if (!cfg->roles[all[i]].places.n)
			continue;
		if (k < max)
			idx[k] = all[i];
		k++;
	}
	return k;
}

uint32_t roles_scoped_read(const struct config *cfg, const uint16_t *idx, int n,
			   const char *path)
{
	uint32_t cats = 0;
	int i;

	for (i = 0; i < n; i++)
		if (idx[i] < cfg->nroles && role_holds(&cfg->roles[idx[i]], path))
			cats |= cfg->roles[idx[i]].read;
	return cats;
}

bool roles_any_scoped(const struct config *cfg)
{
	size_t r;

	for (r = 0; r < cfg->nroles; r++)
		if (cfg->roles[r].places.n)
			return true;
	return false;
}

int roles_places(const struct config *cfg, struct strlist *out)
{
	size_t r, i, k;

	memset(out, 0, sizeof(*out));
	for (r = 0; r < cfg->nroles; r++)
		for (i = 0; i < cfg->roles[r].places.n; i++) {
			const char *pl = cfg->roles[r].places.v[i];

			for (k = 0; k < out->n && strcmp(out->v[k], pl); k++)
				;
			if (k == out->n && strlist_add(out, pl)) {
				strlist_free(out);
				return -ENOMEM;
			}
		}
	return 0;
}

ssize_t roles_resolve_places(const struct config *cfg, const struct strlist *places,
			     struct role_place_id **out)
{
	struct role_place_id *v = NULL, *nv;
	size_t n = 0, r, i, k, p;
	uint32_t id;

	for (r = 0; r < cfg->nroles; r++) {
		const struct config_role *role = &cfg->roles[r];

		if (!role->places.n || !role->read)
			continue;
		for (i = 0; i < role->groups.n + role->users.n; i++) {
			bool group;
			int ret = role_member_id(role, i, &id, &group);

			if (ret == -ENOMEM) {
				free(v);
				return ret;
			}
			if (ret)
				continue;
			/* the nearest place is what the kernel finds: a role reads there when one
			 * of its own places is that folder or holds it */
			for (p = 0; p < places->n; p++) {
				if (!role_holds(role, places->v[p]))
					continue;
				for (k = 0; k < n; k++)
					if (v[k].id == id && v[k].group == group && v[k].place == p)
						break;
				if (k == n) {
					nv = realloc(v, (n + 1) * sizeof(*v));
					if (!nv) {
						free(v);
						return -ENOMEM;
					}
					v = nv;
					v[n++] = (struct role_place_id){ .id = id, .group = group,
									 .place = p };
				}
				v[k].read |= role->read;
			}
		}
	}
	*out = v;
	return n;
}

uint32_t roles_uid_export(const struct config *cfg, uid_t uid, char *names, size_t len)
{
	return uid_roles(cfg, uid, true, NULL, names, len);
}

const struct config_service *roles_uid_service(const struct config *cfg, uid_t uid)
{
	struct passwd pw, *pwp = NULL;
	char buf[4096];
	size_t i;

	if (!cfg->nservices || getpwuid_r(uid, &pw, buf, sizeof(buf), &pwp) || !pwp)
		return NULL;
	for (i = 0; i < cfg->nservices; i++)
		if (in_list(&cfg->services[i].users, pw.pw_name))
			return &cfg->services[i];
	return NULL;
}

int roles_uid_groups(uid_t uid, gid_t *gids, int max)
{
	struct passwd pw, *pwp = NULL;
	char buf[4096];
	int n = max;

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &pwp) || !pwp)
		return 0;
	if (getgrouplist(pw.pw_name, pw.pw_gid, gids, &n) < 0)
		n = max;	/* more groups than room: the first @max were filled */
	return n;
}

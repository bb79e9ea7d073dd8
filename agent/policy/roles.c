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

ssize_t roles_resolve(const struct config *cfg, struct role_id **out)
{
	struct role_id *v = NULL, *nv;
	size_t n = 0, r, i, k;
	uint32_t id;

	for (r = 0; r < cfg->nroles; r++) {
		const struct config_role *role = &cfg->roles[r];

		for (i = 0; i < role->groups.n + role->users.n; i++) {
			bool group = i < role->groups.n;
			const char *name = group ? role->groups.v[i] :
						   role->users.v[i - role->groups.n];
			int ret = name_to_id(name, group, &id);

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

/* Read (@export false) or export categories of @uid's roles; @names as roles_uid_categories. */
static uint32_t uid_roles(const struct config *cfg, uid_t uid, bool export, char *names,
			  size_t len)
{
	char buf[4096], gbuf[4096];
	struct passwd pw, *pwp = NULL;
	gid_t groups[256];
	int ngroups = 256, i;
	uint32_t cats = 0;
	size_t r, off = 0;

	if (names && len)
		names[0] = '\0';
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
		cats |= export ? role->export : role->read;
		if (names && off < len)
			off += snprintf(names + off, len - off, "%s%s", off ? "," : "", role->name);
	}
	return cats;
}

uint32_t roles_uid_categories(const struct config *cfg, uid_t uid, char *names, size_t len)
{
	return uid_roles(cfg, uid, false, names, len);
}

uint32_t roles_uid_export(const struct config *cfg, uid_t uid, char *names, size_t len)
{
	return uid_roles(cfg, uid, true, names, len);
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

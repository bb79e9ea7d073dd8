/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy's [role] entries resolved against this system's users and groups, in one place:
 * the drivers and the state ask here, so a role means the same whichever driver enforces it.
 */
#ifndef PDGUARD_ROLES_H
#define PDGUARD_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/config.h"

/**
 * struct role_id - a uid or a gid that the policy's roles name
 * @group: @id is a gid (else a uid)
 * @read: PDGUARD_CAT_* that the roles naming it may read
 * @export: PDGUARD_CAT_* that they may write to USB and cloud zones
 */
struct role_id {
	uint32_t id;
	bool group;
	uint32_t read;
	uint32_t export;
};

/**
 * roles_resolve() - the users and groups of @cfg's roles (and its services' accounts, with
 * their read =) as ids
 * Names this system does not know are left out: nobody can hold them. An id named by several
 * roles appears once, with the union of their categories. A role with place = adds its
 * export = here but not its read = (roles_resolve_places()). Free *@out with free().
 * Return: the count, or -ENOMEM.
 */
ssize_t roles_resolve(const struct config *cfg, struct role_id **out);

/* More roles of one user than this are not looked at (a user is in a handful). */
#define ROLES_MAX_MEMBER 64

/**
 * struct role_place_id - what a uid or gid of scoped roles may read at one place
 * @place: index into roles_places()'s list: the nearest place folder that holds the file
 * @read: the read = of its roles that hold that place (their own place is it or above it)
 */
struct role_place_id {
	uint32_t id;
	bool group;
	uint32_t place;
	uint32_t read;
};

/**
 * roles_uid_categories() - PD categories @uid may read anywhere through its roles: those of its
 * roles without place =
 * Groups come from getgrouplist(), so AD groups from SSSD/winbind count.
 * @names: if not NULL, receives the names of all its roles (scoped or not), comma-separated
 */
uint32_t roles_uid_categories(const struct config *cfg, uid_t uid, char *names, size_t len);

/*
 * roles_uid_categories_at() - PD categories @uid may read in the file at @path: its unscoped
 * roles' and those of its scoped roles one of whose places is or holds @path (a union)
 */
uint32_t roles_uid_categories_at(const struct config *cfg, uid_t uid, const char *path,
				 char *names, size_t len);

/*
 * roles_uid_scoped() - the scoped roles (with place =) @uid is in, as indexes into cfg->roles
 * Return: how many; more than @max (or ROLES_MAX_MEMBER) means not all were given.
 */
int roles_uid_scoped(const struct config *cfg, uid_t uid, uint16_t *idx, int max);

/* What the roles @idx (from roles_uid_scoped()) let their member read at @path. */
uint32_t roles_scoped_read(const struct config *cfg, const uint16_t *idx, int n,
			   const char *path);

/* Whether any role has place =. */
bool roles_any_scoped(const struct config *cfg);

/* Whether @path is the folder @place or under it (by components: /a/bc is not under /a/b). */
bool roles_path_under(const char *path, const char *place);

/* Every place of @cfg's roles once, in the order first named, into @out (strlist_free()). */
int roles_places(const struct config *cfg, struct strlist *out);

/**
 * roles_resolve_places() - for the kernel's maps: per id of a scoped role and per place of
 * @places (from roles_places()), the categories its scoped roles let it read in files whose
 * nearest place folder is that one. A role scoped to /srv/shares counts at /srv/shares/almaty
 * too, so the nearest place alone decides, as a bounded walk up the folders finds it.
 * Free *@out with free(). Return: the count, or -ENOMEM.
 */
ssize_t roles_resolve_places(const struct config *cfg, const struct strlist *places,
			     struct role_place_id **out);

/*
 * roles_uid_export() - PD categories @uid may write to USB and cloud zones through its roles'
 * `export =` (any zone of either kind); @names as for roles_uid_categories()
 */
uint32_t roles_uid_export(const struct config *cfg, uid_t uid, char *names, size_t len);

/* The [service] whose user = lines name @uid's account, or NULL. */
const struct config_service *roles_uid_service(const struct config *cfg, uid_t uid);

/* @uid's groups (primary and supplementary, from NSS) into @gids. Return: how many. */
int roles_uid_groups(uid_t uid, gid_t *gids, int max);

#endif /* PDGUARD_ROLES_H */

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
 * roles appears once, with the union of their categories. Free *@out with free().
 * Return: the count, or -ENOMEM.
 */
ssize_t roles_resolve(const struct config *cfg, struct role_id **out);

/**
 * roles_uid_categories() - PD categories @uid may read through its roles
 * Groups come from getgrouplist(), so AD groups from SSSD/winbind count.
 * @names: if not NULL, receives the names of the matching roles, comma-separated
 */
uint32_t roles_uid_categories(const struct config *cfg, uid_t uid, char *names, size_t len);

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

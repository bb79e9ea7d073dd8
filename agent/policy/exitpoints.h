/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit-point applications ([exit-points] in the policy): programs that carry files out of the
 * company (messengers, mail clients, browsers). They may open a PD file only under a grant of
 * the user's (`pdguard grant add`), never by role alone. The drivers match them by the
 * executable's device and inode, and the fanotify driver also by content (a copy elsewhere).
 */
#ifndef PDGUARD_EXITPOINTS_H
#define PDGUARD_EXITPOINTS_H

#include "policy/config.h"

#define EXITPOINTS_DPKG_INFO "/var/lib/dpkg/info"

/**
 * exitpoints_resolve() - the executables of the policy's exit points
 * @cfg: its exit_exes (taken as they are) and exit_packages
 * @dpkg_info: dpkg's database of file lists (EXITPOINTS_DPKG_INFO; a test passes its own)
 * @out: receives every exe, and every ELF executable an installed package ships (by dpkg's
 *	 NAME.list or NAME:ARCH.list); shared libraries are left out. A package not installed
 *	 adds nothing.
 * @missing: if not NULL, receives the packages of the policy that are not installed
 * Return: 0 or -ENOMEM.
 */
int exitpoints_resolve(const struct config *cfg, const char *dpkg_info, struct strlist *out,
		       struct strlist *missing);

#endif /* PDGUARD_EXITPOINTS_H */

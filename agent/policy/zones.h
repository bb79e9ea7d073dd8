/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Zones: where PD must not go. USB — every filesystem on a removable or USB block device, and
 * mount points the policy declares; cloud — personal sync folders in users' homes.
 *
 * A USB zone is identified by its filesystem's device number, never by a path string, so a bind
 * mount or another mount point of the same stick is the same zone.
 */
#ifndef PDGUARD_ZONES_H
#define PDGUARD_ZONES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "policy/config.h"

enum zone_kind {
	ZONE_USB,
	ZONE_CLOUD,
};

/**
 * struct zone - one zone
 * @kind: enum zone_kind
 * @dev: USB: the filesystem's device (st_dev); cloud: the folder's device
 * @ino: cloud: the folder's inode; USB: 0
 * @path: where it is (a mount point, or the folder)
 * @why: how it was recognised, e.g. "removable block device sdb1 on the USB bus"
 * @uid: cloud: the home's owner; USB: (uid_t)-1
 */
struct zone {
	int kind;
	dev_t dev;
	ino_t ino;
	char *path;
	char *why;
	uid_t uid;
};

struct zones {
	struct zone *v;
	size_t n;
};

/**
 * zones_scan() - find every zone on this machine now
 * @cfg: the policy ([zone usb], [zone cloud])
 * @out: filled; free with zones_free()
 * @mountinfo: mount table to read, NULL for /proc/self/mountinfo (tests pass their own)
 * @sysfs: sysfs root, NULL for /sys (tests pass a fake tree)
 *
 * Return: 0 or -errno.
 */
int zones_scan(const struct config *cfg, struct zones *out, const char *mountinfo,
	       const char *sysfs);
void zones_free(struct zones *z);

/**
 * zones_block_device_is_usb() - is block device MAJ:MIN removable or on a USB bus?
 * @why: receives the reason when true
 */
bool zones_block_device_is_usb(unsigned int maj, unsigned int min, const char *sysfs, char *why,
			       size_t whylen);

/* The zone @dev/@ino lies in: USB by device, cloud by folder (@path's ancestors). NULL if none. */
const struct zone *zones_find_usb(const struct zones *z, dev_t dev);

const char *zone_kind_name(int kind);

#endif /* PDGUARD_ZONES_H */

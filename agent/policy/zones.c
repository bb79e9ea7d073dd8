// SPDX-License-Identifier: GPL-2.0
/* Zone discovery: USB filesystems from the mount table and sysfs, cloud folders from homes. */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "policy/zones.h"

const char *zone_kind_name(int kind)
{
	return kind == ZONE_USB ? "usb" : "cloud";
}

static int zones_add(struct zones *z, int kind, dev_t dev, ino_t ino, const char *path,
		     const char *why, uid_t uid)
{
	struct zone *v;
	size_t i;

	for (i = 0; i < z->n; i++)	/* one zone per filesystem (USB) or folder (cloud) */
		if (z->v[i].kind == kind && z->v[i].dev == dev && z->v[i].ino == ino)
			return 0;
	v = realloc(z->v, (z->n + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	z->v = v;
	v[z->n] = (struct zone){ .kind = kind, .dev = dev, .ino = ino, .uid = uid,
				 .path = strdup(path), .why = strdup(why) };
	if (!v[z->n].path || !v[z->n].why) {
		free(v[z->n].path);
		free(v[z->n].why);
		return -ENOMEM;
	}
	z->n++;
	return 0;
}

void zones_free(struct zones *z)
{
	size_t i;

	for (i = 0; i < z->n; i++) {
		free(z->v[i].path);
		free(z->v[i].why);
	}
	free(z->v);
	z->v = NULL;
	z->n = 0;
}

/* Read a one-line sysfs attribute. */
static int read_attr(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	char *nl;

	if (!f)
		return -errno;
	if (!fgets(buf, len, f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

bool zones_block_device_is_usb(unsigned int maj, unsigned int min, const char *sysfs, char *why,
			       size_t whylen)
{
	char link[PATH_MAX], real[PATH_MAX], attr[PATH_MAX + 32], val[64], udev[128];
	char *name, *disk;
	struct stat st;
	FILE *f;

	if (!sysfs)
		sysfs = "/sys";
	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sysfs, maj, min);
	if (!realpath(link, real))
		return false;
	name = strrchr(real, '/');
	name = name ? name + 1 : real;
	/* a partition's own directory has a 'partition' file; the disk is its parent */
	snprintf(attr, sizeof(attr), "%s/partition", real);
	disk = real;
	if (!stat(attr, &st)) {
		char *slash = strrchr(real, '/');

		if (slash)
			*slash = '\0';
	}
	snprintf(attr, sizeof(attr), "%s/removable", disk);
	if (!read_attr(attr, val, sizeof(val)) && !strcmp(val, "1")) {
		snprintf(why, whylen, "removable block device %s", name);
		return true;
	}
	if (strstr(disk, "/usb")) {
		snprintf(why, whylen, "block device %s on the USB bus", name);
		return true;
	}
	/* udev's view, when udev runs: ID_BUS=usb (card readers, USB disks that say non-removable) */
	snprintf(udev, sizeof(udev), "/run/udev/data/b%u:%u", maj, min);
	if (sysfs && strcmp(sysfs, "/sys"))
		return false;	/* a fake sysfs in tests: no real udev database to ask */
	f = fopen(udev, "re");
	if (f) {
		char line[256];
		bool usb = false;

		while (fgets(line, sizeof(line), f))
			if (!strcmp(line, "E:ID_BUS=usb\n"))
				usb = true;
		fclose(f);
		if (usb) {
			snprintf(why, whylen, "block device %s, udev ID_BUS=usb", name);
			return true;
		}
	}
	return false;
}

/* Undo the octal escapes of /proc/self/mountinfo (\040 for a space...). */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0');
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

static bool declared_usb(const struct config *cfg, const char *mnt)
{
	size_t i;

	for (i = 0; i < cfg->usb_paths.n; i++)
		if (!strcmp(cfg->usb_paths.v[i], mnt))
			return true;
	return false;
}

static int scan_mounts(const struct config *cfg, struct zones *out, const char *mountinfo,
		       const char *sysfs)
{
	char line[8192], why[PATH_MAX + 128];
	unsigned int maj, min;
	int ret = 0;
	FILE *f;

	f = fopen(mountinfo ? mountinfo : "/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (!ret && fgets(line, sizeof(line), f)) {
		char mnt[4096], *sep, fstype[64];

		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, mnt) != 3)
			continue;
		unescape(mnt);
		sep = strstr(line, " - ");
		if (!sep || sscanf(sep + 3, "%63s", fstype) != 1)
			continue;
		if (declared_usb(cfg, mnt)) {
			snprintf(why, sizeof(why), "declared in the policy ([zone usb] path = %s)",
				 mnt);
			ret = zones_add(out, ZONE_USB, makedev(maj, min), 0, mnt, why, (uid_t)-1);
		} else if (cfg->usb_removable && maj != 0 &&
			   zones_block_device_is_usb(maj, min, sysfs, why, sizeof(why))) {
			ret = zones_add(out, ZONE_USB, makedev(maj, min), 0, mnt, why, (uid_t)-1);
		}
	}
	fclose(f);
	return ret;
}

/* Every ~/ folder of [zone cloud] in every home that has it, plus absolute ones. */
static int scan_cloud(const struct config *cfg, struct zones *out)
{
	char path[PATH_MAX], why[PATH_MAX + 64];
	struct passwd *pw;
	struct stat st;
	size_t i;
	int ret = 0;

	for (i = 0; !ret && i < cfg->cloud_paths.n; i++) {
		const char *p = cfg->cloud_paths.v[i];

		if (p[0] == '/') {
			if (!stat(p, &st) && S_ISDIR(st.st_mode)) {
				snprintf(why, sizeof(why), "declared cloud folder %s", p);
				ret = zones_add(out, ZONE_CLOUD, st.st_dev, st.st_ino, p, why,
						st.st_uid);
			}
			continue;
		}
		setpwent();
		while (!ret && (pw = getpwent())) {
			if (!pw->pw_dir || pw->pw_dir[0] != '/' || !strcmp(pw->pw_dir, "/"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", pw->pw_dir, p + 2);
			if (stat(path, &st) || !S_ISDIR(st.st_mode))
				continue;
			snprintf(why, sizeof(why), "personal cloud folder %s of %s", p, pw->pw_name);
			ret = zones_add(out, ZONE_CLOUD, st.st_dev, st.st_ino, path, why, pw->pw_uid);
		}
		endpwent();
	}
	return ret;
}

int zones_scan(const struct config *cfg, struct zones *out, const char *mountinfo,
	       const char *sysfs)
{
	int ret;

	out->v = NULL;
	out->n = 0;
	ret = scan_mounts(cfg, out, mountinfo, sysfs);
	if (!ret)
		ret = scan_cloud(cfg, out);
	if (ret)
		zones_free(out);
	return ret;
}

const struct zone *zones_find_usb(const struct zones *z, dev_t dev)
{
	size_t i;

	for (i = 0; i < z->n; i++)
		if (z->v[i].kind == ZONE_USB && z->v[i].dev == dev)
			return &z->v[i];
	return NULL;
}

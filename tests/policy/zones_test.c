// SPDX-License-Identifier: GPL-2.0
/* Zone discovery against a fake sysfs and mount table, and against a real tmpfs mount. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "policy/config.h"
#include "pdg_test.h"
#include "policy/zones.h"

static void put(const char *dir, const char *rel, const char *text)
{
	char p[PATH_MAX], cmd[2 * PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", p);
	pdg_system(cmd);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void link_to(const char *dir, const char *rel, const char *target)
{
	char p[PATH_MAX], cmd[3 * PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\" && ln -s '%s/%s' '%s'", p, dir,
		 target, p);
	pdg_system(cmd);
}

FIXTURE(fake) {
	char dir[64];
	char mountinfo[128];
	struct config cfg;
};

#define USB_DISK "devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb"
#define SATA_DISK "devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda"
#define CARD_DISK "devices/platform/mmc0/mmc_host/mmc0/mmc0:0001/block/mmcblk0"

FIXTURE_SETUP(fake)
{
	strcpy(self->dir, "/tmp/pdg-zones-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	/* a USB stick sdb with partition sdb1, a SATA disk sda, a removable SD card */
	put(self->dir, "sys/" USB_DISK "/removable", "1\n");
	put(self->dir, "sys/" USB_DISK "/sdb1/partition", "1\n");
	link_to(self->dir, "sys/dev/block/8:17", "sys/" USB_DISK "/sdb1");
	put(self->dir, "sys/" SATA_DISK "/removable", "0\n");
	link_to(self->dir, "sys/dev/block/8:0", "sys/" SATA_DISK);
	put(self->dir, "sys/" CARD_DISK "/removable", "1\n");
	link_to(self->dir, "sys/dev/block/179:0", "sys/" CARD_DISK);
	snprintf(self->mountinfo, sizeof(self->mountinfo), "%s/mountinfo", self->dir);
	put(self->dir, "mountinfo",
	    "22 1 8:0 / / rw,relatime shared:1 - ext4 /dev/sda rw\n"
	    "40 22 8:17 / /media/alice/MY\\040STICK rw,nosuid,nodev shared:30 - vfat /dev/sdb1 rw\n"
	    "41 22 179:0 / /media/alice/card rw shared:31 - exfat /dev/mmcblk0 rw\n"
	    "42 22 0:55 / /mnt/backup-stick rw - tmpfs tmpfs rw\n"
	    "43 22 0:56 / /tmp rw - tmpfs tmpfs rw\n"
	    "44 22 8:17 / /srv/alias rw - vfat /dev/sdb1 rw\n");
	config_defaults(&self->cfg);
}

FIXTURE_TEARDOWN(fake)
{
	char cmd[128];

	config_free(&self->cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", self->dir);
	pdg_system(cmd);
}

TEST_F(fake, removable_and_usb_devices_are_found)
{
	char sys[128], why[256];

	snprintf(sys, sizeof(sys), "%s/sys", self->dir);
	EXPECT_TRUE(zones_block_device_is_usb(8, 17, sys, why, sizeof(why)));
	EXPECT_STREQ("removable block device sdb1", why);
	EXPECT_FALSE(zones_block_device_is_usb(8, 0, sys, why, sizeof(why)));
	EXPECT_TRUE(zones_block_device_is_usb(179, 0, sys, why, sizeof(why)));
	EXPECT_FALSE(zones_block_device_is_usb(7, 0, sys, why, sizeof(why)));	/* unknown */
}

TEST_F(fake, mount_table_gives_usb_zones_by_device)
{
	char sys[128];
	struct zones z;

	snprintf(sys, sizeof(sys), "%s/sys", self->dir);
	ASSERT_EQ(0, strlist_add(&self->cfg.usb_paths, "/mnt/backup-stick"));
	ASSERT_EQ(0, zones_scan(&self->cfg, &z, self->mountinfo, sys));
	/* the stick (once, though mounted twice), the card, the declared mount; not sda, not /tmp */
	ASSERT_EQ(3, z.n);
	EXPECT_EQ(makedev(8, 17), z.v[0].dev);
	EXPECT_STREQ("/media/alice/MY STICK", z.v[0].path);
	EXPECT_STREQ("/media/alice/card", z.v[1].path);
	EXPECT_STREQ("/mnt/backup-stick", z.v[2].path);
	EXPECT_STREQ("declared in the policy ([zone usb] path = /mnt/backup-stick)", z.v[2].why);
	EXPECT_NE(NULL, zones_find_usb(&z, makedev(8, 17)));
	EXPECT_EQ(NULL, zones_find_usb(&z, makedev(8, 0)));
	zones_free(&z);
}

TEST_F(fake, removable_off_keeps_only_declared)
{
	char sys[128];
	struct zones z;

	snprintf(sys, sizeof(sys), "%s/sys", self->dir);
	self->cfg.usb_removable = false;
	ASSERT_EQ(0, strlist_add(&self->cfg.usb_paths, "/mnt/backup-stick"));
	ASSERT_EQ(0, zones_scan(&self->cfg, &z, self->mountinfo, sys));
	ASSERT_EQ(1, z.n);
	EXPECT_STREQ("/mnt/backup-stick", z.v[0].path);
	zones_free(&z);
}

TEST_F(fake, cloud_folders_by_inode)
{
	char cloud[128], sys[128];
	struct zones z;
	struct stat st;

	snprintf(sys, sizeof(sys), "%s/sys", self->dir);
	snprintf(cloud, sizeof(cloud), "%s/Dropbox", self->dir);
	ASSERT_EQ(0, mkdir(cloud, 0700));
	ASSERT_EQ(0, stat(cloud, &st));
	self->cfg.usb_removable = false;
	ASSERT_EQ(0, strlist_add(&self->cfg.cloud_paths, cloud));
	ASSERT_EQ(0, strlist_add(&self->cfg.cloud_paths, "/nonexistent/Dropbox"));
	ASSERT_EQ(0, zones_scan(&self->cfg, &z, self->mountinfo, sys));
	ASSERT_EQ(1, z.n);
	EXPECT_EQ(ZONE_CLOUD, z.v[0].kind);
	EXPECT_EQ(st.st_ino, z.v[0].ino);
	EXPECT_EQ(st.st_dev, z.v[0].dev);
	zones_free(&z);
}

/* A tmpfs mounted at a declared path, in a private mount namespace, becomes a USB zone. */
TEST(declared_mount_point_becomes_a_zone)
{
	char dir[64] = "/tmp/pdg-zones-mnt-XXXXXX";
	struct config cfg;
	struct stat st;
	struct zones z;
	pid_t pid;
	int status;

	if (geteuid())
		SKIP(return, "needs root to mount");
	ASSERT_NE(NULL, mkdtemp(dir));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int ok;

		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			_exit(10);
		config_defaults(&cfg);
		strlist_add(&cfg.usb_paths, dir);
		if (zones_scan(&cfg, &z, NULL, NULL))
			_exit(11);
		ok = zones_find_usb(&z, 0) == NULL;
		zones_free(&z);
		if (mount("pdg-stick", dir, "tmpfs", 0, "size=1m"))
			_exit(12);
		if (stat(dir, &st) || zones_scan(&cfg, &z, NULL, NULL))
			_exit(13);
		ok = ok && zones_find_usb(&z, st.st_dev) != NULL;
		zones_free(&z);
		umount(dir);
		config_free(&cfg);
		_exit(ok ? 0 : 14);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	rmdir(dir);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_HARNESS_MAIN

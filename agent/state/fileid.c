// SPDX-License-Identifier: GPL-2.0
/* A file's identity beyond (dev, ino) (state/fileid.h). */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "state/fileid.h"

static int64_t stx_ns(const struct statx_timestamp *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* Fill @id and @st (when not NULL) from what statx gave. */
static void from_statx(const struct statx *x, struct file_id *id, struct stat *st)
{
	memset(id, 0, sizeof(*id));
	id->dev = makedev(x->stx_dev_major, x->stx_dev_minor);
	id->ino = x->stx_ino;
	id->ctime_ns = stx_ns(&x->stx_ctime);
	if (x->stx_mask & STATX_BTIME) {
		id->btime_ns = stx_ns(&x->stx_btime);
		id->have |= FILEID_HAVE_BTIME;
	}
	if (!st)
		return;
	memset(st, 0, sizeof(*st));
	st->st_dev = id->dev;
	st->st_ino = x->stx_ino;
	st->st_mode = x->stx_mode;
	st->st_nlink = x->stx_nlink;
	st->st_uid = x->stx_uid;
	st->st_gid = x->stx_gid;
	st->st_size = (off_t)x->stx_size;
	st->st_mtim.tv_sec = x->stx_mtime.tv_sec;
	st->st_mtim.tv_nsec = x->stx_mtime.tv_nsec;
	st->st_ctim.tv_sec = x->stx_ctime.tv_sec;
	st->st_ctim.tv_nsec = x->stx_ctime.tv_nsec;
	st->st_atim.tv_sec = x->stx_atime.tv_sec;
	st->st_atim.tv_nsec = x->stx_atime.tv_nsec;
	st->st_rdev = makedev(x->stx_rdev_major, x->stx_rdev_minor);
	st->st_blksize = x->stx_blksize;
	st->st_blocks = (blkcnt_t)x->stx_blocks;
}

/*
 * The filesystem (device) this thread last saw refuse FS_IOC_GETVERSION (tmpfs, vfat, ...): its
 * files are not asked again, one system call less on the fanotify driver's decision. Asked again
 * every NOGEN_RECHECK files all the same, since a device number can come back as another
 * filesystem after an unmount.
 */
#define NOGEN_RECHECK	4096
static __thread struct {
	dev_t dev;
	unsigned int uses;
	bool valid;
} nogen;

int fileid_of_fd(int fd, struct file_id *id, struct stat *st)
{
	struct statx x;
	int gen;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS | STATX_BTIME,
		  &x))
		return -errno;
	from_statx(&x, id, st);
	/* regular files only: the ioctl means other things to devices */
	if (!S_ISREG(x.stx_mode))
		return 0;
	if (nogen.valid && nogen.dev == id->dev && ++nogen.uses < NOGEN_RECHECK)
		return 0;
	if (!ioctl(fd, FS_IOC_GETVERSION, &gen)) {
		id->gen = (uint32_t)gen;
		id->have |= FILEID_HAVE_GEN;
		if (nogen.valid && nogen.dev == id->dev)
			nogen.valid = false;
	} else if (errno == ENOTTY || errno == EOPNOTSUPP || errno == EINVAL) {
		nogen.dev = id->dev;
		nogen.uses = 0;
		nogen.valid = true;
	}
	return 0;
}

int fileid_of_path(const char *path, bool follow, struct file_id *id, struct stat *st)
{
	struct statx x;

	if (statx(AT_FDCWD, path, (follow ? 0 : AT_SYMLINK_NOFOLLOW) | AT_STATX_SYNC_AS_STAT,
		  STATX_BASIC_STATS | STATX_BTIME, &x))
		return -errno;
	from_statx(&x, id, st);
	return 0;
}

bool fileid_other_file(const struct file_id *a, const struct file_id *b)
{
	if (a->dev != b->dev || a->ino != b->ino)
		return true;
	if ((a->have & b->have & FILEID_HAVE_GEN) && a->gen != b->gen)
		return true;
	return (a->have & b->have & FILEID_HAVE_BTIME) && a->btime_ns != b->btime_ns;
}

bool fileid_same_version(const struct file_id *a, const struct file_id *b)
{
	return !fileid_other_file(a, b) && a->ctime_ns == b->ctime_ns;
}

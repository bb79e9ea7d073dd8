// SPDX-License-Identifier: GPL-2.0
/* Replace a file whole or not at all (atomicfile.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "lib/atomicfile.h"

int atomic_file_open(struct atomic_file *a, const char *path, mode_t mode)
{
	int fd, ret;

	a->path = path;
	a->f = NULL;
	/* per process: the daemon and a CLI command may save the same file at once */
	if (snprintf(a->tmp, sizeof(a->tmp), "%s.tmp.%d", path, (int)getpid()) >=
	    (int)sizeof(a->tmp))
		return -ENAMETOOLONG;
	/*
	 * A new file, never one that is there: a directory others may write (node-exporter's
	 * textfile directory) could hold a file or hard link under our name, to be truncated and
	 * published. A stale temporary of a crashed process with our pid goes first.
	 */
	if (unlink(a->tmp) && errno != ENOENT)
		return -errno;
	fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -errno;
	a->f = fdopen(fd, "w");
	if (!a->f) {
		ret = -errno;
		close(fd);
		unlink(a->tmp);
		return ret;
	}
	return 0;
}

static void fsync_dir_of(const char *path)
{
	char dir[PATH_MAX], *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		return;
	*(slash == dir ? slash + 1 : slash) = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	fsync(fd);	/* the rename is durable once its directory is */
	close(fd);
}

static int commit(struct atomic_file *a, bool durable)
{
	int ret = 0;

	errno = 0;
	if (fflush(a->f) || ferror(a->f) || (durable && fsync(fileno(a->f))))
		ret = errno ? -errno : -EIO;
	if (fclose(a->f) && !ret)
		ret = -errno;
	a->f = NULL;
	if (!ret && rename(a->tmp, a->path))
		ret = -errno;
	if (ret) {
		unlink(a->tmp);
		return ret;
	}
	if (durable)
		fsync_dir_of(a->path);
	return 0;
}

int atomic_file_commit(struct atomic_file *a)
{
	return commit(a, true);
}

int atomic_file_commit_volatile(struct atomic_file *a)
{
	return commit(a, false);
}

void atomic_file_abort(struct atomic_file *a)
{
	if (a->f)
		fclose(a->f);
	a->f = NULL;
	unlink(a->tmp);
}

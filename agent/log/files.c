// SPDX-License-Identifier: GPL-2.0
/*
 * The event log's files: rotation by size (the SIEM copy turning over with it), and who may
 * read them: root alone, or the policy's log_group, for the live file, the rotated ones and the
 * log's own directory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log/events.h"
#include "log/internal.h"

/*
 * A log file's owner and mode: root-only (0600), or readable by the policy's log group (0640,
 * group @gid). Only a regular file: `--log /dev/null` (or a FIFO to a collector) must not make
 * the device root-only, or the group's, for every user of the machine.
 */
int file_mode(int fd, gid_t gid)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	if (gid != (gid_t)-1 && st.st_gid != gid && fchown(fd, -1, gid) && errno != EPERM)
		return -errno;
	if (fchmod(fd, gid == (gid_t)-1 ? 0600 : 0640) && errno != EPERM)
		return -errno;
	return 0;
}

/* The SIEM file turns over with the native log, keeping as many. Caller holds log->lock. */
static void rotate_siem(struct eventlog *log, unsigned int keep)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	unsigned int i;
	int fd;

	for (i = keep; i > 0; i--) {
		snprintf(to, sizeof(to), "%s.%u", log->siem_path, i);
		if (i > 1)
			snprintf(from, sizeof(from), "%s.%u", log->siem_path, i - 1);
		else
			snprintf(from, sizeof(from), "%s", log->siem_path);
		rename(from, to);
	}
	fd = open(log->siem_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		log->siem_failed++;
		return;
	}
	close(log->siem_fd);
	log->siem_fd = fd;
}

int eventlog_rotate(struct eventlog *log, unsigned int keep)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16], extra[PATH_MAX + 32];
	const char *base;
	unsigned int i;
	int fd, ret;

	if (!keep)
		keep = 1;
	pthread_mutex_lock(&log->lock);
	/* events.jsonl.(keep-1) -> .keep ... events.jsonl -> .1; the oldest beyond keep is dropped */
	for (i = keep; i > 0; i--) {
		snprintf(to, sizeof(to), "%s.%u", log->path, i);
		if (i > 1)
			snprintf(from, sizeof(from), "%s.%u", log->path, i - 1);
		else
			snprintf(from, sizeof(from), "%s", log->path);
		if (rename(from, to) && errno != ENOENT) {
			ret = -errno;
			pthread_mutex_unlock(&log->lock);
			return ret;
		}
	}
	fd = open(log->path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		ret = -errno;
		pthread_mutex_unlock(&log->lock);
		return ret;
	}
	file_mode(fd, log->gid);	/* the new file as readable as the old: 0600 if this fails */
	fdatasync(log->fd);
	close(log->fd);
	log->fd = fd;
	log->expect_size = 0;
	if (log->siem_fd >= 0)
		rotate_siem(log, keep);
	pthread_mutex_unlock(&log->lock);

	/* the new file opens with the chain's continuation, so it cannot be cut from the front */
	base = strrchr(log->path, '/');
	base = base ? base + 1 : log->path;
	snprintf(extra, sizeof(extra), "\"continues\":\"%s.1\"", base);
	{
		struct event ev = event_agent("rotate", "info", "log rotated by size");

		ev.extra = extra;

		return eventlog_write(log, &ev);
	}
}

/* Every name in @dir is the log's (@base, @base.N, ...): the directory is the log's own. */
static bool dir_is_logs(const char *dir, const char *base)
{
	size_t n = strlen(base);
	struct dirent *e;
	bool own = true;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (own && (e = readdir(d)))
		own = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		      !strncmp(e->d_name, base, n);
	closedir(d);
	return own;
}

/* @name is @base or @base.N (a rotated file). */
static bool is_rotated(const char *name, const char *base)
{
	size_t n = strlen(base);

	if (strncmp(name, base, n) || name[n] != '.' || !name[n + 1])
		return false;
	for (name += n + 1; *name; name++)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}

int eventlog_set_group(struct eventlog *log, gid_t gid)
{
	char dir[PATH_MAX], file[PATH_MAX + 256], *slash;
	const char *base;
	struct dirent *e;
	struct stat st;
	int ret, fd, shared = 0;
	DIR *d;

	pthread_mutex_lock(&log->lock);
	log->gid = gid;
	ret = file_mode(log->fd, gid);
	pthread_mutex_unlock(&log->lock);
	if (ret)
		return ret;
	strcpy(dir, log->path);
	slash = strrchr(dir, '/');
	if (!slash)
		return 0;
	base = log->path + (slash - dir) + 1;
	if (slash == dir)
		strcpy(dir, "/");
	else
		*slash = '\0';
	/*
	 * The directory too, but only the log's own (root's, holding nothing else): a log in
	 * /var/log or /tmp must not change who may list them.
	 */
	if (lstat(dir, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || !strcmp(dir, "/") ||
	    !dir_is_logs(dir, base)) {
		shared = 1;
	} else {
		gid_t to = gid == (gid_t)-1 ? 0 : gid;

		if (st.st_gid != to && chown(dir, -1, to))
			return -errno;
		if (chmod(dir, gid == (gid_t)-1 ? 0700 : 0750))
			return -errno;
	}
	/* the rotated files, as readable as the live one */
	d = opendir(dir);
	if (!d)
		return shared;
	while ((e = readdir(d))) {
		if (!is_rotated(e->d_name, base) ||
		    (size_t)snprintf(file, sizeof(file), "%s/%s", dir, e->d_name) >= sizeof(file))
			continue;
		fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0)
			continue;
		file_mode(fd, gid);
		close(fd);
	}
	closedir(d);
	return shared;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Persistent file labels.
 *
 * The value is a fixed 16-byte little-endian struct (include/uapi/pdguard.h) so the BPF programs
 * and the kernel module read it without parsing. Paths are used with the l*xattr calls: a label
 * belongs to a regular file, never to a symbolic link's target by accident.
 */
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>

#include "lib/vocab.h"
#include "log/events.h"
#include "state/fileid.h"
#include "state/labels.h"
#include "state/state.h"

/* Check and decode what the kernel returned (@n bytes, or -1 with errno). */
static int label_decode(ssize_t n, struct pdguard_label_xattr v, struct pdguard_label_xattr *out)
{
	if (n < 0)
		return errno == ENOTSUP ? -ENODATA : -errno;
	if (n != sizeof(v) || v.magic != PDGUARD_LABEL_MAGIC ||
	    v.version != PDGUARD_LABEL_VERSION || v.level >= __PDGUARD_LEVEL_MAX)
		return -EBADMSG;
	v.categories = le32toh(v.categories) & PDGUARD_CAT_ALL;
	v.classified_at = le64toh(v.classified_at);
	*out = v;
	return 0;
}

static struct pdguard_label_xattr label_encode(uint8_t level, uint32_t categories, uint8_t flags)
{
	struct pdguard_label_xattr v = {
		.magic = PDGUARD_LABEL_MAGIC,
		.version = PDGUARD_LABEL_VERSION,
		.level = level,
		.flags = flags,
		.categories = htole32(categories & PDGUARD_CAT_ALL),
		.classified_at = htole64((uint64_t)time(NULL)),
	};

	return v;
}

int labels_get(const char *path, struct pdguard_label_xattr *out)
{
	struct pdguard_label_xattr v;
	ssize_t n = lgetxattr(path, PDGUARD_XATTR_NAME, &v, sizeof(v));

	return label_decode(n, v, out);
}

int labels_get_fd(int fd, struct pdguard_label_xattr *out)
{
	struct pdguard_label_xattr v;
	ssize_t n = fgetxattr(fd, PDGUARD_XATTR_NAME, &v, sizeof(v));

	return label_decode(n, v, out);
}

int labels_set(const char *path, uint8_t level, uint32_t categories, uint8_t flags)
{
	struct pdguard_label_xattr v = label_encode(level, categories, flags);

	if (level >= __PDGUARD_LEVEL_MAX)
		return -EINVAL;
	return lsetxattr(path, PDGUARD_XATTR_NAME, &v, sizeof(v), 0) ? -errno : 0;
}

int labels_set_fd(int fd, uint8_t level, uint32_t categories, uint8_t flags)
{
	struct pdguard_label_xattr v = label_encode(level, categories, flags);

	if (level >= __PDGUARD_LEVEL_MAX)
		return -EINVAL;
	return fsetxattr(fd, PDGUARD_XATTR_NAME, &v, sizeof(v), 0) ? -errno : 0;
}

int labels_clear(const char *path)
{
	return lremovexattr(path, PDGUARD_XATTR_NAME) ? -errno : 0;
}

void labels_after_scan(const struct pdguard_label_xattr *x, bool pd, uint32_t cats,
		       uint8_t *level, uint32_t *out_cats)
{
	if (x && (x->flags & PDGUARD_LABEL_MANUAL)) {
		*level = x->level;
		*out_cats = x->categories;
		return;
	}
	if (pd) {
		*level = PDGUARD_LEVEL_PD;
		*out_cats = cats;
	} else if (x && x->level == PDGUARD_LEVEL_DERIVED) {
		*level = PDGUARD_LEVEL_DERIVED;
		*out_cats = x->categories;
	} else {
		*level = PDGUARD_LEVEL_NONE;
		*out_cats = 0;
	}
}

bool labels_derive(uint8_t *level, uint32_t *cats, uint32_t taint)
{
	uint32_t old = *level != PDGUARD_LEVEL_NONE ? *cats : 0;

	if (*level != PDGUARD_LEVEL_NONE && (old & taint) == taint)
		return false;
	*level = *level == PDGUARD_LEVEL_PD ? PDGUARD_LEVEL_PD : PDGUARD_LEVEL_DERIVED;
	*cats = old | taint;
	return true;
}

int labels_record(struct state *st, struct eventlog *log, struct label_record *r,
		  int *xattr_err)
{
	struct label_entry e = { 0 }, old;
	struct file_id id;
	struct stat now;
	bool known, have_id;
	int ret;

	*xattr_err = 0;
	if (r->write_xattr)
		*xattr_err = r->fd >= 0 ? labels_set_fd(r->fd, r->level, r->categories, r->flags) :
					  labels_set(r->path, r->level, r->categories, r->flags);
	have_id = !(r->fd >= 0 ? fileid_of_fd(r->fd, &id, &now) :
				 fileid_of_path(r->path, false, &id, &now)) &&
		  now.st_dev == r->st.st_dev && now.st_ino == r->st.st_ino;
	/*
	 * Writing the attribute changed ctime: remember the file as it is now, unless its content
	 * changed since it was read (a rewrite racing the scan): then keep the version that was
	 * read, so the rewrite's own close-write finds it different and classifies it again.
	 */
	if (r->write_xattr && !*xattr_err && have_id && now.st_size == r->st.st_size &&
	    timespec_ns(&now.st_mtim) == timespec_ns(&r->st.st_mtim))
		r->st = now;
	if (have_id) {
		e.btime_ns = id.btime_ns;
		e.gen = id.gen;
		e.idhave = id.have;
	}
	e.verified = 1;
	e.path = (char *)r->path;
	e.dev = r->st.st_dev;
	e.ino = r->st.st_ino;
	e.size = r->st.st_size;
	e.mtime_ns = timespec_ns(&r->st.st_mtim);
	e.ctime_ns = timespec_ns(&r->st.st_ctim);
	e.level = r->level;
	e.categories = r->level != PDGUARD_LEVEL_NONE ? r->categories : 0;
	known = !state_label_get(st, e.dev, e.ino, &old);
	ret = state_label_put(st, &e);
	if (ret != 1)
		return ret;
	/* a file that was never PD and still is not needs no event */
	if (log && (known || e.level != PDGUARD_LEVEL_NONE)) {
		struct event ev = r->cause ? *r->cause : event_agent("label", "info", NULL);

		ev.op = "label";
		ev.decision = "info";
		ev.reason = r->reason;
		ev.path = r->path;
		ev.label = vocab_level_name(e.level);
		ev.categories = e.categories;
		eventlog_write(log, &ev);
	}
	return 1;
}

/* Does the file's own label attribute say what @e says? (No attribute: level none.) */
static bool xattr_agrees(int fd, const char *path, const struct label_entry *e)
{
	struct pdguard_label_xattr x;
	int ret = fd >= 0 ? labels_get_fd(fd, &x) :
		  (getxattr(path, PDGUARD_XATTR_NAME, &x, sizeof(x)) < 0 ? -errno : 0);
	uint8_t level = PDGUARD_LEVEL_NONE;
	uint32_t cats = 0;

	if (fd < 0 && !ret) {
		/* decoded here: getxattr() follows /proc/PID/fd/N, labels_get() would not */
		if (x.magic != PDGUARD_LABEL_MAGIC || x.version != PDGUARD_LABEL_VERSION)
			return false;
		x.categories = le32toh(x.categories) & PDGUARD_CAT_ALL;
	}
	if (!ret) {
		level = x.level;
		cats = level != PDGUARD_LEVEL_NONE ? x.categories : 0;
	} else if (ret != -ENODATA && ret != -ENOTSUP) {
		return false;
	}
	return level == e->level && cats == (e->level != PDGUARD_LEVEL_NONE ? e->categories : 0);
}

int labels_lookup(struct state *st, struct eventlog *log, int fd, const char *path,
		  struct label_entry *out)
{
	struct file_id now;
	struct stat sb;
	int ret;

	ret = fd >= 0 ? fileid_of_fd(fd, &now, &sb) : fileid_of_path(path, true, &now, &sb);
	if (ret)
		return ret;
	return labels_lookup_id(st, log, fd, path, &now, out);
}

int labels_lookup_id(struct state *st, struct eventlog *log, int fd, const char *path,
		     const struct file_id *nowp, struct label_entry *out)
{
	struct file_id was, now = *nowp;
	struct label_entry e;
	bool other, agrees;
	char reason[200];

	if (state_label_get(st, now.dev, now.ino, &e))
		return -ENOENT;
	was = (struct file_id){ .dev = e.dev, .ino = e.ino, .ctime_ns = e.ctime_ns,
				.btime_ns = e.btime_ns, .gen = e.gen, .have = e.idhave };
	other = fileid_other_file(&was, &now);
	if (!other && was.ctime_ns == now.ctime_ns && e.verified) {
		*out = e;
		return 0;
	}
	agrees = xattr_agrees(fd, path, &e);
	if (!other && was.ctime_ns == now.ctime_ns && agrees) {
		/* an entry from the cache, and the file's own label says the same */
		state_label_verified(st, &e, path);
		e.verified = 1;
		*out = e;
		return 0;
	}
	/*
	 * Another file with the entry's numbers, or another version of it: the file's own label
	 * attribute decides. An entry that would have decided otherwise is worth an event.
	 */
	if (state_label_drop_stale(st, &e) || !log || agrees)
		return -ESTALE;
	snprintf(reason, sizeof(reason), "a cached label %s was dropped: the file's own label "
		 "attribute decides", other ? "of another file with the same device and inode number" :
		 "of an older version of the file");
	{
		struct event ev = event_agent("label-stale", "info", reason);

		ev.path = path;
		ev.label = vocab_level_name(e.level);
		ev.categories = e.level != PDGUARD_LEVEL_NONE ? e.categories : 0;
		ev.dev = e.dev;
		ev.ino = e.ino;
		eventlog_write(log, &ev);
	}
	return -ESTALE;
}

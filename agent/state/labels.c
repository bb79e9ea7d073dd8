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
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>

#include "lib/vocab.h"
#include "log/events.h"
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
	struct stat now;
	bool known;
	int ret;

	*xattr_err = 0;
	if (r->write_xattr) {
		*xattr_err = r->fd >= 0 ? labels_set_fd(r->fd, r->level, r->categories, r->flags) :
					  labels_set(r->path, r->level, r->categories, r->flags);
		/*
		 * Writing the attribute changed ctime: remember the file as it is now, unless its
		 * content changed since it was read (a rewrite racing the scan): then keep the
		 * version that was read, so the rewrite's own close-write finds it different and
		 * classifies it again.
		 */
		if (!*xattr_err &&
		    !(r->fd >= 0 ? fstat(r->fd, &now) : lstat(r->path, &now)) &&
		    now.st_ino == r->st.st_ino && now.st_size == r->st.st_size &&
		    timespec_ns(&now.st_mtim) == timespec_ns(&r->st.st_mtim))
			r->st = now;
	}
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

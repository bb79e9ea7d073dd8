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
#include <sys/xattr.h>
#include <time.h>

#include "state/labels.h"

/* Check and decode what the kernel returned (@n bytes, or -1 with errno). */
static int label_decode(ssize_t n, struct pdguard_label_xattr v, struct pdguard_label_xattr *out)
{
	if (n < 0)
		return errno == ENOTSUP ? -ENODATA : -errno;
	if (n != sizeof(v) || v.magic != PDGUARD_LABEL_MAGIC ||
	    v.version != PDGUARD_LABEL_VERSION || v.level >= __PDGUARD_LEVEL_MAX)
		return -EBADMSG;
	v.categories = le32toh(v.categories);
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

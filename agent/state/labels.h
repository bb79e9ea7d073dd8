/* SPDX-License-Identifier: GPL-2.0 */
/* Persistent file labels: the security.bpf.pdguard extended attribute (include/uapi/pdguard.h). */
#ifndef PDGUARD_LABELS_H
#define PDGUARD_LABELS_H

#include <stdint.h>
#include <uapi/pdguard.h>

/**
 * labels_get() - read the label of @path (symbolic links are not followed)
 * Return: 0, -ENODATA when the file has no label, -EBADMSG when the attribute is not ours or of
 * an unknown version, other -errno.
 */
int labels_get(const char *path, struct pdguard_label_xattr *out);
/* Write a label; needs CAP_SYS_ADMIN (the kernel refuses others with -EPERM). */
int labels_set(const char *path, uint8_t level, uint32_t categories, uint8_t flags);
/* Remove the label; -ENODATA when there was none. */
int labels_clear(const char *path);

/*
 * The same through an open descriptor: the file is not looked up again by name, so a rename
 * between the decision and the write cannot move the label to another file.
 */
int labels_get_fd(int fd, struct pdguard_label_xattr *out);
int labels_set_fd(int fd, uint8_t level, uint32_t categories, uint8_t flags);

#endif /* PDGUARD_LABELS_H */

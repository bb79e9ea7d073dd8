/* SPDX-License-Identifier: GPL-2.0 */
/* Persistent file labels: the security.bpf.pdguard extended attribute (include/uapi/pdguard.h). */
#ifndef PDGUARD_LABELS_H
#define PDGUARD_LABELS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <uapi/pdguard.h>

struct state;
struct label_entry;
struct eventlog;

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

/*
 * The labelling policy: what label a file gets. The daemon (classification) and the drivers
 * (labels derived from taint) both ask here, so the rules live in one place.
 */

/**
 * labels_after_scan() - the label for a file that classification read
 * @x: the file's label attribute, or NULL when it has none
 * @pd, @cats: what classification found
 * An administrator's label (PDGUARD_LABEL_MANUAL) is kept; a file written by a tainted process
 * stays derived until it is PD itself.
 */
void labels_after_scan(const struct pdguard_label_xattr *x, bool pd, uint32_t cats,
		       uint8_t *level, uint32_t *out_cats);

/**
 * labels_derive() - the label for a file a process carrying @taint wrote
 * @level, @cats: the file's label now (PDGUARD_LEVEL_NONE, 0 when it has none); updated
 * Return: true when the label changes (it did not yet carry every category of @taint).
 */
bool labels_derive(uint8_t *level, uint32_t *cats, uint32_t taint);

/**
 * struct label_record - one label to record
 * @path: the file (for the event, and for the attribute when @fd < 0)
 * @fd: an open descriptor of the file, or -1
 * @st: the version of the file the label is for (size and times go into the state)
 * @level, @categories: the label
 * @flags: PDGUARD_LABEL_* for the attribute
 * @write_xattr: write the attribute (false when it already holds this label)
 * @reason: why, for the event
 * @cause: who caused the label (uid, pid, comm, exe, driver) for its event, or NULL: the agent
 *
 * An event is written when the state changes, except for a file that was never PD and still
 * is not.
 */
struct label_record {
	const char *path;
	int fd;
	struct stat st;
	uint8_t level;
	uint32_t categories;
	uint8_t flags;
	bool write_xattr;
	const char *reason;
	const struct event *cause;
};

/**
 * labels_record() - the one writer of labels: the attribute, the state, the event
 * @xattr_err: set to the attribute write's -errno (0 when written or not asked)
 * Return: 1 when the state changed (the drivers must be told), 0 when it did not, -errno.
 * A failed attribute write is no reason to forget the label: the state and the kernel maps
 * still enforce it until the agent stops; the caller logs @xattr_err.
 */
int labels_record(struct state *st, struct eventlog *log, struct label_record *r,
		  int *xattr_err);

/**
 * labels_lookup() - the state's label for an open file (@fd) or a path (@fd < 0; followed, so
 *                   /proc/PID/fd/N works), only when it is still for this file
 * @log: where a dropped entry that would have decided otherwise is logged (op label-stale), or
 *       NULL
 *
 * The entry must name the same file (state/fileid.h: device, inode, generation, birth time) in
 * the same version (ctime); an entry read from the cache must also agree with the file's own
 * label attribute. Anything else is dropped from the state instead of applied.
 * Return: 0 with @out filled, -ENOENT no entry, -ESTALE an entry was there and is dropped (the
 * caller reads the file's attribute), other -errno from stat.
 */
int labels_lookup(struct state *st, struct eventlog *log, int fd, const char *path,
		  struct label_entry *out);
/* labels_lookup() of a file whose identity the caller has just taken (fileid_of_fd on @fd). */
struct file_id;
int labels_lookup_id(struct state *st, struct eventlog *log, int fd, const char *path,
		     const struct file_id *now, struct label_entry *out);

#endif /* PDGUARD_LABELS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What identifies a file beyond its (device, inode number): both are reused (a deleted file's
 * inode number goes to the next file on ext4; a fresh tmpfs takes a freed device number and
 * starts its inode numbers again), so a label cached by (dev, ino) must also match
 * - the inode generation (FS_IOC_GETVERSION: ext2/3/4, btrfs, xfs... not tmpfs), and
 * - the birth time (statx STATX_BTIME: ext4, btrfs, xfs, tmpfs since 5.x...), where the
 *   filesystem gives them, and
 * - the change time, which every filesystem keeps and which moves with any change to the file
 *   (content, owner, mode, links, attributes): an entry with another ctime is for another
 *   version of the file at best, so the file's own label attribute decides instead.
 */
#ifndef PDGUARD_FILEID_H
#define PDGUARD_FILEID_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#define FILEID_HAVE_GEN		(1U << 0)
#define FILEID_HAVE_BTIME	(1U << 1)

struct file_id {
	dev_t dev;
	ino_t ino;
	int64_t ctime_ns;
	int64_t btime_ns;
	uint32_t gen;
	uint8_t have;		/* FILEID_HAVE_* */
};

/* Of an open file: statx + FS_IOC_GETVERSION. Return: 0 or -errno. */
int fileid_of_fd(int fd, struct file_id *id, struct stat *st);
/*
 * Of a path (symbolic links not followed unless @follow, for /proc/PID/fd/N), without opening
 * it: no generation. Return: 0 or -errno.
 */
int fileid_of_path(const char *path, bool follow, struct file_id *id, struct stat *st);

/*
 * Another file than the one @a was made for: another dev or ino, or a generation or birth time
 * that both sides know and that differ.
 */
bool fileid_other_file(const struct file_id *a, const struct file_id *b);
/* The same file in the same version (not another file, and the same ctime). */
bool fileid_same_version(const struct file_id *a, const struct file_id *b);

#endif /* PDGUARD_FILEID_H */

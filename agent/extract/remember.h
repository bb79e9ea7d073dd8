/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Files that hit an extraction limit, remembered across agent starts so that a bomb dropped in
 * a share is read once per version, not at every start (a 1 GiB PDF bomb costs seconds of CPU
 * and a sandboxed reader's memory each time). A file is known by device, inode and change time:
 * any write or chmod changes the ctime, and the file is read again.
 *
 * The list is a text file in the state directory, one line per file ("dev ino sec nsec"),
 * appended as files are met; it holds no names, so no personal data. Thread-safe.
 */
#ifndef PDGUARD_EXTRACT_REMEMBER_H
#define PDGUARD_EXTRACT_REMEMBER_H

#include <stdbool.h>
#include <sys/stat.h>

/* Entries kept at most: past that, files over a limit are read again at each start. */
#define REMEMBER_MAX 65536

struct remember;

/*
 * remember_open() - load the list at @path (a missing file is an empty list)
 * Return: 0 or -errno (the list is then empty, and still usable: nothing is written).
 */
int remember_open(struct remember **out, const char *path);
/* Whether this version of the file (@st from stat) hit a limit before. */
bool remember_has(struct remember *r, const struct stat *st);
/* Add this version of the file. Return: 0 (also when already there or full), or -errno. */
int remember_add(struct remember *r, const struct stat *st);
/* Entries in the list. */
unsigned int remember_count(struct remember *r);
void remember_close(struct remember *r);

#endif /* PDGUARD_EXTRACT_REMEMBER_H */

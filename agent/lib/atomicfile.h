/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Replace a file whole or not at all: write a temporary file beside it, fsync it, rename it
 * over the old one and fsync the directory. Readers see the old file or the new one, never a
 * half-written one, and a crash leaves at worst a stray temporary file.
 */
#ifndef PDGUARD_ATOMICFILE_H
#define PDGUARD_ATOMICFILE_H

#include <limits.h>
#include <stdio.h>
#include <sys/types.h>

struct atomic_file {
	FILE *f;		/* write the new content here */
	const char *path;
	char tmp[PATH_MAX + 32];
};

/* Open a temporary file (mode @mode, per-process name) for @path. Return: 0 or -errno. */
int atomic_file_open(struct atomic_file *a, const char *path, mode_t mode);
/* Flush, fsync, rename over @path, fsync its directory; on any failure remove the temporary. */
int atomic_file_commit(struct atomic_file *a);
/*
 * The same without the fsyncs: readers still see the old file or the new one, but after a crash
 * the file may be the old one (or empty). For what is rewritten every few seconds and worth
 * nothing after a crash (the agent's counters): no disk wake-up each time.
 */
int atomic_file_commit_volatile(struct atomic_file *a);
/* Give up: close and remove the temporary. */
void atomic_file_abort(struct atomic_file *a);

#endif /* PDGUARD_ATOMICFILE_H */

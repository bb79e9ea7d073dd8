/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's in-memory state: labels, zones, roles, mode. Classification and zone detection
 * write into it; the drivers read it. Data flows one way: nothing here calls back into
 * classification or labelling (DESIGN.md, "Inside the agent").
 */
#ifndef PDGUARD_STATE_H
#define PDGUARD_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/config.h"
#include "policy/roles.h"
#include "policy/zones.h"

/**
 * struct label_entry - what the agent knows of one file
 * @dev, @ino: the file
 * @size, @mtime_ns, @ctime_ns: as when it was classified; a file that still matches all of them
 *                              is not read again (incremental scans, restarts)
 * @level: enum pdguard_label_level; @categories: PDGUARD_CAT_*
 * @used: slot in use (open addressing)
 */
struct label_entry {
	dev_t dev;
	ino_t ino;
	off_t size;
	int64_t mtime_ns;
	int64_t ctime_ns;
	uint8_t level;
	uint8_t used;
	uint32_t categories;
};

struct state {
	pthread_mutex_t lock;
	struct label_entry *labels;
	size_t nlabels, cap;
	struct zones zones;
	const struct config *cfg;	/* roles; owned by the daemon, swapped on reload */
	int mode;
	uint64_t generation;		/* bumped on every change the drivers must see */
};

int state_init(struct state *st);
void state_free(struct state *st);

/* Insert or replace; returns 1 when the label changed, 0 when it was the same, -errno. */
int state_label_put(struct state *st, const struct label_entry *e);
/* Copy the entry for (dev, ino) into @out; -ENOENT when unknown. */
int state_label_get(struct state *st, dev_t dev, ino_t ino, struct label_entry *out);
int state_label_del(struct state *st, dev_t dev, ino_t ino);
/* Count of labelled files with PD (level pd or derived). */
size_t state_count_pd(struct state *st);

/**
 * state_cache_save() - write every label to @path (atomically: temp file + rename)
 * state_cache_load() - read them back; a missing file is not an error (returns 0 entries)
 *
 * The cache lets a restarted agent put labels into the kernel at once and skip files that did
 * not change (same dev, ino, size, mtime, ctime).
 */
int state_cache_save(struct state *st, const char *path);
int state_cache_load(struct state *st, const char *path, size_t *loaded);

/*
 * Role resolution moved to policy/roles.h (roles_uid_categories()). This forwarder keeps the
 * callers outside the BPF driver's area compiling until they call roles_uid_categories()
 * themselves; then it goes.
 */
static inline uint32_t state_role_categories(const struct config *cfg, uid_t uid, char *roles,
					     size_t len)
{
	return roles_uid_categories(cfg, uid, roles, len);
}

#endif /* PDGUARD_STATE_H */

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
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "policy/config.h"
#include "policy/grants.h"
#include "policy/roles.h"
#include "policy/zones.h"

/**
 * struct label_entry - what the agent knows of one file
 * @dev, @ino: the file
 * @size, @mtime_ns, @ctime_ns: as when it was classified; a file that still matches all of them
 *                              is not read again (incremental scans, restarts)
 * @btime_ns, @gen, @idhave: the rest of what identifies the file (state/fileid.h): a label is
 *                           applied only to the file it was made for
 * @level: enum pdguard_label_level; @categories: PDGUARD_CAT_*
 * @used: slot in use (open addressing)
 * @verified: checked against the file itself in this run (classified, or its identity matched
 *            when read from the cache): only verified labels go into the kernel's map
 * @path: where the file was when labelled (the persistent cache checks it at load); owned by
 *        the state: state_label_get() copies an entry without it
 */
struct label_entry {
	dev_t dev;
	ino_t ino;
	off_t size;
	int64_t mtime_ns;
	int64_t ctime_ns;
	int64_t btime_ns;
	uint32_t gen;
	uint8_t idhave;
	uint8_t level;
	uint8_t used;
	uint8_t verified;
	uint32_t categories;
	char *path;
};

/* A file time in nanoseconds, as label entries keep them. */
static inline int64_t timespec_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* Is @st still the version of the file @e was made for (size, mtime, ctime)? */
static inline bool label_entry_current(const struct label_entry *e, const struct stat *st)
{
	return e->size == st->st_size && e->mtime_ns == timespec_ns(&st->st_mtim) &&
	       e->ctime_ns == timespec_ns(&st->st_ctim);
}

struct state {
	pthread_mutex_t lock;
	struct label_entry *labels;
	size_t nlabels, cap;
	size_t npd;			/* of them, level pd or derived (kept as they change) */
	struct zones zones;
	const struct config *cfg;	/* roles; owned by the daemon, swapped on reload */
	struct grants *grants;		/* active grants; the daemon's, may be NULL */
	int mode;
	uint64_t generation;		/* bumped on every change the drivers must see */
	uint64_t stale;			/* cached labels dropped: no longer the same file */
};

int state_init(struct state *st);
void state_free(struct state *st);

/* Insert or replace; returns 1 when the label changed, 0 when it was the same, -errno. */
int state_label_put(struct state *st, const struct label_entry *e);
/* Copy the entry for (dev, ino) into @out; -ENOENT when unknown. */
int state_label_get(struct state *st, dev_t dev, ino_t ino, struct label_entry *out);
/* Where the file (@dev, @ino) was labelled, copied into @buf; -ENOENT when unknown. */
int state_label_path(struct state *st, dev_t dev, ino_t ino, char *buf, size_t len);
int state_label_del(struct state *st, dev_t dev, ino_t ino);
/*
 * Drop the entry for @e's (dev, ino) if it is still the one @e copied (same ctime, birth time
 * and generation): a label recorded meanwhile is kept. Counts it in st->stale.
 * Return: 0 dropped, -ENOENT not there or replaced.
 */
int state_label_drop_stale(struct state *st, const struct label_entry *e);
/*
 * Mark the entry for @e verified (if it is still that one); @path (may be NULL) is where the
 * file was found, kept for the cache when the entry had none.
 */
void state_label_verified(struct state *st, const struct label_entry *e, const char *path);
/* Cached labels dropped as stale since start. */
uint64_t state_stale_count(struct state *st);
/* Count of labelled files with PD (level pd or derived). */
size_t state_count_pd(struct state *st);
/* Count of files the state holds a label for (PD or not). */
size_t state_count_labels(struct state *st);

/*
 * What the drivers read, through functions rather than fields (agent/state/lookup.c): each takes
 * the state's lock itself, so a driver never holds it across its own work.
 */

/* The policy in force (roles); the daemon swaps it on reload. */
const struct config *state_policy(struct state *st);
/* PD categories @uid may read through its roles (their names into @names when not NULL). */
uint32_t state_user_roles(struct state *st, uid_t uid, char *names, size_t len);
/* PD categories granted to @uid at @now. */
uint32_t state_user_grants(struct state *st, uid_t uid, time_t now);
/* The grants in force at @now (free with grants_free_array()); a count or -errno. */
int state_grants_active(struct state *st, time_t now, struct grant **out);
/* Export grants (policy/grants.h: grants_export_match, _sources, _by_ids) for the drivers. */
bool state_export_match(struct state *st, const struct export_ask *q, time_t now,
			struct export_match *m);
int state_export_sources(struct state *st, const struct export_ask *q, const char *src,
			 time_t changed, unsigned int *ids, int max);
/* Whether any export grant by --path is active: only then is a PD file's path looked up. */
bool state_export_any_path(struct state *st);
bool state_export_by_ids(struct state *st, const unsigned int *ids, int n,
			 const struct export_ask *q, time_t now, struct export_match *m);
/* The policy's roles as uids and gids (free with free()); a count or -errno. */
ssize_t state_role_ids(struct state *st, struct role_id **out);
/*
 * The places of the policy's scoped roles (@places, index = place number; strlist_free()) and
 * per uid or gid and place what those roles let it read (free with free()); a count or -errno.
 */
ssize_t state_role_places(struct state *st, struct strlist *places, struct role_place_id **out);
/* enum pdguard_mode in force. */
int state_mode(struct state *st);
/*
 * Call @fn for every verified label with PD (pd or derived), under the lock: @fn must not use
 * @st. A label read from the cache goes to the drivers once it is verified against its file.
 */
void state_labels_each(struct state *st, void (*fn)(void *ctx, const struct label_entry *e),
		       void *ctx);
/**
 * state_zone_of() - the zone that holds a file: enum pdguard_zone (NONE, USB, CLOUD)
 * @dev: the file's filesystem
 * @path: the file's path, or NULL when the caller has not looked it up yet: then a cloud folder
 *	  on @dev sets *@need_path and NONE is returned, so the caller finds the path only when
 *	  it matters
 */
unsigned int state_zone_of(struct state *st, dev_t dev, const char *path, bool *need_path);
/* The cloud folder that is or holds @path (copied into @folder), or -ENOENT. */
int state_cloud_folder(struct state *st, const char *path, char *folder, size_t len);
/**
 * state_resolve_path() - a full path for what the kernel named by device and inode
 * @dev, @ino: the file, or with @in_dir the directory @name is being created in
 * @name: the name the kernel gave (the last component), may be NULL
 *
 * The kernel side cannot always build a path (bpf_d_path is allowed in few hooks). The agent
 * knows where it labelled each file, where the zones and the scan roots are: a candidate is
 * taken only when lstat() shows it is that very (dev, ino) now, so a renamed or replaced file
 * is never given another file's path.
 * Return: 0 with the path in @out, -ENOENT when no candidate is the file.
 */
int state_resolve_path(struct state *st, dev_t dev, uint64_t ino, const char *name, bool in_dir,
		       char *out, size_t len);
/* A copy of the zones (free with state_zones_release()). */
int state_zones_copy(struct state *st, struct zone **out, size_t *n);
void state_zones_release(struct zone *v, size_t n);

/**
 * state_cache_save() - write every label to @path (atomically: temp file + rename)
 * state_cache_load() - read them back; a missing file is not an error (returns 0 entries)
 *
 * The cache lets a restarted agent put labels into the kernel at once and skip files that did
 * not change (same dev, ino, size, mtime, ctime). Format 2 keeps each file's identity and path:
 * at load an entry whose path no longer leads to the same file in the same version is dropped
 * (counted in st->stale and in @dropped), never applied. Format 1 entries (no identity, no
 * path) are loaded unverified: applied only once they match the file and its label attribute.
 */
int state_cache_save(struct state *st, const char *path);
int state_cache_load(struct state *st, const char *path, size_t *loaded, size_t *dropped);


#endif /* PDGUARD_STATE_H */

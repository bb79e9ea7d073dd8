// SPDX-License-Identifier: GPL-2.0
/* The agent's state: an open-addressing table of labels keyed by (dev, ino). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "lib/atomicfile.h"
#include "state/fileid.h"
#include "state/state.h"

#define CACHE_MAGIC 0x50444743u	/* "PDGC" */
#define CACHE_VERSION 2
#define CACHE_PATH_MAX 4096

int state_init(struct state *st)
{
	memset(st, 0, sizeof(*st));
	pthread_mutex_init(&st->lock, NULL);
	st->cap = 1024;
	st->labels = calloc(st->cap, sizeof(*st->labels));
	return st->labels ? 0 : -ENOMEM;
}

void state_free(struct state *st)
{
	size_t i;

	for (i = 0; st->labels && i < st->cap; i++)
		if (st->labels[i].used)
			free(st->labels[i].path);
	free(st->labels);
	zones_free(&st->zones);
	pthread_mutex_destroy(&st->lock);
	memset(st, 0, sizeof(*st));
}

static size_t slot_of(const struct state *st, dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev * 0xc2b2ae3d27d4eb4fULL;

	return (h ^ (h >> 29)) & (st->cap - 1);
}

/* Find (dev, ino) or the empty slot where it would go. Caller holds the lock. */
static struct label_entry *lookup(const struct state *st, dev_t dev, ino_t ino)
{
	size_t i = slot_of(st, dev, ino);

	while (st->labels[i].used && (st->labels[i].dev != dev || st->labels[i].ino != ino))
		i = (i + 1) & (st->cap - 1);
	return &st->labels[i];
}

static int grow(struct state *st)
{
	struct label_entry *old = st->labels;
	size_t oldcap = st->cap, i;

	st->labels = calloc(oldcap * 2, sizeof(*st->labels));
	if (!st->labels) {
		st->labels = old;
		return -ENOMEM;
	}
	st->cap = oldcap * 2;
	for (i = 0; i < oldcap; i++)
		if (old[i].used)
			*lookup(st, old[i].dev, old[i].ino) = old[i];
	free(old);
	return 0;
}

/* Take the slot's path away from it (the slot keeps NULL). */
static char *take_path(struct label_entry *slot)
{
	char *p = slot->path;

	slot->path = NULL;
	return p;
}

int state_label_put(struct state *st, const struct label_entry *e)
{
	struct label_entry *slot;
	char *path;
	int changed, ret = 0;

	pthread_mutex_lock(&st->lock);
	if ((st->nlabels + 1) * 4 > st->cap * 3)
		ret = grow(st);
	if (ret) {
		pthread_mutex_unlock(&st->lock);
		return ret;
	}
	slot = lookup(st, e->dev, e->ino);
	changed = !slot->used || slot->level != e->level || slot->categories != e->categories;
	/* the path: a new one replaces the old; none keeps the old for the same file */
	path = e->path ? strdup(e->path) : NULL;
	if (e->path && !path) {
		pthread_mutex_unlock(&st->lock);
		return -ENOMEM;
	}
	if (slot->used) {
		if (!path && slot->ctime_ns == e->ctime_ns && slot->btime_ns == e->btime_ns)
			path = take_path(slot);
		free(slot->path);
	} else {
		st->nlabels++;
	}
	*slot = *e;
	slot->path = path;
	slot->used = 1;
	if (changed)
		st->generation++;
	pthread_mutex_unlock(&st->lock);
	return changed;
}

int state_label_get(struct state *st, dev_t dev, ino_t ino, struct label_entry *out)
{
	struct label_entry *slot;
	int ret = -ENOENT;

	pthread_mutex_lock(&st->lock);
	slot = lookup(st, dev, ino);
	if (slot->used) {
		*out = *slot;
		out->path = NULL;
		ret = 0;
	}
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int state_label_path(struct state *st, dev_t dev, ino_t ino, char *buf, size_t len)
{
	struct label_entry *slot;
	int ret = -ENOENT;

	pthread_mutex_lock(&st->lock);
	slot = lookup(st, dev, ino);
	if (slot->used && slot->path && (size_t)snprintf(buf, len, "%s", slot->path) < len)
		ret = 0;
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* Remove @slot. Caller holds the lock. */
static void del_slot(struct state *st, struct label_entry *slot)
{
	size_t i, j;

	/* backward-shift deletion keeps every probe chain unbroken without tombstones */
	i = slot - st->labels;
	free(st->labels[i].path);
	st->labels[i].path = NULL;
	st->labels[i].used = 0;
	for (j = (i + 1) & (st->cap - 1); st->labels[j].used; j = (j + 1) & (st->cap - 1)) {
		size_t home = slot_of(st, st->labels[j].dev, st->labels[j].ino);

		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			st->labels[i] = st->labels[j];
			st->labels[j].used = 0;
			i = j;
		}
	}
	st->nlabels--;
	st->generation++;
}

int state_label_del(struct state *st, dev_t dev, ino_t ino)
{
	struct label_entry *slot;

	pthread_mutex_lock(&st->lock);
	slot = lookup(st, dev, ino);
	if (!slot->used) {
		pthread_mutex_unlock(&st->lock);
		return -ENOENT;
	}
	del_slot(st, slot);
	pthread_mutex_unlock(&st->lock);
	return 0;
}

/* Is @slot still the entry @e copied? */
static bool same_entry(const struct label_entry *slot, const struct label_entry *e)
{
	return slot->used && slot->ctime_ns == e->ctime_ns && slot->btime_ns == e->btime_ns &&
	       slot->gen == e->gen && slot->level == e->level && slot->categories == e->categories;
}

int state_label_drop_stale(struct state *st, const struct label_entry *e)
{
	struct label_entry *slot;
	int ret = -ENOENT;

	pthread_mutex_lock(&st->lock);
	slot = lookup(st, e->dev, e->ino);
	if (same_entry(slot, e)) {
		del_slot(st, slot);
		st->stale++;
		ret = 0;
	}
	pthread_mutex_unlock(&st->lock);
	return ret;
}

void state_label_verified(struct state *st, const struct label_entry *e, const char *path)
{
	struct label_entry *slot;

	pthread_mutex_lock(&st->lock);
	slot = lookup(st, e->dev, e->ino);
	if (same_entry(slot, e)) {
		slot->verified = 1;
		/* a real path only: not /proc/PID/fd/N, which names the file only for a moment */
		if (!slot->path && path && path[0] == '/' && strncmp(path, "/proc/", 6))
			slot->path = strdup(path);
	}
	pthread_mutex_unlock(&st->lock);
}

uint64_t state_stale_count(struct state *st)
{
	uint64_t n;

	pthread_mutex_lock(&st->lock);
	n = st->stale;
	pthread_mutex_unlock(&st->lock);
	return n;
}

size_t state_count_pd(struct state *st)
{
	size_t i, n = 0;

	pthread_mutex_lock(&st->lock);
	for (i = 0; i < st->cap; i++)
		n += st->labels[i].used && st->labels[i].level != PDGUARD_LEVEL_NONE;
	pthread_mutex_unlock(&st->lock);
	return n;
}

struct cache_header {
	uint32_t magic;
	uint32_t version;
	uint64_t count;
};

/* Format 1's entry: struct label_entry as it was, written raw. */
struct cache_rec1 {
	uint64_t dev, ino;
	int64_t size, mtime_ns, ctime_ns;
	uint8_t level, used;
	uint8_t pad[2];
	uint32_t categories;
};
_Static_assert(sizeof(struct cache_rec1) == 48, "labels.cache format 1 layout");

/* Format 2: this record, then @pathlen bytes of path (no NUL). */
struct cache_rec2 {
	uint64_t dev, ino;
	int64_t size, mtime_ns, ctime_ns, btime_ns;
	uint32_t gen, categories;
	uint8_t level, idhave;
	uint16_t pathlen;
	uint32_t pad;
};
_Static_assert(sizeof(struct cache_rec2) == 64, "labels.cache format 2 layout");

int state_cache_save(struct state *st, const char *path)
{
	struct cache_header h = { CACHE_MAGIC, CACHE_VERSION, 0 };
	struct atomic_file a;
	size_t i;
	int ret;

	ret = atomic_file_open(&a, path, 0600);
	if (ret)
		return ret;
	pthread_mutex_lock(&st->lock);
	h.count = st->nlabels;
	fwrite(&h, sizeof(h), 1, a.f);
	for (i = 0; i < st->cap; i++) {
		const struct label_entry *e = &st->labels[i];
		size_t n = e->path ? strlen(e->path) : 0;
		struct cache_rec2 r = {
			.dev = e->dev, .ino = e->ino, .size = e->size, .mtime_ns = e->mtime_ns,
			.ctime_ns = e->ctime_ns, .btime_ns = e->btime_ns, .gen = e->gen,
			.categories = e->categories, .level = e->level, .idhave = e->idhave,
			.pathlen = n < CACHE_PATH_MAX ? (uint16_t)n : 0,
		};

		if (!e->used)
			continue;
		fwrite(&r, sizeof(r), 1, a.f);
		if (r.pathlen)
			fwrite(e->path, 1, r.pathlen, a.f);
	}
	pthread_mutex_unlock(&st->lock);
	return atomic_file_commit(&a);
}

/*
 * Is the cached @e still the file at its path, in the same version? Symbolic links are not
 * followed; only statx, so nothing is opened (no generation: birth time and ctime decide).
 */
static bool cache_entry_current(const struct label_entry *e)
{
	struct file_id now, was = {
		.dev = e->dev, .ino = e->ino, .ctime_ns = e->ctime_ns, .btime_ns = e->btime_ns,
		.gen = e->gen, .have = e->idhave,
	};
	struct stat st;

	return e->path && !fileid_of_path(e->path, false, &now, &st) && S_ISREG(st.st_mode) &&
	       fileid_same_version(&was, &now) && st.st_size == e->size &&
	       timespec_ns(&st.st_mtim) == e->mtime_ns;
}

static int read_rec(FILE *f, uint32_t version, struct label_entry *e, char *path)
{
	memset(e, 0, sizeof(*e));
	if (version == 1) {
		struct cache_rec1 r;

		if (fread(&r, sizeof(r), 1, f) != 1)
			return -EBADMSG;
		*e = (struct label_entry){ .dev = r.dev, .ino = r.ino, .size = r.size,
			.mtime_ns = r.mtime_ns, .ctime_ns = r.ctime_ns, .level = r.level,
			.used = r.used, .categories = r.categories };
		return 0;
	} else {
		struct cache_rec2 r;

		if (fread(&r, sizeof(r), 1, f) != 1 || r.pathlen >= CACHE_PATH_MAX ||
		    fread(path, 1, r.pathlen, f) != r.pathlen)
			return -EBADMSG;
		path[r.pathlen] = '\0';
		*e = (struct label_entry){ .dev = r.dev, .ino = r.ino, .size = r.size,
			.mtime_ns = r.mtime_ns, .ctime_ns = r.ctime_ns, .btime_ns = r.btime_ns,
			.gen = r.gen, .idhave = r.idhave, .level = r.level, .used = 1,
			.categories = r.categories, .path = r.pathlen ? path : NULL };
		return 0;
	}
}

int state_cache_load(struct state *st, const char *path, size_t *loaded, size_t *dropped)
{
	char epath[CACHE_PATH_MAX];
	struct cache_header h;
	struct label_entry e;
	uint64_t i;
	FILE *f;
	int ret = 0;

	*loaded = *dropped = 0;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	if (fread(&h, sizeof(h), 1, f) != 1 || h.magic != CACHE_MAGIC ||
	    (h.version != 1 && h.version != CACHE_VERSION)) {
		fclose(f);
		return -EBADMSG;
	}
	for (i = 0; i < h.count; i++) {
		ret = read_rec(f, h.version, &e, epath);
		if (ret)
			break;
		if (!e.used || e.level >= __PDGUARD_LEVEL_MAX)
			continue;
		/* format 2 knows the file: check it now; format 1 waits for the file to be seen */
		if (h.version >= 2) {
			if (!cache_entry_current(&e)) {
				(*dropped)++;
				pthread_mutex_lock(&st->lock);
				st->stale++;
				pthread_mutex_unlock(&st->lock);
				continue;
			}
			e.verified = 1;
		}
		ret = state_label_put(st, &e);
		if (ret < 0)
			break;
		ret = 0;
		(*loaded)++;
	}
	fclose(f);
	return ret;
}

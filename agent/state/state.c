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
#include "state/state.h"

#define CACHE_MAGIC 0x50444743u	/* "PDGC" */
#define CACHE_VERSION 1

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

int state_label_put(struct state *st, const struct label_entry *e)
{
	struct label_entry *slot;
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
	if (!slot->used)
		st->nlabels++;
	*slot = *e;
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
		ret = 0;
	}
	pthread_mutex_unlock(&st->lock);
	return ret;
}

int state_label_del(struct state *st, dev_t dev, ino_t ino)
{
	struct label_entry *slot;
	size_t i, j;

	pthread_mutex_lock(&st->lock);
	slot = lookup(st, dev, ino);
	if (!slot->used) {
		pthread_mutex_unlock(&st->lock);
		return -ENOENT;
	}
	/* backward-shift deletion keeps every probe chain unbroken without tombstones */
	i = slot - st->labels;
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
	pthread_mutex_unlock(&st->lock);
	return 0;
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
	for (i = 0; i < st->cap; i++)
		if (st->labels[i].used)
			fwrite(&st->labels[i], sizeof(st->labels[i]), 1, a.f);
	pthread_mutex_unlock(&st->lock);
	return atomic_file_commit(&a);
}

int state_cache_load(struct state *st, const char *path, size_t *loaded)
{
	struct cache_header h;
	struct label_entry e;
	uint64_t i;
	FILE *f;
	int ret = 0;

	*loaded = 0;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	if (fread(&h, sizeof(h), 1, f) != 1 || h.magic != CACHE_MAGIC ||
	    h.version != CACHE_VERSION) {
		fclose(f);
		return -EBADMSG;
	}
	for (i = 0; i < h.count; i++) {
		if (fread(&e, sizeof(e), 1, f) != 1) {
			ret = -EBADMSG;
			break;
		}
		if (!e.used || e.level >= __PDGUARD_LEVEL_MAX)
			continue;
		ret = state_label_put(st, &e);
		if (ret < 0)
			break;
		ret = 0;
		(*loaded)++;
	}
	fclose(f);
	return ret;
}

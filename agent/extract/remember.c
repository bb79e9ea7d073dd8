// SPDX-License-Identifier: GPL-2.0
/* Files that hit an extraction limit (remember.h): a hash set, and its append-only file. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "extract/remember.h"

struct key {
	uint64_t dev, ino;
	int64_t sec, nsec;
	bool used;
};

struct remember {
	pthread_mutex_t lock;
	struct key *tab;
	unsigned int size;	/* a power of two, at least twice the count */
	unsigned int count;
	char *path;		/* NULL: not saved */
};

static uint64_t key_hash(const struct key *k)
{
	uint64_t h = k->dev * 0x9e3779b97f4a7c15ULL ^ k->ino * 0xc2b2ae3d27d4eb4fULL ^
		     (uint64_t)k->sec * 0x165667b19e3779f9ULL ^ (uint64_t)k->nsec;

	return h ^ (h >> 29);
}

static struct key *slot(struct key *tab, unsigned int size, const struct key *k)
{
	unsigned int i = key_hash(k) & (size - 1);

	while (tab[i].used && (tab[i].dev != k->dev || tab[i].ino != k->ino ||
			       tab[i].sec != k->sec || tab[i].nsec != k->nsec))
		i = (i + 1) & (size - 1);
	return &tab[i];
}

/* Insert in memory. Return: 1 added, 0 already there or full, -ENOMEM. */
static int insert(struct remember *r, const struct key *k)
{
	struct key *s;

	if (r->count >= REMEMBER_MAX)
		return 0;
	if (2 * (r->count + 1) > r->size) {
		unsigned int size = r->size ? r->size * 2 : 64, i;
		struct key *tab = calloc(size, sizeof(*tab));

		if (!tab)
			return -ENOMEM;
		for (i = 0; i < r->size; i++)
			if (r->tab[i].used)
				*slot(tab, size, &r->tab[i]) = r->tab[i];
		free(r->tab);
		r->tab = tab;
		r->size = size;
	}
	s = slot(r->tab, r->size, k);
	if (s->used)
		return 0;
	*s = *k;
	s->used = true;
	r->count++;
	return 1;
}

static void key_of(struct key *k, const struct stat *st)
{
	*k = (struct key){
		.dev = st->st_dev, .ino = st->st_ino,
		.sec = st->st_ctim.tv_sec, .nsec = st->st_ctim.tv_nsec,
	};
}

int remember_open(struct remember **out, const char *path)
{
	struct remember *r = calloc(1, sizeof(*r));
	unsigned long long dev, ino;
	long long sec, nsec;
	char line[128];
	FILE *f;
	int ret = 0;

	*out = r;
	if (!r)
		return -ENOMEM;
	pthread_mutex_init(&r->lock, NULL);
	r->path = path ? strdup(path) : NULL;
	if (!path)
		return 0;
	if (!r->path)
		return -ENOMEM;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		struct key k;

		/* anything else (a comment, a torn last line) is passed over */
		if (sscanf(line, "%llu %llu %lld %lld", &dev, &ino, &sec, &nsec) != 4)
			continue;
		k = (struct key){ .dev = dev, .ino = ino, .sec = sec, .nsec = nsec };
		if (insert(r, &k) < 0) {
			ret = -ENOMEM;
			break;
		}
	}
	fclose(f);
	return ret;
}

bool remember_has(struct remember *r, const struct stat *st)
{
	struct key k;
	bool found;

	if (!r)
		return false;
	key_of(&k, st);
	pthread_mutex_lock(&r->lock);
	found = r->size && slot(r->tab, r->size, &k)->used;
	pthread_mutex_unlock(&r->lock);
	return found;
}

int remember_add(struct remember *r, const struct stat *st)
{
	struct key k;
	char line[96];
	int ret, fd, n;

	if (!r)
		return 0;
	key_of(&k, st);
	pthread_mutex_lock(&r->lock);
	ret = insert(r, &k);
	if (ret == 1 && r->path) {
		/* one short write with O_APPEND: lines of two writers never interleave */
		n = snprintf(line, sizeof(line), "%llu %llu %lld %lld\n",
			     (unsigned long long)k.dev, (unsigned long long)k.ino,
			     (long long)k.sec, (long long)k.nsec);
		fd = open(r->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 || write(fd, line, n) != n)
			ret = -errno;
		else
			ret = 0;
		if (fd >= 0)
			close(fd);
	}
	pthread_mutex_unlock(&r->lock);
	return ret < 0 ? ret : 0;
}

unsigned int remember_count(struct remember *r)
{
	unsigned int n;

	if (!r)
		return 0;
	pthread_mutex_lock(&r->lock);
	n = r->count;
	pthread_mutex_unlock(&r->lock);
	return n;
}

void remember_close(struct remember *r)
{
	if (!r)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r->tab);
	free(r->path);
	free(r);
}

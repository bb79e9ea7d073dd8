// SPDX-License-Identifier: GPL-2.0
/*
 * How often one user is told. A program that retries an open, or a copy of a folder of 50 PD
 * files, must not flood the desktop: one notice per file per file_interval, at most per_minute
 * notices in any minute; what is held back is counted and said in the next notice's event.
 * Memory is fixed: NOTICE_LIMIT_USERS users, NOTICE_LIMIT_FILES recent files each.
 */
#include <errno.h>
#include <stdlib.h>

#include "notice/notice.h"

#define MINUTE_MS 60000
#define MAX_PER_MINUTE 60

struct user_slot {
	bool used;
	uint32_t uid;
	int64_t last_ms;			/* last activity: the slot forgotten first is the oldest */
	unsigned int suppressed;
	int64_t sent[MAX_PER_MINUTE];		/* ring of the last sends' times */
	unsigned int nsent, head;
	struct {
		uint64_t key;
		int64_t at_ms;
	} files[NOTICE_LIMIT_FILES];
	unsigned int nfiles;
};

struct notice_limit {
	unsigned int per_minute;
	int64_t file_ms;
	struct user_slot users[NOTICE_LIMIT_USERS];
};

int notice_limit_new(struct notice_limit **out, unsigned int per_minute,
		     unsigned int file_interval)
{
	struct notice_limit *l;

	if (!per_minute || per_minute > MAX_PER_MINUTE)
		return -EINVAL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->per_minute = per_minute;
	l->file_ms = (int64_t)file_interval * 1000;
	*out = l;
	return 0;
}

static struct user_slot *slot_of(struct notice_limit *l, uint32_t uid, int64_t now_ms)
{
	struct user_slot *free_slot = NULL, *oldest = NULL, *u;
	size_t i;

	for (i = 0; i < NOTICE_LIMIT_USERS; i++) {
		u = &l->users[i];
		if (!u->used) {
			if (!free_slot)
				free_slot = u;
			continue;
		}
		if (u->uid == uid)
			return u;
		if (!oldest || u->last_ms < oldest->last_ms)
			oldest = u;
	}
	u = free_slot ? free_slot : oldest;
	*u = (struct user_slot){ .used = true, .uid = uid, .last_ms = now_ms };
	return u;
}

bool notice_limit_take(struct notice_limit *l, uint32_t uid, uint64_t file_key, int64_t now_ms,
		       unsigned int *suppressed)
{
	struct user_slot *u = slot_of(l, uid, now_ms);
	unsigned int i, oldest;

	u->last_ms = now_ms;
	for (i = 0; i < u->nfiles; i++) {
		if (u->files[i].key == file_key && now_ms - u->files[i].at_ms < l->file_ms) {
			u->suppressed++;
			return false;
		}
	}
	/* the oldest of the last per_minute sends: within the minute means the minute is full */
	if (u->nsent >= l->per_minute) {
		oldest = (u->head + MAX_PER_MINUTE - l->per_minute) % MAX_PER_MINUTE;
		if (now_ms - u->sent[oldest] < MINUTE_MS) {
			u->suppressed++;
			return false;
		}
	}
	u->sent[u->head] = now_ms;
	u->head = (u->head + 1) % MAX_PER_MINUTE;
	if (u->nsent < MAX_PER_MINUTE)
		u->nsent++;
	for (i = 0; i < u->nfiles && u->files[i].key != file_key; i++)
		;
	if (i == u->nfiles) {
		if (u->nfiles < NOTICE_LIMIT_FILES) {
			u->nfiles++;
		} else {
			/* the file told about longest ago makes room */
			for (i = 0, oldest = 1; oldest < NOTICE_LIMIT_FILES; oldest++)
				if (u->files[oldest].at_ms < u->files[i].at_ms)
					i = oldest;
		}
	}
	u->files[i].key = file_key;
	u->files[i].at_ms = now_ms;
	if (suppressed)
		*suppressed = u->suppressed;
	u->suppressed = 0;
	return true;
}

void notice_limit_free(struct notice_limit *l)
{
	free(l);
}

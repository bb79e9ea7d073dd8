// SPDX-License-Identifier: GPL-2.0
/* STATE/agent.stats: the running agent's counters (daemon/stats.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/stats.h"
#include "lib/atomicfile.h"

static const char *const decision_names[STATS_DECISIONS] = {
#define STATS_X(up, name) [STATS_DEC_##up] = name,
	STATS_DECISION_LIST(STATS_X)
#undef STATS_X
};

const char *stats_decision_name(int i)
{
	return i >= 0 && i < STATS_DECISIONS ? decision_names[i] : "other";
}

static int decision_index(const char *name)
{
	int i;

	for (i = 0; name && i < STATS_DEC_OTHER; i++)
		if (!strcmp(name, decision_names[i]))
			return i;
	return STATS_DEC_OTHER;
}

/*
 * An op is counted under its own name only when it looks like one of ours: a short lowercase
 * word with dashes. Ops are literals in the code, but a label value must never be able to carry
 * a path or a name, whatever a future caller passes.
 */
static bool op_ok(const char *op)
{
	size_t i;

	if (!op || !op[0] || !strcmp(op, "other"))
		return false;
	for (i = 0; op[i]; i++)
		if (i >= STATS_OP_LEN - 1 ||
		    !((op[i] >= 'a' && op[i] <= 'z') || (op[i] >= '0' && op[i] <= '9') ||
		      op[i] == '-' || op[i] == '_'))
			return false;
	return true;
}

void stats_counter_init(struct stats_counter *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	snprintf(c->ops[STATS_OPS].op, STATS_OP_LEN, "other");
}

void stats_counter_destroy(struct stats_counter *c)
{
	pthread_mutex_destroy(&c->lock);
}

void stats_count(struct stats_counter *c, const char *op, const char *decision)
{
	struct stats_op *o = &c->ops[STATS_OPS];
	int dec = decision_index(decision);
	unsigned int i;

	pthread_mutex_lock(&c->lock);
	if (op_ok(op)) {
		for (i = 0; i < c->nops; i++)
			if (!strcmp(c->ops[i].op, op))
				break;
		if (i == c->nops && c->nops < STATS_OPS)
			snprintf(c->ops[c->nops++].op, STATS_OP_LEN, "%s", op);
		if (i < c->nops)
			o = &c->ops[i];
	}
	o->n[dec]++;
	pthread_mutex_unlock(&c->lock);
}

void stats_counter_copy(struct stats_counter *c, struct agent_stats *s)
{
	unsigned int i;

	pthread_mutex_lock(&c->lock);
	s->nops = 0;
	for (i = 0; i < c->nops; i++)
		s->ops[s->nops++] = c->ops[i];
	for (i = 0; i < STATS_DECISIONS; i++)
		if (c->ops[STATS_OPS].n[i])
			break;
	if (i < STATS_DECISIONS)
		s->ops[s->nops++] = c->ops[STATS_OPS];
	pthread_mutex_unlock(&c->lock);
}

static int stats_path(const char *state_dir, char *out, size_t len)
{
	return (size_t)snprintf(out, len, "%s/" STATS_NAME, state_dir) < len ? 0 : -ENAMETOOLONG;
}

/* The driver's counters, by the name they have in the file. */
#define DRV_STAT_LIST(X)					\
	X(DRIVER_STAT_REQUESTS, requests)			\
	X(DRIVER_STAT_PENDING, pending)				\
	X(DRIVER_STAT_LOG_QUEUE, log_queue)			\
	X(DRIVER_STAT_OVERFLOWS, overflows)			\
	X(DRIVER_STAT_WATCHDOG, watchdog)			\
	X(DRIVER_STAT_ANSWERS_REFUSED, answers_refused)		\
	X(DRIVER_STAT_RINGBUF_DROPS, ringbuf_drops)

/* The scalar counters, by the name they have in the file. */
#define SCALAR_LIST(X)				\
	X(events_written)			\
	X(events_failed)			\
	X(labels)				\
	X(labels_pd)				\
	X(labels_full)				\
	X(labels_stale)				\
	X(scan_read)				\
	X(scan_unchanged)			\
	X(scan_pd)				\
	X(scan_unknown)				\
	X(scan_errors)				\
	X(scan_over_limit)

int stats_write(const char *state_dir, const struct agent_stats *s)
{
	char path[PATH_MAX];
	struct atomic_file a;
	unsigned int i;
	int ret, j;

	ret = stats_path(state_dir, path, sizeof(path));
	if (!ret)
		ret = atomic_file_open(&a, path, 0600);
	if (ret)
		return ret;
	fprintf(a.f, "format=1\nstarted=%lld\nupdated=%lld\nengine=%s\nscan_done=%d\n",
		(long long)s->started, (long long)s->updated, s->engine, s->scan_done);
#define STATS_X(name) fprintf(a.f, #name "=%" PRIu64 "\n", s->name);
	SCALAR_LIST(STATS_X)
#undef STATS_X
#define STATS_X(bit, name)						\
	if (s->drv.have & (bit))					\
		fprintf(a.f, "driver." #name "=%" PRIu64 "\n", s->drv.name);
	DRV_STAT_LIST(STATS_X)
#undef STATS_X
	for (i = 0; i < s->nops; i++)
		for (j = 0; j < STATS_DECISIONS; j++)
			if (s->ops[i].n[j])
				fprintf(a.f, "event.%s.%s=%" PRIu64 "\n", s->ops[i].op,
					decision_names[j], s->ops[i].n[j]);
	/* every 5 s, and stale after a crash anyway (a new agent's start time differs) */
	return atomic_file_commit_volatile(&a);
}

/* "event.OP.DECISION" = n */
static int read_event(struct agent_stats *s, const char *key, uint64_t v)
{
	const char *dot = strrchr(key, '.');
	char op[STATS_OP_LEN];
	unsigned int i;
	int dec;

	if (!dot || (size_t)(dot - key) >= sizeof(op) || dot == key)
		return -EBADMSG;
	memcpy(op, key, dot - key);
	op[dot - key] = '\0';
	dec = decision_index(dot + 1);
	if ((!op_ok(op) && strcmp(op, "other")) ||
	    (dec == STATS_DEC_OTHER && strcmp(dot + 1, "other")))
		return -EBADMSG;
	for (i = 0; i < s->nops; i++)
		if (!strcmp(s->ops[i].op, op))
			break;
	if (i == s->nops) {
		if (s->nops > STATS_OPS)
			return -EBADMSG;
		snprintf(s->ops[s->nops++].op, STATS_OP_LEN, "%s", op);
	}
	s->ops[i].n[dec] = v;
	return 0;
}

static int parse_u64(const char *v, uint64_t *out)
{
	char *end;

	if (!*v || *v == '-')
		return -EBADMSG;
	errno = 0;
	*out = strtoull(v, &end, 10);
	return errno || *end ? -EBADMSG : 0;
}

static int read_line(struct agent_stats *s, const char *key, const char *val, int *seen)
{
	uint64_t v = 0;

	if (!strcmp(key, "engine")) {
		snprintf(s->engine, sizeof(s->engine), "%s", val);
		return 0;
	}
	if (parse_u64(val, &v))
		return -EBADMSG;
	if (!strcmp(key, "format")) {
		*seen |= 1;
		return v == 1 ? 0 : -EBADMSG;
	}
	if (!strcmp(key, "started")) {
		s->started = (time_t)v, *seen |= 2;
		return 0;
	}
	if (!strcmp(key, "updated")) {
		s->updated = (time_t)v, *seen |= 4;
		return 0;
	}
	if (!strcmp(key, "scan_done")) {
		s->scan_done = v != 0;
		return 0;
	}
#define STATS_X(name)				\
	if (!strcmp(key, #name)) {		\
		s->name = v;			\
		return 0;			\
	}
	SCALAR_LIST(STATS_X)
#undef STATS_X
#define STATS_X(bit, name)				\
	if (!strcmp(key, "driver." #name)) {		\
		s->drv.name = v;			\
		s->drv.have |= (bit);			\
		return 0;				\
	}
	DRV_STAT_LIST(STATS_X)
#undef STATS_X
	if (!strncmp(key, "event.", 6))
		return read_event(s, key + 6, v);
	return 0;	/* a newer agent's counter: not ours to show */
}

int stats_read(const char *state_dir, struct agent_stats *s)
{
	char path[PATH_MAX], *line = NULL, *eq;
	int seen = 0, ret;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	memset(s, 0, sizeof(*s));
	ret = stats_path(state_dir, path, sizeof(path));
	if (ret)
		return ret;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (!ret && (n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		eq = strchr(line, '=');
		if (!eq) {
			ret = -EBADMSG;
			break;
		}
		*eq++ = '\0';
		ret = read_line(s, line, eq, &seen);
	}
	free(line);
	fclose(f);
	if (!ret && seen != 7)
		ret = -EBADMSG;
	return ret;
}

void stats_remove(const char *state_dir)
{
	char path[PATH_MAX];

	if (!stats_path(state_dir, path, sizeof(path)))
		unlink(path);
}

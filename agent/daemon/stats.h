/* SPDX-License-Identifier: GPL-2.0 */
/*
 * STATE/agent.stats: the running agent's counters, for `pdguard stats` (docs/metrics.md).
 *
 * The daemon counts every event it writes (by op and decision) as the log's observer sees it,
 * takes the driver's, the scan's and the labels' counters, and rewrites the file atomically
 * every few seconds. Counters are cumulative since @started (so Prometheus' rate() and
 * increase() work and see a restart as a reset); @updated says when the file was last written,
 * which is the agent's heartbeat for a reader.
 *
 * Labels in the file are low-cardinality by construction: the op of an event is a word from the
 * code (never a path or a user name), at most STATS_OPS of them, anything else counts as "other".
 */
#ifndef PDGUARD_STATS_H
#define PDGUARD_STATS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "drivers/driver.h"

#define STATS_NAME "agent.stats"
#define STATS_OPS 64		/* distinct event ops counted; more count as "other" */
#define STATS_OP_LEN 32

/* The event decisions counted, in this order; anything else is "other". */
#define STATS_DECISION_LIST(X)	\
	X(ALLOW, "allow")	\
	X(DENY, "deny")		\
	X(WOULD_DENY, "would-deny") \
	X(ALERT, "alert")	\
	X(INFO, "info")		\
	X(OTHER, "other")

enum stats_decision {
#define STATS_X(up, name) STATS_DEC_##up,
	STATS_DECISION_LIST(STATS_X)
#undef STATS_X
	STATS_DECISIONS
};

const char *stats_decision_name(int i);

struct stats_op {
	char op[STATS_OP_LEN];
	uint64_t n[STATS_DECISIONS];
};

/**
 * struct agent_stats - what STATE/agent.stats holds
 * @started, @updated: the agent's start and the file's last rewrite (wall clock, seconds)
 * @engine: the classification engine ("hyperscan", "pcre2")
 * @events_written, @events_failed: lines the event log took, and writes that failed
 * @ops, @nops: events written, by op and decision
 * @drv: the driver's counters (drv.have says which it has)
 * @labels: files the agent holds a label for; @labels_pd: of them, PD (either: now, a gauge)
 * @labels_full: labels the kernel's map had no room for; @labels_stale: cached labels dropped
 * @scan_*: files classified since start (the first scan and every change after): read,
 *          unchanged (label still current), with PD, unknown (not read whole), errors,
 *          over a limit before (skipped, counted in unknown too)
 * @scan_done: the first scan of the scan roots has finished
 */
struct agent_stats {
	time_t started, updated;
	char engine[16];
	uint64_t events_written, events_failed;
	struct stats_op ops[STATS_OPS + 1];
	unsigned int nops;
	struct driver_stats drv;
	uint64_t labels, labels_pd, labels_full, labels_stale;
	uint64_t scan_read, scan_unchanged, scan_pd, scan_unknown, scan_errors, scan_over_limit;
	bool scan_done;
};

/* The event counter the daemon feeds from the log's observer (thread-safe). */
struct stats_counter {
	pthread_mutex_t lock;
	struct stats_op ops[STATS_OPS + 1];	/* the last one is "other" */
	unsigned int nops;
};

void stats_counter_init(struct stats_counter *c);
void stats_counter_destroy(struct stats_counter *c);
/* Count one event written with @op and @decision. */
void stats_count(struct stats_counter *c, const char *op, const char *decision);
/* Copy the counts into @s (ops, nops). */
void stats_counter_copy(struct stats_counter *c, struct agent_stats *s);

/* Write @s to @state_dir/agent.stats (0600, atomically). Return: 0 or -errno. */
int stats_write(const char *state_dir, const struct agent_stats *s);
/* Read it back. Return: 0, -ENOENT, -EBADMSG when damaged, other -errno. */
int stats_read(const char *state_dir, struct agent_stats *s);
void stats_remove(const char *state_dir);

#endif /* PDGUARD_STATS_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The driver interface: one ops table per way of enforcing in the kernel (bpf-lsm, fmod-ret,
 * fanotify). The daemon picks a driver, starts it on the state, tells it when the state changed,
 * and polls its descriptor. A driver reads the state and writes events; it never calls back into
 * classification or labelling.
 */
#ifndef PDGUARD_DRIVER_H
#define PDGUARD_DRIVER_H

#include <stdint.h>
#include <stdio.h>

#include "policy/config.h"
#include "log/events.h"
#include "state/state.h"

struct driver;

/**
 * struct driver_stats - a driver's own counters, for `pdguard stats` (cumulative since start
 * unless said otherwise); a driver fills the fields it has and sets their DRIVER_STAT_* bits
 * @requests: permission requests the agent answered (fanotify)
 * @pending: requests read and not yet answered, now (a gauge)
 * @log_queue: decisions waiting for the logger thread, now (a gauge)
 * @overflows: times the kernel's event queue overflowed (events lost)
 * @watchdog: requests the watchdog answered because the decision took too long
 * @answers_refused: answers the kernel refused (the opener had gone)
 * @ringbuf_drops: events the BPF programs could not put in the ring buffer (it was full)
 */
struct driver_stats {
	unsigned int have;
	uint64_t requests, pending, log_queue, overflows, watchdog, answers_refused, ringbuf_drops;
};

enum {
	DRIVER_STAT_REQUESTS = 1U << 0,
	DRIVER_STAT_PENDING = 1U << 1,
	DRIVER_STAT_LOG_QUEUE = 1U << 2,
	DRIVER_STAT_OVERFLOWS = 1U << 3,
	DRIVER_STAT_WATCHDOG = 1U << 4,
	DRIVER_STAT_ANSWERS_REFUSED = 1U << 5,
	DRIVER_STAT_RINGBUF_DROPS = 1U << 6,
};

/**
 * struct driver_env - what a driver is given at start
 * @st: the state (labels, zones, roles, grants, mode), read through state/lookup.c
 * @cfg: the policy in force; replaced (driver_ops.policy) on reload
 * @log: where events go (thread-safe)
 * @agent_pid: the agent's own pid: its accesses are never blocked (it reads files to classify)
 * @keeper: this process is the pdguard binary, which can run `pdguard __keeper`: the fanotify
 *          driver may start its fail-closed keeper (a test program that starts a driver is not,
 *          and gets none)
 */
struct driver_env {
	struct state *st;
	const struct config *cfg;
	struct eventlog *log;
	pid_t agent_pid;
	bool keeper;
};

struct driver_ops {
	const char *name;		/* "bpf-lsm", "fmod-ret", "fanotify" */
	/* Can this kernel run the driver? 0, or -errno with a one-line reason and a hint. */
	int (*probe)(char *why, size_t whylen, char *hint, size_t hintlen);
	int (*start)(const struct driver_env *env, struct driver **out);
	/*
	 * One file's label is new or changed (level PDGUARD_LEVEL_NONE: no longer PD). @path is
	 * where the caller found the file (NULL when it does not know), so no driver has to walk
	 * the tree to find it again; the driver checks that it still names (dev, ino).
	 */
	int (*label)(struct driver *d, const struct label_entry *e, const char *path);
	/* Zones, roles, grants or the mode changed: re-read them from the state and @cfg. */
	int (*policy)(struct driver *d, const struct config *cfg);
	/*
	 * The mode the driver's kernel side holds now (enum pdguard_mode), read back, or -errno;
	 * NULL for a driver that decides in the agent (it reads the state's mode).
	 */
	int (*mode)(struct driver *d);
	/* A descriptor the daemon polls for the driver (-1: none), and what to do when ready. */
	int (*fd)(struct driver *d);
	int (*dispatch)(struct driver *d);
	/* For the start-up screen and `pdguard status`: what it enforces, what it cannot. */
	void (*describe)(struct driver *d, FILE *f);
	/* Its counters now (thread-safe; may be NULL). */
	void (*stats)(struct driver *d, struct driver_stats *s);
	void (*stop)(struct driver *d);
};

extern const struct driver_ops driver_bpf_lsm_ops;
extern const struct driver_ops driver_fmod_ret_ops;
extern const struct driver_ops driver_fanotify_ops;

/* `pdguard __keeper`: the fanotify driver's fail-closed keeper (drivers/fanotify/keeper.c). */
int fanotify_keeper_main(void);

#endif /* PDGUARD_DRIVER_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the daemon's files share (daemon.c, scan.c, reload.c, eventlog.c): the one struct daemon
 * and the calls each makes into the others. Not for use outside agent/daemon/.
 */
#ifndef PDGUARD_DAEMON_INTERNAL_H
#define PDGUARD_DAEMON_INTERNAL_H

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "classify/scanner.h"
#include "daemon/burst.h"
#include "daemon/daemon.h"
#include "daemon/runfile.h"
#include "daemon/stats.h"
#include "state/state.h"

#define HEARTBEAT_S 5

struct alerts;
struct config;
struct driver;
struct driver_ops;
struct event;
struct eventlog;
struct grants;
struct netlink_conn;
struct notifier;
struct remember;
struct signalfd_siginfo;
struct workq;

struct daemon {
	const struct daemon_opts *opts;
	struct config *cfg;
	struct state st;
	struct eventlog *log;
	struct scanner sc;
	const struct driver_ops *dops;
	struct driver *drv;
	struct netlink_conn *kmod;
	struct grants *grants;
	struct alerts *alerts;
	struct notifier *notice;	/* the employee's notice of a denial (daemon/notice.c) */
	uint64_t policy_gen;

	struct workq *q;

	atomic_ulong scanned, unchanged, pd_files, errors, unknown, remembered;
	struct remember *overruns;	/* files that hit an extraction limit (remember.h) */
	int watch_fd;
	int mount_fd;
	bool alive_marked;		/* STATE/agent.alive is ours to remove at a clean stop */
	char cache_path[PATH_MAX];
	uint64_t saved_gen;

	pthread_mutex_t full_lock;
	struct burst labels_full;	/* labels the kernel's map had no room for */
	struct agent_run run;		/* what STATE/agent.run says */
	struct stats_counter evcount;	/* events written, by op and decision */
	atomic_bool scan_done;		/* the first scan is over */
	pthread_mutex_t stats_lock;	/* one writer of STATE/agent.stats at a time */
	int kmod_mode;			/* the module's mode as last read, -1 unknown */
	struct timespec cfg_ctime;	/* the policy file's ctime when it was read at start */
	/*
	 * Policies replaced by a reload. Drivers' threads, workers and the alerter may still hold
	 * a pointer into one, so none is freed before the agent stops.
	 */
	struct config **retired;
	size_t nretired;
};

/* daemon.c: the loop, start-up, what STATE/agent.run and agent.stats say */
void zones_refresh(struct daemon *d, bool report);
void run_publish(struct daemon *d);
void stats_publish(struct daemon *d);

/* scan.c: classification (the workers' job), the first scan, changed files */
void label_job(void *arg, struct classify_ctx *ctx, const char *path);
void queue_drain(struct daemon *d);
int first_scan(struct daemon *d, int sfd);
int watch_start(struct daemon *d);
void watch_dispatch(struct daemon *d);

/* reload.c: the policy's mode applied, a new policy taken or refused */
void mode_apply(struct daemon *d);
void mode_check(struct daemon *d);
void reload(struct daemon *d, const struct signalfd_siginfo *si);

/* eventlog.c: the daemon's side of the event log */
void log_info(struct daemon *d, const char *op, const char *reason, const char *path,
	      const char *extra);
void siem_attach(struct eventlog *log, const struct config *cfg);
void seal_attach(struct daemon *d);
void daemon_observe(void *ctx, const struct event *ev);
void log_group_apply(struct daemon *d, const struct config *old);
void log_rotate_check(struct daemon *d);
void log_housekeeping(struct daemon *d, time_t now);

#endif /* PDGUARD_DAEMON_INTERNAL_H */

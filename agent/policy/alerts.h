/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Alerts: patterns across single accesses that an InfoSec engineer must hear about.
 *
 *  mass-export  one user, or one process, reads more than [alerts] mass_export_files distinct
 *               PD files within mass_export_window seconds (sliding window). One alert per
 *               burst: the key is re-armed only when a window has passed since its alert.
 *               A process serving a remote client (a file server's child: the access names a
 *               client) is counted as that user from that client instead, whichever server
 *               process or connection carried the reads; its alert names the client.
 *  off-hours    PD opened outside [alerts] working_hours (when set); once per user per hour.
 *  deny-burst   deny_burst denials of one user within deny_burst_window seconds; re-armed as
 *               mass-export.
 *
 * Every drivers' PD access is fed in (allowed, denied, would-deny); time comes with the access,
 * so tests drive a fake clock. Memory is bounded: at most ALERTS_MAX_KEYS users and as many
 * processes or user-and-client pairs are tracked (the least recently active is forgotten first), and a key keeps at most
 * threshold + 1 files, which is all "more than threshold" needs.
 */
#ifndef PDGUARD_ALERTS_H
#define PDGUARD_ALERTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "policy/config.h"
#include "log/events.h"

#define ALERTS_MAX_KEYS 512

/**
 * struct alert_access - one PD access as a driver decided it
 * @ts_ns: wall-clock time (CLOCK_REALTIME ns)
 * @uid, @pid, @comm, @exe: who
 * @dev, @ino: the file (distinctness); @path: its name, for the evidence
 * @categories: its PD categories
 * @decision: "allow", "deny" or "would-deny" (audit: the read happened, and counts as denied)
 * @driver: reported in the alert
 * @client: the remote client the process served (struct event's), or NULL
 */
struct alert_access {
	uint64_t ts_ns;
	uid_t uid;
	pid_t pid;
	const char *comm;
	const char *exe;
	dev_t dev;
	ino_t ino;
	const char *path;
	uint32_t categories;
	const char *decision;
	const char *driver;
	const char *client;
};

/* Where alerts go: an event with op and decision "alert" (the log, or a test's collector). */
typedef void (*alerts_sink_fn)(void *ctx, const struct event *ev);

struct alerts;

/* @sink NULL: write to @log. Return: 0 or -errno. */
int alerts_new(struct alerts **out, const struct config *cfg, struct eventlog *log,
	       alerts_sink_fn sink, void *ctx);
/* New thresholds from a reloaded policy; what was counted is kept. */
void alerts_policy(struct alerts *a, const struct config *cfg);
/* Count one access; raises 0..3 alerts through the sink. Return: alerts raised. Thread-safe. */
int alerts_feed(struct alerts *a, const struct alert_access *x);
/*
 * An eventlog_observer_fn: feed every logged PD access (ev->pd_access) to the alerts @ctx, so
 * the alerts hear of every driver's decisions without the drivers knowing of them.
 */
void alerts_observe(void *ctx, const struct event *ev);
/* Alerts raised since creation. */
uint64_t alerts_count(struct alerts *a);
void alerts_free(struct alerts *a);

#endif /* PDGUARD_ALERTS_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's side of the event log: its own info events, the copies and seals the policy
 * asks for, who may read it, rotation and retention, and the observer that feeds every event
 * to the counters, the alerts and the employee's notices.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/internal.h"
#include "daemon/notice.h"
#include "log/events.h"
#include "log/seal.h"
#include "log/siem.h"
#include "policy/alerts.h"
#include "policy/config.h"

void log_info(struct daemon *d, const char *op, const char *reason, const char *path,
	      const char *extra)
{
	struct event ev = event_agent(op, "info", reason);

	ev.path = path;
	ev.extra = extra;
	if (eventlog_write(d->log, &ev))
		fprintf(stderr, "pdguard run: cannot write to the event log: %s\n",
			strerror(errno));
}

/* The ECS/OCSF copy the policy asks for (siem_format), at start and at every reload. */
void siem_attach(struct eventlog *log, const struct config *cfg)
{
	char path[PATH_MAX];
	int ret = config_siem_path(cfg, path, sizeof(path));

	if (!ret)
		ret = eventlog_set_siem(log, cfg->siem_format, path);
	if (ret)
		fprintf(stderr, "pdguard run: cannot write the %s copy of the log to %s: %s\n",
			siem_format_name(cfg->siem_format), path, strerror(-ret));
}

/*
 * Seal the log when the state directory holds a sealing key (pdguard log setup-keys); say once
 * whether it is sealed, so an inspector's question has its answer in the log.
 */
void seal_attach(struct daemon *d)
{
	char key[PATH_MAX];
	int ret;

	if ((size_t)snprintf(key, sizeof(key), "%s/" SEAL_KEY_FILE, d->cfg->state) >= sizeof(key))
		return;
	ret = eventlog_seal_attach(d->log, key);
	if (ret == -ENOENT)
		log_info(d, "log-seal", "the log is not sealed: root could rewrite it unseen "
			 "(pdguard log setup-keys starts sealing)", NULL, NULL);
	else if (ret)
		log_info(d, "log-seal", "the sealing key cannot be used: the log is not sealed",
			 key, NULL);
	else
		log_info(d, "log-seal", "the log is sealed every epoch", key, NULL);
}

/*
 * The log's observer: every event every driver writes is counted, then feeds the alerts and
 * the employee's notices (each once they exist).
 */
void daemon_observe(void *ctx, const struct event *ev)
{
	struct daemon *d = ctx;

	stats_count(&d->evcount, ev->op, ev->decision);
	if (d->alerts)
		alerts_observe(d->alerts, ev);
	if (d->notice)
		notifier_observe(d->notice, ev);
}

/* The log's directory belongs to a group other than root's: a log_group gave it. */
static bool log_dir_grouped(const char *log)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", log);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return false;
	*slash = '\0';
	return !lstat(dir, &st) && S_ISDIR(st.st_mode) && st.st_gid != 0;
}

/*
 * Who may read the event log: the policy's log_group (0640 files, a 0750 directory), else root
 * alone. Applied at start when the policy names a group (or names none while the directory still
 * has one: the group was taken out of the policy), and at a reload that changes it; the change
 * is logged.
 */
void log_group_apply(struct daemon *d, const struct config *old)
{
	const char *now = d->cfg->log_group, *was = old ? old->log_group : NULL;
	char reason[300];
	int ret;

	if (!now && !was && (old || !log_dir_grouped(d->cfg->log)))
		return;
	if (old && now && was && !strcmp(now, was) && old->log_gid == d->cfg->log_gid)
		return;
	ret = eventlog_set_group(d->log, now ? d->cfg->log_gid : (gid_t)-1);
	if (ret < 0) {
		snprintf(reason, sizeof(reason), "cannot give the event log to group %s: %s; it "
			 "stays as it was", now ? now : "root", strerror(-ret));
		fprintf(stderr, "pdguard run: %s\n", reason);
		log_info(d, "log-group", reason, d->cfg->log, NULL);
		return;
	}
	if (now)
		snprintf(reason, sizeof(reason), "the event log is readable by group %s%s", now,
			 ret == 1 ? " (its directory holds other files and was left as it is: "
			 "members need a way into it)" : "");
	else
		snprintf(reason, sizeof(reason), "the event log is readable by root only");
	if (ret == 1)
		fprintf(stderr, "pdguard run: %s\n", reason);
	log_info(d, "log-group", reason, d->cfg->log, NULL);
}

/* The live log past log_max_mb: rotated (checked every HEARTBEAT_S, one stat). */
void log_rotate_check(struct daemon *d)
{
	struct stat st;

	if (!stat(d->cfg->log, &st) && (uint64_t)st.st_size > (uint64_t)d->cfg->log_max_mb << 20) {
		int ret = eventlog_rotate(d->log, d->cfg->log_keep);

		if (ret)
			fprintf(stderr, "pdguard run: cannot rotate the event log: %s\n",
				strerror(-ret));
	}
}

void log_housekeeping(struct daemon *d, time_t now)
{
	struct stat st;

	/* retention: rotated files older than the policy's days go (the newest file never does) */
	for (unsigned int i = 1; i <= d->cfg->log_keep + 1; i++) {
		char old[PATH_MAX + 16];

		snprintf(old, sizeof(old), "%s.%u", d->cfg->log, i);
		if (!stat(old, &st) &&
		    st.st_mtime < now - (time_t)d->cfg->retention_days * 86400 && !unlink(old))
			log_info(d, "log-expire", "rotated event log older than retention_days removed",
				 old, NULL);
	}
	if (d->st.generation != d->saved_gen && d->cache_path[0]) {
		if (!state_cache_save(&d->st, d->cache_path))
			d->saved_gen = d->st.generation;
	}
}


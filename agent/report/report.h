/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `pdguard report`: the data map, the access review and the audit sheet, built from the policy,
 * the agent's state (labels on the files, STATE/labels.cache, STATE/grants) and the event log
 * the policy names (with its rotated files). No second database: every number is drawn from
 * these, in one streaming pass over the log.
 */
#ifndef PDGUARD_REPORT_H
#define PDGUARD_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "policy/config.h"
#include "report/doc.h"
#include "report/logscan.h"

/**
 * struct report_ctx - what every report is given
 * @cfgpath, @cfg: the policy
 * @since, @until: the period counted (0: open)
 * @now: the report's time
 * @user, @grant_id: the grant review's subject (access), NULL / -1 when none
 * @stale_days: an export not opened for this long is stale (datamap)
 * @key: the log's verification key (audit), NULL when not given
 * @also: extra folders the datamap walks besides the policy's scan roots
 * @limit: rows kept per table
 */
struct report_ctx {
	const char *cfgpath;
	struct config cfg;
	time_t since, until, now;
	const char *user;
	long grant_id;
	unsigned int stale_days;
	const char *key;
	struct strlist also;
	size_t limit;
};

/* The log's files, oldest first: log.N ... log.1, log (those that exist). Free with strlist_free. */
int report_log_files(const struct config *cfg, struct strlist *out);
/* Run @s over every file of the log. Return: 0, or -errno of the first unreadable file. */
int report_scan_log(const struct report_ctx *c, struct logscan *s);

int report_datamap(const struct report_ctx *c, struct doc *d);
int report_access(const struct report_ctx *c, struct doc *d);
int report_audit(const struct report_ctx *c, struct doc *d);

#endif /* PDGUARD_REPORT_H */

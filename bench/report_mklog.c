// SPDX-License-Identifier: GPL-2.0
/*
 * An event log of N events for the report benchmark (scripts/bench-report.sh), written through
 * the agent's own log writer, so it is chained like a real one: 30 days of PD opens by 200 users
 * over 20,000 files, with refusals, audit-mode would-denies, refused copies to USB, a few
 * alerts, grants and agent restarts in the proportions a busy file server might see.
 *
 *   report_mklog LOG N
 */
#include <stdio.h>
#include <stdlib.h>

#include <uapi/pdguard.h>

#include "log/events.h"

int main(int argc, char **argv)
{
	const uint64_t start = 1764547200ULL * 1000000000ULL;	/* 2025-12-01T00:00:00Z */
	const uint64_t span = 30ULL * 86400 * 1000000000ULL;
	struct eventlog *log;
	char path[96], extra[256];
	unsigned long n, i, r;
	int ret;

	if (argc != 3 || !(n = strtoul(argv[2], NULL, 10))) {
		fprintf(stderr, "usage: report_mklog LOG N\n");
		return 64;
	}
	ret = eventlog_open(&log, argv[1]);
	if (ret) {
		fprintf(stderr, "report_mklog: cannot open %s: %d\n", argv[1], ret);
		return 2;
	}
	srand(1);
	for (i = 0; i < n; i++) {
		struct event ev = event_make("open", "allow", "role hr may read basic personnel");

		r = (unsigned long)rand() % 1000;
		ev.ts_ns = start + span / n * i;
		ev.uid = 20000 + (unsigned int)rand() % 200;
		ev.pid = 1000 + (int)(i % 30000);
		ev.comm = "soffice.bin";
		ev.exe = "/usr/lib/libreoffice/program/soffice.bin";
		snprintf(path, sizeof(path), "/srv/shares/dept%lu/folder%lu/doc%lu.odt",
			 (unsigned long)rand() % 8, (unsigned long)rand() % 50,
			 (unsigned long)rand() % 20000);
		ev.path = path;
		ev.label = "pd";
		ev.categories = PDGUARD_CAT_BASIC | PDGUARD_CAT_PERSONNEL;
		ev.driver = "fanotify";
		if (r < 100) {
			ev.decision = "deny";
			ev.reason = "role accounting may not read personnel";
		} else if (r < 130) {
			ev.decision = "deny";
			ev.op = "create";
			ev.zone = "usb";
			ev.reason = "tainted process writes to usb";
		} else if (r < 180) {
			ev.decision = "would-deny";
		} else if (r < 181) {
			ev.op = "alert";
			ev.decision = "alert";
			ev.reason = "mass export: more than 500 PD files in 3600 s";
			snprintf(extra, sizeof(extra), "\"alert\":\"mass-export\",\"count\":501,"
				 "\"threshold\":500,\"window\":3600");
			ev.extra = extra;
		} else if (r < 182) {
			ev = event_make("agent-start", "info", "pdguard started");
			ev.ts_ns = start + span / n * i;
			ev.extra = "\"mode\":\"enforce\",\"policy_generation\":1";
		} else if (r < 300) {
			ev.label = "none";
			ev.categories = 0;
		} else if (r < 310) {
			ev.reason = "granted: basic personnel (role none)";
		}
		ret = eventlog_write(log, &ev);
		if (ret) {
			fprintf(stderr, "report_mklog: write failed: %d\n", ret);
			return 2;
		}
	}
	eventlog_close(log);
	return 0;
}

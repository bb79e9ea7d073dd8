// SPDX-License-Identifier: GPL-2.0
/*
 * Event log throughput: N chained events written through eventlog_write(), as the drivers do,
 * with and without an fdatasync after each event, then verified. Prints one line per mode:
 *   MODE EVENTS SECONDS EVENTS_PER_S BYTES_PER_EVENT VERIFIED
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "log/events.h"

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static int run(const char *dir, const char *mode, long n, int sync_each)
{
	char path[512], p[128];
	struct eventlog *log;
	uint64_t lines, bad;
	struct stat st;
	double t0, t1;
	long i;
	int ret;

	snprintf(path, sizeof(path), "%s/events-%s.jsonl", dir, mode);
	unlink(path);
	ret = eventlog_open(&log, path);
	if (ret)
		return ret;
	t0 = now_s();
	for (i = 0; i < n; i++) {
		struct event ev = {
			.op = "open", .decision = i % 10 ? "allow" : "deny",
			.reason = "role accounting may not read personnel", .uid = 1000 + i % 50,
			.pid = 4000 + i % 300, .comm = "libreoffice", .exe = "/usr/lib/libreoffice/program/soffice.bin",
			.path = p, .label = "pd", .categories = PDGUARD_CAT_PERSONNEL | PDGUARD_CAT_BASIC,
			.driver = "fanotify",
		};

		snprintf(p, sizeof(p), "/srv/shares/hr/employees/личное-дело-%ld.docx", i);
		ret = eventlog_write(log, &ev);
		if (ret)
			break;
		if (sync_each)
			eventlog_sync(log);
	}
	t1 = now_s();
	eventlog_close(log);
	if (ret)
		return ret;
	stat(path, &st);
	ret = eventlog_verify(path, NULL, &lines, &bad, NULL);
	printf("%-14s %8ld %8.3f %10.0f %6lld %s\n", mode, n, t1 - t0, n / (t1 - t0),
	       (long long)(st.st_size / n), !ret && (long)lines == n ? "intact" : "BROKEN");
	unlink(path);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	long n = argc > 2 ? atol(argv[2]) : 200000;
	long nsync = argc > 3 ? atol(argv[3]) : 2000;

	printf("%-14s %8s %8s %10s %6s %s\n", "mode", "events", "seconds", "events/s", "B/ev",
	       "chain");
	if (run(dir, "write", n, 0) || run(dir, "fdatasync-each", nsync, 1)) {
		fprintf(stderr, "eventlog_bench: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}

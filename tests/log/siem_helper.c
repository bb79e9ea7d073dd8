// SPDX-License-Identifier: GPL-2.0
/*
 * Print the fixture events (one of each shape the drivers, the CLI and the alerts write) as ECS
 * or OCSF records, with a fixed time, host and chain, for tests/log/siem_test.sh to compare
 * field by field with tests/log/fixtures/siem.{ecs,ocsf}.jsonl.
 *
 * usage: siem_helper ecs|ocsf
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include <uapi/pdguard.h>

#include "log/siem.h"

static struct event reader(const char *decision, const char *reason)
{
	struct event ev = event_make("open", decision, reason);

	ev.uid = 1001;
	ev.pid = 4242;
	ev.comm = "cat";
	ev.exe = "/usr/bin/cat";
	ev.path = "/srv/hr/salary.csv";
	ev.label = "pd";
	ev.categories = PDGUARD_CAT_PERSONNEL | PDGUARD_CAT_FINANCIAL;
	ev.driver = "fanotify";
	return ev;
}

int main(int argc, char **argv)
{
	static const char hash[] = "1111111111111111111111111111111111111111111111111111111111111111";
	static const char prev[] = "0000000000000000000000000000000000000000000000000000000000000000";
	struct event ev[10];
	int fmt, i, n = 0;

	fmt = argc == 2 ? siem_format_find(argv[1]) : -1;
	if (fmt != SIEM_ECS && fmt != SIEM_OCSF) {
		fprintf(stderr, "usage: siem_helper ecs|ocsf\n");
		return 64;
	}
	ev[n++] = reader("deny", "role accounting may not read personnel,financial");
	ev[n++] = reader("would-deny", "role accounting may not read personnel,financial");
	ev[n++] = reader("allow", "granted: personnel,financial (role accounting)");
	ev[n] = reader("deny", "a file labelled financial may not be moved into a usb zone");
	ev[n].op = "rename";
	ev[n].target = "/media/stick/salary.csv";
	ev[n].zone = "usb";
	ev[n++].driver = "bpf-lsm";
	/* the kernel gave a name and an inode, the agent found no path */
	ev[n] = reader("deny", "a process that read PD (financial) may not open files on a usb zone");
	ev[n].op = "create";
	ev[n].path = NULL;
	ev[n].file_name = "copy.csv";
	ev[n].file_dev = makedev(8, 17);
	ev[n].file_ino = 2;
	ev[n].file_new = true;
	ev[n].zone = "usb";
	ev[n++].driver = "bpf-lsm";
	ev[n] = event_agent("label-set", "info", NULL);
	ev[n].uid = 0;
	ev[n].pid = 777;
	ev[n].exe = "/usr/sbin/pdguard";
	ev[n].path = "/srv/hr/salary.csv";
	ev[n].label = "pd";
	ev[n++].categories = PDGUARD_CAT_FINANCIAL;
	ev[n] = event_agent("grant-add", "info", "quarterly audit");
	ev[n].uid = 1001;
	ev[n].pid = 778;
	ev[n].exe = "/usr/sbin/pdguard";
	ev[n].categories = PDGUARD_CAT_FINANCIAL;
	ev[n++].extra = "\"grant\":3,\"grantee\":\"alice\",\"by\":\"root\",\"granted_by\":\"root\","
			"\"approver\":\"InfoSec officer\",\"created\":\"2026-03-01T09:00:00Z\","
			"\"until\":\"2026-03-01T18:00:00Z\"";
	ev[n] = reader("alert", "mass export: 600 PD files to usb in 60 s");
	ev[n].op = "alert";
	ev[n].path = "/media/stick/last.csv";
	ev[n++].extra = "\"alert\":\"mass-export\",\"scope\":\"process\",\"count\":600,"
			"\"threshold\":500,\"window\":60";
	ev[n] = event_agent("agent-start", "info", "pdguard started");
	ev[n].uid = 0;
	ev[n].pid = 700;
	ev[n].exe = "/usr/sbin/pdguard";
	ev[n].path = "/etc/pdguard/pdguard.conf";
	ev[n++].extra = "\"mode\":\"enforce\",\"policy_generation\":1";
	/* a file server's read for a remote client: the client is the source */
	ev[n] = reader("deny", "no role of this user may read financial");
	ev[n].comm = "smbd";
	ev[n].exe = "/usr/sbin/smbd";
	ev[n].client = "192.168.10.21";
	ev[n++].client_port = 50122;
	for (i = 0; i < n; i++) {
		struct siem_chain c = {
			.ts_ns = 1772355600123000000ULL + (uint64_t)i * 1000000000ULL,
			.user = ev[i].uid == 0 ? "root" : "alice",
			.seq = 41 + i, .hash = hash, .prev = prev, .host = "hr-laptop-07",
		};
		char *out = NULL;
		size_t len = 0;

		if (siem_format_line(fmt, &ev[i], &c, &out, &len))
			return 1;
		fwrite(out, 1, len, stdout);
		free(out);
	}
	return 0;
}

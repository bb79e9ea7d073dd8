// SPDX-License-Identifier: GPL-2.0
/*
 * journald's native protocol, written by hand (systemd documents it as stable: "Native Journal
 * Protocol"): one datagram on /run/systemd/journal/socket, fields as KEY=value lines, a value
 * with a newline in the binary form. So `journalctl PDGUARD_DECISION=deny` and
 * `journalctl -o json` filters work without parsing our JSON, and the agent needs no libsystemd.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/vocab.h"
#include "log/journal.h"

enum journal_sink journal_probe(void)
{
	struct stat st;

	if (!stat(JOURNAL_SOCKET, &st) && S_ISSOCK(st.st_mode))
		return JOURNAL_JOURNALD;
	if (!stat("/dev/log", &st) && S_ISSOCK(st.st_mode))
		return JOURNAL_SYSLOG;
	return JOURNAL_NONE;
}

/* One field; NULL values are left out. */
static void put(FILE *f, const char *key, const char *val)
{
	uint64_t n;
	int i;

	if (!val)
		return;
	if (!strchr(val, '\n')) {
		fprintf(f, "%s=%s\n", key, val);
		return;
	}
	n = strlen(val);
	fprintf(f, "%s\n", key);
	for (i = 0; i < 8; i++)
		fputc((int)((n >> (8 * i)) & 0xff), f);
	fwrite(val, 1, n, f);
	fputc('\n', f);
}

static void put_num(FILE *f, const char *key, unsigned long long v)
{
	fprintf(f, "%s=%llu\n", key, v);
}

/* syslog(3) priorities: a refusal and an alert are warnings, would-deny a notice, the rest info. */
static int priority_of(const char *decision)
{
	if (!decision)
		return 6;
	if (!strcmp(decision, "deny") || !strcmp(decision, "alert"))
		return 4;
	if (!strcmp(decision, "would-deny"))
		return 5;
	return 6;
}

int journal_format(const struct event *ev, const char *line, size_t line_len,
		   unsigned long long seq, const char *hash, const char *host, const char *user,
		   char **buf, size_t *len)
{
	char cats[96], num[32], *msg = NULL, *json;
	size_t msglen = 0;
	FILE *f, *m;

	vocab_categories_format(ev->categories, ",", NULL, cats, sizeof(cats));
	/* MESSAGE: what a person reads in `journalctl -u pdguard`; the fields carry the rest */
	m = open_memstream(&msg, &msglen);
	if (!m)
		return -ENOMEM;
	fprintf(m, "%s %s", ev->decision ? ev->decision : "info", ev->op ? ev->op : "event");
	if (ev->path)
		fprintf(m, " %s", ev->path);
	else if (ev->file_name)
		fprintf(m, " %s", ev->file_name);
	if (ev->target)
		fprintf(m, " -> %s", ev->target);
	if (ev->uid != (uint32_t)-1 && ev->pid)
		fprintf(m, " (uid %u, pid %d%s%s)", ev->uid, ev->pid, ev->comm ? " " : "",
			ev->comm ? ev->comm : "");
	if (ev->reason && ev->reason[0])
		fprintf(m, ": %s", ev->reason);
	if (fclose(m))
		return -ENOMEM;
	json = strndup(line, line_len);
	if (!json) {
		free(msg);
		return -ENOMEM;
	}
	f = open_memstream(buf, len);
	if (!f) {
		free(msg);
		free(json);
		return -ENOMEM;
	}
	put(f, "MESSAGE", msg);
	fprintf(f, "PRIORITY=%d\n", priority_of(ev->decision));
	put(f, "SYSLOG_IDENTIFIER", "pdguard");
	put_num(f, "SYSLOG_FACILITY", 10);	/* authpriv, as the syslog copy */
	put_num(f, "PDGUARD_V", EVENTS_SCHEMA_VERSION);
	put_num(f, "PDGUARD_SEQ", seq);
	put(f, "PDGUARD_HOST", host);
	put(f, "PDGUARD_OP", ev->op);
	put(f, "PDGUARD_DECISION", ev->decision);
	put(f, "PDGUARD_REASON", ev->reason && ev->reason[0] ? ev->reason : NULL);
	if (ev->uid != (uint32_t)-1)
		put_num(f, "PDGUARD_UID", ev->uid);
	put(f, "PDGUARD_USER", ev->uid != (uint32_t)-1 ? user : NULL);
	if (ev->pid) {
		snprintf(num, sizeof(num), "%d", ev->pid);
		put(f, "PDGUARD_PID", num);
	}
	put(f, "PDGUARD_COMM", ev->comm);
	put(f, "PDGUARD_EXE", ev->exe);
	put(f, "PDGUARD_PATH", ev->path);
	put(f, "PDGUARD_TARGET", ev->target);
	put(f, "PDGUARD_LABEL", ev->label);
	put(f, "PDGUARD_CATEGORIES", cats[0] ? cats : NULL);
	put(f, "PDGUARD_ZONE", ev->zone);
	put(f, "PDGUARD_DRIVER", ev->driver);
	put(f, "PDGUARD_CLIENT", ev->client);
	if (ev->client && ev->client_port)
		put_num(f, "PDGUARD_CLIENT_PORT", ev->client_port);
	put(f, "PDGUARD_HASH", hash);
	put(f, "PDGUARD_JSON", json);
	free(msg);
	free(json);
	if (fclose(f)) {
		free(*buf);
		*buf = NULL;
		return -ENOMEM;
	}
	return 0;
}

int journal_send(int *fd, const char *sock_path, const char *buf, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	ssize_t n;

	if (strlen(sock_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, sock_path);
	if (*fd < 0) {
		*fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (*fd < 0)
			return -errno;
	}
	n = sendto(*fd, buf, len, MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof(sa));
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

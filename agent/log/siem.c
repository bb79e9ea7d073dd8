// SPDX-License-Identifier: GPL-2.0
/*
 * ECS and OCSF records of an event (log/siem.h). The tables below are the whole mapping, so
 * what a SIEM rule can rely on is read here and in docs/eventlog.md; what neither schema has a
 * place for (PD categories, label, zone, the chain) goes under "pdguard" (ECS: a custom field
 * set) or "unmapped" (OCSF), never into a field that means something else.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "lib/json.h"
#include "lib/vocab.h"
#include "log/siem.h"

#ifndef PDGUARD_VERSION
#define PDGUARD_VERSION "0"
#endif

#define ECS_VERSION "8.11.0"
#define OCSF_VERSION "1.1.0"

const char *siem_format_name(int fmt)
{
	return fmt == SIEM_ECS ? "ecs" : fmt == SIEM_OCSF ? "ocsf" : "none";
}

int siem_format_find(const char *name)
{
	if (!strcmp(name, "none"))
		return SIEM_NONE;
	if (!strcmp(name, "ecs"))
		return SIEM_ECS;
	if (!strcmp(name, "ocsf"))
		return SIEM_OCSF;
	return -1;
}

/*
 * Per op: OCSF File System Activity activity_id (0: not a file-system activity, the record is
 * then an OCSF Base Event), ECS event.category and event.type.
 */
static const struct op_map {
	const char *op;
	int ocsf_activity;
	const char *ecs_category;
	const char *ecs_type;
} op_maps[] = {
	{ "open", 14, "file", "access" },	{ "read", 2, "file", "access" },
	{ "mmap", 2, "file", "access" },	{ "exec", 2, "file", "access" },
	{ "write", 3, "file", "change" },	{ "create", 1, "file", "creation" },
	{ "rename", 5, "file", "change" },	{ "link", 99, "file", "creation" },
	{ "unlink", 4, "file", "deletion" },	{ "setxattr", 6, "file", "change" },
	{ "removexattr", 6, "file", "change" },	{ "label", 6, "file", "change" },
	{ "label-set", 6, "file", "change" },	{ "label-clear", 6, "file", "change" },
	{ "label-stale", 99, "file", "info" },	{ "label-error", 99, "file", "info" },
	{ "label-table-full", 99, "file", "info" },
	{ "scan-error", 99, "file", "info" },	{ "scan-unknown", 99, "file", "info" },
	{ "grant-add", 0, "iam", "creation" },	{ "grant-revoke", 0, "iam", "deletion" },
	{ "grant-expire", 0, "iam", "deletion" },
	{ "policy-reload", 0, "configuration", "change" },
	{ "mode-change", 0, "configuration", "change" },
	{ "mode-drift", 0, "configuration", "change" },
	{ "zone-add", 0, "configuration", "change" },
	{ "zone-remove", 0, "configuration", "change" },
	{ "alert", 0, "intrusion_detection", "info" },
};

static const struct op_map *op_map_of(const char *op)
{
	static const struct op_map admin = { NULL, 0, "configuration", "change" };
	static const struct op_map other = { NULL, 0, "host", "info" };
	size_t i;

	for (i = 0; op && i < sizeof(op_maps) / sizeof(op_maps[0]); i++)
		if (!strcmp(op_maps[i].op, op))
			return &op_maps[i];
	return op && !strncmp(op, "bpf-", 4) ? &admin : &other;
}

static const char *ocsf_activity_name(int id)
{
	switch (id) {
	case 1: return "Create";
	case 2: return "Read";
	case 3: return "Update";
	case 4: return "Delete";
	case 5: return "Rename";
	case 6: return "Set Attributes";
	case 14: return "Open";
	default: return "Other";
	}
}

static bool is(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

/* "key":"value" (escaped), or nothing when @val is NULL; @sep before it. */
static void kv(FILE *f, bool *first, const char *key, const char *val)
{
	if (!val)
		return;
	fprintf(f, "%s\"%s\":", *first ? "" : ",", key);
	json_put_string(f, val);
	*first = false;
}

static void kn(FILE *f, bool *first, const char *key, long long val)
{
	fprintf(f, "%s\"%s\":%lld", *first ? "" : ",", key, val);
	*first = false;
}


/* The directory and the last component of @path, as ECS file.directory/file.name want them. */
static void split_path(const char *path, char *dir, size_t dlen, const char **name)
{
	const char *slash = strrchr(path, '/');

	*name = slash ? slash + 1 : path;
	if (!slash)
		snprintf(dir, dlen, "%s", "");
	else
		snprintf(dir, dlen, "%.*s", slash == path ? 1 : (int)(slash - path), path);
}

/* The human line, as journald's MESSAGE. */
static void message(FILE *f, const struct event *ev)
{
	char *m = NULL;
	size_t n = 0;
	FILE *s = open_memstream(&m, &n);

	if (!s)
		return;
	fprintf(s, "%s %s", ev->decision ? ev->decision : "info", ev->op ? ev->op : "event");
	if (ev->path)
		fprintf(s, " %s", ev->path);
	if (ev->target)
		fprintf(s, " -> %s", ev->target);
	if (ev->reason && ev->reason[0])
		fprintf(s, ": %s", ev->reason);
	if (!fclose(s))
		json_put_string(f, m);
	else
		fputs("\"\"", f);
	free(m);
}

/* What neither schema has a place for: the native members, under one object. */
static void pdguard_members(FILE *f, const struct event *ev, const struct siem_chain *c)
{
	bool first = true;

	fputc('{', f);
	kn(f, &first, "v", EVENTS_SCHEMA_VERSION);
	kn(f, &first, "seq", (long long)c->seq);
	kv(f, &first, "hash", c->hash);
	kv(f, &first, "prev", c->prev);
	kv(f, &first, "op", ev->op);
	kv(f, &first, "decision", ev->decision);
	kv(f, &first, "label", ev->label);
	fputs(",\"categories\":", f);
	vocab_categories_json(f, ev->categories);
	kv(f, &first, "zone", ev->zone);
	kv(f, &first, "driver", ev->driver);
	kv(f, &first, "target", ev->target);
	if (!ev->path && ev->file_ino) {
		kv(f, &first, "file_name", ev->file_name);
		fprintf(f, ",\"file_dev\":\"%u:%u\"", major(ev->file_dev), minor(ev->file_dev));
		kn(f, &first, "file_ino", (long long)ev->file_ino);
		if (ev->file_new)
			fputs(",\"file_new\":true", f);
	}
	if (ev->extra && ev->extra[0])
		fprintf(f, ",\"extra\":{%s}", ev->extra);
	fputc('}', f);
}

static void iso_ms(uint64_t ns, char *buf, size_t len)
{
	time_t secs = ns / 1000000000ULL;
	struct tm tm;

	gmtime_r(&secs, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned int)(ns % 1000000000ULL / 1000000));
}

static void ecs(FILE *f, const struct event *ev, const struct siem_chain *c)
{
	const struct op_map *m = op_map_of(ev->op);
	char ts[96], dir[4096], num[24];
	const char *name;
	bool first = true;

	iso_ms(c->ts_ns, ts, sizeof(ts));
	fputc('{', f);
	kv(f, &first, "@timestamp", ts);
	fputs(",\"message\":", f);
	message(f, ev);
	fputs(",\"ecs\":{\"version\":\"" ECS_VERSION "\"}", f);
	fprintf(f, ",\"event\":{\"kind\":\"%s\",\"category\":[\"%s\"],\"type\":[\"%s\"",
		is(ev->decision, "alert") ? "alert" : "event", m->ecs_category, m->ecs_type);
	fputs("]", f);
	first = false;
	kv(f, &first, "action", ev->op);
	kv(f, &first, "outcome", is(ev->decision, "deny") ? "failure" :
		is(ev->decision, "allow") || is(ev->decision, "would-deny") ? "success" : "unknown");
	kv(f, &first, "reason", ev->reason && ev->reason[0] ? ev->reason : NULL);
	kn(f, &first, "sequence", (long long)c->seq);
	kv(f, &first, "hash", c->hash);
	kv(f, &first, "provider", ev->driver);
	kv(f, &first, "module", "pdguard");
	kv(f, &first, "dataset", "pdguard.events");
	fputc('}', f);
	fputs(",\"host\":{\"name\":", f);
	json_put_string(f, c->host ? c->host : "");
	fputc('}', f);
	if (ev->uid != (uint32_t)-1) {
		/* a grant's uid is its subject, not who acted (that is pdguard.extra.by) */
		bool target = ev->op && !strncmp(ev->op, "grant-", 6);

		first = true;
		snprintf(num, sizeof(num), "%u", ev->uid);
		fputs(target ? ",\"user\":{\"target\":{" : ",\"user\":{", f);
		kv(f, &first, "id", num);
		kv(f, &first, "name", c->user);
		fputs(target ? "}}" : "}", f);
	}
	if (ev->pid || ev->comm || ev->exe) {
		first = true;
		fputs(",\"process\":{", f);
		if (ev->pid)
			kn(f, &first, "pid", ev->pid);
		kv(f, &first, "name", ev->comm);
		kv(f, &first, "executable", ev->exe);
		if (first)
			fputs("\"pid\":0", f);
		fputc('}', f);
	}
	if (ev->client) {
		/* the remote peer a file server's process served: who asked, from where */
		fputs(",\"source\":{\"ip\":", f);
		json_put_string(f, ev->client);
		if (ev->client_port)
			fprintf(f, ",\"port\":%u", (unsigned int)ev->client_port);
		fputc('}', f);
	}
	if (ev->path) {
		first = true;
		split_path(ev->path, dir, sizeof(dir), &name);
		fputs(",\"file\":{", f);
		kv(f, &first, "path", ev->path);
		kv(f, &first, "name", name);
		kv(f, &first, "directory", dir);
		fputc('}', f);
	} else if (ev->file_name) {
		fputs(",\"file\":{\"name\":", f);
		json_put_string(f, ev->file_name);
		fprintf(f, ",\"inode\":\"%llu\"}", (unsigned long long)ev->file_ino);
	}
	fputs(",\"pdguard\":", f);
	pdguard_members(f, ev, c);
	fputc('}', f);
}

static void ocsf(FILE *f, const struct event *ev, const struct siem_chain *c)
{
	const struct op_map *m = op_map_of(ev->op);
	int activity = m->ocsf_activity, class_uid = activity ? 1001 : 0;
	int action = -1, disposition = -1, status, severity;
	const char *action_name = NULL, *disposition_name = NULL;
	char dir[4096], num[24];
	const char *name;
	bool first;

	if (!activity)
		activity = 99;
	if (is(ev->decision, "allow")) {
		action = 1, action_name = "Allowed", disposition = 1, disposition_name = "Allowed";
	} else if (is(ev->decision, "deny")) {
		action = 2, action_name = "Denied", disposition = 2, disposition_name = "Blocked";
	} else if (is(ev->decision, "would-deny")) {
		/* audit mode: let through, and flagged */
		action = 1, action_name = "Allowed", disposition = 15, disposition_name = "Detected";
	} else if (is(ev->decision, "alert")) {
		action = 0, action_name = "Unknown", disposition = 19, disposition_name = "Alert";
	}
	status = is(ev->decision, "deny") ? 2 : is(ev->decision, "alert") ? 0 : 1;
	severity = is(ev->decision, "deny") || is(ev->decision, "alert") ? 3 :
		   is(ev->decision, "would-deny") ? 2 : 1;
	fprintf(f, "{\"class_uid\":%d,\"class_name\":\"%s\",\"category_uid\":%d,"
		"\"category_name\":\"%s\",\"activity_id\":%d,\"activity_name\":\"%s\","
		"\"type_uid\":%d", class_uid, class_uid ? "File System Activity" : "Base Event",
		class_uid ? 1 : 0, class_uid ? "System Activity" : "Uncategorized", activity,
		ocsf_activity_name(activity), class_uid * 100 + activity);
	fprintf(f, ",\"time\":%llu,\"severity_id\":%d,\"severity\":\"%s\",\"status_id\":%d,"
		"\"status\":\"%s\"", (unsigned long long)(c->ts_ns / 1000000), severity,
		severity == 3 ? "Medium" : severity == 2 ? "Low" : "Informational", status,
		status == 2 ? "Failure" : status == 1 ? "Success" : "Unknown");
	if (action >= 0)
		fprintf(f, ",\"action_id\":%d,\"action\":\"%s\",\"disposition_id\":%d,"
			"\"disposition\":\"%s\"", action, action_name, disposition, disposition_name);
	fputs(",\"message\":", f);
	message(f, ev);
	if (ev->reason && ev->reason[0]) {
		fputs(",\"status_detail\":", f);
		json_put_string(f, ev->reason);
	}
	fprintf(f, ",\"metadata\":{\"version\":\"" OCSF_VERSION "\",\"product\":{\"name\":\"pdguard\","
		"\"vendor_name\":\"pdguard\",\"version\":\"" PDGUARD_VERSION "\"},"
		"\"profiles\":[\"host\",\"security_control\"],\"log_name\":\"pdguard.events\","
		"\"sequence\":%llu,\"uid\":\"%s\"}", (unsigned long long)c->seq, c->hash ? c->hash : "");
	fputs(",\"device\":{\"type_id\":0,\"hostname\":", f);
	json_put_string(f, c->host ? c->host : "");
	fputc('}', f);
	fputs(",\"actor\":{", f);
	first = true;
	if (ev->uid != (uint32_t)-1) {
		snprintf(num, sizeof(num), "%u", ev->uid);
		fputs("\"user\":{", f);
		kv(f, &first, "uid", num);
		kv(f, &first, "name", c->user);
		fputc('}', f);
		first = false;
	}
	if (ev->pid || ev->comm || ev->exe) {
		bool pfirst = true;

		fprintf(f, "%s\"process\":{", first ? "" : ",");
		if (ev->pid)
			kn(f, &pfirst, "pid", ev->pid);
		kv(f, &pfirst, "name", ev->comm);
		if (ev->exe) {
			fprintf(f, "%s\"file\":{\"type_id\":1,\"path\":", pfirst ? "" : ",");
			json_put_string(f, ev->exe);
			fputc('}', f);
			pfirst = false;
		}
		if (pfirst)
			fputs("\"pid\":0", f);
		fputc('}', f);
	}
	fputc('}', f);
	if (ev->client) {
		fputs(",\"src_endpoint\":{\"ip\":", f);
		json_put_string(f, ev->client);
		if (ev->client_port)
			fprintf(f, ",\"port\":%u", (unsigned int)ev->client_port);
		fputc('}', f);
	}
	if (ev->path) {
		first = true;
		split_path(ev->path, dir, sizeof(dir), &name);
		fputs(",\"file\":{\"type_id\":1", f);
		first = false;
		kv(f, &first, "path", ev->path);
		kv(f, &first, "name", name);
		kv(f, &first, "parent_folder", dir);
		fputc('}', f);
	} else if (class_uid) {
		/* a file-system activity names its file: what the kernel gave when no path */
		fputs(",\"file\":{\"type_id\":0,\"name\":", f);
		json_put_string(f, ev->file_name ? ev->file_name : "");
		if (ev->file_ino)
			fprintf(f, ",\"uid\":\"%llu\"", (unsigned long long)ev->file_ino);
		fputc('}', f);
	}
	if (ev->target && class_uid) {
		fputs(",\"file_result\":{\"type_id\":1,\"path\":", f);
		json_put_string(f, ev->target);
		fputc('}', f);
	}
	fputs(",\"unmapped\":{\"pdguard\":", f);
	pdguard_members(f, ev, c);
	fputs("}}", f);
}

int siem_format_line(int fmt, const struct event *ev, const struct siem_chain *c, char **out,
		     size_t *len)
{
	FILE *f;

	if (fmt != SIEM_ECS && fmt != SIEM_OCSF)
		return -EINVAL;
	f = open_memstream(out, len);
	if (!f)
		return -ENOMEM;
	if (fmt == SIEM_ECS)
		ecs(f, ev, c);
	else
		ocsf(f, ev, c);
	fputc('\n', f);
	if (fclose(f)) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

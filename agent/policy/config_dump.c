// SPDX-License-Identifier: GPL-2.0
/*
 * `pdguard config dump`: the effective policy as a policy file (drop-ins merged), each value
 * with the file and line that set it when asked; and where the SIEM copy of the log goes.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <uapi/pdguard.h>

#include "log/siem.h"
#include "policy/config.h"

#define LINE_LIMIT 200	/* inih 55's INI_MAX_LINE, including the newline and NUL */

/*
 * One "key = value" line; with @origins, where it came from as an inline comment, or on a comment
 * line of its own above when the two would not fit in inih's 200 bytes.
 */
static void __attribute__((format(printf, 5, 6)))
kv(FILE *f, bool origins, const char *key, const char *from, const char *fmt, ...)
{
	char value[LINE_LIMIT * 4], line[LINE_LIMIT * 6];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	snprintf(line, sizeof(line), "%s = %s", key, value);
	if (!origins) {
		fprintf(f, "%s\n", line);
		return;
	}
	if (strlen(line) + strlen(" ; ") + strlen(from ? from : "default") + 2 > LINE_LIMIT)
		fprintf(f, "; %s\n%s\n", from ? from : "default", line);
	else
		fprintf(f, "%s ; %s\n", line, from ? from : "default");
}

static void dump_list(FILE *f, bool o, const char *key, const struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		kv(f, o, key, l->from ? l->from[i] : NULL, "%s", l->v[i]);
}

int config_siem_path(const struct config *cfg, char *buf, size_t len)
{
	size_t n = strlen(cfg->log);
	int w;

	if (cfg->siem_log)
		w = snprintf(buf, len, "%s", cfg->siem_log);
	else if (n > 6 && !strcmp(cfg->log + n - 6, ".jsonl"))
		w = snprintf(buf, len, "%.*s.%s.jsonl", (int)(n - 6), cfg->log,
			     siem_format_name(cfg->siem_format));
	else
		w = snprintf(buf, len, "%s.%s", cfg->log, siem_format_name(cfg->siem_format));
	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

void config_dump(const struct config *c, FILE *f, unsigned int flags)
{
	static const char *const drivers[] = { "auto", "bpf-lsm", "fmod-ret", "fanotify" };
	bool o = flags & CONFIG_DUMP_ORIGINS;
	char cats[128], key[128];
	size_t i;

#define FROM(k) config_origin(c, k)
	if (o) {
		fprintf(f, "; the effective policy, read from:\n");
		for (i = 0; i < c->files.n; i++)
			fprintf(f, ";   %s\n", c->files.v[i]);
		fprintf(f, "; each value: the file and line that set it, or default\n\n");
	}
	fprintf(f, "[agent]\n");
	kv(f, o, "mode", FROM("agent.mode"), "%s",
	   c->mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit");
	kv(f, o, "driver", FROM("agent.driver"), "%s", drivers[c->driver]);
	dump_list(f, o, "rules", &c->rules);
	kv(f, o, "log", FROM("agent.log"), "%s", c->log);
	kv(f, o, "state", FROM("agent.state"), "%s", c->state);
	if (c->log_group)
		kv(f, o, "log_group", FROM("agent.log_group"), "%s", c->log_group);
	dump_list(f, o, "scan", &c->scan);
	if (c->siem_format != SIEM_NONE) {
		char siem[PATH_MAX];

		kv(f, o, "siem_format", FROM("agent.siem_format"), "%s",
		   siem_format_name(c->siem_format));
		if (!config_siem_path(c, siem, sizeof(siem)))
			kv(f, o, "siem_log", FROM("agent.siem_log"), "%s", siem);
	}
	kv(f, o, "log_max_mb", FROM("agent.log_max_mb"), "%u", c->log_max_mb);
	kv(f, o, "log_keep", FROM("agent.log_keep"), "%u", c->log_keep);
	kv(f, o, "retention_days", FROM("agent.retention_days"), "%u", c->retention_days);
	kv(f, o, "fail", FROM("agent.fail"), "%s", c->fail_open ? "open" : "closed");
	kv(f, o, "decision_timeout_ms", FROM("agent.decision_timeout_ms"), "%u",
	   c->decision_timeout_ms);
	kv(f, o, "unknown", FROM("agent.unknown"), "%s", c->unknown_none ? "none" : "pd");
	kv(f, o, "engine", FROM("agent.engine"), "%s",
	   c->engine == CONFIG_ENGINE_PCRE2 ? "pcre2" :
	   c->engine == CONFIG_ENGINE_HYPERSCAN ? "hyperscan" : "auto");
	kv(f, o, "export_approvers", FROM("agent.export_approvers"), "%u", c->export_approvers);
	fprintf(f, "\n[zone usb]\n");
	kv(f, o, "removable", FROM("zone usb.removable"), "%s", c->usb_removable ? "yes" : "no");
	dump_list(f, o, "path", &c->usb_paths);
	fprintf(f, "\n[zone cloud]\n");
	dump_list(f, o, "path", &c->cloud_paths);
	dump_list(f, o, "client", &c->cloud_clients);
	fprintf(f, "\n[exit-points]\n");
	dump_list(f, o, "exe", &c->exit_exes);
	dump_list(f, o, "package", &c->exit_packages);
	fprintf(f, "\n[servers]\n");
	dump_list(f, o, "exe", &c->servers);
	kv(f, o, "taint_seconds", FROM("servers.taint_seconds"), "%u", c->server_taint_s);
	fprintf(f, "\n[alerts]\n");
	kv(f, o, "mass_export_files", FROM("alerts.mass_export_files"), "%u",
	   c->mass_export_files);
	kv(f, o, "mass_export_window", FROM("alerts.mass_export_window"), "%u",
	   c->mass_export_window_s);
	if (c->work_start_min >= 0)
		kv(f, o, "working_hours", FROM("alerts.working_hours"), "%02d:%02d-%02d:%02d",
		   c->work_start_min / 60, c->work_start_min % 60, c->work_end_min / 60,
		   c->work_end_min % 60);
	kv(f, o, "deny_burst", FROM("alerts.deny_burst"), "%u", c->deny_burst);
	kv(f, o, "deny_burst_window", FROM("alerts.deny_burst_window"), "%u",
	   c->deny_burst_window_s);
	fprintf(f, "\n[notice]\n");
	kv(f, o, "enabled", FROM("notice.enabled"), "%s", c->notice_enabled ? "yes" : "no");
	if (c->notice_contact)
		kv(f, o, "contact", FROM("notice.contact"), "%s", c->notice_contact);
	kv(f, o, "language", FROM("notice.language"), "%s", c->notice_language);
	kv(f, o, "audit", FROM("notice.audit"), "%s", c->notice_audit ? "yes" : "no");
	kv(f, o, "per_minute", FROM("notice.per_minute"), "%u", c->notice_per_minute);
	kv(f, o, "file_interval", FROM("notice.file_interval"), "%u", c->notice_file_interval_s);
	kv(f, o, "timeout_ms", FROM("notice.timeout_ms"), "%u", c->notice_timeout_ms);
	kv(f, o, "bus", FROM("notice.bus"), "%s", c->notice_bus ? c->notice_bus : "");
	for (i = 0; i < c->nroles; i++) {
		const struct config_role *r = &c->roles[i];

		fprintf(f, "\n[role %s]\n", r->name);
		dump_list(f, o, "group", &r->groups);
		dump_list(f, o, "user", &r->users);
		dump_list(f, o, "place", &r->places);
		config_format_categories(r->read, cats, sizeof(cats));
		snprintf(key, sizeof(key), "role %s.read", r->name);
		kv(f, o, "read", FROM(key), "%s", cats);
		config_format_categories(r->export, cats, sizeof(cats));
		snprintf(key, sizeof(key), "role %s.export", r->name);
		kv(f, o, "export", FROM(key), "%s", cats);
	}
	for (i = 0; i < c->nservices; i++) {
		const struct config_service *sv = &c->services[i];

		fprintf(f, "\n[service %s]\n", sv->name);
		dump_list(f, o, "user", &sv->users);
		config_format_categories(sv->read, cats, sizeof(cats));
		snprintf(key, sizeof(key), "service %s.read", sv->name);
		kv(f, o, "read", FROM(key), "%s", cats);
		snprintf(key, sizeof(key), "service %s.taint", sv->name);
		kv(f, o, "taint", FROM(key), "%s", sv->taint ? "yes" : "no");
		dump_list(f, o, "export", &sv->export);
	}
#undef FROM
}

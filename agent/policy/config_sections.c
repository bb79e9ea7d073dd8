// SPDX-License-Identifier: GPL-2.0
/*
 * The policy file's sections, key by key (policy/config.c reads the files): [agent], [zone usb],
 * [zone cloud], [exit-points], [servers], [alerts], [notice], [role NAME] and [service NAME], each
 * value checked, with the message that says what is allowed.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/pdguard.h>

#include "log/siem.h"
#include "policy/config.h"
#include "policy/config_internal.h"

/*
 * A repeatable key: an empty value empties the list (so a drop-in can replace what the policy
 * or an earlier drop-in listed), any other value is checked by @ok and added.
 */
static void list_value(struct parse *p, struct strlist *l, const char *v, bool ok)
{
	if (!*v)
		strlist_free(l);
	else if (ok && strlist_add_from(l, v, here(p)))
		p->oom = 1;
}

static int parse_uint(const char *v, unsigned int min, unsigned int max, unsigned int *out)
{
	unsigned long n;
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)v[0]))
		return -EINVAL;
	n = strtoul(v, &end, 10);
	if (errno || *end || n < min || n > max)
		return -EINVAL;
	*out = n;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0") || !strcmp(v, "off"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

/* "08:00-19:00" -> minutes since midnight */
static int parse_hours(const char *v, int *start, int *end)
{
	unsigned int h1, m1, h2, m2;
	char tail;

	if (sscanf(v, "%u:%u-%u:%u%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 > 23 || h2 > 24 ||
	    m1 > 59 || m2 > 59 || (h2 == 24 && m2))
		return -EINVAL;
	*start = h1 * 60 + m1;
	*end = h2 * 60 + m2;
	return *start < *end ? 0 : -EINVAL;
}

static int set_string(char **dst, const char *v)
{
	char *s = strdup(v);

	if (!s)
		return -ENOMEM;
	free(*dst);
	*dst = s;
	return 0;
}

static int handle_agent(struct parse *p, const char *key, const char *v)
{
	struct config *c = p->cfg;

	if (!strcmp(key, "mode")) {
		if (!strcmp(v, "audit"))
			c->mode = PDGUARD_MODE_AUDIT;
		else if (!strcmp(v, "enforce"))
			c->mode = PDGUARD_MODE_ENFORCE;
		else
			add_error(p, "mode = %s: allowed values are audit and enforce", v);
	} else if (!strcmp(key, "driver")) {
		static const char *const names[] = { "auto", "bpf-lsm", "fmod-ret", "fanotify" };
		size_t i;

		for (i = 0; i < 4 && strcmp(v, names[i]); i++)
			;
		if (i == 4)
			add_error(p, "driver = %s: allowed values are auto, bpf-lsm, fmod-ret and "
				  "fanotify", v);
		else
			c->driver = i;
	} else if (!strcmp(key, "rules")) {
		/* the built-in default is no layer of the admin's: the first rules line replaces it */
		if (c->rules.n && !c->rules.from[0])
			strlist_free(&c->rules);
		if (*v && v[0] != '/')
			add_error(p, "rules = %s: an absolute path is required", v);
		list_value(p, &c->rules, v, v[0] == '/');
	} else if (!strcmp(key, "log") || !strcmp(key, "state")) {
		char **dst = key[0] == 'l' ? &c->log : &c->state;

		if (v[0] != '/')
			add_error(p, "%s = %s: an absolute path is required", key, v);
		else if (set_string(dst, v))
			p->oom = 1;
	} else if (!strcmp(key, "log_group")) {
		struct group gr, *g = NULL;
		char buf[4096];

		/* resolved now, so a typo is refused with its line rather than found at start */
		if (getgrnam_r(v, &gr, buf, sizeof(buf), &g) || !g)
			add_error(p, "log_group = %s: no such group (getent group %s); name the "
				  "group whose members may read the event log", v, v);
		else if (set_string(&c->log_group, v))
			p->oom = 1;
		else
			c->log_gid = g->gr_gid;
	} else if (!strcmp(key, "scan")) {
		if (*v && v[0] != '/')
			add_error(p, "scan = %s: an absolute path is required", v);
		list_value(p, &c->scan, v, v[0] == '/');
	} else if (!strcmp(key, "log_max_mb")) {
		if (parse_uint(v, 1, 100000, &c->log_max_mb))
			add_error(p, "log_max_mb = %s: a size in MiB from 1 to 100000 is allowed", v);
	} else if (!strcmp(key, "log_keep")) {
		if (parse_uint(v, 1, 1000, &c->log_keep))
			add_error(p, "log_keep = %s: a number of files from 1 to 1000 is allowed", v);
	} else if (!strcmp(key, "siem_format")) {
		int fmt = siem_format_find(v);

		if (fmt < 0)
			add_error(p, "siem_format = %s: allowed values are none, ecs and ocsf", v);
		else
			c->siem_format = fmt;
	} else if (!strcmp(key, "siem_log")) {
		if (v[0] != '/')
			add_error(p, "siem_log = %s: an absolute path is required", v);
		else if (set_string(&c->siem_log, v))
			p->oom = 1;
	} else if (!strcmp(key, "retention_days")) {
		if (parse_uint(v, 1, 3650, &c->retention_days))
			add_error(p, "retention_days = %s: a number of days from 1 to 3650 is allowed "
				  "(the law asks for 90 to 365)", v);
	} else if (!strcmp(key, "fail")) {
		if (!strcmp(v, "open"))
			c->fail_open = true;
		else if (!strcmp(v, "closed"))
			c->fail_open = false;
		else
			add_error(p, "fail = %s: allowed values are open and closed", v);
	} else if (!strcmp(key, "unknown")) {
		/* a file not read whole (encrypted, unsupported container, limit): PD or not */
		if (!strcmp(v, "pd"))
			c->unknown_none = false;
		else if (!strcmp(v, "none"))
			c->unknown_none = true;
		else
			add_error(p, "unknown = %s: allowed values are pd and none", v);
	} else if (!strcmp(key, "engine")) {
		if (!strcmp(v, "auto"))
			c->engine = CONFIG_ENGINE_AUTO;
		else if (!strcmp(v, "hyperscan"))
			c->engine = CONFIG_ENGINE_HYPERSCAN;
		else if (!strcmp(v, "pcre2"))
			c->engine = CONFIG_ENGINE_PCRE2;
		else
			add_error(p, "engine = %s: allowed values are auto, hyperscan and pcre2", v);
	} else if (!strcmp(key, "decision_timeout_ms")) {
		if (parse_uint(v, 10, 60000, &c->decision_timeout_ms))
			add_error(p, "decision_timeout_ms = %s: from 10 to 60000 is allowed", v);
	} else if (!strcmp(key, "export_approvers")) {
		if (parse_uint(v, 1, 2, &c->export_approvers))
			add_error(p, "export_approvers = %s: 1 or 2 is allowed", v);
	} else {
		add_error(p, "unknown key '%s' in [agent]: allowed keys are mode, driver, rules, log, "
			  "log_group, state, scan, log_max_mb, log_keep, retention_days, fail, "
			  "decision_timeout_ms, unknown, engine, siem_format, siem_log, "
			  "export_approvers", key);
	}
	return 0;
}

static int handle_usb(struct parse *p, const char *key, const char *v)
{
	if (!strcmp(key, "removable")) {
		if (parse_bool(v, &p->cfg->usb_removable))
			add_error(p, "removable = %s: allowed values are yes and no", v);
	} else if (!strcmp(key, "path")) {
		if (*v && v[0] != '/')
			add_error(p, "path = %s: an absolute mount point is required", v);
		list_value(p, &p->cfg->usb_paths, v, v[0] == '/');
	} else {
		add_error(p, "unknown key '%s' in [zone usb]: allowed keys are removable and path",
			  key);
	}
	return 0;
}

static int handle_cloud(struct parse *p, const char *key, const char *v)
{
	bool ok = v[0] == '/' || !strncmp(v, "~/", 2);

	if (!strcmp(key, "path")) {
		if (*v && !ok)
			add_error(p, "path = %s: an absolute path or one starting with ~/ (in every "
				  "user's home) is required", v);
		list_value(p, &p->cfg->cloud_paths, v, ok);
	} else if (!strcmp(key, "client")) {
		if (*v && !ok)
			add_error(p, "client = %s: the absolute path of the sync program (or one "
				  "starting with ~/) is required", v);
		list_value(p, &p->cfg->cloud_clients, v, ok);
	} else {
		add_error(p, "unknown key '%s' in [zone cloud]: allowed keys are path and client",
			  key);
	}
	return 0;
}

/* [exit-points]: programs that take PD out of the company (docs/governance.md) */
static int handle_exit_points(struct parse *p, const char *key, const char *v)
{
	if (!strcmp(key, "exe")) {
		if (*v && v[0] != '/')
			add_error(p, "exe = %s: the absolute path of the program is required "
				  "(e.g. /usr/bin/telegram-desktop)", v);
		list_value(p, &p->cfg->exit_exes, v, v[0] == '/');
	} else if (!strcmp(key, "package")) {
		bool ok = strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789+-.") == strlen(v);

		if (*v && !ok)
			add_error(p, "package = %s: a Debian package name is required (lower-case "
				  "letters, digits, + - .; e.g. telegram-desktop)", v);
		list_value(p, &p->cfg->exit_packages, v, ok);
	} else {
		add_error(p, "unknown key '%s' in [exit-points]: allowed keys are exe and package",
			  key);
	}
	return 0;
}

/* [servers]: file-server programs that act for remote clients (docs/file-servers.md) */
static int handle_servers(struct parse *p, const char *key, const char *v)
{
	if (!strcmp(key, "exe")) {
		if (*v && v[0] != '/')
			add_error(p, "exe = %s: the absolute path of the server program is required "
				  "(e.g. /usr/sbin/smbd)", v);
		list_value(p, &p->cfg->servers, v, v[0] == '/');
	} else if (!strcmp(key, "taint_seconds")) {
		if (parse_uint(v, 1, 86400, &p->cfg->server_taint_s))
			add_error(p, "taint_seconds = %s: from 1 to 86400 seconds is allowed", v);
	} else {
		add_error(p, "unknown key '%s' in [servers]: allowed keys are exe and taint_seconds",
			  key);
	}
	return 0;
}

static int handle_alerts(struct parse *p, const char *key, const char *v)
{
	struct config *c = p->cfg;

	if (!strcmp(key, "mass_export_files")) {
		if (parse_uint(v, 1, 10000000, &c->mass_export_files))
			add_error(p, "mass_export_files = %s: a number of files from 1 is allowed", v);
	} else if (!strcmp(key, "mass_export_window")) {
		if (parse_uint(v, 1, 7 * 86400, &c->mass_export_window_s))
			add_error(p, "mass_export_window = %s: seconds from 1 to 604800 are allowed", v);
	} else if (!strcmp(key, "working_hours")) {
		if (parse_hours(v, &c->work_start_min, &c->work_end_min))
			add_error(p, "working_hours = %s: HH:MM-HH:MM with the start before the end "
				  "is allowed, e.g. 08:00-19:00", v);
	} else if (!strcmp(key, "deny_burst")) {
		if (parse_uint(v, 1, 1000000, &c->deny_burst))
			add_error(p, "deny_burst = %s: a number of denials from 1 is allowed", v);
	} else if (!strcmp(key, "deny_burst_window")) {
		if (parse_uint(v, 1, 86400, &c->deny_burst_window_s))
			add_error(p, "deny_burst_window = %s: seconds from 1 to 86400 are allowed", v);
	} else {
		add_error(p, "unknown key '%s' in [alerts]: allowed keys are mass_export_files, "
			  "mass_export_window, working_hours, deny_burst, deny_burst_window", key);
	}
	return 0;
}

static int handle_notice(struct parse *p, const char *key, const char *v)
{
	struct config *c = p->cfg;

	if (!strcmp(key, "enabled") || !strcmp(key, "audit")) {
		if (parse_bool(v, key[0] == 'e' ? &c->notice_enabled : &c->notice_audit))
			add_error(p, "%s = %s: allowed values are yes and no", key, v);
	} else if (!strcmp(key, "contact")) {
		if (!v[0])
			add_error(p, "contact = : whom to ask is required, e.g. InfoSec, ext. 1234");
		else if (set_string(&c->notice_contact, v))
			p->oom = 1;
	} else if (!strcmp(key, "language")) {
		if (strcmp(v, "en") && strcmp(v, "ru") && strcmp(v, "kk"))
			add_error(p, "language = %s: allowed values are en, ru and kk", v);
		else
			snprintf(c->notice_language, sizeof(c->notice_language), "%s", v);
	} else if (!strcmp(key, "per_minute")) {
		if (parse_uint(v, 1, 60, &c->notice_per_minute))
			add_error(p, "per_minute = %s: from 1 to 60 notices a minute are allowed", v);
	} else if (!strcmp(key, "file_interval")) {
		if (parse_uint(v, 0, 86400, &c->notice_file_interval_s))
			add_error(p, "file_interval = %s: seconds from 0 to 86400 are allowed", v);
	} else if (!strcmp(key, "timeout_ms")) {
		if (parse_uint(v, 100, 60000, &c->notice_timeout_ms))
			add_error(p, "timeout_ms = %s: from 100 to 60000 is allowed", v);
	} else if (!strcmp(key, "bus")) {
		const char *u = strstr(v, "%u");

		/* one %u and no other %: the template is filled by hand, never by printf */
		if (v[0] != '/' || (strchr(v, '%') && (!u || strchr(v, '%') != u ||
						     strchr(u + 2, '%'))))
			add_error(p, "bus = %s: an absolute path of the session bus socket, with %%u "
				  "for the user's uid, is required (default /run/user/%%u/bus)", v);
		else if (set_string(&c->notice_bus, v))
			p->oom = 1;
	} else {
		add_error(p, "unknown key '%s' in [notice]: allowed keys are enabled, contact, "
			  "language, audit, per_minute, file_interval, timeout_ms, bus", key);
	}
	return 0;
}

static struct config_role *find_role(struct parse *p, const char *name)
{
	struct config *c = p->cfg;
	struct config_role *r;
	size_t i;

	for (i = 0; i < c->nroles; i++)
		if (!strcmp(c->roles[i].name, name))
			return &c->roles[i];
	r = realloc(c->roles, (c->nroles + 1) * sizeof(*r));
	if (!r)
		return NULL;
	c->roles = r;
	r = &c->roles[c->nroles];
	memset(r, 0, sizeof(*r));
	r->name = strdup(name);
	if (!r->name)
		return NULL;
	c->nroles++;
	return r;
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) > 32)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.' && *s != '$')
			return false;
	return true;
}

/*
 * A place: an absolute folder without "." or ".." components, into @out with repeated and
 * trailing '/' dropped, so "under it" is a plain prefix test on the spelling the kernel gives.
 */
static bool valid_place(const char *v, char *out, size_t len)
{
	const char *c;
	size_t n = 0;

	if (v[0] != '/' || strlen(v) >= len)
		return false;
	for (c = v; *c; c++) {
		if (c[0] == '/' && c[1] == '.' &&
		    (c[2] == '/' || !c[2] || (c[2] == '.' && (c[3] == '/' || !c[3]))))
			return false;
		if (c[0] == '/' && n && out[n - 1] == '/')
			continue;
		out[n++] = *c;
	}
	while (n > 1 && out[n - 1] == '/')
		n--;
	out[n] = '\0';
	return true;
}

static int handle_role(struct parse *p, const char *name, const char *key, const char *v)
{
	struct config_role *r;
	char bad[64];

	if (!valid_name(name)) {
		add_error(p, "[role %s]: a role name is letters, digits, '_', '-' and '.', up to 32",
			  name);
		return 0;
	}
	r = find_role(p, name);
	if (!r) {
		p->oom = 1;
		return 0;
	}
	if (!strcmp(key, "group") || !strcmp(key, "user")) {
		/* AD names via SSSD/winbind may carry '@' or '\': accept anything without blanks */
		bool ok = !strpbrk(v, " \t");

		if (!ok)
			add_error(p, "%s = %s: one %s name per line", key, v, key);
		list_value(p, key[0] == 'g' ? &r->groups : &r->users, v, ok);
	} else if (!strcmp(key, "read") || !strcmp(key, "export")) {
		uint32_t cats, *dst = key[0] == 'r' ? &r->read : &r->export;

		if (config_parse_categories(v, &cats, bad, sizeof(bad)))
			add_error(p, "%s = %s: unknown category '%s'; allowed are basic, personnel, "
				  "financial, medical, biometric, all and none", key, v, bad);
		else if (!*v)
			*dst = 0;	/* `read =` empties, as for every repeatable key */
		else
			*dst |= cats;
	} else if (!strcmp(key, "place")) {
		char place[PATH_MAX];
		bool ok = !*v || valid_place(v, place, sizeof(place));

		if (!ok)
			add_error(p, "place = %s: an absolute folder without '.' or '..' is "
				  "required", v);
		list_value(p, &r->places, *v ? place : v, ok);
	} else {
		add_error(p, "unknown key '%s' in [role %s]: allowed keys are group, user, read, "
			  "export and place", key, name);
	}
	return 0;
}

static struct config_service *find_service(struct parse *p, const char *name)
{
	struct config *c = p->cfg;
	struct config_service *sv;
	size_t i;

	for (i = 0; i < c->nservices; i++)
		if (!strcmp(c->services[i].name, name))
			return &c->services[i];
	sv = realloc(c->services, (c->nservices + 1) * sizeof(*sv));
	if (!sv)
		return NULL;
	c->services = sv;
	sv = &c->services[c->nservices];
	memset(sv, 0, sizeof(*sv));
	sv->taint = true;
	sv->line = p->line;
	sv->file = strdup(p->file);
	sv->name = strdup(name);
	if (!sv->name || !sv->file)
		return NULL;
	c->nservices++;
	return sv;
}

/* "usb:/mnt/backup" or "cloud:/srv/sync": a zone kind and an absolute folder on it. */
static bool valid_export_zone(const char *v)
{
	return (!strncmp(v, "usb:/", 5) || !strncmp(v, "cloud:/", 7)) && !strpbrk(v, " \t");
}

static int handle_service(struct parse *p, const char *name, const char *key, const char *v)
{
	struct config_service *sv;
	char bad[64];

	if (!valid_name(name)) {
		add_error(p, "[service %s]: a service name is letters, digits, '_', '-' and '.', up "
			  "to 32", name);
		return 0;
	}
	sv = find_service(p, name);
	if (!sv) {
		p->oom = 1;
		return 0;
	}
	if (!strcmp(key, "user")) {
		if (!*v || strpbrk(v, " \t"))
			add_error(p, "user = %s: one user name per line", v);
		else if (strlist_add_from(&sv->users, v, here(p)))
			p->oom = 1;
	} else if (!strcmp(key, "read")) {
		uint32_t cats;

		/* adds up, as a role's read = does (a drop-in may add categories) */
		if (config_parse_categories(v, &cats, bad, sizeof(bad)))
			add_error(p, "read = %s: unknown category '%s'; allowed are basic, personnel, "
				  "financial, medical, biometric, all and none", v, bad);
		else
			sv->read |= cats;
	} else if (!strcmp(key, "taint")) {
		if (parse_bool(v, &sv->taint))
			add_error(p, "taint = %s: allowed values are yes and no", v);
	} else if (!strcmp(key, "export")) {
		if (!valid_export_zone(v))
			add_error(p, "export = %s: a zone kind and a folder on it, usb:/PATH or "
				  "cloud:/PATH, is allowed", v);
		else if (strlist_add_from(&sv->export, v, here(p)))
			p->oom = 1;
	} else {
		add_error(p, "unknown key '%s' in [service %s]: allowed keys are user, read, taint "
			  "and export", key, name);
	}
	return 0;
}

/* Keys that add up rather than replace: their origin lists every line that added. */
static bool adds_up(const char *section, const char *key)
{
	return (!strncmp(section, "role ", 5) && (!strcmp(key, "read") || !strcmp(key, "export"))) ||
	       (!strncmp(section, "service ", 8) && !strcmp(key, "read"));
}

int handler(void *user, const char *section, const char *key, const char *value)
{
	struct parse *p = user;
	size_t before = p->errs->n;
	char name[128];

	if (!strcmp(section, "agent"))
		handle_agent(p, key, value);
	else if (!strcmp(section, "zone usb"))
		handle_usb(p, key, value);
	else if (!strcmp(section, "zone cloud"))
		handle_cloud(p, key, value);
	else if (!strcmp(section, "alerts"))
		handle_alerts(p, key, value);
	else if (!strcmp(section, "servers"))
		handle_servers(p, key, value);
	else if (!strcmp(section, "exit-points"))
		handle_exit_points(p, key, value);
	else if (!strcmp(section, "notice"))
		handle_notice(p, key, value);
	else if (!strncmp(section, "role ", 5))
		handle_role(p, section + 5, key, value);
	else if (!strncmp(section, "service ", 8))
		handle_service(p, section + 8, key, value);
	else
		goto bad_section;
	if (p->errs->n == before) {
		snprintf(name, sizeof(name), "%s.%s", section, key);
		if (set_origin(p->cfg, name, here(p), adds_up(section, key) && *value))
			p->oom = 1;
	}
	return 0;
bad_section:
	if (strcmp(p->last_bad_section, section)) {
		snprintf(p->last_bad_section, sizeof(p->last_bad_section), "%s", section);
		if (!section[0])
			add_error(p, "'%s' is outside any section: put it under [agent]", key);
		else
			add_error(p, "unknown section [%s]: allowed are [agent], [zone usb], "
				  "[zone cloud], [exit-points], [servers], [alerts], [notice], "
				  "[role NAME] and [service NAME]", section);
	}
	return 0;
}

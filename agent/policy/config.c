// SPDX-License-Identifier: GPL-2.0
/*
 * Policy file parser on Debian's inih 55.
 *
 * inih 55 is built with its default macros: it does not pass line numbers to the handler, caps a
 * line at 200 bytes and treats " ;" as the start of a comment. We read lines through our own
 * ini_reader, which counts them (inih calls it once per line, then the handler for that line),
 * checks the syntax inih would reject without telling the handler, and refuses over-long lines
 * instead of letting inih cut them in two.
 *
 * Drop-ins (the *.conf files of FILE.d) go through the same parser one after another into the same struct
 * config: a later line overrides a single value or adds to a list, as if the files were one.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "lib/vocab.h"
#include "log/siem.h"
#include "policy/config.h"

#define LINE_LIMIT 200	/* inih 55's INI_MAX_LINE, including the newline and NUL */

struct parse {
	FILE *f;
	const char *file;
	unsigned int line;
	struct config *cfg;
	struct config_errors *errs;
	char last_bad_section[64];
	int oom;
	char where[PATH_MAX + 16];
};

static void add_error(struct parse *p, const char *fmt, ...)
{
	struct config_error *v;
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	v = realloc(p->errs->v, (p->errs->n + 1) * sizeof(*v));
	if (!msg || !v) {
		free(msg);
		if (v)
			p->errs->v = v;
		p->oom = 1;
		return;
	}
	p->errs->v = v;
	v[p->errs->n].file = strdup(p->file);
	v[p->errs->n].line = p->line;
	v[p->errs->n].msg = msg;
	p->errs->n++;
}

int strlist_add_from(struct strlist *l, const char *s, const char *from)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));
	char **f;

	if (!v)
		return -ENOMEM;
	l->v = v;
	f = realloc(l->from, (l->n + 1) * sizeof(*f));
	if (!f)
		return -ENOMEM;
	l->from = f;
	v[l->n] = strdup(s);
	f[l->n] = from ? strdup(from) : NULL;
	if (!v[l->n] || (from && !f[l->n])) {
		free(v[l->n]);
		free(f[l->n]);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

int strlist_add(struct strlist *l, const char *s)
{
	return strlist_add_from(l, s, NULL);
}

void strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i]);
		if (l->from)
			free(l->from[i]);
	}
	free(l->v);
	free(l->from);
	l->v = NULL;
	l->from = NULL;
	l->n = 0;
}

/* "FILE:LINE" of the line being read */
static const char *here(struct parse *p)
{
	snprintf(p->where, sizeof(p->where), "%s:%u", p->file, p->line);
	return p->where;
}

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

static int set_origin(struct config *c, const char *key, const char *from, bool append)
{
	struct config_origin *o;
	char *n;
	size_t i;

	for (i = 0; i < c->norigins; i++)
		if (!strcmp(c->origins[i].key, key))
			break;
	if (i == c->norigins) {
		o = realloc(c->origins, (c->norigins + 1) * sizeof(*o));
		if (!o)
			return -ENOMEM;
		c->origins = o;
		o[i].key = strdup(key);
		o[i].from = NULL;
		if (!o[i].key)
			return -ENOMEM;
		c->norigins++;
	}
	o = &c->origins[i];
	if (append && o->from) {
		if (asprintf(&n, "%s %s", o->from, from) < 0)
			return -ENOMEM;
	} else {
		n = strdup(from);
		if (!n)
			return -ENOMEM;
	}
	free(o->from);
	o->from = n;
	return 0;
}

const char *config_origin(const struct config *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->norigins; i++)
		if (!strcmp(c->origins[i].key, key))
			return c->origins[i].from;
	return NULL;
}

int config_parse_categories(const char *s, uint32_t *cats, char *bad, size_t badlen)
{
	char word[64];
	size_t n;
	int i;

	*cats = 0;
	while (*s) {
		while (*s == ' ' || *s == ',' || *s == '\t')
			s++;
		if (!*s)
			break;
		for (n = 0; s[n] && s[n] != ' ' && s[n] != ',' && s[n] != '\t'; n++)
			;
		snprintf(word, sizeof(word), "%.*s", (int)n, s);
		s += n;
		if (!strcmp(word, "none"))
			continue;
		if (!strcmp(word, "all")) {
			*cats |= PDGUARD_CAT_ALL;
			continue;
		}
		i = vocab_category_find(word);
		if (i < 0) {
			snprintf(bad, badlen, "%s", word);
			return -EINVAL;
		}
		*cats |= 1U << i;
	}
	return 0;
}

void config_format_categories(uint32_t cats, char *buf, size_t len)
{
	vocab_categories_format(cats, " ", "none", buf, len);
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
	} else {
		add_error(p, "unknown key '%s' in [role %s]: allowed keys are group, user, read and "
			  "export", key, name);
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

static int handler(void *user, const char *section, const char *key, const char *value)
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

/* Our ini_reader: count lines, refuse what inih would silently mangle. */
static char *reader(char *str, int num, void *stream)
{
	struct parse *p = stream;
	const char *s;
	size_t len;
	int c;

	if (!fgets(str, num, p->f))
		return NULL;
	p->line++;
	len = strlen(str);
	if (len == (size_t)num - 1 && str[len - 1] != '\n') {
		while ((c = fgetc(p->f)) != EOF && c != '\n')
			;
		add_error(p, "line longer than %d characters: inih cannot read it; split the value "
			  "over several lines of the same key where the key is repeatable", num - 2);
		str[0] = '\0';		/* inih sees an empty line */
		return str;
	}
	for (s = str; *s == ' ' || *s == '\t'; s++)
		;
	if (*s && *s != '\n' && *s != '\r' && *s != ';' && *s != '#') {
		if (*s == '[') {
			if (!strchr(s, ']')) {
				add_error(p, "section header without ']'");
				str[0] = '\0';
			}
		} else if (!strpbrk(s, "=:")) {
			add_error(p, "expected 'key = value' or '[section]'");
			str[0] = '\0';
		} else if (*s == '=' || *s == ':') {
			add_error(p, "a key is missing before '%c'", *s);
			str[0] = '\0';
		}
	}
	return str;
}

bool config_under_scan(const struct config *cfg, const char *path)
{
	size_t i, n;

	for (i = 0; i < cfg->scan.n; i++) {
		n = strlen(cfg->scan.v[i]);
		if (n && !strncmp(path, cfg->scan.v[i], n) &&
		    (path[n] == '/' || path[n] == '\0' || cfg->scan.v[i][n - 1] == '/'))
			return true;
	}
	return false;
}

void config_defaults(struct config *cfg)
{
	struct stat st;

	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = PDGUARD_MODE_AUDIT;
	cfg->driver = DRIVER_AUTO;
	/* the packaged layout (shipped rules, then the admin's) when installed, else one directory */
	if (!stat(CONFIG_RULES_SHIPPED, &st) && S_ISDIR(st.st_mode))
		strlist_add(&cfg->rules, CONFIG_RULES_SHIPPED);
	strlist_add(&cfg->rules, CONFIG_RULES_LOCAL);
	cfg->log = strdup("/var/log/pdguard/events.jsonl");
	cfg->log_gid = (gid_t)-1;
	cfg->state = strdup("/var/lib/pdguard");
	cfg->log_max_mb = 100;
	cfg->log_keep = 12;
	cfg->retention_days = 365;
	cfg->fail_open = true;
	cfg->decision_timeout_ms = 2000;
	cfg->export_approvers = 1;
	cfg->usb_removable = true;
	cfg->server_taint_s = 60;
	cfg->mass_export_files = 500;
	cfg->mass_export_window_s = 3600;
	cfg->work_start_min = -1;
	cfg->work_end_min = -1;
	cfg->deny_burst = 20;
	cfg->deny_burst_window_s = 60;
	strcpy(cfg->notice_language, "en");
	cfg->notice_per_minute = 3;
	cfg->notice_file_interval_s = 60;
	cfg->notice_timeout_ms = 3000;
	cfg->notice_bus = strdup("/run/user/%u/bus");
}

/* What only the whole section can tell: a service names its accounts, and one whose reads are
 * not carried has nothing to export (its exports would not be seen as PD at all). */
static void check_services(struct parse *p)
{
	size_t i;

	for (i = 0; i < p->cfg->nservices; i++) {
		const struct config_service *sv = &p->cfg->services[i];

		p->file = sv->file;
		p->line = sv->line;
		if (!sv->users.n)
			add_error(p, "[service %s]: no user = line: name the account it runs as",
				  sv->name);
		if (!sv->taint && sv->export.n)
			add_error(p, "[service %s]: taint = no and export = together: what it reads "
				  "is not carried, so an export could not be told from any write; "
				  "choose one", sv->name);
	}
}

void config_dropin_dir(const char *path, char *buf, size_t len)
{
	snprintf(buf, len, "%s.d", path);
}

/*
 * A drop-in changes the policy of a root daemon: one that others may write (or that belongs to
 * another user than root and us) would let them relax it. The policy file itself is the
 * administrator's to place; its drop-ins are checked because they are easy to get wrong.
 */
static bool safe_owner(struct parse *p, const struct stat *st, const char *what)
{
	if (st->st_mode & S_IWOTH) {
		add_error(p, "%s is writable by every user: a drop-in must be writable only by "
			  "root (chmod o-w)", what);
		return false;
	}
	if ((st->st_mode & S_IWGRP) && st->st_gid != 0) {
		add_error(p, "%s is writable by group %u: a drop-in must be writable only by root "
			  "(chmod g-w)", what, (unsigned int)st->st_gid);
		return false;
	}
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		add_error(p, "%s belongs to uid %u: a drop-in must belong to root", what,
			  (unsigned int)st->st_uid);
		return false;
	}
	return true;
}

/* Parse one file into p->cfg; @dropin: check it as a drop-in. -errno when it cannot be read. */
static int load_one(struct parse *p, const char *path, bool dropin)
{
	struct stat st;
	int ret;

	p->file = path;
	p->line = 0;
	/* a section name no file has, so keys before any section count in every file */
	snprintf(p->last_bad_section, sizeof(p->last_bad_section), "\n");
	p->f = fopen(path, "re");
	if (!p->f) {
		ret = -errno;
		add_error(p, "cannot open: %s", strerror(-ret));
		return ret;
	}
	if (dropin) {
		if (fstat(fileno(p->f), &st)) {
			ret = -errno;
			add_error(p, "cannot stat: %s", strerror(-ret));
			fclose(p->f);
			return ret;
		}
		if (!S_ISREG(st.st_mode)) {
			add_error(p, "not a regular file: a drop-in is a policy file named *.conf");
			fclose(p->f);
			return -EINVAL;
		}
		if (!safe_owner(p, &st, "the file")) {
			fclose(p->f);
			return -EPERM;
		}
	}
	if (strlist_add(&p->cfg->files, path))
		p->oom = 1;
	ret = ini_parse_stream(reader, p, handler, p);
	fclose(p->f);
	p->f = NULL;
	return ret < 0 ? -EIO : 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.conf files of FILE.d in byte order (the C locale's, whatever the machine's). */
static void load_dropins(struct parse *p, const char *path)
{
	char dir[PATH_MAX], **names = NULL, **v;
	size_t n = 0, i, len;
	struct dirent *de;
	struct stat st;
	DIR *d;

	config_dropin_dir(path, dir, sizeof(dir));
	p->file = dir;
	p->line = 0;
	d = opendir(dir);
	if (!d) {
		if (errno != ENOENT)
			add_error(p, "cannot read the drop-in directory: %s%s", strerror(errno),
				  errno == ENOTDIR ? " (FILE.d must be a directory of *.conf files)"
						   : "");
		return;
	}
	if (fstat(dirfd(d), &st) || !safe_owner(p, &st, "the directory")) {
		closedir(d);
		return;
	}
	while ((de = readdir(d))) {
		len = strlen(de->d_name);
		/* *.conf only: dpkg's .conf.dpkg-old and editors' .swp and ~ files are not read */
		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".conf"))
			continue;
		v = realloc(names, (n + 1) * sizeof(*names));
		if (!v || asprintf(&v[n], "%s/%s", dir, de->d_name) < 0) {
			names = v ? v : names;
			p->oom = 1;
			break;
		}
		names = v;
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		if (!p->oom)
			load_one(p, names[i], true);
		free(names[i]);
	}
	free(names);
}

int config_load(const char *path, struct config *cfg, struct config_errors *errs)
{
	struct parse p = { .cfg = cfg, .errs = errs };
	int ret;

	config_defaults(cfg);
	ret = load_one(&p, path, false);
	if (ret)
		return ret;	/* the policy itself cannot be read: no drop-ins without it */
	load_dropins(&p, path);
	if (p.oom)
		return -ENOMEM;
	if (!cfg->rules.n) {
		/* `rules =` emptied the list and no directory followed: there would be no rules */
		const char *from = config_origin(cfg, "agent.rules");
		char file[PATH_MAX];
		unsigned int line = 0;
		const char *colon = from ? strrchr(from, ':') : NULL;

		snprintf(file, sizeof(file), "%.*s", colon ? (int)(colon - from) : (int)strlen(path),
			 colon ? from : path);
		if (colon)
			line = strtoul(colon + 1, NULL, 10);
		p.file = file;
		p.line = line;
		add_error(&p, "rules = (empty) and no rules = DIR after it: name at least one rules "
			  "directory");
	}
	check_services(&p);
	return errs->n ? -EINVAL : 0;
}

static void role_free(struct config_role *r)
{
	free(r->name);
	strlist_free(&r->groups);
	strlist_free(&r->users);
}

void config_free(struct config *cfg)
{
	size_t i;

	if (!cfg)
		return;
	strlist_free(&cfg->rules);
	free(cfg->log);
	free(cfg->siem_log);
	free(cfg->log_group);
	free(cfg->state);
	strlist_free(&cfg->scan);
	strlist_free(&cfg->usb_paths);
	strlist_free(&cfg->cloud_paths);
	strlist_free(&cfg->cloud_clients);
	strlist_free(&cfg->servers);
	strlist_free(&cfg->exit_exes);
	strlist_free(&cfg->exit_packages);
	free(cfg->notice_contact);
	free(cfg->notice_bus);
	for (i = 0; i < cfg->nroles; i++)
		role_free(&cfg->roles[i]);
	free(cfg->roles);
	for (i = 0; i < cfg->nservices; i++) {
		free(cfg->services[i].name);
		free(cfg->services[i].file);
		strlist_free(&cfg->services[i].users);
		strlist_free(&cfg->services[i].export);
	}
	free(cfg->services);
	strlist_free(&cfg->files);
	for (i = 0; i < cfg->norigins; i++) {
		free(cfg->origins[i].key);
		free(cfg->origins[i].from);
	}
	free(cfg->origins);
	memset(cfg, 0, sizeof(*cfg));
}

void config_errors_free(struct config_errors *errs)
{
	size_t i;

	for (i = 0; i < errs->n; i++) {
		free(errs->v[i].file);
		free(errs->v[i].msg);
	}
	free(errs->v);
	errs->v = NULL;
	errs->n = 0;
}

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

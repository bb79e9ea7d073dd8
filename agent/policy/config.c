// SPDX-License-Identifier: GPL-2.0
/*
 * Policy file parser on Debian's inih 55.
 *
 * inih 55 is built with its default macros: it does not pass line numbers to the handler, caps a
 * line at 200 bytes and treats " ;" as the start of a comment. We read lines through our own
 * ini_reader, which counts them (inih calls it once per line, then the handler for that line),
 * checks the syntax inih would reject without telling the handler, and refuses over-long lines
 * instead of letting inih cut them in two.
 */
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <uapi/pdguard.h>

#include "lib/vocab.h"
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

int strlist_add(struct strlist *l, const char *s)
{
	char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	l->v = v;
	v[l->n] = strdup(s);
	if (!v[l->n])
		return -ENOMEM;
	l->n++;
	return 0;
}

void strlist_free(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
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
	} else if (!strcmp(key, "rules") || !strcmp(key, "log") || !strcmp(key, "state")) {
		char **dst = key[0] == 'r' ? &c->rules : key[0] == 'l' ? &c->log : &c->state;

		if (v[0] != '/')
			add_error(p, "%s = %s: an absolute path is required", key, v);
		else if (set_string(dst, v))
			p->oom = 1;
	} else if (!strcmp(key, "scan")) {
		if (v[0] != '/')
			add_error(p, "scan = %s: an absolute path is required", v);
		else if (strlist_add(&c->scan, v))
			p->oom = 1;
	} else if (!strcmp(key, "log_max_mb")) {
		if (parse_uint(v, 1, 100000, &c->log_max_mb))
			add_error(p, "log_max_mb = %s: a size in MiB from 1 to 100000 is allowed", v);
	} else if (!strcmp(key, "log_keep")) {
		if (parse_uint(v, 1, 1000, &c->log_keep))
			add_error(p, "log_keep = %s: a number of files from 1 to 1000 is allowed", v);
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
	} else {
		add_error(p, "unknown key '%s' in [agent]: allowed keys are mode, driver, rules, log, "
			  "state, scan, log_max_mb, log_keep, retention_days, fail, "
			  "decision_timeout_ms, unknown, engine", key);
	}
	return 0;
}

static int handle_usb(struct parse *p, const char *key, const char *v)
{
	if (!strcmp(key, "removable")) {
		if (parse_bool(v, &p->cfg->usb_removable))
			add_error(p, "removable = %s: allowed values are yes and no", v);
	} else if (!strcmp(key, "path")) {
		if (v[0] != '/')
			add_error(p, "path = %s: an absolute mount point is required", v);
		else if (strlist_add(&p->cfg->usb_paths, v))
			p->oom = 1;
	} else {
		add_error(p, "unknown key '%s' in [zone usb]: allowed keys are removable and path",
			  key);
	}
	return 0;
}

static int handle_cloud(struct parse *p, const char *key, const char *v)
{
	if (!strcmp(key, "path")) {
		if (v[0] != '/' && strncmp(v, "~/", 2))
			add_error(p, "path = %s: an absolute path or one starting with ~/ (in every "
				  "user's home) is required", v);
		else if (strlist_add(&p->cfg->cloud_paths, v))
			p->oom = 1;
	} else if (!strcmp(key, "client")) {
		if (v[0] != '/' && strncmp(v, "~/", 2))
			add_error(p, "client = %s: the absolute path of the sync program (or one "
				  "starting with ~/) is required", v);
		else if (strlist_add(&p->cfg->cloud_clients, v))
			p->oom = 1;
	} else {
		add_error(p, "unknown key '%s' in [zone cloud]: allowed keys are path and client",
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
		if (!*v || strpbrk(v, " \t"))
			add_error(p, "%s = %s: one %s name per line", key, v, key);
		else if (strlist_add(key[0] == 'g' ? &r->groups : &r->users, v))
			p->oom = 1;
	} else if (!strcmp(key, "read") || !strcmp(key, "export")) {
		uint32_t cats;

		if (config_parse_categories(v, &cats, bad, sizeof(bad)))
			add_error(p, "%s = %s: unknown category '%s'; allowed are basic, personnel, "
				  "financial, medical, biometric, all and none", key, v, bad);
		else if (key[0] == 'r')
			r->read |= cats;
		else
			r->export |= cats;
	} else {
		add_error(p, "unknown key '%s' in [role %s]: allowed keys are group, user, read and "
			  "export", key, name);
	}
	return 0;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct parse *p = user;

	if (!strcmp(section, "agent"))
		return handle_agent(p, key, value);
	if (!strcmp(section, "zone usb"))
		return handle_usb(p, key, value);
	if (!strcmp(section, "zone cloud"))
		return handle_cloud(p, key, value);
	if (!strcmp(section, "alerts"))
		return handle_alerts(p, key, value);
	if (!strcmp(section, "notice"))
		return handle_notice(p, key, value);
	if (!strncmp(section, "role ", 5))
		return handle_role(p, section + 5, key, value);
	if (strcmp(p->last_bad_section, section)) {
		snprintf(p->last_bad_section, sizeof(p->last_bad_section), "%s", section);
		if (!section[0])
			add_error(p, "'%s' is outside any section: put it under [agent]", key);
		else
			add_error(p, "unknown section [%s]: allowed are [agent], [zone usb], "
				  "[zone cloud], [alerts], [notice] and [role NAME]", section);
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

void config_defaults(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = PDGUARD_MODE_AUDIT;
	cfg->driver = DRIVER_AUTO;
	cfg->rules = strdup("/etc/pdguard/rules.d");
	cfg->log = strdup("/var/log/pdguard/events.jsonl");
	cfg->state = strdup("/var/lib/pdguard");
	cfg->log_max_mb = 100;
	cfg->log_keep = 12;
	cfg->retention_days = 365;
	cfg->fail_open = true;
	cfg->decision_timeout_ms = 2000;
	cfg->usb_removable = true;
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

int config_load(const char *path, struct config *cfg, struct config_errors *errs)
{
	/* last_bad_section starts as a name no section has, so keys before any section count */
	struct parse p = { .file = path, .cfg = cfg, .errs = errs, .last_bad_section = "\n" };
	int ret;

	config_defaults(cfg);
	p.f = fopen(path, "re");
	if (!p.f) {
		ret = -errno;
		add_error(&p, "cannot open: %s", strerror(-ret));
		return ret;
	}
	ret = ini_parse_stream(reader, &p, handler, &p);
	fclose(p.f);
	if (p.oom)
		return -ENOMEM;
	if (ret < 0)
		return -EIO;
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
	free(cfg->rules);
	free(cfg->log);
	free(cfg->state);
	strlist_free(&cfg->scan);
	strlist_free(&cfg->usb_paths);
	strlist_free(&cfg->cloud_paths);
	strlist_free(&cfg->cloud_clients);
	free(cfg->notice_contact);
	free(cfg->notice_bus);
	for (i = 0; i < cfg->nroles; i++)
		role_free(&cfg->roles[i]);
	free(cfg->roles);
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

static void dump_list(FILE *f, const char *key, const struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		fprintf(f, "%s = %s\n", key, l->v[i]);
}

void config_dump(const struct config *c, FILE *f)
{
	static const char *const drivers[] = { "auto", "bpf-lsm", "fmod-ret", "fanotify" };
	char cats[128];
	size_t i;

	fprintf(f, "[agent]\nmode = %s\ndriver = %s\nrules = %s\nlog = %s\nstate = %s\n",
		c->mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit", drivers[c->driver],
		c->rules, c->log, c->state);
	dump_list(f, "scan", &c->scan);
	fprintf(f, "log_max_mb = %u\nlog_keep = %u\nretention_days = %u\nfail = %s\n"
		"decision_timeout_ms = %u\nunknown = %s\nengine = %s\n",
		c->log_max_mb, c->log_keep, c->retention_days, c->fail_open ? "open" : "closed",
		c->decision_timeout_ms, c->unknown_none ? "none" : "pd",
		c->engine == CONFIG_ENGINE_PCRE2 ? "pcre2" :
		c->engine == CONFIG_ENGINE_HYPERSCAN ? "hyperscan" : "auto");
	fprintf(f, "\n[zone usb]\nremovable = %s\n", c->usb_removable ? "yes" : "no");
	dump_list(f, "path", &c->usb_paths);
	fprintf(f, "\n[zone cloud]\n");
	dump_list(f, "path", &c->cloud_paths);
	dump_list(f, "client", &c->cloud_clients);
	fprintf(f, "\n[alerts]\nmass_export_files = %u\nmass_export_window = %u\n",
		c->mass_export_files, c->mass_export_window_s);
	if (c->work_start_min >= 0)
		fprintf(f, "working_hours = %02d:%02d-%02d:%02d\n", c->work_start_min / 60,
			c->work_start_min % 60, c->work_end_min / 60, c->work_end_min % 60);
	fprintf(f, "deny_burst = %u\ndeny_burst_window = %u\n", c->deny_burst,
		c->deny_burst_window_s);
	fprintf(f, "\n[notice]\nenabled = %s\n", c->notice_enabled ? "yes" : "no");
	if (c->notice_contact)
		fprintf(f, "contact = %s\n", c->notice_contact);
	fprintf(f, "language = %s\naudit = %s\nper_minute = %u\nfile_interval = %u\n"
		"timeout_ms = %u\nbus = %s\n", c->notice_language, c->notice_audit ? "yes" : "no",
		c->notice_per_minute, c->notice_file_interval_s, c->notice_timeout_ms,
		c->notice_bus ? c->notice_bus : "");
	for (i = 0; i < c->nroles; i++) {
		const struct config_role *r = &c->roles[i];

		fprintf(f, "\n[role %s]\n", r->name);
		dump_list(f, "group", &r->groups);
		dump_list(f, "user", &r->users);
		config_format_categories(r->read, cats, sizeof(cats));
		fprintf(f, "read = %s\n", cats);
		config_format_categories(r->export, cats, sizeof(cats));
		fprintf(f, "export = %s\n", cats);
	}
}

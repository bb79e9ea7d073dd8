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
 *
 * This file: loading (the reader, drop-ins and their owners, origins), defaults, freeing. Each
 * section's keys are in config_sections.c, `pdguard config dump` in config_dump.c;
 * config_internal.h is what they share.
 */
#include <dirent.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "lib/vocab.h"
#include "policy/config.h"
#include "policy/config_internal.h"

void add_error(struct parse *p, const char *fmt, ...)
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
const char *here(struct parse *p)
{
	snprintf(p->where, sizeof(p->where), "%s:%u", p->file, p->line);
	return p->where;
}

int set_origin(struct config *c, const char *key, const char *from, bool append)
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
	strlist_free(&r->places);
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

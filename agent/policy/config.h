/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's policy file (inih format, DESIGN.md "Configuration") and its drop-ins (the *.conf files of FILE.d)
 * read after it in byte order (docs/policy.md "Drop-ins"). Every key is validated; errors carry
 * the file, the line, what is wrong and what is allowed. Every value remembers the file and line
 * it came from, for `pdguard config dump --origins`.
 */
#ifndef PDGUARD_CONFIG_H
#define PDGUARD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define CONFIG_DEFAULT_PATH "/etc/pdguard/pdguard.conf"
/*
 * Rule directories when the policy names none: the packaged rules, when installed, then the
 * administrator's, whose files override the shipped ones of the same rule name.
 */
#define CONFIG_RULES_SHIPPED "/usr/share/pdguard/rules.d"
#define CONFIG_RULES_LOCAL "/etc/pdguard/rules.d"

/* [agent] engine = ...: the same values as enum classify_engine (classify.h) */
enum config_engine {
	CONFIG_ENGINE_AUTO = 0,
	CONFIG_ENGINE_HYPERSCAN,
	CONFIG_ENGINE_PCRE2,
};

enum config_driver {
	DRIVER_AUTO,
	DRIVER_BPF_LSM,
	DRIVER_FMOD_RET,
	DRIVER_FANOTIFY,
};

/*
 * A repeatable key's values; @from, when set, holds "FILE:LINE" for each value (NULL for a
 * built-in default).
 */
struct strlist {
	char **v;
	size_t n;
	char **from;
};

int strlist_add(struct strlist *l, const char *s);
int strlist_add_from(struct strlist *l, const char *s, const char *from);
void strlist_free(struct strlist *l);

/* Where a single-valued key got its value: "agent.mode" -> "FILE:LINE". */
struct config_origin {
	char *key;
	char *from;
};

/**
 * struct config_role - [role NAME]
 * @read: PDGUARD_CAT_* the role may open
 * @export: PDGUARD_CAT_* the role may copy to USB and cloud zones (default none)
 * @places: folders (absolute, no trailing '/') that scope @read: when any is set, the role's
 *	@read counts only for files at or under one of them (a branch's or a department's share);
 *	none: everywhere, as before (docs/policy.md "Roles scoped by place")
 */
struct config_role {
	char *name;
	struct strlist groups;
	struct strlist users;
	uint32_t read;
	uint32_t export;
	struct strlist places;
};

/**
 * struct config_service - [service NAME]: a service account (backup, antivirus, indexer)
 * @users: the accounts (login names) it runs as
 * @read: PDGUARD_CAT_* its accounts may open, besides any role of theirs
 * @taint: what they read is carried (yes, the default) or not (taint = no: an antivirus or
 *	indexer that reads every file and writes none of it out)
 * @export: zones it may write what it read to, "usb:/mnt/backup", "cloud:/srv/sync" (a zone
 *	kind, then the folder on it); only with taint = yes
 * @line, @file: where its first key is, for errors about the whole section
 */
struct config_service {
	char *name;
	struct strlist users;
	uint32_t read;
	bool taint;
	struct strlist export;
	unsigned int line;
	char *file;
};

struct config {
	/* [agent] */
	int mode;			/* enum pdguard_mode */
	int driver;			/* enum config_driver */
	struct strlist rules;		/* rule directories, later layers override earlier */
	char *log;
	char *log_group;		/* may read the log (NULL: root only) */
	gid_t log_gid;			/* log_group resolved at load, (gid_t)-1 without one */
	char *state;
	struct strlist scan;
	unsigned int log_max_mb;
	unsigned int log_keep;
	int siem_format;		/* enum siem_format: ECS/OCSF copy of the log (log/siem.h) */
	char *siem_log;			/* its file; NULL: beside log (config_siem_path()) */
	unsigned int retention_days;
	bool fail_open;			/* fanotify: answer allow when no decision in time */
	bool unknown_none;		/* unknown = none: a file not read whole is not PD */
	int engine;			/* enum config_engine */
	unsigned int decision_timeout_ms;
	unsigned int export_approvers;	/* approvers an export grant needs: 1 or 2 */
	/* [zone usb] */
	bool usb_removable;
	struct strlist usb_paths;
	/* [zone cloud] */
	struct strlist cloud_paths;
	struct strlist cloud_clients;
	/* [exit-points]: programs that may open PD only under a grant of the user's: by path,
	 * and every executable a Debian package ships (policy/exitpoints.h) */
	struct strlist exit_exes;
	struct strlist exit_packages;
	/* [servers]: file servers' programs, run by root, that act for remote clients: their
	 * taint is their own and lasts server_taint_s after their last PD read; what they write
	 * is labelled derived only under the scan roots (docs/file-servers.md) */
	struct strlist servers;
	unsigned int server_taint_s;
	/* [alerts] */
	unsigned int mass_export_files;
	unsigned int mass_export_window_s;
	int work_start_min, work_end_min;	/* -1: no working hours set */
	unsigned int deny_burst;
	unsigned int deny_burst_window_s;
	/* [notice]: the employee's notice of a denial (docs/notice.md) */
	bool notice_enabled;
	bool notice_audit;		/* also for would-deny in audit mode */
	char *notice_contact;		/* NULL: none */
	char notice_language[4];	/* "en", "ru", "kk": when the user's cannot be told */
	unsigned int notice_per_minute;
	unsigned int notice_file_interval_s;
	unsigned int notice_timeout_ms;
	char *notice_bus;		/* the session bus socket, %u for the uid */
	/* [role NAME]... */
	struct config_role *roles;
	size_t nroles;
	/* [service NAME]... */
	struct config_service *services;
	size_t nservices;
	/* where values came from: the files read, in order, and each single value's line */
	struct strlist files;
	struct config_origin *origins;
	size_t norigins;
};

/* One problem found in a policy file. */
struct config_error {
	char *file;
	unsigned int line;
	char *msg;
};

struct config_errors {
	struct config_error *v;
	size_t n;
};

void config_defaults(struct config *cfg);

/* Whether @path is a scan root or lies under one. */
bool config_under_scan(const struct config *cfg, const char *path);
/*
 * The ECS/OCSF file: siem_log, else beside the log with the format in its name
 * (events.jsonl -> events.ecs.jsonl). Return: 0, -ENAMETOOLONG.
 */
int config_siem_path(const struct config *cfg, char *buf, size_t len);
/**
 * config_load() - read @path, then its drop-ins, into @cfg (defaults first)
 *
 * The drop-ins are @path with ".d" appended, a directory of *.conf files read in byte order
 * after @path; a missing directory means none. Single-valued keys: the last line read wins.
 * Repeatable keys add to what earlier lines and files gave; an empty value (`scan =`) empties
 * the list first.
 *
 * Return: 0 when every file is valid; -EINVAL with every problem in @errs; other -errno when the
 * policy itself cannot be read (then @errs holds one entry saying so).
 */
int config_load(const char *path, struct config *cfg, struct config_errors *errs);
/* The drop-in directory of the policy @path ("@path.d") into @buf. */
void config_dropin_dir(const char *path, char *buf, size_t len);
void config_free(struct config *cfg);
void config_errors_free(struct config_errors *errs);
/* "FILE:LINE" that set the single-valued @key ("agent.mode", "role hr.read"), NULL: default. */
const char *config_origin(const struct config *cfg, const char *key);

/* config_dump() flags */
#define CONFIG_DUMP_ORIGINS (1U << 0)	/* "; FILE:LINE" (or "; default") after each value */

/* The effective configuration, in the file's own format: it loads back as the same policy. */
void config_dump(const struct config *cfg, FILE *f, unsigned int flags);

/* "basic personnel" or "basic,personnel" -> PDGUARD_CAT_* bits; -EINVAL names the bad word. */
int config_parse_categories(const char *s, uint32_t *cats, char *bad, size_t badlen);
/* Write category names, space-separated, into @buf. */
void config_format_categories(uint32_t cats, char *buf, size_t len);

#endif /* PDGUARD_CONFIG_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The agent's policy file (inih format, DESIGN.md "Configuration"). Every key is validated;
 * errors carry the file, the line, what is wrong and what is allowed.
 */
#ifndef PDGUARD_CONFIG_H
#define PDGUARD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CONFIG_DEFAULT_PATH "/etc/pdguard/pdguard.conf"

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

struct strlist {
	char **v;
	size_t n;
};

int strlist_add(struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

/**
 * struct config_role - [role NAME]
 * @read: PDGUARD_CAT_* the role may open
 * @export: PDGUARD_CAT_* the role may copy to USB and cloud zones (default none)
 */
struct config_role {
	char *name;
	struct strlist groups;
	struct strlist users;
	uint32_t read;
	uint32_t export;
};

struct config {
	/* [agent] */
	int mode;			/* enum pdguard_mode */
	int driver;			/* enum config_driver */
	char *rules;
	char *log;
	char *state;
	struct strlist scan;
	unsigned int log_max_mb;
	unsigned int log_keep;
	unsigned int retention_days;
	bool fail_open;			/* fanotify: answer allow when no decision in time */
	bool unknown_none;		/* unknown = none: a file not read whole is not PD */
	int engine;			/* enum config_engine */
	unsigned int decision_timeout_ms;
	/* [zone usb] */
	bool usb_removable;
	struct strlist usb_paths;
	/* [zone cloud] */
	struct strlist cloud_paths;
	struct strlist cloud_clients;
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
/**
 * config_load() - read @path into @cfg (defaults first)
 * Return: 0 when the file is valid; -EINVAL with every problem in @errs; other -errno when the
 * file cannot be read (then @errs holds one entry saying so).
 */
int config_load(const char *path, struct config *cfg, struct config_errors *errs);
void config_free(struct config *cfg);
void config_errors_free(struct config_errors *errs);
/* The effective configuration, in the file's own format. */
void config_dump(const struct config *cfg, FILE *f);

/* "basic personnel" or "basic,personnel" -> PDGUARD_CAT_* bits; -EINVAL names the bad word. */
int config_parse_categories(const char *s, uint32_t *cats, char *bad, size_t badlen);
/* Write category names, space-separated, into @buf. */
void config_format_categories(uint32_t cats, char *buf, size_t len);

#endif /* PDGUARD_CONFIG_H */

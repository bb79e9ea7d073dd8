// SPDX-License-Identifier: GPL-2.0
/* pdguard: personal-data control for Linux files. Entry point and subcommand dispatch. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <uapi/pdguard.h>

#include "cli/cli.h"
#include "drivers/driver.h"
#include "log/events.h"
#include "log/seal.h"
#include "log/siem.h"
#include "policy/config.h"

/* from the VERSION file at the top of the tree, through the Makefile: one version everywhere */
#ifndef PDGUARD_VERSION
#error "PDGUARD_VERSION is not defined: build with the project's Makefile"
#endif

static const struct cli_command commands[] = {
	{ "run", "the agent daemon, in the foreground", cli_run },
	{ "status", "show what pdguard enforces on this machine and the kernel module's state",
	  cli_status },
	{ "stats", "the running agent's counters: text, JSON or Prometheus metrics", cli_stats },
	{ "mode", "show or set the kernel module's mode (audit or enforce)", cli_mode },
	{ "log", "verify the event log's hash chain", cli_log },
	{ "config", "check a policy file, or print the effective policy", cli_config },
	{ "label", "read or write a file's persistent PD label", cli_label },
	{ "grant", "give, list or revoke time-limited access to PD categories", cli_grant },
	{ "scan", "find personal data in files and directories", cli_scan },
	{ "rules", "check classification rules, or test them on a file to tune them", cli_rules },
	{ "bpf", "the BPF enforcement drivers: probe, attach, detach, status, events", cli_bpf },
	{ "report", "the data map, the access review, the audit sheet (json, csv, html)",
	  cli_report },
	{ "notice", "print or show the notice an employee gets when refused a file", cli_notice },
};

void cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pdguard %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_hint(const char *fmt, ...)
{
	va_list ap;

	fputs("Hint: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_log_open(struct eventlog **out, const char *logpath, const char *cfgpath)
{
	struct config_errors errs = { 0 };
	char key[PATH_MAX];
	struct config cfg;
	int ret;

	ret = eventlog_open(out, logpath);
	if (ret)
		return ret;
	eventlog_set_syslog(*out, true);
	/* the policy's key seals the policy's log, not a copy a test or a user names */
	config_load(cfgpath ? cfgpath : CONFIG_DEFAULT_PATH, &cfg, &errs);
	config_errors_free(&errs);
	if (!strcmp(cfg.log, logpath) &&
	    (size_t)snprintf(key, sizeof(key), "%s/" SEAL_KEY_FILE, cfg.state) < sizeof(key))
		eventlog_seal_attach(*out, key);
	/* and its ECS/OCSF copy, as the agent writes it */
	if (!strcmp(cfg.log, logpath) && cfg.siem_format != SIEM_NONE &&
	    !config_siem_path(&cfg, key, sizeof(key)))
		eventlog_set_siem(*out, cfg.siem_format, key);
	/* opening made it root-only: the policy's log stays readable by its log_group */
	if (!strcmp(cfg.log, logpath) && cfg.log_group)
		eventlog_set_group(*out, cfg.log_gid);
	config_free(&cfg);
	return 0;
}

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: pdguard COMMAND [OPTIONS] [ARGS]\n"
		"\n"
		"Personal-data control for Linux files: finds personal data (IIN, passport and ID\n"
		"numbers, salaries, medical records...), labels the files, decides in the kernel who may\n"
		"read them, keeps them off USB sticks and personal-cloud folders, and logs every access.\n"
		"\n"
		"Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f,
		"\n"
		"Run 'pdguard COMMAND --help' for a command's options.\n"
		"  -h, --help     this text\n"
		"  -V, --version  version and ABI\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* hidden: the agent runs it (fanotify, fail = closed), never a user */
	if (!strcmp(argv[1], "__keeper"))
		return fanotify_keeper_main();
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			char *sub[] = { argv[2], "--help", NULL };

			for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
				if (!strcmp(commands[i].name, argv[2]))
					return commands[i].run(2, sub);
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("pdguard %s (ABI %u.%u)\n", PDGUARD_VERSION, PDGUARD_ABI_MAJOR,
		       PDGUARD_ABI_MINOR);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char *sub[] = { argv[1], "--help", NULL };
		int j;

		if (strcmp(commands[i].name, argv[1]))
			continue;
		/*
		 * --help anywhere before "--" (`pdguard log verify --help`, `pdguard bpf detach -h`)
		 * is the command's help and nothing else: never a subcommand run by accident
		 */
		for (j = 2; j < argc && strcmp(argv[j], "--"); j++)
			if (!strcmp(argv[j], "--help") || !strcmp(argv[j], "-h"))
				return commands[i].run(2, sub);
		return commands[i].run(argc - 1, argv + 1);
	}
	fprintf(stderr, "pdguard: unknown command '%s'\n", argv[1]);
	cli_hint("run 'pdguard --help' for the list of commands.");
	return EXIT_USAGE;
}

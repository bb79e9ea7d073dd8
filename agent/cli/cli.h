/* SPDX-License-Identifier: GPL-2.0 */
/* The pdguard command line: one entry per subcommand, each in its own cli/<name>.c. */
#ifndef PDGUARD_CLI_H
#define PDGUARD_CLI_H

/* Exit codes shared by every subcommand (scan follows clamscan: 0 clean, 1 found, 2 error). */
enum {
	EXIT_OK = 0,
	EXIT_FOUND = 1,
	EXIT_ERROR = 2,
	EXIT_UNKNOWN = 3,	/* `scan`: no PD found, but a file was not read whole */
	EXIT_USAGE = 64,	/* EX_USAGE */
};

/* `--rules DIR` given again layers directories (scan, rules test); this many at most */
#define CLI_RULES_LAYERS_MAX 8

struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);	/* argv[0] is the subcommand's name */
};

int cli_run(int argc, char **argv);
int cli_status(int argc, char **argv);
int cli_stats(int argc, char **argv);
int cli_mode(int argc, char **argv);
int cli_log(int argc, char **argv);
int cli_config(int argc, char **argv);
int cli_label(int argc, char **argv);
int cli_grant(int argc, char **argv);
int cli_scan(int argc, char **argv);
int cli_rules(int argc, char **argv);
int cli_bpf(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_notice(int argc, char **argv);

struct eventlog;
/*
 * Open the event log at @logpath for a command's events: copied to syslog as the daemon's are,
 * and sealed with the policy's sealing key when @logpath is the policy's log (@cfgpath, NULL for
 * the default policy). Return: 0 or -errno.
 */
int cli_log_open(struct eventlog **out, const char *logpath, const char *cfgpath);

/* Print "pdguard NAME: " and the message to stderr (the one place the CLI reports errors). */
void cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A second line telling the user what to do, "Hint: ..." */
void cli_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* PDGUARD_CLI_H */

// SPDX-License-Identifier: GPL-2.0
/* `pdguard label get|set|clear`: read or write a file's persistent label. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "policy/config.h"
#include "lib/vocab.h"
#include "log/events.h"
#include "state/labels.h"

static const char label_help[] =
	"Usage: pdguard label get PATH...\n"
	"       pdguard label set [--log FILE] PATH CATEGORY[,CATEGORY...]\n"
	"       pdguard label clear [--log FILE] PATH\n"
	"\n"
	"Read or write the persistent label of a file: the extended attribute\n"
	"security.bpf.pdguard, which survives reboots, agent restarts and backups that keep\n"
	"extended attributes (tar --xattrs, rsync -X). Only root (CAP_SYS_ADMIN) can set or remove\n"
	"it: a file's owner cannot strip the label.\n"
	"\n"
	"get    print each file's label: pd with its categories, none (classified, no PD),\n"
	"       derived (written by a process that had read PD), or no label\n"
	"set    label the file by hand with CATEGORY (basic, personnel, financial, medical,\n"
	"       biometric, all), or 'none' to mark it classified as holding no PD. A manual label\n"
	"       is kept by the agent's classification until cleared.\n"
	"clear  remove the label; the agent classifies the file again when it sees it.\n"
	"\n"
	"set and clear are written to the event log (--log FILE, default: the policy's log,\n"
	"/var/log/pdguard/events.jsonl). The running agent picks changes up when it next sees the\n"
	"file.\n"
	"\n"
	"Exit status: 0 done; 1 (get) some file has no label; 2 an error; 64 bad usage.\n";

static void print_label(const char *path, const struct pdguard_label_xattr *l)
{
	char cats[128], when[32];
	time_t t = l->classified_at;
	struct tm tm;

	config_format_categories(l->categories, cats, sizeof(cats));
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%s: %s", path, l->level == PDGUARD_LEVEL_PD ? "pd" :
	       l->level == PDGUARD_LEVEL_DERIVED ? "derived" : "none");
	if (l->level != PDGUARD_LEVEL_NONE)
		printf(" %s", cats);
	printf(" (%s%s %s)\n", l->flags & PDGUARD_LABEL_MANUAL ? "set by hand" : "classified",
	       l->flags & PDGUARD_LABEL_UNKNOWN ? ", unknown: not read whole" : "", when);
}

static int label_get(int argc, char **argv)
{
	struct pdguard_label_xattr l;
	int i, ret, rc = EXIT_OK;

	for (i = 0; i < argc; i++) {
		ret = labels_get(argv[i], &l);
		if (!ret) {
			print_label(argv[i], &l);
		} else if (ret == -ENODATA) {
			printf("%s: no label\n", argv[i]);
			if (rc == EXIT_OK)
				rc = EXIT_FOUND;
		} else if (ret == -EBADMSG) {
			cli_error("label", "%s: the label attribute is damaged or from an unknown "
				  "version", argv[i]);
			rc = EXIT_ERROR;
		} else {
			cli_error("label", "%s: %s", argv[i], strerror(-ret));
			rc = EXIT_ERROR;
		}
	}
	return rc;
}

/* Log a manual change; a failure to log is reported, and the change stays (it is done). */
static int log_change(const char *logpath, const char *op, const char *path, uint8_t level,
		      uint32_t cats)
{
	char real[PATH_MAX], reason[64];
	struct eventlog *log;
	int ret;
	struct event ev = event_agent(op, "info", NULL);

	ev.label = vocab_level_name(level == PDGUARD_LEVEL_PD ? PDGUARD_LEVEL_PD :
				    PDGUARD_LEVEL_NONE);
	ev.categories = cats;
	ev.path = realpath(path, real) ? real : path;
	snprintf(reason, sizeof(reason), "label %s by an administrator",
		 !strcmp(op, "label-set") ? "set" : "cleared");
	ev.reason = reason;
	ret = cli_log_open(&log, logpath, NULL);
	if (ret)
		return ret;
	ret = eventlog_write(log, &ev);
	eventlog_close(log);
	return ret;
}

static char *default_log(void)
{
	struct config_errors errs = { 0 };
	struct config cfg;
	char *log;

	config_load(CONFIG_DEFAULT_PATH, &cfg, &errs);	/* defaults when absent or broken */
	config_errors_free(&errs);
	log = strdup(cfg.log);
	config_free(&cfg);
	return log;
}

int cli_label(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "log", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char bad[64], *logpath = NULL;
	const char *sub;
	uint32_t cats = 0;
	uint8_t level;
	struct stat st;
	int opt, ret;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(label_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	sub = argv[1];
	optind = 2;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'l': free(logpath); logpath = strdup(optarg); break;
		case 'h': fputs(label_help, stdout); free(logpath); return EXIT_OK;
		default: fputs(label_help, stderr); free(logpath); return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (!strcmp(sub, "get")) {
		free(logpath);
		if (argc < 1) {
			fputs(label_help, stderr);
			return EXIT_USAGE;
		}
		return label_get(argc, argv);
	}
	if ((strcmp(sub, "set") || argc != 2) && (strcmp(sub, "clear") || argc != 1)) {
		free(logpath);
		cli_error("label", "expected 'get PATH...', 'set PATH CATEGORIES' or 'clear PATH'");
		return EXIT_USAGE;
	}
	if (lstat(argv[0], &st)) {
		cli_error("label", "%s: %s", argv[0], strerror(errno));
		free(logpath);
		return EXIT_ERROR;
	}
	if (!S_ISREG(st.st_mode)) {
		cli_error("label", "%s: only regular files carry labels", argv[0]);
		free(logpath);
		return EXIT_ERROR;
	}
	if (!strcmp(sub, "set")) {
		if (config_parse_categories(argv[1], &cats, bad, sizeof(bad))) {
			cli_error("label", "unknown category '%s'", bad);
			cli_hint("categories are basic, personnel, financial, medical, biometric, all "
				 "or none, separated by commas");
			free(logpath);
			return EXIT_USAGE;
		}
		level = cats ? PDGUARD_LEVEL_PD : PDGUARD_LEVEL_NONE;
		ret = labels_set(argv[0], level, cats, PDGUARD_LABEL_MANUAL);
	} else {
		level = PDGUARD_LEVEL_NONE;
		ret = labels_clear(argv[0]);
		if (ret == -ENODATA) {
			printf("%s: had no label\n", argv[0]);
			free(logpath);
			return EXIT_OK;
		}
	}
	if (ret == -EPERM) {
		cli_error("label", "%s: permission denied: only root may change labels", argv[0]);
		free(logpath);
		return EXIT_ERROR;
	}
	if (ret == -ENOTSUP) {
		cli_error("label", "%s: this filesystem does not support security.* extended "
			  "attributes", argv[0]);
		free(logpath);
		return EXIT_ERROR;
	}
	if (ret) {
		cli_error("label", "%s: %s", argv[0], strerror(-ret));
		free(logpath);
		return EXIT_ERROR;
	}
	if (!logpath)
		logpath = default_log();
	ret = logpath ? log_change(logpath, !strcmp(sub, "set") ? "label-set" : "label-clear",
				   argv[0], level, cats) : -ENOMEM;
	if (ret) {
		cli_error("label", "the label was changed but could not be logged to '%s': %s",
			  logpath ? logpath : "?", strerror(-ret));
		free(logpath);
		return EXIT_ERROR;
	}
	free(logpath);
	return EXIT_OK;
}

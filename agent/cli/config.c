// SPDX-License-Identifier: GPL-2.0
/* `pdguard config check|dump`: validate a policy before it is deployed. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "policy/config.h"

static const char config_help[] =
	"Usage: pdguard config check [FILE]\n"
	"       pdguard config dump [--origins] [FILE]\n"
	"\n"
	"check  read the policy FILE (default " CONFIG_DEFAULT_PATH ") and its drop-ins\n"
	"       and report every problem as FILE:LINE: what is wrong and what is allowed.\n"
	"       Nothing is applied.\n"
	"dump   print the effective policy: the files' values with every default filled in,\n"
	"       as a policy file that loads back to the same policy.\n"
	"       --origins  add to each value, as a comment, the FILE:LINE it came from\n"
	"                  (\"default\" when no file set it)\n"
	"\n"
	"Drop-ins: the *.conf files of the directory FILE.d (" CONFIG_DEFAULT_PATH ".d),\n"
	"read after FILE in byte order. A single-valued key takes the last value read; a\n"
	"repeatable key (scan, rules, path, client, group, user, read, export) adds to the\n"
	"values before it, and an empty value ('scan =') empties it first. A drop-in may\n"
	"add to a section or add a new one. See pdguard.conf(5).\n"
	"\n"
	"Run 'pdguard config check' before 'systemctl reload pdguard': a running agent that is\n"
	"given a broken policy reports it and keeps the policy it has.\n"
	"\n"
	"Exit status: 0 valid, 1 problems found (all printed), 2 the file cannot be read.\n";

int cli_config(int argc, char **argv)
{
	struct config_errors errs = { 0 };
	struct config cfg;
	const char *path;
	bool origins = false;
	size_t i;
	int ret;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(config_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "check") && strcmp(argv[1], "dump")) {
		cli_error("config", "unknown subcommand '%s'", argv[1]);
		cli_hint("pdguard config check [FILE] or pdguard config dump [FILE]");
		return EXIT_USAGE;
	}
	if (argc > 2 && !strcmp(argv[1], "dump") && !strcmp(argv[2], "--origins")) {
		origins = true;
		argv[2] = argv[3];	/* argv[argc] is NULL: FILE, or nothing */
		argc--;
	}
	if (argc > 3 || (argc > 2 && argv[2][0] == '-')) {
		fputs(config_help, stderr);
		return EXIT_USAGE;
	}
	path = argc > 2 ? argv[2] : CONFIG_DEFAULT_PATH;
	ret = config_load(path, &cfg, &errs);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "%s:%u: %s\n", errs.v[i].file, errs.v[i].line, errs.v[i].msg);
	config_errors_free(&errs);
	if (ret == -EINVAL) {
		config_free(&cfg);
		return EXIT_FOUND;
	}
	if (ret) {
		if (ret != -ENOENT && ret != -EACCES)
			cli_error("config", "cannot read '%s': %s", path, strerror(-ret));
		config_free(&cfg);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[1], "dump")) {
		config_dump(&cfg, stdout, origins ? CONFIG_DUMP_ORIGINS : 0);
	} else {
		printf("%s: OK (%zu role%s, mode %s)\n", path, cfg.nroles, cfg.nroles == 1 ? "" : "s",
		       cfg.mode ? "enforce" : "audit");
		for (i = 1; i < cfg.files.n; i++)
			printf("  drop-in %s\n", cfg.files.v[i]);
	}
	config_free(&cfg);
	return EXIT_OK;
}

// SPDX-License-Identifier: GPL-2.0
/* `pdguard config check|dump`: validate a policy before it is deployed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "policy/config.h"

static const char config_help[] =
	"Usage: pdguard config check [FILE]\n"
	"       pdguard config dump [FILE]\n"
	"\n"
	"check  read the policy FILE (default " CONFIG_DEFAULT_PATH ") and report every problem\n"
	"       as FILE:LINE: what is wrong and what is allowed. Nothing is applied.\n"
	"dump   print the effective policy: the file's values with every default filled in.\n"
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
	if (argc > 3) {
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
	if (!strcmp(argv[1], "dump"))
		config_dump(&cfg, stdout);
	else
		printf("%s: OK (%zu role%s, mode %s)\n", path, cfg.nroles, cfg.nroles == 1 ? "" : "s",
		       cfg.mode ? "enforce" : "audit");
	config_free(&cfg);
	return EXIT_OK;
}

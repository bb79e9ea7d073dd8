// SPDX-License-Identifier: GPL-2.0
/* `pdguard run`: the daemon, in the foreground. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "classify/classify.h"
#include "cli/cli.h"
#include "policy/config.h"
#include "daemon/daemon.h"

static const char run_help[] =
	"Usage: pdguard run [--config FILE] [--once] [--engine E]\n"
	"\n"
	"The pdguard agent, in the foreground (systemd runs it: Type=notify, with a watchdog).\n"
	"\n"
	"At start it reads the policy, probes which kernel drivers this machine offers and picks\n"
	"the strongest (or the one the policy names), finds the USB and cloud zones, and prints in\n"
	"one screen what is enforced here and what is not. Then it classifies the policy's scan\n"
	"folders (files unchanged since the last run, by device, inode, size, mtime and ctime, are\n"
	"not read again), labels each file (the security.bpf.pdguard attribute), and keeps going:\n"
	"files that are written are classified again, sticks that are plugged in become zones,\n"
	"and every decision goes to the event log.\n"
	"\n"
	"  --config FILE  the policy (default " CONFIG_DEFAULT_PATH ")\n"
	"  --once         classify the scan folders, print a summary and exit\n"
	"  --engine E     auto, hyperscan or pcre2: the classification engine, over the\n"
	"                 policy's \"engine =\" (same rules, same results; auto takes\n"
	"                 Hyperscan where this CPU runs it, else PCRE2 JIT)\n"
	"  -h, --help     this text\n"
	"\n"
	"Signals: SIGHUP reloads the policy (a broken one is reported, logged and the running one\n"
	"kept); SIGINT and SIGTERM stop cleanly.\n"
	"\n"
	"Exit status: 0 stopped cleanly; 2 could not start (the reason is printed).\n";

int cli_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "once", no_argument, NULL, 'o' },
		{ "engine", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct daemon_opts o = { .config = CONFIG_DEFAULT_PATH, .engine = -1 };
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': o.config = optarg; break;
		case 'o': o.once = 1; break;
		case 'E':
			o.engine = classify_engine_parse(optarg);
			if (o.engine < 0) {
				cli_error("run", "--engine is auto, hyperscan or pcre2, not '%s'",
					  optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h': fputs(run_help, stdout); return EXIT_OK;
		default: fputs(run_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("run", "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	return daemon_run(&o);
}

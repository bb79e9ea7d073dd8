// SPDX-License-Identifier: GPL-2.0
/* `pdguard log verify`: is the event log's hash chain intact? */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "log/events.h"

#define DEFAULT_LOG "/var/log/pdguard/events.jsonl"

static const char log_help[] =
	"Usage: pdguard log verify [FILE...]\n"
	"\n"
	"Check the hash chain of pdguard's event log. Every line carries the hash of the line\n"
	"before it and its own, so an edited, deleted, inserted or reordered line breaks the chain\n"
	"at that line. Several FILEs are checked as one chain, oldest first (rotated logs:\n"
	"events.jsonl.2 events.jsonl.1 events.jsonl). Without FILE: " DEFAULT_LOG ".\n"
	"\n"
	"Exit status: 0 the chain is intact; 1 it is broken (the file and first bad line are\n"
	"printed); 2 a file could not be read.\n"
	"\n"
	"A chain cannot show lines cut from the very end of the newest file: compare the last\n"
	"hash printed here with the copy the daemon sends to syslog.\n";

int cli_log(int argc, char **argv)
{
	char last[65] = "";
	const char *def[] = { DEFAULT_LOG };
	const char **files;
	uint64_t lines, bad, total = 0;
	int i, nfiles, ret;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(log_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "verify")) {
		cli_error("log", "unknown subcommand '%s'", argv[1]);
		cli_hint("pdguard log verify [FILE...]");
		return EXIT_USAGE;
	}
	files = argc > 2 ? (const char **)argv + 2 : def;
	nfiles = argc > 2 ? argc - 2 : 1;
	for (i = 0; i < nfiles; i++) {
		ret = eventlog_verify(files[i], last[0] ? last : NULL, &lines, &bad, last);
		if (ret == -EBADMSG) {
			printf("%s:%llu: BROKEN: this line does not chain to the one before it "
			       "(edited, deleted, inserted or reordered lines)\n",
			       files[i], (unsigned long long)bad);
			return EXIT_FOUND;
		}
		if (ret) {
			cli_error("log", "cannot read '%s': %s", files[i], strerror(-ret));
			return EXIT_ERROR;
		}
		total += lines;
	}
	printf("OK: %llu events in %d file%s, chain intact, last hash %s\n",
	       (unsigned long long)total, nfiles, nfiles > 1 ? "s" : "", last[0] ? last : "-");
	return EXIT_OK;
}

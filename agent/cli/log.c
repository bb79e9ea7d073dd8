// SPDX-License-Identifier: GPL-2.0
/*
 * `pdguard log verify`: is the event log's hash chain intact, and with the verification key,
 * is every seal good? `pdguard log setup-keys`: start sealing the log.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "log/events.h"
#include "log/seal.h"
#include "policy/config.h"

#define DEFAULT_LOG "/var/log/pdguard/events.jsonl"

static const char log_help[] =
	"Usage: pdguard log verify [--key KEY [--archive]] [FILE...]\n"
	"       pdguard log setup-keys [--config FILE | --state DIR] [--interval TIME] [--force]\n"
	"\n"
	"verify: check the hash chain of pdguard's event log. Every line carries the hash of the\n"
	"line before it and its own, so an edited, deleted, inserted or reordered line breaks the\n"
	"chain at that line. Several FILEs are checked as one chain, oldest first (rotated logs:\n"
	"events.jsonl.2 events.jsonl.1 events.jsonl). Without FILE: " DEFAULT_LOG ".\n"
	"  --key KEY   the verification key printed by setup-keys: also check every seal, so a log\n"
	"              that root rewrote and re-chained is found out, at the first seal it breaks\n"
	"  --archive   the files are an archive: do not require a seal from the last epochs\n"
	"              (without it, a live log whose seals stop more than two epochs ago fails:\n"
	"              its end was cut, or the agent stopped sealing)\n"
	"\n"
	"setup-keys: start sealing. Writes a new sealing key to STATE/" SEAL_KEY_FILE " (root\n"
	"only; the agent and pdguard's commands seal with it) and prints the VERIFICATION KEY\n"
	"once. Keep that key off this host (the InfoSec officer's safe, a password manager): with\n"
	"it anyone can check the log; without it nobody can forge a seal of a past epoch, root on\n"
	"this host included. The sealing key steps forward every epoch and the old one is erased,\n"
	"so who takes the host later cannot reseal what was written before.\n"
	"  --config FILE   policy whose state directory is used (default " CONFIG_DEFAULT_PATH ")\n"
	"  --state DIR     the state directory itself\n"
	"  --interval TIME epoch length: seconds, or with m or h (default 15m); the most events\n"
	"                  root can rewrite unseen are those of the current epoch\n"
	"  --force         replace an existing sealing key (old seals then need the old key)\n"
	"\n"
	"Exit status: 0 the chain (and every seal) is intact; 1 it is broken, empty, or its seals\n"
	"stop too early (the file and first bad line are printed); 2 a file could not be read or\n"
	"a key could not be written; 64 usage.\n";

/* "900", "15m", "1h" -> seconds; 0 when not a duration of at least 10 s. */
static unsigned int parse_interval(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s)
		return 0;
	if (*end == 'm')
		v *= 60, end++;
	else if (*end == 'h')
		v *= 3600, end++;
	else if (*end == 's')
		end++;
	return *end || v < 10 || v > 7 * 24 * 3600 ? 0 : (unsigned int)v;
}

static int setup_keys(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "state", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cfgpath = CONFIG_DEFAULT_PATH, *state = NULL;
	char path[PATH_MAX], verkey[160];
	unsigned int interval = SEAL_DEFAULT_INTERVAL;
	struct config_errors errs = { 0 };
	struct config cfg;
	struct seal_key key;
	struct stat st;
	bool force = false, cfg_given = false;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+c:s:i:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cfgpath = optarg; cfg_given = true; break;
		case 's': state = optarg; break;
		case 'i':
			interval = parse_interval(optarg);
			if (!interval) {
				cli_error("log", "--interval '%s' is not a duration from 10s to 7 days",
					  optarg);
				cli_hint("write seconds, or minutes and hours as 15m, 1h");
				return EXIT_USAGE;
			}
			break;
		case 'f': force = true; break;
		case 'h': fputs(log_help, stdout); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (geteuid() != 0) {
		cli_error("log", "only root may set up the sealing key");
		cli_hint("run it with sudo.");
		return EXIT_ERROR;
	}
	config_defaults(&cfg);
	if (!state) {
		ret = config_load(cfgpath, &cfg, &errs);
		config_errors_free(&errs);
		if (ret == -ENOENT && cfg_given) {
			cli_error("log", "no policy file %s", cfgpath);
			cli_hint("give the path of the policy the agent runs, or pass --state.");
			config_free(&cfg);
			return EXIT_ERROR;
		}
		if (ret && ret != -ENOENT) {
			cli_error("log", "%s cannot be used; fix it or pass --state", cfgpath);
			cli_hint("'pdguard config check %s' lists its problems.", cfgpath);
			config_free(&cfg);
			return EXIT_ERROR;
		}
		state = cfg.state;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/" SEAL_KEY_FILE, state) >= sizeof(path)) {
		cli_error("log", "the state directory's name is too long");
		config_free(&cfg);
		return EXIT_ERROR;
	}
	if (!force && !stat(path, &st)) {
		cli_error("log", "%s exists: the log is already sealed", path);
		cli_hint("keep it; --force starts a new key, and seals made so far then verify only "
			 "with the old verification key.");
		config_free(&cfg);
		return EXIT_ERROR;
	}
	if (mkdir(state, 0700) && errno != EEXIST) {
		cli_error("log", "cannot create %s: %s", state, strerror(errno));
		config_free(&cfg);
		return EXIT_ERROR;
	}
	ret = seal_key_new(&key, interval, time(NULL));
	if (!ret)
		ret = seal_key_save(path, &key);
	if (ret) {
		cli_error("log", "cannot write %s: %s", path, strerror(-ret));
		config_free(&cfg);
		return EXIT_ERROR;
	}
	seal_verkey_format(&key, verkey, sizeof(verkey));
	memset(&key, 0, sizeof(key));
	printf("Sealing key written to %s (epoch %u s).\n\n"
	       "VERIFICATION KEY (shown once; keep it off this host):\n\n    %s\n\n"
	       "Check the log with:  pdguard log verify --key %s\n"
	       "The running agent starts sealing at its next reload (systemctl reload pdguard).\n",
	       path, interval, verkey, verkey);
	memset(verkey, 0, sizeof(verkey));
	config_free(&cfg);
	return EXIT_OK;
}

/* Does @path end with a newline (an empty file does)? */
static bool ends_with_newline(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char c = '\n';

	if (fd < 0)
		return true;
	if (!fstat(fd, &st) && st.st_size > 0 && pread(fd, &c, 1, st.st_size - 1) != 1)
		c = '\n';
	close(fd);
	return c == '\n';
}

static int verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "archive", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *def[] = { DEFAULT_LOG }, **files, *keytext = NULL;
	char last[65] = "", until[32];
	struct seal_check sc;
	struct seal_key key0;
	uint64_t lines, bad, total = 0;
	bool archive = false;
	int c, i, nfiles, ret;
	time_t end;
	struct tm tm;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+k:ah", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keytext = optarg; break;
		case 'a': archive = true; break;
		case 'h': fputs(log_help, stdout); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (keytext && seal_verkey_parse(keytext, &key0)) {
		cli_error("log", "--key is not a verification key");
		cli_hint("it looks like 64 hex digits, a start time and an interval: HEX-T0-SECONDS, "
			 "as 'pdguard log setup-keys' printed it.");
		return EXIT_USAGE;
	}
	if (keytext)
		seal_check_init(&sc, &key0);
	files = optind < argc ? (const char **)argv + optind : def;
	nfiles = optind < argc ? argc - optind : 1;
	for (i = 0; i < nfiles; i++) {
		ret = eventlog_verify_sealed(files[i], last[0] ? last : NULL, keytext ? &sc : NULL,
					     &lines, &bad, last);
		if (ret == -EBADMSG) {
			if (keytext && sc.why[0])
				printf("%s:%llu: BROKEN: %s\n", files[i], (unsigned long long)bad,
				       sc.why);
			else if (bad == lines && !ends_with_newline(files[i]))
				printf("%s:%llu: BROKEN: the last line is torn (a power cut or a "
				       "crash); the agent repairs it, logged as log-repair, when it "
				       "next opens the log\n", files[i], (unsigned long long)bad);
			else
				printf("%s:%llu: BROKEN: this line does not chain to the one before "
				       "it (edited, deleted, inserted or reordered lines)\n",
				       files[i], (unsigned long long)bad);
			return EXIT_FOUND;
		}
		if (ret) {
			cli_error("log", "cannot read '%s': %s", files[i], strerror(-ret));
			return EXIT_ERROR;
		}
		total += lines;
	}
	if (!total) {
		printf("%s: EMPTY: no events; an emptied log cannot be told from a new one\n",
		       files[nfiles - 1]);
		return EXIT_FOUND;
	}
	printf("OK: %llu events in %d file%s, chain intact, last hash %s\n",
	       (unsigned long long)total, nfiles, nfiles > 1 ? "s" : "", last[0] ? last : "-");
	if (!keytext)
		return EXIT_OK;
	if (!sc.nseals) {
		printf("NOT SEALED: no seal in %s; a log is sealed once its first epoch has ended\n",
		       nfiles > 1 ? "these files" : files[0]);
		return archive ? EXIT_OK : EXIT_FOUND;
	}
	end = (time_t)seal_epoch_end(&sc.key, sc.sealed);
	gmtime_r(&end, &tm);
	strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("SEALED: %llu seals good (epochs %llu to %llu), every event until %s sealed; "
	       "%llu event%s after the last seal\n", (unsigned long long)sc.nseals,
	       (unsigned long long)sc.first, (unsigned long long)sc.sealed, until,
	       (unsigned long long)sc.pending, sc.pending == 1 ? "" : "s");
	if (!archive && time(NULL) > end + 2 * (time_t)sc.key.interval) {
		printf("STALE: no seal after %s: the end of the log was cut, or the agent stopped "
		       "sealing (a stopped agent is in the log as agent-stop)\n", until);
		return EXIT_FOUND;
	}
	return EXIT_OK;
}

int cli_log(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(log_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (!strcmp(argv[1], "verify"))
		return verify(argc - 1, argv + 1);
	if (!strcmp(argv[1], "setup-keys"))
		return setup_keys(argc - 1, argv + 1);
	cli_error("log", "unknown subcommand '%s'", argv[1]);
	cli_hint("pdguard log verify [--key KEY] [FILE...], pdguard log setup-keys");
	return EXIT_USAGE;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * `pdguard notice`: the employee's notice, printed (to read the wording in each language) or
 * shown on a session bus. The daemon runs it in a child that is already the refused user, with
 * a clean environment, to tell them about a denial (docs/notice.md).
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "policy/config.h"
#include "notice/notice.h"

static const char notice_help[] =
	"Usage: pdguard notice [--lang LANG] [--reason REASON] [--zone ZONE] [--categories LIST]\n"
	"                      [--contact TEXT] [--audit] [--send ADDRESS] [--timeout-ms N] FILE\n"
	"\n"
	"Print the notice an employee is shown when pdguard refuses them FILE (- reads its name from\n"
	"standard input): a title line, then\n"
	"the body (the file's base name, the reason in words, whom to ask). With --send, also show\n"
	"it as a desktop notification on the D-Bus session bus at ADDRESS, as notify-send does.\n"
	"The running agent uses this command for every notice ([notice] in pdguard.conf(5)): in a\n"
	"child that is the refused user, with LANGUAGE set to the user's language.\n"
	"\n"
	"  --lang LANG        en, ru or kk (default: from LANGUAGE, LC_ALL, LC_MESSAGES or LANG;\n"
	"                     else en)\n"
	"  --reason REASON    role, unknown-user, sync-client, exit-point, to-zone, moved-to-zone\n"
	"                     or other\n"
	"                     (default other)\n"
	"  --zone ZONE        usb or cloud: where a copy was going\n"
	"  --categories LIST  the file's PD categories, e.g. personnel,financial\n"
	"  --contact TEXT     whom to ask (the policy's [notice] contact)\n"
	"  --audit            the wording of audit mode: refused once enforcement starts\n"
	"  --send ADDRESS     a D-Bus address, e.g. unix:path=/run/user/1000/bus\n"
	"  --timeout-ms N     how long the bus may take (default 3000)\n"
	"  -h, --help         this text\n"
	"\n"
	"The notice never holds what the file contains: its name, the reason and the contact only.\n"
	"\n"
	"Exit status: 0 printed (and shown, with --send), 2 the notification could not be shown,\n"
	"64 bad usage.\n";

/* The catalogues: build/locale next to a binary in the build tree, else the system's. */
static void bind_catalogues(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 8];
	struct stat st;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(dir, sizeof(dir), "%s/locale", dirname(exe));
		if (!stat(dir, &st) && S_ISDIR(st.st_mode)) {
			bindtextdomain(NOTICE_DOMAIN, dir);
			goto done;
		}
	}
	bindtextdomain(NOTICE_DOMAIN, NOTICE_LOCALEDIR);
done:
	bind_textdomain_codeset(NOTICE_DOMAIN, "UTF-8");
}

static const char *lang_from_env(void)
{
	static const char *const vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v, *l;
	size_t i;

	for (i = 0; i < 4; i++) {
		v = getenv(vars[i]);
		if (v && v[0] && (l = notice_language_of(v)))
			return l;
	}
	return "en";
}

int cli_notice(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "reason", required_argument, NULL, 'r' },
		{ "zone", required_argument, NULL, 'z' },
		{ "categories", required_argument, NULL, 'c' },
		{ "contact", required_argument, NULL, 'C' },
		{ "audit", no_argument, NULL, 'a' },
		{ "send", required_argument, NULL, 's' },
		{ "timeout-ms", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct notice_msg m = { .reason = 0 };
	const char *lang = NULL, *send = NULL;
	char title[256], body[2048], err[512], bad[64], name[PATH_MAX];
	long timeout_ms = 3000;
	char *end;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			lang = notice_language_of(optarg);
			if (!lang || strcmp(lang, optarg)) {
				cli_error("notice", "--lang %s: allowed are en, ru and kk", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'r':
			r = notice_reason_find(optarg);
			if (r < 0) {
				cli_error("notice", "--reason %s: allowed are role, unknown-user, "
					  "sync-client, exit-point, to-zone, moved-to-zone and other",
					  optarg);
				return EXIT_USAGE;
			}
			m.reason = r;
			break;
		case 'z':
			if (strcmp(optarg, "usb") && strcmp(optarg, "cloud")) {
				cli_error("notice", "--zone %s: allowed are usb and cloud", optarg);
				return EXIT_USAGE;
			}
			m.zone = optarg;
			break;
		case 'c':
			if (config_parse_categories(optarg, &m.cats, bad, sizeof(bad))) {
				cli_error("notice", "--categories: unknown category '%s'", bad);
				cli_hint("the categories are basic, personnel, financial, medical and "
					 "biometric");
				return EXIT_USAGE;
			}
			break;
		case 'C':
			m.contact = optarg;
			break;
		case 'a':
			m.audit = true;
			break;
		case 's':
			send = optarg;
			break;
		case 't':
			errno = 0;
			timeout_ms = strtol(optarg, &end, 10);
			if (errno || *end || timeout_ms < 1 || timeout_ms > 60000) {
				cli_error("notice", "--timeout-ms %s: from 1 to 60000 is allowed",
					  optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			fputs(notice_help, stdout);
			return EXIT_OK;
		default:
			fputs(notice_help, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cli_error("notice", "one FILE is required");
		cli_hint("run 'pdguard notice --help' for the usage.");
		return EXIT_USAGE;
	}
	m.file = argv[optind];
	if (!strcmp(m.file, "-")) {
		/* the daemon's way: a file name in argv is in every user's `ps` */
		if (!fgets(name, sizeof(name), stdin)) {
			cli_error("notice", "no file name on standard input");
			return EXIT_USAGE;
		}
		name[strcspn(name, "\n")] = '\0';
		m.file = name;
	}
	if (!lang)
		lang = lang_from_env();
	/* gettext honours LANGUAGE under C.UTF-8: no locale for the language is needed */
	setenv("LANGUAGE", lang, 1);
	if (!setlocale(LC_ALL, "C.UTF-8"))
		setlocale(LC_ALL, "");
	bind_catalogues();
	notice_format(&m, title, sizeof(title), body, sizeof(body));
	printf("%s\n%s\n", title, body);
	if (fflush(stdout))
		return EXIT_ERROR;
	if (send && notice_send(send, title, body, (int)timeout_ms, err, sizeof(err))) {
		cli_error("notice", "%s", err);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

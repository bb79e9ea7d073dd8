// SPDX-License-Identifier: GPL-2.0
/* `pdguard grant add|list|revoke`: time-limited access to PD categories, with an approver. */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "cli/cli.h"
#include "policy/config.h"
#include "log/events.h"
#include "policy/grants.h"

static const char grant_help[] =
	"Usage: pdguard grant add USER CATEGORY[,CATEGORY...] --until TIME --approver NAME\n"
	"                         --reason TEXT\n"
	"       pdguard grant add --export (--user USER | --group GROUP)\n"
	"                         (--category CATEGORY[,...] | --path FILE-OR-FOLDER)\n"
	"                         --zone ZONE --until TIME --approver NAME [--approver2 NAME]\n"
	"                         --reason TEXT\n"
	"       pdguard grant list [--all]\n"
	"       pdguard grant revoke ID\n"
	"\n"
	"Give a user read access to PD categories beyond their roles, for a limited time.\n"
	"\n"
	"add     USER must exist; CATEGORY is basic, personnel, financial, medical, biometric\n"
	"        (or all). TIME is relative (+90s, +30m, +2h, +7d, +2w) or ISO 8601\n"
	"        (2025-06-30, 2025-06-30T18:00, 2025-06-30T18:00:00+05:00); a date alone means\n"
	"        the end of that day, local time. Prints the new grant's ID.\n"
	"add --export\n"
	"        let a user, or every member of a group, copy PD to a USB or cloud zone (an\n"
	"        export grant never widens what they may read). --category: PD of these\n"
	"        categories, from any file; --path: only PD read from this file or from files\n"
	"        under this folder (with --category too: only those categories of it).\n"
	"        ZONE is usb, cloud or any, or usb:FOLDER / cloud:FOLDER for one stick's mount\n"
	"        point or one sync folder. When the policy says [agent] export_approvers = 2,\n"
	"        --approver2 (another person) is required. --expires is --until.\n"
	"        A --path grant covers its files as they were when it was given (a file\n"
	"        changed since is not covered). The BPF drivers honour grants by category for\n"
	"        a whole zone kind; --path and zone-folder grants only the fanotify driver.\n"
	"list    active grants; --all also expired and revoked ones; export grants in a\n"
	"        second table\n"
	"revoke  end grant ID now\n"
	"\n"
	"Each copy under an export grant is an \"allow\" event naming the grant and its\n"
	"approvers.\n"
	"\n"
	"add and revoke need root. Every change is written to the event log with who gave it\n"
	"(SUDO_USER, or the login user), to whom, what, until when, the approver and the reason.\n"
	"The running agent applies changes within a second, and refuses again the moment a grant\n"
	"expires or is revoked.\n"
	"\n"
	"Options:\n"
	"  --until TIME, --expires TIME    when the grant ends\n"
	"  --approver NAME, --approver2 NAME, --reason TEXT\n"
	"  --export       an export grant (with --user or --group, --category or --path, --zone)\n"
	"  --user USER, --category CATS    the words of a read grant, as options\n"
	"  --config FILE  policy file (default " CONFIG_DEFAULT_PATH "): where state and log are\n"
	"  --state DIR    the agent's state directory (default: the policy's state)\n"
	"  --log FILE     the event log (default: the policy's log)\n"
	"\n"
	"Exit status: 0 done; 2 an error; 64 bad usage.\n";

/* Who is giving the grant: the sudo caller, else the login user, else the real user. */
static void actor_name(char *buf, size_t len)
{
	const char *sudo = getenv("SUDO_USER");
	struct passwd *pw;
	unsigned long luid;
	FILE *f;

	if (sudo && *sudo && getuid() == 0) {
		snprintf(buf, len, "%s", sudo);
		return;
	}
	f = fopen("/proc/self/loginuid", "re");
	if (f) {
		if (fscanf(f, "%lu", &luid) == 1 && luid != 4294967295UL &&
		    (pw = getpwuid((uid_t)luid))) {
			snprintf(buf, len, "%s", pw->pw_name);
			fclose(f);
			return;
		}
		fclose(f);
	}
	pw = getpwuid(getuid());
	if (pw)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "uid %u", (unsigned int)getuid());
}

static const char *grant_status(const struct grant *gr, time_t now)
{
	return gr->revoked ? "revoked" : gr->until <= now ? "expired" : "active";
}

/* Export grants, after the read grants' table (which stays as it always was). */
static void print_exports(const struct grant *v, int n, time_t now)
{
	char cats[128], until[32], zone[PATH_MAX + 16], who[160], approvers[300];
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += v[i].export;
	if (!k)
		return;
	printf("\nEXPORT GRANTS\n%-5s %-16s %-28s %-24s %-21s %-9s %-24s %-16s %s\n", "ID",
	       "USER/GROUP", "CATEGORIES/PATH", "ZONE", "UNTIL", "STATUS", "APPROVERS",
	       "GRANTED BY", "REASON");
	for (i = 0; i < n; i++) {
		const struct grant *gr = &v[i];

		if (!gr->export)
			continue;
		snprintf(who, sizeof(who), "%s%s", gr->group ? "@" : "", gr->user);
		config_format_categories(gr->categories, cats, sizeof(cats));
		if (*gr->path && gr->categories == PDGUARD_CAT_ALL)
			snprintf(cats, sizeof(cats), "%s", gr->path);
		else if (*gr->path)
			snprintf(cats + strlen(cats), sizeof(cats) - strlen(cats), " of %s",
				 gr->path);
		grants_format_zone(gr, zone, sizeof(zone));
		grants_format_time(gr->until, until, sizeof(until));
		snprintf(approvers, sizeof(approvers), "%s%s%s", gr->approver,
			 *gr->approver2 ? ", " : "", gr->approver2);
		printf("%-5u %-16s %-28s %-24s %-21s %-9s %-24s %-16s %s\n", gr->id, who, cats,
		       zone, until, grant_status(gr, now), approvers, gr->by, gr->reason);
	}
}

static void print_grants(const struct grant *v, int n, time_t now)
{
	char cats[128], until[32];
	int i;

	printf("%-5s %-16s %-28s %-21s %-9s %-16s %-16s %s\n", "ID", "USER", "CATEGORIES",
	       "UNTIL", "STATUS", "APPROVER", "GRANTED BY", "REASON");
	for (i = 0; i < n; i++) {
		const struct grant *gr = &v[i];

		if (gr->export)
			continue;

		config_format_categories(gr->categories, cats, sizeof(cats));
		grants_format_time(gr->until, until, sizeof(until));
		printf("%-5u %-16s %-28s %-21s %-9s %-16s %-16s %s\n", gr->id, gr->user, cats,
		       until, grant_status(gr, now), gr->approver, gr->by, gr->reason);
	}
	print_exports(v, n, now);
}

/* the policy named by --config: its log is sealed with its key */
static const char *grant_cfgpath;

static int log_change(const char *logpath, const char *op, const struct grant *gr,
		      const char *actor)
{
	struct eventlog *log;
	int ret = cli_log_open(&log, logpath, grant_cfgpath);

	if (ret) {
		cli_error("grant", "cannot open the event log %s: %s", logpath, strerror(-ret));
		return ret;
	}
	ret = grants_log(log, op, gr, actor);
	eventlog_close(log);
	if (ret)
		cli_error("grant", "cannot write to the event log %s: %s", logpath, strerror(-ret));
	return ret;
}

static int grant_add(struct grants *g, const char *logpath, int argc, char **argv,
		     const char *until_s, const char *approver, const char *reason)
{
	char bad[64], actor[256], when[32];
	struct grant gr = { 0 };
	time_t now = time(NULL);
	struct passwd *pw;
	unsigned int id;
	int ret;

	if (argc != 2 || !until_s || !approver || !reason || !*approver || !*reason) {
		cli_error("grant", "add needs USER, CATEGORY, --until, --approver and --reason");
		cli_hint("pdguard grant add alice financial --until +7d --approver 'A. Seitkali' "
			 "--reason 'ticket 1234'");
		return EXIT_USAGE;
	}
	pw = getpwnam(argv[0]);
	if (!pw) {
		cli_error("grant", "no such user '%s'", argv[0]);
		cli_hint("give the login name as 'getent passwd NAME' knows it.");
		return EXIT_USAGE;
	}
	if (config_parse_categories(argv[1], &gr.categories, bad, sizeof(bad)) || !gr.categories) {
		cli_error("grant", "unknown category '%s'", gr.categories ? bad : argv[1]);
		cli_hint("categories are basic, personnel, financial, medical, biometric, all.");
		return EXIT_USAGE;
	}
	if (grants_parse_time(until_s, now, &gr.until)) {
		cli_error("grant", "--until %s: not a time", until_s);
		cli_hint("use +90s, +30m, +2h, +7d, +2w, or 2025-06-30, 2025-06-30T18:00.");
		return EXIT_USAGE;
	}
	if (gr.until <= now) {
		grants_format_time(gr.until, when, sizeof(when));
		cli_error("grant", "--until %s is in the past (%s)", until_s, when);
		return EXIT_USAGE;
	}
	if (geteuid() != 0) {
		cli_error("grant", "only root may give grants");
		cli_hint("run it with sudo; your name is recorded as the one who gave it.");
		return EXIT_ERROR;
	}
	actor_name(actor, sizeof(actor));
	gr.uid = pw->pw_uid;
	gr.user = pw->pw_name;
	gr.by = actor;
	gr.approver = (char *)approver;
	gr.reason = (char *)reason;
	ret = grants_add(g, &gr, now, &id);
	if (ret) {
		cli_error("grant", "cannot save the grant in %s: %s", g->path, strerror(-ret));
		return EXIT_ERROR;
	}
	gr.id = id;
	gr.created = now;
	grants_format_time(gr.until, when, sizeof(when));
	printf("grant %u: %s may read %s until %s\n", id, gr.user, argv[1], when);
	return log_change(logpath, "grant-add", &gr, actor) ? EXIT_ERROR : EXIT_OK;
}

/* What `grant add` was given besides its words. */
struct add_opts {
	const char *until, *approver, *approver2, *reason;
	const char *user, *group, *category, *path, *zone;
	bool export;
};

/* `grant add --export`: see the help. @approvers: what the policy asks for (1 or 2). */
static int grant_add_export(struct grants *g, const char *logpath, int argc, char **argv,
			    const struct add_opts *o, unsigned int approvers)
{
	char bad[64], actor[256], when[32], zone[PATH_MAX + 16], what[PATH_MAX + 160];
	char *src = NULL, *zpath = NULL, *real;
	const char *user = o->user, *cats_s = o->category;
	struct grant gr = { 0 };
	time_t now = time(NULL);
	unsigned int id;
	int ret, rc = EXIT_USAGE;

	if (argc > 0 && !user && !o->group) {
		user = argv[0];
		argc--;
		argv++;
	}
	if (argc > 0 && !cats_s && !o->path) {
		cats_s = argv[0];
		argc--;
		argv++;
	}
	if (argc > 0) {
		cli_error("grant", "unexpected '%s'", argv[0]);
		return EXIT_USAGE;
	}
	if ((!user == !o->group) || (!cats_s && !o->path) || !o->zone || !o->until ||
	    !o->approver || !*o->approver || !o->reason || !*o->reason) {
		cli_error("grant", "add --export needs --user or --group (one), --category or --path, "
			  "--zone, --until, --approver and --reason");
		cli_hint("pdguard grant add --export --user alice --path /srv/payroll/2025-06.xlsx "
			 "--zone usb --until +1d --approver 'A. Seitkali' --reason 'bank, ticket 1234'");
		return EXIT_USAGE;
	}
	if (approvers > 1 && (!o->approver2 || !*o->approver2)) {
		cli_error("grant", "the policy asks for two approvers of an export "
			  "(export_approvers = 2): --approver2 is missing");
		cli_hint("name the second person who approved it with --approver2 NAME.");
		return EXIT_USAGE;
	}
	if (o->approver2 && *o->approver2 && !strcasecmp(o->approver2, o->approver)) {
		cli_error("grant", "--approver2 must be another person than --approver");
		return EXIT_USAGE;
	}
	if (user) {
		struct passwd *pw = getpwnam(user);

		if (!pw) {
			cli_error("grant", "no such user '%s'", user);
			cli_hint("give the login name as 'getent passwd NAME' knows it.");
			return EXIT_USAGE;
		}
		gr.uid = pw->pw_uid;
		gr.user = strdup(pw->pw_name);
	} else {
		struct group *grp = getgrnam(o->group);

		if (!grp) {
			cli_error("grant", "no such group '%s'", o->group);
			cli_hint("give the group name as 'getent group NAME' knows it.");
			return EXIT_USAGE;
		}
		gr.group = true;
		gr.uid = grp->gr_gid;
		gr.user = strdup(grp->gr_name);
	}
	if (!gr.user)
		goto oom;
	if (cats_s && (config_parse_categories(cats_s, &gr.categories, bad, sizeof(bad)) ||
		       !gr.categories)) {
		cli_error("grant", "unknown category '%s'", gr.categories ? bad : cats_s);
		cli_hint("categories are basic, personnel, financial, medical, biometric, all.");
		goto out;
	}
	if (!cats_s)
		gr.categories = PDGUARD_CAT_ALL;	/* what the file holds, whatever it is */
	if (o->path) {
		/* by its real name: that is the name the driver sees the file opened by */
		src = realpath(o->path, NULL);
		if (!src) {
			cli_error("grant", "--path %s: %s", o->path, strerror(errno));
			cli_hint("give the file or folder the PD is exported from; it must exist.");
			goto out;
		}
	}
	ret = grants_parse_zone(o->zone, &gr.zones, &zpath);
	if (ret == -ENOMEM)
		goto oom;
	if (ret) {
		cli_error("grant", "--zone %s: not a zone", o->zone);
		cli_hint("use usb, cloud, any, or usb:/media/stick, cloud:/home/alice/Dropbox.");
		goto out;
	}
	/* a stick that is not plugged in yet keeps the name it will be mounted at */
	if (*zpath && (real = realpath(zpath, NULL))) {
		free(zpath);
		zpath = real;
	}
	if (grants_parse_time(o->until, now, &gr.until)) {
		cli_error("grant", "--until %s: not a time", o->until);
		cli_hint("use +90s, +30m, +2h, +7d, +2w, or 2025-06-30, 2025-06-30T18:00.");
		goto out;
	}
	if (gr.until <= now) {
		grants_format_time(gr.until, when, sizeof(when));
		cli_error("grant", "--until %s is in the past (%s)", o->until, when);
		goto out;
	}
	actor_name(actor, sizeof(actor));
	gr.export = true;
	gr.path = src ? src : (char *)"";
	gr.zone_path = zpath;
	gr.by = actor;
	gr.approver = (char *)o->approver;
	gr.approver2 = (char *)(o->approver2 ? o->approver2 : "");
	gr.reason = (char *)o->reason;
	ret = grants_add(g, &gr, now, &id);
	if (ret) {
		cli_error("grant", "cannot save the grant in %s: %s", g->path, strerror(-ret));
		rc = EXIT_ERROR;
		goto out;
	}
	gr.id = id;
	gr.created = now;
	grants_format_time(gr.until, when, sizeof(when));
	grants_format_zone(&gr, zone, sizeof(zone));
	config_format_categories(gr.categories, bad, sizeof(bad));
	if (src)
		snprintf(what, sizeof(what), "%s%s%s", cats_s ? bad : "", cats_s ? " of " : "", src);
	else
		snprintf(what, sizeof(what), "%s", bad);
	printf("grant %u: %s%s may export %s to %s until %s\n", id,
	       gr.group ? "members of group " : "", gr.user, what, zone, when);
	rc = log_change(logpath, "grant-add", &gr, actor) ? EXIT_ERROR : EXIT_OK;
	goto out;
oom:
	cli_error("grant", "out of memory");
	rc = EXIT_ERROR;
out:
	free(gr.user);
	free(src);
	free(zpath);
	return rc;
}

static int grant_revoke(struct grants *g, const char *logpath, int argc, char **argv)
{
	char actor[256], *end;
	struct grant gr;
	unsigned long id;
	int ret;

	if (argc != 1) {
		cli_error("grant", "revoke needs one grant ID");
		cli_hint("'pdguard grant list' shows the IDs.");
		return EXIT_USAGE;
	}
	errno = 0;
	id = strtoul(argv[0], &end, 10);
	if (errno || *end || !id || id > 0xffffffffUL) {
		cli_error("grant", "'%s' is not a grant ID", argv[0]);
		return EXIT_USAGE;
	}
	if (geteuid() != 0) {
		cli_error("grant", "only root may revoke grants");
		cli_hint("run it with sudo.");
		return EXIT_ERROR;
	}
	ret = grants_revoke(g, id, time(NULL), &gr);
	if (ret == -ENOENT) {
		cli_error("grant", "no grant %lu", id);
		return EXIT_ERROR;
	} else if (ret == -EALREADY) {
		cli_error("grant", "grant %lu was already revoked", id);
		return EXIT_ERROR;
	} else if (ret) {
		cli_error("grant", "cannot save %s: %s", g->path, strerror(-ret));
		return EXIT_ERROR;
	}
	actor_name(actor, sizeof(actor));
	printf("grant %lu revoked: %s no longer has it\n", id, gr.user);
	ret = log_change(logpath, "grant-revoke", &gr, actor);
	grant_free(&gr);
	return ret ? EXIT_ERROR : EXIT_OK;
}

int cli_grant(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "until", required_argument, NULL, 'u' },
		{ "expires", required_argument, NULL, 'u' },
		{ "approver", required_argument, NULL, 'a' },
		{ "approver2", required_argument, NULL, '2' },
		{ "export", no_argument, NULL, 'E' },
		{ "user", required_argument, NULL, 'U' },
		{ "group", required_argument, NULL, 'G' },
		{ "category", required_argument, NULL, 'C' },
		{ "path", required_argument, NULL, 'P' },
		{ "zone", required_argument, NULL, 'Z' },
		{ "reason", required_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'A' },
		{ "state", required_argument, NULL, 's' },
		{ "log", required_argument, NULL, 'l' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *until = NULL, *approver = NULL, *reason = NULL, *state = NULL, *logp = NULL;
	struct add_opts ao = { 0 };
	const char *cfgpath = CONFIG_DEFAULT_PATH, *sub;
	struct config_errors errs = { 0 };
	struct grant *v;
	struct grants *g;
	struct config cfg;
	bool all = false, cfg_given = false;
	int opt, ret, rc;

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(grant_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	/* options may come before or after the subcommand: getopt moves the words to the end */
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'u': until = optarg; break;
		case 'a': approver = optarg; break;
		case 'r': reason = optarg; break;
		case '2': ao.approver2 = optarg; break;
		case 'E': ao.export = true; break;
		case 'U': ao.user = optarg; break;
		case 'G': ao.group = optarg; break;
		case 'C': ao.category = optarg; break;
		case 'P': ao.path = optarg; break;
		case 'Z': ao.zone = optarg; break;
		case 'A': all = true; break;
		case 's': state = optarg; break;
		case 'l': logp = optarg; break;
		case 'c': cfgpath = optarg; cfg_given = true; break;
		case 'h': fputs(grant_help, stdout); return EXIT_OK;
		default: fputs(grant_help, stderr); return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fputs(grant_help, stderr);
		return EXIT_USAGE;
	}
	sub = argv[0];
	argc--;
	argv++;
	if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "revoke")) {
		cli_error("grant", "unknown subcommand '%s'", sub);
		cli_hint("pdguard grant add|list|revoke; 'pdguard grant --help' explains them.");
		return EXIT_USAGE;
	}
	if ((ao.group || ao.path || ao.zone || ao.approver2) && !ao.export) {
		cli_error("grant", "--group, --path, --zone and --approver2 are for export grants: "
			  "add --export");
		return EXIT_USAGE;
	}
	/* a read grant may name its user and categories by option too */
	if (!strcmp(sub, "add") && !ao.export && (ao.user || ao.category)) {
		static char *words[2];

		if (argc != 0 || !ao.user || !ao.category) {
			cli_error("grant", "give USER and CATEGORY either as words or as --user and "
				  "--category, both");
			return EXIT_USAGE;
		}
		words[0] = (char *)ao.user;
		words[1] = (char *)ao.category;
		argv = words;
		argc = 2;
	}
	if (strcmp(sub, "list") && geteuid() != 0) {
		cli_error("grant", "only root may %s grants", !strcmp(sub, "add") ? "give" : "revoke");
		cli_hint("run it with sudo; your name is recorded as the one who did it.");
		return EXIT_ERROR;
	}
	/* an absent default policy means the defaults; a broken one must not hide where state is */
	grant_cfgpath = cfgpath;
	ret = config_load(cfgpath, &cfg, &errs);
	config_errors_free(&errs);
	if (ret == -ENOENT && cfg_given && (!state || !logp)) {
		/* a policy named on the command line is meant: its defaults are not */
		cli_error("grant", "no policy file %s", cfgpath);
		cli_hint("give the path of the policy the agent runs, or pass --state and --log.");
		config_free(&cfg);
		return EXIT_ERROR;
	}
	if (ret == -EINVAL && (!state || !logp)) {
		cli_error("grant", "%s has errors; fix it or pass --state and --log", cfgpath);
		cli_hint("'pdguard config check %s' lists them.", cfgpath);
		config_free(&cfg);
		return EXIT_ERROR;
	}
	if (!state)
		state = cfg.state;
	if (!logp)
		logp = cfg.log;
	ret = grants_open(&g, state);
	if (ret) {
		cli_error("grant", "cannot read %s/" GRANTS_FILE ": %s", state,
			  ret == -EBADMSG ? "the file is damaged" : strerror(-ret));
		config_free(&cfg);
		return EXIT_ERROR;
	}
	if (!strcmp(sub, "add") && ao.export) {
		ao.until = until;
		ao.approver = approver;
		ao.reason = reason;
		rc = grant_add_export(g, logp, argc, argv, &ao, cfg.export_approvers);
	} else if (!strcmp(sub, "add")) {
		rc = grant_add(g, logp, argc, argv, until, approver, reason);
	} else if (!strcmp(sub, "revoke")) {
		rc = grant_revoke(g, logp, argc, argv);
	} else if (argc) {
		cli_error("grant", "list takes no arguments");
		rc = EXIT_USAGE;
	} else {
		time_t now = time(NULL);

		ret = grants_list(g, all, now, &v);
		if (ret < 0) {
			cli_error("grant", "cannot read the grants: %s", strerror(-ret));
			rc = EXIT_ERROR;
		} else {
			print_grants(v, ret, now);
			grants_free_array(v, ret);
			rc = EXIT_OK;
		}
	}
	grants_close(g);
	config_free(&cfg);
	return rc;
}

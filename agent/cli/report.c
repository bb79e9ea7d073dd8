// SPDX-License-Identifier: GPL-2.0
/* `pdguard report datamap|access|audit`: what an owner and an inspector read (report/). */
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
#include "lib/atomicfile.h"
#include "policy/config.h"
#include "policy/grants.h"
#include "report/report.h"

static const char report_help[] =
	"Usage: pdguard report datamap|access|audit [--config FILE] [--format json|csv|html]\n"
	"                      [--output FILE] [--since TIME] [--until TIME] [--lang en|ru]\n"
	"                      [OPTIONS]\n"
	"\n"
	"Reports for a data owner and an inspector, drawn from the policy, the agent's state\n"
	"(the labels on the files, STATE/labels.cache, STATE/grants) and the event log the policy\n"
	"names, with its rotated files. Nothing else is kept: the log is read in one streaming\n"
	"pass, so a log of millions of events takes seconds and little memory. No report shows a\n"
	"personal-data value: paths, names, counts and times only.\n"
	"\n"
	"datamap  where PD lives: a folder tree with counts, PD by category, label (pd, derived,\n"
	"         unknown), file owner, size, last change, last access and last open in the log.\n"
	"         PD outside the policy's homes (the scan roots) -- desktops, downloads, temporary\n"
	"         folders, cloud and USB zones, files readable by everyone -- and stale exports\n"
	"         (not opened for --stale-days) are listed first.\n"
	"access   who may read and export which category: roles, users with the groups the\n"
	"         system resolves (getgrouplist: local, SSSD, winbind), grants with their expiry,\n"
	"         approver and use; expired and never-used grants. With --grant or --user: the\n"
	"         grant review -- every PD file opened, copied or refused, the distinct PD files\n"
	"         per hour against the policy's mass-export threshold, and a verdict.\n"
	"audit    the readiness sheet: kernel and driver and what it enforces here, mode and its\n"
	"         history, policy hash and reloads, rules version, BPF programs and kernel module,\n"
	"         the log's hash chain (and seals, with --key) with the first break, retention,\n"
	"         alerts and denials per week, open grants, the known gaps that apply; each line\n"
	"         with the evidence it was drawn from.\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE   the policy (default " CONFIG_DEFAULT_PATH ")\n"
	"  -f, --format FMT    json (default), csv or html; without it, the --output file's\n"
	"                      extension (.json, .csv, .html) decides\n"
	"  -o, --output FILE   where to write (default standard output); written whole or not at\n"
	"                      all, mode 0600 (reports name people and files)\n"
	"      --since TIME    count events from TIME; --until TIME: before TIME. TIME is a\n"
	"      --until TIME    date (2026-05-01: from its start; as --until, through its end), an\n"
	"                      ISO time (2026-05-01T09:00, with Z or +05:00), or an age: 7d, 12h,\n"
	"                      2w, 30m ago (-7d also works)\n"
	"      --lang LANG     en or ru for the HTML page (default: from LANG)\n"
	"      --user USER     access: review USER's accesses from --since (default 7 days ago)\n"
	"                      to --until (default now)\n"
	"      --grant ID      access: review grant ID over its lifetime (or --since/--until)\n"
	"      --stale-days N  datamap: an export not opened for N days is stale (default 30)\n"
	"      --also DIR      datamap: also walk DIR (repeatable), e.g. /home to find PD left in\n"
	"                      desktops and downloads\n"
	"      --key KEY       audit: the log's verification key (pdguard log setup-keys), to\n"
	"                      check every seal as well as the chain\n"
	"      --section ID    json, csv: only this section (see docs/reports.md)\n"
	"      --limit N       rows kept per table (default 1000); every row is still counted\n"
	"  -h, --help          this text\n"
	"\n"
	"The JSON shape, the CSV layout and every section are described in docs/reports.md.\n"
	"Reading the log and the grants needs root (they are root's only).\n"
	"\n"
	"Exit status: 0 the report was written; 1 it was written and found a problem (audit: a\n"
	"line marked FAIL, such as a broken log chain; access: a grant review whose verdict is\n"
	"mass export); 2 an error (policy or log unreadable, output not written); 64 bad usage.\n";

/* "7d", "-12h", "2w", "30m", "90s" ago; a date; an ISO time. */
static int parse_when(const char *s, time_t now, bool until, time_t *out)
{
	unsigned long v;
	char *end;
	struct tm tm = { 0 };
	const char *p = s[0] == '-' ? s + 1 : s;

	v = strtoul(p, &end, 10);
	if (end != p && end[0] && !end[1] && strchr("smhdw", end[0])) {
		static const struct { char c; long mul; } u[] = {
			{ 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 } };
		size_t i;

		for (i = 0; u[i].c != end[0]; i++)
			;
		*out = now - (time_t)(v * u[i].mul);
		return 0;
	}
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end && !*end) {
		tm.tm_isdst = -1;
		if (until)
			tm.tm_mday++;
		*out = mktime(&tm);
		return *out == (time_t)-1 ? -EINVAL : 0;
	}
	return grants_parse_time(s, now, out);
}

static const char *lang_from_env(void)
{
	const char *vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" }, *v;
	size_t i;

	for (i = 0; i < 3; i++) {
		v = getenv(vars[i]);
		if (v && *v)
			return !strncmp(v, "ru", 2) ? "ru" : "en";
	}
	return "en";
}

static const char *format_of(const char *out)
{
	const char *dot = out ? strrchr(out, '.') : NULL;

	if (dot && (!strcmp(dot, ".html") || !strcmp(dot, ".htm")))
		return "html";
	if (dot && !strcmp(dot, ".csv"))
		return "csv";
	return "json";
}

static int write_doc(const struct doc *d, const char *fmt, FILE *f, const char *only)
{
	if (!strcmp(fmt, "html"))
		return doc_write_html(d, f);
	if (!strcmp(fmt, "csv"))
		return doc_write_csv(d, f, only);
	return doc_write_json(d, f, only);
}

/* Does the report say something is wrong (exit 1)? */
static bool found_problem(const struct doc *d)
{
	const struct section *s;
	size_t i, r;

	for (r = 0; r < d->summary.nrows; r++) {
		const struct cell *c = &d->summary.cells[r * 2];

		if (!strcmp(c[0].s, "verdict") && c[1].s && !strcmp(c[1].s, "mass-export"))
			return true;
	}
	for (i = 0; i < d->nsecs; i++) {
		s = &d->secs[i];
		if (s->status_col < 0)
			continue;
		for (r = 0; r < s->nrows; r++) {
			const struct cell *c = &s->cells[r * s->ncols + s->status_col];

			if (c->s && !strcmp(c->s, "fail"))
				return true;
		}
	}
	return false;
}

int cli_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "lang", required_argument, NULL, 'L' },
		{ "user", required_argument, NULL, 'u' },
		{ "grant", required_argument, NULL, 'g' },
		{ "stale-days", required_argument, NULL, 'd' },
		{ "also", required_argument, NULL, 'a' },
		{ "key", required_argument, NULL, 'k' },
		{ "section", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct report_ctx c = { .cfgpath = CONFIG_DEFAULT_PATH, .grant_id = -1, .stale_days = 30,
				.limit = 1000 };
	const char *fmt = NULL, *out = NULL, *lang = NULL, *kind, *only = NULL;
	const char *since = NULL, *until = NULL;
	struct config_errors errs = { 0 };
	struct atomic_file af;
	struct stat st;
	struct doc d;
	unsigned long v;
	char *end;
	int opt, ret, rc;

	c.now = time(NULL);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:f:o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': c.cfgpath = optarg; break;
		case 'f': fmt = optarg; break;
		case 'o': out = optarg; break;
		case 'S': since = optarg; break;
		case 'U': until = optarg; break;
		case 'L': lang = optarg; break;
		case 'u': c.user = optarg; break;
		case 'k': c.key = optarg; break;
		case 's': only = optarg; break;
		case 'a':
			if (strlist_add(&c.also, optarg))
				return EXIT_ERROR;
			break;
		case 'g':
		case 'd':
		case 'l':
			v = strtoul(optarg, &end, 10);
			if (end == optarg || *end || v > 1000000000UL) {
				cli_error("report", "--%s '%s' is not a number",
					  opt == 'g' ? "grant" : opt == 'd' ? "stale-days" : "limit",
					  optarg);
				return EXIT_USAGE;
			}
			if (opt == 'g')
				c.grant_id = (long)v;
			else if (opt == 'd')
				c.stale_days = (unsigned int)v;
			else
				c.limit = v ? v : 1;
			break;
		case 'h': fputs(report_help, stdout); return EXIT_OK;
		default: fputs("Run 'pdguard report --help' for the options.\n", stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		cli_error("report", optind >= argc ? "which report? datamap, access or audit" :
			  "one report at a time");
		cli_hint("pdguard report datamap|access|audit --format html --output FILE");
		strlist_free(&c.also);
		return EXIT_USAGE;
	}
	kind = argv[optind];
	if (strcmp(kind, "datamap") && strcmp(kind, "access") && strcmp(kind, "audit")) {
		cli_error("report", "unknown report '%s'", kind);
		cli_hint("the reports are datamap, access and audit.");
		strlist_free(&c.also);
		return EXIT_USAGE;
	}
	if (!fmt)
		fmt = format_of(out);
	if (strcmp(fmt, "json") && strcmp(fmt, "csv") && strcmp(fmt, "html")) {
		cli_error("report", "--format '%s': json, csv or html", fmt);
		strlist_free(&c.also);
		return EXIT_USAGE;
	}
	if (!lang)
		lang = lang_from_env();
	else if (strcmp(lang, "en") && strcmp(lang, "ru")) {
		cli_error("report", "--lang '%s': en or ru", lang);
		strlist_free(&c.also);
		return EXIT_USAGE;
	}
	if ((since && parse_when(since, c.now, false, &c.since)) ||
	    (until && parse_when(until, c.now, true, &c.until))) {
		cli_error("report", "--%s '%s' is not a time", since && parse_when(since, c.now,
			  false, &c.since) ? "since" : "until", since && parse_when(since, c.now,
			  false, &c.since) ? since : until);
		cli_hint("a date (2026-05-01), an ISO time (2026-05-01T09:00+05:00) or an age "
			 "(7d, 12h, 2w)");
		strlist_free(&c.also);
		return EXIT_USAGE;
	}
	if (c.since && c.until && c.since >= c.until) {
		cli_error("report", "--since is not before --until");
		strlist_free(&c.also);
		return EXIT_USAGE;
	}
	if ((c.user || c.grant_id >= 0) && strcmp(kind, "access")) {
		cli_error("report", "--user and --grant belong to the access report");
		strlist_free(&c.also);
		return EXIT_USAGE;
	}

	ret = config_load(c.cfgpath, &c.cfg, &errs);
	if (ret) {
		cli_error("report", "cannot use the policy %s: %s", c.cfgpath,
			  errs.n ? errs.v[0].msg : strerror(-ret));
		cli_hint("'pdguard config check %s' lists its problems.", c.cfgpath);
		config_errors_free(&errs);
		config_free(&c.cfg);
		strlist_free(&c.also);
		return EXIT_ERROR;
	}
	config_errors_free(&errs);
	if (access(c.cfg.log, R_OK) && errno != ENOENT) {
		cli_error("report", "cannot read the event log %s: %s", c.cfg.log, strerror(errno));
		cli_hint("the log is root's only: run the report with sudo.");
		config_free(&c.cfg);
		strlist_free(&c.also);
		return EXIT_ERROR;
	}

	doc_set_limit(c.limit);
	rc = EXIT_ERROR;
	if (doc_init(&d, kind))
		goto out;
	d.lang = lang;
	d.since = c.since;
	d.until = c.until;
	d.policy = strdup(c.cfgpath);
	d.log = strdup(c.cfg.log);
	ret = !strcmp(kind, "datamap") ? report_datamap(&c, &d) :
	      !strcmp(kind, "access") ? report_access(&c, &d) : report_audit(&c, &d);
	if (ret == -ENOENT && c.grant_id >= 0) {
		cli_error("report", "no grant %ld in %s/" GRANTS_FILE, c.grant_id, c.cfg.state);
		cli_hint("'pdguard grant list --all' shows the grants.");
		goto out_doc;
	}
	if (ret == -ESRCH) {
		cli_error("report", "no such user: %s", c.user);
		rc = EXIT_USAGE;
		goto out_doc;
	}
	if (ret) {
		cli_error("report", "cannot build the %s report: %s", kind, strerror(-ret));
		goto out_doc;
	}
	if (!out || !strcmp(out, "-")) {
		ret = write_doc(&d, fmt, stdout, only);
		if (!ret && fflush(stdout))
			ret = -errno;
	} else if (!stat(out, &st) && !S_ISREG(st.st_mode)) {
		/* a device or a pipe: written as it is, there is nothing to replace */
		FILE *f = fopen(out, "we");

		ret = f ? write_doc(&d, fmt, f, only) : -errno;
		if (f && fclose(f) && !ret)
			ret = -errno;
	} else {
		ret = atomic_file_open(&af, out, 0600);
		if (!ret) {
			ret = write_doc(&d, fmt, af.f, only);
			if (ret)
				atomic_file_abort(&af);
			else
				ret = atomic_file_commit(&af);
		}
	}
	if (ret) {
		cli_error("report", "cannot write %s: %s", out ? out : "the report",
			  strerror(-ret));
		goto out_doc;
	}
	rc = found_problem(&d) ? EXIT_FOUND : EXIT_OK;
out_doc:
	doc_free(&d);
out:
	config_free(&c.cfg);
	strlist_free(&c.also);
	return rc;
}

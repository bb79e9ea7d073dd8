// SPDX-License-Identifier: GPL-2.0
/*
 * `pdguard stats`: the running agent's counters, for people (text), programs (JSON) and
 * Prometheus (its text exposition format, on stdout or as a node-exporter textfile).
 * Everything comes from STATE/agent.run and STATE/agent.stats (daemon/runfile.h, stats.h).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "cli/cli.h"
#include "daemon/runfile.h"
#include "daemon/stats.h"
#include "lib/atomicfile.h"
#include "lib/json.h"
#include "policy/config.h"

/* Counters older than this say the agent is stuck (it rewrites them every 5 s). */
#define STALE_S 30

struct stats_view {
	int rc;			/* 0 agent up; -ENOENT none; -ENOMEDIUM no policy; other: error */
	int src;		/* stats_read(): 0, or why the counters are missing */
	const char *what;	/* what could not be read, for the error message */
	const char *where;	/* and its path */
	char state[4096];
	struct agent_run run;
	struct agent_stats *s;
};

static void view_load(const char *cfgpath, struct stats_view *v)
{
	struct config_errors errs = { 0 };
	struct config cfg = { 0 };
	int ret;

	v->src = -ENOENT;
	v->what = "the policy";
	v->where = cfgpath;
	ret = config_load(cfgpath, &cfg, &errs);
	config_errors_free(&errs);
	if (ret) {
		config_free(&cfg);
		v->rc = ret == -ENOENT ? -ENOMEDIUM : ret;
		return;
	}
	snprintf(v->state, sizeof(v->state), "%s", cfg.state);
	config_free(&cfg);
	v->what = "the agent's state";
	v->where = v->state;
	ret = runfile_read(v->state, &v->run);
	v->rc = ret == -ESRCH ? -ENOENT : ret;	/* left by an agent that died: none */
	if (v->rc)
		return;
	v->what = "the agent's counters";
	v->src = stats_read(v->state, v->s);
	/* left by an agent before this one, which has not written its own yet */
	if (!v->src && v->s->started != v->run.started)
		v->src = -ENOENT;
}

/* ---- Prometheus ---- */

/* A label value, escaped as the exposition format says (ours never need it, but it is cheap). */
static void prom_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static void prom_head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void prom_one(FILE *f, const char *name, const char *type, const char *help,
		     uint64_t v)
{
	prom_head(f, name, type, help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

static uint64_t decision_total(const struct agent_stats *s, int dec)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < s->nops; i++)
		n += s->ops[i].n[dec];
	return n;
}

static void prom_driver(FILE *f, const struct driver_stats *d)
{
	static const struct {
		unsigned int bit;
		const char *name, *type, *help;
		size_t off;
	} m[] = {
		{ DRIVER_STAT_REQUESTS, "pdguard_driver_requests_total", "counter",
		  "Permission requests the agent answered (fanotify driver).",
		  offsetof(struct driver_stats, requests) },
		{ DRIVER_STAT_PENDING, "pdguard_driver_pending_requests", "gauge",
		  "Permission requests read from the kernel and not yet answered.",
		  offsetof(struct driver_stats, pending) },
		{ DRIVER_STAT_LOG_QUEUE, "pdguard_driver_log_queue_events", "gauge",
		  "Decisions made and waiting to be written to the event log.",
		  offsetof(struct driver_stats, log_queue) },
		{ DRIVER_STAT_OVERFLOWS, "pdguard_driver_queue_overflows_total", "counter",
		  "Times the kernel's fanotify queue overflowed (events were lost).",
		  offsetof(struct driver_stats, overflows) },
		{ DRIVER_STAT_WATCHDOG, "pdguard_driver_watchdog_answers_total", "counter",
		  "Requests answered by the watchdog because the decision took too long.",
		  offsetof(struct driver_stats, watchdog) },
		{ DRIVER_STAT_ANSWERS_REFUSED, "pdguard_driver_answers_refused_total", "counter",
		  "Answers the kernel refused (the opener had gone).",
		  offsetof(struct driver_stats, answers_refused) },
		{ DRIVER_STAT_RINGBUF_DROPS, "pdguard_driver_ringbuf_drops_total", "counter",
		  "Events the BPF programs lost because the ring buffer was full.",
		  offsetof(struct driver_stats, ringbuf_drops) },
	};
	size_t i;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (d->have & m[i].bit)
			prom_one(f, m[i].name, m[i].type, m[i].help,
				 *(const uint64_t *)((const char *)d + m[i].off));
}

static void prom_write(FILE *f, const struct stats_view *v)
{
	const struct agent_stats *s = v->s;
	bool up = !v->rc;
	unsigned int i;
	int j;

	prom_one(f, "pdguard_up", "gauge", "Whether the pdguard agent runs (1) or not (0).", up);
	prom_one(f, "pdguard_stats_error", "gauge", "1 when pdguard stats could not read the "
		 "policy, the agent's state or its counters (the reason is on its stderr).",
		 (v->rc && v->rc != -ENOENT && v->rc != -ENOMEDIUM) ||
		 (up && v->src && v->src != -ENOENT));
	if (!up)
		return;
	prom_head(f, "pdguard_info", "gauge", "The running agent's driver, mode, classification "
		  "engine and version (the value is 1).");
	fputs("pdguard_info{driver=\"", f);
	prom_value(f, v->run.driver);
	fprintf(f, "\",mode=\"%s\",engine=\"", v->run.mode == PDGUARD_MODE_ENFORCE ? "enforce" :
		"audit");
	prom_value(f, !v->src && s->engine[0] ? s->engine : "unknown");
	fprintf(f, "\",version=\"%s\"} 1\n", PDGUARD_VERSION);
	prom_one(f, "pdguard_enforcing", "gauge", "1 in enforce mode, 0 in audit mode.",
		 v->run.mode == PDGUARD_MODE_ENFORCE);
	prom_one(f, "pdguard_start_time_seconds", "gauge", "When the agent started, seconds "
		 "since the epoch.", (uint64_t)v->run.started);
	prom_one(f, "pdguard_policy_generation", "gauge", "Policy generation the agent runs "
		 "(1 at start, one more for every reload it applied).", v->run.policy_gen);
	if (v->src)
		return;
	prom_one(f, "pdguard_last_update_timestamp_seconds", "gauge", "When the agent last "
		 "wrote its counters (every 5 s while it runs): its heartbeat.",
		 (uint64_t)s->updated);
	prom_one(f, "pdguard_events_written_total", "counter", "Events written to the event "
		 "log since the agent started.", s->events_written);
	prom_one(f, "pdguard_event_write_failures_total", "counter", "Events the agent failed "
		 "to write to the event log.", s->events_failed);
	prom_head(f, "pdguard_decisions_total", "counter", "Events written, by decision "
		  "(allow, deny, would-deny, alert; info for the agent's own events).");
	for (j = 0; j < STATS_DEC_OTHER; j++)
		fprintf(f, "pdguard_decisions_total{decision=\"%s\"} %" PRIu64 "\n",
			stats_decision_name(j), decision_total(s, j));
	if (decision_total(s, STATS_DEC_OTHER))
		fprintf(f, "pdguard_decisions_total{decision=\"other\"} %" PRIu64 "\n",
			decision_total(s, STATS_DEC_OTHER));
	prom_head(f, "pdguard_events_total", "counter", "Events written, by operation and "
		  "decision (alerts by the alert's operation).");
	for (i = 0; i < s->nops; i++)
		for (j = 0; j < STATS_DECISIONS; j++)
			if (s->ops[i].n[j]) {
				fputs("pdguard_events_total{op=\"", f);
				prom_value(f, s->ops[i].op);
				fprintf(f, "\",decision=\"%s\"} %" PRIu64 "\n",
					stats_decision_name(j), s->ops[i].n[j]);
			}
	prom_driver(f, &s->drv);
	prom_head(f, "pdguard_labels", "gauge", "Files the agent holds a label for, by label.");
	fprintf(f, "pdguard_labels{label=\"pd\"} %" PRIu64 "\npdguard_labels{label=\"none\"} %"
		PRIu64 "\n", s->labels_pd, s->labels - (s->labels_pd < s->labels ? s->labels_pd :
							 s->labels));
	prom_one(f, "pdguard_labels_map_full_total", "counter", "Labels the kernel's labels map "
		 "had no room for (enforced from the files' label attributes instead).",
		 s->labels_full);
	prom_one(f, "pdguard_labels_stale_total", "counter", "Cached labels dropped because they "
		 "no longer named the same file.", s->labels_stale);
	prom_one(f, "pdguard_scan_initial_done", "gauge", "1 once the first scan of the scan "
		 "roots has finished.", s->scan_done);
	prom_one(f, "pdguard_scan_files_read_total", "counter", "Files read and classified.",
		 s->scan_read);
	prom_one(f, "pdguard_scan_files_unchanged_total", "counter", "Files whose label was still "
		 "current (not read again).", s->scan_unchanged);
	prom_one(f, "pdguard_scan_pd_files_total", "counter", "Files classified as holding PD.",
		 s->scan_pd);
	prom_one(f, "pdguard_scan_unknown_files_total", "counter", "Files not read whole "
		 "(encrypted, unsupported, over a limit): labelled as the policy's unknown = says.",
		 s->scan_unknown);
	prom_one(f, "pdguard_scan_over_limit_total", "counter", "Of the unknown files, those "
		 "skipped because they exceeded an extraction limit before.", s->scan_over_limit);
	prom_one(f, "pdguard_scan_errors_total", "counter", "Files that could not be classified.",
		 s->scan_errors);
}

static int textfile_write(const char *path, const struct stats_view *v)
{
	struct atomic_file a;
	int ret = atomic_file_open(&a, path, 0644);

	if (ret)
		return ret;
	/* node-exporter reads it as its own user, whatever our umask */
	if (fchmod(fileno(a.f), 0644)) {
		ret = -errno;
		atomic_file_abort(&a);
		return ret;
	}
	prom_write(a.f, v);
	return atomic_file_commit(&a);
}

/* ---- text and JSON ---- */

static void print_duration(uint64_t s)
{
	if (s >= 86400)
		printf("%" PRIu64 " d %" PRIu64 " h", s / 86400, s % 86400 / 3600);
	else if (s >= 3600)
		printf("%" PRIu64 " h %" PRIu64 " min", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		printf("%" PRIu64 " min %" PRIu64 " s", s / 60, s % 60);
	else
		printf("%" PRIu64 " s", s);
}

static void print_text(const struct stats_view *v)
{
	const struct agent_stats *s = v->s;
	const struct driver_stats *d = &s->drv;
	time_t now = time(NULL);
	char when[64] = "";
	unsigned int i;
	struct tm tm;
	int j, k = 0;

	if (localtime_r(&v->run.started, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("Agent: running, pid %d since %s (up ", (int)v->run.pid, when);
	print_duration(now > v->run.started ? (uint64_t)(now - v->run.started) : 0);
	printf("), driver %s, mode %s, engine %s, policy generation %" PRIu64 "\n",
	       v->run.driver, v->run.mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit",
	       !v->src && s->engine[0] ? s->engine : "unknown", v->run.policy_gen);
	if (v->src) {
		printf("Counters: not written yet (the agent writes them every 5 s)\n");
		return;
	}
	printf("Counters: written ");
	print_duration(now > s->updated ? (uint64_t)(now - s->updated) : 0);
	printf(" ago%s\n", now - s->updated > STALE_S ? " -- STALE: the agent may be stuck" : "");
	printf("Events: %" PRIu64 " written, %" PRIu64 " failed to write\n", s->events_written,
	       s->events_failed);
	printf("  by decision:");
	for (j = 0; j < STATS_DEC_OTHER; j++)
		printf("%s %s %" PRIu64, j ? "," : "", stats_decision_name(j),
		       decision_total(s, j));
	printf("\n");
	for (i = 0; i < s->nops; i++) {
		printf("  %-22s", s->ops[i].op);
		for (j = 0; j < STATS_DECISIONS; j++)
			if (s->ops[i].n[j])
				printf(" %s %" PRIu64, stats_decision_name(j), s->ops[i].n[j]);
		printf("\n");
	}
	printf("Driver %s:", v->run.driver);
	if (!d->have)
		printf(" no counters of its own");
#define DRV(bit, field, what)							\
	if (d->have & (bit))							\
		printf("%s %" PRIu64 " " what, k++ ? "," : "", d->field);
	DRV(DRIVER_STAT_REQUESTS, requests, "requests answered")
	DRV(DRIVER_STAT_PENDING, pending, "pending")
	DRV(DRIVER_STAT_LOG_QUEUE, log_queue, "waiting for the log")
	DRV(DRIVER_STAT_OVERFLOWS, overflows, "queue overflows")
	DRV(DRIVER_STAT_WATCHDOG, watchdog, "answered by the watchdog")
	DRV(DRIVER_STAT_ANSWERS_REFUSED, answers_refused, "answers refused")
	DRV(DRIVER_STAT_RINGBUF_DROPS, ringbuf_drops, "ring-buffer drops")
#undef DRV
	printf("\n");
	printf("Labels: %" PRIu64 " files known, %" PRIu64 " with PD; %" PRIu64 " the kernel's map "
	       "had no room for; %" PRIu64 " stale cached labels dropped\n", s->labels,
	       s->labels_pd, s->labels_full, s->labels_stale);
	printf("Scan: first scan %s; %" PRIu64 " files read, %" PRIu64 " unchanged, %" PRIu64
	       " with PD, %" PRIu64 " unknown (%" PRIu64 " over a limit before), %" PRIu64
	       " errors\n", s->scan_done ? "done" : "running", s->scan_read, s->scan_unchanged,
	       s->scan_pd, s->scan_unknown, s->scan_over_limit, s->scan_errors);
}

static void print_json(const struct stats_view *v)
{
	const struct agent_stats *s = v->s;
	const struct driver_stats *d = &s->drv;
	unsigned int i;
	int j, k;

	if (v->rc) {
		printf("{\"up\":false}\n");
		return;
	}
	printf("{\"up\":true,\"pid\":%d,\"started\":%lld,\"driver\":", (int)v->run.pid,
	       (long long)v->run.started);
	json_put_string(stdout, v->run.driver);
	printf(",\"mode\":\"%s\",\"policy_generation\":%" PRIu64 ",\"engine\":",
	       v->run.mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit", v->run.policy_gen);
	json_put_string(stdout, !v->src && s->engine[0] ? s->engine : "unknown");
	if (v->src) {
		printf(",\"counters\":null}\n");
		return;
	}
	printf(",\"updated\":%lld,\"events\":{\"written\":%" PRIu64 ",\"failed\":%" PRIu64
	       ",\"by_decision\":{", (long long)s->updated, s->events_written, s->events_failed);
	for (j = 0; j < STATS_DEC_OTHER; j++)
		printf("%s\"%s\":%" PRIu64, j ? "," : "", stats_decision_name(j),
		       decision_total(s, j));
	printf("},\"by_op\":{");
	for (i = 0; i < s->nops; i++) {
		printf("%s", i ? "," : "");
		json_put_string(stdout, s->ops[i].op);
		printf(":{");
		for (j = 0, k = 0; j < STATS_DECISIONS; j++)
			if (s->ops[i].n[j])
				printf("%s\"%s\":%" PRIu64, k++ ? "," : "", stats_decision_name(j),
				       s->ops[i].n[j]);
		printf("}");
	}
	printf("}},\"driver_counters\":{");
	k = 0;
#define JS(bit, name)								\
	if (d->have & (bit))							\
		printf("%s\"" #name "\":%" PRIu64, k++ ? "," : "", d->name);
	JS(DRIVER_STAT_REQUESTS, requests)
	JS(DRIVER_STAT_PENDING, pending)
	JS(DRIVER_STAT_LOG_QUEUE, log_queue)
	JS(DRIVER_STAT_OVERFLOWS, overflows)
	JS(DRIVER_STAT_WATCHDOG, watchdog)
	JS(DRIVER_STAT_ANSWERS_REFUSED, answers_refused)
	JS(DRIVER_STAT_RINGBUF_DROPS, ringbuf_drops)
#undef JS
	printf("},\"labels\":{\"known\":%" PRIu64 ",\"pd\":%" PRIu64 ",\"map_full\":%" PRIu64
	       ",\"stale\":%" PRIu64 "},\"scan\":{\"initial_done\":%s,\"read\":%" PRIu64
	       ",\"unchanged\":%" PRIu64 ",\"pd\":%" PRIu64 ",\"unknown\":%" PRIu64
	       ",\"over_limit\":%" PRIu64 ",\"errors\":%" PRIu64 "}}\n", s->labels, s->labels_pd,
	       s->labels_full, s->labels_stale, s->scan_done ? "true" : "false", s->scan_read,
	       s->scan_unchanged, s->scan_pd, s->scan_unknown, s->scan_over_limit,
	       s->scan_errors);
}

static const char stats_help[] =
	"Usage: pdguard stats [--config FILE] [--json | --prometheus] [--textfile FILE]\n"
	"\n"
	"Show the running agent's counters since it started: events written to the log and\n"
	"writes that failed; decisions (allow, deny, would-deny, alert) by operation; the\n"
	"driver's queue (fanotify: requests answered, pending, waiting for the log, queue\n"
	"overflows, watchdog answers; BPF: ring-buffer drops); labels known and those the kernel's\n"
	"map had no room for; the scan's progress (files read, with PD, unknown, errors); the\n"
	"agent's pid, driver, mode, engine, start time and the time it last wrote its counters.\n"
	"\n"
	"The agent rewrites STATE/" STATS_NAME " every 5 s (STATE is the policy's state\n"
	"directory, root-only); this command reads it with STATE/" RUNFILE_NAME ", whatever the\n"
	"driver. It changes nothing. Counters are cumulative since the agent's start (a restart\n"
	"resets them), so Prometheus' rate() and increase() apply. No label value is ever a path\n"
	"or a user name.\n"
	"\n"
	"  --config FILE    the policy that names the state directory (default\n"
	"                   " CONFIG_DEFAULT_PATH ")\n"
	"  --json           one JSON object on one line\n"
	"  --prometheus     the Prometheus text exposition format (metrics pdguard_*, with HELP\n"
	"                   and TYPE lines), for a scrape through a wrapper or a pipe\n"
	"  --textfile FILE  write the Prometheus format to FILE atomically (mode 0644), for\n"
	"                   node-exporter's textfile collector (FILE ending in .prom, in its\n"
	"                   --collector.textfile.directory); implies --prometheus\n"
	"  -h, --help       this text\n"
	"\n"
	"With no agent running, --prometheus and --textfile give pdguard_up 0 and exit 0 (a\n"
	"scrape must not fail because the agent is down).\n"
	"\n"
	"Exit status: 0 the counters were shown; 1 no agent runs (text and --json); 2 the policy,\n"
	"the state or the counters could not be read (--prometheus and --textfile then also\n"
	"give pdguard_stats_error 1), or FILE could not be written; 64 bad usage.\n"
	"See docs/metrics.md for the metrics, a scrape configuration and alerting rules.\n";

int cli_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ "textfile", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cfgpath = CONFIG_DEFAULT_PATH, *textfile = NULL;
	struct stats_view v = { 0 };
	int json = 0, prom = 0, opt, ret, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': cfgpath = optarg; break;
		case 'j': json = 1; break;
		case 'p': prom = 1; break;
		case 't': textfile = optarg; prom = 1; break;
		case 'h': fputs(stats_help, stdout); return EXIT_OK;
		default: fputs(stats_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("stats", "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}
	if (json && prom) {
		cli_error("stats", "--json and --prometheus (or --textfile) are two formats: "
			  "choose one");
		return EXIT_USAGE;
	}
	if (textfile && !textfile[0]) {
		cli_error("stats", "--textfile needs a file name");
		return EXIT_USAGE;
	}
	v.s = calloc(1, sizeof(*v.s));
	if (!v.s) {
		cli_error("stats", "out of memory");
		return EXIT_ERROR;
	}
	view_load(cfgpath, &v);

	/* what went wrong, once, on stderr; the formats below say it their own way */
	rc = EXIT_OK;
	if (v.rc == -ENOENT || v.rc == -ENOMEDIUM) {
		if (!prom) {
			if (v.rc == -ENOMEDIUM)
				cli_error("stats", "no policy at %s, so no agent runs with it (--config "
					  "names another)", cfgpath);
			else
				cli_error("stats", "the agent is not running (no live %s/"
					  RUNFILE_NAME " for the policy %s)", v.state, cfgpath);
			cli_hint("start it: systemctl start pdguard (or pdguard run --config "
				 "FILE)");
			rc = EXIT_FOUND;
		}
	} else if (v.rc || (v.src && v.src != -ENOENT)) {
		int err = v.rc ? v.rc : v.src;

		cli_error("stats", "cannot read %s (%s): %s", v.what, v.where,
			  err == -EINVAL ? "pdguard config check says why" :
			  err == -EBADMSG ? "damaged" : strerror(-err));
		if (err == -EACCES)
			cli_hint("%s is root's: run it as root (or from root's cron with --textfile)",
				 v.where);
		rc = EXIT_ERROR;
	}

	if (textfile) {
		ret = textfile_write(textfile, &v);
		if (ret) {
			cli_error("stats", "cannot write '%s': %s", textfile, strerror(-ret));
			rc = EXIT_ERROR;
		}
	} else if (prom) {
		prom_write(stdout, &v);
	} else if (json) {
		print_json(&v);
	} else if (!v.rc) {
		print_text(&v);
	}
	free(v.s);
	if (fflush(stdout) || ferror(stdout)) {
		cli_error("stats", "cannot write the output: %s", strerror(errno));
		return EXIT_ERROR;
	}
	return rc;
}

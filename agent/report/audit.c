// SPDX-License-Identifier: GPL-2.0
/*
 * The audit readiness sheet: is the control on, with which driver and what that driver enforces
 * on this kernel; the mode and its history; which policy and rules are in force; the module and
 * the BPF programs; whether the log is whole (chain and seals, with the first break); alerts and
 * denials per week; open grants; the known gaps that apply to this host. Every line says what
 * it was drawn from, so an inspector can check it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "drivers/bpf/admin.h"
#include "drivers/kmod/netlink.h"
#include "lib/vocab.h"
#include "log/events.h"
#include "log/seal.h"
#include "policy/grants.h"
#include "report/report.h"

struct sheet {
	struct section *s;
};

static void line(struct sheet *sh, const char *item, const char *status, const char *evidence,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void line(struct sheet *sh, const char *item, const char *status, const char *evidence,
		 const char *fmt, ...)
{
	struct cell *r = sh->s ? doc_row(sh->s) : NULL;
	char *v = NULL;
	va_list ap;

	if (!r)
		return;
	va_start(ap, fmt);
	if (vasprintf(&v, fmt, ap) < 0)
		v = NULL;
	va_end(ap);
	cell_str(&r[0], item);
	cell_str(&r[1], v);
	cell_str(&r[2], status);
	cell_str(&r[3], evidence);
	free(v);
}

/* SHA-256 of a file's bytes into @ctx (or of the file alone when @ctx is NULL, into @hex). */
static int hash_file(EVP_MD_CTX *ctx, const char *path)
{
	unsigned char buf[65536];
	size_t n;
	FILE *f = fopen(path, "re");

	if (!f)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		EVP_DigestUpdate(ctx, buf, n);
	n = ferror(f);
	fclose(f);
	return n ? -EIO : 0;
}

static void hex_final(EVP_MD_CTX *ctx, char hex[65])
{
	unsigned char md[32];
	unsigned int len = 0, i;

	EVP_DigestFinal_ex(ctx, md, &len);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static int sha256_of_file(const char *path, char hex[65])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ret;

	if (!ctx)
		return -ENOMEM;
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	ret = hash_file(ctx, path);
	if (!ret)
		hex_final(ctx, hex);
	EVP_MD_CTX_free(ctx);
	return ret;
}

static int cmp_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int rules_filter(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 5 && !strcmp(e->d_name + n - 5, ".conf");
}

/*
 * The rules' version: a hash over the names and bytes of rules.d/NN-name.conf files in order,
 * layer after layer (shipped, then local).
 */
static int rules_version(const struct strlist *dirs, char hex[65], int *count)
{
	struct dirent **names;
	char path[PATH_MAX];
	EVP_MD_CTX *ctx;
	int n, i, ret = 0;
	size_t l;

	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return -ENOMEM;
	EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	*count = 0;
	for (l = 0; l < dirs->n && !ret; l++) {
		n = scandir(dirs->v[l], &names, rules_filter, cmp_name);
		if (n < 0) {
			ret = -errno;
			break;
		}
		for (i = 0; i < n; i++) {
			if (!ret) {
				EVP_DigestUpdate(ctx, names[i]->d_name,
						 strlen(names[i]->d_name) + 1);
				snprintf(path, sizeof(path), "%s/%s", dirs->v[l], names[i]->d_name);
				ret = hash_file(ctx, path);
			}
			free(names[i]);
		}
		free(names);
		*count += n;
	}
	if (!ret)
		hex_final(ctx, hex);
	EVP_MD_CTX_free(ctx);
	return ret;
}

static const char *driver_setting(int d)
{
	switch (d) {
	case DRIVER_BPF_LSM: return "bpf-lsm";
	case DRIVER_FMOD_RET: return "fmod-ret";
	case DRIVER_FANOTIFY: return "fanotify";
	default: return "auto";
	}
}

static const char *driver_enforces(const char *drv)
{
	if (!strcmp(drv, "bpf-lsm"))
		return "decisions in the kernel at open, read, write, rename, link, mmap and xattr "
		       "changes; taint follows processes, children and pipes; pinned, so it goes "
		       "on when the agent stops";
	if (!strcmp(drv, "fmod-ret"))
		return "the BPF programs attached to security_* functions: the same decisions as "
		       "bpf-lsm, labels from the agent's map (derived labels lost if it fills)";
	if (!strcmp(drv, "fanotify"))
		return "open-time decisions only, answered by the agent: role gating of PD reads, "
		       "sync clients refused, tainted processes refused files in zones; a rename "
		       "into a zone is seen afterwards and undone; nothing is enforced while the "
		       "agent is stopped";
	return "nothing: no driver has written an event";
}

struct weekc {
	int64_t week;
	uint64_t denials, would_deny, alerts, pd_opens, copies;
};

static void weeks_section(struct doc *d, const struct logscan *ls)
{
	static const char *const cols[] = { "week", "pd_opens", "denials", "would_deny",
					    "alerts", "copies" };
	struct section *s = doc_section(d, "weeks", cols, 6);
	struct weekc w = { .week = INT64_MIN };
	struct cell *r;
	size_t i;

	if (!s)
		return;
	s->chart = (struct chart){ CHART_TIME, 0, { 1, 2, 4 }, 3, 0 };
	for (i = 0; i <= ls->ndays; i++) {
		/* weeks start on Monday: day 0 (1970-01-01) was a Thursday */
		int64_t week = i < ls->ndays ? (ls->days[i].day + 3) / 7 : INT64_MAX;

		if (week != w.week && w.week != INT64_MIN && (r = doc_row(s))) {
			cell_time(&r[0], (time_t)(w.week * 7 - 3) * 86400);
			cell_int(&r[1], (int64_t)w.pd_opens);
			cell_int(&r[2], (int64_t)w.denials);
			cell_int(&r[3], (int64_t)w.would_deny);
			cell_int(&r[4], (int64_t)w.alerts);
			cell_int(&r[5], (int64_t)w.copies);
		}
		if (i == ls->ndays)
			break;
		if (week != w.week)
			w = (struct weekc){ .week = week };
		w.pd_opens += ls->days[i].pd_opens;
		w.denials += ls->days[i].denials;
		w.would_deny += ls->days[i].would_deny;
		w.alerts += ls->days[i].alerts;
		w.copies += ls->days[i].copies;
	}
}

static void modes_section(struct doc *d, const struct logscan *ls)
{
	static const char *const cols[] = { "time", "mode", "event", "seq" };
	struct section *s = doc_section(d, "mode_history", cols, 4);
	struct cell *r;
	size_t i;

	for (i = 0; s && i < ls->nmodes; i++) {
		if (!(r = doc_row(s)))
			continue;
		cell_time(&r[0], ls->modes[i].ts);
		cell_str(&r[1], ls->modes[i].mode);
		cell_str(&r[2], ls->modes[i].op);
		cell_int(&r[3], (int64_t)ls->modes[i].seq);
	}
}

static void alerts_section(struct doc *d, const struct logscan *ls)
{
	static const char *const cols[] = { "time", "alert", "user", "count", "threshold",
					    "last_file" };
	struct section *s = doc_section(d, "alerts", cols, 6);
	struct cell *r;
	size_t i;

	for (i = 0; s && i < ls->nalerts; i++) {
		const struct alert_seen *a = &ls->alerts[i];

		if (!(r = doc_row(s)))
			continue;
		cell_time(&r[0], a->ts);
		cell_str(&r[1], a->kind);
		cell_str(&r[2], a->user);
		if (a->count >= 0)
			cell_int(&r[3], a->count);
		if (a->threshold >= 0)
			cell_int(&r[4], a->threshold);
		cell_str(&r[5], a->last);
	}
	if (s)
		s->total = ls->alerts_total;
}

/* The log's chain (and seals, with a key): the first break's file and line. */
static void log_lines(struct sheet *sh, const struct report_ctx *c, const struct strlist *files,
		      struct doc *d)
{
	char last[65] = "", ev[PATH_MAX + 64], until[32];
	struct seal_check sc;
	struct seal_key k0;
	uint64_t lines, bad, total = 0;
	bool use_key = false;
	size_t i;
	int ret = 0;

	if (c->key && !seal_verkey_parse(c->key, &k0)) {
		seal_check_init(&sc, &k0);
		use_key = true;
	} else if (c->key) {
		line(sh, "log_seals", "fail", "--key", "the key given is not a verification key");
	}
	for (i = 0; i < files->n; i++) {
		ret = eventlog_verify_sealed(files->v[i], last[0] ? last : NULL,
					     use_key ? &sc : NULL, &lines, &bad, last);
		total += lines;
		if (ret)
			break;
	}
	snprintf(ev, sizeof(ev), "pdguard log verify%s over %zu file(s), oldest first, ending %s",
		 use_key ? " --key" : "", files->n, c->cfg.log);
	if (!files->n) {
		line(sh, "log_chain", "fail", c->cfg.log, "no event log at the policy's log path");
		doc_sum_str(d, "log_chain", "missing");
		return;
	}
	if (ret == -EBADMSG) {
		line(sh, "log_chain", "fail", ev, "BROKEN at %s:%llu%s%s", files->v[i],
		     (unsigned long long)bad, use_key && sc.why[0] ? ": " : "",
		     use_key && sc.why[0] ? sc.why : " (edited, deleted, inserted or reordered "
						      "lines)");
		doc_sum_str(d, "log_chain", "broken");
		doc_sum_str(d, "log_first_break", files->v[i]);
		doc_sum_int(d, "log_first_break_line", (int64_t)bad);
		return;
	}
	if (ret) {
		line(sh, "log_chain", "fail", ev, "cannot read %s: %s", files->v[i],
		     strerror(-ret));
		doc_sum_str(d, "log_chain", "unreadable");
		return;
	}
	line(sh, "log_chain", total ? "ok" : "fail", ev, "%s: %llu events, last hash %.16s...",
	     total ? "intact" : "empty", (unsigned long long)total, last);
	doc_sum_str(d, "log_chain", total ? "intact" : "empty");
	if (!use_key)
		return;
	if (!sc.nseals) {
		line(sh, "log_seals", "warn", ev, "no seal in the log");
		doc_sum_str(d, "log_seals", "none");
		return;
	}
	fmt_time((time_t)seal_epoch_end(&sc.key, sc.sealed), until, sizeof(until));
	line(sh, "log_seals", "ok", ev, "%llu seals good; every event until %s sealed, %llu after "
	     "the last seal", (unsigned long long)sc.nseals, until,
	     (unsigned long long)sc.pending);
	doc_sum_str(d, "log_seals", "verified");
}

struct gap {
	const char *id;
	const char *when;	/* "always", "fanotify", "bpf", "unsealed", "nomodule" */
	const char *text;
};

/* docs/threat-model.md, the gaps that depend on the host's driver and set-up */
static const struct gap gaps[] = {
	{ "threat-model #28", "always", "PD relayed through a unix or TCP socket (nc, socat, ssh) "
	  "is not followed: taint crosses pipes, not sockets" },
	{ "threat-model #29", "always", "clipboard, screenshots and retyping: no file operation "
	  "to judge" },
	{ "threat-model #32", "always", "MTP/gvfs, rclone and network mounts are zones only when "
	  "declared in [zone usb] path" },
	{ "threat-model #36", "always", "a process that read a file before it was labelled is "
	  "not tainted: scan before rollout, audit mode first" },
	{ "threat-model fanotify", "fanotify", "fanotify driver: open-time decisions only; a "
	  "rename into a zone is undone afterwards; the agent must run for anything to be "
	  "enforced" },
	{ "threat-model tamper", "bpf", "root with CAP_BPF can remove the pins or write the maps" },
	{ "threat-model tamper", "unsealed", "the log is not sealed: root can rewrite it and "
	  "recompute the hash chain unseen (pdguard log setup-keys)" },
	{ "threat-model #30", "nomodule", "without pdguard.ko's label kfuncs, a labelled file is "
	  "enforced once the agent has put its label in the map, not at first touch" },
};

static void gaps_section(struct doc *d, const char *drv, bool sealed, bool module)
{
	static const char *const cols[] = { "source", "applies_because", "gap" };
	struct section *s = doc_section(d, "known_gaps", cols, 3);
	struct cell *r;
	size_t i;
	bool bpf = !strcmp(drv, "bpf-lsm") || !strcmp(drv, "fmod-ret");

	for (i = 0; s && i < sizeof(gaps) / sizeof(gaps[0]); i++) {
		const char *w = gaps[i].when, *why;

		if (!strcmp(w, "always"))
			why = "every host";
		else if (!strcmp(w, "fanotify") && !strcmp(drv, "fanotify"))
			why = "the driver in use is fanotify";
		else if (!strcmp(w, "bpf") && bpf)
			why = "a BPF driver is in use";
		else if (!strcmp(w, "unsealed") && !sealed)
			why = "no sealing key in the state directory";
		else if (!strcmp(w, "nomodule") && bpf && !module)
			why = "pdguard.ko is not loaded";
		else
			continue;
		if (!(r = doc_row(s)))
			continue;
		cell_str(&r[0], gaps[i].id);
		cell_str(&r[1], why);
		cell_str(&r[2], gaps[i].text);
	}
}

static void grants_open_section(const struct report_ctx *c, struct doc *d, struct sheet *sh)
{
	static const char *const cols[] = { "id", "user", "categories", "until", "approver",
					    "reason" };
	struct grants *g = NULL;
	struct grant *gv = NULL;
	struct section *s;
	struct cell *r;
	char cats[128], ev[PATH_MAX + 16];
	int n = 0, i, ret;

	snprintf(ev, sizeof(ev), "%s/" GRANTS_FILE, c->cfg.state);
	ret = grants_open(&g, c->cfg.state);
	if (!ret) {
		n = grants_list(g, false, c->now, &gv);
		grants_close(g);
	}
	if (ret || n < 0) {
		line(sh, "open_grants", "warn", ev, "cannot read the grants: %s",
		     strerror(-(ret ? ret : n)));
		return;
	}
	line(sh, "open_grants", "info", ev, "%d grant(s) in force", n);
	doc_sum_int(d, "open_grants", n);
	s = doc_section(d, "open_grants", cols, 6);
	for (i = 0; s && i < n; i++) {
		if (!(r = doc_row(s)))
			continue;
		cell_int(&r[0], gv[i].id);
		cell_str(&r[1], gv[i].user);
		/* an export grant says so: it lets PD out, it does not widen reads */
		if (gv[i].export) {
			memcpy(cats, "export ", 8);
			vocab_categories_format(gv[i].categories, " ", "", cats + 7,
						sizeof(cats) - 7);
		} else {
			vocab_categories_format(gv[i].categories, " ", "", cats, sizeof(cats));
		}
		cell_str(&r[2], cats);
		cell_time(&r[3], gv[i].until);
		cell_str(&r[4], gv[i].approver);
		cell_str(&r[5], gv[i].reason);
	}
	grants_free_array(gv, n);
}

int report_audit(const struct report_ctx *c, struct doc *d)
{
	static const char *const cols[] = { "item", "value", "status", "evidence" };
	struct pdg_bpf_probe p;
	struct netlink_conn *nl = NULL;
	struct kmod_status ks;
	struct strlist files;
	struct logscan ls;
	struct sheet sh;
	struct utsname un;
	struct stat stt;
	char hex[65], ev[PATH_MAX + 64], t1[32], t2[32];
	const char *drv = "none", *pinned_name;
	enum pdguard_bpf_driver pinned;
	uint64_t best = 0;
	bool sealed, module = false;
	int ret, nrules = 0, i;

	sh.s = doc_section(d, "checks", cols, 4);
	if (!sh.s)
		return -ENOMEM;
	sh.s->status_col = 2;
	sh.s->key_col = 0;
	sh.s->limit = 1000;

	/* the kernel and the drivers */
	uname(&un);
	pdg_bpf_probe(&p);
	line(&sh, "kernel", "info", "uname -r", "%s", un.release);
	line(&sh, "bpf_lsm", p.lsm ? "info" : "ok", "/sys/kernel/security/lsm; a probe program "
	     "loaded (never attached)", "%s", p.lsm ? p.lsm_why : "available");
	line(&sh, "bpf_fmod_ret", p.fmod_ret ? "info" : "ok", "a probe program loaded (never "
	     "attached)", "%s", p.fmod_ret ? p.fmod_ret_why : "available");
	pinned = pdg_bpf_pinned(PDGUARD_BPF_PIN_DIR);
	pinned_name = pdg_bpf_driver_name(pinned);
	line(&sh, "bpf_programs", pinned == PDGUARD_DRIVER_NONE ? "info" : "ok",
	     PDGUARD_BPF_PIN_DIR, "%s", pinned == PDGUARD_DRIVER_NONE ? "none attached" :
	     pinned_name);
	ret = netlink_open(&nl);
	if (!ret && !netlink_get_status(nl, &ks)) {
		module = true;
		line(&sh, "kernel_module", "ok", "pdguard.ko over generic netlink (GET_STATUS)",
		     "loaded, ABI %u.%u, mode %s, policy generation %llu", ks.abi_major,
		     ks.abi_minor, netlink_mode_name(ks.mode),
		     (unsigned long long)ks.policy_gen);
	} else {
		line(&sh, "kernel_module", "info", "generic netlink family \"pdguard\"", "%s",
		     ret == -ENOENT ? "not loaded (optional: the BPF drivers and fanotify run "
				      "without it)" : "loaded, its status unreadable");
	}
	netlink_close(nl);

	/* the log, read once: what the drivers did, the mode's history, the weeks */
	logscan_init(&ls);
	ls.since = c->since;
	ls.until = c->until;
	ret = report_log_files(&c->cfg, &files);
	for (i = 0; !ret && (size_t)i < files.n; i++)
		logscan_file(&ls, files.v[i]);
	for (i = 0; i < 4; i++)
		if (ls.drivers[i][0] && ls.driver_events[i] > best) {
			best = ls.driver_events[i];
			drv = ls.drivers[i];
		}
	if (pinned != PDGUARD_DRIVER_NONE)
		drv = pinned_name;
	snprintf(ev, sizeof(ev), "policy [agent] driver = %s; events in %s by driver; %s",
		 driver_setting(c->cfg.driver), c->cfg.log, PDGUARD_BPF_PIN_DIR);
	line(&sh, "driver", strcmp(drv, "none") ? "ok" : "fail", ev, "%s (%llu events in the "
	     "period)", drv, (unsigned long long)best);
	line(&sh, "driver_enforces", strcmp(drv, "none") ? "info" : "fail",
	     "docs/threat-model.md, docs/fanotify.md, docs/bpf.md", "%s", driver_enforces(drv));

	snprintf(ev, sizeof(ev), "%s: [agent] mode", c->cfgpath);
	line(&sh, "mode_policy", c->cfg.mode == PDGUARD_MODE_ENFORCE ? "ok" : "warn", ev, "%s",
	     c->cfg.mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit (nothing is refused, "
	     "decisions are logged as would-deny)");
	if (ls.last_mode[0]) {
		fmt_time(ls.last_mode_ts, t1, sizeof(t1));
		line(&sh, "mode_log", !strcmp(ls.last_mode, "enforce") ? "ok" : "warn",
		     "agent-start and policy-reload events", "%s since %s; %zu change(s) in the log",
		     ls.last_mode, t1, ls.nmodes ? ls.nmodes - 1 : 0);
	} else {
		line(&sh, "mode_log", "warn", "agent-start and policy-reload events",
		     "the log records no agent start");
	}
	if (module)
		line(&sh, "mode_module", ks.mode == PDGUARD_MODE_ENFORCE ? "ok" : "warn",
		     "pdguard.ko GET_STATUS", "%s", netlink_mode_name(ks.mode));
	doc_sum_str(d, "driver", drv);
	doc_sum_str(d, "mode", c->cfg.mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit");

	/* the policy and the rules */
	if (!sha256_of_file(c->cfgpath, hex)) {
		stat(c->cfgpath, &stt);
		fmt_time(stt.st_mtim.tv_sec, t1, sizeof(t1));
		snprintf(ev, sizeof(ev), "sha256 of %s (changed %s)", c->cfgpath, t1);
		line(&sh, "policy_hash", "info", ev, "%s", hex);
		doc_sum_str(d, "policy_sha256", hex);
	}
	fmt_time(ls.last_reload, t1, sizeof(t1));
	line(&sh, "policy_changes", "info", "policy-reload events", "%llu reload(s)%s%s",
	     (unsigned long long)ls.policy_reloads, ls.policy_reloads ? ", last " : "",
	     ls.policy_reloads ? t1 : "");
	/* drop-ins change the policy too: each is named with its own hash */
	for (size_t f = 1; f < c->cfg.files.n; f++) {
		if (sha256_of_file(c->cfg.files.v[f], hex))
			continue;
		snprintf(ev, sizeof(ev), "sha256 of %s", c->cfg.files.v[f]);
		line(&sh, "policy_dropin", "info", ev, "%s", hex);
	}
	{
		size_t len = 0;

		len = snprintf(ev, sizeof(ev), "sha256 over the names and bytes of");
		for (size_t l = 0; l < c->cfg.rules.n && len < sizeof(ev); l++)
			len += snprintf(ev + len, sizeof(ev) - len, "%s %s/*.conf", l ? " +" : "",
					c->cfg.rules.v[l]);
	}
	if (!rules_version(&c->cfg.rules, hex, &nrules)) {
		line(&sh, "rules_version", "info", ev, "%.16s (%d rule files)", hex, nrules);
		doc_sum_str(d, "rules_sha256", hex);
	} else {
		line(&sh, "rules_version", "fail", ev, "cannot read %s",
		     c->cfg.rules.n ? c->cfg.rules.v[c->cfg.rules.n - 1] : "the rules");
	}

	/* the log: chain, seals, retention */
	snprintf(ev, sizeof(ev), "%s/" SEAL_KEY_FILE, c->cfg.state);
	sealed = !stat(ev, &stt);
	line(&sh, "log_sealing", sealed ? "ok" : "warn", ev, "%s; %llu seal line(s) in the log",
	     sealed ? "a sealing key is in place" : "not set up (pdguard log setup-keys)",
	     (unsigned long long)ls.seals);
	log_lines(&sh, c, &files, d);
	if (!c->key)
		line(&sh, "log_seals", sealed ? "warn" : "info", "--key not given",
		     "seals not checked: run the report with --key VERIFICATION-KEY");
	fmt_time(ls.first_ts, t1, sizeof(t1));
	fmt_time(ls.last_ts, t2, sizeof(t2));
	snprintf(ev, sizeof(ev), "policy retention_days, log_keep, log_max_mb; %zu log file(s)",
		 files.n);
	line(&sh, "retention", "info", ev, "%u days kept (%u rotated files of %u MB); the log "
	     "holds %s to %s", c->cfg.retention_days, c->cfg.log_keep, c->cfg.log_max_mb,
	     ls.first_ts ? t1 : "-", ls.last_ts ? t2 : "-");
	line(&sh, "log_health", ls.overflows || ls.watchdogs || ls.bad_lines ? "warn" : "ok",
	     "overflow and watchdog events; lines that are not events",
	     "%llu lost-notification event(s), %llu watchdog answer(s), %llu unreadable line(s)",
	     (unsigned long long)ls.overflows, (unsigned long long)ls.watchdogs,
	     (unsigned long long)ls.bad_lines);
	line(&sh, "agent_runs", "info", "agent-start, agent-stop events", "%llu start(s), %llu "
	     "stop(s)", (unsigned long long)ls.agent_starts, (unsigned long long)ls.agent_stops);
	line(&sh, "alerts", ls.alerts_total ? "warn" : "ok", "alert events in the period",
	     "%llu (mass-export %llu, off-hours %llu, deny-burst %llu)",
	     (unsigned long long)ls.alerts_total, (unsigned long long)ls.alerts_by_kind[0],
	     (unsigned long long)ls.alerts_by_kind[1], (unsigned long long)ls.alerts_by_kind[2]);
	grants_open_section(c, d, &sh);
	doc_sum_int(d, "log_events", (int64_t)ls.lines);
	doc_sum_int(d, "events_in_period", (int64_t)ls.events_in_range);
	doc_sum_int(d, "alerts", (int64_t)ls.alerts_total);

	weeks_section(d, &ls);
	modes_section(d, &ls);
	alerts_section(d, &ls);
	gaps_section(d, drv, sealed, module);
	strlist_free(&files);
	logscan_free(&ls);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The agent daemon: policy, labels, zones, a driver, the event log.
 *
 * One main thread owns the loop (signals, a 1 s timer, mount-table changes, file-change
 * notifications, the driver's descriptor); worker threads classify files from a bounded queue.
 * Classification and zone detection write into the state; the driver reads it. The agent's own
 * file accesses go through the kernel like anybody's: the driver lets them through by pid.
 *
 * This file: start-up, the loop, zones, and what STATE/agent.run and agent.stats say; the
 * classification and the watcher are in scan.c, the mode and reload in reload.c, the daemon's
 * side of the event log in eventlog.c (daemon/internal.h is what they share).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "policy/config.h"
#include "daemon/daemon.h"
#include "daemon/internal.h"
#include "daemon/runfile.h"
#include "daemon/stats.h"
#include "drivers/driver.h"
#include "log/events.h"
#include "log/journal.h"
#include "policy/alerts.h"
#include "daemon/notice.h"
#include "policy/grants.h"
#include "drivers/kmod/netlink.h"
#include "classify/scanner.h"
#include "extract/remember.h"
#include "daemon/service.h"
#include "state/state.h"
#include "classify/workq.h"
#include "policy/zones.h"

#define QUEUE_CAP 4096
#define CACHE_SAVE_S 60

/*
 * STATE/agent.alive exists while an agent runs: found at start, it says the last one never
 * reached its clean stop (killed with SIGKILL, crashed, power lost), which is an alert —
 * the pinned programs went on enforcing, but nobody logged their events meanwhile.
 */
#define ALIVE_FILE "agent.alive"

static void alive_mark(struct daemon *d)
{
	char path[PATH_MAX], old[64] = "";
	ssize_t n;
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/" ALIVE_FILE, d->cfg->state) >= sizeof(path))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0) {
		n = read(fd, old, sizeof(old) - 1);
		old[n > 0 ? n : 0] = '\0';
		old[strcspn(old, "\n")] = '\0';
		close(fd);
		struct event ev = event_agent("agent-unclean-stop", "alert",
					      "the previous agent did not stop cleanly (killed, "
					      "crashed or power lost): its events since are missing");
		char extra[128];

		snprintf(extra, sizeof(extra), "\"alert\":\"agent-stopped\",\"previous_pid\":\"%.16s\"",
			 old);
		ev.path = path;
		ev.extra = extra;
		eventlog_write(d->log, &ev);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	dprintf(fd, "%d\n", (int)getpid());
	close(fd);
	d->alive_marked = true;
}

static void alive_clear(struct daemon *d)
{
	char path[PATH_MAX];

	if (d->alive_marked &&
	    (size_t)snprintf(path, sizeof(path), "%s/" ALIVE_FILE, d->cfg->state) < sizeof(path))
		unlink(path);
}

/* ---- zones ---- */

void zones_refresh(struct daemon *d, bool report)
{
	struct zones fresh;
	size_t i, j;
	char reason[PATH_MAX + 200];

	if (zones_scan(d->cfg, &fresh, NULL, NULL))
		return;
	pthread_mutex_lock(&d->st.lock);
	for (i = 0; report && i < fresh.n; i++) {
		for (j = 0; j < d->st.zones.n; j++)
			if (fresh.v[i].dev == d->st.zones.v[j].dev &&
			    fresh.v[i].ino == d->st.zones.v[j].ino)
				break;
		if (j == d->st.zones.n) {
			snprintf(reason, sizeof(reason), "new %s zone: %s",
				 zone_kind_name(fresh.v[i].kind), fresh.v[i].why);
			log_info(d, "zone-add", reason, fresh.v[i].path, NULL);
			printf("zone added: %s %s (%s)\n", zone_kind_name(fresh.v[i].kind),
			       fresh.v[i].path, fresh.v[i].why);
		}
	}
	for (j = 0; report && j < d->st.zones.n; j++) {
		for (i = 0; i < fresh.n; i++)
			if (fresh.v[i].dev == d->st.zones.v[j].dev &&
			    fresh.v[i].ino == d->st.zones.v[j].ino)
				break;
		if (i == fresh.n) {
			log_info(d, "zone-remove", "zone gone (unmounted or removed)",
				 d->st.zones.v[j].path, NULL);
			printf("zone removed: %s %s\n", zone_kind_name(d->st.zones.v[j].kind),
			       d->st.zones.v[j].path);
		}
	}
	zones_free(&d->st.zones);
	d->st.zones = fresh;
	d->st.generation++;
	pthread_mutex_unlock(&d->st.lock);
	if (d->drv && d->dops->policy)
		d->dops->policy(d->drv, d->cfg);
	fflush(stdout);
}

/* ---- start-up: drivers and the screen that says what is enforced ---- */

static void pick_driver(struct daemon *d, FILE *out)
{
	static const int kinds[] = { DRIVER_BPF_LSM, DRIVER_FMOD_RET, DRIVER_FANOTIFY };
	const struct driver_ops *cands[] = {
		&driver_bpf_lsm_ops, &driver_fmod_ret_ops, &driver_fanotify_ops,
	};
	char why[256], hint[256], bpf_hint[256] = "";
	size_t i;

	fprintf(out, "  drivers:\n");
	for (i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		const struct driver_ops *ops = cands[i];
		struct driver_env env = {
			.st = &d->st, .cfg = d->cfg, .log = d->log,
			.agent_pid = getpid(), .keeper = true,
		};

		if (d->drv) {
			fprintf(out, "    %-9s not needed (a stronger driver runs)\n", ops->name);
			continue;
		}
		if (d->cfg->driver != DRIVER_AUTO && d->cfg->driver != kinds[i]) {
			fprintf(out, "    %-9s not chosen (the policy names another driver)\n",
				ops->name);
			continue;
		}
		why[0] = hint[0] = '\0';
		if (ops->probe && ops->probe(why, sizeof(why), hint, sizeof(hint))) {
			fprintf(out, "    %-9s unavailable: %s\n", ops->name, why);
			if (i < 2 && hint[0])
				snprintf(bpf_hint, sizeof(bpf_hint), "%s", hint);
			continue;
		}
		if (ops->start(&env, &d->drv)) {
			fprintf(out, "    %-9s failed to start (see above)\n", ops->name);
			d->drv = NULL;
			continue;
		}
		d->dops = ops;
		fprintf(out, "    %-9s in use\n", ops->name);
	}
	if (d->drv && d->dops->describe)
		d->dops->describe(d->drv, out);
	if (!d->drv) {
		fprintf(out, "  ENFORCEMENT: none. Files are labelled and the log is kept, but no "
			"access is decided.\n");
		fprintf(out, "  Hint: %s\n", bpf_hint[0] ? bpf_hint :
			"set driver = auto, or a driver this kernel offers");
	} else if (d->dops == &driver_fanotify_ops && bpf_hint[0]) {
		/* the loader's hint for this case recommends fanotify, which already runs */
		fprintf(out, "  Hint: decisions in the kernel (writes, renames, mmap, and enforcement "
			"that survives the agent) need\n        the BPF drivers: %s\n",
			strstr(bpf_hint, "fanotify") ? "this kernel refuses BPF trampoline programs; "
			"a stock Debian 12 kernel allows them (bpf is in its LSM list)" : bpf_hint);
	}
}

static void print_screen(struct daemon *d, size_t cached)
{
	size_t i, usb = 0, cloud = 0;

	printf("pdguard starting: policy %s, mode %s\n", d->opts->config,
	       d->cfg->mode == PDGUARD_MODE_ENFORCE ? "enforce" :
	       "audit (nothing is refused; would-deny events show what enforce would refuse)");
	for (i = 1; i < d->cfg->files.n; i++)
		printf("  policy drop-in: %s\n", d->cfg->files.v[i]);
	if (d->opts->once)
		printf("  drivers: not started (--once: classify, label and exit)\n");
	else
		pick_driver(d, stdout);
	printf("  kernel module: %s\n", d->kmod ? "loaded (heartbeats sent)" :
	       "not loaded (optional: docs/kmod.md)");
	for (i = 0; i < d->st.zones.n; i++) {
		const struct zone *z = &d->st.zones.v[i];

		if (z->kind == ZONE_USB)
			usb++;
		else
			cloud++;
		printf("  zone %-5s %s (%s)\n", zone_kind_name(z->kind), z->path, z->why);
	}
	if (!usb)
		printf("  zone usb   none mounted now; %s are noticed when mounted\n",
		       d->cfg->usb_removable ? "removable and USB disks" : "declared mount points");
	if (!cloud)
		printf("  zone cloud none found in users' homes\n");
	printf("  engine: %s\n", classifier_engine_note(d->sc.classifier));
	printf("  rules: %zu from", d->sc.rules->nrules);
	for (i = 0; i < d->cfg->rules.n; i++)
		printf("%s%s", i ? " + " : " ", d->cfg->rules.v[i]);
	if (d->sc.errors.n)
		printf(" (%zu problem%s: run 'pdguard rules check')", d->sc.errors.n,
		       d->sc.errors.n == 1 ? "" : "s");
	printf("\n  log: %s\n", d->cfg->log);
	for (i = 0; i < d->cfg->scan.n; i++)
		printf("  scan: %s\n", d->cfg->scan.v[i]);
	if (cached)
		printf("  labels: %zu files known from the cache; only changed files are read\n",
		       cached);
	fflush(stdout);
}

/* ---- what STATE/agent.run and agent.stats say ---- */

/* Rewrite STATE/agent.run with what is true now (pdguard status, pdguard mode read it). */
void run_publish(struct daemon *d)
{
	int ret;

	if (d->opts->once)
		return;
	pthread_mutex_lock(&d->full_lock);
	d->run.labels_full = d->labels_full.total;
	pthread_mutex_unlock(&d->full_lock);
	d->run.labels_stale = state_stale_count(&d->st);
	d->run.mode = d->cfg->mode;
	d->run.policy_gen = d->policy_gen;
	ret = runfile_write(d->cfg->state, &d->run);
	if (ret)
		fprintf(stderr, "pdguard run: cannot write %s/" RUNFILE_NAME ": %s\n",
			d->cfg->state, strerror(-ret));
}

/* Publish the counters `pdguard status` shows when they moved. */
static void run_counters(struct daemon *d)
{
	uint64_t full;

	if (d->opts->once)
		return;
	pthread_mutex_lock(&d->full_lock);
	full = d->labels_full.total;
	pthread_mutex_unlock(&d->full_lock);
	if (full != d->run.labels_full || state_stale_count(&d->st) != d->run.labels_stale)
		run_publish(d);
}

/*
 * Rewrite STATE/agent.stats (`pdguard stats`): every counter since start. Called from the main
 * loop every HEARTBEAT_S, and from the first scan's guard thread while the loop is not running.
 */
void stats_publish(struct daemon *d)
{
	struct agent_stats *s;
	int ret;

	if (d->opts->once || !d->run.started)
		return;
	s = calloc(1, sizeof(*s));
	if (!s)
		return;
	s->started = d->run.started;
	s->updated = time(NULL);
	snprintf(s->engine, sizeof(s->engine), "%s",
		 classify_engine_name(classifier_engine(d->sc.classifier)));
	eventlog_counters(d->log, &s->events_written, &s->events_failed);
	stats_counter_copy(&d->evcount, s);
	if (d->drv && d->dops->stats)
		d->dops->stats(d->drv, &s->drv);
	s->labels = state_count_labels(&d->st);
	s->labels_pd = state_count_pd(&d->st);
	pthread_mutex_lock(&d->full_lock);
	s->labels_full = d->labels_full.total;
	pthread_mutex_unlock(&d->full_lock);
	s->labels_stale = state_stale_count(&d->st);
	s->scan_read = atomic_load(&d->scanned);
	s->scan_unchanged = atomic_load(&d->unchanged);
	s->scan_pd = atomic_load(&d->pd_files);
	s->scan_unknown = atomic_load(&d->unknown);
	s->scan_errors = atomic_load(&d->errors);
	s->scan_over_limit = atomic_load(&d->remembered);
	s->scan_done = atomic_load(&d->scan_done);
	pthread_mutex_lock(&d->stats_lock);
	ret = stats_write(d->cfg->state, s);
	pthread_mutex_unlock(&d->stats_lock);
	if (ret)
		fprintf(stderr, "pdguard run: cannot write %s/" STATS_NAME ": %s\n",
			d->cfg->state, strerror(-ret));
	free(s);
}

/* ---- main ---- */

static int daemon_start(struct daemon *d, size_t *cached)
{
	struct config_errors errs = { 0 };
	char err[256], path[PATH_MAX];
	size_t i, dropped = 0;
	struct stat cst;
	int ret;

	d->cfg = calloc(1, sizeof(*d->cfg));
	if (!d->cfg)
		return -ENOMEM;
	if (!stat(d->opts->config, &cst))
		d->cfg_ctime = cst.st_ctim;
	ret = config_load(d->opts->config, d->cfg, &errs);
	for (i = 0; i < errs.n; i++)
		fprintf(stderr, "%s:%u: %s\n", errs.v[i].file, errs.v[i].line, errs.v[i].msg);
	config_errors_free(&errs);
	if (ret) {
		fprintf(stderr, "pdguard run: the policy '%s' has errors; nothing was started\n",
			d->opts->config);
		fprintf(stderr, "Hint: fix them, check with 'pdguard config check %s'\n",
			d->opts->config);
		return ret;
	}
	ret = state_init(&d->st);
	if (ret)
		return ret;
	d->st.cfg = d->cfg;
	d->st.mode = d->cfg->mode;
	ret = eventlog_open(&d->log, d->cfg->log);
	if (ret) {
		fprintf(stderr, "pdguard run: cannot open the event log '%s': %s\n", d->cfg->log,
			strerror(-ret));
		/* a torn last line is repaired by eventlog_open(): this is a whole line edited */
		if (ret == -EBADMSG)
			fprintf(stderr, "Hint: its last whole line is not an event; check it with "
				"'pdguard log verify %s' and move it aside to start a new chain\n",
				d->cfg->log);
		return ret;
	}
	if (eventlog_set_syslog(d->log, true) == JOURNAL_NONE)
		fprintf(stderr, "pdguard run: warning: neither journald (%s) nor syslog (/dev/log) "
			"is listening: events go to %s only, and lines cut from its end are on "
			"record nowhere else\n", JOURNAL_SOCKET, d->cfg->log);
	siem_attach(d->log, d->cfg);
	/* counted from the first event on; the alerts join when they exist (below) */
	eventlog_set_observer(d->log, daemon_observe, d);
	seal_attach(d);
	log_group_apply(d, NULL);
	/* enum config_engine has enum classify_engine's values */
	classify_set_engine(d->opts->engine >= 0 ? d->opts->engine : d->cfg->engine);
	ret = scanner_open(&d->sc, (const char *const *)d->cfg->rules.v, d->cfg->rules.n, err,
			   sizeof(err));
	if (ret) {
		fprintf(stderr, "pdguard run: %s\n", err);
		fprintf(stderr, "Hint: check the rules with 'pdguard rules check");
		for (i = 0; i < d->cfg->rules.n; i++)
			fprintf(stderr, " %s", d->cfg->rules.v[i]);
		fprintf(stderr, "'\n");
		return ret;
	}
	if (mkdir(d->cfg->state, 0700) && errno != EEXIST) {
		fprintf(stderr, "pdguard run: cannot create the state directory '%s': %s\n",
			d->cfg->state, strerror(errno));
		return -errno;
	}
	ret = grants_open(&d->grants, d->cfg->state);
	if (ret) {
		/* a damaged grants file is left alone for the administrator: run without grants */
		fprintf(stderr, "pdguard run: cannot read the grants in '%s': %s; no grant counts "
			"until it is fixed\n", d->cfg->state, strerror(-ret));
		d->grants = NULL;
	}
	d->st.grants = d->grants;
	/* every driver's PD accesses reach the alerts through the log they write */
	ret = alerts_new(&d->alerts, d->cfg, d->log, NULL, NULL);
	if (ret)
		return ret;
	ret = notifier_new(&d->notice, d->cfg, d->log);
	if (ret) {
		fprintf(stderr, "pdguard run: cannot start the employee notices: %s\n",
			strerror(-ret));
		return ret;
	}
	snprintf(d->cache_path, sizeof(d->cache_path), "%s/labels.cache", d->cfg->state);
	ret = state_cache_load(&d->st, d->cache_path, cached, &dropped);
	if (ret)
		fprintf(stderr, "pdguard run: the label cache is damaged (%s): classifying "
			"everything again\n", strerror(-ret));
	if (dropped) {
		char reason[200];

		snprintf(reason, sizeof(reason), "%zu cached labels no longer named the same file "
			 "(replaced, removed or changed since) and were dropped, not applied",
			 dropped);
		log_info(d, "label-stale", reason, d->cache_path, NULL);
	}
	d->saved_gen = d->st.generation;
	snprintf(path, sizeof(path), "%s/overruns", d->cfg->state);
	ret = remember_open(&d->overruns, path);
	if (ret)
		fprintf(stderr, "pdguard run: cannot read the list of files over a limit '%s': %s; "
			"they are read again\n", path, strerror(-ret));
	if (netlink_open(&d->kmod))
		d->kmod = NULL;
	zones_refresh(d, false);
	return 0;
}

/* Log each grant that ran out, once; enforcement has already stopped honouring it. */
static void grants_tick(struct daemon *d, time_t now)
{
	struct grant *v = NULL;
	bool changed;
	int n, i;

	if (!d->grants)
		return;
	changed = grants_reload(d->grants) == 1;
	n = grants_take_expired(d->grants, now, &v);
	for (i = 0; i < n; i++)
		grants_log(d->log, "grant-expire", &v[i], "pdguard");
	if (n > 0)
		grants_free_array(v, n);
	/* a driver that keeps grants in the kernel is told of new and revoked ones */
	if ((changed || n > 0) && d->drv && d->dops->policy)
		d->dops->policy(d->drv, d->cfg);
}

static void send_heartbeat(struct daemon *d)
{
	bool fresh = !d->kmod;

	if (!d->kmod && netlink_open(&d->kmod))
		d->kmod = NULL;
	if (d->kmod && netlink_heartbeat(d->kmod, getpid(), d->policy_gen)) {
		netlink_close(d->kmod);	/* unloaded since: reopen next time */
		d->kmod = NULL;
		snprintf(d->run.kmod_mode, sizeof(d->run.kmod_mode), "none");
		run_publish(d);
		return;
	}
	if (fresh && d->kmod)
		mode_apply(d);		/* loaded since: it takes the policy's mode */
	else
		mode_check(d);
}

int daemon_run(const struct daemon_opts *opts)
{
	struct daemon *d = calloc(1, sizeof(*d));
	struct itimerspec tick = { { 1, 0 }, { 1, 0 } };
	struct pollfd pfd[5];
	sigset_t mask;
	size_t cached = 0;
	time_t last_hb = 0, last_save = 0;
	int sfd = -1, tfd = -1, rc = 2, stop_signo;
	char extra[160];

	if (!d)
		return 2;
	d->opts = opts;
	d->watch_fd = d->mount_fd = -1;
	d->policy_gen = 1;
	d->kmod_mode = -1;
	pthread_mutex_init(&d->full_lock, NULL);
	pthread_mutex_init(&d->stats_lock, NULL);
	stats_counter_init(&d->evcount);
	if (geteuid() != 0) {
		fprintf(stderr, "pdguard run: needs root (labels, fanotify and the kernel drivers "
			"are root-only)\n");
		free(d);
		return 2;
	}
	if (daemon_start(d, &cached))
		goto out;

	/* signals through a descriptor, so the loop has one place to handle them */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);	/* before the workers: they inherit it */
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	if (workq_start(&d->q, d->sc.classifier, sysconf(_SC_NPROCESSORS_ONLN), QUEUE_CAP,
			label_job, d)) {
		fprintf(stderr, "pdguard run: cannot start the classification threads\n");
		goto out;
	}

	print_screen(d, cached);
	d->run.pid = getpid();
	d->run.pid_start = runfile_pid_start(d->run.pid);
	d->run.started = time(NULL);
	snprintf(d->run.driver, sizeof(d->run.driver), "%s", d->drv ? d->dops->name : "none");
	if (!realpath(opts->config, d->run.config))
		snprintf(d->run.config, sizeof(d->run.config), "%s", opts->config);
	snprintf(extra, sizeof(extra), "\"mode\":\"%s\",\"policy_generation\":%llu",
		 d->cfg->mode ? "enforce" : "audit", (unsigned long long)d->policy_gen);
	log_info(d, "agent-start", "pdguard started", opts->config, extra);
	alive_mark(d);
	stats_publish(d);
	if (d->drv && d->dops->policy)
		d->dops->policy(d->drv, d->cfg);
	if (!opts->once) {
		struct stat cst;

		mode_apply(d);
		/*
		 * `pdguard mode` that ran between our reading the policy and agent.run appearing
		 * found no agent to tell: the changed policy is read again, as if it had sent SIGHUP.
		 */
		if (!stat(opts->config, &cst) &&
		    (cst.st_ctim.tv_sec != d->cfg_ctime.tv_sec ||
		     cst.st_ctim.tv_nsec != d->cfg_ctime.tv_nsec))
			kill(getpid(), SIGHUP);
	}

	if (!opts->once && watch_start(d))
		fprintf(stderr, "pdguard run: cannot watch for changed files: %s\n", strerror(errno));
	/* systemd (Type=notify): ready now that the driver enforces; the scan's progress follows */
	{
		struct svc_counters sc = { &d->scanned, &d->unchanged, &d->pd_files, &d->errors };

		if (!opts->once)
			svc_ready(d->cfg->mode ? "enforce" : "audit", d->drv ? d->dops->name : NULL);
		svc_scan_begin(&sc);
		stop_signo = first_scan(d, sfd);
		svc_scan_end(&sc);
	}
	if (!stop_signo) {
		atomic_store(&d->scan_done, true);
		stats_publish(d);
	}
	if (stop_signo) {
		printf("stopping on signal %d during the initial scan\n", stop_signo);
		fflush(stdout);
		rc = 0;
		goto stop;
	}
	printf("initial scan: %lu files read, %lu unchanged, %lu with PD, %lu unknown (not read "
	       "whole: unknown = %s), %lu errors\n",
	       atomic_load(&d->scanned), atomic_load(&d->unchanged), atomic_load(&d->pd_files),
	       atomic_load(&d->unknown), d->cfg->unknown_none ? "none" : "pd",
	       atomic_load(&d->errors));
	if (atomic_load(&d->remembered))
		printf("  %lu of the unknown: over a limit before, not read again until changed\n",
		       atomic_load(&d->remembered));
	fflush(stdout);
	state_cache_save(&d->st, d->cache_path);
	d->saved_gen = d->st.generation;
	rc = 0;
	if (opts->once)
		goto out;

	d->mount_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	timerfd_settime(tfd, 0, &tick, NULL);
	for (;;) {
		int n = 0, drv_fd = d->drv && d->dops->fd ? d->dops->fd(d->drv) : -1;
		struct signalfd_siginfo si;

		pfd[n++] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = tfd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = d->mount_fd, .events = POLLPRI };
		pfd[n++] = (struct pollfd){ .fd = d->watch_fd, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = drv_fd, .events = POLLIN };
		if (poll(pfd, n, -1) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN && read(sfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo == SIGHUP) {
				reload(d, &si);
			} else {
				printf("stopping on signal %u\n", si.ssi_signo);
				break;
			}
		}
		if (pfd[1].revents & POLLIN) {
			uint64_t ticks;
			time_t now = time(NULL);

			if (read(tfd, &ticks, sizeof(ticks)) < 0)
				ticks = 0;
			svc_watchdog();
			grants_tick(d, now);
			eventlog_seal_tick(d->log);
			eventlog_sync(d->log);
			if (now - last_hb >= HEARTBEAT_S) {
				send_heartbeat(d);
				run_counters(d);
				stats_publish(d);
				log_rotate_check(d);
				last_hb = now;
			}
			if (now - last_save >= CACHE_SAVE_S) {
				log_housekeeping(d, now);
				last_save = now;
			}
		}
		if (pfd[2].revents & (POLLPRI | POLLERR))
			zones_refresh(d, true);
		if (pfd[3].revents & POLLIN)
			watch_dispatch(d);
		if (drv_fd >= 0 && pfd[4].revents & POLLIN)
			d->dops->dispatch(d->drv);
	}
stop:
	/* files closed after writing just before the stop are labelled before the cache is saved */
	if (d->watch_fd >= 0)
		watch_dispatch(d);
	queue_drain(d);
	state_cache_save(&d->st, d->cache_path);
	d->saved_gen = d->st.generation;
out:
	svc_stopping(rc ? "pdguard could not start" : "pdguard stopping");
	if (d->log)
		log_info(d, "agent-stop", rc ? "pdguard could not start" : "pdguard stopped",
			 opts->config, NULL);
	alive_clear(d);
	workq_stop(d->q);
	if (d->drv) {
		d->dops->stop(d->drv);
		/* a driver's last labels (a derived file closed as we stopped) are kept too */
		if (!rc && !opts->once && d->cache_path[0] &&
		    d->st.generation != d->saved_gen)
			state_cache_save(&d->st, d->cache_path);
	}
	if (d->watch_fd >= 0)
		close(d->watch_fd);
	if (d->mount_fd >= 0)
		close(d->mount_fd);
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	netlink_close(d->kmod);
	if (d->cfg && !opts->once && d->run.pid == getpid()) {
		stats_remove(d->cfg->state);
		runfile_remove(d->cfg->state);
	}
	if (d->grants)
		grants_close(d->grants);
	/* the log's observers are the alerter and the notices: unhook them before they go */
	if (d->log)
		eventlog_set_observer(d->log, NULL, NULL);
	notifier_free(d->notice);
	alerts_free(d->alerts);
	eventlog_close(d->log);
	if (d->sc.rules)
		scanner_close(&d->sc);
	if (d->st.labels)
		state_free(&d->st);
	remember_close(d->overruns);
	if (d->cfg) {
		config_free(d->cfg);
		free(d->cfg);
	}
	for (size_t k = 0; k < d->nretired; k++) {
		config_free(d->retired[k]);
		free(d->retired[k]);
	}
	free(d->retired);
	stats_counter_destroy(&d->evcount);
	pthread_mutex_destroy(&d->stats_lock);
	free(d);
	return rc;
}


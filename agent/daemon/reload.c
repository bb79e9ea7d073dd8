// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon and its policy: one mode, the policy's, applied to the kernel module and the
 * driver's maps (and put back when something else changed it), and a new policy on SIGHUP,
 * taken whole or refused whole.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "daemon/internal.h"
#include "daemon/notice.h"
#include "drivers/driver.h"
#include "drivers/kmod/netlink.h"
#include "log/events.h"
#include "policy/alerts.h"
#include "policy/config.h"

/* ---- one mode: the policy's, applied to the module and the maps ---- */

static const char *mode_name(int mode)
{
	return mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit";
}

/*
 * Set the module's mode to the policy's, over the agent's own netlink socket, and read back what
 * the module and the driver's maps hold. Called at start and after every reload; the maps took
 * the mode already through the driver's policy().
 */
void mode_apply(struct daemon *d)
{
	char errmsg[NETLINK_ERRMSG_MAX] = "";
	struct kmod_status ks;
	int want = d->cfg->mode, got, ret;

	if (!d->kmod && netlink_open(&d->kmod))
		d->kmod = NULL;
	if (d->kmod) {
		ret = netlink_set_mode(d->kmod, want, &ks, errmsg);
		if (ret) {
			char reason[400];

			snprintf(reason, sizeof(reason), "the kernel module refused mode %s: %s%s%s",
				 mode_name(want), strerror(-ret), errmsg[0] ? ": " : "", errmsg);
			log_info(d, "mode-error", reason, NULL, NULL);
			fprintf(stderr, "pdguard run: %s\n", reason);
			snprintf(d->run.kmod_mode, sizeof(d->run.kmod_mode), "error");
			d->kmod_mode = -1;
		} else {
			snprintf(d->run.kmod_mode, sizeof(d->run.kmod_mode), "%s",
				 netlink_mode_name(ks.mode));
			d->kmod_mode = ks.mode;
		}
	} else {
		snprintf(d->run.kmod_mode, sizeof(d->run.kmod_mode), "none");
		d->kmod_mode = -1;
	}
	got = d->drv && d->dops->mode ? d->dops->mode(d->drv) : -ENOTSUP;
	snprintf(d->run.maps_mode, sizeof(d->run.maps_mode), "%s",
		 got == -ENOTSUP ? "none" : got < 0 ? "error" : mode_name(got));
	run_publish(d);
}

/*
 * The module's or the maps' mode moved away from the policy's without the policy changing
 * (a raw netlink or bpftool write): put the policy's back and raise an alert.
 */
void mode_check(struct daemon *d)
{
	int want = d->cfg->mode, kmod = -1, maps;
	struct kmod_status ks;
	char reason[300];

	if (d->kmod && !netlink_get_status(d->kmod, &ks))
		kmod = ks.mode;
	maps = d->drv && d->dops->mode ? d->dops->mode(d->drv) : -ENOTSUP;
	if ((kmod < 0 || kmod == want) && (maps < 0 || maps == want))
		return;
	snprintf(reason, sizeof(reason), "the %s mode was changed to %s outside the policy "
		 "(mode = %s); the policy's mode is set again",
		 kmod >= 0 && kmod != want ? "kernel module's" : "BPF maps'",
		 mode_name(kmod >= 0 && kmod != want ? kmod : maps), mode_name(want));
	{
		struct event ev = event_agent("mode-drift", "alert", reason);

		ev.path = d->opts->config;
		if (eventlog_write(d->log, &ev))
			fprintf(stderr, "pdguard run: %s\n", reason);
	}
	if (maps >= 0 && maps != want && d->dops->policy)
		d->dops->policy(d->drv, d->cfg);
	mode_apply(d);
}

/* Who sent the signal that changed the mode: uid, pid, comm and exe (read while it waits). */
static void log_mode_change(struct daemon *d, int old, int now, const struct signalfd_siginfo *si)
{
	char exe[PATH_MAX] = "", comm[32] = "", link[64], reason[300], extra[96];
	struct event ev;
	ssize_t n;
	FILE *f;

	snprintf(reason, sizeof(reason), "mode changed from %s to %s by the policy file; the "
		 "kernel module and the BPF maps follow it", mode_name(old), mode_name(now));
	ev = event_agent("mode-change", "alert", reason);
	if (si) {
		ev.uid = si->ssi_uid;
		ev.pid = (int32_t)si->ssi_pid;
		snprintf(link, sizeof(link), "/proc/%u/exe", si->ssi_pid);
		n = readlink(link, exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = '\0';
		ev.exe = exe[0] ? exe : NULL;
		snprintf(link, sizeof(link), "/proc/%u/comm", si->ssi_pid);
		f = fopen(link, "re");
		if (f && fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		if (f)
			fclose(f);
		ev.comm = comm[0] ? comm : NULL;
	}
	ev.path = d->opts->config;
	snprintf(extra, sizeof(extra), "\"old_mode\":\"%s\",\"new_mode\":\"%s\"",
		 mode_name(old), mode_name(now));
	ev.extra = extra;
	eventlog_write(d->log, &ev);
}

/* ---- policy reload ---- */

static bool strlist_same(const struct strlist *a, const struct strlist *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]))
			return false;
	return true;
}

/*
 * A setting the running agent cannot take without a restart, changed in @fresh: its key in
 * @key (where it was set, when the policy says), or false. The log, the state directory, the
 * driver and the rules are opened once at start; a reload that half-applied them would say
 * "reloaded" while the old ones go on, so such a policy is refused whole.
 */
static bool needs_restart(const struct config *old, const struct config *fresh, char *key,
			  size_t len)
{
	static const char *const names[] = { "log", "state", "driver", "engine", "rules" };
	const char *origin;
	int which = -1;

	if (strcmp(old->log, fresh->log))
		which = 0;
	else if (strcmp(old->state, fresh->state))
		which = 1;
	else if (old->driver != fresh->driver)
		which = 2;
	else if (old->engine != fresh->engine)
		which = 3;
	else if (!strlist_same(&old->rules, &fresh->rules))
		which = 4;
	if (which < 0)
		return false;
	origin = which < 4 ? config_origin(fresh, which == 0 ? "agent.log" : which == 1 ?
					   "agent.state" : which == 2 ? "agent.driver" :
					   "agent.engine") : NULL;
	snprintf(key, len, "%s%s%s", names[which], origin ? " at " : "", origin ? origin : "");
	return true;
}

/*
 * A new policy refused, whole: said on stderr and in the log ("new policy refused, the running
 * one is kept: @why"), freed, and published as an answer (`pdguard mode` stops waiting).
 */
static void reload_refuse(struct daemon *d, struct config *fresh, const char *why)
{
	char reason[700];

	snprintf(reason, sizeof(reason), "new policy refused, the running one is kept: %s", why);
	fprintf(stderr, "pdguard run: %s\n", reason);
	log_info(d, "policy-reload", reason, d->opts->config, NULL);
	config_free(fresh);
	free(fresh);
	d->policy_gen++;
	run_publish(d);
}

void reload(struct daemon *d, const struct signalfd_siginfo *si)
{
	struct config_errors errs = { 0 };
	struct config *fresh = calloc(1, sizeof(*fresh));
	struct config *old, **retired;
	char reason[600], key[300];

	if (!fresh)
		return;
	if (config_load(d->opts->config, fresh, &errs)) {
		size_t i;

		for (i = 0; i < errs.n; i++)
			fprintf(stderr, "%s:%u: %s\n", errs.v[i].file, errs.v[i].line,
				errs.v[i].msg);
		snprintf(reason, sizeof(reason), "%s:%u: %s",
			 errs.n ? errs.v[0].file : d->opts->config, errs.n ? errs.v[0].line : 0,
			 errs.n ? errs.v[0].msg : "cannot read");
		config_errors_free(&errs);
		reload_refuse(d, fresh, reason);
		return;
	}
	old = d->cfg;
	if (needs_restart(old, fresh, key, sizeof(key))) {
		snprintf(reason, sizeof(reason), "%s changed, which takes effect only when the agent "
			 "starts; restart it (systemctl restart pdguard) to apply the new policy",
			 key);
		reload_refuse(d, fresh, reason);
		return;
	}
	retired = realloc(d->retired, (d->nretired + 1) * sizeof(*retired));
	if (!retired) {
		reload_refuse(d, fresh, "out of memory");
		return;
	}
	d->retired = retired;
	pthread_mutex_lock(&d->st.lock);
	d->cfg = fresh;
	d->st.cfg = fresh;
	d->st.mode = fresh->mode;
	d->st.generation++;
	pthread_mutex_unlock(&d->st.lock);
	d->policy_gen++;
	alerts_policy(d->alerts, fresh);
	siem_attach(d->log, fresh);
	notifier_policy(d->notice, fresh);
	seal_attach(d);
	log_group_apply(d, old);
	zones_refresh(d, true);		/* tells the driver too */
	snprintf(reason, sizeof(reason), "policy reloaded (generation %llu), mode %s",
		 (unsigned long long)d->policy_gen, fresh->mode ? "enforce" : "audit");
	log_info(d, "policy-reload", reason, d->opts->config, NULL);
	if (old->mode != fresh->mode)
		log_mode_change(d, old->mode, fresh->mode, si);
	mode_apply(d);		/* publishes the new generation once module and maps have it */
	printf("%s\n", reason);
	fflush(stdout);
	d->retired[d->nretired++] = old;	/* threads may still read it: freed at stop */
}

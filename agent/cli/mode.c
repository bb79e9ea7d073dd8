// SPDX-License-Identifier: GPL-2.0
/*
 * `pdguard mode`: the one enforcement mode. The policy file decides; the running agent applies
 * it to pdguard.ko (over its own netlink socket) and to the BPF maps on SIGHUP; this command shows
 * all four and changes the policy, then waits until the agent says it applied the change.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uapi/pdguard.h>

#include "cli/cli.h"
#include "daemon/runfile.h"
#include "drivers/bpf/admin.h"
#include "drivers/kmod/netlink.h"
#include "lib/json.h"
#include "log/events.h"
#include "policy/config.h"
#include "policy/modefile.h"

static const char mode_help[] =
	"Usage: pdguard mode [audit|enforce] [--config FILE] [--json] [--wait SECONDS]\n"
	"\n"
	"The enforcement mode has one source: `mode =` in the policy's [agent] section.\n"
	"  audit    decisions are made and logged as would-deny; nothing is refused\n"
	"  enforce  decisions are made and denials refused with EPERM\n"
	"\n"
	"Without a mode, print the policy's mode on the first line, then what each part holds now:\n"
	"the policy, the running agent (STATE/" RUNFILE_NAME "), the kernel module pdguard.ko and the\n"
	"pinned BPF maps. They agree unless a change is under way or something changed the module\n"
	"or the maps behind the policy's back (the agent then sets them back and logs mode-drift).\n"
	"\n"
	"With a mode, rewrite the policy's `mode =` line (comments and every other line kept; the\n"
	"new policy is checked before it replaces the old one), send SIGHUP to the running agent and\n"
	"wait until it reports that the module and the maps hold the new mode. The agent logs the\n"
	"change (op mode-change, an alert) with the uid, user and program that made it. With no agent\n"
	"running, the pinned BPF maps are set directly and the change is logged by this command.\n"
	"Changing the mode needs root (the policy is root's file).\n"
	"\n"
	"  --config FILE  the policy (default " CONFIG_DEFAULT_PATH ")\n"
	"  --json         one JSON object on one line\n"
	"  --wait S       how long to wait for the agent to apply a change (default 60)\n"
	"  -h, --help     this text\n"
	"\n"
	"Exit status: 0 done (and every part agrees), 1 the parts disagree, 2 refused or failed,\n"
	"64 bad usage.\n";

static const char *mode_name(int mode)
{
	return mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit";
}

/* What each part holds; a mode of -1 means "not there", -2 "cannot tell". */
struct mode_view {
	int policy;
	int agent_rc;			/* runfile_read()'s answer */
	struct agent_run run;
	int kmod;
	int maps;
	enum pdguard_bpf_driver maps_driver;
	char maps_why[300];
};

static void view_read(struct mode_view *v, const struct config *cfg)
{
	struct pdguard_bpf_config c;
	struct pdg_bpf_error err;
	struct netlink_conn *nl;
	struct kmod_status ks;
	struct pdg_bpf *b;

	memset(v, 0, sizeof(*v));
	v->policy = cfg->mode;
	v->agent_rc = runfile_read(cfg->state, &v->run);
	v->kmod = -1;
	if (!netlink_open(&nl)) {
		v->kmod = netlink_get_status(nl, &ks) ? -2 : ks.mode;
		netlink_close(nl);
	}
	v->maps = -1;
	v->maps_driver = pdg_bpf_pinned(PDGUARD_BPF_PIN_DIR);
	if (v->maps_driver == PDGUARD_DRIVER_NONE)
		return;
	v->maps = -2;
	if (geteuid() != 0) {
		snprintf(v->maps_why, sizeof(v->maps_why), "reading them needs root");
		return;
	}
	if (pdg_bpf_open_pinned(&b, PDGUARD_BPF_PIN_DIR, &err)) {
		snprintf(v->maps_why, sizeof(v->maps_why), "%s", err.msg);
		return;
	}
	if (!pdg_bpf_config_get(b, &c))
		v->maps = c.mode;
	pdg_bpf_stop(b);
}

static bool view_agrees(const struct mode_view *v)
{
	if (!v->agent_rc && v->run.mode != v->policy)
		return false;
	if (v->kmod >= 0 && v->kmod != v->policy && !v->agent_rc)
		return false;
	return v->maps < 0 || v->maps == v->policy;
}

static const char *part_mode(int mode)
{
	return mode == -1 ? "none" : mode == -2 ? "unknown" : mode_name(mode);
}

static void view_print(const struct mode_view *v, const char *cfgpath, bool json)
{
	if (json) {
		printf("{\"mode\":\"%s\",\"agree\":%s,\"policy\":{\"path\":", mode_name(v->policy),
		       view_agrees(v) ? "true" : "false");
		json_put_string(stdout, cfgpath);
		printf(",\"mode\":\"%s\"},\"agent\":", mode_name(v->policy));
		if (!v->agent_rc)
			printf("{\"running\":true,\"pid\":%d,\"driver\":\"%s\",\"mode\":\"%s\","
			       "\"policy_generation\":%llu}", (int)v->run.pid, v->run.driver,
			       mode_name(v->run.mode), (unsigned long long)v->run.policy_gen);
		else
			printf("{\"running\":false}");
		printf(",\"kmod\":{\"loaded\":%s,\"mode\":\"%s\"}", v->kmod == -1 ? "false" : "true",
		       part_mode(v->kmod));
		printf(",\"maps\":{\"attached\":%s,\"driver\":\"%s\",\"mode\":\"%s\"}}\n",
		       v->maps == -1 ? "false" : "true", pdg_bpf_driver_name(v->maps_driver),
		       part_mode(v->maps));
		return;
	}
	printf("%s\n", mode_name(v->policy));
	printf("  policy  %s: %s\n", cfgpath, mode_name(v->policy));
	if (!v->agent_rc)
		printf("  agent   pid %d, driver %s: %s\n", (int)v->run.pid, v->run.driver,
		       mode_name(v->run.mode));
	else
		printf("  agent   not running%s\n", v->agent_rc == -EACCES ?
		       " (or its state directory is unreadable to you)" : "");
	if (v->kmod == -1)
		printf("  module  pdguard.ko not loaded\n");
	else
		printf("  module  pdguard.ko: %s\n", part_mode(v->kmod));
	if (v->maps == -1)
		printf("  maps    no BPF driver attached\n");
	else
		printf("  maps    %s: %s%s%s\n", pdg_bpf_driver_name(v->maps_driver),
		       part_mode(v->maps), v->maps_why[0] ? " — " : "", v->maps_why);
	if (!view_agrees(v))
		printf("  they DISAGREE: the running agent puts the policy's mode back within "
		       "seconds;\n  if it does not run, `pdguard mode %s` sets the maps again\n",
		       mode_name(v->policy));
}

/* No agent runs: the pinned maps still enforce, so they take the mode now; log who did it. */
static int apply_without_agent(const struct config *cfg, const char *cfgpath, int old, int mode)
{
	struct pdg_bpf_error err;
	struct eventlog *log;
	struct pdg_bpf *b;
	char reason[200], extra[96];
	int ret = 0;

	if (pdg_bpf_pinned(PDGUARD_BPF_PIN_DIR) != PDGUARD_DRIVER_NONE) {
		ret = pdg_bpf_open_pinned(&b, PDGUARD_BPF_PIN_DIR, &err);
		if (!ret) {
			ret = pdg_bpf_mode_set(b, mode);
			pdg_bpf_stop(b);
		}
		if (ret)
			cli_error("mode", "the policy says %s, but the pinned BPF maps could not be "
				  "set: %s", mode_name(mode), strerror(-ret));
	}
	if (old == mode)
		return ret;
	if (cli_log_open(&log, cfg->log, cfgpath)) {
		cli_error("mode", "cannot write the change to the event log %s", cfg->log);
		return ret ? ret : -EIO;
	}
	snprintf(reason, sizeof(reason), "mode changed from %s to %s in the policy; no agent "
		 "runs: it applies the policy's mode when it starts", mode_name(old), mode_name(mode));
	snprintf(extra, sizeof(extra), "\"old_mode\":\"%s\",\"new_mode\":\"%s\"", mode_name(old),
		 mode_name(mode));
	{
		struct event ev = event_agent("mode-change", "alert", reason);

		ev.path = cfgpath;
		ev.extra = extra;
		ev.driver = "cli";
		if (eventlog_write(log, &ev) && !ret)
			ret = -EIO;
	}
	eventlog_close(log);
	return ret;
}

/* SIGHUP the agent and wait until it has applied a policy generation newer than it had. */
static int apply_with_agent(const struct config *cfg, const struct agent_run *before, int mode,
			    unsigned int wait_s)
{
	struct timespec nap = { 0, 100 * 1000 * 1000 };
	time_t end = time(NULL) + wait_s;
	struct agent_run now;
	int ret;

	if (kill(before->pid, SIGHUP))
		return -errno;
	for (;;) {
		ret = runfile_read(cfg->state, &now);
		if (ret && ret != -EBADMSG && ret != -ENOENT)
			return ret;
		if (!ret && now.policy_gen > before->policy_gen)
			break;
		if (time(NULL) >= end)
			return -ETIMEDOUT;
		nanosleep(&nap, NULL);
	}
	if (now.mode != mode)
		return -EPROTO;		/* it refused the policy: its stderr and the log say why */
	if (strcmp(now.kmod_mode, "none") && strcmp(now.kmod_mode, mode_name(mode)))
		return -EREMOTEIO;
	if (strcmp(now.maps_mode, "none") && strcmp(now.maps_mode, mode_name(mode)))
		return -EREMOTEIO;
	return 0;
}

int cli_mode(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "wait", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cfgpath = CONFIG_DEFAULT_PATH;
	struct config_errors errs = { 0 };
	char err[512], real[PATH_MAX];
	unsigned int wait_s = 60;
	struct mode_view v;
	struct config cfg = { 0 };
	int opt, ret, mode = -1, old;
	bool json = false;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': cfgpath = optarg; break;
		case 'j': json = true; break;
		case 'w': wait_s = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 'h': fputs(mode_help, stdout); return EXIT_OK;
		default: fputs(mode_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		if (!strcmp(argv[optind], "audit"))
			mode = PDGUARD_MODE_AUDIT;
		else if (!strcmp(argv[optind], "enforce"))
			mode = PDGUARD_MODE_ENFORCE;
		else {
			cli_error("mode", "unknown mode '%s': use audit or enforce", argv[optind]);
			return EXIT_USAGE;
		}
		if (optind + 1 < argc) {
			cli_error("mode", "unexpected argument '%s'", argv[optind + 1]);
			return EXIT_USAGE;
		}
	}
	if (!realpath(cfgpath, real))
		snprintf(real, sizeof(real), "%s", cfgpath);

	if (mode >= 0) {
		ret = config_set_mode(cfgpath, mode, &old, err, sizeof(err));
		if (ret == -EACCES || ret == -EPERM) {
			cli_error("mode", "permission denied: changing the mode needs root (it "
				  "rewrites %s)", cfgpath);
			return EXIT_ERROR;
		}
		if (ret) {
			cli_error("mode", "%s", err);
			return EXIT_ERROR;
		}
	}
	ret = config_load(cfgpath, &cfg, &errs);
	config_errors_free(&errs);
	if (ret) {
		cli_error("mode", "cannot use the policy %s: %s", cfgpath,
			  ret == -EINVAL ? "it has errors (pdguard config check)" : strerror(-ret));
		config_free(&cfg);
		return EXIT_ERROR;
	}
	view_read(&v, &cfg);
	if (mode >= 0) {
		if (!v.agent_rc && strcmp(v.run.config, real)) {
			cli_error("mode", "the running agent (pid %d) uses another policy, %s: it "
				  "was not told", (int)v.run.pid, v.run.config);
			ret = -ESRCH;
		} else if (!v.agent_rc) {
			ret = apply_with_agent(&cfg, &v.run, mode, wait_s);
			if (ret == -ETIMEDOUT)
				cli_error("mode", "the policy says %s, but the agent (pid %d) did not "
					  "confirm within %u s", mode_name(mode), (int)v.run.pid,
					  wait_s);
			else if (ret == -EPROTO)
				cli_error("mode", "the agent did not take the new policy: see its "
					  "log (op policy-reload)");
			else if (ret == -EREMOTEIO)
				cli_error("mode", "the agent took the policy but the kernel side "
					  "refused the mode: see its log (op mode-error)");
			else if (ret)
				cli_error("mode", "cannot signal the agent (pid %d): %s",
					  (int)v.run.pid, strerror(-ret));
		} else {
			ret = apply_without_agent(&cfg, cfgpath, old, mode);
		}
		view_read(&v, &cfg);
	}
	view_print(&v, real, json);
	config_free(&cfg);
	if (ret)
		return EXIT_ERROR;
	return view_agrees(&v) ? EXIT_OK : EXIT_FOUND;
}

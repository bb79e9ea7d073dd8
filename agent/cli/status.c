// SPDX-License-Identifier: GPL-2.0
/* `pdguard status`: what the agent and the kernel side say about themselves. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "classify/classify.h"
#include "cli/cli.h"
#include "daemon/runfile.h"
#include "policy/config.h"
#include "drivers/bpf/admin.h"
#include "drivers/kmod/netlink.h"
#include "lib/json.h"

static const char *const counter_names[__PDGUARD_CNT_MAX] = {
	[PDGUARD_CNT_STATUS_REQUESTS] = "status_requests",
	[PDGUARD_CNT_MODE_CHANGES] = "mode_changes",
	[PDGUARD_CNT_HEARTBEATS] = "heartbeats",
	[PDGUARD_CNT_REJECTED] = "rejected",
	[PDGUARD_CNT_LABEL_READS] = "label_reads",
	[PDGUARD_CNT_NOT_AGENT] = "not_agent",
};

static void print_age(FILE *f, uint64_t ms)
{
	uint64_t s = ms / 1000;

	if (s < 120)
		fprintf(f, "%llu.%01llu s", (unsigned long long)s,
			(unsigned long long)(ms % 1000) / 100);
	else if (s < 7200)
		fprintf(f, "%llu min", (unsigned long long)s / 60);
	else
		fprintf(f, "%llu h", (unsigned long long)s / 3600);
}

static void print_status_text(const struct kmod_status *st)
{
	int i;

	printf("Kernel module pdguard.ko: loaded, ABI %u.%u, mode %s, loaded ", st->abi_major,
	       st->abi_minor, netlink_mode_name(st->mode));
	print_age(stdout, st->loaded_age_ms);
	printf(" ago\n");
	if (st->have_heartbeat) {
		printf("  agent heartbeat: ");
		print_age(stdout, st->heartbeat_age_ms);
		printf(" ago from pid %u, policy generation %llu\n", st->agent_pid,
		       (unsigned long long)st->policy_gen);
	} else {
		printf("  agent heartbeat: none since the module was loaded\n");
	}
	printf("  counters:");
	for (i = PDGUARD_CNT_PAD + 1; i < __PDGUARD_CNT_MAX; i++)
		printf(" %s=%llu", counter_names[i], (unsigned long long)st->cnt[i]);
	printf("\n");
	if (st->abi_major != PDGUARD_ABI_MAJOR)
		printf("  WARNING: the module speaks ABI %u, this agent %u: install matching "
		       "versions\n", st->abi_major, PDGUARD_ABI_MAJOR);
}

/* The classification engine `auto` gives on this CPU (the policy's "engine =" may pick another). */
static void print_engine(int json)
{
	char note[160];
	int e = classify_engine_resolve(CLASSIFY_ENGINE_AUTO, note, sizeof(note));

	if (json)
		printf(",\"engine\":{\"auto\":\"%s\",\"note\":\"%s\"}",
		       classify_engine_name(e), note);
	else
		printf("Classification engine (auto, on this CPU): %s\n", note);
}

/*
 * The running agent, from STATE/agent.run of the policy @cfgpath: -ENOENT none, -EACCES not
 * readable by this user, -EINVAL the policy cannot be read.
 */
static int agent_read(const char *cfgpath, struct agent_run *r)
{
	struct config_errors errs = { 0 };
	struct config cfg = { 0 };
	int ret = config_load(cfgpath, &cfg, &errs);

	config_errors_free(&errs);
	if (!ret)
		ret = runfile_read(cfg.state, r);
	else if (ret != -ENOENT && ret != -EACCES)
		ret = -EINVAL;
	else
		ret = ret == -ENOENT ? -ENOMEDIUM : ret;	/* no policy file at all */
	config_free(&cfg);
	/* an agent.run left by an agent that died is no agent */
	return ret == -ESRCH ? -ENOENT : ret;
}

static void print_agent_text(int rc, const struct agent_run *r, const char *cfgpath)
{
	char when[64] = "";
	struct tm tm;

	if (rc == -ENOENT) {
		printf("Agent: not running (policy %s)\n", cfgpath);
		return;
	}
	if (rc == -ENOMEDIUM) {
		printf("Agent: no policy at %s (--config names another)\n", cfgpath);
		return;
	}
	if (rc) {
		printf("Agent: unknown: %s\n", rc == -EACCES ? "the policy or state needs root" :
		       rc == -EINVAL ? "the policy cannot be read (pdguard config check)" :
		       strerror(-rc));
		return;
	}
	if (localtime_r(&r->started, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("Agent: running, pid %d since %s, driver %s, mode %s (policy %s, generation "
	       "%llu)\n  module mode %s, maps mode %s; labels the kernel map had no room for: "
	       "%llu; stale cached labels dropped: %llu\n", (int)r->pid, when, r->driver,
	       r->mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit", r->config,
	       (unsigned long long)r->policy_gen, r->kmod_mode, r->maps_mode,
	       (unsigned long long)r->labels_full, (unsigned long long)r->labels_stale);
}

static void print_agent_json(int rc, const struct agent_run *r)
{
	if (rc) {
		printf("\"agent\":{\"running\":%s}", rc == -ENOENT ? "false" : "null");
		return;
	}
	printf("\"agent\":{\"running\":true,\"pid\":%d,\"started\":%lld,\"driver\":\"%s\","
	       "\"mode\":\"%s\",\"policy_generation\":%llu,\"kmod_mode\":\"%s\","
	       "\"maps_mode\":\"%s\",\"labels_full\":%llu,\"labels_stale\":%llu,\"config\":",
	       (int)r->pid, (long long)r->started, r->driver,
	       r->mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit",
	       (unsigned long long)r->policy_gen, r->kmod_mode, r->maps_mode,
	       (unsigned long long)r->labels_full, (unsigned long long)r->labels_stale);
	json_put_string(stdout, r->config);
	printf("}");
}

static void print_status_json(const struct kmod_status *st, int loaded, int arc,
			      const struct agent_run *r)
{
	int i;

	if (!loaded) {
		printf("{\"kmod\":{\"loaded\":false},");
		print_agent_json(arc, r);
		print_engine(1);
		printf("}\n");
		return;
	}
	printf("{\"kmod\":{\"loaded\":true,\"abi\":\"%u.%u\",\"mode\":\"%s\",\"loaded_age_ms\":%llu,"
	       "\"agent_pid\":%u,\"policy_gen\":%llu,\"heartbeat_age_ms\":",
	       st->abi_major, st->abi_minor, netlink_mode_name(st->mode),
	       (unsigned long long)st->loaded_age_ms, st->agent_pid,
	       (unsigned long long)st->policy_gen);
	if (st->have_heartbeat)
		printf("%llu", (unsigned long long)st->heartbeat_age_ms);
	else
		printf("null");
	printf(",\"counters\":{");
	for (i = PDGUARD_CNT_PAD + 1; i < __PDGUARD_CNT_MAX; i++)
		printf("%s\"%s\":%llu", i > PDGUARD_CNT_PAD + 1 ? "," : "", counter_names[i],
		       (unsigned long long)st->cnt[i]);
	printf("}},");
	print_agent_json(arc, r);
	print_engine(1);
	printf("}\n");
}

static void explain_missing_module(void)
{
	printf("Kernel module pdguard.ko: not loaded.\n"
	       "  Without it the BPF programs know a file's label only once the agent has pushed it\n"
	       "  into their map: with it they read the label xattr of every file at its first\n"
	       "  open (kfuncs; docs/kmod.md). It also carries the control channel (status, mode,\n"
	       "  the agent's heartbeat). Load it before the agent starts the BPF driver:\n"
	       "  modprobe pdguard (installed with DKMS), or insmod build/pdguard.ko.\n");
}

/*
 * The BPF drivers: what is pinned and enforcing now (with its counters), or why nothing is.
 * Reading pinned maps needs root; others are told so.
 */
static void print_bpf_status(void)
{
	enum pdguard_bpf_driver pinned = pdg_bpf_pinned(PDGUARD_BPF_PIN_DIR);
	uint64_t cnt[__PDGUARD_BPF_CNT_MAX];
	struct pdguard_bpf_config c;
	struct pdg_bpf_error err;
	struct pdg_bpf_probe p;
	struct pdg_bpf *b;
	int i;

	if (pinned == PDGUARD_DRIVER_NONE) {
		pdg_bpf_probe(&p);
		printf("BPF drivers: not attached. This kernel: bpf-lsm %s, fmod-ret %s\n",
		       p.lsm ? p.lsm_why : "available", p.fmod_ret ? p.fmod_ret_why : "available");
		if (p.best == PDGUARD_DRIVER_NONE && p.hint[0])
			printf("  Hint: %s\n", p.hint);
		return;
	}
	if (geteuid() != 0) {
		printf("BPF driver: %s attached (pinned in %s); its counters need root\n",
		       pdg_bpf_driver_name(pinned), PDGUARD_BPF_PIN_DIR);
		return;
	}
	if (pdg_bpf_open_pinned(&b, PDGUARD_BPF_PIN_DIR, &err)) {
		printf("BPF driver: %s pinned in %s, but unreadable: %s\n",
		       pdg_bpf_driver_name(pinned), PDGUARD_BPF_PIN_DIR, err.msg);
		return;
	}
	if (!pdg_bpf_config_get(b, &c) && !pdg_bpf_counters(b, cnt)) {
		printf("BPF driver: %s attached and enforcing (pinned in %s), ABI %u.%u, mode %s, "
		       "agent pid %u\n  labels from: %s\n  counters:", pdg_bpf_driver_name(pinned),
		       PDGUARD_BPF_PIN_DIR, c.abi_major, c.abi_minor,
		       c.mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit", c.agent_tgid,
		       pdg_bpf_label_src_name(c.label_src));
		for (i = 0; i < __PDGUARD_BPF_CNT_MAX; i++)
			printf(" %s=%llu", pdg_bpf_counter_name(i), (unsigned long long)cnt[i]);
		printf("\n");
	}
	pdg_bpf_stop(b);
}

static const char status_help[] =
	"Usage: pdguard status [--json] [--config FILE]\n"
	"\n"
	"Show whether the agent runs (pid, driver, mode, labels the kernel's map had no room for,\n"
	"stale cached labels dropped; from STATE/" RUNFILE_NAME " of the policy), and what\n"
	"pdguard's kernel side reports: which BPF driver is attached and enforcing\n"
	"(bpf-lsm or fmod-ret, pinned in " PDGUARD_BPF_PIN_DIR "), its mode and counters (allowed,\n"
	"denied, would-deny, ring-buffer drops...), or why none can run on this kernel; and whether\n"
	"pdguard.ko is loaded, its ABI version, mode, the agent's last heartbeat and its counters;\n"
	"and the classification engine this CPU gives (Hyperscan where it runs, else PCRE2 JIT).\n"
	"Any user may run it (the BPF counters need root); it changes nothing.\n"
	"\n"
	"  --json         one JSON object on one line instead of text\n"
	"  --config FILE  the policy that names the agent's state directory (default\n"
	"                 " CONFIG_DEFAULT_PATH ")\n"
	"  -h, --help  this text\n"
	"\n"
	"Exit status: 0 when the status could be read (a module that is not loaded is a status),\n"
	"2 on an error talking to the kernel.\n";

int cli_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cfgpath = CONFIG_DEFAULT_PATH;
	struct netlink_conn *c = NULL;
	struct kmod_status st;
	struct agent_run run;
	int json = 0, opt, ret, arc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': json = 1; break;
		case 'c': cfgpath = optarg; break;
		case 'h': fputs(status_help, stdout); return EXIT_OK;
		default: fputs(status_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("status", "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}

	arc = agent_read(cfgpath, &run);
	if (!json) {
		print_engine(0);
		print_agent_text(arc, &run, cfgpath);
		print_bpf_status();
	}
	ret = netlink_open(&c);
	if (ret == -ENOENT) {
		if (json)
			print_status_json(NULL, 0, arc, &run);
		else
			explain_missing_module();
		return EXIT_OK;
	}
	if (!ret)
		ret = netlink_get_status(c, &st);
	netlink_close(c);
	if (ret) {
		cli_error("status", "cannot read the kernel module's status: %s", strerror(-ret));
		return EXIT_ERROR;
	}
	if (json)
		print_status_json(&st, 1, arc, &run);
	else
		print_status_text(&st);
	return EXIT_OK;
}

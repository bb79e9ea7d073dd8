// SPDX-License-Identifier: GPL-2.0
/* `pdguard status` and `pdguard mode`: what the kernel side says about itself. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "classify/classify.h"
#include "cli/cli.h"
#include "drivers/bpf/admin.h"
#include "drivers/kmod/netlink.h"

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

static void print_status_json(const struct kmod_status *st, int loaded)
{
	int i;

	if (!loaded) {
		printf("{\"kmod\":{\"loaded\":false}");
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
	printf("}}");
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
	"Usage: pdguard status [--json]\n"
	"\n"
	"Show what pdguard's kernel side reports: which BPF driver is attached and enforcing\n"
	"(bpf-lsm or fmod-ret, pinned in " PDGUARD_BPF_PIN_DIR "), its mode and counters (allowed,\n"
	"denied, would-deny, ring-buffer drops...), or why none can run on this kernel; and whether\n"
	"pdguard.ko is loaded, its ABI version, mode, the agent's last heartbeat and its counters;\n"
	"and the classification engine this CPU gives (Hyperscan where it runs, else PCRE2 JIT).\n"
	"Any user may run it (the BPF counters need root); it changes nothing.\n"
	"\n"
	"  --json      one JSON object on one line instead of text\n"
	"  -h, --help  this text\n"
	"\n"
	"Exit status: 0 when the status could be read (a module that is not loaded is a status),\n"
	"2 on an error talking to the kernel.\n";

int cli_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct netlink_conn *c = NULL;
	struct kmod_status st;
	int json = 0, opt, ret;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': json = 1; break;
		case 'h': fputs(status_help, stdout); return EXIT_OK;
		default: fputs(status_help, stderr); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("status", "unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}

	if (!json) {
		print_engine(0);
		print_bpf_status();
	}
	ret = netlink_open(&c);
	if (ret == -ENOENT) {
		if (json)
			print_status_json(NULL, 0);
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
		print_status_json(&st, 1);
	else
		print_status_text(&st);
	return EXIT_OK;
}

static const char mode_help[] =
	"Usage: pdguard mode [audit|enforce]\n"
	"\n"
	"Without an argument, print the kernel module's mode. With one, set it:\n"
	"  audit    decisions are made and logged as would-deny; nothing is refused\n"
	"  enforce  decisions are made and denials refused with EPERM\n"
	"Setting the mode needs root (CAP_NET_ADMIN); every change is logged by the kernel with the\n"
	"uid and process that made it.\n"
	"\n"
	"Exit status: 0 done, 2 refused or failed, 64 bad usage.\n";

int cli_mode(int argc, char **argv)
{
	char errmsg[NETLINK_ERRMSG_MAX] = "";
	struct netlink_conn *c = NULL;
	struct kmod_status st;
	int ret, mode = -1;

	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(mode_help, stdout);
		return EXIT_OK;
	}
	if (argc > 2) {
		fputs(mode_help, stderr);
		return EXIT_USAGE;
	}
	if (argc == 2) {
		if (!strcmp(argv[1], "audit"))
			mode = PDGUARD_MODE_AUDIT;
		else if (!strcmp(argv[1], "enforce"))
			mode = PDGUARD_MODE_ENFORCE;
		else {
			cli_error("mode", "unknown mode '%s': use audit or enforce", argv[1]);
			return EXIT_USAGE;
		}
	}

	ret = netlink_open(&c);
	if (ret == -ENOENT) {
		cli_error("mode", "the kernel module pdguard.ko is not loaded");
		cli_hint("modprobe pdguard, or set the mode in the policy ([agent] mode = ...).");
		return EXIT_ERROR;
	}
	if (!ret)
		ret = mode < 0 ? netlink_get_status(c, &st) : netlink_set_mode(c, mode, &st, errmsg);
	netlink_close(c);
	if (ret == -EPERM) {
		cli_error("mode", "permission denied: changing the mode needs root (CAP_NET_ADMIN)");
		return EXIT_ERROR;
	}
	if (ret) {
		cli_error("mode", "%s%s%s", strerror(-ret), errmsg[0] ? ": " : "", errmsg);
		return EXIT_ERROR;
	}
	printf("%s\n", netlink_mode_name(st.mode));
	return EXIT_OK;
}

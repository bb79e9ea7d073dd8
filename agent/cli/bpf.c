// SPDX-License-Identifier: GPL-2.0
/*
 * pdguard bpf: the BPF drivers by hand, for administrators, tests and debugging.
 * Everything but `probe` works on the pinned state under --pin-dir (default
 * /sys/fs/bpf/pdguard), as the daemon leaves it.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "drivers/bpf/admin.h"
#include "lib/vocab.h"

static const char *pin_dir = PDGUARD_BPF_PIN_DIR;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: pdguard bpf [--pin-dir DIR] COMMAND [ARGS]\n"
		"\n"
		"The BPF enforcement drivers (BPF LSM, or fmod_ret on security_*()).\n"
		"  probe                      which attach mode this kernel allows (exit 1: none)\n"
		"  attach [--audit] [--driver bpf-lsm|fmod-ret]\n"
		"                             load, attach and pin the programs (no policy yet)\n"
		"  detach                     remove the pins: enforcement stops\n"
		"  status                     driver, mode and counters of the pinned programs\n"
		"  mode [audit|enforce] [--config FILE]\n"
		"                             the agent's programs: the same as `pdguard mode` (the\n"
		"                             policy decides); programs under another --pin-dir:\n"
		"                             set their mode directly\n"
		"  label PATH CATS            CATS: basic,personnel,financial,medical,biometric\n"
		"                             (comma list) or a number; 0 or none: no label\n"
		"  zone usb|cloud PATH        a USB filesystem or its block device; a cloud folder\n"
		"  role uid|gid ID CATS       categories the uid or gid may read\n"
		"  grant UID CATS SECONDS     a time-limited grant\n"
		"  sync-client EXE            an executable refused every PD file\n"
		"  events [SECONDS]           print events as they come (default: until ^C)\n");
}

/* "none", a number, or category names (lib/vocab.h) separated by commas. */
static int parse_cats(const char *s, uint32_t *out)
{
	uint32_t cats;
	char *end;

	if (!strcmp(s, "none")) {
		*out = 0;
		return 0;
	}
	errno = 0;
	cats = strtoul(s, &end, 0);
	if (!errno && *end == '\0' && end != s) {
		*out = cats;
		return 0;
	}
	return vocab_categories_parse(s, out, NULL, 0);
}

/* Resume the pinned programs without changing their mode or agent. */
static int resume(struct pdg_bpf **b)
{
	struct pdg_bpf_error err;
	int ret;

	if (pdg_bpf_pinned(pin_dir) == PDGUARD_DRIVER_NONE) {
		cli_error("bpf", "no pinned programs in %s", pin_dir);
		cli_hint("run 'pdguard bpf attach' (or the daemon) first.");
		return -ENOENT;
	}
	ret = pdg_bpf_open_pinned(b, pin_dir, &err);
	if (ret) {
		cli_error("bpf", "%s", err.msg);
		if (err.hint[0])
			cli_hint("%s", err.hint);
	}
	return ret;
}

static int print_event(void *ctx, const struct event *ev, const struct pdguard_event *raw)
{
	char cats[16];

	snprintf(cats, sizeof(cats), "0x%x", ev->categories);
	printf("{\"op\":\"%s\",\"decision\":\"%s\",\"reason\":", ev->op, ev->decision);
	json_put_string(stdout, ev->reason);
	printf(",\"uid\":%u,\"pid\":%d,\"comm\":", ev->uid, ev->pid);
	json_put_string(stdout, ev->comm);
	printf(",\"path\":");
	json_put_string(stdout, ev->path);
	if (ev->target) {
		printf(",\"target\":");
		json_put_string(stdout, ev->target);
	}
	printf(",\"label\":\"%s\",\"categories\":\"%s\",\"zone\":", ev->label, cats);
	if (ev->zone)
		json_put_string(stdout, ev->zone);
	else
		printf("null");
	printf(",\"driver\":\"%s\"}\n", ev->driver);
	fflush(stdout);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static int cmd_probe(void)
{
	struct pdg_bpf_probe p;
	int ret = pdg_bpf_probe(&p);

	printf("lsm list: %s\n", p.lsm_list[0] ? p.lsm_list : "(unreadable)");
	printf("bpf-lsm:  %s%s%s\n", p.lsm ? "unavailable (" : "available", p.lsm ? p.lsm_why : "",
	       p.lsm ? ")" : "");
	printf("fmod-ret: %s%s%s\n", p.fmod_ret ? "unavailable (" : "available",
	       p.fmod_ret ? p.fmod_ret_why : "", p.fmod_ret ? ")" : "");
	printf("driver:   %s\n", pdg_bpf_driver_name(p.best));
	if (ret) {
		cli_error("bpf", "no BPF driver can run on this kernel");
		cli_hint("%s", p.hint);
		return EXIT_FOUND;
	}
	return EXIT_OK;
}

static int cmd_attach(int argc, char **argv)
{
	enum pdguard_bpf_driver driver = PDGUARD_DRIVER_NONE;
	enum pdguard_mode mode = PDGUARD_MODE_ENFORCE;
	struct pdg_bpf_error err;
	struct pdg_bpf *b;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--audit")) {
			mode = PDGUARD_MODE_AUDIT;
		} else if (!strcmp(argv[i], "--driver") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "bpf-lsm"))
				driver = PDGUARD_DRIVER_BPF_LSM;
			else if (!strcmp(argv[i], "fmod-ret"))
				driver = PDGUARD_DRIVER_FMOD_RET;
			else
				goto bad;
		} else {
			goto bad;
		}
	}
	if (pdg_bpf_pinned(pin_dir) != PDGUARD_DRIVER_NONE) {
		cli_error("bpf", "programs are already pinned in %s", pin_dir);
		cli_hint("run 'pdguard bpf detach' first, or use them as they are.");
		return EXIT_ERROR;
	}
	ret = pdg_bpf_attach(&b, pin_dir, driver, mode, &err);
	if (ret) {
		cli_error("bpf", "%s", err.msg);
		if (err.hint[0])
			cli_hint("%s", err.hint);
		return EXIT_ERROR;
	}
	printf("attached: %s, %s mode, pinned in %s\n", pdg_bpf_driver_name(pdg_bpf_driver(b)),
	       mode == PDGUARD_MODE_AUDIT ? "audit" : "enforce", pin_dir);
	{
		const char *why;
		enum pdguard_label_src src = pdg_bpf_label_src(b, &why);

		printf("labels from: %s%s%s%s\n", pdg_bpf_label_src_name(src),
		       why[0] ? " (not from file xattrs: " : "", why, why[0] ? ")" : "");
	}
	pdg_bpf_stop(b);
	return EXIT_OK;
bad:
	cli_error("bpf", "bad arguments to attach");
	return EXIT_USAGE;
}

static int cmd_status(struct pdg_bpf *b)
{
	uint64_t cnt[__PDGUARD_BPF_CNT_MAX];
	struct pdguard_bpf_config c;
	int i;

	if (pdg_bpf_config_get(b, &c) || pdg_bpf_counters(b, cnt)) {
		cli_error("bpf", "cannot read the pinned maps: %m");
		return EXIT_ERROR;
	}
	printf("driver: %s\npinned: %s\nabi: %u.%u\nmode: %s\nagent pid: %u\ntaint seen: %s\n"
	       "labels from: %s\n",
	       pdg_bpf_driver_name(pdg_bpf_driver(b)), pin_dir, c.abi_major, c.abi_minor,
	       c.mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit", c.agent_tgid,
	       c.any_taint ? "yes" : "no", pdg_bpf_label_src_name(c.label_src));
	for (i = 0; i < __PDGUARD_BPF_CNT_MAX; i++)
		printf("%s: %llu\n", pdg_bpf_counter_name(i), (unsigned long long)cnt[i]);
	return EXIT_OK;
}

static int cmd_events(struct pdg_bpf *b, int argc, char **argv)
{
	time_t end = argc > 1 ? time(NULL) + atoi(argv[1]) : 0;
	int ret;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop && (!end || time(NULL) < end)) {
		ret = pdg_bpf_poll(b, 200, print_event, NULL);
		if (ret < 0) {
			cli_error("bpf", "ring buffer: %s", strerror(-ret));
			return EXIT_ERROR;
		}
	}
	return EXIT_OK;
}

static int cmd_policy(struct pdg_bpf *b, int argc, char **argv)
{
	const char *cmd = argv[0];
	uint32_t cats = 0;
	int ret = -EINVAL;

	if (!strcmp(cmd, "mode") && argc == 2) {
		/* programs pinned elsewhere than the agent's: a lab's, set directly */
		if (!strcmp(argv[1], "audit"))
			ret = pdg_bpf_mode_set(b, PDGUARD_MODE_AUDIT);
		else if (!strcmp(argv[1], "enforce"))
			ret = pdg_bpf_mode_set(b, PDGUARD_MODE_ENFORCE);
	} else if (!strcmp(cmd, "label") && argc == 3) {
		if (!parse_cats(argv[2], &cats))
			ret = pdg_bpf_label_set(b, argv[1], cats);
	} else if (!strcmp(cmd, "zone") && argc == 3) {
		struct pdg_bpf_zone z = { .path = argv[2] };

		z.zone = !strcmp(argv[1], "usb") ? PDGUARD_ZONE_USB :
			 !strcmp(argv[1], "cloud") ? PDGUARD_ZONE_CLOUD : PDGUARD_ZONE_NONE;
		if (z.zone)
			ret = pdg_bpf_zone_add(b, &z);
	} else if (!strcmp(cmd, "role") && argc == 4) {
		struct pdg_bpf_role r = { .id = strtoul(argv[2], NULL, 10),
					  .group = !strcmp(argv[1], "gid") };

		if (!parse_cats(argv[3], &r.read_cats))
			ret = pdg_bpf_role_set(b, &r);
	} else if (!strcmp(cmd, "grant") && argc == 4) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		uint64_t until = (uint64_t)now.tv_sec + strtoull(argv[3], NULL, 10);

		if (!parse_cats(argv[2], &cats))
			ret = pdg_bpf_grant_add(b, strtoul(argv[1], NULL, 10), cats,
						until * 1000000000ull);
	} else if (!strcmp(cmd, "sync-client") && argc == 2) {
		ret = pdg_bpf_sync_client_add(b, argv[1]);
	} else {
		cli_error("bpf", "bad arguments to %s", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (ret) {
		cli_error("bpf", "%s: %s", cmd, strerror(-ret));
		return EXIT_ERROR;
	}
	return EXIT_OK;
}

int cli_bpf(int argc, char **argv)
{
	struct pdg_bpf *b = NULL;
	int rc;

	argc--;
	argv++;
	if (argc >= 2 && !strcmp(argv[0], "--pin-dir")) {
		pin_dir = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (argc < 1 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? EXIT_USAGE : EXIT_OK;
	}
	if (!strcmp(argv[0], "probe"))
		return cmd_probe();
	if (!strcmp(argv[0], "attach"))
		return cmd_attach(argc, argv);
	/* one mode, one path: the policy's, through `pdguard mode` (cli/mode.c) */
	if (!strcmp(argv[0], "mode") && !strcmp(pin_dir, PDGUARD_BPF_PIN_DIR))
		return cli_mode(argc, argv);
	if (!strcmp(argv[0], "detach")) {
		rc = pdg_bpf_unpin(pin_dir);
		if (rc) {
			cli_error("bpf", "cannot remove %s: %s", pin_dir, strerror(-rc));
			return EXIT_ERROR;
		}
		return EXIT_OK;
	}
	if (resume(&b))
		return EXIT_ERROR;
	if (!strcmp(argv[0], "status"))
		rc = cmd_status(b);
	else if (!strcmp(argv[0], "events"))
		rc = cmd_events(b, argc, argv);
	else
		rc = cmd_policy(b, argc, argv);
	pdg_bpf_stop(b);
	return rc;
}

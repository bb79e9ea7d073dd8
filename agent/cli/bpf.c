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
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "drivers/bpf/admin.h"
#include "lib/vocab.h"
#include "log/events.h"
#include "policy/config.h"

static const char *pin_dir = PDGUARD_BPF_PIN_DIR;
static const char *log_path;	/* --log; else the policy's log */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: pdguard bpf [--pin-dir DIR] [--log FILE] COMMAND [ARGS]\n"
		"\n"
		"The BPF enforcement drivers (BPF LSM, or fmod_ret on security_*()).\n"
		"Every command that changes enforcement (attach, detach, mode, label, zone, role,\n"
		"grant, sync-client) is logged, with who ran it, as an alert in the event log\n"
		"(--log FILE, default: the policy's log): a change once made (a warning if it could\n"
		"not be logged), a detach before it is made (refused if it cannot be).\n"
		"The pins are guarded: only this program may open, change, detach or unpin them.\n"
		"  probe                      which attach mode this kernel allows (exit 1: none)\n"
		"  attach [--audit] [--driver bpf-lsm|fmod-ret] [--no-guard]\n"
		"                             load, attach and pin the programs (no policy yet);\n"
		"                             --no-guard: leave them open to every root process\n"
		"                             (tests, debugging with bpftool)\n"
		"  detach --break-glass [--reason TEXT]\n"
		"                             remove the pins: enforcement stops (InfoSec break-glass\n"
		"                             procedure, docs/threat-model.md)\n"
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
	/* a full path, or null and what the kernel named (the event log's own fields) */
	printf(",\"path\":");
	if (ev->path) {
		json_put_string(stdout, ev->path);
	} else {
		printf("null");
		if (ev->file_name) {
			printf(",\"file_name\":");
			json_put_string(stdout, ev->file_name);
		}
		if (ev->file_ino)
			printf(",\"file_dev\":\"%u:%u\",\"file_ino\":%llu", major(ev->file_dev),
			       minor(ev->file_dev), (unsigned long long)ev->file_ino);
	}
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

/* Who runs the command: the sudo caller, else the login user, else the real user. */
static void actor_name(char *buf, size_t len)
{
	const char *sudo = getenv("SUDO_USER");
	unsigned long luid;
	FILE *f;

	if (sudo && *sudo && getuid() == 0) {
		snprintf(buf, len, "%s", sudo);
		return;
	}
	f = fopen("/proc/self/loginuid", "re");
	if (f) {
		if (fscanf(f, "%lu", &luid) == 1 && luid != 4294967295UL) {
			snprintf(buf, len, "loginuid %lu", luid);
			fclose(f);
			return;
		}
		fclose(f);
	}
	snprintf(buf, len, "uid %u", (unsigned int)getuid());
}

/*
 * Log an enforcement change: op "bpf-COMMAND", decision "alert", the whole command line and
 * who ran it. Return: 0, or -errno when the log cannot be written.
 */
static int log_admin(int argc, char **argv, const char *note)
{
	char reason[512], actor[96], extra[160], op[48], *cfglog = NULL;
	struct config_errors errs = { 0 };
	struct eventlog *log;
	struct config cfg;
	size_t off;
	int i, ret;

	snprintf(reason, sizeof(reason), "enforcement changed by hand: pdguard bpf");
	for (i = 0; i < argc; i++) {
		off = strlen(reason);
		snprintf(reason + off, sizeof(reason) - off, " %s", argv[i]);
	}
	if (note) {
		off = strlen(reason);
		snprintf(reason + off, sizeof(reason) - off, "; %s", note);
	}
	actor_name(actor, sizeof(actor));
	snprintf(extra, sizeof(extra), "\"alert\":\"admin-change\",\"by\":\"%.64s\"", actor);
	for (i = 0; extra[i]; i++)	/* a name is no JSON: keep it printable and unquoted */
		if (extra[i] == '\\' || (unsigned char)extra[i] < 0x20)
			extra[i] = '?';
	if (!log_path) {
		config_load(CONFIG_DEFAULT_PATH, &cfg, &errs);
		config_errors_free(&errs);
		cfglog = strdup(cfg.log);
		config_free(&cfg);
		if (!cfglog)
			return -ENOMEM;
	}
	snprintf(op, sizeof(op), "bpf-%s", argv[0]);
	ret = cli_log_open(&log, log_path ? log_path : cfglog, NULL);
	if (!ret) {
		struct event ev = event_agent(op, "alert", reason);

		ev.path = pin_dir;
		ev.extra = extra;
		ret = eventlog_write(log, &ev);
		eventlog_close(log);
	}
	if (ret)
		cli_error("bpf", "cannot log to %s: %s", log_path ? log_path : cfglog,
			  strerror(-ret));
	free(cfglog);
	return ret;
}

static int cmd_detach(int argc, char **argv)
{
	struct pdg_bpf_error err;
	const char *reason = NULL;
	bool glass = false, guarded = false;
	struct pdg_bpf *b;
	char note[300];
	int i, rc;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--break-glass")) {
			glass = true;
		} else if (!strcmp(argv[i], "--reason") && i + 1 < argc) {
			reason = argv[++i];
		} else {
			cli_error("bpf", "bad arguments to detach");
			return EXIT_USAGE;
		}
	}
	if (pdg_bpf_pinned(pin_dir) != PDGUARD_DRIVER_NONE &&
	    !pdg_bpf_open_pinned(&b, pin_dir, &err)) {
		guarded = pdg_bpf_guarded(b);
		pdg_bpf_stop(b);
	}
	if (!glass) {
		cli_error("bpf", "detach stops enforcement on this machine%s",
			  guarded ? " and the pins are guarded" : "");
		cli_hint("this is the InfoSec break-glass procedure (docs/threat-model.md): run "
			 "'pdguard bpf detach --break-glass --reason TEXT'; it is logged and alerted.");
		return EXIT_USAGE;
	}
	snprintf(note, sizeof(note), "break-glass%s%s", reason ? ": " : "", reason ? reason : "");
	if (log_admin(argc, argv, note)) {
		cli_hint("a break-glass detach must be logged: fix the log or name one with --log.");
		return EXIT_ERROR;
	}
	rc = pdg_bpf_unpin(pin_dir);
	if (rc) {
		cli_error("bpf", "cannot remove %s: %s", pin_dir, strerror(-rc));
		return EXIT_ERROR;
	}
	return EXIT_OK;
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
	bool guard = true;
	struct pdg_bpf *b;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--no-guard")) {
			guard = false;
		} else if (!strcmp(argv[i], "--audit")) {
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
		cli_hint("run 'pdguard bpf detach --break-glass --reason WHY' first, or use them as they are.");
		return EXIT_ERROR;
	}
	ret = pdg_bpf_attach(&b, pin_dir, driver, mode, guard, &err);
	if (ret) {
		cli_error("bpf", "%s", err.msg);
		if (err.hint[0])
			cli_hint("%s", err.hint);
		return EXIT_ERROR;
	}
	printf("attached: %s, %s mode, pinned in %s, %s\n", pdg_bpf_driver_name(pdg_bpf_driver(b)),
	       mode == PDGUARD_MODE_AUDIT ? "audit" : "enforce", pin_dir,
	       pdg_bpf_guarded(b) ? "guarded" : "NOT guarded");
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
	printf("driver: %s\npinned: %s\nguard: %s\nabi: %u.%u\nmode: %s\nagent pid: %u\n"
	       "taint seen: %s\nlabels from: %s\n",
	       pdg_bpf_driver_name(pdg_bpf_driver(b)), pin_dir,
	       pdg_bpf_guarded(b) ? "on" : "off", c.abi_major, c.abi_minor,
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
	while (argc >= 2 && (!strcmp(argv[0], "--pin-dir") || !strcmp(argv[0], "--log"))) {
		if (!strcmp(argv[0], "--pin-dir"))
			pin_dir = argv[1];
		else
			log_path = argv[1];
		argc -= 2;
		argv += 2;
	}
	if (argc < 1 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
		usage(argc < 1 ? stderr : stdout);
		return argc < 1 ? EXIT_USAGE : EXIT_OK;
	}
	if (!strcmp(argv[0], "probe"))
		return cmd_probe();
	if (!strcmp(argv[0], "detach"))
		return cmd_detach(argc, argv);
	/* one mode, one path: the policy's, through `pdguard mode` (cli/mode.c), which logs it */
	if (!strcmp(argv[0], "mode") && !strcmp(pin_dir, PDGUARD_BPF_PIN_DIR))
		return cli_mode(argc, argv);
	if (!strcmp(argv[0], "attach")) {
		rc = cmd_attach(argc, argv);
	} else {
		if (resume(&b))
			return EXIT_ERROR;
		if (!strcmp(argv[0], "status"))
			rc = cmd_status(b);
		else if (!strcmp(argv[0], "events"))
			rc = cmd_events(b, argc, argv);
		else
			rc = cmd_policy(b, argc, argv);
		pdg_bpf_stop(b);
	}
	/* a change made is logged; one that cannot be is said so */
	if (rc == EXIT_OK && strcmp(argv[0], "status") && strcmp(argv[0], "events") &&
	    log_admin(argc, argv, NULL))
		fprintf(stderr, "Warning: this change is made but not in the event log\n");
	return rc;
}

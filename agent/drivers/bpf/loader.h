/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF drivers (bpf/pdguard.bpf.c): probe which attach mode the kernel allows (BPF LSM, else
 * fmod_ret on security_*()), load and attach the programs, pin them so that enforcement outlives
 * the agent, fill the maps, and turn ring-buffer records into struct event.
 *
 * Every function returns 0 (or a count) on success and -errno on failure; none prints.
 */
#ifndef PDGUARD_BPF_LOADER_H
#define PDGUARD_BPF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <uapi/pdguard.h>

#include "log/events.h"

/**
 * struct pdg_bpf_probe - what the running kernel offers
 * @lsm, @fmod_ret: 0 when the mode works, else -errno (-ENOENT: bpf not in the LSM list,
 *                  -EPERM: trampolines refused, ...)
 * @lsm_why, @fmod_ret_why: one line saying why not ("" when available)
 * @lsm_list: contents of /sys/kernel/security/lsm, "" when unreadable
 * @best: the mode to use, PDGUARD_DRIVER_NONE when neither works
 * @hint: what to do when @best is NONE (or "" otherwise)
 */
struct pdg_bpf_probe {
	int lsm;
	int fmod_ret;
	char lsm_why[160];
	char fmod_ret_why[160];
	char lsm_list[256];
	enum pdguard_bpf_driver best;
	char hint[200];
};

/* Probe both modes by loading (never attaching) a two-instruction program. */
int pdg_bpf_probe(struct pdg_bpf_probe *p);

/* "bpf-lsm", "fmod-ret", "fanotify" or "none": the names of the policy's driver setting. */
const char *pdg_bpf_driver_name(enum pdguard_bpf_driver d);

/**
 * struct pdg_bpf_role - a role's readable categories for a uid or a gid
 * @group: @id is a gid (else a uid)
 */
struct pdg_bpf_role {
	uint32_t id;
	bool group;
	uint32_t read_cats;
};

/**
 * struct pdg_bpf_zone - a restricted zone
 * @zone: PDGUARD_ZONE_USB (the whole filesystem holding @path, and its block device) or
 *        PDGUARD_ZONE_CLOUD (the directory @path and everything under it)
 */
struct pdg_bpf_zone {
	enum pdguard_zone zone;
	const char *path;
};

struct pdg_bpf_label {
	const char *path;
	uint32_t cats;
};

/**
 * struct pdg_bpf_opts - what pdg_bpf_start() sets up
 * @driver: PDGUARD_DRIVER_NONE picks the best the kernel offers
 * @mode: enforce or audit
 * @agent_tgid: the process exempt from every decision (the agent); 0 for none
 * @pin_dir: bpffs directory to pin links and maps in and to resume from (the daemon passes
 *           PDGUARD_BPF_PIN_DIR); NULL: nothing pinned, pdg_bpf_stop() detaches (tests)
 * @keep_config: when resuming, leave the pinned mode and agent tgid as they are (the CLI)
 * @roles, @zones, @labels, @sync_clients (executable paths): initial policy
 */
struct pdg_bpf_opts {
	enum pdguard_bpf_driver driver;
	enum pdguard_mode mode;
	pid_t agent_tgid;
	bool keep_config;
	const char *pin_dir;
	const struct pdg_bpf_role *roles;
	size_t n_roles;
	const struct pdg_bpf_zone *zones;
	size_t n_zones;
	const struct pdg_bpf_label *labels;
	size_t n_labels;
	const char *const *sync_clients;
	size_t n_sync_clients;
};

/* Why pdg_bpf_start() failed: a sentence and what to do about it. */
struct pdg_bpf_error {
	char msg[256];
	char hint[256];
};

struct pdg_bpf;

/**
 * pdg_bpf_start() - load and attach the programs, or resume pinned ones
 *
 * With @o->pin_dir set and pins found there, no program is loaded: the pinned maps are reused
 * (after an ABI check), the agent's tgid and mode are updated and the policy is applied again.
 * Otherwise the programs of the chosen mode are loaded and attached, and pinned if asked.
 * Return: 0, or -errno with @err filled.
 */
int pdg_bpf_start(struct pdg_bpf **out, const struct pdg_bpf_opts *o, struct pdg_bpf_error *err);

/* Close the agent's handles. Unpinned programs are detached; pinned ones keep enforcing. */
void pdg_bpf_stop(struct pdg_bpf *b);

/* Remove every pin under @pin_dir and the directory: enforcement ends with the last handle. */
int pdg_bpf_unpin(const char *pin_dir);

/* Whether @pin_dir holds pins, and of which mode (NONE when none). */
enum pdguard_bpf_driver pdg_bpf_pinned(const char *pin_dir);

/*
 * Detach (@pause) or re-attach the loaded programs, keeping the maps: for benchmarks of one
 * load. Only for unpinned sessions started by this process (-EBUSY otherwise).
 */
int pdg_bpf_pause(struct pdg_bpf *b, bool pause);

enum pdguard_bpf_driver pdg_bpf_driver(const struct pdg_bpf *b);
bool pdg_bpf_resumed(const struct pdg_bpf *b);

/* Policy changes at run time. Paths are resolved with stat(); dev_t is userspace's st_dev. */
int pdg_bpf_label_set(struct pdg_bpf *b, const char *path, uint32_t cats);
int pdg_bpf_label_set_inode(struct pdg_bpf *b, dev_t dev, ino_t ino, uint32_t cats);
int pdg_bpf_label_remove(struct pdg_bpf *b, const char *path);
/* The label the hash map holds for @path (derived labels of LSM mode live in inode storage). */
int pdg_bpf_label_get(struct pdg_bpf *b, const char *path, uint32_t *cats, uint32_t *flags);
int pdg_bpf_role_set(struct pdg_bpf *b, const struct pdg_bpf_role *r);
int pdg_bpf_role_remove(struct pdg_bpf *b, uint32_t id, bool group);
/* Grant @cats to @uid until @expires_realtime_ns (CLOCK_REALTIME). */
int pdg_bpf_grant_add(struct pdg_bpf *b, uint32_t uid, uint32_t cats, uint64_t expires_realtime_ns);
int pdg_bpf_grant_remove(struct pdg_bpf *b, uint32_t uid, uint32_t cats);
int pdg_bpf_zone_add(struct pdg_bpf *b, const struct pdg_bpf_zone *z);
int pdg_bpf_zone_remove(struct pdg_bpf *b, const struct pdg_bpf_zone *z);
/* A USB zone by device number (a filesystem's st_dev, or a block device's st_rdev). */
int pdg_bpf_zone_add_usb_dev(struct pdg_bpf *b, dev_t dev);
int pdg_bpf_sync_client_add(struct pdg_bpf *b, const char *exe_path);
int pdg_bpf_sync_client_remove(struct pdg_bpf *b, const char *exe_path);
int pdg_bpf_mode_set(struct pdg_bpf *b, enum pdguard_mode mode);
int pdg_bpf_config_get(struct pdg_bpf *b, struct pdguard_bpf_config *c);

/* Events: each ring-buffer record becomes a struct event handed to @cb (e.g. the event log). */
typedef int (*pdg_bpf_event_cb)(void *ctx, const struct event *ev,
				const struct pdguard_event *raw);
/* Wait up to @timeout_ms (0: do not wait) and deliver. Return: events delivered or -errno. */
int pdg_bpf_poll(struct pdg_bpf *b, int timeout_ms, pdg_bpf_event_cb cb, void *ctx);
/* The ring buffer's epoll descriptor, for the daemon's own event loop. */
int pdg_bpf_events_fd(struct pdg_bpf *b);

/* Counters summed over CPUs, indexed by enum pdguard_bpf_counter. */
int pdg_bpf_counters(struct pdg_bpf *b, uint64_t out[__PDGUARD_BPF_CNT_MAX]);
const char *pdg_bpf_counter_name(enum pdguard_bpf_counter c);

/*
 * Per-program run count and total run time (kernel.bpf_stats_enabled must be 1 while they
 * run): for benchmarks. Only for programs this process loaded (-ENOENT when resumed).
 */
typedef void (*pdg_bpf_prog_stat_cb)(void *ctx, const char *prog, uint64_t runs, uint64_t ns);
int pdg_bpf_prog_stats(struct pdg_bpf *b, pdg_bpf_prog_stat_cb cb, void *ctx);

/* Kernel encoding of a userspace dev_t: MAJOR << 20 | MINOR (what sb->s_dev holds). */
uint32_t pdg_bpf_kdev(dev_t dev);

/* libbpf's and the verifier's last messages (the library never prints them). */
const char *pdg_bpf_last_log(void);

#endif /* PDGUARD_BPF_LOADER_H */

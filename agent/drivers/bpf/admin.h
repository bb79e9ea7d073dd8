/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF drivers for administration (`pdguard bpf`, `pdguard status`): what the kernel offers,
 * attach and detach, the pinned programs' mode and counters, the map edits an administrator
 * makes by hand, and their events. The daemon's driver uses the fuller loader.h, internal to
 * agent/drivers/bpf/.
 *
 * Every function returns 0 (or a count) on success and -errno on failure; none prints.
 */
#ifndef PDGUARD_BPF_ADMIN_H
#define PDGUARD_BPF_ADMIN_H

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

/*
 * Whether pdguard.ko is loaded with its label kfuncs (its BTF names them); if not, @why says
 * why in one line. The programs that call them need BPF LSM mode as well.
 */
bool pdg_bpf_module_kfuncs(char *why, size_t len);

/* Where the programs read labels: "file xattrs (pdguard.ko kfuncs)" or "labels map". */
const char *pdg_bpf_label_src_name(enum pdguard_label_src s);

/* "bpf-lsm", "fmod-ret", "fanotify" or "none": the names of the policy's driver setting. */
const char *pdg_bpf_driver_name(enum pdguard_bpf_driver d);

/* Why setting up the programs failed: a sentence and what to do about it. */
struct pdg_bpf_error {
	char msg[256];
	char hint[256];
};

struct pdg_bpf;

/* Whether @pin_dir holds pins, and of which mode (NONE when none). */
enum pdguard_bpf_driver pdg_bpf_pinned(const char *pin_dir);

/* Remove every pin under @pin_dir and the directory: enforcement ends with the last handle. */
int pdg_bpf_unpin(const char *pin_dir);

/**
 * pdg_bpf_attach() - load, attach and pin the programs in @pin_dir, with no policy yet
 * @driver: PDGUARD_DRIVER_NONE picks the best the kernel offers
 * @guard: arm the tamper guard for this process's executable (docs/threat-model.md)
 * Return: 0, or -errno with @err filled.
 */
int pdg_bpf_attach(struct pdg_bpf **out, const char *pin_dir, enum pdguard_bpf_driver driver,
		   enum pdguard_mode mode, bool guard, struct pdg_bpf_error *err);

/**
 * pdg_bpf_open_pinned() - the programs pinned in @pin_dir, their mode and agent left as they are
 * Return: 0, or -errno with @err filled.
 */
int pdg_bpf_open_pinned(struct pdg_bpf **out, const char *pin_dir, struct pdg_bpf_error *err);

/*
 * Whether the tamper guard is armed: only the agent's executable may touch the objects, and
 * `pdguard bpf detach` needs --break-glass (docs/threat-model.md).
 */
bool pdg_bpf_guarded(const struct pdg_bpf *b);

/* Close the handles. Unpinned programs are detached; pinned ones keep enforcing. */
void pdg_bpf_stop(struct pdg_bpf *b);

enum pdguard_bpf_driver pdg_bpf_driver(const struct pdg_bpf *b);

/* Where the loaded programs read labels; @why (may be NULL) says why not from the xattrs. */
enum pdguard_label_src pdg_bpf_label_src(const struct pdg_bpf *b, const char **why);

/* The programs' settings (ABI, mode, agent, whether anything was tainted). */
int pdg_bpf_config_get(struct pdg_bpf *b, struct pdguard_bpf_config *c);
int pdg_bpf_mode_set(struct pdg_bpf *b, enum pdguard_mode mode);

/* Counters summed over CPUs, indexed by enum pdguard_bpf_counter. */
int pdg_bpf_counters(struct pdg_bpf *b, uint64_t out[__PDGUARD_BPF_CNT_MAX]);
const char *pdg_bpf_counter_name(enum pdguard_bpf_counter c);

/**
 * struct pdg_bpf_role - a role's readable and exportable categories for a uid or a gid
 * @group: @id is a gid (else a uid)
 */
struct pdg_bpf_role {
	uint32_t id;
	bool group;
	uint32_t read_cats;
	uint32_t export_cats;	/* the roles' export =: any zone of either kind */
};

/**
 * struct pdg_bpf_export - export grants by category for one uid or gid and one zone kind
 * @zone: PDGUARD_ZONE_USB or PDGUARD_ZONE_CLOUD
 * @until: per category bit, the latest end (wall-clock seconds; 0: none)
 */
struct pdg_bpf_export {
	uint32_t id;
	bool group;
	uint8_t zone;
	int64_t until[5];
};

/* Put @e in the export grants map (ends converted to CLOCK_BOOTTIME); -ENOENT: pins of ABI 1.4. */
int pdg_bpf_export_set(struct pdg_bpf *b, const struct pdg_bpf_export *e);
int pdg_bpf_export_remove(struct pdg_bpf *b, const struct pdg_bpf_export *e);

/**
 * struct pdg_bpf_zone - a restricted zone
 * @zone: PDGUARD_ZONE_USB (the whole filesystem holding @path, and its block device) or
 *        PDGUARD_ZONE_CLOUD (the directory @path and everything under it)
 */
struct pdg_bpf_zone {
	enum pdguard_zone zone;
	const char *path;
};

/* Policy edits. Paths are resolved with stat(). */
int pdg_bpf_label_set(struct pdg_bpf *b, const char *path, uint32_t cats);
int pdg_bpf_role_set(struct pdg_bpf *b, const struct pdg_bpf_role *r);
/* Grant @cats to @uid until @expires_realtime_ns (CLOCK_REALTIME). */
int pdg_bpf_grant_add(struct pdg_bpf *b, uint32_t uid, uint32_t cats, uint64_t expires_realtime_ns);
int pdg_bpf_zone_add(struct pdg_bpf *b, const struct pdg_bpf_zone *z);
int pdg_bpf_sync_client_add(struct pdg_bpf *b, const char *exe_path);
/* An exit-point program ([exit-points]): it opens PD only under a grant of the user's. */
int pdg_bpf_exit_point_add(struct pdg_bpf *b, const char *exe_path);
/* A file server's program ([servers]): its processes started by root write no derived label. */
int pdg_bpf_server_add(struct pdg_bpf *b, const char *exe_path);

/* Events: each ring-buffer record becomes a struct event handed to @cb (e.g. the event log). */
typedef int (*pdg_bpf_event_cb)(void *ctx, const struct event *ev,
				const struct pdguard_event *raw);
/* Wait up to @timeout_ms (0: do not wait) and deliver. Return: events delivered or -errno. */
int pdg_bpf_poll(struct pdg_bpf *b, int timeout_ms, pdg_bpf_event_cb cb, void *ctx);

#endif /* PDGUARD_BPF_ADMIN_H */

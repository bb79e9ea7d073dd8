/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The BPF drivers (bpf/pdguard.bpf.c) as the daemon's driver uses them, internal to
 * agent/drivers/bpf/ (and the tests and benchmarks of this driver): everything of admin.h, plus
 * starting with a whole policy, the edits that take policy back, inode-keyed labels, the ring
 * buffer's descriptor and the benchmark hooks. The CLI uses admin.h only.
 *
 * Files: probe.c (what the kernel offers, libbpf's log), loader.c (load, attach, pin, resume),
 * maps.c (policy into the maps, counters), ringbuf.c (ring-buffer records -> struct event).
 * Every function returns 0 (or a count) on success and -errno on failure; none prints.
 */
#ifndef PDGUARD_BPF_LOADER_H
#define PDGUARD_BPF_LOADER_H

#include "drivers/bpf/admin.h"

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
 * @guard: arm the tamper guard (bpf/lib/guard.bpf.h) for this process's executable: only
 *         processes running it may then open, change, detach or unpin the objects; false: no
 *         guard (tests of other things, `pdguard bpf attach --no-guard`)
 * @roles, @zones, @labels, @sync_clients (executable paths): initial policy
 */
struct pdg_bpf_opts {
	enum pdguard_bpf_driver driver;
	enum pdguard_mode mode;
	pid_t agent_tgid;
	bool keep_config;
	const char *pin_dir;
	bool guard;
	const struct pdg_bpf_role *roles;
	size_t n_roles;
	const struct pdg_bpf_zone *zones;
	size_t n_zones;
	const struct pdg_bpf_label *labels;
	size_t n_labels;
	const char *const *sync_clients;
	size_t n_sync_clients;
};

/**
 * pdg_bpf_start() - load and attach the programs, or resume pinned ones
 *
 * With @o->pin_dir set and pins found there, no program is loaded: the pinned maps are reused
 * (after an ABI check), the agent's tgid and mode are updated and the policy is applied again.
 * Otherwise the programs of the chosen mode are loaded and attached, and pinned if asked.
 * Return: 0, or -errno with @err filled.
 */
int pdg_bpf_start(struct pdg_bpf **out, const struct pdg_bpf_opts *o, struct pdg_bpf_error *err);

/**
 * pdg_bpf_reset() - start afresh on programs already loaded
 *
 * Empties every policy and state map (labels kept in maps, zones, cloud folders, roles, grants,
 * export grants, sync clients, taint, pipe peers), then sets @o's mode and agent and applies its
 * policy, as pdg_bpf_start() would on a fresh load, without loading or verifying anything.
 * Labels kept in inode storage and the counters stay. Not for a guarded session (its maps may
 * be frozen; -EBUSY). Return: 0, or -errno with @err filled.
 */
int pdg_bpf_reset(struct pdg_bpf *b, const struct pdg_bpf_opts *o, struct pdg_bpf_error *err);

/*
 * Detach (@pause) or re-attach the loaded programs, keeping the maps: for benchmarks of one
 * load. Only for unpinned sessions started by this process (-EBUSY otherwise).
 */
int pdg_bpf_pause(struct pdg_bpf *b, bool pause);

bool pdg_bpf_resumed(const struct pdg_bpf *b);

/* Policy changes at run time beyond admin.h's. dev_t is userspace's st_dev. */
int pdg_bpf_label_set_inode(struct pdg_bpf *b, dev_t dev, ino_t ino, uint32_t cats);
int pdg_bpf_label_remove(struct pdg_bpf *b, const char *path);
/* The label the hash map holds for @path (derived labels of LSM mode live in inode storage). */
int pdg_bpf_label_get(struct pdg_bpf *b, const char *path, uint32_t *cats, uint32_t *flags);
int pdg_bpf_role_remove(struct pdg_bpf *b, uint32_t id, bool group);
int pdg_bpf_grant_remove(struct pdg_bpf *b, uint32_t uid, uint32_t cats);
int pdg_bpf_zone_remove(struct pdg_bpf *b, const struct pdg_bpf_zone *z);
/* A USB zone by device number (a filesystem's st_dev, or a block device's st_rdev). */
int pdg_bpf_zone_add_usb_dev(struct pdg_bpf *b, dev_t dev);
int pdg_bpf_sync_client_remove(struct pdg_bpf *b, const char *exe_path);

/**
 * struct pdg_bpf_role_place - what the roles with place = of a uid or gid read at one place
 * @place: the index of the place folder (pdg_bpf_places_set()'s @paths)
 */
struct pdg_bpf_role_place {
	uint32_t id;
	bool group;
	uint32_t place;
	uint32_t read_cats;
};

/**
 * pdg_bpf_places_set() - the place folders of scoped roles: @paths[i] is place i
 * The programs walk up from a labelled file to the nearest one. Folders of earlier calls that
 * are not listed now go; a folder that cannot be found now is left out (a share not mounted
 * yet: the next policy push looks again).
 * Return: how many folders were left out, or -errno.
 */
int pdg_bpf_places_set(struct pdg_bpf *b, const char *const *paths, size_t n);
/* What scoped roles read per place: the map then holds @v and nothing else. */
int pdg_bpf_role_places_set(struct pdg_bpf *b, const struct pdg_bpf_role_place *v, size_t n);

/*
 * Names of @uid's roles, comma-separated, for the events' reason texts ("role hr may not read
 * medical"); "" when none. Without it (the CLI) a reason names no role.
 */
typedef void (*pdg_bpf_roles_cb)(void *ctx, uint32_t uid, char *names, size_t len);
void pdg_bpf_set_roles_cb(struct pdg_bpf *b, pdg_bpf_roles_cb cb, void *ctx);

/* The ring buffer's epoll descriptor, for the daemon's own event loop. */
int pdg_bpf_events_fd(struct pdg_bpf *b);

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

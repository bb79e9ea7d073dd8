/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pdguard ABI: the one header shared by the kernel module (kmod/), the BPF programs (bpf/) and
 * the agent (agent/).
 *
 * Rules for changing it:
 *  - fixed-size types only (__u8..__u64), explicit padding, sizes checked at compile time;
 *  - enum values are never renumbered or reused; new ones are appended before the __MAX marker;
 *  - adding a command, an attribute or an enum value bumps PDGUARD_ABI_MINOR;
 *  - changing the meaning or layout of anything that exists bumps PDGUARD_ABI_MAJOR, and the
 *    agent refuses to talk to a module or BPF object of another major version.
 */
#ifndef _UAPI_PDGUARD_H
#define _UAPI_PDGUARD_H

/* BPF programs get the kernel's types from vmlinux.h, which clashes with linux/types.h. */
#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define PDGUARD_ABI_MAJOR 1
#define PDGUARD_ABI_MINOR 7

/* PD categories: a label carries a set of them. */
#define PDGUARD_CAT_BASIC	(1U << 0)	/* identity: IIN, passport, ID card, phone */
#define PDGUARD_CAT_PERSONNEL	(1U << 1)	/* HR records: hiring, leave, appraisal */
#define PDGUARD_CAT_FINANCIAL	(1U << 2)	/* salary, bank accounts, cards, taxes */
#define PDGUARD_CAT_MEDICAL	(1U << 3)	/* sick leave, diagnoses, disability */
#define PDGUARD_CAT_BIOMETRIC	(1U << 4)	/* fingerprints, face templates, photos */
#define PDGUARD_CAT_ALL		((1U << 5) - 1)

/*
 * The persistent label of a file: extended attribute PDGUARD_XATTR_NAME with a struct
 * pdguard_label_xattr value.
 *
 * security.bpf.* because (1) only CAP_SYS_ADMIN may set or remove security.* attributes, so
 * the file's owner cannot strip the label (user.* may be changed by anyone who can write the
 * file); (2) it is the namespace BPF LSM programs may read with bpf_get_file_xattr (6.8+) and
 * write with bpf_set_dentry_xattr; (3) backup tools that keep xattrs (tar --xattrs, rsync -X)
 * carry it along.
 */
#define PDGUARD_XATTR_NAME	"security.bpf.pdguard"
#define PDGUARD_LABEL_MAGIC	0x50	/* 'P' */
#define PDGUARD_LABEL_VERSION	1

enum pdguard_label_level {
	PDGUARD_LEVEL_NONE = 0,		/* classified, no PD */
	PDGUARD_LEVEL_PD = 1,		/* personal data: @categories says which */
	PDGUARD_LEVEL_DERIVED = 2,	/* written by a process that had read PD (taint) */
	__PDGUARD_LEVEL_MAX,
};

/* Label flags */
#define PDGUARD_LABEL_MANUAL	(1U << 0)	/* set by an administrator, not by classification */
/*
 * (ABI 1.4) The file could not be read whole (encrypted, an unsupported container, a limit,
 * extraction failed): @level and @categories are what the policy's "unknown =" made of it
 * (PD of every category by default), so the kernel enforces it without knowing the policy.
 */
#define PDGUARD_LABEL_UNKNOWN	(1U << 1)

/**
 * struct pdguard_label_xattr - value of the label attribute (little-endian on disk)
 * @magic: PDGUARD_LABEL_MAGIC
 * @version: PDGUARD_LABEL_VERSION
 * @level: enum pdguard_label_level
 * @flags: PDGUARD_LABEL_*
 * @categories: PDGUARD_CAT_* bits
 * @classified_at: seconds since the epoch when the label was decided
 */
struct pdguard_label_xattr {
	__u8 magic;
	__u8 version;
	__u8 level;
	__u8 flags;
	__u32 categories;
	__u64 classified_at;
};

_Static_assert(sizeof(struct pdguard_label_xattr) == 16, "label xattr layout is ABI");

/* Enforcement mode, as the module, the BPF maps and the policy spell it. */
enum pdguard_mode {
	PDGUARD_MODE_AUDIT = 0,		/* decide, log would-deny, refuse nothing */
	PDGUARD_MODE_ENFORCE = 1,	/* decide and refuse */
	__PDGUARD_MODE_MAX,
};
#define PDGUARD_MODE_MAX (__PDGUARD_MODE_MAX - 1)

/*
 * Generic netlink control channel of pdguard.ko.
 *
 * Family PDGUARD_GENL_NAME, version PDGUARD_GENL_VERSION. Every attribute is validated strictly:
 * an unknown attribute, a wrong length or an out-of-range value is refused with an extended ACK
 * message naming the attribute.
 */
#define PDGUARD_GENL_NAME		"pdguard"
#define PDGUARD_GENL_VERSION		1
#define PDGUARD_GENL_MCGRP_EVENTS	"events"

enum pdguard_cmd {
	PDGUARD_CMD_UNSPEC,
	/* Anyone: reply carries the ABI version, mode, counters and the agent's heartbeat. */
	PDGUARD_CMD_GET_STATUS,
	/* CAP_NET_ADMIN: set PDGUARD_ATTR_MODE. Reply as GET_STATUS. */
	PDGUARD_CMD_SET_MODE,
	/* CAP_NET_ADMIN: the agent says it is alive (PDGUARD_ATTR_AGENT_PID, optionally
	 * PDGUARD_ATTR_POLICY_GEN). */
	PDGUARD_CMD_HEARTBEAT,
	/* Multicast on PDGUARD_GENL_MCGRP_EVENTS; reserved for kernel events. */
	PDGUARD_CMD_EVENT,
	__PDGUARD_CMD_MAX,
};
#define PDGUARD_CMD_MAX (__PDGUARD_CMD_MAX - 1)

enum pdguard_attr {
	PDGUARD_ATTR_UNSPEC,
	PDGUARD_ATTR_PAD,		/* alignment padding for 64-bit attributes */
	PDGUARD_ATTR_ABI_MAJOR,		/* u32 */
	PDGUARD_ATTR_ABI_MINOR,		/* u32 */
	PDGUARD_ATTR_MODE,		/* u8, enum pdguard_mode */
	PDGUARD_ATTR_AGENT_PID,		/* u32: pid of the last heartbeat, 0 if none yet */
	PDGUARD_ATTR_HEARTBEAT_AGE_MS,	/* u64: ms since the last heartbeat; absent if none yet */
	PDGUARD_ATTR_POLICY_GEN,	/* u64: policy generation the agent last reported */
	PDGUARD_ATTR_LOADED_AGE_MS,	/* u64: ms since the module was loaded */
	PDGUARD_ATTR_COUNTERS,		/* nested, enum pdguard_counter_attr */
	PDGUARD_ATTR_KFUNCS,		/* u8: 1 when the label kfuncs are registered (ABI 1.3) */
	PDGUARD_ATTR_AGENT_BOUND,	/* u8: 1 while a heartbeat socket is bound (ABI 1.4) */
	__PDGUARD_ATTR_MAX,
};
#define PDGUARD_ATTR_MAX (__PDGUARD_ATTR_MAX - 1)

/* Counters, nested in PDGUARD_ATTR_COUNTERS; each a u64. */
enum pdguard_counter_attr {
	PDGUARD_CNT_UNSPEC,
	PDGUARD_CNT_PAD,
	PDGUARD_CNT_STATUS_REQUESTS,	/* GET_STATUS served */
	PDGUARD_CNT_MODE_CHANGES,	/* SET_MODE that changed the mode */
	PDGUARD_CNT_HEARTBEATS,		/* HEARTBEAT accepted */
	PDGUARD_CNT_REJECTED,		/* requests refused by validation or permission */
	PDGUARD_CNT_LABEL_READS,	/* label xattrs read by the kfuncs (ABI 1.3) */
	PDGUARD_CNT_NOT_AGENT,		/* HEARTBEAT or SET_MODE refused: not the agent's
					 * bound socket (ABI 1.4) */
	__PDGUARD_CNT_MAX,
};
#define PDGUARD_CNT_MAX (__PDGUARD_CNT_MAX - 1)

/*
 * BPF drivers (bpf/pdguard.bpf.c): map keys and values, the ring-buffer event, counters.
 * Added in ABI 1.1. The same structs are written by the agent (agent/drivers/bpf/loader.c) and read by
 * the BPF programs in both attach modes (BPF LSM and fmod_ret).
 */

/* Default bpffs directory of the pinned links and maps. */
#define PDGUARD_BPF_PIN_DIR	"/sys/fs/bpf/pdguard"
/* Levels of the d_parent walk that looks for a cloud-folder or place-folder ancestor (a bounded
 * loop). */
#define PDGUARD_BPF_WALK_DEPTH	32

/**
 * struct pdguard_inode_key - a file by inode: key of the label, cloud-folder and sync-client maps
 * @ino: inode number
 * @dev: the superblock's s_dev in the KERNEL's encoding (MAJOR << 20 | MINOR), not userspace
 *       st_dev: the agent converts with pdguard_dev_to_kernel()
 */
struct pdguard_inode_key {
	__u64 ino;
	__u32 dev;
	__u32 __pad;
};

/* struct pdguard_label.flags (the BPF map value; the xattr has its own PDGUARD_LABEL_*) */
#define PDGUARD_BPF_LABEL_DERIVED	(1U << 0)	/* set by BPF: written by a tainted process */

/**
 * struct pdguard_label - value of the label maps (hash by inode key; inode storage in LSM mode)
 * @cats: PDGUARD_CAT_* bits; 0 means no PD
 * @flags: PDGUARD_BPF_LABEL_*
 */
struct pdguard_label {
	__u32 cats;
	__u32 flags;
};

/* struct pdguard_sb.flags: what a filesystem (superblock, by s_dev) holds. */
#define PDGUARD_SB_USB		(1U << 0)	/* the whole filesystem is a USB zone */
#define PDGUARD_SB_CLOUD	(1U << 1)	/* it holds cloud folders: walk d_parent */
#define PDGUARD_SB_LABELS	(1U << 2)	/* it holds labelled files: look labels up */
#define PDGUARD_SB_PLACES	(1U << 3)	/* it holds place folders of scoped roles: walk
						 * d_parent for the nearest (ABI 1.7) */

struct pdguard_sb {
	__u32 flags;
	__u32 __pad;
};

/**
 * struct pdguard_role - value of the role maps (by uid, by gid)
 * @read_cats: PD categories that members may open
 * @export_cats: PD categories that members may write to USB and cloud zones (ABI 1.5; the
 *	padding before, always 0)
 */
struct pdguard_role {
	__u32 read_cats;
	__u32 export_cats;
};

/**
 * struct pdguard_place_key - key of the role-place map (ABI 1.7): a uid or a gid and a place
 * folder's index (the value of the place-folder map); the value is a __u32 of PDGUARD_CAT_*
 * its roles with place = may read in files whose nearest place folder that is
 * @group: @id is a gid
 */
struct pdguard_place_key {
	__u32 id;
	__u16 place;
	__u8 group;
	__u8 __pad;
};

/**
 * struct pdguard_export_key - key of the export grants map (ABI 1.5): a uid or a gid, a zone kind
 * @group: @id is a gid
 * @zone: PDGUARD_ZONE_USB or PDGUARD_ZONE_CLOUD
 */
struct pdguard_export_key {
	__u32 id;
	__u8 group;
	__u8 zone;
	__u16 __pad;
};

/**
 * struct pdguard_export - value of the export grants map: for each category bit (0 = basic ...
 * 4 = biometric) the end of the latest grant exporting it, CLOCK_BOOTTIME ns (0: none)
 */
struct pdguard_export {
	__u64 until[5];
};

/**
 * struct pdguard_grant_key - a time-limited grant of one category to one user; the value is
 * a __u64 expiry in CLOCK_BOOTTIME ns (the agent converts from wall-clock time)
 * @cat_bit: the category's bit number (0 = basic ... 4 = biometric)
 */
struct pdguard_grant_key {
	__u32 uid;
	__u32 cat_bit;
};

/**
 * struct pdguard_bpf_config - the one entry of the config array map
 * @abi_major, @abi_minor: of the loader that created the maps; a resuming agent checks them
 * @mode: enum pdguard_mode
 * @agent_tgid: the agent's process, exempt from every decision (it reads PD to classify)
 * @any_taint: set by BPF once any process is tainted (lets cheap paths skip the taint lookup)
 * @label_src: enum pdguard_label_src, where the loaded programs read labels from (ABI 1.3)
 * @generation: policy generation, set by the agent
 */
struct pdguard_bpf_config {
	__u32 abi_major;
	__u32 abi_minor;
	__u32 mode;
	__u32 agent_tgid;
	__u32 any_taint;
	__u32 label_src;
	__u64 generation;
};

/*
 * Tamper protection (ABI 1.4): the one entry of the guard map, written once by the loader and
 * then frozen (BPF_MAP_FREEZE; programs may only read it). While @flags has
 * PDGUARD_GUARD_ON, only processes running the agent's executable may open, update, detach or
 * unpin pdguard's BPF objects (docs/threat-model.md).
 * @pin_ino, @pin_dev: the bpffs directory of the pins (0: nothing pinned; kernel dev encoding)
 * @learn_tgid: the loader's process: the programs learn the agent's executable from its next
 *              guarded call, as the kernel sees it (an overlayfs or a bind mount shows
 *              userspace another device and inode), into struct pdguard_guard_exe
 */
#define PDGUARD_GUARD_ON	(1U << 0)

struct pdguard_guard {
	__u64 pin_ino;
	__u32 pin_dev;
	__u32 flags;
	__u32 learn_tgid;
	__u32 __pad;
};

/* The agent's executable (inode of mm->exe_file), learnt once by the programs (@learnt 1). */
struct pdguard_guard_exe {
	__u64 ino;
	__u32 dev;
	__u32 learnt;
};

/* Key of the guard's id map: a BPF object of pdguard's (the value is a __u32, 1). */
enum pdguard_guard_kind {
	PDGUARD_GUARD_MAP = 1,
	PDGUARD_GUARD_PROG = 2,
	PDGUARD_GUARD_LINK = 3,
};

struct pdguard_guard_id {
	__u32 kind;
	__u32 id;
};

/* Where the BPF programs read a file's label (struct pdguard_bpf_config.label_src). */
enum pdguard_label_src {
	PDGUARD_LABEL_SRC_MAP = 0,	/* the agent's labels map only (fmod_ret, or no module) */
	PDGUARD_LABEL_SRC_MODULE = 1,	/* the file's xattr, through pdguard.ko's kfuncs */
	__PDGUARD_LABEL_SRC_MAX,
};

/* Zones of the event contract. */
enum pdguard_zone {
	PDGUARD_ZONE_NONE = 0,
	PDGUARD_ZONE_USB = 1,
	PDGUARD_ZONE_CLOUD = 2,
	PDGUARD_ZONE_DEEP = 3,		/* the cloud-folder walk hit its bound: treated as a zone */
	__PDGUARD_ZONE_MAX,
};

/* What was attempted (the event's "op"). */
enum pdguard_op {
	PDGUARD_OP_NONE = 0,
	PDGUARD_OP_OPEN = 1,
	PDGUARD_OP_READ = 2,
	PDGUARD_OP_WRITE = 3,
	PDGUARD_OP_CREATE = 4,
	PDGUARD_OP_RENAME = 5,
	PDGUARD_OP_LINK = 6,
	PDGUARD_OP_MMAP = 7,
	PDGUARD_OP_SETXATTR = 8,
	PDGUARD_OP_REMOVEXATTR = 9,
	PDGUARD_OP_LABEL = 10,		/* a derived label was set */
	PDGUARD_OP_MPROTECT = 11,
	/* Tamper protection (ABI 1.4): @detail is the bpf() command, the ptrace mode, ... */
	PDGUARD_OP_BPF = 12,		/* bpf() on pdguard's maps, programs or links */
	PDGUARD_OP_UNPIN = 13,		/* unlink, rename or rmdir in pdguard's bpffs pin directory */
	PDGUARD_OP_PTRACE = 14,		/* ptrace, /proc/PID/fd, pidfd_getfd of the agent */
	PDGUARD_OP_UMOUNT = 15,		/* unmount of the bpffs holding pdguard's pins */
	PDGUARD_OP_PRCTL = 16,		/* prctl(PR_SET_MM) that could forge the agent's exe */
	__PDGUARD_OP_MAX,
};

enum pdguard_decision {
	PDGUARD_DECISION_ALLOW = 0,
	PDGUARD_DECISION_DENY = 1,
	PDGUARD_DECISION_WOULD_DENY = 2,	/* audit mode */
	PDGUARD_DECISION_INFO = 3,
	__PDGUARD_DECISION_MAX,
};

/* Why (the event's "reason"); @detail of the event qualifies it. */
enum pdguard_reason {
	PDGUARD_REASON_NONE = 0,
	PDGUARD_REASON_PD_READ = 1,		/* allowed: the role may read @detail */
	PDGUARD_REASON_ROLE = 2,		/* the role may not read @detail */
	PDGUARD_REASON_SYNC_CLIENT = 3,		/* a sync client opens PD */
	PDGUARD_REASON_TAINT_TO_ZONE = 4,	/* a process tainted with @detail writes to a zone */
	PDGUARD_REASON_LABELLED_TO_ZONE = 5,	/* a labelled file is renamed/linked into a zone */
	PDGUARD_REASON_XATTR = 6,		/* the label xattr changed by another process */
	PDGUARD_REASON_DERIVED = 7,		/* a tainted process wrote the file: label derived */
	PDGUARD_REASON_GRANT = 8,		/* allowed by a grant of @detail */
	PDGUARD_REASON_RAW_DEVICE = 9,		/* a tainted process opens a zone's block device */
	PDGUARD_REASON_UNKNOWN_USER = 10,	/* the opener's user could not be told */
	PDGUARD_REASON_ZONE_WRITE_AFTER = 11,	/* a tainted process wrote a zone file: seen after */
	PDGUARD_REASON_MOVED_TO_ZONE = 12,	/* a labelled file moved into a zone: seen after */
	PDGUARD_REASON_TAMPER = 13,		/* only the agent may touch pdguard's BPF objects */
	PDGUARD_REASON_ADMIN = 14,		/* an administrator changed enforcement by hand */
	PDGUARD_REASON_EXPORT = 15,		/* PD to a zone allowed: role export, grant, service */
	PDGUARD_REASON_SERVICE = 16,		/* a service account's read, per its [service] */
	PDGUARD_REASON_EXIT_POINT = 17,		/* an exit-point application opens PD ungranted */
	__PDGUARD_REASON_MAX,
};

/* Values of the BPF map of programs (pdguard_sync): what the executable is */
#define PDGUARD_APP_SYNC	1	/* a cloud sync client: refused every PD file */
#define PDGUARD_APP_EXIT	2	/* an exit-point application: PD only under a user's grant */
#define PDGUARD_APP_SERVER	3	/* a file server's program ([servers]): writes no derived label */

/* struct pdguard_event.flags */
#define PDGUARD_EV_PATH_FULL	(1U << 0)	/* @path is a full path (bpf_d_path) */
#define PDGUARD_EV_PATH_NAME	(1U << 1)	/* @path is only the last component */
#define PDGUARD_EV_TARGET	(1U << 2)	/* @target (a last component) is set */

#define PDGUARD_EV_PATH_LEN	256
#define PDGUARD_EV_TARGET_LEN	128

/**
 * struct pdguard_event - one record of the BPF ring buffer
 * @ts_boot_ns: CLOCK_BOOTTIME of the decision
 * @ino, @dev: the object (kernel dev encoding); @target_ino, @target_dev: a rename/link target's
 *             directory
 * @uid: the caller's fsuid; @pid: its tgid; @tid: its thread
 * @cats: the object's label categories; @detail: see enum pdguard_reason; @taint: the caller's
 * @op, @decision, @reason, @zone: enum pdguard_op, pdguard_decision, pdguard_reason, pdguard_zone
 * @driver: 1 BPF LSM, 2 fmod_ret
 */
struct pdguard_event {
	__u64 ts_boot_ns;
	__u64 ino;
	__u64 target_ino;
	__u32 dev;
	__u32 target_dev;
	__u32 uid;
	__u32 pid;
	__u32 tid;
	__u32 cats;
	__u32 detail;
	__u32 taint;
	__u32 __pad;
	__u16 op;
	__u16 reason;
	__u8 decision;
	__u8 zone;
	__u8 driver;
	__u8 flags;
	char comm[16];
	char path[PDGUARD_EV_PATH_LEN];
	char target[PDGUARD_EV_TARGET_LEN];
};

/* Per-CPU counters of the BPF programs (index of the counters array map). */
enum pdguard_bpf_counter {
	PDGUARD_BPF_CNT_ALLOW = 0,		/* PD opens allowed */
	PDGUARD_BPF_CNT_DENY = 1,
	PDGUARD_BPF_CNT_WOULD_DENY = 2,
	PDGUARD_BPF_CNT_RB_DROP = 3,		/* events lost: ring buffer full */
	PDGUARD_BPF_CNT_TAINT = 4,		/* processes tainted */
	PDGUARD_BPF_CNT_DERIVED = 5,		/* derived labels set */
	PDGUARD_BPF_CNT_WALK_LIMIT = 6,		/* cloud/place walks at the depth bound */
	PDGUARD_BPF_CNT_XATTR_READ = 7,		/* label xattrs read in the kernel (kfuncs) */
	PDGUARD_BPF_CNT_XATTR_CACHED = 8,	/* opens answered from the xattr cache */
	PDGUARD_BPF_CNT_XATTR_ERROR = 9,	/* xattr reads that failed: taken as every category */
	PDGUARD_BPF_CNT_FORGOTTEN = 10,		/* map entries dropped: their file or filesystem is gone */
	PDGUARD_BPF_CNT_TAMPER = 11,		/* tamper attempts refused (ABI 1.4) */
	__PDGUARD_BPF_CNT_MAX,
};

enum pdguard_bpf_driver {
	PDGUARD_DRIVER_NONE = 0,
	PDGUARD_DRIVER_BPF_LSM = 1,
	PDGUARD_DRIVER_FMOD_RET = 2,
	PDGUARD_DRIVER_FANOTIFY = 3,
	__PDGUARD_DRIVER_MAX,
};

/* The kernel's dev_t encoding of a superblock (MAJOR << 20 | MINOR) from major and minor. */
#define PDGUARD_KDEV(major, minor)	((__u32)(((major) << 20) | ((minor) & 0xfffff)))

_Static_assert(sizeof(struct pdguard_inode_key) == 16, "pdguard_inode_key ABI");
_Static_assert(sizeof(struct pdguard_label) == 8, "pdguard_label ABI");
_Static_assert(sizeof(struct pdguard_sb) == 8, "pdguard_sb ABI");
_Static_assert(sizeof(struct pdguard_role) == 8, "pdguard_role ABI");
_Static_assert(sizeof(struct pdguard_grant_key) == 8, "pdguard_grant_key ABI");
_Static_assert(sizeof(struct pdguard_export_key) == 8, "pdguard_export_key ABI");
_Static_assert(sizeof(struct pdguard_place_key) == 8, "pdguard_place_key ABI");
_Static_assert(sizeof(struct pdguard_export) == 40, "pdguard_export ABI");
_Static_assert(sizeof(struct pdguard_bpf_config) == 32, "pdguard_bpf_config ABI");
_Static_assert(sizeof(struct pdguard_guard) == 24, "pdguard_guard ABI");
_Static_assert(sizeof(struct pdguard_guard_exe) == 16, "pdguard_guard_exe ABI");
_Static_assert(sizeof(struct pdguard_guard_id) == 8, "pdguard_guard_id ABI");
_Static_assert(sizeof(struct pdguard_event) == 472, "pdguard_event ABI");

#endif /* _UAPI_PDGUARD_H */

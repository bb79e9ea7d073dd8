/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every map of the BPF drivers in one place: the loader (agent/drivers/bpf/) pins and fills
 * them by these names, so a map renamed here is renamed there too.
 */
#ifndef PDGUARD_MAPS_BPF_H
#define PDGUARD_MAPS_BPF_H

/* Kernel constants that vmlinux.h (types only) does not carry. */
#define PDG_EPERM	1
#define PDG_ENODATA	61
#define PDG_EOPNOTSUPP	95
#define PDG_MAY_WRITE	0x02
#define PDG_MAY_READ	0x04
#define PDG_MAY_APPEND	0x08
#define PDG_FMODE_WRITE	0x02
#define PDG_S_IFMT	00170000
#define PDG_S_IFREG	0100000
#define PDG_S_IFIFO	0010000
#define PDG_S_IFBLK	0060000
#define PDG_PROT_WRITE	0x2
#define PDG_MAP_TYPE	0x0f
#define PDG_MAP_SHARED	0x01
#define PDG_MAP_SHARED_VALIDATE 0x03
#define PDG_VM_SHARED	0x08
#define PDG_CLONE_THREAD 0x00010000
#define PDG_MAX_GROUPS	16
#define PDG_TASK_PIPES	4
#define PDG_NCATS	5

/* Labels by (dev, ino): set by the agent, and derived labels in fmod_ret mode. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 262144);
	__type(key, struct pdguard_inode_key);
	__type(value, struct pdguard_label);
} pdguard_labels SEC(".maps");

/* Derived labels in LSM mode: freed with the inode, so no stale entry survives a reused ino. */
struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pdguard_label);
} pdguard_ilabel SEC(".maps");

/*
 * Labels read from the file's own xattr by the module's kfuncs (LSM mode with pdguard.ko): what
 * was read and the inode's change time when it was read. Setting or removing an xattr changes
 * the change time, so an entry whose time differs is stale and is read again; the entry lives
 * and dies with the inode, so no other file can inherit it.
 */
struct pdg_xlabel {
	__u32 cats;
	__u32 flags;		/* PDG_XL_* */
	__u64 ctime_ns;
};
#define PDG_XL_READ	(1U << 0)	/* the xattr was read (cats 0: the file has no label) */

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pdg_xlabel);
} pdguard_xlabel SEC(".maps");

/* Per-superblock flags (PDGUARD_SB_*), by s_dev: the cheap first question of every hook. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct pdguard_sb);
} pdguard_sb SEC(".maps");

/* Cloud folders by directory (dev, ino); value: enum pdguard_zone. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct pdguard_inode_key);
	__type(value, __u32);
} pdguard_cloud SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_RDONLY_PROG);	/* the agent's; programs only read */
	__type(key, __u32);
	__type(value, struct pdguard_role);
} pdguard_uroles SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_RDONLY_PROG);	/* the agent's; programs only read */
	__type(key, __u32);
	__type(value, struct pdguard_role);
} pdguard_groles SEC(".maps");

/* Place folders of roles with place = by directory (dev, ino); value: the place's index. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, struct pdguard_inode_key);
	__type(value, __u32);
} pdguard_places SEC(".maps");

/* Scoped roles: (uid or gid, place index) -> PD categories they may read under that place. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, struct pdguard_place_key);
	__type(value, __u32);
} pdguard_rplaces SEC(".maps");

/* Grants: (uid, category bit) -> expiry, CLOCK_BOOTTIME ns. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, struct pdguard_grant_key);
	__type(value, __u64);
} pdguard_grants SEC(".maps");

/* Export grants: (uid or gid, zone kind) -> per category, the end (CLOCK_BOOTTIME ns). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, struct pdguard_export_key);
	__type(value, struct pdguard_export);
} pdguard_exports SEC(".maps");

/* Sync-client executables by (dev, ino): refused every labelled file. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, struct pdguard_inode_key);
	__type(value, __u32);
} pdguard_sync SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pdguard_bpf_config);
} pdguard_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, __PDGUARD_BPF_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} pdguard_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} pdguard_events SEC(".maps");

/*
 * Taint of a process (stored on its thread-group leader): the categories it has read, and the
 * last pipes it read from. A pipe's taint is resolved when the reader's taint is needed, not
 * when it reads: the reader's read() passes file_permission before the writer has written, so
 * only a late look closes the `cat pd | tee /usb/x` race.
 */
struct pdguard_taint {
	__u32 cats;
	__u32 next_pipe;
	__u64 pipes[PDG_TASK_PIPES];
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pdguard_taint);
} pdguard_taint SEC(".maps");

/* Pipes written by tainted processes: pipe inode address -> categories. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u32);
} pdguard_pipes SEC(".maps");

/* ---- settings and counters, asked by every hook -------------------------------------------- */

static __always_inline struct pdguard_bpf_config *pdg_config(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&pdguard_config, &k);
}

static __always_inline void pdg_count(__u32 idx)
{
	__u64 *c = bpf_map_lookup_elem(&pdguard_stats, &idx);

	if (c)
		*c += 1;
}

static __always_inline bool is_agent(struct pdguard_bpf_config *c)
{
	return c->agent_tgid && (__u32)(bpf_get_current_pid_tgid() >> 32) == c->agent_tgid;
}

static __always_inline __u32 fsuid(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return BPF_CORE_READ(task, cred, fsuid.val);
}

#endif /* PDGUARD_MAPS_BPF_H */

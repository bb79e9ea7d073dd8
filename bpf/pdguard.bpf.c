// SPDX-License-Identifier: GPL-2.0
/*
 * pdguard's kernel enforcement: one set of hook bodies, attached either as BPF LSM programs
 * (SEC("lsm/...")) where `bpf` is in the kernel's LSM list, or as fmod_ret programs on the
 * kernel's security_*() functions where it is not. The loader (agent/drivers/bpf/loader.c) turns off
 * autoload for the set it does not use.
 *
 * What is decided here, from maps the agent fills:
 *  - role gating: a labelled file opens only for a caller whose role (by fsuid, fsgid or a
 *    supplementary group) or an unexpired grant covers every category of the label;
 *  - sync clients (by executable inode) are refused every labelled file;
 *  - taint: a process that opens or reads a labelled file carries its categories (per process:
 *    task storage of the thread-group leader), children inherit it (task_alloc), and so do
 *    readers of a pipe a tainted process wrote into;
 *  - zones: a tainted process may not create, open for writing, write, map writable or rename
 *    or link into a USB filesystem (by superblock) or a cloud folder (by directory inode, found
 *    by a bounded d_parent walk), nor write the raw block device of a USB zone;
 *  - derived labels: a regular file a tainted process writes is labelled at once;
 *  - the label xattr may be changed by the agent only.
 * In audit mode the same decisions are logged as would-deny and nothing is refused.
 *
 * Every hook begins with `if (ret) return ret;`: an earlier program's denial stands.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include <uapi/pdguard.h>

char LICENSE[] SEC("license") = "GPL";

/* Kernel constants that vmlinux.h (types only) does not carry. */
#define PDG_EPERM	1
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

/* ---- maps ---------------------------------------------------------------------------------- */

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
	__type(key, __u32);
	__type(value, struct pdguard_role);
} pdguard_uroles SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct pdguard_role);
} pdguard_groles SEC(".maps");

/* Grants: (uid, category bit) -> expiry, CLOCK_BOOTTIME ns. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct pdguard_grant_key);
	__type(value, __u64);
} pdguard_grants SEC(".maps");

/* Sync-client executables by (dev, ino): refused every labelled file. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
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

/* ---- small helpers ------------------------------------------------------------------------- */

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

static __always_inline __u32 sb_flags_dev(__u32 dev)
{
	struct pdguard_sb *v = bpf_map_lookup_elem(&pdguard_sb, &dev);

	return v ? v->flags : 0;
}

static __always_inline __u32 sb_flags_of(struct super_block *sb)
{
	return sb_flags_dev(BPF_CORE_READ(sb, s_dev));
}

static __always_inline void sb_mark(__u32 dev, __u32 flag)
{
	struct pdguard_sb *v = bpf_map_lookup_elem(&pdguard_sb, &dev);
	struct pdguard_sb nv = { .flags = flag };

	if (v) {
		if (!(v->flags & flag))
			__sync_fetch_and_or(&v->flags, flag);
		return;
	}
	bpf_map_update_elem(&pdguard_sb, &dev, &nv, BPF_NOEXIST);
}

static __always_inline bool is_agent(struct pdguard_bpf_config *c)
{
	return c->agent_tgid && (__u32)(bpf_get_current_pid_tgid() >> 32) == c->agent_tgid;
}

/* Label categories of @inode: inode storage (LSM mode) or-ed with the (dev, ino) hash. */
static __always_inline __u32 label_of(struct inode *inode, const bool lsm)
{
	struct pdguard_inode_key key = {};
	struct pdguard_label *l;
	__u32 cats = 0;

	if (lsm) {
		l = bpf_inode_storage_get(&pdguard_ilabel, inode, 0, 0);
		if (l)
			cats = l->cats;
	}
	key.ino = inode->i_ino;
	key.dev = inode->i_sb->s_dev;
	l = bpf_map_lookup_elem(&pdguard_labels, &key);
	if (l)
		cats |= l->cats;
	return cats;
}

/* Add @cats to @inode's label; returns true when the label grew. */
static __always_inline bool label_derive(struct inode *inode, __u32 cats, const bool lsm)
{
	struct pdguard_label nl = { .cats = cats, .flags = PDGUARD_BPF_LABEL_DERIVED };
	struct pdguard_inode_key key = {};
	struct pdguard_label *l;
	__u32 dev = BPF_CORE_READ(inode, i_sb, s_dev);

	if (lsm) {
		l = bpf_inode_storage_get(&pdguard_ilabel, inode, 0,
					  BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!l)
			return false;
		if ((l->cats & cats) == cats)
			return false;
		__sync_fetch_and_or(&l->cats, cats);
		l->flags |= PDGUARD_BPF_LABEL_DERIVED;
	} else {
		key.ino = BPF_CORE_READ(inode, i_ino);
		key.dev = dev;
		l = bpf_map_lookup_elem(&pdguard_labels, &key);
		if (l) {
			if ((l->cats & cats) == cats)
				return false;
			__sync_fetch_and_or(&l->cats, cats);
		} else if (bpf_map_update_elem(&pdguard_labels, &key, &nl, BPF_ANY)) {
			return false;
		}
	}
	sb_mark(dev, PDGUARD_SB_LABELS);
	pdg_count(PDGUARD_BPF_CNT_DERIVED);
	return true;
}

static __always_inline struct pdguard_taint *taint_get(bool create)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return bpf_task_storage_get(&pdguard_taint, task->group_leader, 0,
				    create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
}

/* The caller's taint, with the taint of the pipes it read from folded in. */
static __always_inline __u32 taint_now(struct pdguard_bpf_config *c)
{
	struct pdguard_taint *t;
	__u32 cats, *p;
	int i;

	if (!c->any_taint)
		return 0;
	t = taint_get(false);
	if (!t)
		return 0;
	cats = t->cats;
	for (i = 0; i < PDG_TASK_PIPES; i++) {
		__u64 pipe = t->pipes[i];

		if (!pipe)
			continue;
		p = bpf_map_lookup_elem(&pdguard_pipes, &pipe);
		if (p)
			cats |= *p;
	}
	if (cats != t->cats)
		t->cats = cats;
	return cats;
}

static __always_inline void taint_add(struct pdguard_bpf_config *c, __u32 cats)
{
	struct pdguard_taint *t = taint_get(true);

	if (!t || (t->cats & cats) == cats)
		return;
	__sync_fetch_and_or(&t->cats, cats);
	if (!c->any_taint)
		c->any_taint = 1;
	pdg_count(PDGUARD_BPF_CNT_TAINT);
}

/* Categories the caller's role (fsuid, fsgid, supplementary groups) may read. */
static __always_inline __u32 readable_cats(__u32 uid)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pdguard_role *r;
	struct group_info *gi;
	__u32 cats = 0, gid;
	int i, n;

	r = bpf_map_lookup_elem(&pdguard_uroles, &uid);
	if (r)
		cats |= r->read_cats;
	gid = BPF_CORE_READ(task, cred, fsgid.val);
	r = bpf_map_lookup_elem(&pdguard_groles, &gid);
	if (r)
		cats |= r->read_cats;
	gi = BPF_CORE_READ(task, cred, group_info);
	if (!gi)
		return cats;
	n = BPF_CORE_READ(gi, ngroups);
	for (i = 0; i < PDG_MAX_GROUPS; i++) {
		kgid_t g;

		if (i >= n)
			break;
		if (bpf_core_read(&g, sizeof(g), &gi->gid[i]))
			break;
		gid = g.val;
		r = bpf_map_lookup_elem(&pdguard_groles, &gid);
		if (r)
			cats |= r->read_cats;
	}
	return cats;
}

/* Of @cats, those an unexpired grant gives @uid. */
static __always_inline __u32 granted_cats(__u32 uid, __u32 cats)
{
	struct pdguard_grant_key key = { .uid = uid };
	__u64 now = bpf_ktime_get_boot_ns(), *exp;
	__u32 out = 0;
	int i;

	for (i = 0; i < PDG_NCATS; i++) {
		if (!(cats & (1U << i)))
			continue;
		key.cat_bit = i;
		exp = bpf_map_lookup_elem(&pdguard_grants, &key);
		if (exp && *exp > now)
			out |= 1U << i;
	}
	return out;
}

static __always_inline bool is_sync_client(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pdguard_inode_key key = {};
	struct inode *exe;

	exe = BPF_CORE_READ(task, mm, exe_file, f_inode);
	if (!exe)
		return false;
	key.ino = BPF_CORE_READ(exe, i_ino);
	key.dev = BPF_CORE_READ(exe, i_sb, s_dev);
	return bpf_map_lookup_elem(&pdguard_sync, &key) != NULL;
}

/*
 * Zone of @dentry (a directory or a file) on @sb with flags @sbf: USB by superblock; cloud by a
 * walk up d_parent to a declared folder. A walk that hits its bound reports PDGUARD_ZONE_DEEP,
 * which callers treat as a zone: a path too deep to check is refused, not waved through.
 */
static __always_inline __u32 zone_of(struct dentry *dentry, __u32 dev, __u32 sbf)
{
	struct pdguard_inode_key key = { .dev = dev };
	struct dentry *d = dentry, *parent;
	int i;

	if (sbf & PDGUARD_SB_USB)
		return PDGUARD_ZONE_USB;
	if (!(sbf & PDGUARD_SB_CLOUD))
		return PDGUARD_ZONE_NONE;
	for (i = 0; i < PDGUARD_BPF_WALK_DEPTH; i++) {
		struct inode *inode = BPF_CORE_READ(d, d_inode);

		if (inode) {
			key.ino = BPF_CORE_READ(inode, i_ino);
			if (bpf_map_lookup_elem(&pdguard_cloud, &key))
				return PDGUARD_ZONE_CLOUD;
		}
		parent = BPF_CORE_READ(d, d_parent);
		if (!parent || parent == d)
			return PDGUARD_ZONE_NONE;
		d = parent;
	}
	pdg_count(PDGUARD_BPF_CNT_WALK_LIMIT);
	return PDGUARD_ZONE_DEEP;
}

/* ---- events and verdicts ------------------------------------------------------------------- */

struct verdict {
	__u16 op;
	__u16 reason;
	__u8 zone;
	bool deny;
	__u32 cats;
	__u32 detail;
	__u32 taint;
	__u32 uid;
	struct inode *inode;		/* the object, for (dev, ino) */
	struct file *file;		/* set when bpf_d_path may name it */
	struct dentry *name;		/* else: the object's last component */
	struct dentry *target;		/* rename/link: the new name */
	struct inode *target_dir;
};

static __always_inline __u32 fsuid(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	return BPF_CORE_READ(task, cred, fsuid.val);
}

/*
 * Log @v and turn it into the hook's return value: -EPERM for a denial in enforce mode, 0 for
 * everything else (a denial in audit mode is logged as would-deny).
 */
static __always_inline int pdg_verdict(struct pdguard_bpf_config *c, struct verdict *v,
				   const bool lsm)
{
	bool enforce = c->mode == PDGUARD_MODE_ENFORCE;
	struct inode *inode = v->inode, *tdir = v->target_dir;
	struct dentry *name = v->name, *target = v->target;
	struct file *file = v->file;
	struct pdguard_event *e;
	__u8 decision;

	if (v->deny) {
		decision = enforce ? PDGUARD_DECISION_DENY : PDGUARD_DECISION_WOULD_DENY;
		pdg_count(enforce ? PDGUARD_BPF_CNT_DENY : PDGUARD_BPF_CNT_WOULD_DENY);
	} else {
		decision = v->op == PDGUARD_OP_LABEL ? PDGUARD_DECISION_INFO :
						       PDGUARD_DECISION_ALLOW;
		if (v->op != PDGUARD_OP_LABEL)
			pdg_count(PDGUARD_BPF_CNT_ALLOW);
	}

	e = bpf_ringbuf_reserve(&pdguard_events, sizeof(*e), 0);
	if (!e) {
		pdg_count(PDGUARD_BPF_CNT_RB_DROP);
		goto out;
	}
	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	e->ino = inode ? BPF_CORE_READ(inode, i_ino) : 0;
	e->dev = inode ? BPF_CORE_READ(inode, i_sb, s_dev) : 0;
	e->target_ino = tdir ? BPF_CORE_READ(tdir, i_ino) : 0;
	e->target_dev = tdir ? BPF_CORE_READ(tdir, i_sb, s_dev) : 0;
	e->uid = v->uid;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->tid = (__u32)bpf_get_current_pid_tgid();
	e->cats = v->cats;
	e->detail = v->detail;
	e->taint = v->taint;
	e->__pad = 0;
	e->op = v->op;
	e->reason = v->reason;
	e->decision = decision;
	e->zone = v->zone;
	e->driver = lsm ? PDGUARD_DRIVER_BPF_LSM : PDGUARD_DRIVER_FMOD_RET;
	e->flags = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->path[0] = '\0';
	e->target[0] = '\0';
	if (file) {
		if (bpf_d_path((struct path *)&file->f_path, e->path, sizeof(e->path)) > 0)
			e->flags |= PDGUARD_EV_PATH_FULL;
	} else if (name) {
		if (bpf_probe_read_kernel_str(e->path, sizeof(e->path),
					      BPF_CORE_READ(name, d_name.name)) > 0)
			e->flags |= PDGUARD_EV_PATH_NAME;
	}
	if (target) {
		if (bpf_probe_read_kernel_str(e->target, sizeof(e->target),
					      BPF_CORE_READ(target, d_name.name)) > 0)
			e->flags |= PDGUARD_EV_TARGET;
	}
	bpf_ringbuf_submit(e, 0);
out:
	return v->deny && enforce ? -PDG_EPERM : 0;
}

/* A tainted caller writes @inode: refuse in a zone, else give the file a derived label. */
static __always_inline int tainted_write(struct pdguard_bpf_config *c, __u32 taint, __u16 op,
					 struct inode *inode, struct dentry *dentry, const bool lsm)
{
	struct verdict v = { .op = op, .taint = taint, .inode = inode, .name = dentry };
	struct super_block *sb = BPF_CORE_READ(inode, i_sb);
	__u32 dev = BPF_CORE_READ(sb, s_dev);
	__u32 zone = zone_of(dentry, dev, sb_flags_of(sb));

	v.uid = fsuid();
	if (zone) {
		v.zone = zone;
		v.deny = true;
		v.reason = PDGUARD_REASON_TAINT_TO_ZONE;
		v.detail = taint;
		return pdg_verdict(c, &v, lsm);
	}
	if ((BPF_CORE_READ(inode, i_mode) & PDG_S_IFMT) != PDG_S_IFREG)
		return 0;
	if (label_derive(inode, taint, lsm)) {
		v.op = PDGUARD_OP_LABEL;
		v.reason = PDGUARD_REASON_DERIVED;
		v.cats = taint;
		v.detail = taint;
		pdg_verdict(c, &v, lsm);
	}
	return 0;
}

/* ---- hook bodies, one each, wrapped below for both attach modes ---------------------------- */

static __always_inline int role_check(struct pdguard_bpf_config *c, struct verdict *v,
				      __u32 cats)
{
	__u32 denied;

	if (is_sync_client()) {
		v->deny = true;
		v->reason = PDGUARD_REASON_SYNC_CLIENT;
		v->detail = cats;
		return 1;
	}
	denied = cats & ~readable_cats(v->uid);
	if (denied) {
		__u32 g = granted_cats(v->uid, denied);

		if (g == denied) {
			v->reason = PDGUARD_REASON_GRANT;
			v->detail = g;
			return 0;
		}
		v->deny = true;
		v->reason = PDGUARD_REASON_ROLE;
		v->detail = denied & ~g;
		return 1;
	}
	v->reason = PDGUARD_REASON_PD_READ;
	v->detail = cats;
	return 0;
}

static __always_inline int do_file_open(struct file *file, const bool lsm)
{
	struct inode *inode = file->f_inode;
	struct super_block *sb = inode->i_sb;
	struct pdguard_bpf_config *c;
	__u32 sbf, cats = 0, taint, mode;
	bool wr;
	int rc;

	c = pdg_config();
	if (!c)
		return 0;
	mode = inode->i_mode & PDG_S_IFMT;
	wr = file->f_mode & PDG_FMODE_WRITE;

	/* Raw writes to a USB zone's block device: decided by its device number. */
	if (mode == PDG_S_IFBLK) {
		__u32 rdev = BPF_CORE_READ(inode, i_rdev);
		struct pdguard_sb *z;

		if (!wr || !c->any_taint || is_agent(c))
			return 0;
		z = bpf_map_lookup_elem(&pdguard_sb, &rdev);
		if (!z || !(z->flags & PDGUARD_SB_USB))
			return 0;
		taint = taint_now(c);
		if (!taint)
			return 0;
		struct verdict v = { .op = PDGUARD_OP_OPEN, .deny = true, .zone = PDGUARD_ZONE_USB,
				     .reason = PDGUARD_REASON_RAW_DEVICE, .detail = taint,
				     .taint = taint, .inode = inode, .file = file };
		v.uid = fsuid();
		return pdg_verdict(c, &v, lsm);
	}

	sbf = sb_flags_dev(inode->i_sb->s_dev);
	if (!sbf)
		return 0;
	if (is_agent(c))
		return 0;

	if (sbf & PDGUARD_SB_LABELS)
		cats = label_of(inode, lsm);
	if (cats) {
		struct verdict v = { .op = PDGUARD_OP_OPEN, .cats = cats, .inode = inode,
				     .file = file };

		v.uid = fsuid();
		role_check(c, &v, cats);
		rc = pdg_verdict(c, &v, lsm);
		if (rc)
			return rc;
		/* Audit mode lets the open through: the caller has the data, so taint it. */
		taint_add(c, cats);
	}
	if (wr && (sbf & (PDGUARD_SB_USB | PDGUARD_SB_CLOUD))) {
		taint = taint_now(c);
		if (taint) {
			struct dentry *d = BPF_CORE_READ(file, f_path.dentry);
			__u32 zone = zone_of(d, BPF_CORE_READ(sb, s_dev), sbf);

			if (zone) {
				struct verdict v = { .op = PDGUARD_OP_OPEN, .deny = true,
						     .zone = zone, .cats = cats,
						     .reason = PDGUARD_REASON_TAINT_TO_ZONE,
						     .detail = taint, .taint = taint,
						     .inode = inode, .file = file };

				v.uid = fsuid();
				return pdg_verdict(c, &v, lsm);
			}
		}
	}
	return 0;
}

/* Pipes carry taint from a tainted writer to every reader. */
static __always_inline int pipe_rw(struct pdguard_bpf_config *c, struct inode *inode, int mask)
{
	__u64 key = (__u64)inode;
	struct pdguard_taint *t;
	__u32 taint, *p;
	int i;

	if (mask & PDG_MAY_WRITE) {
		taint = taint_now(c);
		if (!taint)
			return 0;
		p = bpf_map_lookup_elem(&pdguard_pipes, &key);
		if (p) {
			if ((*p & taint) != taint)
				__sync_fetch_and_or(p, taint);
		} else {
			bpf_map_update_elem(&pdguard_pipes, &key, &taint, BPF_ANY);
		}
		return 0;
	}
	/*
	 * Remember the pipe even while nothing is tainted: the reader blocks here before the
	 * writer (maybe not yet tainted) writes, and its later writes are judged then.
	 */
	t = taint_get(true);
	if (!t)
		return 0;
	for (i = 0; i < PDG_TASK_PIPES; i++)
		if (t->pipes[i] == key)
			return 0;
	i = t->next_pipe & (PDG_TASK_PIPES - 1);
	t->pipes[i] = key;
	t->next_pipe = i + 1;
	return 0;
}

static __always_inline int do_file_permission(struct file *file, int mask, const bool lsm)
{
	/* The hottest hook (every read and write): plain BTF loads, no probe-read helpers. */
	struct inode *inode = file->f_inode;
	struct pdguard_bpf_config *c;
	__u32 sbf, cats, taint;

	if (!(mask & (PDG_MAY_READ | PDG_MAY_WRITE | PDG_MAY_APPEND)))
		return 0;
	c = pdg_config();
	if (!c)
		return 0;
	if ((inode->i_mode & PDG_S_IFMT) == PDG_S_IFIFO)
		return pipe_rw(c, inode, mask);

	if (mask & PDG_MAY_READ) {
		/* Reads matter only for labelled files: a descriptor that came without an
		 * open (unix socket, inheritance) is judged and taints here. */
		sbf = sb_flags_dev(inode->i_sb->s_dev);
		if (!(sbf & PDGUARD_SB_LABELS) || is_agent(c))
			return 0;
		cats = label_of(inode, lsm);
		if (!cats)
			return 0;
		struct verdict v = { .op = PDGUARD_OP_READ, .cats = cats, .inode = inode,
				     .name = BPF_CORE_READ(file, f_path.dentry) };

		v.uid = fsuid();
		if (role_check(c, &v, cats))
			return pdg_verdict(c, &v, lsm);
		taint_add(c, cats);
		return 0;
	}
	/* Writes matter only for tainted writers. */
	if (!c->any_taint || is_agent(c))
		return 0;
	taint = taint_now(c);
	if (!taint)
		return 0;
	return tainted_write(c, taint, PDGUARD_OP_WRITE, inode, BPF_CORE_READ(file, f_path.dentry),
			     lsm);
}

static __always_inline int do_inode_create(struct inode *dir, struct dentry *dentry,
					   const bool lsm)
{
	struct pdguard_bpf_config *c = pdg_config();
	struct super_block *sb;
	__u32 sbf, taint, zone, dev;

	if (!c || !c->any_taint)
		return 0;
	sb = BPF_CORE_READ(dir, i_sb);
	sbf = sb_flags_of(sb);
	if (!(sbf & (PDGUARD_SB_USB | PDGUARD_SB_CLOUD)) || is_agent(c))
		return 0;
	taint = taint_now(c);
	if (!taint)
		return 0;
	dev = BPF_CORE_READ(sb, s_dev);
	zone = zone_of(BPF_CORE_READ(dentry, d_parent), dev, sbf);
	if (!zone)
		return 0;
	struct verdict v = { .op = PDGUARD_OP_CREATE, .deny = true, .zone = zone,
			     .reason = PDGUARD_REASON_TAINT_TO_ZONE, .detail = taint,
			     .taint = taint, .name = dentry, .target_dir = dir };

	v.uid = fsuid();
	return pdg_verdict(c, &v, lsm);
}

/* rename and link: a labelled file, or any file by a tainted caller, into a zone. */
static __always_inline int do_move(__u16 op, struct dentry *old_dentry,
				   const struct path *new_dir, struct dentry *new_dentry,
				   const bool lsm)
{
	struct pdguard_bpf_config *c = pdg_config();
	struct dentry *dir = BPF_CORE_READ(new_dir, dentry);
	struct inode *inode = old_dentry->d_inode;
	struct super_block *sb, *dsb;
	__u32 sbf, dsbf, cats = 0, taint, zone;

	if (!c || !inode)
		return 0;
	dsb = BPF_CORE_READ(dir, d_sb);
	dsbf = sb_flags_of(dsb);
	if (!(dsbf & (PDGUARD_SB_USB | PDGUARD_SB_CLOUD)) || is_agent(c))
		return 0;
	sb = BPF_CORE_READ(inode, i_sb);
	sbf = sb == dsb ? dsbf : sb_flags_of(sb);
	if (sbf & PDGUARD_SB_LABELS)
		cats = label_of(inode, lsm);
	taint = taint_now(c);
	if (!cats && !taint)
		return 0;
	zone = zone_of(dir, BPF_CORE_READ(dsb, s_dev), dsbf);
	if (!zone)
		return 0;
	struct verdict v = { .op = op, .deny = true, .zone = zone, .cats = cats,
			     .reason = cats ? PDGUARD_REASON_LABELLED_TO_ZONE :
					      PDGUARD_REASON_TAINT_TO_ZONE,
			     .detail = cats ? cats : taint, .taint = taint, .inode = inode,
			     .name = old_dentry, .target = new_dentry,
			     .target_dir = BPF_CORE_READ(dir, d_inode) };

	v.uid = fsuid();
	return pdg_verdict(c, &v, lsm);
}

/* A shared writable mapping writes without file_permission: decide when it is made. */
static __always_inline int do_map_write(__u16 op, struct file *file, const bool lsm)
{
	struct pdguard_bpf_config *c = pdg_config();
	__u32 taint;

	if (!file || !c || !c->any_taint || is_agent(c))
		return 0;
	taint = taint_now(c);
	if (!taint)
		return 0;
	return tainted_write(c, taint, op, file->f_inode, BPF_CORE_READ(file, f_path.dentry), lsm);
}

static __always_inline int do_mmap_file(struct file *file, unsigned long prot,
					unsigned long flags, const bool lsm)
{
	unsigned long type = flags & PDG_MAP_TYPE;

	if (!(prot & PDG_PROT_WRITE))
		return 0;
	if (type != PDG_MAP_SHARED && type != PDG_MAP_SHARED_VALIDATE)
		return 0;
	return do_map_write(PDGUARD_OP_MMAP, file, lsm);
}

static __always_inline int do_file_mprotect(struct vm_area_struct *vma, unsigned long prot,
					    const bool lsm)
{
	if (!(prot & PDG_PROT_WRITE) || !(BPF_CORE_READ(vma, vm_flags) & PDG_VM_SHARED))
		return 0;
	return do_map_write(PDGUARD_OP_MPROTECT, vma->vm_file, lsm);
}

static __always_inline int do_xattr(__u16 op, struct dentry *dentry, const char *name,
				    const bool lsm)
{
	static const char ours[] = PDGUARD_XATTR_NAME;
	struct pdguard_bpf_config *c = pdg_config();
	char buf[sizeof(ours)];
	int i;

	if (!c || is_agent(c))
		return 0;
	if (bpf_probe_read_kernel_str(buf, sizeof(buf), name) != sizeof(ours))
		return 0;
	for (i = 0; i < sizeof(ours); i++)
		if (buf[i] != ours[i])
			return 0;
	struct verdict v = { .op = op, .deny = true, .reason = PDGUARD_REASON_XATTR,
			     .inode = BPF_CORE_READ(dentry, d_inode), .name = dentry };

	v.uid = fsuid();
	if (v.inode)
		v.cats = label_of(dentry->d_inode, lsm);
	return pdg_verdict(c, &v, lsm);
}

static __always_inline int do_task_alloc(struct task_struct *task, unsigned long clone_flags)
{
	struct pdguard_bpf_config *c;
	struct pdguard_taint *t;
	__u32 taint;

	/* Threads share the leader's taint already. */
	if (clone_flags & PDG_CLONE_THREAD)
		return 0;
	c = pdg_config();
	if (!c)
		return 0;
	taint = taint_now(c);
	if (!taint)
		return 0;
	/* The child is not yet its own group leader, but will be: store on it. */
	t = bpf_task_storage_get(&pdguard_taint, task, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t)
		t->cats |= taint;
	return 0;
}

/* ---- BPF LSM programs ---------------------------------------------------------------------- */

SEC("lsm/file_open")
int BPF_PROG(pdguard_lsm_file_open, struct file *file, int ret)
{
	if (ret)
		return ret;
	return do_file_open(file, true);
}

SEC("lsm/file_permission")
int BPF_PROG(pdguard_lsm_file_permission, struct file *file, int mask, int ret)
{
	if (ret)
		return ret;
	return do_file_permission(file, mask, true);
}

SEC("lsm/inode_create")
int BPF_PROG(pdguard_lsm_inode_create, struct inode *dir, struct dentry *dentry, umode_t mode,
	     int ret)
{
	if (ret)
		return ret;
	return do_inode_create(dir, dentry, true);
}

SEC("lsm/path_rename")
int BPF_PROG(pdguard_lsm_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	if (ret)
		return ret;
	return do_move(PDGUARD_OP_RENAME, old_dentry, new_dir, new_dentry, true);
}

SEC("lsm/path_link")
int BPF_PROG(pdguard_lsm_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	if (ret)
		return ret;
	return do_move(PDGUARD_OP_LINK, old_dentry, new_dir, new_dentry, true);
}

SEC("lsm/mmap_file")
int BPF_PROG(pdguard_lsm_mmap_file, struct file *file, unsigned long reqprot,
	     unsigned long prot, unsigned long flags, int ret)
{
	if (ret)
		return ret;
	return do_mmap_file(file, prot, flags, true);
}

SEC("lsm/file_mprotect")
int BPF_PROG(pdguard_lsm_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot, int ret)
{
	if (ret)
		return ret;
	return do_file_mprotect(vma, prot, true);
}

SEC("lsm/inode_setxattr")
int BPF_PROG(pdguard_lsm_inode_setxattr, void *idmap, struct dentry *dentry, const char *name,
	     const void *value, size_t size, int flags, int ret)
{
	if (ret)
		return ret;
	return do_xattr(PDGUARD_OP_SETXATTR, dentry, name, true);
}

SEC("lsm/inode_removexattr")
int BPF_PROG(pdguard_lsm_inode_removexattr, void *idmap, struct dentry *dentry,
	     const char *name, int ret)
{
	if (ret)
		return ret;
	return do_xattr(PDGUARD_OP_REMOVEXATTR, dentry, name, true);
}

SEC("lsm/task_alloc")
int BPF_PROG(pdguard_lsm_task_alloc, struct task_struct *task, unsigned long clone_flags,
	     int ret)
{
	if (ret)
		return ret;
	return do_task_alloc(task, clone_flags);
}

/* ---- fmod_ret programs on security_*(): same bodies, no inode storage ---------------------- */

SEC("fmod_ret/security_file_open")
int BPF_PROG(pdguard_fmr_file_open, struct file *file, int ret)
{
	if (ret)
		return ret;
	return do_file_open(file, false);
}

SEC("fmod_ret/security_file_permission")
int BPF_PROG(pdguard_fmr_file_permission, struct file *file, int mask, int ret)
{
	if (ret)
		return ret;
	return do_file_permission(file, mask, false);
}

SEC("fmod_ret/security_inode_create")
int BPF_PROG(pdguard_fmr_inode_create, struct inode *dir, struct dentry *dentry, umode_t mode,
	     int ret)
{
	if (ret)
		return ret;
	return do_inode_create(dir, dentry, false);
}

SEC("fmod_ret/security_path_rename")
int BPF_PROG(pdguard_fmr_path_rename, const struct path *old_dir, struct dentry *old_dentry,
	     const struct path *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	if (ret)
		return ret;
	return do_move(PDGUARD_OP_RENAME, old_dentry, new_dir, new_dentry, false);
}

SEC("fmod_ret/security_path_link")
int BPF_PROG(pdguard_fmr_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	if (ret)
		return ret;
	return do_move(PDGUARD_OP_LINK, old_dentry, new_dir, new_dentry, false);
}

/* security_mmap_file() has no reqprot: one argument fewer than the LSM hook. */
SEC("fmod_ret/security_mmap_file")
int BPF_PROG(pdguard_fmr_mmap_file, struct file *file, unsigned long prot, unsigned long flags,
	     int ret)
{
	if (ret)
		return ret;
	return do_mmap_file(file, prot, flags, false);
}

SEC("fmod_ret/security_file_mprotect")
int BPF_PROG(pdguard_fmr_file_mprotect, struct vm_area_struct *vma, unsigned long reqprot,
	     unsigned long prot, int ret)
{
	if (ret)
		return ret;
	return do_file_mprotect(vma, prot, false);
}

SEC("fmod_ret/security_inode_setxattr")
int BPF_PROG(pdguard_fmr_inode_setxattr, void *idmap, struct dentry *dentry, const char *name,
	     const void *value, size_t size, int flags, int ret)
{
	if (ret)
		return ret;
	return do_xattr(PDGUARD_OP_SETXATTR, dentry, name, false);
}

SEC("fmod_ret/security_inode_removexattr")
int BPF_PROG(pdguard_fmr_inode_removexattr, void *idmap, struct dentry *dentry,
	     const char *name, int ret)
{
	if (ret)
		return ret;
	return do_xattr(PDGUARD_OP_REMOVEXATTR, dentry, name, false);
}

SEC("fmod_ret/security_task_alloc")
int BPF_PROG(pdguard_fmr_task_alloc, struct task_struct *task, unsigned long clone_flags,
	     int ret)
{
	if (ret)
		return ret;
	return do_task_alloc(task, clone_flags);
}

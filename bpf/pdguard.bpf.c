// SPDX-License-Identifier: GPL-2.0
/*
 * pdguard's kernel enforcement: one set of hook bodies, attached either as BPF LSM programs
 * (SEC("lsm/...")) where `bpf` is in the kernel's LSM list, or as fmod_ret programs on the
 * kernel's security_*() functions where it is not. The loader (agent/drivers/bpf/loader.c) turns
 * off autoload for the set it does not use. The helpers the hooks share live in bpf/lib/.
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
 *  - the label xattr may be changed by the agent only;
 *  - pdguard's own maps, programs, links and pins answer to the agent only (lib/guard.bpf.h).
 * In audit mode the same decisions are logged as would-deny and nothing is refused.
 *
 * Every hook begins with `if (ret) return ret;`: an earlier program's denial stands.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include <uapi/pdguard.h>

#include "lib/maps.bpf.h"
#include "lib/zones.bpf.h"
#include "lib/labels.bpf.h"
#include "lib/taint.bpf.h"
#include "lib/events.bpf.h"
#include "lib/roles.bpf.h"
#include "lib/guard.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* ---- hook bodies, one each, wrapped below for both attach modes ---------------------------- */

/* A tainted caller writes @inode: refuse in a zone, else give the file a derived label. */
static __always_inline int tainted_write(struct pdguard_bpf_config *c, __u32 taint, __u16 op,
					 struct inode *inode, struct dentry *dentry, const bool lsm)
{
	struct verdict v = { .op = op, .taint = taint, .inode = inode, .name = dentry };
	struct super_block *sb = BPF_CORE_READ(inode, i_sb);
	__u32 dev = BPF_CORE_READ(sb, s_dev);
	__u32 zone = zone_of(dentry, dev, sb_flags_of(sb));

	v.uid = fsuid();
	/* an approved export: its open was the event; each write is not one more */
	if (zone && exportable_cats(v.uid, zone, taint) == taint)
		return 0;
	if (zone) {
		v.zone = zone;
		v.deny = true;
		v.reason = PDGUARD_REASON_TAINT_TO_ZONE;
		v.detail = taint;
		return pdg_verdict(c, &v, lsm);
	}
	if ((BPF_CORE_READ(inode, i_mode) & PDG_S_IFMT) != PDG_S_IFREG)
		return 0;
	/* a file server writes its own state beside what it writes for clients, and the kernel
	 * side cannot tell them apart: no derived label (the agent's scan of the shares still
	 * classifies what it writes there; docs/file-servers.md) */
	if (server_process())
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

/* @xcats: the label the file's own xattr carries (kfunc programs), 0 where not read. */
static __always_inline int do_file_open(struct file *file, __u32 xcats, const bool lsm)
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
	if (!sbf && !xcats)
		return 0;
	if (is_agent(c))
		return 0;

	if (sbf & PDGUARD_SB_LABELS)
		cats = label_of(inode, lsm);
	cats |= xcats;
	if (cats) {
		struct verdict v = { .op = PDGUARD_OP_OPEN, .cats = cats, .inode = inode,
				     .file = file };

		v.uid = fsuid();
		role_check(c, &v, cats, BPF_CORE_READ(file, f_path.dentry), inode->i_sb->s_dev,
			   sbf);
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
				/* a role's export or an export grant: an allow event. Its own
				 * return: a verdict whose deny is not a constant makes clang
				 * compute the return in 32 bits, which 6.12's verifier refuses
				 * as outside [-4095, 0] */
				if (exportable_cats(v.uid, zone, taint) == taint) {
					v.deny = false;
					v.reason = PDGUARD_REASON_EXPORT;
					pdg_verdict(c, &v, lsm);
					return 0;
				}
				return pdg_verdict(c, &v, lsm);
			}
		}
	}
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
		return taint_pipe_rw(c, inode, mask);

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
		if (role_check(c, &v, cats, v.name, inode->i_sb->s_dev, sbf))
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
	/* an approved export: the open that follows is its event */
	if (exportable_cats(fsuid(), zone, taint) == taint)
		return 0;
	struct verdict v = { .op = PDGUARD_OP_CREATE, .deny = true, .zone = zone,
			     .reason = PDGUARD_REASON_TAINT_TO_ZONE, .detail = taint,
			     .taint = taint, .name = dentry, .target_dir = dir };

	v.uid = fsuid();
	return pdg_verdict(c, &v, lsm);
}

/* rename and link: a labelled file, or any file by a tainted caller, into a zone. */
static __always_inline int do_move(__u16 op, struct dentry *old_dentry, struct dentry *dir,
				   struct dentry *new_dentry, __u32 xcats, const bool lsm)
{
	struct pdguard_bpf_config *c = pdg_config();
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
	cats |= xcats;
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
	/* an unlabelled file moved by a caller that may export what it carries (a labelled one is
	 * never: a rename is not an export) */
	if (!cats && exportable_cats(v.uid, zone, taint) == taint) {
		v.deny = false;
		v.reason = PDGUARD_REASON_EXPORT;
		pdg_verdict(c, &v, lsm);
		return 0;	/* a constant: see do_file_open */
	}
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

/*
 * A label keyed by (dev, ino) must never reach another file: when an inode that has no name
 * left is freed its number may be reused, and when a superblock is freed its device number may
 * be (a fresh tmpfs, a stick plugged in again): drop what the maps hold for them. (An inode
 * evicted from the cache with names left keeps its entry: it is the same file when it comes
 * back.)
 */
static __always_inline void forget_inode(struct inode *inode)
{
	struct pdguard_inode_key key = {};

	if (BPF_CORE_READ(inode, i_nlink))
		return;
	key.ino = BPF_CORE_READ(inode, i_ino);
	key.dev = BPF_CORE_READ(inode, i_sb, s_dev);
	if (!(sb_flags_dev(key.dev) & PDGUARD_SB_LABELS))
		return;
	if (!bpf_map_delete_elem(&pdguard_labels, &key))
		pdg_count(PDGUARD_BPF_CNT_FORGOTTEN);
}

static long forget_dev_cb(struct bpf_map *map, struct pdguard_inode_key *key, void *val,
			  __u32 *dev)
{
	if (key->dev == *dev && !bpf_map_delete_elem(map, key))
		pdg_count(PDGUARD_BPF_CNT_FORGOTTEN);
	return 0;
}

static __always_inline void forget_sb(struct super_block *sb)
{
	__u32 dev = BPF_CORE_READ(sb, s_dev);
	__u32 flags = sb_flags_dev(dev);

	if (!(flags & (PDGUARD_SB_LABELS | PDGUARD_SB_CLOUD)))
		return;
	if (flags & PDGUARD_SB_LABELS)
		bpf_for_each_map_elem(&pdguard_labels, forget_dev_cb, &dev, 0);
	if (flags & PDGUARD_SB_CLOUD)
		bpf_for_each_map_elem(&pdguard_cloud, forget_dev_cb, &dev, 0);
	/* USB zones stay: the agent removes them when it sees the unmount */
	if (!(flags & PDGUARD_SB_USB))
		bpf_map_delete_elem(&pdguard_sb, &dev);
}

/* ---- BPF LSM programs ---------------------------------------------------------------------- */

SEC("lsm/inode_free_security")
int BPF_PROG(pdguard_lsm_inode_free_security, struct inode *inode)
{
	forget_inode(inode);
	return 0;
}

SEC("lsm/sb_free_security")
int BPF_PROG(pdguard_lsm_sb_free_security, struct super_block *sb)
{
	forget_sb(sb);
	return 0;
}

SEC("lsm/file_open")
int BPF_PROG(pdguard_lsm_file_open, struct file *file, int ret)
{
	if (ret)
		return ret;
	return do_file_open(file, 0, true);
}

/*
 * With pdguard.ko's label kfuncs (the loader loads these instead of their map-only twins): the
 * file's own xattr is read at open, so a file labelled on disk is enforced at first touch,
 * whether or not the agent has seen it, and a full labels map loses nothing.
 */
SEC("lsm.s/file_open")
int BPF_PROG(pdguard_lsm_file_open_kf, struct file *file, int ret)
{
	struct pdguard_bpf_config *c;

	if (ret)
		return ret;
	c = pdg_config();
	if (!c || is_agent(c))
		return 0;
	return do_file_open(file, xlabel_read(file->f_inode, file, NULL, true), true);
}

/* path_rename runs before the label of a never-opened source is known: decide again here. */
SEC("lsm.s/inode_rename")
int BPF_PROG(pdguard_lsm_inode_rename_kf, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, int ret)
{
	struct pdguard_bpf_config *c;
	struct inode *inode;
	__u32 xcats;

	if (ret)
		return ret;
	c = pdg_config();
	inode = old_dentry->d_inode;
	if (!c || !inode || is_agent(c))
		return 0;
	xcats = xlabel_read(inode, NULL, old_dentry, false);
	if (!xcats)
		return 0;
	return do_move(PDGUARD_OP_RENAME, old_dentry, new_dentry->d_parent, new_dentry, xcats,
		       true);
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
	return do_move(PDGUARD_OP_RENAME, old_dentry, BPF_CORE_READ(new_dir, dentry), new_dentry,
		       0, true);
}

SEC("lsm/path_link")
int BPF_PROG(pdguard_lsm_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	if (ret)
		return ret;
	return do_move(PDGUARD_OP_LINK, old_dentry, BPF_CORE_READ(new_dir, dentry), new_dentry, 0,
		       true);
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

/* ---- tamper protection (lib/guard.bpf.h): BPF LSM ----------------------------------------- */

/*
 * Kernel 6.14 added a fourth argument (bool kernel) to the bpf hook, so there @ret reads it: 0
 * for calls from userspace, and a positive value is ignored by the kernel. What is lost there
 * is only that an earlier program's refusal of the call is not passed on (docs/bpf.md).
 */
SEC("lsm/bpf")
int BPF_PROG(pdguard_lsm_bpf, int cmd, union bpf_attr *attr, unsigned int size, int ret)
{
	if (ret)
		return ret;
	return guard_bpf_cmd(cmd, attr, true);
}

SEC("lsm/bpf_map")
int BPF_PROG(pdguard_lsm_bpf_map, struct bpf_map *map, fmode_t fmode, int ret)
{
	if (ret)
		return ret;
	return guard_bpf_map(map, true);
}

SEC("lsm/bpf_prog")
int BPF_PROG(pdguard_lsm_bpf_prog, struct bpf_prog *prog, int ret)
{
	if (ret)
		return ret;
	return guard_bpf_prog(prog, true);
}

SEC("lsm/inode_unlink")
int BPF_PROG(pdguard_lsm_inode_unlink, struct inode *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return guard_unpin(dir, dentry, NULL, true);
}

SEC("lsm/inode_rmdir")
int BPF_PROG(pdguard_lsm_inode_rmdir, struct inode *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return guard_unpin(dir, dentry, NULL, true);
}

SEC("lsm/inode_rename")
int BPF_PROG(pdguard_lsm_inode_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, int ret)
{
	if (ret)
		return ret;
	return guard_unpin(old_dir, old_dentry, new_dir, true);
}

SEC("lsm/sb_umount")
int BPF_PROG(pdguard_lsm_sb_umount, struct vfsmount *mnt, int flags, int ret)
{
	if (ret)
		return ret;
	return guard_umount(mnt, flags, true);
}

SEC("lsm/ptrace_access_check")
int BPF_PROG(pdguard_lsm_ptrace_access_check, struct task_struct *child, unsigned int mode,
	     int ret)
{
	if (ret)
		return ret;
	return guard_ptrace(child, mode, true);
}

SEC("lsm/task_prctl")
int BPF_PROG(pdguard_lsm_task_prctl, int option, unsigned long arg2, unsigned long arg3,
	     unsigned long arg4, unsigned long arg5, int ret)
{
	if (ret)
		return ret;
	return guard_prctl(option, arg2, true);
}

/* ---- fmod_ret programs on security_*(): same bodies, no inode storage ---------------------- */

/*
 * Forgetting, as the LSM mode's inode_free_security and sb_free_security do: security_inode_free
 * and security_sb_free return nothing, so these are fentry programs (the same trampolines as
 * fmod_ret, allowed wherever fmod_ret is). Without them a fresh tmpfs that took a freed device
 * number would inherit the old one's labels.
 */
SEC("fentry/security_inode_free")
int BPF_PROG(pdguard_fmr_inode_free, struct inode *inode)
{
	forget_inode(inode);
	return 0;
}

SEC("fentry/security_sb_free")
int BPF_PROG(pdguard_fmr_sb_free, struct super_block *sb)
{
	forget_sb(sb);
	return 0;
}

SEC("fmod_ret/security_file_open")
int BPF_PROG(pdguard_fmr_file_open, struct file *file, int ret)
{
	if (ret)
		return ret;
	return do_file_open(file, 0, false);
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
	return do_move(PDGUARD_OP_RENAME, old_dentry, BPF_CORE_READ(new_dir, dentry), new_dentry,
		       0, false);
}

SEC("fmod_ret/security_path_link")
int BPF_PROG(pdguard_fmr_path_link, struct dentry *old_dentry, const struct path *new_dir,
	     struct dentry *new_dentry, int ret)
{
	if (ret)
		return ret;
	return do_move(PDGUARD_OP_LINK, old_dentry, BPF_CORE_READ(new_dir, dentry), new_dentry, 0,
		       false);
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

/* ---- tamper protection: fmod_ret ---------------------------------------------------------- */

SEC("fmod_ret/security_bpf")
int BPF_PROG(pdguard_fmr_bpf, int cmd, union bpf_attr *attr, unsigned int size, int ret)
{
	if (ret)
		return ret;
	return guard_bpf_cmd(cmd, attr, false);
}

SEC("fmod_ret/security_bpf_map")
int BPF_PROG(pdguard_fmr_bpf_map, struct bpf_map *map, fmode_t fmode, int ret)
{
	if (ret)
		return ret;
	return guard_bpf_map(map, false);
}

SEC("fmod_ret/security_bpf_prog")
int BPF_PROG(pdguard_fmr_bpf_prog, struct bpf_prog *prog, int ret)
{
	if (ret)
		return ret;
	return guard_bpf_prog(prog, false);
}

SEC("fmod_ret/security_inode_unlink")
int BPF_PROG(pdguard_fmr_inode_unlink, struct inode *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return guard_unpin(dir, dentry, NULL, false);
}

SEC("fmod_ret/security_inode_rmdir")
int BPF_PROG(pdguard_fmr_inode_rmdir, struct inode *dir, struct dentry *dentry, int ret)
{
	if (ret)
		return ret;
	return guard_unpin(dir, dentry, NULL, false);
}

SEC("fmod_ret/security_inode_rename")
int BPF_PROG(pdguard_fmr_inode_rename, struct inode *old_dir, struct dentry *old_dentry,
	     struct inode *new_dir, struct dentry *new_dentry, unsigned int flags, int ret)
{
	if (ret)
		return ret;
	return guard_unpin(old_dir, old_dentry, new_dir, false);
}

SEC("fmod_ret/security_sb_umount")
int BPF_PROG(pdguard_fmr_sb_umount, struct vfsmount *mnt, int flags, int ret)
{
	if (ret)
		return ret;
	return guard_umount(mnt, flags, false);
}

SEC("fmod_ret/security_ptrace_access_check")
int BPF_PROG(pdguard_fmr_ptrace_access_check, struct task_struct *child, unsigned int mode,
	     int ret)
{
	if (ret)
		return ret;
	return guard_ptrace(child, mode, false);
}

SEC("fmod_ret/security_task_prctl")
int BPF_PROG(pdguard_fmr_task_prctl, int option, unsigned long arg2, unsigned long arg3,
	     unsigned long arg4, unsigned long arg5, int ret)
{
	if (ret)
		return ret;
	return guard_prctl(option, arg2, false);
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Labels: the agent's (dev, ino) hash, which both attach modes share, and in LSM mode the
 * derived labels kept in inode storage.
 */
#ifndef PDGUARD_LABELS_BPF_H
#define PDGUARD_LABELS_BPF_H

#include "lib/maps.bpf.h"
#include "lib/zones.bpf.h"

/* The module's label kfuncs (kmod/kfuncs.c); weak: absent unless pdguard.ko is loaded. The
 * programs that call them are loaded only when they resolve (agent/drivers/bpf/loader.c). */
extern __s64 bpf_pdguard_file_label(struct file *file) __ksym __weak;
extern __s64 bpf_pdguard_dentry_label(struct dentry *dentry) __ksym __weak;

/* struct inode's change time moved twice: i_ctime (6.1), __i_ctime (6.6), i_ctime_sec (6.11). */
struct inode___ct611 {
	time64_t i_ctime_sec;
	__u32 i_ctime_nsec;
} __attribute__((preserve_access_index));
struct inode___ct66 {
	struct timespec64 __i_ctime;
} __attribute__((preserve_access_index));
struct inode___ct61 {
	struct timespec64 i_ctime;
} __attribute__((preserve_access_index));

static __always_inline __u64 inode_ctime_ns(struct inode *inode)
{
	__u64 sec, nsec;

	if (bpf_core_field_exists(struct inode___ct611, i_ctime_sec)) {
		struct inode___ct611 *i = (void *)inode;

		sec = BPF_CORE_READ(i, i_ctime_sec);
		nsec = BPF_CORE_READ(i, i_ctime_nsec);
	} else if (bpf_core_field_exists(struct inode___ct66, __i_ctime)) {
		struct inode___ct66 *i = (void *)inode;

		sec = BPF_CORE_READ(i, __i_ctime.tv_sec);
		nsec = BPF_CORE_READ(i, __i_ctime.tv_nsec);
	} else {
		struct inode___ct61 *i = (void *)inode;

		sec = BPF_CORE_READ(i, i_ctime.tv_sec);
		nsec = BPF_CORE_READ(i, i_ctime.tv_nsec);
	}
	return sec * 1000000000ULL + nsec;
}

/* Categories of a kfunc result: (level << 32 | categories), or -errno. */
static __always_inline __u32 xlabel_cats(__s64 r)
{
	__u32 level, cats;

	if (r == -PDG_ENODATA)
		return 0;
	if (r < 0) {
		/* Unreadable or not a label we know: never taken for clean. */
		pdg_count(PDGUARD_BPF_CNT_XATTR_ERROR);
		return PDGUARD_CAT_ALL;
	}
	level = (__u64)r >> 32;
	cats = (__u32)r & PDGUARD_CAT_ALL;
	if (level == PDGUARD_LEVEL_NONE)
		return 0;
	return cats ? cats : PDGUARD_CAT_ALL;
}

/*
 * The label of @inode from its own xattr, read through the module's kfunc at most once per
 * change of the inode (a sleepable hook only): @file (@by_file) or @dentry names it. A label found on a
 * filesystem the agent never flagged marks it, so the cheap paths of later hooks look.
 */
static __always_inline __u32 xlabel_read(struct inode *inode, struct file *file,
					 struct dentry *dentry, const bool by_file)
{
	struct pdg_xlabel *x;
	__u64 ct;
	__s64 r;
	__u32 cats;

	if ((BPF_CORE_READ(inode, i_mode) & PDG_S_IFMT) != PDG_S_IFREG)
		return 0;
	ct = inode_ctime_ns(inode);
	x = bpf_inode_storage_get(&pdguard_xlabel, inode, 0, 0);
	if (x && (x->flags & PDG_XL_READ) && x->ctime_ns == ct) {
		pdg_count(PDGUARD_BPF_CNT_XATTR_CACHED);
		return x->cats;
	}
	/* One call per program, chosen at compile time: the verifier must not see the other
	 * with a NULL argument. */
	if (by_file)
		r = bpf_pdguard_file_label(file);
	else
		r = bpf_pdguard_dentry_label(dentry);
	if (r == -PDG_EOPNOTSUPP)
		return 0;	/* no xattrs here (procfs, vfat...): the map is the only source */
	pdg_count(PDGUARD_BPF_CNT_XATTR_READ);
	cats = xlabel_cats(r);
	if (r >= 0 || r == -PDG_ENODATA) {
		x = bpf_inode_storage_get(&pdguard_xlabel, inode, 0,
					  BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (x) {
			x->cats = cats;
			x->ctime_ns = ct;
			x->flags = PDG_XL_READ;
		}
	}
	if (cats)
		sb_mark(BPF_CORE_READ(inode, i_sb, s_dev), PDGUARD_SB_LABELS);
	return cats;
}

/* Label categories of @inode: inode storage (LSM mode) or-ed with the (dev, ino) hash. */
static __always_inline __u32 label_of(struct inode *inode, const bool lsm)
{
	struct pdguard_inode_key key = {};
	struct pdguard_label *l;
	struct pdg_xlabel *x;
	__u32 cats = 0;

	if (lsm) {
		l = bpf_inode_storage_get(&pdguard_ilabel, inode, 0, 0);
		if (l)
			cats = l->cats;
		/* What the xattr said when last read, if the inode has not changed since. */
		x = bpf_inode_storage_get(&pdguard_xlabel, inode, 0, 0);
		if (x && (x->flags & PDG_XL_READ) && x->ctime_ns == inode_ctime_ns(inode))
			cats |= x->cats;
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

#endif /* PDGUARD_LABELS_BPF_H */

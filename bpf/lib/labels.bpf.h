/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Labels: the agent's (dev, ino) hash, which both attach modes share, and in LSM mode the
 * derived labels kept in inode storage.
 */
#ifndef PDGUARD_LABELS_BPF_H
#define PDGUARD_LABELS_BPF_H

#include "lib/maps.bpf.h"
#include "lib/zones.bpf.h"

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

#endif /* PDGUARD_LABELS_BPF_H */

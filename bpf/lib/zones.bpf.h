/* SPDX-License-Identifier: GPL-2.0 */
/* Superblock flags and zones: USB by superblock, cloud folders by a bounded d_parent walk. */
#ifndef PDGUARD_ZONES_BPF_H
#define PDGUARD_ZONES_BPF_H

#include "lib/maps.bpf.h"

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

#endif /* PDGUARD_ZONES_BPF_H */

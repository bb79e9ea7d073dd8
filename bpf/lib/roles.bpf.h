/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Role gating: the categories the caller's role (by fsuid, fsgid or a supplementary group) or an
 * unexpired grant lets it read, and the sync clients refused every labelled file.
 */
#ifndef PDGUARD_ROLES_BPF_H
#define PDGUARD_ROLES_BPF_H

#include "lib/maps.bpf.h"
#include "lib/events.bpf.h"

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

/*
 * The nearest place folder at or above @dentry on its filesystem (@dev), by a walk up d_parent
 * bounded as the cloud folders' is: its index, or -1 when none is found (nor within the bound:
 * then the scoped roles give nothing, a refusal rather than a guess).
 */
static __always_inline int place_of(struct dentry *dentry, __u32 dev)
{
	struct pdguard_inode_key key = { .dev = dev };
	struct dentry *d = dentry, *parent;
	__u32 *idx;
	int i;

	for (i = 0; i < PDGUARD_BPF_WALK_DEPTH; i++) {
		struct inode *inode = BPF_CORE_READ(d, d_inode);

		if (inode) {
			key.ino = BPF_CORE_READ(inode, i_ino);
			idx = bpf_map_lookup_elem(&pdguard_places, &key);
			if (idx)
				return *idx & 0xffff;
		}
		parent = BPF_CORE_READ(d, d_parent);
		if (!parent || parent == d)
			return -1;
		d = parent;
	}
	pdg_count(PDGUARD_BPF_CNT_WALK_LIMIT);
	return -1;
}

/* Categories the caller's scoped roles (fsuid, fsgid, supplementary groups) read at @place. */
static __always_inline __u32 place_cats(__u32 uid, int place)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pdguard_place_key key = { .id = uid, .place = place };
	struct group_info *gi;
	__u32 cats = 0, *v;
	int i, n;

	v = bpf_map_lookup_elem(&pdguard_rplaces, &key);
	if (v)
		cats |= *v;
	key.group = 1;
	key.id = BPF_CORE_READ(task, cred, fsgid.val);
	v = bpf_map_lookup_elem(&pdguard_rplaces, &key);
	if (v)
		cats |= *v;
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
		key.id = g.val;
		v = bpf_map_lookup_elem(&pdguard_rplaces, &key);
		if (v)
			cats |= *v;
	}
	return cats;
}

/* Of @want, the categories an unexpired export grant of @e covers at @now. */
static __always_inline __u32 export_entry_cats(struct pdguard_export *e, __u32 want, __u64 now)
{
	__u32 out = 0;
	int i;

	if (!e)
		return 0;
	for (i = 0; i < PDG_NCATS; i++)
		if ((want & (1U << i)) && e->until[i] > now)
			out |= 1U << i;
	return out;
}

/*
 * Of @taint, the categories the caller may write to a @zone zone: its roles' export (fsuid,
 * fsgid, supplementary groups) and unexpired export grants by category for any of those ids and
 * that zone kind. The grant's end is checked here against CLOCK_BOOTTIME, so an expired grant
 * stops counting at once, whenever the agent prunes it. Export grants limited to a file, folder
 * or zone folder are not in the map: only the fanotify driver knows paths well enough for them.
 */
static __always_inline __u32 exportable_cats(__u32 uid, __u8 zone, __u32 taint)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pdguard_export_key key = { .id = uid, .zone = zone };
	__u64 now = bpf_ktime_get_boot_ns();
	struct pdguard_role *r;
	struct group_info *gi;
	__u32 cats = 0, gid;
	int i, n;

	r = bpf_map_lookup_elem(&pdguard_uroles, &uid);
	if (r)
		cats |= r->export_cats;
	cats |= export_entry_cats(bpf_map_lookup_elem(&pdguard_exports, &key), taint & ~cats, now);
	gid = BPF_CORE_READ(task, cred, fsgid.val);
	r = bpf_map_lookup_elem(&pdguard_groles, &gid);
	if (r)
		cats |= r->export_cats;
	key.id = gid;
	key.group = 1;
	cats |= export_entry_cats(bpf_map_lookup_elem(&pdguard_exports, &key), taint & ~cats, now);
	gi = BPF_CORE_READ(task, cred, group_info);
	if (!gi)
		return cats & taint;
	n = BPF_CORE_READ(gi, ngroups);
	for (i = 0; i < PDG_MAX_GROUPS; i++) {
		kgid_t g;

		if (i >= n || !(taint & ~cats))
			break;
		if (bpf_core_read(&g, sizeof(g), &gi->gid[i]))
			break;
		gid = g.val;
		r = bpf_map_lookup_elem(&pdguard_groles, &gid);
		if (r)
			cats |= r->export_cats;
		key.id = gid;
		cats |= export_entry_cats(bpf_map_lookup_elem(&pdguard_exports, &key),
					  taint & ~cats, now);
	}
	return cats & taint;
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

/* What the current executable is: PDGUARD_APP_SYNC, PDGUARD_APP_EXIT, or 0. */
static __always_inline __u32 app_kind(void)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct pdguard_inode_key key = {};
	struct inode *exe;
	__u32 *kind;

	exe = BPF_CORE_READ(task, mm, exe_file, f_inode);
	if (!exe)
		return 0;
	key.ino = BPF_CORE_READ(exe, i_ino);
	key.dev = BPF_CORE_READ(exe, i_sb, s_dev);
	kind = bpf_map_lookup_elem(&pdguard_sync, &key);
	return kind ? *kind : 0;
}

#define PDG_PF_KTHREAD 0x00200000

/*
 * A file server's process ([servers]): a kernel thread (nfsd, ksmbd), or a listed program
 * started by root (a real or saved uid of 0: an smbd child serving a user keeps 0 saved). Its
 * writes for one client must not label its own state files (smbd's tdb files) for everyone.
 */
static __always_inline bool server_process(void)
{
	struct task_struct *task = bpf_get_current_task_btf();

	if (BPF_CORE_READ(task, flags) & PDG_PF_KTHREAD)
		return true;
	if (app_kind() != PDGUARD_APP_SERVER)
		return false;
	return BPF_CORE_READ(task, cred, uid.val) == 0 || BPF_CORE_READ(task, cred, suid.val) == 0;
}

/*
 * Fill @v's decision for reading a file labelled @cats; returns 1 when it is a denial. @dentry
 * is the file, on a filesystem (@dev) with flags @sbf: where it holds place folders, what the
 * caller's unscoped roles do not cover is asked of its scoped roles at the file's nearest place.
 */
static __always_inline int role_check(struct pdguard_bpf_config *c, struct verdict *v,
				      __u32 cats, struct dentry *dentry, __u32 dev, __u32 sbf)
{
	__u32 denied, kind = app_kind();

	if (kind == PDGUARD_APP_SYNC) {
		v->deny = true;
		v->reason = PDGUARD_REASON_SYNC_CLIENT;
		v->detail = cats;
		return 1;
	}
	if (kind == PDGUARD_APP_EXIT) {
		/* a messenger or mail client: the user's grants, never the role alone */
		denied = cats & ~granted_cats(v->uid, cats);
		v->deny = denied != 0;
		v->reason = denied ? PDGUARD_REASON_EXIT_POINT : PDGUARD_REASON_GRANT;
		v->detail = denied ? denied : cats;
		return denied != 0;
	}
	denied = cats & ~readable_cats(v->uid);
	if (denied && (sbf & PDGUARD_SB_PLACES) && dentry) {
		int place = place_of(dentry, dev);

		if (place >= 0)
			denied &= ~place_cats(v->uid, place);
	}
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

#endif /* PDGUARD_ROLES_BPF_H */

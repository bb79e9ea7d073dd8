/* SPDX-License-Identifier: GPL-2.0 */
/* Verdicts: every decision becomes a ring-buffer event and the hook's return value. */
#ifndef PDGUARD_EVENTS_BPF_H
#define PDGUARD_EVENTS_BPF_H

#include "lib/maps.bpf.h"

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

#endif /* PDGUARD_EVENTS_BPF_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Taint: the categories a process has read, kept per process on its thread-group leader, and
 * carried through pipes from a tainted writer to every reader.
 */
#ifndef PDGUARD_TAINT_BPF_H
#define PDGUARD_TAINT_BPF_H

#include "lib/maps.bpf.h"

/*
 * From 6.2 the verifier trusts task->group_leader only inside an RCU read section, which a
 * sleepable program (the kfunc ones, lsm.s/) must open itself: without it 6.12 refuses them
 * ("R2 type=untrusted_ptr_ expected=ptr_, trusted_ptr_, rcu_ptr_"). 6.1 has no
 * bpf_rcu_read_lock and does not ask; the version test is a constant to the verifier (libbpf's
 * read-only .kconfig map), so on 6.1 the calls are dead code, removed before the kernel would
 * look for the (weak, unresolved) kfuncs.
 */
extern int LINUX_KERNEL_VERSION __kconfig;
extern void bpf_rcu_read_lock(void) __ksym __weak;
extern void bpf_rcu_read_unlock(void) __ksym __weak;

static __always_inline struct pdguard_taint *taint_get(bool create)
{
	struct task_struct *task = bpf_get_current_task_btf();
	const bool rcu = LINUX_KERNEL_VERSION >= KERNEL_VERSION(6, 2, 0);
	struct pdguard_taint *t;

	if (rcu)
		bpf_rcu_read_lock();
	t = bpf_task_storage_get(&pdguard_taint, task->group_leader, 0,
				 create ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	if (rcu)
		bpf_rcu_read_unlock();
	return t;
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

/* Pipes carry taint from a tainted writer to every reader. */
static __always_inline int taint_pipe_rw(struct pdguard_bpf_config *c, struct inode *inode,
					 int mask)
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

#endif /* PDGUARD_TAINT_BPF_H */

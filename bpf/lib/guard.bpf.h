/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tamper protection: pdguard's own maps, programs, links and pins answer to the agent only.
 *
 * The agent is the loader's executable (its inode, not a pid or a comm: the daemon and
 * `pdguard bpf` are the same program, a pid can be reused, a comm chosen). The loader fills
 * pdguard_guard_ids with the ids of every map, program and link it created and pdguard_guard
 * with its own tgid and the pin directory, then freezes both (BPF_MAP_FREEZE): from then on no
 * process, the agent included, can change them, and the programs only read them
 * (BPF_F_RDONLY_PROG). The loader's next guarded call teaches the programs its executable as
 * the kernel sees it (pdguard_guard_exe, written once, by the programs only). Everything refused here is refused in audit mode too: the mode is one of
 * the things being protected. Each refusal is an event (op bpf, unpin, ptrace, umount or prctl,
 * reason "tamper") the daemon turns into an alert. See docs/threat-model.md for what root keeps.
 */
#ifndef PDGUARD_GUARD_BPF_H
#define PDGUARD_GUARD_BPF_H

#include "lib/maps.bpf.h"

/* prctl(PR_SET_MM, PR_SET_MM_EXE_FILE | PR_SET_MM_MAP) can change a process's exe_file. */
#define PDG_PR_SET_MM		35
#define PDG_PR_SET_MM_EXE_FILE	13
#define PDG_PR_SET_MM_MAP	14

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, __u32);
	__type(value, struct pdguard_guard);
} pdguard_guard SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_RDONLY_PROG);
	__type(key, struct pdguard_guard_id);
	__type(value, __u32);
} pdguard_guard_ids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pdguard_guard_exe);
} pdguard_guard_exe SEC(".maps");

static __always_inline struct pdguard_guard_exe *guard_exe(void)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(&pdguard_guard_exe, &k);
}

/* The guard's settings when it is on, else NULL; learns the agent's executable when due. */
static __always_inline const struct pdguard_guard *guard_on(void)
{
	const struct pdguard_guard *g;
	struct pdguard_guard_exe *x;
	struct task_struct *task;
	struct file *exe;
	__u32 k = 0;

	g = bpf_map_lookup_elem(&pdguard_guard, &k);
	if (!g || !(g->flags & PDGUARD_GUARD_ON))
		return NULL;
	x = guard_exe();
	if (x && !x->learnt && g->learn_tgid &&
	    (__u32)(bpf_get_current_pid_tgid() >> 32) == g->learn_tgid) {
		task = bpf_get_current_task_btf();
		exe = BPF_CORE_READ(task, mm, exe_file);
		if (exe) {
			x->ino = BPF_CORE_READ(exe, f_inode, i_ino);
			x->dev = BPF_CORE_READ(exe, f_inode, i_sb, s_dev);
			x->learnt = 1;
		}
	}
	return g;
}

/*
 * Does @task run the agent's executable? Kernel threads (no mm) are the kernel's own work;
 * until the executable is learnt, only the loader's process is the agent.
 */
static __always_inline bool guard_task_is_agent(const struct pdguard_guard *g,
						struct task_struct *task)
{
	struct pdguard_guard_exe *x = guard_exe();
	struct file *exe;

	if (!BPF_CORE_READ(task, mm))
		return true;
	if (!x)
		return false;
	if (!x->learnt)
		return BPF_CORE_READ(task, tgid) == g->learn_tgid;
	exe = BPF_CORE_READ(task, mm, exe_file);
	if (!exe)
		return false;
	return BPF_CORE_READ(exe, f_inode, i_ino) == x->ino &&
	       BPF_CORE_READ(exe, f_inode, i_sb, s_dev) == x->dev;
}

static __always_inline bool guard_is_agent(const struct pdguard_guard *g)
{
	return guard_task_is_agent(g, bpf_get_current_task_btf());
}

static __always_inline bool guard_ours(__u32 kind, __u32 id)
{
	struct pdguard_guard_id k = { .kind = kind, .id = id };

	return id && bpf_map_lookup_elem(&pdguard_guard_ids, &k);
}

/*
 * Log a refusal and return -EPERM. @name (a kernel string: a map's or program's name) or
 * @dentry (a pin's) says what was touched; @detail the bpf() command, ptrace mode or flags.
 */
static __always_inline int guard_refuse(__u16 op, __u32 detail, __u64 id, const char *name,
					struct dentry *dentry, const bool lsm)
{
	struct pdguard_event *e;

	pdg_count(PDGUARD_BPF_CNT_TAMPER);
	pdg_count(PDGUARD_BPF_CNT_DENY);
	e = bpf_ringbuf_reserve(&pdguard_events, sizeof(*e), 0);
	if (!e) {
		pdg_count(PDGUARD_BPF_CNT_RB_DROP);
		return -PDG_EPERM;
	}
	__builtin_memset(e, 0, offsetof(struct pdguard_event, comm));
	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	e->ino = id;
	e->uid = fsuid();
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->tid = (__u32)bpf_get_current_pid_tgid();
	e->detail = detail;
	e->op = op;
	e->reason = PDGUARD_REASON_TAMPER;
	e->decision = PDGUARD_DECISION_DENY;
	e->driver = lsm ? PDGUARD_DRIVER_BPF_LSM : PDGUARD_DRIVER_FMOD_RET;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->path[0] = '\0';
	e->target[0] = '\0';
	if (dentry) {
		struct inode *inode = BPF_CORE_READ(dentry, d_inode);

		if (inode) {
			e->ino = BPF_CORE_READ(inode, i_ino);
			e->dev = BPF_CORE_READ(inode, i_sb, s_dev);
		}
		name = (const char *)BPF_CORE_READ(dentry, d_name.name);
	}
	if (name && bpf_probe_read_kernel_str(e->path, sizeof(e->path), name) > 0)
		e->flags |= PDGUARD_EV_PATH_NAME;
	bpf_ringbuf_submit(e, 0);
	return -PDG_EPERM;
}

/* The BPF object behind descriptor @fd of the caller (a map's or a link's address), or NULL. */
static __always_inline void *guard_fd_object(__u32 fd)
{
	struct task_struct *task = bpf_get_current_task_btf();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *f = NULL;

	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
		return NULL;
	return BPF_CORE_READ(f, private_data);
}

/*
 * The id of the map (@kind PDGUARD_GUARD_MAP) or link behind @fd. A descriptor of another type
 * reads as a meaningless id: at worst an invalid call is refused here instead of by the kernel.
 */
static __always_inline __u32 guard_fd_id(__u32 kind, __u32 fd)
{
	void *obj = guard_fd_object(fd);

	if (!obj)
		return 0;
	if (kind == PDGUARD_GUARD_MAP)
		return BPF_CORE_READ((struct bpf_map *)obj, id);
	return BPF_CORE_READ((struct bpf_link *)obj, id);
}

/* bpf(cmd, attr): commands that name one of our objects by id or by descriptor. */
static __always_inline int guard_bpf_cmd(int cmd, union bpf_attr *attr, const bool lsm)
{
	const struct pdguard_guard *g = guard_on();
	__u32 kind, id, fd;

	if (!g)
		return 0;
	switch (cmd) {
	case BPF_MAP_UPDATE_ELEM:
	case BPF_MAP_DELETE_ELEM:
	case BPF_MAP_LOOKUP_AND_DELETE_ELEM:
	case BPF_MAP_FREEZE:
		kind = PDGUARD_GUARD_MAP;
		fd = BPF_CORE_READ(attr, map_fd);
		id = guard_fd_id(kind, fd);
		break;
	case BPF_MAP_UPDATE_BATCH:
	case BPF_MAP_DELETE_BATCH:
	case BPF_MAP_LOOKUP_AND_DELETE_BATCH:
		kind = PDGUARD_GUARD_MAP;
		fd = BPF_CORE_READ(attr, batch.map_fd);
		id = guard_fd_id(kind, fd);
		break;
	case BPF_LINK_UPDATE:
		kind = PDGUARD_GUARD_LINK;
		fd = BPF_CORE_READ(attr, link_update.link_fd);
		id = guard_fd_id(kind, fd);
		break;
	case BPF_LINK_DETACH:
		kind = PDGUARD_GUARD_LINK;
		fd = BPF_CORE_READ(attr, link_detach.link_fd);
		id = guard_fd_id(kind, fd);
		break;
	case BPF_MAP_GET_FD_BY_ID:
		kind = PDGUARD_GUARD_MAP;
		id = BPF_CORE_READ(attr, map_id);
		break;
	case BPF_PROG_GET_FD_BY_ID:
		kind = PDGUARD_GUARD_PROG;
		id = BPF_CORE_READ(attr, prog_id);
		break;
	case BPF_LINK_GET_FD_BY_ID:
		kind = PDGUARD_GUARD_LINK;
		id = BPF_CORE_READ(attr, link_id);
		break;
	default:
		return 0;
	}
	if (!guard_ours(kind, id) || guard_is_agent(g))
		return 0;
	return guard_refuse(PDGUARD_OP_BPF, cmd, id, NULL, NULL, lsm);
}

/* A new descriptor of a map (BPF_OBJ_GET on a pin, BPF_MAP_GET_FD_BY_ID, ...). */
static __always_inline int guard_bpf_map(struct bpf_map *map, const bool lsm)
{
	const struct pdguard_guard *g = guard_on();
	__u32 id;

	if (!g)
		return 0;
	id = BPF_CORE_READ(map, id);
	if (!guard_ours(PDGUARD_GUARD_MAP, id) || guard_is_agent(g))
		return 0;
	return guard_refuse(PDGUARD_OP_BPF, BPF_OBJ_GET, id, map->name, NULL, lsm);
}

/* A new descriptor of a program. */
static __always_inline int guard_bpf_prog(struct bpf_prog *prog, const bool lsm)
{
	const struct pdguard_guard *g = guard_on();
	__u32 id;

	if (!g)
		return 0;
	id = BPF_CORE_READ(prog, aux, id);
	if (!guard_ours(PDGUARD_GUARD_PROG, id) || guard_is_agent(g))
		return 0;
	return guard_refuse(PDGUARD_OP_BPF, BPF_OBJ_GET, id, prog->aux->name, NULL, lsm);
}

static __always_inline bool guard_is_pin_dir(const struct pdguard_guard *g, struct inode *inode)
{
	return inode && g->pin_ino && BPF_CORE_READ(inode, i_ino) == g->pin_ino &&
	       BPF_CORE_READ(inode, i_sb, s_dev) == g->pin_dev;
}

/* unlink, rmdir, rename: nothing leaves, enters over or moves the pin directory. */
static __always_inline int guard_unpin(struct inode *dir, struct dentry *dentry,
				       struct inode *new_dir, const bool lsm)
{
	const struct pdguard_guard *g = guard_on();

	if (!g || !g->pin_ino)
		return 0;
	if (!guard_is_pin_dir(g, dir) && !guard_is_pin_dir(g, new_dir) &&
	    !guard_is_pin_dir(g, BPF_CORE_READ(dentry, d_inode)))
		return 0;
	if (guard_is_agent(g))
		return 0;
	return guard_refuse(PDGUARD_OP_UNPIN, 0, 0, NULL, dentry, lsm);
}

/* Unmounting the bpffs that holds the pins would drop them all. */
static __always_inline int guard_umount(struct vfsmount *mnt, int flags, const bool lsm)
{
	const struct pdguard_guard *g = guard_on();

	if (!g || !g->pin_ino || BPF_CORE_READ(mnt, mnt_sb, s_dev) != g->pin_dev)
		return 0;
	if (guard_is_agent(g))
		return 0;
	return guard_refuse(PDGUARD_OP_UMOUNT, flags, 0, NULL, BPF_CORE_READ(mnt, mnt_root),
			    lsm);
}

/* The agent's memory and descriptors: ptrace, process_vm_*, /proc/PID/fd, pidfd_getfd. */
static __always_inline int guard_ptrace(struct task_struct *child, unsigned int mode,
					const bool lsm)
{
	const struct pdguard_guard *g = guard_on();

	if (!g || !BPF_CORE_READ(child, mm) || !guard_task_is_agent(g, child))
		return 0;
	if (guard_is_agent(g))
		return 0;
	return guard_refuse(PDGUARD_OP_PTRACE, mode, BPF_CORE_READ(child, tgid), child->comm,
			    NULL, lsm);
}

/* prctl(PR_SET_MM) could point a process's exe_file at the agent's executable. */
static __always_inline int guard_prctl(int option, unsigned long arg2, const bool lsm)
{
	const struct pdguard_guard *g;

	if (option != PDG_PR_SET_MM ||
	    (arg2 != PDG_PR_SET_MM_EXE_FILE && arg2 != PDG_PR_SET_MM_MAP))
		return 0;
	g = guard_on();
	if (!g || guard_is_agent(g))
		return 0;
	return guard_refuse(PDGUARD_OP_PRCTL, arg2, 0, NULL, NULL, lsm);
}

#endif /* PDGUARD_GUARD_BPF_H */

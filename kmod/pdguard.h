/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interfaces of pdguard.ko. */
#ifndef PDGUARD_KMOD_H
#define PDGUARD_KMOD_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <uapi/pdguard.h>

/**
 * struct pdguard_state - what the module knows, shared by its parts
 * @mode: enum pdguard_mode; read locklessly, written under @lock
 * @lock: serialises mode changes and heartbeat updates
 * @loaded_ns: boot-time clock at module load
 * @heartbeat_ns: boot-time clock of the agent's last heartbeat, 0 if none yet
 * @agent_pid: pid (in the initial namespace) of the last heartbeat's sender
 * @agent_portid: netlink port of the agent's socket, bound by its first heartbeat and released
 *                with the socket: 0 when no agent is bound (genl.c)
 * @policy_gen: policy generation the agent last reported
 * @kfuncs: the label kfuncs are registered (kfuncs.c)
 * @cnt: counters, indexed by enum pdguard_counter_attr
 */
struct pdguard_state {
	u8 mode;
	spinlock_t lock;
	u64 loaded_ns;
	u64 heartbeat_ns;
	u32 agent_pid;
	u32 agent_portid;
	u64 policy_gen;
	bool kfuncs;
	atomic64_t cnt[__PDGUARD_CNT_MAX];
};

extern struct pdguard_state pdguard_state;

int pdguard_genl_init(void);
void pdguard_genl_exit(void);
void pdguard_kfuncs_init(void);

#endif /* PDGUARD_KMOD_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "pdguard".
 *
 * Every operation has its own strict policy: an attribute the operation does not take, a wrong
 * length or an out-of-range value is refused by the netlink core with an extended ACK naming the
 * attribute, before our handlers run. Changing commands need CAP_NET_ADMIN (GENL_ADMIN_PERM) in
 * the initial network namespace; the family is not visible in other namespaces, so a container
 * cannot reach it.
 *
 * The heartbeat is tied to the agent's socket: the first HEARTBEAT binds the sending netlink
 * socket (its port id), and while it stays open a heartbeat from any other socket is refused
 * (-EBUSY), as is a SET_MODE (-EPERM): the mode then changes only through the agent, which logs
 * who asked. A heartbeat must carry its sender's own pid. Closing the socket (the agent stops
 * or dies) releases the binding and says so in the kernel log. Every refusal counts in
 * PDGUARD_CNT_NOT_AGENT.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/netlink.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>

#include "pdguard.h"

static struct genl_family pdguard_genl_family;

enum pdguard_mcgrp {
	PDGUARD_MCGRP_EVENTS,
};

static const struct genl_multicast_group pdguard_mcgrps[] = {
	[PDGUARD_MCGRP_EVENTS] = { .name = PDGUARD_GENL_MCGRP_EVENTS },
};

static const struct nla_policy pdguard_set_mode_policy[PDGUARD_ATTR_MODE + 1] = {
	[PDGUARD_ATTR_MODE] = NLA_POLICY_MAX(NLA_U8, PDGUARD_MODE_MAX),
};

static const struct nla_policy pdguard_heartbeat_policy[PDGUARD_ATTR_POLICY_GEN + 1] = {
	[PDGUARD_ATTR_AGENT_PID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PDGUARD_ATTR_POLICY_GEN] = { .type = NLA_U64 },
};

static void pdguard_count(enum pdguard_counter_attr c)
{
	atomic64_inc(&pdguard_state.cnt[c]);
}

static u64 ns_to_ms_age(u64 then, u64 now)
{
	return div_u64(now - then, NSEC_PER_MSEC);
}

/* Status attributes, shared by the GET_STATUS reply, the SET_MODE reply and events. */
static int pdguard_fill_status(struct sk_buff *skb)
{
	struct pdguard_state *st = &pdguard_state;
	u64 now = ktime_get_boottime_ns();
	u64 hb_ns, gen;
	struct nlattr *nest;
	u32 pid;
	bool bound;
	int c;

	spin_lock_bh(&st->lock);
	hb_ns = st->heartbeat_ns;
	pid = st->agent_pid;
	gen = st->policy_gen;
	bound = st->agent_portid != 0;
	spin_unlock_bh(&st->lock);

	if (nla_put_u32(skb, PDGUARD_ATTR_ABI_MAJOR, PDGUARD_ABI_MAJOR) ||
	    nla_put_u32(skb, PDGUARD_ATTR_ABI_MINOR, PDGUARD_ABI_MINOR) ||
	    nla_put_u8(skb, PDGUARD_ATTR_MODE, READ_ONCE(st->mode)) ||
	    nla_put_u8(skb, PDGUARD_ATTR_KFUNCS, st->kfuncs) ||
	    nla_put_u8(skb, PDGUARD_ATTR_AGENT_BOUND, bound) ||
	    nla_put_u32(skb, PDGUARD_ATTR_AGENT_PID, pid) ||
	    nla_put_u64_64bit(skb, PDGUARD_ATTR_POLICY_GEN, gen, PDGUARD_ATTR_PAD) ||
	    nla_put_u64_64bit(skb, PDGUARD_ATTR_LOADED_AGE_MS, ns_to_ms_age(st->loaded_ns, now),
			      PDGUARD_ATTR_PAD))
		return -EMSGSIZE;
	if (hb_ns && nla_put_u64_64bit(skb, PDGUARD_ATTR_HEARTBEAT_AGE_MS,
				       ns_to_ms_age(hb_ns, now), PDGUARD_ATTR_PAD))
		return -EMSGSIZE;

	nest = nla_nest_start(skb, PDGUARD_ATTR_COUNTERS);
	if (!nest)
		return -EMSGSIZE;
	for (c = PDGUARD_CNT_PAD + 1; c < __PDGUARD_CNT_MAX; c++) {
		if (nla_put_u64_64bit(skb, c, atomic64_read(&st->cnt[c]), PDGUARD_CNT_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int pdguard_reply_status(struct genl_info *info, u8 cmd)
{
	struct sk_buff *msg;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &pdguard_genl_family, 0, cmd);
	if (!hdr) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	ret = pdguard_fill_status(msg);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* Tell listeners of the events group that the mode changed; nobody listening is fine. */
static void pdguard_notify_mode(void)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &pdguard_genl_family, 0, PDGUARD_CMD_EVENT);
	if (!hdr || pdguard_fill_status(msg)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast(&pdguard_genl_family, msg, 0, PDGUARD_MCGRP_EVENTS, GFP_KERNEL);
}

static int pdguard_get_status(struct sk_buff *skb, struct genl_info *info)
{
	pdguard_count(PDGUARD_CNT_STATUS_REQUESTS);
	return pdguard_reply_status(info, PDGUARD_CMD_GET_STATUS);
}

static int pdguard_set_mode(struct sk_buff *skb, struct genl_info *info)
{
	struct pdguard_state *st = &pdguard_state;
	bool changed;
	u8 mode, old;

	if (GENL_REQ_ATTR_CHECK(info, PDGUARD_ATTR_MODE)) {
		NL_SET_ERR_MSG(info->extack, "SET_MODE needs PDGUARD_ATTR_MODE (0 audit, 1 enforce)");
		pdguard_count(PDGUARD_CNT_REJECTED);
		return -EINVAL;
	}
	mode = nla_get_u8(info->attrs[PDGUARD_ATTR_MODE]);

	spin_lock_bh(&st->lock);
	if (st->agent_portid && st->agent_portid != info->snd_portid) {
		u32 agent = st->agent_pid;

		spin_unlock_bh(&st->lock);
		pdguard_count(PDGUARD_CNT_NOT_AGENT);
		NL_SET_ERR_MSG(info->extack, "the agent holds the mode: change it through the agent");
		pr_notice("SET_MODE refused to uid %u pid %d (%s): the agent (pid %u) is bound\n",
			  from_kuid(&init_user_ns, current_uid()), task_tgid_nr(current),
			  current->comm, agent);
		return -EPERM;
	}
	old = st->mode;
	WRITE_ONCE(st->mode, mode);
	spin_unlock_bh(&st->lock);

	changed = old != mode;
	if (changed) {
		pdguard_count(PDGUARD_CNT_MODE_CHANGES);
		pr_info("mode %s -> %s by uid %u pid %d (%s)\n",
			old == PDGUARD_MODE_ENFORCE ? "enforce" : "audit",
			mode == PDGUARD_MODE_ENFORCE ? "enforce" : "audit",
			from_kuid(&init_user_ns, current_uid()), task_tgid_nr(current),
			current->comm);
		pdguard_notify_mode();
	}
	return pdguard_reply_status(info, PDGUARD_CMD_SET_MODE);
}

static int pdguard_heartbeat(struct sk_buff *skb, struct genl_info *info)
{
	struct pdguard_state *st = &pdguard_state;
	u32 pid;

	if (GENL_REQ_ATTR_CHECK(info, PDGUARD_ATTR_AGENT_PID)) {
		NL_SET_ERR_MSG(info->extack, "HEARTBEAT needs PDGUARD_ATTR_AGENT_PID");
		pdguard_count(PDGUARD_CNT_REJECTED);
		return -EINVAL;
	}
	pid = nla_get_u32(info->attrs[PDGUARD_ATTR_AGENT_PID]);
	if (pid != task_tgid_vnr(current)) {
		NL_SET_ERR_MSG(info->extack, "HEARTBEAT must carry its sender's own pid");
		pdguard_count(PDGUARD_CNT_NOT_AGENT);
		return -EPERM;
	}

	spin_lock_bh(&st->lock);
	if (st->agent_portid && st->agent_portid != info->snd_portid) {
		spin_unlock_bh(&st->lock);
		NL_SET_ERR_MSG(info->extack, "another agent's socket is bound");
		pdguard_count(PDGUARD_CNT_NOT_AGENT);
		return -EBUSY;
	}
	st->agent_portid = info->snd_portid;
	st->heartbeat_ns = ktime_get_boottime_ns();
	st->agent_pid = task_tgid_nr(current);
	if (info->attrs[PDGUARD_ATTR_POLICY_GEN])
		st->policy_gen = nla_get_u64(info->attrs[PDGUARD_ATTR_POLICY_GEN]);
	spin_unlock_bh(&st->lock);

	pdguard_count(PDGUARD_CNT_HEARTBEATS);
	return 0;
}

static const struct genl_ops pdguard_genl_ops[] = {
	{
		.cmd = PDGUARD_CMD_GET_STATUS,
		.doit = pdguard_get_status,
		/* no policy: with resv_start_op 0 the core refuses any attribute */
	},
	{
		.cmd = PDGUARD_CMD_SET_MODE,
		.doit = pdguard_set_mode,
		.policy = pdguard_set_mode_policy,
		.maxattr = ARRAY_SIZE(pdguard_set_mode_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = PDGUARD_CMD_HEARTBEAT,
		.doit = pdguard_heartbeat,
		.policy = pdguard_heartbeat_policy,
		.maxattr = ARRAY_SIZE(pdguard_heartbeat_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family pdguard_genl_family __ro_after_init = {
	.name = PDGUARD_GENL_NAME,
	.version = PDGUARD_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = pdguard_genl_ops,
	.n_ops = ARRAY_SIZE(pdguard_genl_ops),
	.mcgrps = pdguard_mcgrps,
	.n_mcgrps = ARRAY_SIZE(pdguard_mcgrps),
	.netnsok = false,
	.parallel_ops = true,
};

/* A released generic netlink socket that was the agent's frees the binding. */
static int pdguard_netlink_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct pdguard_state *st = &pdguard_state;
	struct netlink_notify *n = ptr;
	bool released = false;
	u32 pid = 0;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !net_eq(n->net, &init_net))
		return NOTIFY_DONE;
	spin_lock_bh(&st->lock);
	if (st->agent_portid && st->agent_portid == n->portid) {
		st->agent_portid = 0;
		pid = st->agent_pid;
		released = true;
	}
	spin_unlock_bh(&st->lock);
	if (released)
		pr_warn("the agent's heartbeat socket closed (pid %u): no agent is bound\n", pid);
	return NOTIFY_DONE;
}

static struct notifier_block pdguard_netlink_nb = {
	.notifier_call = pdguard_netlink_event,
};

int __init pdguard_genl_init(void)
{
	int ret = netlink_register_notifier(&pdguard_netlink_nb);

	if (ret)
		return ret;
	ret = genl_register_family(&pdguard_genl_family);
	if (ret)
		netlink_unregister_notifier(&pdguard_netlink_nb);
	return ret;
}

void pdguard_genl_exit(void)
{
	genl_unregister_family(&pdguard_genl_family);
	netlink_unregister_notifier(&pdguard_netlink_nb);
}

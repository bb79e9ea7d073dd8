// SPDX-License-Identifier: GPL-2.0
/*
 * Client of pdguard.ko's generic netlink family.
 *
 * libnl reports errors as -NLE_* codes; they are translated to -errno right at each call, and
 * the kernel's own error (with its extended-ACK message) is taken from the ACK itself.
 */
#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "drivers/kmod/netlink.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct netlink_conn {
	struct nl_sock *sk;
	int family;
};

/* Per-request state shared by the callbacks. */
struct request {
	int pending;			/* 1 until the ACK or an error arrives */
	int err;			/* the kernel's -errno, 0 on success */
	char *errmsg;			/* extended-ACK message, may be NULL */
	struct kmod_status *st;		/* where a status reply goes, may be NULL */
	int parse_err;
};

static int nle_to_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0: return 0;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_PERM: return -EPERM;
	case NLE_OBJ_NOTFOUND: return -ENOENT;
	case NLE_INVAL: return -EINVAL;
	case NLE_AGAIN: return -EAGAIN;
	case NLE_BAD_SOCK: return -EBADF;
	case NLE_MSGSIZE: return -EMSGSIZE;
	case NLE_RANGE: return -ERANGE;
	case NLE_NOACCESS: return -EACCES;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	case NLE_PROTO_MISMATCH: return -EPROTO;
	default: return -EIO;
	}
}

const char *netlink_mode_name(uint8_t mode)
{
	switch (mode) {
	case PDGUARD_MODE_AUDIT: return "audit";
	case PDGUARD_MODE_ENFORCE: return "enforce";
	default: return "unknown";
	}
}

int netlink_open(struct netlink_conn **out)
{
	struct netlink_conn *c;
	int one = 1, ret;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->sk = nl_socket_alloc();
	if (!c->sk) {
		free(c);
		return -ENOMEM;
	}
	ret = genl_connect(c->sk);
	if (ret < 0) {
		ret = nle_to_errno(ret);
		goto fail;
	}
	/* Ask for the kernel's error messages, without an echo of our request. */
	setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(c->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	c->family = genl_ctrl_resolve(c->sk, PDGUARD_GENL_NAME);
	if (c->family < 0) {
		ret = nle_to_errno(c->family);
		goto fail;
	}
	*out = c;
	return 0;
fail:
	nl_socket_free(c->sk);
	free(c);
	return ret;
}

void netlink_close(struct netlink_conn *c)
{
	if (!c)
		return;
	nl_socket_free(c->sk);
	free(c);
}

static int parse_status(struct nlattr **tb, struct kmod_status *st)
{
	struct nlattr *cnt[PDGUARD_CNT_MAX + 1];
	int i;

	if (!tb[PDGUARD_ATTR_ABI_MAJOR] || !tb[PDGUARD_ATTR_ABI_MINOR] || !tb[PDGUARD_ATTR_MODE])
		return -EPROTO;
	memset(st, 0, sizeof(*st));
	st->abi_major = nla_get_u32(tb[PDGUARD_ATTR_ABI_MAJOR]);
	st->abi_minor = nla_get_u32(tb[PDGUARD_ATTR_ABI_MINOR]);
	st->mode = nla_get_u8(tb[PDGUARD_ATTR_MODE]);
	if (tb[PDGUARD_ATTR_AGENT_PID])
		st->agent_pid = nla_get_u32(tb[PDGUARD_ATTR_AGENT_PID]);
	if (tb[PDGUARD_ATTR_HEARTBEAT_AGE_MS]) {
		st->have_heartbeat = true;
		st->heartbeat_age_ms = nla_get_u64(tb[PDGUARD_ATTR_HEARTBEAT_AGE_MS]);
	}
	if (tb[PDGUARD_ATTR_POLICY_GEN])
		st->policy_gen = nla_get_u64(tb[PDGUARD_ATTR_POLICY_GEN]);
	if (tb[PDGUARD_ATTR_LOADED_AGE_MS])
		st->loaded_age_ms = nla_get_u64(tb[PDGUARD_ATTR_LOADED_AGE_MS]);
	if (tb[PDGUARD_ATTR_COUNTERS]) {
		if (nla_parse_nested(cnt, PDGUARD_CNT_MAX, tb[PDGUARD_ATTR_COUNTERS], NULL) < 0)
			return -EPROTO;
		for (i = PDGUARD_CNT_PAD + 1; i <= PDGUARD_CNT_MAX; i++)
			if (cnt[i])
				st->cnt[i] = nla_get_u64(cnt[i]);
	}
	return 0;
}

static int parse_msg_status(struct nl_msg *msg, struct kmod_status *st)
{
	struct nlattr *tb[PDGUARD_ATTR_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (genlmsg_parse(nlh, 0, tb, PDGUARD_ATTR_MAX, NULL) < 0)
		return -EPROTO;
	return parse_status(tb, st);
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *rq = arg;

	if (rq->st)
		rq->parse_err = parse_msg_status(msg, rq->st);
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request *rq = arg;

	rq->pending = 0;
	return NL_STOP;
}

/*
 * Copy NLMSGERR_ATTR_MSG out of an ACK that carries TLVs (NETLINK_EXT_ACK + NETLINK_CAP_ACK).
 * Walked by hand: the kernel may add TLV types newer than the headers libnl was built with.
 */
static void extack_message(struct nlmsgerr *e, char *out)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	size_t off = NLMSG_HDRLEN + sizeof(*e);

	if (!out)
		return;
	out[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len <= off)
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;	/* the echoed request */
	while (off + NLA_HDRLEN <= nlh->nlmsg_len) {
		struct nlattr *a = (struct nlattr *)((char *)nlh + off);
		size_t len = a->nla_len;

		if (len < NLA_HDRLEN || off + len > nlh->nlmsg_len)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			size_t n = len - NLA_HDRLEN;

			if (n >= NETLINK_ERRMSG_MAX)
				n = NETLINK_ERRMSG_MAX - 1;
			memcpy(out, (char *)a + NLA_HDRLEN, n);
			out[n] = '\0';
			return;
		}
		off += NLA_ALIGN(len);
	}
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct request *rq = arg;

	rq->err = e->error;
	rq->pending = 0;
	extack_message(e, rq->errmsg);
	return NL_STOP;
}

/* Send @msg (consumed) and wait for its ACK; a status reply on the way is parsed into rq->st. */
static int transact(struct netlink_conn *c, struct nl_msg *msg, struct request *rq)
{
	struct nl_cb *cb;
	int ret;

	rq->pending = 1;
	if (rq->errmsg)
		rq->errmsg[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, rq);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, rq);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, rq);

	ret = nl_send_auto(c->sk, msg);
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return nle_to_errno(ret);
	}
	while (rq->pending) {
		ret = nl_recvmsgs(c->sk, cb);
		if (ret < 0 && rq->pending) {
			nl_cb_put(cb);
			return nle_to_errno(ret);
		}
	}
	nl_cb_put(cb);
	if (rq->err)
		return rq->err;
	return rq->parse_err;
}

static struct nl_msg *new_request(struct netlink_conn *c, uint8_t cmd, uint8_t version)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0, 0, cmd, version)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int netlink_get_status(struct netlink_conn *c, struct kmod_status *st)
{
	struct request rq = { .st = st };
	struct nl_msg *msg = new_request(c, PDGUARD_CMD_GET_STATUS, PDGUARD_GENL_VERSION);

	if (!msg)
		return -ENOMEM;
	return transact(c, msg, &rq);
}

int netlink_set_mode(struct netlink_conn *c, uint8_t mode, struct kmod_status *st,
		     char errmsg[NETLINK_ERRMSG_MAX])
{
	struct request rq = { .st = st, .errmsg = errmsg };
	struct nl_msg *msg = new_request(c, PDGUARD_CMD_SET_MODE, PDGUARD_GENL_VERSION);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u8(msg, PDGUARD_ATTR_MODE, mode) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact(c, msg, &rq);
}

int netlink_heartbeat(struct netlink_conn *c, uint32_t pid, uint64_t policy_gen)
{
	struct request rq = { 0 };
	struct nl_msg *msg = new_request(c, PDGUARD_CMD_HEARTBEAT, PDGUARD_GENL_VERSION);

	if (!msg)
		return -ENOMEM;
	if (nla_put_u32(msg, PDGUARD_ATTR_AGENT_PID, pid) < 0 ||
	    nla_put_u64(msg, PDGUARD_ATTR_POLICY_GEN, policy_gen) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact(c, msg, &rq);
}

int netlink_send_raw(struct netlink_conn *c, uint8_t cmd, uint8_t version, const void *payload,
		     size_t len, char errmsg[NETLINK_ERRMSG_MAX])
{
	struct request rq = { .errmsg = errmsg };
	struct nl_msg *msg = new_request(c, cmd, version);

	if (!msg)
		return -ENOMEM;
	if (len && nlmsg_append(msg, (void *)payload, len, 0) < 0) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact(c, msg, &rq);
}

int netlink_subscribe_events(struct netlink_conn *c)
{
	int grp = genl_ctrl_resolve_grp(c->sk, PDGUARD_GENL_NAME, PDGUARD_GENL_MCGRP_EVENTS);

	if (grp < 0)
		return nle_to_errno(grp);
	return nle_to_errno(nl_socket_add_membership(c->sk, grp));
}

static int seq_any(struct nl_msg *msg, void *arg)
{
	return NL_OK;
}

struct event_wait {
	struct kmod_status *st;
	int got;
	int err;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct event_wait *w = arg;
	struct genlmsghdr *gh = nlmsg_data(nlmsg_hdr(msg));

	if (gh->cmd != PDGUARD_CMD_EVENT)
		return NL_OK;
	w->err = parse_msg_status(msg, w->st);
	w->got = 1;
	return NL_STOP;
}

int netlink_recv_event(struct netlink_conn *c, int timeout_ms, struct kmod_status *st)
{
	struct event_wait w = { .st = st };
	struct pollfd pfd = { .fd = nl_socket_get_fd(c->sk), .events = POLLIN };
	struct nl_cb *cb;
	int ret;

	ret = poll(&pfd, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return -ETIMEDOUT;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return -ENOMEM;
	/* Multicast messages carry sequence number 0. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, seq_any, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &w);
	ret = nl_recvmsgs(c->sk, cb);
	nl_cb_put(cb);
	if (ret < 0 && !w.got)
		return nle_to_errno(ret);
	if (!w.got)
		return -EAGAIN;
	return w.err;
}

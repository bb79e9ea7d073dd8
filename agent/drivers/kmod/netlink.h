/* SPDX-License-Identifier: GPL-2.0 */
/* Client of pdguard.ko's generic netlink family (libnl-genl). */
#ifndef PDGUARD_NETLINK_H
#define PDGUARD_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uapi/pdguard.h>

struct netlink_conn;

/**
 * struct kmod_status - what GET_STATUS (and SET_MODE) answer
 * @have_heartbeat: the agent has sent at least one heartbeat since the module loaded
 * @cnt: counters indexed by enum pdguard_counter_attr
 */
struct kmod_status {
	uint32_t abi_major, abi_minor;
	uint8_t mode;
	uint32_t agent_pid;
	bool have_heartbeat;
	uint64_t heartbeat_age_ms;
	uint64_t policy_gen;
	uint64_t loaded_age_ms;
	uint64_t cnt[__PDGUARD_CNT_MAX];
};

/* Room for the kernel's extended-ACK message. */
#define NETLINK_ERRMSG_MAX 256

/**
 * netlink_open() - connect to the "pdguard" family
 * Return: 0, -ENOENT when the module is not loaded, or another -errno.
 */
int netlink_open(struct netlink_conn **out);
void netlink_close(struct netlink_conn *c);

int netlink_get_status(struct netlink_conn *c, struct kmod_status *st);
/* @errmsg (may be NULL) receives the kernel's extended-ACK message on failure. */
int netlink_set_mode(struct netlink_conn *c, uint8_t mode, struct kmod_status *st,
		     char errmsg[NETLINK_ERRMSG_MAX]);
int netlink_heartbeat(struct netlink_conn *c, uint32_t pid, uint64_t policy_gen);

/**
 * netlink_send_raw() - send @cmd with @len bytes of raw attribute payload
 *
 * For tests that feed the module malformed attributes. Return: the kernel's answer (0 or a
 * -errno), with its extended-ACK message in @errmsg when it gave one.
 */
int netlink_send_raw(struct netlink_conn *c, uint8_t cmd, uint8_t version, const void *payload,
		     size_t len, char errmsg[NETLINK_ERRMSG_MAX]);

/* Subscribe to the events group; netlink_recv_event() then waits up to @timeout_ms for one. */
int netlink_subscribe_events(struct netlink_conn *c);
int netlink_recv_event(struct netlink_conn *c, int timeout_ms, struct kmod_status *st);

const char *netlink_mode_name(uint8_t mode);

#endif /* PDGUARD_NETLINK_H */

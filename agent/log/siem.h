/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event in the shapes SIEMs already know: Elastic Common Schema (ECS 8.11) and OCSF 1.1
 * (File System Activity, class 1001, with the security-control profile's action and
 * disposition). Written to a second file beside the native log (docs/eventlog.md, "SIEM
 * formats"): the native log stays the one hash-chained record; every ECS/OCSF record carries
 * the native line's seq and hash, so each can be checked against the chain.
 */
#ifndef PDGUARD_SIEM_H
#define PDGUARD_SIEM_H

#include <stddef.h>
#include <stdint.h>

#include "log/events.h"

enum siem_format {
	SIEM_NONE,
	SIEM_ECS,
	SIEM_OCSF,
};

/* "none", "ecs", "ocsf"; and back (-1 for an unknown name). */
const char *siem_format_name(int fmt);
int siem_format_find(const char *name);

/**
 * struct siem_chain - what the native line adds to the event: its place in the chain
 * @ts_ns: the line's time (the event's, or when it was written)
 * @seq, @hash, @prev: the native line's; @host: the machine's name; @user: the uid's name
 */
struct siem_chain {
	uint64_t ts_ns;
	const char *user;
	uint64_t seq;
	const char *hash;
	const char *prev;
	const char *host;
};

/**
 * siem_format_line() - one record in @fmt, a JSON object and a newline, into @out (malloc'ed)
 * Return: 0, -EINVAL for SIEM_NONE, -ENOMEM.
 */
int siem_format_line(int fmt, const struct event *ev, const struct siem_chain *c, char **out,
		     size_t *len);

#endif /* PDGUARD_SIEM_H */

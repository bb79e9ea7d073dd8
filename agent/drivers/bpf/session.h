/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One session with the BPF programs (struct pdg_bpf), shared by the loader's files and nothing
 * else: probe.c, loader.c, maps.c, ringbuf.c.
 */
#ifndef PDGUARD_BPF_SESSION_H
#define PDGUARD_BPF_SESSION_H

#include <limits.h>
#include <time.h>

#include "drivers/bpf/loader.h"

/* The maps the agent uses, by the name they are pinned under (map_names). */
enum {
	M_LABELS,
	M_ILABEL,
	M_SB,
	M_CLOUD,
	M_UROLES,
	M_GROLES,
	M_GRANTS,
	M_SYNC,
	M_CONFIG,
	M_STATS,
	M_EVENTS,
	M_TAINT,
	M_PIPES,
	M_XLABEL,
	M_GUARD,
	M_GUARD_IDS,
	M_GUARD_EXE,
	M_EXPORTS,
	M_PLACES,
	M_RPLACES,
	M__COUNT,
};

extern const char *const pdg_bpf_map_names[M__COUNT];

#define MAX_LINKS 32

struct pdguard_bpf;
struct bpf_link;
struct ring_buffer;

struct pdg_bpf {
	struct pdguard_bpf *skel;	/* NULL when resumed from pins */
	enum pdguard_bpf_driver driver;
	enum pdguard_label_src label_src;
	char label_src_why[160];	/* why not the module's kfuncs, when not */
	bool resumed;
	bool guarded;			/* the guard is armed (bpf/lib/guard.bpf.h) */
	char pin_dir[PATH_MAX - 64];
	int map_fd[M__COUNT];
	int own_fd[M__COUNT];		/* fds we opened ourselves (resume) */
	struct bpf_link *links[MAX_LINKS];
	int n_links;
	struct ring_buffer *rb;
	/* delivery state of the running poll */
	pdg_bpf_event_cb cb;
	void *cb_ctx;
	int delivered;
	/* role names for the reason texts */
	pdg_bpf_roles_cb roles_cb;
	void *roles_ctx;
};

/* Start keeping libbpf's messages afresh (probe.c): pdg_bpf_last_log() reads them. */
void pdg_bpf_log_reset(void);

/* maps.c */
int pdg_bpf_config_write(struct pdg_bpf *b, const struct pdguard_bpf_config *c);

static inline uint64_t pdg_bpf_clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

#endif /* PDGUARD_BPF_SESSION_H */

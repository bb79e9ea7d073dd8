// SPDX-License-Identifier: GPL-2.0
/*
 * The BPF programs' ring buffer: each struct pdguard_event becomes a struct event, named and
 * worded through lib/vocab.h as every driver's events are.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "drivers/bpf/session.h"
#include "lib/peer.h"
#include "lib/vocab.h"

void pdg_bpf_set_roles_cb(struct pdg_bpf *b, pdg_bpf_roles_cb cb, void *ctx)
{
	b->roles_cb = cb;
	b->roles_ctx = ctx;
}

/* The reason text from the shared table; only the reasons that name a role ask for the roles. */
static void reason_of(struct pdg_bpf *b, const struct pdguard_event *e, const char *client,
		      char *buf, size_t len)
{
	struct reason_args a = {
		.cats = e->detail,
		.zone = vocab_zone_name(e->zone),
		.client = client,
	};
	char roles[256] = "";

	switch (e->reason) {
	case PDGUARD_REASON_PD_READ:
	case PDGUARD_REASON_ROLE:
	case PDGUARD_REASON_GRANT:
		if (b->roles_cb)
			b->roles_cb(b->roles_ctx, e->uid, roles, sizeof(roles));
		a.roles = roles;
		break;
	default:
		break;
	}
	vocab_reason_format(buf, len, e->reason, &a);
}

/* The kernel's dev_t (major << 20 | minor) as userspace's. */
static dev_t kdev(uint64_t d)
{
	return makedev((unsigned int)(d >> 20), (unsigned int)(d & 0xfffff));
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct pdg_bpf *b = ctx;
	const struct pdguard_event *e = data;
	char path[PDGUARD_EV_PATH_LEN + 64], target[PDGUARD_EV_TARGET_LEN + 64], comm[17];
	char reason[PATH_MAX + 160], exe[PATH_MAX], link[64], client[PEER_ADDR_LEN];
	struct event ev;
	ssize_t n;

	if (size < sizeof(*e))
		return 0;
	ev = event_make(vocab_op_name(e->op), vocab_decision_name(e->decision), NULL);
	ev.ts_ns = e->ts_boot_ns +
		   (pdg_bpf_clock_ns(CLOCK_REALTIME) - pdg_bpf_clock_ns(CLOCK_BOOTTIME));
	ev.uid = e->uid;
	ev.pid = e->pid;
	memcpy(comm, e->comm, 16);
	comm[16] = '\0';
	ev.comm = comm;
	snprintf(link, sizeof(link), "/proc/%u/exe", e->pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		ev.exe = exe;
	}
	/* the kernel has decided: who the process serves is for the record only */
	if (!peer_of_process((pid_t)e->pid, client, &ev.client_port))
		ev.client = client;
	reason_of(b, e, ev.exe ? ev.exe : comm, reason, sizeof(reason));
	ev.reason = reason;
	ev.reason_code = e->reason;
	/*
	 * A full path when bpf_d_path was allowed. Else the name (when the hook had one) and the
	 * device and inode, in fields of their own: the agent resolves them to a full path where
	 * it can (drivers/bpf/driver.c), and never writes a made-up path.
	 */
	if (e->flags & PDGUARD_EV_PATH_FULL) {
		snprintf(path, sizeof(path), "%.*s", PDGUARD_EV_PATH_LEN, e->path);
		ev.path = path;
	} else {
		if (e->flags & PDGUARD_EV_PATH_NAME) {
			snprintf(path, sizeof(path), "%.*s", PDGUARD_EV_PATH_LEN, e->path);
			ev.file_name = path;
		}
		ev.file_new = (e->flags & PDGUARD_EV_PATH_NAME) && !e->ino && e->target_ino;
		ev.file_dev = ev.file_new ? kdev(e->target_dev) : kdev(e->dev);
		ev.file_ino = ev.file_new ? e->target_ino : e->ino;
	}
	if (e->flags & PDGUARD_EV_TARGET) {
		snprintf(target, sizeof(target), "%.*s", PDGUARD_EV_TARGET_LEN, e->target);
		ev.target_name = target;
		ev.target_dir_dev = kdev(e->target_dev);
		ev.target_dir_ino = e->target_ino;
	}
	ev.label = e->cats ? "pd" : "none";
	ev.categories = e->cats;
	ev.zone = vocab_zone_name(e->zone);
	ev.driver = pdg_bpf_driver_name(e->driver);
	b->delivered++;
	if (b->cb)
		b->cb(b->cb_ctx, &ev, e);
	return 0;
}

static int rb_open(struct pdg_bpf *b)
{
	if (b->rb)
		return 0;
	b->rb = ring_buffer__new(b->map_fd[M_EVENTS], on_record, b, NULL);
	return b->rb ? 0 : -errno;
}

int pdg_bpf_events_fd(struct pdg_bpf *b)
{
	int ret = rb_open(b);

	return ret ? ret : ring_buffer__epoll_fd(b->rb);
}

int pdg_bpf_poll(struct pdg_bpf *b, int timeout_ms, pdg_bpf_event_cb cb, void *ctx)
{
	int ret = rb_open(b);

	if (ret)
		return ret;
	b->cb = cb;
	b->cb_ctx = ctx;
	b->delivered = 0;
	ret = timeout_ms ? ring_buffer__poll(b->rb, timeout_ms) : ring_buffer__consume(b->rb);
	if (ret < 0 && ret != -EINTR)
		return ret;
	return b->delivered;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of the BPF drivers: probe, load, attach, pin/resume, maps, ring buffer.
 * See loader.h for the API and docs/bpf.md for the design.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "drivers/bpf/loader.h"
#include "pdguard.skel.h"

/* The maps the agent uses, by the name they are pinned under. */
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
	M__COUNT,
};

static const char *const map_names[M__COUNT] = {
	[M_LABELS] = "pdguard_labels", [M_ILABEL] = "pdguard_ilabel", [M_SB] = "pdguard_sb",
	[M_CLOUD] = "pdguard_cloud",   [M_UROLES] = "pdguard_uroles", [M_GROLES] = "pdguard_groles",
	[M_GRANTS] = "pdguard_grants", [M_SYNC] = "pdguard_sync",     [M_CONFIG] = "pdguard_config",
	[M_STATS] = "pdguard_stats",   [M_EVENTS] = "pdguard_events", [M_TAINT] = "pdguard_taint",
	[M_PIPES] = "pdguard_pipes",
};

#define LSM_PREFIX "pdguard_lsm_"
#define FMR_PREFIX "pdguard_fmr_"
#define MAX_LINKS 32

struct pdg_bpf {
	struct pdguard_bpf *skel;	/* NULL when resumed from pins */
	enum pdguard_bpf_driver driver;
	bool resumed;
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
};

/* ---- libbpf's messages, kept rather than printed ----------------------------------------- */

static char last_log[8192];
static size_t last_log_len;

static int keep_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char line[1024];
	va_list copy;
	int n;

	if (getenv("PDGUARD_BPF_DEBUG")) {
		va_copy(copy, ap);
		vfprintf(stderr, fmt, copy);
		va_end(copy);
	} else if (level == LIBBPF_DEBUG) {
		return 0;
	}
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n <= 0)
		return 0;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (last_log_len + n >= sizeof(last_log)) {
		/* keep the tail: the verifier's verdict is at the end */
		size_t keep = sizeof(last_log) / 2;

		memmove(last_log, last_log + last_log_len - keep, keep);
		last_log_len = keep;
	}
	memcpy(last_log + last_log_len, line, n);
	last_log_len += n;
	last_log[last_log_len] = '\0';
	return 0;
}

const char *pdg_bpf_last_log(void)
{
	return last_log;
}

static void log_reset(void)
{
	last_log_len = 0;
	last_log[0] = '\0';
	libbpf_set_print(keep_log);
}

/* ---- probe ----------------------------------------------------------------------------- */

const char *pdg_bpf_driver_name(enum pdguard_bpf_driver d)
{
	switch (d) {
	case PDGUARD_DRIVER_BPF_LSM:
		return "bpf-lsm";
	case PDGUARD_DRIVER_FMOD_RET:
		return "fmod-ret";
	case PDGUARD_DRIVER_FANOTIFY:
		return "fanotify";
	default:
		return "none";
	}
}

uint32_t pdg_bpf_kdev(dev_t dev)
{
	return PDGUARD_KDEV(major(dev), minor(dev));
}

/* Load (never attach) "r0 = 0; exit" as a program of @type attached to @func. */
static int probe_load(enum bpf_prog_type type, enum bpf_attach_type at, const char *func)
{
	struct bpf_insn insns[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = at);
	int id, fd;

	id = libbpf_find_vmlinux_btf_id(func, at);
	if (id < 0)
		return id == -ESRCH || id == -ENOENT ? -ENOENT : id;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(type, "pdguard_probe", "GPL", insns, 2, &opts);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static void why_from_errno(char *buf, size_t len, int err, const char *what)
{
	switch (err) {
	case -EPERM:
		if (geteuid() != 0)
			snprintf(buf, len, "EPERM: loading BPF programs needs root (CAP_BPF and "
				 "CAP_SYS_ADMIN)");
		else
			snprintf(buf, len, "EPERM: this kernel refuses trampoline-based BPF "
				 "programs");
		break;
	case -ENOENT:
		snprintf(buf, len, "the kernel's BTF lacks %s", what);
		break;
	case -EINVAL:
		snprintf(buf, len, "EINVAL: the kernel rejects %s programs", what);
		break;
	default:
		snprintf(buf, len, "%s", strerror(-err));
	}
}

int pdg_bpf_probe(struct pdg_bpf_probe *p)
{
	bool listed = false, readable = false;
	FILE *f;

	memset(p, 0, sizeof(*p));
	log_reset();
	f = fopen("/sys/kernel/security/lsm", "re");
	if (f) {
		if (fgets(p->lsm_list, sizeof(p->lsm_list), f)) {
			char *s, *save = NULL, tmp[sizeof(p->lsm_list)];

			readable = true;
			p->lsm_list[strcspn(p->lsm_list, "\n")] = '\0';
			snprintf(tmp, sizeof(tmp), "%s", p->lsm_list);
			for (s = strtok_r(tmp, ",", &save); s; s = strtok_r(NULL, ",", &save))
				if (!strcmp(s, "bpf"))
					listed = true;
		}
		fclose(f);
	}

	/*
	 * BPF LSM programs load and attach even when bpf is missing from the LSM list, and then
	 * never run: the list decides, the load only confirms.
	 */
	p->lsm = probe_load(BPF_PROG_TYPE_LSM, BPF_LSM_MAC, "file_open");
	if (p->lsm)
		why_from_errno(p->lsm_why, sizeof(p->lsm_why), p->lsm, "BPF LSM");
	if (readable && !listed) {
		if (!p->lsm || p->lsm == -EINVAL) {
			p->lsm = -ENOENT;
			snprintf(p->lsm_why, sizeof(p->lsm_why),
				 "bpf is not in the kernel's LSM list (%.100s)", p->lsm_list);
		}
	} else if (!readable && !p->lsm) {
		p->lsm = -ENOENT;
		snprintf(p->lsm_why, sizeof(p->lsm_why),
			 "cannot read /sys/kernel/security/lsm to confirm bpf is an active LSM "
			 "(is securityfs mounted?)");
	}

	p->fmod_ret = probe_load(BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, "security_file_open");
	if (p->fmod_ret)
		why_from_errno(p->fmod_ret_why, sizeof(p->fmod_ret_why), p->fmod_ret,
			       "fmod_ret on security_file_open");

	if (!p->lsm)
		p->best = PDGUARD_DRIVER_BPF_LSM;
	else if (!p->fmod_ret)
		p->best = PDGUARD_DRIVER_FMOD_RET;
	else
		p->best = PDGUARD_DRIVER_NONE;

	if (p->best == PDGUARD_DRIVER_NONE) {
		if (geteuid() != 0)
			snprintf(p->hint, sizeof(p->hint), "run as root");
		else if (p->fmod_ret == -EPERM)
			snprintf(p->hint, sizeof(p->hint),
				 "this kernel refuses trampoline programs: use driver = fanotify");
		else if (readable && !listed)
			snprintf(p->hint, sizeof(p->hint),
				 "add bpf to lsm= on the kernel command line (e.g. lsm=%.100s,bpf), or "
				 "use driver = fanotify", p->lsm_list);
		else
			snprintf(p->hint, sizeof(p->hint), "use driver = fanotify");
	}
	return p->best == PDGUARD_DRIVER_NONE ? -EOPNOTSUPP : 0;
}

/* ---- start, resume, stop ------------------------------------------------------------------ */

static void errf(struct pdg_bpf_error *err, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void errf(struct pdg_bpf_error *err, const char *hint, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	snprintf(err->hint, sizeof(err->hint), "%s", hint ? hint : "");
}

static int pin_path(char *buf, size_t len, const char *dir, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

enum pdguard_bpf_driver pdg_bpf_pinned(const char *pin_dir)
{
	char p[PATH_MAX];

	if (pin_path(p, sizeof(p), pin_dir, "link_" LSM_PREFIX "file_open") == 0 &&
	    access(p, F_OK) == 0)
		return PDGUARD_DRIVER_BPF_LSM;
	if (pin_path(p, sizeof(p), pin_dir, "link_" FMR_PREFIX "file_open") == 0 &&
	    access(p, F_OK) == 0)
		return PDGUARD_DRIVER_FMOD_RET;
	return PDGUARD_DRIVER_NONE;
}

int pdg_bpf_unpin(const char *pin_dir)
{
	struct dirent *de;
	char p[PATH_MAX];
	int ret = 0;
	DIR *d;

	d = opendir(pin_dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (pin_path(p, sizeof(p), pin_dir, de->d_name))
			continue;
		if (unlink(p) && !ret)
			ret = -errno;
	}
	closedir(d);
	if (rmdir(pin_dir) && !ret)
		ret = -errno;
	return ret;
}

static int config_write(struct pdg_bpf *b, const struct pdguard_bpf_config *c)
{
	__u32 k = 0;

	return bpf_map_update_elem(b->map_fd[M_CONFIG], &k, c, BPF_ANY) ? -errno : 0;
}

int pdg_bpf_config_get(struct pdg_bpf *b, struct pdguard_bpf_config *c)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(b->map_fd[M_CONFIG], &k, c) ? -errno : 0;
}

static int apply_policy(struct pdg_bpf *b, const struct pdg_bpf_opts *o, struct pdg_bpf_error *err)
{
	size_t i;
	int ret;

	for (i = 0; i < o->n_roles; i++) {
		ret = pdg_bpf_role_set(b, &o->roles[i]);
		if (ret) {
			errf(err, NULL, "Failed to set the role of %s %u: %s",
			     o->roles[i].group ? "gid" : "uid", o->roles[i].id, strerror(-ret));
			return ret;
		}
	}
	for (i = 0; i < o->n_zones; i++) {
		ret = pdg_bpf_zone_add(b, &o->zones[i]);
		if (ret) {
			errf(err, NULL, "Failed to add zone '%s': %s", o->zones[i].path,
			     strerror(-ret));
			return ret;
		}
	}
	for (i = 0; i < o->n_labels; i++) {
		ret = pdg_bpf_label_set(b, o->labels[i].path, o->labels[i].cats);
		if (ret) {
			errf(err, NULL, "Failed to label '%s': %s", o->labels[i].path,
			     strerror(-ret));
			return ret;
		}
	}
	for (i = 0; i < o->n_sync_clients; i++) {
		ret = pdg_bpf_sync_client_add(b, o->sync_clients[i]);
		if (ret) {
			errf(err, NULL, "Failed to add sync client '%s': %s", o->sync_clients[i],
			     strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int resume(struct pdg_bpf *b, const struct pdg_bpf_opts *o, struct pdg_bpf_error *err)
{
	struct pdguard_bpf_config c;
	char p[PATH_MAX];
	int i, ret;

	b->driver = pdg_bpf_pinned(o->pin_dir);
	for (i = 0; i < M__COUNT; i++) {
		ret = pin_path(p, sizeof(p), o->pin_dir, map_names[i]);
		if (ret)
			return ret;
		b->own_fd[i] = bpf_obj_get(p);
		/* fmod_ret mode has no inode storage */
		if (b->own_fd[i] < 0 && i == M_ILABEL && errno == ENOENT)
			continue;
		if (b->own_fd[i] < 0) {
			ret = -errno;
			errf(err, "run 'pdguard bpf detach' and start again",
			     "Pinned BPF state in %s is incomplete: %s: %s", o->pin_dir, p,
			     strerror(-ret));
			return ret;
		}
		b->map_fd[i] = b->own_fd[i];
	}
	ret = pdg_bpf_config_get(b, &c);
	if (ret)
		return ret;
	if (c.abi_major != PDGUARD_ABI_MAJOR) {
		errf(err, "run 'pdguard bpf detach' and start again",
		     "Pinned BPF maps in %s have ABI %u.%u, this agent %u.%u", o->pin_dir,
		     c.abi_major, c.abi_minor, PDGUARD_ABI_MAJOR, PDGUARD_ABI_MINOR);
		return -EPROTO;
	}
	b->resumed = true;
	if (o->keep_config)
		return 0;
	c.mode = o->mode;
	c.agent_tgid = o->agent_tgid;
	return config_write(b, &c);
}

static int load_and_attach(struct pdg_bpf *b, const struct pdg_bpf_opts *o,
			   struct pdg_bpf_error *err)
{
	const char *want = b->driver == PDGUARD_DRIVER_BPF_LSM ? LSM_PREFIX : FMR_PREFIX;
	struct pdguard_bpf_config c = {
		.abi_major = PDGUARD_ABI_MAJOR,
		.abi_minor = PDGUARD_ABI_MINOR,
		.mode = o->mode,
		.agent_tgid = o->agent_tgid,
	};
	struct bpf_program *prog;
	struct bpf_map *map;
	char p[PATH_MAX];
	int i, ret;

	b->skel = pdguard_bpf__open();
	if (!b->skel) {
		ret = -errno;
		errf(err, NULL, "Failed to open the BPF object: %s", strerror(-ret));
		return ret;
	}
	bpf_object__for_each_program(prog, b->skel->obj)
		bpf_program__set_autoload(prog, !strncmp(bpf_program__name(prog), want,
							 strlen(want)));
	/* Inode storage needs bpf in the LSM list: creating the map fails otherwise. */
	if (b->driver != PDGUARD_DRIVER_BPF_LSM)
		bpf_map__set_autocreate(b->skel->maps.pdguard_ilabel, false);
	ret = pdguard_bpf__load(b->skel);
	if (ret) {
		errf(err, ret == -EPERM ? "this kernel refuses trampoline programs: use driver = "
					  "fanotify" : "set PDGUARD_BPF_DEBUG=1 for the verifier log",
		     "Failed to load the %s programs: %s", pdg_bpf_driver_name(b->driver),
		     strerror(-ret));
		return ret;
	}
	for (i = 0; i < M__COUNT; i++) {
		map = bpf_object__find_map_by_name(b->skel->obj, map_names[i]);
		if (!map)
			return -ENOENT;
		b->map_fd[i] = bpf_map__autocreate(map) ? bpf_map__fd(map) : -1;
	}
	ret = config_write(b, &c);
	if (ret)
		return ret;
	/* Policy first, then attach: the programs start with the state they are meant to see. */
	ret = apply_policy(b, o, err);
	if (ret)
		return ret;

	if (o->pin_dir) {
		if (mkdir(o->pin_dir, 0700) && errno != EEXIST) {
			ret = -errno;
			errf(err, "mount bpffs: mount -t bpf bpf /sys/fs/bpf",
			     "Failed to create %s: %s", o->pin_dir, strerror(-ret));
			return ret;
		}
		for (i = 0; i < M__COUNT; i++) {
			map = bpf_object__find_map_by_name(b->skel->obj, map_names[i]);
			if (!bpf_map__autocreate(map))
				continue;
			ret = pin_path(p, sizeof(p), o->pin_dir, map_names[i]);
			if (!ret)
				ret = bpf_map__pin(map, p);
			if (ret) {
				errf(err, NULL, "Failed to pin %s: %s", p, strerror(-ret));
				return ret;
			}
		}
	}
	bpf_object__for_each_program(prog, b->skel->obj) {
		struct bpf_link *link;

		if (!bpf_program__autoload(prog))
			continue;
		if (b->n_links >= MAX_LINKS)
			return -E2BIG;
		link = bpf_program__attach(prog);
		if (!link) {
			ret = -errno;
			errf(err, b->driver == PDGUARD_DRIVER_BPF_LSM ?
				  "add bpf to lsm= on the kernel command line, or use driver = fmod-ret" :
				  "use driver = fanotify",
			     "Failed to attach %s: %s", bpf_program__name(prog), strerror(-ret));
			return ret;
		}
		b->links[b->n_links++] = link;
		if (o->pin_dir) {
			char name[128];

			snprintf(name, sizeof(name), "link_%s", bpf_program__name(prog));
			ret = pin_path(p, sizeof(p), o->pin_dir, name);
			if (!ret)
				ret = bpf_link__pin(link, p);
			if (ret) {
				errf(err, NULL, "Failed to pin %s: %s", p, strerror(-ret));
				return ret;
			}
		}
	}
	return 0;
}

int pdg_bpf_start(struct pdg_bpf **out, const struct pdg_bpf_opts *o, struct pdg_bpf_error *err)
{
	struct pdg_bpf_probe probe;
	struct pdg_bpf *b;
	int i, ret;

	*out = NULL;
	if (err)
		memset(err, 0, sizeof(*err));
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (i = 0; i < M__COUNT; i++)
		b->map_fd[i] = b->own_fd[i] = -1;
	if (o->pin_dir)
		snprintf(b->pin_dir, sizeof(b->pin_dir), "%s", o->pin_dir);
	log_reset();

	if (o->pin_dir && pdg_bpf_pinned(o->pin_dir) != PDGUARD_DRIVER_NONE) {
		ret = resume(b, o, err);
		if (!ret)
			ret = apply_policy(b, o, err);
	} else {
		b->driver = o->driver;
		if (b->driver == PDGUARD_DRIVER_NONE) {
			pdg_bpf_probe(&probe);
			b->driver = probe.best;
			if (b->driver == PDGUARD_DRIVER_NONE) {
				errf(err, probe.hint,
				     "No BPF driver: bpf-lsm unavailable (%s); fmod-ret unavailable "
				     "(%s)", probe.lsm_why, probe.fmod_ret_why);
				ret = -EOPNOTSUPP;
				goto fail;
			}
		} else if (b->driver != PDGUARD_DRIVER_BPF_LSM &&
			   b->driver != PDGUARD_DRIVER_FMOD_RET) {
			errf(err, NULL, "The BPF loader cannot run driver %s",
			     pdg_bpf_driver_name(b->driver));
			ret = -EINVAL;
			goto fail;
		}
		ret = load_and_attach(b, o, err);
		if (ret && o->pin_dir)
			pdg_bpf_unpin(o->pin_dir);
	}
	if (ret)
		goto fail;
	*out = b;
	return 0;
fail:
	if (err && !err->msg[0])
		errf(err, NULL, "BPF driver setup failed: %s", strerror(-ret));
	pdg_bpf_stop(b);
	return ret;
}

void pdg_bpf_stop(struct pdg_bpf *b)
{
	int i;

	if (!b)
		return;
	ring_buffer__free(b->rb);
	for (i = 0; i < b->n_links; i++)
		bpf_link__destroy(b->links[i]);
	pdguard_bpf__destroy(b->skel);
	for (i = 0; i < M__COUNT; i++)
		if (b->own_fd[i] >= 0)
			close(b->own_fd[i]);
	free(b);
}

int pdg_bpf_pause(struct pdg_bpf *b, bool pause)
{
	struct bpf_program *prog;
	int i, ret;

	if (!b->skel || b->pin_dir[0])
		return -EBUSY;
	if (pause) {
		for (i = 0; i < b->n_links; i++)
			bpf_link__destroy(b->links[i]);
		b->n_links = 0;
		return 0;
	}
	if (b->n_links)
		return 0;
	bpf_object__for_each_program(prog, b->skel->obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (b->n_links >= MAX_LINKS)
			return -E2BIG;
		b->links[b->n_links] = bpf_program__attach(prog);
		if (!b->links[b->n_links]) {
			ret = -errno;
			pdg_bpf_pause(b, true);
			return ret;
		}
		b->n_links++;
	}
	return 0;
}

enum pdguard_bpf_driver pdg_bpf_driver(const struct pdg_bpf *b)
{
	return b->driver;
}

bool pdg_bpf_resumed(const struct pdg_bpf *b)
{
	return b->resumed;
}

/* ---- policy updates ------------------------------------------------------------------------ */

static int sb_set(struct pdg_bpf *b, __u32 kdev, __u32 set, __u32 clear)
{
	struct pdguard_sb v = {};

	if (bpf_map_lookup_elem(b->map_fd[M_SB], &kdev, &v) && errno != ENOENT)
		return -errno;
	v.flags = (v.flags | set) & ~clear;
	if (!v.flags)
		return bpf_map_delete_elem(b->map_fd[M_SB], &kdev) && errno != ENOENT ? -errno : 0;
	return bpf_map_update_elem(b->map_fd[M_SB], &kdev, &v, BPF_ANY) ? -errno : 0;
}

static int inode_key(const char *path, struct pdguard_inode_key *k, struct stat *st)
{
	struct stat tmp;

	if (!st)
		st = &tmp;
	if (stat(path, st))
		return -errno;
	memset(k, 0, sizeof(*k));
	k->dev = pdg_bpf_kdev(st->st_dev);
	k->ino = st->st_ino;
	return 0;
}

int pdg_bpf_label_set_inode(struct pdg_bpf *b, dev_t dev, ino_t ino, uint32_t cats)
{
	struct pdguard_inode_key k = { .dev = pdg_bpf_kdev(dev), .ino = ino };
	struct pdguard_label v = { .cats = cats & PDGUARD_CAT_ALL };
	int ret;

	if (!v.cats)
		return bpf_map_delete_elem(b->map_fd[M_LABELS], &k) && errno != ENOENT ? -errno : 0;
	ret = sb_set(b, k.dev, PDGUARD_SB_LABELS, 0);
	if (ret)
		return ret;
	return bpf_map_update_elem(b->map_fd[M_LABELS], &k, &v, BPF_ANY) ? -errno : 0;
}

int pdg_bpf_label_set(struct pdg_bpf *b, const char *path, uint32_t cats)
{
	struct stat st;

	if (stat(path, &st))
		return -errno;
	return pdg_bpf_label_set_inode(b, st.st_dev, st.st_ino, cats);
}

int pdg_bpf_label_remove(struct pdg_bpf *b, const char *path)
{
	return pdg_bpf_label_set(b, path, 0);
}

int pdg_bpf_label_get(struct pdg_bpf *b, const char *path, uint32_t *cats, uint32_t *flags)
{
	struct pdguard_inode_key k;
	struct pdguard_label v = {};
	int ret = inode_key(path, &k, NULL);

	if (ret)
		return ret;
	if (bpf_map_lookup_elem(b->map_fd[M_LABELS], &k, &v) && errno != ENOENT)
		return -errno;
	*cats = v.cats;
	if (flags)
		*flags = v.flags;
	return 0;
}

int pdg_bpf_role_set(struct pdg_bpf *b, const struct pdg_bpf_role *r)
{
	struct pdguard_role v = { .read_cats = r->read_cats & PDGUARD_CAT_ALL };
	__u32 id = r->id;

	return bpf_map_update_elem(b->map_fd[r->group ? M_GROLES : M_UROLES], &id, &v, BPF_ANY) ?
		       -errno : 0;
}

int pdg_bpf_role_remove(struct pdg_bpf *b, uint32_t id, bool group)
{
	__u32 k = id;

	return bpf_map_delete_elem(b->map_fd[group ? M_GROLES : M_UROLES], &k) && errno != ENOENT ?
		       -errno : 0;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int pdg_bpf_grant_add(struct pdg_bpf *b, uint32_t uid, uint32_t cats, uint64_t expires_realtime_ns)
{
	uint64_t real = clock_ns(CLOCK_REALTIME), boot = clock_ns(CLOCK_BOOTTIME);
	struct pdguard_grant_key k = { .uid = uid };
	__u64 exp;
	int i;

	if (expires_realtime_ns <= real)
		return -EINVAL;
	exp = boot + (expires_realtime_ns - real);
	for (i = 0; i < 5; i++) {
		if (!(cats & (1U << i)))
			continue;
		k.cat_bit = i;
		if (bpf_map_update_elem(b->map_fd[M_GRANTS], &k, &exp, BPF_ANY))
			return -errno;
	}
	return 0;
}

int pdg_bpf_grant_remove(struct pdg_bpf *b, uint32_t uid, uint32_t cats)
{
	struct pdguard_grant_key k = { .uid = uid };
	int i;

	for (i = 0; i < 5; i++) {
		if (!(cats & (1U << i)))
			continue;
		k.cat_bit = i;
		if (bpf_map_delete_elem(b->map_fd[M_GRANTS], &k) && errno != ENOENT)
			return -errno;
	}
	return 0;
}

int pdg_bpf_zone_add_usb_dev(struct pdg_bpf *b, dev_t dev)
{
	return sb_set(b, pdg_bpf_kdev(dev), PDGUARD_SB_USB, 0);
}

int pdg_bpf_zone_add(struct pdg_bpf *b, const struct pdg_bpf_zone *z)
{
	struct pdguard_inode_key k;
	__u32 v = PDGUARD_ZONE_CLOUD;
	struct stat st;
	int ret;

	ret = inode_key(z->path, &k, &st);
	if (ret)
		return ret;
	switch (z->zone) {
	case PDGUARD_ZONE_USB:
		if (S_ISBLK(st.st_mode))
			return pdg_bpf_zone_add_usb_dev(b, st.st_rdev);
		return sb_set(b, k.dev, PDGUARD_SB_USB, 0);
	case PDGUARD_ZONE_CLOUD:
		if (!S_ISDIR(st.st_mode))
			return -ENOTDIR;
		if (bpf_map_update_elem(b->map_fd[M_CLOUD], &k, &v, BPF_ANY))
			return -errno;
		return sb_set(b, k.dev, PDGUARD_SB_CLOUD, 0);
	default:
		return -EINVAL;
	}
}

int pdg_bpf_zone_remove(struct pdg_bpf *b, const struct pdg_bpf_zone *z)
{
	struct pdguard_inode_key k;
	struct stat st;
	int ret;

	ret = inode_key(z->path, &k, &st);
	if (ret)
		return ret;
	switch (z->zone) {
	case PDGUARD_ZONE_USB:
		return sb_set(b, S_ISBLK(st.st_mode) ? pdg_bpf_kdev(st.st_rdev) : k.dev, 0,
			      PDGUARD_SB_USB);
	case PDGUARD_ZONE_CLOUD:
		/* The superblock's CLOUD flag stays: other folders may live there. */
		return bpf_map_delete_elem(b->map_fd[M_CLOUD], &k) && errno != ENOENT ? -errno : 0;
	default:
		return -EINVAL;
	}
}

int pdg_bpf_sync_client_add(struct pdg_bpf *b, const char *exe_path)
{
	struct pdguard_inode_key k;
	__u32 v = 1;
	int ret = inode_key(exe_path, &k, NULL);

	if (ret)
		return ret;
	return bpf_map_update_elem(b->map_fd[M_SYNC], &k, &v, BPF_ANY) ? -errno : 0;
}

int pdg_bpf_sync_client_remove(struct pdg_bpf *b, const char *exe_path)
{
	struct pdguard_inode_key k;
	int ret = inode_key(exe_path, &k, NULL);

	if (ret)
		return ret;
	return bpf_map_delete_elem(b->map_fd[M_SYNC], &k) && errno != ENOENT ? -errno : 0;
}

int pdg_bpf_mode_set(struct pdg_bpf *b, enum pdguard_mode mode)
{
	struct pdguard_bpf_config c;
	int ret;

	if ((unsigned int)mode > PDGUARD_MODE_MAX)
		return -EINVAL;
	/* Read-modify-write: the programs own any_taint. */
	ret = pdg_bpf_config_get(b, &c);
	if (ret)
		return ret;
	c.mode = mode;
	return config_write(b, &c);
}

/* ---- counters ------------------------------------------------------------------------------ */

const char *pdg_bpf_counter_name(enum pdguard_bpf_counter c)
{
	static const char *const names[__PDGUARD_BPF_CNT_MAX] = {
		[PDGUARD_BPF_CNT_ALLOW] = "pd_opens_allowed",
		[PDGUARD_BPF_CNT_DENY] = "denied",
		[PDGUARD_BPF_CNT_WOULD_DENY] = "would_deny",
		[PDGUARD_BPF_CNT_RB_DROP] = "events_dropped",
		[PDGUARD_BPF_CNT_TAINT] = "taints",
		[PDGUARD_BPF_CNT_DERIVED] = "derived_labels",
		[PDGUARD_BPF_CNT_WALK_LIMIT] = "walk_limit_hits",
	};

	return (unsigned int)c < __PDGUARD_BPF_CNT_MAX ? names[c] : "?";
}

int pdg_bpf_counters(struct pdg_bpf *b, uint64_t out[__PDGUARD_BPF_CNT_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	__u64 *vals;
	__u32 i;
	int c;

	if (ncpu < 0)
		return ncpu;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (i = 0; i < __PDGUARD_BPF_CNT_MAX; i++) {
		out[i] = 0;
		if (bpf_map_lookup_elem(b->map_fd[M_STATS], &i, vals)) {
			free(vals);
			return -errno;
		}
		for (c = 0; c < ncpu; c++)
			out[i] += vals[c];
	}
	free(vals);
	return 0;
}

/* ---- events -------------------------------------------------------------------------------- */

static const char *op_name(unsigned int op)
{
	static const char *const names[__PDGUARD_OP_MAX] = {
		[PDGUARD_OP_NONE] = "none",	    [PDGUARD_OP_OPEN] = "open",
		[PDGUARD_OP_READ] = "read",	    [PDGUARD_OP_WRITE] = "write",
		[PDGUARD_OP_CREATE] = "create",	    [PDGUARD_OP_RENAME] = "rename",
		[PDGUARD_OP_LINK] = "link",	    [PDGUARD_OP_MMAP] = "mmap",
		[PDGUARD_OP_SETXATTR] = "setxattr", [PDGUARD_OP_REMOVEXATTR] = "removexattr",
		[PDGUARD_OP_LABEL] = "label",	    [PDGUARD_OP_MPROTECT] = "mprotect",
	};

	return op < __PDGUARD_OP_MAX && names[op] ? names[op] : "unknown";
}

static const char *decision_name(unsigned int d)
{
	static const char *const names[__PDGUARD_DECISION_MAX] = {
		[PDGUARD_DECISION_ALLOW] = "allow",
		[PDGUARD_DECISION_DENY] = "deny",
		[PDGUARD_DECISION_WOULD_DENY] = "would-deny",
		[PDGUARD_DECISION_INFO] = "info",
	};

	return d < __PDGUARD_DECISION_MAX ? names[d] : "unknown";
}

static const char *zone_name(unsigned int z)
{
	switch (z) {
	case PDGUARD_ZONE_USB:
		return "usb";
	case PDGUARD_ZONE_CLOUD:
		return "cloud";
	case PDGUARD_ZONE_DEEP:
		return "cloud-unknown-depth";
	default:
		return NULL;
	}
}

static void cats_str(char *buf, size_t len, uint32_t cats)
{
	static const char *const names[] = { "basic", "personnel", "financial", "medical",
					     "biometric" };
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < 5; i++) {
		if (!(cats & (1U << i)))
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s", off ? "," : "",
				names[i]);
	}
	if (!off)
		snprintf(buf, len, "none");
}

static void reason_str(char *buf, size_t len, const struct pdguard_event *e)
{
	char cats[64];

	cats_str(cats, sizeof(cats), e->detail);
	switch (e->reason) {
	case PDGUARD_REASON_PD_READ:
		snprintf(buf, len, "role may read %s", cats);
		break;
	case PDGUARD_REASON_ROLE:
		snprintf(buf, len, "role may not read %s", cats);
		break;
	case PDGUARD_REASON_SYNC_CLIENT:
		snprintf(buf, len, "sync client may not open personal data");
		break;
	case PDGUARD_REASON_TAINT_TO_ZONE:
		snprintf(buf, len, "process that read %s writes to %s zone", cats,
			 zone_name(e->zone) ?: "a");
		break;
	case PDGUARD_REASON_LABELLED_TO_ZONE:
		snprintf(buf, len, "file labelled %s moved into %s zone", cats,
			 zone_name(e->zone) ?: "a");
		break;
	case PDGUARD_REASON_XATTR:
		snprintf(buf, len, "only the agent may change the label attribute");
		break;
	case PDGUARD_REASON_DERIVED:
		snprintf(buf, len, "written by a process that read %s: label derived", cats);
		break;
	case PDGUARD_REASON_GRANT:
		snprintf(buf, len, "granted %s", cats);
		break;
	case PDGUARD_REASON_RAW_DEVICE:
		snprintf(buf, len, "process that read %s writes the raw device of a usb zone",
			 cats);
		break;
	default:
		snprintf(buf, len, "reason %u", e->reason);
	}
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct pdg_bpf *b = ctx;
	const struct pdguard_event *e = data;
	char path[PDGUARD_EV_PATH_LEN + 64], target[PDGUARD_EV_TARGET_LEN + 64], comm[17];
	char reason[160], exe[PATH_MAX], link[64];
	struct event ev = {};
	ssize_t n;

	if (size < sizeof(*e))
		return 0;
	ev.ts_ns = e->ts_boot_ns + (clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_BOOTTIME));
	ev.op = op_name(e->op);
	ev.decision = decision_name(e->decision);
	reason_str(reason, sizeof(reason), e);
	ev.reason = reason;
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
	/* A full path when bpf_d_path was allowed, else the name, with the inode either way. */
	if (e->flags & PDGUARD_EV_PATH_FULL)
		snprintf(path, sizeof(path), "%.*s", PDGUARD_EV_PATH_LEN, e->path);
	else if ((e->flags & PDGUARD_EV_PATH_NAME) && !e->ino && e->target_ino)
		snprintf(path, sizeof(path), "%.*s (new, in dir dev %u:%u ino %llu)",
			 PDGUARD_EV_PATH_LEN, e->path, e->target_dev >> 20, e->target_dev & 0xfffff,
			 (unsigned long long)e->target_ino);
	else if (e->flags & PDGUARD_EV_PATH_NAME)
		snprintf(path, sizeof(path), "%.*s (dev %u:%u ino %llu)", PDGUARD_EV_PATH_LEN,
			 e->path, e->dev >> 20, e->dev & 0xfffff, (unsigned long long)e->ino);
	else
		snprintf(path, sizeof(path), "(dev %u:%u ino %llu)", e->dev >> 20, e->dev & 0xfffff,
			 (unsigned long long)e->ino);
	ev.path = path;
	if (e->flags & PDGUARD_EV_TARGET) {
		snprintf(target, sizeof(target), "%.*s (dir dev %u:%u ino %llu)",
			 PDGUARD_EV_TARGET_LEN, e->target, e->target_dev >> 20,
			 e->target_dev & 0xfffff, (unsigned long long)e->target_ino);
		ev.target = target;
	}
	ev.label = e->cats ? "pd" : "none";
	ev.categories = e->cats;
	ev.zone = zone_name(e->zone);
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

int pdg_bpf_prog_stats(struct pdg_bpf *b, pdg_bpf_prog_stat_cb cb, void *ctx)
{
	struct bpf_program *prog;

	if (!b->skel)
		return -ENOENT;
	bpf_object__for_each_program(prog, b->skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_program__autoload(prog))
			continue;
		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			return -errno;
		cb(ctx, bpf_program__name(prog), info.run_cnt, info.run_time_ns);
	}
	return 0;
}

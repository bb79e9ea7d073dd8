// SPDX-License-Identifier: GPL-2.0
/*
 * Loader of the BPF drivers: load, attach, pin, resume from pins, stop.
 * See loader.h for the API and docs/bpf.md for the design.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "drivers/bpf/session.h"
#include "pdguard.skel.h"

const char *const pdg_bpf_map_names[M__COUNT] = {
	[M_LABELS] = "pdguard_labels", [M_ILABEL] = "pdguard_ilabel", [M_SB] = "pdguard_sb",
	[M_CLOUD] = "pdguard_cloud",   [M_UROLES] = "pdguard_uroles", [M_GROLES] = "pdguard_groles",
	[M_GRANTS] = "pdguard_grants", [M_SYNC] = "pdguard_sync",     [M_CONFIG] = "pdguard_config",
	[M_STATS] = "pdguard_stats",   [M_EVENTS] = "pdguard_events", [M_TAINT] = "pdguard_taint",
	[M_PIPES] = "pdguard_pipes",   [M_XLABEL] = "pdguard_xlabel", [M_GUARD] = "pdguard_guard",
	[M_GUARD_IDS] = "pdguard_guard_ids", [M_GUARD_EXE] = "pdguard_guard_exe",
	[M_EXPORTS] = "pdguard_exports", [M_PLACES] = "pdguard_places",
	[M_RPLACES] = "pdguard_rplaces",
};

#define LSM_PREFIX "pdguard_lsm_"
#define FMR_PREFIX "pdguard_fmr_"
/* Programs that read labels through pdguard.ko's kfuncs end so, and replace their twin
 * (the same name without it) when the module offers them. */
#define KF_SUFFIX "_kf"

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
	if (pin_path(p, sizeof(p), pin_dir, "link_" LSM_PREFIX "file_open" KF_SUFFIX) == 0 &&
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
		ret = pin_path(p, sizeof(p), o->pin_dir, pdg_bpf_map_names[i]);
		if (ret)
			return ret;
		b->own_fd[i] = bpf_obj_get(p);
		/* fmod_ret mode has no inode storage; pins of ABI 1.3 have no guard, of 1.4 no
		 * export grants (their programs let no export out), of 1.6 no places (their
		 * programs let a scoped role read nothing) */
		if (b->own_fd[i] < 0 && errno == ENOENT &&
		    (i == M_ILABEL || i == M_XLABEL || i == M_GUARD || i == M_GUARD_IDS ||
		     i == M_GUARD_EXE || i == M_EXPORTS || i == M_PLACES || i == M_RPLACES))
			continue;
		if (b->own_fd[i] < 0) {
			ret = -errno;
			errf(err, "run 'pdguard bpf detach --break-glass' and start again",
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
		errf(err, "run 'pdguard bpf detach --break-glass' and start again",
		     "Pinned BPF maps in %s have ABI %u.%u, this agent %u.%u", o->pin_dir,
		     c.abi_major, c.abi_minor, PDGUARD_ABI_MAJOR, PDGUARD_ABI_MINOR);
		return -EPROTO;
	}
	b->resumed = true;
	b->label_src = c.label_src;
	if (b->map_fd[M_GUARD] >= 0) {
		struct pdguard_guard g;
		uint32_t k = 0;

		b->guarded = !bpf_map_lookup_elem(b->map_fd[M_GUARD], &k, &g) &&
			     (g.flags & PDGUARD_GUARD_ON);
	}
	if (o->keep_config)
		return 0;
	c.mode = o->mode;
	c.agent_tgid = o->agent_tgid;
	return pdg_bpf_config_write(b, &c);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* Is @prog one of the set to load: its attach mode, and its label source's twin? */
static bool prog_wanted(struct bpf_object *obj, struct bpf_program *prog, const char *prefix,
			bool kfuncs)
{
	const char *name = bpf_program__name(prog);
	char twin[128];

	if (strncmp(name, prefix, strlen(prefix)))
		return false;
	if (ends_with(name, KF_SUFFIX))
		return kfuncs;
	if (!kfuncs)
		return true;
	/* a map-only program gives way to its kfunc twin */
	snprintf(twin, sizeof(twin), "%s" KF_SUFFIX, name);
	return !bpf_object__find_program_by_name(obj, twin);
}

/* Open the object with the programs of @b's mode and label source marked for loading. */
static int open_object(struct pdg_bpf *b, bool kfuncs, struct pdg_bpf_error *err)
{
	const char *want = b->driver == PDGUARD_DRIVER_BPF_LSM ? LSM_PREFIX : FMR_PREFIX;
	struct bpf_program *prog;
	int ret;

	b->skel = pdguard_bpf__open();
	if (!b->skel) {
		ret = -errno;
		errf(err, NULL, "Failed to open the BPF object: %s", strerror(-ret));
		return ret;
	}
	bpf_object__for_each_program(prog, b->skel->obj)
		bpf_program__set_autoload(prog, prog_wanted(b->skel->obj, prog, want, kfuncs));
	/* Inode storage needs bpf in the LSM list: creating the map fails otherwise. */
	if (b->driver != PDGUARD_DRIVER_BPF_LSM) {
		bpf_map__set_autocreate(b->skel->maps.pdguard_ilabel, false);
		bpf_map__set_autocreate(b->skel->maps.pdguard_xlabel, false);
	}
	return 0;
}

/* ---- tamper protection (bpf/lib/guard.bpf.h) ---------------------------------------------- */

static int guard_add_id(int fd, uint32_t kind, uint32_t id)
{
	struct pdguard_guard_id k = { .kind = kind, .id = id };
	uint32_t one = 1;

	return bpf_map_update_elem(fd, &k, &one, BPF_NOEXIST) ? -errno : 0;
}

/*
 * Arm the guard: every map, program and link of this session by id, this process and the pin
 * directory, then freeze both maps so that nobody, the agent included, changes them again.
 * The programs learn this process's executable from its next bpf() call; from then on only
 * processes running it may touch the objects (docs/threat-model.md).
 */
static int guard_arm(struct pdg_bpf *b, const struct pdg_bpf_opts *o, struct pdg_bpf_error *err)
{
	int ids = b->map_fd[M_GUARD_IDS], gfd = b->map_fd[M_GUARD];
	struct pdguard_guard g = { .flags = PDGUARD_GUARD_ON };
	struct pdguard_guard_exe x;
	struct bpf_program *prog;
	struct bpf_map *map;
	struct stat st;
	uint32_t k = 0;
	int i, ret;

	bpf_object__for_each_map(map, b->skel->obj) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_map__autocreate(map) || bpf_map__fd(map) < 0)
			continue;
		if (bpf_obj_get_info_by_fd(bpf_map__fd(map), &info, &len))
			return -errno;
		ret = guard_add_id(ids, PDGUARD_GUARD_MAP, info.id);
		if (ret)
			goto fail;
	}
	bpf_object__for_each_program(prog, b->skel->obj) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (!bpf_program__autoload(prog))
			continue;
		if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len))
			return -errno;
		ret = guard_add_id(ids, PDGUARD_GUARD_PROG, info.id);
		if (ret)
			goto fail;
	}
	for (i = 0; i < b->n_links; i++) {
		struct bpf_link_info info = {};
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(bpf_link__fd(b->links[i]), &info, &len))
			return -errno;
		ret = guard_add_id(ids, PDGUARD_GUARD_LINK, info.id);
		if (ret)
			goto fail;
	}
	if (bpf_map_freeze(ids))
		return -errno;

	g.learn_tgid = getpid();
	if (o->pin_dir) {
		if (stat(o->pin_dir, &st))
			return -errno;
		g.pin_ino = st.st_ino;
		g.pin_dev = pdg_bpf_kdev(st.st_dev);
	}
	if (bpf_map_update_elem(gfd, &k, &g, BPF_ANY) || bpf_map_freeze(gfd))
		return -errno;
	/* this call passes the bpf hook, which learns our executable from it */
	if (bpf_map_lookup_elem(b->map_fd[M_GUARD_EXE], &k, &x))
		return -errno;
	if (bpf_map_lookup_elem(b->map_fd[M_GUARD_EXE], &k, &x) || !x.learnt) {
		errf(err, NULL, "The guard did not learn the agent's executable");
		return -EPROTO;
	}
	b->guarded = true;
	return 0;
fail:
	errf(err, NULL, "Failed to record pdguard's BPF objects for the guard: %s", strerror(-ret));
	return ret;
}

static int load_and_attach(struct pdg_bpf *b, const struct pdg_bpf_opts *o,
			   struct pdg_bpf_error *err)
{
	struct pdguard_bpf_config c = {
		.abi_major = PDGUARD_ABI_MAJOR,
		.abi_minor = PDGUARD_ABI_MINOR,
		.mode = o->mode,
		.agent_tgid = o->agent_tgid,
	};
	struct bpf_program *prog;
	struct bpf_map *map;
	char p[PATH_MAX];
	bool kfuncs;
	int i, ret;

	/* Labels from the files' xattrs where the module's kfuncs can be called (LSM mode). */
	kfuncs = b->driver == PDGUARD_DRIVER_BPF_LSM &&
		 pdg_bpf_module_kfuncs(b->label_src_why, sizeof(b->label_src_why));
	if (b->driver != PDGUARD_DRIVER_BPF_LSM)
		snprintf(b->label_src_why, sizeof(b->label_src_why),
			 "fmod_ret programs cannot call the label kfuncs");
	ret = open_object(b, kfuncs, err);
	if (ret)
		return ret;
	ret = pdguard_bpf__load(b->skel);
	if (ret && kfuncs) {
		/* The module's BTF is there but the kernel would not take the calls: keep going
		 * on the map, and say why. */
		snprintf(b->label_src_why, sizeof(b->label_src_why),
			 "the kernel refused the programs that call pdguard.ko's kfuncs: %s",
			 strerror(-ret));
		pdguard_bpf__destroy(b->skel);
		b->skel = NULL;
		kfuncs = false;
		ret = open_object(b, false, err);
		if (ret)
			return ret;
		ret = pdguard_bpf__load(b->skel);
	}
	b->label_src = kfuncs ? PDGUARD_LABEL_SRC_MODULE : PDGUARD_LABEL_SRC_MAP;
	c.label_src = b->label_src;
	if (ret) {
		errf(err, ret == -EPERM ? "this kernel refuses trampoline programs: use driver = "
					  "fanotify" : "set PDGUARD_BPF_DEBUG=1 for the verifier log",
		     "Failed to load the %s programs: %s", pdg_bpf_driver_name(b->driver),
		     strerror(-ret));
		return ret;
	}
	for (i = 0; i < M__COUNT; i++) {
		map = bpf_object__find_map_by_name(b->skel->obj, pdg_bpf_map_names[i]);
		if (!map)
			return -ENOENT;
		b->map_fd[i] = bpf_map__autocreate(map) ? bpf_map__fd(map) : -1;
	}
	ret = pdg_bpf_config_write(b, &c);
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
			map = bpf_object__find_map_by_name(b->skel->obj, pdg_bpf_map_names[i]);
			if (!bpf_map__autocreate(map))
				continue;
			ret = pin_path(p, sizeof(p), o->pin_dir, pdg_bpf_map_names[i]);
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
	return o->guard ? guard_arm(b, o, err) : 0;
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
	pdg_bpf_log_reset();

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

/* Delete every entry of a hash-like map (arrays, storage maps and the ring buffer have none). */
static int empty_map(int fd)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);
	char key[256];

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	switch (info.type) {
	case BPF_MAP_TYPE_HASH:
	case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		break;
	default:
		return 0;
	}
	if (info.key_size > sizeof(key))
		return -E2BIG;
	/* always the first key: deleting while walking would skip entries */
	while (!bpf_map_get_next_key(fd, NULL, key)) {
		if (bpf_map_delete_elem(fd, key) && errno != ENOENT)
			return -errno;
	}
	return errno == ENOENT ? 0 : -errno;
}

int pdg_bpf_reset(struct pdg_bpf *b, const struct pdg_bpf_opts *o, struct pdg_bpf_error *err)
{
	struct pdguard_bpf_config c;
	int i, ret;

	if (err)
		memset(err, 0, sizeof(*err));
	if (b->guarded) {
		errf(err, NULL, "A guarded session cannot be reset");
		return -EBUSY;
	}
	for (i = 0; i < M__COUNT; i++) {
		if (i == M_CONFIG || i == M_STATS || i == M_EVENTS || b->map_fd[i] < 0)
			continue;
		ret = empty_map(b->map_fd[i]);
		if (ret) {
			errf(err, NULL, "Failed to empty the map %s: %s", pdg_bpf_map_names[i],
			     strerror(-ret));
			return ret;
		}
	}
	ret = pdg_bpf_config_get(b, &c);
	if (!ret) {
		c.mode = o->mode;
		c.agent_tgid = o->agent_tgid;
		ret = pdg_bpf_config_write(b, &c);
	}
	if (ret) {
		errf(err, NULL, "Failed to write the programs' configuration: %s", strerror(-ret));
		return ret;
	}
	return apply_policy(b, o, err);
}

int pdg_bpf_attach(struct pdg_bpf **out, const char *pin_dir, enum pdguard_bpf_driver driver,
		   enum pdguard_mode mode, bool guard, struct pdg_bpf_error *err)
{
	struct pdg_bpf_opts o = { .driver = driver, .mode = mode, .pin_dir = pin_dir,
				  .guard = guard };

	return pdg_bpf_start(out, &o, err);
}

int pdg_bpf_open_pinned(struct pdg_bpf **out, const char *pin_dir, struct pdg_bpf_error *err)
{
	struct pdg_bpf_opts o = { .pin_dir = pin_dir, .keep_config = true };

	return pdg_bpf_start(out, &o, err);
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

enum pdguard_label_src pdg_bpf_label_src(const struct pdg_bpf *b, const char **why)
{
	if (why)
		*why = b->label_src_why;
	return b->label_src;
}

enum pdguard_bpf_driver pdg_bpf_driver(const struct pdg_bpf *b)
{
	return b->driver;
}

bool pdg_bpf_resumed(const struct pdg_bpf *b)
{
	return b->resumed;
}

bool pdg_bpf_guarded(const struct pdg_bpf *b)
{
	return b->guarded;
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

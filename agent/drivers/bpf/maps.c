// SPDX-License-Identifier: GPL-2.0
/*
 * The policy into the BPF maps: labels, roles, grants, zones, sync clients, the mode, and the
 * counters back out. Keys are the kernel's: (s_dev, ino), with userspace's dev_t converted.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "drivers/bpf/session.h"
#include "lib/vocab.h"

/* ---- settings ------------------------------------------------------------------------------ */

uint32_t pdg_bpf_kdev(dev_t dev)
{
	return PDGUARD_KDEV(major(dev), minor(dev));
}

int pdg_bpf_config_write(struct pdg_bpf *b, const struct pdguard_bpf_config *c)
{
	__u32 k = 0;

	return bpf_map_update_elem(b->map_fd[M_CONFIG], &k, c, BPF_ANY) ? -errno : 0;
}

int pdg_bpf_config_get(struct pdg_bpf *b, struct pdguard_bpf_config *c)
{
	__u32 k = 0;

	return bpf_map_lookup_elem(b->map_fd[M_CONFIG], &k, c) ? -errno : 0;
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
	struct pdguard_role v = { .read_cats = r->read_cats & PDGUARD_CAT_ALL,
				  .export_cats = r->export_cats & PDGUARD_CAT_ALL };
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

int pdg_bpf_grant_add(struct pdg_bpf *b, uint32_t uid, uint32_t cats, uint64_t expires_realtime_ns)
{
	uint64_t real = pdg_bpf_clock_ns(CLOCK_REALTIME), boot = pdg_bpf_clock_ns(CLOCK_BOOTTIME);
	struct pdguard_grant_key k = { .uid = uid };
	__u64 exp;
	int i;

	if (expires_realtime_ns <= real)
		return -EINVAL;
	exp = boot + (expires_realtime_ns - real);
	for (i = 0; i < PDG_CAT_COUNT; i++) {
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

	for (i = 0; i < PDG_CAT_COUNT; i++) {
		if (!(cats & (1U << i)))
			continue;
		k.cat_bit = i;
		if (bpf_map_delete_elem(b->map_fd[M_GRANTS], &k) && errno != ENOENT)
			return -errno;
	}
	return 0;
}

int pdg_bpf_export_set(struct pdg_bpf *b, const struct pdg_bpf_export *e)
{
	uint64_t real = pdg_bpf_clock_ns(CLOCK_REALTIME), boot = pdg_bpf_clock_ns(CLOCK_BOOTTIME);
	struct pdguard_export_key k = { .id = e->id, .group = e->group, .zone = e->zone };
	struct pdguard_export v = { 0 };
	int i;

	if (b->map_fd[M_EXPORTS] < 0)
		return -ENOENT;
	for (i = 0; i < 5; i++) {
		uint64_t end = e->until[i] > 0 ? (uint64_t)e->until[i] * 1000000000ULL : 0;

		/* an end already past stays 0: the program compares with CLOCK_BOOTTIME */
		v.until[i] = end > real ? boot + (end - real) : 0;
	}
	return bpf_map_update_elem(b->map_fd[M_EXPORTS], &k, &v, BPF_ANY) ? -errno : 0;
}

int pdg_bpf_export_remove(struct pdg_bpf *b, const struct pdg_bpf_export *e)
{
	struct pdguard_export_key k = { .id = e->id, .group = e->group, .zone = e->zone };

	if (b->map_fd[M_EXPORTS] < 0)
		return 0;
	return bpf_map_delete_elem(b->map_fd[M_EXPORTS], &k) && errno != ENOENT ? -errno : 0;
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

/*
 * After @keys (each @ksize bytes) were put into @fd: take out every other key. The stale keys
 * are gathered first, as deleting while iterating restarts the walk.
 */
static int map_keep_only(int fd, const void *keys, size_t n, size_t ksize)
{
	unsigned char cur[64], next[64], *stale = NULL, *ns;
	size_t nstale = 0, i;
	const void *prev = NULL;
	int ret = 0;

	if (ksize > sizeof(cur))
		return -EINVAL;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		for (i = 0; i < n; i++)
			if (!memcmp((const unsigned char *)keys + i * ksize, next, ksize))
				break;
		if (i == n) {
			ns = realloc(stale, (nstale + 1) * ksize);
			if (!ns) {
				free(stale);
				return -ENOMEM;
			}
			stale = ns;
			memcpy(stale + nstale++ * ksize, next, ksize);
		}
		memcpy(cur, next, ksize);
		prev = cur;
	}
	for (i = 0; i < nstale; i++)
		if (bpf_map_delete_elem(fd, stale + i * ksize) && errno != ENOENT)
			ret = -errno;
	free(stale);
	return ret;
}

int pdg_bpf_places_set(struct pdg_bpf *b, const char *const *paths, size_t n)
{
	struct pdguard_inode_key *keys;
	size_t i, nk = 0;
	int missing = 0, ret = 0;
	struct stat st;

	if (b->map_fd[M_PLACES] < 0)
		return n ? -EOPNOTSUPP : 0;
	keys = calloc(n ? n : 1, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		__u32 idx = i;

		if (inode_key(paths[i], &keys[nk], &st) || !S_ISDIR(st.st_mode)) {
			missing++;
			continue;
		}
		ret = sb_set(b, keys[nk].dev, PDGUARD_SB_PLACES, 0);
		if (!ret && bpf_map_update_elem(b->map_fd[M_PLACES], &keys[nk], &idx, BPF_ANY))
			ret = -errno;
		nk++;
	}
	/* a superblock's PLACES flag stays, as its CLOUD flag does: at worst a walk finds none */
	if (!ret)
		ret = map_keep_only(b->map_fd[M_PLACES], keys, nk, sizeof(*keys));
	free(keys);
	return ret ? ret : missing;
}

int pdg_bpf_role_places_set(struct pdg_bpf *b, const struct pdg_bpf_role_place *v, size_t n)
{
	struct pdguard_place_key *keys;
	size_t i;
	int ret = 0;

	if (b->map_fd[M_RPLACES] < 0)
		return n ? -EOPNOTSUPP : 0;
	keys = calloc(n ? n : 1, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < n && !ret; i++) {
		__u32 cats = v[i].read_cats & PDGUARD_CAT_ALL;

		if (v[i].place > 0xffff) {
			ret = -E2BIG;
			break;
		}
		keys[i] = (struct pdguard_place_key){ .id = v[i].id, .place = v[i].place,
						      .group = v[i].group };
		if (bpf_map_update_elem(b->map_fd[M_RPLACES], &keys[i], &cats, BPF_ANY))
			ret = -errno;
	}
	if (!ret)
		ret = map_keep_only(b->map_fd[M_RPLACES], keys, n, sizeof(*keys));
	free(keys);
	return ret;
}

static int app_add(struct pdg_bpf *b, const char *exe_path, __u32 kind)
{
	struct pdguard_inode_key k;
	int ret = inode_key(exe_path, &k, NULL);

	if (ret)
		return ret;
	return bpf_map_update_elem(b->map_fd[M_SYNC], &k, &kind, BPF_ANY) ? -errno : 0;
}

int pdg_bpf_sync_client_add(struct pdg_bpf *b, const char *exe_path)
{
	return app_add(b, exe_path, PDGUARD_APP_SYNC);
}

int pdg_bpf_exit_point_add(struct pdg_bpf *b, const char *exe_path)
{
	return app_add(b, exe_path, PDGUARD_APP_EXIT);
}

int pdg_bpf_server_add(struct pdg_bpf *b, const char *exe_path)
{
	return app_add(b, exe_path, PDGUARD_APP_SERVER);
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
	return pdg_bpf_config_write(b, &c);
}

const char *pdg_bpf_label_src_name(enum pdguard_label_src s)
{
	switch (s) {
	case PDGUARD_LABEL_SRC_MODULE:
		return "file xattrs (pdguard.ko kfuncs)";
	case PDGUARD_LABEL_SRC_MAP:
		return "labels map";
	default:
		return "?";
	}
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
		[PDGUARD_BPF_CNT_XATTR_READ] = "label_xattr_reads",
		[PDGUARD_BPF_CNT_XATTR_CACHED] = "label_xattr_cached",
		[PDGUARD_BPF_CNT_XATTR_ERROR] = "label_xattr_errors",
		[PDGUARD_BPF_CNT_FORGOTTEN] = "labels_forgotten",
		[PDGUARD_BPF_CNT_TAMPER] = "tamper_refused",
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

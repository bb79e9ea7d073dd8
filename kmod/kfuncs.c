// SPDX-License-Identifier: GPL-2.0
/*
 * Label kfuncs: pdguard's BPF LSM programs read a file's label xattr (PDGUARD_XATTR_NAME) in the
 * kernel through these on kernels whose own xattr kfuncs are missing (6.1) or refuse the
 * security.bpf.* names (6.8 to 6.12 read only user.*). So a file labelled on disk is enforced at
 * its first open, before the agent has seen it, and the agent's labels map is only a cache.
 *
 * Registering kfuncs needs the module's own BTF (generated after the Kbuild step by
 * scripts/kmod-btf against the target kernel's BTF). A module built without it loads and serves
 * the control channel, says so once in the kernel log and in `pdguard status`, and the BPF
 * programs keep the labels map.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bpf.h>
#include <linux/btf.h>
#include <linux/btf_ids.h>
#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/xattr.h>

#include "pdguard.h"

/*
 * Read @dentry's label. Returns the label packed as (level << 32 | categories) (>= 0), or a
 * negative errno: -ENODATA no label, -EOPNOTSUPP the filesystem has no xattrs, -EBADMSG the
 * value is not a label of a version we know (the agent logs and rewrites such a value; the
 * caller treats it as the strictest label).
 *
 * __vfs_getxattr, not vfs_getxattr: no permission check and no LSM hook (ours included). The
 * value is ours to read whoever opens the file, and the hook must not recurse.
 */
static s64 pdguard_read_label(struct dentry *dentry)
{
	struct inode *inode = d_inode(dentry);
	struct pdguard_label_xattr x;
	ssize_t n;

	if (!inode)
		return -ENOENT;
	if (!(inode->i_opflags & IOP_XATTR))
		return -EOPNOTSUPP;
	n = __vfs_getxattr(dentry, inode, PDGUARD_XATTR_NAME, &x, sizeof(x));
	atomic64_inc(&pdguard_state.cnt[PDGUARD_CNT_LABEL_READS]);
	if (n == -ERANGE)
		return -EBADMSG;	/* longer than any label we write */
	if (n < 0)
		return n;
	if (n != sizeof(x) || x.magic != PDGUARD_LABEL_MAGIC ||
	    x.version != PDGUARD_LABEL_VERSION || x.level >= __PDGUARD_LEVEL_MAX)
		return -EBADMSG;
	return (s64)((u64)x.level << 32 | (le32_to_cpu((__force __le32)x.categories) &
					     PDGUARD_CAT_ALL));
}

/* Older compilers know no __bpf_kfunc: keep the symbols and their BTF without it. */
__diag_push();
__diag_ignore_all("-Wmissing-prototypes", "kfuncs are called from BPF programs, not from C");

/**
 * bpf_pdguard_file_label - the label xattr of the file behind @file
 * @file: an open file, as the LSM hooks receive it
 *
 * Sleepable: the filesystem may read the xattr from disk.
 */
noinline s64 bpf_pdguard_file_label(struct file *file)
{
	return pdguard_read_label(file->f_path.dentry);
}

/**
 * bpf_pdguard_dentry_label - the label xattr of the file @dentry names
 * @dentry: a positive dentry (rename, link: the source)
 */
noinline s64 bpf_pdguard_dentry_label(struct dentry *dentry)
{
	return pdguard_read_label(dentry);
}

__diag_pop();

/* 6.9+ refuses a kfunc set not marked as such (BTF_KFUNCS_START); 6.1 has only BTF_SET8. */
#ifdef BTF_KFUNCS_START
BTF_KFUNCS_START(pdguard_kfunc_ids)
#else
BTF_SET8_START(pdguard_kfunc_ids)
#endif
BTF_ID_FLAGS(func, bpf_pdguard_file_label, KF_SLEEPABLE)
BTF_ID_FLAGS(func, bpf_pdguard_dentry_label, KF_SLEEPABLE)
#ifdef BTF_KFUNCS_END
BTF_KFUNCS_END(pdguard_kfunc_ids)
#else
BTF_SET8_END(pdguard_kfunc_ids)
#endif

static const struct btf_kfunc_id_set pdguard_kfunc_set = {
	.owner = THIS_MODULE,
	.set = &pdguard_kfunc_ids,
};

/* Register the kfuncs for BPF LSM programs; failure leaves the module useful without them. */
void pdguard_kfuncs_init(void)
{
	int ret = register_btf_kfunc_id_set(BPF_PROG_TYPE_LSM, &pdguard_kfunc_set);

	if (ret) {
		pr_warn("label kfuncs not registered (%d): the module has no BTF of its own; "
			"the BPF programs keep the labels map. Rebuild with scripts/kmod-btf.\n",
			ret);
		return;
	}
	pdguard_state.kfuncs = true;
}

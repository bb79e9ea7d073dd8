// SPDX-License-Identifier: GPL-2.0
/*
 * pdguard.ko: the optional kernel side of pdguard.
 *
 * Gives pdguard's BPF LSM programs kfuncs that read a file's label xattr in the kernel (kfuncs.c:
 * a file labelled on disk is enforced at first open on kernels without usable built-in xattr
 * kfuncs), and administrators and the agent a stable control channel (generic netlink family
 * "pdguard": status, mode, heartbeat, events). The product runs without this module (the BPF
 * programs then read labels from the agent's map); nothing here is needed to boot, and the
 * module starts in audit mode.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/socket.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>

#include "pdguard.h"

struct pdguard_state pdguard_state = {
	.mode = PDGUARD_MODE_AUDIT,
	.lock = __SPIN_LOCK_UNLOCKED(pdguard_state.lock),
};

static int __init pdguard_init(void)
{
	int ret;

	pdguard_state.loaded_ns = ktime_get_boottime_ns();
	pdguard_kfuncs_init();
	ret = pdguard_genl_init();
	if (ret) {
		pr_err("cannot register the generic netlink family: %d\n", ret);
		return ret;
	}
	pr_info("loaded, ABI %u.%u, mode audit, label kfuncs %s\n", PDGUARD_ABI_MAJOR,
		PDGUARD_ABI_MINOR, pdguard_state.kfuncs ? "registered" : "absent");
	return 0;
}

static void __exit pdguard_exit(void)
{
	pdguard_genl_exit();
	pr_info("unloaded\n");
}

module_init(pdguard_init);
module_exit(pdguard_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("pdguard personal-data control: label kfuncs and control channel");
/* the package's version (the VERSION file, through kmod/Kbuild); the ABI has its own field */
MODULE_VERSION(PDGUARD_VERSION);
MODULE_INFO(abi, __stringify(PDGUARD_ABI_MAJOR) "." __stringify(PDGUARD_ABI_MINOR));
/* Lets genl_ctrl_resolve() autoload an installed module, as MODULE_ALIAS_GENL_FAMILY does. */
MODULE_ALIAS("net-pf-" __stringify(PF_NETLINK) "-proto-" __stringify(NETLINK_GENERIC)
	     "-family-" PDGUARD_GENL_NAME);

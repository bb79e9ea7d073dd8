/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The policy file is the one source of the enforcement mode: `pdguard mode` changes the mode by
 * rewriting its `mode =` line, and the running agent applies it on SIGHUP to the kernel module
 * and the BPF maps (docs/agent.md, "One mode").
 */
#ifndef PDGUARD_MODEFILE_H
#define PDGUARD_MODEFILE_H

#include <stddef.h>

/**
 * config_set_mode() - set `mode =` in the [agent] section of the policy @path
 * @mode: enum pdguard_mode
 * @old_mode: set to the mode the file gave before (enum pdguard_mode)
 * @err: a sentence saying what went wrong, for the CLI
 *
 * Every other line is kept as it was (comments, order, other sections); a missing `mode =` line
 * is added after the [agent] header, a missing [agent] section at the top. The new file is
 * checked (config_load()) before it replaces the old one atomically with the same owner and
 * permissions, so a failed change leaves the old policy in force.
 * Return: 0 changed (or already so), -EINVAL when the policy has errors (@err names the first),
 * -EPERM/-EACCES when it may not be written, -EBUSY when a drop-in (@path.d/NAME.conf) sets the
 * mode and would override the line written (@err names it), other -errno.
 */
int config_set_mode(const char *path, int mode, int *old_mode, char *err, size_t errlen);

#endif /* PDGUARD_MODEFILE_H */

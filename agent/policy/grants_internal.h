/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the grants' files share (grants.c, grants_check.c): the file read again, under g->lock.
 * Not for use outside agent/policy/grants*.c.
 */
#ifndef PDGUARD_GRANTS_INTERNAL_H
#define PDGUARD_GRANTS_INTERNAL_H

#include <stdbool.h>

#include "policy/grants.h"

/* Read the file into @g (replacing what it held). Caller holds g->lock. */
int load_locked(struct grants *g);
/* Did the file change since we read it? Caller holds g->lock. */
bool changed_locked(struct grants *g);

#endif /* PDGUARD_GRANTS_INTERNAL_H */

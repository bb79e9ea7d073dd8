/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the policy parser's files share (config.c, config_sections.c): the state of one parse
 * and the calls each makes into the other. Not for use outside agent/policy/config*.c.
 */
#ifndef PDGUARD_CONFIG_INTERNAL_H
#define PDGUARD_CONFIG_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "policy/config.h"

struct parse {
	FILE *f;
	const char *file;
	unsigned int line;
	struct config *cfg;
	struct config_errors *errs;
	char last_bad_section[64];
	int oom;
	char where[PATH_MAX + 16];
};

/* config.c */
void add_error(struct parse *p, const char *fmt, ...);
const char *here(struct parse *p);
int set_origin(struct config *c, const char *key, const char *from, bool append);

/* config_sections.c: inih's handler, one line of any section */
int handler(void *user, const char *section, const char *key, const char *value);

#endif /* PDGUARD_CONFIG_INTERNAL_H */

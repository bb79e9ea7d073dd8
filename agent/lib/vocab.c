// SPDX-License-Identifier: GPL-2.0
/*
 * The vocabulary tables (lib/vocab.h). Reasons are worded once here for every driver: the texts
 * are what an employee, an InfoSec engineer and an inspector read in the log, so they name the
 * role, the categories and the zone rather than an internal code.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/vocab.h"

static const char *const category_names[PDG_CAT_COUNT] = {
#define PDG_X(up, name) [PDG_CAT_##up] = name,
	PDG_CATEGORY_LIST(PDG_X)
#undef PDG_X
};

const char *vocab_category_name(int i)
{
	return i >= 0 && i < PDG_CAT_COUNT ? category_names[i] : "none";
}

int vocab_category_find(const char *name)
{
	int i;

	for (i = 0; i < PDG_CAT_COUNT; i++)
		if (!strcmp(category_names[i], name))
			return i;
	return -1;
}

size_t vocab_categories_format(uint32_t cats, const char *sep, const char *empty, char *buf,
			       size_t len)
{
	size_t off = 0, n;
	int i;

	if (!len)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < PDG_CAT_COUNT; i++) {
		if (!(cats & (1U << i)))
			continue;
		n = (size_t)snprintf(buf + off, len - off, "%s%s", off ? sep : "",
				     category_names[i]);
		off = off + n < len ? off + n : len - 1;
	}
	if (!off && empty)
		off = (size_t)snprintf(buf, len, "%s", empty);
	return off < len ? off : len - 1;
}

void vocab_categories_json(FILE *f, uint32_t cats)
{
	bool first = true;
	int i;

	fputc('[', f);
	for (i = 0; i < PDG_CAT_COUNT; i++) {
		if (!(cats & (1U << i)))
			continue;
		fprintf(f, "%s\"%s\"", first ? "" : ",", vocab_category_name(i));
		first = false;
	}
	fputc(']', f);
}

int vocab_categories_parse(const char *s, uint32_t *cats, char *bad, size_t badlen)
{
	char word[32];
	size_t n;
	int i;

	*cats = 0;
	while (*s) {
		s += strspn(s, " \t,");
		n = strcspn(s, " \t,");
		if (!n)
			break;
		if (n >= sizeof(word))
			i = -1;
		else {
			memcpy(word, s, n);
			word[n] = '\0';
			i = vocab_category_find(word);
		}
		if (i < 0) {
			if (bad && badlen)
				snprintf(bad, badlen, "%.*s", (int)n, s);
			return -EINVAL;
		}
		*cats |= 1U << i;
		s += n;
	}
	return 0;
}

const char *vocab_op_name(unsigned int op)
{
	static const char *const names[__PDGUARD_OP_MAX] = {
		[PDGUARD_OP_NONE] = "none",	    [PDGUARD_OP_OPEN] = "open",
		[PDGUARD_OP_READ] = "read",	    [PDGUARD_OP_WRITE] = "write",
		[PDGUARD_OP_CREATE] = "create",	    [PDGUARD_OP_RENAME] = "rename",
		[PDGUARD_OP_LINK] = "link",	    [PDGUARD_OP_MMAP] = "mmap",
		[PDGUARD_OP_SETXATTR] = "setxattr", [PDGUARD_OP_REMOVEXATTR] = "removexattr",
		[PDGUARD_OP_LABEL] = "label",	    [PDGUARD_OP_MPROTECT] = "mprotect",
		[PDGUARD_OP_BPF] = "bpf",	    [PDGUARD_OP_UNPIN] = "unpin",
		[PDGUARD_OP_PTRACE] = "ptrace",	    [PDGUARD_OP_UMOUNT] = "umount",
		[PDGUARD_OP_PRCTL] = "prctl",
	};

	return op < __PDGUARD_OP_MAX && names[op] ? names[op] : "unknown";
}

const char *vocab_decision_name(unsigned int decision)
{
	static const char *const names[__PDGUARD_DECISION_MAX] = {
		[PDGUARD_DECISION_ALLOW] = "allow",
		[PDGUARD_DECISION_DENY] = "deny",
		[PDGUARD_DECISION_WOULD_DENY] = "would-deny",
		[PDGUARD_DECISION_INFO] = "info",
	};

	return decision < __PDGUARD_DECISION_MAX ? names[decision] : "unknown";
}

const char *vocab_zone_name(unsigned int zone)
{
	static const char *const names[__PDGUARD_ZONE_MAX] = {
		[PDGUARD_ZONE_USB] = "usb",
		[PDGUARD_ZONE_CLOUD] = "cloud",
		[PDGUARD_ZONE_DEEP] = "cloud-unknown-depth",
	};

	return zone < __PDGUARD_ZONE_MAX ? names[zone] : NULL;
}

const char *vocab_level_name(unsigned int level)
{
	static const char *const names[__PDGUARD_LEVEL_MAX] = {
		[PDGUARD_LEVEL_NONE] = "none",
		[PDGUARD_LEVEL_PD] = "pd",
		[PDGUARD_LEVEL_DERIVED] = "derived",
	};

	return level < __PDGUARD_LEVEL_MAX ? names[level] : "unknown";
}

/*
 * The reason texts. %C is the categories, %R the roles, %Z the zone, %S the program (a sync
 * client, an exit point); a
 * second text, when present, is used when the roles are not known (NULL or empty).
 */
static const struct {
	const char *text;
	const char *no_roles;
} reasons[__PDGUARD_REASON_MAX] = {
	[PDGUARD_REASON_NONE] = { "", NULL },
	[PDGUARD_REASON_PD_READ] = { "role %R may read %C", "may read %C" },
	[PDGUARD_REASON_ROLE] = { "role %R may not read %C", "no role of this user may read %C" },
	[PDGUARD_REASON_SYNC_CLIENT] = { "sync client %S may not read PD (%C)", NULL },
	[PDGUARD_REASON_TAINT_TO_ZONE] = { "a process that read PD (%C) may not open files on a "
					   "%Z zone", NULL },
	[PDGUARD_REASON_LABELLED_TO_ZONE] = { "a file labelled %C may not be moved into a %Z zone",
					      NULL },
	[PDGUARD_REASON_XATTR] = { "only the agent may change the label attribute", NULL },
	[PDGUARD_REASON_DERIVED] = { "written by a process tainted with %C: label derived", NULL },
	[PDGUARD_REASON_GRANT] = { "granted: %C (role %R)", "granted: %C (role none)" },
	[PDGUARD_REASON_RAW_DEVICE] = { "a process that read PD (%C) may not write the raw device "
					"of a %Z zone", NULL },
	[PDGUARD_REASON_UNKNOWN_USER] = { "the opener's user is unknown", NULL },
	[PDGUARD_REASON_ZONE_WRITE_AFTER] = { "a process tainted with %C wrote a file on a %Z zone",
					      NULL },
	[PDGUARD_REASON_MOVED_TO_ZONE] = { "a file labelled %C was moved into a %Z zone", NULL },
	[PDGUARD_REASON_TAMPER] = { "only the pdguard agent may touch pdguard's BPF maps, programs, "
				    "links and pins", NULL },
	[PDGUARD_REASON_ADMIN] = { "enforcement changed by an administrator", NULL },
	[PDGUARD_REASON_EXPORT] = { "export of %C to a %Z zone allowed", NULL },
	[PDGUARD_REASON_SERVICE] = { "service account %R may read %C",
				      "a service account may read %C" },
	[PDGUARD_REASON_EXIT_POINT] = { "exit-point application %S may open PD (%C) only under a "
					"grant", NULL },
};

void vocab_reason_format(char *buf, size_t len, unsigned int reason,
			 const struct reason_args *a)
{
	static const struct reason_args none;
	const char *t, *sub;
	char cats[96];
	size_t off = 0;

	if (!len)
		return;
	if (!a)
		a = &none;
	buf[0] = '\0';
	if (reason >= __PDGUARD_REASON_MAX) {
		snprintf(buf, len, "reason %u", reason);
		return;
	}
	t = reasons[reason].text;
	if (reasons[reason].no_roles && (!a->roles || !a->roles[0]))
		t = reasons[reason].no_roles;
	vocab_categories_format(a->cats, ",", "none", cats, sizeof(cats));
	for (; *t && off + 1 < len; t++) {
		if (t[0] != '%' || !t[1]) {
			buf[off++] = *t;
			continue;
		}
		switch (*++t) {
		case 'C': sub = cats; break;
		case 'R': sub = a->roles ? a->roles : ""; break;
		case 'Z': sub = a->zone ? a->zone : "restricted"; break;
		case 'S': sub = a->client ? a->client : "(unknown)"; break;
		default: sub = "%"; break;
		}
		off += (size_t)snprintf(buf + off, len - off, "%s", sub);
		if (off >= len)
			off = len - 1;
	}
	buf[off] = '\0';
	if (a->note && a->note[0] && off + 1 < len)
		snprintf(buf + off, len - off, "; %s", a->note);
}
